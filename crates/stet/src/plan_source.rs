//! Pointing the changes of a Terraform plan at the configuration it was made from: each
//! change at its resource block, each attribute at its line in the `.tf` files — as `stet
//! diff` does — so that annotations and findings land on the code. Where the configuration
//! is not at hand, or does not hold an address the plan names, the change keeps its place in
//! the plan file and one warning says why.

use crate::diagnostic::{Diagnostic, Level};
use crate::load::{load_root_module, LoadOptions, Loaded};
use std::path::Path;
use stet_diff::Change;
use stet_graph::{Graph, Resource, ResourceKind, Span, Value, ValueKind};

/// Moves the changes read from `plan` to their places in the configuration in `source`
/// (default: the plan file's folder). Returns the loaded configuration (its one document,
/// for rules and suppressions) and the warnings about what stays in the plan.
pub(crate) fn locate(
    changes: &mut [Change],
    plan: &Path,
    source: Option<&Path>,
    options: &LoadOptions,
) -> (Loaded, Vec<Diagnostic>) {
    let given = source.is_some();
    let dir = source
        .map(Path::to_path_buf)
        .or_else(|| plan.parent().map(Path::to_path_buf))
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or_else(|| ".".into());
    let shown = dir.display().to_string();
    if !has_configuration(&dir) {
        let message = if given {
            format!("no Terraform configuration (`.tf` or `.tf.json` files) in {shown}: the changes point into the plan")
        } else {
            format!("no Terraform configuration beside the plan (in {shown}): the changes point into the plan; give the folder it was made from with `--source DIR`")
        };
        return (
            Loaded::default(),
            vec![Diagnostic::file(plan, message, Level::Warning)],
        );
    }
    let loaded = load_root_module(&dir, options);
    let Some(graph) = loaded.graphs.first() else {
        return (loaded, Vec::new());
    };
    let mut unmatched: Vec<&str> = Vec::new();
    let mut placed = 0;
    for change in changes.iter_mut() {
        match resource_for(graph, &change.address) {
            Some(resource) => {
                place(change, graph, resource);
                placed += 1;
            }
            // A resource deleted or forgotten is gone from the configuration by design; a
            // `removed` block may say so.
            None if matches!(
                change.action,
                stet_diff::Action::Delete | stet_diff::Action::Forget
            ) =>
            {
                if let Some(block) = removed_block(graph, &change.address) {
                    change.span = block.span.clone();
                    change.document = graph.path.to_string();
                }
            }
            None => unmatched.push(&change.address),
        }
    }
    let mut warnings = Vec::new();
    if let Some(first) = unmatched.first() {
        let none = if placed == 0 {
            " none of the plan's addresses are there:"
        } else {
            ""
        };
        warnings.push(Diagnostic::file(
            plan,
            format!(
                "{} change{} in the plan name{} resources the configuration in {shown} does not declare (the first: `{first}`):{none} they point into the plan; was the plan made from this configuration?",
                unmatched.len(),
                if unmatched.len() == 1 { "" } else { "s" },
                if unmatched.len() == 1 { "s" } else { "" },
            ),
            Level::Warning,
        ));
    }
    (loaded, warnings)
}

/// The `removed` block whose `from` is the address or holds it.
fn removed_block<'g>(graph: &'g Graph, address: &str) -> Option<&'g Value> {
    graph.settings.removed.iter().find(|block| {
        block
            .get("from")
            .and_then(Value::as_str)
            .and_then(|from| address.strip_prefix(from))
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('.') || rest.starts_with('['))
    })
}

/// Whether a folder holds Terraform configuration files.
fn has_configuration(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries.flatten().any(|e| {
            e.file_type().is_ok_and(|t| t.is_file())
                && stet_terraform::is_config_file(&e.file_name().to_string_lossy())
        })
    })
}

/// The resource block a plan address comes from: the instance itself, else the block (an
/// instance the configuration does not expand, such as one of a `count` stet cannot know).
fn resource_for<'g>(graph: &'g Graph, address: &str) -> Option<&'g Resource> {
    let managed = || {
        graph
            .resources
            .iter()
            .filter(|r| r.kind == ResourceKind::Managed)
    };
    managed().find(|r| r.address == address).or_else(|| {
        let block = without_keys(address);
        managed().find(|r| without_keys(&r.address) == block)
    })
}

/// An address with every instance key left out (`module.a.aws_x.y` of
/// `module.a["k"].aws_x.y[0]`).
fn without_keys(address: &str) -> String {
    let mut out = String::with_capacity(address.len());
    let mut depth = 0;
    let mut quoted = false;
    for c in address.chars() {
        match c {
            '"' if depth > 0 => quoted = !quoted,
            '[' if !quoted => depth += 1,
            ']' if !quoted => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// Points a change and its attributes at the resource's block.
fn place(change: &mut Change, graph: &Graph, resource: &Resource) {
    change.span = resource.span.clone();
    change.document = graph.path.to_string();
    for attribute in &mut change.attributes {
        attribute.span = attribute_span(&resource.attributes, &attribute.path)
            .unwrap_or_else(|| resource.span.clone());
    }
}

/// Where the configuration writes `path` (`ingress[0].from_port`): the deepest part of it
/// that is written (a computed attribute is not, and stays at the block).
fn attribute_span(attributes: &Value, path: &str) -> Option<Span> {
    let mut value = attributes;
    let mut found = None;
    for step in steps(path) {
        let next = match (&step, &value.kind) {
            (Step::Key(k), ValueKind::Map(m)) => m.get(k),
            (Step::Index(i), ValueKind::List(items)) => items.get(*i),
            // A single nested block the plan shows as a list of one.
            (Step::Index(0), ValueKind::Map(_)) => Some(value),
            _ => None,
        };
        let Some(next) = next else { break };
        value = next;
        found = Some(value.span.clone());
    }
    found
}

enum Step {
    Key(String),
    Index(usize),
}

/// `a.b[0].c` as keys and indexes.
fn steps(path: &str) -> Vec<Step> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (key, rest) = match part.find('[') {
            Some(i) => part.split_at(i),
            None => (part, ""),
        };
        if !key.is_empty() {
            out.push(Step::Key(key.to_string()));
        }
        for index in rest.split('[').filter(|s| !s.is_empty()) {
            if let Ok(i) = index.trim_end_matches(']').parse() {
                out.push(Step::Index(i));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_without_instance_keys() {
        assert_eq!(
            without_keys("module.a[\"k[1]\"].aws_x.y[0]"),
            "module.a.aws_x.y"
        );
        assert_eq!(without_keys("aws_x.y"), "aws_x.y");
    }

    #[test]
    fn display_paths_read_as_steps() {
        let s = steps("ingress[0].cidr_blocks[2]");
        assert!(
            matches!(s.as_slice(), [Step::Key(a), Step::Index(0), Step::Key(b), Step::Index(2)] if a == "ingress" && b == "cidr_blocks")
        );
    }
}
