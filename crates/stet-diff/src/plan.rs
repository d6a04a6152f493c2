//! Reading `terraform show -json PLANFILE` output (format versions 0.x to 1.2) into
//! [`Change`]s: `resource_changes[].change.actions` give the action, `replace_paths` the
//! attributes that force a replacement, `action_reason` the reason; `after_unknown` values
//! show as `(known after apply)` and sensitive values are never shown.

use crate::change::{Action, AttributeChange, Change, Replacement, Scope};
use crate::compare::{differences, display_path, Segment};
use crate::error::ReadError;
use std::sync::Arc;
use stet_graph::{parse_json_keeping_last, Expr, Limits, Map, Span, Value, ValueKind};

/// What stands for a value Terraform only knows after apply.
pub const KNOWN_AFTER_APPLY: &str = "(known after apply)";
/// What stands for a sensitive value.
pub const SENSITIVE: &str = "(sensitive value)";

/// Reads a plan's `resource_changes` into changes: one per managed resource instance that
/// is created, deleted, updated, replaced, moved, imported or forgotten. No-op and read
/// entries (data sources) are left out. Entries that are not objects with an `address` and
/// a `change` are skipped.
///
/// ```
/// let plan = r#"{"format_version": "1.2", "resource_changes": [
///   {"address": "aws_instance.web", "mode": "managed", "type": "aws_instance",
///    "change": {"actions": ["delete", "create"], "before": {"ami": "ami-1"},
///               "after": {"ami": "ami-2"}, "replace_paths": [["ami"]]}}]}"#;
/// let changes = stet_diff::read_plan("plan.json".into(), plan, &Default::default()).unwrap();
/// assert_eq!(changes[0].action, stet_diff::Action::Replace);
/// assert!(changes[0].attributes[0].forces_replacement());
/// assert_eq!(changes[0].create_before_destroy, Some(false));
/// ```
pub fn read_plan(file: Arc<str>, text: &str, limits: &Limits) -> Result<Vec<Change>, ReadError> {
    let (root, _) = parse_json_keeping_last(file.clone(), text, limits)?;
    let root = root.ok_or_else(|| ReadError::Shape {
        span: Span::file_start(file.clone()),
        message: "the file is empty; expected the output of `terraform show -json PLANFILE`".into(),
    })?;
    let Some(top) = root.as_map() else {
        return Err(shape(
            &root,
            "expected a JSON object: the output of `terraform show -json PLANFILE`",
        ));
    };
    if !top.contains_key("resource_changes") && !top.contains_key("format_version") {
        return Err(shape(
            &root,
            "not a Terraform plan: no `format_version` or `resource_changes` (is this `terraform show -json PLANFILE` output?)",
        ));
    }
    if let Some(version) = top.get("format_version") {
        check_format_version(version)?;
    }
    let entries = top
        .get("resource_changes")
        .and_then(Value::as_list)
        .unwrap_or_default();
    Ok(entries
        .iter()
        .filter_map(|entry| plan_change(&file, entry))
        .collect())
}

/// Format versions 0.x and 1.x are read; Terraform changes the major version only when a
/// reader of the old one would misread the new one.
fn check_format_version(version: &Value) -> Result<(), ReadError> {
    let Some(text) = version.as_str() else {
        return Err(shape(
            version,
            "`format_version` should be a string such as \"1.2\"",
        ));
    };
    let major = text.split('.').next().and_then(|m| m.parse::<u64>().ok());
    match major {
        Some(0 | 1) => Ok(()),
        _ => Err(shape(
            version,
            &format!(
                "plan format version {text} is not one stet reads: it reads format versions 0.x and 1.x (`terraform show -json` of Terraform 0.12 to 1.x), and a new major version may mean something else by the same fields"
            ),
        )),
    }
}

fn shape(at: &Value, message: &str) -> ReadError {
    ReadError::Shape {
        span: at.span.clone(),
        message: message.to_string(),
    }
}

fn plan_change(file: &Arc<str>, entry: &Value) -> Option<Change> {
    let text = |key: &str| entry.get(key).and_then(Value::as_str).map(str::to_string);
    let address = text("address")?;
    if text("mode").as_deref() == Some("data") {
        return None;
    }
    let change = entry.get("change")?;
    let actions: Vec<&str> = change
        .get("actions")
        .and_then(Value::as_list)
        .unwrap_or_default()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let previous = text("previous_address").filter(|p| *p != address);
    let importing = change
        .get("importing")
        .is_some_and(|v| !matches!(v.kind, ValueKind::Null));
    let (action, create_before_destroy) = match actions.as_slice() {
        ["create"] => (Action::Create, None),
        ["delete"] => (Action::Delete, None),
        ["update"] => (Action::Update, None),
        ["delete", "create"] => (Action::Replace, Some(false)),
        ["create", "delete"] | ["create", "forget"] => (Action::Replace, Some(true)),
        ["forget"] => (Action::Forget, None),
        ["no-op"] | [] if importing => (Action::Import, None),
        ["no-op"] | [] if previous.is_some() => (Action::Move, None),
        _ => return None,
    };
    let replacement = if action == Action::Replace {
        Replacement::Always
    } else {
        Replacement::Never
    };
    let attributes = if matches!(action, Action::Update | Action::Replace) {
        plan_attributes(change, &entry.span)
    } else {
        Vec::new()
    };
    Some(Change {
        address,
        previous_address: previous,
        resource_type: text("type").unwrap_or_default(),
        document: file.to_string(),
        action,
        replacement,
        reason: entry
            .get("action_reason")
            .and_then(Value::as_str)
            .map(action_reason),
        create_before_destroy,
        custom_name: None,
        protection: Vec::new(),
        span: entry.span.clone(),
        attributes,
    })
}

/// The changed attributes of an update or replacement, marked by `replace_paths`.
fn plan_attributes(change: &Value, entry_span: &Span) -> Vec<AttributeChange> {
    let empty = Value::empty_map(entry_span.clone());
    let before = change
        .get("before")
        .filter(|v| !matches!(v.kind, ValueKind::Null))
        .unwrap_or(&empty);
    let mut after = change
        .get("after")
        .filter(|v| !matches!(v.kind, ValueKind::Null))
        .cloned()
        .unwrap_or_else(|| empty.clone());
    if let Some(unknown) = change.get("after_unknown") {
        mark_unknown(&mut after, unknown);
    }
    let replace_paths: Vec<Vec<Segment>> = change
        .get("replace_paths")
        .and_then(Value::as_list)
        .unwrap_or_default()
        .iter()
        .filter_map(|p| {
            p.as_list()
                .map(|steps| steps.iter().filter_map(segment).collect())
        })
        .collect();
    let before_sensitive = change.get("before_sensitive");
    let after_sensitive = change.get("after_sensitive");
    let mut out = Vec::new();
    let mut matched = vec![false; replace_paths.len()];
    for d in differences(before, &after) {
        let forcing = replace_paths
            .iter()
            .position(|p| d.path.starts_with(p) || p.starts_with(&d.path));
        if let Some(i) = forcing {
            if let Some(m) = matched.get_mut(i) {
                *m = true;
            }
        }
        let span = d
            .after
            .as_ref()
            .or(d.before.as_ref())
            .map_or(entry_span.clone(), |v| v.span.clone());
        out.push(AttributeChange {
            path: display_path(&d.path),
            scope: Scope::Argument,
            before: d
                .before
                .map(|v| hide_sensitive(v, mask_at(before_sensitive, &d.path))),
            after: d
                .after
                .map(|v| hide_sensitive(v, mask_at(after_sensitive, &d.path))),
            replacement: if forcing.is_some() {
                Replacement::Always
            } else {
                Replacement::Never
            },
            reason: if forcing.is_some() {
                "listed in `replace_paths` of the plan".into()
            } else {
                "not in `replace_paths` of the plan: changed in place".into()
            },
            docs: None,
            span,
            caused_by: None,
        });
    }
    // A replace path with no visible difference (an attribute known only after apply).
    for (path, _) in replace_paths.iter().zip(matched).filter(|(_, m)| !m) {
        out.push(AttributeChange {
            path: display_path(path),
            scope: Scope::Argument,
            before: lookup(before, path)
                .cloned()
                .map(|v| hide_sensitive(v, mask_at(before_sensitive, path))),
            after: lookup(&after, path)
                .cloned()
                .map(|v| hide_sensitive(v, mask_at(after_sensitive, path))),
            replacement: Replacement::Always,
            reason: "listed in `replace_paths` of the plan".into(),
            docs: None,
            span: entry_span.clone(),
            caused_by: None,
        });
    }
    out
}

fn segment(step: &Value) -> Option<Segment> {
    match &step.kind {
        ValueKind::String(s) => Some(Segment::Key(s.clone())),
        ValueKind::Int(i) => usize::try_from(*i).ok().map(Segment::Index),
        _ => None,
    }
}

fn lookup<'a>(value: &'a Value, path: &[Segment]) -> Option<&'a Value> {
    path.iter().try_fold(value, |v, s| match (s, &v.kind) {
        (Segment::Key(k), ValueKind::Map(m)) => m.get(k),
        (Segment::Index(i), ValueKind::List(items)) => items.get(*i),
        _ => None,
    })
}

/// The part of a sensitivity (or unknown) mask at `path`: `true` covers everything below.
fn mask_at<'a>(mask: Option<&'a Value>, path: &[Segment]) -> Option<&'a Value> {
    let mut current = mask?;
    for s in path {
        if matches!(current.kind, ValueKind::Bool(true)) {
            return Some(current);
        }
        current = match (s, &current.kind) {
            (Segment::Key(k), ValueKind::Map(m)) => m.get(k)?,
            (Segment::Index(i), ValueKind::List(items)) => items.get(*i)?,
            _ => return None,
        };
    }
    Some(current)
}

/// `value` with every part the mask marks sensitive replaced by [`SENSITIVE`].
fn hide_sensitive(value: Value, mask: Option<&Value>) -> Value {
    let Some(mask) = mask else { return value };
    match (&mask.kind, value.kind) {
        (ValueKind::Bool(true), _) => Value::string(SENSITIVE, value.span),
        (ValueKind::Map(m), ValueKind::Map(map)) => {
            let mut out = Map::new();
            for e in map {
                let hidden = hide_sensitive(e.value, m.get(&e.key));
                out.insert(e.key, e.key_span, hidden);
            }
            Value::new(ValueKind::Map(out), value.span)
        }
        (ValueKind::List(m), ValueKind::List(items)) => Value::new(
            ValueKind::List(
                items
                    .into_iter()
                    .enumerate()
                    .map(|(i, v)| hide_sensitive(v, m.get(i)))
                    .collect(),
            ),
            value.span,
        ),
        (_, kind) => Value::new(kind, value.span),
    }
}

/// Puts [`KNOWN_AFTER_APPLY`] wherever `after_unknown` says `true`.
fn mark_unknown(value: &mut Value, mask: &Value) {
    match &mask.kind {
        ValueKind::Bool(true) => {
            value.kind = ValueKind::Expr(Box::new(Expr {
                source: KNOWN_AFTER_APPLY.into(),
                text: KNOWN_AFTER_APPLY.into(),
                references: Vec::new(),
                fallback: None,
            }));
        }
        ValueKind::Map(m) => {
            if matches!(value.kind, ValueKind::Null) {
                value.kind = ValueKind::Map(Map::new());
            }
            if let ValueKind::Map(map) = &mut value.kind {
                for e in m.iter() {
                    if !contains_true(&e.value) {
                        continue;
                    }
                    if map.get(&e.key).is_none() {
                        let null = Value::new(ValueKind::Null, e.key_span.clone());
                        map.insert(e.key.clone(), e.key_span.clone(), null);
                    }
                    if let Some(child) = map.get_mut(&e.key) {
                        mark_unknown(child, &e.value);
                    }
                }
            }
        }
        ValueKind::List(items) => {
            if let ValueKind::List(values) = &mut value.kind {
                for (v, m) in values.iter_mut().zip(items) {
                    mark_unknown(v, m);
                }
            }
        }
        _ => {}
    }
}

fn contains_true(mask: &Value) -> bool {
    match &mask.kind {
        ValueKind::Bool(b) => *b,
        ValueKind::Map(m) => m.iter().any(|e| contains_true(&e.value)),
        ValueKind::List(items) => items.iter().any(contains_true),
        _ => false,
    }
}

/// Terraform's `action_reason` in words; an unknown reason is shown as written.
fn action_reason(reason: &str) -> String {
    match reason {
        "replace_because_cannot_update" => "the provider cannot update it in place".into(),
        "replace_because_tainted" => {
            "it is tainted (a previous create failed or `terraform taint`)".into()
        }
        "replace_by_request" => "replacement was requested (`-replace`)".into(),
        "replace_by_triggers" => "a `replace_triggered_by` reference changed".into(),
        "delete_because_no_resource_config" => "its configuration was removed".into(),
        "delete_because_wrong_repetition" => "`count`/`for_each` was added or removed".into(),
        "delete_because_count_index" => "its `count` index is no longer in range".into(),
        "delete_because_each_key" => "its `for_each` key is no longer in the map or set".into(),
        "delete_because_no_module" => "its module call was removed".into(),
        "delete_because_no_move_target" => "its `moved` target does not exist".into(),
        "read_because_config_unknown" => "its configuration is known only at apply".into(),
        "read_because_dependency_pending" => "a dependency has pending changes".into(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn another_major_format_version_is_refused_at_its_place() {
        let text = "{\n  \"format_version\": \"2.0\",\n  \"resource_changes\": []\n}";
        let e = read_plan("p.json".into(), text, &Limits::default()).unwrap_err();
        assert!(
            e.message().contains("plan format version 2.0"),
            "{}",
            e.message()
        );
        assert_eq!(e.span().start.line, 2);
        for ok in ["0.1", "1.0", "1.2", "1.9"] {
            let text = format!("{{\"format_version\": \"{ok}\", \"resource_changes\": []}}");
            assert!(
                read_plan("p.json".into(), &text, &Limits::default()).is_ok(),
                "{ok}"
            );
        }
        let text = "{\"format_version\": 1, \"resource_changes\": []}";
        assert!(read_plan("p.json".into(), text, &Limits::default()).is_err());
    }
}
