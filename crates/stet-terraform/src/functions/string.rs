//! String functions: case (Go's simple Unicode case mapping, as Terraform's), trimming,
//! splitting and joining, `format`/`formatlist` (Go's verbs over go-cty values), `replace`
//! (plain or `/regex/`), `regex`/`regexall` (RE2 syntax, Go's ASCII `\d \w \s \b`),
//! grapheme-aware `substr`/`strrev`, `templatestring`.

use super::{any, list_string, number, p, string, Call, FnError, FnResult, Function};
use crate::cty::{convert, Entry, Number, Type, Val};
use unicode_segmentation::UnicodeSegmentation;

pub(super) static FUNCTIONS: &[Function] = &[
    Function {
        name: "chomp",
        params: &[p("str", string)],
        variadic: None,
        returns: string,
        body: |c| {
            let s = c.str(0);
            let mut end = s.len();
            loop {
                let rest = &s[..end];
                if let Some(r) = rest.strip_suffix("\r\n") {
                    end = r.len();
                } else if let Some(r) = rest.strip_suffix('\n') {
                    end = r.len();
                } else if let Some(r) = rest.strip_suffix('\r') {
                    end = r.len();
                } else {
                    break;
                }
            }
            c.string(&s[..end])
        },
    },
    Function {
        name: "endswith",
        params: &[p("str", string), p("suffix", string)],
        variadic: None,
        returns: super::boolean,
        body: |c| c.bool(c.str(0).ends_with(c.str(1))),
    },
    Function {
        name: "format",
        params: &[p("format", string)],
        variadic: Some(p("args", any).null().unknown()),
        returns: string,
        body: |c| {
            let rest = c.args.get(1..).unwrap_or(&[]);
            if rest.iter().any(|a| !a.is_wholly_known()) {
                return super::unknown(c, Type::String);
            }
            let out = format(c.str(0), rest)?;
            c.bounded(out)
        },
    },
    Function {
        name: "formatlist",
        params: &[p("format", string)],
        variadic: Some(p("args", any).null().unknown()),
        returns: list_string,
        body: formatlist,
    },
    Function {
        name: "indent",
        params: &[p("spaces", number), p("str", string)],
        variadic: None,
        returns: string,
        body: |c| {
            let n = c.int(0)?;
            let pad = " ".repeat(usize::try_from(n).unwrap_or(0).min(1 << 20));
            c.bounded(c.str(1).replace('\n', &format!("\n{pad}")))
        },
    },
    Function {
        name: "join",
        params: &[p("separator", string)],
        variadic: Some(p("lists", list_string)),
        returns: string,
        body: |c| {
            let lists = c.args.get(1..).unwrap_or(&[]);
            if lists.is_empty() {
                return c.fail("at least one list is required");
            }
            let mut parts = Vec::new();
            for (ai, list) in lists.iter().enumerate() {
                if !list.is_wholly_known() {
                    return super::unknown(c, Type::String);
                }
                for (ei, v) in list.elements().unwrap_or_default().iter().enumerate() {
                    match v.as_str() {
                        Some(s) => parts.push(s.to_string()),
                        None if lists.len() > 1 => {
                            return Err(FnError::Arg(
                                ai + 1,
                                format!(
                                "element {ei} of list {} is null; cannot concatenate null values",
                                ai + 1
                            ),
                            ))
                        }
                        None => {
                            return Err(FnError::Arg(
                                ai + 1,
                                format!("element {ei} is null; cannot concatenate null values"),
                            ))
                        }
                    }
                }
            }
            c.bounded(parts.join(c.str(0)))
        },
    },
    Function {
        name: "lower",
        params: &[p("str", string)],
        variadic: None,
        returns: string,
        body: |c| c.string(go_lower(c.str(0))),
    },
    Function {
        name: "regex",
        params: &[p("pattern", string), p("string", string)],
        variadic: None,
        returns: any,
        body: |c| {
            let (re, ty) = compile_capturing(c.str(0))?;
            let text = c.str(1);
            let Some(caps) = re.captures(text) else {
                return c.fail("pattern did not match any part of the given string");
            };
            Ok(capture_value(&re, &caps, &ty, c))
        },
    },
    Function {
        name: "regexall",
        params: &[p("pattern", string), p("string", string)],
        variadic: None,
        returns: super::list_any,
        body: |c| {
            let (re, ty) = compile_capturing(c.str(0))?;
            let items: Vec<Val> = re
                .captures_iter(c.str(1))
                .map(|caps| capture_value(&re, &caps, &ty, c))
                .collect();
            Ok(Val::list(ty, items, c.span.clone()))
        },
    },
    Function {
        name: "replace",
        params: &[p("str", string), p("substr", string), p("replace", string)],
        variadic: None,
        returns: string,
        body: |c| {
            let (text, from, to) = (c.str(0), c.str(1), c.str(2));
            let out = if from.len() > 1 && from.starts_with('/') && from.ends_with('/') {
                let re = go_regex(&from[1..from.len() - 1]).map_err(FnError::Call)?;
                re.replace_all(text, to).into_owned()
            } else if from.is_empty() {
                // Go's strings.Replace with an empty old string inserts at every rune boundary.
                let mut out = String::from(to);
                for ch in text.chars() {
                    out.push(ch);
                    out.push_str(to);
                }
                out
            } else {
                text.replace(from, to)
            };
            c.bounded(out)
        },
    },
    Function {
        name: "split",
        params: &[p("separator", string), p("str", string)],
        variadic: None,
        returns: list_string,
        body: |c| {
            let (sep, text) = (c.str(0), c.str(1));
            let parts: Vec<String> = if sep.is_empty() {
                // Go's strings.Split with an empty separator splits into UTF-8 sequences.
                text.chars().map(String::from).collect()
            } else {
                text.split(sep).map(str::to_string).collect()
            };
            c.list_of_strings(parts)
        },
    },
    Function {
        name: "startswith",
        params: &[p("str", string).unknown(), p("prefix", string)],
        variadic: None,
        returns: super::boolean,
        body: |c| {
            let prefix = c.str(1);
            match c.arg(0).as_str() {
                Some(s) => c.bool(s.starts_with(prefix)),
                None if prefix.is_empty() => c.bool(true),
                None => super::unknown(c, Type::Bool),
            }
        },
    },
    Function {
        name: "strcontains",
        params: &[p("str", string), p("substr", string)],
        variadic: None,
        returns: super::boolean,
        body: |c| c.bool(c.str(0).contains(c.str(1))),
    },
    Function {
        name: "strrev",
        params: &[p("str", string)],
        variadic: None,
        returns: string,
        body: |c| c.string(c.str(0).graphemes(true).rev().collect::<String>()),
    },
    Function {
        name: "substr",
        params: &[p("str", string), p("offset", number), p("length", number)],
        variadic: None,
        returns: string,
        body: |c| {
            let text = c.str(0);
            let mut offset = c.int(1)?;
            let length = c.int(2)?;
            let clusters: Vec<&str> = text.graphemes(true).collect();
            let total = clusters.len() as i64;
            if offset < 0 {
                offset += total;
            } else if length == 0 {
                return c.string("");
            }
            // cty walks clusters from the start; an offset past the end gives "".
            let start = offset.max(0);
            if start > 0 && start >= total {
                return c.string("");
            }
            let start = start as usize;
            let rest = clusters.get(start..).unwrap_or(&[]);
            let out: String = if length < 0 {
                rest.concat()
            } else {
                let n = usize::try_from(length).unwrap_or(usize::MAX).max(1);
                rest.iter().take(n).copied().collect()
            };
            c.string(out)
        },
    },
    Function {
        name: "templatestring",
        params: &[p("template", string), p("vars", any)],
        variadic: None,
        returns: string,
        body: |c| {
            super::template::render(
                c,
                "<templatestring argument>",
                c.str(0),
                c.arg(1),
                "templatestring",
            )
        },
    },
    Function {
        name: "title",
        params: &[p("str", string)],
        variadic: None,
        returns: string,
        body: |c| c.string(go_title(c.str(0))),
    },
    Function {
        name: "trim",
        params: &[p("str", string), p("cutset", string)],
        variadic: None,
        returns: string,
        body: |c| {
            let cut: Vec<char> = c.str(1).chars().collect();
            c.string(c.str(0).trim_matches(|ch| cut.contains(&ch)))
        },
    },
    Function {
        name: "trimprefix",
        params: &[p("str", string), p("prefix", string)],
        variadic: None,
        returns: string,
        body: |c| c.string(c.str(0).strip_prefix(c.str(1)).unwrap_or(c.str(0))),
    },
    Function {
        name: "trimspace",
        params: &[p("str", string)],
        variadic: None,
        returns: string,
        body: |c| c.string(c.str(0).trim_matches(go_space)),
    },
    Function {
        name: "trimsuffix",
        params: &[p("str", string), p("suffix", string)],
        variadic: None,
        returns: string,
        body: |c| c.string(c.str(0).strip_suffix(c.str(1)).unwrap_or(c.str(0))),
    },
    Function {
        name: "upper",
        params: &[p("str", string)],
        variadic: None,
        returns: string,
        body: |c| c.string(go_upper(c.str(0))),
    },
];

/// Go's `unicode.IsSpace`.
pub(crate) fn go_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{85}' | '\u{a0}'
    ) || (c as u32 > 0xff && c.is_whitespace())
}

/// Go's `strings.ToUpper`: each character's simple uppercase mapping (one character for
/// one: `ß` stays `ß`, where Rust's full mapping gives `SS`).
pub(crate) fn go_upper(s: &str) -> String {
    s.chars().map(simple_upper).collect()
}

/// Go's `strings.ToLower`: each character's simple lowercase mapping.
pub(crate) fn go_lower(s: &str) -> String {
    s.chars().map(simple_lower).collect()
}

fn simple_upper(c: char) -> char {
    if let Some(&(_, to)) = SPECIAL_UPPER.iter().find(|(from, _)| *from == c) {
        return to;
    }
    let mut up = c.to_uppercase();
    match (up.next(), up.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

fn simple_lower(c: char) -> char {
    if c == '\u{130}' {
        // İ: the simple mapping is `i` (the full one adds a combining dot).
        return 'i';
    }
    let mut low = c.to_lowercase();
    match (low.next(), low.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// Characters whose full uppercase mapping is several characters but whose simple mapping
/// is one other character (Unicode's UnicodeData.txt; Go uses the simple one): Greek
/// letters with a subscript iota become their titlecase forms.
const SPECIAL_UPPER: &[(char, char)] = &[
    ('\u{1f80}', '\u{1f88}'),
    ('\u{1f81}', '\u{1f89}'),
    ('\u{1f82}', '\u{1f8a}'),
    ('\u{1f83}', '\u{1f8b}'),
    ('\u{1f84}', '\u{1f8c}'),
    ('\u{1f85}', '\u{1f8d}'),
    ('\u{1f86}', '\u{1f8e}'),
    ('\u{1f87}', '\u{1f8f}'),
    ('\u{1f90}', '\u{1f98}'),
    ('\u{1f91}', '\u{1f99}'),
    ('\u{1f92}', '\u{1f9a}'),
    ('\u{1f93}', '\u{1f9b}'),
    ('\u{1f94}', '\u{1f9c}'),
    ('\u{1f95}', '\u{1f9d}'),
    ('\u{1f96}', '\u{1f9e}'),
    ('\u{1f97}', '\u{1f9f}'),
    ('\u{1fa0}', '\u{1fa8}'),
    ('\u{1fa1}', '\u{1fa9}'),
    ('\u{1fa2}', '\u{1faa}'),
    ('\u{1fa3}', '\u{1fab}'),
    ('\u{1fa4}', '\u{1fac}'),
    ('\u{1fa5}', '\u{1fad}'),
    ('\u{1fa6}', '\u{1fae}'),
    ('\u{1fa7}', '\u{1faf}'),
    ('\u{1fb3}', '\u{1fbc}'),
    ('\u{1fc3}', '\u{1fcc}'),
    ('\u{1ff3}', '\u{1ffc}'),
    ('\u{1f88}', '\u{1f88}'),
];

/// Go's `strings.Title`: the first letter of each word in title case, words separated by
/// what Go's `isSeparator` calls separators.
fn go_title(s: &str) -> String {
    let mut prev = ' ';
    s.chars()
        .map(|c| {
            let out = if is_separator(prev) {
                simple_title(c)
            } else {
                c
            };
            prev = c;
            out
        })
        .collect()
}

fn simple_title(c: char) -> char {
    match c {
        'Ǆ' | 'ǅ' | 'ǆ' => 'ǅ',
        'Ǉ' | 'ǈ' | 'ǉ' => 'ǈ',
        'Ǌ' | 'ǋ' | 'ǌ' => 'ǋ',
        'Ǳ' | 'ǲ' | 'ǳ' => 'ǲ',
        _ => simple_upper(c),
    }
}

fn is_separator(c: char) -> bool {
    if c.is_ascii() {
        return !(c.is_ascii_alphanumeric() || c == '_');
    }
    if c.is_alphabetic() || c.is_numeric() {
        return false;
    }
    go_space(c)
}

/// Compiles an RE2 pattern as Go's `regexp` reads it: `\d`, `\w`, `\s` and `\b` are ASCII
/// (Rust's are Unicode by default).
///
/// Compiled patterns are kept per thread: real modules call `replace(x, "/[^a-z0-9-]/", "")`
/// in every instance of every module call, and compiling a pattern costs far more than
/// matching it.
pub(crate) fn go_regex(pattern: &str) -> Result<regex::Regex, String> {
    thread_local! {
        static COMPILED: std::cell::RefCell<std::collections::HashMap<String, Result<regex::Regex, String>>> =
            std::cell::RefCell::new(std::collections::HashMap::new());
    }
    /// Patterns kept per thread before the cache starts over.
    const KEPT: usize = 512;
    if let Some(known) = COMPILED.with(|c| c.borrow().get(pattern).cloned()) {
        return known;
    }
    let compiled = regex::Regex::new(&translate_go_regex(pattern)).map_err(|e| {
        format!(
            "error parsing pattern: {}",
            e.to_string().lines().last().unwrap_or("invalid")
        )
    });
    COMPILED.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= KEPT {
            c.clear();
        }
        c.insert(pattern.to_owned(), compiled.clone());
    });
    compiled
}

fn translate_go_regex(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars().peekable();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(n) = chars.next() else {
                    out.push('\\');
                    break;
                };
                let class = match n {
                    'd' => Some(("0-9", false)),
                    'D' => Some(("0-9", true)),
                    'w' => Some(("0-9A-Za-z_", false)),
                    'W' => Some(("0-9A-Za-z_", true)),
                    's' => Some(("\\t\\n\\f\\r ", false)),
                    'S' => Some(("\\t\\n\\f\\r ", true)),
                    _ => None,
                };
                match (class, in_class) {
                    (Some((set, false)), true) => out.push_str(set),
                    // A negated class inside a class: Rust accepts nested classes.
                    (Some((set, true)), true) => {
                        out.push_str("[^");
                        out.push_str(set);
                        out.push(']');
                    }
                    (Some((set, neg)), false) => {
                        out.push('[');
                        if neg {
                            out.push('^');
                        }
                        out.push_str(set);
                        out.push(']');
                    }
                    (None, false) if n == 'b' => out.push_str("(?-u:\\b)"),
                    (None, false) if n == 'B' => out.push_str("(?-u:\\B)"),
                    _ => {
                        out.push('\\');
                        out.push(n);
                    }
                }
            }
            '[' if !in_class => {
                in_class = true;
                out.push('[');
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
                if chars.peek() == Some(&']') {
                    out.push_str("\\]");
                    chars.next();
                }
            }
            '[' if in_class && chars.peek() == Some(&':') => {
                // A POSIX class such as [:alpha:].
                out.push('[');
                for d in chars.by_ref() {
                    out.push(d);
                    if d == ']' {
                        break;
                    }
                }
            }
            '[' => out.push_str("\\["),
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            c => out.push(c),
        }
    }
    out
}

/// The compiled pattern and the type `regex` gives for it: a string with no capture
/// groups, a tuple of strings for unnamed groups, an object for named ones.
fn compile_capturing(pattern: &str) -> Result<(regex::Regex, Type), FnError> {
    let re = go_regex(pattern).map_err(|m| FnError::Arg(0, m))?;
    let names: Vec<Option<&str>> = re.capture_names().skip(1).collect();
    let named = names.iter().filter(|n| n.is_some()).count();
    let unnamed = names.len() - named;
    let ty = match (unnamed, named) {
        (0, 0) => Type::String,
        (u, n) if u > 0 && n > 0 => {
            return Err(FnError::Arg(
                0,
                "invalid regexp pattern: cannot mix both named and unnamed capture groups".into(),
            ))
        }
        (u, _) if u > 0 => Type::Tuple(vec![Type::String; u]),
        _ => Type::object(
            names
                .iter()
                .flatten()
                .map(|n| (n.to_string(), Type::String))
                .collect(),
        ),
    };
    Ok((re, ty))
}

fn capture_value(
    re: &regex::Regex,
    caps: &regex::Captures<'_>,
    ty: &Type,
    c: &Call<'_, '_, '_>,
) -> Val {
    let span = c.span.clone();
    let group = |i: usize| match caps.get(i) {
        Some(m) => Val::string(m.as_str(), span.clone()),
        None => Val::null(Type::String, span.clone()),
    };
    match ty {
        Type::String => group(0),
        Type::Tuple(items) => Val::tuple((1..=items.len()).map(group).collect(), span.clone()),
        _ => Val::object(
            re.capture_names()
                .enumerate()
                .filter_map(|(i, n)| n.map(|n| (i, n)))
                .map(|(i, n)| Entry {
                    key: n.to_string(),
                    key_span: span.clone(),
                    value: group(i),
                })
                .collect(),
            span.clone(),
        ),
    }
}

fn formatlist(c: &Call<'_, '_, '_>) -> FnResult {
    let fmt = c.str(0);
    let rest = c.args.get(1..).unwrap_or(&[]);
    if rest.is_empty() {
        let out = format(fmt, &[])?;
        return c.list_of_strings(vec![out]);
    }
    let mut len: Option<(usize, usize)> = None;
    for (i, arg) in rest.iter().enumerate() {
        let seq =
            matches!(arg.ty(), Type::List(_) | Type::Set(_) | Type::Tuple(_)) && !arg.is_null();
        if seq {
            if !matches!(arg.ty(), Type::Tuple(_)) && !arg.is_known() {
                return super::unknown(c, Type::list(Type::String));
            }
            let this = arg.len().unwrap_or(0);
            match len {
                None => len = Some((this, i)),
                Some((l, chooser)) if l != this => {
                    return Err(FnError::Arg(
                        i + 1,
                        format!(
                            "argument {} has length {this}, which is inconsistent with argument {} of length {l}",
                            i + 1,
                            chooser + 1
                        ),
                    ))
                }
                _ => {}
            }
            if !arg.is_known() {
                return super::unknown(c, Type::list(Type::String));
            }
        } else if !arg.is_known() && arg.ty() == Type::Dynamic {
            return super::unknown(c, Type::list(Type::String));
        }
    }
    let n = len.map_or(1, |(l, _)| l);
    let mut out = Vec::with_capacity(n);
    for row in 0..n {
        let mut args = Vec::with_capacity(rest.len());
        for arg in rest {
            let seq =
                matches!(arg.ty(), Type::List(_) | Type::Set(_) | Type::Tuple(_)) && !arg.is_null();
            let v = if seq {
                arg.elements().and_then(|e| e.get(row)).cloned()
            } else {
                Some(arg.clone())
            };
            args.push(v.unwrap_or_else(|| Val::null(Type::Dynamic, c.span.clone())));
        }
        if args.iter().any(|a| !a.is_wholly_known()) {
            out.push(Val::unknown(Type::String, c.span.clone()));
            continue;
        }
        let text = format(fmt, &args).map_err(|e| match e {
            FnError::Call(m) | FnError::Arg(_, m) => {
                FnError::Call(format!("error on format iteration {row}: {m}"))
            }
        })?;
        out.push(Val::string(text, c.span.clone()));
    }
    if n == 0 {
        return Ok(Val::list(Type::String, Vec::new(), c.span.clone()));
    }
    Ok(Val::list(Type::String, out, c.span.clone()))
}

#[derive(Default)]
struct Verb {
    arg: usize,
    mode: char,
    zero: bool,
    sharp: bool,
    plus: bool,
    minus: bool,
    space: bool,
    width: Option<usize>,
    prec: Option<usize>,
    raw: String,
    offset: usize,
}

/// cty's `format`: Go-style verbs over cty values.
pub(crate) fn format(fmt: &str, args: &[Val]) -> Result<String, FnError> {
    let bytes = fmt.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    let mut next_arg = 1usize;
    let mut highest = 0usize;
    while i < bytes.len() {
        let Some(&b) = bytes.get(i) else { break };
        if b != b'%' {
            let ch = fmt[i..].chars().next().unwrap_or(' ');
            out.push(ch);
            i += ch.len_utf8();
            continue;
        }
        if bytes.get(i + 1) == Some(&b'%') {
            out.push('%');
            i += 2;
            continue;
        }
        let start = i;
        i += 1;
        let mut v = Verb {
            arg: next_arg,
            ..Verb::default()
        };
        while let Some(&f) = bytes.get(i) {
            match f {
                b'0' => v.zero = true,
                b'#' => v.sharp = true,
                b'-' => v.minus = true,
                b'+' => v.plus = true,
                b' ' => v.space = true,
                _ => break,
            }
            i += 1;
        }
        if matches!(bytes.get(i), Some(b'1'..=b'9')) {
            let mut w = 0usize;
            while let Some(d @ b'0'..=b'9') = bytes.get(i) {
                w = w.saturating_mul(10).saturating_add(usize::from(d - b'0'));
                i += 1;
            }
            v.width = Some(w);
        }
        if bytes.get(i) == Some(&b'.') {
            i += 1;
            let mut pr = 0usize;
            while let Some(d @ b'0'..=b'9') = bytes.get(i) {
                pr = pr.saturating_mul(10).saturating_add(usize::from(d - b'0'));
                i += 1;
            }
            v.prec = Some(pr);
        }
        if bytes.get(i) == Some(&b'[') {
            i += 1;
            if !matches!(bytes.get(i), Some(b'1'..=b'9')) {
                return Err(FnError::Call(format!(
                    "unrecognized format character {:?} at offset {i}",
                    char_at(fmt, i)
                )));
            }
            let mut n = 0usize;
            while let Some(d @ b'0'..=b'9') = bytes.get(i) {
                n = n.saturating_mul(10).saturating_add(usize::from(d - b'0'));
                i += 1;
            }
            if bytes.get(i) != Some(&b']') {
                return Err(FnError::Call(format!(
                    "unrecognized format character {:?} at offset {i}",
                    char_at(fmt, i)
                )));
            }
            i += 1;
            v.arg = n;
        }
        match bytes.get(i) {
            Some(m) if m.is_ascii_alphabetic() => {
                v.mode = *m as char;
                i += 1;
            }
            Some(_) => {
                return Err(FnError::Call(format!(
                    "unrecognized format character {:?} at offset {i}",
                    char_at(fmt, i)
                )))
            }
            None => {
                return Err(FnError::Call(format!(
                    "invalid format string starting at offset {start}"
                )))
            }
        }
        v.raw = fmt[start..i].to_string();
        v.offset = start;
        highest = highest.max(v.arg);
        append(&v, &mut out, args)?;
        next_arg = v.arg + 1;
    }
    if highest < args.len() {
        let first_bad = highest + 1;
        if highest == 0 {
            return Err(FnError::Arg(
                first_bad,
                "too many arguments; no verbs in format string".into(),
            ));
        }
        return Err(FnError::Arg(
            first_bad,
            format!("too many arguments; only {highest} used by format string"),
        ));
    }
    Ok(out)
}

fn char_at(s: &str, i: usize) -> char {
    s.get(i..).and_then(|r| r.chars().next()).unwrap_or(' ')
}

fn append(v: &Verb, out: &mut String, args: &[Val]) -> Result<(), FnError> {
    let Some(arg) = v.arg.checked_sub(1).and_then(|i| args.get(i)) else {
        return Err(FnError::Call(format!(
            "not enough arguments for {:?} at {}: need index {} but have {} total",
            v.raw,
            v.offset,
            v.arg,
            args.len()
        )));
    };
    if v.mode != 'v' && arg.is_null() {
        return Err(FnError::Call(format!(
            "unsupported value for {:?} at {}: null value cannot be formatted",
            v.raw, v.offset
        )));
    }
    let unsupported = |m: String| {
        FnError::Call(format!(
            "unsupported value for {:?} at {}: {m}",
            v.raw, v.offset
        ))
    };
    match v.mode {
        'v' => {
            if !v.sharp && !arg.is_null() {
                if let Some(s) = arg.as_str() {
                    out.push_str(&pad(v, s.to_string()));
                    return Ok(());
                }
                if let Some(n) = arg.as_number() {
                    out.push_str(&pad(v, n.text_g_shortest()));
                    return Ok(());
                }
            }
            let json = super::json::json_encode(arg).map_err(unsupported)?;
            out.push_str(&pad(v, json));
        }
        't' => {
            let b = convert(arg.clone(), &Type::Bool).map_err(unsupported)?;
            out.push_str(if b.as_bool() == Some(true) {
                "true"
            } else {
                "false"
            });
        }
        'b' | 'd' | 'o' | 'x' | 'X' | 'e' | 'E' | 'f' | 'g' | 'G' => {
            let n = convert(arg.clone(), &Type::Number).map_err(unsupported)?;
            let Some(n) = n.as_number() else {
                return Err(unsupported("a number is required".into()));
            };
            if matches!(v.mode, 'b' | 'd' | 'o' | 'x' | 'X') {
                if !n.is_int() {
                    return Err(unsupported("an integer is required".into()));
                }
                out.push_str(&format_int(v, n));
            } else {
                out.push_str(&format_float(v, n));
            }
        }
        's' | 'q' => {
            let s = convert(arg.clone(), &Type::String).map_err(unsupported)?;
            let mut text = s.as_str().unwrap_or_default().to_string();
            if let Some(p) = v.prec.filter(|p| *p > 0) {
                text = text.graphemes(true).take(p).collect();
            }
            if v.mode == 'q' {
                text = super::json::json_string(&text);
            }
            out.push_str(&pad(v, text));
        }
        m => {
            return Err(FnError::Call(format!(
                "unsupported format verb {m:?} in {:?} at offset {}",
                v.raw, v.offset
            )))
        }
    }
    Ok(())
}

/// cty's `formatPadWidth`: pads to the width in grapheme clusters.
fn pad(v: &Verb, s: String) -> String {
    let Some(width) = v.width else { return s };
    let len = s.graphemes(true).count();
    if len >= width {
        return s;
    }
    let fill = if v.zero { "0" } else { " " }.repeat(width - len);
    if v.minus {
        s + &fill
    } else {
        fill + &s
    }
}

/// Go's `big.Int` formatting for `%b %d %o %x %X` with flags, width and precision.
fn format_int(v: &Verb, n: &Number) -> String {
    let i = n.trunc().unwrap_or_default();
    let neg = i.sign() == num_bigint::Sign::Minus;
    let base = match v.mode {
        'b' => 2,
        'o' => 8,
        'x' | 'X' => 16,
        _ => 10,
    };
    let mut digits = i.magnitude().to_str_radix(base);
    if v.mode == 'X' {
        digits = digits.to_uppercase();
    }
    let sign = if neg {
        "-"
    } else if v.plus {
        "+"
    } else if v.space {
        " "
    } else {
        ""
    };
    let prefix = if v.sharp {
        match v.mode {
            'b' => "0b",
            'o' => "0",
            'x' => "0x",
            'X' => "0X",
            _ => "",
        }
    } else {
        ""
    };
    let mut zeros = 0;
    if let Some(p) = v.prec {
        if digits.len() < p {
            zeros = p - digits.len();
        } else if digits == "0" && p == 0 {
            return String::new();
        }
    }
    let length = sign.len() + prefix.len() + zeros + digits.len();
    let (mut left, mut right) = (0, 0);
    if let Some(w) = v.width.filter(|w| length < *w) {
        let d = w - length;
        if v.minus {
            right = d;
        } else if v.zero && v.prec.is_none() {
            zeros = d;
        } else {
            left = d;
        }
    }
    format!(
        "{}{sign}{prefix}{}{digits}{}",
        " ".repeat(left),
        "0".repeat(zeros),
        " ".repeat(right)
    )
}

/// Go's `big.Float.Format` for `%e %E %f %g %G`.
fn format_float(v: &Verb, n: &Number) -> String {
    let (mode, prec) = match v.mode {
        'g' | 'G' => (v.mode, v.prec.map_or(-1, |p| p as i64)),
        m => (m, v.prec.map_or(6, |p| p as i64)),
    };
    let body = n.format(mode, prec);
    let (sign, body) = if let Some(b) = body.strip_prefix('-') {
        ("-", b.to_string())
    } else if let Some(b) = body.strip_prefix('+') {
        (if v.space { " " } else { "+" }, b.to_string())
    } else if v.plus {
        ("+", body)
    } else if v.space {
        (" ", body)
    } else {
        ("", body)
    };
    let padding = v
        .width
        .filter(|w| *w > sign.len() + body.len())
        .map_or(0, |w| w - sign.len() - body.len());
    if v.zero && !n.is_inf() {
        format!("{sign}{}{body}", "0".repeat(padding))
    } else if v.minus {
        format!("{sign}{body}{}", " ".repeat(padding))
    } else {
        format!("{}{sign}{body}", " ".repeat(padding))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use stet_graph::Span;

    fn s(text: &str) -> Val {
        Val::string(text, Span::file_start("t".into()))
    }
    fn n(text: &str) -> Val {
        Val::number(Number::parse(text).unwrap(), Span::file_start("t".into()))
    }

    fn fmt(f: &str, args: &[Val]) -> String {
        format(f, args).unwrap_or_else(|e| match e {
            FnError::Arg(_, m) | FnError::Call(m) => format!("ERR {m}"),
        })
    }

    #[test]
    fn format_verbs() {
        assert_eq!(fmt("%s-%d", &[s("a"), n("3")]), "a-3");
        assert_eq!(fmt("%05.2f", &[n("3.14159")]), "03.14");
        assert_eq!(
            fmt("%x %X %o %b", &[n("255"), n("255"), n("8"), n("5")]),
            "ff FF 10 101"
        );
        assert_eq!(fmt("%#x", &[n("255")]), "0xff");
        assert_eq!(fmt("%q", &[s("a\"b")]), "\"a\\\"b\"");
        assert_eq!(fmt("%[2]s %[1]s", &[s("a"), s("b")]), "b a");
        assert_eq!(fmt("%-4s|", &[s("a")]), "a   |");
        assert_eq!(fmt("%v", &[n("1234567")]), "1.234567e+06");
        assert_eq!(fmt("%t", &[s("true")]), "true");
        assert!(fmt("%d", &[n("1.5")]).starts_with("ERR"));
        assert!(fmt("%s", &[s("a"), s("b")]).contains("too many arguments"));
    }

    #[test]
    fn go_regex_is_ascii() {
        let re = go_regex(r"^\d+$").unwrap();
        assert!(re.is_match("123"));
        assert!(!re.is_match("١٢٣"));
        assert!(go_regex(r"[\w-]+").unwrap().is_match("a-b"));
    }

    #[test]
    fn go_case_mapping() {
        assert_eq!(go_upper("straße"), "STRAßE");
        assert_eq!(go_lower("İ"), "i");
        assert_eq!(go_title("hello world-foo_bar"), "Hello World-Foo_bar");
    }
}
