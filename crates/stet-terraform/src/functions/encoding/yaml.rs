//! `yamldecode` and `yamlencode` as go-cty-yaml 1.1 does them.
//!
//! Decoding reads one document (saphyr's parser gives the events libyaml gives) and
//! resolves plain scalars by go-cty-yaml's table: `y`/`yes`/`on` and their opposites are
//! booleans, `~` and `null` null, integers in decimal, `0x`, `0o` (and `_` separators),
//! floats, `.inf`, and timestamps rewritten as RFC 3339 strings; mappings become objects
//! (`<<` merges another mapping in), sequences tuples, aliases repeat their anchor's value.
//!
//! Encoding writes what libyaml's emitter writes for go-cty-yaml's events: block
//! collections indented by two (a sequence inside a mapping not indented), `[]` and `{}`
//! when empty, keys sorted, strings double-quoted (folded past column 80) or as literal
//! blocks when they hold a line break, numbers in full decimal, and `...` after a
//! document that ends with a plain scalar or a kept final line break.

use super::super::datetime::{days_in, Time};
use super::super::{Call, FnError, FnResult};
use crate::cty::{go_quote, Entry, Kind, Type, Val};
use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Span as YamlSpan};
use std::collections::HashMap;
use stet_graph::Span;

const TAG_PREFIX: &str = "tag:yaml.org,2002:";

/// A problem, with the place go-cty-yaml names (its line is libyaml's, counted from 0;
/// none on the first line).
struct YamlError {
    line: usize,
    column: usize,
    message: String,
}

impl YamlError {
    fn at(span: &YamlSpan, message: impl Into<String>) -> YamlError {
        YamlError {
            line: span.start.line().saturating_sub(1),
            column: span.start.col() + 1,
            message: message.into(),
        }
    }

    fn bare(message: impl Into<String>) -> YamlError {
        YamlError {
            line: 0,
            column: 0,
            message: message.into(),
        }
    }

    fn text(&self) -> String {
        if self.line == 0 {
            self.message.clone()
        } else {
            format!(
                "on line {}, column {}: {}",
                self.line, self.column, self.message
            )
        }
    }
}

/// go-cty-yaml's `Unmarshal` over the events of one document.
struct Decoder<'a> {
    parser: Parser<'a, saphyr_parser::StrInput<'a>>,
    span: Span,
    anchors: HashMap<usize, Val>,
    pending: Vec<usize>,
    nodes: usize,
    max_nodes: usize,
    /// The text's length in characters.
    chars: usize,
    /// Whether the text ends in a line with content and no line break.
    open_last_line: bool,
}

impl<'a> Decoder<'a> {
    fn next(&mut self) -> Result<(Event<'a>, YamlSpan), YamlError> {
        match self.parser.next_event() {
            Some(Ok(pair)) => Ok(pair),
            Some(Err(e)) => Err(scan_error(&e)),
            None => Ok((Event::StreamEnd, YamlSpan::default())),
        }
    }

    fn count(&mut self, span: &YamlSpan) -> Result<(), YamlError> {
        self.nodes += 1;
        if self.nodes > self.max_nodes {
            return Err(YamlError::at(span, "too many values"));
        }
        Ok(())
    }

    fn document(&mut self) -> Result<Val, YamlError> {
        let (event, span) = self.next()?;
        if !matches!(event, Event::StreamStart) {
            return Err(YamlError::at(&span, "missing stream start token"));
        }
        let (event, span) = self.next()?;
        if !matches!(event, Event::DocumentStart(_)) {
            return Err(YamlError::at(&span, "missing start of document"));
        }
        let (event, span) = self.next()?;
        let value = self.node(event, &span)?;
        let (event, span) = self.next()?;
        match event {
            Event::DocumentEnd => {}
            Event::DocumentStart(_) => {
                return Err(YamlError::at(&span, "only a single document is allowed"))
            }
            _ => return Err(YamlError::at(&span, "unexpected extra content after value")),
        }
        let (event, span) = self.next()?;
        if !matches!(event, Event::StreamEnd) {
            return Err(YamlError::at(&span, "unexpected extra content after value"));
        }
        Ok(value)
    }

    fn node(&mut self, event: Event<'a>, span: &YamlSpan) -> Result<Val, YamlError> {
        self.count(span)?;
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                let tag = tag.map(|t| format!("{}{}", t.handle, t.suffix));
                // libyaml ends a block scalar on the last line of a text that has no final
                // line break without one; saphyr adds it.
                let block = matches!(style, ScalarStyle::Literal | ScalarStyle::Folded);
                let text = match text.strip_suffix('\n') {
                    Some(t) if block && self.open_last_line && span.end.index() >= self.chars => {
                        t.to_string().into()
                    }
                    _ => text,
                };
                let value = resolve_scalar(tag.as_deref().unwrap_or(""), &text, style, &self.span)
                    .map_err(|m| YamlError::at(span, m))?;
                let value = match value {
                    Resolved::Value(v) => v,
                    Resolved::Merge => Val::string("<<", self.span.clone()),
                };
                // go-cty-yaml types an untagged scalar that is not plain (quoted, or a
                // block) as a string, and converts what it resolved to into one.
                let value = if tag.is_none() && !matches!(style, ScalarStyle::Plain) {
                    crate::cty::convert(value, &Type::String).map_err(|m| YamlError::at(span, m))?
                } else {
                    value
                };
                if anchor > 0 {
                    self.anchors.insert(anchor, value.clone());
                }
                Ok(value)
            }
            Event::Alias(id) => {
                if self.pending.contains(&id) {
                    return Err(YamlError::at(
                        span,
                        "cannot refer to anchor from inside its own definition",
                    ));
                }
                self.anchors
                    .get(&id)
                    .cloned()
                    .ok_or_else(|| YamlError::at(span, "reference to undefined anchor"))
            }
            Event::MappingStart(anchor, tag) => {
                let tag = tag.map(|t| format!("{}{}", t.handle, t.suffix));
                if let Some(t) = tag.filter(|t| t != &format!("{TAG_PREFIX}map")) {
                    return Err(YamlError::at(
                        span,
                        format!("can't interpret mapping as {t}"),
                    ));
                }
                self.pending.push(anchor);
                let value = self.mapping()?;
                self.pending.retain(|&a| a != anchor);
                if anchor > 0 {
                    self.anchors.insert(anchor, value.clone());
                }
                Ok(value)
            }
            Event::SequenceStart(anchor, tag) => {
                let tag = tag.map(|t| format!("{}{}", t.handle, t.suffix));
                if let Some(t) = tag.filter(|t| t != &format!("{TAG_PREFIX}seq")) {
                    return Err(YamlError::at(
                        span,
                        format!("can't interpret sequence as {t}"),
                    ));
                }
                self.pending.push(anchor);
                let mut items = Vec::new();
                loop {
                    let (event, item_span) = self.next()?;
                    if matches!(event, Event::SequenceEnd) {
                        break;
                    }
                    items.push(self.node(event, &item_span)?);
                }
                self.pending.retain(|&a| a != anchor);
                let value = Val::tuple(items, self.span.clone());
                if anchor > 0 {
                    self.anchors.insert(anchor, value.clone());
                }
                Ok(value)
            }
            Event::DocumentStart(_) => {
                Err(YamlError::at(span, "only a single document is allowed"))
            }
            Event::StreamEnd => Err(YamlError::at(
                span,
                "expecting value but found end of stream",
            )),
            _ => Err(YamlError::at(span, "unexpected parser event")),
        }
    }

    fn mapping(&mut self) -> Result<Val, YamlError> {
        let mut entries: Vec<Entry> = Vec::new();
        let put = |entries: &mut Vec<Entry>, key: String, value: Val, span: &Span| match entries
            .iter_mut()
            .find(|e| e.key == key)
        {
            Some(e) => e.value = value,
            None => entries.push(Entry {
                key,
                key_span: span.clone(),
                value,
            }),
        };
        loop {
            let (event, key_span) = self.next()?;
            let (text, style, tag) = match event {
                Event::MappingEnd => return Ok(Val::object(entries, self.span.clone())),
                Event::Scalar(text, style, _, tag) => (text, style, tag),
                _ => {
                    return Err(YamlError::at(
                        &key_span,
                        "only strings are allowed as mapping keys",
                    ))
                }
            };
            self.count(&key_span)?;
            let tag = tag.map(|t| format!("{}{}", t.handle, t.suffix));
            let key = resolve_scalar(tag.as_deref().unwrap_or(""), &text, style, &self.span)
                .map_err(YamlError::bare)?;
            let key = match key {
                Resolved::Merge => {
                    let (event, span) = self.next()?;
                    let merged = self.node(event, &span)?;
                    let Some(more) = merged
                        .entries()
                        .filter(|_| matches!(merged.ty(), Type::Object(_) | Type::Map(_)))
                    else {
                        return Err(YamlError::at(
                            &key_span,
                            format!("cannot merge {} into mapping", merged.ty().friendly_name()),
                        ));
                    };
                    for e in more {
                        put(&mut entries, e.key.clone(), e.value.clone(), &self.span);
                    }
                    continue;
                }
                Resolved::Value(v) => v,
            };
            let key = match &key.kind {
                Kind::String(s) => s.clone(),
                Kind::Bool(b) => b.to_string(),
                Kind::Number(n) => n.text(),
                Kind::Null(_) => {
                    return Err(YamlError::at(&key_span, "mapping key cannot be null"))
                }
                _ => {
                    return Err(YamlError::at(
                        &key_span,
                        "only strings are allowed as mapping keys",
                    ))
                }
            };
            let (event, span) = self.next()?;
            let value = self.node(event, &span)?;
            put(&mut entries, key, value, &self.span);
        }
    }
}

/// A syntax error, placed as go-cty-yaml places libyaml's: a parser error at its line
/// (counted from 0) and column, a scanner error at the start of its line (counted from 1)
/// unless it is on the first line.
fn scan_error(e: &ScanError) -> YamlError {
    let info = e.info();
    let (parser, message) = match info.strip_prefix("while parsing ") {
        Some(rest) => (true, rest.split_once(", ").map_or(rest, |(_, m)| m)),
        None => (false, info),
    };
    let line = e.marker().line();
    if parser {
        YamlError {
            line: line.saturating_sub(1),
            column: e.marker().col() + 1,
            message: message.to_string(),
        }
    } else {
        YamlError {
            line: if line > 1 { line } else { 0 },
            column: 1,
            message: message.to_string(),
        }
    }
}

/// `yamldecode`.
pub(super) fn decode(c: &Call<'_, '_, '_>, text: &str) -> FnResult {
    if beyond_parser(text) {
        return super::super::unknown(c, Type::Dynamic);
    }
    if !has_content(text) {
        // libyaml's end of stream is at the start of the line after the text.
        let text = if text.is_empty() { "\n" } else { text };
        let breaks = text.replace("\r\n", "\n").matches(['\n', '\r']).count();
        let line = breaks + usize::from(!text.ends_with(['\n', '\r']));
        return c.fail(format!(
            "on line {line}, column 1: missing start of document"
        ));
    }
    // A last line of blanks without a line break adds nothing for libyaml.
    let text = match text.rfind(['\n', '\r']) {
        Some(i)
            if text
                .get(i + 1..)
                .is_some_and(|l| l.trim_matches([' ', '\t']).is_empty()) =>
        {
            text.get(..=i).unwrap_or(text)
        }
        _ => text,
    };
    let src = if text.is_empty() { "\n" } else { text };
    let mut decoder = Decoder {
        parser: Parser::new_from_str(src),
        span: c.span.clone(),
        anchors: HashMap::new(),
        pending: Vec::new(),
        nodes: 0,
        max_nodes: c.scope.ctx.limits.max_yaml_nodes,
        chars: src.chars().count(),
        open_last_line: !src.ends_with(['\n', '\r'])
            && src
                .rsplit(['\n', '\r'])
                .next()
                .is_some_and(|last| !last.trim_matches([' ', '\t']).is_empty()),
    };
    match decoder.document() {
        Ok(v) => Ok(v),
        Err(e) if e.message == "too many values" => super::super::unknown(c, Type::Dynamic),
        Err(e) => Err(FnError::Call(e.text())),
    }
}

/// Whether `text` has something libyaml (YAML 1.1) and saphyr (YAML 1.2) read apart:
/// the 1.1 line breaks U+0085, U+2028 and U+2029, a tab or `%` starting a line, an
/// anchor or alias whose name is not libyaml's letters, digits, `_` and `-`, or a lone
/// `?` in a flow collection. Such text
/// is left unknown rather than risk a value Terraform would not give.
fn beyond_parser(text: &str) -> bool {
    if text.contains(['\u{85}', '\u{2028}', '\u{2029}']) {
        return true;
    }
    let odd_line = text.split(['\n', '\r']).any(|line| {
        let rest = line.trim_start_matches(' ');
        rest.starts_with('\t') || line.starts_with('%')
    });
    let odd_anchor = text.char_indices().any(|(i, ch)| {
        let starts_token = i == 0
            || text
                .get(..i)
                .and_then(|before| before.chars().last())
                .is_some_and(|b| matches!(b, ' ' | '\t' | '\n' | '\r' | '[' | '{' | ','));
        if !(starts_token && (ch == '&' || ch == '*')) {
            return false;
        }
        let name: String = text
            .get(i + 1..)
            .unwrap_or_default()
            .chars()
            .take_while(|c| !matches!(c, ' ' | '\t' | '\n' | '\r' | ',' | ']' | '}'))
            .collect();
        name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    });
    // A `?` alone in a flow collection opens a mapping with an empty key for libyaml.
    let bytes = text.as_bytes();
    let lone_question = bytes.iter().enumerate().any(|(i, &b)| {
        b == b'?'
            && matches!(
                bytes.get(i + 1),
                None | Some(b' ' | b',' | b']' | b'}' | b'\n')
            )
            && bytes
                .get(..i)
                .and_then(|before| before.iter().rev().find(|&&c| c != b' '))
                .is_some_and(|&c| matches!(c, b'[' | b'{' | b','))
    });
    odd_line || odd_anchor || lone_question
}

/// Whether `text` holds anything but blank lines and comments (libyaml finds no
/// document in it otherwise).
fn has_content(text: &str) -> bool {
    text.split(['\n', '\r']).any(|line| {
        let rest = line.trim_matches([' ', '\t', '\r']);
        !rest.is_empty() && !rest.starts_with('#')
    })
}

/// A resolved scalar: a value, or the merge key `<<`.
enum Resolved {
    Value(Val),
    Merge,
}

/// go-cty-yaml's `resolveScalar`.
fn resolve_scalar(
    tag: &str,
    src: &str,
    style: ScalarStyle,
    span: &Span,
) -> Result<Resolved, String> {
    let s = |text: &str| Ok(Resolved::Value(Val::string(text, span.clone())));
    let full = |short: &str| format!("{TAG_PREFIX}{short}");
    let known = [
        "",
        "str",
        "bool",
        "int",
        "float",
        "null",
        "timestamp",
        "binary",
    ];
    let short = tag.strip_prefix(TAG_PREFIX);
    if !(tag.is_empty() || short.is_some_and(|t| known.contains(&t))) {
        return Err(format!("unsupported tag {}", go_quote(tag)));
    }
    let short = short.unwrap_or("");
    let hint = match src.as_bytes().first() {
        None => b'N',
        Some(b'+' | b'-') => b'S',
        Some(b'0'..=b'9') => b'D',
        Some(b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~') => b'M',
        Some(b'.') => b'.',
        Some(_) => 0,
    };
    let mut short = short.to_string();
    if hint != 0 && short != "str" && short != "binary" {
        if matches!(style, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted) {
            return s(src);
        }
        if let Some(v) = table(src, span) {
            return Ok(Resolved::Value(v));
        }
        if tag.is_empty() && matches!(src, ".nan" | ".NaN" | ".NAN") {
            return Err("floating point NaN is not supported".into());
        }
        match hint {
            b'.' => {
                if let Some(n) = crate::cty::Number::parse(src) {
                    return Ok(Resolved::Value(Val::number(n, span.clone())));
                }
            }
            b'D' | b'S' => {
                if short.is_empty() || short == "timestamp" {
                    if let Some(t) = parse_timestamp(src) {
                        return s(&t.rfc3339());
                    }
                }
                if is_int_literal(src) {
                    short = "int".into();
                } else if is_float_literal(src) {
                    short = "float".into();
                }
            }
            _ => {}
        }
    }
    if tag.is_empty() && src == "<<" {
        return Ok(Resolved::Merge);
    }
    match short.as_str() {
        "str" => s(src),
        "binary" => match super::go_base64_decode(src) {
            Ok(_) => s(src),
            Err(_) => Err(format!(
                "cannot parse {} as {}: not valid base64",
                go_quote(src),
                full("binary")
            )),
        },
        "bool" => match table(src, span) {
            Some(v) if v.as_bool().is_some() => Ok(Resolved::Value(v)),
            _ => Err(format!(
                "cannot parse {} as {}",
                go_quote(src),
                full("bool")
            )),
        },
        "int" | "float" => {
            let plain = src.replace('_', "");
            if let Some(n) = crate::cty::Number::parse(&plain) {
                return Ok(Resolved::Value(Val::number(n, span.clone())));
            }
            match go_parse_int(&plain) {
                Some(n) => Ok(Resolved::Value(Val::number(
                    crate::cty::Number::from_bigint(&n.into()),
                    span.clone(),
                ))),
                None => Err(format!(
                    "cannot parse {} as {}",
                    go_quote(src),
                    full(&short)
                )),
            }
        }
        "timestamp" => match parse_timestamp(src) {
            Some(t) => s(&t.rfc3339()),
            None => Err(format!(
                "cannot parse {} as {}",
                go_quote(src),
                full("timestamp")
            )),
        },
        "null" => Ok(Resolved::Value(Val::null(Type::Dynamic, span.clone()))),
        _ => s(src),
    }
}

/// go-cty-yaml's table of words: booleans, nulls and infinities.
fn table(src: &str, span: &Span) -> Option<Val> {
    let span = span.clone();
    Some(match src {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            Val::bool(true, span)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Val::bool(false, span)
        }
        "" | "~" | "null" | "Null" | "NULL" => Val::null(Type::Dynamic, span),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            Val::number(crate::cty::Number::infinity(false), span)
        }
        "-.inf" | "-.Inf" | "-.INF" => Val::number(crate::cty::Number::infinity(true), span),
        _ => return None,
    })
}

/// `[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+`
fn is_int_literal(s: &str) -> bool {
    let digits = |t: &str, ok: fn(&u8) -> bool| !t.is_empty() && t.as_bytes().iter().all(ok);
    if let Some(h) = s.strip_prefix("0x") {
        return digits(h, u8::is_ascii_hexdigit);
    }
    if let Some(o) = s.strip_prefix("0o") {
        return digits(o, |b| (b'0'..=b'7').contains(b));
    }
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    digits(unsigned, u8::is_ascii_digit)
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
fn is_float_literal(s: &str) -> bool {
    let b = s.strip_prefix(['-', '+']).unwrap_or(s).as_bytes();
    let int_len = b.iter().take_while(|c| c.is_ascii_digit()).count();
    let mut i = int_len;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let frac = b.iter().skip(i).take_while(|c| c.is_ascii_digit()).count();
        if int_len == 0 && frac == 0 {
            return false;
        }
        i += frac;
    } else if int_len == 0 {
        return false;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        let exp = b.iter().skip(i).take_while(|c| c.is_ascii_digit()).count();
        if exp == 0 {
            return false;
        }
        i += exp;
    }
    i == b.len()
}

/// Go's `strconv.ParseInt(s, 0, 64)`, then `ParseUint` (prefixes `0x`, `0o`, `0b`, and a
/// leading `0` for octal).
fn go_parse_int(s: &str) -> Option<i128> {
    let (neg, rest) = match s.as_bytes().first() {
        Some(b'-') => (true, s.get(1..)?),
        Some(b'+') => (false, s.get(1..)?),
        _ => (false, s),
    };
    let lower = rest.to_ascii_lowercase();
    let (base, digits) = if let Some(d) = lower.strip_prefix("0x") {
        (16, d.to_string())
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d.to_string())
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d.to_string())
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, lower[1..].to_string())
    } else {
        (10, lower.clone())
    };
    if digits.is_empty() {
        return None;
    }
    let magnitude = u64::from_str_radix(&digits, base).ok()?;
    let value = if neg {
        -i128::from(magnitude)
    } else {
        i128::from(magnitude)
    };
    // ParseInt's range, or ParseUint's for an unsigned number.
    let fits = i64::try_from(value).is_ok() || (!neg && !s.starts_with('+'));
    fits.then_some(value)
}

/// go-cty-yaml's `parseTimestamp`: four digits and `-`, then one of its layouts
/// (`2006-1-2T15:4:5.999999999Z07:00`, with `t`, with spaces and no zone, date only).
fn parse_timestamp(s: &str) -> Option<Time> {
    let b = s.as_bytes();
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if digits != 4 || b.get(4) != Some(&b'-') {
        return None;
    }
    let year: i64 = s.get(..4)?.parse().ok()?;
    let num = |v: &str| -> Option<(u32, usize)> {
        let n = v.bytes().take(2).take_while(u8::is_ascii_digit).count();
        (n > 0).then(|| (v.get(..n).and_then(|d| d.parse().ok()).unwrap_or(0), n))
    };
    let mut rest = s.get(5..)?;
    let (month, n) = num(rest)?;
    rest = rest.get(n..)?.strip_prefix('-')?;
    let (day, n) = num(rest)?;
    rest = rest.get(n..)?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in(month, year) {
        return None;
    }
    if rest.is_empty() {
        return Some(Time::from_civil((year, month, day), (0, 0, 0), 0, 0));
    }
    let (zoned, after) = if let Some(r) = rest.strip_prefix(['T', 't']) {
        (true, r)
    } else if rest.starts_with(' ') {
        (false, rest.trim_start_matches(' '))
    } else {
        return None;
    };
    rest = after;
    let (hour, n) = num(rest)?;
    rest = rest.get(n..)?.strip_prefix(':')?;
    let (minute, n) = num(rest)?;
    rest = rest.get(n..)?.strip_prefix(':')?;
    let (second, n) = num(rest)?;
    rest = rest.get(n..)?;
    if hour >= 24 || minute >= 60 || second >= 60 {
        return None;
    }
    if rest.len() >= 2 && rest.starts_with(['.', ',']) && rest.as_bytes()[1].is_ascii_digit() {
        let n = 1 + rest.bytes().skip(1).take_while(u8::is_ascii_digit).count();
        rest = rest.get(n..)?;
    }
    let offset = if !zoned {
        0
    } else if let Some(r) = rest.strip_prefix('Z') {
        rest = r;
        0
    } else {
        let z = rest.as_bytes();
        if z.len() < 6 || z[3] != b':' {
            return None;
        }
        let two = |d: &[u8]| -> Option<i32> {
            (d.len() == 2 && d.iter().all(u8::is_ascii_digit))
                .then(|| i32::from(d[0] - b'0') * 10 + i32::from(d[1] - b'0'))
        };
        let (hr, mm) = (two(z.get(1..3)?)?, two(z.get(4..6)?)?);
        if hr > 24 || mm > 60 {
            return None;
        }
        let secs = (hr * 60 + mm) * 60;
        let offset = match z[0] {
            b'+' => secs,
            b'-' => -secs,
            _ => return None,
        };
        rest = rest.get(6..)?;
        offset
    };
    if !rest.is_empty() {
        return None;
    }
    Some(Time::from_civil(
        (year, month, day),
        (hour, minute, second),
        0,
        offset,
    ))
}

/// `yamlencode`: libyaml's emitter over go-cty-yaml's events.
pub(super) fn encode(v: &Val) -> Result<String, String> {
    let mut e = Emitter {
        out: String::new(),
        column: 0,
        indent: -1,
        indents: Vec::new(),
        whitespace: true,
        indention: true,
        open_ended: false,
    };
    e.node(v, Context::Root)?;
    e.write_indent();
    if e.open_ended {
        e.indicator("...", true, false, false);
        e.write_indent();
    }
    Ok(e.out)
}

/// Where a node is written (libyaml's root, sequence, mapping and simple-key contexts).
#[derive(Clone, Copy, PartialEq)]
enum Context {
    Root,
    SequenceItem,
    MappingValue,
    SimpleKey,
    ComplexKey,
}

struct Emitter {
    out: String,
    /// Characters on the current line.
    column: usize,
    indent: i64,
    indents: Vec<i64>,
    whitespace: bool,
    indention: bool,
    open_ended: bool,
}

const BEST_INDENT: i64 = 2;
const BEST_WIDTH: usize = 80;

impl Emitter {
    fn put(&mut self, ch: char) {
        self.out.push(ch);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    fn write_indent(&mut self) {
        let indent = self.indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn indicator(
        &mut self,
        text: &str,
        need_whitespace: bool,
        is_whitespace: bool,
        is_indention: bool,
    ) {
        if need_whitespace && !self.whitespace {
            self.put(' ');
        }
        for ch in text.chars() {
            self.put(ch);
        }
        self.whitespace = is_whitespace;
        self.indention = self.indention && is_indention;
        self.open_ended = false;
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { BEST_INDENT } else { 0 };
        } else if !indentless {
            self.indent += BEST_INDENT;
        }
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    fn node(&mut self, v: &Val, ctx: Context) -> Result<(), String> {
        match &v.kind {
            Kind::Unknown(..) => Err("cannot serialize unknown value as YAML".into()),
            Kind::Null(_) => {
                self.plain("null", ctx);
                Ok(())
            }
            Kind::Bool(b) => {
                self.plain(if *b { "true" } else { "false" }, ctx);
                Ok(())
            }
            Kind::Number(n) => {
                self.plain(&n.format('f', -1), ctx);
                Ok(())
            }
            Kind::String(s) => {
                self.string(s, ctx);
                Ok(())
            }
            Kind::List(_, items) | Kind::Set(_, items) | Kind::Tuple(items) => {
                if items.is_empty() {
                    self.empty("[", "]");
                    return Ok(());
                }
                let mapping = matches!(
                    ctx,
                    Context::MappingValue | Context::SimpleKey | Context::ComplexKey
                );
                self.increase_indent(false, mapping && !self.indention);
                for item in items {
                    self.write_indent();
                    self.indicator("-", true, false, true);
                    self.node(item, Context::SequenceItem)?;
                }
                self.pop_indent();
                Ok(())
            }
            Kind::Map(..) | Kind::Object(_) => {
                let entries = v.sorted_entries().unwrap_or_default();
                if entries.is_empty() {
                    self.empty("{", "}");
                    return Ok(());
                }
                self.increase_indent(false, false);
                for e in entries {
                    self.write_indent();
                    let analysis = analyze(&e.key);
                    if !analysis.multiline && e.key.len() <= 128 {
                        self.string(&e.key, Context::SimpleKey);
                        self.indicator(":", false, false, false);
                    } else {
                        self.indicator("?", true, false, true);
                        self.string(&e.key, Context::ComplexKey);
                        self.write_indent();
                        self.indicator(":", true, false, true);
                    }
                    self.node(&e.value, Context::MappingValue)?;
                }
                self.pop_indent();
                Ok(())
            }
        }
    }

    /// An empty collection, always in flow style.
    fn empty(&mut self, open: &str, close: &str) {
        self.indicator(open, true, true, false);
        self.increase_indent(true, false);
        self.pop_indent();
        self.indicator(close, false, false, false);
    }

    /// A plain scalar (numbers, booleans, null: nothing in them needs quoting).
    fn plain(&mut self, text: &str, ctx: Context) {
        self.increase_indent(true, false);
        if !self.whitespace {
            self.put(' ');
        }
        for ch in text.chars() {
            self.put(ch);
        }
        self.whitespace = false;
        self.indention = false;
        if ctx == Context::Root {
            self.open_ended = true;
        }
        self.pop_indent();
    }

    /// A string: a literal block when it has a line break and may be one, else
    /// double-quoted.
    fn string(&mut self, s: &str, ctx: Context) {
        let analysis = analyze(s);
        let literal = s.contains('\n') && analysis.block_allowed && ctx != Context::SimpleKey;
        self.increase_indent(true, false);
        if literal {
            self.literal(s);
        } else {
            self.double_quoted(s, ctx != Context::SimpleKey);
        }
        self.pop_indent();
    }

    fn double_quoted(&mut self, s: &str, allow_breaks: bool) {
        self.indicator("\"", true, false, false);
        let mut spaces = false;
        let chars: Vec<(usize, char)> = s.char_indices().collect();
        let mut k = 0;
        while let Some(&(i, ch)) = chars.get(k) {
            if !is_printable(ch) || ch == '\u{feff}' || is_break(ch) || ch == '"' || ch == '\\' {
                self.put('\\');
                match ch {
                    '\0' => self.put('0'),
                    '\u{7}' => self.put('a'),
                    '\u{8}' => self.put('b'),
                    '\t' => self.put('t'),
                    '\n' => self.put('n'),
                    '\u{b}' => self.put('v'),
                    '\u{c}' => self.put('f'),
                    '\r' => self.put('r'),
                    '\u{1b}' => self.put('e'),
                    '"' => self.put('"'),
                    '\\' => self.put('\\'),
                    '\u{85}' => self.put('N'),
                    '\u{a0}' => self.put('_'),
                    '\u{2028}' => self.put('L'),
                    '\u{2029}' => self.put('P'),
                    _ => {
                        let v = ch as u32;
                        let (letter, width) = if v <= 0xff {
                            ('x', 2)
                        } else if v <= 0xffff {
                            ('u', 4)
                        } else {
                            ('U', 8)
                        };
                        self.put(letter);
                        for digit in format!("{v:0width$X}").chars() {
                            self.put(digit);
                        }
                    }
                }
                spaces = false;
            } else if ch == ' ' {
                if allow_breaks && !spaces && self.column > BEST_WIDTH && i > 0 && i < s.len() - 1 {
                    self.write_indent();
                    if chars.get(k + 1).map(|&(_, c)| c) == Some(' ') {
                        self.put('\\');
                    }
                } else {
                    self.put(ch);
                }
                spaces = true;
            } else {
                self.put(ch);
                spaces = false;
            }
            k += 1;
        }
        self.indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn literal(&mut self, s: &str) {
        self.indicator("|", true, false, false);
        let chars: Vec<char> = s.chars().collect();
        if chars.first().is_some_and(|&c| c == ' ' || is_break(c)) {
            self.indicator(&BEST_INDENT.to_string(), false, false, false);
        }
        self.open_ended = false;
        let n = chars.len();
        let chomp = match chars.last() {
            None => Some("-"),
            Some(&last) if !is_break(last) => Some("-"),
            Some(_) if n == 1 => {
                self.open_ended = true;
                Some("+")
            }
            Some(_) if chars.get(n - 2).is_some_and(|&c| is_break(c)) => {
                self.open_ended = true;
                Some("+")
            }
            Some(_) => None,
        };
        if let Some(hint) = chomp {
            // libyaml's indicator resets `open_ended` set just before.
            self.indicator(hint, false, false, false);
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for ch in chars {
            if is_break(ch) {
                if ch == '\n' {
                    self.put_break();
                } else {
                    self.out.push(ch);
                    self.column = 0;
                }
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(ch);
                self.indention = false;
                breaks = false;
            }
        }
    }
}

/// What libyaml's `yaml_emitter_analyze_scalar` finds that matters here.
struct Analysis {
    multiline: bool,
    block_allowed: bool,
}

fn analyze(s: &str) -> Analysis {
    if s.is_empty() {
        return Analysis {
            multiline: false,
            block_allowed: false,
        };
    }
    let chars: Vec<char> = s.chars().collect();
    let mut line_breaks = false;
    let mut trailing_space = false;
    let mut space_break = false;
    let mut special = false;
    let mut previous_space = false;
    for (i, &ch) in chars.iter().enumerate() {
        if !is_printable(ch) {
            special = true;
        }
        if ch == ' ' {
            if i + 1 == chars.len() {
                trailing_space = true;
            }
            previous_space = true;
        } else if is_break(ch) {
            line_breaks = true;
            if previous_space {
                space_break = true;
            }
            previous_space = false;
        } else {
            previous_space = false;
        }
    }
    Analysis {
        multiline: line_breaks,
        block_allowed: !(trailing_space || space_break || special),
    }
}

/// libyaml's `is_printable` (tab and characters beyond the Basic Multilingual Plane are
/// not).
fn is_printable(ch: char) -> bool {
    let v = ch as u32;
    v == 0x0a
        || (0x20..=0x7e).contains(&v)
        || (0xa0..=0xd7ff).contains(&v)
        || ((0xe000..=0xfffd).contains(&v) && v != 0xfeff)
}

fn is_break(ch: char) -> bool {
    matches!(ch, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span() -> Span {
        Span::file_start("t".into())
    }

    #[test]
    fn scalar_resolution() {
        let r = |s: &str| match resolve_scalar("", s, ScalarStyle::Plain, &span()) {
            Ok(Resolved::Value(v)) => format!("{:?}", v.into_graph().to_json()),
            Ok(Resolved::Merge) => "merge".into(),
            Err(e) => format!("ERR {e}"),
        };
        assert_eq!(r("yes"), "Bool(true)");
        assert_eq!(r("off"), "Bool(false)");
        assert_eq!(r("~"), "Null");
        assert_eq!(r("0x1F"), "Number(31)");
        assert_eq!(r("1_000"), "String(\"1_000\")");
        assert_eq!(r("2001-12-14"), "String(\"2001-12-14T00:00:00Z\")");
        assert_eq!(r("<<"), "merge");
        assert_eq!(r(".nan"), "ERR floating point NaN is not supported");
        assert_eq!(r("1.2.3"), "String(\"1.2.3\")");
    }

    #[test]
    fn literal_and_quoted_strings() {
        let s = |t: &str| Val::string(t, span());
        assert_eq!(encode(&s("a")).unwrap(), "\"a\"\n");
        assert_eq!(encode(&s("a\nb\n")).unwrap(), "|\n  a\n  b\n");
        assert_eq!(encode(&s("a\nb")).unwrap(), "|-\n  a\n  b\n");
        assert_eq!(encode(&s("tab\there")).unwrap(), "\"tab\\there\"\n");
    }
}
