//! Templates in YAML: `stet_graph`'s span-keeping loader with CloudFormation's short-form
//! tags. Short forms become long forms: `!Ref X` is `{"Ref": "X"}`, `!GetAtt A.B` is
//! `{"Fn::GetAtt": ["A", "B"]}`, `!Sub`, `!Join`, … become `{"Fn::Sub": …}`; an unknown tag
//! `!Name` becomes `{"Fn::Name": …}` (or `{"Name": …}` when the name holds `::`, as in
//! rain's `!Rain::Embed`). How scalars are typed, aliases, duplicate keys and limits are the
//! loader's (`stet_graph::parse_yaml`).
//!
//! Deciding whether the document is a template is left to the caller.

use crate::Error;
use std::sync::Arc;
use stet_graph::{Limits, Map, Value, ValueKind, YamlDocument, YamlTag};

/// Loads the first document of `text`, short forms in long form.
pub(crate) fn load(file: Arc<str>, text: &str, limits: &Limits) -> Result<YamlDocument, Error> {
    Ok(stet_graph::parse_yaml_with_tags(
        file, text, limits, &apply_tag,
    )?)
}

/// Wraps `value` in the long form of CloudFormation short-form tag `tag`.
fn apply_tag(tag: &YamlTag, value: Value) -> Value {
    let name = tag.suffix.as_str();
    let span = value.span.clone();
    let (key, inner) = match name {
        "Ref" => ("Ref".to_string(), value),
        "Condition" => ("Condition".to_string(), value),
        "GetAtt" => ("Fn::GetAtt".to_string(), split_get_att(value)),
        _ if name.contains("::") => (name.to_string(), value),
        _ => (format!("Fn::{name}"), value),
    };
    let mut map = Map::new();
    map.insert(key, span.clone(), inner);
    Value::new(ValueKind::Map(map), span)
}

/// `!GetAtt Resource.Attribute.Path` names the resource before the first dot.
fn split_get_att(value: Value) -> Value {
    let Some(text) = value.as_str() else {
        return value;
    };
    let span = value.span.clone();
    let parts = match text.split_once('.') {
        Some((resource, attribute)) => vec![
            Value::string(resource, span.clone()),
            Value::string(attribute, span.clone()),
        ],
        None => vec![Value::string(text, span.clone())],
    };
    Value::new(ValueKind::List(parts), span)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_str(text: &str) -> Result<Value, Error> {
        load("t.yaml".into(), text, &Limits::default()).map(|d| {
            d.root.unwrap_or_else(|| {
                Value::new(
                    ValueKind::Null,
                    stet_graph::Span::file_start("t.yaml".into()),
                )
            })
        })
    }

    #[test]
    fn short_forms_become_long_forms() {
        let v = load_str("a: !Ref X\nb: !GetAtt R.Arn\nc: !Sub 'x-${A}'\nd: !Join [',', [a, b]]\ne: !GetAtt [R, Arn]\nf: !Condition C\ng: !Rain::Embed x\n").unwrap();
        assert_eq!(
            v.to_json(),
            serde_json::json!({
                "a": {"Ref": "X"},
                "b": {"Fn::GetAtt": ["R", "Arn"]},
                "c": {"Fn::Sub": "x-${A}"},
                "d": {"Fn::Join": [",", ["a", "b"]]},
                "e": {"Fn::GetAtt": ["R", "Arn"]},
                "f": {"Condition": "C"},
                "g": {"Rain::Embed": "x"}
            })
        );
    }

    #[test]
    fn short_forms_keep_their_place() {
        let v = load_str("Value: !Ref Bucket\n").unwrap();
        let r = v.get("Value").unwrap();
        assert_eq!((r.span.start.line, r.span.start.column), (1, 8));
        assert_eq!(r.get("Ref").unwrap().span, r.span);
    }

    #[test]
    fn loader_errors_become_template_errors() {
        let d = load("t.yaml".into(), "a: 1\na: 2\n", &Limits::default()).unwrap();
        assert_eq!(d.duplicates.len(), 1);
        let limits = Limits {
            max_depth: 1,
            ..Limits::default()
        };
        let e = load("t.yaml".into(), "a: [[1]]\n", &limits).unwrap_err();
        assert!(matches!(e, Error::TooDeep { limit: 1, .. }), "{e}");
    }
}
