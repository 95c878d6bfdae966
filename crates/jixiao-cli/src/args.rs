//! Command-line arguments, all in one place.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Turns published budget-performance tables (财政项目支出绩效 自评表 / 跟踪表 /
/// 目标申报表) into normalized records that link back to where each form was printed.
#[derive(Debug, Parser)]
#[command(name = "jixiao", version, about, long_about = None)]
pub struct Cli {
    /// More logging on stderr (-v info, -vv debug); JIXIAO_LOG overrides.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Find every form in the given files and write OUTDIR/records.jsonl and
    /// OUTDIR/errors.jsonl.
    ///
    /// Exit status: 0 when every file was read, 1 when some files failed (their errors
    /// are in errors.jsonl), 2 on a usage error or when the outputs cannot be written.
    Extract(ExtractArgs),
}

/// Arguments of `jixiao extract`.
#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// Files or directories (searched recursively for .txt/.tsv/.pdf/.xlsx/.xls/.ods).
    /// Without any, the bundled samples/ directory is used.
    pub paths: Vec<PathBuf>,
    /// Directory for records.jsonl and errors.jsonl (created if missing).
    #[arg(short, long, default_value = "out")]
    pub output: PathBuf,
    /// Worker threads (default: one per core).
    #[arg(short = 'j', long)]
    pub threads: Option<usize>,
}
