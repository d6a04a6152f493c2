//! Terraform resource addresses as text: split at their dots, and stripped of an instance key.
//! The Terraform reader and the diff both take references such as
//! `module.a["x.y"].aws_s3_bucket.b[0].arn` apart.

/// Splits an address or reference at the dots outside brackets and quotes.
///
/// ```
/// assert_eq!(
///     stet_graph::split_address(r#"module.a["x.y"].b[0].id"#),
///     [r#"module"#, r#"a["x.y"]"#, "b[0]", "id"]
/// );
/// ```
pub fn split_address(reference: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut depth = 0i32;
    let mut quoted = false;
    for c in reference.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                current.push(c);
            }
            '[' if !quoted => {
                depth += 1;
                current.push(c);
            }
            ']' if !quoted => {
                depth -= 1;
                current.push(c);
            }
            '.' if depth == 0 && !quoted => out.push(std::mem::take(&mut current)),
            c => current.push(c),
        }
    }
    out.push(current);
    out
}

/// An address without its last instance key (`aws_x.y[0]` is `aws_x.y`); a quoted key may
/// hold `.`, `[` and `]` of its own.
///
/// ```
/// assert_eq!(stet_graph::without_instance_key("aws_x.y[0]"), "aws_x.y");
/// assert_eq!(stet_graph::without_instance_key(r#"aws_x.y["a.b[1]"]"#), "aws_x.y");
/// assert_eq!(stet_graph::without_instance_key("aws_x.y"), "aws_x.y");
/// ```
pub fn without_instance_key(address: &str) -> &str {
    let open = if address.ends_with("\"]") {
        address.rfind("[\"")
    } else if address.ends_with(']') {
        address.rfind('[').filter(|&i| !address[i..].contains('.'))
    } else {
        None
    };
    open.map_or(address, |i| &address[..i])
}
