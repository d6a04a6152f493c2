//! References and their traversals: a name bound by `for` or a dynamic block, a built-in
//! name (`count.index`, `each.key`, `path.module`, `terraform.workspace`) or one the module
//! resolves ([`super::Namespace`]), then attribute, index and splat steps.

use super::{ops, Eval, Fail, Lookup, Scope};
use crate::cty::{Kind, Type, Val};
use crate::source::FileText;
use hcl_edit::expr::{Expression, TraversalOperator};
use stet_graph::Span;

impl<'s, 'a> Scope<'s, 'a> {
    /// A reference: a bound name, or a name the module resolves, then the traversal's
    /// attribute, index and splat steps.
    pub(super) fn traversal(
        &self,
        file: &FileText,
        whole: &Expression,
        root: &Expression,
        ops: &[&TraversalOperator],
    ) -> Eval {
        let span = self.span(file, whole);
        // A value read through a variable is placed where it is read, its definition kept.
        let mut variable = false;
        let (current, next) = match root {
            Expression::Variable(v) => {
                let name = v.as_str();
                if let Some(value) = self.bound(name) {
                    (value, 0)
                } else {
                    let attrs: Vec<&str> = ops
                        .iter()
                        .map_while(|op| match op {
                            TraversalOperator::GetAttr(a) => Some(a.as_str()),
                            _ => None,
                        })
                        .collect();
                    match self.builtin_name(name, &attrs, &span) {
                        Some(Lookup::Found(v, used)) => (v, used),
                        Some(Lookup::Unknown) => {
                            return Ok(self.unknown_hcl(file, whole, Type::Dynamic))
                        }
                        Some(Lookup::Fail(f)) => return Err(f),
                        None => match self.names.lookup(name, &attrs, &span) {
                            Lookup::Found(v, used) => {
                                variable = name == "var";
                                (v, used)
                            }
                            Lookup::Unknown => {
                                return Ok(self.unknown_hcl(file, whole, Type::Dynamic))
                            }
                            Lookup::Fail(f) => return Err(f),
                        },
                    }
                }
            }
            other => (self.hcl(file, other)?, 0),
        };
        let out = self.apply_ops(file, current, ops.get(next..).unwrap_or(&[]), &span)?;
        let out = if variable { out.read_at(&span) } else { out };
        Ok(self.named(file, whole, out))
    }

    /// `count.index`, `each.key`/`each.value`, `path.*`, `terraform.workspace`.
    fn builtin_name(&self, name: &str, attrs: &[&str], span: &Span) -> Option<Lookup> {
        let first = attrs.first().copied();
        Some(match (name, first) {
            ("count", Some("index")) => match &self.count_index {
                Some(v) => Lookup::Found(v.clone().with_span(span.clone()), 1),
                None => Lookup::Fail(Fail::static_check(
                    span,
                    "Reference to \"count\" in non-counted context",
                    "The \"count\" object can only be used in \"module\", \"resource\", and \"data\" blocks, and only when the \"count\" argument is set.",
                )),
            },
            ("each", Some("key" | "value")) => match &self.each {
                Some((k, v)) => {
                    let v = if first == Some("key") { k } else { v };
                    Lookup::Found(v.clone(), 1)
                }
                None => Lookup::Fail(Fail::static_check(
                    span,
                    "Reference to \"each\" in context without for_each",
                    "The \"each\" object can be used only in \"module\" or \"resource\" blocks, and only when the \"for_each\" argument is set.",
                )),
            },
            ("path", Some("module")) => Lookup::Found(
                Val::string(self.names.path_module().to_string(), span.clone()),
                1,
            ),
            ("path", Some("root")) => Lookup::Found(Val::string(".", span.clone()), 1),
            // The absolute working directory depends on the machine.
            ("path", Some("cwd")) => Lookup::Unknown,
            ("terraform", Some("workspace")) => {
                Lookup::Found(Val::string("default", span.clone()), 1)
            }
            _ => return None,
        })
    }

    /// Applies attribute, index and splat steps to `current`.
    fn apply_ops(
        &self,
        file: &FileText,
        mut current: Val,
        ops: &[&TraversalOperator],
        span: &Span,
    ) -> Eval {
        let mut i = 0;
        while let Some(op) = ops.get(i) {
            match op {
                TraversalOperator::GetAttr(name) => {
                    current = ops::get_attr(current, name.as_str(), span)?;
                    i += 1;
                }
                TraversalOperator::Index(index) => {
                    let key = self.hcl(file, index)?;
                    current = ops::index(current, key, span)?;
                    i += 1;
                }
                TraversalOperator::LegacyIndex(n) => {
                    let key = Val::int(i64::try_from(*n.value()).unwrap_or(i64::MAX), span.clone());
                    current = ops::index(current, key, span)?;
                    i += 1;
                }
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    let full = matches!(op, TraversalOperator::FullSplat(_));
                    i += 1;
                    let end = ops
                        .iter()
                        .enumerate()
                        .skip(i)
                        .find(|(_, op)| !full && !matches!(op, TraversalOperator::GetAttr(_)))
                        .map_or(ops.len(), |(j, _)| j);
                    let each = ops.get(i..end).unwrap_or(&[]);
                    current = self.splat(file, current, each, span)?;
                    i = end;
                }
            }
        }
        Ok(current)
    }

    /// `source[*].each…` (hclsyntax SplatExpr).
    fn splat(
        &self,
        file: &FileText,
        source: Val,
        each: &[&TraversalOperator],
        span: &Span,
    ) -> Eval {
        let ty = source.ty();
        let auto_upgrade = !matches!(ty, Type::Tuple(_) | Type::List(_) | Type::Set(_));
        if source.is_null() {
            if auto_upgrade {
                return Ok(Val::tuple(Vec::new(), span.clone()).marked(source.sensitive));
            }
            return Err(Fail::new(
                span,
                "Splat of null value",
                "Splat expressions (with the * symbol) cannot be applied to null sequences.",
            ));
        }
        if ty == Type::Dynamic || !source.is_known() {
            return Ok(Val::unknown(Type::Dynamic, span.clone()).marked(source.sensitive));
        }
        let sensitive = source.sensitive;
        let is_list = matches!(source.kind, Kind::List(..) | Kind::Set(..));
        let items: Vec<Val> = if auto_upgrade {
            vec![source]
        } else {
            source.elements().map(<[Val]>::to_vec).unwrap_or_default()
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            out.push(self.apply_ops(file, item, each, span)?);
        }
        let result = if is_list {
            let ety = out.first().map_or(Type::Dynamic, Val::ty);
            if out.iter().all(|v| v.ty() == ety) {
                Val::list(ety, out, span.clone())
            } else {
                Val::tuple(out, span.clone())
            }
        } else {
            Val::tuple(out, span.clone())
        };
        Ok(result.marked(sensitive))
    }
}
