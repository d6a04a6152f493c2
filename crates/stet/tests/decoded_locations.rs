//! Issue #16: a document written in a Terraform string — JSON in a heredoc, or built by
//! `jsonencode`/`yamlencode` — and read back by a rule (`json_parse`) points at the line of
//! each of its parts, not at the whole string; its values are exactly what reading the text
//! gives. And a failing value read from a local value is reported at the resource that reads
//! it, the local kept as the related place.

use stet::{builtin_rules, check, load, Finding, LoadOptions, Pack};
use stet_graph::{Span, Value};
use stet_terraform::{load_module, MemoryFiles};

/// The attribute `name` of `address` in a module of one file, `main.tf`.
fn attribute(text: &str, address: &str, name: &str) -> Value {
    let mut files = MemoryFiles::default();
    files.insert("m/main.tf", text.as_bytes().to_vec());
    let module = load_module(
        &files,
        "m".as_ref(),
        &stet_terraform::LoadOptions::default(),
    );
    let resource = module
        .graph
        .resource(address)
        .unwrap_or_else(|| panic!("no {address}: {:?}", module.errors));
    resource
        .attributes
        .get(name)
        .cloned()
        .unwrap_or_else(|| panic!("no {name} in {address}"))
}

/// The string value read back as `json_parse` reads it, and placed.
fn read_back(value: &Value) -> (Value, Value) {
    let text = match (&value.kind, value.as_expr()) {
        (stet_graph::ValueKind::String(s), _) => s.clone(),
        (_, Some(e)) => e.text.clone(),
        _ => panic!("not a string: {value:?}"),
    };
    let decoded = stet_rules::parse_test_yaml("<text>".into(), &text)
        .unwrap_or_else(|e| panic!("{e}: {text}"))
        .unwrap_or_else(|| panic!("no document in {text}"));
    (decoded.clone(), value.place_decoded(decoded))
}

fn at(span: &Span) -> (u32, u32) {
    (span.start.line, span.start.column)
}

/// The keys of every map in `value`, depth first, to compare key order.
fn keys(value: &Value, out: &mut Vec<String>) {
    match &value.kind {
        stet_graph::ValueKind::Map(map) => {
            for entry in map.iter() {
                out.push(entry.key.clone());
                keys(&entry.value, out);
            }
        }
        stet_graph::ValueKind::List(items) => items.iter().for_each(|i| keys(i, out)),
        _ => {}
    }
}

#[test]
fn json_in_an_indented_heredoc_points_at_its_lines() {
    let text = r#"resource "aws_ecs_task_definition" "t" {
  container_definitions = <<-EOF
    [
      {
        "name": "web",
        "image": "wordpress",
        "cpu": 10
      }
    ]
  EOF
}
"#;
    let value = attribute(text, "aws_ecs_task_definition.t", "container_definitions");
    let (decoded, placed) = read_back(&value);
    assert_eq!(placed.to_json(), decoded.to_json());
    let container = placed.as_list().and_then(|l| l.first()).unwrap();
    let image = container.get("image").unwrap();
    // `        "image": "wordpress",` is line 6; the value starts at column 18.
    assert_eq!(at(&image.span), (6, 18));
    assert_eq!((image.span.end.line, image.span.end.column), (6, 29));
    let key = container.as_map().and_then(|m| m.entry("cpu")).unwrap();
    assert_eq!(at(&key.key_span), (7, 9));
}

#[test]
fn a_heredoc_with_interpolations_points_at_their_lines() {
    let text = r#"locals {
  tag = "latest"
}
resource "aws_ecs_task_definition" "t" {
  container_definitions = <<EOF
[
  {
    "name": "${aws_ecr_repository.r.name}",
    "image": "nginx:${local.tag}"
  }
]
EOF
}
"#;
    let value = attribute(text, "aws_ecs_task_definition.t", "container_definitions");
    // An unknown part makes the string unknown; its text still reads as JSON.
    assert!(value.as_expr().is_some(), "{value:?}");
    let (decoded, placed) = read_back(&value);
    assert_eq!(placed.to_json(), decoded.to_json());
    let container = placed.as_list().and_then(|l| l.first()).unwrap();
    assert_eq!(at(&container.get("name").unwrap().span), (8, 13));
    let image = container.get("image").unwrap();
    assert_eq!(image.as_str(), Some("nginx:latest"));
    assert_eq!(at(&image.span), (9, 14));
    // It ends after the interpolation's closing quote.
    assert_eq!((image.span.end.line, image.span.end.column), (9, 34));
}

#[test]
fn a_heredoc_line_with_an_escape_points_at_the_whole_line() {
    let text = r#"resource "aws_ecs_task_definition" "t" {
  container_definitions = <<EOF
[
  {"name": "$${x}", "image": "nginx"}
]
EOF
}
"#;
    let value = attribute(text, "aws_ecs_task_definition.t", "container_definitions");
    let (decoded, placed) = read_back(&value);
    assert_eq!(placed.to_json(), decoded.to_json());
    let container = placed.as_list().and_then(|l| l.first()).unwrap();
    // `$${` is written where the text has `${`: the line is placed, not the column.
    assert_eq!(at(&container.get("image").unwrap().span), (4, 1));
    assert_eq!(container.get("name").and_then(Value::as_str), Some("${x}"));
}

#[test]
fn jsonencode_points_at_the_parts_it_encoded_with_the_values_the_text_has() {
    let text = r#"locals {
  base = {
    zeta  = 3.14159265358979323846
    alpha = 1.50
    big   = 12345678901234567890
  }
}
resource "aws_ecs_task_definition" "t" {
  container_definitions = jsonencode([merge(local.base, {
    name  = "app"
    image = "nginx:latest"
    cpu   = 1e3
    ports = [80, 443]
  })])
}
"#;
    let value = attribute(text, "aws_ecs_task_definition.t", "container_definitions");
    let (decoded, placed) = read_back(&value);
    // The values, numbers and key order (sorted by jsonencode) are the text's.
    assert_eq!(placed.to_json(), decoded.to_json());
    let (mut placed_keys, mut decoded_keys) = (Vec::new(), Vec::new());
    keys(&placed, &mut placed_keys);
    keys(&decoded, &mut decoded_keys);
    assert_eq!(placed_keys, decoded_keys);
    assert_eq!(
        placed_keys,
        ["alpha", "big", "cpu", "image", "name", "ports", "zeta"]
    );
    let container = placed.as_list().and_then(|l| l.first()).unwrap();
    let line = |key: &str| container.get(key).map(|v| v.span.start.line);
    assert_eq!(line("image"), Some(11));
    assert_eq!(line("cpu"), Some(12));
    assert_eq!(line("alpha"), Some(4));
    // More digits than a float holds: read back as the nearest float, which is the number
    // Terraform wrote.
    assert_eq!(line("zeta"), Some(3));
    // Past 64 bits, read back wrapped (as cfn-guard reads it): not the number written, so
    // it stays at the call.
    assert_eq!(line("big"), Some(9));
    let ports = container.get("ports").and_then(Value::as_list).unwrap();
    assert_eq!(at(&ports[1].span), (13, 18));
}

#[test]
fn yamlencode_points_at_the_parts_it_encoded() {
    let text = r#"resource "kubernetes_config_map" "c" {
  data = {
    spec = yamlencode({
      image = "nginx"
      replicas = 2
    })
  }
}
"#;
    let data = attribute(text, "kubernetes_config_map.c", "data");
    let (decoded, placed) = read_back(data.get("spec").unwrap());
    assert_eq!(placed.to_json(), decoded.to_json());
    assert_eq!(at(&placed.get("image").unwrap().span), (4, 15));
    assert_eq!(at(&placed.get("replicas").unwrap().span), (5, 18));
}

#[test]
fn a_quoted_string_of_json_stays_at_the_string() {
    let text = "resource \"aws_ecs_task_definition\" \"t\" {\n  container_definitions = \"[{\\\"image\\\": \\\"nginx\\\"}]\"\n}\n";
    let value = attribute(text, "aws_ecs_task_definition.t", "container_definitions");
    let (_, placed) = read_back(&value);
    let image = placed.as_list().and_then(|l| l.first()).unwrap();
    assert_eq!(image.get("image").unwrap().span, value.span);
}

/// The findings of the built-in pack on a folder of files.
fn findings(name: &str, files: &[(&str, &str)]) -> Vec<Finding> {
    let root = std::env::temp_dir().join(format!("stet-decoded-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    for (name, text) in files {
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let loaded = load(
        std::slice::from_ref(&root),
        &LoadOptions {
            root: Some(root.clone()),
            ..LoadOptions::default()
        },
    );
    let (rules, problems) = builtin_rules(Pack::Configuration);
    assert!(problems.is_empty(), "{problems:?}");
    let (findings, _) = check(&loaded, &rules);
    let _ = std::fs::remove_dir_all(&root);
    findings
}

#[test]
fn an_image_read_from_a_local_is_reported_at_the_task_definition() {
    let found = findings(
        "local",
        &[(
            "main.tf",
            r#"locals {
  sidecar = {
    name  = "proxy"
    image = "envoyproxy/envoy"
  }
}

resource "aws_ecs_task_definition" "proxy" {
  family                = "proxy"
  container_definitions = jsonencode([local.sidecar])
}
"#,
        )],
    );
    let pin004: Vec<&Finding> = found.iter().filter(|f| f.rule == "PIN004").collect();
    assert_eq!(pin004.len(), 1, "{found:#?}");
    let f = pin004[0];
    assert_eq!(f.resource, "aws_ecs_task_definition.proxy");
    assert_eq!((f.span.start.line, f.span.start.column), (8, 1));
    let related: Vec<(u32, u32)> = f
        .related
        .iter()
        .map(|r| (r.span.start.line, r.span.start.column))
        .collect();
    assert_eq!(related, [(4, 13)]);
}

#[test]
fn a_parameter_read_from_a_module_local_names_the_instance_reading_it() {
    // As terraform-aws-eks's node groups: the SSM parameter path comes from a map of local
    // values, keyed by each instance's AMI type.
    let module = r#"variable "ami_type" {
  type = string
}

locals {
  ami_type_to_ssm_param = {
    AL2023       = "/aws/service/eks/optimized-ami/1.30/amazon-linux-2023/x86_64/standard/amazon-eks-node-al2023-x86_64-standard-1.30-v20240605/image_id"
    BOTTLEROCKET = "/aws/service/bottlerocket/aws-k8s-1.30/x86_64/latest/image_id"
  }
}

data "aws_ssm_parameter" "ami" {
  name = local.ami_type_to_ssm_param[var.ami_type]
}
"#;
    let root = r#"module "al2023" {
  source   = "./modules/node-group"
  ami_type = "AL2023"
}

module "bottlerocket" {
  source   = "./modules/node-group"
  ami_type = "BOTTLEROCKET"
}
"#;
    let found = findings(
        "module-local",
        &[("main.tf", root), ("modules/node-group/main.tf", module)],
    );
    let pin006: Vec<(&str, &str, u32)> = found
        .iter()
        .filter(|f| f.rule == "PIN006")
        .map(|f| {
            (
                f.resource.as_str(),
                &f.span.file[f.span.file.len() - 7..],
                f.span.start.line,
            )
        })
        .collect();
    // At the data source of the instance that reads the `latest` path, not at the local.
    assert_eq!(
        pin006,
        [(
            "module.bottlerocket.data.aws_ssm_parameter.ami",
            "main.tf",
            12
        )],
        "{found:#?}"
    );
    let f = found.iter().find(|f| f.rule == "PIN006").unwrap();
    assert_eq!(
        f.related
            .iter()
            .map(|r| r.span.start.line)
            .collect::<Vec<_>>(),
        [8],
        "{f:#?}"
    );
}

#[test]
fn an_image_read_from_a_variable_is_reported_where_it_is_read() {
    // Issue #17 item 9: the value of `var.image` is placed at the reference; the default that
    // wrote it is the related place, as a `.tfvars` entry would be.
    let found = findings(
        "variable",
        &[
            (
                "main.tf",
                r#"variable "image" {
  default = "nginx:latest"
}

resource "aws_lambda_function" "api" {
  function_name = "api"
  role          = "arn:aws:iam::123456789012:role/api"
  package_type  = "Image"
  image_uri     = var.image
}
"#,
            ),
            ("prod.auto.tfvars", "image = \"acme/api:latest\"\n"),
        ],
    );
    let pin004: Vec<&Finding> = found.iter().filter(|f| f.rule == "PIN004").collect();
    assert_eq!(pin004.len(), 1, "{found:#?}");
    let f = pin004[0];
    assert_eq!(f.resource, "aws_lambda_function.api");
    assert!(f.message.contains("acme/api:latest"), "{}", f.message);
    assert_eq!((f.span.start.line, f.span.start.column), (9, 19));
    let related: Vec<(&str, u32, u32)> = f
        .related
        .iter()
        .map(|r| {
            (
                r.span.file.rsplit('/').next().unwrap_or_default(),
                r.span.start.line,
                r.span.start.column,
            )
        })
        .collect();
    assert_eq!(related, [("prod.auto.tfvars", 1, 9)]);
}

#[test]
fn a_value_a_caller_passes_to_a_module_is_reported_at_the_callers_argument() {
    // The line the caller's author changes, one finding per call; the reference inside the
    // module is the related place.
    let found = findings(
        "module-argument",
        &[
            (
                "main.tf",
                r#"module "db" {
  source              = "./modules/db"
  skip_final_snapshot = true
}
"#,
            ),
            (
                "modules/db/main.tf",
                r#"variable "skip_final_snapshot" {
  default = false
}

resource "aws_db_instance" "this" {
  engine              = "postgres"
  instance_class      = "db.t3.micro"
  skip_final_snapshot = var.skip_final_snapshot
}
"#,
            ),
        ],
    );
    let mut7: Vec<&Finding> = found.iter().filter(|f| f.rule == "MUT007").collect();
    assert_eq!(mut7.len(), 1, "{found:#?}");
    let f = mut7[0];
    assert!(
        f.span.file.ends_with("/main.tf") && !f.span.file.contains("modules"),
        "{f:?}"
    );
    assert_eq!((f.span.start.line, f.span.start.column), (3, 25));
    assert_eq!(f.resource, "module.db");
    let related: Vec<(bool, u32, u32)> = f
        .related
        .iter()
        .map(|r| {
            (
                r.span.file.contains("modules/db"),
                r.span.start.line,
                r.span.start.column,
            )
        })
        .collect();
    assert_eq!(related, [(true, 8, 25)]);
}

#[test]
fn an_image_a_caller_passes_inside_an_encoded_map_is_reported_at_the_callers_line() {
    // terraform-aws-ecs's shape: the caller gives a map of container definitions; the service
    // module hands each to a container-definition module, which filters out nulls; the task
    // definition `jsonencode`s the results. The image is the caller's line to change.
    let found = findings(
        "encoded-module-argument",
        &[
            (
                "main.tf",
                r#"module "svc" {
  source = "./svc"
  container_definitions = {
    app = {
      image = "nginx:latest"
    }
  }
}
"#,
            ),
            (
                "svc/main.tf",
                r#"variable "container_definitions" {
  type = any
}

module "cd" {
  source   = "../cd"
  for_each = { for k, v in var.container_definitions : k => v }
  image    = each.value.image
}

resource "aws_ecs_task_definition" "this" {
  family                = "x"
  container_definitions = jsonencode([for k, v in module.cd : v.container_definition])
}
"#,
            ),
            (
                "cd/main.tf",
                r#"variable "image" {
  type = string
}

locals {
  definition = {
    image = var.image
    name  = null
  }
  container_definition = { for k, v in local.definition : k => v if v != null }
}

output "container_definition" {
  value = local.container_definition
}
"#,
            ),
        ],
    );
    let pin4: Vec<&Finding> = found.iter().filter(|f| f.rule == "PIN004").collect();
    assert_eq!(pin4.len(), 1, "{found:#?}");
    let f = pin4[0];
    assert!(
        f.span.file.ends_with("/main.tf") && !f.span.file.contains("svc/"),
        "{f:?}"
    );
    assert_eq!((f.span.start.line, f.span.start.column), (5, 15));
    assert_eq!(f.resource, "module.svc");
    let related: Vec<(bool, u32, u32)> = f
        .related
        .iter()
        .map(|r| {
            (
                r.span.file.ends_with("cd/main.tf"),
                r.span.start.line,
                r.span.start.column,
            )
        })
        .collect();
    assert_eq!(related, [(true, 7, 13)]);
}
