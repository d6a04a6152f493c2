//! Module calls: outputs resolved in callers, modules that `terraform init` downloaded read
//! from `.terraform/modules/modules.json`, override files merged, and what happens when the
//! manifest cannot be trusted (issue #13).

use serde_json::json;
use stet_terraform::{load_module, Error, LoadOptions, MemoryFiles, Module};

const LABEL: &str = r#"
variable "name" { type = string }
resource "terraform_data" "inside" { input = "label-${var.name}" }
output "id" { value = "label-${var.name}" }
"#;

fn load(files: &[(&str, &str)]) -> Module {
    let mut memory = MemoryFiles::default();
    for (name, text) in files {
        memory.insert(format!("repo/root/{name}"), text.as_bytes().to_vec());
    }
    let options = LoadOptions {
        confine: Some("repo".into()),
        ..LoadOptions::default()
    };
    load_module(&memory, "repo/root".as_ref(), &options)
}

fn input(module: &Module, address: &str) -> serde_json::Value {
    module
        .graph
        .resource(address)
        .and_then(|r| r.attributes.get("input"))
        .map_or(serde_json::Value::Null, |v| v.to_json())
}

fn warnings(module: &Module) -> Vec<String> {
    module
        .errors
        .iter()
        .filter(|e| {
            matches!(
                e,
                Error::ModuleManifest { .. } | Error::RemoteModulesNotRead { .. }
            )
        })
        .map(|e| e.to_string())
        .collect()
}

const CALLER: &str = r#"
module "label" {
  source  = "cloudposse/label/null"
  version = "~> 0.25"
  name    = "app"
}
resource "terraform_data" "uses" { input = module.label.id }
"#;

fn manifest(source: &str, version: &str, dir: &str) -> String {
    format!(
        r#"{{"Modules":[{{"Key":"","Source":"","Dir":"."}},{{"Key":"label","Source":"{source}","Version":"{version}","Dir":"{dir}"}}]}}"#
    )
}

#[test]
fn downloaded_registry_module_is_read() {
    let m = load(&[
        ("main.tf", CALLER),
        (".terraform/modules/label/main.tf", LABEL),
        (
            ".terraform/modules/modules.json",
            &manifest(
                "registry.terraform.io/cloudposse/label/null",
                "0.25.0",
                ".terraform/modules/label",
            ),
        ),
    ]);
    assert_eq!(input(&m, "terraform_data.uses"), json!("label-app"));
    assert_eq!(
        input(&m, "module.label.terraform_data.inside"),
        json!("label-app")
    );
    assert!(warnings(&m).is_empty(), "{:?}", warnings(&m));
}

#[test]
fn registry_module_without_manifest_is_recorded_and_said_once() {
    let m = load(&[("main.tf", CALLER)]);
    assert!(m.graph.resource("module.label").is_some());
    assert!(m
        .graph
        .resource("module.label.terraform_data.inside")
        .is_none());
    let w = warnings(&m);
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].contains("1 registry or git module call not read"),
        "{w:?}"
    );
    assert!(w[0].contains("terraform init"), "{w:?}");
}

#[test]
fn malformed_manifest_is_a_located_warning() {
    let m = load(&[
        ("main.tf", CALLER),
        (
            ".terraform/modules/modules.json",
            "{\"Modules\": [\n  {\"Key\": }\n]}",
        ),
    ]);
    let w = warnings(&m);
    assert!(
        w.iter().any(
            |w| w.starts_with("repo/root/.terraform/modules/modules.json:2:")
                && w.contains("malformed module manifest")
        ),
        "{w:?}"
    );
    assert!(m.graph.resource("module.label").is_some());
}

#[test]
fn manifest_naming_a_missing_folder_is_a_warning() {
    let m = load(&[
        ("main.tf", CALLER),
        (
            ".terraform/modules/modules.json",
            &manifest(
                "registry.terraform.io/cloudposse/label/null",
                "0.25.0",
                ".terraform/modules/gone",
            ),
        ),
    ]);
    let w = warnings(&m);
    assert!(w.iter().any(|w| w.contains("does not exist")), "{w:?}");
    assert!(m
        .graph
        .resource("module.label.terraform_data.inside")
        .is_none());
}

#[test]
fn manifest_folder_outside_the_repository_is_not_read() {
    let mut memory = MemoryFiles::default();
    memory.insert("repo/root/main.tf", CALLER.as_bytes().to_vec());
    memory.insert("elsewhere/label/main.tf", LABEL.as_bytes().to_vec());
    memory.insert(
        "repo/root/.terraform/modules/modules.json",
        manifest(
            "registry.terraform.io/cloudposse/label/null",
            "0.25.0",
            "../../elsewhere/label",
        )
        .into_bytes(),
    );
    let options = LoadOptions {
        confine: Some("repo".into()),
        ..LoadOptions::default()
    };
    let m = load_module(&memory, "repo/root".as_ref(), &options);
    assert!(
        m.errors
            .iter()
            .any(|e| matches!(e, Error::OutsideRoot { .. })),
        "{:?}",
        m.errors
    );
    assert!(m
        .graph
        .resource("module.label.terraform_data.inside")
        .is_none());
}

#[test]
fn manifest_that_disagrees_with_the_call_is_not_used() {
    let other_source = load(&[
        ("main.tf", CALLER),
        (".terraform/modules/label/main.tf", LABEL),
        (
            ".terraform/modules/modules.json",
            &manifest(
                "registry.terraform.io/other/label/null",
                "0.25.0",
                ".terraform/modules/label",
            ),
        ),
    ]);
    let w = warnings(&other_source);
    assert!(
        w.iter()
            .any(|w| w.starts_with("repo/root/main.tf:3:") && w.contains("differs from")),
        "{w:?}"
    );
    let old_version = load(&[
        ("main.tf", CALLER),
        (".terraform/modules/label/main.tf", LABEL),
        (
            ".terraform/modules/modules.json",
            &manifest(
                "registry.terraform.io/cloudposse/label/null",
                "0.24.1",
                ".terraform/modules/label",
            ),
        ),
    ]);
    let w = warnings(&old_version);
    assert!(
        w.iter()
            .any(|w| w.starts_with("repo/root/main.tf:4:") && w.contains("does not satisfy")),
        "{w:?}"
    );
    assert!(old_version
        .graph
        .resource("module.label.terraform_data.inside")
        .is_none());
}

#[test]
fn module_outputs_resolve_in_the_caller() {
    let mut memory = MemoryFiles::default();
    memory.insert(
        "repo/root/main.tf",
        r#"
module "a" {
  source = "./a"
  for_each = toset(["x", "y"])
  name = each.key
}
resource "terraform_data" "ids" { input = [for k, m in module.a : m.id] }
"#
        .as_bytes()
        .to_vec(),
    );
    memory.insert("repo/root/a/main.tf", LABEL.as_bytes().to_vec());
    let m = load_module(&memory, "repo/root".as_ref(), &LoadOptions::default());
    assert_eq!(
        input(&m, "terraform_data.ids"),
        json!(["label-x", "label-y"])
    );
    assert_eq!(
        input(&m, "module.a[\"y\"].terraform_data.inside"),
        json!("label-y")
    );
}

#[test]
fn override_files_merge_into_what_they_override() {
    let m = load(&[
        ("main.tf", "resource \"terraform_data\" \"r\" {\n  input = \"base\"\n  triggers_replace = [1]\n}\nlocals {\n  a = 1\n}\n"),
        ("override.tf", "resource \"terraform_data\" \"r\" {\n  input = \"override\"\n}\nlocals {\n  a = 2\n}\n"),
        ("x_override.tf", "resource \"terraform_data\" \"missing\" {\n  input = 1\n}\n"),
    ]);
    let r = m.graph.resource("terraform_data.r").unwrap();
    assert_eq!(
        r.attributes.get("input").unwrap().to_json(),
        json!("override")
    );
    assert_eq!(
        r.attributes.get("triggers_replace").unwrap().to_json(),
        json!([1])
    );
    assert!(m.graph.resource("terraform_data.missing").is_none());
    assert!(
        m.errors
            .iter()
            .any(|e| e.to_string().contains("missing resource to override")),
        "{:?}",
        m.errors
    );
}

#[test]
fn null_arguments_are_left_out() {
    let m = load(&[(
        "main.tf",
        "variable \"kms\" {\n  default = null\n}\nresource \"aws_s3_bucket\" \"b\" {\n  bucket = \"x\"\n  kms_key_id = var.kms\n  acl = true ? null : \"private\"\n}\n",
    )]);
    let r = m.graph.resource("aws_s3_bucket.b").unwrap();
    assert!(r.attributes.get("kms_key_id").is_none());
    assert!(r.attributes.get("acl").is_none());
    assert_eq!(r.attributes.get("bucket").unwrap().to_json(), json!("x"));
}
