//! The output directory: staging, lock and manifest live in
//! [`jixiao_dataset::outdir`]; this names the readers' version the manifest records.

pub use jixiao_dataset::outdir::{
    begin, commit, lock, outputs_of, FileEntry, FileStatus, Manifest, MANIFEST,
};

/// Version of the readers and parser ([`jixiao_pipeline::READER_VERSION`]: a hash of
/// their source); outputs of another version are not reused.
pub const READER_VERSION: &str = jixiao_pipeline::READER_VERSION;
