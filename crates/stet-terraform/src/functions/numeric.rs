//! Numeric functions. `abs`, `ceil`, `floor`, `max`, `min` and `parseint` keep Terraform's
//! arbitrary precision; `log` and `pow` compute with float64 as Go's `math` does (their
//! results have 53 bits); `signum` takes whole numbers only, as Terraform's does.

use super::{any, number, p, Call, FnError, FnResult, Function};
use crate::cty::{Number, Type, Val};
use num_bigint::BigInt;

pub(super) static FUNCTIONS: &[Function] = &[
    Function {
        name: "abs",
        params: &[p("num", number)],
        variadic: None,
        returns: number,
        body: |c| num(c, num_arg(c, 0).abs()),
    },
    Function {
        name: "ceil",
        params: &[p("num", number)],
        variadic: None,
        returns: number,
        body: |c| {
            let n = num_arg(c, 0);
            match n.ceil() {
                Some(i) => num(c, Number::from_bigint(&i).set_prec(n.prec())),
                None => super::unknown(c, Type::Number),
            }
        },
    },
    Function {
        name: "floor",
        params: &[p("num", number)],
        variadic: None,
        returns: number,
        body: |c| {
            let n = num_arg(c, 0);
            match n.floor() {
                Some(i) => num(c, Number::from_bigint(&i).set_prec(n.prec())),
                None => super::unknown(c, Type::Number),
            }
        },
    },
    Function {
        name: "log",
        params: &[p("num", number), p("base", number)],
        variadic: None,
        returns: number,
        body: |c| float(c, num_arg(c, 0).to_f64().ln() / num_arg(c, 1).to_f64().ln()),
    },
    Function {
        name: "max",
        params: &[],
        variadic: Some(p("numbers", number)),
        returns: number,
        body: |c| extreme(c, true),
    },
    Function {
        name: "min",
        params: &[],
        variadic: Some(p("numbers", number)),
        returns: number,
        body: |c| extreme(c, false),
    },
    Function {
        name: "parseint",
        params: &[
            p("number", any).marked().unknown(),
            p("base", number).marked().unknown(),
        ],
        variadic: None,
        returns: number,
        body: |c| {
            let (text, base) = (c.arg(0), c.arg(1));
            if text.ty() != Type::String {
                return Err(FnError::Arg(
                    0,
                    format!(
                        "first argument must be a string, not {}",
                        text.ty().friendly_name()
                    ),
                ));
            }
            let marks = text.sensitive || base.sensitive;
            let (Some(s), Some(b)) = (text.as_str(), base.as_number()) else {
                return Ok(Val::unknown(Type::Number, c.span.clone()).marked(marks));
            };
            let base_n = b.to_i64().filter(|b| (2..=62).contains(b)).ok_or_else(|| {
                FnError::Arg(
                    1,
                    "base must be a whole number between 2 and 62 inclusive".into(),
                )
            })?;
            match parse_big_int(s, base_n as u32) {
                Some(i) => Ok(Val::number(Number::from_bigint(&i), c.span.clone()).marked(marks)),
                None => Err(FnError::Arg(
                    0,
                    format!(
                        "cannot parse {} as a base {} integer",
                        if text.sensitive {
                            "(sensitive value)".to_string()
                        } else {
                            format!("{s:?}")
                        },
                        if base.sensitive {
                            "(sensitive value)".to_string()
                        } else {
                            base_n.to_string()
                        },
                    ),
                )),
            }
        },
    },
    Function {
        name: "pow",
        params: &[p("num", number), p("power", number)],
        variadic: None,
        returns: number,
        body: |c| float(c, num_arg(c, 0).to_f64().powf(num_arg(c, 1).to_f64())),
    },
    Function {
        name: "signum",
        params: &[p("num", number)],
        variadic: None,
        returns: number,
        body: |c| {
            let n = c.int(0)?;
            Ok(Val::int(n.signum(), c.span.clone()))
        },
    },
];

fn num_arg(c: &Call<'_, '_, '_>, i: usize) -> Number {
    c.args
        .get(i)
        .and_then(Val::as_number)
        .cloned()
        .unwrap_or_else(|| Number::from_i64(0))
}

fn num(c: &Call<'_, '_, '_>, n: Number) -> FnResult {
    if n.is_inf() {
        return super::unknown(c, Type::Number);
    }
    Ok(Val::number(n, c.span.clone()))
}

/// A float64 result (`cty.NumberFloatVal`): infinities are stored by no one, NaN is an error.
fn float(c: &Call<'_, '_, '_>, f: f64) -> FnResult {
    match Number::from_f64(f) {
        Some(n) => num(c, n),
        None => c.fail("the result is not a number"),
    }
}

fn extreme(c: &Call<'_, '_, '_>, max: bool) -> FnResult {
    if c.args.is_empty() {
        return c.fail("must pass at least one number");
    }
    let mut best: Option<&Val> = None;
    for v in &c.args {
        let Some(n) = v.as_number() else { continue };
        let better = match best.and_then(Val::as_number) {
            None => true,
            Some(b) if max => n.cmp(b).is_gt(),
            Some(b) => n.cmp(b).is_lt(),
        };
        if better {
            best = Some(v);
        }
    }
    match best {
        Some(v) => Ok(v.clone()),
        None => super::unknown(c, Type::Number),
    }
}

/// Go's `big.Int.SetString(s, base)`: an optional sign, digits of the base (letters in
/// either case up to base 36, `a-z` then `A-Z` beyond), underscores only with a base
/// prefix (never here, since the base is given).
fn parse_big_int(s: &str, base: u32) -> Option<BigInt> {
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, s.get(1..)?),
        Some(b'+') => (false, s.get(1..)?),
        _ => (false, s),
    };
    if digits.is_empty() {
        return None;
    }
    let mut value = BigInt::from(0);
    for ch in digits.chars() {
        let d = match ch {
            '0'..='9' => ch as u32 - '0' as u32,
            'a'..='z' => ch as u32 - 'a' as u32 + 10,
            'A'..='Z' if base <= 36 => ch as u32 - 'A' as u32 + 10,
            'A'..='Z' => ch as u32 - 'A' as u32 + 36,
            _ => return None,
        };
        if d >= base {
            return None;
        }
        value = value * base + d;
    }
    Some(if neg { -value } else { value })
}
