//! The runtime's list of live tasks: `asyncio.all_tasks()` at the level of the runtime,
//! counting every task however it was spawned (`Runtime::spawn`, `spawn_detached`,
//! `aio_tasks::create_task`, the harness's `Cx::spawn`).
//!
//! Cost: a task is listed when it is spawned and unlisted when it finishes (or is dropped
//! unfinished), each time under the runtime's one registry lock, and the task keeps a
//! reference count on the registry (one atomic operation at spawn, one at the end). A
//! blocking job (`spawn_blocking`) is not a task and is not listed.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};

use crate::TaskId;
use crate::core::CoreKey;

/// What names a task in [`Runtime::all_tasks`](crate::Runtime::all_tasks): given to
/// [`spawn_named`] by a library that names its tasks (`aio-tasks` names each of its
/// `Task`s, `Task-1`, ..., or the name given to `create_task`).
///
/// Python: `Task.get_name()`
pub trait TaskName: Send + Sync {
    /// The task's name now (a name may change after the spawn).
    ///
    /// Python: `Task.get_name()`
    fn task_name(&self) -> String;
}

/// One task still running on a runtime, as [`Runtime::all_tasks`](crate::Runtime::all_tasks)
/// lists it.
///
/// Python: an element of `asyncio.all_tasks()`
#[derive(Clone)]
pub struct LiveTask {
    id: TaskId,
    name: Option<Weak<dyn TaskName>>,
}

impl LiveTask {
    /// The task's id, as its [`JoinHandle::id`](crate::JoinHandle::id) gives it.
    ///
    /// Python: `id(task)`
    pub fn id(&self) -> TaskId {
        self.id
    }

    /// The task's name, if it was spawned through [`spawn_named`] and its namer is alive;
    /// `None` for a plain `Runtime::spawn`.
    ///
    /// Python: `task.get_name()`
    pub fn name(&self) -> Option<String> {
        self.name
            .as_ref()
            .and_then(Weak::upgrade)
            .map(|name| name.task_name())
    }
}

impl fmt::Debug for LiveTask {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LiveTask")
            .field("id", &self.id)
            .field("name", &self.name())
            .finish()
    }
}

std::thread_local! {
    /// The name [`spawn_named`] gives to the next task spawned on this thread.
    static NEXT_NAME: RefCell<Option<Weak<dyn TaskName>>> = const { RefCell::new(None) };
    /// The runtime task this thread is polling.
    static CURRENT: Cell<Option<TaskId>> = const { Cell::new(None) };
}

/// Runs `spawn`, naming the first task it spawns on this thread `name` in
/// [`Runtime::all_tasks`](crate::Runtime::all_tasks).
///
/// Python: `asyncio.create_task(coro, name=...)` (the naming part)
///
/// ```
/// # #[cfg(feature = "smol")] {
/// use aio_rt::{Runtime, TaskName, spawn_named};
/// use std::sync::{Arc, Weak};
///
/// struct Worker;
/// impl TaskName for Worker {
///     fn task_name(&self) -> String {
///         "worker".to_owned()
///     }
/// }
///
/// let rt = aio_rt::Smol::new();
/// let name: Arc<dyn TaskName> = Arc::new(Worker);
/// let handle = spawn_named(Arc::downgrade(&name), || rt.spawn(std::future::pending::<()>()));
/// let names: Vec<_> = rt.all_tasks().iter().map(|task| task.name()).collect();
/// assert_eq!(names, [Some("worker".to_owned())]);
/// # drop(handle);
/// # }
/// ```
pub fn spawn_named<T>(name: Weak<dyn TaskName>, spawn: impl FnOnce() -> T) -> T {
    let before = NEXT_NAME.with(|next| next.replace(Some(name)));
    let spawned = spawn();
    NEXT_NAME.with(|next| next.replace(before));
    spawned
}

/// The id of the runtime task this thread is running, `None` outside of any task (in the
/// future given to `block_on`, or a blocking job).
///
/// Python: `id(asyncio.current_task())`
pub fn current_task_id() -> Option<TaskId> {
    CURRENT.with(Cell::get)
}

/// Marks the thread as running the task `id` until dropped, restoring what it was.
pub(crate) struct Running {
    before: Option<TaskId>,
}

impl Running {
    pub(crate) fn enter(id: TaskId) -> Running {
        Running {
            before: CURRENT.with(|current| current.replace(Some(id))),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let before = self.before;
        CURRENT.with(|current| current.set(before));
    }
}

/// The live tasks of one runtime instance.
///
/// A slot vector with a free list, so that listing and unlisting a task is O(1) with no
/// allocation once the vector has grown (a `BTreeMap` keyed by id cost a node walk and,
/// now and then, a node allocation on every spawn). Listing, which is rare, sorts by id.
#[derive(Default)]
pub(crate) struct Registry {
    slots: Mutex<Slots>,
    /// The runtime's key (see `CoreKey`): kept here only, where every task's
    /// registration can read it.
    key: CoreKey,
}

#[derive(Default)]
struct Slots {
    entries: Vec<Entry>,
    /// The free slots (their entries are [`Entry::FREE`]).
    free: Vec<usize>,
}

/// A slot: 24 bytes (an `Option<Entry>` with a `TaskId` would be 32: the name's
/// `Option` takes the only niche).
struct Entry {
    /// `0` (no task has it: ids start at 1): a free slot.
    id: u64,
    name: Option<Weak<dyn TaskName>>,
}

impl Entry {
    const FREE: Entry = Entry { id: 0, name: None };
}

impl Registry {
    pub(crate) fn new(key: CoreKey) -> Registry {
        Registry {
            slots: Mutex::default(),
            key,
        }
    }

    /// The key of the runtime this registry is of.
    pub(crate) fn key(&self) -> CoreKey {
        self.key
    }

    fn lock(&self) -> MutexGuard<'_, Slots> {
        self.slots.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Lists the task `id`, named by [`spawn_named`] if it is around this spawn.
    pub(crate) fn register(self: &Arc<Self>, id: TaskId) -> Registration {
        let name = NEXT_NAME.with(|next| next.borrow_mut().take());
        let entry = Entry { id: id.0, name };
        let mut slots = self.lock();
        let slot = match slots.free.pop() {
            Some(slot) => {
                slots.entries[slot] = entry;
                slot
            }
            None => {
                slots.entries.push(entry);
                slots.entries.len() - 1
            }
        };
        drop(slots);
        Registration {
            registry: Arc::clone(self),
            id,
            slot,
        }
    }

    /// Every live task, in spawn order (task ids grow with each spawn).
    pub(crate) fn list(&self) -> Vec<LiveTask> {
        let mut tasks: Vec<LiveTask> = self
            .lock()
            .entries
            .iter()
            .filter(|entry| entry.id != 0)
            .map(|entry| LiveTask {
                id: TaskId(entry.id),
                name: entry.name.clone(),
            })
            .collect();
        tasks.sort_by_key(|task| task.id);
        tasks
    }
}

/// A task's entry in its runtime's [`Registry`]: removed when dropped.
pub(crate) struct Registration {
    registry: Arc<Registry>,
    id: TaskId,
    slot: usize,
}

impl Registration {
    pub(crate) fn id(&self) -> TaskId {
        self.id
    }

    /// The key of the runtime the task runs on.
    pub(crate) fn core_key(&self) -> CoreKey {
        self.registry.key()
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        let mut slots = self.registry.lock();
        let entry = std::mem::replace(&mut slots.entries[self.slot], Entry::FREE);
        slots.free.push(self.slot);
        drop(slots);
        // The name's weak reference is let go outside the lock.
        drop(entry);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(target_pointer_width = "64")]
    fn a_slot_is_three_words() {
        // Every live task pays for one (and for the vector's spare room).
        assert_eq!(std::mem::size_of::<Entry>(), 24);
    }

    #[test]
    fn slots_are_reused_and_the_list_stays_in_spawn_order() {
        let registry = Arc::new(Registry::default());
        let a = registry.register(TaskId(1));
        let b = registry.register(TaskId(2));
        let c = registry.register(TaskId(3));
        drop(a);
        // Task 4 takes the slot task 1 left; the list still reads 2, 3, 4.
        let d = registry.register(TaskId(4));
        assert_eq!(registry.lock().entries.len(), 3);
        let ids: Vec<u64> = registry.list().iter().map(|t| t.id().0).collect();
        assert_eq!(ids, [2, 3, 4]);
        drop((b, c, d));
        assert!(registry.list().is_empty());
        assert_eq!(registry.lock().free.len(), 3);
    }
}
