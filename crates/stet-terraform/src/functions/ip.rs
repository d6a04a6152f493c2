//! IP network functions: `cidrhost`, `cidrnetmask`, `cidrsubnet`, `cidrsubnets`, for IPv4
//! and IPv6, as Terraform computes them (its `ipaddr.ParseCIDR`, which still takes IPv4
//! octets with leading zeros as decimal, and go-cidr's arithmetic), written as Go's
//! `net.IP.String` writes addresses.
//!
//! An IPv6 network holding an IPv4-mapped address (`::ffff:10.0.0.0/104`) is where Go's
//! address lengths mix and go-cidr gives odd results; those calls stay unknown.

use super::{number, p, string, Call, FnError, FnResult, Function};
use crate::cty::Type;
use num_bigint::{BigInt, Sign};
use num_traits::ToPrimitive;

pub(super) static FUNCTIONS: &[Function] = &[
    Function {
        name: "cidrhost",
        params: &[p("prefix", string), p("hostnum", number)],
        variadic: None,
        returns: string,
        body: cidrhost,
    },
    Function {
        name: "cidrnetmask",
        params: &[p("prefix", string)],
        variadic: None,
        returns: string,
        body: |c| {
            let Some(net) = network(c)? else {
                return super::unknown(c, Type::String);
            };
            if net.bits == 128 {
                return c.fail(format!(
                    "IPv6 addresses cannot have a netmask: {}",
                    c.str(0)
                ));
            }
            c.string(ip_text(mask(net.prefix, 32), 32))
        },
    },
    Function {
        name: "cidrsubnet",
        params: &[
            p("prefix", string),
            p("newbits", number),
            p("netnum", number),
        ],
        variadic: None,
        returns: string,
        body: cidrsubnet,
    },
    Function {
        name: "cidrsubnets",
        params: &[p("prefix", string)],
        variadic: Some(p("newbits", number)),
        returns: super::list_string,
        body: cidrsubnets,
    },
];

/// A network: its address (masked), prefix length, and address length (32 or 128).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Net {
    ip: u128,
    prefix: u32,
    bits: u32,
}

impl Net {
    fn text(&self) -> String {
        format!("{}/{}", ip_text(self.ip, self.bits), self.prefix)
    }

    /// The last address of the network (go-cidr's `AddressRange`).
    fn last(&self) -> u128 {
        self.ip | host_mask(self.prefix, self.bits)
    }

    fn contains(&self, ip: u128) -> bool {
        ip & mask(self.prefix, self.bits) == self.ip
    }
}

/// The network mask of a prefix length.
fn mask(prefix: u32, bits: u32) -> u128 {
    !host_mask(prefix, bits) & host_mask(0, bits)
}

/// The host bits of a prefix length.
fn host_mask(prefix: u32, bits: u32) -> u128 {
    let host = bits.saturating_sub(prefix);
    if host >= 128 {
        u128::MAX
    } else {
        (1u128 << host) - 1
    }
}

/// The `prefix` argument as a network; an error as Terraform words it, or `None` for an
/// IPv4-mapped IPv6 network (see the module documentation).
fn network(c: &Call<'_, '_, '_>) -> Result<Option<Net>, FnError> {
    match parse_cidr(c.str(0)) {
        Some(net) if net.bits == 128 && is_v4_mapped(net.ip) => Ok(None),
        Some(net) => Ok(Some(net)),
        None => Err(FnError::Call(format!(
            "invalid CIDR expression: invalid CIDR address: {}",
            c.str(0)
        ))),
    }
}

fn is_v4_mapped(ip: u128) -> bool {
    ip >> 32 == 0xffff
}

/// Terraform's `ipaddr.ParseCIDR`.
fn parse_cidr(s: &str) -> Option<Net> {
    let (addr, len) = s.split_once('/')?;
    let (ip, bits) = match parse_ipv4(addr) {
        Some(ip) => (ip as u128, 32),
        None => (parse_ipv6(addr)?, 128),
    };
    let (n, used) = dtoi(len)?;
    if used != len.len() || n > bits {
        return None;
    }
    Some(Net {
        ip: ip & mask(n, bits),
        prefix: n,
        bits,
    })
}

/// Decimal digits at the front of `s` (Go's `dtoi`): the value and how many were read.
fn dtoi(s: &str) -> Option<(u32, usize)> {
    let mut n: u32 = 0;
    let mut i = 0;
    for b in s.bytes().take_while(u8::is_ascii_digit) {
        n = n * 10 + u32::from(b - b'0');
        if n >= 0xFF_FFFF {
            return None;
        }
        i += 1;
    }
    (i > 0).then_some((n, i))
}

/// Hexadecimal digits at the front of `s` (Go's `xtoi`).
fn xtoi(s: &str) -> Option<(u32, usize)> {
    let mut n: u32 = 0;
    let mut i = 0;
    for b in s.bytes() {
        let Some(d) = (b as char).to_digit(16) else {
            break;
        };
        n = n * 16 + d;
        if n >= 0xFF_FFFF {
            return None;
        }
        i += 1;
    }
    (i > 0).then_some((n, i))
}

/// Dotted decimal; octets may have leading zeros (Terraform keeps Go 1.16's rule).
fn parse_ipv4(s: &str) -> Option<u32> {
    let mut rest = s;
    let mut ip: u32 = 0;
    for i in 0..4 {
        if i > 0 {
            rest = rest.strip_prefix('.')?;
        }
        let (n, used) = dtoi(rest)?;
        if n > 0xFF {
            return None;
        }
        rest = rest.get(used..)?;
        ip = (ip << 8) | n;
    }
    rest.is_empty().then_some(ip)
}

/// RFC 4291 text, with `::` and a trailing dotted IPv4 part.
fn parse_ipv6(s: &str) -> Option<u128> {
    let mut groups: Vec<u16> = Vec::with_capacity(8);
    let mut ellipsis: Option<usize> = None;
    let mut rest = s;
    if let Some(r) = rest.strip_prefix("::") {
        ellipsis = Some(0);
        rest = r;
        if rest.is_empty() {
            return Some(0);
        }
    }
    while groups.len() < 8 {
        let (n, used) = xtoi(rest)?;
        if n > 0xFFFF {
            return None;
        }
        if rest.as_bytes().get(used) == Some(&b'.') {
            if (ellipsis.is_none() && groups.len() != 6) || groups.len() + 2 > 8 {
                return None;
            }
            let v4 = parse_ipv4(rest)?;
            groups.push((v4 >> 16) as u16);
            groups.push(v4 as u16);
            rest = "";
            break;
        }
        groups.push(n as u16);
        rest = rest.get(used..)?;
        if rest.is_empty() {
            break;
        }
        if !rest.starts_with(':') || rest.len() == 1 {
            return None;
        }
        rest = rest.get(1..)?;
        if let Some(r) = rest.strip_prefix(':') {
            if ellipsis.is_some() {
                return None;
            }
            ellipsis = Some(groups.len());
            rest = r;
            if rest.is_empty() {
                break;
            }
        }
    }
    if !rest.is_empty() {
        return None;
    }
    match ellipsis {
        Some(at) if groups.len() < 8 => {
            let zeros = 8 - groups.len();
            let tail = groups.split_off(at);
            groups.extend(std::iter::repeat_n(0, zeros));
            groups.extend(tail);
        }
        Some(_) => return None,
        None if groups.len() < 8 => return None,
        None => {}
    }
    Some(
        groups
            .iter()
            .fold(0u128, |acc, &g| (acc << 16) | u128::from(g)),
    )
}

/// Go's `net.IP.String`: dotted decimal for IPv4 (and IPv4-mapped IPv6), else RFC 5952
/// (the first longest run of two or more zero groups as `::`).
fn ip_text(ip: u128, bits: u32) -> String {
    if bits == 32 || is_v4_mapped(ip) {
        let v4 = ip as u32;
        return format!(
            "{}.{}.{}.{}",
            v4 >> 24,
            (v4 >> 16) & 0xff,
            (v4 >> 8) & 0xff,
            v4 & 0xff
        );
    }
    let groups: Vec<u16> = (0..8).rev().map(|i| (ip >> (i * 16)) as u16).collect();
    let (mut best, mut best_len) = (usize::MAX, 0);
    let mut i = 0;
    while i < 8 {
        let run = groups.iter().skip(i).take_while(|&&g| g == 0).count();
        if run > best_len {
            (best, best_len) = (i, run);
        }
        i += run.max(1);
    }
    if best_len < 2 {
        best = usize::MAX;
    }
    let mut out = String::new();
    let mut i = 0;
    while i < 8 {
        if i == best {
            out.push_str("::");
            i += best_len;
            continue;
        }
        if i > 0 && !out.ends_with(':') {
            out.push(':');
        }
        out.push_str(&format!("{:x}", groups.get(i).copied().unwrap_or(0)));
        i += 1;
    }
    out
}

/// Argument `i` as a `*big.Int` (gocty: whole numbers only).
fn big_arg(c: &Call<'_, '_, '_>, i: usize) -> Result<BigInt, FnError> {
    c.arg(i)
        .as_number()
        .filter(|n| n.is_int())
        .and_then(|n| n.trunc())
        .ok_or_else(|| FnError::Call("value must be a whole number".into()))
}

/// Argument `i` as a Go `int` (gocty); the message of a number that is not one.
pub(super) fn int_arg(c: &Call<'_, '_, '_>, i: usize) -> Result<i64, String> {
    c.arg(i)
        .as_number()
        .filter(|n| n.is_int())
        .and_then(|n| n.to_i64())
        .ok_or_else(|| super::WHOLE_NUMBER.into())
}

/// The low 64 bits of |n| (Go's `big.Int.Uint64` outside its range).
fn low_u64(n: &BigInt) -> u64 {
    n.magnitude().iter_u64_digits().next().unwrap_or(0)
}

fn cidrhost(c: &Call<'_, '_, '_>) -> FnResult {
    let num = big_arg(c, 1)?;
    let Some(net) = network(c)? else {
        return super::unknown(c, Type::String);
    };
    // go-cidr's HostBig: a negative number counts back from the end of the network.
    let max = BigInt::from(host_mask(net.prefix, net.bits));
    let (num, check) = if num.sign() == Sign::Minus {
        let back = -&num - 1;
        (&max - &back, back)
    } else {
        let low = low_u64(&num);
        (num, BigInt::from(low as i64))
    };
    if check > max {
        return c.fail(format!(
            "prefix of {} does not accommodate a host numbered {num}",
            net.prefix
        ));
    }
    match num.to_u128() {
        Some(n) if n <= host_mask(net.prefix, net.bits) => c.string(ip_text(net.ip | n, net.bits)),
        // Go would read past the address here; nothing Terraform gives can be known.
        _ => super::unknown(c, Type::String),
    }
}

fn cidrsubnet(c: &Call<'_, '_, '_>) -> FnResult {
    let newbits = int_arg(c, 1).map_err(FnError::Call)?;
    let num = big_arg(c, 2)?;
    let Some(net) = network(c)? else {
        return super::unknown(c, Type::String);
    };
    let new_prefix = i64::from(net.prefix) + newbits;
    if new_prefix > i64::from(net.bits) {
        return c.fail(format!(
            "insufficient address space to extend prefix of {} by {newbits}",
            net.prefix
        ));
    }
    let max_num = if (0..64).contains(&newbits) {
        (1u64 << newbits) - 1
    } else {
        u64::MAX
    };
    if low_u64(&num) > max_num {
        return c.fail(format!(
            "prefix extension of {newbits} does not accommodate a subnet numbered {num}"
        ));
    }
    // go-cidr ORs the shifted number into the address as big integers (two's complement
    // for a negative one) and writes the magnitude's bytes back; a negative extension
    // leaves the address unmasked.
    let shift = i64::from(net.bits) - new_prefix;
    if shift > 256 && num.sign() != Sign::NoSign {
        // Go panics: the number does not fit the address.
        return super::unknown(c, Type::String);
    }
    let value = BigInt::from(net.ip) | (num << shift.clamp(0, 256));
    let (_, bytes) = value.to_bytes_be();
    if value.sign() != Sign::NoSign && bytes.len() > (net.bits / 8) as usize {
        // Go panics here.
        return super::unknown(c, Type::String);
    }
    let ip = if value.sign() == Sign::NoSign {
        0
    } else {
        bytes
            .iter()
            .fold(0u128, |acc, &b| (acc << 8) | u128::from(b))
    };
    let Ok(new_prefix) = u32::try_from(new_prefix) else {
        // Go's `CIDRMask` gives no mask for a negative length, and the network's text is
        // then this.
        return c.string("<nil>");
    };
    let subnet = Net {
        ip,
        prefix: new_prefix,
        bits: net.bits,
    };
    c.string(subnet.text())
}

fn cidrsubnets(c: &Call<'_, '_, '_>) -> FnResult {
    let Some(net) = network(c).map_err(|e| match e {
        FnError::Call(m) | FnError::Arg(_, m) => FnError::Arg(0, m),
    })?
    else {
        return super::unknown(c, Type::list(Type::String));
    };
    let mut out = Vec::new();
    // go-cidr's PreviousSubnet of the network at the first length, then NextSubnet.
    let mut current: Option<Net> = None;
    for i in 1..c.args.len() {
        let extend = int_arg(c, i).map_err(|m| FnError::Arg(i, m))?;
        if extend < 1 {
            return Err(FnError::Arg(
                i,
                "must extend prefix by at least one bit".into(),
            ));
        }
        if extend > 32 {
            return Err(FnError::Arg(
                i,
                "may not extend prefix by more than 32 bits".into(),
            ));
        }
        let length = extend as u32 + net.prefix;
        if length > net.bits {
            let protocol = if net.bits == 32 { "IPv4" } else { "IPv6" };
            return Err(FnError::Arg(
                i,
                format!("would extend prefix to {length} bits, which is too long for an {protocol} address"),
            ));
        }
        let prev = current.unwrap_or_else(|| {
            let all = host_mask(0, net.bits);
            Net {
                ip: net.ip.wrapping_sub(1) & all & mask(length, net.bits),
                prefix: length,
                bits: net.bits,
            }
        });
        let (next, rollover) = next_subnet(&prev, length);
        if rollover || !net.contains(next.ip) {
            return Err(FnError::Arg(
                i,
                format!(
                    "not enough remaining address space for a subnet with a prefix of {length} bits after {}",
                    prev.text()
                ),
            ));
        }
        out.push(next.text());
        current = Some(next);
    }
    c.list_of_strings(out)
}

/// go-cidr's `NextSubnet`: the subnet of `length` bits after `current`, and whether the
/// address space wrapped around.
fn next_subnet(current: &Net, length: u32) -> (Net, bool) {
    let all = host_mask(0, current.bits);
    let m = mask(length, current.bits);
    let subnet = Net {
        ip: current.last() & m,
        prefix: length,
        bits: current.bits,
    };
    let last = subnet.last().wrapping_add(1) & all;
    (
        Net {
            ip: last & m,
            prefix: length,
            bits: current.bits,
        },
        last == 0,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parsing_as_terraform_does() {
        assert_eq!(
            parse_cidr("010.1.2.3/8").map(|n| n.text()).as_deref(),
            Some("10.0.0.0/8")
        );
        assert_eq!(parse_cidr("10.0.0.0/33"), None);
        assert_eq!(parse_cidr("10.0.0/8"), None);
        assert_eq!(
            parse_cidr("2001:db8::1/32").map(|n| n.text()).as_deref(),
            Some("2001:db8::/32")
        );
        assert_eq!(
            parse_cidr("::ffff:1.2.3.4/128").map(|n| n.ip),
            Some(0xffff_0102_0304)
        );
        assert_eq!(parse_cidr("1::2::3/64"), None);
    }

    #[test]
    fn go_address_text() {
        assert_eq!(
            ip_text(0x2001_0db8_0000_0000_0001_0000_0000_0001, 128),
            "2001:db8::1:0:0:1"
        );
        assert_eq!(
            ip_text(0x2001_0db8_0000_0001_0001_0001_0001_0001, 128),
            "2001:db8:0:1:1:1:1:1"
        );
        assert_eq!(ip_text(0, 128), "::");
        assert_eq!(ip_text(1, 128), "::1");
        assert_eq!(ip_text(0x0a00_0001, 32), "10.0.0.1");
    }
}
