//! A module folder's configuration: its `.tf` and `.tf.json` files parsed (once, into the
//! load's arena), their top-level blocks grouped by kind, and the override files
//! (`override.tf`, `*_override.tf`, and their `.tf.json` forms) merged into the blocks they
//! override by Terraform's rules (`configs.Module.mergeFile`): an override must match an
//! existing block, its arguments replace the originals, its nested blocks replace those of
//! the same type, `lifecycle` merges argument by argument, `locals` override one by one,
//! and `moved`/`import` blocks cannot be overridden.

use crate::source::{display_path, read_text, FileText};
use crate::syntax::{AttrRef, BlockRef, BodyRef, ParsedFile};
use crate::Error;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use stet_graph::SourceFile;
use typed_arena::Arena;

/// Where parsed files and merged bodies live for the whole load.
pub(crate) struct Arenas<'a> {
    pub files: &'a Arena<ParsedFile>,
    pub bodies: &'a Arena<Vec<BodyRef<'a>>>,
}

/// The blocks of one module, grouped by kind, overrides merged.
#[derive(Default)]
pub(crate) struct ModuleDef<'a> {
    pub dir: PathBuf,
    pub terraform: Vec<BlockRef<'a>>,
    pub providers: Vec<BlockRef<'a>>,
    pub resources: Vec<BlockRef<'a>>,
    pub data: Vec<BlockRef<'a>>,
    pub modules: Vec<BlockRef<'a>>,
    pub variables: Vec<BlockRef<'a>>,
    pub locals: Vec<AttrRef<'a>>,
    pub outputs: Vec<BlockRef<'a>>,
    pub moved: Vec<BlockRef<'a>>,
    pub removed: Vec<BlockRef<'a>>,
    pub imports: Vec<BlockRef<'a>>,
    pub checks: Vec<BlockRef<'a>>,
    /// How many of the folder's configuration files parsed.
    pub parsed_files: usize,
    /// Problems with the blocks' shape or with overrides (reported for the module read on
    /// its own).
    pub structure_errors: Vec<Error>,
}

const TOP_LEVEL: &[(&str, usize)] = &[
    ("terraform", 0),
    ("provider", 1),
    ("resource", 2),
    ("data", 2),
    ("module", 1),
    ("variable", 1),
    ("locals", 0),
    ("output", 1),
    ("moved", 0),
    ("removed", 0),
    ("import", 0),
    ("check", 1),
];

/// Whether a configuration file name is an override file.
pub(crate) fn is_override_file(name: &str) -> bool {
    let base = name
        .strip_suffix(".tf.json")
        .or_else(|| name.strip_suffix(".tf"))
        .unwrap_or(name);
    base == "override" || base.ends_with("_override")
}

/// What reading a file gave.
pub(crate) enum Read {
    Parsed(ParsedFile),
    /// Not read; the error says why (syntax, outside the repository, too large…).
    Failed(Error, bool),
}

impl<'a> ModuleDef<'a> {
    /// Groups the blocks of `files` (already parsed, in name order), merging overrides.
    pub fn new(
        dir: PathBuf,
        files: Vec<(&'a ParsedFile, bool)>,
        arenas: &Arenas<'a>,
    ) -> ModuleDef<'a> {
        let mut def = ModuleDef {
            dir,
            parsed_files: files.len(),
            ..ModuleDef::default()
        };
        let (overrides, originals): (Vec<_>, Vec<_>) =
            files.into_iter().partition(|(_, is_override)| *is_override);
        for (file, _) in originals {
            for block in top_level_blocks(file, &mut def.structure_errors) {
                def.push(block);
            }
        }
        for (file, _) in overrides {
            for block in top_level_blocks(file, &mut def.structure_errors) {
                def.merge(block, arenas);
            }
        }
        def
    }

    fn push(&mut self, block: BlockRef<'a>) {
        match block.ident {
            "terraform" => self.terraform.push(block),
            "provider" => self.providers.push(block),
            "resource" => self.resources.push(block),
            "data" => self.data.push(block),
            "module" => self.modules.push(block),
            "variable" => self.variables.push(block),
            "locals" => self.locals.extend(block.body.attributes(&[])),
            "output" => self.outputs.push(block),
            "moved" => self.moved.push(block),
            "removed" => self.removed.push(block),
            "import" => self.imports.push(block),
            "check" => self.checks.push(block),
            _ => {}
        }
    }

    /// Merges an override file's block into the block it overrides.
    fn merge(&mut self, block: BlockRef<'a>, arenas: &Arenas<'a>) {
        let list = match block.ident {
            "terraform" => {
                // Settings: kept in order; readers let later ones win.
                self.terraform.push(block);
                return;
            }
            "locals" => {
                for attr in block.body.attributes(&[]) {
                    match self.locals.iter_mut().find(|a| a.name == attr.name) {
                        Some(existing) => *existing = attr,
                        None => self.structure_errors.push(Error::Structure {
                            span: attr.name_span.clone(),
                            message: format!(
                                "missing base local value definition to override: there is no local value named `{}`; an override file can only override a local value that is already defined",
                                attr.name
                            ),
                        }),
                    }
                }
                return;
            }
            "moved" | "import" => {
                self.structure_errors.push(Error::Structure {
                    span: block.span.clone(),
                    message: format!(
                        "cannot override `{}` blocks: they can appear only in normal files",
                        block.ident
                    ),
                });
                return;
            }
            "provider" => &mut self.providers,
            "resource" => &mut self.resources,
            "data" => &mut self.data,
            "module" => &mut self.modules,
            "variable" => &mut self.variables,
            "output" => &mut self.outputs,
            "removed" => &mut self.removed,
            "check" => &mut self.checks,
            _ => return,
        };
        let key = |b: &BlockRef<'_>| -> Vec<String> {
            let mut k: Vec<String> = b.labels.iter().map(|(l, _)| l.clone()).collect();
            if b.ident == "provider" {
                k.push(
                    b.body
                        .attribute("alias")
                        .and_then(|a| a.expr.as_reference_text())
                        .unwrap_or_default(),
                );
            }
            k
        };
        let wanted = key(&block);
        match list.iter_mut().find(|b| key(b) == wanted) {
            Some(existing) => {
                let mut bodies = existing.body.parts();
                bodies.push(block.body);
                existing.body = BodyRef::Merged(arenas.bodies.alloc(bodies));
            }
            None if block.ident == "provider" => list.push(block),
            None => {
                let what = match block.ident {
                    "resource" => "resource",
                    "data" => "data resource",
                    "module" => "module call",
                    "variable" => "variable declaration",
                    "output" => "output definition",
                    other => other,
                };
                self.structure_errors.push(Error::Structure {
                    span: block.span.clone(),
                    message: format!(
                        "missing {what} to override: there is no {what} `{}` in the base configuration; an override file can only override what a normal file declares",
                        wanted.join(".")
                    ),
                });
            }
        }
    }
}

/// The top-level blocks of a file, checked for their number of labels.
fn top_level_blocks<'a>(file: &'a ParsedFile, errors: &mut Vec<Error>) -> Vec<BlockRef<'a>> {
    let body = file.body();
    let all: Vec<BlockRef<'a>> = if body.is_json() {
        TOP_LEVEL
            .iter()
            .flat_map(|(ident, labels)| body.blocks_named(ident, *labels))
            .collect()
    } else {
        for attr in body.attributes(&[]) {
            errors.push(Error::Structure {
                span: attr.name_span.clone(),
                message: format!(
                    "an argument named `{}` is not expected at the top level of a Terraform file",
                    attr.name
                ),
            });
        }
        body.blocks()
    };
    let mut out = Vec::new();
    for block in all {
        match TOP_LEVEL
            .iter()
            .find(|(i, _)| *i == block.ident)
            .map(|(_, n)| *n)
        {
            Some(n) if block.labels.len() != n => errors.push(Error::Structure {
                span: block.span.clone(),
                message: format!(
                    "a `{}` block takes {} label{}, this one has {}",
                    block.ident,
                    n,
                    if n == 1 { "" } else { "s" },
                    block.labels.len()
                ),
            }),
            Some(_) => out.push(block),
            None => {}
        }
    }
    out
}

/// Reads and parses one file for the load, keeping its text for the graph.
pub(crate) fn read_file(
    ctx: &crate::eval::Ctx<'_>,
    path: &Path,
    limits: &stet_graph::Limits,
) -> (Option<SourceFile>, Read) {
    let display: Arc<str> = display_path(&crate::source::normalize(path)).into();
    if ctx.outside(path) {
        return (
            None,
            Read::Failed(
                Error::OutsideRoot {
                    span: stet_graph::Span::file_start(display.clone()),
                    target: display.to_string(),
                },
                true,
            ),
        );
    }
    let text = match read_text(ctx.files, path, &display, limits.max_file_size) {
        Ok(text) => text,
        Err(e) => return (None, Read::Failed(e, false)),
    };
    let source = SourceFile {
        path: display.clone(),
        format: stet_graph::Format::Terraform,
        text: text.clone(),
    };
    match ParsedFile::parse(FileText::new(display, text), limits) {
        Ok(file) => (Some(source), Read::Parsed(file)),
        Err(e) => (Some(source), Read::Failed(e, false)),
    }
}
