//! Re-scoring throughput on synthetic records, with 1 and 2 threads.
//!
//! `cargo run --release -p jixiao-score --example bench_rescore -- [N]` (default 100000):
//! the 100 reviewed golden records are replicated to N, each copy with its scores and
//! executed amounts nudged deterministically so that findings vary, then re-scored in a
//! rayon pool of 1 and of 2 threads. Prints records/s for each and the 2-thread speed-up
//! against the 1-thread run measured in the same process.

use jixiao_record::Record;
use rust_decimal::Decimal;
use std::time::Instant;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../golden/text");
    let mut seeds: Vec<Record> = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("golden/text")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    paths.sort();
    for p in paths {
        for line in std::fs::read_to_string(&p).expect("golden").lines() {
            seeds.push(serde_json::from_str(line).expect("record"));
        }
    }
    let records: Vec<Record> = (0..n)
        .map(|i| {
            let mut r = seeds[i % seeds.len()].clone();
            r.record_id = format!("synthetic-{i:07}");
            let nudge = Decimal::new((i % 7) as i64 - 3, 2);
            for ind in &mut r.indicators {
                if let Some(s) = ind.score.as_mut() {
                    *s += nudge;
                }
            }
            for f in &mut r.funds {
                if let Some(e) = f.executed.as_mut() {
                    *e += nudge;
                }
            }
            r
        })
        .collect();
    // Untimed warm-up: page in the records and grow the allocator's arenas.
    let _ = jixiao_score::rescore_all(&records);
    let mut rates = Vec::new();
    let order: Vec<usize> = if std::env::var("BENCH_REVERSE").is_ok() {
        vec![2, 1]
    } else {
        vec![1, 2]
    };
    for threads in order {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool");
        let t = Instant::now();
        let findings = pool.install(|| jixiao_score::rescore_all(&records));
        let secs = t.elapsed().as_secs_f64();
        let rate = n as f64 / secs;
        rates.push((threads, rate));
        println!(
            "{threads} thread(s): {n} records, {} findings, {secs:.3} s, {rate:.0} records/s",
            findings.len()
        );
    }
    let rate_of = |t: usize| {
        rates
            .iter()
            .find(|(n, _)| *n == t)
            .map_or(f64::NAN, |(_, r)| *r)
    };
    println!("2 threads / 1 thread: {:.2}×", rate_of(2) / rate_of(1));
}
