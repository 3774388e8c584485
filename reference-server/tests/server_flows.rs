//! The portal over real HTTP: the seed's flows as each role, CSRF, bad input, tokens.

mod support;

use serde_json::{Value, json};
use support::{Client, Server, fixture};

fn mail_to(city: &Client, to: &str) -> Vec<Value> {
    let r = city.get("/api/outbox");
    assert_eq!(r.status, 200, "{}", r.text);
    r.body["mail"].as_array().unwrap().iter().filter(|m| m["to"] == to).cloned().collect()
}

fn token_in(body: &str, marker: &str) -> String {
    let at = body.find(marker).unwrap_or_else(|| panic!("no {marker} in {body}")) + marker.len();
    body[at..].chars().take_while(|c| c.is_ascii_hexdigit()).collect()
}

fn book(c: &Client, child: &str, facility: &str, kind: &str, date: &str, from: &str, to: &str) -> support::Resp {
    c.post(
        "/api/bookings",
        &json!({"child": child, "facility": facility, "kind": kind, "date": date, "from": from, "to": to}),
    )
}

#[test]
fn registration_certification_password_login_interview_and_booking() {
    let server = Server::start("flow", "2026-01-13T09:00", &[]);
    server.seed(fixture(0, 3));
    let anon = server.client();

    // Flow 1: is the program online here? Then ask for the application instructions.
    let m = anon.get("/api/municipalities");
    let list = m.body["municipalities"].as_array().unwrap();
    assert!(list.iter().any(|x| x["name"] == "千代田区" && x["participation"] == "online"));
    assert!(list.iter().any(|x| x["name"] == "港区" && x["participation"] == "paper"));
    assert_eq!(anon.post("/api/applications", &json!({"email": "ayumu@t.jp", "municipality": "131016"})).status, 202);
    let paper = anon.post("/api/applications", &json!({"email": "ayumu@t.jp", "municipality": "131032"}));
    assert_eq!((paper.status, paper.body["error"].as_str()), (409, Some("not_online")));

    let mut city = server.client();
    assert_eq!(city.login("city@t.jp", "city-password-1").status, 200);
    let mails = mail_to(&city, "ayumu@t.jp");
    assert_eq!(mails.len(), 1);
    let apply_token = token_in(mails[0]["body"].as_str().unwrap(), "register?token=");

    // Flow 2: registration with the link, review, certification, the mailed password link.
    let registration = json!({"token": apply_token,
        "parent": {"name": "田中 歩", "kana": "タナカ アユム", "phone": "03-1234-5678", "address": "東京都千代田区1-1",
                   "emergency_contact": "090-0000-0000"},
        "children": [{"name": "たなかじろう", "kana": "タナカ ジロウ", "birth_date": "2024-05-01", "notes": "卵アレルギー"}]});
    let r = anon.post("/api/registrations", &registration);
    assert_eq!(r.status, 201, "{}", r.text);
    let again = anon.post("/api/registrations", &registration);
    assert_eq!((again.status, again.body["field"].as_str()), (400, Some("token")), "a used link is refused");

    let regs = city.get("/api/municipality/registrations");
    let reg = &regs.body["registrations"][0];
    assert_eq!(reg["status"], "pending");
    assert_eq!(reg["data"]["children"][0]["notes"], "卵アレルギー");
    let id = reg["id"].as_i64().unwrap();
    let bad = city.post(
        &format!("/api/municipality/registrations/{id}/certify"),
        &json!({"from": "2026-04-01", "to": "2025-04-01"}),
    );
    assert_eq!((bad.status, bad.body["field"].as_str()), (400, Some("to")));
    let ok = city.post(
        &format!("/api/municipality/registrations/{id}/certify"),
        &json!({"from": "2025-04-01", "to": "2027-03-31"}),
    );
    assert_eq!(ok.status, 200, "{}", ok.text);
    let twice = city.post(
        &format!("/api/municipality/registrations/{id}/certify"),
        &json!({"from": "2025-04-01", "to": "2027-03-31"}),
    );
    assert_eq!(twice.status, 409);

    let mails = mail_to(&city, "ayumu@t.jp");
    let set_token = token_in(mails[0]["body"].as_str().unwrap(), "password?token=");
    for (pw, field) in [("short-pw", "password"), ("password123", "password")] {
        let r = anon.post("/api/password", &json!({"token": set_token, "password": pw, "password_confirmation": pw}));
        assert_eq!((r.status, r.body["field"].as_str()), (400, Some(field)), "{pw}");
    }
    let mismatch = anon.post(
        "/api/password",
        &json!({"token": set_token, "password": "a-long-password-1", "password_confirmation": "other"}),
    );
    assert_eq!(mismatch.body["field"], "password_confirmation");
    let set = anon.post(
        "/api/password",
        &json!({"token": set_token, "password": "a-long-password-1", "password_confirmation": "a-long-password-1"}),
    );
    assert_eq!(set.status, 200, "{}", set.text);
    let reuse = anon.post(
        "/api/password",
        &json!({"token": set_token, "password": "b-long-password-2", "password_confirmation": "b-long-password-2"}),
    );
    assert_eq!(reuse.status, 400, "a set-password link works once");

    let mut parent = server.client();
    assert_eq!(parent.login("ayumu@t.jp", "wrong-password-0").status, 401);
    let login = parent.login("AYUMU@t.jp", "a-long-password-1");
    assert_eq!(login.status, 200);
    assert!(login.header("set-cookie").unwrap().contains("HttpOnly"));
    let me = parent.get("/api/me");
    assert_eq!((me.body["role"].as_str(), me.body["name"].as_str()), (Some("parent"), Some("田中 歩")));

    // Flow 3: the facility needs an interview; book one.
    let fac = parent.get("/api/facilities?municipality=131016");
    let child = format!("c{id}-1");
    let daredemo = fac.body["facilities"].as_array().unwrap().iter().find(|f| f["id"] == "daredemo").unwrap().clone();
    assert_eq!(daredemo["interview_required"][&child], true);
    let early = book(&parent, &child, "daredemo", "flexible", "2026-01-22", "10:00", "12:00");
    assert_eq!(early.status, 409);
    assert_eq!(early.body["codes"], json!(["interview_required"]));
    assert!(early.body["message_ja"].as_str().unwrap().contains("面談"));
    let interview = book(&parent, &child, "daredemo", "interview", "2026-01-21", "09:00", "10:00");
    assert_eq!(interview.status, 201, "{}", interview.text);
    assert_eq!(interview.body["status"], "provisional");
    let number = interview.body["number"].as_i64().unwrap();
    assert_eq!(mail_to(&city, "staff@t.jp").len(), 1, "the facility hears of the provisional booking");

    // Flow 4: the facility confirms and records the outcome on the day.
    let mut staff = server.client();
    staff.login("staff@t.jp", "staff-password-1");
    let list = staff.get("/api/facility/bookings");
    assert_eq!(list.body["bookings"][0]["number"], number);
    assert_eq!(staff.post(&format!("/api/facility/bookings/{number}/confirm"), &json!({})).status, 200);
    let to_parent = mail_to(&city, "ayumu@t.jp");
    assert_eq!(to_parent.len(), 3, "instructions, the account, and now the confirmation");
    assert!(to_parent[0]["subject"].as_str().unwrap().contains("確定"));
    let too_soon = staff.post(&format!("/api/facility/bookings/{number}/interview-result"), &json!({"approved": true}));
    assert_eq!(too_soon.body["codes"], json!(["invalid_state"]));
    assert_eq!(anon.post("/api/test/now", &json!({"now": "2026-01-21T10:00"})).status, 200);
    staff.login("staff@t.jp", "staff-password-1"); // sessions last 12 hours on the server's clock
    parent.login("ayumu@t.jp", "a-long-password-1");
    city.login("city@t.jp", "city-password-1");
    let outcome = staff.post(&format!("/api/facility/bookings/{number}/interview-result"), &json!({"approved": true}));
    assert_eq!(outcome.status, 200, "{}", outcome.text);

    // Flow 5: a flexible booking from the calendar; my page; the fee; cancellation.
    let cal =
        parent.get(&format!("/api/facilities/daredemo/calendar?from=2026-01-29&days=1&child={child}&friendly=true"));
    assert_eq!(cal.body["places"]["2026-01-29"]["11:30"], 3);
    let dry = parent.post("/api/bookings/check", &json!({"child": child, "facility": "daredemo", "kind": "flexible", "date": "2026-01-29", "from": "11:30", "to": "13:30"}));
    assert_eq!(dry.status, 200, "{}", dry.text);
    let flex = book(&parent, &child, "daredemo", "flexible", "2026-01-29", "11:30", "13:30");
    assert_eq!(flex.status, 201, "{}", flex.text);
    let n2 = flex.body["number"].as_i64().unwrap();
    let mine = parent.get("/api/bookings");
    let first = &mine.body["bookings"][0];
    assert_eq!(
        (first["number"].as_i64(), first["status"].as_str(), first["fee_yen"].as_i64()),
        (Some(n2), Some("provisional"), Some(600))
    );
    assert_eq!(
        (first["hours"].as_f64(), first["facility_name"].as_str(), first["child_name"].as_str()),
        (Some(2.0), Some("誰でもこども園"), Some("たなかじろう"))
    );
    let cal = parent.get("/api/facilities/daredemo/calendar?from=2026-01-29&days=1&friendly=true");
    assert_eq!(cal.body["places"]["2026-01-29"]["11:30"], 2);
    let preview = parent.get(&format!("/api/bookings/{n2}/cancel"));
    assert_eq!(preview.body, json!({"late": false, "fee_yen": 0}));
    let cancel = parent.post(&format!("/api/bookings/{n2}/cancel"), &json!({}));
    assert_eq!(cancel.body["status"], "cancelled");
    assert_eq!(parent.get(&format!("/api/bookings/{n2}")).body["status"], "cancelled");

    // Logout ends the session.
    assert_eq!(parent.post("/api/logout", &json!({})).status, 200);
    assert_eq!(parent.get("/api/me").status, 401);
}

#[test]
fn availability_search_and_the_household_view_answer_as_documented() {
    // Every response here is also checked against /openapi.json by the test client.
    let server = Server::start("reads", "2026-01-13T09:00", &[]);
    server.seed(fixture(1, 3));
    let mut p = server.client();
    p.login("parent0@t.jp", "parent-password-1");
    let r = p.get("/api/facilities/daredemo/regular?date=2026-01-21&weeks=3&from=10:00&to=11:00&child=k0");
    assert_eq!((r.status, &r.body["weeks"]), (200, &json!([2, 2, 2])), "{}", r.text);
    let q = "municipality=131016&kind=flexible&date=2026-01-21&from=10:00&to=11:00&child=k0";
    let r = p.get(&format!("/api/search?{q}"));
    assert_eq!((r.status, &r.body["facilities"]), (200, &json!(["daredemo"])), "{}", r.text);
    assert_eq!(book(&p, "k0", "daredemo", "flexible", "2026-01-21", "10:00", "11:00").status, 201);
    let r = p.get("/api/view?from=2026-01-19&days=7&facility=daredemo");
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.text.contains("daredemo"), "{}", r.text);
}

#[test]
fn late_cancellation_is_announced_and_billed() {
    let server = Server::start("late", "2026-01-13T09:00", &[]);
    server.seed(fixture(1, 3));
    let mut p = server.client();
    p.login("parent0@t.jp", "parent-password-1");
    let b = book(&p, "k0", "daredemo", "flexible", "2026-01-21", "10:00", "12:00");
    let n = b.body["number"].as_i64().unwrap();
    server.client().post("/api/test/now", &json!({"now": "2026-01-21T08:00"}));
    p.login("parent0@t.jp", "parent-password-1"); // sessions last 12 hours on the server's clock
    assert_eq!(p.get(&format!("/api/bookings/{n}/cancel")).body, json!({"late": true, "fee_yen": 600}));
    assert_eq!(p.post(&format!("/api/bookings/{n}/cancel"), &json!({})).body["status"], "cancelled_late");
}

#[test]
fn csrf_is_checked_on_every_cookie_authenticated_write() {
    let server = Server::start("csrf", "2026-01-13T09:00", &[]);
    server.seed(fixture(1, 3));
    let mut p = server.client();
    p.login("parent0@t.jp", "parent-password-1");
    let body = json!({"child": "k0", "facility": "daredemo", "kind": "flexible", "date": "2026-01-21", "from": "10:00", "to": "11:00"});
    let mut no_token = p.clone();
    no_token.csrf = None;
    let r = no_token.post("/api/bookings", &body);
    assert_eq!((r.status, r.body["error"].as_str()), (403, Some("csrf")));
    let foreign = no_token.request(
        "POST",
        "/api/bookings",
        Some("application/json"),
        body.to_string().as_bytes(),
        &[("Origin", "http://evil.example")],
    );
    assert_eq!(foreign.status, 403);
    let origin = format!("http://{}", server.addr);
    let form = no_token.request(
        "POST",
        "/api/bookings",
        Some("text/plain"),
        body.to_string().as_bytes(),
        &[("Origin", &origin)],
    );
    assert_eq!(form.status, 403, "same origin but not JSON: a form post could forge it");
    let same = no_token.request(
        "POST",
        "/api/bookings",
        Some("application/json"),
        body.to_string().as_bytes(),
        &[("Origin", &origin)],
    );
    assert_eq!(same.status, 201, "{}", same.text);
    assert_eq!(p.get("/api/bookings").body["bookings"].as_array().unwrap().len(), 1, "nothing else was booked");
}

#[test]
fn bad_input_gets_a_clear_error_and_changes_nothing() {
    let server = Server::start("bad", "2026-01-13T09:00", &[]);
    server.seed(fixture(1, 3));
    let mut p = server.client();
    p.login("parent0@t.jp", "parent-password-1");
    let raw = |body: &str| p.request("POST", "/api/bookings", Some("application/json"), body.as_bytes(), &[]);
    let r = raw("{\"child\": ");
    assert_eq!((r.status, r.body["error"].as_str()), (400, Some("invalid_request")));
    let r = raw(
        r#"{"child": "k0", "facility": "daredemo", "kind": "flexible", "date": "2026-01-21", "from": 10, "to": "11:00"}"#,
    );
    assert_eq!((r.status, r.body["field"].as_str()), (400, Some("from")));
    let r = raw(
        r#"{"child": "k0", "facility": "daredemo", "kind": "weekly", "date": "2026-01-21", "from": "10:00", "to": "11:00"}"#,
    );
    assert_eq!((r.status, r.body["field"].as_str()), (400, Some("kind")));
    let r = raw(
        r#"{"child": "k0", "facility": "daredemo", "kind": "flexible", "date": "2026-02-30", "from": "10:00", "to": "11:00"}"#,
    );
    assert_eq!((r.status, r.body["field"].as_str()), (400, Some("date")));
    let r = raw(
        r#"{"child": "k0", "facility": "daredemo", "kind": "flexible", "date": "2026-01-21", "from": "10:00", "to": "11:00", "extra": 1}"#,
    );
    assert_eq!(r.status, 400);
    let r = raw(
        r#"{"child": "k0", "facility": "nowhere", "kind": "flexible", "date": "2026-01-21", "from": "10:00", "to": "11:00"}"#,
    );
    assert_eq!((r.status, r.body["codes"].clone()), (404, json!(["unknown_facility"])));
    let r = raw(
        r#"{"child": "somebody-else", "facility": "daredemo", "kind": "flexible", "date": "2026-01-21", "from": "10:00", "to": "11:00"}"#,
    );
    assert_eq!(r.status, 404);
    let huge = raw(
        r#"{"child": "k0", "facility": "daredemo", "kind": "regular", "date": "2026-01-21", "from": "10:00", "to": "11:00", "weeks": 4000000000}"#,
    );
    assert_eq!((huge.status, huge.body["field"].as_str()), (400, Some("weeks")), "refused before any work");
    let none = raw(
        r#"{"child": "k0", "facility": "daredemo", "kind": "regular", "date": "2026-01-21", "from": "10:00", "to": "11:00"}"#,
    );
    assert_eq!((none.status, none.body["field"].as_str()), (400, Some("weeks")));
    let big = format!("{{\"pad\": \"{}\"}}", "x".repeat(100_000));
    assert_eq!(raw(&big).status, 413);
    assert_eq!(p.get("/api/bookings/999").status, 404);
    assert_eq!(p.get("/api/bookings").body["bookings"], json!([]));
    assert_eq!(p.get("/api/facilities/daredemo/calendar?from=2026-13-01&days=1&friendly=true").body["field"], "from");
    let anon = server.client();
    let r = anon.post(
        "/api/password",
        &json!({"token": "00ff", "password": "a-long-password-1", "password_confirmation": "a-long-password-1"}),
    );
    assert_eq!((r.status, r.body["field"].as_str()), (400, Some("token")));
}

#[test]
fn tokens_expire() {
    let server = Server::start("expiry", "2026-01-13T09:00", &[]);
    server.seed(fixture(1, 3));
    let anon = server.client();
    let mut city = server.client();
    city.login("city@t.jp", "city-password-1");
    // A reset link: 30 minutes. The answer is the same whether the address exists or not.
    let known =
        anon.post("/api/password/reset", &json!({"email": "parent0@t.jp", "email_confirmation": "parent0@t.jp"}));
    let unknown =
        anon.post("/api/password/reset", &json!({"email": "nobody@t.jp", "email_confirmation": "nobody@t.jp"}));
    assert_eq!((known.status, &known.body), (unknown.status, &unknown.body));
    let mismatch =
        anon.post("/api/password/reset", &json!({"email": "parent0@t.jp", "email_confirmation": "parent1@t.jp"}));
    assert_eq!(mismatch.body["field"], "email_confirmation");
    let token = token_in(mail_to(&city, "parent0@t.jp")[0]["body"].as_str().unwrap(), "password?token=");
    anon.post("/api/test/now", &json!({"now": "2026-01-13T09:31"}));
    let late = anon.post(
        "/api/password",
        &json!({"token": token, "password": "a-long-password-1", "password_confirmation": "a-long-password-1"}),
    );
    assert_eq!((late.status, late.body["field"].as_str()), (400, Some("token")));
    // A fresh one works, and logs out the old sessions.
    let mut old = server.client();
    assert_eq!(old.login("parent0@t.jp", "parent-password-1").status, 200);
    anon.post("/api/password/reset", &json!({"email": "parent0@t.jp", "email_confirmation": "parent0@t.jp"}));
    let token = token_in(mail_to(&city, "parent0@t.jp")[0]["body"].as_str().unwrap(), "password?token=");
    let own = anon.post(
        "/api/password",
        &json!({"token": token, "password": "parent0@t.jp", "password_confirmation": "parent0@t.jp"}),
    );
    assert_eq!((own.status, own.body["field"].as_str()), (400, Some("password")), "not the e-mail address");
    let ok = anon.post(
        "/api/password",
        &json!({"token": token, "password": "a-new-password-22", "password_confirmation": "a-new-password-22"}),
    );
    assert_eq!(ok.status, 200, "{}", ok.text);
    assert_eq!(old.get("/api/me").status, 401);
    let mut again = server.client();
    assert_eq!(again.login("parent0@t.jp", "a-new-password-22").status, 200);
}

fn count(server: &Server, table: &str) -> i64 {
    let db = rusqlite::Connection::open(server.data.join("tsuen.sqlite3")).unwrap();
    db.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0)).unwrap()
}

fn median_ms(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[test]
fn a_reset_for_an_unknown_address_does_the_same_work_as_for_a_known_one() {
    let server = Server::start("reset-work", "2026-01-13T09:00", &[]);
    server.seed(fixture(1, 3));
    let anon = server.client();
    let reset = |email: &str| {
        let t = std::time::Instant::now();
        let r = anon.post("/api/password/reset", &json!({"email": email, "email_confirmation": email}));
        (r, t.elapsed().as_secs_f64() * 1000.0)
    };
    // The same writes: one token row and one mail each, committed before the answer.
    let (tokens, mails) = (count(&server, "tokens"), count(&server, "outbox"));
    let (known, _) = reset("parent0@t.jp");
    assert_eq!((count(&server, "tokens"), count(&server, "outbox")), (tokens + 1, mails + 1));
    let (unknown, _) = reset("nobody@t.jp");
    assert_eq!((count(&server, "tokens"), count(&server, "outbox")), (tokens + 2, mails + 2));
    assert_eq!(
        (known.status, &known.body, known.header("content-type")),
        (202, &unknown.body, unknown.header("content-type"))
    );
    // The unknown address is told there is no account; only the known one gets a link.
    let mut city = server.client();
    city.login("city@t.jp", "city-password-1");
    assert!(mail_to(&city, "parent0@t.jp")[0]["body"].as_str().unwrap().contains("password?token="));
    let nobody = mail_to(&city, "nobody@t.jp");
    assert!(!nobody[0]["body"].as_str().unwrap().contains("token="), "{}", nobody[0]["body"]);
    // And about the same time (alternating, medians, a generous margin: both wait for a commit).
    let (mut k, mut u) = (Vec::new(), Vec::new());
    for i in 0..9 {
        k.push(reset("parent0@t.jp").1);
        u.push(reset(&format!("nobody{i}@t.jp")).1);
    }
    let (k, u) = (median_ms(k), median_ms(u));
    assert!(u * 5.0 >= k && k * 5.0 >= u, "known {k:.2} ms, unknown {u:.2} ms");
}

#[test]
fn expired_sessions_and_tokens_are_pruned_by_the_server_clock() {
    let server = Server::start("prune", "2026-01-13T09:00", &[]);
    server.seed(fixture(2, 3));
    let anon = server.client();
    let mut p0 = server.client();
    assert_eq!(p0.login("parent0@t.jp", "parent-password-1").status, 200);
    anon.post("/api/password/reset", &json!({"email": "parent1@t.jp", "email_confirmation": "parent1@t.jp"}));
    assert_eq!((count(&server, "sessions"), count(&server, "tokens")), (1, 1));
    // 09:29: the reset link (30 min) and the session (12 h) still stand.
    let r = anon.post("/api/test/now", &json!({"now": "2026-01-13T09:29"}));
    assert_eq!(r.body["pruned"], json!({"sessions": 0, "tokens": 0}), "{}", r.text);
    // 09:30: the link has expired and is deleted; a later session is untouched.
    let mut p1 = server.client();
    assert_eq!(p1.login("parent1@t.jp", "parent-password-1").status, 200);
    let r = anon.post("/api/test/now", &json!({"now": "2026-01-13T09:30"}));
    assert_eq!(r.body["pruned"], json!({"sessions": 0, "tokens": 1}), "{}", r.text);
    assert_eq!((count(&server, "sessions"), count(&server, "tokens")), (2, 0));
    // 21:00: p0's session (from 09:00) has expired and is gone from memory and disk; p1's (09:30) stays.
    let r = anon.post("/api/test/now", &json!({"now": "2026-01-13T21:00"}));
    assert_eq!(r.body["pruned"], json!({"sessions": 1, "tokens": 0}), "{}", r.text);
    assert_eq!(count(&server, "sessions"), 1);
    assert_eq!(p0.get("/api/me").status, 401);
    assert_eq!(p1.get("/api/me").status, 200);
}

#[test]
fn login_attempts_are_limited_by_default() {
    // Started without --no-rate-limit (the default).
    let server = start_limited(support::temp_dir("limit"));
    server.seed(fixture(2, 3));
    let mut attacker = server.client(); // 127.0.0.1
    for _ in 0..5 {
        assert_eq!(attacker.login("parent0@t.jp", "wrong-password-0").status, 401);
    }
    let r = attacker.login("parent0@t.jp", "parent-password-1");
    assert_eq!(r.status, 429, "the right password is refused too from the address that guessed");
    assert_eq!(r.header("retry-after"), Some("60"), "the first wait is a minute");

    // The owner, from another address, is not locked out by someone guessing at the address.
    let mut owner = server.client().at_address("127.0.0.2");
    assert_eq!(owner.login("parent0@t.jp", "parent-password-1").status, 200);

    // The wait ends on the server's clock (no sleeping); the next failure doubles it.
    attacker.post("/api/test/now", &json!({"now": "2026-01-13T09:01"}));
    assert_eq!(attacker.login("parent0@t.jp", "wrong-password-0").status, 401);
    let r = attacker.login("parent0@t.jp", "parent-password-1");
    assert_eq!((r.status, r.header("retry-after")), (429, Some("120")));
    attacker.post("/api/test/now", &json!({"now": "2026-01-13T09:03"}));
    assert_eq!(attacker.login("parent0@t.jp", "parent-password-1").status, 200, "the wait is over");
}

#[test]
fn one_address_guessing_across_accounts_is_limited() {
    let server = start_limited(support::temp_dir("limit-address"));
    server.seed(fixture(5, 3));
    let mut guesser = server.client().at_address("127.0.0.3");
    // 20 failures over many accounts (never 5 on one): then the address waits, whatever the account.
    for k in 0..20 {
        let r = guesser.login(&format!("parent{}@t.jp", k % 5), "wrong-password-0");
        assert_eq!(r.status, 401, "attempt {k}");
    }
    let r = guesser.login("parent1@t.jp", "parent-password-1");
    assert_eq!((r.status, r.header("retry-after")), (429, Some("900")), "{}", r.text);
    // Another address is not limited by it; the window slides on the server's clock.
    assert_eq!(server.client().login("parent1@t.jp", "parent-password-1").status, 200);
    guesser.post("/api/test/now", &json!({"now": "2026-01-13T09:15"}));
    assert_eq!(guesser.login("parent1@t.jp", "parent-password-1").status, 200);
}

fn start_limited(dir: std::path::PathBuf) -> Server {
    // The support server always passes --no-rate-limit; this one is started by hand without it.
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tsuen"))
        .args(["serve", "--addr", "127.0.0.1:0", "--data", dir.to_str().unwrap(), "--now", "2026-01-13T09:00"])
        .args(["--test-endpoints", "--fast-hash"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let mut lines = std::io::BufReader::new(out).lines();
    let addr = loop {
        let l = lines.next().unwrap().unwrap();
        if let Some(a) = l.strip_prefix("tsuen: listening on http://") {
            break a.to_owned();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    support::Server::adopt(addr, dir, child)
}

#[test]
fn a_series_is_opened_and_cancelled_by_its_number() {
    let server = Server::start("series", "2026-01-13T09:00", &[]);
    server.seed(fixture(1, 3));
    let mut p = server.client();
    p.login("parent0@t.jp", "parent-password-1");
    let r = p.post("/api/bookings", &json!({"child": "k0", "facility": "daredemo", "kind": "regular", "date": "2026-01-21", "from": "10:00", "to": "11:00", "weeks": 3}));
    assert_eq!(r.status, 201, "{}", r.text);
    let n = r.body["number"].as_i64().unwrap();
    assert_eq!(r.body["numbers"].as_array().unwrap().len(), 3, "each occurrence has its own number");
    let detail = p.get(&format!("/api/bookings/{n}"));
    assert_eq!(detail.body["occurrences"].as_array().unwrap().len(), 3, "{}", detail.text);
    assert_eq!(p.get(&format!("/api/bookings/{n}/cancel")).body, json!({"late": false, "fee_yen": 0}));
    assert_eq!(p.post(&format!("/api/bookings/{n}/cancel"), &json!({})).status, 200);
    let detail = p.get(&format!("/api/bookings/{n}"));
    assert!(detail.body["occurrences"].as_array().unwrap().iter().all(|o| o["status"] == "cancelled"));
}
