//! Reading `aws cloudformation describe-change-set` output (one file, or the several pages
//! of a paged result) into [`Change`]s: `Action` and `Replacement` give the action,
//! `Details[].Target.RequiresRecreation` with `Evaluation` tell which attribute forces a
//! replacement, the way CloudFormation rolls them up.

use crate::change::{Action, AttributeChange, Change, Replacement, Scope};
use crate::error::ReadError;
use std::sync::Arc;
use stet_graph::{parse_json_keeping_last, Limits, Span, Value, ValueKind};

/// Reads the pages of one change set (each the JSON `describe-change-set` printed) into
/// one change per resource entry of `Changes[]`.
///
/// ```
/// let page = r#"{"ChangeSetName": "c", "StackName": "s", "Changes": [
///   {"Type": "Resource", "ResourceChange": {"Action": "Modify", "LogicalResourceId": "Bucket",
///    "ResourceType": "AWS::S3::Bucket", "Replacement": "True",
///    "Details": [{"Evaluation": "Static", "ChangeSource": "DirectModification",
///      "Target": {"Attribute": "Properties", "Name": "BucketName", "RequiresRecreation": "Always"}}]}}]}"#;
/// let changes = stet_diff::read_change_set(&[("cs.json".into(), page.to_string())], &Default::default()).unwrap();
/// assert_eq!(changes[0].action, stet_diff::Action::Replace);
/// assert_eq!(changes[0].attributes[0].path, "BucketName");
/// ```
pub fn read_change_set(
    pages: &[(Arc<str>, String)],
    limits: &Limits,
) -> Result<Vec<Change>, ReadError> {
    let mut out = Vec::new();
    for (file, text) in pages {
        let (root, _) = parse_json_keeping_last(file.clone(), text, limits)?;
        let root = root.ok_or_else(|| ReadError::Shape {
            span: Span::file_start(file.clone()),
            message: "the file is empty; expected `aws cloudformation describe-change-set` output"
                .into(),
        })?;
        let Some(changes) = root.get("Changes") else {
            return Err(ReadError::Shape {
                span: root.span.clone(),
                message: "not a change set: no `Changes` (is this `aws cloudformation describe-change-set` output?)".into(),
            });
        };
        let document = root
            .get("ChangeSetName")
            .and_then(Value::as_str)
            .map_or_else(|| file.to_string(), str::to_string);
        for entry in changes.as_list().unwrap_or_default() {
            if let Some(change) = entry
                .get("ResourceChange")
                .and_then(|rc| resource_change(&document, rc, &entry.span))
            {
                out.push(change);
            }
        }
    }
    Ok(out)
}

fn resource_change(document: &str, rc: &Value, span: &Span) -> Option<Change> {
    let text = |key: &str| rc.get(key).and_then(Value::as_str);
    let address = text("LogicalResourceId")?.to_string();
    let (action, replacement) = match (text("Action")?, text("Replacement")) {
        ("Add", _) => (Action::Create, Replacement::Never),
        ("Remove", _) => (Action::Delete, Replacement::Never),
        ("Import", _) => (Action::Import, Replacement::Never),
        ("Modify", Some("True")) => (Action::Replace, Replacement::Always),
        ("Modify", Some("False")) => (Action::Update, Replacement::Never),
        ("Modify", Some("Conditional")) => (Action::Update, Replacement::Conditional),
        ("SyncWithActual", _) => (Action::Update, Replacement::Never),
        // `Dynamic`: decided when the change set runs (nested stacks, macros).
        _ => (Action::Update, Replacement::Unknown),
    };
    let attributes = rc
        .get("Details")
        .and_then(Value::as_list)
        .unwrap_or_default()
        .iter()
        .filter_map(detail)
        .collect();
    let mut reasons = Vec::new();
    if text("Action") == Some("Dynamic") {
        reasons.push(
            "CloudFormation decides this change when the change set runs (Action Dynamic)"
                .to_string(),
        );
    }
    if let Some(policy) = text("PolicyAction") {
        reasons.push(format!("PolicyAction {policy}"));
    }
    Some(Change {
        address,
        previous_address: None,
        resource_type: text("ResourceType").unwrap_or_default().to_string(),
        document: document.to_string(),
        action,
        replacement,
        reason: (!reasons.is_empty()).then(|| reasons.join("; ")),
        create_before_destroy: None,
        custom_name: None,
        protection: Vec::new(),
        span: span.clone(),
        attributes,
    })
}

fn detail(d: &Value) -> Option<AttributeChange> {
    let target = d.get("Target")?;
    let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_string);
    let attribute = text(target, "Attribute").unwrap_or_default();
    let path = text(target, "Path")
        .map(|p| property_path(&p))
        .or_else(|| text(target, "Name"))
        .unwrap_or_else(|| attribute.clone());
    let scope = if matches!(attribute.as_str(), "Properties" | "Tags" | "") {
        Scope::Argument
    } else {
        Scope::Meta
    };
    let evaluation = text(d, "Evaluation").unwrap_or_default();
    let requires = text(target, "RequiresRecreation").unwrap_or_default();
    let replacement = match (requires.as_str(), evaluation.as_str()) {
        ("Always", "Static") => Replacement::Always,
        ("Always", _) | ("Conditionally", _) => Replacement::Conditional,
        ("Never", _) => Replacement::Never,
        _ => Replacement::Unknown,
    };
    let mut reason = format!(
        "RequiresRecreation {}",
        if requires.is_empty() {
            "not given"
        } else {
            &requires
        }
    );
    let source = [
        text(d, "Evaluation"),
        text(d, "ChangeSource"),
        text(d, "CausingEntity"),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ");
    if !source.is_empty() {
        reason.push_str(&format!(" ({source})"));
    }
    let value = |key: &str| {
        target
            .get(key)
            .filter(|v| !matches!(v.kind, ValueKind::Null))
            .cloned()
    };
    let change_type = text(target, "AttributeChangeType");
    let before = value("BeforeValue");
    let after = value("AfterValue");
    // Without property values, show the change as a modification of unknown values.
    let (before, after) = match (change_type.as_deref(), before, after) {
        (Some("Add"), _, after) => (
            None,
            after.or_else(|| Some(Value::string("", d.span.clone()))),
        ),
        (Some("Remove"), before, _) => (
            before.or_else(|| Some(Value::string("", d.span.clone()))),
            None,
        ),
        (_, before, after) => (
            before.or_else(|| Some(Value::string("", d.span.clone()))),
            after.or_else(|| Some(Value::string("", d.span.clone()))),
        ),
    };
    Some(AttributeChange {
        path,
        scope,
        before,
        after,
        replacement,
        reason,
        docs: None,
        span: d.span.clone(),
        caused_by: None,
    })
}

/// A JSON pointer such as `/Properties/Tags/0/Value` as stet writes paths: `Tags[0].Value`.
fn property_path(pointer: &str) -> String {
    let mut out = String::new();
    let steps = pointer.trim_start_matches('/').split('/');
    for (i, step) in steps.enumerate() {
        if i == 0 && step == "Properties" {
            continue;
        }
        let step = step.replace("~1", "/").replace("~0", "~");
        if step.chars().all(|c| c.is_ascii_digit()) && !step.is_empty() {
            out.push_str(&format!("[{step}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&step);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn pointers_become_paths() {
        assert_eq!(
            super::property_path("/Properties/Tags/0/Value"),
            "Tags[0].Value"
        );
        assert_eq!(super::property_path("/Metadata"), "Metadata");
        assert_eq!(super::property_path("/Properties/a~1b"), "a/b");
    }
}
