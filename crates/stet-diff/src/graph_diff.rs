//! Diffing two versions of one document: resources matched by address (Terraform `moved`
//! blocks and the implicit `x` ↔ `x[0]` move honoured; a CloudFormation logical ID that
//! changes is a deletion and a creation), compared attribute by attribute, and classified
//! with the [`KnowledgeBase`].

use crate::change::{Action, AttributeChange, Change, CustomName, Replacement, Scope};
use crate::compare::{differences, display_path, Difference, Segment};
use crate::knowledge::{Family, KnowledgeBase, Subject};
use std::collections::{HashMap, HashSet};
use stet_graph::{Graph, Moved, Resource, ResourceKind, Value, ValueKind};

/// Terraform meta-arguments left out of the comparison: `count` and `for_each` decide which
/// instances exist, and those instances are matched one by one.
const EXPANSION_META: &[&str] = &["count", "for_each"];

/// The changes between two versions of a document. `None` on one side means the document
/// does not exist there (everything in the other is created or deleted).
///
/// ```
/// use stet_diff::{diff_graphs, Action, KnowledgeBase};
/// use stet_graph::{Format, Graph};
/// let kb = KnowledgeBase::embedded().unwrap();
/// let empty = Graph::new("t.yaml".into(), Format::CloudFormationYaml);
/// assert!(diff_graphs(Some(&empty), Some(&empty), kb).is_empty());
/// ```
pub fn diff_graphs(
    before: Option<&Graph>,
    after: Option<&Graph>,
    kb: &KnowledgeBase,
) -> Vec<Change> {
    // CloudFormation is compared as it deploys (resolved, SAM transformed), with its own
    // semantics on top of the comparison below.
    if after
        .or(before)
        .is_some_and(|g| g.format.is_cloudformation())
    {
        return crate::cloudformation::diff_templates(before, after, kb);
    }
    diff_resources(before, after, kb)
}

/// The resource-by-resource comparison of two versions of a document (`graph.resources`).
pub(crate) fn diff_resources(
    before: Option<&Graph>,
    after: Option<&Graph>,
    kb: &KnowledgeBase,
) -> Vec<Change> {
    let family = match after.or(before).map(|g| g.format.is_cloudformation()) {
        Some(true) => Family::CloudFormation,
        Some(false) => Family::Terraform,
        None => return Vec::new(),
    };
    let document = after
        .or(before)
        .map(|g| g.path.to_string())
        .unwrap_or_default();
    let old: Vec<&Resource> = before.map(compared).unwrap_or_default();
    let new: Vec<&Resource> = after.map(compared).unwrap_or_default();
    let old_by_address: HashMap<&str, &Resource> =
        old.iter().map(|r| (r.address.as_str(), *r)).collect();
    let new_by_address: HashMap<&str, &Resource> =
        new.iter().map(|r| (r.address.as_str(), *r)).collect();
    let moves: &[Moved] = after
        .map(|g| g.settings.moved.as_slice())
        .unwrap_or_default();
    let differ = Differ {
        kb,
        family,
        document: &document,
    };

    // Old resources that moved: the new address each one lands at.
    let mut moved_to: HashMap<&str, String> = HashMap::new();
    let mut taken: HashSet<String> = HashSet::new();
    for r in &old {
        if new_by_address.contains_key(r.address.as_str()) {
            continue;
        }
        if let Some(target) = move_target(&r.address, moves, family)
            .filter(|t| new_by_address.contains_key(t.as_str()))
            .filter(|t| !old_by_address.contains_key(t.as_str()))
        {
            if taken.insert(target.clone()) {
                moved_to.insert(r.address.as_str(), target);
            }
        }
    }

    let mut changes = Vec::new();
    for r in &old {
        match (
            new_by_address.get(r.address.as_str()),
            moved_to.get(r.address.as_str()),
        ) {
            (Some(n), _) => changes.extend(differ.compare(r, n, None)),
            (None, Some(target)) => {
                if let Some(n) = new_by_address.get(target.as_str()) {
                    changes.extend(differ.compare(r, n, Some(&r.address)));
                }
            }
            (None, None) => changes.push(differ.whole(r, Action::Delete)),
        }
    }
    for r in &new {
        if !old_by_address.contains_key(r.address.as_str()) && !taken.contains(&r.address) {
            changes.push(differ.whole(r, Action::Create));
        }
    }
    if family == Family::Terraform {
        changes = crate::terraform::plan(before, after, &differ, changes);
    }
    sort_changes(&mut changes);
    changes
}

/// Changes in the order of the document: by file, line and address.
pub(crate) fn sort_changes(changes: &mut [Change]) {
    changes.sort_by(|a, b| {
        (&a.span.file, a.span.start.line, &a.address).cmp(&(
            &b.span.file,
            b.span.start.line,
            &b.address,
        ))
    });
}

/// The resources a diff looks at: managed resources, and module calls whose source stet
/// did not read (registry and git modules that `terraform init` has not downloaded), whose
/// effect is otherwise invisible. An address
/// declared twice (Terraform refuses it; `override.tf` files redeclare on purpose) counts
/// once, by its first declaration, on both sides alike — so a version never differs from
/// itself (found by the `diff` fuzz target).
fn compared(graph: &Graph) -> Vec<&Resource> {
    let mut seen = HashSet::new();
    graph
        .resources
        .iter()
        .filter(|r| match r.kind {
            ResourceKind::Managed => true,
            ResourceKind::Module => !is_local_module(r) && !was_read(graph, &r.address),
            _ => false,
        })
        .filter(|r| seen.insert(r.address.as_str()))
        .collect()
}

/// Whether the graph holds what the module call at `address` declares (its variables,
/// resources, outputs): a registry or git module read from the folder `terraform init`
/// downloaded it to, whose resources are then diffed one by one.
fn was_read(graph: &Graph, address: &str) -> bool {
    graph.resources.iter().any(|r| {
        r.address
            .strip_prefix(address)
            .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
    })
}

fn is_local_module(module: &Resource) -> bool {
    module
        .attributes
        .get("source")
        .and_then(Value::as_str)
        .is_some_and(|s| s.starts_with("./") || s.starts_with("../") || s == "." || s == "..")
}

/// Where `moved` blocks (followed in a chain) or Terraform's implicit move between `x` and
/// `x[0]` take an old address.
fn move_target(address: &str, moves: &[Moved], family: Family) -> Option<String> {
    if family != Family::Terraform {
        return None;
    }
    let mut current = address.to_string();
    let mut moved = false;
    for _ in 0..=moves.len() {
        let Some(next) = moves.iter().find_map(|m| rebase(&current, &m.from, &m.to)) else {
            break;
        };
        if next == current {
            break;
        }
        current = next;
        moved = true;
    }
    if moved {
        return Some(current);
    }
    match address.strip_suffix("[0]") {
        Some(bare) if !bare.ends_with(']') => Some(bare.to_string()),
        Some(_) => None,
        None if !address.ends_with(']') => Some(format!("{address}[0]")),
        None => None,
    }
}

/// `address` with the prefix `from` replaced by `to`, when `from` is the address or a
/// containing module or resource (`module.a` holds `module.a.aws_x.y`; `aws_x.y` holds
/// `aws_x.y[0]`).
fn rebase(address: &str, from: &str, to: &str) -> Option<String> {
    let rest = address.strip_prefix(from)?;
    (rest.is_empty() || rest.starts_with('.') || rest.starts_with('['))
        .then(|| format!("{to}{rest}"))
}

/// Compares the resources of one document and builds their [`Change`]s.
pub(crate) struct Differ<'a> {
    pub(crate) kb: &'a KnowledgeBase,
    family: Family,
    document: &'a str,
}

impl Differ<'_> {
    /// A resource created or deleted as a whole.
    fn whole(&self, r: &Resource, action: Action) -> Change {
        Change {
            address: r.address.clone(),
            previous_address: None,
            resource_type: r.resource_type.clone(),
            document: self.document.to_string(),
            action,
            replacement: Replacement::Never,
            reason: None,
            create_before_destroy: None,
            custom_name: None,
            protection: protection(r),
            span: r.span.clone(),
            attributes: Vec::new(),
        }
    }

    /// The change between two versions of a resource, if anything changed.
    fn compare(&self, old: &Resource, new: &Resource, moved_from: Option<&str>) -> Option<Change> {
        let subject = Subject {
            family: self.family,
            resource_type: &new.resource_type,
            attributes: Some(&new.attributes),
        };
        let mut found: Vec<(Scope, Difference)> = Vec::new();
        if old.resource_type != new.resource_type {
            found.push((
                Scope::Meta,
                Difference {
                    path: vec![Segment::Key("Type".into())],
                    before: Some(Value::string(old.resource_type.clone(), old.span.clone())),
                    after: Some(Value::string(new.resource_type.clone(), new.span.clone())),
                },
            ));
        }
        let argument_diffs = differences(&old.attributes, &new.attributes);
        found.extend(argument_diffs.into_iter().map(|d| (Scope::Argument, d)));
        found.extend(
            meta_differences(old, new)
                .into_iter()
                .map(|d| (Scope::Meta, d)),
        );
        if self.family == Family::Terraform {
            found = crate::terraform::filter(old, new, found);
        }
        if found.is_empty() && moved_from.is_none() {
            return None;
        }
        let mut attributes: Vec<AttributeChange> = found
            .into_iter()
            .map(|(scope, d)| {
                let fact = self.kb.classify(&subject, scope, &d);
                // Where the changed value is written: for a value read through a
                // variable, its definition (the default or argument that changed), not
                // the reference.
                let span = d
                    .after
                    .as_ref()
                    .or(d.before.as_ref())
                    .map(|v| v.written_at().clone())
                    .unwrap_or_else(|| new.span.clone());
                AttributeChange {
                    path: display_path(&d.path),
                    scope,
                    before: d.before,
                    after: d.after,
                    replacement: fact.replacement,
                    reason: fact.reason,
                    docs: fact.docs,
                    span,
                    caused_by: None,
                }
            })
            .collect();
        if self.family == Family::Terraform {
            crate::terraform::hedge(&new.resource_type, &mut attributes);
        }
        Some(self.change_from(old, new, moved_from, attributes))
    }

    /// The change of a resource made of these attribute changes (none: a move).
    pub(crate) fn change_from(
        &self,
        _old: &Resource,
        new: &Resource,
        moved_from: Option<&str>,
        attributes: Vec<AttributeChange>,
    ) -> Change {
        let replacement = attributes
            .iter()
            .map(|a| a.replacement)
            .max()
            .unwrap_or(Replacement::Never);
        let action = match (replacement, attributes.is_empty()) {
            (_, true) => Action::Move,
            (Replacement::Always, _) => Action::Replace,
            _ => Action::Update,
        };
        let create_before_destroy = (self.family == Family::Terraform
            && new.kind == ResourceKind::Managed
            && matches!(action, Action::Replace | Action::Update))
        .then(|| create_before_destroy(new));
        let custom_name = self
            .kb
            .custom_name(self.family, &new.resource_type, &new.attributes)
            .and_then(|property| {
                let value = new.attributes.get(property)?.clone();
                let changed = attributes.iter().any(|a| {
                    a.scope == Scope::Argument
                        && (a.path == property
                            || a.path.starts_with(&format!("{property}."))
                            || a.path.starts_with(&format!("{property}[")))
                });
                Some(CustomName {
                    property: property.to_string(),
                    value,
                    changed,
                })
            });
        Change {
            address: new.address.clone(),
            previous_address: moved_from.map(str::to_string),
            resource_type: new.resource_type.clone(),
            document: self.document.to_string(),
            action,
            replacement,
            reason: None,
            create_before_destroy,
            custom_name,
            protection: protection(new),
            span: new.span.clone(),
            attributes,
        }
    }
}

/// Differences in meta-arguments and resource attributes, with paths from the meta name.
fn meta_differences(old: &Resource, new: &Resource) -> Vec<Difference> {
    let to_value = |r: &Resource| {
        let mut map = r.meta.clone();
        for name in EXPANSION_META {
            map.remove(name);
        }
        Value::new(ValueKind::Map(map), r.span.clone())
    };
    differences(&to_value(old), &to_value(new))
}

/// What keeps the data if the resource goes: CloudFormation `DeletionPolicy` and
/// `UpdateReplacePolicy`, Terraform `prevent_destroy`.
fn protection(r: &Resource) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for key in ["DeletionPolicy", "UpdateReplacePolicy"] {
        if let Some(v) = r.meta.get(key) {
            out.push((key.to_string(), v.clone()));
        }
    }
    if let Some(v) = r
        .meta
        .get("lifecycle")
        .and_then(|l| l.get("prevent_destroy"))
    {
        out.push(("PreventDestroy".to_string(), v.clone()));
    }
    out
}

/// Whether `lifecycle { create_before_destroy = true }` is set.
fn create_before_destroy(r: &Resource) -> bool {
    r.meta
        .get("lifecycle")
        .and_then(|l| l.get("create_before_destroy"))
        .is_some_and(|v| matches!(v.kind, ValueKind::Bool(true)) || v.as_str() == Some("true"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moved_blocks_chain_and_rebase_modules() {
        let span = stet_graph::Span::file_start("m.tf".into());
        let moves = vec![
            Moved {
                from: "aws_x.a".into(),
                to: "aws_x.b".into(),
                span: span.clone(),
            },
            Moved {
                from: "aws_x.b".into(),
                to: "module.m.aws_x.b".into(),
                span,
            },
        ];
        assert_eq!(
            move_target("aws_x.a[1]", &moves, Family::Terraform).as_deref(),
            Some("module.m.aws_x.b[1]")
        );
        assert_eq!(
            move_target("aws_x.c", &[], Family::Terraform).as_deref(),
            Some("aws_x.c[0]")
        );
        assert_eq!(
            move_target("aws_x.c[0]", &[], Family::Terraform).as_deref(),
            Some("aws_x.c")
        );
        assert_eq!(move_target("aws_x.c[\"k\"]", &[], Family::Terraform), None);
        assert_eq!(move_target("Web", &[], Family::CloudFormation), None);
    }

    #[test]
    fn rebase_only_at_address_boundaries() {
        assert_eq!(rebase("aws_x.ab", "aws_x.a", "aws_x.z"), None);
        assert_eq!(
            rebase("module.a.aws_x.y", "module.a", "module.b").as_deref(),
            Some("module.b.aws_x.y")
        );
    }
}
