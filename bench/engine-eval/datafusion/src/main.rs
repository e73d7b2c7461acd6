// Tiny DataFusion evaluation driver: runs the shared SQL files in ../sql against Parquet.
use datafusion::arrow::util::pretty::pretty_format_batches;
use datafusion::error::Result;
use datafusion::execution::memory_pool::FairSpillPool;
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::prelude::*;
use std::sync::Arc;
use std::time::Instant;

fn sql(name: &str) -> String {
    let dir = std::env::var("SQL_DIR").unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../sql").into());
    std::fs::read_to_string(format!("{dir}/{name}.sql")).expect("sql file")
}

async fn exec(ctx: &SessionContext, text: &str) -> Result<Vec<datafusion::arrow::record_batch::RecordBatch>> {
    let mut out = Vec::new();
    for stmt in text.split(';').map(str::trim).filter(|s| !s.is_empty()) {
        out = ctx.sql(stmt).await?.collect().await?;
    }
    Ok(out)
}

async fn count(ctx: &SessionContext, name: &str) -> Result<i64> {
    let b = exec(ctx, &sql(name)).await?;
    let a = b[0].column(0).as_any().downcast_ref::<datafusion::arrow::array::Int64Array>().unwrap();
    Ok(a.value(0))
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<()> {
    let mode = std::env::args().nth(1).unwrap_or_else(|| "smoke".into());
    let data = std::env::var("DATA").unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../data").into());
    let mem_gib: f64 = std::env::var("MEM_GIB").ok().and_then(|s| s.parse().ok()).unwrap_or(3.0);
    let pool = std::env::var("POOL").unwrap_or_else(|_| "fair".into());
    let t0 = Instant::now();
    let bytes = (mem_gib * 1024.0 * 1024.0 * 1024.0) as usize;
    let mut rt = RuntimeEnvBuilder::new().with_temp_file_path(concat!(env!("CARGO_MANIFEST_DIR"), "/../spill/datafusion_tmp"));
    rt = if pool == "greedy" {
        rt.with_memory_limit(bytes, 1.0)
    } else {
        rt.with_memory_pool(Arc::new(FairSpillPool::new(bytes)))
    };
    let config = SessionConfig::new().with_target_partitions(2);
    let ctx = SessionContext::new_with_config_rt(config, rt.build_arc()?);
    if mode != "smoke" {
        ctx.register_parquet("functions", format!("{data}/functions/"), ParquetReadOptions::default()).await?;
        ctx.register_parquet("calls", format!("{data}/calls/"), ParquetReadOptions::default()).await?;
    }
    match mode.as_str() {
        "smoke" | "q1_join_agg" | "reach_recursive" => {
            let name = if mode == "smoke" { "smoke" } else { mode.as_str() };
            let b = exec(&ctx, &sql(name)).await?;
            println!("{}", pretty_format_batches(&b)?);
        }
        "reach_iter" => {
            exec(&ctx, &sql("reach_init_seen")).await?;
            exec(&ctx, &sql("reach_init_frontier")).await?;
            println!("iter 0 seen={}", count(&ctx, "reach_count_seen").await?);
            let mut it = 0;
            loop {
                it += 1;
                let ti = Instant::now();
                exec(&ctx, &sql("reach_step")).await?;
                let n = count(&ctx, "reach_count_next").await?;
                println!("iter {it} new={n} ({:.1}s)", ti.elapsed().as_secs_f64());
                if n == 0 {
                    break;
                }
                exec(&ctx, &sql("reach_insert")).await?;
                exec(&ctx, &sql("reach_swap")).await?;
            }
            println!("reachable={}", count(&ctx, "reach_count_seen").await?);
        }
        m => panic!("unknown mode {m}"),
    }
    eprintln!("mode={mode} elapsed={:.2}s", t0.elapsed().as_secs_f64());
    Ok(())
}
