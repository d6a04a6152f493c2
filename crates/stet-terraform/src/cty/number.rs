//! Terraform's numbers: binary floating point with a per-value precision, as Go's
//! `math/big.Float` computes them (go-cty keeps every number that way). Literals and numbers
//! read from strings have 512 bits of mantissa (`cty.ParseNumberVal`), integers made by
//! functions such as `length` 64 (`cty.NumberIntVal`), results of float64 maths 53
//! (`cty.NumberFloatVal`). Every operation rounds to nearest, ties to even, at the precision
//! Go would use, and [`Number::text`] writes the shortest decimal that reads back to the same
//! value at that precision (`Float.Text('f', -1)`, what `terraform show -json` prints). So
//! `3 * 0.1` is `0.3`, `1 / 3` has 155 digits and `12345678901234567890123 + 1` is exact.
//!
//! Only what Terraform can produce is modelled: finite values and the two infinities; no NaN
//! (Go panics where NaN would appear, and Terraform reports an error).

use num_bigint::{BigInt, BigUint, Sign};
use num_integer::Integer;
use num_traits::{One, Signed, ToPrimitive, Zero};
use std::cmp::Ordering;

/// The precision of numbers parsed from text (`cty.ParseNumberVal`).
pub(crate) const PARSE_PREC: u32 = 512;
/// The precision of `big.Float.SetInt64` (`cty.NumberIntVal`).
pub(crate) const INT_PREC: u32 = 64;
/// The precision of `big.Float.SetFloat64` (`cty.NumberFloatVal`).
pub(crate) const FLOAT_PREC: u32 = 53;

/// A number as go-cty holds it.
#[derive(Debug, Clone)]
pub(crate) struct Number {
    neg: bool,
    form: Form,
    prec: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Form {
    Zero,
    /// `mant * 2^exp`, `mant` odd (trailing zero bits moved into `exp`) and at most `prec`
    /// bits long.
    Finite {
        mant: BigUint,
        exp: i64,
    },
    Inf,
}

impl PartialEq for Number {
    /// Equal values (precision is not compared, as `big.Float.Cmp`).
    fn eq(&self, other: &Number) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Number {
    fn zero(prec: u32) -> Number {
        Number {
            neg: false,
            form: Form::Zero,
            prec,
        }
    }

    /// Positive or negative infinity.
    pub fn infinity(neg: bool) -> Number {
        Number {
            neg,
            form: Form::Inf,
            prec: PARSE_PREC,
        }
    }

    /// `m * 2^e` rounded to `prec` bits (`sticky`: whether something below `m` was lost,
    /// making a tie round up).
    fn rounded(neg: bool, m: BigUint, e: i64, prec: u32, sticky: bool) -> Number {
        if m.is_zero() {
            return Number::zero(prec).with_sign(neg);
        }
        let bits = m.bits();
        let (mut mant, mut exp) = if bits > u64::from(prec) {
            let shift = bits - u64::from(prec);
            let kept = &m >> shift;
            let half_bit = m.bit(shift - 1);
            let below_half = shift >= 2 && {
                let mask = (BigUint::one() << (shift - 1)) - BigUint::one();
                !(&m & mask).is_zero()
            };
            let exp = e + shift as i64;
            let round_up = half_bit && (below_half || sticky || kept.bit(0));
            if round_up {
                (kept + BigUint::one(), exp)
            } else {
                (kept, exp)
            }
        } else {
            (m, e)
        };
        if mant.is_zero() {
            return Number::zero(prec).with_sign(neg);
        }
        let tz = mant.trailing_zeros().unwrap_or(0);
        if tz > 0 {
            mant >>= tz;
            exp += tz as i64;
        }
        Number {
            neg,
            form: Form::Finite { mant, exp },
            prec,
        }
    }

    fn with_sign(mut self, neg: bool) -> Number {
        self.neg = neg;
        self
    }

    /// A whole number at 64 bits of precision (`cty.NumberIntVal`).
    pub fn from_i64(i: i64) -> Number {
        Number::rounded(i < 0, BigUint::from(i.unsigned_abs()), 0, INT_PREC, false)
    }

    /// A big integer, at the larger of its bit length and 64 (`big.Float.SetInt`).
    pub fn from_bigint(i: &BigInt) -> Number {
        let mag = i.magnitude().clone();
        let prec = u32::try_from(mag.bits()).unwrap_or(u32::MAX).max(INT_PREC);
        Number::rounded(i.sign() == Sign::Minus, mag, 0, prec, false)
    }

    /// A float64 at 53 bits (`cty.NumberFloatVal`); `None` for NaN.
    pub fn from_f64(f: f64) -> Option<Number> {
        if f.is_nan() {
            return None;
        }
        if f.is_infinite() {
            return Some(Number::infinity(f < 0.0));
        }
        if f == 0.0 {
            return Some(Number::zero(FLOAT_PREC));
        }
        let bits = f.to_bits();
        let neg = bits >> 63 == 1;
        let exponent = ((bits >> 52) & 0x7ff) as i64;
        let fraction = bits & ((1u64 << 52) - 1);
        let (mant, exp) = if exponent == 0 {
            (fraction, -1074)
        } else {
            (fraction | (1u64 << 52), exponent - 1075)
        };
        Some(Number::rounded(
            neg,
            BigUint::from(mant),
            exp,
            FLOAT_PREC,
            false,
        ))
    }

    /// Parses a decimal number (`cty.ParseNumberVal`: optional sign, digits with an optional
    /// point, optional exponent), correctly rounded to 512 bits. `None` if `text` is not one.
    pub fn parse(text: &str) -> Option<Number> {
        Number::parse_prec(text, PARSE_PREC)
    }

    fn parse_prec(text: &str, prec: u32) -> Option<Number> {
        let bytes = text.as_bytes();
        let mut i = 0;
        let mut neg = false;
        if let Some(&c) = bytes.first() {
            if c == b'+' || c == b'-' {
                neg = c == b'-';
                i = 1;
            }
        }
        let mut digits = String::new();
        let mut frac_digits: i64 = 0;
        let mut seen_digit = false;
        let mut seen_point = false;
        while let Some(&c) = bytes.get(i) {
            match c {
                b'0'..=b'9' => {
                    digits.push(c as char);
                    seen_digit = true;
                    if seen_point {
                        frac_digits += 1;
                    }
                }
                b'.' if !seen_point => seen_point = true,
                b'_' => return None,
                _ => break,
            }
            i += 1;
        }
        if !seen_digit {
            return None;
        }
        let mut exp10: i64 = 0;
        if let Some(&c) = bytes.get(i) {
            if c != b'e' && c != b'E' {
                return None;
            }
            i += 1;
            let rest = text.get(i..)?;
            let (eneg, rest) = match rest.as_bytes().first() {
                Some(b'-') => (true, rest.get(1..)?),
                Some(b'+') => (false, rest.get(1..)?),
                _ => (false, rest),
            };
            if rest.is_empty() || !rest.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let e: i64 = rest.parse().ok().filter(|e: &i64| *e < 1_000_000)?;
            exp10 = if eneg { -e } else { e };
        }
        let mant: BigUint = digits.parse().ok()?;
        let exp10 = exp10 - frac_digits;
        if mant.is_zero() {
            return Some(Number::zero(prec).with_sign(neg));
        }
        Some(Number::from_ratio(neg, mant, exp10, prec))
    }

    /// `mant * 10^exp10` correctly rounded to `prec` bits.
    fn from_ratio(neg: bool, mant: BigUint, exp10: i64, prec: u32) -> Number {
        let pow = BigUint::from(10u32).pow(u32::try_from(exp10.unsigned_abs()).unwrap_or(0));
        if exp10 >= 0 {
            return Number::rounded(neg, mant * pow, 0, prec, false);
        }
        Number::divide(neg, &mant, 0, &pow, 0, prec)
    }

    /// `(a * 2^ea) / (b * 2^eb)` correctly rounded to `prec` bits.
    fn divide(neg: bool, a: &BigUint, ea: i64, b: &BigUint, eb: i64, prec: u32) -> Number {
        // Scale the dividend so the quotient has at least prec + 2 bits.
        let want = i64::from(prec) + 2;
        let have = a.bits() as i64 - b.bits() as i64;
        let shift = (want - have).max(0) as u64;
        let (q, r) = (a << shift).div_rem(b);
        Number::rounded(neg, q, ea - eb - shift as i64, prec, !r.is_zero())
    }

    /// The precision in bits.
    pub fn prec(&self) -> u32 {
        self.prec
    }

    /// Sets the precision, rounding (`big.Float.SetPrec`).
    pub fn set_prec(&self, prec: u32) -> Number {
        match &self.form {
            Form::Finite { mant, exp } => {
                Number::rounded(self.neg, mant.clone(), *exp, prec, false)
            }
            _ => Number {
                prec,
                ..self.clone()
            },
        }
    }

    /// The fewest bits that hold this value exactly (`big.Float.MinPrec`).
    pub fn min_prec(&self) -> u32 {
        match &self.form {
            Form::Finite { mant, .. } => u32::try_from(mant.bits()).unwrap_or(u32::MAX),
            _ => 0,
        }
    }

    /// Whether this is an infinity.
    pub fn is_inf(&self) -> bool {
        self.form == Form::Inf
    }

    /// Whether this is zero.
    pub fn is_zero(&self) -> bool {
        self.form == Form::Zero
    }

    /// Whether this is `-0` (Terraform prints it so).
    pub fn is_negative_zero(&self) -> bool {
        self.neg && self.form == Form::Zero
    }

    /// Whether the value is negative (and not zero).
    pub fn is_negative(&self) -> bool {
        self.neg && self.form != Form::Zero
    }

    /// -1, 0 or 1.
    pub fn sign(&self) -> i32 {
        match self.form {
            Form::Zero => 0,
            _ if self.neg => -1,
            _ => 1,
        }
    }

    /// The value as an exact fraction `num / 2^k`, for finite values.
    fn parts(&self) -> Option<(BigInt, i64)> {
        match &self.form {
            Form::Zero => Some((BigInt::zero(), 0)),
            Form::Finite { mant, exp } => {
                let sign = if self.neg { Sign::Minus } else { Sign::Plus };
                Some((BigInt::from_biguint(sign, mant.clone()), *exp))
            }
            Form::Inf => None,
        }
    }

    /// Whether the value is a whole number.
    pub fn is_int(&self) -> bool {
        match &self.form {
            Form::Zero => true,
            Form::Finite { exp, .. } => *exp >= 0,
            Form::Inf => false,
        }
    }

    /// The whole part, truncated towards zero (`big.Float.Int`); `None` for infinities.
    pub fn trunc(&self) -> Option<BigInt> {
        let (num, exp) = self.parts()?;
        Some(if exp >= 0 {
            num << exp as u64
        } else {
            let mag = num.magnitude() >> (-exp) as u64;
            BigInt::from_biguint(num.sign(), mag)
        })
    }

    /// The value as an `i64` when it is a whole number in range.
    pub fn to_i64(&self) -> Option<i64> {
        if !self.is_int() {
            return None;
        }
        self.trunc()?.to_i64()
    }

    /// The nearest float64 (`big.Float.Float64`, ties to even).
    pub fn to_f64(&self) -> f64 {
        match &self.form {
            Form::Zero => {
                if self.neg {
                    -0.0
                } else {
                    0.0
                }
            }
            Form::Inf => {
                if self.neg {
                    f64::NEG_INFINITY
                } else {
                    f64::INFINITY
                }
            }
            Form::Finite { .. } => {
                // Rounding to 53 bits first, then scaling, is exact for normal numbers;
                // the text round trip handles subnormals and overflow the way Rust reads.
                self.set_prec(FLOAT_PREC)
                    .text()
                    .parse::<f64>()
                    .unwrap_or(f64::NAN)
            }
        }
    }

    /// Compares two values (`big.Float.Cmp`).
    pub fn cmp(&self, other: &Number) -> Ordering {
        match (self.sign(), other.sign(), &self.form, &other.form) {
            (a, b, _, _) if a != b => a.cmp(&b),
            (0, 0, _, _) => Ordering::Equal,
            (s, _, Form::Inf, Form::Inf) => {
                let _ = s;
                Ordering::Equal
            }
            (s, _, Form::Inf, _) => {
                if s > 0 {
                    Ordering::Greater
                } else {
                    Ordering::Less
                }
            }
            (s, _, _, Form::Inf) => {
                if s > 0 {
                    Ordering::Less
                } else {
                    Ordering::Greater
                }
            }
            _ => {
                let (Some((a, ea)), Some((b, eb))) = (self.parts(), other.parts()) else {
                    return Ordering::Equal;
                };
                let e = ea.min(eb);
                let a = a << (ea - e) as u64;
                let b = b << (eb - e) as u64;
                a.cmp(&b)
            }
        }
    }

    /// `-x`.
    pub fn neg(&self) -> Number {
        let mut out = self.clone();
        out.neg = !self.neg;
        out
    }

    /// `|x|`.
    pub fn abs(&self) -> Number {
        let mut out = self.clone();
        out.neg = false;
        out
    }

    /// `x + y` at the larger precision (`big.Float.Add` into a new Float); `None` for
    /// `+Inf + -Inf`.
    pub fn add(&self, other: &Number) -> Option<Number> {
        let prec = self.prec.max(other.prec);
        match (&self.form, &other.form) {
            (Form::Inf, Form::Inf) if self.neg != other.neg => None,
            (Form::Inf, _) => Some(Number::infinity(self.neg).with_prec(prec)),
            (_, Form::Inf) => Some(Number::infinity(other.neg).with_prec(prec)),
            _ => {
                let (a, ea) = self.parts()?;
                let (b, eb) = other.parts()?;
                let e = ea.min(eb);
                let sum = (a << (ea - e) as u64) + (b << (eb - e) as u64);
                if sum.is_zero() {
                    // Go: x + (-x) is +0 when rounding to nearest.
                    return Some(Number::zero(prec).with_sign(self.neg && other.neg));
                }
                Some(Number::rounded(
                    sum.is_negative(),
                    sum.magnitude().clone(),
                    e,
                    prec,
                    false,
                ))
            }
        }
    }

    fn with_prec(mut self, prec: u32) -> Number {
        self.prec = prec;
        self
    }

    /// `x - y` (cty: `x + (-y)`).
    pub fn sub(&self, other: &Number) -> Option<Number> {
        self.add(&other.neg())
    }

    /// `x * y` as cty computes it: the product rounded to 512 bits, kept at the larger of the
    /// operands' precision and the bits it needs. `None` for `0 * Inf`.
    pub fn mul(&self, other: &Number) -> Option<Number> {
        let neg = self.neg != other.neg;
        let res_prec = self.prec.max(other.prec);
        match (&self.form, &other.form) {
            (Form::Inf, Form::Zero) | (Form::Zero, Form::Inf) => None,
            (Form::Inf, _) | (_, Form::Inf) => Some(Number::infinity(neg).with_prec(res_prec)),
            (Form::Zero, _) | (_, Form::Zero) => Some(Number::zero(res_prec).with_sign(neg)),
            (Form::Finite { mant: a, exp: ea }, Form::Finite { mant: b, exp: eb }) => {
                let product = Number::rounded(neg, a * b, ea + eb, PARSE_PREC, false);
                let prec = res_prec.max(product.min_prec());
                Some(product.with_prec(prec))
            }
        }
    }

    /// `x / y` at the larger precision (`big.Float.Quo`); `None` for `0/0` and `Inf/Inf`.
    pub fn div(&self, other: &Number) -> Option<Number> {
        let neg = self.neg != other.neg;
        let prec = self.prec.max(other.prec);
        match (&self.form, &other.form) {
            (Form::Zero, Form::Zero) | (Form::Inf, Form::Inf) => None,
            (Form::Zero, _) | (_, Form::Inf) => Some(Number::zero(prec).with_sign(neg)),
            (_, Form::Zero) | (Form::Inf, _) => Some(Number::infinity(neg).with_prec(prec)),
            (Form::Finite { mant: a, exp: ea }, Form::Finite { mant: b, exp: eb }) => {
                Some(Number::divide(neg, a, *ea, b, *eb, prec))
            }
        }
    }

    /// `x % y` as cty computes it (`cty.Value.Modulo`): `w = trunc(x / y)`, then `x - y * w`,
    /// each step rounded to x's precision; `x` when `y` is zero; infinities as cty gives them.
    pub fn rem(&self, other: &Number) -> Option<Number> {
        if self.is_inf() || other.is_inf() {
            return self.mul(other);
        }
        if other.is_zero() {
            return Some(self.clone());
        }
        let whole = self.div(other)?.trunc()?;
        let work = Number::from_bigint(&whole).set_prec(self.prec);
        let product = other.exact_mul(&work)?.set_prec(self.prec);
        Some(self.add(&product.neg())?.set_prec(self.prec))
    }

    /// The exact product (precision: the bits it needs).
    fn exact_mul(&self, other: &Number) -> Option<Number> {
        let neg = self.neg != other.neg;
        match (&self.form, &other.form) {
            (Form::Finite { mant: a, exp: ea }, Form::Finite { mant: b, exp: eb }) => {
                let m = a * b;
                let prec = u32::try_from(m.bits()).unwrap_or(u32::MAX);
                Some(Number::rounded(neg, m, ea + eb, prec, false))
            }
            (Form::Zero, Form::Inf) | (Form::Inf, Form::Zero) => None,
            (Form::Zero, _) | (_, Form::Zero) => Some(Number::zero(1).with_sign(neg)),
            _ => Some(Number::infinity(neg)),
        }
    }

    /// The largest whole number not above x (`stdlib.Floor`).
    pub fn floor(&self) -> Option<BigInt> {
        let t = self.trunc()?;
        if self.is_negative() && !self.is_int() {
            Some(t - BigInt::one())
        } else {
            Some(t)
        }
    }

    /// The smallest whole number not below x (`stdlib.Ceil`).
    pub fn ceil(&self) -> Option<BigInt> {
        let t = self.trunc()?;
        if !self.is_negative() && !self.is_int() {
            Some(t + BigInt::one())
        } else {
            Some(t)
        }
    }

    /// The shortest decimal that reads back to this value at its precision, without an
    /// exponent (`big.Float.Text('f', -1)`): `0.3`, `12345678901234567890124`, `+Inf`.
    pub fn text(&self) -> String {
        self.format('f', -1)
    }

    /// `big.Float.String()`: `Text('g', 10)`, the form cty hashes numbers by.
    pub fn text_g10(&self) -> String {
        self.format('g', 10)
    }

    /// `Text('g', -1)`: the shortest form, with an exponent when it is below -4 or at
    /// least 21 digits (what `format("%v")` prints).
    pub fn text_g_shortest(&self) -> String {
        self.format('g', -1)
    }

    /// `big.Float.Text(format, prec)` for the formats `e`, `E`, `f`, `g` and `G`; a
    /// negative `prec` asks for the fewest digits that read back to the same value.
    pub fn format(&self, fmt: char, prec: i64) -> String {
        let mut out = String::new();
        if self.neg {
            out.push('-');
        }
        let mut d = match &self.form {
            Form::Inf => {
                if !self.neg {
                    out.push('+');
                }
                out.push_str("Inf");
                return out;
            }
            Form::Zero => Decimal {
                mant: Vec::new(),
                exp: 0,
            },
            Form::Finite { mant, exp } => Decimal::of(mant, *exp),
        };
        let mut prec = prec;
        let shortest = prec < 0;
        if shortest {
            if let Form::Finite { mant, exp } = &self.form {
                round_shortest(&mut d, mant, *exp, self.prec);
            }
            let len = d.mant.len() as i64;
            prec = match fmt {
                'e' | 'E' => len - 1,
                'f' => (len - d.exp).max(0),
                _ => len,
            };
        } else {
            match fmt {
                'e' | 'E' => d.round_at(1 + prec),
                'f' => d.round_at(d.exp + prec),
                _ => {
                    if prec == 0 {
                        prec = 1;
                    }
                    d.round_at(prec);
                }
            }
        }
        match fmt {
            'e' | 'E' => fmt_e(&mut out, fmt, prec, &d),
            'f' => fmt_f(&mut out, prec, &d),
            _ => {
                let len = d.mant.len() as i64;
                let mut eprec = prec;
                if eprec > len && len >= d.exp {
                    eprec = len;
                }
                if shortest {
                    eprec = 6;
                }
                let exp = d.exp - 1;
                if exp < -4 || exp >= eprec {
                    if prec > len {
                        prec = len;
                    }
                    let e = if fmt == 'G' { 'E' } else { 'e' };
                    fmt_e(&mut out, e, prec - 1, &d);
                } else {
                    if prec > d.exp {
                        prec = len;
                    }
                    fmt_f(&mut out, (prec - d.exp).max(0), &d);
                }
            }
        }
        out
    }
}

/// Go's `fmtE`: `d.ddddde±dd`.
fn fmt_e(out: &mut String, fmt: char, prec: i64, d: &Decimal) {
    out.push(d.at(0));
    if prec > 0 {
        out.push('.');
        for i in 1..=prec {
            out.push(d.at(i));
        }
    }
    out.push(fmt);
    let exp = if d.mant.is_empty() { 0 } else { d.exp - 1 };
    out.push(if exp < 0 { '-' } else { '+' });
    if exp.abs() < 10 {
        out.push('0');
    }
    out.push_str(&exp.abs().to_string());
}

/// Go's `fmtF`: `ddddd.ddddd` with `prec` digits after the point.
fn fmt_f(out: &mut String, prec: i64, d: &Decimal) {
    if d.exp > 0 {
        for i in 0..d.exp {
            out.push(d.at(i));
        }
    } else {
        out.push('0');
    }
    if prec > 0 {
        out.push('.');
        for i in 0..prec {
            out.push(d.at(d.exp + i));
        }
    }
}

/// A decimal number `0.mant * 10^exp` with no trailing zeros in `mant` (Go's `decimal`).
struct Decimal {
    mant: Vec<u8>,
    exp: i64,
}

impl Decimal {
    /// The exact decimal value of `m * 2^shift`.
    fn of(m: &BigUint, shift: i64) -> Decimal {
        if m.is_zero() {
            return Decimal {
                mant: Vec::new(),
                exp: 0,
            };
        }
        let (digits, point) = if shift >= 0 {
            let v = m << shift as u64;
            let s = v.to_str_radix(10);
            let n = s.len() as i64;
            (s, n)
        } else {
            // m / 2^k = m * 5^k / 10^k
            let k = (-shift) as u64;
            let v = m * BigUint::from(5u32).pow(u32::try_from(k).unwrap_or(u32::MAX));
            let s = v.to_str_radix(10);
            let n = s.len() as i64;
            (s, n - k as i64)
        };
        let mant: Vec<u8> = digits.trim_end_matches('0').bytes().collect();
        Decimal { mant, exp: point }
    }

    fn at(&self, i: i64) -> char {
        usize::try_from(i)
            .ok()
            .and_then(|i| self.mant.get(i))
            .map_or('0', |&b| b as char)
    }

    fn digit(&self, i: usize) -> u8 {
        self.mant.get(i).copied().unwrap_or(b'0')
    }

    fn trim(&mut self) {
        while self.mant.last() == Some(&b'0') {
            self.mant.pop();
        }
        if self.mant.is_empty() {
            self.exp = 0;
        }
    }

    fn round_down(&mut self, n: usize) {
        if n >= self.mant.len() {
            return;
        }
        self.mant.truncate(n);
        self.trim();
    }

    fn round_up(&mut self, n: usize) {
        if n >= self.mant.len() {
            return;
        }
        let mut n = n;
        while n > 0 && self.mant.get(n - 1) == Some(&b'9') {
            n -= 1;
        }
        if n == 0 {
            self.mant.clear();
            self.mant.push(b'1');
            self.exp += 1;
            return;
        }
        self.mant.truncate(n);
        if let Some(last) = self.mant.last_mut() {
            *last += 1;
        }
    }

    /// `decimal.round` with Go's guard for negative positions.
    fn round_at(&mut self, n: i64) {
        if let Ok(n) = usize::try_from(n) {
            self.round(n);
        }
    }

    fn round(&mut self, n: usize) {
        if n >= self.mant.len() {
            return;
        }
        let up = if self.digit(n) == b'5' && n + 1 == self.mant.len() {
            n > 0 && (self.digit(n - 1) - b'0') & 1 != 0
        } else {
            self.digit(n) >= b'5'
        };
        if up {
            self.round_up(n);
        } else {
            self.round_down(n);
        }
    }
}

/// Go's `roundShortest`: the fewest digits of `d` (the exact value `mant * 2^exp`) that
/// still lie strictly (or, for an even mantissa, inclusively) within half an ulp at `prec`.
fn round_shortest(d: &mut Decimal, mant: &BigUint, exp: i64, prec: u32) {
    if d.mant.is_empty() {
        return;
    }
    // A mantissa of prec + 1 bits whose lowest bit is half an ulp.
    let bits = mant.bits() as i64;
    let s = bits - (i64::from(prec) + 1);
    let (m, e) = if s < 0 {
        (mant << (-s) as u64, exp + s)
    } else {
        (mant >> s as u64, exp + s)
    };
    let lower = Decimal::of(&(&m - BigUint::one()), e);
    let upper = Decimal::of(&(&m + BigUint::one()), e);
    let inclusive = !m.bit(1);
    for i in 0..d.mant.len() {
        let l = lower.digit(i);
        let m = d.digit(i);
        let u = upper.digit(i);
        let okdown = l != m || (inclusive && i + 1 == lower.mant.len());
        let okup = m != u && (inclusive || m + 1 < u || i + 1 < upper.mant.len());
        match (okdown, okup) {
            (true, true) => {
                d.round(i + 1);
                return;
            }
            (true, false) => {
                d.round_down(i + 1);
                return;
            }
            (false, true) => {
                d.round_up(i + 1);
                return;
            }
            (false, false) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Number {
        Number::parse(s).unwrap()
    }

    #[test]
    fn literals_print_as_written() {
        for s in [
            "0",
            "1",
            "0.1",
            "0.3",
            "2.5",
            "1234567890123456789012345",
            "1e3",
        ] {
            let expected = if s == "1e3" { "1000" } else { s };
            assert_eq!(n(s).text(), expected);
        }
        assert_eq!(n("-7.25").text(), "-7.25");
    }

    #[test]
    fn arithmetic_as_terraform_prints_it() {
        assert_eq!(n("3").mul(&n("0.1")).unwrap().text(), "0.3");
        assert_eq!(n("0.1").add(&n("0.2")).unwrap().text(), "0.3");
        assert_eq!(n("10").div(&n("4")).unwrap().text(), "2.5");
        assert_eq!(
            n("12345678901234567890123").add(&n("1")).unwrap().text(),
            "12345678901234567890124"
        );
        // Terraform 1.11: 1/3 has 155 digits, the last a 5.
        let third = n("1").div(&n("3")).unwrap().text();
        assert_eq!(third.len(), 157);
        assert!(third.ends_with("335"), "{third}");
        assert_eq!(n("2e308").text().len(), 309);
    }

    #[test]
    fn precision_follows_the_operands() {
        let a = Number::from_i64(1);
        let b = Number::from_i64(3);
        // Both 64-bit: the quotient has 64 bits.
        assert_eq!(a.div(&b).unwrap().text(), "0.33333333333333333334");
        assert_eq!(
            Number::from_f64(std::f64::consts::SQRT_2).unwrap().text(),
            "1.4142135623730951"
        );
        assert_eq!(Number::from_f64(0.1).unwrap().text(), "0.1");
    }

    #[test]
    fn conversions() {
        assert_eq!(n("5").to_i64(), Some(5));
        assert_eq!(n("5.5").to_i64(), None);
        assert_eq!(n("-5.5").floor().unwrap(), BigInt::from(-6));
        assert_eq!(n("-5.5").ceil().unwrap(), BigInt::from(-5));
        assert_eq!(n("0.1").to_f64(), 0.1);
        assert_eq!(n("7").rem(&n("3")).unwrap().text(), "1");
        assert_eq!(n("-7").rem(&n("3")).unwrap().text(), "-1");
        assert!(Number::parse("10.0.0.0").is_none());
        assert!(Number::parse("1_000").is_none());
    }

    #[test]
    fn hash_text_is_go_g10() {
        assert_eq!(n("1").text_g10(), "1");
        assert_eq!(n("100").text_g10(), "100");
        assert_eq!(n("1e10").text_g10(), "1e+10");
        assert_eq!(n("12345678901").text_g10(), "1.23456789e+10");
        assert_eq!(n("0.5").text_g10(), "0.5");
        assert_eq!(n("0.00001").text_g10(), "1e-05");
        assert_eq!(n("-2.25").text_g10(), "-2.25");
        assert_eq!(n("0").text_g10(), "0");
    }
}
