//! Loading text held in memory — a CloudFormation template, a Terraform file or a whole
//! module — named as the files would be, into the same [`Loaded`] that [`crate::load`] makes
//! from the disk. Nothing is read from the disk or written to it: module calls reach only
//! the texts given, and parameters files are not looked for (parameter values come from
//! defaults and [`LoadOptions::cloudformation`]'s `values`). What the parsers do is theirs;
//! walking folders is `load`'s.

use crate::diagnostic::{Diagnostic, Level};
use crate::load::{add_template, load_module_from, LoadOptions, Loaded};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Loads one file's text, named `name`: a Terraform file (`.tf`, `.tf.json`) as a module of
/// one file, or a CloudFormation or SAM template (`.json`, `.yaml`, `.yml`, `.template`),
/// resolved with its parameters' defaults. Spans name the file `name`.
///
/// ```
/// let template = "Resources:\n  Logs:\n    Type: AWS::S3::Bucket\n";
/// let loaded = stet::load_text("template.yaml", template, &stet::LoadOptions::default());
/// let logs = loaded.graphs[0].resource("Logs").unwrap();
/// assert_eq!(logs.resource_type, "AWS::S3::Bucket");
/// assert_eq!((logs.span.start.line, &*logs.span.file), (2, "template.yaml"));
///
/// let hcl = "resource \"aws_s3_bucket\" \"logs\" {\n  bucket = \"logs\"\n}\n";
/// let loaded = stet::load_text("main.tf", hcl, &stet::LoadOptions::default());
/// assert!(loaded.graphs[0].resource("aws_s3_bucket.logs").is_some());
/// assert!(!loaded.has_errors());
/// ```
pub fn load_text(name: impl AsRef<Path>, text: &str, options: &LoadOptions) -> Loaded {
    load_texts([(name.as_ref(), text)], options)
}

/// Loads several files' texts, each named as its file would be: the Terraform files of one
/// folder are read together as a module (with its `.tfvars`, and the local modules it calls
/// among the texts given), every template on its own. A name that is neither a Terraform
/// file nor a template is an error.
///
/// ```
/// let loaded = stet::load_texts(
///     [
///         ("app/main.tf", "module \"web\" {\n  source = \"./web\"\n  size = var.size\n}\nvariable \"size\" {}\n"),
///         ("app/prod.auto.tfvars", "size = \"large\"\n"),
///         ("app/web/main.tf", "variable \"size\" {}\nresource \"aws_instance\" \"web\" {\n  instance_type = var.size\n}\n"),
///     ],
///     &stet::LoadOptions::default(),
/// );
/// let app = loaded.graphs.iter().find(|g| &*g.path == "app").unwrap();
/// let web = app.resource("module.web.aws_instance.web").unwrap();
/// assert_eq!(web.attributes.get("instance_type").unwrap().as_str(), Some("large"));
/// ```
pub fn load_texts<N: AsRef<Path>, T: AsRef<str>>(
    files: impl IntoIterator<Item = (N, T)>,
    options: &LoadOptions,
) -> Loaded {
    let mut terraform = stet_terraform::MemoryFiles::default();
    let mut folders: BTreeSet<PathBuf> = BTreeSet::new();
    let mut templates: Vec<(PathBuf, T)> = Vec::new();
    let mut loaded = Loaded::default();
    for (name, text) in files {
        let path = crate::paths::normalize(name.as_ref());
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if stet_terraform::is_config_file(&file_name) {
            folders.insert(path.parent().map(Path::to_path_buf).unwrap_or_default());
            terraform.insert(&path, text.as_ref());
        } else if stet_terraform::is_vars_file(&file_name) {
            terraform.insert(&path, text.as_ref());
        } else if stet_cloudformation::is_candidate(&path.to_string_lossy()) {
            templates.push((path, text));
        } else {
            loaded.summary.failed += 1;
            loaded.diagnostics.push(Diagnostic::file(
                &path,
                "not read: the name is neither a Terraform file's (`.tf`, `.tf.json`, `.tfvars`) nor a template's (`.json`, `.yaml`, `.yml`, `.template`)",
                Level::Error,
            ));
        }
    }
    let tf_options = stet_terraform::LoadOptions {
        limits: options.limits.clone(),
        confine: None,
    };
    // A local module's files are read by its own folder and by every caller: counted once.
    let mut terraform_files = BTreeSet::new();
    for folder in &folders {
        let part = load_module_from(&terraform, folder, &tf_options);
        loaded.diagnostics.extend(part.remote_warning());
        terraform_files.extend(part.files.iter().cloned());
        loaded.absorb(part.loaded);
    }
    loaded.summary.files += terraform_files.len();
    for (path, text) in &templates {
        let size = text.as_ref().len() as u64;
        if size > options.limits.max_file_size {
            // As `load` refuses a file this large (Terraform files meet the same limit).
            loaded.summary.failed += 1;
            loaded.diagnostics.push(Diagnostic::file(
                path,
                format!(
                    "not read: {size} bytes is over the {}-byte file size limit{}",
                    options.limits.max_file_size,
                    crate::diagnostic::raise_hint("max-file-size")
                ),
                Level::Error,
            ));
            continue;
        }
        add_template(path, text.as_ref(), true, options, &mut loaded);
    }
    // Parameters files are files: none is looked for.
    let sources = crate::ParameterSources {
        files: Vec::new(),
        discover: false,
        ..options.cloudformation.clone()
    };
    let resolution =
        crate::cloudformation::resolve_all(&mut loaded.graphs, &sources, &options.limits, None);
    loaded.diagnostics.extend(resolution);
    loaded.graphs.sort_by(|a, b| a.path.cmp(&b.path));
    loaded.documents.sort_by(|a, b| a.path.cmp(&b.path));
    loaded.summary.documents = loaded.graphs.len() + loaded.documents.len();
    loaded.diagnostics.sort();
    loaded.diagnostics.dedup();
    loaded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors_name_the_text() {
        let loaded = load_text("main.tf", "resource \"x\" {\n", &LoadOptions::default());
        assert!(loaded.has_errors());
        assert_eq!(&*loaded.diagnostics[0].span.file, "main.tf");
    }

    #[test]
    fn texts_over_the_file_size_limit_are_not_read() {
        let mut options = LoadOptions::default();
        options.limits.max_file_size = 10;
        for name in ["t.yaml", "main.tf"] {
            let loaded = load_text(name, "Resources: {}\n# padding\n", &options);
            assert!(loaded.has_errors(), "{name}");
            assert!(loaded.graphs.is_empty(), "{name}");
        }
    }

    #[test]
    fn other_names_are_errors() {
        let loaded = load_text("notes.txt", "hello", &LoadOptions::default());
        assert!(loaded.has_errors());
        assert_eq!(loaded.summary.failed, 1);
    }

    #[test]
    fn templates_resolve_with_their_defaults_and_given_values() {
        let text = "Parameters:\n  Tag:\n    Type: String\n    Default: latest\nResources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties:\n      ImageUri: !Sub 'repo:${Tag}'\n";
        let loaded = load_text("t.yaml", text, &LoadOptions::default());
        let resolved = loaded.graphs[0].resolved.as_deref().unwrap();
        let uri = resolved
            .document
            .get("Resources")
            .and_then(|r| r.get("F"))
            .and_then(|f| f.get("Properties"))
            .and_then(|p| p.get("ImageUri"))
            .unwrap();
        assert_eq!(uri.as_str(), Some("repo:latest"));
    }
}
