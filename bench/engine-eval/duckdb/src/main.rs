// Tiny DuckDB evaluation driver: runs the shared SQL files in ../sql against Parquet.
use duckdb::{types::Value, Connection};
use std::time::Instant;

fn sql(name: &str) -> String {
    let dir = std::env::var("SQL_DIR").unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../sql").into());
    std::fs::read_to_string(format!("{dir}/{name}.sql")).expect("sql file")
}

fn query(conn: &Connection, text: &str) -> duckdb::Result<Vec<Vec<String>>> {
    let mut stmt = conn.prepare(text)?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let n = row.as_ref().column_count();
        let mut r = Vec::new();
        for i in 0..n {
            let v: Value = row.get(i)?;
            r.push(format!("{v:?}"));
        }
        out.push(r);
    }
    Ok(out)
}

fn count(conn: &Connection, name: &str) -> duckdb::Result<i64> {
    conn.query_row(&sql(name), [], |r| r.get::<_, i64>(0))
}

fn main() -> duckdb::Result<()> {
    let mode = std::env::args().nth(1).unwrap_or_else(|| "smoke".into());
    let data = std::env::var("DATA").unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../data").into());
    let mem = std::env::var("MEM").unwrap_or_else(|_| "3GB".into());
    let threads = std::env::var("THREADS").unwrap_or_else(|_| "2".into());
    let t0 = Instant::now();
    let conn = if mode == "smoke" {
        Connection::open_in_memory()?
    } else {
        let db = concat!(env!("CARGO_MANIFEST_DIR"), "/../spill/duck.db");
        let _ = std::fs::remove_file(db);
        let _ = std::fs::remove_file(format!("{db}.wal"));
        Connection::open(db)?
    };
    conn.execute_batch(&format!(
        "SET memory_limit='{mem}'; SET threads={threads}; \
         SET temp_directory='{spill}/duckdb_tmp'; \
         SET preserve_insertion_order=false;",
        spill = concat!(env!("CARGO_MANIFEST_DIR"), "/../spill")
    ))?;
    if mode != "smoke" {
        conn.execute_batch(&format!(
            "CREATE VIEW functions AS SELECT * FROM read_parquet('{data}/functions/*.parquet'); \
             CREATE VIEW calls AS SELECT * FROM read_parquet('{data}/calls/*.parquet');"
        ))?;
    }
    match mode.as_str() {
        "smoke" | "q1_join_agg" | "reach_recursive" => {
            let name = if mode == "smoke" { "smoke" } else { mode.as_str() };
            for r in query(&conn, &sql(name))? {
                println!("{}", r.join("\t"));
            }
        }
        "reach_iter" => {
            conn.execute_batch(&sql("reach_init_seen"))?;
            conn.execute_batch(&sql("reach_init_frontier"))?;
            println!("iter 0 seen={}", count(&conn, "reach_count_seen")?);
            let mut it = 0;
            loop {
                it += 1;
                let ti = Instant::now();
                conn.execute_batch(&sql("reach_step"))?;
                let n = count(&conn, "reach_count_next")?;
                println!("iter {it} new={n} ({:.1}s)", ti.elapsed().as_secs_f64());
                if n == 0 {
                    break;
                }
                conn.execute_batch(&sql("reach_insert"))?;
                conn.execute_batch(&sql("reach_swap"))?;
            }
            println!("reachable={}", count(&conn, "reach_count_seen")?);
        }
        m => panic!("unknown mode {m}"),
    }
    eprintln!("mode={mode} elapsed={:.2}s", t0.elapsed().as_secs_f64());
    Ok(())
}
