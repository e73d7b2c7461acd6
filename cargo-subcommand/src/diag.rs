//! How `cargo painter` talks to the user besides its output: warnings shown the way cargo shows
//! its own, and errors folded into the one `error:` line the CLI ends with.

/// A problem that does not stop the run, shown the way cargo shows its warnings.
pub fn warning(message: std::fmt::Arguments<'_>) {
    eprintln!("warning: {message}");
}

/// The error and its causes on one line, skipping a cause whose text the message already
/// contains (many library errors print their source themselves).
pub fn one_line(error: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if !line.contains(&text) {
            if !line.is_empty() {
                line.push_str(": ");
            }
            line.push_str(&text);
        }
    }
    line
}

/// How wide tables may be: unlimited with `--wide`; else `COLUMNS` when set (as shells and
/// `less` export it), the terminal's width when stdout is one, and 100 columns otherwise.
pub fn table_width(wide: bool) -> Option<usize> {
    if wide {
        return None;
    }
    let from_env = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&c| c > 0);
    let from_terminal = || {
        let stdout = std::io::stdout();
        rustix::termios::tcgetwinsize(&stdout)
            .ok()
            .map(|size| usize::from(size.ws_col))
            .filter(|&c| c > 0)
    };
    Some(
        from_env
            .or_else(from_terminal)
            .unwrap_or(painter_query::table::DEFAULT_WIDTH),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn error_chain_without_repetition() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "no such file");
        let e = anyhow::Error::new(io)
            .context("cannot read x: no such file")
            .context("linking");
        assert_eq!(super::one_line(&e), "linking: cannot read x: no such file");
    }
}
