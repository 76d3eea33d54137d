//! Links AFL++'s libFuzzer-compatible driver (persistent mode, shared-memory input) and its
//! coverage runtime from Debian's `afl++` package into every target.
fn main() {
    let dir = std::env::var("AFL_LIB_DIR").unwrap_or_else(|_| "/usr/lib/afl".into());
    println!("cargo:rerun-if-env-changed=AFL_LIB_DIR");
    println!("cargo:rustc-link-arg-bins={dir}/libAFLDriver.a");
    println!("cargo:rustc-link-arg-bins={dir}/afl-compiler-rt.o");
}
