//! stet's benchmarks live beside this file; this crate has no library code.
//!
//! Run them with `cargo bench -p stet-benches`. They read the shared corpus at
//! `../shared/corpus/files` and skip, with a message, where it is absent.
