//! Definition of a runtime's one exception handler: [`ExceptionContext`] (what it is told),
//! [`ContextObject`] (the objects in it), [`ExceptionHandler`], [`Reporter`] (the slot that
//! holds the handler) and [`default_exception_handler`].
//!
//! asyncio sends everything nobody else can hear to one place, the loop's exception
//! handler: an exception in a callback, a task or future exception never retrieved, an
//! error while closing an async generator. Here each runtime has one [`Reporter`]
//! ([`Runtime::reporter`](crate::Runtime::reporter)), and every crate reports there:
//! `aio-rt` (a panic in a task whose `JoinHandle` was dropped), `aio-loop` (a callback
//! that panicked), `aio-tasks` (a task failure never retrieved), `aio-futures` (a future
//! exception never retrieved, a done callback that panicked) and `aio-generators` (a
//! close on drop that failed).

use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex, PoisonError};

use crate::{PyError, PyException, TaskId, format_exception};

/// What the exception handler is told: asyncio's `context` dict, one field per key.
///
/// Python: the `context` dict passed to `loop.call_exception_handler(context)`
///
/// | asyncio report | `message` | other keys |
/// |---|---|---|
/// | an exception in a callback | `Exception in callback ...` | `exception`, `handle` |
/// | a task exception never retrieved | `Task exception was never retrieved` | `exception`, `future` (the task) |
/// | a future exception never retrieved | `Future exception was never retrieved` | `exception`, `future` |
/// | an error while closing an async generator on drop | `Task exception was never retrieved` (the closing task's) | `exception`, `future` |
///
/// `Display` is the default handler's report (see [`default_exception_handler`]).
///
/// # Examples
///
/// ```
/// use aio_rt::{ContextObject, ExceptionContext, PyError};
///
/// let context = ExceptionContext::new("Task exception was never retrieved")
///     .with_exception(&PyError::new("Exception", "not consumed"))
///     .with_future(ContextObject::new("<Task finished name='Task-2' coro=<f> exception=Exception('not consumed')>"));
/// assert_eq!(
///     context.to_string(),
///     "Task exception was never retrieved\n\
///      future: <Task finished name='Task-2' coro=<f> exception=Exception('not consumed')>\n\
///      Exception: not consumed"
/// );
/// assert_eq!(context.keys(), ["exception", "future", "message"]);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ExceptionContext {
    /// What happened.
    ///
    /// Python: `context['message']`
    pub message: String,
    /// The exception, as the Python exception it stands for (a panic is a bare
    /// `Exception` with its message).
    ///
    /// Python: `context['exception']`
    pub exception: Option<PyError>,
    /// The task or future whose exception was never retrieved.
    ///
    /// Python: `context['future']`
    pub future: Option<ContextObject>,
    /// The task concerned, in the reports asyncio gives a `task` key.
    ///
    /// Python: `context['task']`
    pub task: Option<ContextObject>,
    /// The callback that raised.
    ///
    /// Python: `context['handle']`
    pub handle: Option<ContextObject>,
    /// The async generator whose closing failed.
    ///
    /// Python: `context['asyncgen']`
    pub asyncgen: Option<ContextObject>,
}

impl ExceptionContext {
    /// A context with `message` and no other key.
    ///
    /// Python: `{'message': message}`
    pub fn new(message: impl Into<String>) -> ExceptionContext {
        ExceptionContext {
            message: message.into(),
            ..ExceptionContext::default()
        }
    }

    /// Sets the `exception` key to the Python exception `exception` stands for.
    ///
    /// Python: `context['exception'] = exception`
    #[must_use]
    pub fn with_exception(mut self, exception: &(impl PyException + ?Sized)) -> ExceptionContext {
        self.exception = Some(PyError::from_py(exception));
        self
    }

    /// Sets the `future` key.
    ///
    /// Python: `context['future'] = future`
    #[must_use]
    pub fn with_future(mut self, future: ContextObject) -> ExceptionContext {
        self.future = Some(future);
        self
    }

    /// Sets the `task` key.
    ///
    /// Python: `context['task'] = task`
    #[must_use]
    pub fn with_task(mut self, task: ContextObject) -> ExceptionContext {
        self.task = Some(task);
        self
    }

    /// Sets the `handle` key.
    ///
    /// Python: `context['handle'] = handle`
    #[must_use]
    pub fn with_handle(mut self, handle: ContextObject) -> ExceptionContext {
        self.handle = Some(handle);
        self
    }

    /// Sets the `asyncgen` key.
    ///
    /// Python: `context['asyncgen'] = agen`
    #[must_use]
    pub fn with_asyncgen(mut self, asyncgen: ContextObject) -> ExceptionContext {
        self.asyncgen = Some(asyncgen);
        self
    }

    /// The keys present, sorted, as `sorted(context)` lists them.
    ///
    /// Python: `sorted(context)`
    pub fn keys(&self) -> Vec<&'static str> {
        self.objects()
            .filter_map(|(key, object)| object.map(|_| key))
            .chain(self.exception.as_ref().map(|_| "exception"))
            .chain(std::iter::once("message"))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect()
    }

    /// The object keys, in sorted order.
    fn objects(&self) -> impl Iterator<Item = (&'static str, Option<&ContextObject>)> {
        [
            ("asyncgen", self.asyncgen.as_ref()),
            ("future", self.future.as_ref()),
            ("handle", self.handle.as_ref()),
            ("task", self.task.as_ref()),
        ]
        .into_iter()
    }
}

/// The default handler's report, in CPython's shape: the message, then one `key: repr`
/// line per other key in sorted order, then the exception as the last line of a Python
/// traceback (`Exception: not consumed`); the traceback's frames are out of reach.
///
/// Python: what `loop.default_exception_handler(context)` logs
impl fmt::Display for ExceptionContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        for (key, object) in self.objects() {
            if let Some(object) = object {
                write!(f, "\n{key}: {}", object.repr)?;
            }
        }
        if let Some(exception) = &self.exception {
            write!(f, "\n{}", format_exception(exception))?;
        }
        Ok(())
    }
}

/// An object under a key of an [`ExceptionContext`] (a task, a future, a callback's handle,
/// an async generator), as a handler written in Rust can see it: its repr, and the name
/// and id of a task.
///
/// Python: the object itself (`context['future']`, a `Task` or `Future`)
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ContextObject {
    /// The object's repr, in asyncio's shape:
    /// `<Task finished name='Task-2' coro=<...> exception=Exception('not consumed')>`.
    ///
    /// Python: `repr(obj)`
    pub repr: String,
    /// A task's name (`None` for other objects).
    ///
    /// Python: `task.get_name()`
    pub name: Option<String>,
    /// The runtime task behind it, when it is one ([`Runtime::spawn`](crate::Runtime::spawn)).
    ///
    /// Python: none (Rust only: the id a `JoinHandle` gives)
    pub id: Option<TaskId>,
}

impl ContextObject {
    /// An object with this repr.
    ///
    /// Python: none
    pub fn new(repr: impl Into<String>) -> ContextObject {
        ContextObject {
            repr: repr.into(),
            name: None,
            id: None,
        }
    }

    /// Sets the task's name.
    ///
    /// Python: none
    #[must_use]
    pub fn named(mut self, name: impl Into<String>) -> ContextObject {
        self.name = Some(name.into());
        self
    }

    /// Sets the runtime task's id.
    ///
    /// Python: none
    #[must_use]
    pub fn with_id(mut self, id: TaskId) -> ContextObject {
        self.id = Some(id);
        self
    }
}

/// An exception's repr as Python prints a one-argument exception: `Exception('not
/// consumed')`, `CancelledError()` when `str()` is empty.
///
/// Python: `repr(exc)`
///
/// # Examples
///
/// ```
/// use aio_rt::{PyError, exception_repr};
///
/// assert_eq!(exception_repr(&PyError::new("ValueError", "it's")), "ValueError(\"it's\")");
/// assert_eq!(exception_repr(&"boom"), "Exception('boom')");
/// ```
pub fn exception_repr(exception: &(impl PyException + ?Sized)) -> String {
    let text = exception.py_str();
    if text.is_empty() {
        format!("{}()", exception.py_type())
    } else {
        format!("{}({})", exception.py_type(), string_repr(&text))
    }
}

/// A string's repr as Python prints it: single quotes, or double quotes when it holds a
/// single quote and no double one; backslashes, the quote and control characters escaped.
///
/// Python: `repr(text)` for a `str`
///
/// # Examples
///
/// ```
/// assert_eq!(aio_rt::string_repr("Task-1"), "'Task-1'");
/// assert_eq!(aio_rt::string_repr("it's"), "\"it's\"");
/// ```
pub fn string_repr(text: &str) -> String {
    let quote = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(text.len() + 2);
    out.push(quote);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// An exception handler: called with every [`ExceptionContext`] reported on its runtime.
///
/// Python: the `handler(loop, context)` given to `loop.set_exception_handler`
pub type ExceptionHandler = Arc<dyn Fn(&ExceptionContext) + Send + Sync>;

/// What asyncio's default exception handler does: prints the context's report
/// ([`ExceptionContext`]'s `Display`) on stderr.
///
/// Python: `loop.default_exception_handler(context)`, which logs it at ERROR level
pub fn default_exception_handler(context: &ExceptionContext) {
    eprintln!("{context}");
}

/// The slot that holds one runtime's exception handler: the handler set last, or the
/// default one. Cheap to clone (clones share the slot), and holds no runtime, so anything
/// that may have to report later (a task, a future) keeps a clone.
///
/// Python: the loop's `_exception_handler` and `call_exception_handler`
///
/// # Examples
///
/// ```
/// use aio_rt::{ExceptionContext, Reporter};
/// use std::sync::{Arc, Mutex};
///
/// let reporter = Reporter::new();
/// let seen = Arc::new(Mutex::new(Vec::new()));
/// let sink = seen.clone();
/// reporter.set_handler(Some(Arc::new(move |c: &ExceptionContext| {
///     sink.lock().unwrap().push(c.message.clone())
/// })));
/// reporter.report(&ExceptionContext::new("something happened"));
/// assert_eq!(*seen.lock().unwrap(), ["something happened"]);
/// ```
#[derive(Clone, Default)]
pub struct Reporter {
    handler: Arc<Mutex<Option<ExceptionHandler>>>,
}

impl Reporter {
    /// A slot holding no handler: reports go to [`default_exception_handler`].
    ///
    /// Python: a new loop's `_exception_handler = None`
    pub fn new() -> Reporter {
        Reporter::default()
    }

    /// Sets the handler; `None` goes back to the default one.
    ///
    /// Python: `loop.set_exception_handler(handler)`
    pub fn set_handler(&self, handler: Option<ExceptionHandler>) {
        *self.handler.lock().unwrap_or_else(PoisonError::into_inner) = handler;
    }

    /// The handler set, `None` for the default one.
    ///
    /// Python: `loop.get_exception_handler()`
    pub fn handler(&self) -> Option<ExceptionHandler> {
        self.handler
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Calls the handler with `context` (the default one when none is set).
    ///
    /// Python: `loop.call_exception_handler(context)`
    ///
    /// A handler that panics does not stop the caller: the default handler reports that
    /// panic and the original context, as asyncio logs "Unhandled error in exception
    /// handler".
    pub fn report(&self, context: &ExceptionContext) {
        let Some(handler) = self.handler() else {
            default_exception_handler(context);
            return;
        };
        if let Err(payload) = catch_unwind(AssertUnwindSafe(|| handler(context))) {
            let panic = crate::join::panic_message(&*payload);
            let mut report = ExceptionContext::new("Unhandled error in exception handler")
                .with_exception(&panic);
            report.message = format!("{}\ncontext: {:?}", report.message, context.message);
            default_exception_handler(&report);
        }
    }
}

impl fmt::Debug for Reporter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reporter")
            .field("handler", &self.handler().map(|_| ".."))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smoke() {
        let context = ExceptionContext::new("Exception in callback f()")
            .with_exception(&PyError::new("ValueError", ""))
            .with_handle(ContextObject::new("<Handle f()>"));
        assert_eq!(context.keys(), ["exception", "handle", "message"]);
        assert_eq!(
            context.to_string(),
            "Exception in callback f()\nhandle: <Handle f()>\nValueError"
        );
        assert_eq!(ExceptionContext::new("m").keys(), ["message"]);
    }

    #[test]
    fn reprs_quote_as_python_does() {
        assert_eq!(exception_repr(&PyError::new("KeyError", "")), "KeyError()");
        assert_eq!(exception_repr(&"a'b\"c"), "Exception('a\\'b\"c')");
        assert_eq!(exception_repr(&"line\nnext"), "Exception('line\\nnext')");
    }

    #[test]
    fn a_handler_set_later_replaces_the_first_and_a_panicking_one_is_contained() {
        let reporter = Reporter::new();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (a, b) = (Arc::clone(&seen), Arc::clone(&seen));
        reporter.set_handler(Some(Arc::new(move |c: &ExceptionContext| {
            a.lock().unwrap().push(format!("a: {}", c.message));
        })));
        reporter.report(&ExceptionContext::new("one"));
        let clone = reporter.clone();
        clone.set_handler(Some(Arc::new(move |c: &ExceptionContext| {
            b.lock().unwrap().push(format!("b: {}", c.message));
        })));
        reporter.report(&ExceptionContext::new("two"));
        assert_eq!(*seen.lock().unwrap(), ["a: one", "b: two"]);
        reporter.set_handler(Some(Arc::new(|_: &ExceptionContext| panic!("handler bug"))));
        reporter.report(&ExceptionContext::new("three"));
        reporter.set_handler(None);
        assert!(clone.handler().is_none());
    }
}
