//! Helpers shared by the binary's integration tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs the `jixiao` binary in `cwd`.
pub fn jixiao(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run jixiao")
}

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}
