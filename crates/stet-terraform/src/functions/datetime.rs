//! Date and time functions: `formatdate`, `timeadd`, `timecmp`; `timestamp` and
//! `plantimestamp` depend on the moment and stay unknown.
//!
//! Timestamps are read as Go's `time.Parse` reads RFC 3339 (its fast path, then its
//! general layout parser, whose errors become Terraform's messages). `formatdate` and
//! `timeadd` come from go-cty and read them more strictly (two-digit hours, a period
//! before fractions, offsets in range); `timecmp` is Terraform's own and takes what Go
//! takes. Durations are Go's `time.ParseDuration`.

use super::{number, p, string, FnError, Function};
use crate::cty::{go_quote, Type, Val};

pub(super) static FUNCTIONS: &[Function] = &[
    Function {
        name: "formatdate",
        params: &[p("format", string), p("time", string)],
        variadic: None,
        returns: string,
        body: |c| {
            let t = parse_timestamp(c.str(1), true).map_err(|e| FnError::Arg(1, e))?;
            let out = format_date(c.str(0), &t).map_err(|e| FnError::Arg(0, e))?;
            c.string(out)
        },
    },
    Function {
        name: "plantimestamp",
        params: &[],
        variadic: None,
        returns: string,
        body: |c| super::unknown(c, Type::String),
    },
    Function {
        name: "timeadd",
        params: &[p("timestamp", string), p("duration", string)],
        variadic: None,
        returns: string,
        body: |c| {
            let t = parse_timestamp(c.str(0), true).map_err(FnError::Call)?;
            let d = parse_duration(c.str(1)).map_err(FnError::Call)?;
            match t.add(d) {
                Some(t) => c.string(t.rfc3339()),
                None => super::unknown(c, Type::String),
            }
        },
    },
    Function {
        name: "timecmp",
        params: &[p("timestamp_a", string), p("timestamp_b", string)],
        variadic: None,
        returns: number,
        body: |c| {
            let a = parse_timestamp(c.str(0), false).map_err(|e| FnError::Arg(0, e))?;
            let b = parse_timestamp(c.str(1), false).map_err(|e| FnError::Arg(1, e))?;
            let order = (a.secs, a.nanos).cmp(&(b.secs, b.nanos));
            Ok(Val::int(order as i64, c.span.clone()))
        },
    },
    Function {
        name: "timestamp",
        params: &[],
        variadic: None,
        returns: string,
        body: |c| super::unknown(c, Type::String),
    },
];

/// An instant and the UTC offset it was written with.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Time {
    /// Seconds since 1970-01-01T00:00:00Z.
    secs: i64,
    nanos: u32,
    /// Seconds east of UTC.
    offset: i32,
}

/// The civil date and time of a [`Time`] at its offset.
struct Civil {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    /// 0 is Sunday.
    weekday: u32,
}

impl Time {
    pub(super) fn from_civil(
        date: (i64, u32, u32),
        clock: (u32, u32, u32),
        nanos: u32,
        offset: i32,
    ) -> Time {
        let (y, m, d) = date;
        let (h, mi, s) = clock;
        let local = days_from_civil(y, m, d) * 86_400
            + i64::from(h) * 3600
            + i64::from(mi) * 60
            + i64::from(s);
        Time {
            secs: local - i64::from(offset),
            nanos,
            offset,
        }
    }

    fn civil(&self) -> Civil {
        let local = self.secs + i64::from(self.offset);
        let days = local.div_euclid(86_400);
        let sod = local.rem_euclid(86_400) as u32;
        let (year, month, day) = civil_from_days(days);
        Civil {
            year,
            month,
            day,
            hour: sod / 3600,
            minute: sod / 60 % 60,
            second: sod % 60,
            weekday: (days + 4).rem_euclid(7) as u32,
        }
    }

    /// The instant `nanos` nanoseconds later, at the same offset.
    fn add(&self, nanos: i64) -> Option<Time> {
        let total =
            i128::from(self.secs) * 1_000_000_000 + i128::from(self.nanos) + i128::from(nanos);
        Some(Time {
            secs: i64::try_from(total.div_euclid(1_000_000_000)).ok()?,
            nanos: total.rem_euclid(1_000_000_000) as u32,
            offset: self.offset,
        })
    }

    /// Go's `Format(time.RFC3339)`.
    pub(super) fn rfc3339(&self) -> String {
        let c = self.civil();
        format!(
            "{}-{:02}-{:02}T{:02}:{:02}:{:02}{}",
            go_year(c.year),
            c.month,
            c.day,
            c.hour,
            c.minute,
            c.second,
            self.zone("Z07:00")
        )
    }

    /// The offset in one of Go's zone layouts: `Z07:00`, `-0700` or `-07:00`.
    fn zone(&self, layout: &str) -> String {
        if self.offset == 0 && layout == "Z07:00" {
            return "Z".into();
        }
        let sign = if self.offset < 0 { '-' } else { '+' };
        let minutes = self.offset.unsigned_abs() / 60;
        let (h, m) = (minutes / 60, minutes % 60);
        if layout == "-0700" {
            format!("{sign}{h:02}{m:02}")
        } else {
            format!("{sign}{h:02}:{m:02}")
        }
    }
}

/// A year as Go's layouts write `2006`: at least four digits, a sign when negative.
fn go_year(year: i64) -> String {
    if year < 0 {
        format!("-{:04}", year.unsigned_abs())
    } else {
        format!("{year:04}")
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

pub(super) fn days_in(month: u32, year: i64) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Go's `time.ParseError`, the parts Terraform reads.
#[derive(Debug, PartialEq)]
struct ParseError {
    layout_elem: &'static str,
    value_elem: String,
    message: String,
}

impl ParseError {
    fn new(layout_elem: &'static str, value_elem: &str, message: impl Into<String>) -> ParseError {
        ParseError {
            layout_elem,
            value_elem: value_elem.to_string(),
            message: message.into(),
        }
    }
}

/// Reads an RFC 3339 timestamp; the error as Terraform words it (`strict`: as go-cty's
/// `formatdate` does, with its extra checks and messages).
fn parse_timestamp(s: &str, strict: bool) -> Result<Time, String> {
    let result = match fast_rfc3339(s) {
        Some(t) => Ok(t),
        None if strict => strict_rfc3339(s),
        None => go_parse(s),
    };
    result.map_err(|e| describe(&e, strict))
}

/// Terraform's (and go-cty's) `parseTimestamp` message for a parse error.
fn describe(e: &ParseError, strict: bool) -> String {
    const NOT: &str = "not a valid RFC3339 timestamp";
    if e.layout_elem.is_empty() && e.value_elem.is_empty() && !e.message.is_empty() {
        return format!("{NOT}{}", e.message);
    }
    let what = match e.layout_elem {
        "2006" => "year",
        "01" => "month",
        "02" => "day of month",
        "15" => "hour",
        "04" => "minute",
        "05" => "second",
        "Z07:00" => "UTC offset",
        "T" => return format!("{NOT}: missing required time introducer 'T'"),
        ":" | "-" if e.value_elem.is_empty() => {
            return format!(
                "{NOT}: end of string where {} is expected",
                go_quote(e.layout_elem)
            )
        }
        ":" | "-" => {
            return format!(
                "{NOT}: found {} where {} is expected",
                go_quote(&e.value_elem),
                go_quote(e.layout_elem)
            )
        }
        _ => "timestamp segment",
    };
    if e.value_elem.is_empty() {
        return format!("{NOT}: end of string before {what}");
    }
    if strict && what == "hour" && e.value_elem.contains(':') {
        return format!("{NOT}: hour must be between 0 and 23 inclusive");
    }
    if strict && what == "hour" && e.value_elem.len() != 2 {
        return format!("{NOT}: hour must have exactly two digits");
    }
    if strict && what == "minute" && e.value_elem.len() != 2 {
        return format!("{NOT}: minute must have exactly two digits");
    }
    format!("{NOT}: cannot use {} as {what}", go_quote(&e.value_elem))
}

fn digits(s: &[u8], min: u32, max: u32) -> Option<u32> {
    let mut x: u32 = 0;
    for &c in s {
        if !c.is_ascii_digit() {
            return None;
        }
        x = x * 10 + u32::from(c - b'0');
    }
    (min..=max).contains(&x).then_some(x)
}

/// Go's `parseRFC3339` fast path.
fn fast_rfc3339(s: &str) -> Option<Time> {
    let b = s.as_bytes();
    if b.len() < 19 {
        return None;
    }
    let year = digits(b.get(0..4)?, 0, 9999)?;
    let month = digits(b.get(5..7)?, 1, 12)?;
    let day = digits(b.get(8..10)?, 1, days_in(month, i64::from(year)))?;
    let hour = digits(b.get(11..13)?, 0, 23)?;
    let minute = digits(b.get(14..16)?, 0, 59)?;
    let second = digits(b.get(17..19)?, 0, 59)?;
    if b.get(4) != Some(&b'-')
        || b.get(7) != Some(&b'-')
        || b.get(10) != Some(&b'T')
        || b.get(13) != Some(&b':')
        || b.get(16) != Some(&b':')
    {
        return None;
    }
    let mut rest = b.get(19..)?;
    let mut nanos = 0;
    if rest.len() >= 2 && rest[0] == b'.' && rest[1].is_ascii_digit() {
        let n = 1 + rest
            .iter()
            .skip(1)
            .take_while(|c| c.is_ascii_digit())
            .count();
        nanos = fraction(rest.get(1..n)?);
        rest = rest.get(n..)?;
    }
    let offset = if rest == b"Z" {
        0
    } else {
        if rest.len() != 6 {
            return None;
        }
        let hr = digits(rest.get(1..3)?, 0, 23)?;
        let mm = digits(rest.get(4..6)?, 0, 59)?;
        if !matches!(rest[0], b'+' | b'-') || rest[3] != b':' {
            return None;
        }
        let secs = ((hr * 60 + mm) * 60) as i32;
        if rest[0] == b'-' {
            -secs
        } else {
            secs
        }
    };
    Some(Time::from_civil(
        (i64::from(year), month, day),
        (hour, minute, second),
        nanos,
        offset,
    ))
}

/// Nanoseconds from fraction digits (at most nine are read).
fn fraction(digits: &[u8]) -> u32 {
    let mut ns: u32 = 0;
    let used = digits.len().min(9);
    for &d in digits.iter().take(used) {
        ns = ns * 10 + u32::from(d - b'0');
    }
    ns * 10u32.pow((9 - used) as u32)
}

/// Go's `getnum`: one or two digits (`fixed`: exactly two).
fn getnum(s: &str, fixed: bool) -> Option<(u32, &str)> {
    let b = s.as_bytes();
    let d0 = b.first().filter(|c| c.is_ascii_digit())?;
    match b.get(1).filter(|c| c.is_ascii_digit()) {
        Some(d1) => Some((
            u32::from(d0 - b'0') * 10 + u32::from(d1 - b'0'),
            s.get(2..)?,
        )),
        None if fixed => None,
        None => Some((u32::from(d0 - b'0'), s.get(1..)?)),
    }
}

/// Go's general `time.Parse` with the RFC 3339 layout `2006-01-02T15:04:05Z07:00`.
fn go_parse(s: &str) -> Result<Time, ParseError> {
    let bad = |layout: &'static str, hold: &str| ParseError::new(layout, hold, "");
    let range = |layout: &'static str, rest: &str, what: &str| {
        ParseError::new(layout, rest, format!(": {what} out of range"))
    };
    // 2006
    let value = s;
    let year_text = value.get(0..4).filter(|y| y.as_bytes()[0].is_ascii_digit());
    let year: i64 = match year_text.map(|y| y.parse::<u32>()) {
        Some(Ok(y)) => i64::from(y),
        _ => return Err(bad("2006", value)),
    };
    let value = value.get(4..).unwrap_or_default();
    let value = skip("-", value).ok_or_else(|| bad("-", value))?;
    let (month, value) = getnum(value, true).ok_or_else(|| bad("01", value))?;
    if !(1..=12).contains(&month) {
        return Err(range("01", value, "month"));
    }
    let value = skip("-", value).ok_or_else(|| bad("-", value))?;
    let (day, value) = getnum(value, true).ok_or_else(|| bad("02", value))?;
    let value = skip("T", value).ok_or_else(|| bad("T", value))?;
    let (hour, value) = getnum(value, false).ok_or_else(|| bad("15", value))?;
    if hour >= 24 {
        return Err(range("15", value, "hour"));
    }
    let value = skip(":", value).ok_or_else(|| bad(":", value))?;
    let (minute, value) = getnum(value, true).ok_or_else(|| bad("04", value))?;
    if minute >= 60 {
        return Err(range("04", value, "minute"));
    }
    let value = skip(":", value).ok_or_else(|| bad(":", value))?;
    let (second, mut value) = getnum(value, true).ok_or_else(|| bad("05", value))?;
    if second >= 60 {
        return Err(range("05", value, "second"));
    }
    let mut nanos = 0;
    let vb = value.as_bytes();
    if vb.len() >= 2 && matches!(vb[0], b'.' | b',') && vb[1].is_ascii_digit() {
        let n = 1 + vb.iter().skip(1).take_while(|c| c.is_ascii_digit()).count();
        nanos = fraction(vb.get(1..n).unwrap_or_default());
        value = value.get(n..).unwrap_or_default();
    }
    // Z07:00
    let hold = value;
    let offset = if let Some(rest) = value.strip_prefix('Z') {
        value = rest;
        0
    } else {
        let vb = value.as_bytes();
        if vb.len() < 6 || vb[3] != b':' {
            return Err(bad("Z07:00", hold));
        }
        let (hr, _) =
            getnum(value.get(1..3).unwrap_or_default(), true).ok_or_else(|| bad("Z07:00", hold))?;
        let (mm, _) =
            getnum(value.get(4..6).unwrap_or_default(), true).ok_or_else(|| bad("Z07:00", hold))?;
        let sign = vb[0];
        value = value.get(6..).unwrap_or_default();
        if hr > 24 {
            return Err(range("Z07:00", value, "time zone offset hour"));
        }
        if mm > 60 {
            return Err(range("Z07:00", value, "time zone offset minute"));
        }
        let secs = ((hr * 60 + mm) * 60) as i32;
        match sign {
            b'+' => secs,
            b'-' => -secs,
            _ => return Err(bad("Z07:00", hold)),
        }
    };
    if !value.is_empty() {
        return Err(ParseError::new(
            "",
            value,
            format!(": extra text: {}", go_quote(value)),
        ));
    }
    if day < 1 || day > days_in(month, year) {
        return Err(ParseError::new("", "", ": day out of range"));
    }
    Ok(Time::from_civil(
        (year, month, day),
        (hour, minute, second),
        nanos,
        offset,
    ))
}

/// Go's `skip`: `value` must start with the literal `lit`.
fn skip<'v>(lit: &str, value: &'v str) -> Option<&'v str> {
    value.strip_prefix(lit)
}

/// go-cty's `parseStrictRFC3339` once the fast path has failed: what Go's parser accepts
/// is still refused for a one-digit hour, a comma before the fraction, or an offset out of
/// range — and anything else it lets through is the zero time (go-cty drops the parsed
/// value).
fn strict_rfc3339(s: &str) -> Result<Time, ParseError> {
    go_parse(s)?;
    let b = s.as_bytes();
    let two = |at: usize| -> u32 {
        b.get(at..at + 2)
            .map(|d| u32::from(d[0].wrapping_sub(b'0')) * 10 + u32::from(d[1].wrapping_sub(b'0')))
            .unwrap_or(0)
    };
    let tail = |n: usize| s.get(s.len().saturating_sub(n)..).unwrap_or_default();
    if b.get(12) == Some(&b':') {
        return Err(ParseError::new(
            "15",
            s.get(11..12).unwrap_or_default(),
            ": hour must have two digits",
        ));
    }
    if b.get(19) == Some(&b',') {
        return Err(ParseError::new(
            ".",
            ",",
            ": sub-second separator must be a period",
        ));
    }
    if b.last() != Some(&b'Z') {
        if two(b.len().saturating_sub(5)) >= 24 {
            return Err(ParseError::new(
                "Z07:00",
                tail(6),
                ": timezone hour out of range",
            ));
        }
        if two(b.len().saturating_sub(2)) >= 60 {
            return Err(ParseError::new(
                "Z07:00",
                tail(6),
                ": timezone minute out of range",
            ));
        }
        return Ok(Time::from_civil((1, 1, 1), (0, 0, 0), 0, 0));
    }
    Err(ParseError::new("2006-01-02T15:04:05Z07:00", s, ""))
}

/// Go's `time.ParseDuration`, in nanoseconds; the error as Go words it.
fn parse_duration(orig: &str) -> Result<i64, String> {
    let invalid = || format!("time: invalid duration {}", time_quote(orig));
    let mut s = orig;
    let mut neg = false;
    if let Some(rest) = s.strip_prefix('-') {
        neg = true;
        s = rest;
    } else if let Some(rest) = s.strip_prefix('+') {
        s = rest;
    }
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    const LIMIT: u64 = 1 << 63;
    let mut d: u64 = 0;
    while !s.is_empty() {
        let b = s.as_bytes();
        if !(b[0] == b'.' || b[0].is_ascii_digit()) {
            return Err(invalid());
        }
        // [0-9]*
        let mut v: u64 = 0;
        let int_len = b.iter().take_while(|c| c.is_ascii_digit()).count();
        for &c in b.iter().take(int_len) {
            if v > LIMIT / 10 {
                return Err(invalid());
            }
            v = v * 10 + u64::from(c - b'0');
            if v > LIMIT {
                return Err(invalid());
            }
        }
        let pre = int_len > 0;
        s = s.get(int_len..).unwrap_or_default();
        // (\.[0-9]*)?
        let (mut f, mut scale, mut post) = (0u64, 1f64, false);
        if let Some(rest) = s.strip_prefix('.') {
            let frac_len = rest.bytes().take_while(u8::is_ascii_digit).count();
            let mut overflow = false;
            for c in rest.bytes().take(frac_len) {
                if overflow {
                    continue;
                }
                if f > (LIMIT - 1) / 10 {
                    overflow = true;
                    continue;
                }
                let y = f * 10 + u64::from(c - b'0');
                if y > LIMIT {
                    overflow = true;
                    continue;
                }
                f = y;
                scale *= 10.0;
            }
            post = frac_len > 0;
            s = rest.get(frac_len..).unwrap_or_default();
        }
        if !pre && !post {
            return Err(invalid());
        }
        let unit_len = s
            .bytes()
            .take_while(|&c| c != b'.' && !c.is_ascii_digit())
            .count();
        if unit_len == 0 {
            return Err(format!(
                "time: missing unit in duration {}",
                time_quote(orig)
            ));
        }
        let unit_text = s.get(..unit_len).unwrap_or_default();
        s = s.get(unit_len..).unwrap_or_default();
        let unit: u64 = match unit_text {
            "ns" => 1,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    time_quote(unit_text),
                    time_quote(orig)
                ))
            }
        };
        if v > LIMIT / unit {
            return Err(invalid());
        }
        v *= unit;
        if f > 0 {
            v += (f as f64 * (unit as f64 / scale)) as u64;
            if v > LIMIT {
                return Err(invalid());
            }
        }
        d += v;
        if d > LIMIT {
            return Err(invalid());
        }
    }
    if neg {
        return Ok((d as i64).wrapping_neg());
    }
    i64::try_from(d).map_err(|_| invalid())
}

/// The `time` package's `quote`: ASCII as is (with `"` and `\` escaped), other bytes
/// as `\x` escapes.
fn time_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for ch in s.chars() {
        if (ch as u32) >= 0x80 || ch < ' ' {
            let mut buf = [0u8; 4];
            for b in ch.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("\\x{b:02x}"));
            }
        } else {
            if ch == '"' || ch == '\\' {
                out.push('\\');
            }
            out.push(ch);
        }
    }
    out.push('"');
    out
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const WEEKDAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// go-cty's `formatdate` tokens: a quoted literal (`''` is a quote), a run of one letter
/// (a verb), or other text.
fn date_tokens(format: &str) -> Vec<&str> {
    let b = format.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let start = i;
        let first = b[i];
        if first == b'\'' {
            if b.get(i + 1) == Some(&b'\'') {
                i += 2;
            } else {
                i += 1;
                loop {
                    match b.get(i) {
                        None => break,
                        Some(b'\'') if b.get(i + 1) == Some(&b'\'') => i += 2,
                        Some(b'\'') => {
                            i += 1;
                            break;
                        }
                        Some(_) => i += 1,
                    }
                }
            }
        } else if first.is_ascii_alphabetic() {
            while b.get(i) == Some(&first) {
                i += 1;
            }
        } else {
            i += 1;
            while i < b.len() && b[i] != b'\'' && !b[i].is_ascii_alphabetic() {
                i += 1;
            }
        }
        tokens.push(format.get(start..i).unwrap_or_default());
    }
    tokens
}

/// go-cty's `formatdate`.
fn format_date(format: &str, t: &Time) -> Result<String, String> {
    let c = t.civil();
    let mut out = String::new();
    for tok in date_tokens(format) {
        let b = tok.as_bytes();
        let Some(&first) = b.first() else { continue };
        let n = b.len();
        let verb = || go_quote(tok);
        if first == b'\'' {
            if n == 1 || b[n - 1] != b'\'' {
                return Err("unterminated literal '".into());
            }
            if n == 2 {
                out.push('\'');
            } else {
                out.push_str(&tok[1..n - 1].replace("''", "'"));
            }
            continue;
        }
        if !first.is_ascii_alphabetic() {
            out.push_str(tok);
            continue;
        }
        let two_forms = |value: i64, what: &str, names: &str| match n {
            1 => Ok(value.to_string()),
            2 => Ok(format!("{value:02}")),
            _ => Err(format!(
                "invalid date format verb {}: {what} must either be {names}",
                verb()
            )),
        };
        let text = match first {
            b'Y' => match n {
                2 => format!("{:02}", c.year % 100),
                4 => format!("{:04}", c.year),
                _ => {
                    return Err(format!(
                        "invalid date format verb {}: year must either be \"YY\" or \"YYYY\"",
                        verb()
                    ))
                }
            },
            b'M' => {
                let name = MONTHS[(c.month as usize).saturating_sub(1) % 12];
                match n {
                    1 => c.month.to_string(),
                    2 => format!("{:02}", c.month),
                    3 => name[..3].to_string(),
                    4 => name.to_string(),
                    _ => return Err(format!("invalid date format verb {}: month must be \"M\", \"MM\", \"MMM\", or \"MMMM\"", verb())),
                }
            }
            b'D' => two_forms(c.day.into(), "day of month", "\"D\" or \"DD\"")?,
            b'E' => {
                let name = WEEKDAYS[c.weekday as usize % 7];
                match n {
                    3 => name[..3].to_string(),
                    4 => name.to_string(),
                    _ => return Err(format!("invalid date format verb {}: day of week must either be \"EEE\" or \"EEEE\"", verb())),
                }
            }
            b'h' => two_forms(c.hour.into(), "24-hour", "\"h\" or \"hh\"")?,
            b'H' => {
                let h = match c.hour % 12 {
                    0 => 12,
                    h => h,
                };
                two_forms(h.into(), "12-hour", "\"H\" or \"HH\"")?
            }
            b'A' | b'a' => {
                if n != 2 {
                    let l = first as char;
                    return Err(format!(
                        "invalid date format verb {}: must be \"{l}{l}\"",
                        verb()
                    ));
                }
                let pm = c.hour >= 12;
                match (first == b'A', pm) {
                    (true, false) => "AM",
                    (true, true) => "PM",
                    (false, false) => "am",
                    (false, true) => "pm",
                }
                .to_string()
            }
            b'm' => two_forms(c.minute.into(), "minute", "\"m\" or \"mm\"")?,
            b's' => two_forms(c.second.into(), "second", "\"s\" or \"ss\"")?,
            b'Z' => match n {
                1 => t.zone("Z07:00"),
                3 => match t.zone("-0700").as_str() {
                    "+0000" => "UTC".to_string(),
                    other => other.to_string(),
                },
                4 => t.zone("-0700"),
                5 => t.zone("-07:00"),
                _ => {
                    return Err(format!(
                        "invalid date format verb {}: timezone must be Z, ZZZZ, or ZZZZZ",
                        verb()
                    ))
                }
            },
            _ => return Err(format!("invalid date format verb {}", verb())),
        };
        out.push_str(&text);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for days in [-719_468 - 400, -1, 0, 59, 10_957, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
    }

    #[test]
    fn timestamps_and_durations() {
        let t = parse_timestamp("2024-02-29T23:30:00-05:00", false).unwrap();
        assert_eq!(t.rfc3339(), "2024-02-29T23:30:00-05:00");
        assert_eq!(
            t.add(parse_duration("1h").unwrap()).unwrap().rfc3339(),
            "2024-03-01T00:30:00-05:00"
        );
        assert_eq!(parse_duration("1.5h"), Ok(5_400_000_000_000));
        assert_eq!(parse_duration("-1m30s"), Ok(-90_000_000_000));
        assert_eq!(
            parse_duration("1d"),
            Err("time: unknown unit \"d\" in duration \"1d\"".into())
        );
        assert_eq!(
            parse_timestamp("2023-02-29T00:00:00Z", false),
            Err("not a valid RFC3339 timestamp: day out of range".into())
        );
        assert_eq!(
            parse_timestamp("2024-01-01 00:00:00Z", false),
            Err("not a valid RFC3339 timestamp: missing required time introducer 'T'".into())
        );
    }

    #[test]
    fn date_formats() {
        let t = parse_timestamp("2018-01-02T23:12:01Z", true).unwrap();
        assert_eq!(
            format_date("DD MMM YYYY hh:mm ZZZ", &t).unwrap(),
            "02 Jan 2018 23:12 UTC"
        );
        assert_eq!(format_date("EEEE, h:mmaa", &t).unwrap(), "Tuesday, 23:12pm");
        assert_eq!(format_date("'It''s' H aa", &t).unwrap(), "It's 11 pm");
        assert!(format_date("'open", &t).is_err());
    }
}
