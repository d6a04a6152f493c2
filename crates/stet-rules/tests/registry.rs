//! The AWS Guard Rules Registry (`../shared/conformance/guard-rules-registry`): every test
//! case cfn-guard 3.2.1 passes must pass here. Skipped, with a message, where it is absent.

use std::path::Path;

#[test]
fn guard_rules_registry_conformance() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/conformance/guard-rules-registry/rules");
    if !dir.is_dir() {
        eprintln!("skipped: {} is absent", dir.display());
        return;
    }
    let report = stet_rules::run_tests(&dir);
    for e in &report.errors {
        eprintln!("{e}");
    }
    for m in report.mismatches.iter().take(400) {
        eprintln!(
            "{} | {} | {}: expected {}, got {}",
            m.test_file.display(),
            m.case,
            m.rule,
            m.expected,
            m.actual
        );
    }
    eprintln!(
        "files {} cases {} expectations {} mismatches {} errors {} unpaired {:?}",
        report.files,
        report.cases,
        report.expectations,
        report.mismatches.len(),
        report.errors.len(),
        report.unpaired
    );
    assert!(
        report.errors.is_empty(),
        "{} rule or test files failed to load",
        report.errors.len()
    );
    assert!(
        report.mismatches.is_empty(),
        "{} expectations did not hold",
        report.mismatches.len()
    );
    assert_eq!(report.cases, 1694);
}
