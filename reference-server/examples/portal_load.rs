//! Open-loop load on a running portal (loopback only), with latency measured from each request's
//! intended send time (so a stalled server cannot hide its queueing: coordinated omission corrected).
//!
//! Start the portal for it with test endpoints (they seed the fixture and make logins cheap):
//!   tsuen serve --addr 127.0.0.1:8091 --data /tmp/load --now 2026-01-13T09:00 --test-endpoints --fast-hash --no-rate-limit
//! then:
//!   cargo run --release -p tsuen-server --example portal_load -- --addr 127.0.0.1:8091 --mode book --rate 1000 --seconds 20
//!   cargo run --release -p tsuen-server --example portal_load -- --addr 127.0.0.1:8091 --mode calendar --rate 10000 --seconds 20
//! (`--mode book` seeds the fixture on first use: 400 parents, 40 facilities with large quotas.)
//!   ... --mode bulk --bookings 1000000 --batch 100000
//! stores that many bookings through the test-only seed endpoint (for the restart figure).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A response: status, body, headers.
type Response = (u16, String, Vec<(String, String)>);

struct Conn {
    addr: String,
    stream: Option<BufReader<TcpStream>>,
}

impl Conn {
    fn new(addr: &str) -> Conn {
        Conn { addr: addr.to_owned(), stream: None }
    }

    /// One request on a kept-alive connection (reconnecting once if the server closed it).
    fn call(&mut self, method: &str, path: &str, headers: &str, body: &str) -> Response {
        for attempt in 0..2 {
            if self.stream.is_none() {
                let s = TcpStream::connect(&self.addr).expect("connect");
                s.set_nodelay(true).unwrap();
                self.stream = Some(BufReader::new(s));
            }
            let r = self.try_call(method, path, headers, body);
            match r {
                Some(r) => return r,
                None if attempt == 0 => self.stream = None,
                None => panic!("the server closed the connection"),
            }
        }
        unreachable!()
    }

    fn try_call(&mut self, method: &str, path: &str, headers: &str, body: &str) -> Option<Response> {
        let s = self.stream.as_mut()?;
        let req = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{headers}\r\n{body}",
            self.addr,
            body.len()
        );
        s.get_mut().write_all(req.as_bytes()).ok()?;
        let mut line = String::new();
        if s.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let status: u16 = line.split(' ').nth(1)?.parse().ok()?;
        let mut len = 0usize;
        let mut hs = Vec::new();
        loop {
            line.clear();
            s.read_line(&mut line).ok()?;
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':') {
                if k.eq_ignore_ascii_case("content-length") {
                    len = v.trim().parse().ok()?;
                }
                hs.push((k.to_owned(), v.trim().to_owned()));
            }
        }
        let mut buf = vec![0; len];
        s.read_exact(&mut buf).ok()?;
        Some((status, String::from_utf8_lossy(&buf).into_owned(), hs))
    }
}

fn arg(name: &str, default: &str) -> String {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1).cloned()).unwrap_or_else(|| default.to_owned())
}

const PARENTS: usize = 400;
const FACILITIES: usize = 40;

fn seed(conn: &mut Conn) {
    let mut ops = vec![
        serde_json::json!({"municipality": {"code": "131016", "name": "千代田区", "prefecture": "東京都", "online": true,
        "rules": {"monthly_cap_minutes": 1000000, "horizon_days": 400}}}),
    ];
    let week = serde_json::json!({"mon": ["07:00", "19:00"], "tue": ["07:00", "19:00"], "wed": ["07:00", "19:00"], "thu": ["07:00", "19:00"], "fri": ["07:00", "19:00"]});
    for f in 0..FACILITIES {
        ops.push(serde_json::json!({"facility": {"id": format!("f{f}"), "name": format!("園{f}"), "municipality": "131016", "hours": week,
            "capacity": [{"days": ["mon", "tue", "wed", "thu", "fri"], "from": "07:00", "to": "19:00", "regular": 10, "flexible": 1000}],
            "auto_confirm": f % 2 == 0}}));
    }
    let approvals: Vec<_> = (0..FACILITIES)
        .map(|f| serde_json::json!({"facility": format!("f{f}"), "interview_date": "2025-12-01"}))
        .collect();
    let mut accounts = Vec::new();
    for p in 0..PARENTS {
        accounts.push(serde_json::json!({"email": format!("load{p}@t.jp"), "password": "load-password-1", "role": "parent", "name": "負荷", "municipality": "131016"}));
        ops.push(serde_json::json!({"child": {"id": format!("lk{p}"), "parent": format!("p{}", p + 1), "name": "こども",
            "birth_date": "2024-05-01", "municipality": "131016", "certified": ["2025-04-01", "2027-12-31"], "approvals": approvals}}));
    }
    let body = serde_json::json!({"ops": ops, "accounts": accounts}).to_string();
    let (status, text, _) = conn.call("POST", "/api/test/seed", "", &body);
    assert_eq!(status, 200, "seed: {text} (seed a fresh data directory)");
}

fn login(conn: &mut Conn, p: usize) -> String {
    let body = serde_json::json!({"email": format!("load{p}@t.jp"), "password": "load-password-1"}).to_string();
    let (status, text, hs) = conn.call("POST", "/api/login", "", &body);
    assert_eq!(status, 200, "login: {text}");
    let cookie =
        hs.iter().find(|(k, _)| k.eq_ignore_ascii_case("set-cookie")).unwrap().1.split(';').next().unwrap().to_owned();
    let csrf: serde_json::Value = serde_json::from_str(&text).unwrap();
    format!("Cookie: {cookie}\r\nX-CSRF-Token: {}\r\n", csrf["csrf"].as_str().unwrap())
}

/// The k-th distinct booking of parent p: a weekday after the lead time and a 30-minute slot.
fn booking(p: usize, k: usize) -> String {
    let day0 = time::Date::from_calendar_date(2026, time::Month::January, 26).unwrap();
    let slot = 14 + k % 24;
    let weekday = k / 24;
    let date = day0 + time::Duration::days((weekday / 5 * 7 + weekday % 5) as i64);
    let hm = |s: usize| format!("{:02}:{:02}", s / 2, (s % 2) * 30);
    serde_json::json!({"child": format!("lk{p}"), "facility": format!("f{}", p % FACILITIES), "kind": "flexible",
        "date": format!("{}-{:02}-{:02}", date.year(), date.month() as u8, date.day()), "from": hm(slot), "to": hm(slot + 1)})
    .to_string()
}

/// Children of the bulk world: bookings run until their approvals expire (six months after the
/// fixture's interviews), so a million bookings need more children than the fixture's 400.
const BULK_CHILDREN: usize = 800;

/// Stores `n` flexible bookings (distinct slots per child, weekdays from 2026-01-26) through the seed
/// endpoint in requests of `batch`, after adding the bulk children.
fn bulk(conn: &mut Conn, n: usize, batch: usize) {
    let t = Instant::now();
    let approvals: Vec<_> = (0..FACILITIES)
        .map(|f| serde_json::json!({"facility": format!("f{f}"), "interview_date": "2025-12-01"}))
        .collect();
    let children: Vec<serde_json::Value> = (0..BULK_CHILDREN)
        .map(|c| serde_json::json!({"child": {"id": format!("bk{c}"), "parent": format!("p{}", c % PARENTS + 1), "name": "こども",
            "birth_date": "2024-05-01", "municipality": "131016", "certified": ["2025-04-01", "2027-12-31"], "approvals": approvals}}))
        .collect();
    let (status, text, _) = conn.call("POST", "/api/test/seed", "", &serde_json::json!({"ops": children}).to_string());
    assert_eq!(status, 200, "bulk children: {text}");
    let day0 = time::Date::from_calendar_date(2026, time::Month::January, 26).unwrap();
    let hm = |s: usize| format!("{:02}:{:02}", s / 2, (s % 2) * 30);
    let mut i = 0;
    while i < n {
        let ops: Vec<serde_json::Value> = (i..(i + batch).min(n))
            .map(|j| {
                let (c, k) = (j % BULK_CHILDREN, j / BULK_CHILDREN);
                let (slot, weekday) = (14 + k % 24, k / 24);
                let date = day0 + time::Duration::days((weekday / 5 * 7 + weekday % 5) as i64);
                serde_json::json!({"book": {"id": format!("bulk{j}"), "child": format!("bk{c}"),
                    "facility": format!("f{}", c % FACILITIES), "kind": "flexible",
                    "date": format!("{}-{:02}-{:02}", date.year(), date.month() as u8, date.day()),
                    "from": hm(slot), "to": hm(slot + 1)}})
            })
            .collect();
        let (status, text, _) = conn.call("POST", "/api/test/seed", "", &serde_json::json!({"ops": ops}).to_string());
        assert_eq!(status, 200, "bulk seed: {text}");
        i += ops.len();
        println!("bulk: {i} bookings stored ({:.1} s)", t.elapsed().as_secs_f64());
    }
}

fn main() {
    let addr = arg("--addr", "127.0.0.1:8091");
    let mode = arg("--mode", "book");
    let rate: f64 = arg("--rate", "1000").parse().unwrap();
    let seconds: f64 = arg("--seconds", "10").parse().unwrap();
    let workers: usize = arg("--workers", "64").parse().unwrap();
    let mut c = Conn::new(&addr);
    if arg("--seed", "yes") == "yes" {
        seed(&mut c);
    }
    if mode == "bulk" {
        bulk(&mut c, arg("--bookings", "1000000").parse().unwrap(), arg("--batch", "100000").parse().unwrap());
        return;
    }
    let auths: Vec<String> = (0..PARENTS).map(|p| login(&mut c, p)).collect();
    let auths = Arc::new(auths);
    let total = (rate * seconds) as usize;
    let next = Arc::new(AtomicUsize::new(0));
    let per_parent: Arc<Vec<AtomicUsize>> = Arc::new((0..PARENTS).map(|_| AtomicUsize::new(0)).collect());
    let results = Arc::new(Mutex::new(Vec::with_capacity(total)));
    let start = Instant::now() + Duration::from_millis(200);
    let handles: Vec<_> = (0..workers)
        .map(|_| {
            let (addr, mode, auths, next, results, per_parent) =
                (addr.clone(), mode.clone(), auths.clone(), next.clone(), results.clone(), per_parent.clone());
            std::thread::spawn(move || {
                let mut conn = Conn::new(&addr);
                let mut mine = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    if i >= total {
                        break;
                    }
                    let due = start + Duration::from_secs_f64(i as f64 / rate);
                    if let Some(wait) = due.checked_duration_since(Instant::now()) {
                        std::thread::sleep(wait);
                    }
                    let p = i % PARENTS;
                    let (status, _, _) = if mode == "book" {
                        let k = per_parent[p].fetch_add(1, Ordering::SeqCst);
                        conn.call("POST", "/api/bookings", &auths[p], &booking(p, k))
                    } else {
                        let path = format!("/api/facilities/f{}/calendar?from=2026-01-26&days=7", p % FACILITIES);
                        conn.call("GET", &path, &auths[p], "")
                    };
                    mine.push((due.elapsed(), status));
                }
                results.lock().unwrap().extend(mine);
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let elapsed = start.elapsed().as_secs_f64();
    let results = results.lock().unwrap();
    let ok = results.iter().filter(|(_, s)| *s == 200 || *s == 201).count();
    let mut lat: Vec<Duration> = results.iter().map(|(d, _)| *d).collect();
    lat.sort();
    let q = |p: f64| lat[((lat.len() as f64 * p) as usize).min(lat.len() - 1)].as_secs_f64() * 1000.0;
    println!(
        "{mode}: offered {rate}/s for {seconds}s; {} requests, {ok} succeeded ({:.0}/s); latency ms p50 {:.2} p90 {:.2} p99 {:.2} max {:.2}",
        results.len(),
        ok as f64 / elapsed,
        q(0.5),
        q(0.9),
        q(0.99),
        q(1.0)
    );
    let failed: std::collections::BTreeMap<u16, usize> =
        results.iter().filter(|(_, s)| *s != 200 && *s != 201).fold(Default::default(), |mut m, (_, s)| {
            *m.entry(*s).or_default() += 1;
            m
        });
    if !failed.is_empty() {
        println!("non-2xx: {failed:?}");
    }
}
