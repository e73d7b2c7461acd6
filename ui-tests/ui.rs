//! ui-tests: each `ui-tests/<dir>/*.rs` file is compiled by `painter-driver` with `--emit`, which
//! reports every recorded fact as a note at its span; ui_test checks each one against a
//! `//~ NOTE` annotation on that exact line, and the full output against the `.stderr`
//! snapshot (columns included). Snapshots are only rewritten on request:
//! `PAINTER_BLESS=1 cargo test -p painter-ui-tests`.

use std::path::Path;

use painter_schema::{DriverConfig, Emit, PAINTER_ARGS_ENV};
use ui_test::custom_flags::edition::Edition;
use ui_test::diagnostics::Level;
use ui_test::spanned::Spanned;
use ui_test::{
    Args, Config, bless_output_files, default_file_filter, default_per_file_config,
    run_tests_generic, status_emitter,
};

fn config(dir: &str, emit: Emit) -> Config {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut config = Config::rustc(root.join(dir));
    config.program.program = painter_tests::driver().to_path_buf();
    // Unused-item lints would need annotations too; they are not what these files test.
    config.program.args.push("-Aunused".into());
    let options = DriverConfig {
        emit: vec![emit],
        no_output: true,
        ..DriverConfig::default()
    };
    config
        .program
        .envs
        .push((PAINTER_ARGS_ENV.into(), Some(options.to_env_value().into())));
    config.program.envs.push((
        "RUSTUP_TOOLCHAIN".into(),
        Some(painter_tests::pinned_toolchain().into()),
    ));
    // Our cases are written in edition 2024 (`unsafe extern`, `#[unsafe(no_mangle)]`).
    let defaults = config.comment_defaults.base();
    defaults.set_custom("edition", Edition("2024".into()));
    // Facts are warnings: the files compile, and every warning needs its annotation.
    defaults.exit_status = Spanned::dummy(0).into();
    defaults.require_annotations_for_level = Spanned::dummy(Level::Note).into();
    // Snapshots must not depend on where the repository is checked out.
    config.stderr_filter(&regex_escape(&root.display().to_string()), "$$DIR");
    config.out_dir = painter_tests::repo_root().join("target/ui").join(dir);
    config.bless_command = Some("PAINTER_BLESS=1 cargo test -p painter-ui-tests".into());
    config
}

fn regex_escape(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            let special = "\\.+*?()|[]{}^$#&-~".contains(c);
            special
                .then_some('\\')
                .into_iter()
                .chain(std::iter::once(c))
        })
        .collect()
}

fn main() -> ui_test::Result<()> {
    let args = Args::test()?;
    let mut configs = vec![
        config("unsafe", Emit::UnsafeOps),
        config("calls", Emit::Calls),
        config("ffi", Emit::Ffi),
        config("declarations", Emit::Declarations),
    ];
    for config in &mut configs {
        config.with_args(&args);
        if std::env::var_os("PAINTER_BLESS").is_some() {
            config.output_conflict_handling = bless_output_files;
        }
    }
    run_tests_generic(
        configs,
        default_file_filter,
        default_per_file_config,
        status_emitter::Text::verbose(),
    )
}
