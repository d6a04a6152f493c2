//! What `terraform plan` does that a value-by-value comparison does not: differences the
//! provider would not show ([`noise`]), arguments `lifecycle { ignore_changes }` hides,
//! meta-arguments that change nothing (`depends_on`, `lifecycle`), a change of type in a
//! dynamically typed argument (`terraform_data.input`), resources a `removed` block forgets,
//! replacements that `replace_triggered_by` asks for, and the cascade: a replaced resource's
//! computed attributes are known only after apply, so every argument that refers to them
//! changes too — and is replaced when the argument forces replacement — as far as the chain
//! goes.

mod noise;
mod schema;

use crate::change::{Action, AttributeChange, Change, Replacement, Scope};
use crate::compare::{display_path, Difference, Segment};
use crate::graph_diff::Differ;
use crate::knowledge::Subject;
use std::collections::HashMap;
use stet_graph::{
    without_instance_key, Graph, Resource, ResourceKind, Value, ValueKind, DYNAMIC_TYPES,
};

pub(crate) use schema::{Builtin, Schemas};

/// Meta-arguments whose change alone plans nothing.
const NO_OP_META: &[&str] = &["depends_on", "lifecycle"];

/// The differences of one resource that `terraform plan` shows as changes.
pub(crate) fn filter(
    old: &Resource,
    new: &Resource,
    found: Vec<(Scope, Difference)>,
) -> Vec<(Scope, Difference)> {
    let schemas = Schemas::embedded();
    let ignored = ignored_arguments(new);
    let aws = schemas.aws(&new.resource_type);
    let mut out: Vec<(Scope, Difference)> = Vec::new();
    for (scope, d) in found {
        let first = match d.path.first() {
            Some(Segment::Key(k)) => k.as_str(),
            _ => "",
        };
        if scope == Scope::Meta && (NO_OP_META.contains(&first) || first == DYNAMIC_TYPES) {
            continue;
        }
        if scope == Scope::Argument {
            if ignored.all || ignored.names.iter().any(|n| n == first) {
                continue;
            }
            if let Some(schema) = aws {
                if noise::suppressed(schema, &old.attributes, &new.attributes, &d).is_some() {
                    continue;
                }
            }
        }
        out.push((scope, d));
    }
    // A dynamically typed argument whose type changed changes even when its value prints
    // the same (`1` and `"1"`, a tuple and a list).
    let types = |r: &Resource| r.meta.get(DYNAMIC_TYPES).cloned();
    if let (Some(before), Some(after)) = (types(old), types(new)) {
        for entry in after.as_map().into_iter().flat_map(|m| m.iter()) {
            let name = entry.key.as_str();
            let changed_type = before
                .get(name)
                .is_some_and(|b| b.as_str() != entry.value.as_str());
            let already = out.iter().any(|(s, d)| {
                *s == Scope::Argument && d.path.first() == Some(&Segment::Key(name.into()))
            });
            if changed_type && !already && !ignored.all && !ignored.names.iter().any(|n| n == name)
            {
                out.push((
                    Scope::Argument,
                    Difference {
                        path: vec![Segment::Key(name.into())],
                        before: old.attributes.get(name).cloned(),
                        after: new.attributes.get(name).cloned(),
                    },
                ));
            }
        }
    }
    out
}

/// `lifecycle { ignore_changes = [...] }` of a resource.
struct Ignored {
    all: bool,
    names: Vec<String>,
}

/// Replacements a `try` may not make. Where one side of a ForceNew argument is a `try` whose
/// attempt is unknown and whose fallback plans the same as the other side (`path` unset
/// before, `try(each.value.role_path, null)` after, `null` being its default), the
/// instances whose attempt fails keep their setting: the replacement is conditional.
pub(crate) fn hedge(resource_type: &str, attributes: &mut [AttributeChange]) {
    let schemas = Schemas::embedded();
    let schema = schemas.aws(resource_type);
    for a in attributes
        .iter_mut()
        .filter(|a| a.scope == Scope::Argument && a.replacement == Replacement::Always)
    {
        let (fallback, other) = match (
            a.before.as_ref().and_then(noise::fallback),
            a.after.as_ref().and_then(noise::fallback),
        ) {
            (None, Some((_, f))) => (f, a.before.as_ref().map(Value::to_json)),
            (Some((_, f)), None) => (f, a.after.as_ref().map(Value::to_json)),
            _ => continue,
        };
        let keys = schema_keys(&a.path);
        if noise::same_setting(schema, &keys, Some(&fallback), other.as_ref()) {
            a.replacement = Replacement::Conditional;
            a.reason = format!(
                "{}; but where the `try` falls back to {fallback}, the setting is as before",
                a.reason
            );
        }
    }
}

/// A displayed attribute path as the schema facts name it (`ebs_block_device[0].iops` is
/// `ebs_block_device.iops`).
fn schema_keys(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut depth = 0usize;
    for c in path.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

fn ignored_arguments(r: &Resource) -> Ignored {
    let value = r
        .meta
        .get("lifecycle")
        .and_then(|l| l.get("ignore_changes"));
    let texts: Vec<String> = match value.map(|v| &v.kind) {
        Some(ValueKind::List(items)) => items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_string))
            .collect(),
        Some(ValueKind::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    };
    Ignored {
        all: texts.iter().any(|t| t == "all"),
        names: texts
            .iter()
            .map(|t| t.split(['.', '[']).next().unwrap_or(t).to_string())
            .collect(),
    }
}

/// A resource referred to from an expression: its address and the attribute path used.
#[derive(Debug, Clone, PartialEq)]
struct Target {
    /// `module.a[0].aws_instance.web[1]` or, for an unindexed reference to a counted
    /// resource, its base address.
    address: String,
    /// The attribute (`id`, `tags.Name`), empty for the whole object.
    attribute: String,
}

/// Reads `module.a.aws_instance.web[0].id` as a resource and an attribute; `None` for
/// references that are not to resources (`var.x`, `local.y`, `module.m.output`).
fn target(reference: &str) -> Option<Target> {
    let parts = stet_graph::split_address(reference);
    let mut i = 0;
    let mut prefix = String::new();
    while parts.get(i).map(String::as_str) == Some("module") {
        let name = parts.get(i + 1)?;
        prefix.push_str(&format!("module.{name}."));
        i += 2;
    }
    let first = parts.get(i)?;
    let take = match first.as_str() {
        "data" => 3,
        "var" | "local" | "count" | "each" | "path" | "self" | "terraform" | "module" => {
            return None
        }
        _ => 2,
    };
    let resource = parts.get(i..i + take)?.join(".");
    let attribute = parts.get(i + take..).unwrap_or_default().join(".");
    Some(Target {
        address: format!("{prefix}{resource}"),
        attribute,
    })
}

/// What a planned change does to a resource's attributes, as seen from the resources that
/// refer to it.
struct Planned {
    replaced: bool,
    /// Updated in place, or replaced depending on values stet cannot see: what refers to it
    /// changes only perhaps.
    maybe_replaced: bool,
    /// Arguments whose value changes (key paths).
    changed: Vec<String>,
    /// Arguments set in the configuration (their planned value is the configured one).
    configured: Vec<String>,
    /// Computed attributes that are new after an in-place update.
    changes_on_update: Vec<String>,
    /// The attributes the provider computes (`id`, computed-only and Optional+Computed
    /// ones), when its schema is known: an attribute it does not compute and the
    /// configuration does not set stays null, even across a replacement.
    computed: Option<Vec<String>>,
}

impl Planned {
    /// Whether `attribute` (empty: the whole object) has a new value after the change.
    fn changes(&self, attribute: &str) -> bool {
        let top = attribute.split(['.', '[']).next().unwrap_or(attribute);
        if attribute.is_empty() {
            return true;
        }
        if self
            .changed
            .iter()
            .any(|c| c == top || c.starts_with(&format!("{top}.")))
        {
            return true;
        }
        if self.configured.iter().any(|c| c == top) {
            return false;
        }
        // Computed: new after a replacement; after an update only when the provider says so.
        let computed = top == "id"
            || self
                .computed
                .as_ref()
                .is_none_or(|c| c.iter().any(|a| a == top));
        (self.replaced && computed) || self.changes_on_update.iter().any(|c| c == top)
    }
}

/// Applies the plan-level semantics to the changes of one document.
pub(crate) fn plan(
    before: Option<&Graph>,
    after: Option<&Graph>,
    differ: &Differ<'_>,
    mut changes: Vec<Change>,
) -> Vec<Change> {
    forget_removed(after, &mut changes);
    let (Some(before), Some(after)) = (before, after) else {
        return changes;
    };
    let old_by_address: HashMap<&str, &Resource> = before
        .resources
        .iter()
        .filter(|r| r.kind == ResourceKind::Managed)
        .map(|r| (r.address.as_str(), r))
        .collect();
    let managed: Vec<&Resource> = after
        .resources
        .iter()
        .filter(|r| r.kind == ResourceKind::Managed)
        .collect();
    // Each round adds the knock-on changes of the last; a chain ends within as many rounds as
    // there are resources.
    for _ in 0..=managed.len() {
        let planned = planned_changes(&changes, after);
        let mut added = false;
        for new in &managed {
            let old_address = changes
                .iter()
                .find(|c| c.address == new.address)
                .and_then(|c| c.previous_address.clone())
                .unwrap_or_else(|| new.address.clone());
            let Some(old) = old_by_address.get(old_address.as_str()) else {
                continue;
            };
            let current = changes.iter().position(|c| c.address == new.address);
            if current.is_some_and(|i| {
                matches!(
                    changes[i].action,
                    Action::Replace | Action::Create | Action::Delete
                )
            }) {
                continue;
            }
            let mut knock_on =
                knock_on_changes(new, &planned, differ, current.map(|i| &changes[i]));
            knock_on.extend(triggered_replacement(
                new,
                &planned,
                current.map(|i| &changes[i]),
            ));
            if knock_on.is_empty() {
                continue;
            }
            added = true;
            match current {
                Some(i) => {
                    let mut attributes = std::mem::take(&mut changes[i].attributes);
                    attributes.extend(knock_on);
                    let moved_from = changes[i].previous_address.clone();
                    changes[i] = differ.change_from(old, new, moved_from.as_deref(), attributes);
                }
                None => changes.push(differ.change_from(old, new, None, knock_on)),
            }
        }
        if !added {
            break;
        }
    }
    changes
}

/// What each updated or replaced resource's change does, by address.
fn planned_changes(changes: &[Change], after: &Graph) -> HashMap<String, Planned> {
    let schemas = Schemas::embedded();
    let mut out = HashMap::new();
    for c in changes {
        if !matches!(c.action, Action::Update | Action::Replace) {
            continue;
        }
        let configured = after
            .resource(&c.address)
            .and_then(|r| r.attributes.as_map())
            .map(|m| m.keys().map(str::to_string).collect())
            .unwrap_or_default();
        let changes_on_update = schemas
            .builtin(&c.resource_type)
            .map(|b| b.changes_on_update.clone())
            .unwrap_or_default();
        let computed = schemas.aws(&c.resource_type).map(|a| {
            a.computed_only
                .iter()
                .chain(&a.optional_computed)
                .filter(|p| !p.contains('.'))
                .cloned()
                .collect()
        });
        out.insert(
            c.address.clone(),
            Planned {
                replaced: c.action == Action::Replace,
                maybe_replaced: c.action == Action::Update
                    && c.replacement == Replacement::Conditional,
                changed: c
                    .attributes
                    .iter()
                    .filter(|a| a.scope == Scope::Argument)
                    .map(|a| a.path.split('[').next().unwrap_or(&a.path).to_string())
                    .collect(),
                configured,
                changes_on_update,
                computed,
            },
        );
    }
    out
}

/// The planned change a reference reaches, if any: the instance's, or, for an unindexed
/// reference to a counted resource, any instance's.
fn reached<'p>(
    planned: &'p HashMap<String, Planned>,
    target: &Target,
) -> Option<(&'p str, &'p Planned)> {
    if let Some((k, p)) = planned.get_key_value(&target.address) {
        return Some((k.as_str(), p));
    }
    planned
        .iter()
        .find(|(k, _)| without_instance_key(k) == target.address)
        .map(|(k, p)| (k.as_str(), p))
}

/// The arguments of `new` whose value changes because a resource they refer to is replaced
/// or updated (its value then is known only after apply).
fn knock_on_changes(
    new: &Resource,
    planned: &HashMap<String, Planned>,
    differ: &Differ<'_>,
    current: Option<&Change>,
) -> Vec<AttributeChange> {
    let mut found: Vec<(Vec<Segment>, &Value, String, String)> = Vec::new();
    let mut expressions = Vec::new();
    collect(&new.attributes, &mut Vec::new(), &mut expressions);
    for (path, value, references) in expressions {
        let reached_change = references.iter().find_map(|reference| {
            let t = target(reference)?;
            if t.address == new.address || without_instance_key(&t.address) == new.base_address {
                return None;
            }
            let (address, p) = reached(planned, &t)?;
            p.changes(&t.attribute)
                .then(|| (address.to_string(), reference.clone()))
        });
        if let Some((address, reference)) = reached_change {
            found.push((path, value, address, reference));
        }
    }
    let subject = Subject {
        family: crate::knowledge::Family::Terraform,
        resource_type: &new.resource_type,
        attributes: Some(&new.attributes),
    };
    let mut out = Vec::new();
    for (path, value, cause, reference) in found {
        let display = display_path(&path);
        let already = current.is_some_and(|c| {
            c.attributes.iter().any(|a| {
                a.path == display
                    || display.starts_with(&format!("{}.", a.path))
                    || display.starts_with(&format!("{}[", a.path))
            })
        });
        if already || out.iter().any(|a: &AttributeChange| a.path == display) {
            continue;
        }
        let diff = Difference {
            path: path.clone(),
            before: Some(value.clone()),
            after: Some(value.clone()),
        };
        let mut fact = differ.kb.classify(&subject, Scope::Argument, &diff);
        let cause_plan = planned.get(&cause);
        let what = if cause_plan.is_some_and(|p| p.replaced) {
            "replaced"
        } else if cause_plan.is_some_and(|p| p.maybe_replaced) {
            // Its cause may stay as it is: so may this.
            fact.replacement = fact.replacement.min(Replacement::Conditional);
            "updated or replaced depending on values stet cannot see"
        } else {
            "updated"
        };
        out.push(AttributeChange {
            path: display,
            scope: Scope::Argument,
            before: Some(value.clone()),
            after: Some(value.clone()),
            replacement: fact.replacement,
            reason: format!(
                "refers to `{reference}`, which is known only after apply because `{cause}` is {what}; {}",
                fact.reason
            ),
            docs: fact.docs,
            // Where the reference is written (a module's caller, for a variable).
            span: value.written_at().clone(),
            caused_by: Some(cause),
        });
    }
    out
}

/// An unresolved expression found under a value: where, the value, its references.
type Expression<'v> = (Vec<Segment>, &'v Value, &'v [String]);

/// Every value under `value` that keeps references (unresolved expressions).
fn collect<'v>(value: &'v Value, path: &mut Vec<Segment>, out: &mut Vec<Expression<'v>>) {
    match &value.kind {
        ValueKind::Expr(e) => out.push((path.clone(), value, &e.references)),
        ValueKind::List(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(Segment::Index(i));
                collect(item, path, out);
                path.pop();
            }
        }
        ValueKind::Map(map) => {
            for e in map.iter() {
                path.push(Segment::Key(e.key.clone()));
                collect(&e.value, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// `lifecycle { replace_triggered_by = [...] }`: a replacement when a resource it names is
/// updated or replaced, or an attribute it names changes.
fn triggered_replacement(
    new: &Resource,
    planned: &HashMap<String, Planned>,
    current: Option<&Change>,
) -> Vec<AttributeChange> {
    let Some(triggers) = new
        .meta
        .get("lifecycle")
        .and_then(|l| l.get("replace_triggered_by"))
    else {
        return Vec::new();
    };
    if current.is_some_and(|c| {
        c.attributes
            .iter()
            .any(|a| a.path == "lifecycle.replace_triggered_by")
    }) {
        return Vec::new();
    }
    let prefix = if new.module.is_empty() {
        String::new()
    } else {
        format!("{}.", new.module)
    };
    for item in triggers.as_list().unwrap_or_default() {
        let Some(text) = item.as_str() else { continue };
        let Some(t) = target(&format!("{prefix}{text}")) else {
            continue;
        };
        let Some((address, p)) = reached(planned, &t) else {
            continue;
        };
        if !t.attribute.is_empty() && !p.changes(&t.attribute) {
            continue;
        }
        let what = if p.replaced { "replaced" } else { "updated" };
        return vec![AttributeChange {
            path: "lifecycle.replace_triggered_by".into(),
            scope: Scope::Meta,
            before: None,
            after: Some(item.clone()),
            replacement: Replacement::Always,
            reason: format!("`replace_triggered_by` names `{text}`, and `{address}` is {what}"),
            docs: Some("https://developer.hashicorp.com/terraform/language/meta-arguments/lifecycle#replace_triggered_by".into()),
            span: item.span.clone(),
            caused_by: Some(address.to_string()),
        }];
    }
    Vec::new()
}

/// A deletion that a `removed { lifecycle { destroy = false } }` block covers is Terraform
/// forgetting the resource, which stays in the cloud.
fn forget_removed(after: Option<&Graph>, changes: &mut [Change]) {
    let Some(after) = after else { return };
    for block in &after.settings.removed {
        let Some(from) = block.get("from").and_then(Value::as_str) else {
            continue;
        };
        let destroy = block
            .get("lifecycle")
            .and_then(|l| l.as_list().and_then(|items| items.first()).or(Some(l)))
            .and_then(|l| l.get("destroy"));
        let keep = matches!(destroy.map(|d| &d.kind), Some(ValueKind::Bool(false)));
        if !keep {
            continue;
        }
        for c in changes.iter_mut().filter(|c| c.action == Action::Delete) {
            let rest = c.address.strip_prefix(from);
            if rest.is_some_and(|r| r.is_empty() || r.starts_with('.') || r.starts_with('[')) {
                c.action = Action::Forget;
                c.reason = Some(format!("a `removed` block for `{from}` with `destroy = false`: Terraform forgets it, the object stays"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_name_a_resource_and_an_attribute() {
        assert_eq!(
            target("module.a[0].aws_instance.web[1].tags.Name"),
            Some(Target {
                address: "module.a[0].aws_instance.web[1]".into(),
                attribute: "tags.Name".into()
            })
        );
        assert_eq!(
            target("data.aws_ami.x.id").map(|t| t.address),
            Some("data.aws_ami.x".into())
        );
        assert_eq!(target("var.x"), None);
        assert_eq!(target("module.m.output"), None);
        assert_eq!(without_instance_key("aws_x.y[\"a.b\"]"), "aws_x.y");
    }
}
