//! Run the engine on a dataset directory from the command line, for trying queries before the
//! CLI has them: `cargo run -p painter-engine --example query -- DIR COMMAND [ARG]` with
//! COMMAND one of `figures`, `link`, `reaches unsafe|ffi|<id>`, `path <from-id> unsafe|ffi|<id>`,
//! `sql <file.sql>`. Options come as JSON in `PAINTER_ENGINE_OPTIONS` (EngineOptions).

use std::path::Path;

use datafusion::arrow::util::pretty::pretty_format_batches;
use painter_engine::{Edges, Engine, EngineOptions, Population, ReachOutput, ReachTarget};

fn target(text: &str) -> ReachTarget {
    match text {
        "unsafe" => ReachTarget::Unsafe,
        "ffi" => ReachTarget::Ffi,
        id => ReachTarget::Function(id.to_owned()),
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, command, rest @ ..] = args.as_slice() else {
        return Err("usage: query DIR figures|link|reaches T|path FROM T|sql FILE".into());
    };
    let options: EngineOptions = match std::env::var("PAINTER_ENGINE_OPTIONS") {
        Ok(json) => serde_json::from_str(&json)?,
        Err(_) => EngineOptions::default(),
    };
    let engine = Engine::open(Path::new(dir), &options)?;
    let out = match (command.as_str(), rest) {
        ("figures", []) => serde_json::to_string_pretty(&engine.figures(Population::All)?)?,
        ("link", []) => serde_json::to_string_pretty(&engine.link(None)?)?,
        ("reaches", [t]) => serde_json::to_string_pretty(&engine.reaches(
            &target(t),
            Edges::Exact,
            ReachOutput::Count,
        )?)?,
        ("path", [from, t]) => {
            serde_json::to_string_pretty(&engine.shortest_path(from, &target(t), Edges::Exact)?)?
        }
        ("sql", [file]) => {
            let text = std::fs::read_to_string(file)?;
            pretty_format_batches(&engine.run_sql(file, &text)?)?.to_string()
        }
        _ => return Err(format!("unknown command {command} {rest:?}").into()),
    };
    println!("{out}");
    Ok(())
}
