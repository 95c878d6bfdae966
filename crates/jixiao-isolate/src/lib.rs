//! Reading files in worker processes, so that nothing one file does can stop a run.
//!
//! `catch_unwind` contains panics, but not an abort (an allocation failure, a failed
//! `assert!` in `extern "C"` code, a stack overflow), an endless loop or a runaway
//! allocation inside a third-party reader. Here each job runs in a child process — the
//! calling binary started again with a worker argument — that limits its own address
//! space ([`serve`]) and is watched by a deadline per job ([`Pool::run`]). A worker that
//! dies or overruns costs its job a [`Failure`] and is replaced; the other jobs never
//! notice.
//!
//! Jobs and replies are one line of text each (JSON in practice) over the worker's stdin
//! and stdout. A reply line starts with [`REPLY`], so that whatever else a library in
//! the worker prints to stdout cannot be taken for one; such lines, and the worker's
//! stderr (its log lines), are passed through to the parent's stderr.

use std::ffi::OsString;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What a worker may use for one job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Address space of a worker process, in MiB (`RLIMIT_AS`; Unix only).
    pub memory_mb: u64,
    /// Wall-clock time for one job.
    pub timeout: Duration,
}

/// Default [`Limits::memory_mb`]: 4 GiB of address space. Reading a sample scan with OCR
/// maps about 1.3 GiB (ONNX Runtime, the models, thread stacks); the hostile inputs
/// that motivated isolation asked for 2.3 GB to 512 GiB.
pub const DEFAULT_MEMORY_MB: u64 = 4096;

/// Default [`Limits::timeout`]: ten minutes per file, about 300 scanned pages at
/// today's OCR speed.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);

impl Default for Limits {
    fn default() -> Self {
        Limits {
            memory_mb: DEFAULT_MEMORY_MB,
            timeout: DEFAULT_TIMEOUT,
        }
    }
}

/// Why a job gave no reply.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Failure {
    /// The worker ran out of its address space.
    #[error("resource limit: memory ({0} MiB)")]
    Memory(u64),
    /// The job overran its deadline; the worker was killed.
    #[error("resource limit: timeout ({0} s)")]
    Timeout(u64),
    /// The worker died: killed by a signal, or exited without replying.
    #[error("crashed: {0}")]
    Crashed(String),
    /// The worker could not be started or talked to.
    #[error("worker: {0}")]
    Worker(String),
}

/// What starts a reply line on a worker's stdout (a record separator and a tag).
pub const REPLY: &str = "\u{1e}jixiao-reply ";

/// The text an allocation failure of a Rust program prints before it aborts.
const OOM_MARK: &str = "memory allocation of";

/// One running worker process.
struct Worker {
    child: Child,
    stdin: ChildStdin,
    replies: Receiver<String>,
    /// Set by the stderr thread when the worker reported an allocation failure.
    oom: Arc<Mutex<bool>>,
}

impl Worker {
    fn spawn(pool: &Pool) -> Result<Worker, Failure> {
        let (exe, limits) = (&pool.exe, pool.limits);
        let mut child = Command::new(exe)
            .args(&pool.args)
            .envs(pool.envs.iter().map(|(k, v)| (k, v)))
            .env(MEMORY_ENV, limits.memory_mb.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| Failure::Worker(format!("cannot start {}: {e}", exe.display())))?;
        let (Some(stdin), Some(stdout), Some(stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            return Err(Failure::Worker("no pipes to the worker".into()));
        };
        let (tx, replies) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                match line.strip_prefix(REPLY) {
                    Some(reply) => {
                        if tx.send(reply.to_string()).is_err() {
                            break;
                        }
                    }
                    None => eprintln!("{line}"),
                }
            }
        });
        let oom = Arc::new(Mutex::new(false));
        let seen = oom.clone();
        std::thread::spawn(move || {
            // What the runtime prints after an allocation failure (the failure itself,
            // a backtrace) is said by the job's `Failure::Memory` instead.
            let mut dying = false;
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if line.contains(OOM_MARK) {
                    dying = true;
                    if let Ok(mut s) = seen.lock() {
                        *s = true;
                    }
                }
                if !dying {
                    eprintln!("{line}");
                }
            }
        });
        Ok(Worker {
            child,
            stdin,
            replies,
            oom,
        })
    }

    /// Why the worker ended (it has closed its stdout or overrun).
    fn died(&mut self, limits: Limits) -> Failure {
        let status = self.child.wait();
        // The stderr thread may still be passing the last lines on.
        std::thread::sleep(Duration::from_millis(20));
        if self.oom.lock().map(|s| *s).unwrap_or(false) {
            return Failure::Memory(limits.memory_mb);
        }
        match status {
            Ok(s) => {
                #[cfg(unix)]
                {
                    use std::os::unix::process::ExitStatusExt;
                    if let Some(sig) = s.signal() {
                        return Failure::Crashed(format!("signal {sig}"));
                    }
                }
                Failure::Crashed(format!("worker exited with {s}"))
            }
            Err(e) => Failure::Crashed(format!("worker lost: {e}")),
        }
    }
}

/// A pool of worker processes running `exe args…`, started as jobs need them and
/// replaced when they die.
pub struct Pool {
    exe: PathBuf,
    args: Vec<OsString>,
    envs: Vec<(OsString, OsString)>,
    limits: Limits,
    idle: Mutex<Vec<Worker>>,
}

impl Pool {
    /// A pool of workers started as `exe args…` (which must call [`serve`]).
    pub fn new(exe: PathBuf, args: Vec<OsString>, limits: Limits) -> Pool {
        Pool {
            exe,
            args,
            envs: Vec::new(),
            limits,
            idle: Mutex::new(Vec::new()),
        }
    }

    /// The pool with `key=value` in every worker's environment.
    pub fn with_env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Pool {
        self.envs.push((key.into(), value.into()));
        self
    }

    /// A pool of workers that are this program started again with `args`.
    pub fn of_current_exe(args: Vec<OsString>, limits: Limits) -> Result<Pool, Failure> {
        let exe = std::env::current_exe()
            .map_err(|e| Failure::Worker(format!("cannot find this program: {e}")))?;
        Ok(Pool::new(exe, args, limits))
    }

    /// The limits every job runs under.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Runs one job (a line without newlines) on an idle worker, or a new one, and waits
    /// for its reply within the deadline. Callable from many threads at once: each
    /// concurrent call has its own worker.
    pub fn run(&self, job: &str) -> Result<String, Failure> {
        let idle = self.idle.lock().ok().and_then(|mut v| v.pop());
        let mut worker = match idle {
            Some(w) => w,
            None => Worker::spawn(self)?,
        };
        let sent = writeln!(worker.stdin, "{job}").and_then(|_| worker.stdin.flush());
        if sent.is_err() {
            return Err(worker.died(self.limits));
        }
        match worker.replies.recv_timeout(self.limits.timeout) {
            Ok(reply) => {
                if let Ok(mut v) = self.idle.lock() {
                    v.push(worker);
                }
                Ok(reply)
            }
            Err(RecvTimeoutError::Timeout) => {
                let _ = worker.child.kill();
                let _ = worker.child.wait();
                Err(Failure::Timeout(self.limits.timeout.as_secs()))
            }
            Err(RecvTimeoutError::Disconnected) => Err(worker.died(self.limits)),
        }
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        if let Ok(mut v) = self.idle.lock() {
            for mut w in v.drain(..) {
                // Closing stdin ends the worker's loop.
                drop(w.stdin);
                let _ = w.child.wait();
            }
        }
    }
}

/// How the parent tells a worker its memory limit.
const MEMORY_ENV: &str = "JIXIAO_WORKER_MEMORY_MB";

/// The worker's side: limits this process's address space to what the pool asked for,
/// then answers every job line on stdin with `handle`'s reply line on stdout until stdin
/// closes.
pub fn serve(mut handle: impl FnMut(&str) -> String) -> std::io::Result<()> {
    if let Some(mb) = std::env::var(MEMORY_ENV)
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        limit_memory(mb)?;
    }
    let stdin = std::io::stdin();
    let mut stdout = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let reply = handle(&line?);
        debug_assert!(!reply.contains('\n'));
        writeln!(stdout, "{REPLY}{reply}")?;
        stdout.flush()?;
    }
    Ok(())
}

#[cfg(unix)]
fn limit_memory(mb: u64) -> std::io::Result<()> {
    use nix::sys::resource::{setrlimit, Resource};
    let bytes = mb.saturating_mul(1024 * 1024);
    setrlimit(Resource::RLIMIT_AS, bytes, bytes).map_err(std::io::Error::from)
}

#[cfg(not(unix))]
fn limit_memory(_mb: u64) -> std::io::Result<()> {
    tracing::warn!("no address-space limit on this platform; timeouts still apply");
    Ok(())
}
