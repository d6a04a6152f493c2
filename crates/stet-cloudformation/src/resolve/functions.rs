//! The intrinsic functions, one method each, as the CloudFormation template reference
//! describes them (<https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference.html>).
//! Each evaluates when its inputs are known and otherwise gives an unknown value
//! ([`symbolic`]); none guesses.

use super::{join, symbolic, Inputs, Resolver, PSEUDO_PARAMETERS};
use stet_graph::{Input, Map, Span, Value, ValueKind};

/// The functions evaluated in values (condition functions are read in `Conditions` only).
const FUNCTIONS: &[&str] = &[
    "Ref",
    "Fn::Base64",
    "Fn::Cidr",
    "Fn::FindInMap",
    "Fn::GetAtt",
    "Fn::GetAZs",
    "Fn::If",
    "Fn::ImportValue",
    "Fn::Join",
    "Fn::Length",
    "Fn::Select",
    "Fn::Split",
    "Fn::Sub",
    "Fn::ToJsonString",
];

/// Whether `key` names a function evaluated in values.
pub(super) fn is_function(key: &str) -> bool {
    FUNCTIONS.contains(&key)
}

type Outcome = (Option<Value>, Inputs);

impl Resolver<'_> {
    /// Evaluates function `name` with argument `argument`, written at `span`.
    pub(super) fn function(&mut self, name: &str, argument: &Value, span: &Span) -> Outcome {
        if name == "Ref" && argument.as_str() == Some("AWS::NoValue") {
            return (None, Vec::new());
        }
        let (value, inputs) = match name {
            "Ref" => self.reference(argument, span),
            "Fn::GetAtt" => self.get_att(argument, span),
            "Fn::Sub" => self.sub(argument, span),
            "Fn::Join" => self.join_function(argument, span),
            "Fn::Select" => self.select(argument, span),
            "Fn::Split" => self.split(argument, span),
            "Fn::FindInMap" => self.find_in_map(argument, span),
            "Fn::If" => return self.if_function(argument, span),
            "Fn::Length" => self.length(argument, span),
            "Fn::ToJsonString" => self.json_string(argument, span),
            "Fn::Cidr" => self.cidr(argument, span),
            // An encoding of its argument: kept as the function with the argument resolved,
            // so comparing or checking the argument is comparing or checking the value.
            "Fn::Base64" => {
                let (inner, inputs) = self.value(argument);
                let inner = inner.unwrap_or_else(|| Value::string("", argument.span.clone()));
                let mut map = Map::new();
                map.insert("Fn::Base64", span.clone(), inner);
                (Value::new(ValueKind::Map(map), span.clone()), inputs)
            }
            // Only deployment knows the zones of a region or another stack's exports.
            _ => {
                let (inner, inputs) = self.value(argument);
                let inner = inner.unwrap_or_else(|| Value::string("", argument.span.clone()));
                (symbolic::opaque(name, &inner, span), inputs)
            }
        };
        self.record(&value.span, &inputs);
        (Some(value), inputs)
    }

    /// `Ref`: a parameter's value, a pseudo parameter, or a resource (unknown).
    fn reference(&mut self, argument: &Value, span: &Span) -> (Value, Inputs) {
        let (name, mut inputs) = match argument.as_str() {
            Some(n) => (n.to_string(), Vec::new()),
            None => {
                let (v, inputs) = self.value(argument);
                match v.as_ref().and_then(Value::as_str) {
                    Some(n) => (n.to_string(), inputs),
                    None => {
                        let v = v.unwrap_or_else(|| argument.clone());
                        return (symbolic::opaque("Ref", &v, span), inputs);
                    }
                }
            }
        };
        let (value, used) = self.named(&name, span);
        join(&mut inputs, used);
        (value, inputs)
    }

    /// What `name` stands for in a `Ref` or a `Fn::Sub` variable.
    fn named(&mut self, name: &str, span: &Span) -> (Value, Inputs) {
        if let Some((value, input)) = self.pseudo.get(name).cloned() {
            return (Value::string(value, span.clone()), vec![input]);
        }
        if PSEUDO_PARAMETERS.contains(&name) {
            return (
                symbolic::placeholder(name, vec![name.to_string()], span),
                Vec::new(),
            );
        }
        if let Some(parameter) = self.parameters.get(name) {
            let kind = parameter.kind.clone();
            let no_echo = parameter.no_echo;
            let Some((text, input)) = parameter.value.clone() else {
                return (
                    symbolic::placeholder(name, vec![name.to_string()], span),
                    Vec::new(),
                );
            };
            // The default of an SSM parameter type is the SSM parameter's name; its value is
            // read at deployment.
            if kind.starts_with("AWS::SSM::Parameter::Value<") {
                let detail = format!("ssm:{text}");
                return (
                    symbolic::placeholder_with(name, &detail, vec![name.to_string()], span),
                    vec![input],
                );
            }
            if no_echo {
                let detail = format!("{:016x}", fingerprint(&text));
                return (
                    symbolic::placeholder_with(name, &detail, vec![name.to_string()], span),
                    vec![input],
                );
            }
            let value = if kind == "CommaDelimitedList" || kind.starts_with("List<") {
                let items = text
                    .split(',')
                    .map(|s| Value::string(s.trim(), span.clone()))
                    .collect();
                Value::new(ValueKind::List(items), span.clone())
            } else {
                Value::string(text, span.clone())
            };
            return (value, vec![input]);
        }
        if self.is_resource(name) {
            return (
                symbolic::placeholder(name, vec![name.to_string()], span),
                Vec::new(),
            );
        }
        self.warn(
            span,
            format!("`{name}` is not a parameter, pseudo parameter or resource of this template"),
        );
        (
            symbolic::placeholder(name, vec![name.to_string()], span),
            Vec::new(),
        )
    }

    /// `Fn::GetAtt`: a resource's attribute (unknown until deployment).
    fn get_att(&mut self, argument: &Value, span: &Span) -> (Value, Inputs) {
        let (resolved, inputs) = self.value(argument);
        let resolved = resolved.unwrap_or_else(|| argument.clone());
        let parts: Vec<String> = match &resolved.kind {
            ValueKind::List(items) => items.iter().filter_map(Value::to_display_string).collect(),
            ValueKind::String(s) => s.splitn(2, '.').map(str::to_string).collect(),
            _ => Vec::new(),
        };
        let (Some(resource), Some(attribute)) = (parts.first(), parts.get(1)) else {
            return (symbolic::opaque("Fn::GetAtt", &resolved, span), inputs);
        };
        if !self.is_resource(resource) {
            self.warn(
                span,
                format!(
                    "`Fn::GetAtt` names `{resource}`, which is not a resource of this template"
                ),
            );
        }
        let name = format!("{resource}.{attribute}");
        (
            symbolic::placeholder(&name, vec![name.clone()], span),
            inputs,
        )
    }

    /// `Fn::Sub`, with or without a variable map.
    fn sub(&mut self, argument: &Value, span: &Span) -> (Value, Inputs) {
        let (template, variables) = match &argument.kind {
            ValueKind::List(items) => (items.first(), items.get(1).and_then(Value::as_map)),
            _ => (Some(argument), None),
        };
        let Some(text) = template.and_then(Value::as_str) else {
            let (v, inputs) = self.value(argument);
            let v = v.unwrap_or_else(|| argument.clone());
            return (symbolic::opaque("Fn::Sub", &v, span), inputs);
        };
        let mut inputs = Vec::new();
        let mut local: Vec<(String, Value)> = Vec::new();
        if let Some(variables) = variables {
            for entry in variables.iter() {
                let (v, used) = self.value(&entry.value);
                join(&mut inputs, used);
                local.push((
                    entry.key.clone(),
                    v.unwrap_or_else(|| Value::string("", entry.value.span.clone())),
                ));
            }
        }
        let mut parts = Vec::new();
        for piece in sub_pieces(text) {
            match piece {
                SubPiece::Text(t) => parts.push(Value::string(t, span.clone())),
                SubPiece::Variable(name) => {
                    if let Some((_, v)) = local.iter().find(|(k, _)| k == name) {
                        parts.push(v.clone());
                    } else if let Some((resource, _)) = name
                        .split_once('.')
                        .filter(|_| !PSEUDO_PARAMETERS.contains(&name))
                    {
                        if !self.is_resource(resource) {
                            self.warn(
                                span,
                                format!("`${{{name}}}` names `{resource}`, which is not a resource of this template"),
                            );
                        }
                        parts.push(symbolic::placeholder(name, vec![name.to_string()], span));
                    } else {
                        let (v, used) = self.named(name, span);
                        join(&mut inputs, used);
                        parts.push(v);
                    }
                }
            }
        }
        match symbolic::concat(&parts, span) {
            Some(v) => (v, inputs),
            None => {
                let (v, more) = self.value(argument);
                join(&mut inputs, more);
                let v = v.unwrap_or_else(|| argument.clone());
                (symbolic::opaque("Fn::Sub", &v, span), inputs)
            }
        }
    }

    /// `Fn::Join`: a delimiter and a list.
    fn join_function(&mut self, argument: &Value, span: &Span) -> (Value, Inputs) {
        let (resolved, inputs) = self.value(argument);
        let resolved = resolved.unwrap_or_else(|| argument.clone());
        let pair = resolved.as_list().and_then(|items| {
            let delimiter = items.first()?.to_display_string()?;
            let list = items.get(1)?.as_list()?;
            Some((delimiter, list))
        });
        let Some((delimiter, list)) = pair else {
            return (symbolic::opaque("Fn::Join", &resolved, span), inputs);
        };
        let mut parts = Vec::new();
        for (i, item) in list.iter().enumerate() {
            if i > 0 {
                parts.push(Value::string(delimiter.clone(), span.clone()));
            }
            parts.push(item.clone());
        }
        match symbolic::concat(&parts, span) {
            Some(v) => (v, inputs),
            None => (symbolic::opaque("Fn::Join", &resolved, span), inputs),
        }
    }

    /// `Fn::Select`: an index and a list.
    fn select(&mut self, argument: &Value, span: &Span) -> (Value, Inputs) {
        let (resolved, inputs) = self.value(argument);
        let resolved = resolved.unwrap_or_else(|| argument.clone());
        let pair = resolved.as_list().and_then(|items| {
            let index = items
                .first()?
                .to_display_string()?
                .trim()
                .parse::<usize>()
                .ok()?;
            Some((index, items.get(1)?))
        });
        match pair {
            Some((index, list)) => match list.as_list() {
                Some(items) => match items.get(index) {
                    Some(item) => (item.clone().respanned(span), inputs),
                    None => {
                        self.warn(
                            span,
                            format!(
                                "`Fn::Select` index {index} is past the end of a list of {}",
                                items.len()
                            ),
                        );
                        (symbolic::opaque("Fn::Select", &resolved, span), inputs)
                    }
                },
                None => (symbolic::opaque("Fn::Select", &resolved, span), inputs),
            },
            None => (symbolic::opaque("Fn::Select", &resolved, span), inputs),
        }
    }

    /// `Fn::Split`: a delimiter and a string.
    fn split(&mut self, argument: &Value, span: &Span) -> (Value, Inputs) {
        let (resolved, inputs) = self.value(argument);
        let resolved = resolved.unwrap_or_else(|| argument.clone());
        let pair = resolved.as_list().and_then(|items| {
            let delimiter = items.first()?.to_display_string()?;
            let text = items.get(1)?.as_str()?;
            Some((delimiter, text.to_string()))
        });
        match pair {
            Some((delimiter, text)) if !delimiter.is_empty() => {
                let items = text
                    .split(delimiter.as_str())
                    .map(|s| Value::string(s, span.clone()))
                    .collect();
                (Value::new(ValueKind::List(items), span.clone()), inputs)
            }
            _ => (symbolic::opaque("Fn::Split", &resolved, span), inputs),
        }
    }

    /// `Fn::FindInMap`: a mapping's entry, or the `DefaultValue` when it has none.
    fn find_in_map(&mut self, argument: &Value, span: &Span) -> (Value, Inputs) {
        let (resolved, mut inputs) = self.value(argument);
        let resolved = resolved.unwrap_or_else(|| argument.clone());
        let items = resolved.as_list().unwrap_or_default();
        let keys: Vec<Option<String>> = items
            .iter()
            .take(3)
            .map(|i| i.as_str().map(str::to_string))
            .collect();
        let default = items.get(3).and_then(|d| d.get("DefaultValue")).cloned();
        let (Some(Some(map_name)), Some(Some(top)), Some(Some(second))) =
            (keys.first(), keys.get(1), keys.get(2))
        else {
            return (symbolic::opaque("Fn::FindInMap", &resolved, span), inputs);
        };
        let mapping = self.mappings.and_then(|m| m.get(map_name));
        let entry = mapping
            .and_then(|m| m.get(top))
            .and_then(|m| m.as_map())
            .and_then(|m| m.entry(second));
        match (entry, default) {
            (Some(entry), _) => {
                let value = entry.value.clone();
                inputs.push(Input {
                    name: format!("mapping `{map_name}` ({top}, {second})"),
                    value: value.to_display_string(),
                    via: "mapping".to_string(),
                    span: Some(value.span.clone()),
                });
                (value.respanned(span), inputs)
            }
            (None, Some(default)) => (default.respanned(span), inputs),
            (None, None) => {
                let message = match mapping {
                    None => format!("`Fn::FindInMap` names `{map_name}`, which is not a mapping of this template"),
                    Some(_) => format!("mapping `{map_name}` has no entry `{top}` / `{second}` and `Fn::FindInMap` gives no `DefaultValue`"),
                };
                self.warn(span, message);
                (symbolic::opaque("Fn::FindInMap", &resolved, span), inputs)
            }
        }
    }

    /// `Fn::If`: the branch its condition chooses; both, as one unknown value, when the
    /// condition is unknown (and they differ).
    fn if_function(&mut self, argument: &Value, span: &Span) -> Outcome {
        let items = argument.as_list().unwrap_or_default();
        let (Some(condition), Some(then), Some(otherwise)) =
            (items.first(), items.get(1), items.get(2))
        else {
            let (v, inputs) = self.value(argument);
            let v = v.unwrap_or_else(|| argument.clone());
            return (Some(symbolic::opaque("Fn::If", &v, span)), inputs);
        };
        let name = condition.as_str().unwrap_or_default().to_string();
        let (value, mut inputs) = self.condition(&name, &condition.span);
        match value {
            Some(chosen) => {
                let (result, used) = self.value(if chosen { then } else { otherwise });
                join(&mut inputs, used);
                if let Some(v) = &result {
                    self.record(&v.span, &inputs);
                }
                (result, inputs)
            }
            None => {
                let (a, used_a) = self.value(then);
                let (b, used_b) = self.value(otherwise);
                join(&mut inputs, used_a);
                join(&mut inputs, used_b);
                let same = match (&a, &b) {
                    (Some(a), Some(b)) => symbolic::canonical(a) == symbolic::canonical(b),
                    (None, None) => true,
                    _ => false,
                };
                if same {
                    return (a, inputs);
                }
                let no_value = |v: Option<Value>, at: &Value| {
                    v.unwrap_or_else(|| {
                        let mut m = Map::new();
                        m.insert(
                            "Ref",
                            at.span.clone(),
                            Value::string("AWS::NoValue", at.span.clone()),
                        );
                        Value::new(ValueKind::Map(m), at.span.clone())
                    })
                };
                let branches = Value::new(
                    ValueKind::List(vec![
                        Value::string(name, condition.span.clone()),
                        no_value(a, then),
                        no_value(b, otherwise),
                    ]),
                    span.clone(),
                );
                let value = symbolic::opaque("Fn::If", &branches, span);
                self.record(span, &inputs);
                (Some(value), inputs)
            }
        }
    }

    /// `Fn::Length`: the number of items of a list.
    fn length(&mut self, argument: &Value, span: &Span) -> (Value, Inputs) {
        let (resolved, inputs) = self.value(argument);
        let resolved = resolved.unwrap_or_else(|| argument.clone());
        match resolved.as_list() {
            Some(items) => (
                Value::new(ValueKind::Int(items.len() as i64), span.clone()),
                inputs,
            ),
            None => (symbolic::opaque("Fn::Length", &resolved, span), inputs),
        }
    }

    /// `Fn::ToJsonString`: the compact JSON text of a known value.
    fn json_string(&mut self, argument: &Value, span: &Span) -> (Value, Inputs) {
        let (resolved, inputs) = self.value(argument);
        let resolved = resolved.unwrap_or_else(|| argument.clone());
        if resolved.is_known() && matches!(resolved.kind, ValueKind::Map(_) | ValueKind::List(_)) {
            (
                Value::string(resolved.to_json().to_string(), span.clone()),
                inputs,
            )
        } else {
            (
                symbolic::opaque("Fn::ToJsonString", &resolved, span),
                inputs,
            )
        }
    }

    /// `Fn::Cidr`: `count` subnets of `bits` host bits carved from an address block.
    fn cidr(&mut self, argument: &Value, span: &Span) -> (Value, Inputs) {
        let (resolved, inputs) = self.value(argument);
        let resolved = resolved.unwrap_or_else(|| argument.clone());
        let args = resolved.as_list().and_then(|items| {
            let block = items.first()?.as_str()?.to_string();
            let count = items
                .get(1)?
                .to_display_string()?
                .trim()
                .parse::<u32>()
                .ok()?;
            let bits = items
                .get(2)?
                .to_display_string()?
                .trim()
                .parse::<u32>()
                .ok()?;
            Some((block, count, bits))
        });
        let subnets = args.and_then(|(block, count, bits)| cidr_subnets(&block, count, bits));
        match subnets {
            Some(subnets) => (
                Value::new(
                    ValueKind::List(
                        subnets
                            .into_iter()
                            .map(|s| Value::string(s, span.clone()))
                            .collect(),
                    ),
                    span.clone(),
                ),
                inputs,
            ),
            None => (symbolic::opaque("Fn::Cidr", &resolved, span), inputs),
        }
    }
}

/// A piece of a `Fn::Sub` string.
#[derive(Debug, PartialEq)]
pub(crate) enum SubPiece<'a> {
    /// Text as it is (`${!x}` escapes already turned into `${x}`).
    Text(String),
    /// A `${Name}` variable.
    Variable(&'a str),
}

/// The pieces of a `Fn::Sub` string.
pub(crate) fn sub_pieces(text: &str) -> Vec<SubPiece<'_>> {
    let mut pieces = Vec::new();
    let mut literal = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        literal.push_str(rest.get(..start).unwrap_or_default());
        let after = rest.get(start + 2..).unwrap_or_default();
        let Some(end) = after.find('}') else {
            literal.push_str(rest.get(start..).unwrap_or_default());
            rest = "";
            break;
        };
        let inner = after.get(..end).unwrap_or_default();
        if let Some(escaped) = inner.strip_prefix('!') {
            literal.push_str("${");
            literal.push_str(escaped);
            literal.push('}');
        } else {
            if !literal.is_empty() {
                pieces.push(SubPiece::Text(std::mem::take(&mut literal)));
            }
            pieces.push(SubPiece::Variable(inner.trim()));
        }
        rest = after.get(end + 1..).unwrap_or_default();
    }
    literal.push_str(rest);
    if !literal.is_empty() {
        pieces.push(SubPiece::Text(literal));
    }
    pieces
}

/// The first `count` subnets with `bits` host bits of an IPv4 or IPv6 block, as
/// `Fn::Cidr` makes them; `None` when the block does not parse or cannot hold them.
pub(crate) fn cidr_subnets(block: &str, count: u32, bits: u32) -> Option<Vec<String>> {
    let (address, prefix) = block.split_once('/')?;
    let prefix: u32 = prefix.parse().ok()?;
    if !(1..=256).contains(&count) {
        return None;
    }
    if let Ok(v4) = address.parse::<std::net::Ipv4Addr>() {
        let new_prefix = 32u32.checked_sub(bits)?;
        if bits == 0 || new_prefix < prefix || prefix > 32 {
            return None;
        }
        let available = 1u64 << (new_prefix - prefix).min(63);
        if u64::from(count) > available {
            return None;
        }
        let base = u32::from(v4) & mask32(prefix);
        return Some(
            (0..count)
                .map(|i| {
                    let net = u64::from(base) + (u64::from(i) << bits);
                    let net = u32::try_from(net).unwrap_or(u32::MAX);
                    format!("{}/{new_prefix}", std::net::Ipv4Addr::from(net))
                })
                .collect(),
        );
    }
    let v6 = address.parse::<std::net::Ipv6Addr>().ok()?;
    let new_prefix = 128u32.checked_sub(bits)?;
    if bits == 0 || new_prefix < prefix || prefix > 128 {
        return None;
    }
    let room = new_prefix - prefix;
    if room < 32 && u64::from(count) > (1u64 << room) {
        return None;
    }
    let base = u128::from(v6) & mask128(prefix);
    (0..count)
        .map(|i| {
            let net = base.wrapping_add(u128::from(i).checked_shl(bits)?);
            Some(format!("{}/{new_prefix}", std::net::Ipv6Addr::from(net)))
        })
        .collect()
}

fn mask32(prefix: u32) -> u32 {
    if prefix == 0 {
        0
    } else {
        u32::MAX << (32 - prefix.min(32))
    }
}

fn mask128(prefix: u32) -> u128 {
    if prefix == 0 {
        0
    } else {
        u128::MAX << (128 - prefix.min(128))
    }
}

/// A stable fingerprint of a secret value (FNV-1a), so a change to it is seen without the
/// value being shown.
fn fingerprint(text: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sub_pieces_and_escapes() {
        assert_eq!(
            sub_pieces("a-${X}-${!Y}-${ Z.Arn }"),
            [
                SubPiece::Text("a-".into()),
                SubPiece::Variable("X"),
                SubPiece::Text("-${Y}-".into()),
                SubPiece::Variable("Z.Arn"),
            ]
        );
        assert_eq!(
            sub_pieces("no ${ end"),
            [SubPiece::Text("no ${ end".into())]
        );
    }

    #[test]
    fn cidr_matches_the_documented_examples() {
        // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-cidr.html
        assert_eq!(
            cidr_subnets("192.168.0.0/24", 6, 5).unwrap(),
            [
                "192.168.0.0/27",
                "192.168.0.32/27",
                "192.168.0.64/27",
                "192.168.0.96/27",
                "192.168.0.128/27",
                "192.168.0.160/27"
            ]
        );
        assert_eq!(
            cidr_subnets("10.0.0.0/16", 2, 8).unwrap(),
            ["10.0.0.0/24", "10.0.1.0/24"]
        );
        assert_eq!(
            cidr_subnets("2001:db8::/56", 2, 64).unwrap(),
            ["2001:db8::/64", "2001:db8:0:1::/64"]
        );
        assert!(cidr_subnets("10.0.0.0/24", 3, 7).is_none());
        assert!(cidr_subnets("nonsense", 1, 8).is_none());
        assert!(cidr_subnets("::/0", 1, 128).is_none());
        assert_eq!(cidr_subnets("0.0.0.0/0", 1, 32).unwrap(), ["0.0.0.0/0"]);
    }
}
