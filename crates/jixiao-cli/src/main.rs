//! `jixiao`: budget-performance tables → normalized records.
//!
//! A thin binary: argument definitions live in [`args`], one module per subcommand
//! under [`commands`], and `main` maps outcomes to exit codes (0 all files read,
//! 1 some files failed, 2 usage error).

mod args;
mod commands;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    let level = match cli.verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("JIXIAO_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level)),
        )
        .with_writer(std::io::stderr)
        .try_init();
    let result = match cli.command {
        args::Command::Extract(a) => commands::extract::run(&a),
        args::Command::Score(a) => commands::score::run(&a),
        args::Command::Watch(a) => commands::watch::run(&a),
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
