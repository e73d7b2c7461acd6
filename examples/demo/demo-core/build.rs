// Compiles csrc/checksum.c into the static library `democsum`. `cc` tells cargo
// `cargo:rustc-link-lib=static=democsum`: the native library of demo-core's FFI imports is
// known only from this build script (there is no `#[link]` attribute).
fn main() {
    println!("cargo::rerun-if-changed=csrc/checksum.c");
    cc::Build::new().file("csrc/checksum.c").compile("democsum");
}
