//! A grammar-directed generator of rule files, for differential testing against cfn-guard.
//!
//! Each case is a rule file built by walking the productions of cfn-guard 3.2.1's grammar
//! (files of `let`s, rules, parameterized rules, type blocks and clauses; clauses of every
//! kind; queries of every part; every operator in its spellings; literals of every kind;
//! function calls), with white space, newlines and comments placed where the grammar allows
//! them and, now and then, where it does not. A quarter of the cases are then made into
//! near-misses by one small edit (a character dropped, doubled, swapped or inserted; a space
//! taken out; a keyword's case changed), so the generator exercises what the parser rejects as
//! much as what it accepts. Names come from the vocabulary of the documents the cases are
//! evaluated on (`fixtures/guard-differential/documents/`), so that queries find values.
//!
//! Generation is deterministic: case `i` of seed `s` is always the same text, on any machine.

/// A small, fast, deterministic random number generator (SplitMix64).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// True `percent` times in a hundred.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// The text of case `index` of `seed`.
pub fn case(seed: u64, index: u64) -> String {
    let mut rng = Rng::new(seed ^ index.wrapping_mul(0xD6E8_FEB8_6659_FD93));
    let mut g = Gen {
        rng: Rng::new(rng.next()),
        vars: Vec::new(),
        rules: Vec::new(),
        params: Vec::new(),
        scope: Vec::new(),
    };
    let text = g.file();
    if rng.chance(25) {
        mutate(&mut rng, &text)
    } else {
        text
    }
}

/// A stable hash of a case's text (FNV-1a), to tell a recorded answer from a stale one.
pub fn hash(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

const KEYS: &[&str] = &[
    "Resources",
    "Type",
    "Properties",
    "Tags",
    "Key",
    "Value",
    "Name",
    "Size",
    "Enabled",
    "Encrypted",
    "Items",
    "Nested",
    "Empty",
    "Nothing",
    "Count",
    "Ratio",
    "Metadata",
    "Parameters",
    "Default",
    "List",
    "Map",
    "Ref",
    "Fn::GetAtt",
    "aws:cdk:path",
    "Missing",
    "name",
    "value",
    "tags",
    "Condition",
    "Flat",
    "Numbers",
    "resource_changes",
    "change",
    "after",
    "type",
    "actions",
    "Bucket",
    "Queue",
    "Volume",
    "Role",
];

const TYPES: &[&str] = &[
    "AWS::S3::Bucket",
    "AWS::SQS::Queue",
    "AWS::EC2::Volume",
    "AWS::IAM::Role",
    "Custom::Thing",
    "AWS::SNS::Topic",
    "AWS::S3::Bucket::MODULE",
];

/// Paths into the documents.
const PATHS: &[&str] = &[
    "Resources",
    "Resources.*",
    "Resources.Bucket",
    "Resources.*.Type",
    "Resources.*.Properties",
    "Resources.*.Properties.Tags[*]",
    "Resources.*.Properties.Tags[*].Key",
    "Resources.*[ Type == 'AWS::S3::Bucket' ]",
    "Resources.*.Properties.Size",
    "Resources.Queue.Properties.Nested.List[*]",
    "Resources.Volume.Properties.Items",
    "Parameters.Env.Default",
    "Parameters.*.Default",
    "Numbers[*]",
    "Numbers",
    "Items",
    "Flat",
    "Nested.Tags[*].Key",
    "resource_changes[*].change.actions",
    "resource_changes[*].type",
    "Properties.Tags",
    "Properties.List[*]",
    "Properties.Map",
    "Type",
    "Resources[*].Type",
    "Resources.*.Properties.Name",
    "Resources.*.Properties.Encrypted",
    "Resources.Role.Properties.Empty",
];

const STRINGS: &[&str] = &[
    "a",
    "prod",
    "logs-bucket",
    "",
    "AWS::S3::Bucket",
    "AWS::EC2::Volume",
    "env",
    "team",
    "x/y",
    "gp2",
    "true",
    "5",
    "A",
    "it's",
    "us-east-1",
    "AES256",
    "aws:kms",
];

const FUNCTIONS: &[(&str, usize)] = &[
    ("count", 1),
    ("to_lower", 1),
    ("to_upper", 1),
    ("join", 2),
    ("substring", 3),
    ("regex_replace", 3),
    ("json_parse", 1),
    ("parse_int", 1),
    ("parse_float", 1),
    ("parse_string", 1),
    ("parse_boolean", 1),
    ("parse_char", 1),
    ("url_decode", 1),
    ("parse_epoch", 1),
    ("nope", 1),
];

struct Gen {
    rng: Rng,
    /// Variables defined so far (file level and enclosing blocks).
    vars: Vec<String>,
    /// Named rules defined so far.
    rules: Vec<String>,
    /// Parameterized rules and their parameter counts.
    params: Vec<(String, usize)>,
    /// Nesting depth of clauses.
    scope: Vec<()>,
}

impl Gen {
    fn chance(&mut self, p: u64) -> bool {
        self.rng.chance(p)
    }

    fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        self.rng.pick(items).clone()
    }

    /// A form the grammar does not allow, now and then.
    fn slip(&mut self) -> bool {
        self.rng.chance(4)
    }

    fn deep(&self) -> bool {
        self.scope.len() >= 3
    }

    /// White space between tokens: usually a space, sometimes a newline, a tab or a comment.
    fn ws(&mut self) -> String {
        match self.rng.below(20) {
            0 => "\n    ".into(),
            1 => "\t".into(),
            2 => " # note\n  ".into(),
            3 => "  ".into(),
            _ => " ".into(),
        }
    }

    fn name(&mut self, prefix: &str) -> String {
        let n = self.rng.below(6);
        format!("{prefix}{n}")
    }

    fn file(&mut self) -> String {
        let mut items = Vec::new();
        let count = 1 + self.rng.below(5);
        for i in 0..count {
            // Definitions come first more often than not, so later items can use them.
            let choice = if i == 0 && self.chance(50) {
                self.rng.below(3) * 3
            } else {
                self.rng.below(10)
            };
            let item = match choice {
                0 | 1 => self.let_item(),
                2..=5 => self.rule_item(),
                6 => self.param_rule_item(),
                7 => self.type_block(),
                8 => self.when_block(Body::ClauseOrRule),
                _ => self.disjunction(Body::Clause),
            };
            items.push(item);
        }
        let sep = if self.chance(80) {
            "\n"
        } else {
            "\n\n# comment\n"
        };
        let mut text = items.join(sep);
        if self.chance(50) {
            text.push('\n');
        }
        text
    }

    fn let_item(&mut self) -> String {
        let name = self.name("v");
        let eq = if self.chance(80) { "=" } else { ":=" };
        let value = self.let_value();
        self.vars.push(name.clone());
        format!(
            "let {name}{}{eq}{}{value}",
            self.opt_ws_or_space(),
            self.opt_ws_or_space()
        )
    }

    fn opt_ws_or_space(&mut self) -> String {
        if self.chance(85) {
            " ".into()
        } else {
            self.ws()
        }
    }

    fn let_value(&mut self) -> String {
        match self.rng.below(10) {
            0..=2 => self.literal(),
            3 => self.function(),
            _ => self.value_query(),
        }
    }

    fn rule_item(&mut self) -> String {
        let name = self.name("r");
        let when = if self.chance(40) {
            format!(" when {}", self.conditions())
        } else {
            String::new()
        };
        let body = self.body(Body::Rule);
        self.rules.push(name.clone());
        format!("rule {name}{when} {{\n{body}\n}}")
    }

    fn param_rule_item(&mut self) -> String {
        let name = self.name("p");
        let count = 1 + self.rng.below(2);
        let params: Vec<String> = (0..count).map(|i| format!("a{i}")).collect();
        let saved = self.vars.clone();
        self.vars.extend(params.iter().cloned());
        let body = self.body(Body::Rule);
        self.vars = saved;
        self.params.push((name.clone(), count));
        format!("rule {name}({}) {{\n{body}\n}}", params.join(", "))
    }

    fn body(&mut self, kind: Body) -> String {
        let saved = self.vars.clone();
        let mut lines = Vec::new();
        let count = 1 + self.rng.below(3);
        for _ in 0..count {
            if self.chance(15) {
                let name = self.name("b");
                let value = self.let_value();
                lines.push(format!("    let {name} = {value}"));
                self.vars.push(name);
            }
            lines.push(format!("    {}", self.disjunction(kind)));
        }
        self.vars = saved;
        lines.join("\n")
    }

    fn disjunction(&mut self, kind: Body) -> String {
        let mut clauses = vec![self.element(kind)];
        while clauses.len() < 3 && self.chance(25) {
            let or = self.pick(&[" or ", " OR ", " |OR| ", "\n    or ", " or\n    "]);
            clauses.push(or.to_string());
            clauses.push(self.element(kind));
        }
        clauses.concat()
    }

    fn element(&mut self, kind: Body) -> String {
        self.scope.push(());
        let text = match kind {
            Body::Condition => match self.rng.below(8) {
                0 => self.rule_ref(),
                1 => self.rule_call(),
                _ => self.access_clause(),
            },
            Body::Clause => self.clause(),
            Body::ClauseOrRule => {
                if self.chance(15) {
                    self.rule_ref()
                } else {
                    self.clause()
                }
            }
            Body::Rule => match self.rng.below(12) {
                0 if !self.deep() => self.type_block(),
                1 if !self.deep() => self.when_block(Body::ClauseOrRule),
                2 => self.rule_ref(),
                _ => self.clause(),
            },
        };
        self.scope.pop();
        text
    }

    fn clause(&mut self) -> String {
        match self.rng.below(12) {
            0 if !self.deep() => self.when_block(Body::Clause),
            1 | 2 if !self.deep() => self.block_clause(),
            3 => self.rule_call(),
            _ => self.access_clause(),
        }
    }

    fn conditions(&mut self) -> String {
        let mut lines = vec![self.disjunction(Body::Condition)];
        if self.chance(25) {
            lines.push(self.disjunction(Body::Condition));
        }
        lines.join("\n    ")
    }

    fn when_block(&mut self, body: Body) -> String {
        let when = self.pick(&["when", "when", "when", "WHEN"]);
        let conditions = self.conditions();
        let inner = self.body(body);
        format!("{when} {conditions} {{\n{inner}\n    }}")
    }

    fn block_clause(&mut self) -> String {
        let query = self.query();
        let flag = match self.rng.below(6) {
            0 => " !empty",
            1 => " not empty",
            _ => "",
        };
        let inner = self.body(Body::Clause);
        format!("{query}{flag} {{\n{inner}\n    }}")
    }

    fn type_block(&mut self) -> String {
        let name = self.pick(TYPES);
        if self.chance(30) {
            // One clause after the type name.
            let clause = self.access_clause();
            return format!("{name} {clause}");
        }
        let when = if self.chance(30) {
            format!(" when {}", self.conditions())
        } else {
            String::new()
        };
        let inner = self.body(Body::Clause);
        format!("{name}{when} {{\n{inner}\n    }}")
    }

    fn rule_ref(&mut self) -> String {
        if self.rules.is_empty() && !self.slip() {
            return self.access_clause();
        }
        let name = if !self.rules.is_empty() && !self.slip() {
            let rules = self.rules.clone();
            self.pick(&rules)
        } else {
            self.name("r")
        };
        let neg = self.pick(&["", "", "", "not ", "!", "NOT "]);
        let message = if self.chance(10) {
            " << see this >>"
        } else {
            ""
        };
        // A rule reference ends its line.
        format!("{neg}{name}{message}\n   ")
    }

    fn rule_call(&mut self) -> String {
        if self.params.is_empty() && !self.slip() {
            return self.access_clause();
        }
        let (name, count) = if !self.params.is_empty() && !self.slip() {
            let params = self.params.clone();
            self.pick(&params)
        } else {
            (self.name("p"), 1)
        };
        let count = if self.slip() { count + 1 } else { count };
        let args: Vec<String> = (0..count).map(|_| self.argument()).collect();
        let neg = self.pick(&["", "", "", "not ", "!"]);
        let sep = self.pick(&[", ", ",", " , ", ",\n  "]);
        format!("{neg}{name}({})", args.join(sep))
    }

    fn argument(&mut self) -> String {
        match self.rng.below(8) {
            0 | 1 => self.literal(),
            2 => self.function(),
            _ => self.value_query(),
        }
    }

    fn access_clause(&mut self) -> String {
        let neg = match self.rng.below(12) {
            0 => "not ",
            1 => "!",
            2 => "NOT ",
            _ => "",
        };
        let query = self.query();
        let (op, unary) = self.operator();
        let rhs = if unary {
            String::new()
        } else {
            let ws = self.opt_ws_or_space();
            format!("{ws}{}", self.rhs())
        };
        let message = match self.rng.below(12) {
            0 => " << a message >>".to_string(),
            1 => "\n        << on its own line >>".to_string(),
            2 if self.slip() => " <<unclosed".to_string(),
            _ => String::new(),
        };
        let space = if self.chance(90) { " " } else { "" };
        format!("{neg}{query}{space}{op}{rhs}{message}")
    }

    fn operator(&mut self) -> (String, bool) {
        const BINARY: &[&str] = &[
            "==", "!=", ">", ">=", "<", "<=", "IN", "in", "NOT IN", "not in", "!IN", "not  IN",
        ];
        if self.slip() {
            return (
                self.pick(&["! in", "=", "=>", "NOTIN", "! exists"])
                    .to_string(),
                false,
            );
        }
        const UNARY: &[&str] = &[
            "EXISTS",
            "exists",
            "!exists",
            "not exists",
            "NOT EXISTS",
            "EMPTY",
            "empty",
            "!empty",
            "not empty",
            "is_string",
            "IS_STRING",
            "is_list",
            "IS_LIST",
            "is_struct",
            "IS_STRUCT",
            "is_int",
            "is_float",
            "is_bool",
            "is_null",
            "!is_string",
            "not is_list",
            "IS_NULL",
        ];
        if self.chance(55) {
            (self.pick(BINARY).to_string(), false)
        } else {
            (self.pick(UNARY).to_string(), true)
        }
    }

    fn rhs(&mut self) -> String {
        match self.rng.below(10) {
            0..=5 => self.literal(),
            6 => self.function(),
            _ => self.value_query(),
        }
    }

    fn function(&mut self) -> String {
        let (name, count) = self.pick(FUNCTIONS);
        let name = if name == "nope" && !self.slip() {
            "count"
        } else {
            name
        };
        let count = if self.slip() { count + 1 } else { count };
        let args: Vec<String> = (0..count)
            .map(|i| {
                if i == 0 {
                    if self.chance(70) {
                        self.value_query()
                    } else {
                        self.literal()
                    }
                } else {
                    match name {
                        "join" => self.pick(&["','", "\"-\"", "5"]).to_string(),
                        "substring" => self.pick(&["0", "1", "3", "-1", "2.5"]).to_string(),
                        "regex_replace" => self
                            .pick(&["'^(\\w+)-(\\w+)$'", "'${1}'", "'a'", "'('"])
                            .to_string(),
                        _ => self.literal(),
                    }
                }
            })
            .collect();
        format!("{name}({})", args.join(", "))
    }

    /// A query where a value could also be written (a `let`, a right-hand side, an
    /// argument): a quoted name there is read as a string, so it does not start one.
    fn value_query(&mut self) -> String {
        loop {
            let q = self.query();
            if !q.starts_with(['\'', '"']) || self.slip() {
                return q;
            }
        }
    }

    fn query(&mut self) -> String {
        let mut out = String::new();
        if self.chance(10) {
            out.push_str(self.pick(&["some ", "SOME "]));
        }
        if self.chance(50) {
            // A path that leads somewhere in the documents.
            out.push_str(self.pick(PATHS));
            if self.chance(40) {
                out.push_str(&self.query_part());
            }
            return out;
        }
        let head = match self.rng.below(10) {
            0..=1 if !self.vars.is_empty() => {
                let vars = self.vars.clone();
                format!("%{}", self.pick(&vars))
            }
            2 if self.slip() => format!("%{}", self.name("v")),
            3 => self.pick(&["this", "THIS"]).to_string(),
            4 => format!("'{}'", self.pick(KEYS)),
            _ => self
                .pick(&[
                    "Resources",
                    "Resources",
                    "Parameters",
                    "Properties",
                    "Type",
                    "Tags",
                    "Flat",
                    "Items",
                    "Numbers",
                    "resource_changes",
                ])
                .to_string(),
        };
        out.push_str(&head);
        let parts = *self.rng.pick(&[0, 1, 1, 2, 2, 3, 4]);
        for _ in 0..parts {
            out.push_str(&self.query_part());
        }
        out
    }

    fn key(&mut self) -> String {
        let key = self.pick(KEYS);
        if key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && self.chance(85) {
            key.to_string()
        } else {
            let quote = self.pick(&["'", "\""]);
            format!("{quote}{key}{quote}")
        }
    }

    fn query_part(&mut self) -> String {
        match self.rng.below(16) {
            0..=4 => format!(".{}", self.key()),
            5 => ".*".into(),
            6 => "[*]".into(),
            7 => format!("[{}]", self.pick(&["0", "1", "-1", "5"])),
            8 => format!(".{}", self.pick(&["0", "1", "-1"])),
            9 => format!("[{}]", self.name("k")),
            10 => format!("[ {} ]", self.name("k")),
            11 => format!("['{}']", self.pick(KEYS)),
            12 if !self.deep() => {
                let op = self.pick(&["==", "!=", "IN", "NOT IN", "in", "!in", "not in"]);
                let value = match self.rng.below(4) {
                    0 => format!("/^{}/", self.pick(&["B", "Q", "V", "R", "a"])),
                    1 => "['Bucket', 'Queue']".to_string(),
                    2 => self.value_query(),
                    _ => format!("'{}'", self.pick(KEYS)),
                };
                format!("[ keys {op} {value} ]")
            }
            13 | 14 if !self.deep() => {
                let capture = if self.chance(25) {
                    format!("{} | ", self.name("k"))
                } else {
                    String::new()
                };
                self.scope.push(());
                let inner = self.disjunction(Body::Clause);
                self.scope.pop();
                let sep = self.pick(&[" ", " ", "\n      "]);
                format!("[{sep}{capture}{inner}{sep}]")
            }
            15 if !self.vars.is_empty() => {
                let vars = self.vars.clone();
                format!(".%{}", self.pick(&vars))
            }
            _ => format!(".{}", self.key()),
        }
    }

    fn literal(&mut self) -> String {
        match self.rng.below(20) {
            0..=4 => {
                let s = self.pick(STRINGS);
                if self.chance(60) {
                    format!("'{}'", s.replace('\'', "\\'"))
                } else {
                    format!("\"{s}\"")
                }
            }
            _ if self.slip() => self
                .pick(&[
                    "99999999999999999999",
                    "1.e5",
                    "1.5e",
                    "nil",
                    "/(/",
                    "/\\//",
                    "r[1, 2.5]",
                    "'open",
                    "r['a', 'c']",
                ])
                .to_string(),
            5 | 6 => self.pick(&["0", "5", "100", "-1", "42", "1e3"]).to_string(),
            7 => self.pick(&["1.5", "-0.5", "2.0", "1.5e2"]).to_string(),
            8 => self
                .pick(&["true", "false", "True", "FALSE", "null", "NULL", "Null"])
                .to_string(),
            9 | 10 => format!(
                "/{}/",
                self.pick(&[
                    "^a", "prod$", "^AWS::S3", "\\d+", "x\\/y", "^$", "a|b", "(?i)PROD", "[a-z]+",
                    "\\/x"
                ])
            ),
            11 => self
                .pick(&[
                    "r[1, 10]",
                    "r(0,5)",
                    "r[1.5, 2.5)",
                    "r[a, c]",
                    "r(1, 100]",
                    "r[-5,5]",
                    "r[5,1]",
                    "r[4.5,5.5]",
                ])
                .to_string(),
            12..=14 => {
                let n = self.rng.below(4);
                let items: Vec<String> = (0..n).map(|_| self.scalar_literal()).collect();
                let trailing = if n > 0 && self.slip() { "," } else { "" };
                let sep = self.pick(&[", ", ",", ",\n  "]);
                format!("[{}{trailing}]", items.join(sep))
            }
            15 => {
                let n = self.rng.below(3);
                let items: Vec<String> = (0..n)
                    .map(|_| {
                        let key = self.pick(&["Key", "'Value'", "a-b", "Ref", "\"x y\""]);
                        format!("{key}: {}", self.scalar_literal())
                    })
                    .collect();
                format!("{{{}}}", items.join(", "))
            }
            _ => self.scalar_literal(),
        }
    }

    fn scalar_literal(&mut self) -> String {
        match self.rng.below(6) {
            0..=2 => format!("'{}'", self.pick(STRINGS).replace('\'', "\\'")),
            3 => self.pick(&["0", "5", "100", "-1"]).to_string(),
            4 => self.pick(&["true", "false", "null", "1.5"]).to_string(),
            _ => format!("/{}/", self.pick(&["^a", "prod", "^e"])),
        }
    }
}

/// Which clauses a body holds.
#[derive(Clone, Copy)]
enum Body {
    Clause,
    ClauseOrRule,
    Rule,
    Condition,
}

/// One small edit that usually, but not always, breaks the text.
fn mutate(rng: &mut Rng, text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.is_empty() {
        return text.to_string();
    }
    let at = rng.below(chars.len());
    let mut out: Vec<char> = chars.clone();
    match rng.below(8) {
        0 => {
            out.remove(at);
        }
        1 => out.insert(at, chars[at]),
        2 if at + 1 < chars.len() => out.swap(at, at + 1),
        3 => {
            let c = *rng.pick(&[
                '{', '}', '[', ']', '(', ')', ',', '.', '|', '\'', '"', '/', '<', '>', '=', '!',
                '%', '#', ':', '\n', ' ',
            ]);
            out.insert(at, c);
        }
        4 => {
            // Take out a run of white space.
            if let Some(i) = (at..chars.len()).find(|i| chars[*i] == ' ') {
                out.remove(i);
            }
        }
        5 => {
            // Put a newline where a space was.
            if let Some(i) = (at..chars.len()).find(|i| chars[*i] == ' ') {
                out[i] = '\n';
            }
        }
        6 => {
            // Change the case of a word.
            let start = (0..=at)
                .rev()
                .find(|i| !chars[*i].is_alphanumeric())
                .map_or(0, |i| i + 1);
            let upper = rng.chance(50);
            for c in out
                .iter_mut()
                .skip(start)
                .take_while(|c| c.is_alphanumeric())
            {
                *c = if upper {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                };
            }
        }
        _ => {
            // Cut the text short.
            out.truncate(at);
        }
    }
    out.into_iter().collect()
}
