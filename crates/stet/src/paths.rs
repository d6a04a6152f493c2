//! Paths: the one place where stet turns the paths it is given into the names it reports, finds
//! the repository root, and decides whether a path stays inside the repository.
//!
//! A file has two names. Loading names it as given — relative to the current folder when it
//! lies under it ([`shown`]) — which is how `stet graph` and [`crate::load`] report it and
//! how the disk is read. A run ([`crate::check_paths`], [`crate::report_diff`], …) renames
//! every file it loaded once, before checking, to its display name ([`DisplayPaths`]):
//! relative to the repository root and `/`-separated, so that findings, changes, diagnostics
//! and every report format name it the same whatever folder stet ran in. Renderers take
//! those names as they are.
//!
//! Everything here is lexical (no file is read) except [`Confinement`], which resolves
//! symbolic links as the Terraform loader's own confinement does (`stet_terraform`'s
//! `FileSource::real_path`), and [`repository_root`], which looks for `.git`.

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// `path` normalised lexically: `.` components dropped and `dir/..` folded; leading `..`
/// components that cannot be folded are kept, `..` above the root is dropped.
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut out: Vec<Component> = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(component),
            },
            other => out.push(other),
        }
    }
    out.iter().collect()
}

/// The current folder, normalised (empty when it cannot be read).
fn current_dir() -> PathBuf {
    std::env::current_dir()
        .map(|cwd| normalize(&cwd))
        .unwrap_or_default()
}

/// `path` as an absolute, normalised path, taken from the current folder when relative.
pub(crate) fn absolute(path: &Path) -> PathBuf {
    absolute_from(path, &current_dir())
}

fn absolute_from(path: &Path, cwd: &Path) -> PathBuf {
    normalize(&cwd.join(path))
}

/// `path` as a person in the current folder names it: an absolute path under the current
/// folder becomes relative to it (`.` for the folder itself; what follows the current folder
/// is kept as written, `..` included); any other path stays as given.
pub(crate) fn shown(path: &Path) -> PathBuf {
    shown_from(path, &current_dir())
}

fn shown_from(path: &Path, cwd: &Path) -> PathBuf {
    if !path.is_absolute() {
        return path.to_path_buf();
    }
    match path.strip_prefix(cwd) {
        Ok(rest) if rest.as_os_str().is_empty() => PathBuf::from("."),
        Ok(rest) => rest.to_path_buf(),
        Err(_) => path.to_path_buf(),
    }
}

/// `path` without a leading `./` (`.` itself stays `.`), as a walk from `.` yields names.
pub(crate) fn without_dot(path: &Path) -> PathBuf {
    match path.strip_prefix(".") {
        Ok(rest) if rest.as_os_str().is_empty() => PathBuf::from("."),
        Ok(rest) => rest.to_path_buf(),
        Err(_) => path.to_path_buf(),
    }
}

/// `path` relative to `root` (absolute and normalised) when it lies under it, lexically.
pub(crate) fn under(path: &Path, root: &Path) -> Option<PathBuf> {
    absolute(path)
        .strip_prefix(root)
        .ok()
        .map(Path::to_path_buf)
}

/// The path that leads from the folder `from` to `to` (both absolute and normalised), with
/// `..` for each folder climbed; `None` when they share no root (two Windows drives).
fn relative_from(from: &Path, to: &Path) -> Option<PathBuf> {
    let mut from_parts = from.components().peekable();
    let mut to_parts = to.components().peekable();
    if from_parts.peek() != to_parts.peek() {
        return None;
    }
    while from_parts.peek().is_some() && from_parts.peek() == to_parts.peek() {
        from_parts.next();
        to_parts.next();
    }
    let mut out: PathBuf = from_parts.map(|_| Component::ParentDir).collect();
    out.extend(to_parts);
    Some(out)
}

/// The git top level above `path` (the nearest folder holding `.git`), else `path` itself
/// (its folder, for a file).
///
/// ```
/// let here = std::env::current_dir().unwrap();
/// assert!(here.starts_with(stet::repository_root(&here)));
/// ```
pub fn repository_root(path: impl AsRef<Path>) -> PathBuf {
    let start = absolute(path.as_ref());
    let start = if start.is_file() {
        start.parent().map(Path::to_path_buf).unwrap_or(start)
    } else {
        start
    };
    let mut dir = Some(start.as_path());
    while let Some(d) = dir {
        if d.join(".git").exists() {
            return d.to_path_buf();
        }
        dir = d.parent();
    }
    start
}

/// The root of a load over `paths`: the folder that holds all their [`repository_root`]s —
/// their git top level when they share one, else the nearest folder they all lie in (as
/// pre-commit passes files and folders from anywhere in a checkout). `None` without paths.
///
/// ```
/// let here = std::env::current_dir().unwrap();
/// let root = stet::inputs_root(&[here.join("src"), here.join("tests")]).unwrap();
/// assert!(here.starts_with(&root));
/// ```
pub fn inputs_root(paths: &[impl AsRef<Path>]) -> Option<PathBuf> {
    let mut roots = paths.iter().map(repository_root);
    let first = roots.next()?;
    Some(roots.fold(first, |common, root| common_ancestor(&common, &root)))
}

/// The longest folder both absolute paths lie in.
fn common_ancestor(a: &Path, b: &Path) -> PathBuf {
    a.components()
        .zip(b.components())
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x)
        .collect()
}

/// How a run names files in what it reports: relative to the repository root,
/// `/`-separated, without a leading `./`. A file outside the root keeps an absolute name
/// when it was named by one, else is named from the root with `..`.
///
/// Made once per run ([`crate::check_paths`] and the others do), with the current folder read
/// once; every file loaded is renamed through it before checking, so findings, changes,
/// diagnostics and every format carry the same name.
///
/// ```
/// let here = std::env::current_dir().unwrap();
/// let names = stet::DisplayPaths::new(Some(here.clone()));
/// assert_eq!(names.display("./infra/main.tf"), "infra/main.tf");
/// assert_eq!(names.display(&here.join("app.yaml").to_string_lossy()), "app.yaml");
/// assert_eq!(names.locate("infra/main.tf"), here.join("infra/main.tf"));
/// ```
#[derive(Debug, Clone)]
pub struct DisplayPaths {
    /// The root names are relative to (absolute, normalised).
    root: PathBuf,
    /// The folder relative names are taken from (absolute, normalised).
    cwd: PathBuf,
}

impl DisplayPaths {
    /// Names relative to `root` (a relative `root` is taken from the current folder); by
    /// default the repository holding the current folder ([`repository_root`]).
    pub fn new(root: Option<PathBuf>) -> DisplayPaths {
        let cwd = current_dir();
        let root = root.unwrap_or_else(|| repository_root(&cwd));
        DisplayPaths::from(&root, cwd)
    }

    fn from(root: &Path, cwd: PathBuf) -> DisplayPaths {
        DisplayPaths {
            root: absolute_from(root, &cwd),
            cwd,
        }
    }

    /// The root names are relative to (absolute).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The display name of `file` (as stet was given it: relative to the current folder, or
    /// absolute). The root itself is `.`; an empty name (no file) stays empty.
    pub fn display(&self, file: &str) -> String {
        if file.is_empty() {
            return String::new();
        }
        let absolute = absolute_from(Path::new(file), &self.cwd);
        let name = match absolute.strip_prefix(&self.root) {
            Ok(rest) if rest.as_os_str().is_empty() => ".".to_string(),
            Ok(rest) => rest.to_string_lossy().into_owned(),
            Err(_) if Path::new(file).is_absolute() => file.to_string(),
            Err(_) => relative_from(&self.root, &absolute)
                .unwrap_or(absolute)
                .to_string_lossy()
                .into_owned(),
        };
        let name = name.replace('\\', "/");
        match name.strip_prefix("./") {
            Some(rest) => rest.to_string(),
            None => name,
        }
    }

    /// Where a display name leads on the disk: the inverse of [`DisplayPaths::display`]
    /// (absolute).
    pub fn locate(&self, name: &str) -> PathBuf {
        absolute_from(Path::new(name), &self.root)
    }

    /// A renaming function for [`stet_graph::Graph::rename_files`] and the like: each name to
    /// its display name, each distinct name worked out once.
    pub(crate) fn renamer(&self) -> impl FnMut(&str) -> Arc<str> + '_ {
        let mut done: std::collections::HashMap<String, Arc<str>> = Default::default();
        move |name: &str| {
            done.entry(name.to_string())
                .or_insert_with(|| self.display(name).into())
                .clone()
        }
    }

    /// Whether any of `names` is not its own display name (when none is, nothing needs
    /// renaming).
    pub(crate) fn renames_any<'a>(&self, mut names: impl Iterator<Item = &'a str>) -> bool {
        names.any(|name| self.display(name) != name)
    }
}

/// Why a path may not be read: it leads outside the root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Escape {
    /// Through a symbolic link (the file itself or a folder on its way).
    ThroughLink,
    /// It simply lies outside.
    Outside,
}

/// The repository a load may read: nothing outside `root`, lexically or once symbolic links
/// are resolved (the same two checks the Terraform loader makes of module sources, `file()`
/// and `.tfvars`).
#[derive(Debug, Clone)]
pub(crate) struct Confinement {
    /// The root (absolute, normalised).
    root: PathBuf,
    /// The root with its symbolic links resolved (`None` when it does not exist).
    real_root: Option<PathBuf>,
}

impl Confinement {
    pub(crate) fn new(root: &Path) -> Confinement {
        let root = absolute(root);
        Confinement {
            real_root: std::fs::canonicalize(&root).ok(),
            root,
        }
    }

    /// The root (absolute).
    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    /// Whether reading `path` would leave the root, and how; `None` when it stays inside (or
    /// does not exist: reading it will say so).
    pub(crate) fn escape(&self, path: &Path) -> Option<Escape> {
        if !absolute(path).starts_with(&self.root) {
            return Some(if through_link(path) {
                Escape::ThroughLink
            } else {
                Escape::Outside
            });
        }
        match (&self.real_root, std::fs::canonicalize(path)) {
            (Some(real_root), Ok(real)) if !real.starts_with(real_root) => {
                Some(if through_link(path) {
                    Escape::ThroughLink
                } else {
                    Escape::Outside
                })
            }
            _ => None,
        }
    }
}

/// Whether `path`, or a folder named on its way, is a symbolic link.
fn through_link(path: &Path) -> bool {
    path.ancestors()
        .filter(|a| !a.as_os_str().is_empty())
        .any(|a| std::fs::symlink_metadata(a).is_ok_and(|m| m.file_type().is_symlink()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(root: &str, cwd: &str) -> DisplayPaths {
        DisplayPaths::from(Path::new(root), PathBuf::from(cwd))
    }

    #[test]
    fn normalize_folds_dots_lexically() {
        assert_eq!(normalize(Path::new("a/./b/../c")), Path::new("a/c"));
        assert_eq!(normalize(Path::new("./a")), Path::new("a"));
        assert_eq!(normalize(Path::new("../x")), Path::new("../x"));
        assert_eq!(normalize(Path::new("a/../../x")), Path::new("../x"));
        assert_eq!(normalize(Path::new("/../etc")), Path::new("/etc"));
        assert_eq!(normalize(Path::new(".")), Path::new(""));
    }

    #[test]
    fn files_under_the_root_are_named_from_it() {
        let at_root = names("/repo", "/repo");
        assert_eq!(at_root.display("infra/main.tf"), "infra/main.tf");
        assert_eq!(at_root.display("./infra/main.tf"), "infra/main.tf");
        assert_eq!(at_root.display("infra/../app.yaml"), "app.yaml");
        assert_eq!(at_root.display("/repo/infra/main.tf"), "infra/main.tf");
        let in_a_subfolder = names("/repo", "/repo/infra");
        assert_eq!(in_a_subfolder.display("main.tf"), "infra/main.tf");
        assert_eq!(in_a_subfolder.display("../app/t.yaml"), "app/t.yaml");
        assert_eq!(in_a_subfolder.display("."), "infra");
    }

    #[test]
    fn the_root_is_a_dot_and_no_file_stays_empty() {
        let n = names("/repo", "/repo/infra");
        assert_eq!(n.display(".."), ".");
        assert_eq!(n.display("/repo"), ".");
        assert_eq!(names("/repo", "/repo").display("."), ".");
        assert_eq!(n.display(""), "");
    }

    #[test]
    fn files_outside_the_root_keep_an_absolute_name_or_climb_from_the_root() {
        let n = names("/repo", "/repo/infra");
        assert_eq!(n.display("/elsewhere/main.tf"), "/elsewhere/main.tf");
        assert_eq!(n.display("../../other/main.tf"), "../other/main.tf");
        assert_eq!(
            names("/repo", "/repo").display("../other/x.yaml"),
            "../other/x.yaml"
        );
        // The current folder outside the root (a program's own root).
        assert_eq!(names("/repo", "/tmp").display("t.yaml"), "../tmp/t.yaml");
    }

    #[test]
    fn windows_separators_become_slashes() {
        let n = names("/repo", "/repo");
        assert_eq!(
            n.display("infra\\modules\\main.tf"),
            "infra/modules/main.tf"
        );
        assert_eq!(n.display(".\\main.tf"), "main.tf");
    }

    #[test]
    fn a_display_name_locates_its_file() {
        let n = names("/repo", "/repo/infra");
        for given in [
            "main.tf",
            "../app/t.yaml",
            "../../other/main.tf",
            "/elsewhere/x.tf",
        ] {
            let shown = n.display(given);
            assert_eq!(
                n.locate(&shown),
                absolute_from(Path::new(given), Path::new("/repo/infra")),
                "{given} shown as {shown}"
            );
        }
    }

    #[test]
    fn the_renamer_says_whether_names_change() {
        let n = names("/repo", "/repo");
        assert!(!n.renames_any(["main.tf", "app/t.yaml"].into_iter()));
        assert!(n.renames_any(["./main.tf"].into_iter()));
        let mut rename = n.renamer();
        assert_eq!(&*rename("/repo/x.tf"), "x.tf");
    }

    #[test]
    fn absolute_paths_under_the_current_folder_are_shown_relative() {
        let cwd = Path::new("/repo/infra");
        assert_eq!(
            shown_from(Path::new("/repo/infra/a/main.tf"), cwd),
            Path::new("a/main.tf")
        );
        assert_eq!(shown_from(Path::new("/repo/infra"), cwd), Path::new("."));
        assert_eq!(
            shown_from(Path::new("/repo/x.tf"), cwd),
            Path::new("/repo/x.tf")
        );
        assert_eq!(shown_from(Path::new("../x.tf"), cwd), Path::new("../x.tf"));
        assert_eq!(
            shown_from(Path::new("/repo/infra/../app/t.yaml"), cwd),
            Path::new("../app/t.yaml")
        );
        assert_eq!(without_dot(Path::new("./a/b")), Path::new("a/b"));
        assert_eq!(without_dot(Path::new(".")), Path::new("."));
    }

    #[test]
    fn relative_paths_climb_to_the_common_folder() {
        let from = |a: &str, b: &str| relative_from(Path::new(a), Path::new(b));
        assert_eq!(from("/repo", "/repo/a"), Some(PathBuf::from("a")));
        assert_eq!(from("/repo/a/b", "/repo/c"), Some(PathBuf::from("../../c")));
        assert_eq!(from("/repo", "/repo"), Some(PathBuf::new()));
        assert_eq!(
            common_ancestor(Path::new("/r/a/b"), Path::new("/r/a/c")),
            Path::new("/r/a")
        );
    }

    /// A scratch folder removed at the end.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new(name: &str) -> Scratch {
            let dir =
                std::env::temp_dir().join(format!("stet-paths-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(dir.join("repo/infra")).unwrap();
            std::fs::create_dir_all(dir.join("elsewhere")).unwrap();
            std::fs::write(dir.join("repo/infra/t.yaml"), "").unwrap();
            std::fs::write(dir.join("elsewhere/t.yaml"), "").unwrap();
            Scratch(dir)
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn confinement_refuses_paths_outside_the_root() {
        let scratch = Scratch::new("lexical");
        let repo = Confinement::new(&scratch.0.join("repo"));
        assert_eq!(repo.escape(&scratch.0.join("repo/infra/t.yaml")), None);
        assert_eq!(
            repo.escape(&scratch.0.join("repo/../elsewhere/t.yaml")),
            Some(Escape::Outside)
        );
        assert_eq!(
            repo.escape(&scratch.0.join("elsewhere/t.yaml")),
            Some(Escape::Outside)
        );
        // A file that does not exist is left to the reader to report.
        assert_eq!(repo.escape(&scratch.0.join("repo/missing.yaml")), None);
    }

    #[cfg(unix)]
    #[test]
    fn confinement_follows_symbolic_links() {
        let scratch = Scratch::new("links");
        let repo = scratch.0.join("repo");
        std::os::unix::fs::symlink(scratch.0.join("elsewhere/t.yaml"), repo.join("file.yaml"))
            .unwrap();
        std::os::unix::fs::symlink(scratch.0.join("elsewhere"), repo.join("folder")).unwrap();
        std::os::unix::fs::symlink(repo.join("infra/t.yaml"), repo.join("inside.yaml")).unwrap();
        let confinement = Confinement::new(&repo);
        assert_eq!(
            confinement.escape(&repo.join("file.yaml")),
            Some(Escape::ThroughLink)
        );
        assert_eq!(
            confinement.escape(&repo.join("folder/t.yaml")),
            Some(Escape::ThroughLink)
        );
        assert_eq!(confinement.escape(&repo.join("inside.yaml")), None);
        // Display names are lexical: a link is named where it is, not where it leads.
        let names = DisplayPaths::from(&repo, repo.clone());
        assert_eq!(names.display("folder/t.yaml"), "folder/t.yaml");
    }
}
