//! Phase 3 (`cargo check`): the exact cargo command line and environment that run the user's
//! build through painter-driver (docs/design.md#wiring). Built as data so tests can inspect it.

use std::{
    ffi::OsString,
    path::{Path, PathBuf},
    process::Command,
};

use painter_schema::{DriverConfig, PAINTER_ARGS_ENV};

use super::{
    rustflags::{self, Carrier},
    toolchain::Toolchain,
};
use crate::cli::CargoFlags;

/// A cargo invocation: program, arguments, variables to set and to remove.
#[derive(Debug, Clone)]
pub struct CargoCommand {
    pub program: PathBuf,
    pub args: Vec<OsString>,
    pub envs: Vec<(&'static str, OsString)>,
    pub env_remove: Vec<&'static str>,
}

impl CargoCommand {
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(&self.program);
        cmd.args(&self.args);
        cmd.envs(self.envs.iter().map(|(k, v)| (k, v)));
        for key in &self.env_remove {
            cmd.env_remove(key);
        }
        cmd
    }

    #[cfg(test)]
    pub fn env(&self, key: &str) -> Option<&std::ffi::OsStr> {
        self.envs
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_os_str())
    }
}

/// Everything the command depends on; `user_env` reads the user's environment (injectable).
pub struct CheckInputs<'a> {
    pub toolchain: &'a Toolchain,
    pub driver: &'a Path,
    pub flags: &'a CargoFlags,
    /// `<user target dir>/painter`.
    pub target_dir: &'a Path,
    /// Also move a user-configured `build.build-dir` there.
    pub override_build_dir: bool,
    pub config: &'a DriverConfig,
    pub user_env: &'a dyn Fn(&str) -> Option<OsString>,
}

pub fn check_command(inputs: &CheckInputs<'_>) -> CargoCommand {
    let painter_args = inputs.config.to_env_value();
    let mut args: Vec<OsString> = vec![
        "check".into(),
        // Cargo renders rustc's diagnostics on stderr exactly as in a plain `cargo check`;
        // stdout carries the JSON messages we read.
        "--message-format=json-render-diagnostics".into(),
        "--target-dir".into(),
        inputs.target_dir.into(),
    ];
    args.extend(cargo_args(inputs.flags));
    if inputs.override_build_dir {
        let dir = toml_string(&inputs.target_dir.to_string_lossy());
        args.extend(["--config".into(), format!("build.build-dir={dir}").into()]);
    }
    let mut envs: Vec<(&'static str, OsString)> = vec![
        ("RUSTUP_TOOLCHAIN", inputs.toolchain.rustup_name()),
        ("RUSTC", inputs.toolchain.rustc().into()),
        // `RUSTC_WRAPPER`, not `RUSTC_WORKSPACE_WRAPPER`: dependencies are analysed too.
        ("RUSTC_WRAPPER", inputs.driver.into()),
        (PAINTER_ARGS_ENV, painter_args.clone().into()),
    ];
    // The same environment for cargo and the driver however we were started: rustup's proxy
    // (`cargo painter`) sets RUSTUP_HOME and CARGO_HOME, `cargo-painter painter` run directly
    // does not. Cargo keys its `.rustc_info.json` cache on RUSTUP_HOME (`rustc_fingerprint` in
    // cargo's src/cargo/util/rustc.rs), so alternating the two re-probed the compiler through
    // the driver, and the driver's reuse key saw another environment.
    if (inputs.user_env)("RUSTUP_HOME").is_none()
        && let Some(home) = inputs.toolchain.rustup_home()
    {
        envs.push(("RUSTUP_HOME", home.into()));
    }
    if (inputs.user_env)("CARGO_HOME").is_none()
        && let Some(home) = (inputs.user_env)("HOME")
    {
        envs.push(("CARGO_HOME", PathBuf::from(home).join(".cargo").into()));
    }
    let hash = rustflags::analysis_hash(&painter_args, inputs.driver);
    let encoded = (inputs.user_env)("CARGO_ENCODED_RUSTFLAGS");
    let plain = (inputs.user_env)("RUSTFLAGS");
    match rustflags::carrier(encoded.as_deref(), plain.as_deref(), &hash) {
        Carrier::EncodedEnv(value) => envs.push(("CARGO_ENCODED_RUSTFLAGS", value)),
        Carrier::Env(value) => envs.push(("RUSTFLAGS", value)),
        Carrier::Config(value) => args.extend(["--config".into(), value.into()]),
    }
    // A workspace wrapper would be stacked on ours. Removed rather than set to "" (which
    // would also override one from a config file): with an empty value cargo cannot
    // fingerprint the compiler and drops its `.rustc_info.json` cache, so every run re-probes
    // rustc through the driver (measured: +60 ms on a no-op run, against a 5% budget).
    let env_remove = vec!["RUSTC_WORKSPACE_WRAPPER"];
    CargoCommand {
        program: inputs.toolchain.cargo(),
        args,
        envs,
        env_remove,
    }
}

/// Cargo's selection flags, passed on as the user gave them.
pub fn cargo_args(f: &CargoFlags) -> Vec<OsString> {
    let mut args: Vec<OsString> = Vec::new();
    let mut flag = |set: bool, name: &str| {
        if set {
            args.push(name.into());
        }
    };
    flag(f.workspace, "--workspace");
    flag(f.lib, "--lib");
    flag(f.bins, "--bins");
    flag(f.all_targets, "--all-targets");
    flag(f.all_features, "--all-features");
    flag(f.no_default_features, "--no-default-features");
    flag(f.release, "--release");
    flag(f.locked, "--locked");
    flag(f.offline, "--offline");
    flag(f.frozen, "--frozen");
    flag(f.quiet, "--quiet");
    for _ in 0..f.verbose {
        args.push("--verbose".into());
    }
    let mut valued = |name: &str, values: &mut dyn Iterator<Item = OsString>| {
        for value in values {
            args.push(name.into());
            args.push(value);
        }
    };
    valued(
        "--manifest-path",
        &mut f.manifest_path.iter().map(Into::into),
    );
    valued("--package", &mut f.packages.iter().map(Into::into));
    valued("--exclude", &mut f.exclude.iter().map(Into::into));
    valued("--features", &mut f.features.iter().map(Into::into));
    valued("--target", &mut f.target.iter().map(Into::into));
    valued("--profile", &mut f.profile.iter().map(Into::into));
    valued("--jobs", &mut f.jobs.iter().map(Into::into));
    valued("--color", &mut f.color.iter().map(Into::into));
    valued("--config", &mut f.config.iter().map(Into::into));
    args
}

/// A TOML basic string. JSON string escapes are valid TOML escapes.
fn toml_string(s: &str) -> String {
    serde_json::to_string(s).expect("strings serialise")
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::Cli;

    fn flags(args: &[&str]) -> CargoFlags {
        let mut argv = vec!["cargo-painter", "painter"];
        argv.extend(args);
        let cli = Cli::parse_from(crate::cli::normalize_args(
            argv.iter().map(Into::into).collect(),
        ));
        cli.analyse.cargo
    }

    fn strings(args: &[OsString]) -> Vec<String> {
        args.iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect()
    }

    fn command_with_env(args: &[&str], env: &[(&str, &str)]) -> CargoCommand {
        let toolchain = Toolchain {
            sysroot: PathBuf::from("/nonexistent/sysroot"),
        };
        let env: Vec<(String, OsString)> =
            env.iter().map(|(k, v)| (k.to_string(), v.into())).collect();
        let user_env = move |key: &str| env.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
        check_command(&CheckInputs {
            toolchain: &toolchain,
            driver: Path::new("/opt/painter/painter-driver"),
            flags: &flags(args),
            target_dir: Path::new("/w/target/painter"),
            override_build_dir: false,
            config: &DriverConfig::default(),
            user_env: &user_env,
        })
    }

    #[test]
    fn selection_flags_pass_through() {
        let args = [
            "--manifest-path",
            "w/Cargo.toml",
            "-p",
            "a",
            "--package",
            "b",
            "--workspace",
            "--exclude",
            "c",
            "--features",
            "x y",
            "-F",
            "z",
            "--all-features",
            "--no-default-features",
            "--target",
            "wasm32-unknown-unknown",
            "--locked",
            "--offline",
            "--frozen",
            "-j",
            "3",
            "--all-targets",
            "--lib",
            "--bins",
            "--release",
            "-vv",
            "-q",
            "--color",
            "never",
            "--config",
            "net.retry=1",
        ];
        assert_eq!(
            strings(&cargo_args(&flags(&args))),
            [
                "--workspace",
                "--lib",
                "--bins",
                "--all-targets",
                "--all-features",
                "--no-default-features",
                "--release",
                "--locked",
                "--offline",
                "--frozen",
                "--quiet",
                "--verbose",
                "--verbose",
                "--manifest-path",
                "w/Cargo.toml",
                "--package",
                "a",
                "--package",
                "b",
                "--exclude",
                "c",
                "--features",
                "x y",
                "--features",
                "z",
                "--target",
                "wasm32-unknown-unknown",
                "--jobs",
                "3",
                "--color",
                "never",
                "--config",
                "net.retry=1",
            ]
        );
        assert_eq!(
            strings(&cargo_args(&flags(&["--profile", "dev", "-j", "-1"]))),
            ["--profile", "dev", "--jobs", "-1"]
        );
    }

    /// However `cargo-painter` was started (rustup's proxy sets both homes), its cargo gets the
    /// same homes; ones the user set are left to cargo as they are.
    #[test]
    fn homes_are_set_as_rustup_and_cargo_would_find_them() {
        let toolchain = |sysroot: &str| Toolchain {
            sysroot: PathBuf::from(sysroot),
        };
        assert_eq!(
            toolchain("/h/.rustup/toolchains/nightly-x").rustup_home(),
            Some(PathBuf::from("/h/.rustup"))
        );
        assert_eq!(toolchain("/opt/rust").rustup_home(), None);
        let cmd = command_with_env(&[], &[("HOME", "/h")]);
        assert_eq!(cmd.env("CARGO_HOME"), Some("/h/.cargo".as_ref()));
        assert_eq!(cmd.env("RUSTUP_HOME"), None, "not a rustup toolchain");
        let cmd = command_with_env(&[], &[("HOME", "/h"), ("CARGO_HOME", "/c")]);
        assert_eq!(cmd.env("CARGO_HOME"), None, "the user's own: inherited");
    }

    #[test]
    fn check_command_line_and_environment() {
        let cmd = command_with_env(&["-p", "a"], &[]);
        let hash = rustflags::analysis_hash(
            cmd.env("PAINTER_ARGS").unwrap().to_str().unwrap(),
            Path::new("/opt/painter/painter-driver"),
        );
        // Sysroot without bin/: rustup's proxies, selected by RUSTUP_TOOLCHAIN.
        assert_eq!(cmd.program, Path::new("cargo"));
        assert_eq!(
            strings(&cmd.args),
            [
                "check",
                "--message-format=json-render-diagnostics",
                "--target-dir",
                "/w/target/painter",
                "--package",
                "a",
                "--config",
                format!(r#"build.rustflags=["--cfg", "painter_args=\"{hash}\""]"#).as_str(),
            ]
        );
        assert_eq!(
            cmd.env("RUSTUP_TOOLCHAIN").unwrap(),
            super::super::toolchain::PINNED
        );
        assert_eq!(
            cmd.env("RUSTC_WRAPPER").unwrap(),
            "/opt/painter/painter-driver"
        );
        assert_eq!(cmd.env("RUSTC_WORKSPACE_WRAPPER"), None);
        assert_eq!(cmd.env_remove, ["RUSTC_WORKSPACE_WRAPPER"]);
        let args = DriverConfig::from_env_value(cmd.env("PAINTER_ARGS").unwrap().to_str().unwrap());
        assert_eq!(args.unwrap(), DriverConfig::default());
        assert_eq!(cmd.env("RUSTFLAGS"), None);
    }

    #[test]
    fn user_rustflags_env_gets_the_cfg() {
        let cmd = command_with_env(&[], &[("RUSTFLAGS", "-Cdebuginfo=0")]);
        assert!(
            !strings(&cmd.args)
                .iter()
                .any(|a| a.starts_with("build.rustflags"))
        );
        let flags = cmd.env("RUSTFLAGS").unwrap().to_str().unwrap();
        assert!(
            flags.starts_with("-Cdebuginfo=0 --cfg painter_args=\""),
            "{flags}"
        );
    }

    #[test]
    fn separate_build_dir_is_moved_too() {
        let toolchain = Toolchain {
            sysroot: PathBuf::from("/nonexistent"),
        };
        let cmd = check_command(&CheckInputs {
            toolchain: &toolchain,
            driver: Path::new("/d"),
            flags: &flags(&[]),
            target_dir: Path::new("/w/target/painter"),
            override_build_dir: true,
            config: &DriverConfig::default(),
            user_env: &|_| None,
        });
        assert!(strings(&cmd.args).contains(&r#"build.build-dir="/w/target/painter""#.to_string()));
    }
}
