//! The `Changes` section rules see in diff mode: one entry per changed resource, keyed by
//! address, with spans pointing at the resource and the changed values so that a finding
//! lands on the right line.
//!
//! ```text
//! Changes:
//!   aws_instance.web:
//!     Action: replace            # create | delete | update | replace | move | import | forget
//!     Replacement: always        # always | never | conditional | unknown
//!     Type: aws_instance
//!     PreviousAddress: ...       # when it moved
//!     CreateBeforeDestroy: false # Terraform, for resources on both sides
//!     Reason: ...                # when the resource (not an attribute) is the reason
//!     Name: { Property: BucketName, Value: logs, Changed: false }   # a fixed physical name
//!     DeletionPolicy / UpdateReplacePolicy / PreventDestroy: ...    # when set
//!     Details:
//!       - { Path: ami, Scope: argument, Change: modify, Before: ami-1, After: ami-2,
//!           ForcesReplacement: true, Replacement: always, Reason: "ForceNew on `ami` ..." }
//! ```

use crate::change::Change;
use stet_graph::{Map, Span, Value, ValueKind};

/// The `Changes` section for these changes (a map, possibly empty, spanning `at`).
pub fn changes_section(changes: &[&Change], at: &Span) -> Value {
    let mut section = Map::new();
    for change in changes {
        section.insert(
            change.address.clone(),
            change.span.clone(),
            change_value(change),
        );
    }
    Value::new(ValueKind::Map(section), at.clone())
}

fn change_value(change: &Change) -> Value {
    let span = &change.span;
    let text = |s: &str| Value::string(s, span.clone());
    let mut map = Map::new();
    map.insert("Action", span.clone(), text(change.action.as_str()));
    map.insert(
        "Replacement",
        span.clone(),
        text(change.replacement.as_str()),
    );
    map.insert("Type", span.clone(), text(&change.resource_type));
    if let Some(previous) = &change.previous_address {
        map.insert("PreviousAddress", span.clone(), text(previous));
    }
    if let Some(cbd) = change.create_before_destroy {
        map.insert(
            "CreateBeforeDestroy",
            span.clone(),
            Value::new(ValueKind::Bool(cbd), span.clone()),
        );
    }
    if let Some(reason) = &change.reason {
        map.insert("Reason", span.clone(), text(reason));
    }
    if let Some(name) = &change.custom_name {
        let mut n = Map::new();
        n.insert("Property", span.clone(), text(&name.property));
        n.insert("Value", name.value.span.clone(), name.value.clone());
        n.insert(
            "Changed",
            span.clone(),
            Value::new(ValueKind::Bool(name.changed), span.clone()),
        );
        map.insert(
            "Name",
            span.clone(),
            Value::new(ValueKind::Map(n), span.clone()),
        );
    }
    for (key, value) in &change.protection {
        map.insert(key.clone(), value.span.clone(), value.clone());
    }
    let details = change
        .attributes
        .iter()
        .map(|a| {
            let at = &a.span;
            let text = |s: &str| Value::string(s, at.clone());
            let mut d = Map::new();
            d.insert("Path", at.clone(), text(&a.path));
            d.insert("Scope", at.clone(), text(a.scope.as_str()));
            d.insert("Change", at.clone(), text(a.kind()));
            if let Some(before) = &a.before {
                d.insert("Before", at.clone(), before.clone().respanned(at));
            }
            if let Some(after) = &a.after {
                d.insert("After", at.clone(), after.clone());
            }
            d.insert(
                "ForcesReplacement",
                at.clone(),
                Value::new(ValueKind::Bool(a.forces_replacement()), at.clone()),
            );
            d.insert("Replacement", at.clone(), text(a.replacement.as_str()));
            d.insert("Reason", at.clone(), text(&a.reason));
            Value::new(ValueKind::Map(d), at.clone())
        })
        .collect();
    map.insert(
        "Details",
        span.clone(),
        Value::new(ValueKind::List(details), span.clone()),
    );
    Value::new(ValueKind::Map(map), span.clone())
}
