//! The date and time functions cfn-guard 3.2.1 has and its own tests call but its
//! documentation leaves out: `now` and `parse_epoch`.

use super::{make, unevaluatable, Call, Function};
use crate::eval::R;
use crate::literal::LitKind;
use crate::value::Node;

/// The date and time functions (in cfn-guard 3.2.1 and its tests, not in its documentation).
pub(super) const FUNCTIONS: &[Function] = &[
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
}
