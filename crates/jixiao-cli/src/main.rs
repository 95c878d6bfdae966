//! `jixiao`: budget-performance tables → normalized records.
//!
//! A thin binary: argument definitions live in [`args`], one module per subcommand
//! under [`commands`], and `main` maps outcomes to exit codes (0 all files read,
//! 1 some files failed, 2 usage error).

mod args;
mod commands;

use clap::Parser;
use std::process::ExitCode;

/// The workspace's crates, whose logs `-v` / `-vv` turn up.
const CRATES: [&str; 16] = [
    "jixiao",
    "jixiao_cli",
    "jixiao_dataset",
    "jixiao_fetch",
    "jixiao_forms",
    "jixiao_grid",
    "jixiao_isolate",
    "jixiao_markup",
    "jixiao_ocr",
    "jixiao_pdf",
    "jixiao_pipeline",
    "jixiao_raster",
    "jixiao_record",
    "jixiao_score",
    "jixiao_text",
    "jixiao_xlsx",
];

/// mimalloc, not the system allocator. glibc's malloc gives each contending thread an
/// arena of its own and keeps what was freed in each, so a run's resident memory grew
/// with the corpus: 162 MB at 1,000 text files, 259 MB at 10,000. With mimalloc (built
/// without transparent huge pages, `no_thp`, whose sparse 2 MiB pages count in full) and
/// freed memory returned at once: 121 and 153 MB, and a run 20–30 % faster, allocation
/// being a fifth of its time.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `purge_delay` option (`mi_option_t` in `mimalloc.h` of mimalloc 3, which
/// `libmimalloc-sys` builds; it does not name this one): milliseconds before freed
/// memory is given back to the system (default 1,000).
#[cfg(feature = "mimalloc")]
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Gives freed memory back to the system at once: a run frees a file's results as
/// soon as they are written, and a delay lets the next files' allocations pile up on
/// top (at 10,000 files: 198 MB with the delay, 153 MB without).
#[cfg(feature = "mimalloc")]
#[allow(unsafe_code)]
fn return_freed_memory_at_once() {
    // SAFETY: `mi_option_set` stores a number in mimalloc's option table; any option
    // index below `_mi_option_last` and any value are valid, at any time.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) };
}

fn main() -> ExitCode {
    #[cfg(feature = "mimalloc")]
    return_freed_memory_at_once();
    let cli = args::Cli::parse();
    // Our crates log at the level asked for; libraries (HTTP, PDF, zip) only errors,
    // their chatter only at -vvv. Colour only on a terminal.
    let ours = match (cli.quiet, cli.verbose) {
        (true, _) => "error",
        (_, 0) => "warn",
        (_, 1) => "info",
        (_, 2) => "debug",
        _ => "trace",
    };
    let others = match (cli.quiet, cli.verbose) {
        (false, v) if v >= 3 => "debug",
        _ => "error",
    };
    let level = std::iter::once(others.to_string())
        .chain(CRATES.iter().map(|c| format!("{c}={ours}")))
        .collect::<Vec<_>>()
        .join(",");
    let shell = commands::Shell {
        verbose: cli.verbose,
        quiet: cli.quiet,
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("JIXIAO_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level)),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
    let result = match cli.command {
        args::Command::Extract(a) => commands::extract::run(&a, shell),
        args::Command::Explain(a) => commands::explain::run(&a),
        args::Command::Score(a) => commands::score::run(&a, shell),
        args::Command::Watch(a) => commands::watch::run(&a, shell),
        args::Command::Worker(a) => commands::extract::worker(&a),
    };
    match result {
        Ok(commands::Outcome::Complete) => ExitCode::SUCCESS,
        Ok(commands::Outcome::Partial) => ExitCode::from(1),
        Err(e) => {
            eprintln!("jixiao: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

#[cfg(all(test, feature = "mimalloc"))]
mod tests {
    use super::*;

    #[test]
    #[allow(unsafe_code)]
    fn the_option_set_is_the_purge_delay() {
        // SAFETY: reading an option of mimalloc's table (see `return_freed_memory_at_once`).
        let get = || unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
        // 1,000 ms is the purge delay's default in mimalloc 3; no other option has it.
        assert_eq!(get(), 1000);
        return_freed_memory_at_once();
        assert_eq!(get(), 0);
    }
}
