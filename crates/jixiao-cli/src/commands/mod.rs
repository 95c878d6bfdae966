//! One module per subcommand.

pub mod explain;
pub mod extract;
pub mod output;
pub mod score;
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

/// Writes one JSON line per item to `path` through a temporary file and a rename, so a
/// killed run never leaves a half-written file behind.
pub fn write_jsonl<T: serde::Serialize>(path: &std::path::Path, items: &[T]) -> anyhow::Result<()> {
    use anyhow::Context;
    use std::io::Write;
    let tmp = path.with_extension("jsonl.tmp");
    {
        let f = std::fs::File::create(&tmp).with_context(|| format!("{}", tmp.display()))?;
        let mut w = std::io::BufWriter::new(f);
        for item in items {
            serde_json::to_writer(&mut w, item)?;
            w.write_all(b"\n")?;
        }
        w.flush()?;
    }
    std::fs::rename(&tmp, path).with_context(|| format!("{}", path.display()))?;
    Ok(())
}

/// A rayon pool with `threads` workers (0 or none: one per core).
pub fn pool(threads: Option<usize>) -> anyhow::Result<rayon::ThreadPool> {
    use anyhow::Context;
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .build()
        .context("thread pool")
}
