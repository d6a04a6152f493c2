//! Type conversion (`tobool`, `tonumber`, `tostring`, `tolist`, `toset`, `tomap`) with
//! go-cty's conversion rules and Terraform's messages, and the sensitivity functions
//! (`sensitive`, `nonsensitive`, `issensitive`, `ephemeralasnull`).

use super::{any, boolean, p, Call, FnError, FnResult, Function};
use crate::cty::can_convert;
use crate::cty::{convert, Type, Val};

pub(super) static FUNCTIONS: &[Function] = &[
    Function {
        name: "ephemeralasnull",
        params: &[p("value", any).unknown().null().marked()],
        variadic: None,
        returns: any,
        // Nothing stet reads is ephemeral: the value passes through.
        body: |c| Ok(c.arg(0).clone()),
    },
    Function {
        name: "issensitive",
        params: &[p("value", any).unknown().null().marked()],
        variadic: None,
        returns: boolean,
        body: |c| {
            let v = c.arg(0);
            if v.sensitive {
                c.bool(true)
            } else if !v.is_known() {
                super::unknown(c, Type::Bool)
            } else {
                c.bool(false)
            }
        },
    },
    Function {
        name: "nonsensitive",
        params: &[p("value", any).unknown().null().marked()],
        variadic: None,
        returns: any,
        body: |c| {
            let mut v = c.arg(0).clone();
            v.sensitive = false;
            Ok(v)
        },
    },
    Function {
        name: "sensitive",
        params: &[p("value", any).unknown().null().marked()],
        variadic: None,
        returns: any,
        body: |c| Ok(c.arg(0).clone().marked(true)),
    },
    Function {
        name: "tobool",
        params: &[to_param()],
        variadic: None,
        returns: boolean,
        body: |c| to(c, Type::Bool),
    },
    Function {
        name: "tolist",
        params: &[to_param()],
        variadic: None,
        returns: super::list_any,
        body: |c| to(c, Type::list(Type::Dynamic)),
    },
    Function {
        name: "tomap",
        params: &[to_param()],
        variadic: None,
        returns: super::map_any,
        body: |c| to(c, Type::map(Type::Dynamic)),
    },
    Function {
        name: "tonumber",
        params: &[to_param()],
        variadic: None,
        returns: super::number,
        body: |c| to(c, Type::Number),
    },
    Function {
        name: "toset",
        params: &[to_param()],
        variadic: None,
        returns: super::set_any,
        body: |c| to(c, Type::set(Type::Dynamic)),
    },
    Function {
        name: "tostring",
        params: &[to_param()],
        variadic: None,
        returns: super::string,
        body: |c| to(c, Type::String),
    },
];

const fn to_param() -> super::Param {
    p("v", any).null().marked().unknown()
}

/// Terraform's `MakeToFunc`.
fn to(c: &Call<'_, '_, '_>, want: Type) -> FnResult {
    let v = c.arg(0);
    let got = v.ty();
    let constraint = match &want {
        Type::List(_) => "list of any single type".to_string(),
        Type::Set(_) => "set of any single type".to_string(),
        Type::Map(_) => "map of any single type".to_string(),
        t => t.friendly_name(),
    };
    if got != want && !can_convert(&got, &want, true) {
        return Err(FnError::Arg(
            0,
            format!("cannot convert {} to {constraint}", got.friendly_name()),
        ));
    }
    if !v.is_known() {
        let ty = match &want {
            Type::List(_) | Type::Set(_) | Type::Map(_) if got != Type::Dynamic => want.clone(),
            _ => want.clone(),
        };
        return Ok(Val::unknown(ty, c.span.clone()).marked(v.sensitive));
    }
    convert(v.clone(), &want).map_err(|_| {
        let what = |v: &Val| match v.as_str() {
            Some(s) => format!("{s:?}"),
            None => "string".into(),
        };
        let message = if v.contains_sensitive() {
            format!("cannot convert this sensitive {} to {constraint}", got.friendly_name())
        } else if got == Type::String && want == Type::Bool {
            format!("cannot convert {} to bool; only the strings \"true\" or \"false\" are allowed", what(v))
        } else if got == Type::String && want == Type::Number {
            format!("cannot convert {} to number; given string must be a decimal representation of a number", what(v))
        } else {
            format!("cannot convert {} to {constraint}", got.friendly_name())
        };
        FnError::Arg(0, message)
    })
}
