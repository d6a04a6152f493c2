//! The parsed form of a rule file. Built by `parse`, read by `eval`; nothing here evaluates.

use fancy_regex::Regex;
use stet_graph::{Span, Value};

/// A whole rule file.
#[derive(Debug, Clone)]
pub struct RuleFile {
    /// File-level `let` assignments.
    pub assignments: Vec<Assignment>,
    /// Named rules, in file order. Clauses outside any rule form the rule `default`.
    pub rules: Vec<Rule>,
    /// Parameterized rules, called as clauses.
    pub parameterized: Vec<ParameterizedRule>,
}

/// `let name = value`.
#[derive(Debug, Clone)]
pub struct Assignment {
    /// The variable's name.
    pub name: String,
    /// What it is bound to.
    pub value: LetValue,
    /// Where it is written.
    pub span: Span,
}

/// What a variable, a right-hand side or a function argument holds.
#[derive(Debug, Clone)]
pub enum LetValue {
    /// A literal.
    Literal(Literal),
    /// A query over the document.
    Query(Query),
    /// A function call.
    Function(FunctionCall),
}

/// `name(arg, ...)`.
#[derive(Debug, Clone)]
pub struct FunctionCall {
    /// The function.
    pub name: String,
    /// Its arguments.
    pub args: Vec<LetValue>,
    /// Where the call is written.
    pub span: Span,
}

/// A named rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Its name.
    pub name: String,
    /// `when` conditions.
    pub conditions: Option<Conjunctions>,
    /// Its body.
    pub block: Block,
    /// Where it is written.
    pub span: Span,
}

/// `rule name(a, b) { ... }`.
#[derive(Debug, Clone)]
pub struct ParameterizedRule {
    /// The parameters' names.
    pub parameters: Vec<String>,
    /// The rule.
    pub rule: Rule,
}

/// A `{ ... }` body: assignments and clauses.
#[derive(Debug, Clone, Default)]
pub struct Block {
    /// `let` assignments in the block.
    pub assignments: Vec<Assignment>,
    /// The clauses: each inner list is a disjunction, the outer list their conjunction.
    pub clauses: Conjunctions,
}

/// Clauses joined by AND (outer) and OR (inner).
pub type Conjunctions = Vec<Vec<Clause>>;

/// One clause.
#[derive(Debug, Clone)]
pub enum Clause {
    /// `query op rhs` or `query unary_op`.
    Access(AccessClause),
    /// `query { ... }`.
    Block(BlockClause),
    /// `when conditions { ... }`.
    When(Conjunctions, Block),
    /// `AWS::S3::Bucket [when ...] { ... }`.
    Type(TypeBlock),
    /// `[not] rule_name`.
    RuleRef(RuleRef),
    /// `rule_name(args)`.
    RuleCall(RuleCall),
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    /// `==` (`!=` when negated).
    Eq,
    /// `IN` (`NOT IN` when negated).
    In,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `exists`.
    Exists,
    /// `empty`.
    Empty,
    /// `is_string`.
    IsString,
    /// `is_list`.
    IsList,
    /// `is_struct`.
    IsStruct,
    /// `is_bool`.
    IsBool,
    /// `is_int`.
    IsInt,
    /// `is_float`.
    IsFloat,
    /// `is_null`.
    IsNull,
}

impl CmpOp {
    /// Whether the operator takes no right-hand side.
    pub fn is_unary(self) -> bool {
        !matches!(
            self,
            CmpOp::Eq | CmpOp::In | CmpOp::Gt | CmpOp::Ge | CmpOp::Lt | CmpOp::Le
        )
    }
}

/// `query op rhs`.
#[derive(Debug, Clone)]
pub struct AccessClause {
    /// The left-hand query.
    pub query: Query,
    /// The operator.
    pub op: CmpOp,
    /// Whether the operator is negated (`!=`, `not IN`, `!exists`).
    pub op_negated: bool,
    /// Whether the whole clause is negated (`not query op ...`).
    pub negated: bool,
    /// The right-hand side, for binary operators.
    pub rhs: Option<LetValue>,
    /// The `<< message >>`.
    pub message: Option<String>,
    /// Where the clause is written.
    pub span: Span,
}

/// `[some] query { ... }`.
#[derive(Debug, Clone)]
pub struct BlockClause {
    /// The query whose values the block is evaluated on.
    pub query: Query,
    /// Written `query !empty { ... }`: an empty query fails instead of skipping.
    pub not_empty: bool,
    /// The body.
    pub block: Block,
    /// Where it is written.
    pub span: Span,
}

/// A type block.
#[derive(Debug, Clone)]
pub struct TypeBlock {
    /// The resource type.
    pub type_name: String,
    /// `when` conditions.
    pub conditions: Option<Conjunctions>,
    /// The body, evaluated on each resource of the type.
    pub block: Block,
    /// Where it is written.
    pub span: Span,
}

/// `[not] rule_name`.
#[derive(Debug, Clone)]
pub struct RuleRef {
    /// The rule named.
    pub name: String,
    /// `not` / `!`.
    pub negated: bool,
    /// The `<< message >>`.
    pub message: Option<String>,
    /// Where it is written.
    pub span: Span,
}

/// `rule_name(args)`.
#[derive(Debug, Clone)]
pub struct RuleCall {
    /// The rule called and its negation.
    pub rule: RuleRef,
    /// The arguments.
    pub args: Vec<LetValue>,
}

/// A query: parts applied left to right.
#[derive(Debug, Clone)]
pub struct Query {
    /// `some`: at least one value must pass, rather than all.
    pub some: bool,
    /// The parts.
    pub parts: Vec<QueryPart>,
    /// Where it is written.
    pub span: Span,
}

/// One step of a query.
#[derive(Debug, Clone)]
pub enum QueryPart {
    /// `%name` (first part) or `.%name` (keys named by a variable).
    Variable(String),
    /// `this`.
    This,
    /// `.key` or `."quoted key"`.
    Key(String),
    /// `[n]`.
    Index(i64),
    /// `.*`.
    AllValues,
    /// `[*]`.
    AllIndices,
    /// `[ clauses ]`.
    Filter(Conjunctions),
    /// `[ keys op rhs ]`.
    KeyFilter(CmpOp, bool, Option<LetValue>),
}

/// A literal value in a rule.
#[derive(Debug, Clone)]
pub enum Literal {
    /// A JSON-like value (with its span in the rule file).
    Value(Value),
    /// `/regex/`.
    Regex(RegexLiteral),
    /// `r[a, b)`.
    Range(Range),
    /// A list holding regexes or ranges among its items.
    List(Vec<Literal>, Span),
}

/// A `/regex/`: its syntax is checked when the rule file is parsed, and it is compiled the
/// first time a comparison uses it (most of a small run's start-up was compiling regexes of
/// clauses that never ran).
#[derive(Debug, Clone)]
pub struct RegexLiteral {
    /// The pattern as written.
    pub source: String,
    compiled: std::sync::OnceLock<Option<Regex>>,
}

impl RegexLiteral {
    /// A pattern whose syntax is valid.
    ///
    /// # Errors
    /// The regex engine's reason when `source` is not a valid pattern.
    pub fn new(source: String) -> Result<RegexLiteral, String> {
        fancy_regex::Expr::parse_tree(&source).map_err(|e| e.to_string())?;
        let compiled = std::sync::OnceLock::new();
        // Plain regex syntax is checked fully without compiling; a pattern with lookaround
        // or backreferences is compiled now, so its errors still show at parse time.
        if regex_syntax::Parser::new().parse(&source).is_err() {
            let regex = Regex::new(&source).map_err(|e| e.to_string())?;
            let _ = compiled.set(Some(regex));
        }
        Ok(RegexLiteral { source, compiled })
    }

    /// The compiled pattern; `None` when a pattern with valid syntax still cannot be compiled
    /// (over the engine's size limit), so that it matches nothing.
    pub fn regex(&self) -> Option<&Regex> {
        self.compiled
            .get_or_init(|| Regex::new(&self.source).ok())
            .as_ref()
    }
}

/// `r[a, b]`, `r(a, b)`, mixed bounds.
#[derive(Debug, Clone, PartialEq)]
pub struct Range {
    /// Lower bound.
    pub lower: f64,
    /// Upper bound.
    pub upper: f64,
    /// Whether the lower bound is included.
    pub lower_inclusive: bool,
    /// Whether the upper bound is included.
    pub upper_inclusive: bool,
    /// Whether the bounds are characters (`r['a', 'z']`): the range then holds one-character
    /// strings, and numbers otherwise.
    pub chars: bool,
}

impl Range {
    /// Whether `x` lies in the range.
    pub fn contains(&self, x: f64) -> bool {
        let above = if self.lower_inclusive {
            x >= self.lower
        } else {
            x > self.lower
        };
        let below = if self.upper_inclusive {
            x <= self.upper
        } else {
            x < self.upper
        };
        above && below
    }
}

#[cfg(test)]
mod tests {
    use super::RegexLiteral;

    #[test]
    fn regex_syntax_is_checked_when_parsed_and_compiled_when_used() {
        for bad in ["(", "[z-a]", "a{2,1}", "(?<=a+)b", "\\"] {
            assert!(RegexLiteral::new(bad.into()).is_err(), "{bad} was accepted");
        }
        let ok = RegexLiteral::new("^ami-[0-9a-f]+$".into()).unwrap();
        assert!(ok.regex().unwrap().is_match("ami-0abc").unwrap());
    }
}
