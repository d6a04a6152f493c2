use super::prelude::*;

use crate::Number;

use std::str::FromStr;
use winnow::ascii::digit1;
use winnow::combinator::{alt, cut_err, opt, preceded, terminated};
use winnow::token::one_of;

pub(super) fn number(input: &mut Input) -> ModalResult<Number> {
    alt((
        // stet: a literal past the float64 range (`2e308`) is still a number to HCL, which
        // computes with big floats; its exact text stays in the source.
        float
            .map(|f: f64| {
                if f.is_infinite() {
                    f64::MAX.copysign(f)
                } else {
                    f
                }
            })
            .verify_map(Number::from_f64),
        integer.map(Number::from),
        // Integers which do not fit into a `u64` are represented as floats.
        digit1
            .try_map(|s: &str| f64::from_str(s))
            .verify_map(Number::from_f64),
    ))
    .parse_next(input)
}

fn integer(input: &mut Input) -> ModalResult<u64> {
    digit1.try_map(|s: &str| u64::from_str(s)).parse_next(input)
}

fn float(input: &mut Input) -> ModalResult<f64> {
    let fraction = preceded('.', digit1);

    terminated(digit1, alt((terminated(fraction, opt(exponent)), exponent)))
        .take()
        .try_map(|s: &str| f64::from_str(s))
        .parse_next(input)
}

fn exponent<'a>(input: &mut Input<'a>) -> ModalResult<&'a str> {
    (
        one_of(b"eE"),
        opt(one_of(b"+-")),
        cut_err(digit1).context(StrContext::Expected(StrContextValue::Description("digit"))),
    )
        .take()
        .parse_next(input)
}
