//! The references an expression makes, as dotted names (`aws_vpc.main.id`, `var.name`,
//! `module.vpc.vpc_id`): what an unresolved [`stet_graph::Expr`] lists, and what edges are
//! made from. Variables bound by `for` expressions and dynamic-block iterators are left out.

use hcl_edit::expr::{Expression, ForExpr, Traversal, TraversalOperator};
use hcl_edit::template::ForTemplateExpr;
use hcl_edit::visit::Visit;
use hcl_edit::{Decorated, Ident};

/// The references in `expr`, in order of appearance, without duplicates.
pub(crate) fn references(expr: &Expression, bound: &[String]) -> Vec<String> {
    let mut collector = Collector {
        bound: bound.to_vec(),
        found: Vec::new(),
    };
    collector.visit_expr(expr);
    collector.found
}

/// The references in a template string (a JSON-syntax value).
pub(crate) fn template_references(
    template: &hcl_edit::template::Template,
    bound: &[String],
) -> Vec<String> {
    let mut collector = Collector {
        bound: bound.to_vec(),
        found: Vec::new(),
    };
    collector.visit_template(template);
    collector.found
}

struct Collector {
    bound: Vec<String>,
    found: Vec<String>,
}

impl Collector {
    fn push(&mut self, name: String) {
        let root = name.split(['.', '[']).next().unwrap_or(&name);
        if self.bound.iter().any(|b| b == root) {
            return;
        }
        if matches!(root, "count" | "each" | "path" | "self" | "terraform") {
            return;
        }
        if !self.found.contains(&name) {
            self.found.push(name);
        }
    }
}

/// `[0]` or `["key"]` for a literal index.
fn literal_key(index: &Expression) -> Option<String> {
    match index {
        Expression::Number(n) => n.value().as_u64().map(|i| format!("[{i}]")),
        Expression::String(s) => serde_json::to_string(s.value().as_str())
            .ok()
            .map(|q| format!("[{q}]")),
        _ => None,
    }
}

impl Visit for Collector {
    fn visit_traversal(&mut self, node: &Traversal) {
        if let Expression::Variable(root) = &node.expr {
            // The dotted name, with literal indexes kept (`aws_instance.web[0].id`,
            // `module.app["a"].arn`): what the diff needs to tell which instance and which
            // attribute a value comes from. A computed index or a splat ends it.
            let mut name = root.as_str().to_string();
            for op in &node.operators {
                match op.value() {
                    TraversalOperator::GetAttr(attr) => {
                        name.push('.');
                        name.push_str(attr.as_str());
                    }
                    TraversalOperator::LegacyIndex(i) => {
                        name.push_str(&format!("[{}]", i.value()));
                    }
                    TraversalOperator::Index(index) => match literal_key(index) {
                        Some(key) => name.push_str(&key),
                        None => break,
                    },
                    _ => break,
                }
            }
            self.push(name);
        } else {
            self.visit_expr(&node.expr);
        }
        for op in &node.operators {
            self.visit_traversal_operator(op);
        }
    }

    fn visit_traversal_operator(&mut self, node: &TraversalOperator) {
        // Attribute names are not references; index expressions may hold some.
        if let TraversalOperator::Index(expr) = node {
            self.visit_expr(expr);
        }
    }

    fn visit_ident(&mut self, node: &Decorated<Ident>) {
        self.push(node.as_str().to_string());
    }

    fn visit_for_expr(&mut self, node: &ForExpr) {
        self.visit_expr(&node.intro.collection_expr);
        let saved = self.bound.len();
        if let Some(k) = &node.intro.key_var {
            self.bound.push(k.as_str().to_string());
        }
        self.bound.push(node.intro.value_var.as_str().to_string());
        if let Some(key) = &node.key_expr {
            self.visit_expr(key);
        }
        self.visit_expr(&node.value_expr);
        if let Some(cond) = &node.cond {
            self.visit_expr(&cond.expr);
        }
        self.bound.truncate(saved);
    }

    fn visit_for_template_expr(&mut self, node: &ForTemplateExpr) {
        self.visit_expr(&node.collection_expr);
        let saved = self.bound.len();
        if let Some(k) = &node.key_var {
            self.bound.push(k.as_str().to_string());
        }
        self.bound.push(node.value_var.as_str().to_string());
        self.visit_template(&node.template);
        self.bound.truncate(saved);
    }

    fn visit_func_name(&mut self, _node: &hcl_edit::expr::FuncName) {}

    fn visit_object_key(&mut self, node: &hcl_edit::expr::ObjectKey) {
        // An identifier key (`{ name = ... }`) is a name, not a reference.
        if let hcl_edit::expr::ObjectKey::Expression(expr) = node {
            self.visit_expr(expr);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(src: &str) -> Vec<String> {
        let expr = hcl_edit::parser::parse_expr(src).unwrap();
        references(&expr, &[])
    }

    #[test]
    fn traversals_become_dotted_names() {
        assert_eq!(refs("aws_vpc.main[0].id"), ["aws_vpc.main[0].id"]);
        assert_eq!(refs("aws_vpc.main[count.index].id"), ["aws_vpc.main"]);
        assert_eq!(refs("module.a[\"k\"].out"), ["module.a[\"k\"].out"]);
        assert_eq!(refs("\"${var.a}-${local.b.c}\""), ["var.a", "local.b.c"]);
        assert_eq!(
            refs("[for s in var.subnets : s.id if s.public]"),
            ["var.subnets"]
        );
        assert_eq!(refs("lookup(var.m, count.index)"), ["var.m"]);
        assert_eq!(refs("module.vpc.vpc_id"), ["module.vpc.vpc_id"]);
        assert_eq!(refs("{ name = var.n }"), ["var.n"]);
    }
}
