//! Literal values as cfn-guard 3.2.1 reads them: `null` and booleans in three spellings,
//! integers and floats that may not run into a name, strings where only the quote can be
//! escaped, regexes where only `/` can, ranges of integers, floats or characters, and
//! lists and maps of values (no trailing comma).

use super::cursor::{cut, failure, is_identifier_char, Fail, PResult};
use super::Parser;
use crate::literal::{Lit, LitKind, Range, RegexLiteral};

impl Parser<'_> {
    /// White space, then a value (`parse_value`).
    pub(super) fn value(&self, pos: usize) -> PResult<Lit> {
        self.c.step(pos)?;
        let at = self.c.ws0(pos);
        let alternatives: [fn(&Self, usize) -> PResult<Lit>; 5] =
            [Self::null, Self::scalar, Self::range, Self::list, Self::map];
        for alternative in alternatives {
            match alternative(self, at) {
                Err(Fail::Error) => continue,
                other => return other,
            }
        }
        self.c.error(at, "a value")
    }

    fn lit(&self, start: usize, end: usize, kind: LitKind) -> PResult<Lit> {
        Ok((
            end,
            Lit {
                kind,
                span: self.span(start, end),
            },
        ))
    }

    fn null(&self, pos: usize) -> PResult<Lit> {
        let end = self.c.keywords(pos, &["null", "NULL", "Null"])?;
        self.lit(pos, end, LitKind::Null)
    }

    fn scalar(&self, pos: usize) -> PResult<Lit> {
        match self.string(pos) {
            Ok((end, s)) => return self.lit(pos, end, LitKind::String(s)),
            Err(Fail::Error) => {}
            Err(f) => return Err(f),
        }
        match self.float(pos) {
            Ok((end, f)) => return self.lit(pos, end, LitKind::Float(f)),
            Err(Fail::Error) => {}
            Err(f) => return Err(f),
        }
        if let Ok((end, i)) = self.int(pos) {
            return self.lit(pos, end, LitKind::Int(i));
        }
        if let Ok(end) = self.c.keywords(pos, &["true", "True", "TRUE"]) {
            return self.lit(pos, end, LitKind::Bool(true));
        }
        if let Ok(end) = self.c.keywords(pos, &["false", "False", "FALSE"]) {
            return self.lit(pos, end, LitKind::Bool(false));
        }
        let (end, regex) = self.regex(pos)?;
        self.lit(pos, end, LitKind::Regex(regex))
    }

    /// A quoted string: `'...'` or `"..."`, where a backslash before the quote character
    /// makes it part of the string and every other backslash stays as written.
    pub(super) fn string(&self, pos: usize) -> PResult<String> {
        match self.string_in(pos, '\'') {
            Err(Fail::Error) => self.string_in(pos, '"'),
            other => other,
        }
    }

    fn string_in(&self, pos: usize, quote: char) -> PResult<String> {
        let start = self.c.char(pos, quote)?;
        let mut out = String::new();
        let mut at = start;
        loop {
            let rest = self.c.rest(at);
            let upto = rest.find(quote).unwrap_or(rest.len());
            let fragment = rest.get(..upto).unwrap_or("");
            let remainder = at + upto;
            if let Some(escaped) = fragment.strip_suffix('\\') {
                out.push_str(escaped);
                out.push(quote);
                if remainder >= self.c.text.len() {
                    return Err(Fail::Error);
                }
                at = remainder + quote.len_utf8();
                continue;
            }
            out.push_str(fragment);
            let end = cut(
                self.c.char(remainder, quote).map(|e| (e, ())),
                remainder,
                "a closing quote",
            )?;
            return Ok((end.0, out));
        }
    }

    /// A float: digits with a fraction or an exponent (or both), maybe negative.
    fn float(&self, pos: usize) -> PResult<f64> {
        let c = &self.c;
        let signed = c.char(pos, '-').unwrap_or(pos);
        let whole = c.digits1(signed)?;
        let fraction = c.char(whole, '.').and_then(|p| c.digits1(p)).ok();
        let after_fraction = fraction.unwrap_or(whole);
        let exponent = self.exponent(after_fraction).ok();
        if fraction.is_none() && exponent.is_none() {
            return Err(Fail::Error);
        }
        // The number itself is read as nom's `double` reads it: an `e` must be followed by
        // digits, or the whole parse fails.
        let mut end = c.digits1(signed)?;
        if let Ok(dot) = c.char(end, '.') {
            end = c.digits1(dot).unwrap_or(dot);
        }
        if let Ok(e) = c.tags(end, &["e", "E"]) {
            let sign = c.tags(e, &["+", "-"]).unwrap_or(e);
            end = match c.digits1(sign) {
                Ok(end) => end,
                Err(_) => return failure(sign, "a number's exponent needs digits"),
            };
        }
        let text = c.text.get(pos..end).unwrap_or("");
        let value: f64 = text.parse().map_err(|_| Fail::Error)?;
        self.no_trailing_name(end)?;
        Ok((end, value))
    }

    fn exponent(&self, pos: usize) -> Result<usize, Fail> {
        let e = self.c.tags(pos, &["e", "E"])?;
        let sign = self.c.tags(e, &["+", "-"]).unwrap_or(e);
        self.c.digits1(sign)
    }

    /// An integer, maybe negative, not running into a name.
    pub(super) fn int(&self, pos: usize) -> PResult<i64> {
        let c = &self.c;
        let (end, value) = match c.digits1(pos) {
            Ok(end) => match c.text.get(pos..end).and_then(|t| t.parse::<i64>().ok()) {
                Some(v) => (end, v),
                None => return Err(Fail::Error),
            },
            Err(_) => {
                let digits = c.char(pos, '-')?;
                let end = c.digits1(digits)?;
                match c.text.get(digits..end).and_then(|t| t.parse::<i64>().ok()) {
                    Some(v) => (end, -v),
                    None => return Err(Fail::Error),
                }
            }
        };
        self.no_trailing_name(end)?;
        Ok((end, value))
    }

    /// A number may not run straight into a letter, digit or `_`.
    fn no_trailing_name(&self, pos: usize) -> Result<(), Fail> {
        if self.c.peek(pos).is_some_and(is_identifier_char) {
            return Err(Fail::Error);
        }
        Ok(())
    }

    /// `/pattern/`: `\/` is a slash inside the pattern; the pattern may not be empty and must
    /// compile.
    fn regex(&self, pos: usize) -> PResult<RegexLiteral> {
        let c = &self.c;
        let start = c.char(pos, '/')?;
        let mut source = String::new();
        let mut at = start;
        let end = loop {
            let rest = c.rest(at);
            let upto = rest.find('/').unwrap_or(rest.len());
            if upto == 0 {
                return Err(Fail::Error);
            }
            let fragment = rest.get(..upto).unwrap_or("");
            let remainder = at + upto;
            if let Some(escaped) = fragment.strip_suffix('\\') {
                source.push_str(escaped);
                source.push('/');
                if remainder >= c.text.len() {
                    return Err(Fail::Error);
                }
                at = remainder + 1;
                continue;
            }
            source.push_str(fragment);
            break remainder;
        };
        let regex = match RegexLiteral::new(source) {
            Ok(r) => r,
            Err(message) => {
                c.regex_error(pos, message);
                return Err(Fail::Error);
            }
        };
        let end = c.char(end, '/')?;
        Ok((end, regex))
    }

    /// `r[a, b]`, `r(a, b)`, `r[a, b)`, `r(a, b]`: both bounds integers, floats or single
    /// characters.
    fn range(&self, pos: usize) -> PResult<Lit> {
        let c = &self.c;
        let open_at = c.char(pos, 'r')?;
        let (after_open, lower_inclusive) = match c.peek(open_at) {
            Some('[') => (open_at + 1, true),
            Some('(') => (open_at + 1, false),
            _ => return Err(Fail::Error),
        };
        let (after_lower, lower) = self.range_bound(after_open)?;
        let comma = c.char(after_lower, ',')?;
        let (after_upper, upper) = self.range_bound(comma)?;
        let (end, upper_inclusive) = match c.peek(after_upper) {
            Some(']') => (after_upper + 1, true),
            Some(')') => (after_upper + 1, false),
            _ => return Err(Fail::Error),
        };
        let kind = match (lower, upper) {
            (Bound::Int(lower), Bound::Int(upper)) => LitKind::RangeInt(Range {
                lower,
                upper,
                lower_inclusive,
                upper_inclusive,
            }),
            (Bound::Float(lower), Bound::Float(upper)) => LitKind::RangeFloat(Range {
                lower,
                upper,
                lower_inclusive,
                upper_inclusive,
            }),
            (Bound::Char(lower), Bound::Char(upper)) => LitKind::RangeChar(Range {
                lower,
                upper,
                lower_inclusive,
                upper_inclusive,
            }),
            _ => {
                return failure(
                    pos,
                    "a range's bounds must both be integers, both floats or both characters",
                )
            }
        };
        self.lit(pos, end, kind)
    }

    fn range_bound(&self, pos: usize) -> PResult<Bound> {
        let at = self.c.space0(pos);
        let (end, bound) = match self.float(at) {
            Ok((end, f)) => (end, Bound::Float(f)),
            Err(Fail::Error) => match self.int(at) {
                Ok((end, i)) => (end, Bound::Int(i)),
                Err(_) => match self.c.peek(at) {
                    Some(ch) => (at + ch.len_utf8(), Bound::Char(ch)),
                    None => return Err(Fail::Error),
                },
            },
            Err(f) => return Err(f),
        };
        Ok((self.c.space0(end), bound))
    }

    /// `[ value, ... ]` (values only, no trailing comma).
    fn list(&self, pos: usize) -> PResult<Lit> {
        let c = &self.c;
        let open = c.char(c.ws0(pos), '[')?;
        let mut items = Vec::new();
        let mut at = open;
        match self.value(at) {
            Ok((end, item)) => {
                items.push(item);
                at = end;
                while let Ok(after_comma) = c.char(c.ws0(at), ',') {
                    match self.value(after_comma) {
                        Ok((end, item)) => {
                            items.push(item);
                            at = end;
                        }
                        Err(Fail::Error) => break,
                        Err(f) => return Err(f),
                    }
                }
            }
            Err(Fail::Error) => {}
            Err(f) => return Err(f),
        }
        let close_at = c.ws0(at);
        let end = match c.char(close_at, ']') {
            Ok(end) => end,
            Err(_) => return c.error(close_at, "`]`"),
        };
        self.lit(pos, end, LitKind::List(items))
    }

    /// `{ key: value, ... }`, keys as names (letters, digits, `-`, `_`) or quoted strings.
    fn map(&self, pos: usize) -> PResult<Lit> {
        let c = &self.c;
        let open = c.char(pos, '{')?;
        let mut entries: Vec<(String, Lit)> = Vec::new();
        let mut at = open;
        let mut insert = |key: String, value: Lit| match entries.iter_mut().find(|(k, _)| *k == key)
        {
            Some(entry) => entry.1 = value,
            None => entries.push((key, value)),
        };
        match self.map_entry(at) {
            Ok((end, (key, value))) => {
                insert(key, value);
                at = end;
                while let Ok(after_comma) = c.char(c.ws0(at), ',') {
                    match self.map_entry(after_comma) {
                        Ok((end, (key, value))) => {
                            insert(key, value);
                            at = end;
                        }
                        Err(Fail::Error) => break,
                        Err(f) => return Err(f),
                    }
                }
            }
            Err(Fail::Error) => {}
            Err(f) => return Err(f),
        }
        let close_at = c.ws0(at);
        let end = match c.char(close_at, '}') {
            Ok(end) => end,
            Err(_) => return c.error(close_at, "`}`"),
        };
        self.lit(pos, end, LitKind::Map(entries))
    }

    fn map_entry(&self, pos: usize) -> PResult<(String, Lit)> {
        let c = &self.c;
        let at = c.ws0(pos);
        let (after_key, key) = {
            let n: usize = c
                .rest(at)
                .chars()
                .take_while(|ch| ch.is_alphanumeric() || *ch == '-' || *ch == '_')
                .map(char::len_utf8)
                .sum();
            if n > 0 {
                (at + n, c.text.get(at..at + n).unwrap_or("").to_string())
            } else {
                self.string(at)?
            }
        };
        let colon = c.char(c.ws0(after_key), ':')?;
        let (end, value) = self.value(colon)?;
        Ok((end, (key, value)))
    }
}

/// A range bound as read.
enum Bound {
    Int(i64),
    Float(f64),
    Char(char),
}
