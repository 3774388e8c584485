//! What the portal guarantees, over real HTTP: who may call what (an access matrix generated from the
//! route table), races for the last places, durability across SIGKILL, and real SMTP delivery.

mod support;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use support::{Client, Server, fixture};

/// Every route and the roles that may call it. A route missing here (or here and not in the
/// router) fails `the_matrix_covers_every_route`.
const EXPECTED: &[(&str, &str, &[&str])] = &[
    ("GET", "/healthz", &[]),
    ("GET", "/api/municipalities", &[]),
    ("POST", "/api/applications", &[]),
    ("POST", "/api/registrations", &[]),
    ("POST", "/api/test/seed", &[]),
    ("GET", "/api/test/pragmas", &[]),
    ("POST", "/api/test/now", &[]),
    ("POST", "/api/login", &[]),
    ("POST", "/api/logout", &["parent", "facility", "municipality"]),
    ("GET", "/api/me", &["parent", "facility", "municipality"]),
    ("POST", "/api/password", &[]),
    ("POST", "/api/password/reset", &[]),
    ("GET", "/api/facilities", &[]),
    ("GET", "/api/facilities/{id}", &[]),
    ("GET", "/api/facilities/{id}/calendar", &["parent"]),
    ("GET", "/api/facilities/{id}/regular", &["parent"]),
    ("GET", "/api/search", &["parent"]),
    ("GET", "/api/view", &["parent"]),
    ("POST", "/api/bookings/check", &["parent"]),
    ("POST", "/api/bookings", &["parent"]),
    ("GET", "/api/bookings", &["parent"]),
    ("GET", "/api/bookings/{number}", &["parent"]),
    ("GET", "/api/bookings/{number}/cancel", &["parent"]),
    ("POST", "/api/bookings/{number}/cancel", &["parent"]),
    ("GET", "/api/facility/bookings", &["facility"]),
    ("POST", "/api/facility/bookings/{number}/confirm", &["facility"]),
    ("POST", "/api/facility/bookings/{number}/cancel", &["facility"]),
    ("POST", "/api/facility/bookings/{number}/interview-result", &["facility"]),
    ("GET", "/api/facility/setup", &["facility"]),
    ("POST", "/api/facility/setup", &["facility"]),
    ("GET", "/api/municipality/registrations", &["municipality"]),
    ("POST", "/api/municipality/registrations/{id}/certify", &["municipality"]),
    ("POST", "/api/municipality/registrations/{id}/reject", &["municipality"]),
    ("GET", "/api/outbox", &["municipality"]),
    // The day of use and the municipality's work.
    ("GET", "/api/facility/checkin-code", &["facility"]),
    ("GET", "/api/facility/checkin-codes", &["facility"]),
    ("POST", "/api/facility/checkin-codes", &["facility"]),
    ("POST", "/api/facility/checkin-codes/{id}/revoke", &["facility"]),
    ("GET", "/api/checkin/{code}", &["parent"]),
    ("POST", "/api/checkin/{code}", &["parent"]),
    ("GET", "/api/facility/day", &["facility"]),
    ("POST", "/api/facility/attendance", &["facility"]),
    ("POST", "/api/facility/bookings/{number}/no-show", &["facility"]),
    ("POST", "/api/facility/closures", &["facility"]),
    ("GET", "/api/bookings/{number}/day", &["parent"]),
    ("GET", "/api/facility/bookings/{number}/day", &["facility"]),
    ("POST", "/api/facility/bookings/{number}/records", &["facility"]),
    ("POST", "/api/facility/bookings/{number}/extras", &["facility"]),
    ("POST", "/api/facility/bookings/{number}/payment", &["facility"]),
    ("GET", "/api/facility/claim", &["facility"]),
    ("GET", "/api/municipality/facilities", &["municipality"]),
    ("GET", "/api/municipality/usage", &["municipality"]),
    ("GET", "/api/municipality/usage.csv", &["municipality"]),
    ("GET", "/api/municipality/claims", &["municipality"]),
    ("GET", "/api/municipality/claims.csv", &["municipality"]),
    ("POST", "/api/municipality/claims/close", &["municipality"]),
    ("GET", "/api/municipality/audit", &["municipality"]),
];

fn routes_of(doc: &Value) -> BTreeSet<(String, String, Vec<String>)> {
    let mut out = BTreeSet::new();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            let roles = op["x-roles"].as_array().unwrap().iter().map(|r| r.as_str().unwrap().to_owned()).collect();
            out.insert((method.to_uppercase(), path.clone(), roles));
        }
    }
    out
}

#[test]
fn the_matrix_covers_every_route() {
    let server = Server::start("routes", "2026-01-13T09:00", &[]);
    let doc = server.client().get("/openapi.json").body;
    assert_eq!(doc["openapi"], "3.0.3");
    let expected: BTreeSet<(String, String, Vec<String>)> = EXPECTED
        .iter()
        .map(|(m, p, r)| ((*m).to_owned(), (*p).to_owned(), r.iter().map(|x| (*x).to_owned()).collect()))
        .collect();
    assert_eq!(routes_of(&doc), expected, "the route table and this test's matrix must list the same routes");
}

#[test]
fn every_route_documents_its_success_and_errors_and_the_checker_bites() {
    let server = Server::start("schemas", "2026-01-13T09:00", &[]);
    let doc = server.client().get("/openapi.json").body;
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            assert_eq!(
                responses["default"]["content"]["application/json"]["schema"]["$ref"],
                "#/components/schemas/Error"
            );
            let (status, ok) = responses.iter().find(|(k, _)| *k != "default").expect("a success response");
            assert!(["200", "201", "202"].contains(&status.as_str()), "{method} {path}");
            let (media, content) = ok["content"].as_object().unwrap().iter().next().unwrap();
            let name = content["schema"]["$ref"].as_str().unwrap().trim_start_matches("#/components/schemas/");
            let schema = &doc["components"]["schemas"][name];
            assert!(schema.is_object(), "{method} {path}: schema {name} is defined");
            if media == "application/json" && !schema["description"].as_str().unwrap_or("").contains("engine's") {
                assert!(
                    schema.get("properties").is_some() || schema.get("oneOf").is_some(),
                    "{method} {path}: {name} says what it holds"
                );
            }
        }
    }
    // The checker the HTTP tests run on every response refuses what the document does not say.
    let booking = json!({"$ref": "#/components/schemas/Booking"});
    let good = p_booking();
    support::openapi::validate(&doc, &booking, &good, "$").unwrap();
    let mut missing = good.clone();
    missing.as_object_mut().unwrap().remove("status");
    let mut extra = good.clone();
    extra["secret"] = json!(1);
    let mut wrong = good.clone();
    wrong["status"] = json!("booked");
    let mut typed = good.clone();
    typed["hours"] = json!("1.0");
    for bad in [missing, extra, wrong, typed] {
        assert!(support::openapi::validate(&doc, &booking, &bad, "$").is_err(), "{bad}");
    }
    // axum's own refusals are the JSON error too.
    let r = server.client().request("DELETE", "/api/bookings", None, b"", &[]);
    assert_eq!((r.status, r.body["error"].as_str()), (405, Some("method_not_allowed")));
    let r = server.client().get("/api/nowhere");
    assert_eq!((r.status, r.body["error"].as_str()), (404, Some("not_found")));
}

fn p_booking() -> Value {
    json!({"number": 1, "id": "b1", "kind": "flexible", "status": "provisional", "is_today": false,
           "date": "2026-01-21", "from": "10:00", "to": "11:00", "hours": 1.0, "facility": "daredemo",
           "facility_name": "誰でもこども園", "child": "k0", "child_name": "こども0", "fee_yen": 300,
           "check_in": null, "check_out": null})
}

fn login(server: &Server, who: &str) -> Client {
    let mut c = server.client();
    let (email, pw) = match who {
        "parent" => ("parent0@t.jp", "parent-password-1"),
        "other_parent" => ("parent1@t.jp", "parent-password-1"),
        "facility" => ("staff@t.jp", "staff-password-1"),
        "other_facility" => ("other-staff@t.jp", "staff-password-1"),
        "municipality" => ("city@t.jp", "city-password-1"),
        "other_municipality" => ("minato@t.jp", "city-password-1"),
        _ => return c,
    };
    assert_eq!(c.login(email, pw).status, 200, "{who}");
    c
}

#[test]
fn every_route_checks_role_and_ownership() {
    let server = Server::start("matrix", "2026-01-13T09:00", &[]);
    server.seed(fixture(2, 3));
    // A booking of parent0's (number 1), one of parent1's (number 2), a pending registration (id 1).
    let p0 = login(&server, "parent");
    let b = p0.post("/api/bookings", &json!({"child": "k0", "facility": "daredemo", "kind": "flexible", "date": "2026-01-21", "from": "10:00", "to": "11:00"}));
    assert_eq!(b.body["number"], 1);
    let p1 = login(&server, "other_parent");
    let b = p1.post("/api/bookings", &json!({"child": "k1", "facility": "daredemo", "kind": "flexible", "date": "2026-01-22", "from": "10:00", "to": "11:00"}));
    assert_eq!(b.body["number"], 2);
    let anon = server.client();
    assert_eq!(anon.post("/api/applications", &json!({"email": "x@t.jp", "municipality": "131016"})).status, 202);
    let city = login(&server, "municipality");
    let token = {
        let mail = city.get("/api/outbox").body["mail"][0]["body"].as_str().unwrap().to_owned();
        let at = mail.find("token=").unwrap() + 6;
        mail[at..at + 64].to_owned()
    };
    let reg = json!({"token": token, "parent": {"name": "某", "kana": "ナニガシ", "phone": "03", "address": "区内", "emergency_contact": "090"},
                     "children": [{"name": "子", "kana": "コ", "birth_date": "2024-05-01"}]});
    assert_eq!(anon.post("/api/registrations", &reg).status, 201);

    let doc = server.client().get("/openapi.json").body;
    for (method, path, roles) in routes_of(&doc) {
        if path.starts_with("/api/test/") || path == "/api/logout" || path == "/api/login" {
            continue;
        }
        for who in ["anonymous", "parent", "facility", "municipality"] {
            let c = login(&server, who);
            let real = path
                .replace("{id}", if path.contains("registrations") { "1" } else { "daredemo" })
                .replace("{number}", "1")
                .replace("{code}", "not-a-code");
            let r = if method == "GET" { c.get(&real) } else { c.post(&real, &json!({})) };
            let allowed = roles.is_empty() || roles.iter().any(|x| x == who);
            let context = format!("{method} {real} as {who}: {} {}", r.status, r.text);
            if allowed {
                assert!(r.status != 401 && r.status != 403, "{context}");
            } else if who == "anonymous" {
                assert_eq!(r.status, 401, "{context}");
            } else {
                assert_eq!(r.status, 403, "{context}");
            }
        }
        // Ownership: another household, facility or municipality sees nothing of it.
        if path.contains("{number}") || path.contains("registrations/{id}") {
            let who = if path.starts_with("/api/bookings") {
                "other_parent"
            } else if path.starts_with("/api/facility") {
                "other_facility"
            } else {
                "other_municipality"
            };
            let c = login(&server, who);
            let real = path.replace("{id}", "1").replace("{number}", "1");
            let body = if path.ends_with("interview-result") {
                json!({"approved": true})
            } else if path.ends_with("certify") {
                json!({"from": "2025-04-01", "to": "2026-03-31"})
            } else {
                json!({})
            };
            let r = if method == "GET" { c.get(&real) } else { c.post(&real, &body) };
            assert_eq!(r.status, 404, "{method} {real} as {who}: {}", r.text);
        }
    }
    // Nothing of the owners' was changed by the others.
    assert!(p0.get("/api/bookings/1").body["status"].is_string());
    let regs = city.get("/api/municipality/registrations").body;
    assert!(["pending", "certified", "rejected"].contains(&regs["registrations"][0]["status"].as_str().unwrap()));
}

#[test]
fn two_hundred_clients_race_for_the_last_three_places() {
    let server = Server::start("race", "2026-01-13T09:00", &[]);
    server.seed(fixture(200, 3));
    let addr = server.addr.clone();
    let clients: Vec<Client> = (0..200)
        .map(|k| {
            let mut c = Client { addr: addr.clone(), cookie: None, csrf: None, source: None };
            assert_eq!(c.login(&format!("parent{k}@t.jp"), "parent-password-1").status, 200);
            c
        })
        .collect();
    let barrier = Arc::new(std::sync::Barrier::new(200));
    let handles: Vec<_> = clients
        .into_iter()
        .enumerate()
        .map(|(k, c)| {
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                barrier.wait();
                let r = c.post("/api/bookings", &json!({"child": format!("k{k}"), "facility": "daredemo", "kind": "flexible", "date": "2026-01-21", "from": "10:00", "to": "12:00"}));
                (r.status, r.body["codes"].clone())
            })
        })
        .collect();
    let results: Vec<(u16, Value)> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(results.iter().filter(|(s, _)| *s == 201).count(), 3);
    assert!(results.iter().filter(|(s, _)| *s != 201).all(|(s, c)| *s == 409 && *c == json!(["no_capacity"])));
    let p = login(&server, "parent");
    let cal = p.get("/api/facilities/daredemo/calendar?from=2026-01-21&days=1&friendly=true").body;
    assert_eq!(
        (cal["places"]["2026-01-21"]["10:00"].as_i64(), cal["places"]["2026-01-21"]["11:30"].as_i64()),
        (Some(0), Some(0))
    );
}

#[test]
fn one_child_at_two_facilities_at_once_and_cancel_racing_confirm() {
    let server = Server::start("race2", "2026-01-13T09:00", &[]);
    server.seed(fixture(1, 3));
    let p = login(&server, "parent");
    for round in 0..10 {
        let date = ["2026-01-20", "2026-01-21", "2026-01-22", "2026-01-23", "2026-01-26"][round % 5].to_owned();
        let (a, b) = (p.clone(), p.clone());
        let d1 = date.clone();
        let t1 = std::thread::spawn(move || {
            a.post("/api/bookings", &json!({"child": "k0", "facility": "daredemo", "kind": "flexible", "date": d1, "from": format!("{:02}:00", 8 + round), "to": format!("{:02}:00", 9 + round)})).status
        });
        let d2 = date.clone();
        let t2 = std::thread::spawn(move || {
            b.post("/api/bookings", &json!({"child": "k0", "facility": "other", "kind": "flexible", "date": d2, "from": format!("{:02}:00", 8 + round), "to": format!("{:02}:00", 9 + round)})).status
        });
        let mut s = [t1.join().unwrap(), t2.join().unwrap()];
        s.sort();
        assert_eq!(s, [201, 409], "round {round}: exactly one of the two is accepted");
    }
    let staff = login(&server, "facility");
    let mine = p.get("/api/bookings").body;
    let numbers: Vec<i64> = mine["bookings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["facility"] == "daredemo")
        .map(|b| b["number"].as_i64().unwrap())
        .collect();
    for n in numbers {
        let (a, b) = (p.clone(), staff.clone());
        let t1 = std::thread::spawn(move || a.post(&format!("/api/bookings/{n}/cancel"), &json!({})).status);
        let t2 = std::thread::spawn(move || b.post(&format!("/api/facility/bookings/{n}/confirm"), &json!({})).status);
        let (cancel, confirm) = (t1.join().unwrap(), t2.join().unwrap());
        assert_eq!(cancel, 200, "the parent's cancel always applies (provisional or confirmed)");
        let status = p.get(&format!("/api/bookings/{n}")).body["status"].as_str().unwrap().to_owned();
        assert_eq!(status, "cancelled");
        assert!(confirm == 200 || confirm == 409, "confirm either came first or found it cancelled");
    }
}

#[test]
fn answered_writes_survive_sigkill() {
    let mut server = Server::start("durable", "2026-01-13T09:00", &[]);
    let mut seed = fixture(20, 200);
    seed["ops"][0] = json!({"municipality": {"code": "131016", "name": "千代田区", "prefecture": "東京都", "online": true, "rules": {"monthly_cap_minutes": 100000}}});
    server.seed(seed);
    let pragmas = server.client().get("/api/test/pragmas").body;
    assert_eq!(pragmas, json!({"journal_mode": "wal", "synchronous": 2}), "WAL and synchronous=FULL");
    let answered = Arc::new(Mutex::new(BTreeSet::new()));
    let attempted = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut handles = Vec::new();
    for k in 0..20 {
        let mut c = server.client();
        c.login(&format!("parent{k}@t.jp"), "parent-password-1");
        let (answered, attempted, stop) = (answered.clone(), attempted.clone(), stop.clone());
        handles.push(std::thread::spawn(move || {
            let days = ["2026-01-21", "2026-01-22", "2026-01-23", "2026-01-26", "2026-01-27", "2026-01-28", "2026-01-29", "2026-01-30"];
            'outer: for day in days {
                for slot in 14..38 {
                    if stop.load(std::sync::atomic::Ordering::SeqCst) {
                        break 'outer;
                    }
                    attempted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let from = format!("{:02}:{:02}", slot / 2, (slot % 2) * 30);
                    let to = format!("{:02}:{:02}", (slot + 1) / 2, ((slot + 1) % 2) * 30);
                    let r = std::panic::catch_unwind(|| c.post("/api/bookings", &json!({"child": format!("k{k}"), "facility": "daredemo", "kind": "flexible", "date": day, "from": from, "to": to})));
                    match r {
                        Ok(r) if r.status == 201 => {
                            answered.lock().unwrap().insert(r.body["number"].as_i64().unwrap());
                        }
                        Ok(_) => {}
                        Err(_) => break 'outer, // the server died mid-answer
                    }
                }
            }
        }));
    }
    std::thread::sleep(std::time::Duration::from_millis(1500));
    server.kill();
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    for h in handles {
        let _ = h.join();
    }
    let answered = answered.lock().unwrap().clone();
    assert!(answered.len() > 20, "the load made progress: {}", answered.len());
    let restarted = Server::start_in(server.data.clone(), "2026-01-13T09:00", &[], &[]);
    let mut stored = BTreeSet::new();
    for k in 0..20 {
        let mut c = restarted.client();
        c.login(&format!("parent{k}@t.jp"), "parent-password-1");
        for b in c.get("/api/bookings").body["bookings"].as_array().unwrap() {
            stored.insert(b["number"].as_i64().unwrap());
        }
    }
    assert!(
        answered.is_subset(&stored),
        "answered ⊆ stored: lost {:?}",
        answered.difference(&stored).collect::<Vec<_>>()
    );
    assert!(stored.len() <= attempted.load(std::sync::atomic::Ordering::SeqCst), "stored ⊆ attempted");
}

/// A minimal SMTP server on 127.0.0.1: accepts every message, keeps their DATA.
fn smtp_sink() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let got = Arc::new(Mutex::new(Vec::new()));
    let store = got.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let store = store.clone();
            std::thread::spawn(move || {
                let mut r = BufReader::new(s.try_clone().unwrap());
                let _ = s.write_all(b"220 sink ESMTP\r\n");
                let mut line = String::new();
                while r.read_line(&mut line).unwrap_or(0) > 0 {
                    let cmd = line.trim_end().to_uppercase();
                    if cmd.starts_with("EHLO") || cmd.starts_with("HELO") {
                        let _ = s.write_all(b"250-sink\r\n250 8BITMIME\r\n");
                    } else if cmd == "DATA" {
                        let _ = s.write_all(b"354 go on\r\n");
                        let mut data = String::new();
                        let mut l = String::new();
                        while r.read_line(&mut l).unwrap_or(0) > 0 {
                            if l == ".\r\n" {
                                break;
                            }
                            data.push_str(&l);
                            l.clear();
                        }
                        store.lock().unwrap().push(data);
                        let _ = s.write_all(b"250 queued\r\n");
                    } else if cmd == "QUIT" {
                        let _ = s.write_all(b"221 bye\r\n");
                        break;
                    } else {
                        let _ = s.write_all(b"250 ok\r\n");
                    }
                    line.clear();
                }
            });
        }
    });
    (addr, got)
}

fn base64_decode(s: &str) -> Vec<u8> {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.bytes().filter(|c| !c.is_ascii_whitespace() && *c != b'=') {
        let v = alphabet.iter().position(|a| *a == c).expect("base64") as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

/// The decoded text body of a message sent to `to`.
fn wait_for_mail(got: &Arc<Mutex<Vec<String>>>, to: &str, nth: usize) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let found: Vec<String> =
            got.lock().unwrap().iter().filter(|m| m.contains(&format!("To: {to}"))).cloned().collect();
        if let Some(m) = found.get(nth) {
            let body = m.split("\r\n\r\n").nth(1).unwrap();
            return String::from_utf8(base64_decode(body)).unwrap();
        }
        assert!(std::time::Instant::now() < deadline, "no mail to {to}");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

#[test]
fn mail_goes_out_over_smtp_and_its_links_work() {
    let (smtp, got) = smtp_sink();
    let url = format!("smtp://{smtp}");
    let server = Server::start_in(support::temp_dir("smtp"), "2026-01-13T09:00", &[], &[("TSUEN_SMTP_URL", &url)]);
    server.seed(fixture(0, 3));
    let anon = server.client();
    assert_eq!(anon.post("/api/applications", &json!({"email": "smtp@t.jp", "municipality": "131016"})).status, 202);
    let body = wait_for_mail(&got, "smtp@t.jp", 0);
    let at = body.find("register?token=").unwrap() + "register?token=".len();
    let token = &body[at..at + 64];
    let reg = json!({"token": token, "parent": {"name": "鈴木 花", "kana": "スズキ ハナ", "phone": "03-0000-1111", "address": "千代田区", "emergency_contact": "090-1111-2222"},
                     "children": [{"name": "すずきそら", "kana": "スズキ ソラ", "birth_date": "2024-08-01"}]});
    assert_eq!(anon.post("/api/registrations", &reg).status, 201);
    let city = login(&server, "municipality");
    assert_eq!(
        city.post("/api/municipality/registrations/1/certify", &json!({"from": "2025-04-01", "to": "2027-03-31"}))
            .status,
        200
    );
    let body = wait_for_mail(&got, "smtp@t.jp", 1);
    assert!(body.contains("パスワードを設定"), "{body}");
    let at = body.find("password?token=").unwrap() + "password?token=".len();
    let token = &body[at..at + 64];
    let set = anon.post(
        "/api/password",
        &json!({"token": token, "password": "sora-no-iro-2026", "password_confirmation": "sora-no-iro-2026"}),
    );
    assert_eq!(set.status, 200, "{}", set.text);
    let mut parent = server.client();
    assert_eq!(parent.login("smtp@t.jp", "sora-no-iro-2026").status, 200);
    // The outbox records what was sent.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let mail = city.get("/api/outbox").body["mail"].clone();
        if mail.as_array().unwrap().iter().filter(|m| m["to"] == "smtp@t.jp").all(|m| m["sent_at"].is_string()) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "sent_at is recorded");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

fn snapshot_files(server: &Server) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(&server.data)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with("snapshot-"))
        .collect();
    names.sort();
    names
}

#[test]
fn a_clean_stop_writes_the_snapshot_to_a_file_and_a_start_restores_from_it() {
    let mut server = Server::start("snapshot", "2026-01-13T09:00", &[]);
    server.seed(fixture(1, 3));
    let mut p = server.client();
    p.login("parent0@t.jp", "parent-password-1");
    let b = json!({"child": "k0", "facility": "daredemo", "kind": "flexible", "date": "2026-01-21", "from": "10:00", "to": "11:00"});
    assert_eq!(p.post("/api/bookings", &b).status, 201);
    assert!(server.stop().success());
    let first = snapshot_files(&server);
    assert_eq!(first.len(), 1, "{first:?}");
    let db = rusqlite::Connection::open(server.data.join("tsuen.sqlite3")).unwrap();
    let (world, file): (String, String) =
        db.query_row("SELECT world, file FROM snapshots", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    assert_eq!((world.as_str(), file.as_str()), ("", first[0].as_str()), "the row names the file");
    drop(db);

    // The start restores from the file (the log after it is empty); a later stop replaces it.
    let mut server = Server::start_in(server.data.clone(), "2026-01-13T09:00", &[], &[]);
    let mut p = server.client();
    p.login("parent0@t.jp", "parent-password-1");
    assert_eq!(p.get("/api/bookings/1").body["status"], "provisional");
    let b = json!({"child": "k0", "facility": "daredemo", "kind": "flexible", "date": "2026-01-22", "from": "10:00", "to": "11:00"});
    assert_eq!(p.post("/api/bookings", &b).status, 201);
    assert!(server.stop().success());
    let second = snapshot_files(&server);
    assert_eq!(second.len(), 1, "the older snapshot file is removed: {second:?}");
    assert_ne!(second, first);
    let server = Server::start_in(server.data.clone(), "2026-01-13T09:00", &[], &[]);
    let mut p = server.client();
    p.login("parent0@t.jp", "parent-password-1");
    assert_eq!(p.get("/api/bookings").body["bookings"].as_array().unwrap().len(), 2);
}

#[test]
fn snapshots_are_taken_while_running_so_a_crash_replays_only_the_tail() {
    let mut server = Server::start("periodic", "2026-01-13T09:00", &["--snapshot-every", "3"]);
    server.seed(fixture(1, 3)); // one batch of more than 3 engine writes: a snapshot follows it
    let db = rusqlite::Connection::open(server.data.join("tsuen.sqlite3")).unwrap();
    let seeded: i64 = db.query_row("SELECT MAX(seq) FROM events", [], |r| r.get(0)).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let snap: Option<i64> = db.query_row("SELECT MAX(seq) FROM snapshots", [], |r| r.get(0)).unwrap();
        if snap.is_some_and(|s| s >= seeded) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "no snapshot after {seeded} events");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(snapshot_files(&server).len(), 1);
    let mut p = server.client();
    p.login("parent0@t.jp", "parent-password-1");
    for date in ["2026-01-21", "2026-01-22"] {
        let b = json!({"child": "k0", "facility": "daredemo", "kind": "flexible", "date": date, "from": "10:00", "to": "11:00"});
        assert_eq!(p.post("/api/bookings", &b).status, 201);
    }
    // No clean stop: the restart is the last snapshot plus the log after it.
    server.kill();
    let server = Server::start_in(server.data.clone(), "2026-01-13T09:00", &[], &[]);
    let mut p = server.client();
    p.login("parent0@t.jp", "parent-password-1");
    assert_eq!(p.get("/api/bookings").body["bookings"].as_array().unwrap().len(), 2);
}
