//! The Terraform oracle: every `terraform_data` resource's `input` in
//! `fixtures/terraform-oracle/*/` evaluated by stet and compared with what Terraform itself
//! computed (`expected.json`, recorded by this test). A value must be equal, or left
//! unresolved; never different. Where the `terraform` binary is installed the recorded
//! answers are checked against it first (`STET_BLESS=1` records them anew), so the
//! comparison runs everywhere and cannot go stale where Terraform is at hand.
//!
//! Run with `-- --nocapture` to see the counts per case.

use jsonc_parser::ast::{ObjectPropName, Value as Ast};
use jsonc_parser::{CollectOptions, CommentCollectionStrategy, ParseOptions};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use stet_graph::{ResourceKind, Value, ValueKind};
use stet_terraform::{load_module, LoadOptions, OsFiles};

/// A JSON value with numbers kept as written.
#[derive(Debug, Clone, PartialEq)]
enum J {
    Null,
    Bool(bool),
    Num(String),
    Str(String),
    List(Vec<J>),
    Map(BTreeMap<String, J>),
}

impl J {
    fn render(&self) -> String {
        match self {
            J::Null => "null".into(),
            J::Bool(b) => b.to_string(),
            J::Num(n) => n.clone(),
            J::Str(s) => serde_json::to_string(s).unwrap_or_default(),
            J::List(items) => format!(
                "[{}]",
                items.iter().map(J::render).collect::<Vec<_>>().join(",")
            ),
            J::Map(m) => format!(
                "{{{}}}",
                m.iter()
                    .map(|(k, v)| format!(
                        "{}:{}",
                        serde_json::to_string(k).unwrap_or_default(),
                        v.render()
                    ))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        }
    }
}

fn parse(text: &str) -> J {
    let options = ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    let collect = CollectOptions {
        comments: CommentCollectionStrategy::Off,
        tokens: false,
    };
    let parsed = jsonc_parser::parse_to_ast(text, &collect, &options).expect("valid JSON");
    parsed.value.as_ref().map_or(J::Null, convert)
}

fn convert(ast: &Ast<'_>) -> J {
    match ast {
        Ast::NullKeyword(_) => J::Null,
        Ast::BooleanLit(b) => J::Bool(b.value),
        Ast::NumberLit(n) => J::Num(n.value.to_string()),
        Ast::StringLit(s) => J::Str(s.value.to_string()),
        Ast::Array(a) => J::List(a.elements.iter().map(convert).collect()),
        Ast::Object(o) => J::Map(
            o.properties
                .iter()
                .map(|p| {
                    let k = match &p.name {
                        ObjectPropName::String(s) => s.value.to_string(),
                        ObjectPropName::Word(w) => w.value.to_string(),
                    };
                    (k, convert(&p.value))
                })
                .collect(),
        ),
    }
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/terraform-oracle")
}

/// `terraform version` works here.
fn terraform_available() -> bool {
    Command::new("terraform")
        .arg("version")
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Copies `from` into `to`, recursively (`.terraform/` included: a case may carry a module
/// manifest and downloaded modules).
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else if entry.file_name() != "expected.json" {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn run(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("terraform")
        .args(args)
        .current_dir(dir)
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .env("TF_IN_AUTOMATION", "1")
        .env("CHECKPOINT_DISABLE", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "terraform {args:?} failed in {}:\n{}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `terraform init`; a case that carries its own `.terraform/modules/modules.json` (modules
/// as `terraform init` would have downloaded them) is initialised without fetching.
fn init(dir: &Path) {
    if dir.join(".terraform/modules/modules.json").exists() {
        run(dir, &["init", "-get=false", "-input=false", "-no-color"]);
    } else {
        run(dir, &["init", "-input=false", "-no-color"]);
    }
}

/// Applies the case with Terraform and returns every `terraform_data` input by address.
fn terraform_values(case: &Path) -> BTreeMap<String, J> {
    let work = std::env::temp_dir().join(format!(
        "stet-oracle-{}-{}",
        std::process::id(),
        case.file_name().unwrap().to_string_lossy()
    ));
    let _ = std::fs::remove_dir_all(&work);
    copy_dir(case, &work);
    run(&work, &["init", "-input=false", "-no-color"]);
    run(
        &work,
        &["apply", "-auto-approve", "-input=false", "-no-color"],
    );
    let shown = parse(&run(&work, &["show", "-json", "-no-color"]));
    let _ = std::fs::remove_dir_all(&work);
    let mut out = BTreeMap::new();
    if let J::Map(top) = shown {
        if let Some(J::Map(values)) = top.get("values") {
            if let Some(module) = values.get("root_module") {
                collect(module, &mut out);
            }
        }
    }
    out
}

fn collect(module: &J, out: &mut BTreeMap<String, J>) {
    let J::Map(m) = module else { return };
    if let Some(J::List(resources)) = m.get("resources") {
        for r in resources {
            let J::Map(r) = r else { continue };
            if r.get("type") != Some(&J::Str("terraform_data".into())) {
                continue;
            }
            let (Some(J::Str(address)), Some(J::Map(values))) = (r.get("address"), r.get("values"))
            else {
                continue;
            };
            out.insert(
                address.clone(),
                values.get("input").cloned().unwrap_or(J::Null),
            );
        }
    }
    if let Some(J::List(children)) = m.get("child_modules") {
        for c in children {
            collect(c, out);
        }
    }
}

fn read_expected(case: &Path) -> Option<BTreeMap<String, J>> {
    let text = std::fs::read_to_string(case.join("expected.json")).ok()?;
    match parse(&text) {
        J::Map(m) => match m.get("values") {
            Some(J::Map(values)) => Some(values.clone()),
            _ => None,
        },
        _ => None,
    }
}

fn write_expected(case: &Path, values: &BTreeMap<String, J>) {
    let mut text = String::from("{\n  \"terraform\": \"1.11\",\n  \"values\": {\n");
    let rows: Vec<String> = values
        .iter()
        .map(|(k, v)| format!("    {}: {}", serde_json::to_string(k).unwrap(), v.render()))
        .collect();
    text.push_str(&rows.join(",\n"));
    text.push_str("\n  }\n}\n");
    std::fs::write(case.join("expected.json"), text).unwrap();
}

/// How stet's value compares with Terraform's.
#[derive(Debug, PartialEq)]
enum Verdict {
    Equal,
    Unresolved,
    Different(String),
}

fn number_text(kind: &ValueKind) -> Option<String> {
    match kind {
        ValueKind::Int(i) => Some(i.to_string()),
        ValueKind::Float(f) => Some(if *f == 0.0 && f.is_sign_negative() {
            "-0".into()
        } else {
            f.to_string()
        }),
        ValueKind::Decimal(d) => Some(d.clone()),
        _ => None,
    }
}

fn compare(stet: Option<&Value>, tf: &J, path: &str) -> Verdict {
    let Some(v) = stet else {
        return if *tf == J::Null {
            Verdict::Equal
        } else {
            Verdict::Different(format!(
                "{path}: stet has no value, Terraform {}",
                tf.render()
            ))
        };
    };
    let differ = |what: String| {
        Verdict::Different(format!("{path}: stet {what}, Terraform {}", tf.render()))
    };
    match (&v.kind, tf) {
        (ValueKind::Expr(_), _) => Verdict::Unresolved,
        (ValueKind::Null, J::Null) => Verdict::Equal,
        (ValueKind::Bool(a), J::Bool(b)) if a == b => Verdict::Equal,
        (ValueKind::String(a), J::Str(b)) if a == b => Verdict::Equal,
        (k, J::Num(n)) if number_text(k).as_deref() == Some(n.as_str()) => Verdict::Equal,
        (ValueKind::List(items), J::List(want)) if items.len() == want.len() => {
            let mut verdict = Verdict::Equal;
            for (i, (a, b)) in items.iter().zip(want).enumerate() {
                match compare(Some(a), b, &format!("{path}[{i}]")) {
                    d @ Verdict::Different(_) => return d,
                    Verdict::Unresolved => verdict = Verdict::Unresolved,
                    Verdict::Equal => {}
                }
            }
            verdict
        }
        (ValueKind::Map(map), J::Map(want)) if map.len() == want.len() => {
            let mut verdict = Verdict::Equal;
            for (k, b) in want {
                let Some(a) = map.get(k) else {
                    return differ(format!("lacks key {k:?}"));
                };
                match compare(Some(a), b, &format!("{path}.{k}")) {
                    d @ Verdict::Different(_) => return d,
                    Verdict::Unresolved => verdict = Verdict::Unresolved,
                    Verdict::Equal => {}
                }
            }
            verdict
        }
        _ => differ(format!("has {}", v.to_json())),
    }
}

#[test]
fn stet_evaluates_as_terraform_does() {
    let root = fixtures();
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("fixtures/terraform-oracle exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("main.tf").exists())
        .collect();
    cases.sort();
    let bless = std::env::var_os("STET_BLESS").is_some();
    let terraform = terraform_available();
    if !terraform {
        eprintln!("terraform is not installed: comparing with the recorded answers only");
    }
    let (mut equal, mut unresolved) = (0usize, 0usize);
    let mut different = Vec::new();
    let mut stale = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let recorded = read_expected(case);
        let expected = if terraform {
            let actual = terraform_values(case);
            if recorded.as_ref() != Some(&actual) {
                if bless {
                    write_expected(case, &actual);
                } else {
                    stale.push(name.clone());
                }
            }
            actual
        } else {
            recorded.unwrap_or_else(|| {
                panic!("{name}: no expected.json (run with terraform installed and STET_BLESS=1)")
            })
        };
        let module = load_module(&OsFiles, case, &LoadOptions::default());
        let (mut e, mut u) = (0, 0);
        for (address, tf_value) in &expected {
            let resource = module
                .graph
                .resources
                .iter()
                .find(|r| r.kind == ResourceKind::Managed && &r.address == address);
            let Some(resource) = resource else {
                different.push(format!("{name}: {address}: stet has no such resource"));
                continue;
            };
            match compare(
                resource.attributes.get("input"),
                tf_value,
                &format!("{name}: {address}"),
            ) {
                Verdict::Equal => e += 1,
                Verdict::Unresolved => {
                    u += 1;
                    eprintln!("  unresolved: {address}");
                }
                Verdict::Different(d) => different.push(d),
            }
        }
        eprintln!(
            "{name}: {} values, {e} equal, {u} unresolved",
            expected.len()
        );
        equal += e;
        unresolved += u;
    }
    let total = equal + unresolved + different.len();
    eprintln!(
        "terraform oracle: {total} values in {} cases: {equal} equal, {unresolved} unresolved, {} different",
        cases.len(),
        different.len()
    );
    assert!(
        stale.is_empty(),
        "recorded answers differ from terraform's for {stale:?}: rerun with STET_BLESS=1 and review the diff"
    );
    assert!(
        different.is_empty(),
        "values that differ from Terraform's:\n{}",
        different.join("\n")
    );
    assert!(
        total >= 300,
        "the oracle should hold at least 300 values, it has {total}"
    );
    assert!(
        equal * 100 >= total * 98,
        "at least 98% of values should resolve: {equal} of {total}"
    );
}

fn error_fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/terraform-oracle-errors")
}

/// The errors `terraform plan` reports for a case, as resource name → summaries.
fn terraform_errors(case: &Path) -> BTreeMap<String, Vec<String>> {
    let work = std::env::temp_dir().join(format!(
        "stet-oracle-errors-{}-{}",
        std::process::id(),
        case.file_name().unwrap().to_string_lossy()
    ));
    let _ = std::fs::remove_dir_all(&work);
    copy_dir(case, &work);
    init(&work);
    let out = Command::new("terraform")
        .args(["plan", "-input=false", "-no-color"])
        .current_dir(&work)
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .env("TF_IN_AUTOMATION", "1")
        .env("CHECKPOINT_DISABLE", "1")
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&work);
    let text = String::from_utf8_lossy(&out.stderr);
    let mut errors: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut summary: Option<String> = None;
    for line in text.lines() {
        if let Some(s) = line.strip_prefix("Error: ") {
            summary = Some(s.trim().to_string());
        } else if let (Some(s), Some(rest)) = (
            &summary,
            line.split("in resource \"terraform_data\" \"").nth(1),
        ) {
            let name = rest.split('"').next().unwrap_or_default().to_string();
            let list = errors.entry(name).or_default();
            if !list.contains(s) {
                list.push(s.clone());
                list.sort();
            }
            summary = None;
        }
    }
    errors
}

fn read_expected_errors(case: &Path) -> Option<BTreeMap<String, Vec<String>>> {
    let text = std::fs::read_to_string(case.join("expected.json")).ok()?;
    serde_json::from_str(&text).ok()
}

/// What Terraform rejects, stet rejects too: for every resource of
/// `fixtures/terraform-oracle-errors/*/`, stet reports an error inside that resource with each
/// of the summaries `terraform plan` gives (recorded in `expected.json`).
#[test]
fn stet_rejects_what_terraform_rejects() {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(error_fixtures())
        .expect("fixtures/terraform-oracle-errors exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("main.tf").exists())
        .collect();
    cases.sort();
    let bless = std::env::var_os("STET_BLESS").is_some();
    let terraform = terraform_available();
    let mut problems = Vec::new();
    let mut stale = Vec::new();
    let mut total = 0;
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let recorded = read_expected_errors(case);
        let expected = if terraform {
            let actual = terraform_errors(case);
            if recorded.as_ref() != Some(&actual) {
                if bless {
                    let text = serde_json::to_string_pretty(&actual).unwrap();
                    std::fs::write(case.join("expected.json"), text + "\n").unwrap();
                } else {
                    stale.push(name.clone());
                }
            }
            actual
        } else {
            recorded.unwrap_or_else(|| panic!("{name}: no expected.json"))
        };
        let module = load_module(&OsFiles, case, &LoadOptions::default());
        for (resource_name, summaries) in &expected {
            total += 1;
            let address = format!("terraform_data.{resource_name}");
            let Some(resource) = module.graph.resources.iter().find(|r| r.address == address)
            else {
                problems.push(format!("{name}: {address}: stet has no such resource"));
                continue;
            };
            let mut found: Vec<String> = module
                .errors
                .iter()
                .filter_map(|e| match e {
                    stet_terraform::Error::Eval { span, summary, .. }
                        if span.start.line >= resource.span.start.line
                            && span.end.line <= resource.span.end.line =>
                    {
                        Some(summary.clone())
                    }
                    _ => None,
                })
                .collect();
            found.sort();
            found.dedup();
            if &found != summaries {
                problems.push(format!(
                    "{name}: {address}: Terraform says {summaries:?}, stet {found:?}"
                ));
            }
        }
    }
    eprintln!(
        "terraform oracle errors: {total} rejected expressions, {} handled differently",
        problems.len()
    );
    assert!(
        stale.is_empty(),
        "recorded errors differ from terraform's for {stale:?}: rerun with STET_BLESS=1"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
