//! Properties of the diff and of rule evaluation over random Terraform modules and
//! CloudFormation templates (the `diff` and `eval` fuzz targets check the same on arbitrary
//! bytes, outside CI):
//! - a version compared with itself has no change;
//! - swapping the versions swaps creates and deletes and keeps updates and replacements;
//! - every change and every finding of the built-in pack has a file and a line in it.

use proptest::prelude::*;
use serde_json::json;
use std::collections::BTreeSet;
use stet::{builtin_rules, check, Action, Change, Graph, KnowledgeBase, Loaded, Pack};
use stet_terraform::{load_module, LoadOptions, MemoryFiles};

/// A resource: type, name, attributes (name → small value).
type Spec = (usize, usize, Vec<(usize, usize)>);

const TF_TYPES: &[&str] = &[
    "aws_s3_bucket",
    "aws_instance",
    "aws_ecs_service",
    "aws_db_instance",
];
const TF_ATTRS: &[&str] = &[
    "bucket",
    "ami",
    "instance_type",
    "engine_version",
    "tags",
    "name",
];
const CFN_TYPES: &[&str] = &[
    "AWS::S3::Bucket",
    "AWS::EC2::Instance",
    "AWS::RDS::DBInstance",
    "AWS::Lambda::Function",
];
const CFN_PROPS: &[&str] = &[
    "BucketName",
    "ImageId",
    "InstanceType",
    "EngineVersion",
    "Runtime",
    "Tags",
];
const VALUES: &[&str] = &["a", "b", "ami-1", "python3.6", "latest"];

fn specs() -> impl Strategy<Value = Vec<Spec>> {
    prop::collection::vec(
        (
            0..4usize,
            0..4usize,
            prop::collection::vec((0..6usize, 0..5usize), 0..4),
        ),
        0..6,
    )
}

fn terraform(specs: &[Spec]) -> Graph {
    // The same address may come twice (Terraform refuses it, `override.tf` does it on
    // purpose): the `diff` fuzz target found a version that differed from itself that way.
    let mut text = String::new();
    for (t, n, attrs) in specs {
        text.push_str(&format!("resource \"{}\" \"r{n}\" {{\n", TF_TYPES[*t]));
        let mut names = BTreeSet::new();
        for (a, v) in attrs {
            if names.insert(a) {
                let value = if TF_ATTRS[*a] == "tags" {
                    format!("{{ Name = \"{}\" }}", VALUES[*v])
                } else {
                    format!("\"{}\"", VALUES[*v])
                };
                text.push_str(&format!("  {} = {value}\n", TF_ATTRS[*a]));
            }
        }
        text.push_str("}\n");
    }
    let mut files = MemoryFiles::default();
    files.insert("m/main.tf", text);
    load_module(&files, "m".as_ref(), &LoadOptions::default()).graph
}

fn cloudformation(specs: &[Spec]) -> Graph {
    let mut resources = serde_json::Map::new();
    for (t, n, attrs) in specs {
        let mut props = serde_json::Map::new();
        for (a, v) in attrs {
            let value = if CFN_PROPS[*a] == "Tags" {
                json!([{ "Key": "Name", "Value": VALUES[*v] }])
            } else {
                json!(VALUES[*v])
            };
            props.insert(CFN_PROPS[*a].into(), value);
        }
        resources.insert(
            format!("R{n}"),
            json!({ "Type": CFN_TYPES[*t], "Properties": props }),
        );
    }
    let text = serde_json::to_string_pretty(
        &json!({ "AWSTemplateFormatVersion": "2010-09-09", "Resources": resources }),
    )
    .unwrap_or_default();
    match stet_cloudformation::parse_template("t.json".into(), &text, &Default::default()) {
        Ok(Some(parsed)) => parsed.graph,
        other => panic!("a generated template does not parse: {other:?}\n{text}"),
    }
}

fn addresses(changes: &[Change], actions: &[Action]) -> BTreeSet<String> {
    changes
        .iter()
        .filter(|c| actions.contains(&c.action))
        .map(|c| c.address.clone())
        .collect()
}

/// The argument names a resource sets.
fn argument_names(graph: &Graph, address: &str) -> BTreeSet<String> {
    graph
        .resource(address)
        .and_then(|r| r.attributes.as_map())
        .map(|m| m.keys().map(str::to_string).collect())
        .unwrap_or_default()
}

fn check_pair(a: &Graph, b: &Graph) -> Result<(), TestCaseError> {
    let kb = KnowledgeBase::embedded().map_err(|e| TestCaseError::fail(e.to_string()))?;
    for g in [a, b] {
        let same = stet_diff::diff_graphs(Some(g), Some(g), kb);
        prop_assert!(same.is_empty(), "a version differs from itself: {:?}", same);
    }
    let forward = stet_diff::diff_graphs(Some(a), Some(b), kb);
    let backward = stet_diff::diff_graphs(Some(b), Some(a), kb);
    prop_assert_eq!(
        addresses(&forward, &[Action::Create]),
        addresses(&backward, &[Action::Delete])
    );
    prop_assert_eq!(
        addresses(&forward, &[Action::Delete]),
        addresses(&backward, &[Action::Create])
    );
    // Updates mirror too, but for an Optional+Computed argument removed from the code:
    // Terraform keeps its value (no change) while adding it is a change.
    let updated = |changes: &[Change]| addresses(changes, &[Action::Update, Action::Replace]);
    let (f, r) = (updated(&forward), updated(&backward));
    for address in f.symmetric_difference(&r) {
        prop_assert!(
            argument_names(a, address) != argument_names(b, address),
            "{address} changes one way only, with the same arguments on both sides"
        );
    }
    for c in forward.iter().chain(&backward) {
        prop_assert!(!c.span.file.is_empty() && c.span.start.line >= 1, "{:?}", c);
    }
    Ok(())
}

fn check_findings(graph: Graph) -> Result<(), TestCaseError> {
    let lines = graph
        .files
        .iter()
        .map(|f| (f.path.to_string(), f.text.lines().count().max(1) as u32))
        .collect::<Vec<_>>();
    let mut loaded = Loaded::default();
    loaded.graphs = vec![graph];
    let (rules, problems) = builtin_rules(Pack::Configuration);
    prop_assert!(problems.is_empty());
    let (findings, diagnostics) = check(&loaded, &rules);
    prop_assert!(diagnostics.is_empty(), "{:?}", diagnostics);
    for f in &findings {
        let in_file = lines.iter().any(|(path, n)| {
            **path == *f.span.file && f.span.start.line >= 1 && f.span.start.line <= *n
        });
        prop_assert!(in_file, "finding outside its file: {:?}", f);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    #[test]
    fn terraform_diffs_mirror(a in specs(), b in specs()) {
        check_pair(&terraform(&a), &terraform(&b))?;
    }

    #[test]
    fn cloudformation_diffs_mirror(a in specs(), b in specs()) {
        check_pair(&cloudformation(&a), &cloudformation(&b))?;
    }

    #[test]
    fn builtin_findings_lie_in_their_files(a in specs(), cfn in any::<bool>()) {
        check_findings(if cfn { cloudformation(&a) } else { terraform(&a) })?;
    }
}

#[test]
fn the_generators_make_resources() {
    let spec: Vec<Spec> = vec![(0, 0, vec![(0, 0)]), (1, 1, vec![])];
    assert_eq!(terraform(&spec).resources.len(), 2);
    assert_eq!(cloudformation(&spec).resources.len(), 2);
}

#[test]
fn a_module_declaring_an_address_twice_does_not_differ_from_itself() {
    let mut files = MemoryFiles::default();
    files.insert(
        "m/main.tf",
        "variable \"a\" {}\nresource \"aws_sqs_queue\" \"q\" {}\nresource \"aws_sqs_queue\" \"q\" {\n  name = var.a\n}\n",
    );
    let graph = load_module(&files, "m".as_ref(), &LoadOptions::default()).graph;
    let kb = KnowledgeBase::embedded().expect("knowledge base");
    assert_eq!(
        stet_diff::diff_graphs(Some(&graph), Some(&graph), kb),
        Vec::<Change>::new()
    );
}
