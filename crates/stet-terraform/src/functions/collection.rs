//! Collection functions over lists, sets, tuples, maps and objects, with go-cty's result
//! types: `concat` of lists is a list and of tuples a tuple, `merge` of objects an object,
//! `keys`/`values` in key order, set functions in cty's set order, `lookup`, `element`,
//! `flatten`, `setproduct`, `transpose`, `zipmap` and the rest.

use super::{
    any, boolean, list_any, list_string, number, p, set_any, Call, FnError, FnResult, Function,
};
use crate::cty::{convert, unify, Entry, Kind, Number, Type, Val};

fn list_bool() -> Type {
    Type::list(Type::Bool)
}
fn map_list_string() -> Type {
    Type::map(Type::list(Type::String))
}
fn list_number() -> Type {
    Type::list(Type::Number)
}

pub(super) static FUNCTIONS: &[Function] = &[
    Function {
        name: "alltrue",
        params: &[p("list", list_bool)],
        variadic: None,
        returns: boolean,
        body: |c| {
            for v in c.arg(0).elements().unwrap_or_default() {
                match v.kind {
                    Kind::Unknown(..) => return super::unknown(c, Type::Bool),
                    Kind::Bool(false) | Kind::Null(_) => return c.bool(false),
                    _ => {}
                }
            }
            c.bool(true)
        },
    },
    Function {
        name: "anytrue",
        params: &[p("list", list_bool)],
        variadic: None,
        returns: boolean,
        body: |c| {
            let mut unknown = false;
            for v in c.arg(0).elements().unwrap_or_default() {
                match v.kind {
                    Kind::Unknown(..) => unknown = true,
                    Kind::Bool(true) => return c.bool(true),
                    _ => {}
                }
            }
            if unknown {
                return super::unknown(c, Type::Bool);
            }
            c.bool(false)
        },
    },
    Function {
        name: "chunklist",
        params: &[p("list", list_any).marked(), p("size", number).marked()],
        variadic: None,
        returns: list_any,
        body: |c| {
            let list = c.arg(0);
            let size = c
                .int(1)
                .map_err(|_| FnError::Call(format!("invalid size: {}", super::WHOLE_NUMBER)))?;
            if size < 0 {
                return c.fail("the size argument must be positive");
            }
            let marks = list.sensitive || c.arg(1).sensitive;
            let ty = list.ty();
            let items = list.elements().unwrap_or_default();
            let span = c.span.clone();
            if items.is_empty() {
                return Ok(Val::list(ty, Vec::new(), span).marked(marks));
            }
            if size == 0 {
                return Ok(Val::list(ty, vec![list.clone()], span).marked(marks));
            }
            let ety = ty.element().cloned().unwrap_or(Type::Dynamic);
            let chunks = items
                .chunks(usize::try_from(size).unwrap_or(usize::MAX))
                .map(|ch| Val::list(ety.clone(), ch.to_vec(), span.clone()))
                .collect();
            Ok(Val::list(ty, chunks, span).marked(marks))
        },
    },
    Function {
        name: "coalesce",
        params: &[],
        variadic: Some(p("vals", any).null().unknown()),
        returns: any,
        body: |c| {
            let tys: Vec<Type> = c.args.iter().map(Val::ty).collect();
            let Some(ty) = unify(&tys, true) else {
                return c.fail("all arguments must have the same type");
            };
            for arg in &c.args {
                let v = convert(arg.clone(), &ty).unwrap_or_else(|_| arg.clone());
                if !v.is_known() {
                    return super::unknown(c, ty);
                }
                if v.is_null() || (ty == Type::String && v.as_str() == Some("")) {
                    continue;
                }
                return Ok(v);
            }
            c.fail("no non-null, non-empty-string arguments")
        },
    },
    Function {
        name: "coalescelist",
        params: &[],
        variadic: Some(p("vals", any).null().unknown()),
        returns: any,
        body: |c| {
            if c.args.is_empty() {
                return c.fail("at least one argument is required");
            }
            for arg in &c.args {
                if !arg.is_known() {
                    return super::unknown(c, Type::Dynamic);
                }
                if !matches!(arg.ty(), Type::List(_) | Type::Tuple(_)) {
                    return c.fail("coalescelist arguments must be lists or tuples");
                }
            }
            for arg in &c.args {
                if arg.is_null() {
                    continue;
                }
                if arg.len().unwrap_or(0) > 0 {
                    return Ok(arg.clone());
                }
            }
            c.fail("no non-null arguments")
        },
    },
    Function {
        name: "compact",
        params: &[p("list", list_string)],
        variadic: None,
        returns: list_string,
        body: |c| {
            let list = c.arg(0);
            if !list.is_wholly_known() {
                return super::unknown(c, Type::list(Type::String));
            }
            let kept: Vec<Val> = list
                .elements()
                .unwrap_or_default()
                .iter()
                .filter(|v| !matches!(v.as_str(), None | Some("")))
                .cloned()
                .collect();
            Ok(Val::list(Type::String, kept, c.span.clone()))
        },
    },
    Function {
        name: "concat",
        params: &[],
        variadic: Some(p("seqs", any).marked()),
        returns: any,
        body: concat,
    },
    Function {
        name: "contains",
        params: &[p("list", any), p("value", any)],
        variadic: None,
        returns: boolean,
        body: |c| {
            let list = c.arg(0);
            if !matches!(list.ty(), Type::List(_) | Type::Set(_) | Type::Tuple(_)) {
                return c.fail("argument must be list, tuple, or set");
            }
            let items = list.elements().unwrap_or_default();
            if items.is_empty() {
                return c.bool(false);
            }
            let mut unknown = false;
            for v in items {
                match c.arg(1).equals(v) {
                    Some(true) => return c.bool(true),
                    None => unknown = true,
                    Some(false) => {}
                }
            }
            if unknown {
                return super::unknown(c, Type::Bool);
            }
            c.bool(false)
        },
    },
    Function {
        name: "distinct",
        params: &[p("list", list_any)],
        variadic: None,
        returns: list_any,
        body: |c| {
            let list = c.arg(0);
            if !list.is_wholly_known() {
                return super::unknown(c, list.ty());
            }
            let mut out: Vec<Val> = Vec::new();
            for v in list.elements().unwrap_or_default() {
                if !out.iter().any(|o| o.equals_known(v)) {
                    out.push(v.clone());
                }
            }
            let ety = list.ty().element().cloned().unwrap_or(Type::Dynamic);
            Ok(Val::list(ety, out, c.span.clone()))
        },
    },
    Function {
        name: "element",
        params: &[p("list", any).marked(), p("index", number)],
        variadic: None,
        returns: any,
        body: |c| {
            let list = c.arg(0);
            if !matches!(list.ty(), Type::List(_) | Type::Tuple(_)) {
                return c.fail(format!(
                    "cannot read elements from {}",
                    list.ty().friendly_name()
                ));
            }
            let index = c
                .int(1)
                .map_err(|_| FnError::Call(format!("invalid index: {}", super::WHOLE_NUMBER)))?;
            if !list.is_known() {
                return super::unknown(c, Type::Dynamic);
            }
            let items = list.elements().unwrap_or_default();
            if items.is_empty() {
                return c.fail("cannot use element function with an empty list");
            }
            let len = items.len() as i64;
            let mut i = index % len;
            if i < 0 {
                i += len;
            }
            let v = items
                .get(i as usize)
                .cloned()
                .unwrap_or_else(|| Val::null(Type::Dynamic, c.span.clone()));
            Ok(v.marked(list.sensitive))
        },
    },
    Function {
        name: "flatten",
        params: &[p("list", any).marked()],
        variadic: None,
        returns: any,
        body: |c| {
            let list = c.arg(0);
            if !matches!(list.ty(), Type::List(_) | Type::Set(_) | Type::Tuple(_)) {
                return c.fail("can only flatten lists, sets and tuples");
            }
            let mut out = Vec::new();
            let mut marks = false;
            if !flatten(list, &mut out, &mut marks) {
                return Ok(Val::unknown(Type::Dynamic, c.span.clone()).marked(marks));
            }
            Ok(Val::tuple(out, c.span.clone()).marked(marks))
        },
    },
    Function {
        name: "index",
        params: &[p("list", any), p("value", any)],
        variadic: None,
        returns: number,
        body: |c| {
            let list = c.arg(0);
            if !matches!(list.ty(), Type::List(_) | Type::Tuple(_)) {
                return c.fail("argument must be a list or tuple");
            }
            let items = list.elements().unwrap_or_default();
            if items.is_empty() {
                return c.fail("cannot search an empty list");
            }
            for (i, v) in items.iter().enumerate() {
                match v.equals(c.arg(1)) {
                    Some(true) => return Ok(Val::int(i as i64, c.span.clone())),
                    None => return super::unknown(c, Type::Number),
                    Some(false) => {}
                }
            }
            c.fail("item not found")
        },
    },
    Function {
        name: "keys",
        params: &[p("inputMap", any).unknown().marked()],
        variadic: None,
        returns: any,
        body: |c| {
            let m = c.arg(0);
            let span = c.span.clone();
            match m.ty() {
                Type::Object(o) => Ok(Val::tuple(
                    o.attrs
                        .keys()
                        .map(|k| Val::string(k.clone(), span.clone()))
                        .collect(),
                    span.clone(),
                )
                .marked(m.sensitive)),
                Type::Map(_) => {
                    if !m.is_known() {
                        return Ok(Val::unknown(Type::list(Type::String), span).marked(m.sensitive));
                    }
                    let keys = m
                        .sorted_entries()
                        .unwrap_or_default()
                        .into_iter()
                        .map(|e| Val::string(e.key.clone(), span.clone()))
                        .collect();
                    Ok(Val::list(Type::String, keys, span).marked(m.sensitive))
                }
                Type::Dynamic => Ok(Val::unknown(Type::Dynamic, span)),
                _ => Err(FnError::Arg(0, "must have map or object type".into())),
            }
        },
    },
    Function {
        name: "length",
        params: &[p("value", any).unknown().marked()],
        variadic: None,
        returns: number,
        body: |c| {
            let v = c.arg(0);
            let span = c.span.clone();
            let n = match (&v.kind, v.ty()) {
                (_, Type::Dynamic) => {
                    return Ok(Val::unknown(Type::Number, span).marked(v.sensitive))
                }
                (_, Type::Tuple(items)) => items.len(),
                (_, Type::Object(o)) => o.attrs.len(),
                (Kind::String(s), _) => {
                    use unicode_segmentation::UnicodeSegmentation;
                    s.graphemes(true).count()
                }
                (Kind::Unknown(..), _) => {
                    return Ok(Val::unknown(Type::Number, span).marked(v.sensitive))
                }
                (_, Type::List(_) | Type::Set(_) | Type::Map(_)) => v.len().unwrap_or(0),
                _ => {
                    return c
                        .fail("argument must be a string, a collection type, or a structural type")
                }
            };
            Ok(Val::int(n as i64, span).marked(v.sensitive))
        },
    },
    Function {
        name: "list",
        params: &[],
        variadic: Some(p("vals", any).null().unknown()),
        returns: any,
        body: |c| {
            c.fail("the \"list\" function was deprecated in Terraform v0.12 and is no longer available; use tolist([ ... ]) syntax to write a literal list")
        },
    },
    Function {
        name: "lookup",
        params: &[
            p("inputMap", any).marked().unknown(),
            p("key", super::string).marked().unknown(),
        ],
        variadic: Some(p("default", any).unknown().null().marked()),
        returns: any,
        body: lookup,
    },
    Function {
        name: "map",
        params: &[],
        variadic: Some(p("vals", any).null().unknown()),
        returns: any,
        body: |c| {
            c.fail("the \"map\" function was deprecated in Terraform v0.12 and is no longer available; use tomap({ ... }) syntax to write a literal map")
        },
    },
    Function {
        name: "matchkeys",
        params: &[
            p("values", list_any),
            p("keys", list_any),
            p("searchset", list_any),
        ],
        variadic: None,
        returns: list_any,
        body: |c| {
            let (values, keys, search) = (c.arg(0), c.arg(1), c.arg(2));
            let Some(ty) = unify(&[keys.ty(), search.ty()], true) else {
                return c.fail("keys and searchset must be of the same type");
            };
            let ety = values.ty().element().cloned().unwrap_or(Type::Dynamic);
            let span = c.span.clone();
            if values.len() != keys.len() {
                return c.fail("length of keys and values should be equal");
            }
            let keys = convert(keys.clone(), &ty).unwrap_or_else(|_| keys.clone());
            let search = convert(search.clone(), &ty).unwrap_or_else(|_| search.clone());
            let search_items = search.elements().unwrap_or_default();
            if search_items.is_empty() {
                return Ok(Val::list(ety, Vec::new(), span));
            }
            if !values.is_wholly_known() || !keys.is_wholly_known() {
                return super::unknown(c, values.ty());
            }
            let mut out = Vec::new();
            for (i, key) in keys.elements().unwrap_or_default().iter().enumerate() {
                for s in search_items {
                    match key.equals(s) {
                        None => return Ok(Val::list(ety, Vec::new(), span)),
                        Some(true) => {
                            if let Some(v) = values.elements().and_then(|e| e.get(i)) {
                                out.push(v.clone());
                            }
                            break;
                        }
                        Some(false) => {}
                    }
                }
            }
            Ok(Val::list(ety, out, span))
        },
    },
    Function {
        name: "merge",
        params: &[],
        variadic: Some(p("maps", any).null().marked()),
        returns: any,
        body: merge,
    },
    Function {
        name: "one",
        params: &[p("list", any)],
        variadic: None,
        returns: any,
        body: |c| {
            let v = c.arg(0);
            let wrong = || {
                FnError::Arg(
                    0,
                    "must be a list, set, or tuple value with either zero or one elements".into(),
                )
            };
            let ty = v.ty();
            let ety = match &ty {
                Type::List(e) | Type::Set(e) => (**e).clone(),
                Type::Tuple(items) if items.len() <= 1 => {
                    items.first().cloned().unwrap_or(Type::Dynamic)
                }
                _ => return Err(wrong()),
            };
            if !v.is_known() {
                return super::unknown(c, ety);
            }
            match v.elements().unwrap_or_default() {
                [] => Ok(Val::null(ety, c.span.clone())),
                [one] => Ok(one.clone()),
                _ => Err(wrong()),
            }
        },
    },
    Function {
        name: "range",
        params: &[],
        variadic: Some(p("params", number)),
        returns: list_number,
        body: range,
    },
    Function {
        name: "reverse",
        params: &[p("list", any).marked()],
        variadic: None,
        returns: any,
        body: |c| {
            let v = c.arg(0);
            let mut items: Vec<Val> = v.elements().unwrap_or_default().to_vec();
            items.reverse();
            let span = c.span.clone();
            match v.ty() {
                Type::Tuple(_) => Ok(Val::tuple(items, span).marked(v.sensitive)),
                Type::List(e) | Type::Set(e) => Ok(Val::list(*e, items, span).marked(v.sensitive)),
                t => Err(FnError::Arg(
                    0,
                    format!(
                        "can only reverse list or tuple values, not {}",
                        t.friendly_name()
                    ),
                )),
            }
        },
    },
    Function {
        name: "setintersection",
        params: &[p("first_set", set_any)],
        variadic: Some(p("other_sets", set_any)),
        returns: set_any,
        body: |c| set_operation(c, SetOp::Intersection),
    },
    Function {
        name: "setproduct",
        params: &[],
        variadic: Some(p("sets", any).marked().unknown()),
        returns: any,
        body: setproduct,
    },
    Function {
        name: "setsubtract",
        params: &[p("a", set_any), p("b", set_any)],
        variadic: None,
        returns: set_any,
        body: |c| set_operation(c, SetOp::Subtract),
    },
    Function {
        name: "setunion",
        params: &[p("first_set", set_any)],
        variadic: Some(p("other_sets", set_any)),
        returns: set_any,
        body: |c| set_operation(c, SetOp::Union),
    },
    Function {
        name: "slice",
        params: &[
            p("list", any).marked(),
            p("start_index", number),
            p("end_index", number),
        ],
        variadic: None,
        returns: any,
        body: slice,
    },
    Function {
        name: "sort",
        params: &[p("list", list_string).unknown()],
        variadic: None,
        returns: list_string,
        body: |c| {
            let list = c.arg(0);
            if !list.is_wholly_known() {
                return super::unknown(c, Type::list(Type::String));
            }
            let mut items: Vec<String> = Vec::new();
            for (i, v) in list.elements().unwrap_or_default().iter().enumerate() {
                match v.as_str() {
                    Some(s) => items.push(s.to_string()),
                    None => {
                        return c.fail(format!(
                            "given list element {i} is null; a null string cannot be sorted"
                        ))
                    }
                }
            }
            items.sort_unstable_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
            c.list_of_strings(items)
        },
    },
    Function {
        name: "sum",
        params: &[p("list", any)],
        variadic: None,
        returns: number,
        body: |c| {
            let list = c.arg(0);
            let Some(items) = list.elements().or_else(|| list.entries().map(|_| &[][..])) else {
                return Err(FnError::Arg(0, "cannot sum noniterable".into()));
            };
            if list.len() == Some(0) {
                return Err(FnError::Arg(0, "cannot sum an empty list".into()));
            }
            if !matches!(list.ty(), Type::List(_) | Type::Set(_) | Type::Tuple(_)) {
                return Err(FnError::Arg(
                    0,
                    format!(
                        "argument must be list, set, or tuple. Received {}",
                        list.ty().friendly_name()
                    ),
                ));
            }
            if !list.is_wholly_known() {
                return super::unknown(c, Type::Number);
            }
            let not_numbers = || {
                FnError::Arg(
                    0,
                    "argument must be list, set, or tuple of number values".into(),
                )
            };
            let mut total: Option<Number> = None;
            for v in items {
                if v.is_null() {
                    return Err(not_numbers());
                }
                let n = convert(v.clone(), &Type::Number).map_err(|_| not_numbers())?;
                let n = n.as_number().cloned().ok_or_else(not_numbers)?;
                total = Some(match total {
                    None => n,
                    Some(t) => t.add(&n).ok_or_else(|| {
                        FnError::Call("can't compute sum of opposing infinities".into())
                    })?,
                });
            }
            match total {
                Some(t) if !t.is_inf() => Ok(Val::number(t, c.span.clone())),
                _ => super::unknown(c, Type::Number),
            }
        },
    },
    Function {
        name: "transpose",
        params: &[p("values", map_list_string)],
        variadic: None,
        returns: map_list_string,
        body: |c| {
            let input = c.arg(0);
            if !input.is_wholly_known() {
                return super::unknown(c, map_list_string());
            }
            let mut out: std::collections::BTreeMap<String, Vec<String>> = Default::default();
            for e in input.entries().unwrap_or_default() {
                if e.value.is_null() {
                    return c.fail("input must not contain null list");
                }
                for v in e.value.elements().unwrap_or_default() {
                    let Some(s) = v.as_str() else {
                        return c.fail("input list must not contain null string");
                    };
                    let keys = out.entry(s.to_string()).or_default();
                    keys.push(e.key.clone());
                    keys.sort();
                }
            }
            let span = c.span.clone();
            let entries = out
                .into_iter()
                .map(|(k, vs)| Entry {
                    key: k,
                    key_span: span.clone(),
                    value: Val::list(
                        Type::String,
                        vs.into_iter()
                            .map(|s| Val::string(s, span.clone()))
                            .collect(),
                        span.clone(),
                    ),
                })
                .collect();
            Ok(Val::map(Type::list(Type::String), entries, span))
        },
    },
    Function {
        name: "values",
        params: &[p("mapping", any).marked()],
        variadic: None,
        returns: any,
        body: |c| {
            let m = c.arg(0);
            let span = c.span.clone();
            let values: Vec<Val> = m
                .sorted_entries()
                .unwrap_or_default()
                .into_iter()
                .map(|e| e.value.clone())
                .collect();
            match m.ty() {
                Type::Map(e) => Ok(Val::list(*e, values, span).marked(m.sensitive)),
                Type::Object(_) => Ok(Val::tuple(values, span).marked(m.sensitive)),
                _ => c.fail("values() requires a map as the first argument"),
            }
        },
    },
    Function {
        name: "zipmap",
        params: &[p("keys", list_string).marked(), p("values", any).marked()],
        variadic: None,
        returns: any,
        body: |c| {
            let (keys, values) = (c.arg(0), c.arg(1));
            let marks = keys.contains_sensitive() || values.sensitive;
            let span = c.span.clone();
            let ty = values.ty();
            if !matches!(ty, Type::List(_) | Type::Tuple(_)) {
                return c.fail("values argument must be a list or tuple value");
            }
            if !keys.is_wholly_known() {
                return Ok(Val::unknown(Type::Dynamic, span).marked(marks));
            }
            let key_items = keys.elements().unwrap_or_default();
            let value_items = values.elements().unwrap_or_default();
            if key_items.len() != value_items.len() {
                return c.fail(format!(
                    "number of keys ({}) does not match number of values ({})",
                    key_items.len(),
                    value_items.len()
                ));
            }
            let mut entries: Vec<Entry> = Vec::new();
            for (i, (k, v)) in key_items.iter().zip(value_items).enumerate() {
                let Some(key) = k.as_str() else {
                    return c.fail(format!("keys list has null value at index {i}"));
                };
                entries.retain(|e| e.key != key);
                entries.push(Entry {
                    key: key.to_string(),
                    key_span: span.clone(),
                    value: v.clone(),
                });
            }
            let out = match ty {
                Type::List(e) => Val::map(*e, entries, span),
                _ => Val::object(entries, span),
            };
            Ok(out.marked(marks))
        },
    },
];

/// cty's `flattener`: nested lists, sets and tuples spliced in; `false` when a nested
/// sequence is unknown.
fn flatten(v: &Val, out: &mut Vec<Val>, marks: &mut bool) -> bool {
    *marks |= v.sensitive;
    let mut known = true;
    for item in v.elements().unwrap_or_default() {
        if matches!(item.kind, Kind::Unknown(Type::Dynamic, _)) {
            known = false;
        }
        let seq = matches!(item.ty(), Type::List(_) | Type::Set(_) | Type::Tuple(_));
        if !item.is_null() && seq {
            if !item.is_known() {
                *marks |= item.sensitive;
                known = false;
                continue;
            }
            known &= flatten(item, out, marks);
        } else {
            out.push(item.clone());
        }
    }
    known
}

fn concat(c: &Call<'_, '_, '_>) -> FnResult {
    if c.args.is_empty() {
        return c.fail("at least one argument is required");
    }
    let span = c.span.clone();
    let marks = c.args.iter().any(|a| a.sensitive);
    if c.args.iter().all(|a| matches!(a.ty(), Type::List(_))) {
        let tys: Vec<Type> = c.args.iter().map(Val::ty).collect();
        if let Some(ty @ Type::List(_)) = unify(&tys, true) {
            let mut items = Vec::new();
            for (i, a) in c.args.iter().enumerate() {
                let l = convert(a.clone(), &ty).map_err(|m| FnError::Arg(i, m))?;
                if !l.is_known() {
                    return Ok(Val::unknown(ty, span).marked(marks));
                }
                items.extend(l.elements().unwrap_or_default().iter().cloned());
            }
            let ety = ty.element().cloned().unwrap_or(Type::Dynamic);
            return Ok(Val::list(ety, items, span).marked(marks));
        }
    }
    let mut items = Vec::new();
    for (i, a) in c.args.iter().enumerate() {
        match a.ty() {
            Type::Tuple(_) | Type::List(_) => {
                if !a.is_known() {
                    return Ok(Val::unknown(Type::Dynamic, span).marked(marks));
                }
                items.extend(a.elements().unwrap_or_default().iter().cloned());
            }
            t => {
                return Err(FnError::Arg(
                    i,
                    format!(
                        "all arguments must be lists or tuples; got {}",
                        t.friendly_name()
                    ),
                ))
            }
        }
    }
    Ok(Val::tuple(items, span).marked(marks))
}

fn lookup(c: &Call<'_, '_, '_>) -> FnResult {
    if c.args.len() > 3 {
        return c.fail(format!(
            "lookup() takes two or three arguments, got {}",
            c.args.len()
        ));
    }
    let (m, key) = (c.arg(0), c.arg(1));
    let marks = m.sensitive || key.sensitive;
    let default = c.args.get(2);
    let ty = m.ty();
    let ret = match &ty {
        Type::Object(o) => match key.as_str() {
            None => Type::Dynamic,
            Some(k) => match o.attrs.get(k) {
                Some(t) => t.clone(),
                None => match default {
                    Some(d) => d.ty(),
                    None => {
                        return Err(FnError::Arg(
                            0,
                            format!("the given object has no attribute {k:?}"),
                        ))
                    }
                },
            },
        },
        Type::Map(e) => {
            if let Some(d) = default {
                if convert(d.clone(), e).is_err() {
                    return Err(FnError::Arg(
                        2,
                        "the default value must have the same type as the map elements".into(),
                    ));
                }
            }
            (**e).clone()
        }
        Type::Dynamic => return super::unknown(c, Type::Dynamic),
        _ => {
            return Err(FnError::Arg(
                0,
                "lookup() requires a map as the first argument".into(),
            ))
        }
    };
    let (Some(k), true) = (key.as_str(), m.is_known()) else {
        return Ok(Val::unknown(ret, c.span.clone()).marked(marks));
    };
    if let Some(v) = m.get(k) {
        return Ok(v.clone().marked(marks));
    }
    match default {
        Some(d) => Ok(convert(d.clone(), &ret)
            .map_err(FnError::Call)?
            .marked(marks)),
        None => c.fail(format!(
            "lookup failed to find key {}",
            if key.sensitive {
                "(sensitive value)".to_string()
            } else {
                format!("{k:?}")
            }
        )),
    }
}

fn merge(c: &Call<'_, '_, '_>) -> FnResult {
    let span = c.span.clone();
    if c.args.is_empty() {
        return Ok(Val::object(Vec::new(), span));
    }
    let mut first: Option<Type> = None;
    let mut matching = true;
    let mut attrs_known = true;
    // A null of no particular type makes cty's result type dynamic: the result is an object.
    let mut dynamic_null = false;
    for arg in &c.args {
        let ty = arg.ty();
        if ty == Type::Dynamic {
            if arg.is_null() {
                dynamic_null = true;
                continue;
            }
            return Ok(Val::unknown(Type::Dynamic, span));
        }
        if !matches!(ty, Type::Map(_) | Type::Object(_)) {
            return c.fail(format!(
                "arguments must be maps or objects, got \"{}\"",
                ty.friendly_name()
            ));
        }
        if matches!(ty, Type::Map(_)) && !arg.is_null() && !arg.is_known() {
            attrs_known = false;
        }
        match &first {
            None => first = Some(ty),
            Some(f) if *f != ty => matching = false,
            _ => {}
        }
    }
    let marks = c.args.iter().any(|a| a.sensitive);
    if c.args.iter().any(|a| !a.is_known()) {
        let ty = if matching {
            first.unwrap_or(Type::Dynamic)
        } else {
            Type::Dynamic
        };
        return Ok(Val::unknown(ty, span).marked(marks));
    }
    let _ = attrs_known;
    let mut entries: Vec<Entry> = Vec::new();
    for arg in &c.args {
        if arg.is_null() {
            continue;
        }
        for e in arg.entries().unwrap_or_default() {
            entries.retain(|x| x.key != e.key);
            entries.push(e.clone());
        }
    }
    let out = match (matching && !dynamic_null, first) {
        (true, Some(Type::Map(ety))) => Val::map(*ety, entries, span),
        _ => Val::object(entries, span),
    };
    Ok(out.marked(marks))
}

fn range(c: &Call<'_, '_, '_>) -> FnResult {
    let nums: Vec<Number> = c
        .args
        .iter()
        .filter_map(|a| a.as_number().cloned())
        .collect();
    let zero = Number::from_i64(0);
    let one = Number::from_i64(1);
    let minus_one = Number::from_i64(-1);
    let (start, end, step) = match nums.as_slice() {
        [end] => (
            zero.clone(),
            end.clone(),
            if end.cmp(&zero).is_lt() {
                minus_one
            } else {
                one
            },
        ),
        [start, end] => (
            start.clone(),
            end.clone(),
            if end.cmp(start).is_lt() {
                minus_one
            } else {
                one
            },
        ),
        [start, end, step] => (start.clone(), end.clone(), step.clone()),
        _ => return c.fail("must have one, two, or three arguments"),
    };
    // cty compares the step with its own zero value by identity, which a zero from
    // configuration never is: a zero step runs into the 1,024-value limit instead.
    let down = step.cmp(&zero).is_lt();
    if down && end.cmp(&start).is_gt() {
        return Err(FnError::Arg(
            1,
            "end must be less than start when step is negative".into(),
        ));
    }
    if !down && end.cmp(&start).is_lt() {
        return Err(FnError::Arg(
            1,
            "end must be greater than start when step is positive".into(),
        ));
    }
    let mut out = Vec::new();
    let mut num = start;
    loop {
        if (down && num.cmp(&end).is_le()) || (!down && num.cmp(&end).is_ge()) {
            break;
        }
        if out.len() >= 1024 {
            return c.fail("more than 1024 values were generated; either decrease the difference between start and end or use a smaller step");
        }
        out.push(Val::number(num.clone(), c.span.clone()));
        num = match num.add(&step) {
            Some(n) => n,
            None => break,
        };
    }
    Ok(Val::list(Type::Number, out, c.span.clone()))
}

#[derive(Clone, Copy, PartialEq)]
enum SetOp {
    Union,
    Intersection,
    Subtract,
}

fn set_operation(c: &Call<'_, '_, '_>, op: SetOp) -> FnResult {
    let mut etys = Vec::new();
    for arg in &c.args {
        let ety = arg.ty().element().cloned().unwrap_or(Type::Dynamic);
        if arg.is_known() && arg.len() == Some(0) && ety == Type::Dynamic {
            continue;
        }
        etys.push(ety);
    }
    let ety = if etys.is_empty() {
        Type::Dynamic
    } else {
        unify(&etys, true).ok_or_else(|| {
            FnError::Call("given sets must all have compatible element types".into())
        })?
    };
    let ret = Type::set(ety);
    let mut sets = Vec::new();
    for (i, arg) in c.args.iter().enumerate() {
        let s = convert(arg.clone(), &ret).map_err(|m| FnError::Arg(i, m))?;
        if op != SetOp::Union && !s.is_wholly_known() {
            return super::unknown(c, ret);
        }
        sets.push(s);
    }
    let mut current: Vec<Val> = sets
        .first()
        .and_then(Val::elements)
        .unwrap_or_default()
        .to_vec();
    for s in sets.iter().skip(1) {
        let other = s.elements().unwrap_or_default();
        current = match op {
            SetOp::Union => {
                let mut all = current;
                all.extend(other.iter().cloned());
                all
            }
            SetOp::Intersection => current
                .into_iter()
                .filter(|v| other.iter().any(|o| o.equals_known(v)))
                .collect(),
            SetOp::Subtract => current
                .into_iter()
                .filter(|v| !other.iter().any(|o| o.equals_known(v)))
                .collect(),
        };
    }
    let ety = ret.element().cloned().unwrap_or(Type::Dynamic);
    Ok(Val::set(ety, current, c.span.clone()))
}

fn setproduct(c: &Call<'_, '_, '_>) -> FnResult {
    if c.args.len() < 2 {
        return c.fail("at least two arguments are required");
    }
    let mut lists = 0;
    let mut etys = Vec::new();
    for (i, arg) in c.args.iter().enumerate() {
        match arg.ty() {
            Type::Set(e) => etys.push(*e),
            Type::List(e) => {
                etys.push(*e);
                lists += 1;
            }
            Type::Tuple(items) => {
                lists += 1;
                if items.is_empty() {
                    etys.push(Type::Dynamic);
                } else {
                    etys.push(unify(&items, true).ok_or_else(|| {
                        FnError::Arg(i, "all elements must be of the same type".into())
                    })?);
                }
            }
            _ => return Err(FnError::Arg(i, "a set or a list is required".into())),
        }
    }
    let ety = Type::Tuple(etys.clone());
    let is_list = lists == c.args.len();
    let ret = if is_list {
        Type::list(ety.clone())
    } else {
        Type::set(ety.clone())
    };
    let marks = c.args.iter().any(|a| a.sensitive);
    if c.args.iter().any(|a| !a.is_known()) {
        return Ok(Val::unknown(ret, c.span.clone()).marked(marks));
    }
    let lists_of: Vec<&[Val]> = c
        .args
        .iter()
        .map(|a| a.elements().unwrap_or_default())
        .collect();
    let total: usize = lists_of.iter().map(|l| l.len()).product();
    if total > 100_000 {
        return super::unknown(c, ret);
    }
    let span = c.span.clone();
    let mut product = Vec::with_capacity(total);
    let mut idx = vec![0usize; lists_of.len()];
    for _ in 0..total {
        let mut row = Vec::with_capacity(lists_of.len());
        for (j, &n) in idx.iter().enumerate() {
            let v = lists_of[j]
                .get(n)
                .cloned()
                .unwrap_or_else(|| Val::null(Type::Dynamic, span.clone()));
            let want = etys.get(j).cloned().unwrap_or(Type::Dynamic);
            let v = if v.ty() == want {
                v
            } else {
                convert(v, &want).map_err(FnError::Call)?
            };
            row.push(v);
        }
        product.push(Val::tuple(row, span.clone()));
        for j in (0..idx.len()).rev() {
            idx[j] += 1;
            if idx[j] < lists_of[j].len() {
                break;
            }
            idx[j] = 0;
        }
    }
    let out = if is_list {
        Val::list(ety, product, span)
    } else {
        Val::set(ety, product, span)
    };
    Ok(out.marked(marks))
}

fn slice(c: &Call<'_, '_, '_>) -> FnResult {
    let list = c.arg(0);
    let ty = list.ty();
    if matches!(ty, Type::Set(_)) {
        return Err(FnError::Arg(0, "cannot slice a set, because its elements do not have indices; explicitly convert to a list if the ordering of the result is not important".into()));
    }
    if !matches!(ty, Type::List(_) | Type::Tuple(_)) {
        return Err(FnError::Arg(0, "must be a list or tuple value".into()));
    }
    let start = c.int(1).map_err(|_| {
        FnError::Arg(
            1,
            "invalid start index: value must be a whole number".into(),
        )
    })?;
    let end = c
        .int(2)
        .map_err(|_| FnError::Arg(2, format!("invalid end index: {}", super::WHOLE_NUMBER)))?;
    let len = list.len().map(|l| l as i64);
    if start < 0 {
        return Err(FnError::Arg(
            1,
            "start index must not be less than zero".into(),
        ));
    }
    if list.is_known() && len.is_some_and(|l| start > l) {
        return Err(FnError::Arg(
            1,
            "start index must not be greater than the length of the list".into(),
        ));
    }
    if end < 0 {
        return Err(FnError::Arg(
            2,
            "end index must not be less than zero".into(),
        ));
    }
    if list.is_known() && len.is_some_and(|l| end > l) {
        return Err(FnError::Arg(
            2,
            "end index must not be greater than the length of the list".into(),
        ));
    }
    if start > end {
        return Err(FnError::Arg(
            1,
            "start index must not be greater than end index".into(),
        ));
    }
    if !list.is_known() {
        return Ok(Val::unknown(ty, c.span.clone()).marked(list.sensitive));
    }
    let items = list.elements().unwrap_or_default();
    let part = items
        .get(start as usize..end as usize)
        .unwrap_or_default()
        .to_vec();
    let span = c.span.clone();
    Ok(match ty {
        Type::List(e) => Val::list(*e, part, span),
        _ => Val::tuple(part, span),
    }
    .marked(list.sensitive))
}
