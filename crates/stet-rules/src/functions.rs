//! The built-in functions of the rule language, with cfn-guard 3.2.1's semantics: one table
//! of [`Function`]s grouped by family as cfn-guard's documentation groups them — strings,
//! collections, converters — and the date functions it has but does not document. Each
//! takes the values of its arguments' queries and returns values. Names and argument counts
//! are checked against the table when a file is parsed (an unknown name is an error at the
//! call); here a call computes, passes over values of kinds it does not take, and fails the
//! way cfn-guard fails — a value it cannot convert makes the clause unevaluatable
//! (`parse_int('x')`), a malformed argument stops the evaluation. `docs/rule-language.md`
//! lists the same functions, and a test keeps the table, that list and cfn-guard's
//! documentation in agreement.

use crate::eval::{Fault, R};
use crate::literal::{Lit, LitKind};
use crate::value::{Node, QueryResult, View};
use std::rc::Rc;
use stet_graph::Span;

/// A built-in function: its name, how many arguments it takes, and what it computes from
/// the values of its arguments.
pub(crate) struct Function {
    pub name: &'static str,
    pub arity: usize,
    pub body: for<'a> fn(&Call<'_, 'a>) -> R<Vec<Node<'a>>>,
}

/// The string functions (cfn-guard's "String Manipulation").
const STRINGS: &[Function] = &[
    Function {
        name: "json_parse",
        arity: 1,
        body: json_parse,
    },
    Function {
        name: "regex_replace",
        arity: 3,
        body: regex_replace,
    },
    Function {
        name: "join",
        arity: 2,
        body: join,
    },
    Function {
        name: "to_lower",
        arity: 1,
        body: to_lower,
    },
    Function {
        name: "to_upper",
        arity: 1,
        body: to_upper,
    },
    Function {
        name: "substring",
        arity: 3,
        body: substring,
    },
    Function {
        name: "url_decode",
        arity: 1,
        body: url_decode,
    },
];

/// The collection functions.
const COLLECTIONS: &[Function] = &[Function {
    name: "count",
    arity: 1,
    body: count,
}];

/// The converter functions.
const CONVERTERS: &[Function] = &[
    Function {
        name: "parse_float",
        arity: 1,
        body: parse_float,
    },
    Function {
        name: "parse_int",
        arity: 1,
        body: parse_int,
    },
    Function {
        name: "parse_boolean",
        arity: 1,
        body: parse_boolean,
    },
    Function {
        name: "parse_string",
        arity: 1,
        body: parse_string,
    },
    Function {
        name: "parse_char",
        arity: 1,
        body: parse_char,
    },
];

/// The date and time functions (in cfn-guard 3.2.1 and its tests, not in its documentation).
const DATES: &[Function] = &[
    Function {
        name: "now",
        arity: 0,
        body: now,
    },
    Function {
        name: "parse_epoch",
        arity: 1,
        body: parse_epoch,
    },
];

/// Every function, by family as cfn-guard's documentation groups them.
fn table() -> impl Iterator<Item = &'static Function> {
    STRINGS
        .iter()
        .chain(COLLECTIONS)
        .chain(CONVERTERS)
        .chain(DATES)
}

/// The functions' names, sorted, for messages.
pub(crate) fn names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = table().map(|f| f.name).collect();
    names.sort_unstable();
    names
}

fn lookup(name: &str) -> Option<&'static Function> {
    table().find(|f| f.name == name)
}

/// The number of arguments `name` takes, or `None` when there is no such function.
pub(crate) fn arity(name: &str) -> Option<usize> {
    lookup(name).map(|f| f.arity)
}

/// A call: the values of its arguments and where it is written.
pub(crate) struct Call<'c, 'a> {
    name: &'static str,
    args: &'c [Vec<QueryResult<'a>>],
    /// The call in the rule file.
    span: &'c Span,
}

impl<'c, 'a> Call<'c, 'a> {
    /// The values of the first argument, the query the function works on.
    fn values(&self) -> &'c [QueryResult<'a>] {
        self.args.first().map_or(&[], Vec::as_slice)
    }

    /// The first argument's values that are values (not unresolved results).
    fn nodes(&self) -> impl Iterator<Item = &'c Node<'a>> {
        self.values().iter().filter_map(QueryResult::node)
    }

    /// The first value of argument `n`; cfn-guard stops (a panic) when an argument selected
    /// nothing, and so does this, with an error.
    fn first(&self, n: usize) -> R<&'c QueryResult<'a>> {
        match self.args.get(n).and_then(|a| a.first()) {
            Some(v) => Ok(v),
            None => error(format!(
                "{}: argument {} selected no value",
                self.name,
                n + 1
            )),
        }
    }

    /// Where the first argument's first value is (the call itself when it has none).
    fn first_place(&self) -> Span {
        self.values()
            .first()
            .map(|v| match v {
                QueryResult::Resolved(n) | QueryResult::Literal(n) => n.span().clone(),
                QueryResult::Unresolved(ur) => ur.traversed_to.span().clone(),
            })
            .unwrap_or_else(|| self.span.clone())
    }
}

fn unevaluatable<T>(message: String) -> R<T> {
    Err(Fault::Unevaluatable(message, None))
}

fn error<T>(message: String) -> R<T> {
    Err(Fault::Error(message, None))
}

/// A computed value at `span`.
fn make<'a>(kind: LitKind, span: &Span) -> Node<'a> {
    Node::OwnedLit(Rc::new(Lit {
        kind,
        span: span.clone(),
    }))
}

/// Calls `name` on the values of its arguments (`span` is the call in the rule file). The
/// parser refuses a name that is not in the table, so an unknown one here is an error at
/// the call.
pub(crate) fn call<'a>(
    name: &str,
    args: &[Vec<QueryResult<'a>>],
    span: &Span,
) -> R<Vec<QueryResult<'a>>> {
    let Some(f) = lookup(name) else {
        return Err(Fault::Error(
            format!("no function named `{name}`"),
            Some(span.clone()),
        ));
    };
    let call = Call {
        name: f.name,
        args,
        span,
    };
    let out = (f.body)(&call)?;
    Ok(out.into_iter().map(QueryResult::Resolved).collect())
}

/// `count(query)`: how many values the query resolved, at its first value.
fn count<'a>(c: &Call<'_, 'a>) -> R<Vec<Node<'a>>> {
    let n = c.nodes().count();
    Ok(vec![make(
        LitKind::Int(i64::try_from(n).unwrap_or(i64::MAX)),
        &c.first_place(),
    )])
}

/// `json_parse(query)`: each string parsed as YAML or JSON.
fn json_parse<'a>(c: &Call<'_, 'a>) -> R<Vec<Node<'a>>> {
    let mut out = Vec::new();
    for v in c.nodes() {
        if let Some(s) = v.as_str() {
            match crate::data::parse_test_yaml(v.span().file.clone(), s) {
                // Each part where it was written, when the document knows (a
                // Terraform heredoc's lines, the value a `jsonencode` encoded);
                // else at the string.
                Ok(Some(value)) => out.push(Node::OwnedDoc(Rc::new(match v.document() {
                    Some(string) => string.place_decoded(value),
                    None => value.respanned(v.span()),
                }))),
                Ok(None) => out.push(make(LitKind::Null, v.span())),
                Err(e) => return error(format!("json_parse: {e}")),
            }
        }
    }
    Ok(out)
}

/// Argument `n` of `regex_replace`, which must be a string (`which` names it in messages).
fn string_argument(c: &Call<'_, '_>, n: usize, which: &str) -> R<String> {
    match c
        .first(n)?
        .node()
        .and_then(|n| n.as_str().map(str::to_string))
    {
        Some(s) => Ok(s),
        None => error(format!("{}: the {which} argument must be a string", c.name)),
    }
}

/// `regex_replace(query, pattern, replacement)`: for each string, the expansions of
/// `replacement` for each match.
fn regex_replace<'a>(c: &Call<'_, 'a>) -> R<Vec<Node<'a>>> {
    let pattern = string_argument(c, 1, "second")?;
    let replacement = string_argument(c, 2, "third")?;
    // Compiled once, at the first string (a pattern with no string to apply to is
    // not compiled, so its errors do not show).
    let mut compiled = None;
    let mut out = Vec::new();
    for v in c.nodes() {
        let Some(s) = v.as_str() else { continue };
        if compiled.is_none() {
            compiled = Some(
                crate::literal::compile_regex(&pattern)
                    .map_err(|e| Fault::Error(format!("regex_replace: {e}"), None))?,
            );
        }
        let Some(regex) = compiled.as_ref() else {
            continue;
        };
        // cfn-guard keeps only the expansion of each match, not the text around it.
        let mut replaced = String::new();
        for captures in regex.captures_iter(s) {
            let captures =
                captures.map_err(|e| Fault::Error(format!("regex_replace: {e}"), None))?;
            captures.expand(&replacement, &mut replaced);
        }
        out.push(make(LitKind::String(replaced), v.span()));
    }
    Ok(out)
}

/// Argument `n` of `substring`, an offset into the string (`which` names it in messages).
fn offset_argument(c: &Call<'_, '_>, n: usize, which: &str) -> R<usize> {
    let value = match c.first(n)?.node().map(Node::view) {
        Some(View::Int(i)) => i,
        Some(View::Float(f)) if f.is_finite() => f as i64,
        _ => return error(format!("substring: the {which} argument must be a number")),
    };
    usize::try_from(value).or_else(|_| {
        error(format!(
            "substring: the {which} argument must be an offset into the string, which {value} is not"
        ))
    })
}

/// `substring(query, from, to)`: characters `from..to` of each string long enough.
fn substring<'a>(c: &Call<'_, 'a>) -> R<Vec<Node<'a>>> {
    let from = offset_argument(c, 1, "second")?;
    let to = offset_argument(c, 2, "third")?;
    let mut out = Vec::new();
    for v in c.nodes() {
        let Some(s) = v.as_str() else { continue };
        let length = s.chars().count();
        if !s.is_empty() && from < to && from <= length && to <= length {
            let sub: String = s.chars().skip(from).take(to - from).collect();
            out.push(make(LitKind::String(sub), v.span()));
        }
    }
    Ok(out)
}

/// Each string of the first argument converted by `convert`.
fn each_string<'a>(c: &Call<'_, 'a>, convert: impl Fn(&str) -> Option<String>) -> Vec<Node<'a>> {
    c.nodes()
        .filter_map(|v| Some(make(LitKind::String(convert(v.as_str()?)?), v.span())))
        .collect()
}

/// `to_upper(query)`.
fn to_upper<'a>(c: &Call<'_, 'a>) -> R<Vec<Node<'a>>> {
    Ok(each_string(c, |s| Some(s.to_uppercase())))
}

/// `to_lower(query)`.
fn to_lower<'a>(c: &Call<'_, 'a>) -> R<Vec<Node<'a>>> {
    Ok(each_string(c, |s| Some(s.to_lowercase())))
}

/// `url_decode(query)`: each string percent-decoded.
fn url_decode<'a>(c: &Call<'_, 'a>) -> R<Vec<Node<'a>>> {
    Ok(each_string(c, percent_decode))
}

/// `join(query, delimiter)`: the strings joined, at the first one.
fn join<'a>(c: &Call<'_, 'a>) -> R<Vec<Node<'a>>> {
    let delimiter = match c.first(1)?.node().map(Node::view) {
        Some(View::Str(s)) => s.to_string(),
        Some(View::Char(ch)) => ch.to_string(),
        _ => return error("join: the second argument must be a string or a character".into()),
    };
    let values = c.values();
    let mut parts = Vec::with_capacity(values.len());
    for v in values {
        match v {
            QueryResult::Resolved(n) | QueryResult::Literal(n) => match n.as_str() {
                Some(s) => parts.push(s.to_string()),
                None => {
                    return unevaluatable(format!(
                        "join: cannot join a {} ({})",
                        n.type_name(),
                        n.describe()
                    ))
                }
            },
            QueryResult::Unresolved(ur) => {
                return unevaluatable(format!(
                    "join: a value to join did not resolve ({})",
                    ur.reason
                ))
            }
        }
    }
    Ok(vec![make(
        LitKind::String(parts.join(&delimiter)),
        &c.first_place(),
    )])
}

/// Each value of the first argument converted by `convert`, which skips a value of a kind
/// it does not take (`Ok(None)`) and fails on one it cannot convert.
fn each_converted<'a>(
    c: &Call<'_, 'a>,
    convert: impl Fn(View<'_>) -> R<Option<LitKind>>,
) -> R<Vec<Node<'a>>> {
    let mut out = Vec::new();
    for v in c.nodes() {
        if let Some(kind) = convert(v.view())? {
            out.push(make(kind, v.span()));
        }
    }
    Ok(out)
}

/// `parse_int(query)`.
fn parse_int<'a>(c: &Call<'_, 'a>) -> R<Vec<Node<'a>>> {
    each_converted(c, |view| {
        Ok(Some(match view {
            View::Str(s) => match s.parse::<i64>() {
                Ok(i) => LitKind::Int(i),
                Err(_) => {
                    return unevaluatable(format!(
                        "parse_int: cannot convert the string {s:?} into an integer"
                    ))
                }
            },
            View::Int(i) => LitKind::Int(i),
            View::Char(ch) => match ch.to_digit(10) {
                Some(d) => LitKind::Int(i64::from(d)),
                None => {
                    return unevaluatable(format!(
                        "parse_int: cannot convert the character {ch:?} into an integer"
                    ))
                }
            },
            View::Float(f) => LitKind::Int(f as i64),
            _ => return Ok(None),
        }))
    })
}

/// `parse_float(query)`.
fn parse_float<'a>(c: &Call<'_, 'a>) -> R<Vec<Node<'a>>> {
    each_converted(c, |view| {
        Ok(Some(match view {
            View::Str(s) => match s.parse::<f64>() {
                Ok(f) => LitKind::Float(f),
                Err(_) => {
                    return unevaluatable(format!(
                        "parse_float: cannot convert the string {s:?} into a float"
                    ))
                }
            },
            View::Int(i) => LitKind::Float(i as f64),
            View::Float(f) => LitKind::Float(f),
            View::Char(ch) => match ch.to_digit(10) {
                Some(d) => LitKind::Float(f64::from(d)),
                None => {
                    return unevaluatable(format!(
                        "parse_float: cannot convert the character {ch:?} into a float"
                    ))
                }
            },
            _ => return Ok(None),
        }))
    })
}

/// `parse_boolean(query)`.
fn parse_boolean<'a>(c: &Call<'_, 'a>) -> R<Vec<Node<'a>>> {
    each_converted(c, |view| {
        Ok(Some(match view {
            View::Bool(b) => LitKind::Bool(b),
            View::Str(s) => match s.to_lowercase().as_str() {
                "true" => LitKind::Bool(true),
                "false" => LitKind::Bool(false),
                _ => {
                    return unevaluatable(format!(
                        "parse_boolean: cannot convert the string {s:?} into a boolean"
                    ))
                }
            },
            _ => return Ok(None),
        }))
    })
}

/// `parse_string(query)`.
fn parse_string<'a>(c: &Call<'_, 'a>) -> R<Vec<Node<'a>>> {
    each_converted(c, |view| {
        Ok(Some(LitKind::String(match view {
            View::Int(i) => i.to_string(),
            View::Float(f) => f.to_string(),
            View::Bool(b) => b.to_string(),
            View::Str(s) => s.to_string(),
            View::Char(ch) => ch.to_string(),
            _ => return Ok(None),
        })))
    })
}

/// `parse_char(query)`.
fn parse_char<'a>(c: &Call<'_, 'a>) -> R<Vec<Node<'a>>> {
    each_converted(c, |view| {
        Ok(Some(match view {
            View::Int(i) => match u32::try_from(i)
                .ok()
                .filter(|d| *d <= 9)
                .and_then(|d| char::from_digit(d, 10))
            {
                Some(ch) => LitKind::Char(ch),
                None => {
                    return unevaluatable(format!(
                        "parse_char: cannot convert the integer {i} into a character"
                    ))
                }
            },
            View::Str(s) => {
                if s.len() > 1 {
                    return unevaluatable(format!(
                        "parse_char: cannot convert the string {s:?} into a character"
                    ));
                }
                match s.chars().next() {
                    Some(ch) => LitKind::Char(ch),
                    None => return Ok(None),
                }
            }
            View::Char(ch) => LitKind::String(ch.to_string()),
            _ => return Ok(None),
        }))
    })
}

/// `parse_epoch(query)`: seconds since the epoch of each RFC 3339 time.
fn parse_epoch<'a>(c: &Call<'_, 'a>) -> R<Vec<Node<'a>>> {
    let mut out = Vec::new();
    for v in c.nodes() {
        let Some(s) = v.as_str() else { continue };
        match parse_rfc3339(s) {
            Some(epoch) => out.push(make(LitKind::Int(epoch), v.span())),
            None => {
                return unevaluatable(format!(
                    "parse_epoch: {s:?} is not an RFC 3339 date and time"
                ))
            }
        }
    }
    Ok(out)
}

/// `now()`: seconds since the epoch, at the call.
fn now<'a>(c: &Call<'_, 'a>) -> R<Vec<Node<'a>>> {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    Ok(vec![make(LitKind::Int(seconds), c.span)])
}

/// Percent-decoding as the `urlencoding` crate does it: `%XX` becomes the byte, a malformed
/// escape stays as written, `+` stays `+`; `None` when the bytes are not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    let hex = |b: u8| (b as char).to_digit(16);
    while let Some(&b) = bytes.get(i) {
        if b != b'%' {
            out.push(b);
            i += 1;
            continue;
        }
        match (bytes.get(i + 1), bytes.get(i + 2)) {
            (Some(&h), Some(&l)) => match (hex(h), hex(l)) {
                (Some(h), Some(l)) => {
                    out.push(u8::try_from(h * 16 + l).unwrap_or(0));
                    i += 3;
                }
                (Some(_), None) => {
                    out.extend_from_slice(&[b'%', h]);
                    i += 2;
                }
                (None, _) => {
                    out.push(b'%');
                    i += 1;
                }
            },
            _ => {
                out.extend_from_slice(bytes.get(i..).unwrap_or(&[]));
                break;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// Seconds since the epoch for an RFC 3339 date and time (`2024-01-31T12:00:00Z`,
/// `2024-01-31t12:00:00.5+02:00`, `2024-01-31 12:00:00-05:00`); `None` for anything else.
fn parse_rfc3339(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let digits = |from: usize, n: usize| -> Option<i64> {
        let part = s.get(from..from + n)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())
            .flatten()
    };
    let year = digits(0, 4)?;
    (b.get(4) == Some(&b'-')).then_some(())?;
    let month = digits(5, 2)?;
    (b.get(7) == Some(&b'-')).then_some(())?;
    let day = digits(8, 2)?;
    matches!(b.get(10), Some(b'T' | b't' | b' ')).then_some(())?;
    let hour = digits(11, 2)?;
    (b.get(13) == Some(&b':')).then_some(())?;
    let minute = digits(14, 2)?;
    (b.get(16) == Some(&b':')).then_some(())?;
    let second = digits(17, 2)?;
    let mut at = 19;
    if b.get(at) == Some(&b'.') {
        at += 1;
        let start = at;
        while b.get(at).is_some_and(u8::is_ascii_digit) {
            at += 1;
        }
        (at > start).then_some(())?;
    }
    let offset = match b.get(at) {
        Some(b'Z' | b'z') => {
            at += 1;
            0
        }
        Some(sign @ (b'+' | b'-')) => {
            let h = digits(at + 1, 2)?;
            (b.get(at + 3) == Some(&b':')).then_some(())?;
            let m = digits(at + 4, 2)?;
            (h < 24 && m < 60).then_some(())?;
            at += 6;
            let total = h * 3600 + m * 60;
            if *sign == b'-' {
                -total
            } else {
                total
            }
        }
        _ => return None,
    };
    (at == b.len()).then_some(())?;
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (day >= 1 && day <= days_in_month && hour < 24 && minute < 60 && second <= 60).then_some(())?;
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let doy = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    // A leap second is read as the next second, as chrono reads it.
    Some(days * 86_400 + hour * 3600 + minute * 60 + second - offset)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::path::Path;

    /// The functions `docs/rule-language.md` lists: the names in the first column of the
    /// table under `## Functions`.
    fn documented_by_stet() -> BTreeSet<String> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/rule-language.md");
        let text = std::fs::read_to_string(&path).expect("docs/rule-language.md");
        let section = text
            .split("\n## Functions\n")
            .nth(1)
            .and_then(|rest| rest.split("\n## ").next())
            .expect("docs/rule-language.md has a `## Functions` section");
        section
            .lines()
            .filter_map(|line| line.strip_prefix("| "))
            .filter(|row| row.starts_with('`'))
            .filter_map(|row| row.split(" |").next())
            .flat_map(|cell| cell.split('`').skip(1).step_by(2))
            .filter_map(|code| code.split('(').next())
            .map(str::to_string)
            .collect()
    }

    /// The functions cfn-guard 3.2.1 has: those its documentation describes (a `### name`
    /// heading in `docs/FUNCTIONS.md`) and those its own function tests call (`= name(`;
    /// `now` and `parse_epoch` are not documented). `None` where the shared copy is absent.
    fn cfn_guards() -> Option<BTreeSet<String>> {
        let base = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/conformance/cloudformation-guard");
        let Ok(docs) = std::fs::read_to_string(base.join("docs/FUNCTIONS.md")) else {
            eprintln!("skipped: {} is absent", base.display());
            return None;
        };
        let mut names: BTreeSet<String> = docs
            .lines()
            .filter_map(|line| line.strip_prefix("### "))
            .map(|name| name.trim().to_string())
            .collect();
        let tests = base.join("guard/resources/validate/functions/rules");
        for entry in std::fs::read_dir(&tests).expect("cfn-guard's function tests") {
            let text = std::fs::read_to_string(entry.expect("a directory entry").path())
                .expect("a rule file");
            for (at, _) in text.match_indices('(') {
                let before = text.get(..at).unwrap_or_default();
                let name_start = before
                    .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .map_or(0, |i| i + 1);
                let name = before.get(name_start..).unwrap_or_default();
                if !name.is_empty()
                    && before
                        .get(..name_start)
                        .unwrap_or_default()
                        .trim_end()
                        .ends_with('=')
                {
                    names.insert(name.to_string());
                }
            }
        }
        Some(names)
    }

    #[test]
    fn table_docs_and_cfn_guard_list_the_same_functions() {
        let table: BTreeSet<String> = names().into_iter().map(str::to_string).collect();
        assert_eq!(table.len(), names().len(), "a name is in the table twice");
        assert_eq!(
            documented_by_stet(),
            table,
            "docs/rule-language.md's function table and the function table differ"
        );
        if let Some(theirs) = cfn_guards() {
            assert_eq!(
                theirs, table,
                "cfn-guard's functions (documented or tested) and the function table differ"
            );
        }
    }

    #[test]
    fn unknown_function_is_an_error_at_the_call() {
        let span = Span::file_start("rules.guard".into());
        match call("nope", &[], &span) {
            Err(Fault::Error(message, Some(at))) => {
                assert_eq!(message, "no function named `nope`");
                assert_eq!(at, span);
            }
            _ => panic!("an unknown function is not a located error"),
        }
    }

    #[test]
    fn epoch_parsing() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339("2024-01-31T12:00:00Z"), Some(1_706_702_400));
        assert_eq!(
            parse_rfc3339("2024-01-31T14:00:00+02:00"),
            Some(1_706_702_400)
        );
        assert_eq!(
            parse_rfc3339("2024-01-31t12:00:00.25z"),
            Some(1_706_702_400)
        );
        assert_eq!(parse_rfc3339("2024-02-30T00:00:00Z"), None);
        assert_eq!(parse_rfc3339("2024-01-31"), None);
    }

    #[test]
    fn url_decoding_keeps_plus_and_malformed_escapes() {
        assert_eq!(percent_decode("a%20b+c%2Fd").as_deref(), Some("a b+c/d"));
        assert_eq!(percent_decode("%zz%4").as_deref(), Some("%zz%4"));
        assert_eq!(percent_decode("%ff"), None);
    }
}
