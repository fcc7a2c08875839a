//! Definition of [`DoneCallback`].

use std::fmt;
use std::sync::Arc;

use crate::Future;

/// A callback to run when a future is done, given the future.
///
/// Python: the callable passed to `future.add_done_callback(fn)`
///
/// A cheap, shared handle: [`remove_done_callback`](Future::remove_done_callback) removes
/// every registration of *this* callback (the same `DoneCallback` or a clone of it), as
/// Python compares callbacks by equality.
///
/// # Examples
///
/// ```
/// use aio_futures::DoneCallback;
///
/// let callback = DoneCallback::new(|future: &aio_futures::Future<u32>| {
///     println!("done: {:?}", future.result());
/// });
/// let same = callback.clone();
/// assert!(callback.is(&same));
/// ```
pub struct DoneCallback<T> {
    f: Arc<CallbackFn<T>>,
    /// The closure's Rust type name, for the exception handler's report.
    name: &'static str,
}

/// What a done callback calls.
type CallbackFn<T> = dyn Fn(&Future<T>) + Send + Sync;

impl<T> DoneCallback<T> {
    /// A callback running `f`.
    ///
    /// Python: `def callback(future): ...`
    pub fn new<F>(f: F) -> DoneCallback<T>
    where
        F: Fn(&Future<T>) + Send + Sync + 'static,
    {
        DoneCallback {
            f: Arc::new(f),
            name: std::any::type_name::<F>(),
        }
    }

    /// The closure's Rust type name (asyncio's report prints the function's name).
    pub(crate) fn name(&self) -> &'static str {
        self.name
    }

    /// Whether `self` and `other` are the same callback.
    ///
    /// Python: `callback == other`
    pub fn is(&self, other: &DoneCallback<T>) -> bool {
        Arc::ptr_eq(&self.f, &other.f)
    }

    pub(crate) fn call(&self, future: &Future<T>) {
        (self.f)(future);
    }
}

impl<T> Clone for DoneCallback<T> {
    fn clone(&self) -> Self {
        DoneCallback {
            f: Arc::clone(&self.f),
            name: self.name,
        }
    }
}

impl<T> fmt::Debug for DoneCallback<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DoneCallback { .. }")
    }
}
