//! Links the `stet` binary as a position-dependent executable on Linux with the GNU toolchain.
//!
//! A position-independent executable (the default) is relocated by the dynamic loader at
//! every start: about 19,000 relocations that write 89 pages of `.data.rel.ro`, a tenth of
//! the page faults of checking one small file and about 1 ms of a ~10 ms run
//! (docs/performance.md#start-up). A pre-commit hook or an editor pays that on every call;
//! the address-space randomisation of the binary's own image that it buys matters little for
//! a memory-safe program that reads files and exits. `STET_PIE=1` at build time keeps the
//! default.

fn main() {
    println!("cargo:rerun-if-env-changed=STET_PIE");
    let linux_gnu = std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux")
        && std::env::var("CARGO_CFG_TARGET_ENV").as_deref() == Ok("gnu");
    let keep_pie = std::env::var_os("STET_PIE").is_some_and(|v| v == "1");
    if linux_gnu && !keep_pie {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
