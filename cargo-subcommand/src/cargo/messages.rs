//! Runs cargo and reads its JSON messages from stdout while cargo's stderr (progress, rendered
//! warnings and errors) goes straight to the user's terminal, as in a plain `cargo check`.

use std::{
    io::{BufReader, Write},
    process::{Command, ExitStatus, Stdio},
};

use anyhow::{Context, Result};
use cargo_metadata::{Artifact, Message};

pub struct CargoRun {
    pub status: ExitStatus,
    /// Every unit cargo compiled or found fresh, in cargo's order.
    pub artifacts: Vec<Artifact>,
}

/// Run cargo; `on_artifact` sees every unit as cargo reports it (while the build goes on).
pub fn run(mut cmd: Command, on_artifact: &mut dyn FnMut(&Artifact)) -> Result<CargoRun> {
    log::debug!("running {cmd:?}");
    let program = cmd.get_program().to_string_lossy().into_owned();
    let mut child = cmd
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot run `{program}`"))?;
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut artifacts = Vec::new();
    let mut out = std::io::stdout().lock();
    for message in Message::parse_stream(BufReader::new(stdout)) {
        let message = message.context("cannot read cargo's output")?;
        match message {
            Message::CompilerArtifact(artifact) => {
                on_artifact(&artifact);
                artifacts.push(artifact)
            }
            // With json-render-diagnostics cargo renders rustc's diagnostics itself; any
            // compiler message still sent as JSON is one it did not render: show it once.
            Message::CompilerMessage(msg) => {
                if let Some(rendered) = &msg.message.rendered {
                    eprint!("{rendered}");
                }
            }
            Message::TextLine(line) => {
                if is_unknown_cargo_message(&line) {
                    log::debug!("ignoring cargo message {line}");
                } else {
                    // Output of rustc or a proc-macro on stdout: where plain cargo puts it.
                    // Losing it to a closed pipe is fine.
                    let _ = writeln!(out, "{line}");
                }
            }
            _ => {}
        }
    }
    let status = child
        .wait()
        .with_context(|| format!("cannot wait for `{program}`"))?;
    Ok(CargoRun { status, artifacts })
}

/// `parse_stream` turns messages of kinds newer than cargo_metadata into text lines.
fn is_unknown_cargo_message(line: &str) -> bool {
    line.starts_with('{')
        && serde_json::from_str::<serde_json::Value>(line)
            .is_ok_and(|v| v.get("reason").is_some_and(|r| r.is_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_message_kinds_are_not_printed() {
        assert!(is_unknown_cargo_message(
            r#"{"reason":"timing-info","package_id":"x"}"#
        ));
        assert!(!is_unknown_cargo_message("hello from a proc macro"));
        assert!(!is_unknown_cargo_message(r#"{"not":"cargo"}"#));
    }
}
