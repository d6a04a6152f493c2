//! Variable type constraints (`type = list(object({ a = optional(string, "x") }))`) read as
//! HCL's `typeexpr` reads them, with the defaults of `optional()` attributes applied to a
//! value before it is converted, as Terraform does for input variables.

use crate::cty::{convert, unify, Entry, Kind, Type, Val};
use crate::eval::{Fail, Lookup, Namespace, Scope};
use crate::source::FileText;
use crate::syntax::ExprRef;
use hcl_edit::expr::{Expression, ObjectKey};
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;
use stet_graph::Span;

/// Defaults for optional attributes, by path (cty `typeexpr.Defaults`).
#[derive(Debug, Clone, Default)]
pub(crate) struct Defaults {
    ty: Type,
    values: BTreeMap<String, Val>,
    /// Defaults of nested types: attribute names, tuple indexes, `""` for collection
    /// elements.
    children: BTreeMap<String, Defaults>,
}

/// A type constraint and the defaults it declares.
pub(crate) struct Constraint {
    pub ty: Type,
    pub defaults: Option<Defaults>,
}

/// Reads the type constraint `expr`; an invalid one is reported and means `any`.
pub(crate) fn constraint(scope: &Scope<'_, '_>, expr: ExprRef<'_>) -> Result<Constraint, Fail> {
    match expr {
        ExprRef::Hcl(file, e, _) => read(scope, file, e),
        ExprRef::Json(file, v) => {
            let text = v.as_str().unwrap_or_default();
            match hcl_edit::parser::parse_expr(text) {
                Ok(e) => {
                    let inner = FileText::new(file.path.clone(), text.into());
                    read(scope, &inner, &e).map_err(|mut f| {
                        f.span = v.span.clone();
                        f
                    })
                }
                Err(_) => Err(invalid(&v.span, "a type constraint is required here")),
            }
        }
    }
}

fn invalid(span: &Span, detail: &str) -> Fail {
    Fail::new(span, "Invalid type specification", detail)
}

fn read(scope: &Scope<'_, '_>, file: &FileText, e: &Expression) -> Result<Constraint, Fail> {
    let span = scope.span(file, e);
    let simple = |ty: Type| Ok(Constraint { ty, defaults: None });
    match e {
        Expression::Variable(v) => match v.as_str() {
            "bool" => simple(Type::Bool),
            "string" => simple(Type::String),
            "number" => simple(Type::Number),
            "any" => simple(Type::Dynamic),
            // Terraform's shorthands for list(any) and map(any) (configs.decodeVariableType).
            "list" => simple(Type::list(Type::Dynamic)),
            "map" => simple(Type::map(Type::Dynamic)),
            name @ "set" => Err(invalid(
                &span,
                &format!("The {name} type constructor requires one argument specifying the element type."),
            )),
            "object" => Err(invalid(&span, "The object type constructor requires one argument specifying the attribute types as a map.")),
            "tuple" => Err(invalid(&span, "The tuple type constructor requires one argument specifying the element types as a list.")),
            name => Err(invalid(&span, &format!("The keyword {name:?} is not a valid type specification."))),
        },
        // Terraform 0.11's quoted forms, which Terraform 1.x rejects.
        Expression::String(s) => match s.value().as_str() {
            name @ ("string" | "list" | "map") => Err(Fail::new(
                &span,
                "Invalid quoted type constraints",
                format!("Terraform 0.11 and earlier required type constraints to be given in quotes, but that form is now deprecated and will be removed in a future version of Terraform. Remove the quotes around {name:?}."),
            )),
            _ => Err(Fail::new(
                &span,
                "Invalid legacy variable type hint",
                "To provide a full type expression, remove the surrounding quotes and give the type expression directly.",
            )),
        },
        Expression::Parenthesis(p) => read(scope, file, p.inner()),
        Expression::FuncCall(call) if !call.name.is_namespaced() => {
            let name = call.name.name.as_str();
            let args: Vec<&Expression> = call.args.iter().collect();
            if matches!(name, "bool" | "string" | "number" | "any") {
                return Err(invalid(&span, &format!("Primitive type keyword {name:?} does not expect arguments.")));
            }
            let [arg] = args.as_slice() else {
                return Err(invalid(&span, &format!("The {name} type constructor requires one argument.")));
            };
            match name {
                "list" | "set" | "map" => {
                    let inner = read(scope, file, arg)?;
                    let ty = match name {
                        "list" => Type::list(inner.ty.clone()),
                        "set" => Type::set(inner.ty.clone()),
                        _ => Type::map(inner.ty.clone()),
                    };
                    let defaults = inner.defaults.map(|d| Defaults {
                        ty: ty.clone(),
                        values: BTreeMap::new(),
                        children: BTreeMap::from([(String::new(), d)]),
                    });
                    Ok(Constraint { ty, defaults })
                }
                "object" => object(scope, file, arg, &span),
                "tuple" => {
                    let Expression::Array(items) = arg else {
                        return Err(invalid(&span, "Tuple type constructor requires a list of element types."));
                    };
                    let mut tys = Vec::new();
                    let mut children = BTreeMap::new();
                    for (i, item) in items.iter().enumerate() {
                        let c = read(scope, file, item)?;
                        tys.push(c.ty);
                        if let Some(d) = c.defaults {
                            children.insert(i.to_string(), d);
                        }
                    }
                    let ty = Type::Tuple(tys);
                    let defaults = (!children.is_empty()).then(|| Defaults {
                        ty: ty.clone(),
                        values: BTreeMap::new(),
                        children,
                    });
                    Ok(Constraint { ty, defaults })
                }
                "optional" => Err(invalid(&span, "Keyword \"optional\" is valid only as a modifier for object type attributes.")),
                other => Err(invalid(&span, &format!("Keyword {other:?} is not a valid type constructor."))),
            }
        }
        _ => Err(invalid(&span, "A type specification is either a primitive type keyword (bool, number, string) or a complex type constructor call, like list(string).")),
    }
}

fn object(
    scope: &Scope<'_, '_>,
    file: &FileText,
    arg: &Expression,
    span: &Span,
) -> Result<Constraint, Fail> {
    let Expression::Object(attrs) = arg else {
        return Err(invalid(span, "Object type constructor requires a map whose keys are attribute names and whose values are the corresponding attribute types."));
    };
    let mut atys = BTreeMap::new();
    let mut optional = BTreeSet::new();
    let mut values = BTreeMap::new();
    let mut children = BTreeMap::new();
    for (key, value) in attrs.iter() {
        let name = match key {
            ObjectKey::Ident(i) => i.as_str().to_string(),
            ObjectKey::Expression(Expression::Variable(v)) => v.as_str().to_string(),
            ObjectKey::Expression(Expression::String(s)) => s.value().to_string(),
            ObjectKey::Expression(_) => {
                return Err(invalid(
                    span,
                    "Object constructor map keys must be attribute names.",
                ))
            }
        };
        if atys.contains_key(&name) {
            return Err(invalid(
                span,
                &format!("Object attribute {name:?} is defined twice."),
            ));
        }
        let mut aty_expr = value.expr();
        let mut default = None;
        if let Expression::FuncCall(call) = aty_expr {
            if call.name.name.as_str() == "optional" && !call.name.is_namespaced() {
                let args: Vec<&Expression> = call.args.iter().collect();
                match args.as_slice() {
                    [t] => aty_expr = t,
                    [t, d] => {
                        aty_expr = t;
                        default = Some(literal(scope, file, d)?);
                    }
                    _ => {
                        return Err(invalid(
                            span,
                            "Optional attribute modifier expects one or two arguments.",
                        ))
                    }
                }
                optional.insert(name.clone());
            }
        }
        let c = read(scope, file, aty_expr)?;
        if let Some(d) = default {
            let converted = convert(d, &c.ty).map_err(|m| {
                Fail::new(span, "Invalid default value for optional attribute", format!("This default value is not compatible with the attribute's type constraint: {m}."))
            })?;
            values.insert(name.clone(), converted);
        }
        if let Some(d) = c.defaults {
            children.insert(name.clone(), d);
        }
        atys.insert(name, c.ty);
    }
    let ty = Type::Object(Rc::new(crate::cty::ObjectType {
        attrs: atys,
        optional,
    }));
    let defaults = (!values.is_empty() || !children.is_empty()).then(|| Defaults {
        ty: ty.clone(),
        values,
        children,
    });
    Ok(Constraint { ty, defaults })
}

/// A default value: evaluated with nothing in scope, as `defaultExpr.Value(nil)` is.
fn literal(scope: &Scope<'_, '_>, file: &FileText, e: &Expression) -> Result<Val, Fail> {
    struct Nothing;
    impl Namespace for Nothing {
        fn lookup(&self, root: &str, _: &[&str], span: &Span) -> Lookup {
            Lookup::Fail(Fail::new(
                span,
                "Variables not allowed",
                format!("Variables may not be used here (found a reference to {root:?})."),
            ))
        }
        fn path_module(&self) -> &str {
            "."
        }
        fn prefix(&self) -> &str {
            ""
        }
    }
    let names = Nothing;
    let empty = Scope::new(scope.ctx, &names);
    empty.hcl(file, e)
}

impl Defaults {
    /// Fills in defaults for missing or null optional attributes, deeply (`Defaults.Apply`).
    pub fn apply(&self, v: Val) -> Val {
        if !v.is_known() || v.is_null() {
            return v;
        }
        if self.values.is_empty() && self.children.is_empty() {
            return v;
        }
        let sensitive = v.sensitive;
        let span = v.span.clone();
        let out = match v.kind {
            Kind::List(_, items) | Kind::Set(_, items) | Kind::Tuple(items) => {
                let was = match self.ty {
                    Type::Set(_) => 's',
                    Type::List(_) => 'l',
                    _ => 't',
                };
                let values: Vec<Val> = items
                    .into_iter()
                    .enumerate()
                    .map(|(i, e)| match self.child_at_index(i) {
                        Some(d) => d.apply(e),
                        None => e,
                    })
                    .collect();
                let tys: Vec<Type> = values.iter().map(Val::ty).collect();
                match (was, unify(&tys, true)) {
                    ('s' | 'l', _) if values.is_empty() => Val::tuple(values, span.clone()),
                    ('s', Some(ty)) => {
                        match convert(Val::tuple(values.clone(), span.clone()), &Type::set(ty)) {
                            Ok(s) => s,
                            Err(_) => Val::tuple(values, span.clone()),
                        }
                    }
                    ('l', Some(ty)) => {
                        match convert(Val::tuple(values.clone(), span.clone()), &Type::list(ty)) {
                            Ok(l) => l,
                            Err(_) => Val::tuple(values, span.clone()),
                        }
                    }
                    _ => Val::tuple(values, span.clone()),
                }
            }
            Kind::Map(_, entries) | Kind::Object(entries) => {
                let is_map = matches!(self.ty, Type::Map(_));
                let mut out: Vec<Entry> = entries
                    .into_iter()
                    .map(|e| match self.child_at_key(&e.key) {
                        Some(d) => Entry {
                            value: d.apply(e.value),
                            ..e
                        },
                        None => e,
                    })
                    .collect();
                for (key, default) in &self.values {
                    let missing = out
                        .iter()
                        .find(|e| &e.key == key)
                        .is_none_or(|e| e.value.is_null());
                    if missing {
                        let value = match self.children.get(key) {
                            Some(d) => d.apply(default.clone()),
                            None => default.clone(),
                        };
                        out.retain(|e| &e.key != key);
                        out.push(Entry {
                            key: key.clone(),
                            key_span: span.clone(),
                            value: value.with_span(span.clone()),
                        });
                    }
                }
                let obj = Val::object(out, span.clone());
                if is_map {
                    convert(obj.clone(), &Type::map(Type::Dynamic)).unwrap_or(obj)
                } else {
                    obj
                }
            }
            kind => Val::new(kind, span),
        };
        out.marked(sensitive)
    }

    fn child_at_index(&self, i: usize) -> Option<&Defaults> {
        match self.ty {
            Type::Tuple(_) => self.children.get(&i.to_string()),
            _ => self.children.get(""),
        }
    }

    fn child_at_key(&self, key: &str) -> Option<&Defaults> {
        match self.ty {
            Type::Object(_) => self.children.get(key),
            _ => self.children.get(""),
        }
    }
}
