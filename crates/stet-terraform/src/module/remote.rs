//! Registry and git modules that `terraform init` downloaded: `.terraform/modules/modules.json`
//! in the root module's folder names, for each module call path (`vpc`, `app.db`), the
//! source and version it installed and the folder it put the module in. A call is read
//! from that folder when the record matches the call's `source` and `version`; otherwise a
//! located warning says why and the call is recorded without its contents.

use super::world::World;
use crate::source::{normalize, read_text};
use crate::syntax::BlockRef;
use crate::version::{satisfies, Version};
use crate::Error;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use stet_graph::{Span, Value};

/// One installed module.
#[derive(Debug, Clone)]
struct Record {
    key: String,
    source: String,
    version: Option<String>,
    dir: String,
    span: Span,
}

/// The contents of `modules.json`.
#[derive(Debug, Clone)]
pub(crate) struct Manifest {
    records: Vec<Record>,
    /// The root module's folder (the manifest's `Dir` entries are relative to it).
    root: PathBuf,
}

/// The manifest's path under a root module folder.
pub(crate) fn manifest_path(root: &Path) -> PathBuf {
    root.join(".terraform").join("modules").join("modules.json")
}

impl Manifest {
    /// Reads the manifest of the root module in `root`: `Ok(None)` when there is none, a
    /// warning when it cannot be read.
    pub fn read(ctx: &crate::eval::Ctx<'_>, root: &Path) -> Result<Option<Manifest>, Error> {
        let path = manifest_path(root);
        if ctx.files.file_size(&path).is_err() {
            return Ok(None);
        }
        let display: Arc<str> = crate::source::display_path(&normalize(&path)).into();
        let warn = |span: Span, message: String| Error::ModuleManifest { span, message };
        if ctx.outside(&path) {
            return Err(warn(
                Span::file_start(display.clone()),
                "not read: the module manifest is outside the repository".into(),
            ));
        }
        let text = read_text(ctx.files, &path, &display, ctx.limits.max_file_size)?;
        let value = stet_graph::parse_json(display.clone(), &text, ctx.limits).map_err(|e| {
            warn(
                e.span().clone(),
                format!(
                    "malformed module manifest: {}",
                    e.to_string().split_once(": ").map_or("", |(_, m)| m)
                ),
            )
        })?;
        let Some(modules) = value
            .as_ref()
            .and_then(|v| v.get("Modules"))
            .and_then(Value::as_list)
        else {
            return Err(warn(
                value.map_or_else(|| Span::file_start(display.clone()), |v| v.span),
                "malformed module manifest: expected an object with a `Modules` list".into(),
            ));
        };
        let mut records = Vec::new();
        for m in modules {
            let text = |k: &str| m.get(k).and_then(Value::as_str).map(str::to_string);
            let (Some(key), Some(dir)) = (text("Key"), text("Dir")) else {
                return Err(warn(
                    m.span.clone(),
                    "malformed module manifest: every module needs a `Key` and a `Dir`".into(),
                ));
            };
            records.push(Record {
                key,
                source: text("Source").unwrap_or_default(),
                version: text("Version").filter(|v| !v.is_empty()),
                dir,
                span: m.span.clone(),
            });
        }
        Ok(Some(Manifest {
            records,
            root: root.to_path_buf(),
        }))
    }

    /// The folder of the module called at `key` (`vpc`, `app.db`) with `source`, or why
    /// not: `Err(None)` when the call is not in the manifest (not installed).
    pub fn resolve(
        &self,
        world: &World<'_>,
        key: &str,
        source: &str,
        block: &BlockRef<'_>,
    ) -> Result<PathBuf, Option<Error>> {
        let Some(record) = self.records.iter().find(|r| r.key == key) else {
            return Err(Some(Error::ModuleManifest {
                span: block.span.clone(),
                message: format!("module `{key}` is not in .terraform/modules/modules.json: run `terraform init` to install it; its resources are not included"),
            }));
        };
        let call_span = block
            .body
            .attribute("source")
            .map_or_else(|| block.span.clone(), |a| a.expr.span());
        if normalize_source(source) != normalize_source(&record.source) {
            return Err(Some(Error::ModuleManifest {
                span: call_span,
                message: format!(
                    "module `{key}`: source `{source}` differs from `{}` installed by `terraform init` ({}); run `terraform init` again; its resources are not included",
                    record.source, record.span
                ),
            }));
        }
        if let (Some(constraint), Some(installed)) = (
            block
                .body
                .attribute("version")
                .and_then(|a| a.expr.as_reference_text()),
            record.version.as_deref(),
        ) {
            let ok = Version::parse(installed).and_then(|v| satisfies(&constraint, &v));
            if ok != Some(true) {
                return Err(Some(Error::ModuleManifest {
                    span: block.body.attribute("version").map_or(call_span, |a| a.expr.span()),
                    message: format!(
                        "module `{key}`: version {installed} installed by `terraform init` does not satisfy `{constraint}`; run `terraform init -upgrade`; its resources are not included"
                    ),
                }));
            }
        }
        let dir = normalize(&self.root.join(&record.dir));
        let dir = if dir.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            dir
        };
        if !world.ctx.files.is_dir(&dir) {
            return Err(Some(Error::ModuleManifest {
                span: record.span.clone(),
                message: format!(
                    "module `{key}`: folder `{}` named in the manifest does not exist; run `terraform init`; its resources are not included",
                    record.dir
                ),
            }));
        }
        Ok(dir)
    }
}

/// A module source in the form `modules.json` records it: registry addresses with their
/// host (`terraform-aws-modules/vpc/aws` is `registry.terraform.io/terraform-aws-modules/vpc/aws`).
fn normalize_source(source: &str) -> String {
    let (addr, sub) = match source.split_once("//") {
        Some((a, s)) if !a.ends_with(':') && !a.is_empty() => (a, Some(s)),
        _ => (source, None),
    };
    let parts: Vec<&str> = addr.split('/').collect();
    let is_registry = !addr.contains("::")
        && !addr.contains("://")
        && !addr.starts_with("github.com/")
        && !addr.starts_with("bitbucket.org/")
        && !addr.starts_with("git@")
        && !addr.starts_with('.')
        && (parts.len() == 3
            || (parts.len() == 4 && parts.first().is_some_and(|h| h.contains('.'))));
    let mut out = if is_registry && parts.len() == 3 {
        format!("registry.terraform.io/{addr}")
    } else {
        addr.to_string()
    };
    if let Some(s) = sub {
        out.push_str("//");
        out.push_str(s);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::normalize_source;

    #[test]
    fn registry_sources_get_their_host() {
        assert_eq!(
            normalize_source("terraform-aws-modules/vpc/aws"),
            "registry.terraform.io/terraform-aws-modules/vpc/aws"
        );
        assert_eq!(
            normalize_source("terraform-aws-modules/iam/aws//modules/iam-role"),
            "registry.terraform.io/terraform-aws-modules/iam/aws//modules/iam-role"
        );
        assert_eq!(
            normalize_source("git::https://example.com/x.git?ref=v1"),
            "git::https://example.com/x.git?ref=v1"
        );
    }
}
