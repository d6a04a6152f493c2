//! [`Limits`]: the bounds every parser and evaluator honours, so hostile input ends in a
//! clear error instead of a hang, a crash or unbounded memory.

/// Bounds on work done for one input. Every field is configurable; the defaults suit real
/// repositories with a wide margin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest file read, in bytes (default 16 MiB).
    pub max_file_size: u64,
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
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_file_size: 16 * 1024 * 1024,
            max_depth: 512,
            max_eval_steps: 2_000_000,
            max_module_depth: 32,
            max_instances: 1_000,
            max_string_len: 16 * 1024 * 1024,
            max_yaml_nodes: 1_000_000,
            max_resources: 100_000,
        }
    }
}
