set shell := ["bash", "-euo", "pipefail", "-c"]

_default:
    @just --list --unsorted

# Everything CI runs, in CI order
test-all: fmt-check lint test loom docs-check oracle-check

# The whole test suite (the README's test command); RUNTIME filters the matrix (tokio, tokio_mt, async_std, smol)
test RUNTIME="":
    cargo test --workspace {{RUNTIME}}

# Check formatting
fmt-check:
    cargo fmt --all -- --check

# Clippy on everything, warnings denied
lint:
    cargo clippy --workspace --all-targets -- -D warnings

# Every scenario on every runtime beside CPython (add --real-time, --runtime R, or names)
compare *ARGS:
    cargo run --release -q -p aio-harness -- compare {{ARGS}}

# The scenarios by concept
list:
    cargo run -q -p aio-harness -- list

# Regenerate docs/ from the scenarios, snapshots and oracle traces
docs:
    cargo run -q -p aio-harness -- docs

# Fail, naming the files, when docs/ is stale
docs-check:
    cargo run -q -p aio-harness -- docs --check

# Re-run the CPython twins and rewrite their committed traces (review the diff)
oracle *NAMES:
    cargo run -q -p aio-harness -- oracle {{NAMES}}

# Fail when a committed CPython trace is stale (skipped without python3 >= 3.11)
oracle-check:
    cargo run -q -p aio-harness -- oracle --check

# Run the whole test suite N times in a row with the other core kept busy; any failure fails
flake-check N="30":
    cargo run --release -q -p aio-harness -- flake-check {{N}} --busy

# Benchmarks: ours vs native vs CPython on every runtime; writes docs/performance.md (add --quick, names)
bench *ARGS: bench-deps
    cargo run --release -q -p aio-harness -- bench {{ARGS}}

# The optional Python side of the benchmarks: uvloop (harness/bench/requirements.txt), so
# that `aio bench` also runs every CPython twin on uvloop
bench-deps:
    python3 -m pip install --quiet --disable-pip-version-check -r harness/bench/requirements.txt

# Unit tests of every crate under Miri (nightly; installs miri and rust-src when missing)
miri:
    rustup +nightly component add miri rust-src && cargo +nightly miri test --workspace --lib --exclude aio-harness

# loom models of the hand-rolled synchronisation (crates/*/tests/loom.rs). The cfg is
# `aio_loom`, not `loom`: tokio and concurrent-queue react to `cfg(loom)` themselves and do
# not build with it. Preemptions are bounded so that the models stay well inside CI's time.
# Add `-p aio-<crate>` for each crate that gains a tests/loom.rs. Task state (aio-rt's
# JoinHandle cell, aio-tasks' Inner) is reached only through a Runtime, and none runs
# inside a loom model: its models are unit tests, `mod loom_models` in src/join.rs and
# src/inner.rs, run by the second command.
loom:
    LOOM_MAX_PREEMPTIONS=3 RUSTFLAGS="--cfg aio_loom" CARGO_TARGET_DIR=target/loom cargo test --release --test loom -p aio-futures -p aio-sync -p aio-queues
    LOOM_MAX_PREEMPTIONS=3 RUSTFLAGS="--cfg aio_loom" CARGO_TARGET_DIR=target/loom cargo test --release --lib -p aio-rt -p aio-tasks loom_models

# The classic time.sleep / asyncio.sleep demonstration on the warp clock beside CPython's
# output, on every runtime (timed: real-time readings, so not part of `just test`).
warp-demo:
    cargo test -p aio-harness --test suite warp:: -- --include-ignored

# Differential fuzzing against CPython: N generated programs from SEED on every runtime,
# each difference shrunk into harness/fuzz-corpus/ (PYTHON: 3.11, 3.12 or 3.13)
fuzz N="10000" SEED="1000" PYTHON="3.11":
    cargo run --release -q -p aio-harness -- fuzz --programs {{N}} --seed {{SEED}} --python {{PYTHON}}

# `aio docs` writes book/src/ (the docs/ pages with Python and Rust side by side and a tab
# per runtime), mdBook builds it into target/book/.
# The book (mdBook, installed when missing): target/book/index.html
book:
    [ "$(mdbook --version 2>/dev/null)" = "mdbook v{{mdbook_version}}" ] || cargo install mdbook --locked --version {{mdbook_version}} --no-default-features --features search
    cargo run -q -p aio-harness -- docs
    mdbook build book
    du -sh target/book

# Debian's chromium (installed when missing) loads two pages of the built book headless from
# localhost; the DOM must have the side-by-side layout and the runtime tabs.
# Browser check of the book (headless chromium); screenshots in target/book-check/
book-check: book
    bash book/check.sh

mdbook_version := "0.5.4"
