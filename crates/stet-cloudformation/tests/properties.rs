//! Properties of the JSON and YAML entry points, on generated input: no panic on any text,
//! spans inside the text, and generated documents read back to the value they were made from.

use proptest::prelude::*;
use serde_json::{json, Value as Json};
use stet_cloudformation::parse_template;
use stet_graph::{parse_json, Limits, Value, ValueKind};

/// Arbitrary JSON values of bounded depth and size.
fn json_value() -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        any::<i64>().prop_map(|i| json!(i)),
        (-1.0e6f64..1.0e6).prop_map(|f| json!(f)),
        "[a-zA-Z0-9 :/._${}!-]{0,12}".prop_map(Json::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Json::Array),
            prop::collection::btree_map("[a-zA-Z][a-zA-Z0-9]{0,8}", inner, 0..5)
                .prop_map(|m| Json::Object(m.into_iter().collect())),
        ]
    })
}

/// Checks that every span in `value` lies inside `text` and starts on a character boundary.
fn spans_inside(value: &Value, text: &str) {
    assert!(
        value.span.start.offset <= value.span.end.offset,
        "{:?}",
        value.span
    );
    assert!(value.span.end.offset <= text.len(), "{:?}", value.span);
    assert!(text.is_char_boundary(value.span.start.offset));
    match &value.kind {
        ValueKind::List(items) => items.iter().for_each(|i| spans_inside(i, text)),
        ValueKind::Map(map) => map.iter().for_each(|e| {
            assert!(e.key_span.end.offset <= text.len());
            spans_inside(&e.value, text)
        }),
        _ => {}
    }
}

/// Writes `value` as block-style YAML with every string double-quoted.
fn to_yaml(value: &Json, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match value {
        Json::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                out.push_str(&format!("\n{pad}{k}:"));
                match v {
                    Json::Object(m) if !m.is_empty() => to_yaml(v, indent + 2, out),
                    Json::Array(a) if !a.is_empty() => to_yaml(v, indent + 2, out),
                    _ => {
                        out.push(' ');
                        to_yaml(v, indent + 2, out);
                    }
                }
            }
        }
        Json::Array(items) if !items.is_empty() => {
            for item in items {
                out.push_str(&format!("\n{pad}- "));
                match item {
                    Json::Object(m) if !m.is_empty() => {
                        // A mapping inside a sequence item continues on the next lines.
                        to_yaml(item, indent + 2, out)
                    }
                    Json::Array(a) if !a.is_empty() => to_yaml(item, indent + 2, out),
                    _ => to_yaml(item, indent + 2, out),
                }
            }
        }
        Json::Object(_) => out.push_str("{}"),
        Json::Array(_) => out.push_str("[]"),
        Json::String(s) => out.push_str(&serde_json::to_string(s).unwrap_or_default()),
        other => out.push_str(&other.to_string()),
    }
}

/// A float read back may differ in its last bit; compare numbers loosely.
fn same(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap_or(0.0), y.as_f64().unwrap_or(0.0));
            (x - y).abs() <= 1e-9 * x.abs().max(1.0)
        }
        (Json::Array(x), Json::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_text_as_yaml_never_panics(text in "\\PC{0,200}") {
        if let Ok(Some(parsed)) = parse_template("t.yaml".into(), &text, &Limits::default()) {
            if let Some(template) = &parsed.graph.template {
                spans_inside(template, &text);
            }
        }
    }

    #[test]
    fn yaml_shaped_text_never_panics(text in "([a-zA-Z]{1,4}: ?|- |!Ref |!GetAtt |&a |\\*a |\\[|\\]|\\{|\\}|, |\"|'|\\n  |\\n|#|[0-9.]{1,3}|yes|~){0,60}") {
        let text = format!("AWSTemplateFormatVersion: x\n{text}");
        if let Ok(Some(parsed)) = parse_template("t.yaml".into(), &text, &Limits::default()) {
            if let Some(template) = &parsed.graph.template {
                spans_inside(template, &text);
            }
        }
    }

    #[test]
    fn any_text_as_json_never_panics(text in "\\PC{0,200}") {
        let _ = parse_template("t.json".into(), &text, &Limits::default());
    }

    #[test]
    fn json_reads_back_what_was_written(value in json_value(), pretty in any::<bool>()) {
        let text = if pretty { serde_json::to_string_pretty(&value).unwrap() } else { value.to_string() };
        let read = parse_json("t.json".into(), &text, &Limits::default()).unwrap().unwrap();
        prop_assert!(same(&read.to_json(), &value), "{} != {}", read.to_json(), value);
        spans_inside(&read, &text);
    }

    #[test]
    fn yaml_reads_back_what_was_written(value in prop::collection::btree_map("[a-zA-Z][a-zA-Z0-9]{0,8}", json_value(), 1..5)) {
        let value = Json::Object(value.into_iter().collect());
        let mut text = String::new();
        to_yaml(&value, 0, &mut text);
        let template = format!("AWSTemplateFormatVersion: \"2010-09-09\"\nMetadata:{}\n", text.replace('\n', "\n  "));
        let parsed = parse_template("t.yaml".into(), &template, &Limits::default()).unwrap().unwrap();
        let root = parsed.graph.template.unwrap();
        let read = root.get("Metadata").unwrap();
        prop_assert!(same(&read.to_json(), &value), "{}\n{} != {}", template, read.to_json(), value);
        spans_inside(&root, &template);
    }
}

/// Arbitrary templates built from intrinsic functions, parameters, mappings and conditions
/// that refer to each other (and to nothing): resolution must never panic, whatever they say.
fn template() -> impl Strategy<Value = Json> {
    let names = || {
        prop_oneof![
            Just("A"),
            Just("B"),
            Just("C"),
            Just("AWS::Region"),
            Just("AWS::NoValue")
        ]
    };
    let leaf = prop_oneof![
        "[a-z0-9 ,:/.${}!-]{0,10}".prop_map(Json::String),
        any::<i8>().prop_map(|i| json!(i)),
        names().prop_map(|n| json!({"Ref": n})),
        names().prop_map(|n| json!({"Fn::GetAtt": [n, "Arn"]})),
        names().prop_map(|n| json!({"Condition": n})),
        Just(json!({"Fn::GetAZs": ""})),
    ];
    let value = leaf.prop_recursive(4, 40, 4, move |inner| {
        let functions = prop_oneof![
            Just("Fn::Sub"),
            Just("Fn::Join"),
            Just("Fn::Select"),
            Just("Fn::Split"),
            Just("Fn::If"),
            Just("Fn::FindInMap"),
            Just("Fn::Equals"),
            Just("Fn::And"),
            Just("Fn::Or"),
            Just("Fn::Not"),
            Just("Fn::Cidr"),
            Just("Fn::Length"),
            Just("Fn::ToJsonString"),
            Just("Fn::Base64"),
        ];
        prop_oneof![
            (functions, prop::collection::vec(inner.clone(), 0..4))
                .prop_map(|(f, args)| json!({ f: args })),
            prop::collection::vec(inner.clone(), 0..4).prop_map(Json::Array),
            prop::collection::btree_map("[A-C]", inner, 0..3)
                .prop_map(|m| Json::Object(m.into_iter().collect())),
        ]
    });
    (value.clone(), value.clone(), value.clone(), value).prop_map(|(p, c, r, o)| {
        json!({
            "Parameters": {"A": {"Type": "String", "Default": "x"}, "B": {"Type": "CommaDelimitedList", "Default": p}},
            "Mappings": {"M": {"x": {"y": "z"}}},
            "Conditions": {"A": c, "B": {"Fn::Not": [{"Condition": "A"}]}, "C": {"Condition": "C"}},
            "Resources": {
                "R": {"Type": "AWS::S3::Bucket", "Condition": "B", "Properties": {"P": r}},
                "Fn::ForEach::L": ["I", {"Ref": "B"}, {"Q${I}": {"Type": "AWS::SNS::Topic", "Properties": {"N": o}}}]
            },
            "Outputs": {"O": {"Value": {"Ref": "R"}}}
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn resolution_never_panics(t in template()) {
        let text = t.to_string();
        if let Ok(Some(parsed)) = parse_template("t.json".into(), &text, &Limits::default()) {
            if let Some(template) = &parsed.graph.template {
                let resolution = stet_cloudformation::resolve_template(template, &[]);
                prop_assert!(resolution.problems.iter().all(|p| p.is_warning()));
                spans_inside(&resolution.resolved.document, &text);
            }
        }
    }
}

#[test]
fn a_long_chain_of_conditions_is_cut_short() {
    let mut conditions = serde_json::Map::new();
    for i in 0..1_000 {
        conditions.insert(format!("C{i}"), json!({"Condition": format!("C{}", i + 1)}));
    }
    conditions.insert("C1000".into(), json!({"Fn::Equals": ["a", "a"]}));
    let t = json!({"Conditions": conditions, "Resources": {"R": {"Type": "AWS::S3::Bucket", "Condition": "C0"}}});
    let text = t.to_string();
    let parsed = parse_template("t.json".into(), &text, &Limits::default())
        .unwrap()
        .unwrap();
    let resolution =
        stet_cloudformation::resolve_template(parsed.graph.template.as_ref().unwrap(), &[]);
    assert!(resolution
        .problems
        .iter()
        .any(|p| p.to_string().contains("more than 128 other conditions")));
}
