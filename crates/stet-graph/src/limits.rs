//! [`Limits`]: the bounds every parser and evaluator honours, so hostile input ends in a
//! clear error instead of a hang, a crash or unbounded memory.

/// Bounds on work done for one input. Every field is configurable; the defaults suit real
/// repositories with a wide margin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest file read, in bytes (default 16 MiB).
    pub max_file_size: u64,
    /// Most bytes read in one run, all files together (default 1 GiB): files beyond it, in
    /// path order, are not read.
    pub max_total_size: u64,
    /// Deepest nesting of values (maps, lists, blocks) accepted (default 512).
    pub max_depth: usize,
    /// Most evaluation steps spent on one Terraform module (default 2,000,000).
    pub max_eval_steps: u64,
    /// Deepest chain of local module calls followed (default 32).
    pub max_module_depth: usize,
    /// Most instances one `count` or `for_each` expands to; beyond it the resource stays
    /// unexpanded (default 1,000).
    pub max_instances: usize,
    /// Longest string a Terraform function may build, in bytes (default 16 MiB).
    pub max_string_len: usize,
    /// Most values one YAML document may hold once its aliases are expanded (default
    /// 1,000,000): a "billion laughs" file stops here.
    pub max_yaml_nodes: usize,
    /// Most resources (of every kind) one Terraform module may expand into, local module
    /// calls included (default 100,000): module calls beyond it are not followed.
    pub max_resources: usize,
    /// Most clause and query steps one rule file may spend on one document (default
    /// 50,000,000).
    pub max_rule_steps: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_file_size: 16 * 1024 * 1024,
            max_total_size: 1024 * 1024 * 1024,
            max_depth: 512,
            max_eval_steps: 2_000_000,
            max_module_depth: 32,
            max_instances: 1_000,
            max_string_len: 16 * 1024 * 1024,
            max_yaml_nodes: 1_000_000,
            max_resources: 100_000,
            max_rule_steps: 50_000_000,
        }
    }
}

impl Limits {
    /// The setting names, as written in `stet.toml`'s `[limits]` table and `--limit`.
    pub const NAMES: &'static [&'static str] = &[
        "max-file-size",
        "max-total-size",
        "max-depth",
        "max-eval-steps",
        "max-module-depth",
        "max-instances",
        "max-string-len",
        "max-yaml-nodes",
        "max-resources",
        "max-rule-steps",
    ];

    /// Sets the limit called `name` (see [`Limits::NAMES`]); `false` when there is no such
    /// limit.
    ///
    /// ```
    /// let mut limits = stet_graph::Limits::default();
    /// assert!(limits.set("max-file-size", 1024));
    /// assert_eq!(limits.max_file_size, 1024);
    /// assert!(!limits.set("max-files", 1));
    /// ```
    pub fn set(&mut self, name: &str, value: u64) -> bool {
        let size = usize::try_from(value).unwrap_or(usize::MAX);
        match name {
            "max-file-size" => self.max_file_size = value,
            "max-total-size" => self.max_total_size = value,
            "max-depth" => self.max_depth = size,
            "max-eval-steps" => self.max_eval_steps = value,
            "max-module-depth" => self.max_module_depth = size,
            "max-instances" => self.max_instances = size,
            "max-string-len" => self.max_string_len = size,
            "max-yaml-nodes" => self.max_yaml_nodes = size,
            "max-resources" => self.max_resources = size,
            "max-rule-steps" => self.max_rule_steps = value,
            _ => return false,
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_sets_a_different_limit() {
        let mut seen = Vec::new();
        for name in Limits::NAMES {
            let mut limits = Limits::default();
            assert!(limits.set(name, 7), "{name}");
            assert_ne!(limits, Limits::default(), "{name}");
            assert!(
                !seen.contains(&limits),
                "{name} sets the same limit as another"
            );
            seen.push(limits);
        }
    }
}
