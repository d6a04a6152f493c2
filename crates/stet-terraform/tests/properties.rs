//! Properties of the HCL and `.tf.json` entry points on generated input: no panic on any
//! text, spans inside the text, literals evaluate to themselves, and arithmetic matches.

use proptest::prelude::*;
use serde_json::{json, Value as Json};
use stet_graph::{Value, ValueKind};
use stet_terraform::{load_module, LoadOptions, MemoryFiles};

fn literal() -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        any::<bool>().prop_map(Json::Bool),
        (-1_000_000i64..1_000_000).prop_map(|i| json!(i)),
        "[a-zA-Z0-9 ._/-]{0,12}".prop_map(Json::String),
    ];
    leaf.prop_recursive(3, 32, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Json::Array),
            prop::collection::btree_map("[a-z][a-z0-9_]{0,6}", inner, 0..4)
                .prop_map(|m| Json::Object(m.into_iter().collect())),
        ]
    })
}

/// Writes a literal as an HCL expression.
fn to_hcl(value: &Json) -> String {
    match value {
        Json::Array(items) => format!(
            "[{}]",
            items.iter().map(to_hcl).collect::<Vec<_>>().join(", ")
        ),
        Json::Object(map) => format!(
            "{{\n{}\n}}",
            map.iter()
                .map(|(k, v)| format!("{k} = {}", to_hcl(v)))
                .collect::<Vec<_>>()
                .join("\n")
        ),
        Json::String(s) => serde_json::to_string(s).unwrap_or_default(),
        other => other.to_string(),
    }
}

fn load_text(name: &str, text: &str) -> stet_terraform::Module {
    let mut files = MemoryFiles::default();
    files.insert(format!("m/{name}"), text.as_bytes().to_vec());
    load_module(&files, "m".as_ref(), &LoadOptions::default())
}

fn spans_inside(value: &Value, len: usize) {
    assert!(value.span.start.offset <= value.span.end.offset);
    assert!(value.span.end.offset <= len, "{:?}", value.span);
    match &value.kind {
        ValueKind::List(items) => items.iter().for_each(|i| spans_inside(i, len)),
        ValueKind::Map(map) => map.iter().for_each(|e| spans_inside(&e.value, len)),
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_text_as_hcl_never_panics(text in "\\PC{0,200}") {
        let _ = load_text("main.tf", &text);
    }

    #[test]
    fn hcl_shaped_text_never_panics(text in "(resource |\"a\" |\"b\" |\\{|\\}|\\[|\\]|= |count |for_each |var\\.x|local\\.y|\\$\\{|each\\.key|count\\.index|[a-z]{1,5}\\(|\\)|, |<<EOT\\n|EOT\\n|\\n|[0-9]{1,3}|\\? |: |for x in |=> ){0,50}") {
        let text = format!("locals {{ y = 1 }}\nvariable \"x\" {{ default = 2 }}\n{text}");
        let module = load_text("main.tf", &text);
        for resource in &module.graph.resources {
            if resource.span.file.as_ref() == "m/main.tf" {
                spans_inside(&resource.attributes, text.len());
            }
        }
    }

    #[test]
    fn any_text_as_tf_json_never_panics(text in "\\PC{0,200}") {
        let _ = load_text("main.tf.json", &text);
    }

    #[test]
    fn literals_evaluate_to_themselves(value in literal()) {
        let text = format!("resource \"t\" \"r\" {{\n  v = {}\n}}\n", to_hcl(&value));
        let module = load_text("main.tf", &text);
        prop_assert!(module.errors.is_empty(), "{:?}\n{}", module.errors, text);
        let resource = module.graph.resource("t.r").unwrap();
        let read = resource.attributes.get("v").unwrap();
        prop_assert_eq!(read.to_json(), value);
        spans_inside(&resource.attributes, text.len());
    }

    #[test]
    fn json_literals_evaluate_to_themselves(value in literal()) {
        let text = json!({"resource": {"t": {"r": {"v": value}}}}).to_string();
        let module = load_text("main.tf.json", &text);
        prop_assert!(module.errors.is_empty(), "{:?}", module.errors);
        let read = module.graph.resource("t.r").unwrap().attributes.get("v").unwrap().to_json();
        prop_assert_eq!(read, value);
    }

    #[test]
    fn arithmetic_matches(a in -10_000i64..10_000, b in -10_000i64..10_000) {
        let text = format!(
            "locals {{\n  a = {a}\n  b = {b}\n}}\nresource \"t\" \"r\" {{\n  sum = local.a + local.b\n  product = local.a * local.b\n  less = local.a < local.b\n  text = \"${{local.a}}-${{local.b}}\"\n}}\n"
        );
        let module = load_text("main.tf", &text);
        let attributes = &module.graph.resource("t.r").unwrap().attributes;
        prop_assert_eq!(attributes.get("sum").unwrap().to_json(), json!(a + b));
        prop_assert_eq!(attributes.get("product").unwrap().to_json(), json!(a * b));
        prop_assert_eq!(attributes.get("less").unwrap().to_json(), json!(a < b));
        prop_assert_eq!(attributes.get("text").unwrap().to_json(), json!(format!("{a}-{b}")));
    }

    #[test]
    fn count_expands_to_as_many_instances(n in 0i64..40) {
        let text = format!("resource \"t\" \"r\" {{\n  count = {n}\n  i = count.index\n}}\n");
        let module = load_text("main.tf", &text);
        let managed = module.graph.resources.iter().filter(|r| r.resource_type == "t").count();
        // `count = 0` means no instance at all (issue #14: it used to leave one unexpanded).
        prop_assert_eq!(managed, n as usize);
        if n > 0 {
            let last = module.graph.resource(&format!("t.r[{}]", n - 1)).unwrap();
            prop_assert_eq!(last.attributes.get("i").unwrap().to_json(), json!(n - 1));
        }
    }
}
