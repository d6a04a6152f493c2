//! The parsed form of a rule file, shaped as cfn-guard 3.2.1 shapes it: a file of `let`
//! assignments, named rules (clauses outside any rule form the rule `default`) and
//! parameterized rules; clauses joined by AND (adjacent) and OR (`or`); queries as lists of
//! parts. Built by `parse`, read by `eval`; nothing here evaluates.

use crate::literal::Lit;
use stet_graph::Span;

/// A whole rule file.
#[derive(Debug, Clone, Default)]
pub struct RuleFile {
    /// File-level `let` assignments.
    pub assignments: Vec<Assignment>,
    /// Named rules, in file order; the rule `default` (clauses outside any rule) comes first,
    /// as cfn-guard puts it.
    pub rules: Vec<Rule>,
    /// Parameterized rules, called as clauses.
    pub parameterized: Vec<ParameterizedRule>,
}

/// `let name = value` (or `:=`).
#[derive(Debug, Clone)]
pub struct Assignment {
    /// The variable's name.
    pub name: String,
    /// What it is bound to.
    pub value: LetValue,
    /// Where it is written.
    pub span: Span,
}

/// What a variable, a right-hand side, a call argument or a key filter compares with.
#[derive(Debug, Clone)]
pub enum LetValue {
    /// A literal value.
    Literal(Lit),
    /// A query over the document.
    Query(Query),
    /// A function call.
    Function(FunctionCall),
}

/// `name(arg, ...)`: one of the built-in functions, with the argument count it takes
/// (both checked when the file is parsed, as cfn-guard checks them).
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
    /// The rule (parameterized rules take no `when`).
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

/// One clause. Which kinds may appear where (a rule reference in a rule body but not in a
/// block clause, a type block only in a rule body or at the top) is the parser's business;
/// the evaluator takes any.
#[derive(Debug, Clone)]
pub enum Clause {
    /// `query op rhs` or `query unary_op`.
    Access(AccessClause),
    /// `query [!empty] { ... }`.
    Block(BlockClause),
    /// `when conditions { ... }`.
    When(When),
    /// `AWS::S3::Bucket [when ...] { ... }` (or a single clause after the type name).
    Type(TypeBlock),
    /// `[not] rule_name`.
    RuleRef(RuleRef),
    /// `[not] rule_name(args)`.
    RuleCall(RuleCall),
}

impl Clause {
    /// Where the clause is written.
    pub fn span(&self) -> &Span {
        match self {
            Clause::Access(a) => &a.span,
            Clause::Block(b) => &b.span,
            Clause::When(w) => &w.span,
            Clause::Type(t) => &t.span,
            Clause::RuleRef(r) => &r.span,
            Clause::RuleCall(c) => &c.rule.span,
        }
    }
}

/// `when conditions { ... }`.
#[derive(Debug, Clone)]
pub struct When {
    /// The conditions (access clauses, rule references and calls).
    pub conditions: Conjunctions,
    /// The guarded body.
    pub block: Block,
    /// Where it is written.
    pub span: Span,
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
    /// `EXISTS`.
    Exists,
    /// `EMPTY`.
    Empty,
    /// `IS_STRING`.
    IsString,
    /// `IS_LIST`.
    IsList,
    /// `IS_STRUCT`.
    IsStruct,
    /// `IS_BOOL`.
    IsBool,
    /// `IS_INT`.
    IsInt,
    /// `IS_FLOAT`.
    IsFloat,
    /// `IS_NULL`.
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

/// `[not] query op rhs << message >>`.
#[derive(Debug, Clone)]
pub struct AccessClause {
    /// The left-hand query.
    pub query: Query,
    /// The operator.
    pub op: CmpOp,
    /// Whether the operator is negated (`!=`, `NOT IN`, `!EXISTS`).
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

/// `[some] query [!empty] { ... }`.
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

/// A type block: its body evaluated on every resource of the type.
#[derive(Debug, Clone)]
pub struct TypeBlock {
    /// The resource type.
    pub type_name: String,
    /// `when` conditions, evaluated on each resource.
    pub conditions: Option<Conjunctions>,
    /// The body.
    pub block: Block,
    /// The query selecting the resources: `Resources.*[ Type == '<type>' ]`.
    pub query: Query,
    /// Where it is written.
    pub span: Span,
}

/// `[not] rule_name << message >>`.
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

/// `[not] rule_name(args) << message >>`.
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
    /// Not written with `some`: every value must pass, rather than one.
    pub match_all: bool,
    /// The parts. A leading `%name` is `Key("%name")`, followed by an `AllIndices(None)`
    /// when more parts follow, exactly as cfn-guard builds it.
    pub parts: Vec<QueryPart>,
    /// Where it is written.
    pub span: Span,
}

impl Query {
    /// The variable a query that is only `%name` names.
    pub fn lone_variable(&self) -> Option<&str> {
        match self.parts.as_slice() {
            [part] => part.variable(),
            _ => None,
        }
    }
}

/// One step of a query.
#[derive(Debug, Clone)]
pub enum QueryPart {
    /// `this`.
    This,
    /// `.key`, `."quoted key"`, `['quoted key']`, or `%name` (a variable: first, its values;
    /// later, the keys it names).
    Key(String),
    /// `[n]` or `.n`.
    Index(i64),
    /// `.*`, or `[ name ]` (capturing each map key into `%name`).
    AllValues(Option<String>),
    /// `[*]`, or `[name]` (capturing each map key into `%name`).
    AllIndices(Option<String>),
    /// `[ name | clauses ]`: values for which the clauses pass.
    Filter(Option<String>, Conjunctions),
    /// `[ keys op value ]`: values whose key compares.
    KeyFilter(Option<String>, KeyFilter),
}

impl QueryPart {
    /// The variable this part names (`%name`), if it does.
    pub fn variable(&self) -> Option<&str> {
        match self {
            QueryPart::Key(k) => k.strip_prefix('%'),
            _ => None,
        }
    }
}

/// The comparison of a `[ keys op value ]` filter.
#[derive(Debug, Clone)]
pub struct KeyFilter {
    /// `==`, `!=`, `IN` or `NOT IN`.
    pub op: KeyOp,
    /// What the keys are compared with.
    pub value: Box<LetValue>,
}

/// The four comparators a key filter accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyOp {
    /// `==`.
    Eq,
    /// `!=`.
    NotEq,
    /// `IN`.
    In,
    /// `NOT IN`.
    NotIn,
}
