//! What the evaluator resolves, what it keeps as written, and how it stops on hostile
//! input.

use serde_json::json;
use stet_terraform::{load_module, Error, LoadOptions, MemoryFiles, Module};

fn load(files: &[(&str, &str)], options: &LoadOptions) -> Module {
    let mut memory = MemoryFiles::default();
    for (name, text) in files {
        memory.insert(format!("repo/m/{name}"), text.as_bytes().to_vec());
    }
    load_module(&memory, "repo/m".as_ref(), options)
}

fn attr(module: &Module, address: &str, name: &str) -> serde_json::Value {
    module
        .graph
        .resource(address)
        .unwrap_or_else(|| {
            panic!(
                "no {address} in {:?}",
                module
                    .graph
                    .resources
                    .iter()
                    .map(|r| &r.address)
                    .collect::<Vec<_>>()
            )
        })
        .attributes
        .get(name)
        .map(|v| v.to_json())
        .unwrap_or(serde_json::Value::Null)
}

#[test]
fn cyclic_locals_stay_unresolved() {
    let m = load(
        &[(
            "main.tf",
            "locals {\n  a = local.b\n  b = local.a\n}\nresource \"t\" \"r\" { v = local.a }\n",
        )],
        &LoadOptions::default(),
    );
    assert_eq!(attr(&m, "t.r", "v"), json!("${local.a}"));
}

#[test]
fn runaway_evaluation_stops_at_the_step_budget() {
    let mut options = LoadOptions::default();
    options.limits.max_eval_steps = 10_000;
    let text = "locals {\n  big = [for i in range(1000) : [for j in range(1000) : i * j]]\n}\nresource \"t\" \"r\" { v = length(local.big) }\n";
    let m = load(&[("main.tf", text)], &options);
    assert!(
        m.errors
            .iter()
            .any(|e| matches!(e, Error::EvalBudget { limit: 10_000, .. })),
        "{:?}",
        m.errors
    );
    assert!(m.graph.resource("t.r").is_some());
}

#[test]
fn huge_count_is_not_expanded() {
    let m = load(
        &[(
            "main.tf",
            "resource \"t\" \"r\" {\n  count = 100000000\n}\n",
        )],
        &LoadOptions::default(),
    );
    assert!(m.errors.iter().any(|e| matches!(
        e,
        Error::TooManyInstances {
            count: 100000000,
            ..
        }
    )));
    assert!(m.graph.resource("t.r").is_some());
    assert_eq!(m.graph.resources.len(), 1);
}

#[test]
fn try_can_splat_and_grouping() {
    let text = r#"
variable "cfg" {
  default = { a = 1 }
}
locals {
  items = [{ id = "x", g = "one" }, { id = "y", g = "one" }, { id = "z", g = "two" }]
}
resource "t" "r" {
  missing = try(var.cfg.b, "fallback")
  present = try(var.cfg.a, "fallback")
  can_b   = can(var.cfg.b)
  ids     = local.items[*].id
  groups  = { for i in local.items : i.g => i.id... }
  cond    = length(local.items) > 2 ? "many" : "few"
  joined  = join(",", [for i in local.items : upper(i.id) if i.g == "one"])
}
"#;
    let m = load(&[("main.tf", text)], &LoadOptions::default());
    assert_eq!(attr(&m, "t.r", "missing"), json!("fallback"));
    assert_eq!(attr(&m, "t.r", "present"), json!(1));
    assert_eq!(attr(&m, "t.r", "can_b"), json!(false));
    assert_eq!(attr(&m, "t.r", "ids"), json!(["x", "y", "z"]));
    assert_eq!(
        attr(&m, "t.r", "groups"),
        json!({"one": ["x", "y"], "two": ["z"]})
    );
    assert_eq!(attr(&m, "t.r", "cond"), json!("many"));
    assert_eq!(attr(&m, "t.r", "joined"), json!("X,Y"));
}

#[test]
fn unknown_values_keep_their_source_and_references() {
    let text = "resource \"t\" \"r\" {\n  image = \"${aws_ecr_repository.app.repository_url}:latest\"\n  subnet = element(aws_subnet.private[*].id, 0)\n}\n";
    let m = load(&[("main.tf", text)], &LoadOptions::default());
    let r = m.graph.resource("t.r").unwrap();
    let image = r.attributes.get("image").unwrap().as_expr().unwrap();
    assert_eq!(
        image.text,
        "${aws_ecr_repository.app.repository_url}:latest"
    );
    assert_eq!(image.references, ["aws_ecr_repository.app.repository_url"]);
    let subnet = r.attributes.get("subnet").unwrap().as_expr().unwrap();
    assert_eq!(subnet.source, "element(aws_subnet.private[*].id, 0)");
    assert_eq!(subnet.references, ["aws_subnet.private"]);
}

#[test]
fn files_outside_the_repository_are_not_read() {
    let mut memory = MemoryFiles::default();
    memory.insert("repo/m/main.tf", "resource \"t\" \"r\" {\n  a = file(\"../../secret.txt\")\n  b = file(\"/etc/passwd\")\n  c = file(\"${path.module}/ok.txt\")\n}\n");
    memory.insert("secret.txt", "top secret");
    memory.insert("repo/m/ok.txt", "fine");
    let options = LoadOptions {
        confine: Some("repo".into()),
        ..LoadOptions::default()
    };
    let m = load_module(&memory, "repo/m".as_ref(), &options);
    let outside: Vec<_> = m
        .errors
        .iter()
        .filter(|e| matches!(e, Error::OutsideRoot { .. }))
        .collect();
    assert_eq!(outside.len(), 2, "{:?}", m.errors);
    assert!(outside.iter().all(|e| e.is_warning()));
    assert_eq!(attr(&m, "t.r", "a"), json!("${file(\"../../secret.txt\")}"));
    assert_eq!(attr(&m, "t.r", "c"), json!("fine"));
}

#[test]
fn templatefile_renders_with_its_variables() {
    let mut memory = MemoryFiles::default();
    memory.insert("repo/m/main.tf", "resource \"t\" \"r\" {\n  user_data = templatefile(\"${path.module}/init.sh.tpl\", { name = \"web\", ports = [80, 443] })\n}\n");
    memory.insert(
        "repo/m/init.sh.tpl",
        "echo ${name}\n%{ for p in ports ~}\nopen ${p}\n%{ endfor ~}\n",
    );
    let m = load_module(
        &memory,
        "repo/m".as_ref(),
        &LoadOptions {
            confine: Some("repo".into()),
            ..LoadOptions::default()
        },
    );
    assert_eq!(
        attr(&m, "t.r", "user_data"),
        json!("echo web\nopen 80\nopen 443\n")
    );
}

#[test]
fn module_outputs_stay_references() {
    let m = load(&[("main.tf", "module \"vpc\" {\n  source = \"terraform-aws-modules/vpc/aws\"\n}\nresource \"t\" \"r\" {\n  vpc_id = module.vpc.vpc_id\n}\n")], &LoadOptions::default());
    assert_eq!(attr(&m, "t.r", "vpc_id"), json!("${module.vpc.vpc_id}"));
    assert!(m
        .graph
        .edges
        .iter()
        .any(|e| e.from == "t.r" && e.to == "module.vpc"));
}

#[test]
fn a_top_level_attribute_is_an_error() {
    let m = load(
        &[("main.tf", "name = \"x\"\nresource \"t\" \"r\" {}\n")],
        &LoadOptions::default(),
    );
    assert!(m.errors.iter().any(|e| matches!(e, Error::Structure { .. })
        && e.to_string().contains("`name` is not expected")));
    assert!(m.graph.resource("t.r").is_some());
}

#[test]
fn resource_with_one_label_is_an_error_and_skipped() {
    let m = load(
        &[("main.tf", "resource \"t\" {}\nresource \"t\" \"ok\" {}\n")],
        &LoadOptions::default(),
    );
    let error = m
        .errors
        .iter()
        .find(|e| matches!(e, Error::Structure { .. }))
        .expect("a structure error");
    assert_eq!(
        error.to_string(),
        "repo/m/main.tf:1:1: a `resource` block takes 2 labels, this one has 1"
    );
    assert!(m.graph.resource("t.ok").is_some());
}

#[test]
fn an_unknown_try_keeps_its_fallback_and_coalesce_its_sole_unknown() {
    let m = load(
        &[(
            "main.tf",
            r#"
variable "name" {
  type = string
}
variable "username" {
  default = ""
}
variable "pipes" {}
resource "aws_db_instance" "a" {
  username = coalesce(var.username, var.name)
}
resource "aws_iam_policy" "p" {
  path = try(var.pipes.role_path, null)
}
"#,
        )],
        &LoadOptions::default(),
    );
    let value = |address: &str, name: &str| {
        let v = m
            .graph
            .resource(address)
            .and_then(|r| r.attributes.get(name))
            .map(|v| v.kind.clone());
        match v {
            Some(stet_graph::ValueKind::Expr(e)) => *e,
            other => panic!("{address}.{name} is not an expression: {other:?}"),
        }
    };
    // `coalesce("", var.name)` is `var.name`, whatever `var.name` turns out to be.
    assert_eq!(value("aws_db_instance.a", "username").source, "var.name");
    let path = value("aws_iam_policy.p", "path");
    assert_eq!(path.source, "try(var.pipes.role_path, null)");
    assert_eq!(
        path.fallback,
        Some(stet_graph::Fallback {
            attempt: "var.pipes.role_path".into(),
            value: "null".into()
        })
    );
}

/// `(line, column)` of where a span starts.
fn at(span: &stet_graph::Span) -> (u32, u32) {
    (span.start.line, span.start.column)
}

/// A value read through a variable is placed where the variable is used, the place it was
/// written (a default, a `.tfvars` entry, a module call's argument) kept as its definition
/// (issue #17, item 9).
#[test]
fn variable_read_in_a_resource() {
    let mut memory = MemoryFiles::default();
    memory.insert(
        "repo/m/main.tf",
        concat!(
            "variable \"name\" {\n",          // 1
            "  default = \"web\"\n",          // 2
            "}\n",                            // 3
            "variable \"tags\" {\n",          // 4
            "  default = { team = \"a\" }\n", // 5
            "}\n",                            // 6
            "variable \"size\" {}\n",         // 7
            "resource \"t\" \"r\" {\n",       // 8
            "  name  = var.name\n",           // 9
            "  label = \"${var.name}\"\n",    // 10
            "  team  = var.tags[\"team\"]\n", // 11
            "  tags  = var.tags\n",           // 12
            "  upper = upper(var.name)\n",    // 13
            "  size  = var.size\n",           // 14
            "}\n",
        )
        .as_bytes()
        .to_vec(),
    );
    memory.insert("repo/m/terraform.tfvars", b"size = 3\n".to_vec());
    let m = load_module(&memory, "repo/m".as_ref(), &LoadOptions::default());
    let r = m.graph.resource("t.r").expect("t.r");
    let place = |name: &str| {
        let value = r.attributes.get(name).expect(name);
        (at(&value.span), value.defined_at.as_deref().map(at))
    };
    // Where it is used, and where the default is.
    assert_eq!(place("name"), ((9, 11), Some((2, 13))));
    assert_eq!(place("label"), ((10, 14), Some((2, 13))));
    // An element reached through the variable: its own place in the default.
    assert_eq!(place("team"), ((11, 11), Some((5, 22))));
    // A map keeps its entries where they are written.
    assert_eq!(place("tags"), ((12, 11), Some((5, 13))));
    let tags = r.attributes.get("tags").and_then(|t| t.get("team"));
    assert_eq!(tags.map(|t| at(&t.span)), Some((5, 22)));
    // A value a function computed is the call's.
    assert_eq!(place("upper"), ((13, 11), None));
    // A `.tfvars` entry.
    let size = r.attributes.get("size").expect("size");
    assert_eq!(at(&size.span), (14, 11));
    assert_eq!(
        size.defined_at.as_deref().map(|s| (&*s.file, at(s))),
        Some(("repo/m/terraform.tfvars", (1, 8)))
    );
}

/// A module's variable given a caller's variable: placed where the module uses it, defined
/// where the caller's value is written (issue #17, item 9).
#[test]
fn variable_passed_to_a_module() {
    let mut memory = MemoryFiles::default();
    memory.insert(
        "repo/m/main.tf",
        concat!(
            "variable \"name\" {\n",  // 1
            "  default = \"web\"\n",  // 2
            "}\n",                    // 3
            "module \"app\" {\n",     // 4
            "  source = \"./app\"\n", // 5
            "  name   = var.name\n",  // 6
            "}\n",                    // 7
        )
        .as_bytes()
        .to_vec(),
    );
    memory.insert(
        "repo/m/app/main.tf",
        b"variable \"name\" {}\nresource \"t\" \"r\" {\n  name = var.name\n}\n".to_vec(),
    );
    let m = load_module(&memory, "repo/m".as_ref(), &LoadOptions::default());
    let r = m.graph.resource("module.app.t.r").expect("module.app.t.r");
    let name = r.attributes.get("name").expect("name");
    assert_eq!(
        (&*name.span.file, at(&name.span)),
        ("repo/m/app/main.tf", (3, 10))
    );
    assert_eq!(
        name.defined_at.as_deref().map(|s| (&*s.file, at(s))),
        Some(("repo/m/main.tf", (2, 13)))
    );
    assert_eq!(
        name.written_at(),
        name.defined_at.as_deref().expect("a definition")
    );
}
