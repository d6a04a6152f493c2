//! File functions, confined to the repository: `file`, `fileexists`, `fileset`,
//! `filebase64`, the file hash functions, `templatefile`, `basename`, `dirname`; `abspath`
//! and `pathexpand` depend on the machine and stay unknown.
//!
//! Paths are taken from Terraform's working directory (the root module's folder,
//! `ctx.root_dir`). A path that leads outside the repository is not read: the call stays
//! unknown and a warning names it at the call. A path starting with `~` (the home folder of
//! whoever runs Terraform) stays unknown too.

use super::{any, boolean, p, string, Call, FnError, FnResult, Function};
use crate::cty::{Type, Val};
use crate::Error;
use base64::Engine as _;
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};
use std::path::{Path, PathBuf};

pub(super) static FUNCTIONS: &[Function] = &[
    Function {
        name: "abspath",
        params: &[p("path", string)],
        variadic: None,
        returns: string,
        body: |c| super::unknown(c, Type::String),
    },
    Function {
        name: "basename",
        params: &[p("path", string)],
        variadic: None,
        returns: string,
        body: |c| c.string(go_base(c.str(0))),
    },
    Function {
        name: "dirname",
        params: &[p("path", string)],
        variadic: None,
        returns: string,
        body: |c| c.string(go_dir(c.str(0))),
    },
    Function {
        name: "file",
        params: &[path_param()],
        variadic: None,
        returns: string,
        body: |c| {
            let (path, sensitive) = path_arg(c, 0);
            let Some(bytes) = read(c, &path, sensitive)? else {
                return unknown_marked(c, Type::String, sensitive);
            };
            match String::from_utf8(bytes) {
                Ok(text) => Ok(c.bounded(text)?.marked(sensitive)),
                Err(_) => c.fail(format!(
                    "contents of {} are not valid UTF-8; use the filebase64 function to obtain the Base64 encoded contents or the other file functions (e.g. filemd5, filesha256) to obtain file hashing results instead",
                    redact(&path, sensitive)
                )),
            }
        },
    },
    Function {
        name: "filebase64",
        params: &[path_param()],
        variadic: None,
        returns: string,
        body: |c| {
            let (path, sensitive) = path_arg(c, 0);
            let Some(bytes) = read(c, &path, sensitive)? else {
                return unknown_marked(c, Type::String, sensitive);
            };
            let text = base64::engine::general_purpose::STANDARD.encode(bytes);
            Ok(c.bounded(text)?.marked(sensitive))
        },
    },
    Function {
        name: "filebase64sha256",
        params: &[p("path", string)],
        variadic: None,
        returns: string,
        body: |c| file_hash(c, |b| base64_of(&Sha256::digest(b))),
    },
    Function {
        name: "filebase64sha512",
        params: &[p("path", string)],
        variadic: None,
        returns: string,
        body: |c| file_hash(c, |b| base64_of(&Sha512::digest(b))),
    },
    Function {
        name: "fileexists",
        params: &[path_param()],
        variadic: None,
        returns: boolean,
        body: fileexists,
    },
    Function {
        name: "filemd5",
        params: &[p("path", string)],
        variadic: None,
        returns: string,
        body: |c| file_hash(c, |b| hex(&Md5::digest(b))),
    },
    Function {
        name: "fileset",
        params: &[path_param(), p("pattern", string).marked().unknown()],
        variadic: None,
        returns: || Type::set(Type::String),
        body: fileset,
    },
    Function {
        name: "filesha1",
        params: &[p("path", string)],
        variadic: None,
        returns: string,
        body: |c| file_hash(c, |b| hex(&Sha1::digest(b))),
    },
    Function {
        name: "filesha256",
        params: &[p("path", string)],
        variadic: None,
        returns: string,
        body: |c| file_hash(c, |b| hex(&Sha256::digest(b))),
    },
    Function {
        name: "filesha512",
        params: &[p("path", string)],
        variadic: None,
        returns: string,
        body: |c| file_hash(c, |b| hex(&Sha512::digest(b))),
    },
    Function {
        name: "pathexpand",
        params: &[p("path", string)],
        variadic: None,
        returns: string,
        body: |c| {
            // Only a path starting with `~` depends on the machine.
            let path = c.str(0);
            if path.starts_with('~') {
                super::unknown(c, Type::String)
            } else {
                c.string(path)
            }
        },
    },
    Function {
        name: "templatefile",
        params: &[path_param(), p("vars", any).unknown()],
        variadic: None,
        returns: any,
        body: |c| {
            let (path, sensitive) = path_arg(c, 0);
            if !c.arg(1).is_known() {
                return unknown_marked(c, Type::Dynamic, sensitive);
            }
            let Some(bytes) = read(c, &path, sensitive)? else {
                return unknown_marked(c, Type::Dynamic, sensitive);
            };
            let text = String::from_utf8(bytes).map_err(|_| {
                FnError::Call(format!(
                    "contents of {} are not valid UTF-8; use the filebase64 function to obtain the Base64 encoded contents or the other file functions (e.g. filemd5, filesha256) to obtain file hashing results instead",
                    redact(&path, sensitive)
                ))
            })?;
            let value = super::template::render(c, &path, &text, c.arg(1), "templatefile")?;
            Ok(value.marked(sensitive))
        },
    },
];

/// A path parameter that may be sensitive (the function redacts it in its messages).
const fn path_param() -> super::Param {
    p("path", string).marked().unknown()
}

/// Argument `i`, a path, and whether it is sensitive.
fn path_arg(c: &Call<'_, '_, '_>, i: usize) -> (String, bool) {
    let v = c.arg(i);
    (v.as_str().unwrap_or_default().to_string(), v.sensitive)
}

fn unknown_marked(c: &Call<'_, '_, '_>, ty: Type, sensitive: bool) -> FnResult {
    Ok(Val::unknown(ty, c.span.clone()).marked(sensitive))
}

/// A path in a message: quoted as Go's `%q`, or `(sensitive value)`.
fn redact(path: &str, sensitive: bool) -> String {
    if sensitive {
        "(sensitive value)".into()
    } else {
        crate::cty::go_quote(path)
    }
}

/// Where `path` (as written) leads: `None` when it cannot be known from the source (a
/// home folder) or must not be read (outside the repository, with a warning at the call).
fn locate(c: &Call<'_, '_, '_>, path: &str) -> Option<PathBuf> {
    if path.starts_with('~') {
        return None;
    }
    let ctx = c.scope.ctx;
    let given = Path::new(path);
    let full = crate::source::normalize(&ctx.root_dir.join(given));
    if ctx.confine.is_some() && (given.is_absolute() || ctx.outside(&full)) {
        ctx.warn(Error::OutsideRoot {
            span: c.span.clone(),
            target: path.to_string(),
        });
        return None;
    }
    Some(full)
}

/// The bytes of the file at `path` (Terraform's `readFileBytes`); `None` when they cannot
/// be read from the source (see [`locate`]) or the file is over the size limit.
fn read(c: &Call<'_, '_, '_>, path: &str, sensitive: bool) -> Result<Option<Vec<u8>>, FnError> {
    let Some(full) = locate(c, path) else {
        return Ok(None);
    };
    let ctx = c.scope.ctx;
    if ctx.files.is_dir(&full) {
        return Err(FnError::Arg(
            0,
            format!(
                "failed to read file: read {}: is a directory",
                go_clean(path)
            ),
        ));
    }
    let size = match ctx.files.file_size(&full) {
        Ok(size) => size,
        Err(_) => {
            return Err(FnError::Arg(0, format!(
                "no file exists at {}; this function works only with files that are distributed as part of the configuration source code, so if this file will be created by a resource in this configuration you must instead obtain this result from an attribute of that resource",
                redact(path, sensitive)
            )))
        }
    };
    if size > ctx.limits.max_file_size {
        ctx.report_error(Error::TooLarge {
            path: full,
            size,
            limit: ctx.limits.max_file_size,
        });
        return Ok(None);
    }
    match ctx.files.read(&full) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) => Err(FnError::Arg(0, format!("failed to read file: {e}"))),
    }
}

/// The file hash functions (`makeFileHashFunction`): the error of a missing file is the
/// call's, not the argument's.
fn file_hash(c: &Call<'_, '_, '_>, hash: fn(&[u8]) -> String) -> FnResult {
    let path = c.str(0);
    match read(c, path, false) {
        Ok(Some(bytes)) => c.string(hash(&bytes)),
        Ok(None) => super::unknown(c, Type::String),
        Err(FnError::Arg(_, m) | FnError::Call(m)) if m.starts_with("no file exists") => c.fail(
            format!("open {}: no such file or directory", go_clean(path)),
        ),
        Err(FnError::Arg(_, m) | FnError::Call(m)) => {
            c.fail(m.trim_start_matches("failed to read file: "))
        }
    }
}

fn fileexists(c: &Call<'_, '_, '_>) -> FnResult {
    let (path, sensitive) = path_arg(c, 0);
    let Some(full) = locate(c, &path) else {
        return unknown_marked(c, Type::Bool, sensitive);
    };
    let ctx = c.scope.ctx;
    if ctx.files.is_dir(&full) {
        let shown = redact(&go_clean(&path), sensitive);
        return c.fail(format!("{shown} is a directory, not a file"));
    }
    Ok(c.bool(ctx.files.file_size(&full).is_ok())?
        .marked(sensitive))
}

/// `fileset(path, pattern)`: the regular files under `path` that match `pattern`
/// (doublestar's glob syntax), relative to `path`. Patterns whose wildcards are in folder
/// names (or `**`) would need the folders listed and stay unknown.
fn fileset(c: &Call<'_, '_, '_>) -> FnResult {
    let set = Type::set(Type::String);
    let (base, base_sensitive) = path_arg(c, 0);
    let pattern_val = c.arg(1);
    let sensitive = base_sensitive || pattern_val.sensitive;
    if !c.arg(0).is_known() || !pattern_val.is_known() {
        return unknown_marked(c, set, sensitive);
    }
    let pattern = pattern_val.as_str().unwrap_or_default();
    let joined = go_clean(&format!("{base}/{pattern}"));
    let glob_error = || {
        let shown = if sensitive {
            "(sensitive value)".to_string()
        } else {
            crate::cty::go_quote(&joined)
        };
        FnError::Call(format!(
            "failed to glob pattern {shown}: syntax error in pattern"
        ))
    };
    let parts: Vec<&str> = joined.split('/').collect();
    let Some((last, dirs)) = parts.split_last() else {
        return unknown_marked(c, set, sensitive);
    };
    for part in &parts {
        if !glob_valid(part) {
            return Err(glob_error());
        }
    }
    if dirs.iter().any(|d| has_meta(d)) {
        return unknown_marked(c, set, sensitive);
    }
    let dir = dirs.join("/");
    let dir = if dir.is_empty() && joined.starts_with('/') {
        "/".to_string()
    } else {
        dir
    };
    let Some(full_dir) = locate(c, if dir.is_empty() { "." } else { &dir }) else {
        return unknown_marked(c, set, sensitive);
    };
    let ctx = c.scope.ctx;
    let files = ctx.files.list_files(&full_dir).unwrap_or_default();
    let clean_base = go_clean(&base);
    let mut matched = Vec::new();
    for file in files {
        let Some(name) = file.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if !glob_match(last, name) || ctx.outside(&file) {
            continue;
        }
        let full_match = if dir.is_empty() {
            name.to_string()
        } else if dir == "/" {
            format!("/{name}")
        } else {
            format!("{dir}/{name}")
        };
        let Some(relative) = go_rel(&clean_base, &full_match) else {
            continue;
        };
        matched.push(Val::string(relative, c.span.clone()));
    }
    Ok(Val::set(Type::String, matched, c.span.clone()).marked(sensitive))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn base64_of(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Go's `filepath.Clean` on a slash-separated path.
pub(crate) fn go_clean(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => match parts.last() {
                Some(&last) if last != ".." => {
                    parts.pop();
                }
                _ if rooted => {}
                _ => parts.push(".."),
            },
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

/// Go's `filepath.Base`.
fn go_base(path: &str) -> String {
    if path.is_empty() {
        return ".".into();
    }
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/".into();
    }
    match trimmed.rfind('/') {
        Some(i) => trimmed.get(i + 1..).unwrap_or_default().to_string(),
        None => trimmed.to_string(),
    }
}

/// Go's `filepath.Dir`.
fn go_dir(path: &str) -> String {
    match path.rfind('/') {
        Some(i) => go_clean(path.get(..=i).unwrap_or_default()),
        None => ".".into(),
    }
}

/// Go's `filepath.Rel(base, target)` for clean paths, both relative or both absolute.
fn go_rel(base: &str, target: &str) -> Option<String> {
    if base == target {
        return Some(".".into());
    }
    if base == "." {
        return Some(target.to_string());
    }
    let b: Vec<&str> = base.split('/').filter(|s| !s.is_empty()).collect();
    let t: Vec<&str> = target.split('/').filter(|s| !s.is_empty()).collect();
    if base.starts_with('/') != target.starts_with('/') {
        return None;
    }
    let common = b.iter().zip(&t).take_while(|(x, y)| x == y).count();
    if b.get(common..).is_some_and(|rest| rest.contains(&"..")) {
        return None;
    }
    let mut out: Vec<&str> = vec![".."; b.len() - common];
    out.extend(t.get(common..).unwrap_or_default());
    Some(out.join("/"))
}

/// Whether a path component has glob syntax.
fn has_meta(part: &str) -> bool {
    part.contains(['*', '?', '[', '{', '\\'])
}

/// Whether a pattern component is well formed (closed classes and alternatives, no
/// trailing escape).
fn glob_valid(part: &str) -> bool {
    let chars: Vec<char> = part.chars().collect();
    let mut i = 0;
    let mut braces = 0i32;
    while let Some(&ch) = chars.get(i) {
        match ch {
            '\\' => {
                if chars.get(i + 1).is_none() {
                    return false;
                }
                i += 1;
            }
            '[' => match class_end(&chars, i) {
                Some(end) => i = end,
                None => return false,
            },
            '{' => braces += 1,
            '}' => braces -= 1,
            _ => {}
        }
        i += 1;
    }
    braces == 0
}

/// The index of the `]` closing the class that starts at `start`.
fn class_end(chars: &[char], start: usize) -> Option<usize> {
    let mut i = start + 1;
    if chars.get(i) == Some(&'^') {
        i += 1;
    }
    let first = i;
    while let Some(&ch) = chars.get(i) {
        match ch {
            ']' if i > first => return Some(i),
            '\\' => i += 1,
            _ => {}
        }
        i += 1;
    }
    None
}

/// Whether `name` matches the pattern component `pattern` (doublestar: `*`, `?`,
/// `[class]`, `{alt,ernatives}`, `\` escapes).
fn glob_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    match_from(&p, &n)
}

fn match_from(p: &[char], n: &[char]) -> bool {
    let Some((&first, rest)) = p.split_first() else {
        return n.is_empty();
    };
    match first {
        '*' => (0..=n.len()).any(|k| match_from(rest, n.get(k..).unwrap_or_default())),
        '?' => n
            .split_first()
            .is_some_and(|(_, tail)| match_from(rest, tail)),
        '[' => {
            let Some(end) = class_end(p, 0) else {
                return false;
            };
            let Some((&ch, tail)) = n.split_first() else {
                return false;
            };
            class_matches(p.get(1..end).unwrap_or_default(), ch)
                && match_from(p.get(end + 1..).unwrap_or_default(), tail)
        }
        '{' => {
            let Some((alternatives, after)) = split_braces(rest) else {
                return false;
            };
            alternatives.into_iter().any(|alt| {
                let mut joined = alt;
                joined.extend_from_slice(after);
                match_from(&joined, n)
            })
        }
        '\\' => match (rest.split_first(), n.split_first()) {
            (Some((&lit, prest)), Some((&ch, tail))) => lit == ch && match_from(prest, tail),
            _ => false,
        },
        lit => n
            .split_first()
            .is_some_and(|(&ch, tail)| ch == lit && match_from(rest, tail)),
    }
}

/// The alternatives of a `{...}` group (its text after the `{`) and what follows its `}`.
fn split_braces(p: &[char]) -> Option<(Vec<Vec<char>>, &[char])> {
    let mut depth = 0;
    let mut alternatives = vec![Vec::new()];
    let mut i = 0;
    while let Some(&ch) = p.get(i) {
        match ch {
            '\\' => {
                let current = alternatives.last_mut()?;
                current.push(ch);
                current.push(*p.get(i + 1)?);
                i += 1;
            }
            '{' => {
                depth += 1;
                alternatives.last_mut()?.push(ch);
            }
            '}' if depth == 0 => return Some((alternatives, p.get(i + 1..)?)),
            '}' => {
                depth -= 1;
                alternatives.last_mut()?.push(ch);
            }
            ',' if depth == 0 => alternatives.push(Vec::new()),
            _ => alternatives.last_mut()?.push(ch),
        }
        i += 1;
    }
    None
}

/// Whether `ch` is in the class whose text (between `[` and `]`) is `class`.
fn class_matches(class: &[char], ch: char) -> bool {
    let (negated, body) = match class.split_first() {
        Some((&'^', rest)) => (true, rest),
        _ => (false, class),
    };
    let mut found = false;
    let mut i = 0;
    while let Some(&c0) = body.get(i) {
        let (lo, next) = if c0 == '\\' {
            (body.get(i + 1).copied().unwrap_or('\\'), i + 2)
        } else {
            (c0, i + 1)
        };
        if body.get(next) == Some(&'-') && next + 1 < body.len() {
            let (hi, after) = match body.get(next + 1) {
                Some('\\') => (body.get(next + 2).copied().unwrap_or('\\'), next + 3),
                Some(&h) => (h, next + 2),
                None => (lo, next + 1),
            };
            if lo <= ch && ch <= hi {
                found = true;
            }
            i = after;
        } else {
            if lo == ch {
                found = true;
            }
            i = next;
        }
    }
    found != negated
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_path_functions() {
        assert_eq!(go_clean("./a//b/../c/"), "a/c");
        assert_eq!(go_clean("../../x"), "../../x");
        assert_eq!(go_clean("/../x"), "/x");
        assert_eq!(go_clean(""), ".");
        assert_eq!(go_base("a/b/"), "b");
        assert_eq!(go_base("///"), "/");
        assert_eq!(go_base(""), ".");
        assert_eq!(go_dir("/"), "/");
        assert_eq!(go_dir("a/b/c.txt"), "a/b");
        assert_eq!(go_dir("file"), ".");
        assert_eq!(go_rel("a", "a/b/c").as_deref(), Some("b/c"));
        assert_eq!(go_rel(".", "b").as_deref(), Some("b"));
    }

    #[test]
    fn glob_components() {
        assert!(glob_match("*.tf", "main.tf"));
        assert!(glob_match("*", ".hidden"));
        assert!(!glob_match("*.tf", "main.tfvars"));
        assert!(glob_match("file?.txt", "file1.txt"));
        assert!(glob_match("[a-c]*", "beta"));
        assert!(!glob_match("[^a-c]*", "beta"));
        assert!(glob_match("[!a-c]*", "!x"));
        assert!(glob_match("{x,y}.json", "y.json"));
        assert!(glob_match("\\*", "*"));
        assert!(!glob_valid("[abc"));
        assert!(!glob_valid("{a,b"));
        assert!(glob_valid("{a,b}[xy]"));
    }
}
