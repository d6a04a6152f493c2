//! CloudFormation and SAM templates (JSON and YAML) into the common resource graph.
//!
//! # Overview
//! [`parse_template`] reads one file's text and returns a [`Parsed`] template — its
//! [`stet_graph::Graph`] and the structural problems found — or `None` when the file is
//! JSON or YAML that is not a template (a Kubernetes manifest, a workflow, `package.json`),
//! which callers skip silently. YAML short forms (`!Ref`, `!GetAtt`, `!Sub`, …) become their
//! long forms, so the rule document is the template as CloudFormation sees it; every value
//! keeps its [`stet_graph::Span`]. [`is_candidate`] says which file names may hold a
//! template.
//!
//! # Example
//! ```
//! use stet_cloudformation::parse_template;
//! let text = "Resources:\n  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: !Ref Ami\nParameters:\n  Ami:\n    Type: String\n";
//! let parsed = parse_template("t.yaml".into(), text, &Default::default()).unwrap().unwrap();
//! let web = parsed.graph.resource("Web").unwrap();
//! assert_eq!(web.resource_type, "AWS::EC2::Instance");
//! assert_eq!(web.attributes.get("ImageId").unwrap().to_json(), serde_json::json!({"Ref": "Ami"}));
//! assert_eq!(parsed.graph.edges[0].to, "Ami");
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod error;
mod parameters;
mod resolve;
mod template;
mod yaml;

pub use error::Error;
pub use parameters::{read_parameters, ParametersFile, ParametersFormat};
pub use resolve::symbolic::has_unknown_condition;
pub use resolve::{resolve_template, ParameterValue, Resolution, PSEUDO_PARAMETERS};
pub use template::{is_sam, is_template, sub_variables};

use std::sync::Arc;
use stet_graph::{parse_json_keeping_last, Format, Graph, Limits};

/// Parses the first document of any YAML text the way templates are read (short-form tags
/// in long form, YAML 1.1 values, spans on every value). `Ok(None)` for an empty stream.
/// Used for parameters files (`samconfig.yaml`) and other YAML that is not a template; YAML
/// without CloudFormation's tags is `stet_graph::parse_yaml`'s.
///
/// ```
/// let v = stet_cloudformation::parse_yaml("t.yaml".into(), "- a: !Ref B\n", &Default::default()).unwrap().unwrap();
/// assert_eq!(v.to_json(), serde_json::json!([{"a": {"Ref": "B"}}]));
/// ```
pub fn parse_yaml(
    path: Arc<str>,
    text: &str,
    limits: &Limits,
) -> Result<Option<stet_graph::Value>, Error> {
    Ok(yaml::load(path, text, limits)?.root)
}

/// A template that was read: its graph, and problems that CloudFormation would reject but
/// that left the rest of the template readable.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// The template's graph.
    pub graph: Graph,
    /// Structural problems (each with its span).
    pub problems: Vec<Error>,
}

/// Whether a file with this name may hold a template: `.json`, `.yaml`, `.yml`, `.template`
/// (but not `.tf.json` or `.tfvars.json`, which are Terraform).
pub fn is_candidate(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    if lower.ends_with(".tf.json") || lower.ends_with(".tfvars.json") {
        return false;
    }
    [".json", ".yaml", ".yml", ".template"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

/// Whether text that failed to parse still looks like a template, so its error is worth
/// reporting (other broken JSON or YAML is skipped silently).
pub fn looks_like_template(text: &str) -> bool {
    text.contains("AWSTemplateFormatVersion")
        || (text.contains("Resources") && (text.contains("AWS::") || text.contains("Custom::")))
}

/// Parses the template in `text`, read from `path`.
///
/// Returns `Ok(None)` when the text is valid JSON or YAML but not a template, or is empty.
/// A `.json` file is read as strict JSON, anything else as YAML; a `.template` file may be
/// either (it is tried as JSON when it starts with `{`).
///
/// # Errors
/// A syntax error, a duplicate key, nesting beyond [`Limits::max_depth`], an alias bomb
/// beyond [`Limits::max_yaml_nodes`], or a YAML template with several documents. Callers
/// decide with [`looks_like_template`] whether to report an error for a file that may not be
/// a template at all.
pub fn parse_template(
    path: Arc<str>,
    text: &str,
    limits: &Limits,
) -> Result<Option<Parsed>, Error> {
    let lower = path.to_ascii_lowercase();
    let json = lower.ends_with(".json")
        || (lower.ends_with(".template") && text.trim_start().starts_with('{'));
    let (root, duplicates) = if json {
        let (root, duplicates) = parse_json_keeping_last(path.clone(), text, limits)?;
        (root, duplicates.into_iter().map(Error::from).collect())
    } else {
        let document = yaml::load(path.clone(), text, limits)?;
        if let (Some(root), Some(second)) = (&document.root, document.second_document) {
            if is_template(root) {
                return Err(Error::MultipleDocuments { span: second });
            }
            return Ok(None);
        }
        let duplicates: Vec<Error> = document.duplicates.into_iter().map(Error::from).collect();
        (document.root, duplicates)
    };
    let Some(root) = root else {
        return Ok(None);
    };
    if !is_template(&root) {
        return Ok(None);
    }
    let format = match (json, is_sam(&root)) {
        (true, true) => Format::SamJson,
        (true, false) => Format::CloudFormationJson,
        (false, true) => Format::SamYaml,
        (false, false) => Format::CloudFormationYaml,
    };
    let (mut graph, mut problems) = template::build_graph(path.clone(), format, root);
    problems.splice(0..0, duplicates);
    graph.files.push(stet_graph::SourceFile {
        path,
        format,
        text: Arc::from(text),
    });
    Ok(Some(Parsed { graph, problems }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(path: &str, text: &str) -> Result<Option<Parsed>, Error> {
        parse_template(path.into(), text, &Limits::default())
    }

    #[test]
    fn non_templates_are_skipped() {
        for (path, text) in [
            ("k8s.yaml", "apiVersion: v1\nkind: Pod\n"),
            ("package.json", "{\"name\": \"x\"}"),
            ("wf.yml", "on: push\njobs: {}\n"),
            ("empty.yaml", ""),
            ("multi.yaml", "a: 1\n---\nb: 2\n"),
            ("openapi.json", "{\"openapi\": \"3.0.0\", \"paths\": {}}"),
        ] {
            assert!(parse(path, text).unwrap().is_none(), "{path}");
        }
    }

    #[test]
    fn sam_is_detected_without_transform() {
        let p = parse(
            "t.yaml",
            "Resources:\n  F:\n    Type: AWS::Serverless::Function\n",
        )
        .unwrap()
        .unwrap();
        assert_eq!(p.graph.format, Format::SamYaml);
    }

    #[test]
    fn resource_without_type_is_a_problem_not_a_failure() {
        let p = parse("t.yaml", "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  A:\n    Properties: {}\n  B:\n    Type: AWS::S3::Bucket\n").unwrap().unwrap();
        assert_eq!(p.problems.len(), 1);
        assert_eq!(p.problems[0].span().start.line, 3);
        assert!(p.graph.resource("B").is_some());
    }

    #[test]
    fn edges_from_ref_getatt_sub_and_depends_on() {
        let text = r#"{"Resources": {
  "A": {"Type": "AWS::S3::Bucket"},
  "B": {"Type": "AWS::S3::BucketPolicy", "DependsOn": "A",
        "Properties": {"Bucket": {"Ref": "A"}, "X": {"Fn::GetAtt": ["A", "Arn"]},
                       "Y": {"Fn::Sub": "${A.Arn}/${AWS::Region}/${!A}"}}}}}"#;
        let p = parse("t.json", text).unwrap().unwrap();
        let kinds: Vec<_> = p
            .graph
            .edges
            .iter()
            .map(|e| (e.from.as_str(), e.to.as_str(), e.kind))
            .collect();
        assert!(kinds.contains(&("B", "A", stet_graph::EdgeKind::DependsOn)));
        assert!(kinds.contains(&("B", "A", stet_graph::EdgeKind::Reference)));
        assert_eq!(p.graph.format, Format::CloudFormationJson);
    }

    #[test]
    fn template_with_two_documents_is_an_error() {
        let e = parse(
            "t.yaml",
            "AWSTemplateFormatVersion: '2010-09-09'\n---\nx: 1\n",
        )
        .unwrap_err();
        assert!(matches!(e, Error::MultipleDocuments { .. }));
    }
}
