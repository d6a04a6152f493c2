//! Terraform (`.tf`, `.tf.json`, `.tfvars`) into the common resource graph.
//!
//! # Overview
//! [`load_module`] reads one module folder — every `.tf` and `.tf.json` file together, with
//! the automatically loaded `.tfvars` — and returns a [`Module`]: its
//! [`stet_graph::Graph`] and the [`Error`]s met (syntax errors, and warnings for what was not
//! followed). Expressions are evaluated where their inputs are known (variables, locals,
//! `count.index`, `each`, the common built-in functions); the rest stays an unresolved
//! expression with its source text and references. `count` and `for_each` expand to
//! `TYPE.NAME[0]` / `TYPE.NAME["key"]`; local module calls are followed and their resources
//! addressed `module.NAME.TYPE.NAME`. Files come from a [`FileSource`]: the disk
//! ([`OsFiles`]) or memory ([`MemoryFiles`]).
//!
//! # Example
//! ```
//! use stet_terraform::{load_module, LoadOptions, MemoryFiles};
//! let mut files = MemoryFiles::default();
//! files.insert("m/main.tf", r#"
//! locals { name = "web" }
//! resource "aws_instance" "web" {
//!   ami           = "ami-123"
//!   instance_type = upper("t3.micro")
//!   subnet_id     = aws_subnet.a.id
//!   tags          = { Name = local.name }
//! }
//! resource "aws_subnet" "a" { vpc_id = "vpc-1" }
//! "#);
//! let module = load_module(&files, "m".as_ref(), &LoadOptions::default());
//! let web = module.graph.resource("aws_instance.web").unwrap();
//! assert_eq!(web.attributes.get("instance_type").unwrap().as_str(), Some("T3.MICRO"));
//! assert_eq!(web.attributes.get("subnet_id").unwrap().as_expr().unwrap().source, "aws_subnet.a.id");
//! assert_eq!(module.graph.edges[0].to, "aws_subnet.a");
//! assert_eq!(web.span.start.line, 3);
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod cty;
mod error;
mod eval;
mod functions;
mod module;
mod source;
mod syntax;
mod version;

pub use error::Error;
pub use functions::names as function_names;
pub use module::{is_config_file, is_vars_file, load_module, LoadOptions, Module};
pub use source::{normalize, FileSource, MemoryFiles, OsFiles};
pub use version::{satisfies, Version};
