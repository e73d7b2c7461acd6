//! `painter-sql`: the dataset queried out of core by the embedded SQL engine, run as
//! `cargo painter sql DATASET COMMAND` (cargo painter finds this binary beside itself or on
//! PATH). A binary of its own so that installing cargo painter does not compile DataFusion
//! (docs/engine-choice.md, "Build cost"); the answers equal `stats`, `path` and the figures of
//! the in-memory queries on the same dataset.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use painter_engine::datafusion::arrow::array::RecordBatch;
use painter_engine::datafusion::arrow::util::pretty::pretty_format_batches;
use painter_engine::datafusion::arrow::{csv, json};
use painter_engine::{Edges, Engine, EngineOptions, Population, ReachOutput, ReachTarget};

#[derive(Debug, Parser)]
#[command(
    name = "cargo painter sql",
    bin_name = "cargo painter sql",
    version,
    about = "Query a cargo painter dataset with the embedded SQL engine (DataFusion), out of core"
)]
struct Cli {
    /// The dataset directory (`<target-dir>/painter/graph`, or one written by `link -o DIR`)
    #[arg(value_name = "DATASET")]
    dataset: PathBuf,
    /// Memory the engine's pool grants sorts, aggregations and joins before they spill, e.g.
    /// `3G`, `512M` or bytes [default: unbounded]
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    memory_limit: Option<u64>,
    /// Where spill files and scratch tables go [default: the system temp directory]
    #[arg(long, value_name = "DIR")]
    spill_dir: Option<PathBuf>,
    /// Worker threads [default: the number of cores]
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// Every engine option as one JSON value (painter_engine::EngineOptions); the flags above
    /// override it
    #[arg(long, value_name = "JSON")]
    options: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Every figure of docs/figures.md (as `cargo painter stats` computes them in memory)
    Figures {
        /// Which crates the figures count
        #[arg(long, value_enum, default_value_t = Crates::All)]
        crates: Crates,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// How many functions reach unsafe code, FFI or a function (targets included)
    Reaches {
        /// `unsafe`, `ffi`, or a function: its id or its path (or the tail of one)
        target: String,
        /// Also follow candidate edges (dyn, fn pointer and generic calls)
        #[arg(long)]
        candidates: bool,
        /// Write every reaching function (ids and distance) to this Parquet file
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// One shortest call path from a function to unsafe code, FFI or another function
    Path {
        /// The function to start from: its id or its path (or the tail of one)
        from: String,
        /// `unsafe`, `ffi`, or a function
        to: String,
        #[arg(long)]
        candidates: bool,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Functions whose path is PATTERN or ends with `::PATTERN`, with their ids
    Functions {
        pattern: String,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Resolve calls across units in SQL (the link tables) and print their sizes; `--write`
    /// stores them in the dataset
    Link {
        #[arg(long)]
        write: bool,
    },
    /// Run SQL over the dataset's tables (each table directory is a table of that name)
    Query {
        /// The statements (`;`-separated); the last one's result is printed
        #[arg(required_unless_present = "file", conflicts_with = "file")]
        sql: Option<String>,
        /// Read the statements from a file instead
        #[arg(long, value_name = "FILE")]
        file: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = QueryFormat::Table)]
        format: QueryFormat,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Crates {
    All,
    Primary,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Table,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum QueryFormat {
    Table,
    /// One JSON object per row, one per line
    Json,
    Csv,
}

/// `3G`, `512M`, `64K` (powers of 1024) or a number of bytes.
fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let (digits, unit) = match text.char_indices().find(|(_, c)| c.is_ascii_alphabetic()) {
        Some((i, _)) => (&text[..i], text[i..].to_ascii_uppercase()),
        None => (text, String::new()),
    };
    let shift = match unit.trim_end_matches("IB").trim_end_matches('B') {
        "" => 0,
        "K" => 10,
        "M" => 20,
        "G" => 30,
        "T" => 40,
        _ => {
            return Err(format!(
                "`{text}`: expected a size like 3G, 512M or 1048576"
            ));
        }
    };
    let n: u64 = digits
        .trim()
        .parse()
        .map_err(|_| format!("`{text}`: expected a size like 3G, 512M or 1048576"))?;
    n.checked_mul(1 << shift)
        .ok_or_else(|| format!("`{text}` is too large"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(text) => {
            // A closed pipe (`| head`) is the reader's choice, not an error.
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

type Error = Box<dyn std::error::Error>;

fn options(cli: &Cli) -> Result<EngineOptions, Error> {
    let mut options: EngineOptions = match &cli.options {
        Some(json) => serde_json::from_str(json).map_err(|e| format!("--options: {e}"))?,
        None => EngineOptions::default(),
    };
    options.memory_limit = cli.memory_limit.or(options.memory_limit);
    options.spill_dir = cli.spill_dir.clone().or(options.spill_dir);
    options.threads = cli.threads.or(options.threads);
    Ok(options)
}

fn run(cli: &Cli) -> Result<String, Error> {
    let engine = Engine::open(&cli.dataset, &options(cli)?)?;
    let edges = |candidates: bool| {
        if candidates {
            Edges::WithCandidates
        } else {
            Edges::Exact
        }
    };
    Ok(match &cli.command {
        Command::Figures { crates, format } => {
            let population = match crates {
                Crates::All => Population::All,
                Crates::Primary => Population::Primary,
            };
            let figures = engine.figures(population)?;
            match format {
                Format::Table => painter_query::table::render_figures(&figures),
                Format::Json => serde_json::to_string_pretty(&figures)? + "\n",
            }
        }
        Command::Reaches {
            target,
            candidates,
            output,
            format,
        } => {
            let target = reach_target(&engine, target)?;
            let out = match output {
                Some(path) => ReachOutput::Parquet(path),
                None => ReachOutput::Count,
            };
            let summary = engine.reaches(&target, edges(*candidates), out)?;
            match format {
                Format::Table => format!(
                    "{} functions reach it (targets included), in at most {} calls\n",
                    summary.functions, summary.steps
                ),
                Format::Json => serde_json::to_string_pretty(&summary)? + "\n",
            }
        }
        Command::Path {
            from,
            to,
            candidates,
            format,
        } => {
            let from = one_function(&engine, from)?;
            let target = reach_target(&engine, to)?;
            let path = engine.shortest_path(&from, &target, edges(*candidates))?;
            match (format, path) {
                (Format::Json, path) => serde_json::to_string_pretty(&path)? + "\n",
                (Format::Table, None) => "no path\n".to_owned(),
                (Format::Table, Some(steps)) => steps
                    .iter()
                    .enumerate()
                    .map(|(i, s)| format!("{}{} ({})\n", "  ".repeat(i), s.path, s.id))
                    .collect(),
            }
        }
        Command::Functions { pattern, format } => {
            let found = engine.find_functions(pattern)?;
            match format {
                Format::Json => serde_json::to_string_pretty(&found)? + "\n",
                Format::Table => found
                    .iter()
                    .map(|f| format!("{}  {}\n", f.id, f.path))
                    .collect(),
            }
        }
        Command::Link { write } => {
            let summary = engine.link(write.then_some(cli.dataset.as_path()))?;
            serde_json::to_string_pretty(&summary)? + "\n"
        }
        Command::Query { sql, file, format } => {
            let (name, text) = match (sql, file) {
                (Some(sql), _) => ("query".to_owned(), sql.clone()),
                (None, Some(file)) => (
                    file.display().to_string(),
                    std::fs::read_to_string(file)
                        .map_err(|e| format!("cannot read {}: {e}", file.display()))?,
                ),
                (None, None) => unreachable!("clap requires one"),
            };
            render(&engine.run_sql(&name, &text)?, *format)?
        }
    })
}

/// `unsafe`, `ffi`, or one function named by id or path.
fn reach_target(engine: &Engine, text: &str) -> Result<ReachTarget, Error> {
    Ok(match text {
        "unsafe" => ReachTarget::Unsafe,
        "ffi" => ReachTarget::Ffi,
        name => ReachTarget::Function(one_function(engine, name)?),
    })
}

/// The id of the one function `name` designates: an id as it is, else a path (or the tail of
/// one) that must match exactly one function.
fn one_function(engine: &Engine, name: &str) -> Result<String, Error> {
    if painter_dataset::ids::parse(name).is_some() {
        return Ok(name.to_owned());
    }
    let found = engine.find_functions(name)?;
    let exact: Vec<_> = found.iter().filter(|f| f.path == name).collect();
    match (found.as_slice(), exact.as_slice()) {
        ([], _) => Err(format!("no function `{name}` in the dataset").into()),
        ([one], _) => Ok(one.id.clone()),
        (_, [one]) => Ok(one.id.clone()),
        (many, _) => Err(format!(
            "`{name}` names {} functions; give one of these ids:\n{}",
            many.len(),
            many.iter()
                .map(|f| format!("  {}  {}", f.id, f.path))
                .collect::<Vec<_>>()
                .join("\n")
        )
        .into()),
    }
}

fn render(batches: &[RecordBatch], format: QueryFormat) -> Result<String, Error> {
    Ok(match format {
        QueryFormat::Table => pretty_format_batches(batches)?.to_string() + "\n",
        QueryFormat::Json => {
            let mut writer = json::LineDelimitedWriter::new(Vec::new());
            for batch in batches {
                writer.write(batch)?;
            }
            writer.finish()?;
            String::from_utf8(writer.into_inner())?
        }
        QueryFormat::Csv => {
            let mut out = Vec::new();
            let mut writer = csv::Writer::new(&mut out);
            for batch in batches {
                writer.write(batch)?;
            }
            drop(writer);
            String::from_utf8(out)?
        }
    })
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("3G"), Ok(3 << 30));
        assert_eq!(parse_size("512MiB"), Ok(512 << 20));
        assert_eq!(parse_size("64k"), Ok(64 << 10));
        assert_eq!(parse_size("1048576"), Ok(1 << 20));
        assert!(parse_size("3 apples").is_err());
        assert!(parse_size("").is_err());
    }
}
