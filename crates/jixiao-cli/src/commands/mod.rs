//! One module per subcommand.

pub mod ending;
pub mod explain;
pub mod extract;
pub mod output;
pub mod previous;
pub mod score;
pub mod sink;
pub mod watch;

/// What the user asked stderr to show.
#[derive(Debug, Clone, Copy, Default)]
pub struct Shell {
    /// `-v` count.
    pub verbose: u8,
    /// `-q`: errors only.
    pub quiet: bool,
}

/// How a command ended when it did not fail outright.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Every input was processed.
    Complete,
    /// Some inputs failed; the outputs hold the rest.
    Partial,
}

/// A rayon pool with `threads` workers (0 or none: one per core).
pub fn pool(threads: Option<usize>) -> anyhow::Result<rayon::ThreadPool> {
    use anyhow::Context;
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .build()
        .context("thread pool")
}
