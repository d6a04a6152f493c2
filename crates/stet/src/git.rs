//! Reading a git revision: finding the repository, resolving a revision, and writing the
//! files of a revision under some paths into a temporary folder, so that the loaders read
//! them as they read the working tree. Runs the `git` command; symbolic links and
//! submodules in the revision are not followed.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};

/// Why a revision could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GitError {
    /// The path is not inside a git working tree.
    #[error("{}: not inside a git repository (`--base` reads revisions from git; to compare two folders, run `stet diff BEFORE AFTER`)", path.display())]
    NotARepository {
        /// The path given.
        path: PathBuf,
    },
    /// A path given is outside the repository of the first one.
    #[error("{}: outside the repository at {}", path.display(), root.display())]
    OutsideRepository {
        /// The path given.
        path: PathBuf,
        /// The repository's top folder.
        root: PathBuf,
    },
    /// The revision does not name a commit.
    #[error("unknown revision `{revision}` in the repository at {}: {detail}", root.display())]
    UnknownRevision {
        /// The revision as given.
        revision: String,
        /// The repository's top folder.
        root: PathBuf,
        /// What git said.
        detail: String,
    },
    /// `git` could not be started.
    #[error("cannot run `git`: {0} (is git installed and on PATH?)")]
    NotInstalled(std::io::Error),
    /// A git command failed.
    #[error("`git {command}` failed: {detail}")]
    Failed {
        /// The command's arguments.
        command: String,
        /// What git said.
        detail: String,
    },
    /// The copy of the revision could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// What could not be written.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// Git's empty tree: the base of a repository with no commits yet.
pub(crate) const EMPTY_TREE: &str = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

/// A git working tree.
#[derive(Debug, Clone)]
pub struct Repository {
    /// Its top folder (absolute).
    pub root: PathBuf,
}

impl Repository {
    /// The repository holding `path` (a file or folder, which need not exist any more).
    pub fn discover(path: impl AsRef<Path>) -> Result<Repository, GitError> {
        let path = path.as_ref();
        let mut dir = crate::paths::absolute(path);
        while !dir.is_dir() {
            match dir.parent() {
                Some(parent) => dir = parent.to_path_buf(),
                None => break,
            }
        }
        let output = git(&dir, &["rev-parse", "--show-toplevel"])?;
        if !output.status.success() {
            return Err(GitError::NotARepository {
                path: path.to_path_buf(),
            });
        }
        let root = String::from_utf8_lossy(&output.stdout).trim().to_string();
        Ok(Repository {
            root: crate::paths::normalize(Path::new(&root)),
        })
    }

    /// The commit a revision names (a branch, tag, `HEAD~2`, an abbreviated hash).
    pub fn resolve(&self, revision: &str) -> Result<String, GitError> {
        let unknown = |detail: String| GitError::UnknownRevision {
            revision: revision.to_string(),
            root: self.root.clone(),
            detail,
        };
        if revision.starts_with('-') || revision.is_empty() {
            return Err(unknown(
                "a revision cannot be empty or start with `-`".into(),
            ));
        }
        let spec = format!("{revision}^{{commit}}");
        let output = git(
            &self.root,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                "--end-of-options",
                &spec,
            ],
        )?;
        // Before the first commit, `HEAD` names nothing yet: what is staged is all new, so
        // the base is the empty tree (a pre-commit hook's first commit).
        if !output.status.success() && revision == "HEAD" && self.is_unborn() {
            return Ok(EMPTY_TREE.to_string());
        }
        if !output.status.success() {
            return Err(unknown(if self.is_shallow() {
                "not in this shallow clone: fetch it first (`git fetch origin BRANCH`, or `git fetch --deepen=N` for older commits; with actions/checkout, set `fetch-depth: 0`)".into()
            } else {
                "no such branch, tag or commit (fetch it first if it lives on a remote)".into()
            }));
        }
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
    }

    /// Whether `HEAD` names a branch with no commit yet (a new repository).
    pub fn is_unborn(&self) -> bool {
        let head = git(&self.root, &["rev-parse", "--verify", "--quiet", "HEAD"]);
        let branch = git(&self.root, &["symbolic-ref", "--quiet", "HEAD"]);
        head.is_ok_and(|o| !o.status.success()) && branch.is_ok_and(|o| o.status.success())
    }

    /// Whether the repository is a shallow clone (part of its history is missing).
    pub fn is_shallow(&self) -> bool {
        git(&self.root, &["rev-parse", "--is-shallow-repository"])
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "true")
    }

    /// The submodules (paths relative to the top folder) of `commit`, or of the index when
    /// `commit` is `None` (the working tree's).
    pub fn submodules(&self, commit: Option<&str>) -> Result<Vec<PathBuf>, GitError> {
        let output = match commit {
            Some(commit) => git(&self.root, &["ls-tree", "-r", "-z", commit])?,
            None => git(&self.root, &["ls-files", "--stage", "-z"])?,
        };
        if !output.status.success() {
            return Err(failed("ls-tree", &output.stderr));
        }
        Ok(output
            .stdout
            .split(|b| *b == 0)
            .filter_map(|record| {
                let record = String::from_utf8_lossy(record);
                let (info, name) = record.split_once('\t')?;
                info.starts_with("160000 ")
                    .then(|| safe_relative(name))
                    .flatten()
            })
            .collect())
    }

    /// Writes the regular files of `commit` under `prefixes` (paths relative to the top
    /// folder; empty for everything) into `dest`, keeping their relative paths. Files over
    /// `max_size` bytes are left out (the loader would refuse them anyway). Returns how many
    /// files were written.
    pub fn write_tree(
        &self,
        commit: &str,
        prefixes: &[PathBuf],
        dest: &Path,
        max_size: u64,
    ) -> Result<usize, GitError> {
        let mut args: Vec<String> = vec![
            "ls-tree".into(),
            "-r".into(),
            "-z".into(),
            "-l".into(),
            commit.into(),
            "--".into(),
        ];
        args.extend(
            prefixes
                .iter()
                .filter(|p| !p.as_os_str().is_empty())
                .map(|p| p.to_string_lossy().replace('\\', "/")),
        );
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let listing = git(&self.root, &refs)?;
        if !listing.status.success() {
            return Err(failed("ls-tree", &listing.stderr));
        }
        let mut files: Vec<(String, PathBuf)> = Vec::new();
        for record in listing.stdout.split(|b| *b == 0).filter(|r| !r.is_empty()) {
            let record = String::from_utf8_lossy(record);
            let Some((info, name)) = record.split_once('\t') else {
                continue;
            };
            let mut parts = info.split_whitespace();
            let (Some(mode), Some(kind), Some(object), Some(size)) =
                (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            // Regular files only: symbolic links (120000) and submodules (160000) are skipped.
            if kind != "blob" || !(mode == "100644" || mode == "100755") {
                continue;
            }
            if size.parse::<u64>().map_or(true, |n| n > max_size) {
                continue;
            }
            if let Some(relative) = safe_relative(name) {
                files.push((object.to_string(), relative));
            }
        }
        // Folders asked for exist in the copy even when the revision has nothing there.
        for prefix in prefixes {
            let is_file = files.iter().any(|(_, f)| f == prefix);
            let dir = if is_file {
                dest.join(prefix)
                    .parent()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| dest.to_path_buf())
            } else {
                dest.join(prefix)
            };
            std::fs::create_dir_all(&dir).map_err(|source| GitError::Write {
                path: dir.clone(),
                source,
            })?;
        }
        self.write_blobs(&files, dest)?;
        Ok(files.len())
    }

    /// Writes the staged files (git's index, stage 0) under `prefixes` into `dest`, as
    /// [`Repository::write_tree`] writes a commit's: what `git commit` would record, without
    /// unstaged edits or untracked files. Returns how many files were written.
    pub fn write_index(
        &self,
        prefixes: &[PathBuf],
        dest: &Path,
        max_size: u64,
    ) -> Result<usize, GitError> {
        let mut args: Vec<String> = vec![
            "ls-files".into(),
            "--stage".into(),
            "-z".into(),
            "--".into(),
        ];
        args.extend(
            prefixes
                .iter()
                .filter(|p| !p.as_os_str().is_empty())
                .map(|p| p.to_string_lossy().replace('\\', "/")),
        );
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let listing = git(&self.root, &refs)?;
        if !listing.status.success() {
            return Err(failed("ls-files", &listing.stderr));
        }
        let mut objects: Vec<(String, String)> = Vec::new();
        for record in listing.stdout.split(|b| *b == 0).filter(|r| !r.is_empty()) {
            let record = String::from_utf8_lossy(record);
            let Some((info, name)) = record.split_once('\t') else {
                continue;
            };
            let mut parts = info.split_whitespace();
            let (Some(mode), Some(object), Some(stage)) =
                (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            // Regular files at stage 0 (merge conflicts have no single staged version).
            if stage == "0" && (mode == "100644" || mode == "100755") {
                objects.push((object.to_string(), name.to_string()));
            }
        }
        let sizes = self.object_sizes(objects.iter().map(|(o, _)| o.as_str()))?;
        let files: Vec<(String, PathBuf)> = objects
            .into_iter()
            .zip(sizes)
            .filter(|(_, size)| *size <= max_size)
            .filter_map(|((object, name), _)| safe_relative(&name).map(|p| (object, p)))
            .collect();
        for prefix in prefixes {
            if files.iter().any(|(_, f)| f == prefix) {
                continue;
            }
            let dir = dest.join(prefix);
            std::fs::create_dir_all(&dir).map_err(|source| GitError::Write {
                path: dir.clone(),
                source,
            })?;
        }
        self.write_blobs(&files, dest)?;
        Ok(files.len())
    }

    /// The sizes of blobs, in order (`git cat-file --batch-check`).
    fn object_sizes<'a>(
        &self,
        objects: impl Iterator<Item = &'a str>,
    ) -> Result<Vec<u64>, GitError> {
        let input: String = objects.map(|o| format!("{o}\n")).collect();
        let mut child = Command::new("git")
            .arg("-C")
            .arg(&self.root)
            .args(["cat-file", "--batch-check=%(objectsize)"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(GitError::NotInstalled)?;
        let mut stdin = child.stdin.take();
        let feeder = std::thread::spawn(move || {
            if let Some(stdin) = stdin.as_mut() {
                let _ = stdin.write_all(input.as_bytes());
            }
        });
        let output = child
            .wait_with_output()
            .map_err(|e| failed("cat-file", e.to_string().as_bytes()))?;
        let _ = feeder.join();
        if !output.status.success() {
            return Err(failed("cat-file", &output.stderr));
        }
        Ok(String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(|l| l.trim().parse().unwrap_or(u64::MAX))
            .collect())
    }

    fn write_blobs(&self, files: &[(String, PathBuf)], dest: &Path) -> Result<(), GitError> {
        let mut child = Command::new("git")
            .arg("-C")
            .arg(&self.root)
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(GitError::NotInstalled)?;
        let mut stdin = child.stdin.take();
        let objects: Vec<String> = files.iter().map(|(o, _)| o.clone()).collect();
        let feeder = std::thread::spawn(move || {
            if let Some(stdin) = stdin.as_mut() {
                for object in objects {
                    if writeln!(stdin, "{object}").is_err() {
                        break;
                    }
                }
            }
        });
        let mut reader = BufReader::new(
            child
                .stdout
                .take()
                .ok_or_else(|| failed("cat-file", b"no output"))?,
        );
        let mut header = String::new();
        for (_, relative) in files {
            header.clear();
            reader
                .read_line(&mut header)
                .map_err(|e| failed("cat-file", e.to_string().as_bytes()))?;
            let size: usize = header
                .trim_end()
                .rsplit(' ')
                .next()
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| {
                    failed(
                        "cat-file",
                        format!("unexpected reply `{}`", header.trim_end()).as_bytes(),
                    )
                })?;
            let mut content = vec![0u8; size];
            reader
                .read_exact(&mut content)
                .map_err(|e| failed("cat-file", e.to_string().as_bytes()))?;
            let mut newline = [0u8; 1];
            reader
                .read_exact(&mut newline)
                .map_err(|e| failed("cat-file", e.to_string().as_bytes()))?;
            let path = dest.join(relative);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|source| GitError::Write {
                    path: parent.to_path_buf(),
                    source,
                })?;
            }
            std::fs::write(&path, content).map_err(|source| GitError::Write { path, source })?;
        }
        let _ = feeder.join();
        let _ = child.wait();
        Ok(())
    }
}

/// A path from a git tree as a relative path with only normal components.
fn safe_relative(name: &str) -> Option<PathBuf> {
    let path = PathBuf::from(name);
    path.components()
        .all(|c| matches!(c, Component::Normal(_)))
        .then_some(path)
}

fn git(dir: &Path, args: &[&str]) -> Result<std::process::Output, GitError> {
    Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(GitError::NotInstalled)
}

fn failed(command: &str, stderr: &[u8]) -> GitError {
    GitError::Failed {
        command: command.to_string(),
        detail: String::from_utf8_lossy(stderr).trim().to_string(),
    }
}

/// A temporary folder removed when dropped.
#[derive(Debug)]
pub(crate) struct TempDir {
    pub path: PathBuf,
}

impl TempDir {
    pub fn new(label: &str) -> Result<TempDir, GitError> {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or_default();
        let path = std::env::temp_dir().join(format!(
            "stet-{label}-{}-{nanos}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&path).map_err(|source| GitError::Write {
            path: path.clone(),
            source,
        })?;
        Ok(TempDir { path })
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}
