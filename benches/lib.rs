//! stet's benchmarks live beside this file; this crate holds only the helpers they share.
//!
//! Run them with `cargo bench -p stet-benches`. They read the shared corpus at
//! `../shared/corpus/files` and skip, with a message, where it is absent.

use std::path::{Path, PathBuf};

/// A path under `../shared` (the corpus, the conformance rules).
pub fn shared(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared")
        .join(path)
}

/// The total size in bytes of the files under `dir`.
pub fn size(dir: &Path) -> u64 {
    let mut total = 0;
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        total += if path.is_dir() {
            size(&path)
        } else {
            entry.metadata().map_or(0, |m| m.len())
        };
    }
    total
}
