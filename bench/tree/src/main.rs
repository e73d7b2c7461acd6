//! Uses each dependency a little, so the tree is the one a real project compiles.
use std::io::{Read, Write};

use clap::Parser;
use serde::{Deserialize, Serialize};

#[derive(Parser, Debug)]
struct Args {
    #[arg(long, default_value = "a+b")]
    pattern: String,
}

#[derive(Serialize, Deserialize, Debug)]
struct Record {
    name: String,
    values: Vec<u32>,
}

fn main() {
    let args = Args::parse();
    let re = regex::Regex::new(&args.pattern).unwrap();
    let record = Record { name: "aab".into(), values: vec![1, 2, 3] };
    let json = serde_json::to_string(&record).unwrap();
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(json.as_bytes()).unwrap();
    let bytes = enc.finish().unwrap();
    let mut dec = flate2::read::GzDecoder::new(&bytes[..]);
    let mut back = String::new();
    dec.read_to_string(&mut back).unwrap();
    let file: syn::File = syn::parse_str("fn f() {}").unwrap();
    let mut small: smallvec::SmallVec<[u32; 4]> = smallvec::SmallVec::new();
    small.push(unsafe { libc::getpid() } as u32);
    let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    rt.block_on(async { tokio::task::yield_now().await });
    let _: u8 = rand::random();
    let _ = anyhow::anyhow!("x");
    log::info!("{}", chrono::Utc::now());
    println!("{} {} {} {}", re.is_match(&record.name), back.len(), file.items.len(), small.len());
}
