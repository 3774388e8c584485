//! fsync latency on its own: the commit of one small row in a SQLite database in WAL mode with
//! `synchronous=FULL` (the portal's settings: each commit is one fsync of the WAL), and a plain
//! `fsync` of a 4 KiB append for comparison. Not a load test: one writer, one commit at a time.
//!
//!   cargo run --release -p tsuen-server --example fsync_latency -- --dir /tmp/fsync --commits 2000

use std::io::Write;
use std::time::{Duration, Instant};

fn arg(name: &str, default: &str) -> String {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1).cloned()).unwrap_or_else(|| default.to_owned())
}

fn report(what: &str, mut lat: Vec<Duration>) {
    lat.sort();
    let q = |p: f64| lat[((lat.len() as f64 * p) as usize).min(lat.len() - 1)].as_secs_f64() * 1000.0;
    let mean = lat.iter().sum::<Duration>().as_secs_f64() * 1000.0 / lat.len() as f64;
    println!(
        "{what}: {} samples; ms mean {mean:.3} p50 {:.3} p90 {:.3} p99 {:.3} max {:.3}",
        lat.len(),
        q(0.5),
        q(0.9),
        q(0.99),
        q(1.0)
    );
}

fn main() {
    let dir = std::path::PathBuf::from(arg("--dir", "/tmp/tsuen-fsync"));
    let n: usize = arg("--commits", "2000").parse().unwrap();
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("fsync.sqlite3");
    let _ = std::fs::remove_file(&path);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "synchronous", "FULL").unwrap();
    conn.execute_batch("CREATE TABLE events (seq INTEGER PRIMARY KEY, now TEXT NOT NULL, op TEXT NOT NULL)").unwrap();
    let op = r#"{"book":{"id":"b1","child":"k0","facility":"daredemo","kind":"flexible","date":"2026-01-21","from":"10:00","to":"11:00"}}"#;
    let mut lat = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        conn.execute("INSERT INTO events (now, op) VALUES ('2026-01-13T09:00', ?1)", [op]).unwrap();
        lat.push(t.elapsed());
    }
    report("SQLite WAL synchronous=FULL, one-row commit", lat);

    let mut f = std::fs::File::create(dir.join("fsync.bin")).unwrap();
    let block = [7u8; 4096];
    let mut lat = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        f.write_all(&block).unwrap();
        f.sync_data().unwrap();
        lat.push(t.elapsed());
    }
    report("4 KiB append + fdatasync", lat);
    let _ = std::fs::remove_dir_all(&dir);
}
