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

fn main() -> ExitCode {
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
