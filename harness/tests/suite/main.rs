//! The harness's tests, in one binary: one link of the harness instead of one per file
//! (each link is half a gigabyte of monomorphised scenarios). Run one part with
//! `cargo test -p aio-harness --test suite sync::`, one runtime with `... smol`.

mod common;

mod conformance_asyncgen;
mod conformance_futures;
mod conformance_locks;
mod conformance_pep492;
mod conformance_queues;
mod conformance_runners;
mod conformance_taskgroups;
mod conformance_tasks;
mod conformance_timeouts;
mod conformance_waitfor;
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
