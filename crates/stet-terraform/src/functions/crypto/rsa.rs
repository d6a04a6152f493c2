//! `rsadecrypt`: an RSA private key read as Go's `ssh.ParseRawPrivateKey` reads one (PEM
//! with a PKCS #1 `RSA PRIVATE KEY`, a PKCS #8 `PRIVATE KEY`, or an unencrypted `OPENSSH
//! PRIVATE KEY`), then PKCS #1 v1.5 decryption (`rsa.DecryptPKCS1v15`).

use super::super::{Call, FnError, FnResult};
use base64::Engine as _;
use num_bigint::BigUint;

/// Terraform's `rsadecrypt(ciphertext, privatekey)`.
pub(super) fn decrypt(c: &Call<'_, '_, '_>) -> FnResult {
    let text = c.str(0);
    let ciphertext = base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|_| {
            FnError::Arg(
                0,
                format!(
                    "failed to decode input {}: cipher text must be base64-encoded",
                    crate::cty::go_quote(text)
                ),
            )
        })?;
    let key = parse_private_key(c.str(1)).map_err(|e| FnError::Arg(1, e))?;
    match decrypt_pkcs1v15(&key, &ciphertext) {
        Some(plain) => c.string(String::from_utf8_lossy(&plain)),
        None => c.fail("failed to decrypt: crypto/rsa: decryption error"),
    }
}

/// The parts of an RSA private key that decryption needs.
#[derive(Debug, PartialEq)]
struct RsaKey {
    n: BigUint,
    e: BigUint,
    d: BigUint,
}

/// `ssh.ParseRawPrivateKey` for RSA keys; the error as Terraform words it.
fn parse_private_key(pem: &str) -> Result<RsaKey, String> {
    let Some(block) = pem_decode(pem) else {
        return Err("invalid private key: ssh: no key found".into());
    };
    if block.encrypted {
        return Err("invalid private key: ssh: this private key is passphrase protected".into());
    }
    let not_rsa = |what: &str| format!("invalid private key type {what}");
    match block.kind.as_str() {
        "RSA PRIVATE KEY" => pkcs1(&block.der),
        "PRIVATE KEY" => pkcs8(&block.der),
        "OPENSSH PRIVATE KEY" => openssh(&block.der),
        "EC PRIVATE KEY" => Err(not_rsa("*ecdsa.PrivateKey")),
        "DSA PRIVATE KEY" => Err(not_rsa("*dsa.PrivateKey")),
        other => Err(format!(
            "invalid private key: ssh: unsupported key type {}",
            crate::cty::go_quote(other)
        )),
    }
}

/// One PEM block: its type, whether its headers say it is encrypted, and its bytes.
struct PemBlock {
    kind: String,
    encrypted: bool,
    der: Vec<u8>,
}

/// The first well-formed PEM block in `text` (Go's `pem.Decode`, which skips what is not
/// one).
fn pem_decode(text: &str) -> Option<PemBlock> {
    let mut rest = text;
    loop {
        let start = rest.find("-----BEGIN ")?;
        let after = rest.get(start + 11..)?;
        let (kind, body) = after.split_once("-----")?;
        let end_marker = format!("-----END {kind}-----");
        rest = body;
        let Some(end) = body.find(&end_marker) else {
            continue;
        };
        let inside = body.get(..end)?;
        let mut encrypted = false;
        let mut data = String::new();
        let mut in_headers = true;
        for line in inside.lines() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            if in_headers && line.contains(':') {
                if let Some(("Proc-Type", value)) = line.split_once(':') {
                    encrypted |= value.contains("ENCRYPTED");
                }
                continue;
            }
            in_headers = false;
            data.push_str(line);
        }
        if let Ok(der) = base64::engine::general_purpose::STANDARD.decode(&data) {
            return Some(PemBlock {
                kind: kind.to_string(),
                encrypted,
                der,
            });
        }
    }
}

/// A DER element: its tag and contents.
struct Der<'a> {
    tag: u8,
    body: &'a [u8],
}

/// Reads one DER element from the front of `input`; the rest after it.
fn der_next(input: &[u8]) -> Option<(Der<'_>, &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (first as usize, rest)
    } else {
        let count = (first & 0x7f) as usize;
        if count == 0 || count > 4 {
            return None;
        }
        let bytes = rest.get(..count)?;
        let len = bytes.iter().fold(0usize, |acc, &b| (acc << 8) | b as usize);
        (len, rest.get(count..)?)
    };
    let body = rest.get(..len)?;
    Some((Der { tag, body }, rest.get(len..)?))
}

const ASN1_ERROR: &str = "invalid ASN1 data in the given private key";

/// The elements of a DER SEQUENCE.
fn der_sequence(der: &[u8]) -> Result<Vec<Der<'_>>, String> {
    let (seq, rest) = der_next(der).ok_or_else(|| format!("{ASN1_ERROR}: data truncated"))?;
    if !rest.is_empty() {
        return Err(format!("{ASN1_ERROR}: trailing data"));
    }
    if seq.tag != 0x30 {
        return Err(format!(
            "asn1: structure error: tags don't match (16 vs {{class:0 tag:{} length:{} isCompound:{}}}) {{optional:false explicit:false application:false private:false defaultValue:<nil> tag:<nil> stringType:0 timeType:0 set:false omitEmpty:false}} pkcs1PrivateKey @2",
            seq.tag & 0x1f,
            seq.body.len(),
            seq.tag & 0x20 != 0
        ));
    }
    let mut items = Vec::new();
    let mut body = seq.body;
    while !body.is_empty() {
        let (item, rest) = der_next(body).ok_or_else(|| format!("{ASN1_ERROR}: data truncated"))?;
        items.push(item);
        body = rest;
    }
    Ok(items)
}

fn integer(items: &[Der<'_>], i: usize) -> Result<BigUint, String> {
    match items.get(i) {
        Some(Der { tag: 0x02, body }) if body.first().is_none_or(|b| b & 0x80 == 0) => {
            Ok(BigUint::from_bytes_be(body))
        }
        _ => Err("x509: private key contains zero or negative value".into()),
    }
}

/// PKCS #1 `RSAPrivateKey`.
fn pkcs1(der: &[u8]) -> Result<RsaKey, String> {
    let items = der_sequence(der)?;
    if items.len() < 9 {
        return Err(format!("{ASN1_ERROR}: sequence truncated"));
    }
    if integer(&items, 0)? > BigUint::from(1u8) {
        return Err("x509: unsupported private key version".into());
    }
    let key = RsaKey {
        n: integer(&items, 1)?,
        e: integer(&items, 2)?,
        d: integer(&items, 3)?,
    };
    if key.n == BigUint::ZERO || key.d == BigUint::ZERO {
        return Err("x509: private key contains zero or negative value".into());
    }
    Ok(key)
}

/// The DER of the rsaEncryption algorithm identifier's OID (1.2.840.113549.1.1.1).
const RSA_OID: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
/// id-ecPublicKey (1.2.840.10045.2.1).
const EC_OID: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
/// id-Ed25519 (1.3.101.112).
const ED25519_OID: &[u8] = &[0x2b, 0x65, 0x70];

/// PKCS #8 `PrivateKeyInfo` holding an RSA key.
fn pkcs8(der: &[u8]) -> Result<RsaKey, String> {
    let items = der_sequence(der)?;
    let algorithm = items
        .get(1)
        .and_then(|a| der_next(a.body))
        .map(|(oid, _)| oid.body)
        .ok_or_else(|| format!("{ASN1_ERROR}: sequence truncated"))?;
    match algorithm {
        RSA_OID => {}
        EC_OID => return Err("invalid private key type *ecdsa.PrivateKey".into()),
        ED25519_OID => return Err("invalid private key type ed25519.PrivateKey".into()),
        _ => {
            return Err(
                "invalid private key: x509: PKCS#8 wrapping contained private key with unknown algorithm"
                    .into(),
            )
        }
    }
    match items.get(2) {
        Some(Der { tag: 0x04, body }) => pkcs1(body).map_err(|e| {
            format!("invalid private key: x509: failed to parse RSA private key embedded in PKCS#8: {e}")
        }),
        _ => Err(format!("{ASN1_ERROR}: sequence truncated")),
    }
}

/// An unencrypted OpenSSH private key (`openssh-key-v1`) holding an RSA key.
fn openssh(data: &[u8]) -> Result<RsaKey, String> {
    let invalid = || "invalid private key: ssh: malformed OpenSSH key".to_string();
    let rest = data.strip_prefix(b"openssh-key-v1\0").ok_or_else(|| {
        "invalid private key: ssh: invalid openssh private key format".to_string()
    })?;
    let mut r = SshReader(rest);
    let cipher = r.string().ok_or_else(invalid)?;
    let kdf = r.string().ok_or_else(invalid)?;
    r.string().ok_or_else(invalid)?;
    if cipher != b"none" || kdf != b"none" {
        return Err("invalid private key: ssh: this private key is passphrase protected".into());
    }
    if r.u32().ok_or_else(invalid)? != 1 {
        return Err("invalid private key: ssh: multi-key files are not supported".into());
    }
    r.string().ok_or_else(invalid)?;
    let mut private = SshReader(r.string().ok_or_else(invalid)?);
    let (check1, check2) = (
        private.u32().ok_or_else(invalid)?,
        private.u32().ok_or_else(invalid)?,
    );
    if check1 != check2 {
        return Err("invalid private key: ssh: checkint mismatch".into());
    }
    let kind = private.string().ok_or_else(invalid)?;
    match kind {
        b"ssh-rsa" => {
            let n = private.mpint().ok_or_else(invalid)?;
            let e = private.mpint().ok_or_else(invalid)?;
            let d = private.mpint().ok_or_else(invalid)?;
            Ok(RsaKey { n, e, d })
        }
        b"ssh-ed25519" => Err("invalid private key type *ed25519.PrivateKey".into()),
        _ if kind.starts_with(b"ecdsa-") => {
            Err("invalid private key type *ecdsa.PrivateKey".into())
        }
        _ => Err(format!(
            "invalid private key: ssh: unhandled key type {}",
            crate::cty::go_quote(&String::from_utf8_lossy(kind))
        )),
    }
}

/// Reads the SSH wire format: big-endian lengths before strings and integers.
struct SshReader<'a>(&'a [u8]);

impl<'a> SshReader<'a> {
    fn u32(&mut self) -> Option<u32> {
        let bytes = self.0.get(..4)?;
        self.0 = self.0.get(4..)?;
        Some(u32::from_be_bytes(bytes.try_into().ok()?))
    }

    fn string(&mut self) -> Option<&'a [u8]> {
        let len = self.u32()? as usize;
        let s = self.0.get(..len)?;
        self.0 = self.0.get(len..)?;
        Some(s)
    }

    fn mpint(&mut self) -> Option<BigUint> {
        Some(BigUint::from_bytes_be(self.string()?))
    }
}

/// PKCS #1 v1.5 decryption; `None` for any failure (Go gives one error for all, so as
/// not to tell an attacker which check failed).
fn decrypt_pkcs1v15(key: &RsaKey, ciphertext: &[u8]) -> Option<Vec<u8>> {
    let k = (key.n.bits() as usize).div_ceil(8);
    if k < 11 || ciphertext.len() > k || key.e < BigUint::from(2u8) {
        return None;
    }
    let c = BigUint::from_bytes_be(ciphertext);
    if c >= key.n {
        return None;
    }
    let m = c.modpow(&key.d, &key.n).to_bytes_be();
    let mut em = vec![0u8; k.checked_sub(m.len())?];
    em.extend_from_slice(&m);
    if em.first() != Some(&0) || em.get(1) != Some(&2) {
        return None;
    }
    let zero = em.iter().skip(2).position(|&b| b == 0)? + 2;
    if zero < 10 {
        return None;
    }
    em.get(zero + 1..).map(<[u8]>::to_vec)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn textbook_rsa_round_trip() {
        // p = 61, q = 53 is too small for PKCS #1 (k < 11): refused.
        let tiny = RsaKey {
            n: BigUint::from(3233u32),
            e: BigUint::from(17u32),
            d: BigUint::from(2753u32),
        };
        assert_eq!(decrypt_pkcs1v15(&tiny, &[1]), None);
    }

    #[test]
    fn pem_blocks() {
        assert!(pem_decode("junk").is_none());
        let block = pem_decode("x\n-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        assert!(block.is_some_and(|b| b.encrypted && b.kind == "RSA PRIVATE KEY"));
    }
}
