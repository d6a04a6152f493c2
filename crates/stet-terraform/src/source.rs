//! Where module files come from: the [`FileSource`] trait, the operating system's files
//! ([`OsFiles`]) and in-memory files ([`MemoryFiles`], for tests and git revisions), and
//! reading a file as UTF-8 within the size limit. Paths are handled lexically; only
//! [`FileSource::real_path`] resolves symbolic links, for the confinement check.

use crate::Error;
use std::collections::BTreeMap;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use stet_graph::{LineIndex, Span};

/// Read access to the files of a module tree.
pub trait FileSource: Sync {
    /// The files (not folders) directly inside `dir`, sorted by name.
    fn list_files(&self, dir: &Path) -> io::Result<Vec<PathBuf>>;
    /// The size of the file at `path`, in bytes.
    fn file_size(&self, path: &Path) -> io::Result<u64>;
    /// The bytes of the file at `path`.
    fn read(&self, path: &Path) -> io::Result<Vec<u8>>;
    /// Whether `path` is a folder.
    fn is_dir(&self, path: &Path) -> bool;
    /// Where `path` really leads once symbolic links are resolved; `None` when the source
    /// has no links (the default) or the path does not exist. Confinement checks it, so a
    /// link inside the repository cannot lead a read outside.
    fn real_path(&self, path: &Path) -> Option<PathBuf> {
        let _ = path;
        None
    }
}

/// The operating system's files.
#[derive(Debug, Clone, Copy, Default)]
pub struct OsFiles;

impl FileSource for OsFiles {
    fn list_files(&self, dir: &Path) -> io::Result<Vec<PathBuf>> {
        let mut files = Vec::new();
        for entry in std::fs::read_dir(here(dir))? {
            let entry = entry?;
            let path = entry.path();
            if path.is_file() {
                files.push(path);
            }
        }
        files.sort();
        Ok(files)
    }

    fn file_size(&self, path: &Path) -> io::Result<u64> {
        Ok(std::fs::metadata(path)?.len())
    }

    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        std::fs::read(path)
    }

    fn is_dir(&self, path: &Path) -> bool {
        here(path).is_dir()
    }

    fn real_path(&self, path: &Path) -> Option<PathBuf> {
        std::fs::canonicalize(here(path)).ok()
    }
}

/// The empty path (what [`normalize`] makes of `.` and `./`) as the current folder.
fn here(path: &Path) -> &Path {
    if path.as_os_str().is_empty() {
        Path::new(".")
    } else {
        path
    }
}

/// Files held in memory, keyed by path.
///
/// ```
/// use stet_terraform::MemoryFiles;
/// let mut files = MemoryFiles::default();
/// files.insert("app/main.tf", "resource \"aws_s3_bucket\" \"b\" {}");
/// ```
#[derive(Debug, Clone, Default)]
pub struct MemoryFiles {
    files: BTreeMap<PathBuf, Vec<u8>>,
}

impl MemoryFiles {
    /// Adds (or replaces) the file at `path` (normalised lexically).
    pub fn insert(&mut self, path: impl AsRef<Path>, contents: impl Into<Vec<u8>>) {
        self.files.insert(normalize(path.as_ref()), contents.into());
    }
}

impl MemoryFiles {
    /// The stored paths under `dir` (at any depth), in order: a range of the sorted map.
    fn under<'a>(&'a self, dir: &'a Path) -> impl Iterator<Item = &'a PathBuf> + 'a {
        self.files
            .range::<Path, _>((std::ops::Bound::Excluded(dir), std::ops::Bound::Unbounded))
            .map(|(path, _)| path)
            .take_while(move |path| path.starts_with(dir))
    }
}

impl FileSource for MemoryFiles {
    fn list_files(&self, dir: &Path) -> io::Result<Vec<PathBuf>> {
        let dir = normalize(dir);
        let mut any = false;
        let files: Vec<PathBuf> = self
            .under(&dir)
            .inspect(|_| any = true)
            .filter(|p| p.parent() == Some(dir.as_path()))
            .cloned()
            .collect();
        if !any && !dir.as_os_str().is_empty() {
            return Err(io::Error::new(io::ErrorKind::NotFound, "no such folder"));
        }
        Ok(files)
    }

    fn file_size(&self, path: &Path) -> io::Result<u64> {
        self.files
            .get(&normalize(path))
            .map(|f| f.len() as u64)
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no such file"))
    }

    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        self.files
            .get(&normalize(path))
            .cloned()
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no such file"))
    }

    fn is_dir(&self, path: &Path) -> bool {
        let dir = normalize(path);
        let found = self.under(&dir).next().is_some();
        found
    }
}

/// Normalises a path lexically: drops `.` components and folds `dir/..`; leading `..`
/// components that cannot be folded are kept.
///
/// ```
/// use std::path::Path;
/// use stet_terraform::normalize;
/// assert_eq!(normalize(Path::new("a/./b/../c")), Path::new("a/c"));
/// assert_eq!(normalize(Path::new("../x")), Path::new("../x"));
/// ```
pub fn normalize(path: &Path) -> PathBuf {
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

/// Whether `path` (lexically normalised) stays inside `root`. A relative `path` is taken
/// from the current directory when `root` is absolute.
/// A path as reports name it: `.` for the empty path.
pub(crate) fn display_path(path: &Path) -> String {
    let s = path.to_string_lossy().into_owned();
    if s.is_empty() {
        ".".into()
    } else {
        s
    }
}

pub(crate) fn is_inside(path: &Path, root: &Path) -> bool {
    let path = if root.is_absolute() && path.is_relative() {
        match std::env::current_dir() {
            Ok(cwd) => normalize(&cwd.join(path)),
            Err(_) => return false,
        }
    } else {
        normalize(path)
    };
    let root = normalize(root);
    if root.as_os_str().is_empty() {
        return !path.starts_with("..") && !path.is_absolute();
    }
    path.starts_with(&root)
}

/// A file's text with its line index, as every span in this crate is computed from.
#[derive(Debug, Clone)]
pub(crate) struct FileText {
    pub path: Arc<str>,
    pub text: Arc<str>,
    pub index: LineIndex,
}

impl FileText {
    pub fn new(path: Arc<str>, text: Arc<str>) -> FileText {
        let index = LineIndex::new(&text);
        FileText { path, text, index }
    }

    /// The span of byte range `start..end`.
    pub fn span(&self, start: usize, end: usize) -> Span {
        self.index.span(self.path.clone(), &self.text, start, end)
    }

    /// The span of an optional hcl-edit range, or `fallback`.
    pub fn span_of(&self, range: Option<std::ops::Range<usize>>, fallback: &Span) -> Span {
        match range {
            Some(r) => self.span(r.start, r.end),
            None => fallback.clone(),
        }
    }

    /// The text of byte range `start..end` (empty when out of bounds).
    pub fn slice(&self, start: usize, end: usize) -> &str {
        self.text.get(start..end).unwrap_or("")
    }

    /// A span covering the whole file's first character.
    pub fn start(&self) -> Span {
        Span::file_start(self.path.clone())
    }
}

/// Reads `path` as UTF-8 within `max_size` bytes, naming the file `display` in errors.
pub(crate) fn read_text(
    files: &dyn FileSource,
    path: &Path,
    display: &Arc<str>,
    max_size: u64,
) -> Result<Arc<str>, Error> {
    let size = files.file_size(path).map_err(|e| Error::Read {
        path: PathBuf::from(&**display),
        message: e.to_string(),
    })?;
    if size > max_size {
        return Err(Error::TooLarge {
            path: PathBuf::from(&**display),
            size,
            limit: max_size,
        });
    }
    let bytes = files.read(path).map_err(|e| Error::Read {
        path: PathBuf::from(&**display),
        message: e.to_string(),
    })?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Arc::from(text.strip_prefix('\u{feff}').unwrap_or(&text))),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let prefix = String::from_utf8_lossy(bytes.get(..valid).unwrap_or(&[])).into_owned();
            let index = LineIndex::new(&prefix);
            let span = index.span(display.clone(), &prefix, valid, valid);
            Err(Error::NotUtf8 { span })
        }
    }
}
