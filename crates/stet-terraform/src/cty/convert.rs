//! Type conversion and unification as go-cty's `convert` package does them (the "unsafe"
//! variants Terraform uses: strings convert to numbers and bools where they read as one).
//! [`convert`] turns a value into a wanted type or says why not; [`unify`] finds the type a
//! conditional's branches, a list's elements or a map's values share.

use super::{Entry, Kind, Type, Val};
use std::collections::BTreeMap;

/// Converts `val` to `want` (cty `convert.Convert`). The error is Terraform's wording
/// (`a number is required`, `string required`).
pub(crate) fn convert(val: Val, want: &Type) -> Result<Val, String> {
    if val.ty() == want.without_optional() {
        return Ok(val);
    }
    if !can_convert(&val.ty(), want, true) {
        return Err(mismatch(&val.ty(), want));
    }
    apply(val, want, true)
}

/// Whether cty has a conversion from `from` to `to` (`getConversion` returning non-nil);
/// identical types count as convertible.
pub(crate) fn can_convert(from: &Type, to: &Type, unsafe_: bool) -> bool {
    if from == to {
        return true;
    }
    match (from, to) {
        (_, Type::Dynamic) => true,
        (Type::Dynamic, _) => unsafe_,
        (a, b) if a.is_primitive() && b.is_primitive() => {
            matches!((a, b), (Type::Number | Type::Bool, Type::String))
                || (unsafe_ && matches!((a, b), (Type::String, Type::Number | Type::Bool)))
        }
        (Type::Object(i), Type::Object(o)) => {
            o.attrs.iter().all(|(name, oty)| match i.attrs.get(name) {
                Some(ity) => can_convert(ity, oty, unsafe_),
                None => o.optional.contains(name),
            })
        }
        (Type::Tuple(i), Type::Tuple(o)) => {
            i.len() == o.len() && i.iter().zip(o).all(|(a, b)| can_convert(a, b, unsafe_))
        }
        (Type::List(i) | Type::Set(i), Type::List(o)) => can_convert(i, o, unsafe_),
        (Type::List(i), Type::Set(o)) => unsafe_ && can_convert(i, o, unsafe_),
        (Type::Set(i), Type::Set(o)) => can_convert(i, o, unsafe_),
        (Type::Map(i), Type::Map(o)) => can_convert(i, o, unsafe_),
        (Type::Tuple(items), Type::List(ety) | Type::Set(ety)) => {
            tuple_element_target(items, ety, unsafe_).is_some()
        }
        (Type::Object(i), Type::Map(ety)) => {
            if i.attrs.is_empty() {
                return true;
            }
            let ety = match &**ety {
                Type::Dynamic => {
                    match unify(&i.attrs.values().cloned().collect::<Vec<_>>(), unsafe_) {
                        Some(t) => t,
                        None => return false,
                    }
                }
                t => t.clone(),
            };
            i.attrs.values().all(|a| can_convert(a, &ety, unsafe_))
        }
        (Type::Map(ety), Type::Object(o)) => {
            unsafe_
                && o.attrs
                    .iter()
                    .all(|(name, aty)| can_convert(ety, aty, unsafe_) || o.optional.contains(name))
        }
        _ => false,
    }
}

/// The element type a tuple converts to for a list or set of `ety`; `None` when it cannot.
fn tuple_element_target(items: &[Type], ety: &Type, unsafe_: bool) -> Option<Type> {
    if items.is_empty() {
        return Some(ety.without_optional());
    }
    let target = match ety {
        Type::Dynamic => {
            let t = unify(items, unsafe_)?;
            if t == Type::Dynamic && items.iter().any(|i| *i != Type::Dynamic) {
                return None;
            }
            t
        }
        t => t.clone(),
    };
    items
        .iter()
        .all(|i| can_convert(i, &target, unsafe_))
        .then_some(target)
}

/// Converts a value whose type [`can_convert`] accepts.
fn apply(val: Val, want: &Type, unsafe_: bool) -> Result<Val, String> {
    let sensitive = val.sensitive;
    let mut val = val;
    val.sensitive = false;
    let out = apply_unmarked(val, want, unsafe_)?;
    Ok(out.marked(sensitive))
}

fn apply_unmarked(val: Val, want: &Type, unsafe_: bool) -> Result<Val, String> {
    if *want == Type::Dynamic {
        return Ok(val);
    }
    let span = val.span.clone();
    let in_ty = val.ty();
    match val.kind {
        Kind::Unknown(ty, expr) => {
            return Ok(Val::new(
                Kind::Unknown(dynamic_replace(&ty, &want.without_optional()), expr),
                span,
            ))
        }
        Kind::Null(ty) => {
            return Ok(Val::null(
                dynamic_replace(&ty, &want.without_optional()),
                span,
            ))
        }
        _ => {}
    }
    if in_ty == want.without_optional() {
        return Ok(val);
    }
    match (val.kind, want) {
        (Kind::Number(n), Type::String) => Ok(Val::string(n.text(), span)),
        (Kind::Bool(b), Type::String) => Ok(Val::string(b.to_string(), span)),
        (Kind::String(s), Type::Number) => match super::Number::parse(&s) {
            Some(n) => Ok(Val::number(n, span)),
            None => Err("a number is required".into()),
        },
        (Kind::String(s), Type::Bool) => match s.as_str() {
            "true" | "1" => Ok(Val::bool(true, span)),
            "false" | "0" => Ok(Val::bool(false, span)),
            other => Err(match other.to_lowercase().as_str() {
                "true" => {
                    "a bool is required; to convert from string, use lowercase \"true\"".into()
                }
                "false" => {
                    "a bool is required; to convert from string, use lowercase \"false\"".into()
                }
                _ => "a bool is required".into(),
            }),
        },
        (Kind::Object(entries), Type::Object(o)) => {
            let mut out = Vec::new();
            for e in entries {
                let Some(aty) = o.attrs.get(&e.key) else {
                    continue;
                };
                let value = apply_elem(e.value, aty, unsafe_).map_err(|m| at_attr(&e.key, m))?;
                out.push(Entry { value, ..e });
            }
            for (name, aty) in &o.attrs {
                if o.optional.contains(name) && !out.iter().any(|e| &e.key == name) {
                    out.push(Entry {
                        key: name.clone(),
                        key_span: span.clone(),
                        value: Val::null(aty.without_optional(), span.clone()),
                    });
                }
            }
            Ok(Val::object(out, span))
        }
        (Kind::Tuple(items), Type::Tuple(tys)) => {
            let items = items
                .into_iter()
                .zip(tys)
                .enumerate()
                .map(|(i, (v, t))| apply_elem(v, t, unsafe_).map_err(|m| at_index(i, m)))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Val::tuple(items, span))
        }
        (Kind::List(ity, items) | Kind::Set(ity, items), Type::List(ety)) => {
            let items = convert_all(items, ety, unsafe_)?;
            collection_list(items, &ity, ety, span, "list")
        }
        (Kind::List(ity, items) | Kind::Set(ity, items), Type::Set(ety)) => {
            let items = convert_all(items, ety, unsafe_)?;
            collection_set(items, &ity, ety, span)
        }
        (Kind::Map(ity, entries), Type::Map(ety)) => {
            if entries.is_empty() {
                let ety = if **ety == Type::Dynamic {
                    ity
                } else {
                    ety.without_optional()
                };
                return Ok(Val::map(ety, Vec::new(), span));
            }
            let entries = convert_entries(entries, ety, unsafe_)?;
            finish_map(entries, ety, false, span)
        }
        (Kind::Tuple(items), Type::List(ety)) => {
            if items.is_empty() {
                return Ok(Val::list(ety.without_optional(), Vec::new(), span));
            }
            let tys: Vec<Type> = items.iter().map(Val::ty).collect();
            let target =
                tuple_element_target(&tys, ety, unsafe_).ok_or_else(|| mismatch(&in_ty, want))?;
            let items = convert_all(items, &target, unsafe_)?;
            let items = unify_values(items, unsafe_)?;
            let ety = items.first().map_or(target, Val::ty);
            if items.iter().any(|i| i.ty() != ety) {
                return Err("element types must all match for conversion to list".into());
            }
            Ok(Val::list(ety, items, span))
        }
        (Kind::Tuple(items), Type::Set(ety)) => {
            if items.is_empty() {
                return Ok(Val::set(ety.without_optional(), Vec::new(), span));
            }
            let tys: Vec<Type> = items.iter().map(Val::ty).collect();
            let target =
                tuple_element_target(&tys, ety, unsafe_).ok_or_else(|| mismatch(&in_ty, want))?;
            let items = convert_all(items, &target, unsafe_)?;
            let ety = items.first().map_or(target, Val::ty);
            if items.iter().any(|i| i.ty() != ety) {
                return Err("element types must all match for conversion to set".into());
            }
            Ok(Val::set(ety, items, span))
        }
        (Kind::Object(entries), Type::Map(ety)) => {
            if entries.is_empty() {
                return Ok(Val::map(ety.without_optional(), Vec::new(), span));
            }
            let target = match &**ety {
                Type::Dynamic => {
                    let tys: Vec<Type> = entries.iter().map(|e| e.value.ty()).collect();
                    unify(&tys, unsafe_).ok_or_else(|| mismatch(&in_ty, want))?
                }
                t => t.clone(),
            };
            let entries = convert_entries(entries, &target, unsafe_)?;
            finish_map(entries, &target, unsafe_, span)
        }
        (Kind::Map(ety, entries), Type::Object(o)) => {
            let mut out = Vec::new();
            for e in entries {
                let Some(aty) = o.attrs.get(&e.key) else {
                    continue;
                };
                if !can_convert(&ety, aty, unsafe_) {
                    return Err(format!(
                        "map element type is incompatible with attribute {:?}: {}",
                        e.key,
                        mismatch(&e.value.ty(), aty)
                    ));
                }
                let value = apply_elem(e.value, aty, unsafe_).map_err(|m| at_attr(&e.key, m))?;
                out.push(Entry { value, ..e });
            }
            for (name, aty) in &o.attrs {
                if !out.iter().any(|e| &e.key == name) {
                    if o.optional.contains(name) {
                        out.push(Entry {
                            key: name.clone(),
                            key_span: span.clone(),
                            value: Val::null(aty.clone(), span.clone()),
                        });
                    } else {
                        return Err(format!(
                            "map has no element for required attribute {name:?}"
                        ));
                    }
                }
            }
            Ok(Val::object(out, span))
        }
        _ => Err(mismatch(&in_ty, want)),
    }
}

/// One element or attribute: converted, and a null given its type without optional markers.
fn apply_elem(val: Val, want: &Type, unsafe_: bool) -> Result<Val, String> {
    let out = if val.ty() == *want {
        val
    } else {
        apply(val, want, unsafe_)?
    };
    Ok(match out.kind {
        Kind::Null(ty) => Val::null(ty.without_optional(), out.span).marked(out.sensitive),
        _ => out,
    })
}

fn convert_all(items: Vec<Val>, ety: &Type, unsafe_: bool) -> Result<Vec<Val>, String> {
    items
        .into_iter()
        .enumerate()
        .map(|(i, v)| apply_elem(v, ety, unsafe_).map_err(|m| at_index(i, m)))
        .collect()
}

fn convert_entries(entries: Vec<Entry>, ety: &Type, unsafe_: bool) -> Result<Vec<Entry>, String> {
    entries
        .into_iter()
        .map(|e| {
            let value = if e.value.ty() == *ety {
                e.value
            } else {
                apply(e.value, ety, unsafe_).map_err(|m| at_key(&e.key, m))?
            };
            Ok(Entry { value, ..e })
        })
        .collect()
}

fn collection_list(
    items: Vec<Val>,
    in_ety: &Type,
    ety: &Type,
    span: stet_graph::Span,
    what: &str,
) -> Result<Val, String> {
    if items.is_empty() {
        let ety = if *ety == Type::Dynamic {
            in_ety.clone()
        } else {
            ety.without_optional()
        };
        return Ok(Val::list(ety, items, span));
    }
    let first = items.first().map(Val::ty).unwrap_or(Type::Dynamic);
    if items.iter().any(|i| i.ty() != first) {
        return Err(format!(
            "element types must all match for conversion to {what}"
        ));
    }
    Ok(Val::list(first, items, span))
}

fn collection_set(
    items: Vec<Val>,
    in_ety: &Type,
    ety: &Type,
    span: stet_graph::Span,
) -> Result<Val, String> {
    if items.is_empty() {
        let ety = if *ety == Type::Dynamic {
            in_ety.clone()
        } else {
            ety.without_optional()
        };
        return Ok(Val::set(ety, items, span));
    }
    let first = items.first().map(Val::ty).unwrap_or(Type::Dynamic);
    if items.iter().any(|i| i.ty() != first) {
        return Err("element types must all match for conversion to set".into());
    }
    Ok(Val::set(first, items, span))
}

/// A map from converted entries: values unified when the element type is structural, then
/// all of one type.
fn finish_map(
    entries: Vec<Entry>,
    ety: &Type,
    unsafe_: bool,
    span: stet_graph::Span,
) -> Result<Val, String> {
    let entries = if ety.is_collection() || matches!(ety, Type::Object(_)) {
        let tys: Vec<Type> = entries.iter().map(|e| e.value.ty()).collect();
        let unified = unify(&tys, unsafe_)
            .ok_or_else(|| "cannot find a common base type for all elements".to_string())?;
        entries
            .into_iter()
            .map(|e| {
                let value = if e.value.ty() == unified {
                    e.value
                } else {
                    apply(e.value, &unified, unsafe_).map_err(|m| at_key(&e.key, m))?
                };
                Ok(Entry { value, ..e })
            })
            .collect::<Result<Vec<_>, String>>()?
    } else {
        entries
    };
    let first = entries
        .first()
        .map(|e| e.value.ty())
        .unwrap_or(Type::Dynamic);
    if entries.iter().any(|e| e.value.ty() != first) {
        return Err("element types must all match for conversion to map".into());
    }
    Ok(Val::map(first, entries, span))
}

/// cty's `conversionUnifyListElements`: converts every element to the unified type.
fn unify_values(items: Vec<Val>, unsafe_: bool) -> Result<Vec<Val>, String> {
    let tys: Vec<Type> = items.iter().map(Val::ty).collect();
    let unified = unify(&tys, unsafe_)
        .ok_or_else(|| "cannot find a common base type for all elements".to_string())?;
    items
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            if v.ty() == unified {
                Ok(v)
            } else {
                apply(v, &unified, unsafe_).map_err(|m| at_index(i, m))
            }
        })
        .collect()
}

/// cty's `dynamicReplace`: the type an unknown or null takes when converted to `out`.
fn dynamic_replace(input: &Type, out: &Type) -> Type {
    if *input == Type::Dynamic {
        return out.clone();
    }
    match out {
        Type::Dynamic => input.clone(),
        Type::Bool | Type::Number | Type::String => out.clone(),
        Type::Map(oe) => match input {
            Type::Map(ie) => Type::map(dynamic_replace(ie, oe)),
            Type::Object(o) => {
                let tys: Vec<Type> = o.attrs.values().cloned().collect();
                let unified = unify(&tys, true).unwrap_or(Type::Dynamic);
                Type::map(dynamic_replace(&unified, oe))
            }
            _ => out.clone(),
        },
        Type::Object(o) => {
            let mut attrs = BTreeMap::new();
            for (name, aty) in &o.attrs {
                let t = match input {
                    Type::Map(ie) => dynamic_replace(ie, aty),
                    Type::Object(io) => match io.attrs.get(name) {
                        Some(it) => dynamic_replace(it, aty),
                        None => aty.clone(),
                    },
                    _ => continue,
                };
                attrs.insert(name.clone(), t);
            }
            Type::object(attrs)
        }
        Type::Set(oe) | Type::List(oe) => {
            let inner = match input {
                Type::Set(ie) | Type::List(ie) => Some(dynamic_replace(ie, oe)),
                Type::Tuple(items) => Some(dynamic_replace(
                    &unify(items, true).unwrap_or(Type::Dynamic),
                    oe,
                )),
                _ => None,
            };
            match (inner, out) {
                (Some(t), Type::Set(_)) => Type::set(t),
                (Some(t), _) => Type::list(t),
                (None, _) => out.clone(),
            }
        }
        Type::Tuple(outs) => {
            let ins = match input {
                Type::Tuple(ins) => ins.clone(),
                _ => Vec::new(),
            };
            Type::Tuple(
                outs.iter()
                    .enumerate()
                    .map(|(i, o)| dynamic_replace(ins.get(i).unwrap_or(&Type::Dynamic), o))
                    .collect(),
            )
        }
    }
}

/// The type every one of `types` converts to (cty `convert.Unify`/`UnifyUnsafe`);
/// `None` when there is none. `Some(Type::Dynamic)` also stands for cty's "all as dynamic"
/// outcome (each value then becomes unknown: see [`unify_makes_unknown`]).
pub(crate) fn unify(types: &[Type], unsafe_: bool) -> Option<Type> {
    if types.is_empty() {
        return None;
    }
    let count = |f: fn(&Type) -> bool| types.iter().filter(|t| f(t)).count();
    let maps = count(|t| matches!(t, Type::Map(_)));
    let lists = count(|t| matches!(t, Type::List(_)));
    let sets = count(|t| matches!(t, Type::Set(_)));
    let objects = count(|t| matches!(t, Type::Object(_)));
    let tuples = count(|t| matches!(t, Type::Tuple(_)));
    let dynamics = count(|t| *t == Type::Dynamic);
    let n = types.len();
    if maps > 0 && maps + dynamics == n {
        return unify_collections(types, dynamics > 0, unsafe_, Type::map);
    } else if maps > 0 && maps + objects + dynamics == n {
        if let Some(t @ Type::Map(_)) = unify_objects_as_maps(types, unsafe_) {
            return Some(t);
        }
    } else if lists > 0 && lists + dynamics == n {
        return unify_collections(types, dynamics > 0, unsafe_, Type::list);
    } else if lists > 0 && lists + tuples + dynamics == n {
        if let Some(t @ Type::List(_)) = unify_tuples_as_list(types, unsafe_) {
            return Some(t);
        }
    } else if sets > 0 && sets + dynamics == n {
        return unify_collections(types, dynamics > 0, unsafe_, Type::set);
    } else if objects > 0 && objects + dynamics == n {
        return unify_object_types(types, dynamics > 0, unsafe_);
    } else if tuples > 0 && tuples + dynamics == n {
        return unify_tuple_types(types, dynamics > 0, unsafe_);
    } else if objects > 0 && tuples > 0 {
        return None;
    }
    'preferences: for want in sort_types(types) {
        for t in types {
            if t != want && !can_convert(t, want, unsafe_) {
                continue 'preferences;
            }
        }
        return Some(want.clone());
    }
    None
}

/// Whether unifying `types` is cty's "all as dynamic" case, where every value converts to
/// an unknown (a collection or structure beside a value of unknown type).
pub(crate) fn unify_makes_unknown(types: &[Type]) -> bool {
    let dynamics = types.iter().filter(|t| **t == Type::Dynamic).count();
    if dynamics == 0 || dynamics == types.len() {
        return false;
    }
    let n = types.len() - dynamics;
    let same = |f: fn(&Type) -> bool| types.iter().filter(|t| f(t)).count() == n;
    same(|t| matches!(t, Type::Map(_)))
        || same(|t| matches!(t, Type::List(_)))
        || same(|t| matches!(t, Type::Set(_)))
        || same(|t| matches!(t, Type::Object(_)))
        || same(|t| matches!(t, Type::Tuple(_)))
}

fn unify_collections(
    types: &[Type],
    has_dynamic: bool,
    unsafe_: bool,
    make: fn(Type) -> Type,
) -> Option<Type> {
    if has_dynamic {
        return Some(Type::Dynamic);
    }
    let elems: Vec<Type> = types.iter().filter_map(|t| t.element().cloned()).collect();
    let ret = make(unify(&elems, unsafe_)?);
    types
        .iter()
        .all(|t| can_convert(t, &ret, unsafe_))
        .then_some(ret)
}

fn unify_objects_as_maps(types: &[Type], unsafe_: bool) -> Option<Type> {
    let objs: Vec<Type> = types
        .iter()
        .filter(|t| matches!(t, Type::Object(_)))
        .cloned()
        .collect();
    let map = unify_object_types_to_map(&objs, unsafe_)?;
    let mapped: Vec<Type> = types
        .iter()
        .map(|t| {
            if matches!(t, Type::Object(_)) {
                map.clone()
            } else {
                t.clone()
            }
        })
        .collect();
    match unify(&mapped, unsafe_)? {
        t @ Type::Map(_) => Some(t),
        _ => None,
    }
}

fn unify_tuples_as_list(types: &[Type], unsafe_: bool) -> Option<Type> {
    let tuples: Vec<Type> = types
        .iter()
        .filter(|t| matches!(t, Type::Tuple(_)))
        .cloned()
        .collect();
    let list = unify_tuple_types_to_list(&tuples, unsafe_)?;
    let listed: Vec<Type> = types
        .iter()
        .map(|t| {
            if matches!(t, Type::Tuple(_)) {
                list.clone()
            } else {
                t.clone()
            }
        })
        .collect();
    match unify(&listed, unsafe_)? {
        t @ Type::List(_) => Some(t),
        _ => None,
    }
}

fn unify_object_types(types: &[Type], has_dynamic: bool, unsafe_: bool) -> Option<Type> {
    if has_dynamic {
        return Some(Type::Dynamic);
    }
    let attrs_of = |t: &Type| match t {
        Type::Object(o) => Some(o.attrs.clone()),
        _ => None,
    };
    let first = attrs_of(types.first()?)?;
    for t in types.iter().skip(1) {
        let this = attrs_of(t)?;
        if this.len() != first.len() || this.keys().any(|k| !first.contains_key(k)) {
            return unify_object_types_to_map(types, unsafe_);
        }
    }
    let mut ret = BTreeMap::new();
    for name in first.keys() {
        let across: Vec<Type> = types
            .iter()
            .filter_map(|t| attrs_of(t).and_then(|a| a.get(name).cloned()))
            .collect();
        ret.insert(name.clone(), unify(&across, unsafe_)?);
    }
    let ret = Type::object(ret);
    if types.iter().all(|t| can_convert(t, &ret, unsafe_)) {
        Some(ret)
    } else {
        unify_object_types_to_map(types, unsafe_)
    }
}

fn unify_object_types_to_map(types: &[Type], unsafe_: bool) -> Option<Type> {
    let attrs: Vec<Type> = types
        .iter()
        .flat_map(|t| match t {
            Type::Object(o) => o.attrs.values().cloned().collect(),
            _ => Vec::new(),
        })
        .collect();
    let ret = Type::map(unify(&attrs, unsafe_)?);
    types
        .iter()
        .all(|t| can_convert(t, &ret, unsafe_))
        .then_some(ret)
}

fn unify_tuple_types(types: &[Type], has_dynamic: bool, unsafe_: bool) -> Option<Type> {
    if has_dynamic {
        return Some(Type::Dynamic);
    }
    let elems_of = |t: &Type| match t {
        Type::Tuple(items) => items.clone(),
        _ => Vec::new(),
    };
    let first = elems_of(types.first()?);
    if types.iter().any(|t| elems_of(t).len() != first.len()) {
        return unify_tuple_types_to_list(types, unsafe_);
    }
    let mut ret = Vec::new();
    for i in 0..first.len() {
        let across: Vec<Type> = types
            .iter()
            .filter_map(|t| elems_of(t).get(i).cloned())
            .collect();
        ret.push(unify(&across, unsafe_)?);
    }
    let ret = Type::Tuple(ret);
    if types.iter().all(|t| can_convert(t, &ret, unsafe_)) {
        Some(ret)
    } else {
        unify_tuple_types_to_list(types, unsafe_)
    }
}

fn unify_tuple_types_to_list(types: &[Type], unsafe_: bool) -> Option<Type> {
    let elems: Vec<Type> = types
        .iter()
        .flat_map(|t| match t {
            Type::Tuple(items) => items.clone(),
            _ => Vec::new(),
        })
        .collect();
    let ret = Type::list(unify(&elems, unsafe_)?);
    types
        .iter()
        .all(|t| can_convert(t, &ret, unsafe_))
        .then_some(ret)
}

/// cty's `sortTypes`: the types in order of preference for unification (a topological sort
/// of "is a supertype of": strings before numbers and bools, dynamic last).
fn sort_types(types: &[Type]) -> Vec<&Type> {
    let n = types.len();
    let mut edges: Vec<Vec<usize>> = vec![Vec::new(); n];
    for i in 0..n {
        for j in i + 1..n {
            let (Some(a), Some(b)) = (types.get(i), types.get(j)) else {
                continue;
            };
            match compare_types(a, b) {
                c if c < 0 => edges[i].push(j),
                c if c > 0 => edges[j].push(i),
                _ => {}
            }
        }
    }
    let mut in_degree = vec![0usize; n];
    for outs in &edges {
        for &j in outs {
            in_degree[j] += 1;
        }
    }
    let mut queue: std::collections::VecDeque<usize> =
        (0..n).filter(|&i| in_degree[i] == 0).collect();
    let mut out = Vec::with_capacity(n);
    while let Some(i) = queue.pop_front() {
        out.push(i);
        for &j in &edges[i] {
            in_degree[j] -= 1;
            if in_degree[j] == 0 {
                queue.push_back(j);
            }
        }
    }
    out.into_iter().filter_map(|i| types.get(i)).collect()
}

/// cty's `compareTypes`: negative when `a` is preferred (a supertype of `b`).
fn compare_types(a: &Type, b: &Type) -> i32 {
    if *a == Type::Dynamic || *b == Type::Dynamic {
        return match (*a == Type::Dynamic, *b == Type::Dynamic) {
            (false, true) => -1,
            (true, false) => 1,
            _ => 0,
        };
    }
    if a.is_primitive() && b.is_primitive() && (*a == Type::String || *b == Type::String) {
        return match (*a == Type::String, *b == Type::String) {
            (false, true) => 1,
            (true, false) => -1,
            _ => 0,
        };
    }
    match (a, b) {
        (Type::List(x), Type::List(y))
        | (Type::Set(x), Type::Set(y))
        | (Type::Map(x), Type::Map(y)) => return compare_types(x, y),
        _ => {}
    }
    let (a, b, swap) = match (a, b) {
        (Type::Tuple(_), Type::List(_))
        | (Type::Object(_), Type::Map(_))
        | (Type::Set(_), Type::Tuple(_))
        | (Type::Set(_), Type::List(_)) => (b, a, -1),
        _ => (a, b, 1),
    };
    if matches!(b, Type::Set(_)) && matches!(a, Type::Tuple(_) | Type::List(_)) {
        return -swap;
    }
    if matches!(a, Type::List(_)) && matches!(b, Type::Tuple(_)) {
        return -swap;
    }
    if matches!(a, Type::Map(_)) && matches!(b, Type::Object(_)) {
        return -swap;
    }
    if let (Type::Object(x), Type::Object(y)) = (a, b) {
        if x.attrs.len() != y.attrs.len() {
            return 0;
        }
        let (mut a_super, mut b_super) = (false, false);
        for (k, t) in &x.attrs {
            let Some(u) = y.attrs.get(k) else {
                return 0;
            };
            match compare_types(t, u) {
                c if c < 0 => a_super = true,
                c if c > 0 => b_super = true,
                _ => {}
            }
        }
        return match (a_super, b_super) {
            (true, true) => 0,
            (true, false) => -swap,
            (false, true) => swap,
            _ => 0,
        };
    }
    0
}

/// Terraform's wording for a value of type `got` where `want` is required.
pub(crate) fn mismatch(got: &Type, want: &Type) -> String {
    let _ = got;
    match want {
        Type::Object(_) => "object required".into(),
        Type::Tuple(_) => "tuple required".into(),
        t => format!("{} required", t.friendly_name()),
    }
}

fn at_attr(name: &str, message: String) -> String {
    format!("attribute {name:?}: {message}")
}

fn at_key(key: &str, message: String) -> String {
    format!("element {key:?}: {message}")
}

fn at_index(i: usize, message: String) -> String {
    format!("element {i}: {message}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use stet_graph::Span;

    fn span() -> Span {
        Span::file_start("t.tf".into())
    }

    fn s(text: &str) -> Val {
        Val::string(text, span())
    }

    #[test]
    fn unify_prefers_strings() {
        assert_eq!(
            unify(&[Type::Number, Type::String], true),
            Some(Type::String)
        );
        assert_eq!(unify(&[Type::Number, Type::Bool], true), None);
        assert_eq!(
            unify(
                &[Type::list(Type::String), Type::Tuple(vec![Type::Number])],
                true
            ),
            Some(Type::list(Type::String))
        );
    }

    #[test]
    fn tuple_to_list_converts_elements() {
        let t = Val::tuple(vec![Val::int(1, span()), s("a")], span());
        let l = convert(t, &Type::list(Type::Dynamic)).unwrap();
        assert_eq!(l.ty(), Type::list(Type::String));
        assert_eq!(l.elements().unwrap()[0].as_str(), Some("1"));
    }

    #[test]
    fn object_to_map_unifies() {
        let o = Val::object(
            vec![
                Entry {
                    key: "a".into(),
                    key_span: span(),
                    value: Val::int(1, span()),
                },
                Entry {
                    key: "b".into(),
                    key_span: span(),
                    value: s("x"),
                },
            ],
            span(),
        );
        let m = convert(o, &Type::map(Type::Dynamic)).unwrap();
        assert_eq!(m.ty(), Type::map(Type::String));
    }

    #[test]
    fn strings_to_numbers_and_bools() {
        assert!(convert(s("1.5"), &Type::Number).is_ok());
        assert_eq!(
            convert(s("x"), &Type::Number).unwrap_err(),
            "a number is required"
        );
        assert_eq!(convert(s("1"), &Type::Bool).unwrap().as_bool(), Some(true));
        assert!(convert(s("True"), &Type::Bool)
            .unwrap_err()
            .contains("lowercase"));
    }
}
