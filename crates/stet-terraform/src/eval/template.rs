//! Templates (`"…${x}…"`, heredocs, `%{if}`/`%{for}` directives) as hclsyntax evaluates
//! them: every interpolation converted to a string (null is an error, unknown makes the whole
//! string unknown), strip markers (`~`) trimming the white space next to them, and a template
//! that is one interpolation and nothing else yielding the value itself. A heredoc's value
//! also records where each piece of its text was written ([`TextOrigin::Written`]), so that a
//! document written in it (a JSON container definition) can be read with its lines.

use super::text_pieces::Pieces;
use super::{iteration, Eval, Fail, Scope};
use crate::cty::{convert, Kind, Type, Val};
use crate::source::FileText;
use hcl_edit::expr::Expression;
use hcl_edit::template::{Directive, Element, ForDirective, IfDirective, Template};
use hcl_edit::Span as _;
use std::rc::Rc;
use stet_graph::{Span, TextOrigin};

/// What rendering a template gave.
enum Rendered {
    Text(String),
    /// Some part is unknown; the text has the unknown parts written as `${...}`.
    Unknown(String),
}

impl Scope<'_, '_> {
    /// Evaluates a template. `allow_wrap`: a quoted template of exactly one interpolation
    /// yields the interpolated value (HCL's `TemplateWrapExpr`; heredocs never do).
    pub(super) fn template(
        &self,
        file: &FileText,
        t: &Template,
        span: &Span,
        heredoc: bool,
        allow_wrap: bool,
    ) -> Eval {
        if allow_wrap {
            let mut elements = t.iter();
            if let (Some(Element::Interpolation(i)), None) = (elements.next(), elements.next()) {
                return self.hcl(file, &i.expr);
            }
        }
        let mut sensitive = false;
        let mut pieces = Pieces::new(heredoc);
        let out = self.render(file, t, span, false, &mut sensitive, &mut pieces)?;
        Ok(match out {
            Rendered::Text(text) => {
                if self.ctx.too_long(&text, span) {
                    Val::unknown(Type::String, span.clone())
                } else {
                    let origin = pieces.origin(&text);
                    let written = text.len();
                    let mut val = Val::string(text, span.clone());
                    // The pieces count bytes of the text as rendered, which Unicode
                    // normalization may have shortened.
                    if val.as_str().is_some_and(|s| s.len() == written) {
                        val.text_origin = origin;
                    }
                    val
                }
            }
            Rendered::Unknown(_) => Val::unknown(Type::String, span.clone()),
        }
        .marked(sensitive))
    }

    /// The template's text with unknown interpolations written back as `${...}`, and for a
    /// `heredoc`, where the pieces of that text were written.
    pub(super) fn template_text(
        &self,
        file: &FileText,
        t: &Template,
        span: &Span,
        heredoc: bool,
    ) -> Result<(String, Option<Rc<TextOrigin>>), Fail> {
        let mut sensitive = false;
        let mut pieces = Pieces::new(heredoc);
        let text = match self.render(file, t, span, false, &mut sensitive, &mut pieces)? {
            Rendered::Text(s) | Rendered::Unknown(s) => s,
        };
        let origin = pieces.origin(&text);
        Ok((text, origin))
    }

    /// Renders `t`; `strip_first` trims the white space that starts it (a `~}` just
    /// before it). `pieces` notes where each piece of the text was written.
    fn render(
        &self,
        file: &FileText,
        t: &Template,
        span: &Span,
        strip_first: bool,
        sensitive: &mut bool,
        pieces: &mut Pieces,
    ) -> Result<Rendered, Fail> {
        let mut text = Text {
            out: String::new(),
            known: true,
            strip_next: strip_first,
        };
        for element in t.iter() {
            let step = match element {
                Element::Literal(literal) => {
                    let s: &str = literal.value();
                    let s = if text.strip_next { s.trim_start() } else { s };
                    text.strip_next = false;
                    pieces.literal(file, text.out.len(), s, literal.span(), span);
                    text.out.push_str(s);
                    Step::Checked
                }
                Element::Interpolation(interpolation) => {
                    text.strip_end(interpolation.strip.strip_start(), pieces);
                    pieces.other(text.out.len(), file.span_of(element.span(), span));
                    text.strip_next = interpolation.strip.strip_end();
                    self.interpolation(file, &interpolation.expr, sensitive, &mut text)?
                }
                Element::Directive(directive) => match directive.as_ref() {
                    Directive::If(d) => {
                        text.strip_end(d.if_expr.strip.strip_start(), pieces);
                        pieces.other(text.out.len(), file.span_of(element.span(), span));
                        self.if_directive(file, d, span, sensitive, &mut text)?
                    }
                    Directive::For(d) => {
                        text.strip_end(d.for_expr.strip.strip_start(), pieces);
                        pieces.other(text.out.len(), file.span_of(element.span(), span));
                        self.for_directive(file, d, span, sensitive, &mut text)?
                    }
                },
            };
            match step {
                // A part left unknown is not measured (as before it was written back).
                Step::Unchecked => {}
                Step::TooLong => return Ok(Rendered::Unknown(text.out)),
                Step::Checked => {
                    if self.ctx.too_long(&text.out, span) {
                        return Ok(Rendered::Unknown(text.out));
                    }
                }
            }
        }
        Ok(if text.known {
            Rendered::Text(text.out)
        } else {
            Rendered::Unknown(text.out)
        })
    }

    /// `${expr}`: its value converted to a string (written back as `${...}` when unknown).
    fn interpolation(
        &self,
        file: &FileText,
        expr: &Expression,
        sensitive: &mut bool,
        text: &mut Text,
    ) -> Result<Step, Fail> {
        let value = self.hcl(file, expr)?;
        *sensitive |= value.sensitive;
        let vspan = self.span(file, expr);
        if value.is_null() {
            return Err(Fail::new(
                &vspan,
                "Invalid template interpolation value",
                "The expression result is null. Cannot include a null value in a string template.",
            ));
        }
        if !value.is_known() {
            text.unknown(&format!(
                "${{{}}}",
                file.slice(vspan.start.offset, vspan.end.offset)
            ));
            return Ok(Step::Unchecked);
        }
        match convert(value, &Type::String) {
            Ok(Val {
                kind: Kind::String(s),
                ..
            }) => text.out.push_str(&s),
            Ok(_) => text.known = false,
            Err(m) => {
                return Err(Fail::new(
                    &vspan,
                    "Invalid template interpolation value",
                    format!("Cannot include the given value in a string template: {m}."),
                ))
            }
        }
        Ok(Step::Checked)
    }

    /// `%{if cond}…%{else}…%{endif}`: the branch the condition takes, rendered.
    fn if_directive(
        &self,
        file: &FileText,
        d: &IfDirective,
        span: &Span,
        sensitive: &mut bool,
        text: &mut Text,
    ) -> Result<Step, Fail> {
        let cond = self.hcl(file, &d.if_expr.cond_expr)?;
        *sensitive |= cond.sensitive;
        let cond_span = self.span(file, &d.if_expr.cond_expr);
        if cond.is_null() {
            return Err(Fail::new(
                &cond_span,
                "Invalid template if directive",
                "The condition value is null. Conditions must either be true or false.",
            ));
        }
        if !cond.is_known() {
            text.unknown("%{if ...}");
            text.strip_next = d.endif_expr.strip.strip_end();
            return Ok(Step::Unchecked);
        }
        let cond = convert(cond, &Type::Bool).map_err(|m| {
            Fail::new(
                &cond_span,
                "Invalid template if directive",
                format!("The condition value is invalid: {m}."),
            )
        })?;
        let (branch, strip_start, strip_end) = if cond.as_bool() == Some(true) {
            (
                Some(&d.if_expr.template),
                d.if_expr.strip.strip_end(),
                d.else_expr
                    .as_ref()
                    .map_or(d.endif_expr.strip.strip_start(), |e| e.strip.strip_start()),
            )
        } else {
            (
                d.else_expr.as_ref().map(|e| &e.template),
                d.else_expr.as_ref().is_some_and(|e| e.strip.strip_end()),
                d.endif_expr.strip.strip_start(),
            )
        };
        if let Some(branch) = branch {
            let rendered = self.render(
                file,
                branch,
                span,
                strip_start,
                sensitive,
                &mut Pieces::new(false),
            )?;
            text.append(rendered, strip_end);
        }
        text.strip_next = d.endif_expr.strip.strip_end();
        Ok(Step::Checked)
    }

    /// `%{for k, v in coll}…%{endfor}`: the body rendered for each element.
    fn for_directive(
        &self,
        file: &FileText,
        d: &ForDirective,
        span: &Span,
        sensitive: &mut bool,
        text: &mut Text,
    ) -> Result<Step, Fail> {
        let coll = self.hcl(file, &d.for_expr.collection_expr)?;
        *sensitive |= coll.sensitive;
        let coll_span = self.span(file, &d.for_expr.collection_expr);
        if coll.is_null() {
            return Err(Fail::new(
                &coll_span,
                "Invalid template for directive",
                "Cannot iterate over a null value.",
            ));
        }
        if !coll.is_known() || coll.ty() == Type::Dynamic {
            text.unknown("%{for ...}");
            text.strip_next = d.endfor_expr.strip.strip_end();
            return Ok(Step::Unchecked);
        }
        let Some(items) = iteration(&coll) else {
            return Err(Fail::new(
                &coll_span,
                "Invalid template for directive",
                format!(
                    "Cannot iterate over a value of type {}.",
                    coll.ty().friendly_name()
                ),
            ));
        };
        for (key, value) in items {
            if !self.ctx.step(span) {
                text.known = false;
                break;
            }
            let mut scope = self.clone();
            if let Some(k) = &d.for_expr.key_var {
                scope = scope.with(k.as_str(), key);
            }
            scope = scope.with(d.for_expr.value_var.as_str(), value);
            let rendered = scope.render(
                file,
                &d.for_expr.template,
                span,
                d.for_expr.strip.strip_end(),
                sensitive,
                &mut Pieces::new(false),
            )?;
            text.append(rendered, d.endfor_expr.strip.strip_start());
            if self.ctx.too_long(&text.out, span) {
                return Ok(Step::TooLong);
            }
        }
        text.strip_next = d.endfor_expr.strip.strip_end();
        Ok(Step::Checked)
    }
}

/// A template's text as it is rendered.
struct Text {
    out: String,
    /// Every part so far was known.
    known: bool,
    /// The next literal starts after a strip marker (`~}`): its leading white space goes.
    strip_next: bool,
}

impl Text {
    /// Before a strip marker (`{~`): the white space that ends the text goes, with the
    /// pieces noted for it.
    fn strip_end(&mut self, strip: bool, pieces: &mut Pieces) {
        if strip {
            self.out.truncate(self.out.trim_end().len());
            pieces.cut(self.out.len());
        }
    }

    /// A part that is not known, written as `written`.
    fn unknown(&mut self, written: &str) {
        self.known = false;
        self.out.push_str(written);
    }

    /// A nested template's text (a directive's body), trimmed at its end when `strip`.
    fn append(&mut self, rendered: Rendered, strip: bool) {
        let (mut nested, known) = match rendered {
            Rendered::Text(s) => (s, true),
            Rendered::Unknown(s) => (s, false),
        };
        self.known &= known;
        if strip {
            nested.truncate(nested.trim_end().len());
        }
        self.out.push_str(&nested);
    }
}

/// What to do after an element.
enum Step {
    /// Check the text's length.
    Checked,
    /// Go on without checking (a part left unknown).
    Unchecked,
    /// The text is over the length limit: it is unknown.
    TooLong,
}
