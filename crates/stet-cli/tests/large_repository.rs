//! A generated repository of 10,000 files (500 Terraform module folders of 10 files, 4,000
//! CloudFormation templates, 1,000 JSON files that are not templates; made here in a
//! temporary folder, not committed) is scanned completely, with the built-in pack, within a
//! stated memory bound: a peak resident set of at most `MEMORY_BOUND_MB` for the `stet`
//! process (measured at 10,000 files: see docs/security.md).

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

/// The bound on the scan's peak memory, in MiB.
const MEMORY_BOUND_MB: i64 = 256;

fn generate(root: &Path) -> usize {
    let mut files = 0;
    let write = |path: &Path, text: &str| {
        std::fs::create_dir_all(path.parent().expect("parent")).expect("create folder");
        std::fs::write(path, text).expect("write file");
    };
    for m in 0..500 {
        for f in 0..10 {
            let mut text = String::new();
            for r in 0..3 {
                let _ = writeln!(
                    text,
                    "resource \"aws_instance\" \"web_{f}_{r}\" {{\n  ami           = \"ami-{m:05}{f}{r}\"\n  instance_type = \"t3.micro\"\n  tags = {{\n    Name = \"web-{m}-{f}-{r}\"\n  }}\n}}\n"
                );
            }
            write(&root.join(format!("modules/m{m:03}/file{f}.tf")), &text);
            files += 1;
        }
    }
    for t in 0..4000 {
        let text = format!(
            "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Fn{t}:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: python3.{}\n      Handler: index.handler\n      Code:\n        ZipFile: print({t})\n  Bucket{t}:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Sub 'bucket-{t}-${{AWS::Region}}'\n",
            t % 13
        );
        write(
            &root.join(format!("stacks/s{:02}/t{t}.yaml", t / 100)),
            &text,
        );
        files += 1;
    }
    for j in 0..1000 {
        write(
            &root.join(format!("data/d{:02}/f{j}.json", j / 100)),
            &format!("{{\"id\": {j}, \"items\": [1, 2, 3]}}\n"),
        );
        files += 1;
    }
    files
}

/// The largest resident set of the children this process has waited for, in MiB.
fn children_peak_mb() -> i64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes a rusage into the pointer it is given.
    let ok = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr()) } == 0;
    assert!(ok, "getrusage failed");
    // SAFETY: initialised by the successful call above.
    let usage = unsafe { usage.assume_init() };
    usage.ru_maxrss / 1024
}

#[test]
fn ten_thousand_files_are_scanned_within_the_memory_bound() {
    let root = std::env::temp_dir().join(format!("stet-large-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    assert_eq!(generate(&root), 10_000);
    std::fs::create_dir_all(root.join(".git")).expect("mark the repository root");
    let output = Command::new(env!("CARGO_BIN_EXE_stet"))
        .args(["check", ".", "--format", "json", "--fail-on", "never"])
        .current_dir(&root)
        .output()
        .expect("run stet");
    let peak = children_peak_mb();
    let _ = std::fs::remove_dir_all(&root);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON report");
    // Every file counted: 5,000 Terraform files and 4,000 templates read, 1,000 skipped.
    assert_eq!(report["summary"]["files"], 9_000, "{}", report["summary"]);
    assert_eq!(report["summary"]["skipped"]["not a template"], 1_000);
    assert_eq!(report["summary"]["resources"], 500 * 30 + 4_000 * 2);
    let findings = report["findings"].as_array().map_or(0, Vec::len);
    eprintln!("{findings} findings");
    assert!(findings >= 500, "{findings} findings");
    eprintln!("10,000 files: peak {peak} MiB (bound {MEMORY_BOUND_MB} MiB)");
    assert!(
        peak <= MEMORY_BOUND_MB,
        "stet used {peak} MiB on 10,000 files; the bound is {MEMORY_BOUND_MB} MiB"
    );
}
