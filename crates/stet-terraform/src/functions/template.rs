//! Rendering a template string with a map of variables, for `templatefile` and
//! `templatestring` (Terraform's `makeRenderTemplateFunc`): only the given variables are in
//! scope, every variable name must be an identifier, and templates may not call the template
//! functions again (nor, in `templatestring`, the file functions).

use super::{Call, FnError, FnResult};
use crate::cty::{convert, Type, Val};
use crate::eval::{Lookup, Namespace, Scope};
use crate::source::FileText;
use std::sync::Arc;
use stet_graph::Span;

/// Names a template can see: only the variables it was given.
struct TemplateNames;

impl Namespace for TemplateNames {
    fn lookup(&self, root: &str, _attrs: &[&str], span: &Span) -> Lookup {
        Lookup::Fail(crate::eval::Fail::new(
            span,
            "Invalid function argument",
            format!("Invalid value for \"vars\" parameter: vars map does not contain key \"{root}\", referenced at {span}."),
        ))
    }

    fn path_module(&self) -> &str {
        "."
    }

    fn prefix(&self) -> &str {
        ""
    }
}

/// Renders `text` (read from `name`: a file path, or the call for `templatestring`) with
/// the variables of `vars`; `function` names the calling function.
pub(crate) fn render(
    c: &Call<'_, '_, '_>,
    name: &str,
    text: &str,
    vars: &Val,
    function: &'static str,
) -> FnResult {
    if !matches!(vars.ty(), Type::Map(_) | Type::Object(_)) {
        return Err(FnError::Arg(1, "invalid vars value: must be a map".into()));
    }
    if !vars.is_known() {
        return super::unknown(c, Type::Dynamic);
    }
    let mut bound = Vec::new();
    for e in vars.entries().unwrap_or_default() {
        if !is_identifier(&e.key) {
            return Err(FnError::Arg(
                1,
                format!("invalid template variable name {:?}: must start with a letter, followed by zero or more letters, digits, and underscores", e.key),
            ));
        }
        bound.push((e.key.clone(), e.value.clone()));
    }
    let template = match hcl_edit::parser::parse_template(text) {
        Ok(t) => t,
        Err(e) => {
            return Err(FnError::Arg(
                0,
                format!("invalid template: {name}: {}", e.message()),
            ))
        }
    };
    let file = FileText::new(Arc::from(name), Arc::from(text));
    let names = TemplateNames;
    let mut scope = Scope::new(c.scope.ctx, &names);
    scope.bound = bound;
    scope.in_template = Some(function);
    let span = file.start();
    let value = scope
        .render_template(&file, &template, &span)
        .map_err(|f| FnError::Call(format!("{}: {}", f.summary, f.detail)))?;
    if value.is_null() {
        return c.fail(format!(
            "the result of the template is null, which is not a valid result for a {function} call"
        ));
    }
    let value = value.respanned(c.span);
    if function == "templatestring" {
        return convert(value, &Type::String)
            .map_err(|m| FnError::Call(format!("invalid template result: {m}")));
    }
    Ok(value)
}

/// HCL's `ValidIdentifier`.
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}
