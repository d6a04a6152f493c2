//! Terraform's built-in functions that can be evaluated from source alone. A function whose
//! inputs are not known returns `Ok(None)` and the call stays an unresolved expression; one
//! Terraform would reject returns `Err(Fail)`. Functions that depend on the machine or the
//! moment (`timestamp`, `uuid`, `abspath`, hashes of files) are never evaluated.

use super::{as_f64, normalize_number, to_number, Fail, Scope};
use crate::source::{normalize, read_text};
use crate::Error;
use std::path::{Path, PathBuf};
use stet_graph::{format_float, Map, Span, Value, ValueKind};

type Out = Result<Option<Value>, Fail>;

/// Calls function `name` with evaluated `args`; `span` is the call's.
pub(crate) fn call(scope: &Scope<'_, '_>, name: &str, args: Vec<Value>, span: Span) -> Out {
    let shallow_known = args.iter().all(|a| a.as_expr().is_none());
    let all_known = args.iter().all(Value::is_known);
    let v = |kind: ValueKind| Ok(Some(Value::new(kind, span.clone())));
    let s = |text: String| Ok(Some(Value::string(text, span.clone())));
    let max = scope.env.ctx.limits.max_string_len;
    macro_rules! need_known {
        () => {
            if !all_known {
                return Ok(None);
            }
        };
    }
    macro_rules! need_shallow {
        () => {
            if !shallow_known {
                return Ok(None);
            }
        };
    }
    match name {
        // ---- strings
        "lower" | "upper" | "trimspace" | "chomp" | "strrev" | "title" => {
            need_known!();
            let text = string_arg(&args, 0)?;
            s(match name {
                "lower" => text.to_lowercase(),
                "upper" => text.to_uppercase(),
                "trimspace" => text.trim().to_string(),
                "chomp" => text.trim_end_matches(['\n', '\r']).to_string(),
                "strrev" => text.chars().rev().collect(),
                _ => title(&text),
            })
        }
        "trim" | "trimprefix" | "trimsuffix" => {
            need_known!();
            let text = string_arg(&args, 0)?;
            let cut = string_arg(&args, 1)?;
            s(match name {
                "trim" => text.trim_matches(|c| cut.contains(c)).to_string(),
                "trimprefix" => text.strip_prefix(cut.as_str()).unwrap_or(&text).to_string(),
                _ => text.strip_suffix(cut.as_str()).unwrap_or(&text).to_string(),
            })
        }
        "startswith" | "endswith" => {
            need_known!();
            let text = string_arg(&args, 0)?;
            let part = string_arg(&args, 1)?;
            v(ValueKind::Bool(if name == "startswith" {
                text.starts_with(&part)
            } else {
                text.ends_with(&part)
            }))
        }
        "replace" => {
            need_known!();
            let text = string_arg(&args, 0)?;
            let from = string_arg(&args, 1)?;
            let to = string_arg(&args, 2)?;
            if from.len() > 1 && from.starts_with('/') && from.ends_with('/') {
                // A regular expression: not evaluated.
                return Ok(None);
            }
            if from.is_empty() {
                return Ok(Some(Value::string(text, span)));
            }
            let out = text.replace(&from, &to);
            if scope.env.ctx.too_long(&out, &span) {
                return Err(Fail);
            }
            s(out)
        }
        "substr" => {
            need_known!();
            let text = string_arg(&args, 0)?;
            let offset = int_arg(&args, 1)?;
            let length = int_arg(&args, 2)?;
            let chars: Vec<char> = text.chars().collect();
            let len = chars.len() as i64;
            let start = if offset < 0 { len + offset } else { offset };
            if start < 0 || start > len {
                return Err(Fail);
            }
            let end = if length < 0 {
                len
            } else {
                (start + length).min(len)
            };
            s(chars
                .get(start as usize..end as usize)
                .unwrap_or(&[])
                .iter()
                .collect())
        }
        "format" => {
            need_known!();
            let fmt = string_arg(&args, 0)?;
            format(&fmt, args.get(1..).unwrap_or(&[]), max)
                .map(|out| Some(Value::string(out, span.clone())))
        }
        "formatlist" => {
            need_known!();
            let fmt = string_arg(&args, 0)?;
            let rest = args.get(1..).unwrap_or(&[]);
            let len = rest
                .iter()
                .filter_map(|a| a.as_list().map(<[Value]>::len))
                .max();
            let Some(len) = len else {
                return format(&fmt, rest, max).map(|out| {
                    Some(Value::new(
                        ValueKind::List(vec![Value::string(out, span.clone())]),
                        span.clone(),
                    ))
                });
            };
            let mut out = Vec::new();
            for i in 0..len {
                let row: Vec<Value> = rest
                    .iter()
                    .map(|a| match a.as_list() {
                        Some(items) => items.get(i).cloned().ok_or(Fail),
                        None => Ok(a.clone()),
                    })
                    .collect::<Result<_, _>>()?;
                out.push(Value::string(format(&fmt, &row, max)?, span.clone()));
            }
            v(ValueKind::List(out))
        }
        "join" => {
            need_known!();
            let sep = string_arg(&args, 0)?;
            let mut parts = Vec::new();
            for list in args.get(1..).unwrap_or(&[]) {
                for item in list.as_list().ok_or(Fail)? {
                    parts.push(item.to_display_string().ok_or(Fail)?);
                }
            }
            let out = parts.join(&sep);
            if scope.env.ctx.too_long(&out, &span) {
                return Err(Fail);
            }
            s(out)
        }
        "split" => {
            need_known!();
            let sep = string_arg(&args, 0)?;
            let text = string_arg(&args, 1)?;
            let parts: Vec<Value> = if sep.is_empty() {
                text.chars()
                    .map(|c| Value::string(c.to_string(), span.clone()))
                    .collect()
            } else {
                text.split(sep.as_str())
                    .map(|p| Value::string(p, span.clone()))
                    .collect()
            };
            v(ValueKind::List(parts))
        }
        "indent" => {
            need_known!();
            let n = usize::try_from(int_arg(&args, 0)?).map_err(|_| Fail)?;
            let text = string_arg(&args, 1)?;
            let pad = " ".repeat(n.min(1024));
            s(text.replace('\n', &format!("\n{pad}")))
        }
        // ---- collections
        "length" => {
            need_shallow!();
            let arg = args.first().ok_or(Fail)?;
            let n = match &arg.kind {
                ValueKind::List(items) => items.len(),
                ValueKind::Map(map) => map.len(),
                ValueKind::String(text) => text.chars().count(),
                _ => return Err(Fail),
            };
            v(ValueKind::Int(n as i64))
        }
        "concat" => {
            need_shallow!();
            let mut out = Vec::new();
            for list in &args {
                out.extend(list.as_list().ok_or(Fail)?.iter().cloned());
            }
            v(ValueKind::List(out))
        }
        "merge" => {
            need_shallow!();
            let mut out = Map::new();
            for map in &args {
                match &map.kind {
                    ValueKind::Map(m) => {
                        for entry in m.iter() {
                            out.insert(
                                entry.key.clone(),
                                entry.key_span.clone(),
                                entry.value.clone(),
                            );
                        }
                    }
                    ValueKind::Null => {}
                    _ => return Err(Fail),
                }
            }
            v(ValueKind::Map(out))
        }
        "lookup" => {
            let map = args.first().ok_or(Fail)?;
            let key = args.get(1).ok_or(Fail)?;
            if map.as_expr().is_some() || !key.is_known() {
                return Ok(None);
            }
            let key = key.to_display_string().ok_or(Fail)?;
            match map.as_map().ok_or(Fail)?.get(&key) {
                Some(found) => Ok(Some(found.clone())),
                None => args.get(2).cloned().map(Some).ok_or(Fail),
            }
        }
        "element" => {
            let list = args.first().ok_or(Fail)?;
            let index = args.get(1).ok_or(Fail)?;
            if list.as_expr().is_some() || !index.is_known() {
                return Ok(None);
            }
            let items = list.as_list().ok_or(Fail)?;
            if items.is_empty() {
                return Err(Fail);
            }
            let i = int_arg(&args, 1)?;
            let i = i.rem_euclid(items.len() as i64) as usize;
            Ok(items.get(i).cloned())
        }
        "contains" => {
            need_known!();
            let list = args.first().ok_or(Fail)?.as_list().ok_or(Fail)?;
            let item = args.get(1).ok_or(Fail)?;
            v(ValueKind::Bool(list.iter().any(|i| i.same(item))))
        }
        "index" => {
            need_known!();
            let list = args.first().ok_or(Fail)?.as_list().ok_or(Fail)?;
            let item = args.get(1).ok_or(Fail)?;
            let i = list.iter().position(|i| i.same(item)).ok_or(Fail)?;
            v(ValueKind::Int(i as i64))
        }
        "keys" | "values" => {
            need_shallow!();
            let map = args.first().ok_or(Fail)?.as_map().ok_or(Fail)?;
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by(|a, b| a.key.cmp(&b.key));
            let items = entries
                .into_iter()
                .map(|e| {
                    if name == "keys" {
                        Value::string(e.key.clone(), e.key_span.clone())
                    } else {
                        e.value.clone()
                    }
                })
                .collect();
            v(ValueKind::List(items))
        }
        "zipmap" => {
            need_shallow!();
            let keys = args.first().ok_or(Fail)?.as_list().ok_or(Fail)?;
            let values = args.get(1).ok_or(Fail)?.as_list().ok_or(Fail)?;
            if keys.len() != values.len() {
                return Err(Fail);
            }
            let mut out = Map::new();
            for (k, value) in keys.iter().zip(values) {
                let Some(key) = k.to_display_string() else {
                    return Ok(None);
                };
                out.insert(key, k.span.clone(), value.clone());
            }
            v(ValueKind::Map(out))
        }
        "coalesce" => {
            for arg in &args {
                match &arg.kind {
                    ValueKind::Expr(_) => return Ok(None),
                    ValueKind::Null => continue,
                    ValueKind::String(text) if text.is_empty() => continue,
                    _ => return Ok(Some(arg.clone())),
                }
            }
            Err(Fail)
        }
        "coalescelist" => {
            for arg in &args {
                match &arg.kind {
                    ValueKind::Expr(_) => return Ok(None),
                    ValueKind::List(items) if items.is_empty() => continue,
                    ValueKind::List(_) => return Ok(Some(arg.clone())),
                    _ => return Err(Fail),
                }
            }
            Err(Fail)
        }
        "compact" => {
            need_known!();
            let list = args.first().ok_or(Fail)?.as_list().ok_or(Fail)?;
            let items = list
                .iter()
                .filter(|i| !matches!(&i.kind, ValueKind::Null) && i.as_str() != Some(""))
                .cloned()
                .collect();
            v(ValueKind::List(items))
        }
        "distinct" | "toset" => {
            if name == "toset" && args.first().is_some_and(|a| a.as_map().is_some()) {
                return Err(Fail);
            }
            need_known!();
            let list = args.first().ok_or(Fail)?.as_list().ok_or(Fail)?;
            let mut out: Vec<Value> = Vec::new();
            for item in list {
                if !out.iter().any(|o| o.same(item)) {
                    out.push(item.clone());
                }
            }
            if name == "toset" {
                // Terraform orders sets of strings lexically.
                if out.iter().all(|i| i.as_str().is_some()) {
                    out.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
                }
            }
            v(ValueKind::List(out))
        }
        "flatten" => {
            need_shallow!();
            let mut out = Vec::new();
            flatten(args.first().ok_or(Fail)?, &mut out, 0)?;
            if out.iter().any(|i| i.as_expr().is_some()) {
                return Ok(None);
            }
            v(ValueKind::List(out))
        }
        "reverse" => {
            need_shallow!();
            let mut list = args.first().ok_or(Fail)?.as_list().ok_or(Fail)?.to_vec();
            list.reverse();
            v(ValueKind::List(list))
        }
        "slice" => {
            need_shallow!();
            let list = args.first().ok_or(Fail)?.as_list().ok_or(Fail)?;
            let start = usize::try_from(int_arg(&args, 1)?).map_err(|_| Fail)?;
            let end = usize::try_from(int_arg(&args, 2)?).map_err(|_| Fail)?;
            v(ValueKind::List(list.get(start..end).ok_or(Fail)?.to_vec()))
        }
        "sort" => {
            need_known!();
            let list = args.first().ok_or(Fail)?.as_list().ok_or(Fail)?;
            let mut items: Vec<String> = list
                .iter()
                .map(|i| i.to_display_string().ok_or(Fail))
                .collect::<Result<_, _>>()?;
            items.sort();
            v(ValueKind::List(
                items
                    .into_iter()
                    .map(|i| Value::string(i, span.clone()))
                    .collect(),
            ))
        }
        "one" => {
            need_shallow!();
            let list = args.first().ok_or(Fail)?.as_list().ok_or(Fail)?;
            match list {
                [] => v(ValueKind::Null),
                [only] => Ok(Some(only.clone())),
                _ => Err(Fail),
            }
        }
        "range" => {
            need_known!();
            let numbers: Vec<f64> = args
                .iter()
                .map(|a| to_number(a).and_then(|n| as_f64(&n)).ok_or(Fail))
                .collect::<Result<_, _>>()?;
            let (start, end, step) = match numbers.as_slice() {
                [end] => (0.0, *end, 1.0),
                [start, end] => (*start, *end, if end >= start { 1.0 } else { -1.0 }),
                [start, end, step] => (*start, *end, *step),
                _ => return Err(Fail),
            };
            if step == 0.0 || !step.is_finite() {
                return Err(Fail);
            }
            let count = ((end - start) / step).ceil();
            if !(0.0..=1_000_000.0).contains(&count) {
                return Err(Fail);
            }
            let items = (0..count as usize)
                .map(|i| Value::new(normalize_number(start + step * i as f64), span.clone()))
                .collect();
            v(ValueKind::List(items))
        }
        "chunklist" => {
            need_shallow!();
            let list = args.first().ok_or(Fail)?.as_list().ok_or(Fail)?;
            let size = usize::try_from(int_arg(&args, 1)?).map_err(|_| Fail)?;
            if size == 0 {
                return v(ValueKind::List(vec![Value::new(
                    ValueKind::List(list.to_vec()),
                    span.clone(),
                )]));
            }
            v(ValueKind::List(
                list.chunks(size)
                    .map(|c| Value::new(ValueKind::List(c.to_vec()), span.clone()))
                    .collect(),
            ))
        }
        "sum" | "min" | "max" => {
            need_known!();
            let numbers: Vec<f64> = if name == "sum" {
                args.first()
                    .ok_or(Fail)?
                    .as_list()
                    .ok_or(Fail)?
                    .iter()
                    .map(|a| to_number(a).and_then(|n| as_f64(&n)).ok_or(Fail))
                    .collect::<Result<_, _>>()?
            } else {
                args.iter()
                    .map(|a| to_number(a).and_then(|n| as_f64(&n)).ok_or(Fail))
                    .collect::<Result<_, _>>()?
            };
            let result = match name {
                "sum" => numbers.iter().sum(),
                "min" => numbers.iter().copied().reduce(f64::min).ok_or(Fail)?,
                _ => numbers.iter().copied().reduce(f64::max).ok_or(Fail)?,
            };
            v(normalize_number(result))
        }
        "abs" | "ceil" | "floor" | "signum" => {
            need_known!();
            let n = args
                .first()
                .and_then(to_number)
                .and_then(|n| as_f64(&n))
                .ok_or(Fail)?;
            v(normalize_number(match name {
                "abs" => n.abs(),
                "ceil" => n.ceil(),
                "floor" => n.floor(),
                _ => n.signum(),
            }))
        }
        "pow" => {
            need_known!();
            let a = args
                .first()
                .and_then(to_number)
                .and_then(|n| as_f64(&n))
                .ok_or(Fail)?;
            let b = args
                .get(1)
                .and_then(to_number)
                .and_then(|n| as_f64(&n))
                .ok_or(Fail)?;
            v(normalize_number(a.powf(b)))
        }
        // ---- type conversions
        "tostring" => {
            need_known!();
            let arg = args.first().ok_or(Fail)?;
            match &arg.kind {
                ValueKind::Null => Ok(Some(arg.clone())),
                _ => s(arg.to_display_string().ok_or(Fail)?),
            }
        }
        "tonumber" => {
            need_known!();
            let arg = args.first().ok_or(Fail)?;
            match &arg.kind {
                ValueKind::Null => Ok(Some(arg.clone())),
                _ => v(to_number(arg).ok_or(Fail)?),
            }
        }
        "tobool" => {
            need_known!();
            let arg = args.first().ok_or(Fail)?;
            match (&arg.kind, arg.as_str()) {
                (ValueKind::Bool(_) | ValueKind::Null, _) => Ok(Some(arg.clone())),
                (_, Some("true")) => v(ValueKind::Bool(true)),
                (_, Some("false")) => v(ValueKind::Bool(false)),
                _ => Err(Fail),
            }
        }
        "tolist" | "tomap" => {
            need_shallow!();
            let arg = args.first().ok_or(Fail)?;
            match (&arg.kind, name) {
                (ValueKind::List(_), "tolist")
                | (ValueKind::Map(_), "tomap")
                | (ValueKind::Null, _) => Ok(Some(arg.clone())),
                _ => Err(Fail),
            }
        }
        // ---- encoding
        "jsonencode" => {
            need_known!();
            let arg = args.first().ok_or(Fail)?;
            let mut out = String::new();
            json_encode(arg, &mut out);
            if scope.env.ctx.too_long(&out, &span) {
                return Err(Fail);
            }
            s(out)
        }
        "jsondecode" => {
            need_known!();
            let text = string_arg(&args, 0)?;
            let limits = scope.env.ctx.limits;
            match stet_graph::parse_json(span.file.clone(), &text, limits) {
                Ok(Some(value)) => Ok(Some(value.respanned(&span))),
                _ => Err(Fail),
            }
        }
        "base64encode" => {
            need_known!();
            s(base64_encode(string_arg(&args, 0)?.as_bytes()))
        }
        "base64decode" => {
            need_known!();
            let bytes = base64_decode(&string_arg(&args, 0)?).ok_or(Fail)?;
            s(String::from_utf8(bytes).map_err(|_| Fail)?)
        }
        "urlencode" => {
            need_known!();
            let text = string_arg(&args, 0)?;
            let mut out = String::new();
            for b in text.bytes() {
                if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                    out.push(b as char);
                } else {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
            s(out)
        }
        // ---- network
        "cidrsubnet" => {
            need_known!();
            let prefix = string_arg(&args, 0)?;
            let newbits = u32::try_from(int_arg(&args, 1)?).map_err(|_| Fail)?;
            let netnum = u128::try_from(int_arg(&args, 2)?).map_err(|_| Fail)?;
            s(cidrsubnet(&prefix, newbits, netnum).ok_or(Fail)?)
        }
        "cidrhost" => {
            need_known!();
            let prefix = string_arg(&args, 0)?;
            let hostnum = int_arg(&args, 1)?;
            s(cidrhost(&prefix, hostnum).ok_or(Fail)?)
        }
        // ---- files, relative to the root module and confined to the repository
        "file" | "fileexists" | "templatefile" => {
            need_known!();
            let path = string_arg(&args, 0)?;
            let ctx = scope.env.ctx;
            let full = normalize(&ctx.root_dir.join(&path));
            if ctx.confine.is_some() && (Path::new(&path).is_absolute() || ctx.outside(&full)) {
                ctx.warn(Error::OutsideRoot {
                    span: span.clone(),
                    target: path,
                });
                return Ok(None);
            }
            if name == "fileexists" {
                let exists = ctx.files.file_size(&full).is_ok();
                return v(ValueKind::Bool(exists));
            }
            let display: std::sync::Arc<str> = full.to_string_lossy().into();
            let text = match read_text(ctx.files, &full, &display, ctx.limits.max_file_size) {
                Ok(text) => text,
                Err(_) => return Ok(None),
            };
            if name == "file" {
                return s(text.to_string());
            }
            // templatefile(path, vars): evaluated with only `vars` in scope.
            let Some(vars) = args.get(1).and_then(Value::as_map) else {
                return Err(Fail);
            };
            let Ok(template) = hcl_edit::parser::parse_template(&text) else {
                return Ok(None);
            };
            let file = crate::source::FileText::new(display, text.clone());
            let mut inner = Scope::new(scope.env);
            for entry in vars.iter() {
                inner = inner.with(&entry.key, entry.value.clone());
            }
            match inner.template(&file, &template, &span)? {
                Some(out) => s(out),
                None => Ok(None),
            }
        }
        "basename" | "dirname" => {
            need_known!();
            let path = string_arg(&args, 0)?;
            let p = PathBuf::from(&path);
            s(if name == "basename" {
                p.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            } else {
                p.parent()
                    .map(|n| n.to_string_lossy().into_owned())
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| ".".into())
            })
        }
        _ => Ok(None),
    }
}

fn string_arg(args: &[Value], i: usize) -> Result<String, Fail> {
    args.get(i).and_then(Value::to_display_string).ok_or(Fail)
}

fn int_arg(args: &[Value], i: usize) -> Result<i64, Fail> {
    match args.get(i).and_then(to_number) {
        Some(ValueKind::Int(n)) => Ok(n),
        Some(ValueKind::Float(f)) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(f as i64),
        _ => Err(Fail),
    }
}

fn title(text: &str) -> String {
    let mut out = String::new();
    let mut start = true;
    for c in text.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        start = !c.is_alphanumeric();
    }
    out
}

fn flatten(value: &Value, out: &mut Vec<Value>, depth: usize) -> Result<(), Fail> {
    if depth > 64 {
        return Err(Fail);
    }
    match &value.kind {
        ValueKind::List(items) => {
            for item in items {
                flatten(item, out, depth + 1)?;
            }
        }
        _ if depth == 0 => return Err(Fail),
        _ => out.push(value.clone()),
    }
    Ok(())
}

/// Terraform's `format` verbs: `%s`, `%d`, `%f` (with precision), `%v`, `%q`, `%t`, `%%`,
/// and explicit argument indexes `%[1]s`.
fn format(fmt: &str, args: &[Value], max: usize) -> Result<String, Fail> {
    let mut out = String::new();
    let mut chars = fmt.chars().peekable();
    let mut next_arg = 0usize;
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        if chars.peek() == Some(&'%') {
            chars.next();
            out.push('%');
            continue;
        }
        let mut spec = String::new();
        let mut index = None;
        while let Some(&c) = chars.peek() {
            if c == '[' {
                chars.next();
                let digits: String = chars.by_ref().take_while(|c| *c != ']').collect();
                index = Some(
                    digits
                        .parse::<usize>()
                        .map_err(|_| Fail)?
                        .checked_sub(1)
                        .ok_or(Fail)?,
                );
                continue;
            }
            if c.is_ascii_alphabetic() {
                break;
            }
            spec.push(c);
            chars.next();
        }
        let verb = chars.next().ok_or(Fail)?;
        let i = index.unwrap_or(next_arg);
        next_arg = i + 1;
        let arg = args.get(i).ok_or(Fail)?;
        let text = match verb {
            's' => arg.to_display_string().ok_or(Fail)?,
            'd' => match to_number(arg).ok_or(Fail)? {
                ValueKind::Int(n) => n.to_string(),
                ValueKind::Float(f) if f.fract() == 0.0 => format_float(f),
                _ => return Err(Fail),
            },
            'f' | 'g' | 'e' => {
                let n = to_number(arg).and_then(|n| as_f64(&n)).ok_or(Fail)?;
                let precision = spec.split('.').nth(1).and_then(|p| p.parse::<usize>().ok());
                match (verb, precision) {
                    ('f', Some(p)) => format!("{n:.p$}"),
                    ('f', None) => format!("{n:.6}"),
                    _ => format_float(n),
                }
            }
            't' => arg.as_bool().ok_or(Fail)?.to_string(),
            'q' => {
                serde_json::to_string(&arg.to_display_string().ok_or(Fail)?).map_err(|_| Fail)?
            }
            'v' => match &arg.kind {
                ValueKind::List(_) | ValueKind::Map(_) => {
                    let mut s = String::new();
                    json_encode(arg, &mut s);
                    s
                }
                _ => arg.to_display_string().ok_or(Fail)?,
            },
            _ => return Err(Fail),
        };
        let width: usize = spec
            .trim_start_matches(['-', '0'])
            .split('.')
            .next()
            .and_then(|w| w.parse().ok())
            .unwrap_or(0);
        let pad = width.saturating_sub(text.chars().count()).min(1024);
        if spec.starts_with('-') {
            out.push_str(&text);
            out.push_str(&" ".repeat(pad));
        } else if spec.starts_with('0') && matches!(verb, 'd' | 'f') {
            out.push_str(&"0".repeat(pad));
            out.push_str(&text);
        } else {
            out.push_str(&" ".repeat(pad));
            out.push_str(&text);
        }
        if out.len() > max {
            return Err(Fail);
        }
    }
    Ok(out)
}

/// `jsonencode` as Terraform writes it: compact, object keys sorted, and `<`, `>`, `&`,
/// U+2028 and U+2029 escaped (Go's `encoding/json` defaults).
pub(crate) fn json_encode(value: &Value, out: &mut String) {
    encode(value, out, false);
}

/// Like [`json_encode`], with each unknown part written as a string holding its `${...}`
/// text.
pub(crate) fn json_encode_partial(value: &Value, out: &mut String) {
    encode(value, out, true);
}

fn encode(value: &Value, out: &mut String, partial: bool) {
    match &value.kind {
        ValueKind::Expr(expr) if partial => json_string(&expr.text, out),
        ValueKind::Null | ValueKind::Expr(_) => out.push_str("null"),
        ValueKind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        ValueKind::Int(i) => out.push_str(&i.to_string()),
        ValueKind::Float(f) => out.push_str(&format_float(*f)),
        ValueKind::String(s) => json_string(s, out),
        ValueKind::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                encode(item, out, partial);
            }
            out.push(']');
        }
        ValueKind::Map(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by(|a, b| a.key.cmp(&b.key));
            out.push('{');
            for (i, entry) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_string(&entry.key, out);
                out.push(':');
                encode(&entry.value, out, partial);
            }
            out.push('}');
        }
    }
}

fn json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(BASE64[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut buffer = 0u32;
    let mut bits = 0;
    for c in text.bytes().filter(|c| !c.is_ascii_whitespace()) {
        if c == b'=' {
            break;
        }
        let v = BASE64.iter().position(|b| *b == c)? as u32;
        buffer = (buffer << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((buffer >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

fn parse_cidr(prefix: &str) -> Option<(u128, u32, bool)> {
    let (addr, len) = prefix.split_once('/')?;
    let len: u32 = len.parse().ok()?;
    if let Ok(v4) = addr.parse::<std::net::Ipv4Addr>() {
        (len <= 32).then_some((u128::from(u32::from(v4)), len, false))
    } else {
        let v6 = addr.parse::<std::net::Ipv6Addr>().ok()?;
        (len <= 128).then_some((u128::from(v6), len, true))
    }
}

fn show(addr: u128, v6: bool) -> String {
    if v6 {
        std::net::Ipv6Addr::from(addr).to_string()
    } else {
        std::net::Ipv4Addr::from(u32::try_from(addr).unwrap_or(0)).to_string()
    }
}

fn cidrsubnet(prefix: &str, newbits: u32, netnum: u128) -> Option<String> {
    let (addr, len, v6) = parse_cidr(prefix)?;
    let width = if v6 { 128 } else { 32 };
    let new_len = len.checked_add(newbits)?;
    if new_len > width || newbits >= 128 || netnum >= (1u128 << newbits) {
        return None;
    }
    let host_bits = width - len;
    let mask = if host_bits >= 128 {
        0
    } else {
        !0u128 << host_bits
    };
    let base = addr & mask;
    let shift = width - new_len;
    let subnet = base | netnum.checked_shl(shift)?;
    Some(format!("{}/{}", show(subnet, v6), new_len))
}

fn cidrhost(prefix: &str, hostnum: i64) -> Option<String> {
    let (addr, len, v6) = parse_cidr(prefix)?;
    let width = if v6 { 128 } else { 32 };
    let host_bits = width - len;
    let size = if host_bits >= 127 {
        u128::MAX
    } else {
        1u128 << host_bits
    };
    let mask = if host_bits >= 128 {
        0
    } else {
        !0u128 << host_bits
    };
    let base = addr & mask;
    let offset = if hostnum < 0 {
        size.checked_sub(u128::from(hostnum.unsigned_abs()))?
    } else {
        u128::try_from(hostnum).ok()?
    };
    if offset >= size {
        return None;
    }
    Some(show(base + offset, v6))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_functions() {
        assert_eq!(
            cidrsubnet("10.0.0.0/16", 8, 2).as_deref(),
            Some("10.0.2.0/24")
        );
        assert_eq!(
            cidrsubnet("10.1.2.0/24", 4, 15).as_deref(),
            Some("10.1.2.240/28")
        );
        assert_eq!(
            cidrsubnet("fd00:fd12:3456:7890::/56", 16, 162).as_deref(),
            Some("fd00:fd12:3456:7800:a200::/72")
        );
        assert_eq!(cidrsubnet("10.0.0.0/30", 8, 0), None);
        assert_eq!(
            cidrhost("10.12.112.0/20", 16).as_deref(),
            Some("10.12.112.16")
        );
        assert_eq!(
            cidrhost("10.12.112.0/20", -2).as_deref(),
            Some("10.12.127.254")
        );
    }

    #[test]
    fn format_verbs() {
        let span = Span::file_start("x".into());
        let args = vec![
            Value::string("web", span.clone()),
            Value::new(ValueKind::Int(3), span.clone()),
        ];
        assert_eq!(format("%s-%03d %%", &args, 1000).unwrap(), "web-003 %");
        assert_eq!(format("%[2]d/%[1]s", &args, 1000).unwrap(), "3/web");
        assert!(format("%s %s %s", &args, 1000).is_err());
    }

    #[test]
    fn jsonencode_sorts_keys_and_escapes_html() {
        let span = Span::file_start("x".into());
        let mut map = Map::new();
        map.insert("b", span.clone(), Value::string("<x>", span.clone()));
        map.insert(
            "a",
            span.clone(),
            Value::new(ValueKind::Float(1.5), span.clone()),
        );
        let mut out = String::new();
        json_encode(&Value::new(ValueKind::Map(map), span), &mut out);
        assert_eq!(out, r#"{"a":1.5,"b":"\u003cx\u003e"}"#);
    }

    #[test]
    fn base64_round_trip() {
        for text in ["", "a", "ab", "abc", "hello world"] {
            assert_eq!(
                base64_decode(&base64_encode(text.as_bytes())).unwrap(),
                text.as_bytes()
            );
        }
        assert_eq!(base64_encode(b"hello"), "aGVsbG8=");
    }
}
