//! Decides, from the command line cargo gives a `RUSTC_WRAPPER`, whether this is a real crate
//! compilation to analyse or something to hand to the real rustc untouched (version queries,
//! `--print` and stdin probes), so that the driver masquerades exactly as rustc.

use painter_schema::{DriverConfig, PAINTER_ARGS_ENV};

pub enum Invocation {
    /// Behave as plain rustc (everything but real compilations); `args[0]` is the program name.
    PassThrough { args: Vec<String> },
    /// Compile in-process with analysis; `args[0]` is the program name rustc expects.
    Compile {
        args: Vec<String>,
        config: DriverConfig,
    },
}

/// `argv` is `painter-driver [path/to/rustc] ARGS…`: cargo passes the rustc path first when
/// the driver is a wrapper; a person may call it directly like rustc.
pub fn classify(argv: Vec<String>) -> Invocation {
    let mut rest: Vec<String> = argv.into_iter().skip(1).collect();
    let rustc = if rest.first().is_some_and(|a| is_rustc_path(a)) {
        rest.remove(0)
    } else {
        "rustc".to_string()
    };
    let mut args = Vec::with_capacity(rest.len() + 1);
    args.push(rustc);
    args.extend(rest);
    if !is_real_compilation(&args[1..]) {
        return Invocation::PassThrough { args };
    }
    let config = match std::env::var(PAINTER_ARGS_ENV) {
        Ok(value) => match DriverConfig::from_env_value(&value) {
            Ok(config) => config,
            Err(e) => {
                // Bad options must not break the build: say so once and compile normally.
                eprintln!("warning: painter-driver: {e}; analysis disabled");
                DriverConfig {
                    disable: true,
                    ..DriverConfig::default()
                }
            }
        },
        Err(_) => DriverConfig::default(),
    };
    Invocation::Compile { args, config }
}

fn is_rustc_path(arg: &str) -> bool {
    let name = std::path::Path::new(arg)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("");
    !arg.starts_with('-') && (name == "rustc" || name.starts_with("rustc-"))
}

/// A compilation we analyse has a crate name and a source file, and is not a probe: cargo's
/// target-info probe (`- --crate-name ___ --print=file-names …`) reads stdin and prints.
fn is_real_compilation(args: &[String]) -> bool {
    let mut has_crate_name = false;
    let mut has_input = false;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "-" => return false,
            "-V" | "-vV" | "--version" | "-h" | "--help" => return false,
            a if a.starts_with("--print") => return false,
            "--crate-name" => {
                has_crate_name = true;
                iter.next();
            }
            // Options that take a separate value: skip it so it is not mistaken for an input.
            "-o"
            | "-L"
            | "-l"
            | "--out-dir"
            | "--edition"
            | "--crate-type"
            | "--emit"
            | "--target"
            | "--cfg"
            | "--check-cfg"
            | "--extern"
            | "--cap-lints"
            | "--json"
            | "--error-format"
            | "--explain"
            | "-C"
            | "-Z"
            | "-A"
            | "-W"
            | "-D"
            | "-F"
            | "--remap-path-prefix"
            | "--diagnostic-width"
            | "--sysroot"
            | "--color" => {
                iter.next();
            }
            a if a.starts_with("--crate-name=") => has_crate_name = true,
            a if !a.starts_with('-')
                && (a.ends_with(".rs") || std::path::Path::new(a).is_file()) =>
            {
                has_input = true
            }
            _ => {}
        }
    }
    // A plain `painter-driver file.rs` (no cargo) is analysed too.
    has_input || has_crate_name
}
