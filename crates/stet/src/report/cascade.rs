//! The replacement graph that the Markdown comment draws (Mermaid) and `--format dot`
//! prints: each replaced resource, the attributes that force its replacement (old → new),
//! and what its replacement updates or replaces in turn (the changes whose
//! `caused_by` names it). Drawing is the formats' job; this module only finds the graph.
//! Without the `reports` feature only the per-finding details the text report shows are used.
#![cfg_attr(not(feature = "reports"), allow(dead_code))]

use super::Report;
use crate::check::Finding;
use stet_diff::{Action, AttributeChange, Change, Replacement};
use stet_graph::{Value, ValueKind};

/// Values longer than this are cut (with `…`) in node and edge labels.
const SHORT: usize = 40;

/// One resource in the graph.
pub(super) struct Node<'a> {
    /// Its address.
    pub address: &'a str,
    /// Its change, when the report has one (a cause can be missing from a partial diff).
    pub change: Option<&'a Change>,
    /// `replace`, `maybe replace` or `update`: what happens to it.
    pub verb: &'static str,
    /// The attributes edited in the source that force (or may force) its replacement, as
    /// `path: old → new`.
    pub forced_by: Vec<String>,
}

/// How a node is drawn: where a replacement starts, a replacement another one causes, or a
/// resource a replacement updates (or creates, or deletes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    /// Replaced (or maybe replaced) by an edit of its own, or by nothing in the graph.
    Origin,
    /// Replaced (or maybe replaced) only because another replacement reaches it.
    KnockOn,
    /// Changed in another way.
    Other,
}

impl Node<'_> {
    /// How to draw this node; `reached` says whether an edge ends at it.
    pub fn role(&self, reached: bool) -> Role {
        match self.verb {
            "replace" | "maybe replace" if !reached || !self.forced_by.is_empty() => Role::Origin,
            "replace" | "maybe replace" => Role::KnockOn,
            _ => Role::Other,
        }
    }
}

/// A replacement reaching another resource: `to` changes because `from` is replaced.
pub(super) struct Edge {
    /// Index of the replaced resource.
    pub from: usize,
    /// Index of the resource it changes.
    pub to: usize,
    /// The attributes of `to` that change (`subnet_id`, `Properties.VpcId`).
    pub attributes: Vec<String>,
}

/// The graph.
pub(super) struct Cascade<'a> {
    /// Replaced resources first (in the report's order), then the resources they reach.
    pub nodes: Vec<Node<'a>>,
    /// The knock-on changes.
    pub edges: Vec<Edge>,
}

impl<'a> Cascade<'a> {
    /// The replacement graph of `changes`.
    pub fn of(changes: &'a [Change]) -> Cascade<'a> {
        let mut cascade = Cascade {
            nodes: Vec::new(),
            edges: Vec::new(),
        };
        for change in changes.iter().filter(|c| replaced(c)) {
            cascade.node(change.address.as_str(), changes);
        }
        for change in changes {
            let mut causes: Vec<(&str, Vec<String>)> = Vec::new();
            for attribute in &change.attributes {
                let Some(cause) = attribute.caused_by.as_deref() else {
                    continue;
                };
                match causes.iter_mut().find(|(c, _)| *c == cause) {
                    Some((_, paths)) => paths.push(attribute.path.clone()),
                    None => causes.push((cause, vec![attribute.path.clone()])),
                }
            }
            for (cause, attributes) in causes {
                let from = cascade.node(cause, changes);
                let to = cascade.node(change.address.as_str(), changes);
                cascade.edges.push(Edge {
                    from,
                    to,
                    attributes,
                });
            }
        }
        cascade
    }

    /// Whether a replacement reaches another resource (only then is a drawing worth more
    /// than the table).
    pub fn has_knock_on(&self) -> bool {
        !self.edges.is_empty()
    }

    /// The index of `address`'s node, added if new.
    fn node(&mut self, address: &'a str, changes: &'a [Change]) -> usize {
        if let Some(i) = self.nodes.iter().position(|n| n.address == address) {
            return i;
        }
        let change = changes.iter().find(|c| c.address == address);
        let verb = match change {
            Some(c) if c.action == Action::Replace => "replace",
            Some(c) if c.replacement == Replacement::Conditional => "maybe replace",
            Some(c) if c.action == Action::Delete => "delete",
            Some(c) if c.action == Action::Create => "create",
            Some(_) => "update",
            None => "replace",
        };
        let forced_by = change
            .map(|c| {
                c.attributes
                    .iter()
                    .filter(|a| forces(a) && a.caused_by.is_none())
                    .map(before_after)
                    .collect()
            })
            .unwrap_or_default();
        self.nodes.push(Node {
            address,
            change,
            verb,
            forced_by,
        });
        self.nodes.len() - 1
    }
}

/// Changed attributes shown under one finding, at most.
const DETAILS: usize = 5;

/// A changed value behind a finding, for the formats to show.
pub(super) struct Detail<'a> {
    /// `path: old → new`.
    pub values: String,
    /// ` forces the replacement`, ` may force the replacement`, or empty.
    pub verdict: &'static str,
    /// The replaced resource behind a knock-on change.
    pub cause: Option<&'a str>,
}

/// The changed values behind a finding on a change: the attributes forcing its
/// replacement, else those on the finding's line.
pub(super) fn details<'a>(report: &'a Report, f: &Finding) -> Vec<Detail<'a>> {
    let Some(change) = change_of(report, f) else {
        return Vec::new();
    };
    let forcing: Vec<&AttributeChange> = change.attributes.iter().filter(|a| forces(a)).collect();
    let shown: Vec<&AttributeChange> = if replaced(change) && !forcing.is_empty() {
        forcing
    } else {
        change
            .attributes
            .iter()
            .filter(|a| a.span.file == f.span.file && a.span.start.line == f.span.start.line)
            .collect()
    };
    shown
        .into_iter()
        .take(DETAILS)
        .map(|a| Detail {
            values: before_after(a),
            verdict: match a.replacement {
                Replacement::Always => " forces the replacement",
                Replacement::Conditional => " may force the replacement",
                _ => "",
            },
            cause: a.caused_by.as_deref(),
        })
        .collect()
}

/// The change a finding is about: same address, in the finding's file if there are several.
pub(super) fn change_of<'a>(report: &'a Report, f: &Finding) -> Option<&'a Change> {
    if f.resource.is_empty() {
        return None;
    }
    let same = |c: &&Change| c.address == f.resource;
    report
        .changes
        .iter()
        .filter(same)
        .find(|c| {
            c.span.file == f.span.file || c.attributes.iter().any(|a| a.span.file == f.span.file)
        })
        .or_else(|| report.changes.iter().find(same))
}

/// Whether a change replaces its resource, or may.
pub(super) fn replaced(change: &Change) -> bool {
    change.action == Action::Replace
        || (change.action == Action::Update && change.replacement == Replacement::Conditional)
}

/// Whether an attribute forces, or may force, a replacement.
pub(super) fn forces(attribute: &AttributeChange) -> bool {
    matches!(
        attribute.replacement,
        Replacement::Always | Replacement::Conditional
    )
}

/// `path: old → new` (`path: + new` when added, `path: - old` when removed). A knock-on
/// change whose expression reads the same before and after (`subnet_id = aws_subnet.a.id`,
/// whose value changes because the subnet is replaced) is `path: expression`, once: the
/// formats say which replacement changes it.
pub(super) fn before_after(attribute: &AttributeChange) -> String {
    let before = attribute.before.as_ref().map(short);
    let after = attribute.after.as_ref().map(short);
    match (before, after) {
        (Some(b), Some(a)) if b == a && attribute.caused_by.is_some() => {
            format!("{}: {a}", attribute.path)
        }
        (Some(b), Some(a)) => format!("{}: {b} → {a}", attribute.path),
        (None, Some(a)) => format!("{}: + {a}", attribute.path),
        (Some(b), None) => format!("{}: - {b}", attribute.path),
        (None, None) => attribute.path.clone(),
    }
}

/// A value in a few characters: strings quoted, expressions as written, lists and maps as
/// compact JSON, all cut at [`SHORT`] characters, on one line.
pub(super) fn short(value: &Value) -> String {
    let text = match &value.kind {
        ValueKind::String(s) => format!("{s:?}"),
        ValueKind::Expr(e) => e.source.trim().to_string(),
        _ => value.to_json().to_string(),
    };
    let text: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.chars().count() > SHORT {
        let cut: String = text.chars().take(SHORT - 1).collect();
        format!("{cut}…")
    } else {
        text
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use stet_diff::Scope;
    use stet_graph::Span;

    /// A change for tests: `address` of `resource_type` with `action`, `replacement` and
    /// attributes `(path, before, after, replacement, caused_by)`.
    pub fn change(
        address: &str,
        action: Action,
        replacement: Replacement,
        attributes: &[(&str, &str, &str, Replacement, Option<&str>)],
    ) -> Change {
        let span = Span::file_start("main.tf".into());
        let resource_type = address.split('.').next().unwrap_or_default().to_string();
        Change {
            address: address.into(),
            previous_address: None,
            resource_type,
            document: ".".into(),
            action,
            replacement,
            reason: None,
            create_before_destroy: Some(false),
            custom_name: None,
            protection: Vec::new(),
            span: span.clone(),
            attributes: attributes
                .iter()
                .map(
                    |(path, before, after, replacement, cause)| AttributeChange {
                        path: (*path).into(),
                        scope: Scope::Argument,
                        before: Some(Value::string(*before, span.clone())),
                        after: Some(Value::string(*after, span.clone())),
                        replacement: *replacement,
                        reason: "test".into(),
                        docs: None,
                        span: span.clone(),
                        caused_by: cause.map(str::to_string),
                    },
                )
                .collect(),
        }
    }

    /// A subnet replaced for its CIDR block, which replaces an instance in it and updates
    /// a route table association.
    pub fn subnet_cascade() -> Vec<Change> {
        vec![
            change(
                "aws_subnet.a",
                Action::Replace,
                Replacement::Always,
                &[(
                    "cidr_block",
                    "10.0.1.0/24",
                    "10.0.2.0/24",
                    Replacement::Always,
                    None,
                )],
            ),
            change(
                "aws_instance.web",
                Action::Replace,
                Replacement::Always,
                &[(
                    "subnet_id",
                    "aws_subnet.a.id",
                    "aws_subnet.a.id",
                    Replacement::Always,
                    Some("aws_subnet.a"),
                )],
            ),
            change(
                "aws_route_table_association.a",
                Action::Update,
                Replacement::Never,
                &[(
                    "subnet_id",
                    "aws_subnet.a.id",
                    "aws_subnet.a.id",
                    Replacement::Never,
                    Some("aws_subnet.a"),
                )],
            ),
        ]
    }

    #[test]
    fn knock_on_changes_hang_under_their_cause() {
        let changes = subnet_cascade();
        let cascade = Cascade::of(&changes);
        let names: Vec<(&str, &str)> = cascade.nodes.iter().map(|n| (n.address, n.verb)).collect();
        assert_eq!(
            names,
            [
                ("aws_subnet.a", "replace"),
                ("aws_instance.web", "replace"),
                ("aws_route_table_association.a", "update"),
            ]
        );
        assert_eq!(
            cascade.nodes[0].forced_by,
            ["cidr_block: \"10.0.1.0/24\" → \"10.0.2.0/24\""]
        );
        // The instance is forced by the subnet, not by an edit of its own.
        assert!(cascade.nodes[1].forced_by.is_empty());
        let edges: Vec<(usize, usize, &[String])> = cascade
            .edges
            .iter()
            .map(|e| (e.from, e.to, e.attributes.as_slice()))
            .collect();
        assert_eq!(
            edges,
            [
                (0, 1, &["subnet_id".to_string()][..]),
                (0, 2, &["subnet_id".to_string()][..])
            ]
        );
        assert!(cascade.has_knock_on());
        let roles: Vec<Role> = (0..3)
            .map(|i| cascade.nodes[i].role(cascade.edges.iter().any(|e| e.to == i)))
            .collect();
        assert_eq!(roles, [Role::Origin, Role::KnockOn, Role::Other]);
    }

    /// A resource that may be replaced by an edit of its own (a CloudFormation property
    /// whose replacement depends on values stet cannot see) is where a replacement starts,
    /// drawn as one, not as a knock-on.
    #[test]
    fn a_conditional_replacement_of_its_own_is_an_origin() {
        let changes = vec![change(
            "Orders",
            Action::Update,
            Replacement::Conditional,
            &[(
                "Engine",
                "mysql",
                "postgres",
                Replacement::Conditional,
                None,
            )],
        )];
        let cascade = Cascade::of(&changes);
        assert_eq!(cascade.nodes[0].verb, "maybe replace");
        assert_eq!(cascade.nodes[0].role(false), Role::Origin);
    }

    #[test]
    fn a_replacement_alone_has_no_knock_on() {
        let changes = vec![change(
            "aws_db_instance.main",
            Action::Replace,
            Replacement::Always,
            &[("engine", "mysql", "postgres", Replacement::Always, None)],
        )];
        let cascade = Cascade::of(&changes);
        assert_eq!(cascade.nodes.len(), 1);
        assert!(!cascade.has_knock_on());
    }

    #[test]
    fn a_knock_on_value_is_written_once() {
        let changes = subnet_cascade();
        let shown: Vec<String> = changes
            .iter()
            .flat_map(|c| c.attributes.iter().map(before_after))
            .collect();
        assert_eq!(
            shown,
            [
                "cidr_block: \"10.0.1.0/24\" → \"10.0.2.0/24\"",
                "subnet_id: \"aws_subnet.a.id\"",
                "subnet_id: \"aws_subnet.a.id\"",
            ]
        );
    }

    #[test]
    fn long_values_are_cut() {
        let span = Span::file_start("main.tf".into());
        let long = "x".repeat(100);
        let shown = short(&Value::string(&long, span));
        assert_eq!(shown.chars().count(), SHORT);
        assert!(shown.ends_with('…'));
    }
}
