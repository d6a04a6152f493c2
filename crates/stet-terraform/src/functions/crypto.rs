//! Hash and crypto functions that are deterministic (`md5`, `sha1`, `sha256`, `sha512`,
//! `base64sha256`, `base64sha512`, `uuidv5`, `rsadecrypt`), and those that are not
//! (`uuid`, `bcrypt`), whose results stay unknown.

mod rsa;

use super::{number, p, string, Call, FnResult, Function};
use crate::cty::Type;
use base64::Engine as _;
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};

pub(super) static FUNCTIONS: &[Function] = &[
    Function {
        name: "base64sha256",
        params: &[p("str", string)],
        variadic: None,
        returns: string,
        body: |c| c.string(base64_of(&Sha256::digest(c.str(0)))),
    },
    Function {
        name: "base64sha512",
        params: &[p("str", string)],
        variadic: None,
        returns: string,
        body: |c| c.string(base64_of(&Sha512::digest(c.str(0)))),
    },
    Function {
        name: "bcrypt",
        params: &[p("str", string)],
        variadic: Some(p("cost", number)),
        returns: string,
        // A random salt: never the same twice.
        body: |c| {
            if c.args.len() > 2 {
                return c.fail("bcrypt() takes no more than two arguments");
            }
            if c.args.len() == 2 {
                super::ip::int_arg(c, 1).map_err(super::FnError::Call)?;
            }
            super::unknown(c, Type::String)
        },
    },
    Function {
        name: "md5",
        params: &[p("str", string)],
        variadic: None,
        returns: string,
        body: |c| c.string(hex(&Md5::digest(c.str(0)))),
    },
    Function {
        name: "rsadecrypt",
        params: &[p("ciphertext", string), p("privatekey", string)],
        variadic: None,
        returns: string,
        body: rsa::decrypt,
    },
    Function {
        name: "sha1",
        params: &[p("str", string)],
        variadic: None,
        returns: string,
        body: |c| c.string(hex(&Sha1::digest(c.str(0)))),
    },
    Function {
        name: "sha256",
        params: &[p("str", string)],
        variadic: None,
        returns: string,
        body: |c| c.string(hex(&Sha256::digest(c.str(0)))),
    },
    Function {
        name: "sha512",
        params: &[p("str", string)],
        variadic: None,
        returns: string,
        body: |c| c.string(hex(&Sha512::digest(c.str(0)))),
    },
    Function {
        name: "uuid",
        params: &[],
        variadic: None,
        returns: string,
        // Random: never the same twice.
        body: |c| super::unknown(c, Type::String),
    },
    Function {
        name: "uuidv5",
        params: &[p("namespace", string), p("name", string)],
        variadic: None,
        returns: string,
        body: uuidv5,
    },
];

/// Lowercase hexadecimal (Go's `hex.EncodeToString`).
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Standard base64 with padding (Go's `base64.StdEncoding`).
pub(crate) fn base64_of(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The well-known namespaces of RFC 4122, by the names `uuidv5` accepts.
const NAMESPACES: [(&str, [u8; 16]); 4] = [
    ("dns", uuid_bytes(0x6ba7b810_9dad_11d1_80b4_00c04fd430c8)),
    ("url", uuid_bytes(0x6ba7b811_9dad_11d1_80b4_00c04fd430c8)),
    ("oid", uuid_bytes(0x6ba7b812_9dad_11d1_80b4_00c04fd430c8)),
    ("x500", uuid_bytes(0x6ba7b814_9dad_11d1_80b4_00c04fd430c8)),
];

const fn uuid_bytes(n: u128) -> [u8; 16] {
    n.to_be_bytes()
}

fn uuidv5(c: &Call<'_, '_, '_>) -> FnResult {
    let given = c.str(0);
    let namespace = match NAMESPACES.iter().find(|(name, _)| *name == given) {
        Some((_, bytes)) => *bytes,
        None => parse_uuid(given).map_err(|e| {
            super::FnError::Call(format!("uuidv5() doesn't support namespace {given} ({e})"))
        })?,
    };
    let mut hasher = Sha1::new();
    hasher.update(namespace);
    hasher.update(c.str(1));
    let digest = hasher.finalize();
    let mut u = [0u8; 16];
    u.copy_from_slice(digest.get(..16).unwrap_or(&[0; 16]));
    u[6] = (u[6] & 0x0f) | 0x50;
    u[8] = (u[8] & 0x3f) | 0x80;
    c.string(uuid_text(&u))
}

/// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, lowercase.
fn uuid_text(u: &[u8; 16]) -> String {
    let h = hex(u);
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// google/uuid's `Parse`: 36 characters with dashes, the same in braces or after
/// `urn:uuid:`, or 32 hexadecimal digits.
fn parse_uuid(s: &str) -> Result<[u8; 16], String> {
    let b = s.as_bytes();
    let mut u = [0u8; 16];
    let format = || "invalid UUID format".to_string();
    let body: &[u8] = match b.len() {
        36 => b,
        45 => {
            let prefix = b.get(..9).unwrap_or_default();
            if !prefix.eq_ignore_ascii_case(b"urn:uuid:") {
                return Err(format!(
                    "invalid urn prefix: {}",
                    crate::cty::go_quote(&String::from_utf8_lossy(prefix))
                ));
            }
            b.get(9..).unwrap_or_default()
        }
        38 => b.get(1..).unwrap_or_default(),
        32 => {
            for (i, byte) in u.iter_mut().enumerate() {
                *byte = hex_pair(b, i * 2).ok_or_else(format)?;
            }
            return Ok(u);
        }
        n => return Err(format!("invalid UUID length: {n}")),
    };
    if [8, 13, 18, 23].iter().any(|&i| body.get(i) != Some(&b'-')) {
        return Err(format());
    }
    const AT: [usize; 16] = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];
    for (byte, &at) in u.iter_mut().zip(AT.iter()) {
        *byte = hex_pair(body, at).ok_or_else(format)?;
    }
    Ok(u)
}

fn hex_pair(b: &[u8], at: usize) -> Option<u8> {
    let digit = |x: u8| (x as char).to_digit(16);
    Some((digit(*b.get(at)?)? * 16 + digit(*b.get(at + 1)?)?) as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_parsing() {
        let dns = NAMESPACES[0].1;
        assert_eq!(parse_uuid("6ba7b810-9dad-11d1-80b4-00c04fd430c8"), Ok(dns));
        assert_eq!(
            parse_uuid("{6ba7b810-9dad-11d1-80b4-00c04fd430c8}"),
            Ok(dns)
        );
        assert_eq!(
            parse_uuid("URN:UUID:6ba7b810-9dad-11d1-80b4-00c04fd430c8"),
            Ok(dns)
        );
        assert_eq!(parse_uuid("6ba7b8109dad11d180b400c04fd430c8"), Ok(dns));
        assert_eq!(
            parse_uuid("nope"),
            Err("invalid UUID length: 4".to_string())
        );
        assert_eq!(
            parse_uuid("6ba7b810x9dad-11d1-80b4-00c04fd430c8"),
            Err("invalid UUID format".to_string())
        );
        assert_eq!(uuid_text(&dns), "6ba7b810-9dad-11d1-80b4-00c04fd430c8");
    }
}
