//! Start-up: the `stet` binary on one small file, from process start to exit — what a
//! pre-commit hook or an editor pays on every run. Each case is run 3 times to warm the file
//! cache, then 21 times; the median is the figure the target (10 ms, issue #17) is about.
//!
//! `cargo build --release -p stet-iac-cli && cargo bench -p stet-benches --bench startup`
//!
//! The binary is `STET_BIN` when set, else the release `stet` beside this benchmark's own
//! build (`target/release/stet`); build it first — a benchmark cannot run cargo while cargo
//! runs it.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const WARM_UP: usize = 3;
const RUNS: usize = 21;

/// The files of the small case: the same as `benches/peers.sh` writes.
const MAIN_TF: &str = "terraform {\n  required_version = \">= 1.5\"\n}\n\nresource \"aws_s3_bucket\" \"logs\" {\n  bucket = \"logs\"\n}\n";
const TEMPLATE_YAML: &str = "Resources:\n  Logs:\n    Type: AWS::S3::Bucket\n";

fn main() {
    let Some(stet) = binary() else {
        eprintln!(
            "skipped: no release `stet` binary; run `cargo build --release -p stet-iac-cli` first (or set STET_BIN)"
        );
        return;
    };
    let dir = std::env::temp_dir().join(format!("stet-startup-{}", std::process::id()));
    if let Err(e) = write_case(&dir) {
        eprintln!("skipped: cannot write {}: {e}", dir.display());
        return;
    }
    println!("binary: {}", stet.display());
    println!("{RUNS} runs after {WARM_UP} warm-up runs; wall time from spawn to exit, and CPU time (user + system, all threads)");
    println!(
        "{:<28} {:>10} {:>10} {:>10} {:>12}",
        "case", "median", "fastest", "slowest", "median CPU"
    );
    for (name, args) in [
        ("check main.tf", vec!["check", "main.tf"]),
        ("check template.yaml", vec!["check", "template.yaml"]),
        (
            "check main.tf --jobs 1",
            vec!["check", "--jobs", "1", "main.tf"],
        ),
    ] {
        match measure(&stet, &dir, &args) {
            Ok(runs) => {
                let mut wall: Vec<Duration> = runs.iter().map(|r| r.0).collect();
                let mut cpu: Vec<Duration> = runs.iter().map(|r| r.1).collect();
                wall.sort();
                cpu.sort();
                println!(
                    "{name:<28} {:>10} {:>10} {:>10} {:>12}",
                    ms(wall[RUNS / 2]),
                    ms(wall[0]),
                    ms(wall[RUNS - 1]),
                    ms(cpu[RUNS / 2])
                );
            }
            Err(e) => println!("{name:<28} failed: {e}"),
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The binary to time.
fn binary() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("STET_BIN") {
        return Some(PathBuf::from(path));
    }
    // This benchmark runs from `<target>/release/deps/`; the binary sits in `<target>/release/`.
    let exe = std::env::current_exe().ok()?;
    let release = exe.parent()?.parent()?;
    let stet = release.join(format!("stet{}", std::env::consts::EXE_SUFFIX));
    stet.is_file().then_some(stet)
}

fn write_case(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join("main.tf"), MAIN_TF)?;
    std::fs::write(dir.join("template.yaml"), TEMPLATE_YAML)
}

/// The wall time and CPU time of each of the [`RUNS`] runs of `stet ARGS` in `dir`.
fn measure(stet: &Path, dir: &Path, args: &[&str]) -> Result<Vec<(Duration, Duration)>, String> {
    let run = || -> Result<(Duration, Duration), String> {
        let cpu_before = children_cpu();
        let start = Instant::now();
        let status = Command::new(stet)
            .args(args)
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map_err(|e| e.to_string())?;
        let elapsed = start.elapsed();
        let cpu = children_cpu().saturating_sub(cpu_before);
        // 0 (nothing found) or 1 (findings); 2 would mean the input did not load.
        match status.code() {
            Some(0 | 1) => Ok((elapsed, cpu)),
            other => Err(format!("exit status {other:?}")),
        }
    };
    for _ in 0..WARM_UP {
        run()?;
    }
    (0..RUNS).map(|_| run()).collect()
}

/// User and system time of every child process waited for so far.
fn children_cpu() -> Duration {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes a `rusage` into the buffer it is given, which is large enough.
    let ok = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr()) } == 0;
    if !ok {
        return Duration::ZERO;
    }
    // SAFETY: getrusage succeeded, so the buffer is initialised.
    let usage = unsafe { usage.assume_init() };
    let time = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    time(usage.ru_utime) + time(usage.ru_stime)
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}
