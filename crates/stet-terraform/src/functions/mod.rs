//! Terraform's built-in functions (Terraform 1.11), one table of [`Function`]s grouped by
//! family — strings, collections, numbers, encoding, hashes, IP networks, dates, files,
//! types and sensitivity — each with its parameters declared as go-cty declares them, so
//! that arguments are checked and converted the way Terraform does before the function runs:
//! wrong counts and types are errors at the call, null and unknown arguments are refused or
//! passed on as each parameter allows, and sensitive marks carry over to the result.
//!
//! Functions whose result depends on the machine or the moment (`timestamp`, `uuid`,
//! `bcrypt`, `plantimestamp`, `abspath`, `pathexpand`) are in the table and always give an
//! unknown value; `try` and `can` are evaluated by the evaluator (they look at errors).
//! [`NAMES`] lists every function; `docs/formats.md` lists them too and a test keeps the two
//! the same.

mod collection;
mod conversion;
mod crypto;
mod datetime;
mod encoding;
mod filesystem;
mod ip;
mod json;
mod numeric;
mod string;
mod template;

use crate::cty::{convert, Type, Val};
use crate::eval::{Fail, Scope};
use stet_graph::Span;

pub(crate) use json::json_encode_partial;

/// How a parameter treats what it is given (go-cty `function.Parameter` flags).
#[derive(Clone, Copy, Default)]
pub(crate) struct Allow {
    /// A null argument is passed on (else: "argument must not be null").
    pub null: bool,
    /// An unknown argument is passed on (else: the result is unknown).
    pub unknown: bool,
    /// Sensitive marks are passed on (else: removed and put on the result).
    pub marked: bool,
}

/// One parameter.
#[derive(Clone, Copy)]
pub(crate) struct Param {
    pub name: &'static str,
    /// The type arguments are converted to.
    pub ty: fn() -> Type,
    pub allow: Allow,
}

/// gocty's message for a number that is not a whole `int`.
pub(crate) const WHOLE_NUMBER: &str =
    "value must be a whole number, between -9223372036854775808 and 9223372036854775807";

/// What a function's body may fail with.
pub(crate) enum FnError {
    /// A problem with one argument (index into the arguments).
    Arg(usize, String),
    /// A problem with the call as a whole.
    Call(String),
}

pub(crate) type FnResult = Result<Val, FnError>;

/// The arguments of a call, converted, and what the function may need besides.
pub(crate) struct Call<'c, 's, 'a> {
    pub args: Vec<Val>,
    null: Val,
    pub span: &'c Span,
    pub scope: &'c Scope<'s, 'a>,
}

impl Call<'_, '_, '_> {
    /// Argument `i` (the declared parameters guarantee it exists; a null otherwise).
    pub fn arg(&self, i: usize) -> &Val {
        self.args.get(i).unwrap_or(&self.null)
    }

    /// Argument `i` as a string (after conversion it is one, or null).
    pub fn str(&self, i: usize) -> &str {
        self.args.get(i).and_then(Val::as_str).unwrap_or_default()
    }

    /// Argument `i` as an integer (`gocty.FromCtyValue` into an `int`, whose error is a
    /// failure of the call, not of the argument).
    pub fn int(&self, i: usize) -> Result<i64, FnError> {
        self.args
            .get(i)
            .and_then(Val::as_number)
            .and_then(|n| n.to_i64())
            .ok_or_else(|| FnError::Call(WHOLE_NUMBER.into()))
    }

    pub fn string(&self, s: impl Into<String>) -> FnResult {
        Ok(Val::string(s, self.span.clone()))
    }

    pub fn bool(&self, b: bool) -> FnResult {
        Ok(Val::bool(b, self.span.clone()))
    }

    pub fn list_of_strings(&self, items: Vec<String>) -> FnResult {
        let span = self.span.clone();
        Ok(Val::list(
            Type::String,
            items
                .into_iter()
                .map(|s| Val::string(s, span.clone()))
                .collect(),
            span,
        ))
    }

    /// A string result, or an unknown one when it would pass the string length limit.
    pub fn bounded(&self, s: String) -> FnResult {
        if self.scope.ctx.too_long(&s, self.span) {
            return Ok(Val::unknown(Type::String, self.span.clone()));
        }
        self.string(s)
    }

    pub fn fail<T>(&self, message: impl Into<String>) -> Result<T, FnError> {
        Err(FnError::Call(message.into()))
    }
}

/// A built-in function.
pub(crate) struct Function {
    pub name: &'static str,
    pub params: &'static [Param],
    pub variadic: Option<Param>,
    /// The type of an unknown result (when an argument that may not be unknown is).
    pub returns: fn() -> Type,
    pub body: fn(&Call<'_, '_, '_>) -> FnResult,
}

pub(crate) const fn p(name: &'static str, ty: fn() -> Type) -> Param {
    Param {
        name,
        ty,
        allow: Allow {
            null: false,
            unknown: false,
            marked: false,
        },
    }
}

impl Param {
    pub const fn null(mut self) -> Param {
        self.allow.null = true;
        self
    }
    pub const fn unknown(mut self) -> Param {
        self.allow.unknown = true;
        self
    }
    pub const fn marked(mut self) -> Param {
        self.allow.marked = true;
        self
    }
}

pub(crate) fn any() -> Type {
    Type::Dynamic
}
pub(crate) fn string() -> Type {
    Type::String
}
pub(crate) fn number() -> Type {
    Type::Number
}
pub(crate) fn boolean() -> Type {
    Type::Bool
}
pub(crate) fn list_string() -> Type {
    Type::list(Type::String)
}
pub(crate) fn list_any() -> Type {
    Type::list(Type::Dynamic)
}
pub(crate) fn set_any() -> Type {
    Type::set(Type::Dynamic)
}
pub(crate) fn map_any() -> Type {
    Type::map(Type::Dynamic)
}

/// Every function, by family.
fn table() -> impl Iterator<Item = &'static Function> {
    string::FUNCTIONS
        .iter()
        .chain(collection::FUNCTIONS)
        .chain(numeric::FUNCTIONS)
        .chain(json::FUNCTIONS)
        .chain(encoding::FUNCTIONS)
        .chain(crypto::FUNCTIONS)
        .chain(ip::FUNCTIONS)
        .chain(datetime::FUNCTIONS)
        .chain(filesystem::FUNCTIONS)
        .chain(conversion::FUNCTIONS)
}

/// The names of every built-in function stet knows, sorted (`try` and `can` included).
pub fn names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = table().map(|f| f.name).chain(["can", "try"]).collect();
    names.sort_unstable();
    names
}

fn lookup(name: &str) -> Option<&'static Function> {
    table().find(|f| f.name == name)
}

/// Calls function `name` with evaluated `args` as go-cty's `function.Call` does; `span` is
/// the call's.
pub(crate) fn call(
    scope: &Scope<'_, '_>,
    name: &str,
    args: Vec<Val>,
    span: &Span,
) -> Result<Val, Fail> {
    let Some(f) = lookup(name) else {
        return Err(Fail::new(
            span,
            "Call to unknown function",
            format!("There is no function named \"{name}\"."),
        ));
    };
    if args.len() < f.params.len() {
        let missing = f.params.get(args.len()).map_or("", |p| p.name);
        return Err(Fail::new(
            span,
            "Not enough function arguments",
            format!(
                "Function \"{name}\" expects {} argument(s). Missing value for \"{missing}\".",
                f.params.len()
            ),
        ));
    }
    if args.len() > f.params.len() && f.variadic.is_none() {
        return Err(Fail::new(
            span,
            "Too many function arguments",
            format!(
                "Function \"{name}\" expects only {} argument(s).",
                f.params.len()
            ),
        ));
    }
    let mut sensitive = false;
    let mut unknown = false;
    let mut converted = Vec::with_capacity(args.len());
    for (i, arg) in args.into_iter().enumerate() {
        let Some(param) = f.params.get(i).copied().or(f.variadic) else {
            continue;
        };
        let arg = if !param.allow.marked && arg.contains_sensitive() {
            sensitive = true;
            arg.unmark_deep()
        } else {
            arg
        };
        if arg.is_null() && !param.allow.null {
            return Err(arg_fail(span, param.name, "argument must not be null"));
        }
        let want = (param.ty)();
        let arg = if arg.ty() == want {
            arg
        } else {
            convert(arg, &want).map_err(|m| arg_fail(span, param.name, &m))?
        };
        if !arg.is_known() && !param.allow.unknown {
            unknown = true;
        }
        converted.push(arg);
    }
    if unknown {
        return Ok(Val::unknown((f.returns)(), span.clone()).marked(sensitive));
    }
    let call = Call {
        args: converted,
        null: Val::null(Type::Dynamic, span.clone()),
        span,
        scope,
    };
    match (f.body)(&call) {
        Ok(v) => Ok(v.with_span(span.clone()).marked(sensitive)),
        Err(FnError::Arg(i, m)) => {
            let pname = f
                .params
                .get(i)
                .or(f.variadic.as_ref())
                .map_or("", |p| p.name);
            Err(arg_fail(span, pname, &m))
        }
        Err(FnError::Call(m)) => Err(Fail::new(
            span,
            "Error in function call",
            format!("Call to function \"{name}\" failed: {m}."),
        )),
    }
}

fn arg_fail(span: &Span, param: &str, message: &str) -> Fail {
    Fail::new(
        span,
        "Invalid function argument",
        format!("Invalid value for \"{param}\" parameter: {message}."),
    )
}

/// An unknown result of type `ty`.
pub(crate) fn unknown(c: &Call<'_, '_, '_>, ty: Type) -> FnResult {
    Ok(Val::unknown(ty, c.span.clone()))
}
