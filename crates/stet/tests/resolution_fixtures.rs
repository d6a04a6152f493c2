//! The CloudFormation resolution fixtures of `fixtures/resolution/` (issue #18): each case is
//! a folder with a template, the parameters files and `stet.toml` it is read with, and a
//! `case.json` giving the CloudFormation documentation that backs it, resolved values
//! (`values`: a `/`-separated path in the resolved template → the expected JSON value,
//! `null` for absent), the built-in pack's findings by rule (`findings`, exactly), the
//! warnings expected (`warnings`: the start of each, exactly as many) and `--parameter`
//! values (`parameters`).

use serde_json::Value as Json;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/resolution")
}

/// The value at a `/`-separated path (list items by index).
fn at<'j>(json: &'j Json, path: &str) -> Option<&'j Json> {
    path.split('/').try_fold(json, |v, key| match v {
        Json::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => v.get(key),
    })
}

fn options(case: &Path, spec: &Json) -> stet::RunOptions {
    let config = match case.join("stet.toml") {
        p if p.is_file() => stet::Config::read(&p).unwrap(),
        _ => stet::Config::none(),
    };
    let flags: Vec<(String, String)> = spec["parameters"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
        .collect();
    stet::RunOptions {
        load: stet::LoadOptions {
            root: Some(case.to_path_buf()),
            cloudformation: config.parameter_sources(&flags),
            ..Default::default()
        },
        config,
        ..Default::default()
    }
}

#[test]
fn resolution_fixtures_resolve_and_check_as_documented() {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("case.json").is_file())
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 25,
        "only {} resolution fixtures",
        cases.len()
    );
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let spec: Json =
            serde_json::from_str(&std::fs::read_to_string(case.join("case.json")).unwrap())
                .unwrap();
        assert!(
            spec["source"]
                .as_str()
                .is_some_and(|s| s.starts_with("https://")),
            "{name}: case.json must cite its source"
        );
        let options = options(case, &spec);
        let loaded = stet::load(std::slice::from_ref(case), &options.load);
        let templates: Vec<&stet::Graph> = loaded
            .graphs
            .iter()
            .filter(|g| g.resolved.is_some())
            .collect();
        if templates.len() != 1 {
            failures.push(format!("{name}: {} resolved templates", templates.len()));
            continue;
        }
        let resolved = templates[0]
            .resolved
            .as_ref()
            .map(|r| r.document.to_json())
            .unwrap_or_default();
        for (path, expected) in spec["values"].as_object().into_iter().flatten() {
            let got = at(&resolved, path).cloned().unwrap_or(Json::Null);
            if &got != expected {
                failures.push(format!("{name}: {path} is {got}, expected {expected}"));
            }
        }
        let report = stet::check_paths(std::slice::from_ref(case), &options);
        let mut found: std::collections::BTreeMap<String, u64> = Default::default();
        for f in &report.findings {
            *found.entry(f.rule.clone()).or_default() += 1;
        }
        let wanted: std::collections::BTreeMap<String, u64> = spec["findings"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.clone(), v.as_u64().unwrap_or(0)))
            .collect();
        if found != wanted {
            let messages: Vec<String> = report
                .findings
                .iter()
                .map(|f| {
                    format!(
                        "{}:{} {} {}",
                        f.span.file, f.span.start.line, f.rule, f.message
                    )
                })
                .collect();
            failures.push(format!(
                "{name}: findings {found:?}, expected {wanted:?}\n  {}",
                messages.join("\n  ")
            ));
        }
        let prefix = format!("{}/", case.display());
        let diagnostics: Vec<String> = report
            .diagnostics
            .iter()
            .map(|d| {
                d.to_string()
                    .replace(&prefix, "")
                    .replace(&format!("../../fixtures/resolution/{name}/"), "")
                    .replace(": warning", "")
            })
            .collect();
        let expected: Vec<&str> = spec["warnings"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Json::as_str)
            .collect();
        let matched = diagnostics.len() == expected.len()
            && expected
                .iter()
                .all(|e| diagnostics.iter().any(|d| d.starts_with(e)));
        if !matched {
            failures.push(format!(
                "{name}: diagnostics {diagnostics:#?}, expected {expected:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A rule file without `view: resolved` reads templates as written, as cfn-guard does: the
/// `latest` default behind `!Sub` is not seen, while the same rule with the header is.
#[test]
fn rule_files_read_templates_as_written_unless_they_ask() {
    let case = fixtures().join("sub-variable-map");
    let rule =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/PIN004.guard"))
            .unwrap();
    let dir = std::env::temp_dir().join(format!("stet-view-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let as_written = dir.join("as_written.guard");
    let resolved = dir.join("resolved.guard");
    std::fs::write(
        &as_written,
        rule.replace("#   id: PIN004\n", "#   id: USER001\n"),
    )
    .unwrap();
    std::fs::write(
        &resolved,
        rule.replace("#   id: PIN004\n", "#   id: USER002\n#   view: resolved\n"),
    )
    .unwrap();
    let run = |rule: &Path| {
        let options = stet::RunOptions {
            rules: vec![rule.to_path_buf()],
            builtin: false,
            ..Default::default()
        };
        stet::check_paths(std::slice::from_ref(&case), &options).findings
    };
    assert!(run(&as_written).is_empty());
    let findings = run(&resolved);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].rule, "USER002");
    assert_eq!(findings[0].related.len(), 2, "{:?}", findings[0].related);
}

/// Whether a resolved value is fully known: no `${...}` placeholder, no unresolved function.
fn known(value: &Json) -> bool {
    match value {
        Json::String(s) => !s.contains("${"),
        Json::Array(items) => items.iter().all(known),
        Json::Object(map) => !map.keys().any(|k| k.starts_with("Fn::")) && map.values().all(known),
        Json::Null => false,
        _ => true,
    }
}

/// Two values as CloudFormation passes them on (`3` and `"3"` are the same).
fn same(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::String(x), y) | (y, Json::String(x))
            if !y.is_string() && !y.is_object() && !y.is_array() =>
        {
            x.as_str() == y.to_string().as_str()
        }
        _ => a == b,
    }
}

/// cfn-lint as a partial oracle (`cfn-lint.json` beside each template, recorded by
/// `scripts/cfn-lint-oracle.py`): for every intrinsic function cfn-lint resolves, the value stet
/// resolves with the template's defaults alone is one of the values cfn-lint finds, except
/// where `cfn-lint-differences.json` explains why not.
#[test]
fn resolved_values_are_among_those_cfn_lint_finds() {
    let known_differences: Json = serde_json::from_str(
        &std::fs::read_to_string(fixtures().join("cfn-lint-differences.json")).unwrap(),
    )
    .unwrap();
    let (mut compared, mut agreed) = (0, 0);
    let mut failures = Vec::new();
    let mut cases: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("cfn-lint.json").is_file())
        .collect();
    cases.sort();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let oracle: Json =
            serde_json::from_str(&std::fs::read_to_string(case.join("cfn-lint.json")).unwrap())
                .unwrap();
        let path = case.join("template.yaml");
        let text = std::fs::read_to_string(&path).unwrap();
        let parsed =
            stet_cloudformation::parse_template("template.yaml".into(), &text, &Default::default())
                .unwrap()
                .unwrap();
        let template = parsed.graph.template.unwrap();
        let resolved = stet_cloudformation::resolve_template(&template, &[])
            .resolved
            .document
            .to_json();
        for entry in oracle["values"].as_array().into_iter().flatten() {
            let Some(theirs) = entry["values"].as_array().filter(|v| !v.is_empty()) else {
                continue;
            };
            let keys: Vec<String> = entry["path"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|k| match k {
                    Json::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect();
            let shown = keys.join("/");
            let Some(ours) = at(&resolved, &shown).filter(|v| known(v)) else {
                continue;
            };
            compared += 1;
            if theirs.iter().any(|t| same(ours, t)) {
                agreed += 1;
                continue;
            }
            let explained = known_differences["differences"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|d| d["case"] == name.as_str() && d["path"] == shown.as_str());
            if !explained {
                failures.push(format!(
                    "{name}: {shown} resolves to {ours}, cfn-lint to one of {theirs:?}"
                ));
            }
        }
    }
    eprintln!("cfn-lint oracle: {compared} values both resolve, {agreed} agree");
    assert!(
        compared >= 15,
        "only {compared} values compared with cfn-lint"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
