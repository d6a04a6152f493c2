//! CloudFormation values: where each template's parameter values come from — its defaults,
//! parameters files found beside it or named in `stet.toml`, `[cloudformation] parameters`
//! and `--parameter` — and every template resolved with them, so that the built-in rules and
//! the diff see the template as it deploys. Files are found and read here; their formats and
//! the resolution itself belong to `stet-cloudformation`.
//!
//! Precedence, lowest first: the parameter's `Default`; `samconfig.toml` (or `.yaml`) beside a
//! template it applies to; `parameters.json` / `params.json` beside the only template of a
//! folder; a file named for the template (`app.parameters.json`, `app-params.json`,
//! `app.parameters`, `app-configuration.json`, …); the files `stet.toml` names for it;
//! `[cloudformation] parameters` of `stet.toml`; `--parameter KEY=VALUE`.

use crate::diagnostic::{Diagnostic, Level};
use crate::paths::{Confinement, Escape};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use stet_graph::{Graph, Limits, ResourceKind, SourceFile};

/// A value given for every template that declares the parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GivenValue {
    /// The parameter (or pseudo parameter, `AWS::Region`).
    pub name: String,
    /// The value.
    pub value: String,
    /// Where it was given: `--parameter`, `stet.toml`.
    pub via: String,
}

/// Where CloudFormation parameter values come from, besides each parameter's default.
#[derive(Debug, Clone)]
pub struct ParameterSources {
    /// Values for every template that declares them, lowest precedence first.
    pub values: Vec<GivenValue>,
    /// Parameters files named for templates: the template and its files (paths as loaded,
    /// or absolute), lowest precedence first.
    pub files: Vec<(PathBuf, Vec<PathBuf>)>,
    /// Whether to look for parameters files beside templates (default: yes).
    pub discover: bool,
    /// The environment read from SAM configuration files (default: `default`).
    pub sam_environment: String,
}

impl Default for ParameterSources {
    fn default() -> ParameterSources {
        ParameterSources {
            values: Vec::new(),
            files: Vec::new(),
            discover: true,
            sam_environment: "default".to_string(),
        }
    }
}

/// What diffing git revisions needs: the sources moved with a revision's copy.
#[cfg(feature = "git")]
impl ParameterSources {
    /// The same sources for a copy of the tree at `from` placed at `to` (a git revision):
    /// named files under `from` are looked for under `to`.
    pub(crate) fn rebased(&self, from: &Path, to: &Path) -> ParameterSources {
        let rebase = |p: &PathBuf| match crate::paths::under(p, from) {
            Some(rest) => to.join(rest),
            None => crate::paths::absolute(p),
        };
        ParameterSources {
            files: self
                .files
                .iter()
                .map(|(t, files)| (rebase(t), files.iter().map(rebase).collect()))
                .collect(),
            ..self.clone()
        }
    }

    /// The named parameters files under `root`, relative to it (to copy with a revision).
    pub(crate) fn named_files_under(&self, root: &Path) -> Vec<PathBuf> {
        self.files
            .iter()
            .flat_map(|(_, files)| files)
            .filter_map(|f| crate::paths::under(f, root))
            .collect()
    }
}

/// The names of parameters files written for the template `stem` (its file name without the
/// extension), in increasing precedence.
fn named_for(stem: &str) -> Vec<String> {
    [
        ".parameters.json",
        "-parameters.json",
        ".params.json",
        "-params.json",
        ".parameters",
        "-parameters",
        ".params",
        "-params",
        "-configuration.json",
        ".configuration.json",
    ]
    .iter()
    .map(|suffix| format!("{stem}{suffix}"))
    .collect()
}

/// A parameters file for one template, and whether it was named explicitly.
struct Found {
    path: PathBuf,
    explicit: bool,
}

/// The parameters files of the template at `template`, lowest precedence first.
fn files_for(template: &Path, alone: bool, sources: &ParameterSources) -> Vec<Found> {
    let mut found = Vec::new();
    let dir = template.parent().unwrap_or(Path::new(""));
    let name = template
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if sources.discover {
        let default_sam_template =
            ["template.yaml", "template.yml", "template.json"].contains(&name.as_str());
        for sam in ["samconfig.toml", "samconfig.yaml", "samconfig.yml"] {
            let path = dir.join(sam);
            if path.is_file() && (default_sam_template || sam_config_names(&path, &name)) {
                found.push(Found {
                    path,
                    explicit: false,
                });
            }
        }
        if alone {
            for generic in ["parameters.json", "params.json"] {
                let path = dir.join(generic);
                if path.is_file() {
                    found.push(Found {
                        path,
                        explicit: false,
                    });
                }
            }
        }
        let stem = name
            .rsplit_once('.')
            .map(|(stem, _)| stem.to_string())
            .unwrap_or_else(|| name.clone());
        for candidate in named_for(&stem) {
            let path = dir.join(candidate);
            if path.is_file() {
                found.push(Found {
                    path,
                    explicit: false,
                });
            }
        }
    }
    let absolute = crate::paths::absolute(template);
    for (named_template, files) in &sources.files {
        if crate::paths::absolute(named_template) == absolute {
            for file in files {
                found.push(Found {
                    path: crate::paths::shown(file),
                    explicit: true,
                });
            }
        }
    }
    found
}

/// Whether the SAM configuration at `path` names the template `name` (`template_file`).
fn sam_config_names(path: &Path, name: &str) -> bool {
    std::fs::read_to_string(path).is_ok_and(|text| {
        text.lines().any(|l| {
            let l = l.trim();
            (l.starts_with("template_file") || l.starts_with("template-file"))
                && l.trim_end_matches(['"', '\'']).ends_with(name)
        })
    })
}

/// Resolves every CloudFormation template of `graphs` with the values of `sources`.
/// Parameters files that cannot be read are errors when named explicitly, warnings when
/// found beside a template; values for parameters no template declares are warnings.
pub(crate) fn resolve_all(
    graphs: &mut [Graph],
    sources: &ParameterSources,
    limits: &Limits,
    confinement: Option<&Confinement>,
) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    let mut per_dir: HashMap<PathBuf, usize> = HashMap::new();
    for graph in graphs.iter().filter(|g| g.template.is_some()) {
        let dir = Path::new(&*graph.path).parent().map(Path::to_path_buf);
        *per_dir.entry(dir.unwrap_or_default()).or_default() += 1;
    }
    let mut diagnostics: Vec<Diagnostic> = graphs
        .par_iter_mut()
        .filter(|g| g.template.is_some())
        .flat_map_iter(|graph| {
            let path = PathBuf::from(&*graph.path);
            let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
            let alone = per_dir.get(&dir).copied() == Some(1);
            resolve_one(
                graph,
                &files_for(&path, alone, sources),
                sources,
                limits,
                confinement,
            )
        })
        .collect();
    for given in &sources.values {
        let declared = stet_cloudformation::PSEUDO_PARAMETERS.contains(&given.name.as_str())
            || graphs.iter().any(|g| {
                g.template.is_some()
                    && g.resources
                        .iter()
                        .any(|r| r.kind == ResourceKind::Variable && r.name == given.name)
            });
        if !declared && graphs.iter().any(|g| g.template.is_some()) {
            diagnostics.push(Diagnostic::file(
                Path::new(&given.via),
                format!(
                    "{} gives a value for `{}`, which no template declares",
                    given.via, given.name
                ),
                Level::Warning,
            ));
        }
    }
    diagnostics
}

fn resolve_one(
    graph: &mut Graph,
    files: &[Found],
    sources: &ParameterSources,
    limits: &Limits,
    confinement: Option<&Confinement>,
) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let mut values = Vec::new();
    for found in files {
        let level = if found.explicit {
            Level::Error
        } else {
            Level::Warning
        };
        let Some(text) = read(&found.path, limits, confinement, level, &mut diagnostics) else {
            continue;
        };
        let shown: Arc<str> = found.path.to_string_lossy().into();
        match stet_cloudformation::read_parameters(
            shown.clone(),
            &text,
            &sources.sam_environment,
            limits,
        ) {
            Ok(file) => {
                values.extend(file.values);
                diagnostics.extend(
                    file.problems
                        .iter()
                        .map(|p| Diagnostic::at(p.span(), p.message(), Level::Warning)),
                );
            }
            Err(e) => diagnostics.push(Diagnostic::at(e.span(), e.message(), level)),
        }
        if graph.file(&shown).is_none() {
            graph.files.push(SourceFile {
                path: shown,
                format: graph.format,
                text: Arc::from(text.as_str()),
            });
        }
    }
    let declared = |name: &str| {
        stet_cloudformation::PSEUDO_PARAMETERS.contains(&name)
            || graph
                .resources
                .iter()
                .any(|r| r.kind == ResourceKind::Variable && r.name == name)
    };
    for given in sources.values.iter().filter(|g| declared(&g.name)) {
        values.push(stet_cloudformation::ParameterValue {
            name: given.name.clone(),
            value: given.value.clone(),
            via: given.via.clone(),
            span: None,
        });
    }
    let Some(template) = &graph.template else {
        return diagnostics;
    };
    let resolution = stet_cloudformation::resolve_template(template, &values);
    diagnostics.extend(
        resolution
            .problems
            .iter()
            .map(Diagnostic::from_cloudformation),
    );
    graph.resolved = Some(Box::new(resolution.resolved));
    diagnostics
}

/// The text of a parameters file, or a diagnostic saying why not.
fn read(
    path: &Path,
    limits: &Limits,
    confinement: Option<&Confinement>,
    level: Level,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<String> {
    if let Some(escape) = confinement.and_then(|c| c.escape(path)) {
        diagnostics.push(Diagnostic::file(
            path,
            match escape {
                Escape::ThroughLink => {
                    "parameters file not read: a symbolic link leads outside the repository"
                }
                Escape::Outside => "parameters file not read: it is outside the repository",
            },
            Level::Warning,
        ));
        return None;
    }
    match std::fs::metadata(path) {
        Ok(m) if m.len() > limits.max_file_size => {
            diagnostics.push(Diagnostic::file(
                path,
                format!(
                    "parameters file not read: {} bytes is over the {}-byte file size limit",
                    m.len(),
                    limits.max_file_size
                ),
                level,
            ));
            return None;
        }
        Ok(_) => {}
        Err(e) => {
            diagnostics.push(Diagnostic::file(path, format!("cannot read: {e}"), level));
            return None;
        }
    }
    match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Some(text.strip_prefix('\u{feff}').unwrap_or(&text).to_string()),
            Err(_) => {
                diagnostics.push(Diagnostic::file(
                    path,
                    "parameters file not read: it is not UTF-8 text",
                    level,
                ));
                None
            }
        },
        Err(e) => {
            diagnostics.push(Diagnostic::file(path, format!("cannot read: {e}"), level));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_named_for_a_template() {
        let names = named_for("app");
        assert!(names.contains(&"app.parameters.json".to_string()));
        assert!(names.contains(&"app-configuration.json".to_string()));
        assert!(!names.iter().any(|n| n == "app.json"));
    }
}
