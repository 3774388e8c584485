//! The engine's benchmarks on a generated world (see `tsuen_benches`): 2,000 facilities, a 62-day
//! window, about 60 % of the places held. With `--test` (the CI smoke run), or with
//! `TSUEN_BENCH_WORLD=small`, a 200-facility world is used instead.
//!
//! Every benchmark passes its inputs and outputs through `black_box` inside the loop and checks its
//! results outside it.

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Instant;

use criterion::Criterion;
use criterion::measurement::Measurement;
use tsuen::{CancelBy, Clock, Code, SearchQuery, UsageKind};
use tsuen_benches::{Built, Config, build};

fn smoke() -> bool {
    std::env::args().any(|a| a == "--test")
}

/// False when a name filter was given on the command line that cannot select benchmarks whose
/// names start with `prefix` (a plain substring test, enough to skip building a world for nothing).
fn wanted(prefix: &str) -> bool {
    const WITH_VALUE: [&str; 14] = [
        "--profile-time",
        "--save-baseline",
        "--baseline",
        "--load-baseline",
        "--sample-size",
        "--warm-up-time",
        "--measurement-time",
        "--nresamples",
        "--noise-threshold",
        "--confidence-level",
        "--significance-level",
        "--plotting-backend",
        "--output-format",
        "--color",
    ];
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut filters = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if WITH_VALUE.contains(&a.as_str()) {
            i += 1;
        } else if !a.starts_with('-') {
            filters.push(a.clone());
        }
        i += 1;
    }
    filters.is_empty() || filters.iter().any(|f| prefix.contains(f.as_str()) || f.contains(prefix))
}

fn world(cfg: &Config, what: &str) -> Built {
    let t = Instant::now();
    let built = build(cfg);
    eprintln!("[world {what}] {} (total {:.1} s)", built.stats, t.elapsed().as_secs_f64());
    assert!(built.stats.refused.is_empty(), "the generated bookings are all accepted");
    built
}

fn benches<M: Measurement + 'static>(c: &mut Criterion<M>) {
    // `TSUEN_BENCH_WORLD=small` runs the full measurement on the small world (caches warmer: it
    // separates the engine's own work from memory latency).
    let small = smoke() || std::env::var("TSUEN_BENCH_WORLD").is_ok_and(|v| v == "small");
    let cfg = if small { Config::small() } else { Config::standard() };
    let mut b = world(&cfg, "standard");

    // --- calendar: one facility, one week, compact form into a reused buffer.
    let (fac, child) = b.calendar_facility();
    let monday = b.day(b.a_monday());
    let mut buf: Vec<i16> = Vec::with_capacity(7 * 48);
    for (name, who) in [("calendar/week/compact", None), ("calendar/week/compact_child", Some(child.as_str()))] {
        let mut expected = Vec::new();
        b.world.calendar_into(&fac, monday, 7, who, &mut expected).expect("calendar");
        let mut failures = 0u64;
        buf.clear();
        c.bench_function(name, |bench| {
            bench.iter(|| {
                let r =
                    b.world.calendar_into(black_box(&fac), black_box(monday), black_box(7), black_box(who), &mut buf);
                failures += u64::from(r.is_err());
                black_box(&buf);
            })
        });
        assert_eq!(failures, 0);
        // (Empty when the benchmark was filtered out.)
        assert!(buf.is_empty() || buf == expected, "{name}: the calendar is the same every time");
        assert!(expected.iter().any(|&p| p > 0) && expected.contains(&tsuen::NO_CELL));
    }

    // --- check: a dry run of an acceptable flexible booking.
    let t = Instant::now();
    let cands = b.flexible_candidates(if small { 2_000 } else { 100_000 }, "10:00", "12:00");
    eprintln!("[candidates] {} flexible requests in {:.1} s", cands.len(), t.elapsed().as_secs_f64());
    assert!(!cands.is_empty(), "acceptable flexible requests exist");
    let req = cands[0].clone();
    let mut failures = 0u64;
    c.bench_function("check/flexible", |bench| {
        bench.iter(|| {
            let r = b.world.check(black_box(&req));
            failures += u64::from(r.is_err());
            black_box(r)
        })
    });
    assert_eq!(failures, 0);
    assert!(b.world.check(&req).is_ok());

    // --- the same dry run, rotating over many children, facilities and days (cold caches, as
    // under real traffic; nothing changes, so nothing grows).
    let mut i = 0usize;
    let mut failures = 0u64;
    c.bench_function("check/flexible/rotating", |bench| {
        bench.iter(|| {
            let r = b.world.check(black_box(&cands[i % cands.len()]));
            i += 1;
            failures += u64::from(r.is_err());
            black_box(r)
        })
    });
    assert_eq!(failures, 0);

    // --- search: the largest municipality of the standard world (indexed, and unindexed for
    // comparison).
    let (muni, n) = b.largest_municipality();
    let q = SearchQuery {
        municipality: muni,
        kind: UsageKind::Flexible,
        date: b.day(b.a_monday() + 2),
        from: Clock::parse("10:00").expect("time"),
        to: Clock::parse("12:00").expect("time"),
        child: None,
    };
    search_benches(c, &b, &q, &format!("search/largest_municipality_{n}/2h"));

    // --- book/refused_no_capacity: nothing changes.
    let full = b.no_capacity_request().expect("a full slot exists");
    let mut wrong = 0u64;
    c.bench_function("book/refused_no_capacity", |bench| {
        bench.iter(|| {
            let r = b.world.book(black_box(&full));
            wrong += u64::from(!matches!(&r, Err(e) if e.codes() == [Code::NoCapacity]));
            black_box(r)
        })
    });
    assert_eq!(wrong, 0);

    // --- book_cancel/flexible: book, then the facility cancels it (SPEC's figure: the same
    // request every time, with a new id, so the places stay put); then `/rotating`: the same over
    // many children, facilities and days (cold caches, as under real traffic).
    let mut cands = cands;
    let records_before = b.world.booking_count();
    let mut i = 0usize;
    for (name, rotate) in [("book_cancel/flexible", false), ("book_cancel/flexible/rotating", true)] {
        let mut failures = 0u64;
        c.bench_function(name, |bench| {
            bench.iter(|| {
                let n = cands.len();
                let req = &mut cands[if rotate { i % n } else { 0 }];
                req.id.clear();
                let _ = write!(req.id, "bc{i}");
                i += 1;
                let r = b.world.book(black_box(req));
                failures += u64::from(r.is_err());
                let r = b.world.cancel(black_box(&req.id), CancelBy::Facility);
                failures += u64::from(r.is_err());
                black_box(r)
            })
        });
        assert_eq!(failures, 0);
    }
    assert_eq!(b.world.booking_count(), records_before + i);
    cands[0].id = "stayed-put".into();
    assert!(b.world.check(&cands[0]).is_ok(), "the places stayed put");

    // --- book/regular_13_weeks: book and cancel (by the facility) a 13-week series; the same
    // series every time, then rotating.
    let t = Instant::now();
    let mut series = b.regular_candidates(if small { 200 } else { 50_000 }, 13);
    eprintln!("[candidates] {} 13-week series in {:.1} s", series.len(), t.elapsed().as_secs_f64());
    assert!(!series.is_empty(), "acceptable 13-week series exist");
    let mut i = 0usize;
    for (name, rotate) in [("book/regular_13_weeks", false), ("book/regular_13_weeks/rotating", true)] {
        let mut failures = 0u64;
        c.bench_function(name, |bench| {
            bench.iter(|| {
                let n = series.len();
                let req = &mut series[if rotate { i % n } else { 0 }];
                req.id.clear();
                let _ = write!(req.id, "rs{i}");
                i += 1;
                let r = b.world.book(black_box(req));
                failures += u64::from(r.is_err());
                let r = b.world.cancel(black_box(&req.id), CancelBy::Facility);
                failures += u64::from(!matches!(&r, Ok(v) if v.len() == 13));
                black_box(r)
            })
        });
        assert_eq!(failures, 0);
    }
    eprintln!("[book/regular_13_weeks] {i} iterations over {} children", series.len());
    // (Freeing a world of millions of small allocations takes seconds and is not measured: leave it
    // to the end of the process.)
    std::mem::forget(b);

    // --- search over 2,000 facilities in one municipality.
    if !wanted("search/") {
        return;
    }
    let cfg1 = Config { municipalities: 1, ..cfg };
    let b1 = world(&cfg1, "one municipality");
    let (muni, n) = b1.largest_municipality();
    let q = SearchQuery { municipality: muni, ..q };
    search_benches(c, &b1, &q, &format!("search/{n}_facilities/2h"));
}

fn search_benches<M: Measurement + 'static>(c: &mut Criterion<M>, b: &Built, q: &SearchQuery, name: &str) {
    let expected: Vec<String> = b.world.search(q).expect("search").into_iter().map(str::to_owned).collect();
    let unindexed: Vec<String> = b.world.search_unindexed(q).expect("search").into_iter().map(str::to_owned).collect();
    let mut sorted = expected.clone();
    sorted.sort();
    let mut sorted_u = unindexed.clone();
    sorted_u.sort();
    assert_eq!(sorted, sorted_u, "the index agrees with the brute force");
    assert!(!expected.is_empty(), "{name}: some facilities have a place");
    eprintln!("[{name}] {} facilities found", expected.len());
    let mut wrong = 0u64;
    c.bench_function(name, |bench| {
        bench.iter(|| {
            let r = b.world.search(black_box(q));
            wrong += u64::from(!matches!(&r, Ok(l) if l.len() == expected.len()));
            black_box(r)
        })
    });
    assert_eq!(wrong, 0);
    let mut wrong = 0u64;
    c.bench_function(&format!("{name}/unindexed"), |bench| {
        bench.iter(|| {
            let r = b.world.search_unindexed(black_box(q));
            wrong += u64::from(!matches!(&r, Ok(l) if l.len() == expected.len()));
            black_box(r)
        })
    });
    assert_eq!(wrong, 0);
}

fn main() {
    // `TSUEN_BENCH_CPU_TIME=1`: measure the thread's CPU time instead of wall time.
    if std::env::var("TSUEN_BENCH_CPU_TIME").is_ok_and(|v| v == "1") {
        let mut c = Criterion::default().with_measurement(cpu_time::CpuTime).configure_from_args();
        benches(&mut c);
        c.final_summary();
    } else {
        let mut c = Criterion::default().configure_from_args();
        benches(&mut c);
        c.final_summary();
    }
}

/// A criterion measurement of the calling thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`) instead of
/// wall time: on a shared machine it leaves out the time the thread waits for a core (not the cache
/// misses other processes cause). Used when `TSUEN_BENCH_CPU_TIME=1`.
mod cpu_time {
    use criterion::Throughput;
    use criterion::measurement::{Measurement, ValueFormatter};

    pub use tsuen_benches::thread_cpu_ns;

    /// Thread CPU time, in nanoseconds.
    pub struct CpuTime;

    impl Measurement for CpuTime {
        type Intermediate = u64;
        type Value = u64;

        fn start(&self) -> u64 {
            thread_cpu_ns()
        }

        fn end(&self, i: u64) -> u64 {
            thread_cpu_ns() - i
        }

        fn add(&self, v1: &u64, v2: &u64) -> u64 {
            v1 + v2
        }

        fn zero(&self) -> u64 {
            0
        }

        fn to_f64(&self, value: &u64) -> f64 {
            *value as f64
        }

        fn formatter(&self) -> &dyn ValueFormatter {
            &NsFormatter
        }
    }

    struct NsFormatter;

    impl ValueFormatter for NsFormatter {
        fn scale_values(&self, typical: f64, values: &mut [f64]) -> &'static str {
            let (div, unit) = match typical {
                t if t < 1e3 => (1.0, "ns"),
                t if t < 1e6 => (1e3, "µs"),
                t if t < 1e9 => (1e6, "ms"),
                _ => (1e9, "s"),
            };
            values.iter_mut().for_each(|v| *v /= div);
            unit
        }

        fn scale_throughputs(&self, _typical: f64, throughput: &Throughput, values: &mut [f64]) -> &'static str {
            let n = match throughput {
                Throughput::Elements(n) | Throughput::Bytes(n) => *n as f64,
                _ => 1.0,
            };
            values.iter_mut().for_each(|v| *v = n * 1e9 / *v);
            "/s (CPU)"
        }

        fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
            "ns"
        }
    }
}
