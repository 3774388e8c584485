//! `bulk [--records N] [--facilities N] [--sorted] [--save PATH]` / `bulk --restore PATH`.
//!
//! Books N booking records (default 1,000,000) through the rules into a generated world (requests in
//! random order, or by facility and day with `--sorted`) and reports the wall time and the peak RSS
//! (VmHWM); then saves the world to JSON and restores it (`World::from_json`), timing both.
//! `--restore PATH` only restores a saved world: a clean RSS figure for the restore alone.
//!
//! The requests are booked with `World::book_many` (in order; the same answers as one `book` each);
//! `TSUEN_BULK_ONE_BY_ONE=1` books them with `World::book`, one call each, for comparison.
//! `TSUEN_BULK_BOOK_ONLY=1` stops after booking (for profiling that phase alone).

use std::time::Instant;

/// The portal's allocator (`tsuen serve`), so that the figures are the product's: see docs/DECISIONS.md.
/// `--features system-alloc` builds it with the system's allocator instead (the figures of both are in
/// docs/PERFORMANCE.md).
#[cfg(not(feature = "system-alloc"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use tsuen::World;
use tsuen_benches::{Config, book_all, cpu_secs_since, peak_rss_bytes, plan, thread_cpu_ns};

const USAGE: &str = "usage: bulk [--records N] [--facilities N] [--sorted] [--save PATH] | bulk --restore PATH";

fn mib(b: Option<u64>) -> String {
    b.map_or("?".into(), |b| format!("{:.0} MiB", b as f64 / (1024.0 * 1024.0)))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut records = 1_000_000usize;
    let mut facilities = None;
    let mut save = None;
    let mut restore = None;
    let mut sorted = false;
    let mut i = 0;
    while i < args.len() {
        if args[i] == "--sorted" {
            sorted = true;
            i += 1;
            continue;
        }
        let v = args.get(i + 1).cloned().unwrap_or_else(|| {
            eprintln!("{USAGE}");
            std::process::exit(2)
        });
        match args[i].as_str() {
            "--records" => records = v.parse().expect("--records N"),
            "--facilities" => facilities = Some(v.parse().expect("--facilities N")),
            "--save" => save = Some(v),
            "--restore" => restore = Some(v),
            _ => {
                eprintln!("{USAGE}");
                std::process::exit(2)
            }
        }
        i += 2;
    }
    if let Some(path) = restore {
        let text = std::fs::read_to_string(&path).expect("reading the saved world");
        // The two halves of a restore, timed apart (then the whole, as a caller does it).
        let (t, cpu) = (Instant::now(), thread_cpu_ns());
        let snap: tsuen::Snapshot = serde_json::from_str(&text).expect("a saved world parses");
        let (parse, parse_cpu) = (t.elapsed().as_secs_f64(), cpu_secs_since(cpu));
        let (t, cpu) = (Instant::now(), thread_cpu_ns());
        let w = World::restore(&snap).expect("a saved world restores");
        let (build, build_cpu) = (t.elapsed().as_secs_f64(), cpu_secs_since(cpu));
        println!(
            "restore halves (through Snapshot): parse {parse:.3} s (CPU {parse_cpu:.3} s), build {build:.3} s \
             (CPU {build_cpu:.3} s) ({} records)",
            w.booking_count()
        );
        drop((w, snap));
        let (t, cpu) = (Instant::now(), thread_cpu_ns());
        let w = World::from_json(&text).expect("a saved world restores");
        let (secs, cpu) = (t.elapsed().as_secs_f64(), cpu_secs_since(cpu));
        println!(
            "restore: {} booking records from {} MB of JSON in {secs:.3} s (thread CPU {cpu:.3} s)",
            w.booking_count(),
            text.len() / 1_000_000
        );
        println!("peak RSS (VmHWM): {}", mib(peak_rss_bytes()));
        return;
    }

    // A world big enough: the standard one has about 1.4 M records; scale facilities up if needed.
    let mut cfg = Config { max_records: Some(records), ..Config::standard() };
    if let Some(f) = facilities {
        cfg.facilities = f;
    } else {
        cfg.facilities = (2_000 * records).div_ceil(1_200_000).max(2_000);
    }
    let t = Instant::now();
    let mut p = plan(&cfg);
    if sorted {
        // By facility, then day: the order of a migration from another system, cache-friendly.
        p.requests.sort_by(|a, b| (&a.req.facility, a.req.date).cmp(&(&b.req.facility, b.req.date)));
    }
    let planned: usize = p.requests.iter().map(|r| r.records as usize).sum();
    println!(
        "plan ({} order): {} facilities, {} children, {} requests making {planned} records, in {:.2} s",
        if sorted { "facility/day" } else { "random" },
        p.meta.facilities.len(),
        p.meta.children.len(),
        p.requests.len(),
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let mut world = p.setup.world();
    println!("setup: {:.3} s; peak RSS so far {}", t.elapsed().as_secs_f64(), mib(peak_rss_bytes()));
    let (t, cpu) = (Instant::now(), thread_cpu_ns());
    let (accepted, refused, held) = book_all(&mut world, &p.requests);
    let (secs, cpu) = (t.elapsed().as_secs_f64(), cpu_secs_since(cpu));
    println!(
        "book ({}): {accepted} of {} requests accepted (refused: {refused:?}), {} booking records, in {secs:.3} s \
         (thread CPU {cpu:.3} s; {:.0} ns per record); held {:.1} % regular / {:.1} % flexible",
        if std::env::var_os("TSUEN_BULK_ONE_BY_ONE").is_some() { "book, one by one" } else { "book_many" },
        p.requests.len(),
        world.booking_count(),
        secs * 1e9 / world.booking_count() as f64,
        held[0] as f64 * 100.0 / p.capacity[0] as f64,
        held[1] as f64 * 100.0 / p.capacity[1] as f64,
    );
    println!("peak RSS after booking (plan + world): {}", mib(peak_rss_bytes()));
    if std::env::var_os("TSUEN_BULK_BOOK_ONLY").is_some() {
        // For profiling the booking phase alone (`perf record`): stop here, without freeing.
        std::process::exit(0);
    }
    drop(p);
    let t = Instant::now();
    let json = world.to_json();
    println!("save: {} MB of JSON in {:.3} s", json.len() / 1_000_000, t.elapsed().as_secs_f64());
    if let Some(path) = &save {
        std::fs::write(path, &json).expect("writing the saved world");
        println!("saved to {path}");
    }
    let count = world.booking_count();
    drop(world);
    let (t, cpu) = (Instant::now(), thread_cpu_ns());
    let w = World::from_json(&json).expect("a saved world restores");
    let (secs, cpu) = (t.elapsed().as_secs_f64(), cpu_secs_since(cpu));
    assert_eq!(w.booking_count(), count);
    println!("restore: {count} booking records in {secs:.3} s (thread CPU {cpu:.3} s)");
    println!("peak RSS overall: {}", mib(peak_rss_bytes()));
}
