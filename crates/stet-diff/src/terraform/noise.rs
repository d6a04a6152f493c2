//! Differences in the source that `terraform plan` does not show as changes, decided from
//! the provider's schema facts ([`super::schema`]): a set reordered, a JSON policy rewritten
//! to the same policy, a case-insensitive value changing case, an Optional+Computed argument
//! removed from the code (the provider keeps its value), an argument going between `null`
//! and its default, and — for SDKv2 resources, which cannot tell them apart — between `null`
//! and its type's zero value. Each kept difference is a real change; each dropped one says
//! which fact dropped it.

use super::schema::AwsSchema;
use crate::compare::{equivalent, key_path, Difference, Segment};
use serde_json::Value as Json;
use stet_graph::{Value, ValueKind};

/// Why a difference is no change, naming the schema fact (for tests and the docs).
pub(crate) fn suppressed(
    schema: &AwsSchema,
    old: &Value,
    new: &Value,
    d: &Difference,
) -> Option<String> {
    let keys = key_path(&d.path);
    if let Some(kind) = schema.diff_suppress.get(&keys) {
        match (kind.as_str(), d.before.as_ref(), d.after.as_ref()) {
            ("json-equivalent", Some(a), Some(b)) if json_equivalent(a, b) => {
                return Some(format!(
                    "`{keys}` is compared as JSON (provider diff suppression)"
                ))
            }
            ("case-insensitive", Some(a), Some(b)) if matches!((a.as_str(), b.as_str()), (Some(x), Some(y)) if x.eq_ignore_ascii_case(y)) => {
                return Some(format!(
                    "`{keys}` is case-insensitive (provider diff suppression)"
                ))
            }
            ("missing-optional-block", Some(_), None) => {
                return Some(format!(
                    "removing the `{keys}` block is no change (provider diff suppression)"
                ))
            }
            _ => {}
        }
    }
    if let (Some(a), Some(b)) = (&d.before, &d.after) {
        if same_try(schema, &keys, a, b) {
            return Some(format!(
                "`{keys}` tries the same expression and falls back to the same setting"
            ));
        }
    }
    if let Some(set) = set_prefix(schema, &d.path) {
        if let (Some(a), Some(b)) = (at(old, set), at(new, set)) {
            if same_set(a, b) {
                return Some(format!(
                    "`{}` is a set: its order does not matter",
                    key_path(set)
                ));
            }
        }
    }
    match (&d.before, &d.after) {
        (Some(_), None) if schema.optional_computed.contains(&keys) => {
            return Some(format!(
                "`{keys}` is Optional and Computed: removed from the code, it keeps its value"
            ))
        }
        (Some(v), None) | (None, Some(v)) => {
            if let Some(default) = schema.defaults.get(&keys) {
                if same_json(v, default) {
                    return Some(format!("`{keys}` is set to its default, {default}"));
                }
            }
            if schema.implementation == "sdkv2" && is_zero(v) {
                return Some(format!(
                    "`{keys}` is its type's zero value, which an SDKv2 resource stores as unset"
                ));
            }
        }
        _ => {}
    }
    None
}

/// What `terraform plan` sees of one argument's setting, as JSON: `null` (unset) is the
/// schema default when there is one, and for SDKv2 resources a zero value is unset.
fn planned_setting(schema: Option<&AwsSchema>, keys: &str, v: Option<&Json>) -> Json {
    let v = v.cloned().unwrap_or(Json::Null);
    let Some(schema) = schema else { return v };
    let zero = match &v {
        Json::String(s) => s.is_empty(),
        Json::Bool(b) => !b,
        Json::Number(n) => n.as_f64() == Some(0.0),
        _ => false,
    };
    let v = if schema.implementation == "sdkv2" && zero {
        Json::Null
    } else {
        v
    };
    match (&v, schema.defaults.get(keys)) {
        (Json::Null, Some(default)) => default.clone(),
        _ => v,
    }
}

/// Whether two settings of the argument at `keys` plan the same (see [`planned_setting`];
/// strings and their JSON scalars compare as text, as both tools convert primitives).
pub(crate) fn same_setting(
    schema: Option<&AwsSchema>,
    keys: &str,
    a: Option<&Json>,
    b: Option<&Json>,
) -> bool {
    let text = |j: Json| match j {
        Json::String(s) => s,
        other => other.to_string(),
    };
    text(planned_setting(schema, keys, a)) == text(planned_setting(schema, keys, b))
}

/// A `try` fallback (see [`stet_graph::Fallback`]) as JSON.
pub(crate) fn fallback(v: &Value) -> Option<(&str, Json)> {
    match &v.kind {
        ValueKind::Expr(e) => {
            let f = e.fallback.as_ref()?;
            Some((f.attempt.as_str(), serde_json::from_str(&f.value).ok()?))
        }
        _ => None,
    }
}

/// Two `try` expressions with the same attempts and fallbacks that plan the same: wherever
/// the attempt evaluates both give its value, elsewhere their fallbacks, which are the same
/// setting (`try(each.value.enabled, null)` and `try(each.value.enabled, true)` when
/// `enabled` defaults to `true`).
fn same_try(schema: &AwsSchema, keys: &str, a: &Value, b: &Value) -> bool {
    match (fallback(a), fallback(b)) {
        (Some((attempt_a, fa)), Some((attempt_b, fb))) => {
            attempt_a == attempt_b && same_setting(Some(schema), keys, Some(&fa), Some(&fb))
        }
        _ => false,
    }
}

/// The longest prefix of `path` that names a set attribute (`ingress` of
/// `ingress[2].cidr_blocks`).
fn set_prefix<'p>(schema: &AwsSchema, path: &'p [Segment]) -> Option<&'p [Segment]> {
    (1..=path.len())
        .rev()
        .filter_map(|n| path.get(..n))
        .filter(|p| matches!(p.last(), Some(Segment::Key(_))))
        .find(|p| schema.sets.contains(&key_path(p)))
}

/// The value at `path` inside `root`.
fn at<'v>(root: &'v Value, path: &[Segment]) -> Option<&'v Value> {
    let mut v = root;
    for s in path {
        v = match (s, &v.kind) {
            (Segment::Key(k), ValueKind::Map(m)) => m.get(k)?,
            (Segment::Index(i), ValueKind::List(items)) => items.get(*i)?,
            _ => return None,
        };
    }
    Some(v)
}

/// Two lists with the same elements, in any order (a single value counts as a one-element
/// list, as Terraform converts it).
fn same_set(a: &Value, b: &Value) -> bool {
    let items = |v: &Value| -> Vec<Value> {
        match &v.kind {
            ValueKind::List(items) => items.clone(),
            _ => vec![v.clone()],
        }
    };
    let (x, y) = (items(a), items(b));
    if x.len() != y.len()
        || x.iter()
            .chain(&y)
            .any(|v| matches!(v.kind, ValueKind::Expr(_)))
    {
        return false;
    }
    let mut unmatched: Vec<&Value> = y.iter().collect();
    for item in &x {
        match unmatched.iter().position(|u| equivalent(item, u)) {
            Some(i) => {
                unmatched.swap_remove(i);
            }
            None => return false,
        }
    }
    true
}

fn same_json(v: &Value, default: &Json) -> bool {
    let text = |j: &Json| match j {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    };
    match &v.kind {
        ValueKind::Expr(_) | ValueKind::List(_) | ValueKind::Map(_) => v.to_json() == *default,
        _ => text(&v.to_json()) == text(default),
    }
}

fn is_zero(v: &Value) -> bool {
    match &v.kind {
        ValueKind::String(s) => s.is_empty(),
        ValueKind::Int(0) | ValueKind::Bool(false) => true,
        ValueKind::Float(f) => *f == 0.0,
        ValueKind::List(items) => items.is_empty(),
        ValueKind::Map(m) => m.is_empty(),
        _ => false,
    }
}

/// Whether two JSON documents are the same policy: objects by key, arrays as sets, a
/// one-element array equal to its element (the AWS policy equivalence the provider uses).
fn json_equivalent(a: &Value, b: &Value) -> bool {
    let parse = |v: &Value| -> Option<Json> {
        match &v.kind {
            ValueKind::String(s) => serde_json::from_str(s).ok(),
            ValueKind::Map(_) | ValueKind::List(_) => Some(v.to_json()),
            _ => None,
        }
    };
    match (parse(a), parse(b)) {
        (Some(x), Some(y)) => policy_equal(&x, &y),
        _ => false,
    }
}

fn policy_equal(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| policy_equal(v, w)))
        }
        (Json::Array(x), Json::Array(y)) => {
            if x.len() != y.len() {
                return false;
            }
            let mut unmatched: Vec<&Json> = y.iter().collect();
            x.iter().all(
                |item| match unmatched.iter().position(|u| policy_equal(item, u)) {
                    Some(i) => {
                        unmatched.swap_remove(i);
                        true
                    }
                    None => false,
                },
            )
        }
        (Json::Array(x), other) | (other, Json::Array(x)) if x.len() == 1 => {
            x.first().is_some_and(|only| policy_equal(only, other))
        }
        (x, y) => x == y,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use stet_graph::parse_json;

    fn json(text: &str) -> Value {
        parse_json("t.json".into(), text, &stet_graph::Limits::default())
            .unwrap()
            .unwrap()
    }

    #[test]
    fn policies_compare_as_policies() {
        let a = json(
            r#""{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"s3:GetObject\"],\"Resource\":\"*\"}]}""#,
        );
        let b = json(
            r#""{\"Statement\":[{\"Action\":\"s3:GetObject\",\"Resource\":\"*\",\"Effect\":\"Allow\"}],\"Version\":\"2012-10-17\"}""#,
        );
        assert!(json_equivalent(&a, &b));
        let c = json(
            r#""{\"Statement\":[{\"Action\":\"s3:PutObject\",\"Resource\":\"*\",\"Effect\":\"Allow\"}],\"Version\":\"2012-10-17\"}""#,
        );
        assert!(!json_equivalent(&a, &c));
    }

    #[test]
    fn settings_plan_alike_through_defaults_and_zero_values() {
        let schema: AwsSchema = serde_json::from_value(serde_json::json!({
            "implementation": "sdkv2",
            "defaults": { "enabled": true, "path": "/" }
        }))
        .expect("schema");
        let same = |k: &str, a: Json, b: Json| same_setting(Some(&schema), k, Some(&a), Some(&b));
        assert!(same("enabled", Json::Null, Json::Bool(true)));
        assert!(same("path", Json::Null, Json::String("/".into())));
        assert!(!same("path", Json::Null, Json::String("/x/".into())));
        // SDKv2: a zero value is unset.
        assert!(same("description", Json::String(String::new()), Json::Null));
        assert!(same_setting(Some(&schema), "path", None, Some(&Json::Null)));
    }

    #[test]
    fn sets_ignore_order() {
        assert!(same_set(&json(r#"["a", "b"]"#), &json(r#"["b", "a"]"#)));
        assert!(!same_set(&json(r#"["a", "b"]"#), &json(r#"["b", "c"]"#)));
    }
}
