//! CloudFormation changes as CloudFormation applies them. Two versions of a template are
//! compared as they deploy — resolved for the parameter values in effect, so a changed
//! parameter default, parameters-file entry or mapping entry changes the values that use it,
//! and an equal rewrite (`Fn::Join` as `Fn::Sub`) changes nothing — and then:
//! - a resource whose condition turns false is deleted, one whose condition turns true is
//!   created, and the reason names the condition and its inputs; a condition only deployment
//!   can decide makes the change `conditional`;
//! - a value that depends on a condition only deployment knows (`Fn::If`) can replace at
//!   most `conditional`ly;
//! - a change of `DependsOn` alone is no change (it only orders operations; CloudFormation
//!   updates nothing), and a change of `Metadata` alone updates only the metadata
//!   CloudFormation keeps for the resource;
//! - a replaced resource's `Ref` and `Fn::GetAtt` values change, so what refers to them
//!   changes too ([`knock_on`]).
//!
//! Every changed value says which inputs (parameters, mappings, conditions) it came from.
//! The resource-by-resource comparison and the knowledge base are shared with Terraform.

mod knock_on;
mod sam;
#[cfg(test)]
mod sam_oracle;
mod view;

use crate::change::{Action, AttributeChange, Change, Replacement, Scope};
use crate::graph_diff::diff_resources;
use crate::knowledge::KnowledgeBase;
use stet_graph::{Graph, Input, Resolved, Resource, Span, Value, ValueKind};
use view::Deployed;

/// The changes between two versions of a CloudFormation template.
pub(crate) fn diff_templates(
    before: Option<&Graph>,
    after: Option<&Graph>,
    kb: &KnowledgeBase,
) -> Vec<Change> {
    let old = before.map(Deployed::of);
    let new = after.map(Deployed::of);
    let document = after
        .or(before)
        .map(|g| g.path.to_string())
        .unwrap_or_default();
    let mut changes = diff_resources(
        old.as_ref().map(|d| &d.graph),
        new.as_ref().map(|d| &d.graph),
        kb,
    );
    // The whole document appears or goes: nothing to judge beyond its resources.
    let (Some(old), Some(new)) = (old, new) else {
        return changes;
    };
    for change in &mut changes {
        name_inputs(change, &old, &new);
        explain_condition(change, &old, &new);
        settle(change);
    }
    for change in &mut changes {
        if let Some(resource) = new.resource(&change.address) {
            apply_update_policy(change, resource);
        }
    }
    add_condition_changes(&mut changes, &old, &new, &document);
    knock_on::add_knock_on_changes(&mut changes, &old, &new, kb, &document, &|change| {
        if let Some(resource) = new.resource(&change.address) {
            apply_update_policy(change, resource);
        }
    });
    changes.retain(|c| !only_orders_operations(c));
    for change in &mut changes {
        explain_metadata_only(change);
        explain_sam(change, &old, &new);
        settle(change);
    }
    changes.sort_by(|a, b| {
        (&a.span.file, a.span.start.line, &a.address).cmp(&(
            &b.span.file,
            b.span.start.line,
            &b.address,
        ))
    });
    changes
}

/// The properties of an Auto Scaling group whose change replaces the group only under an
/// `AutoScalingReplacingUpdate` policy with `WillReplace: true`, and otherwise updates it
/// (rolling its instances under `AutoScalingRollingUpdate`): the registry lists them as
/// conditionally create-only, and the `UpdatePolicy` attribute is the condition.
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-updatepolicy.html>
const GROUP_POLICY_PATHS: &[&str] = &[
    "LaunchConfigurationName",
    "LaunchTemplate",
    "MixedInstancesPolicy",
    "VPCZoneIdentifier",
];

/// Decides the conditional replacements of an Auto Scaling group from its `UpdatePolicy`.
fn apply_update_policy(change: &mut Change, resource: &Resource) {
    if change.resource_type != "AWS::AutoScaling::AutoScalingGroup" {
        return;
    }
    let will_replace = resource
        .meta
        .get("UpdatePolicy")
        .and_then(|p| p.get("AutoScalingReplacingUpdate"))
        .and_then(|p| p.get("WillReplace"))
        .and_then(Value::to_display_string)
        .is_some_and(|v| v == "true");
    for attribute in &mut change.attributes {
        let top = attribute.path.split(['.', '[']).next().unwrap_or_default();
        if attribute.scope != Scope::Argument
            || attribute.replacement != Replacement::Conditional
            || !GROUP_POLICY_PATHS.contains(&top)
        {
            continue;
        }
        if will_replace {
            attribute.replacement = Replacement::Always;
            attribute.reason.push_str(
                "; the group's UpdatePolicy has AutoScalingReplacingUpdate with WillReplace: true, so CloudFormation replaces it",
            );
        } else {
            attribute.replacement = Replacement::Never;
            attribute.reason.push_str(
                "; without an AutoScalingReplacingUpdate policy CloudFormation updates the group (an AutoScalingRollingUpdate policy rolls its instances)",
            );
        }
        attribute.docs = Some(
            "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-updatepolicy.html"
                .to_string(),
        );
    }
    settle(change);
}

/// For a resource the SAM transform makes: where it comes from, and for one named after a
/// hash of its content (a function version, an API deployment, a layer version), that a
/// change makes a new one.
fn explain_sam(change: &mut Change, old: &Deployed<'_>, new: &Deployed<'_>) {
    let Some(origin) = new
        .made_by_sam
        .get(&change.address)
        .or_else(|| old.made_by_sam.get(&change.address))
    else {
        return;
    };
    let made = format!(
        "made by the SAM transform of `{}` ({})",
        origin.sam_address, origin.sam_type
    );
    let text = match (origin.hashed, change.action) {
        (true, Action::Create) => format!("{made}, which names it after a hash of its content: the change makes a new one"),
        (true, Action::Delete) => format!("{made}, which names it after a hash of its content: the new content has a new one, and this one goes"),
        _ => made,
    };
    change.reason = Some(match change.reason.take() {
        Some(reason) => format!("{reason}; {text}"),
        None => text,
    });
    // The SAM specification documents how each property passes into the resource.
    if let Some(docs) = sam::Transform::embedded().and_then(|t| t.docs(&origin.sam_type)) {
        for attribute in change.attributes.iter_mut().filter(|a| a.docs.is_none()) {
            attribute.docs = Some(docs.to_string());
        }
    }
}

/// Sets a changed resource's replacement and action from its attributes.
pub(crate) fn settle(change: &mut Change) {
    if !matches!(change.action, Action::Update | Action::Replace) {
        return;
    }
    change.replacement = change
        .attributes
        .iter()
        .map(|a| a.replacement)
        .max()
        .unwrap_or(Replacement::Never);
    change.action = if change.replacement == Replacement::Always {
        Action::Replace
    } else {
        Action::Update
    };
}

/// What keeps the data if the resource goes (`DeletionPolicy`, `UpdateReplacePolicy`).
pub(crate) fn protection(r: &Resource) -> Vec<(String, Value)> {
    ["DeletionPolicy", "UpdateReplacePolicy"]
        .iter()
        .filter_map(|key| Some((key.to_string(), r.meta.get(key)?.clone())))
        .collect()
}

/// A change whose only differences are `DependsOn`: CloudFormation updates nothing (the
/// order of later operations changes), so it is no change.
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-dependson.html>
fn only_orders_operations(change: &Change) -> bool {
    change.action == Action::Update
        && !change.attributes.is_empty()
        && change.attributes.iter().all(|a| {
            a.scope == Scope::Meta && (a.path == "DependsOn" || a.path.starts_with("DependsOn["))
        })
}

/// A change of `Metadata` alone: CloudFormation stores the new metadata (which cfn-init and
/// cfn-hup read on the instance) and calls no update of the resource.
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-metadata.html>
fn explain_metadata_only(change: &mut Change) {
    let metadata = |a: &AttributeChange| {
        a.scope == Scope::Meta && (a.path == "Metadata" || a.path.starts_with("Metadata."))
    };
    if change.action == Action::Update
        && change.reason.is_none()
        && !change.attributes.is_empty()
        && change
            .attributes
            .iter()
            .all(|a| metadata(a) || a.path.starts_with("DependsOn"))
    {
        change.reason = Some(
            "only `Metadata` changes: CloudFormation stores the new metadata (read by cfn-init and cfn-hup) and updates no property of the resource".to_string(),
        );
    }
}

/// The inputs of the values of a changed attribute that differ between the versions, as
/// text for its reason; a value that depends on a condition only deployment knows caps the
/// replacement at `conditional`.
fn name_inputs(change: &mut Change, old: &Deployed<'_>, new: &Deployed<'_>) {
    for attribute in &mut change.attributes {
        let before = attribute
            .before
            .as_ref()
            .map(|v| inputs(old.resolved, &v.span))
            .unwrap_or_default();
        let after = attribute
            .after
            .as_ref()
            .map(|v| inputs(new.resolved, &v.span))
            .unwrap_or_default();
        let causes = changed_inputs(&before, &after);
        if !causes.is_empty() {
            attribute
                .reason
                .push_str(&format!("; the value comes from {}", causes.join(", ")));
        }
        let unknown = [&attribute.before, &attribute.after]
            .into_iter()
            .flatten()
            .any(has_unknown_condition);
        if unknown && attribute.replacement == Replacement::Always {
            attribute.replacement = Replacement::Conditional;
            attribute.reason.push_str(
                "; whether the value changes depends on a condition only deployment knows (`Fn::If`)",
            );
        }
        // A value that uses a parameter without a value (no default, none given) may be the
        // value on the other side: whether it changes is not known.
        let unknown_parameter = old
            .parameters
            .iter()
            .chain(new.parameters.iter())
            .find(|p| {
                [&attribute.before, &attribute.after]
                    .into_iter()
                    .flatten()
                    .any(|v| uses_parameter(v, p))
            });
        if let (Some(parameter), Replacement::Always) = (unknown_parameter, attribute.replacement) {
            attribute.replacement = Replacement::Conditional;
            attribute.reason.push_str(&format!(
                "; the value depends on parameter `{parameter}`, which has no value here (no default, none given), so whether it changes is not known"
            ));
        }
        let from_ssm = [&attribute.before, &attribute.after]
            .into_iter()
            .flatten()
            .any(read_from_ssm);
        if from_ssm && attribute.replacement == Replacement::Always {
            attribute.replacement = Replacement::Conditional;
            attribute.reason.push_str(
                "; the value is read from SSM Parameter Store at deployment, so whether it changes is not known",
            );
        }
    }
}

fn inputs(resolved: Option<&Resolved>, span: &Span) -> Vec<Input> {
    resolved
        .map(|r| r.inputs_at(span).into_iter().cloned().collect())
        .unwrap_or_default()
}

/// The inputs whose value differs between the versions (or that only one side has), each as
/// ``parameter `Tag`: `latest` → `1.2.0` (params.json, params.json:3:14)``.
fn changed_inputs(before: &[Input], after: &[Input]) -> Vec<String> {
    let mut out = Vec::new();
    for input in after {
        let old = before.iter().find(|b| b.name == input.name);
        if old.is_some_and(|o| o.value == input.value && o.value.is_some()) {
            continue;
        }
        // No value: a condition only deployment decides, or a `NoEcho` parameter's secret.
        let shown = |v: &Option<String>| match v.as_deref() {
            Some(v) => format!("`{v}`"),
            None if input.via == "condition" => "unknown".to_string(),
            None => "(secret, not shown)".to_string(),
        };
        let place = match &input.span {
            Some(span) => format!("{}, {span}", input.via),
            None => input.via.clone(),
        };
        let from = old
            .map(|o| format!("{} → ", shown(&o.value)))
            .unwrap_or_default();
        out.push(format!(
            "{}: {from}{} ({place})",
            input.name,
            shown(&input.value)
        ));
    }
    for input in before {
        // A mapping entry no longer read is implied by the entry read now.
        if input.via != "mapping" && !after.iter().any(|a| a.name == input.name) {
            out.push(format!("{} (no longer used)", input.name));
        }
    }
    out
}

/// For a resource created or deleted because of its condition: the reason, naming the
/// condition and the inputs that decide it.
fn explain_condition(change: &mut Change, old: &Deployed<'_>, new: &Deployed<'_>) {
    let (left_out, now) = match change.action {
        // Deleted: still written in the new version, but its condition is false there.
        Action::Delete => (new, new),
        // Created: written in the old version, but left out by its condition there.
        Action::Create => (old, new),
        _ => return,
    };
    let Some(Some((was_condition, _))) = left_out.written.get(&change.address) else {
        return;
    };
    let current = now.written.get(&change.address).cloned().flatten();
    let causes = |name: &str, span: &Span| -> String {
        let own = format!("condition `{name}`");
        let list: Vec<String> = inputs(now.resolved, span)
            .iter()
            .filter(|i| i.name != own)
            .map(Input::describe)
            .collect();
        if list.is_empty() {
            String::new()
        } else {
            format!(" — {}", list.join("; "))
        }
    };
    let reason = match (change.action, &current) {
        (Action::Delete, Some((name, span))) => format!(
            "deleted by CloudFormation: its condition `{name}` is now false{}",
            causes(name, span)
        ),
        (Action::Create, Some((name, span))) => match now.conditions.get(name).copied().flatten() {
            Some(_) => format!(
                "created by CloudFormation: its condition `{name}` is now true{}",
                causes(name, span)
            ),
            None => format!(
                "created by CloudFormation only if its condition `{name}` is true, which only deployment can decide{}",
                causes(name, span)
            ),
        },
        (Action::Create, None) => format!(
            "created by CloudFormation: it no longer has the condition `{was_condition}`, which was false"
        ),
        _ => return,
    };
    change.reason = Some(reason);
    // A deleted resource is still written in the new version: point there.
    if change.action == Action::Delete {
        if let Some(span) = new.spans.get(&change.address) {
            change.span = span.clone();
        }
    }
}

/// Resources on both sides whose condition changes in a way only deployment can decide: a
/// `Condition` change that may create or delete them.
fn add_condition_changes(
    changes: &mut Vec<Change>,
    old: &Deployed<'_>,
    new: &Deployed<'_>,
    document: &str,
) {
    for resource in &new.graph.resources {
        if old.resource(&resource.address).is_none() {
            continue;
        }
        let before = old.condition_of(&resource.address);
        let after = new.condition_of(&resource.address);
        let value = |c: Option<(&str, Option<bool>)>| c.map_or(Some(true), |(_, v)| v);
        let (was, is) = (value(before), value(after));
        if was.is_some() && is.is_some() {
            // Known on both sides and the resource exists on both: true and true, nothing.
            continue;
        }
        let name = |c: Option<(&str, Option<bool>)>| c.map(|(n, _)| n.to_string());
        if name(before) == name(after) && was == is {
            continue;
        }
        let Some(condition) = after.or(before).map(|(n, _)| n.to_string()) else {
            continue;
        };
        let span = new
            .written
            .get(&resource.address)
            .and_then(|c| c.as_ref().map(|(_, s)| s.clone()))
            .unwrap_or_else(|| resource.span.clone());
        let text = |c: Option<(&str, Option<bool>)>, span: &Span| {
            c.map(|(n, _)| Value::string(n, span.clone()))
        };
        let attribute = AttributeChange {
            path: "Condition".to_string(),
            scope: Scope::Meta,
            before: text(before, &span),
            after: text(after, &span),
            replacement: Replacement::Conditional,
            reason: format!(
                "the resource exists only while condition `{condition}` is true, which only deployment can decide: CloudFormation may create or delete it"
            ),
            docs: Some(
                "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/conditions-section-structure.html"
                    .to_string(),
            ),
            span,
            caused_by: None,
        };
        match changes.iter_mut().find(|c| c.address == resource.address) {
            Some(change) => change.attributes.push(attribute),
            None => {
                let mut change = update_of(resource, document);
                change.attributes.push(attribute);
                changes.push(change);
            }
        }
    }
}

/// An update of `resource` with no attributes yet.
fn update_of(resource: &Resource, document: &str) -> Change {
    Change {
        address: resource.address.clone(),
        previous_address: None,
        resource_type: resource.resource_type.clone(),
        document: document.to_string(),
        action: Action::Update,
        replacement: Replacement::Never,
        reason: None,
        create_before_destroy: None,
        custom_name: None,
        protection: protection(resource),
        span: resource.span.clone(),
        attributes: Vec::new(),
    }
}

/// Whether `value` uses parameter `name` without its value (its placeholder `${name}`).
fn uses_parameter(value: &Value, name: &str) -> bool {
    let placeholder = format!("${{{name}}}");
    match &value.kind {
        ValueKind::Expr(e) => e.source.contains(&placeholder),
        ValueKind::List(items) => items.iter().any(|i| uses_parameter(i, name)),
        ValueKind::Map(map) => map.iter().any(|e| uses_parameter(&e.value, name)),
        _ => false,
    }
}

/// Whether `value` is an SSM parameter type's value, read at deployment (its canonical form
/// carries the SSM parameter's name).
fn read_from_ssm(value: &Value) -> bool {
    value.as_expr().is_some_and(|e| e.source.contains("#ssm:"))
}

/// Whether `value` holds an `Fn::If` whose condition only deployment knows.
fn has_unknown_condition(value: &Value) -> bool {
    match &value.kind {
        ValueKind::Expr(e) => e.source.contains("\"Fn::If\""),
        ValueKind::List(items) => items.iter().any(has_unknown_condition),
        ValueKind::Map(map) => map.iter().any(|e| has_unknown_condition(&e.value)),
        _ => false,
    }
}
