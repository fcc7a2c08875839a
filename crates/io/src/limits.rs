//! The process limits and measures the demos need: open files, resident memory.

use std::fmt;
use std::io;

/// The open-file limit is too low for what a demo needs.
///
/// Python: none (Python would fail later with `OSError: [Errno 24] Too many open files`)
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpenFilesError {
    /// How many descriptors are needed.
    pub needed: u64,
    /// The soft limit in force (after trying to raise it).
    pub soft: u64,
    /// The hard limit, which only root can raise.
    pub hard: u64,
}

impl fmt::Display for OpenFilesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "this needs {} open files but the limit is {} (hard limit {}); raise it with `ulimit -n {}` (the hard limit in /etc/security/limits.conf or the service's LimitNOFILE)",
            self.needed, self.soft, self.hard, self.needed
        )
    }
}

impl std::error::Error for OpenFilesError {}

/// Makes sure the process may open `needed` files: raises the soft limit up to the hard
/// limit if it is lower, and says clearly what is missing if even that is not enough.
/// Returns the soft limit now in force.
///
/// Python: `resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))`
///
/// # Errors
///
/// [`OpenFilesError`] when the hard limit is below `needed`.
pub fn ensure_open_files(needed: u64) -> Result<u64, OpenFilesError> {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    let (soft, hard) = (
        limit.current.unwrap_or(u64::MAX),
        limit.maximum.unwrap_or(u64::MAX),
    );
    if soft >= needed {
        return Ok(soft);
    }
    let raised = Rlimit {
        current: limit.maximum,
        maximum: limit.maximum,
    };
    let soft = match setrlimit(Resource::Nofile, raised) {
        Ok(()) => hard,
        Err(_) => soft,
    };
    if soft >= needed {
        Ok(soft)
    } else {
        Err(OpenFilesError { needed, soft, hard })
    }
}

/// The process's resident memory now and at its peak, in bytes (`VmRSS`, `VmHWM` of
/// `/proc/self/status`).
///
/// Python: none (`resource.getrusage(...).ru_maxrss` is the peak)
///
/// # Errors
///
/// If `/proc/self/status` cannot be read or lacks the fields (not Linux).
pub fn resident_memory() -> io::Result<ResidentMemory> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    let field = |name: &str| -> io::Result<u64> {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| {
                rest.trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse::<u64>()
                    .ok()
            })
            .map(|kib| kib * 1024)
            .ok_or_else(|| io::Error::other(format!("no {name} in /proc/self/status")))
    };
    Ok(ResidentMemory {
        now: field("VmRSS:")?,
        peak: field("VmHWM:")?,
    })
}

/// Resident memory in bytes, now and at the process's peak.
///
/// Python: none
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResidentMemory {
    /// `VmRSS`.
    pub now: u64,
    /// `VmHWM`, the high-water mark.
    pub peak: u64,
}

/// CPU time this process has used, in user space and in the kernel.
///
/// Python: `resource.getrusage(resource.RUSAGE_SELF)` (`ru_utime`, `ru_stime`)
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CpuTime {
    /// Time running the program's own code.
    pub user: std::time::Duration,
    /// Time in the kernel on the program's behalf (system calls: here, the sockets).
    pub system: std::time::Duration,
}

/// This process's CPU time so far (`utime` and `stime` of `/proc/self/stat`).
///
/// Python: `resource.getrusage(resource.RUSAGE_SELF)`
///
/// # Errors
///
/// If `/proc/self/stat` cannot be read or parsed (not Linux).
pub fn cpu_time() -> io::Result<CpuTime> {
    let stat = std::fs::read_to_string("/proc/self/stat")?;
    // The command name may hold spaces: the fields that follow start after its `)`.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = rustix::param::clock_ticks_per_second().max(1);
    let field = |i: usize| -> io::Result<std::time::Duration> {
        let t: u64 = fields
            .get(i)
            .and_then(|f| f.parse().ok())
            .ok_or_else(|| io::Error::other("unexpected /proc/self/stat"))?;
        Ok(std::time::Duration::from_micros(t * 1_000_000 / ticks))
    };
    // Fields 14 and 15 of proc(5); the first after `)` is field 3.
    Ok(CpuTime {
        user: field(11)?,
        system: field(12)?,
    })
}

/// Python: none; the `OSError` Python would raise later (`[Errno 24] Too many open files`)
/// stands for it, with this project's words
impl aio_rt::PyException for OpenFilesError {
    fn py_type(&self) -> &str {
        "OSError"
    }

    fn py_str(&self) -> String {
        self.to_string()
    }
}
