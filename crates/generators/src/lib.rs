//! Async iterators and async generators on stable Rust.
//!
//! (crate docs: see below)

mod co;
mod error;
mod generator;

pub use crate::co::{Co, Yield};
pub use crate::error::{GeneratorError, Thrown};
pub use crate::generator::{AsyncGenerator, Close, Request};
