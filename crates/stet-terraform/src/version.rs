//! Version constraints as Terraform reads them (`>= 1.2.0, < 2.0.0`, `~> 5.46`, `= 1.0`):
//! whether a version satisfies one. Used for downloaded modules (the version recorded by
//! `terraform init` against the call's `version`) and by the diff for provider versions.

use std::cmp::Ordering;

/// A version `major.minor.patch` with an optional pre-release part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    parts: [u64; 3],
    /// How many parts were written (`~> 1.2` differs from `~> 1.2.0`).
    written: usize,
    pre: String,
}

impl Version {
    /// Reads `1`, `1.2`, `1.2.3`, `v1.2.3`, `1.2.3-beta.1` (build metadata after `+` is
    /// ignored).
    ///
    /// ```
    /// use stet_terraform::Version;
    /// assert!(Version::parse("5.46.0").is_some());
    /// assert!(Version::parse("five").is_none());
    /// ```
    pub fn parse(text: &str) -> Option<Version> {
        let text = text.trim().trim_start_matches('v');
        let text = text.split('+').next().unwrap_or(text);
        let (nums, pre) = match text.split_once('-') {
            Some((n, p)) => (n, p.to_string()),
            None => (text, String::new()),
        };
        let mut parts = [0u64; 3];
        let mut written = 0;
        for (i, piece) in nums.split('.').enumerate() {
            if i >= 3 || piece.is_empty() || !piece.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            parts[i] = piece.parse().ok()?;
            written = i + 1;
        }
        (written > 0).then_some(Version {
            parts,
            written,
            pre,
        })
    }

    fn cmp_semver(&self, other: &Version) -> Ordering {
        self.parts.cmp(&other.parts).then_with(|| {
            match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => self.pre.cmp(&other.pre),
            }
        })
    }
}

/// Whether `version` satisfies every comma-separated part of `constraint`; `None` when the
/// constraint cannot be read.
///
/// ```
/// use stet_terraform::{satisfies, Version};
/// let v = Version::parse("5.46.0").unwrap();
/// assert_eq!(satisfies(">= 5.0, < 6.0", &v), Some(true));
/// assert_eq!(satisfies("~> 5.73", &v), Some(false));
/// assert_eq!(satisfies("~> 5.0", &v), Some(true));
/// ```
pub fn satisfies(constraint: &str, version: &Version) -> Option<bool> {
    let mut all = true;
    for part in constraint.split(',') {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let (op, rest) = ["~>", ">=", "<=", "!=", "=", ">", "<"]
            .iter()
            .find_map(|op| part.strip_prefix(op).map(|r| (*op, r)))
            .unwrap_or(("=", part));
        let want = Version::parse(rest)?;
        let ord = version.cmp_semver(&want);
        let ok = match op {
            "=" => ord == Ordering::Equal,
            "!=" => ord != Ordering::Equal,
            ">" => ord == Ordering::Greater,
            ">=" => ord != Ordering::Less,
            "<" => ord == Ordering::Less,
            "<=" => ord != Ordering::Greater,
            _ => {
                // `~> 1.2` allows >= 1.2, < 2.0; `~> 1.2.3` allows >= 1.2.3, < 1.3.0.
                let upper_index = want.written.saturating_sub(2);
                let mut upper = want.parts;
                upper[upper_index] += 1;
                for p in upper.iter_mut().skip(upper_index + 1) {
                    *p = 0;
                }
                ord != Ordering::Less && version.parts < upper
            }
        };
        // A pre-release satisfies only a constraint that names that exact pre-release.
        let pre_ok = version.pre.is_empty() || (op == "=" && want.pre == version.pre);
        all &= ok && pre_ok;
    }
    Some(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    #[test]
    fn pessimistic_operator() {
        assert_eq!(satisfies("~> 1.2", &v("1.9.0")), Some(true));
        assert_eq!(satisfies("~> 1.2", &v("2.0.0")), Some(false));
        assert_eq!(satisfies("~> 1.2.3", &v("1.2.9")), Some(true));
        assert_eq!(satisfies("~> 1.2.3", &v("1.3.0")), Some(false));
        assert_eq!(satisfies("~> 6.0", &v("5.46.0")), Some(false));
    }

    #[test]
    fn comparisons_and_prereleases() {
        assert_eq!(satisfies(">= 5.73", &v("5.46.0")), Some(false));
        assert_eq!(satisfies("5.46.0", &v("5.46.0")), Some(true));
        assert_eq!(satisfies(">= 1.0", &v("1.1.0-beta")), Some(false));
        assert_eq!(satisfies("= 1.1.0-beta", &v("1.1.0-beta")), Some(true));
        assert_eq!(satisfies(">= one", &v("1.0.0")), None);
    }
}
