//! File functions, confined to the repository: `file`, `fileexists`, `fileset`,
//! `filebase64`, the file hash functions, `templatefile`, `basename`, `dirname`; `abspath`
//! and `pathexpand` depend on the machine and stay unknown.
//!
//! Paths are taken from Terraform's working directory (the root module's folder,
//! `ctx.root_dir`). A path that leads outside the repository is not read: the call stays
//! unknown and a warning names it at the call. A path starting with `~` (the home folder of
//! whoever runs Terraform) stays unknown too, and so does a file missing from the source:
//! it may be built before Terraform runs (a zip from CI), where Terraform would read it.

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
            let Some(path) = path else {
                return unknown_marked(c, Type::String, sensitive);
            };
            let Some(bytes) = read(c, &path)? else {
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
            let Some(path) = path else {
                return unknown_marked(c, Type::String, sensitive);
            };
            let Some(bytes) = read(c, &path)? else {
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
            let (Some(path), true) = (path, c.arg(1).is_known()) else {
                return unknown_marked(c, Type::Dynamic, sensitive);
            };
            let Some(bytes) = read(c, &path)? else {
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

/// Argument `i`, a path (`None` while unknown), and whether it is sensitive.
fn path_arg(c: &Call<'_, '_, '_>, i: usize) -> (Option<String>, bool) {
    let v = c.arg(i);
    (v.as_str().map(str::to_string), v.sensitive)
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
/// be read from the source (see [`locate`]), the file is missing or over the size limit.
fn read(c: &Call<'_, '_, '_>, path: &str) -> Result<Option<Vec<u8>>, FnError> {
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
    // A file missing from the source is often made before Terraform runs (a zip built by
    // CI, a rendered template): Terraform's "no file exists" cannot be told from the
    // source, so the call stays unknown.
    let Ok(size) = ctx.files.file_size(&full) else {
        return Ok(None);
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

/// The file hash functions (`makeFileHashFunction`): their read errors are the call's.
fn file_hash(c: &Call<'_, '_, '_>, hash: fn(&[u8]) -> String) -> FnResult {
    match read(c, c.str(0)) {
        Ok(Some(bytes)) => c.string(hash(&bytes)),
        Ok(None) => super::unknown(c, Type::String),
        Err(FnError::Arg(_, m) | FnError::Call(m)) => {
            c.fail(m.trim_start_matches("failed to read file: "))
        }
    }
}

fn fileexists(c: &Call<'_, '_, '_>) -> FnResult {
    let (path, sensitive) = path_arg(c, 0);
    let Some(full) = path.as_deref().and_then(|p| locate(c, p)) else {
        return unknown_marked(c, Type::Bool, sensitive);
    };
    let path = path.unwrap_or_default();
    let ctx = c.scope.ctx;
    if ctx.files.is_dir(&full) {
        let shown = redact(&go_clean(&path), sensitive);
        return c.fail(format!("{shown} is a directory, not a file"));
    }
    Ok(c.bool(ctx.files.file_size(&full).is_ok())?
        .marked(sensitive))
}

/// `fileset(path, pattern)`: the regular files under `path` that match `pattern`
/// (doublestar 1.1's glob syntax, whose malformed parts are errors only once a name is
/// matched against them), relative to `path`. Patterns that would walk folders (a
/// wildcard in a folder name, `**`) stay unknown: stet lists files, not folders.
fn fileset(c: &Call<'_, '_, '_>) -> FnResult {
    let set = Type::set(Type::String);
    let (base, base_sensitive) = path_arg(c, 0);
    let pattern_val = c.arg(1);
    let sensitive = base_sensitive || pattern_val.sensitive;
    let (Some(base), Some(pattern)) = (base, pattern_val.as_str()) else {
        return unknown_marked(c, set, sensitive);
    };
    let joined = go_clean(&format!("{base}/{pattern}"));
    let chars: Vec<char> = joined.chars().collect();
    let components = split_escaped(&chars, '/');
    // The literal folders before the first component with glob syntax.
    let first_meta = components.iter().position(|part| {
        part.iter()
            .any(|c| matches!(c, '*' | '?' | '[' | '{' | '\\'))
    });
    let Some(at) = first_meta else {
        // No glob syntax: the path itself, if it is a file.
        return literal_fileset(c, &base, &joined, sensitive);
    };
    let (Some(last), true) = (components.get(at), at + 1 == components.len()) else {
        return unknown_marked(c, set, sensitive);
    };
    if last.iter().collect::<String>() == "**" {
        return unknown_marked(c, set, sensitive);
    }
    let dir: String = components
        .get(..at)
        .unwrap_or_default()
        .iter()
        .map(|part| part.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("/");
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
        let name_chars: Vec<char> = name.chars().collect();
        match match_component(last, &name_chars) {
            Err(BadPattern) => {
                let shown = redact(&joined, sensitive);
                return c.fail(format!(
                    "failed to glob pattern {shown}: syntax error in pattern"
                ));
            }
            Ok(false) => continue,
            Ok(true) if ctx.outside(&file) => continue,
            Ok(true) => {}
        }
        let full_match = match dir.as_str() {
            "" => name.to_string(),
            "/" => format!("/{name}"),
            _ => format!("{dir}/{name}"),
        };
        if let Some(relative) = go_rel(&clean_base, &full_match) {
            matched.push(Val::string(relative, c.span.clone()));
        }
    }
    Ok(Val::set(Type::String, matched, c.span.clone()).marked(sensitive))
}

/// `fileset` of a pattern without glob syntax: the file it names, if there is one.
fn literal_fileset(c: &Call<'_, '_, '_>, base: &str, joined: &str, sensitive: bool) -> FnResult {
    let Some(full) = locate(c, joined) else {
        return unknown_marked(c, Type::set(Type::String), sensitive);
    };
    let files = c.scope.ctx.files;
    let mut matched = Vec::new();
    if !files.is_dir(&full) && files.file_size(&full).is_ok() {
        if let Some(relative) = go_rel(&go_clean(base), joined) {
            matched.push(Val::string(relative, c.span.clone()));
        }
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

/// A malformed pattern (doublestar's `ErrBadPattern`).
#[derive(Debug, PartialEq)]
struct BadPattern;

/// doublestar's `indexRuneWithEscaping`: the first `r` not preceded by `\\`.
fn index_escaped(s: &[char], r: char) -> Option<usize> {
    let end = s.iter().position(|&c| c == r)?;
    if end > 0 && s.get(end - 1) == Some(&'\\') {
        let start = end + 1;
        return index_escaped(s.get(start..)?, r).map(|e| e + start);
    }
    Some(end)
}

/// doublestar's `splitPathOnSeparator`: split at each `sep` not escaped.
fn split_escaped(s: &[char], sep: char) -> Vec<Vec<char>> {
    if !s.contains(&sep) {
        return vec![s.to_vec()];
    }
    let mut out = Vec::new();
    let mut start = 0;
    let mut empty_end = false;
    while start < s.len() {
        let rest = s.get(start..).unwrap_or_default();
        match index_escaped(rest, sep) {
            Some(end) => {
                empty_end = true;
                out.push(rest.get(..end).unwrap_or_default().to_vec());
                start += end + 1;
            }
            None => {
                empty_end = false;
                out.push(rest.to_vec());
                start = s.len();
            }
        }
    }
    if empty_end {
        out.push(Vec::new());
    }
    out
}

/// doublestar 1.1's `matchComponent`: `*`, `?`, `[class]` (`^` negates), `{a,b}`, `\\`
/// escapes; a malformed part is an error only when matching reaches it.
fn match_component(p: &[char], n: &[char]) -> Result<bool, BadPattern> {
    if p.is_empty() {
        return Ok(n.is_empty());
    }
    if n.is_empty() && p != ['*'] {
        return Ok(false);
    }
    let (mut pi, mut ni) = (0, 0);
    while let (Some(&pr), Some(&nr)) = (p.get(pi), n.get(ni)) {
        match pr {
            '\\' => {
                pi += 1;
                match p.get(pi) {
                    None => return Err(BadPattern),
                    Some(&c) if c == nr => {
                        pi += 1;
                        ni += 1;
                    }
                    Some(_) => return Ok(false),
                }
            }
            '*' => {
                pi += 1;
                let rest = p.get(pi..).unwrap_or_default();
                if rest.is_empty() {
                    return Ok(true);
                }
                // Errors past a star are not reported (doublestar ignores them there).
                let found = (ni..n.len())
                    .any(|k| match_component(rest, n.get(k..).unwrap_or_default()) == Ok(true));
                return Ok(found);
            }
            '[' => {
                pi += 1;
                let end =
                    index_escaped(p.get(pi..).unwrap_or_default(), ']').ok_or(BadPattern)? + pi;
                let class = p.get(pi..end).unwrap_or_default();
                let negated = class.first() == Some(&'^');
                if class.is_empty() {
                    return Err(BadPattern);
                }
                if class_matches(class, nr)? == negated {
                    return Ok(false);
                }
                pi = end + 1;
                ni += 1;
            }
            '{' => {
                pi += 1;
                let end =
                    index_escaped(p.get(pi..).unwrap_or_default(), '}').ok_or(BadPattern)? + pi;
                let options = split_escaped(p.get(pi..end).unwrap_or_default(), ',');
                let after = p.get(end + 1..).unwrap_or_default();
                let name = n.get(ni..).unwrap_or_default();
                for option in options {
                    let mut pattern = option;
                    pattern.extend_from_slice(after);
                    if match_component(&pattern, name)? {
                        return Ok(true);
                    }
                }
                return Ok(false);
            }
            _ if pr == '?' || pr == nr => {
                pi += 1;
                ni += 1;
            }
            _ => return Ok(false),
        }
    }
    let rest = p.get(pi..).unwrap_or_default();
    Ok((pi >= p.len() && ni >= n.len()) || (ni >= n.len() && rest == ['*']) || rest == ['*', '*'])
}

/// Whether `ch` is in the class (the text between `[` and `]`), as doublestar reads it.
fn class_matches(class: &[char], ch: char) -> Result<bool, BadPattern> {
    let mut i = usize::from(class.first() == Some(&'^'));
    let mut found = false;
    let escaped = |i: &mut usize, c: char| -> Result<char, BadPattern> {
        if c != '\\' {
            return Ok(c);
        }
        let next = class.get(*i).copied().ok_or(BadPattern)?;
        *i += 1;
        Ok(next)
    };
    while let Some(&low) = class.get(i) {
        if low == '-' {
            return Err(BadPattern);
        }
        i += 1;
        let low = escaped(&mut i, low)?;
        let mut high = low;
        if class.get(i) == Some(&'-') {
            i += 1;
            let h = class.get(i).copied().ok_or(BadPattern)?;
            if h == '-' {
                return Err(BadPattern);
            }
            i += 1;
            high = escaped(&mut i, h)?;
        }
        if low <= ch && ch <= high {
            found = true;
        }
    }
    Ok(found)
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
        let m = |p: &str, n: &str| {
            let (p, n): (Vec<char>, Vec<char>) = (p.chars().collect(), n.chars().collect());
            match_component(&p, &n)
        };
        assert_eq!(m("*.tf", "main.tf"), Ok(true));
        assert_eq!(m("*", ".hidden"), Ok(true));
        assert_eq!(m("*.tf", "main.tfvars"), Ok(false));
        assert_eq!(m("file?.txt", "file1.txt"), Ok(true));
        assert_eq!(m("[a-c]*", "beta"), Ok(true));
        assert_eq!(m("[^a-c]*", "beta"), Ok(false));
        assert_eq!(m("[!a-c]*", "!x"), Ok(true));
        assert_eq!(m("{x,y}.json", "y.json"), Ok(true));
        assert_eq!(m("\\*", "*"), Ok(true));
        assert_eq!(m("b[", "beta"), Err(BadPattern));
        assert_eq!(m("x[", "beta"), Ok(false));
        assert_eq!(m("}a", "beta"), Ok(false));
        assert_eq!(m("{a,b", "a"), Err(BadPattern));
    }
}
