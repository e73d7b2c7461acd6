//! Lets the driver binary find `librustc_driver-*.so` at run time: rustup only sets
//! `LD_LIBRARY_PATH` for its own proxies, so we bake the sysroot's `lib/` in as an rpath
//! (the approach of clippy-driver and miri). rustc then derives its sysroot from the loaded
//! library's location.

use std::process::Command;

fn main() {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let out = Command::new(&rustc)
        .args(["--print", "sysroot"])
        .output()
        .expect("running `rustc --print sysroot`");
    assert!(out.status.success(), "`{rustc} --print sysroot` failed");
    let sysroot = String::from_utf8(out.stdout).expect("sysroot is UTF-8");
    println!(
        "cargo::rustc-link-arg-bins=-Wl,-rpath,{}/lib",
        sysroot.trim()
    );
    println!("cargo::rerun-if-env-changed=RUSTUP_TOOLCHAIN");
    // Recorded in every graph file as `toolchain`.
    let version = Command::new(&rustc)
        .arg("-V")
        .output()
        .expect("running `rustc -V`");
    let version = String::from_utf8(version.stdout).expect("version is UTF-8");
    println!("cargo::rustc-env=PAINTER_TOOLCHAIN={}", version.trim());
}
