//! The whole `stet check`: the built-in pack over `../shared/corpus/files`, the same over 1×,
//! 2×, 4× and 8× copies of the corpus (made once in a temporary folder) to show that the cost
//! grows linearly, and the rendering of the corpus report in every format.
//!
//! `cargo bench -p stet-benches --bench check`

use divan::counter::{BytesCount, ItemsCount};
use divan::Bencher;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use stet_benches::size;

fn corpus() -> PathBuf {
    stet_benches::shared("corpus/files")
}

fn main() {
    if !corpus().is_dir() {
        eprintln!("skipped: ../shared/corpus/files is absent");
        return;
    }
    divan::main();
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create copy");
    for entry in std::fs::read_dir(from).into_iter().flatten().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy file");
        }
    }
}

/// `copies` copies of the corpus side by side in a temporary folder (made once, removed at exit
/// by the OS's temporary-folder cleaning; the path names the process).
fn copies(copies: usize) -> PathBuf {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    let root = ROOT.get_or_init(|| {
        let root = std::env::temp_dir().join(format!("stet-scaling-{}", std::process::id()));
        for i in 0..8 {
            copy_tree(&corpus(), &root.join(format!("copy-{i}")));
        }
        root
    });
    let dir = root.join(format!("set-{copies}"));
    if !dir.exists() {
        std::fs::create_dir_all(&dir).expect("set folder");
        for i in 0..copies {
            #[cfg(unix)]
            std::os::unix::fs::symlink(
                root.join(format!("copy-{i}")),
                dir.join(format!("copy-{i}")),
            )
            .expect("link copy");
        }
    }
    dir
}

fn report() -> &'static stet::Report {
    static REPORT: OnceLock<stet::Report> = OnceLock::new();
    REPORT.get_or_init(|| stet::check_paths(&[corpus()], &stet::RunOptions::default()))
}

/// The built-in pack over the whole corpus, end to end.
#[divan::bench(sample_count = 3)]
fn whole_corpus(bencher: Bencher) {
    let bytes = size(&corpus());
    bencher.counter(BytesCount::new(bytes)).bench(|| {
        stet::check_paths(&[corpus()], &stet::RunOptions::default())
            .findings
            .len()
    });
}

/// The same over 1, 2, 4 and 8 copies of the corpus: time per byte stays flat when the cost
/// grows linearly.
#[divan::bench(args = [1, 2, 4, 8], sample_count = 2)]
fn scaling(bencher: Bencher, n: usize) {
    let dir = copies(n);
    let bytes = size(&corpus()) * n as u64;
    bencher.counter(BytesCount::new(bytes)).bench(|| {
        stet::check_paths(std::slice::from_ref(&dir), &stet::RunOptions::default())
            .findings
            .len()
    });
}

/// Rendering the corpus report, in findings per second.
#[divan::bench(args = ["text", "json", "sarif", "junit", "markdown", "github"], sample_count = 10)]
fn render(bencher: Bencher, format: &str) {
    let report = report();
    let format = stet::ReportFormat::parse(format).expect("format");
    bencher
        .counter(ItemsCount::new(report.findings.len()))
        .bench(|| report.render(format, &stet::RenderOptions::default()).len());
}
