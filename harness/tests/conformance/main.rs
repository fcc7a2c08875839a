//! CPython's own asyncio tests (`Lib/test/test_asyncio`), ported: one module per CPython
//! file, each test run on all five runtimes in virtual time. `aio conformance` runs them
//! (`cargo test -p aio-harness --test conformance <file>::`) and joins the outcomes with
//! the tables in `harness/conformance/`.

#[path = "../suite/common/mod.rs"]
mod common;

mod asyncgen;
mod futures;
mod locks;
mod pep492;
mod queues;
mod runners;
mod taskgroups;
mod tasks;
mod timeouts;
mod waitfor;
