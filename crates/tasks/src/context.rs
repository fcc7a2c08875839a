//! Definition of [`ContextVar`], [`Context`], [`Token`] and [`copy_context`]: a value per
//! task, copied when a task is created, as asyncio does with `contextvars`.
//!
//! Every task runs in a context: a map from variables to values. A new task gets a copy
//! of its creator's context (asyncio's `Task.__init__`: `contextvars.copy_context()`), or
//! the context it is given ([`create_task_with_context`](crate::create_task_with_context),
//! asyncio's `create_task(..., context=ctx)`). Setting a variable changes the current
//! context only: the creator and the tasks already created do not see it. Outside any
//! task the thread has a context of its own, which a task created there copies (as
//! `asyncio.run` copies the thread's context for the main task).
//!
//! Simplification, named: a context is a `HashMap` behind a lock, copied in full when a
//! task is created (O(variables set), paid only by tasks created where a variable is set;
//! a task created in an empty context stores nothing). CPython copies in O(1) with a
//! persistent map (a HAMT).

use std::any::Any;
use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError, Weak};

use aio_rt::PyException;

use crate::current;

type Value = Arc<dyn Any + Send + Sync>;
type Vars = HashMap<u64, Value>;

/// A mapping from context variables to their values: the context a task runs in.
///
/// Python: `contextvars.Context`
///
/// Clones are handles to the same context (a task given a context with
/// [`create_task_with_context`](crate::create_task_with_context) shares it: what the
/// task sets, every holder of the context sees). [`copy`](Context::copy) makes an
/// independent one.
#[derive(Clone, Default)]
pub struct Context {
    vars: Arc<Mutex<Vars>>,
}

impl Context {
    /// A new, empty context.
    ///
    /// Python: `contextvars.Context()`
    pub fn new() -> Context {
        Context::default()
    }

    fn lock(&self) -> MutexGuard<'_, Vars> {
        self.vars.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// An independent copy: the same values now, set separately from now on.
    ///
    /// Python: `ctx.copy()`
    pub fn copy(&self) -> Context {
        Context {
            vars: Arc::new(Mutex::new(self.lock().clone())),
        }
    }

    /// The value `var` has in this context (not its default), if it was set here.
    ///
    /// Python: `ctx.get(var)`
    pub fn get<T: Clone + Send + Sync + 'static>(&self, var: &ContextVar<T>) -> Option<T> {
        let value = self.lock().get(&var.id()).cloned()?;
        value.downcast_ref::<T>().cloned()
    }

    /// How many variables have a value in this context.
    ///
    /// Python: `len(ctx)`
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether no variable has a value in this context.
    ///
    /// Python: `not ctx`
    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    /// A copy, or `None` when this context is empty (a task created in it needs none).
    fn copy_if_set(&self) -> Option<Context> {
        let vars = self.lock();
        (!vars.is_empty()).then(|| Context {
            vars: Arc::new(Mutex::new(vars.clone())),
        })
    }
}

impl fmt::Debug for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context").field("len", &self.len()).finish()
    }
}

thread_local! {
    /// The context of code running outside any task, on this thread.
    static OUTSIDE: RefCell<Context> = RefCell::new(Context::new());
}

/// The context code runs in now: the current task's, or the thread's outside any task
/// (an empty one while the thread is being torn down and its own is gone).
fn current_context() -> Context {
    match current::current() {
        Some(task) => task.context(),
        None => OUTSIDE
            .try_with(|outside| outside.borrow().clone())
            .unwrap_or_default(),
    }
}

/// A copy of the current context: what a task created now starts with.
///
/// Python: `contextvars.copy_context()`
///
/// # Examples
///
/// ```
/// use aio_tasks::{ContextVar, copy_context};
///
/// static USER: ContextVar<&str> = ContextVar::new("user");
/// let _token = USER.set("ada");
/// let snapshot = copy_context();
/// let _token = USER.set("grace");
/// assert_eq!(snapshot.get(&USER), Some("ada"));
/// assert_eq!(USER.get(), Ok("grace"));
/// ```
pub fn copy_context() -> Context {
    current_context().copy()
}

/// What a task created now starts with: a copy of the current context, `None` when it
/// is empty.
pub(crate) fn inherited() -> Option<Context> {
    match current::current() {
        Some(task) => task.context_if_set().and_then(|c| c.copy_if_set()),
        None => OUTSIDE
            .try_with(|outside| outside.borrow().copy_if_set())
            .ok()
            .flatten(),
    }
}

/// A variable whose value depends on the task (the context) that reads it.
///
/// Python: `contextvars.ContextVar(name, default=...)`
///
/// Declare it once, usually as a `static` (as a Python module declares its variables at
/// top level); [`set`](ContextVar::set) changes the value in the current context only,
/// [`get`](ContextVar::get) reads it there.
///
/// # Examples
///
/// ```
/// use aio_rt::Runtime;
/// use aio_tasks::{ContextVar, create_task};
///
/// static REQUEST: ContextVar<u32> = ContextVar::with_default("request", 0);
///
/// let rt = aio_rt::Smol::new();
/// let r = rt.clone();
/// aio_tasks::run(&rt, async move {
///     let _token = REQUEST.set(7);
///     let child = create_task(&r, async {
///         let inherited = REQUEST.get();
///         let _token = REQUEST.set(8); // the child's own copy
///         Ok::<_, String>(inherited)
///     });
///     assert_eq!(child.await, Ok(Ok(7)));
///     assert_eq!(REQUEST.get(), Ok(7)); // untouched by the child
///     Ok::<_, String>(())
/// })
/// .unwrap();
/// ```
pub struct ContextVar<T> {
    name: &'static str,
    default: Option<T>,
    /// Given on first use, so that `new` can be `const` (a `static` needs it).
    id: OnceLock<u64>,
}

/// Numbers the variables.
static NEXT_VAR: AtomicU64 = AtomicU64::new(0);

impl<T> ContextVar<T> {
    /// A variable with no default: [`get`](ContextVar::get) fails until it is set.
    ///
    /// Python: `contextvars.ContextVar(name)`
    pub const fn new(name: &'static str) -> ContextVar<T> {
        ContextVar {
            name,
            default: None,
            id: OnceLock::new(),
        }
    }

    /// A variable whose value is `default` where it was never set.
    ///
    /// Python: `contextvars.ContextVar(name, default=default)`
    pub const fn with_default(name: &'static str, default: T) -> ContextVar<T> {
        ContextVar {
            name,
            default: Some(default),
            id: OnceLock::new(),
        }
    }

    /// The variable's name.
    ///
    /// Python: `var.name`
    pub fn name(&self) -> &'static str {
        self.name
    }

    fn id(&self) -> u64 {
        *self
            .id
            .get_or_init(|| NEXT_VAR.fetch_add(1, Ordering::Relaxed))
    }
}

impl<T: Clone + Send + Sync + 'static> ContextVar<T> {
    /// The value in the current context, else the default.
    ///
    /// Python: `var.get()`
    ///
    /// # Errors
    ///
    /// [`LookupError`] when the variable was never set in this context and has no
    /// default.
    pub fn get(&self) -> Result<T, LookupError> {
        match current_context().get(self) {
            Some(value) => Ok(value),
            None => self.default.clone().ok_or(LookupError { name: self.name }),
        }
    }

    /// The value in the current context, else the variable's default, else `default`.
    ///
    /// Python: `var.get(default)`
    pub fn get_or(&self, default: T) -> T {
        self.get().unwrap_or(default)
    }

    /// Sets the value in the current context; the [`Token`] lets
    /// [`reset`](ContextVar::reset) put the previous value back.
    ///
    /// Python: `var.set(value)`
    pub fn set(&self, value: T) -> Token<T> {
        let context = current_context();
        let old = context.lock().insert(self.id(), Arc::new(value));
        Token {
            var: self.id(),
            context: Arc::downgrade(&context.vars),
            old,
            value: PhantomData,
        }
    }

    /// Puts back the value the variable had before the [`set`](ContextVar::set) that gave
    /// `token` (unset again, if it had none).
    ///
    /// Python: `var.reset(token)`
    ///
    /// A token is used once: `reset` takes it (asyncio's `RuntimeError: <Token ...> has
    /// already been used once` cannot happen).
    ///
    /// # Errors
    ///
    /// [`ResetError::DifferentVar`] for a token of another variable,
    /// [`ResetError::DifferentContext`] for one made in another context (another task);
    /// nothing changes then, and the error gives the token back.
    pub fn reset(&self, token: Token<T>) -> Result<(), ResetError<T>> {
        if token.var != self.id() {
            return Err(ResetError::DifferentVar(token));
        }
        let context = current_context();
        if !std::ptr::eq(token.context.as_ptr(), Arc::as_ptr(&context.vars)) {
            return Err(ResetError::DifferentContext(token));
        }
        let mut vars = context.lock();
        match token.old {
            Some(old) => vars.insert(token.var, old),
            None => vars.remove(&token.var),
        };
        Ok(())
    }
}

impl<T> fmt::Debug for ContextVar<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContextVar")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// What [`ContextVar::set`] gives back, to undo it with [`ContextVar::reset`].
///
/// Python: `contextvars.Token`
#[must_use = "a Token is how `reset` puts the previous value back"]
pub struct Token<T> {
    var: u64,
    context: Weak<Mutex<Vars>>,
    old: Option<Value>,
    value: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for Token<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("had_value", &self.old.is_some())
            .finish_non_exhaustive()
    }
}

/// A variable with no value in the current context and no default was read.
///
/// Python: `LookupError(var)`, raised by `var.get()`
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LookupError {
    name: &'static str,
}

impl fmt::Display for LookupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "context variable {:?} has no value", self.name)
    }
}

impl std::error::Error for LookupError {}

/// Python: `LookupError(<ContextVar name='...' at 0x...>)`: its `str()` is the variable's
/// repr, `<ContextVar name='...'>` here (the traces collapse every repr to `<...>`)
impl PyException for LookupError {
    fn py_type(&self) -> &str {
        "LookupError"
    }

    fn py_str(&self) -> String {
        format!("<ContextVar name='{}'>", self.name)
    }
}

/// [`ContextVar::reset`] was given a token it cannot use; the token comes back with the
/// error.
///
/// Python: the `ValueError` of `var.reset(token)`
pub enum ResetError<T> {
    /// The token was made by another variable's `set`.
    ///
    /// Python: `ValueError("<Token ...> was created by a different ContextVar")`
    DifferentVar(Token<T>),
    /// The token was made in another context (another task, or outside any task).
    ///
    /// Python: `ValueError("<Token ...> was created in a different Context")`
    DifferentContext(Token<T>),
}

impl<T> ResetError<T> {
    /// The token given to `reset`, to use where it belongs.
    pub fn into_token(self) -> Token<T> {
        match self {
            ResetError::DifferentVar(token) | ResetError::DifferentContext(token) => token,
        }
    }
}

impl<T> fmt::Debug for ResetError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ResetError::DifferentVar(_) => "DifferentVar(..)",
            ResetError::DifferentContext(_) => "DifferentContext(..)",
        })
    }
}

impl<T> fmt::Display for ResetError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ResetError::DifferentVar(_) => "token was created by a different context variable",
            ResetError::DifferentContext(_) => "token was created in a different context",
        })
    }
}

impl<T> std::error::Error for ResetError<T> {}

/// Python: `ValueError('<Token ...> was created by a different ContextVar')` / `('<Token
/// ...> was created in a different Context')`; the token's repr is `<Token>` here (the
/// traces collapse every repr to `<...>`)
impl<T> PyException for ResetError<T> {
    fn py_type(&self) -> &str {
        "ValueError"
    }

    fn py_str(&self) -> String {
        match self {
            ResetError::DifferentVar(_) => "<Token> was created by a different ContextVar",
            ResetError::DifferentContext(_) => "<Token> was created in a different Context",
        }
        .to_owned()
    }
}
