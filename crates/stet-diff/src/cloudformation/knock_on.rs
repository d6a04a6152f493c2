//! Knock-on changes: a replaced resource gets a new physical ID and new attributes, so every
//! property that refers to it with `Ref`, `Fn::GetAtt` or a `Fn::Sub` variable changes too,
//! and is classified with the same facts as an edit — an update, or a replacement where the
//! property is create-only, which carries on to what refers to that resource in turn. This is
//! how CloudFormation propagates a replacement
//! (<https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-update-behaviors.html>),
//! and how `terraform plan` does for Terraform.

use super::view::Deployed;
use crate::change::{Action, AttributeChange, Change, CustomName, Replacement, Scope};
use crate::compare::{display_path, equivalent, Difference, Path, Segment};
use crate::knowledge::{Family, KnowledgeBase, Subject};
use std::collections::{HashMap, VecDeque};
use stet_graph::{Resource, Value, ValueKind};

/// Adds to `changes` the knock-on changes of every replacement in them, to a fixed point.
pub(crate) fn add_knock_on_changes(
    changes: &mut Vec<Change>,
    old: &Deployed<'_>,
    new: &Deployed<'_>,
    kb: &KnowledgeBase,
    document: &str,
    refine: &dyn Fn(&mut Change),
) {
    let mut strength: HashMap<String, Replacement> = HashMap::new();
    let mut queue: VecDeque<String> = VecDeque::new();
    for change in changes.iter() {
        if let Some(s) = replaced(change) {
            strength.insert(change.address.clone(), s);
            queue.push_back(change.address.clone());
        }
    }
    // Each resource is queued again only when its replacement becomes more certain, so this
    // ends after at most two rounds per resource.
    while let Some(cause) = queue.pop_front() {
        let Some(&cause_strength) = strength.get(&cause) else {
            continue;
        };
        for target in &new.graph.resources {
            if target.address == cause {
                continue;
            }
            let Some(before) = old.resource(&target.address) else {
                continue;
            };
            let uses = references_to(&target.attributes, &cause);
            if uses.is_empty() {
                continue;
            }
            let index = match changes.iter().position(|c| c.address == target.address) {
                Some(i) => i,
                None => {
                    changes.push(empty_change(target, kb, document));
                    changes.len() - 1
                }
            };
            let Some(change) = changes.get_mut(index) else {
                continue;
            };
            if matches!(change.action, Action::Create | Action::Delete) {
                continue;
            }
            for (path, value, what) in uses {
                let covered = change.attributes.iter().any(|a| {
                    let shown = display_path(&path);
                    a.scope == Scope::Argument
                        && (a.path == shown
                            || shown.starts_with(&format!("{}.", a.path))
                            || shown.starts_with(&format!("{}[", a.path))
                            || a.path.starts_with(&format!("{shown}."))
                            || a.path.starts_with(&format!("{shown}[")))
                });
                if covered {
                    continue;
                }
                let old_value = at_path(&before.attributes, &path);
                if old_value.is_some_and(|v| !equivalent(v, value)) {
                    continue;
                }
                let difference = Difference {
                    path: path.clone(),
                    before: old_value.cloned(),
                    after: Some(value.clone()),
                };
                let subject = Subject {
                    family: Family::CloudFormation,
                    resource_type: &target.resource_type,
                    attributes: Some(&target.attributes),
                };
                let fact = kb.classify(&subject, Scope::Argument, &difference);
                let replacement = match (cause_strength, fact.replacement) {
                    (Replacement::Conditional, Replacement::Always) => Replacement::Conditional,
                    (_, r) => r,
                };
                let certainty = if cause_strength == Replacement::Always {
                    "is replaced, so its"
                } else {
                    "may be replaced, and then its"
                };
                change.attributes.push(AttributeChange {
                    path: display_path(&path),
                    scope: Scope::Argument,
                    before: old_value.cloned(),
                    after: Some(value.clone()),
                    replacement,
                    reason: format!("`{cause}` {certainty} {what} changes: {}", fact.reason),
                    docs: fact.docs,
                    span: value.span.clone(),
                    caused_by: Some(cause.clone()),
                });
            }
            refine(change);
            // A resource that may be replaced makes what refers to it change only maybe.
            if cause_strength == Replacement::Conditional {
                for attribute in change
                    .attributes
                    .iter_mut()
                    .filter(|a| a.caused_by.as_deref() == Some(cause.as_str()))
                {
                    if attribute.replacement == Replacement::Always {
                        attribute.replacement = Replacement::Conditional;
                    }
                }
            }
            super::settle(change);
            if let Some(s) = replaced(change) {
                let known = strength.get(&change.address).copied();
                if known.is_none_or(|k| s > k) {
                    strength.insert(change.address.clone(), s);
                    queue.push_back(change.address.clone());
                }
            }
        }
    }
    changes.retain(|c| !(c.attributes.is_empty() && c.action == Action::Update));
}

/// How surely a change replaces its resource: `Always`, `Conditional`, or not (`None`).
fn replaced(change: &Change) -> Option<Replacement> {
    match (change.action, change.replacement) {
        (Action::Replace, _) => Some(Replacement::Always),
        (Action::Update, Replacement::Conditional) => Some(Replacement::Conditional),
        _ => None,
    }
}

/// A change of `target` with no attributes yet (knock-on attributes are added to it).
fn empty_change(target: &Resource, kb: &KnowledgeBase, document: &str) -> Change {
    let custom_name = kb
        .custom_name(
            Family::CloudFormation,
            &target.resource_type,
            &target.attributes,
        )
        .and_then(|property| {
            Some(CustomName {
                property: property.to_string(),
                value: target.attributes.get(property)?.clone(),
                changed: false,
            })
        });
    Change {
        address: target.address.clone(),
        previous_address: None,
        resource_type: target.resource_type.clone(),
        document: document.to_string(),
        action: Action::Update,
        replacement: Replacement::Never,
        reason: None,
        create_before_destroy: None,
        custom_name,
        protection: super::protection(target),
        span: target.span.clone(),
        attributes: Vec::new(),
    }
}

/// The places in `value` that refer to `resource`: their path (down to where the diff
/// compares values: map keys, lists of maps element by element), the value there and what
/// of the resource it uses.
fn references_to<'v>(value: &'v Value, resource: &str) -> Vec<(Path, &'v Value, String)> {
    let mut out = Vec::new();
    walk(&mut Vec::new(), value, resource, &mut out);
    out
}

fn walk<'v>(
    path: &mut Path,
    value: &'v Value,
    resource: &str,
    out: &mut Vec<(Path, &'v Value, String)>,
) {
    match &value.kind {
        ValueKind::Map(map) => {
            for entry in map.iter() {
                path.push(Segment::Key(entry.key.clone()));
                walk(path, &entry.value, resource, out);
                path.pop();
            }
        }
        ValueKind::List(items)
            if !items.is_empty() && items.iter().all(|i| matches!(i.kind, ValueKind::Map(_))) =>
        {
            for (i, item) in items.iter().enumerate() {
                path.push(Segment::Index(i));
                walk(path, item, resource, out);
                path.pop();
            }
        }
        _ => {
            if let Some(what) = use_of(value, resource) {
                out.push((path.clone(), value, what));
            }
        }
    }
}

/// What of `resource` a compared value uses: ``physical ID (`Ref`)`` or
/// ```Fn::GetAtt` `Arn` ``; `None` when it does not refer to it.
fn use_of(value: &Value, resource: &str) -> Option<String> {
    match &value.kind {
        ValueKind::Expr(e) => e.references.iter().find_map(|r| {
            if r == resource {
                Some("physical ID (`Ref`)".to_string())
            } else {
                r.strip_prefix(resource)
                    .and_then(|rest| rest.strip_prefix('.'))
                    .map(|attribute| format!("`{attribute}` (`Fn::GetAtt`)"))
            }
        }),
        ValueKind::List(items) => items.iter().find_map(|i| use_of(i, resource)),
        ValueKind::Map(map) => map.iter().find_map(|e| use_of(&e.value, resource)),
        _ => None,
    }
}

/// The value at `path` in `value`.
fn at_path<'v>(value: &'v Value, path: &[Segment]) -> Option<&'v Value> {
    let mut current = value;
    for segment in path {
        current = match segment {
            Segment::Key(k) => current.get(k)?,
            Segment::Index(i) => current.as_list()?.get(*i)?,
        };
    }
    Some(current)
}
