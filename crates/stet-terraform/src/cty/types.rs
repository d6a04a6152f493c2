//! cty's types, and type constraints with optional object attributes (`optional(T)` in a
//! variable's `type`).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::rc::Rc;

/// A cty type. `Dynamic` is cty's `DynamicPseudoType`: "any" in a constraint, "not known
/// yet" for a value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub(crate) enum Type {
    #[default]
    Dynamic,
    Bool,
    Number,
    String,
    List(Box<Type>),
    Set(Box<Type>),
    Map(Box<Type>),
    Tuple(Vec<Type>),
    Object(Rc<ObjectType>),
}

/// An object type: attribute types, and (in type constraints only) which attributes may be
/// left out.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub(crate) struct ObjectType {
    pub attrs: BTreeMap<String, Type>,
    pub optional: BTreeSet<String>,
}

impl Type {
    pub fn object(attrs: BTreeMap<String, Type>) -> Type {
        Type::Object(Rc::new(ObjectType {
            attrs,
            optional: BTreeSet::new(),
        }))
    }

    pub fn list(ety: Type) -> Type {
        Type::List(Box::new(ety))
    }

    pub fn set(ety: Type) -> Type {
        Type::Set(Box::new(ety))
    }

    pub fn map(ety: Type) -> Type {
        Type::Map(Box::new(ety))
    }

    pub fn is_primitive(&self) -> bool {
        matches!(self, Type::Bool | Type::Number | Type::String)
    }

    pub fn is_collection(&self) -> bool {
        matches!(self, Type::List(_) | Type::Set(_) | Type::Map(_))
    }

    /// The element type of a list, set or map.
    pub fn element(&self) -> Option<&Type> {
        match self {
            Type::List(e) | Type::Set(e) | Type::Map(e) => Some(e),
            _ => None,
        }
    }

    /// Whether `Dynamic` appears anywhere in the type.
    pub fn has_dynamic(&self) -> bool {
        match self {
            Type::Dynamic => true,
            Type::List(e) | Type::Set(e) | Type::Map(e) => e.has_dynamic(),
            Type::Tuple(items) => items.iter().any(Type::has_dynamic),
            Type::Object(o) => o.attrs.values().any(Type::has_dynamic),
            _ => false,
        }
    }

    /// The type with `optional` markers removed, deeply.
    pub fn without_optional(&self) -> Type {
        match self {
            Type::List(e) => Type::list(e.without_optional()),
            Type::Set(e) => Type::set(e.without_optional()),
            Type::Map(e) => Type::map(e.without_optional()),
            Type::Tuple(items) => Type::Tuple(items.iter().map(Type::without_optional).collect()),
            Type::Object(o) => Type::object(
                o.attrs
                    .iter()
                    .map(|(k, v)| (k.clone(), v.without_optional()))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    /// cty's `TestConformance`: whether a value of this type would fit `want`, where
    /// `Dynamic` in `want` fits anything.
    pub fn conforms(&self, want: &Type) -> bool {
        match (self, want) {
            (_, Type::Dynamic) => true,
            (Type::List(a), Type::List(b))
            | (Type::Set(a), Type::Set(b))
            | (Type::Map(a), Type::Map(b)) => a.conforms(b),
            (Type::Tuple(a), Type::Tuple(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.conforms(y))
            }
            (Type::Object(a), Type::Object(b)) => {
                a.attrs.len() == b.attrs.len()
                    && a.attrs
                        .iter()
                        .all(|(k, t)| b.attrs.get(k).is_some_and(|w| t.conforms(w)))
            }
            (a, b) => a == b,
        }
    }

    /// The name Terraform uses in messages: `string`, `list of number`, `object`, `tuple`.
    pub fn friendly_name(&self) -> String {
        match self {
            Type::Dynamic => "dynamic".into(),
            Type::Bool => "bool".into(),
            Type::Number => "number".into(),
            Type::String => "string".into(),
            Type::List(e) => format!("list of {}", e.friendly_name()),
            Type::Set(e) => format!("set of {}", e.friendly_name()),
            Type::Map(e) => format!("map of {}", e.friendly_name()),
            Type::Tuple(_) => "tuple".into(),
            Type::Object(_) => "object".into(),
        }
    }
}

impl fmt::Display for Type {
    /// The type as written in a Terraform type constraint: `list(string)`,
    /// `object({a=number})`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Dynamic => write!(f, "any"),
            Type::Bool => write!(f, "bool"),
            Type::Number => write!(f, "number"),
            Type::String => write!(f, "string"),
            Type::List(e) => write!(f, "list({e})"),
            Type::Set(e) => write!(f, "set({e})"),
            Type::Map(e) => write!(f, "map({e})"),
            Type::Tuple(items) => {
                write!(f, "tuple([")?;
                for (i, t) in items.iter().enumerate() {
                    if i > 0 {
                        write!(f, ",")?;
                    }
                    write!(f, "{t}")?;
                }
                write!(f, "])")
            }
            Type::Object(o) => {
                write!(f, "object({{")?;
                for (i, (k, t)) in o.attrs.iter().enumerate() {
                    if i > 0 {
                        write!(f, ",")?;
                    }
                    if o.optional.contains(k) {
                        write!(f, "{k}=optional({t})")?;
                    } else {
                        write!(f, "{k}={t}")?;
                    }
                }
                write!(f, "}})")
            }
        }
    }
}
