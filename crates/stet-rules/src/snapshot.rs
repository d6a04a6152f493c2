//! A parsed rule file in a compact binary form that loads without parsing: what a program
//! embeds for rules it ships (stet's built-in pack is parsed by `stet`'s build script and
//! loaded from its snapshots at every run — parsing was most of a small run's start-up).
//!
//! The form belongs to one version of this crate: a snapshot names the version that wrote it
//! and any other version refuses it ([`SnapshotError::Version`]), so a caller falls back to
//! parsing the text. Nothing is checked again when a snapshot is read — function names,
//! regexes and ranges were checked when the file was parsed — so read only snapshots this
//! crate wrote. Every AST type is destructured field by field here: a field added to the AST
//! does not compile until this module writes and reads it.

use crate::ast::*;
use crate::literal::{Lit, LitKind, Range, RegexLiteral};
use crate::meta::{RuleMeta, Severity};
use crate::RuleSet;
use std::sync::Arc;
use stet_graph::{Position, Span};

/// The first bytes of every snapshot.
const MAGIC: &[u8] = b"stet-rules snapshot\n";
/// Changed whenever the layout below changes within one crate version.
const LAYOUT: u32 = 1;

/// Why a snapshot could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SnapshotError {
    /// It was written by another version of stet-rules (or is not a snapshot at all).
    #[error("not a snapshot of stet-rules {} (layout {LAYOUT})", env!("CARGO_PKG_VERSION"))]
    Version,
    /// It ends early or holds a value this version cannot have written.
    #[error("snapshot damaged at byte {0}")]
    Damaged(usize),
}

impl RuleSet {
    /// This rule file in the snapshot form, for [`RuleSet::from_snapshot`].
    ///
    /// ```
    /// let rules = stet_rules::RuleSet::parse("s3.guard", "Resources.*.Type exists").unwrap();
    /// let loaded = stet_rules::RuleSet::from_snapshot(&rules.to_snapshot()).unwrap();
    /// assert_eq!(loaded.path(), "s3.guard");
    /// assert_eq!(loaded.rule_names(), rules.rule_names());
    /// ```
    pub fn to_snapshot(&self) -> Vec<u8> {
        let mut w = Writer {
            out: Vec::new(),
            file: None,
        };
        w.out.extend_from_slice(MAGIC);
        w.str(env!("CARGO_PKG_VERSION"));
        w.uint(u64::from(LAYOUT));
        let RuleSet {
            path,
            file,
            meta,
            max_steps,
        } = self;
        w.str(path);
        w.uint(*max_steps);
        w.meta(meta);
        w.rule_file(file);
        w.out
    }

    /// Reads a snapshot that [`RuleSet::to_snapshot`] of this version of the crate wrote.
    ///
    /// # Errors
    /// [`SnapshotError::Version`] for a snapshot of another version (parse the text instead),
    /// [`SnapshotError::Damaged`] for bytes that are not a whole snapshot.
    pub fn from_snapshot(bytes: &[u8]) -> Result<RuleSet, SnapshotError> {
        let rest = bytes.strip_prefix(MAGIC).ok_or(SnapshotError::Version)?;
        let mut r = Reader {
            bytes: rest,
            at: 0,
            file: Arc::from(""),
        };
        if r.str().ok() != Some(env!("CARGO_PKG_VERSION").to_string())
            || r.uint().ok() != Some(u64::from(LAYOUT))
        {
            return Err(SnapshotError::Version);
        }
        let path = r.str()?;
        r.file = Arc::from(path.as_str());
        let max_steps = r.uint()?;
        let meta = r.meta()?;
        let file = r.rule_file()?;
        if r.at != r.bytes.len() {
            return Err(SnapshotError::Damaged(MAGIC.len() + r.at));
        }
        Ok(RuleSet {
            path,
            file,
            meta,
            max_steps,
        })
    }
}

/// Writes values: unsigned integers as LEB128, strings as length and bytes, options and
/// enums as a tag byte, lists as a length and their items. Spans name the rule file once, in
/// the header; a span in another file (none today) is written with its name.
struct Writer<'a> {
    out: Vec<u8>,
    file: Option<&'a str>,
}

impl<'a> Writer<'a> {
    fn uint(&mut self, mut n: u64) {
        loop {
            let byte = (n & 0x7f) as u8;
            n >>= 7;
            if n == 0 {
                self.out.push(byte);
                return;
            }
            self.out.push(byte | 0x80);
        }
    }

    fn int(&mut self, n: i64) {
        // Zigzag, so that small negative numbers stay small.
        self.uint(((n << 1) ^ (n >> 63)) as u64);
    }

    fn usize(&mut self, n: usize) {
        self.uint(n as u64);
    }

    fn tag(&mut self, tag: u8) {
        self.out.push(tag);
    }

    fn bool(&mut self, b: bool) {
        self.tag(u8::from(b));
    }

    fn str(&mut self, s: &str) {
        self.usize(s.len());
        self.out.extend_from_slice(s.as_bytes());
    }

    fn opt_str(&mut self, s: &Option<String>) {
        match s {
            None => self.tag(0),
            Some(s) => {
                self.tag(1);
                self.str(s);
            }
        }
    }

    fn position(&mut self, p: &Position) {
        let Position {
            line,
            column,
            offset,
        } = p;
        self.uint(u64::from(*line));
        self.uint(u64::from(*column));
        self.usize(*offset);
    }

    fn span(&mut self, span: &'a Span) {
        let Span { file, start, end } = span;
        match self.file {
            Some(f) if f == &**file => self.tag(0),
            _ => {
                self.tag(1);
                self.str(file);
                self.file = Some(file);
            }
        }
        self.position(start);
        self.position(end);
    }

    fn meta(&mut self, meta: &RuleMeta) {
        let RuleMeta {
            id,
            title,
            severity,
            formats,
            remediation,
            docs,
            since,
            description,
            view,
        } = meta;
        self.opt_str(id);
        self.opt_str(title);
        self.tag(match severity {
            None => 0,
            Some(Severity::Info) => 1,
            Some(Severity::Low) => 2,
            Some(Severity::Medium) => 3,
            Some(Severity::High) => 4,
        });
        self.usize(formats.len());
        for f in formats {
            self.str(f);
        }
        self.opt_str(remediation);
        self.opt_str(docs);
        self.opt_str(since);
        self.opt_str(description);
        self.opt_str(view);
    }

    fn rule_file(&mut self, file: &'a RuleFile) {
        let RuleFile {
            assignments,
            rules,
            parameterized,
        } = file;
        self.assignments(assignments);
        self.usize(rules.len());
        for rule in rules {
            self.rule(rule);
        }
        self.usize(parameterized.len());
        for p in parameterized {
            let ParameterizedRule { parameters, rule } = p;
            self.usize(parameters.len());
            for name in parameters {
                self.str(name);
            }
            self.rule(rule);
        }
    }

    fn assignments(&mut self, assignments: &'a [Assignment]) {
        self.usize(assignments.len());
        for a in assignments {
            let Assignment { name, value, span } = a;
            self.str(name);
            self.let_value(value);
            self.span(span);
        }
    }

    fn let_value(&mut self, value: &'a LetValue) {
        match value {
            LetValue::Literal(lit) => {
                self.tag(0);
                self.lit(lit);
            }
            LetValue::Query(q) => {
                self.tag(1);
                self.query(q);
            }
            LetValue::Function(call) => {
                self.tag(2);
                let FunctionCall { name, args, span } = call;
                self.str(name);
                self.let_values(args);
                self.span(span);
            }
        }
    }

    fn let_values(&mut self, values: &'a [LetValue]) {
        self.usize(values.len());
        for v in values {
            self.let_value(v);
        }
    }

    fn rule(&mut self, rule: &'a Rule) {
        let Rule {
            name,
            conditions,
            block,
            span,
        } = rule;
        self.str(name);
        self.opt_conjunctions(conditions);
        self.block(block);
        self.span(span);
    }

    fn block(&mut self, block: &'a Block) {
        let Block {
            assignments,
            clauses,
        } = block;
        self.assignments(assignments);
        self.conjunctions(clauses);
    }

    fn opt_conjunctions(&mut self, c: &'a Option<Conjunctions>) {
        match c {
            None => self.tag(0),
            Some(c) => {
                self.tag(1);
                self.conjunctions(c);
            }
        }
    }

    fn conjunctions(&mut self, c: &'a Conjunctions) {
        self.usize(c.len());
        for disjunction in c {
            self.usize(disjunction.len());
            for clause in disjunction {
                self.clause(clause);
            }
        }
    }

    fn rule_ref(&mut self, r: &'a RuleRef) {
        let RuleRef {
            name,
            negated,
            message,
            span,
        } = r;
        self.str(name);
        self.bool(*negated);
        self.opt_str(message);
        self.span(span);
    }

    fn clause(&mut self, clause: &'a Clause) {
        match clause {
            Clause::Access(a) => {
                self.tag(0);
                let AccessClause {
                    query,
                    op,
                    op_negated,
                    negated,
                    rhs,
                    message,
                    span,
                } = a;
                self.query(query);
                self.tag(cmp_op_tag(*op));
                self.bool(*op_negated);
                self.bool(*negated);
                match rhs {
                    None => self.tag(0),
                    Some(v) => {
                        self.tag(1);
                        self.let_value(v);
                    }
                }
                self.opt_str(message);
                self.span(span);
            }
            Clause::Block(b) => {
                self.tag(1);
                let BlockClause {
                    query,
                    not_empty,
                    block,
                    span,
                } = b;
                self.query(query);
                self.bool(*not_empty);
                self.block(block);
                self.span(span);
            }
            Clause::When(w) => {
                self.tag(2);
                let When {
                    conditions,
                    block,
                    span,
                } = w;
                self.conjunctions(conditions);
                self.block(block);
                self.span(span);
            }
            Clause::Type(t) => {
                self.tag(3);
                let TypeBlock {
                    type_name,
                    conditions,
                    block,
                    query,
                    span,
                } = t;
                self.str(type_name);
                self.opt_conjunctions(conditions);
                self.block(block);
                self.query(query);
                self.span(span);
            }
            Clause::RuleRef(r) => {
                self.tag(4);
                self.rule_ref(r);
            }
            Clause::RuleCall(c) => {
                self.tag(5);
                let RuleCall { rule, args } = c;
                self.rule_ref(rule);
                self.let_values(args);
            }
        }
    }

    fn query(&mut self, q: &'a Query) {
        let Query {
            match_all,
            parts,
            span,
        } = q;
        self.bool(*match_all);
        self.usize(parts.len());
        for part in parts {
            self.query_part(part);
        }
        self.span(span);
    }

    fn query_part(&mut self, part: &'a QueryPart) {
        match part {
            QueryPart::This => self.tag(0),
            QueryPart::Key(k) => {
                self.tag(1);
                self.str(k);
            }
            QueryPart::Index(i) => {
                self.tag(2);
                self.int(*i);
            }
            QueryPart::AllValues(name) => {
                self.tag(3);
                self.opt_str(name);
            }
            QueryPart::AllIndices(name) => {
                self.tag(4);
                self.opt_str(name);
            }
            QueryPart::Filter(name, c) => {
                self.tag(5);
                self.opt_str(name);
                self.conjunctions(c);
            }
            QueryPart::KeyFilter(name, filter) => {
                self.tag(6);
                self.opt_str(name);
                let KeyFilter { op, value } = filter;
                self.tag(match op {
                    KeyOp::Eq => 0,
                    KeyOp::NotEq => 1,
                    KeyOp::In => 2,
                    KeyOp::NotIn => 3,
                });
                self.let_value(value);
            }
        }
    }

    fn lit(&mut self, lit: &'a Lit) {
        let Lit { kind, span } = lit;
        match kind {
            LitKind::Null => self.tag(0),
            LitKind::Bool(b) => {
                self.tag(1);
                self.bool(*b);
            }
            LitKind::Int(i) => {
                self.tag(2);
                self.int(*i);
            }
            LitKind::Float(f) => {
                self.tag(3);
                self.uint(f.to_bits());
            }
            LitKind::Char(c) => {
                self.tag(4);
                self.uint(u64::from(u32::from(*c)));
            }
            LitKind::String(s) => {
                self.tag(5);
                self.str(s);
            }
            LitKind::Regex(r) => {
                self.tag(6);
                self.str(&r.source);
            }
            LitKind::List(items) => {
                self.tag(7);
                self.usize(items.len());
                for item in items {
                    self.lit(item);
                }
            }
            LitKind::Map(entries) => {
                self.tag(8);
                self.usize(entries.len());
                for (key, value) in entries {
                    self.str(key);
                    self.lit(value);
                }
            }
            LitKind::RangeInt(r) => {
                self.tag(9);
                self.int(r.lower);
                self.int(r.upper);
                self.range_ends(r);
            }
            LitKind::RangeFloat(r) => {
                self.tag(10);
                self.uint(r.lower.to_bits());
                self.uint(r.upper.to_bits());
                self.range_ends(r);
            }
            LitKind::RangeChar(r) => {
                self.tag(11);
                self.uint(u64::from(u32::from(r.lower)));
                self.uint(u64::from(u32::from(r.upper)));
                self.range_ends(r);
            }
        }
        self.span(span);
    }

    fn range_ends<T>(&mut self, r: &Range<T>) {
        let Range {
            lower: _,
            upper: _,
            lower_inclusive,
            upper_inclusive,
        } = r;
        self.bool(*lower_inclusive);
        self.bool(*upper_inclusive);
    }
}

fn cmp_op_tag(op: CmpOp) -> u8 {
    match op {
        CmpOp::Eq => 0,
        CmpOp::In => 1,
        CmpOp::Gt => 2,
        CmpOp::Ge => 3,
        CmpOp::Lt => 4,
        CmpOp::Le => 5,
        CmpOp::Exists => 6,
        CmpOp::Empty => 7,
        CmpOp::IsString => 8,
        CmpOp::IsList => 9,
        CmpOp::IsStruct => 10,
        CmpOp::IsBool => 11,
        CmpOp::IsInt => 12,
        CmpOp::IsFloat => 13,
        CmpOp::IsNull => 14,
    }
}

const CMP_OPS: [CmpOp; 15] = [
    CmpOp::Eq,
    CmpOp::In,
    CmpOp::Gt,
    CmpOp::Ge,
    CmpOp::Lt,
    CmpOp::Le,
    CmpOp::Exists,
    CmpOp::Empty,
    CmpOp::IsString,
    CmpOp::IsList,
    CmpOp::IsStruct,
    CmpOp::IsBool,
    CmpOp::IsInt,
    CmpOp::IsFloat,
    CmpOp::IsNull,
];

type R<T> = Result<T, SnapshotError>;

/// Reads what [`Writer`] wrote; any byte out of place is [`SnapshotError::Damaged`].
struct Reader<'b> {
    bytes: &'b [u8],
    at: usize,
    file: Arc<str>,
}

impl Reader<'_> {
    fn damaged<T>(&self) -> R<T> {
        Err(SnapshotError::Damaged(MAGIC.len() + self.at))
    }

    fn byte(&mut self) -> R<u8> {
        match self.bytes.get(self.at) {
            Some(b) => {
                self.at += 1;
                Ok(*b)
            }
            None => self.damaged(),
        }
    }

    fn uint(&mut self) -> R<u64> {
        let mut n: u64 = 0;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            n |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(n);
            }
        }
        self.damaged()
    }

    fn int(&mut self) -> R<i64> {
        let n = self.uint()?;
        Ok(((n >> 1) as i64) ^ -((n & 1) as i64))
    }

    fn usize(&mut self) -> R<usize> {
        let n = self.uint()?;
        usize::try_from(n).or_else(|_| self.damaged())
    }

    fn u32(&mut self) -> R<u32> {
        let n = self.uint()?;
        u32::try_from(n).or_else(|_| self.damaged())
    }

    fn char(&mut self) -> R<char> {
        let n = self.u32()?;
        char::from_u32(n).map_or_else(|| self.damaged(), Ok)
    }

    fn bool(&mut self) -> R<bool> {
        match self.byte()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => self.damaged(),
        }
    }

    /// A length, which cannot exceed the bytes left (every item takes at least one byte).
    fn len(&mut self) -> R<usize> {
        let n = self.usize()?;
        if n > self.bytes.len() - self.at {
            return self.damaged();
        }
        Ok(n)
    }

    fn str(&mut self) -> R<String> {
        let n = self.len()?;
        let Some(raw) = self.bytes.get(self.at..self.at + n) else {
            return self.damaged();
        };
        match std::str::from_utf8(raw) {
            Ok(s) => {
                self.at += n;
                Ok(s.to_string())
            }
            Err(_) => self.damaged(),
        }
    }

    fn opt_str(&mut self) -> R<Option<String>> {
        match self.byte()? {
            0 => Ok(None),
            1 => Ok(Some(self.str()?)),
            _ => self.damaged(),
        }
    }

    fn position(&mut self) -> R<Position> {
        Ok(Position {
            line: self.u32()?,
            column: self.u32()?,
            offset: self.usize()?,
        })
    }

    fn span(&mut self) -> R<Span> {
        match self.byte()? {
            0 => {}
            1 => self.file = Arc::from(self.str()?.as_str()),
            _ => return self.damaged(),
        }
        Ok(Span {
            file: self.file.clone(),
            start: self.position()?,
            end: self.position()?,
        })
    }

    fn meta(&mut self) -> R<RuleMeta> {
        let id = self.opt_str()?;
        let title = self.opt_str()?;
        let severity = match self.byte()? {
            0 => None,
            1 => Some(Severity::Info),
            2 => Some(Severity::Low),
            3 => Some(Severity::Medium),
            4 => Some(Severity::High),
            _ => return self.damaged(),
        };
        let n = self.len()?;
        let formats = (0..n).map(|_| self.str()).collect::<R<Vec<_>>>()?;
        Ok(RuleMeta {
            id,
            title,
            severity,
            formats,
            remediation: self.opt_str()?,
            docs: self.opt_str()?,
            since: self.opt_str()?,
            description: self.opt_str()?,
            view: self.opt_str()?,
        })
    }

    fn rule_file(&mut self) -> R<RuleFile> {
        let assignments = self.assignments()?;
        let n = self.len()?;
        let rules = (0..n).map(|_| self.rule()).collect::<R<Vec<_>>>()?;
        let n = self.len()?;
        let mut parameterized = Vec::with_capacity(n);
        for _ in 0..n {
            let count = self.len()?;
            let parameters = (0..count).map(|_| self.str()).collect::<R<Vec<_>>>()?;
            parameterized.push(ParameterizedRule {
                parameters,
                rule: self.rule()?,
            });
        }
        Ok(RuleFile {
            assignments,
            rules,
            parameterized,
        })
    }

    fn assignments(&mut self) -> R<Vec<Assignment>> {
        let n = self.len()?;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            out.push(Assignment {
                name: self.str()?,
                value: self.let_value()?,
                span: self.span()?,
            });
        }
        Ok(out)
    }

    fn let_value(&mut self) -> R<LetValue> {
        Ok(match self.byte()? {
            0 => LetValue::Literal(self.lit()?),
            1 => LetValue::Query(self.query()?),
            2 => LetValue::Function(FunctionCall {
                name: self.str()?,
                args: self.let_values()?,
                span: self.span()?,
            }),
            _ => return self.damaged(),
        })
    }

    fn let_values(&mut self) -> R<Vec<LetValue>> {
        let n = self.len()?;
        (0..n).map(|_| self.let_value()).collect()
    }

    fn rule(&mut self) -> R<Rule> {
        Ok(Rule {
            name: self.str()?,
            conditions: self.opt_conjunctions()?,
            block: self.block()?,
            span: self.span()?,
        })
    }

    fn block(&mut self) -> R<Block> {
        Ok(Block {
            assignments: self.assignments()?,
            clauses: self.conjunctions()?,
        })
    }

    fn opt_conjunctions(&mut self) -> R<Option<Conjunctions>> {
        match self.byte()? {
            0 => Ok(None),
            1 => Ok(Some(self.conjunctions()?)),
            _ => self.damaged(),
        }
    }

    fn conjunctions(&mut self) -> R<Conjunctions> {
        let n = self.len()?;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            let count = self.len()?;
            out.push((0..count).map(|_| self.clause()).collect::<R<Vec<_>>>()?);
        }
        Ok(out)
    }

    fn rule_ref(&mut self) -> R<RuleRef> {
        Ok(RuleRef {
            name: self.str()?,
            negated: self.bool()?,
            message: self.opt_str()?,
            span: self.span()?,
        })
    }

    fn clause(&mut self) -> R<Clause> {
        Ok(match self.byte()? {
            0 => {
                let query = self.query()?;
                let op = match CMP_OPS.get(usize::from(self.byte()?)) {
                    Some(op) => *op,
                    None => return self.damaged(),
                };
                let op_negated = self.bool()?;
                let negated = self.bool()?;
                let rhs = match self.byte()? {
                    0 => None,
                    1 => Some(self.let_value()?),
                    _ => return self.damaged(),
                };
                Clause::Access(AccessClause {
                    query,
                    op,
                    op_negated,
                    negated,
                    rhs,
                    message: self.opt_str()?,
                    span: self.span()?,
                })
            }
            1 => Clause::Block(BlockClause {
                query: self.query()?,
                not_empty: self.bool()?,
                block: self.block()?,
                span: self.span()?,
            }),
            2 => Clause::When(When {
                conditions: self.conjunctions()?,
                block: self.block()?,
                span: self.span()?,
            }),
            3 => Clause::Type(TypeBlock {
                type_name: self.str()?,
                conditions: self.opt_conjunctions()?,
                block: self.block()?,
                query: self.query()?,
                span: self.span()?,
            }),
            4 => Clause::RuleRef(self.rule_ref()?),
            5 => Clause::RuleCall(RuleCall {
                rule: self.rule_ref()?,
                args: self.let_values()?,
            }),
            _ => return self.damaged(),
        })
    }

    fn query(&mut self) -> R<Query> {
        let match_all = self.bool()?;
        let n = self.len()?;
        let parts = (0..n).map(|_| self.query_part()).collect::<R<Vec<_>>>()?;
        Ok(Query {
            match_all,
            parts,
            span: self.span()?,
        })
    }

    fn query_part(&mut self) -> R<QueryPart> {
        Ok(match self.byte()? {
            0 => QueryPart::This,
            1 => QueryPart::Key(self.str()?),
            2 => QueryPart::Index(self.int()?),
            3 => QueryPart::AllValues(self.opt_str()?),
            4 => QueryPart::AllIndices(self.opt_str()?),
            5 => QueryPart::Filter(self.opt_str()?, self.conjunctions()?),
            6 => {
                let name = self.opt_str()?;
                let op = match self.byte()? {
                    0 => KeyOp::Eq,
                    1 => KeyOp::NotEq,
                    2 => KeyOp::In,
                    3 => KeyOp::NotIn,
                    _ => return self.damaged(),
                };
                QueryPart::KeyFilter(
                    name,
                    KeyFilter {
                        op,
                        value: Box::new(self.let_value()?),
                    },
                )
            }
            _ => return self.damaged(),
        })
    }

    fn range_ends<T>(&mut self, lower: T, upper: T) -> R<Range<T>> {
        Ok(Range {
            lower,
            upper,
            lower_inclusive: self.bool()?,
            upper_inclusive: self.bool()?,
        })
    }

    fn lit(&mut self) -> R<Lit> {
        let kind = match self.byte()? {
            0 => LitKind::Null,
            1 => LitKind::Bool(self.bool()?),
            2 => LitKind::Int(self.int()?),
            3 => LitKind::Float(f64::from_bits(self.uint()?)),
            4 => LitKind::Char(self.char()?),
            5 => LitKind::String(self.str()?),
            6 => LitKind::Regex(RegexLiteral::checked(self.str()?)),
            7 => {
                let n = self.len()?;
                LitKind::List((0..n).map(|_| self.lit()).collect::<R<Vec<_>>>()?)
            }
            8 => {
                let n = self.len()?;
                let mut entries = Vec::with_capacity(n);
                for _ in 0..n {
                    entries.push((self.str()?, self.lit()?));
                }
                LitKind::Map(entries)
            }
            9 => {
                let (lower, upper) = (self.int()?, self.int()?);
                LitKind::RangeInt(self.range_ends(lower, upper)?)
            }
            10 => {
                let lower = f64::from_bits(self.uint()?);
                let upper = f64::from_bits(self.uint()?);
                LitKind::RangeFloat(self.range_ends(lower, upper)?)
            }
            11 => {
                let (lower, upper) = (self.char()?, self.char()?);
                LitKind::RangeChar(self.range_ends(lower, upper)?)
            }
            _ => return self.damaged(),
        };
        Ok(Lit {
            kind,
            span: self.span()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kind of AST node: assignments of literals, queries and functions; named,
    /// parameterized and conditional rules; every clause; every query part and comparison;
    /// every literal, ranges of each kind, regexes with and without look-around.
    const EVERYTHING: &str = r#"
# stet:
#   id: TST001
#   title: Everything
#   severity: high
#   formats: [terraform, cloudformation]
#   remediation: Do it.
#   docs: https://example.org/TST001
#   since: 0.1.0
#   view: resolved
#
# What it flags.

let buckets = Resources.*[ Type == 'AWS::S3::Bucket' ]
let nothing = null
let answers = [1, -2, 3.5, true, "x", {a: 1, "b c": [r(1, 5), r[1.5, 2.5), r(a, z]]}]
let lowered = to_lower(%buckets.Properties.BucketName)
let joined = join(["a", "b"], ",")
let upper = regex_replace("abc", /(?<x>b)/, "${x}")

rule parameterized(names, limit) {
    %names !empty
    %limit >= 1
}

rule named when %buckets !empty {
    %buckets.Properties.Tags[*].Key == /^[a-z]+(?=-)/ << a message >>
    %buckets[0].Properties.Size in r[1, 10]
    %buckets.Properties.Versioning exists or %buckets.Properties.Legacy not exists
    %buckets.* is_string
    some %buckets.Properties[ keys == 'Name' ] !empty
    %buckets.Properties[ keys != /Tag/ ] is_struct
    %buckets.Properties[ keys in ['A', 'B'] ] is_list
    %buckets.Properties[ keys not in ['C'] ] is_bool
    %buckets.Properties.Count is_int
    %buckets.Properties.Ratio is_float
    %buckets.Properties.Gone is_null
    %buckets.Properties.Name != "x"
    %buckets.Properties.A > 1
    %buckets.Properties.B < 2
    %buckets.Properties.C <= 'c'
    %buckets.Properties.List[*] empty
    %buckets.Properties.Map.*[ this == 1 ] !empty
    %buckets.Properties { Name exists  Size > 0 }
    when %buckets.Properties.Flag == true { %buckets.Properties.Other exists }
    parameterized(%buckets, 3)
    not named_too
    named_too << referenced >>
}

rule named_too { Resources exists }

AWS::S3::Bucket when Properties.Encrypted == true {
    Properties.Key exists
}
"#;

    #[test]
    fn a_snapshot_loads_as_the_parsed_file() {
        let parsed = RuleSet::parse("everything.guard", EVERYTHING).unwrap();
        let snapshot = parsed.to_snapshot();
        let loaded = RuleSet::from_snapshot(&snapshot).unwrap();
        assert_eq!(format!("{loaded:?}"), format!("{parsed:?}"));
        assert_eq!(loaded.meta(), parsed.meta());
        assert_eq!(loaded.meta().severity, Some(Severity::High));
        // What the file evaluates to does not depend on how it was loaded.
        let document = stet_graph::Value::new(
            stet_graph::ValueKind::Null,
            Span::file_start(Arc::from("d")),
        );
        assert_eq!(
            format!("{:?}", loaded.evaluate(&document)),
            format!("{:?}", parsed.evaluate(&document))
        );
    }

    #[test]
    fn another_version_or_damage_is_refused() {
        let parsed = RuleSet::parse("r.guard", "Resources exists").unwrap();
        let snapshot = parsed.to_snapshot();
        assert_eq!(
            RuleSet::from_snapshot(b"Resources exists").unwrap_err(),
            SnapshotError::Version
        );
        let mut other = snapshot.clone();
        // The version string follows the magic and its length byte.
        other[MAGIC.len() + 1] ^= 1;
        assert_eq!(
            RuleSet::from_snapshot(&other).unwrap_err(),
            SnapshotError::Version
        );
        for cut in [snapshot.len() - 1, snapshot.len() / 2] {
            assert!(matches!(
                RuleSet::from_snapshot(&snapshot[..cut]),
                Err(SnapshotError::Damaged(_))
            ));
        }
        let mut longer = snapshot.clone();
        longer.push(0);
        assert!(matches!(
            RuleSet::from_snapshot(&longer),
            Err(SnapshotError::Damaged(_))
        ));
    }
}
