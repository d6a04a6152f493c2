//! Diff mode: loading two versions — two files or folders, or two git revisions — pairing
//! their documents, and asking `stet-diff` what changes for every resource. Plans and change
//! sets are read here too, so that every input gives the same [`Change`]s.

use crate::diagnostic::{Diagnostic, Level};
#[cfg(feature = "git")]
use crate::git::{GitError, Repository, TempDir};
use crate::load::{load, LoadOptions, Loaded};
use crate::paths;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use stet_diff::{diff_graphs, merge_changes, Change, KnowledgeBase};
use stet_graph::Graph;

/// Why a diff could not be made at all (problems with single files are diagnostics).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DiffError {
    /// A git revision could not be read.
    #[cfg(feature = "git")]
    #[error(transparent)]
    Git(#[from] GitError),
    /// The embedded knowledge base is broken (a build defect).
    #[error(transparent)]
    Knowledge(#[from] &'static stet_diff::KnowledgeError),
    /// BEFORE and AFTER are not both files or both folders.
    #[error("{before} is a {before_kind} but {after} is a {after_kind}: compare two files or two folders")]
    Mismatch {
        /// BEFORE as given.
        before: String,
        /// `file` or `folder`.
        before_kind: &'static str,
        /// AFTER as given.
        after: String,
        /// `file` or `folder`.
        after_kind: &'static str,
    },
    /// A plan or change-set file could not be read.
    #[error("{}: cannot read: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// The result of a diff: the changes, and what was loaded on each side.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct Diffed {
    /// One change per changed resource, sorted by file and line.
    pub changes: Vec<Change>,
    /// The version before (empty for plans and change sets).
    pub before: Loaded,
    /// The version after (empty for plans and change sets).
    pub after: Loaded,
    /// Problems with the inputs (both sides, plan and change-set files).
    pub diagnostics: Vec<Diagnostic>,
}

impl Diffed {
    /// Whether an input could not be read or parsed.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.level == Level::Error)
    }

    /// The names of the files both sides read, the changes and the diagnostics name.
    pub(crate) fn file_names(&self) -> impl Iterator<Item = &str> {
        self.before
            .file_names()
            .chain(self.after.file_names())
            .chain(self.changes.iter().map(|c| &*c.span.file))
            .chain(self.diagnostics.iter().map(|d| &*d.span.file))
    }

    /// Renames every file this diff names — both sides, every change with its values, the
    /// diagnostics — with `rename` (a run's display names: [`crate::DisplayPaths`]).
    pub(crate) fn rename_files(&mut self, rename: &mut dyn FnMut(&str) -> Arc<str>) {
        self.before.rename_files(rename);
        self.after.rename_files(rename);
        for change in &mut self.changes {
            rename_change(change, rename);
        }
        for diagnostic in &mut self.diagnostics {
            diagnostic.span.file = rename(&diagnostic.span.file);
        }
    }
}

/// Renames the files a change names: its place and document, and its attributes' places
/// and values.
fn rename_change(change: &mut Change, rename: &mut dyn FnMut(&str) -> Arc<str>) {
    change.span.file = rename(&change.span.file);
    change.document = rename(&change.document).to_string();
    for attribute in &mut change.attributes {
        attribute.span.file = rename(&attribute.span.file);
        for value in attribute
            .before
            .iter_mut()
            .chain(attribute.after.iter_mut())
        {
            value.rename_files(rename);
        }
    }
    if let Some(name) = &mut change.custom_name {
        name.value.rename_files(rename);
    }
    for (_, value) in &mut change.protection {
        value.rename_files(rename);
    }
}

/// Diffs two files or two folders.
///
/// ```no_run
/// let diffed = stet::diff_paths("old", "new", &Default::default()).unwrap();
/// for change in &diffed.changes {
///     println!("{} {}", change.action.as_str(), change.address);
/// }
/// ```
pub fn diff_paths(
    before: impl AsRef<Path>,
    after: impl AsRef<Path>,
    options: &LoadOptions,
) -> Result<Diffed, DiffError> {
    let (before, after) = (before.as_ref(), after.as_ref());
    let kb = KnowledgeBase::embedded()?;
    let kind = |p: &Path| if p.is_dir() { "folder" } else { "file" };
    if before.exists() && after.exists() && before.is_dir() != after.is_dir() {
        return Err(DiffError::Mismatch {
            before: before.display().to_string(),
            before_kind: kind(before),
            after: after.display().to_string(),
            after_kind: kind(after),
        });
    }
    let old = load(&[before.to_path_buf()], options);
    let new = load(&[after.to_path_buf()], options);
    let old_root = paths::absolute(before);
    let new_root = paths::absolute(after);
    let files = before.is_file() && after.is_file();
    let changes = pair_and_diff(
        &old,
        &|g| key_under(g, &old_root),
        &new,
        &|g| key_under(g, &new_root),
        files,
        kb,
    );
    Ok(finish(changes, old, new, kb))
}

/// Diffs two git revisions of `paths` (default: the whole repository holding the current
/// folder): `base`, and `head` or, when it is `None`, the working tree.
#[cfg(feature = "git")]
pub fn diff_revisions(
    base: &str,
    head: Option<&str>,
    paths: &[impl AsRef<Path>],
    options: &LoadOptions,
) -> Result<Diffed, DiffError> {
    let paths: Vec<PathBuf> = paths.iter().map(|p| p.as_ref().to_path_buf()).collect();
    diff_git(
        base,
        head.map_or(Head::WorkTree, Head::Revision),
        &paths,
        options,
    )
}

/// Diffs the staged content (git's index) of `paths` against revision `base`: what `git
/// commit` would record, without unstaged edits or untracked files. In a repository with
/// no commits yet, `HEAD` is the empty tree.
#[cfg(feature = "git")]
pub fn diff_staged(
    base: &str,
    paths: &[impl AsRef<Path>],
    options: &LoadOptions,
) -> Result<Diffed, DiffError> {
    let paths: Vec<PathBuf> = paths.iter().map(|p| p.as_ref().to_path_buf()).collect();
    diff_git(base, Head::Index, &paths, options)
}

/// The new side of a git diff.
#[cfg(feature = "git")]
#[derive(Clone, Copy)]
enum Head<'a> {
    WorkTree,
    Revision(&'a str),
    Index,
}

#[cfg(feature = "git")]
fn diff_git(
    base: &str,
    head: Head<'_>,
    paths: &[PathBuf],
    options: &LoadOptions,
) -> Result<Diffed, DiffError> {
    let kb = KnowledgeBase::embedded()?;
    let paths: Vec<PathBuf> = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let first = paths.first().cloned().unwrap_or_else(|| PathBuf::from("."));
    let repo = Repository::discover(&first)?;
    let mut relative = Vec::new();
    for path in &paths {
        let rel = paths::under(path, &repo.root).ok_or_else(|| GitError::OutsideRepository {
            path: path.clone(),
            root: repo.root.clone(),
        })?;
        relative.push(rel);
    }
    let base_commit = repo.resolve(base)?;
    let head_commit = match head {
        Head::Revision(h) => Some(repo.resolve(h)?),
        _ => None,
    };

    let base_copy = TempDir::new("base")?;
    let old = load_revision(&repo, Some(&base_commit), &relative, &base_copy, options)?;
    let (new, _head_copy) = match (&head_commit, head) {
        (Some(commit), _) => {
            let copy = TempDir::new("head")?;
            let loaded = load_revision(&repo, Some(commit), &relative, &copy, options)?;
            (loaded, Some(copy))
        }
        (None, Head::Index) => {
            let copy = TempDir::new("index")?;
            let loaded = load_revision(&repo, None, &relative, &copy, options)?;
            (loaded, Some(copy))
        }
        (None, _) => {
            let shown: Vec<PathBuf> = relative
                .iter()
                .map(|r| paths::shown(&repo.root.join(r)))
                .collect();
            let options = LoadOptions {
                root: Some(repo.root.clone()),
                ..options.clone()
            };
            (load(&shown, &options), None)
        }
    };
    let mut old = old;
    let mut new = new;
    leave_out_submodules(
        &repo,
        &base_commit,
        head_commit.as_deref(),
        &mut old,
        &mut new,
    )?;
    let root = repo.root.clone();
    let key = move |g: &Graph| key_under(g, &root);
    let changes = pair_and_diff(&old, &key, &new, &key, false, kb);
    Ok(finish(changes, old, new, kb))
}

/// Submodules are other repositories: their files (checked out in the working tree, absent
/// from a revision's copy) are left out of both sides, with a warning naming each.
#[cfg(feature = "git")]
fn leave_out_submodules(
    repo: &Repository,
    base: &str,
    head: Option<&str>,
    old: &mut Loaded,
    new: &mut Loaded,
) -> Result<(), DiffError> {
    let mut submodules = repo.submodules(Some(base))?;
    submodules.extend(repo.submodules(head)?);
    submodules.sort();
    submodules.dedup();
    if submodules.is_empty() {
        return Ok(());
    }
    let shown: Vec<PathBuf> = submodules
        .iter()
        .map(|s| paths::shown(&repo.root.join(s)))
        .collect();
    let inside = |file: &str| shown.iter().any(|s| Path::new(file).starts_with(s));
    for side in [&mut *old, &mut *new] {
        side.graphs.retain(|g| !inside(&g.path));
        side.diagnostics.retain(|d| !inside(&d.span.file));
    }
    for path in shown {
        new.diagnostics.push(Diagnostic::file(
            &path,
            "submodule not compared: it is another repository (run stet inside it to check it)",
            Level::Warning,
        ));
    }
    Ok(())
}

/// Loads `relative` paths of a commit (`None`: of the index) from a temporary copy, then
/// names its files as the working tree's would be named.
#[cfg(feature = "git")]
fn load_revision(
    repo: &Repository,
    commit: Option<&str>,
    relative: &[PathBuf],
    copy: &TempDir,
    options: &LoadOptions,
) -> Result<Loaded, DiffError> {
    // The parameters files stet.toml names go with the revision too (when only some paths
    // are copied).
    let mut prefixes = relative.to_vec();
    if !relative.iter().any(|p| p.as_os_str().is_empty()) {
        prefixes.extend(options.cloudformation.named_files_under(&repo.root));
    }
    match commit {
        Some(commit) => {
            repo.write_tree(commit, &prefixes, &copy.path, options.limits.max_file_size)?
        }
        None => repo.write_index(&prefixes, &copy.path, options.limits.max_file_size)?,
    };
    let present: Vec<PathBuf> = relative
        .iter()
        .map(|r| copy.path.join(r))
        .filter(|p| p.exists())
        .collect();
    if present.is_empty() {
        return Ok(Loaded::default());
    }
    let options = LoadOptions {
        root: Some(copy.path.clone()),
        cloudformation: options.cloudformation.rebased(&repo.root, &copy.path),
        ..options.clone()
    };
    let mut loaded = load(&present, &options);
    let root = repo.root.clone();
    loaded.rename_files(&mut |name: &str| -> Arc<str> {
        match Path::new(name).strip_prefix(&copy.path) {
            Ok(rest) => paths::shown(&root.join(rest)).to_string_lossy().into(),
            Err(_) => name.into(),
        }
    });
    Ok(loaded)
}

/// A document's key for pairing: its path relative to the side's root.
fn key_under(graph: &Graph, root: &Path) -> String {
    let path = Path::new(&*graph.path);
    match paths::under(path, root) {
        Some(rest) => rest.to_string_lossy().replace('\\', "/"),
        None => paths::absolute(path).to_string_lossy().into_owned(),
    }
}

/// Pairs the documents of two loads by key and diffs each pair.
fn pair_and_diff(
    old: &Loaded,
    old_key: &dyn Fn(&Graph) -> String,
    new: &Loaded,
    new_key: &dyn Fn(&Graph) -> String,
    pair_singletons: bool,
    kb: &KnowledgeBase,
) -> Vec<Change> {
    let mut pairs: BTreeMap<String, (Option<&Graph>, Option<&Graph>)> = BTreeMap::new();
    // Two files given: their documents pair whatever the files are called.
    if pair_singletons && old.graphs.len() <= 1 && new.graphs.len() <= 1 {
        pairs.insert(String::new(), (old.graphs.first(), new.graphs.first()));
    } else {
        for g in &old.graphs {
            pairs.entry(old_key(g)).or_default().0 = Some(g);
        }
        for g in &new.graphs {
            pairs.entry(new_key(g)).or_default().1 = Some(g);
        }
    }
    use rayon::prelude::*;
    let pairs: Vec<(Option<&Graph>, Option<&Graph>)> = pairs.into_values().collect();
    let per_document: Vec<Vec<Change>> = pairs
        .par_iter()
        .map(|(b, a)| diff_graphs(*b, *a, kb))
        .collect();
    merge_changes(per_document)
}

fn finish(changes: Vec<Change>, before: Loaded, after: Loaded, kb: &KnowledgeBase) -> Diffed {
    let mut diagnostics: Vec<Diagnostic> = before
        .diagnostics
        .iter()
        .chain(after.diagnostics.iter())
        .cloned()
        .collect();
    diagnostics.extend(stale_facts(&after, kb));
    diagnostics.sort();
    diagnostics.dedup();
    Diffed {
        changes,
        before,
        after,
        diagnostics,
    }
}

/// Said once when a Terraform configuration requires a version of the AWS provider that the
/// replacement facts (taken from one provider version) do not come from: the first
/// `required_providers` constraint for `hashicorp/aws` that excludes that version, and how
/// many module folders have one.
fn stale_facts(after: &Loaded, kb: &KnowledgeBase) -> Option<Diagnostic> {
    let facts = kb.provider_version();
    let version = stet_terraform::Version::parse(facts)?;
    let excluding: Vec<&stet_graph::Value> = after
        .graphs
        .iter()
        .filter(|g| !g.format.is_cloudformation())
        .flat_map(|g| &g.settings.required_providers)
        .filter(|p| is_aws_provider(p))
        .filter_map(|p| p.version.as_ref())
        .filter(|c| {
            c.as_str()
                .and_then(|text| stet_terraform::satisfies(text, &version))
                == Some(false)
        })
        .collect();
    let first = excluding.first()?;
    let others = match excluding.len() - 1 {
        0 => String::new(),
        1 => " (and 1 other module)".to_string(),
        n => format!(" (and {n} other modules)"),
    };
    Some(Diagnostic::at(
        &first.span,
        format!(
            "this configuration requires the AWS provider `{}`{others}, which excludes {facts}: the replacement facts come from provider {facts} and may be out of date for the version you run (arguments added or made updatable since are not known)",
            first.as_str().unwrap_or_default()
        ),
        Level::Warning,
    ))
}

/// Whether a `required_providers` entry is the HashiCorp AWS provider.
fn is_aws_provider(p: &stet_graph::ProviderRequirement) -> bool {
    match p.source.as_ref().and_then(|s| s.as_str()) {
        Some(source) => {
            let source = source.to_ascii_lowercase();
            source == "hashicorp/aws" || source == "registry.terraform.io/hashicorp/aws"
        }
        None => p.name == "aws",
    }
}

/// Reads a `terraform show -json` plan file, and points its changes at the configuration
/// in `source` (default: the plan file's folder) where it declares them; the configuration
/// loaded is the diff's `after`.
///
/// ```no_run
/// let diffed = stet::read_plan_file("infra/plan.json", None, &Default::default())?;
/// for change in &diffed.changes {
///     println!("{}:{} {} {}", change.span.file, change.span.start.line, change.action.as_str(), change.address);
/// }
/// # Ok::<(), stet::DiffError>(())
/// ```
pub fn read_plan_file(
    path: impl AsRef<Path>,
    source: Option<&Path>,
    options: &LoadOptions,
) -> Result<Diffed, DiffError> {
    let path = path.as_ref();
    let text = read_text(path)?;
    let mut diffed = Diffed::default();
    let file: Arc<str> = path.to_string_lossy().into();
    match stet_diff::read_plan(file, &text, &options.limits) {
        Ok(changes) => diffed.changes = changes,
        Err(e) => {
            diffed
                .diagnostics
                .push(Diagnostic::at(e.span(), e.message(), Level::Error));
            return Ok(diffed);
        }
    }
    let (configuration, warnings) =
        crate::plan_source::locate(&mut diffed.changes, path, source, options);
    diffed
        .diagnostics
        .extend(configuration.diagnostics.iter().cloned());
    diffed.diagnostics.extend(warnings);
    diffed.diagnostics.sort();
    diffed.after = configuration;
    Ok(diffed)
}

/// Reads the pages of one `describe-change-set` result.
pub fn read_change_set_files(
    paths: &[impl AsRef<Path>],
    options: &LoadOptions,
) -> Result<Diffed, DiffError> {
    let mut pages = Vec::new();
    for path in paths {
        let path = path.as_ref();
        pages.push((Arc::<str>::from(path.to_string_lossy()), read_text(path)?));
    }
    let mut diffed = Diffed::default();
    match stet_diff::read_change_set(&pages, &options.limits) {
        Ok(changes) => diffed.changes = changes,
        Err(e) => diffed
            .diagnostics
            .push(Diagnostic::at(e.span(), e.message(), Level::Error)),
    }
    Ok(diffed)
}

fn read_text(path: &Path) -> Result<String, DiffError> {
    let bytes = std::fs::read(path).map_err(|source| DiffError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
