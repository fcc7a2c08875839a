//! The harness's tests, in one binary: one link of the harness instead of one per file
//! (each link is half a gigabyte of monomorphised scenarios). Run one part with
//! `cargo test -p aio-harness --test suite sync::`, one runtime with `... smol`. Beside
//! it: `conformance` (CPython's tests, ported) and `resources` (a process of its own).

mod common;

mod errors;
mod event_loop;
mod exceptions;
mod futures;
mod fuzz;
mod gather;
mod generators;
mod harness;
mod queues;
mod registry;
mod runtime;
mod shield;
mod sleep;
mod stress;
mod sync;
mod tasks;
mod wait;
mod warp;
