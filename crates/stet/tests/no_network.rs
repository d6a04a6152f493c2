//! stet makes no network connection: no crate that opens sockets or speaks HTTP or TLS is
//! among the workspace's dependencies. The test reads `Cargo.lock`, so adding one (directly
//! or through another crate) fails it until docs/security.md and this list are revisited.

const NETWORK_CRATES: &[&str] = &[
    "reqwest",
    "hyper",
    "ureq",
    "curl",
    "curl-sys",
    "isahc",
    "attohttpc",
    "h2",
    "tokio",
    "mio",
    "socket2",
    "openssl",
    "openssl-sys",
    "native-tls",
    "rustls",
    "async-std",
    "surf",
    "git2",
    "libssh2-sys",
    "tungstenite",
];

#[test]
fn no_dependency_can_open_a_connection() {
    let lock = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../Cargo.lock");
    let text = std::fs::read_to_string(&lock).expect("read Cargo.lock");
    let names: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("name = \""))
        .filter_map(|l| l.strip_suffix('"'))
        .collect();
    assert!(names.contains(&"serde_json"), "Cargo.lock not understood");
    let found: Vec<&&str> = NETWORK_CRATES
        .iter()
        .filter(|c| names.contains(c))
        .collect();
    assert!(found.is_empty(), "network crates in Cargo.lock: {found:?}");
}
