//! From rule-file text to [`RuleFile`]: the pest grammar (`guard.pest`), the tree builder,
//! and the load-time checks (undefined variables and rules, unknown functions, arity).
//! Evaluating is `eval`'s job.

use crate::ast::*;
use crate::functions::arity;
use crate::Error;
use pest::iterators::Pair;
use pest::Parser as _;
use std::collections::HashSet;
use std::sync::Arc;
use stet_graph::{LineIndex, Map, Span, Value, ValueKind};

#[derive(pest_derive::Parser)]
#[grammar = "guard.pest"]
struct GuardParser;

/// Deepest nesting of `[`, `{` and `(` a rule file may use. Real rules nest a handful of
/// levels; the limit keeps the grammar's backtracking bounded on hostile text.
const MAX_NESTING: usize = 48;

/// Grammar rule calls one parse may make per byte of text, with [`MIN_CALLS`] as a floor (a
/// pest setting): text that would make the parser backtrack without end fails with an error
/// in time proportional to its size. Real rule files need a few dozen calls per byte.
const CALLS_PER_BYTE: usize = 400;
/// The call budget of a small file.
const MIN_CALLS: usize = 200_000;

/// Parses a rule file's `text`, named `file` in errors.
pub fn parse_rule_file(file: &str, text: &str) -> Result<RuleFile, Error> {
    let index = LineIndex::new(text);
    let builder = Builder {
        file: Arc::from(file),
        text,
        index: &index,
    };
    check_nesting(text).map_err(|offset| {
        builder.error_at(
            offset,
            &format!("brackets nest deeper than {MAX_NESTING} levels"),
        )
    })?;
    pest::set_call_limit(std::num::NonZeroUsize::new(
        text.len().saturating_mul(CALLS_PER_BYTE).max(MIN_CALLS),
    ));
    let mut pairs =
        GuardParser::parse(Rule::rules_file, text).map_err(|e| builder.syntax_error(&e))?;
    let root = pairs
        .next()
        .ok_or_else(|| builder.error_at(0, "empty rule file"))?;
    let file = builder.file(root)?;
    check(&file)?;
    Ok(file)
}

/// The offset of the first bracket nested deeper than [`MAX_NESTING`], outside strings,
/// regexes and comments (roughly: quotes and `#` are honoured).
fn check_nesting(text: &str) -> Result<(), usize> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut comment = false;
    for (offset, c) in text.char_indices() {
        if comment {
            comment = c != '\n';
            continue;
        }
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '#') => comment = true,
            (None, '[' | '{' | '(') => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(offset);
                }
            }
            (None, ']' | '}' | ')') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

struct Builder<'t> {
    file: Arc<str>,
    text: &'t str,
    index: &'t LineIndex,
}

type R<T> = Result<T, Error>;

impl Builder<'_> {
    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        self.index
            .span(self.file.clone(), self.text, s.start(), s.end())
    }

    fn error_at(&self, offset: usize, message: &str) -> Error {
        let span = self
            .index
            .span(self.file.clone(), self.text, offset, offset);
        Error::Syntax {
            line: self.line_of(&span),
            span,
            message: message.to_string(),
        }
    }

    fn line_of(&self, span: &Span) -> String {
        let start = self.index.line_start(span.start.line).unwrap_or(0);
        self.text
            .get(start..)
            .unwrap_or("")
            .lines()
            .next()
            .unwrap_or("")
            .to_string()
    }

    fn syntax_error(&self, e: &pest::error::Error<Rule>) -> Error {
        let offset = match e.location {
            pest::error::InputLocation::Pos(p) => p,
            pest::error::InputLocation::Span((s, _)) => s,
        };
        let message = match &e.variant {
            pest::error::ErrorVariant::ParsingError { positives, .. } => {
                let mut names: Vec<&str> = positives.iter().filter_map(|r| describe(*r)).collect();
                names.sort_unstable();
                names.dedup();
                match names.as_slice() {
                    [] => "unexpected text".to_string(),
                    [one] => format!("expected {one}"),
                    many => {
                        let (last, rest) = many.split_last().unwrap_or((&"", &[]));
                        format!("expected {} or {last}", rest.join(", "))
                    }
                }
            }
            pest::error::ErrorVariant::CustomError { message }
                if message.contains("call limit") =>
            {
                return self.error_at(
                    offset,
                    "this rule file nests queries and filters so deeply that parsing it would not end; simplify the nesting",
                );
            }
            pest::error::ErrorVariant::CustomError { message } => message.clone(),
        };
        let found = self
            .text
            .get(offset..)
            .and_then(|t| t.split_whitespace().next())
            .unwrap_or("");
        let message = if found.is_empty() {
            format!("{message}, found the end of the file")
        } else {
            format!(
                "{message}, found `{}`",
                found.chars().take(30).collect::<String>()
            )
        };
        self.error_at(offset, &message)
    }

    fn file(&self, root: Pair<'_, Rule>) -> R<RuleFile> {
        let mut file = RuleFile {
            assignments: Vec::new(),
            rules: Vec::new(),
            parameterized: Vec::new(),
        };
        let mut default = Block::default();
        let mut default_span = None;
        for pair in root.into_inner() {
            match pair.as_rule() {
                Rule::assignment => file.assignments.push(self.assignment(pair)?),
                Rule::rule => file.rules.push(self.rule(pair)?),
                Rule::parameterized_rule => file.parameterized.push(self.parameterized(pair)?),
                Rule::disjunction => {
                    default_span.get_or_insert_with(|| self.span(&pair));
                    default.clauses.push(self.disjunction(pair)?);
                }
                _ => {}
            }
        }
        if let Some(span) = default_span {
            file.rules.push(crate::ast::Rule {
                name: "default".into(),
                conditions: None,
                block: default,
                span,
            });
        }
        Ok(file)
    }

    fn assignment(&self, pair: Pair<'_, Rule>) -> R<Assignment> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner().filter(|p| p.as_rule() != Rule::let_kw);
        let name = inner
            .next()
            .map(|p| p.as_str().to_string())
            .unwrap_or_default();
        let value = match inner.next() {
            Some(p) => self.let_value(p)?,
            None => return Err(self.error_at(span.start.offset, "expected a value after `=`")),
        };
        Ok(Assignment { name, value, span })
    }

    fn let_value(&self, pair: Pair<'_, Rule>) -> R<LetValue> {
        Ok(match pair.as_rule() {
            Rule::function_call => LetValue::Function(self.function_call(pair)?),
            Rule::query => LetValue::Query(self.query(pair)?),
            _ => LetValue::Literal(self.literal(pair)?),
        })
    }

    fn function_call(&self, pair: Pair<'_, Rule>) -> R<FunctionCall> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let name = inner
            .next()
            .map(|p| p.as_str().to_string())
            .unwrap_or_default();
        let args = inner.map(|p| self.let_value(p)).collect::<R<_>>()?;
        Ok(FunctionCall { name, args, span })
    }

    fn rule(&self, pair: Pair<'_, Rule>) -> R<crate::ast::Rule> {
        let span = self.span(&pair);
        let mut name = String::new();
        let mut conditions = None;
        let mut block = Block::default();
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::rule_name => name = p.as_str().to_string(),
                Rule::when_conditions => conditions = Some(self.conditions(p)?),
                Rule::block => block = self.block(p)?,
                _ => {}
            }
        }
        Ok(crate::ast::Rule {
            name,
            conditions,
            block,
            span,
        })
    }

    fn parameterized(&self, pair: Pair<'_, Rule>) -> R<ParameterizedRule> {
        let parameters = pair
            .clone()
            .into_inner()
            .filter(|p| p.as_rule() == Rule::var_name)
            .map(|p| p.as_str().to_string())
            .collect();
        Ok(ParameterizedRule {
            parameters,
            rule: self.rule(pair)?,
        })
    }

    fn conditions(&self, pair: Pair<'_, Rule>) -> R<Conjunctions> {
        pair.into_inner()
            .filter(|p| p.as_rule() == Rule::when_disjunction)
            .map(|p| self.disjunction(p))
            .collect()
    }

    fn block(&self, pair: Pair<'_, Rule>) -> R<Block> {
        let mut block = Block::default();
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::assignment => block.assignments.push(self.assignment(p)?),
                Rule::disjunction => block.clauses.push(self.disjunction(p)?),
                _ => {}
            }
        }
        Ok(block)
    }

    fn disjunction(&self, pair: Pair<'_, Rule>) -> R<Vec<Clause>> {
        pair.into_inner()
            .filter(|p| p.as_rule() != Rule::or_kw)
            .map(|p| self.clause(p))
            .collect()
    }

    fn clause(&self, pair: Pair<'_, Rule>) -> R<Clause> {
        let span = self.span(&pair);
        Ok(match pair.as_rule() {
            Rule::access_clause => Clause::Access(self.access(pair)?),
            Rule::block_clause => {
                let mut query = None;
                let mut block = Block::default();
                let mut not_empty = false;
                for p in pair.into_inner() {
                    match p.as_rule() {
                        Rule::query => query = Some(self.query(p)?),
                        Rule::block => block = self.block(p)?,
                        Rule::not_empty_flag => not_empty = true,
                        _ => {}
                    }
                }
                let query =
                    query.ok_or_else(|| self.error_at(span.start.offset, "expected a query"))?;
                Clause::Block(BlockClause {
                    query,
                    not_empty,
                    block,
                    span,
                })
            }
            Rule::when_block => {
                let mut conditions = Vec::new();
                let mut block = Block::default();
                for p in pair.into_inner() {
                    match p.as_rule() {
                        Rule::when_conditions => conditions = self.conditions(p)?,
                        Rule::block => block = self.block(p)?,
                        _ => {}
                    }
                }
                Clause::When(conditions, block)
            }
            Rule::type_block => {
                let mut type_name = String::new();
                let mut conditions = None;
                let mut block = Block::default();
                for p in pair.into_inner() {
                    match p.as_rule() {
                        Rule::type_name => type_name = p.as_str().to_string(),
                        Rule::when_conditions => conditions = Some(self.conditions(p)?),
                        Rule::block => block = self.block(p)?,
                        _ => {}
                    }
                }
                Clause::Type(TypeBlock {
                    type_name,
                    conditions,
                    block,
                    span,
                })
            }
            Rule::rule_reference => Clause::RuleRef(self.rule_ref(pair)?),
            Rule::rule_call => {
                let mut args = Vec::new();
                let mut reference = RuleRef {
                    name: String::new(),
                    negated: false,
                    message: None,
                    span: span.clone(),
                };
                for p in pair.into_inner() {
                    match p.as_rule() {
                        Rule::negation => reference.negated = true,
                        Rule::rule_name => reference.name = p.as_str().to_string(),
                        Rule::custom_message => reference.message = Some(message_text(&p)),
                        _ => args.push(self.let_value(p)?),
                    }
                }
                Clause::RuleCall(RuleCall {
                    rule: reference,
                    args,
                })
            }
            other => return Err(self.error_at(span.start.offset, &format!("unexpected {other:?}"))),
        })
    }

    fn rule_ref(&self, pair: Pair<'_, Rule>) -> R<RuleRef> {
        let span = self.span(&pair);
        let mut reference = RuleRef {
            name: String::new(),
            negated: false,
            message: None,
            span,
        };
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::negation => reference.negated = true,
                Rule::rule_name => reference.name = p.as_str().to_string(),
                Rule::custom_message => reference.message = Some(message_text(&p)),
                _ => {}
            }
        }
        Ok(reference)
    }

    fn access(&self, pair: Pair<'_, Rule>) -> R<AccessClause> {
        let span = self.span(&pair);
        let mut clause = AccessClause {
            query: Query {
                some: false,
                parts: Vec::new(),
                span: span.clone(),
            },
            op: CmpOp::Exists,
            op_negated: false,
            negated: false,
            rhs: None,
            message: None,
            span,
        };
        let mut seen_query = false;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::negation => clause.negated = true,
                // The first query is the left-hand side; a later one is the right-hand side.
                Rule::query if !seen_query => {
                    seen_query = true;
                    clause.query = self.query(p)?;
                }
                Rule::unary_operator | Rule::binary_operator => {
                    let (op, negated) = operator(&p);
                    clause.op = op;
                    clause.op_negated = negated;
                }
                Rule::custom_message => clause.message = Some(message_text(&p)),
                _ => clause.rhs = Some(self.let_value(p)?),
            }
        }
        Ok(clause)
    }

    fn query(&self, pair: Pair<'_, Rule>) -> R<Query> {
        let span = self.span(&pair);
        let mut query = Query {
            some: false,
            parts: Vec::new(),
            span,
        };
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::some_kw => query.some = true,
                Rule::variable => query
                    .parts
                    .push(QueryPart::Variable(p.into_inner().as_str().to_string())),
                Rule::this_kw => query.parts.push(QueryPart::This),
                Rule::all_values => query.parts.push(QueryPart::AllValues),
                Rule::key => query.parts.push(QueryPart::Key(p.as_str().to_string())),
                Rule::quoted_key => {
                    let string = p.into_inner().next();
                    query.parts.push(QueryPart::Key(
                        string.map(|s| unquote(&s)).unwrap_or_default(),
                    ));
                }
                Rule::brackets => {
                    for inner in p.into_inner() {
                        match inner.as_rule() {
                            Rule::all_indices => query.parts.push(QueryPart::AllIndices),
                            Rule::index => query
                                .parts
                                .push(QueryPart::Index(inner.as_str().trim().parse().unwrap_or(0))),
                            Rule::filter => {
                                let conjunctions = inner
                                    .into_inner()
                                    .map(|d| {
                                        d.into_inner()
                                            .filter(|c| c.as_rule() != Rule::or_kw)
                                            .map(|c| self.clause(c))
                                            .collect::<R<Vec<_>>>()
                                    })
                                    .collect::<R<Vec<_>>>()?;
                                query.parts.push(QueryPart::Filter(conjunctions));
                            }
                            Rule::key_filter => {
                                let mut op = (CmpOp::Eq, false);
                                let mut rhs = None;
                                for k in inner.into_inner() {
                                    match k.as_rule() {
                                        Rule::keys_kw => {}
                                        Rule::unary_operator | Rule::binary_operator => {
                                            op = operator(&k)
                                        }
                                        _ => rhs = Some(self.let_value(k)?),
                                    }
                                }
                                query.parts.push(QueryPart::KeyFilter(op.0, op.1, rhs));
                            }
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(query)
    }

    fn literal(&self, pair: Pair<'_, Rule>) -> R<Literal> {
        let span = self.span(&pair);
        let value = |kind| Ok(Literal::Value(Value::new(kind, span.clone())));
        match pair.as_rule() {
            Rule::null => value(ValueKind::Null),
            Rule::boolean => value(ValueKind::Bool(pair.as_str().eq_ignore_ascii_case("true"))),
            Rule::int => match pair.as_str().parse::<i64>() {
                Ok(i) => value(ValueKind::Int(i)),
                Err(_) => value(ValueKind::Float(pair.as_str().parse().unwrap_or(f64::NAN))),
            },
            Rule::float => value(ValueKind::Float(pair.as_str().parse().unwrap_or(f64::NAN))),
            Rule::string => value(ValueKind::String(unquote(&pair))),
            Rule::regex => {
                let source = pair.into_inner().as_str().replace("\\/", "/");
                let regex = RegexLiteral::new(source).map_err(|message| Error::Regex {
                    span: span.clone(),
                    message,
                })?;
                Ok(Literal::Regex(regex))
            }
            Rule::range => {
                let mut open = true;
                let mut close = true;
                let mut chars = false;
                let mut bounds = Vec::new();
                for p in pair.into_inner() {
                    match p.as_rule() {
                        Rule::range_open => open = p.as_str() == "[",
                        Rule::range_close => close = p.as_str() == "]",
                        Rule::char_bound => {
                            chars = true;
                            bounds.push(
                                p.as_str()
                                    .chars()
                                    .nth(1)
                                    .map_or(0.0, |c| f64::from(u32::from(c))),
                            )
                        }
                        _ => bounds.push(p.as_str().parse::<f64>().unwrap_or(f64::NAN)),
                    }
                }
                let (lower, upper) = (
                    bounds.first().copied().unwrap_or(0.0),
                    bounds.get(1).copied().unwrap_or(0.0),
                );
                Ok(Literal::Range(Range {
                    lower,
                    upper,
                    lower_inclusive: open,
                    upper_inclusive: close,
                    chars,
                }))
            }
            Rule::list => {
                let items = pair
                    .into_inner()
                    .map(|p| self.literal_or_query(p))
                    .collect::<R<Vec<_>>>()?;
                if items.iter().all(|i| matches!(i, Literal::Value(_))) {
                    let values = items
                        .into_iter()
                        .filter_map(|i| match i {
                            Literal::Value(v) => Some(v),
                            _ => None,
                        })
                        .collect();
                    value(ValueKind::List(values))
                } else {
                    Ok(Literal::List(items, span))
                }
            }
            Rule::map => {
                let mut map = Map::new();
                for entry in pair.into_inner() {
                    let entry_span = self.span(&entry);
                    let mut inner = entry.into_inner();
                    let key = inner
                        .next()
                        .map(|k| {
                            if k.as_rule() == Rule::string {
                                unquote(&k)
                            } else {
                                k.as_str().to_string()
                            }
                        })
                        .unwrap_or_default();
                    let item = match inner.next() {
                        Some(v) => self.literal(v)?,
                        None => continue,
                    };
                    let Literal::Value(v) = item else {
                        return Err(self.error_at(
                            entry_span.start.offset,
                            "a map literal holds plain values (no regex or range)",
                        ));
                    };
                    map.insert(key, entry_span, v);
                }
                value(ValueKind::Map(map))
            }
            _ => Err(self.error_at(span.start.offset, "expected a value")),
        }
    }

    fn literal_or_query(&self, pair: Pair<'_, Rule>) -> R<Literal> {
        if pair.as_rule() == Rule::query {
            // A query inside a literal list is read as its text (cfn-guard treats bare words in
            // lists as strings).
            let span = self.span(&pair);
            return Ok(Literal::Value(Value::string(pair.as_str(), span)));
        }
        self.literal(pair)
    }
}

fn operator(pair: &Pair<'_, Rule>) -> (CmpOp, bool) {
    let text = pair.as_str();
    if pair.as_rule() == Rule::unary_operator {
        let negated = text.starts_with('!') || text.to_ascii_lowercase().starts_with("not");
        let word = pair
            .clone()
            .into_inner()
            .find(|p| p.as_rule() == Rule::unary_word)
            .map(|p| p.as_str().to_ascii_lowercase())
            .unwrap_or_default();
        let op = match word.as_str() {
            "exists" => CmpOp::Exists,
            "empty" => CmpOp::Empty,
            "is_string" => CmpOp::IsString,
            "is_list" => CmpOp::IsList,
            "is_struct" => CmpOp::IsStruct,
            "is_bool" => CmpOp::IsBool,
            "is_int" => CmpOp::IsInt,
            "is_float" => CmpOp::IsFloat,
            _ => CmpOp::IsNull,
        };
        return (op, negated);
    }
    let inner = pair.clone().into_inner().next().map(|p| p.as_rule());
    match inner {
        Some(Rule::eq_op) => (CmpOp::Eq, false),
        Some(Rule::ne_op) => (CmpOp::Eq, true),
        Some(Rule::ge_op) => (CmpOp::Ge, false),
        Some(Rule::le_op) => (CmpOp::Le, false),
        Some(Rule::gt_op) => (CmpOp::Gt, false),
        Some(Rule::lt_op) => (CmpOp::Lt, false),
        Some(Rule::not_in_op) => (CmpOp::In, true),
        _ => (CmpOp::In, false),
    }
}

fn message_text(pair: &Pair<'_, Rule>) -> String {
    pair.clone()
        .into_inner()
        .next()
        .map(|p| p.as_str().trim().to_string())
        .unwrap_or_default()
}

/// The content of a quoted string, with `\"`, `\'`, `\\`, `\n` and `\t` unescaped; any other
/// backslash is kept.
fn unquote(pair: &Pair<'_, Rule>) -> String {
    let raw = pair
        .clone()
        .into_inner()
        .next()
        .map(|p| p.as_str())
        .unwrap_or("");
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(c @ ('"' | '\'' | '\\')) => out.push(c),
                // Other escapes (`\w`, `\d`) are kept: strings often hold regular expressions.
                Some(other) => {
                    out.push('\\');
                    out.push(other);
                }
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A name for each rule a parse error may expect, as a person would say it.
fn describe(expected: Rule) -> Option<&'static str> {
    Some(match expected {
        Rule::EOI => "the end of the file",
        Rule::assignment | Rule::let_kw => "`let`",
        Rule::rule | Rule::parameterized_rule | Rule::rule_kw => "`rule`",
        Rule::rule_name => "a rule name",
        Rule::var_name => "a variable name",
        Rule::block => "`{`",
        Rule::query
        | Rule::key
        | Rule::variable
        | Rule::quoted_key
        | Rule::all_values
        | Rule::brackets => "a query",
        Rule::unary_operator
        | Rule::binary_operator
        | Rule::eq_op
        | Rule::ne_op
        | Rule::in_op
        | Rule::not_in_op => "a comparison operator (`==`, `!=`, `IN`, `exists`, `empty`, …)",
        Rule::literal
        | Rule::string
        | Rule::int
        | Rule::float
        | Rule::boolean
        | Rule::null
        | Rule::list
        | Rule::map
        | Rule::regex
        | Rule::range => "a value",
        Rule::disjunction
        | Rule::access_clause
        | Rule::block_clause
        | Rule::when_block
        | Rule::type_block
        | Rule::rule_reference => "a clause",
        Rule::or_kw => "`or`",
        Rule::when_kw | Rule::when_conditions => "`when`",
        Rule::custom_message => "a message `<< … >>`",
        Rule::function_call => "a function call",
        _ => return None,
    })
}

/// Load-time checks: every `%variable` defined, every referenced rule present, every
/// function known with the right number of arguments.
fn check(file: &RuleFile) -> R<()> {
    let rule_names: HashSet<&str> = file.rules.iter().map(|r| r.name.as_str()).collect();
    let parameterized: Vec<(&str, usize)> = file
        .parameterized
        .iter()
        .map(|p| (p.rule.name.as_str(), p.parameters.len()))
        .collect();
    let mut checker = Checker {
        rules: rule_names,
        parameterized,
        scopes: vec![file.assignments.iter().map(|a| a.name.clone()).collect()],
    };
    for a in &file.assignments {
        checker.let_value(&a.value)?;
    }
    for rule in &file.rules {
        checker.rule(rule, &[])?;
    }
    for p in &file.parameterized {
        checker.rule(&p.rule, &p.parameters)?;
    }
    Ok(())
}

struct Checker<'a> {
    rules: HashSet<&'a str>,
    parameterized: Vec<(&'a str, usize)>,
    scopes: Vec<HashSet<String>>,
}

impl Checker<'_> {
    fn defined(&self, name: &str) -> bool {
        self.scopes.iter().any(|s| s.contains(name))
    }

    fn rule(&mut self, rule: &crate::ast::Rule, parameters: &[String]) -> R<()> {
        self.scopes.push(parameters.iter().cloned().collect());
        if let Some(c) = &rule.conditions {
            self.conjunctions(c)?;
        }
        self.block(&rule.block)?;
        self.scopes.pop();
        Ok(())
    }

    fn block(&mut self, block: &Block) -> R<()> {
        self.scopes
            .push(block.assignments.iter().map(|a| a.name.clone()).collect());
        for a in &block.assignments {
            self.let_value(&a.value)?;
        }
        self.conjunctions(&block.clauses)?;
        self.scopes.pop();
        Ok(())
    }

    fn conjunctions(&mut self, c: &Conjunctions) -> R<()> {
        for d in c {
            for clause in d {
                self.clause(clause)?;
            }
        }
        Ok(())
    }

    fn clause(&mut self, clause: &Clause) -> R<()> {
        match clause {
            Clause::Access(a) => {
                self.query(&a.query)?;
                if let Some(rhs) = &a.rhs {
                    self.let_value(rhs)?;
                }
            }
            Clause::Block(b) => {
                self.query(&b.query)?;
                self.block(&b.block)?;
            }
            Clause::When(c, b) => {
                self.conjunctions(c)?;
                self.block(b)?;
            }
            Clause::Type(t) => {
                if let Some(c) = &t.conditions {
                    self.conjunctions(c)?;
                }
                self.block(&t.block)?;
            }
            Clause::RuleRef(r) => {
                if !self.rules.contains(r.name.as_str()) {
                    return Err(Error::UndefinedRule {
                        span: r.span.clone(),
                        name: r.name.clone(),
                    });
                }
            }
            Clause::RuleCall(call) => {
                match self
                    .parameterized
                    .iter()
                    .find(|(n, _)| *n == call.rule.name)
                {
                    Some((_, n)) if *n != call.args.len() => {
                        return Err(Error::WrongArity {
                            span: call.rule.span.clone(),
                            name: call.rule.name.clone(),
                            expected: n.to_string(),
                            found: call.args.len(),
                        })
                    }
                    Some(_) => {}
                    None => {
                        return Err(Error::UndefinedRule {
                            span: call.rule.span.clone(),
                            name: call.rule.name.clone(),
                        })
                    }
                }
                for arg in &call.args {
                    self.let_value(arg)?;
                }
            }
        }
        Ok(())
    }

    fn let_value(&mut self, value: &LetValue) -> R<()> {
        match value {
            LetValue::Literal(_) => Ok(()),
            LetValue::Query(q) => self.query(q),
            LetValue::Function(f) => {
                let Some((min, max)) = arity(&f.name) else {
                    return Err(Error::UnknownFunction {
                        span: f.span.clone(),
                        name: f.name.clone(),
                        known: crate::functions::NAMES.join(", "),
                    });
                };
                if f.args.len() < min || f.args.len() > max {
                    let expected = if min == max {
                        min.to_string()
                    } else {
                        format!("{min} to {max}")
                    };
                    return Err(Error::WrongArity {
                        span: f.span.clone(),
                        name: f.name.clone(),
                        expected,
                        found: f.args.len(),
                    });
                }
                for arg in &f.args {
                    self.let_value(arg)?;
                }
                Ok(())
            }
        }
    }

    fn query(&mut self, query: &Query) -> R<()> {
        for part in &query.parts {
            match part {
                QueryPart::Variable(name) if !self.defined(name) => {
                    return Err(Error::UndefinedVariable {
                        span: query.span.clone(),
                        name: name.clone(),
                    })
                }
                QueryPart::Filter(c) => self.conjunctions(c)?,
                QueryPart::KeyFilter(_, _, Some(rhs)) => self.let_value(rhs)?,
                _ => {}
            }
        }
        Ok(())
    }
}
