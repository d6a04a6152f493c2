//! Graphviz DOT of the replacement graph (`stet diff --format dot | dot -Tsvg`): a box per
//! replaced resource (red) and per resource its replacement reaches (orange when that
//! replaces it too, grey when it is updated in place), an ellipse per edited attribute that
//! forces a replacement (old → new), and an edge labelled with the attributes that change
//! for every resource a replacement reaches. The same graph as the Markdown comment's
//! Mermaid drawing.

use super::cascade::{Cascade, Role};
use super::Report;

pub(super) fn render(report: &Report) -> String {
    let cascade = Cascade::of(&report.changes);
    let mut out = String::from(
        "digraph stet {\n  rankdir=LR;\n  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n",
    );
    for (i, node) in cascade.nodes.iter().enumerate() {
        let reached = cascade.edges.iter().any(|e| e.to == i);
        let color = match node.role(reached) {
            Role::Origin => "red",
            Role::KnockOn => "darkorange",
            Role::Other => "gray40",
        };
        let place = node
            .change
            .map(|c| format!("\\n{}:{}", c.span.file, c.span.start.line))
            .unwrap_or_default();
        out.push_str(&format!(
            "  n{i} [label=\"{}\\n{}{place}\", color={color}];\n",
            quote(node.address),
            quote(node.verb),
        ));
        for (j, forced) in node.forced_by.iter().enumerate() {
            out.push_str(&format!(
                "  n{i}f{j} [shape=ellipse, style=dashed, label=\"{}\"];\n  n{i}f{j} -> n{i} [label=\"forces\"];\n",
                quote(forced)
            ));
        }
    }
    for edge in &cascade.edges {
        out.push_str(&format!(
            "  n{} -> n{} [label=\"{}\"];\n",
            edge.from,
            edge.to,
            quote(&edge.attributes.join(", "))
        ));
    }
    out.push_str("}\n");
    out
}

/// Text for a quoted DOT string: quotes and backslashes escaped, line breaks as spaces.
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::cascade::tests::subnet_cascade;
    use super::*;

    #[test]
    fn the_subnet_cascade_as_dot() {
        let report = Report {
            changes: subnet_cascade(),
            ..Report::default()
        };
        let dot = render(&report);
        assert!(dot.starts_with("digraph stet {"), "{dot}");
        assert!(
            dot.contains("n0 [label=\"aws_subnet.a\\nreplace\\nmain.tf:1\", color=red];"),
            "{dot}"
        );
        assert!(
            dot.contains("n0f0 [shape=ellipse, style=dashed, label=\"cidr_block: \\\"10.0.1.0/24\\\" → \\\"10.0.2.0/24\\\"\"];"),
            "{dot}"
        );
        assert!(dot.contains("n0 -> n1 [label=\"subnet_id\"];"), "{dot}");
        assert!(dot.contains("n0 -> n2 [label=\"subnet_id\"];"), "{dot}");
        assert!(
            dot.contains(
                "n2 [label=\"aws_route_table_association.a\\nupdate\\nmain.tf:1\", color=gray40];"
            ),
            "{dot}"
        );
        assert!(dot.ends_with("}\n"));
    }

    #[test]
    fn no_changes_is_an_empty_graph() {
        let dot = render(&Report::default());
        assert_eq!(dot.lines().last(), Some("}"));
        assert!(!dot.contains("->"));
    }
}
