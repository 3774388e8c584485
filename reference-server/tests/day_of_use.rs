//! The day of use over real HTTP: check-in codes (rotating, printed, stale, foreign, revoked, another
//! day, tampered, key rotation), staff check-in/out of several children with extras, payments,
//! activity records, the day's open ends (forgotten check-outs, no-shows) and 臨時休園.

mod support;

use serde_json::{Value, json};
use support::Client;
use support::Resp;
use support::people::{People, book, confirm, refused, status};

fn code_of(staff: &Client) -> String {
    let r = staff.get("/api/facility/checkin-code");
    assert_eq!(r.status, 200, "{}", r.text);
    r.body["code"].as_str().unwrap().to_owned()
}

fn door(parent: &Client, code: &str, action: &str, numbers: &[i64]) -> Resp {
    parent.post(&format!("/api/checkin/{code}"), &json!({"action": action, "numbers": numbers}))
}

fn hex(s: &str) -> String {
    s.bytes().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn a_rotating_code_checks_siblings_in_and_out() {
    let mut w = People::start("rotating");
    let a = book(&w.p0, "k0", "daredemo", "2026-01-21", "10:00", "12:00");
    let b = book(&w.p0, "k0b", "daredemo", "2026-01-21", "10:00", "12:00");
    let elsewhere = book(&w.p0, "k0", "other", "2026-01-21", "14:00", "15:00");
    let unconfirmed = book(&w.p1, "k1", "daredemo", "2026-01-21", "10:00", "11:00");
    confirm(&w.staff, a);
    confirm(&w.staff, b);
    confirm(&w.other_staff, elsewhere);

    w.at("2026-01-21T09:58");
    let shown = w.staff.get("/api/facility/checkin-code").body;
    let code = shown["code"].as_str().unwrap().to_owned();
    assert_eq!(shown["url"].as_str().unwrap(), format!("http://{}/checkin/{code}", w.server.addr));
    assert_eq!(shown["valid_until"], "2026-01-21T10:03:00+09:00");
    assert_eq!(shown["refresh_at"], "2026-01-21T09:59:00+09:00");

    // Who may open it: the parent only.
    refused(&w.server.client().get(&format!("/api/checkin/{code}")), 401, "unauthorized");
    refused(&w.staff.get(&format!("/api/checkin/{code}")), 403, "forbidden");

    // Today's bookings of the household at this facility: both siblings, not the other facility's.
    let page = w.p0.get(&format!("/api/checkin/{code}"));
    assert_eq!(page.status, 200, "{}", page.text);
    assert_eq!(page.body["facility"], "daredemo");
    let list = page.body["bookings"].as_array().unwrap();
    let numbers: Vec<i64> = list.iter().map(|x| x["number"].as_i64().unwrap()).collect();
    assert_eq!(numbers.len(), 2);
    assert!(numbers.contains(&a) && numbers.contains(&b));
    assert!(list.iter().all(|x| x["can_start"] == true && x["can_end"] == false));
    assert!(list.iter().all(|x| x["is_today"] == true), "予約日当日 by the server's clock: {list:?}");

    // Another facility's booking is refused with this code; nothing changes.
    refused(&door(&w.p0, &code, "start", &[elsewhere]), 409, "wrong_facility");
    assert_eq!(status(&w.p0, elsewhere), "confirmed");
    // Another household's booking is not found.
    refused(&door(&w.p0, &code, "start", &[unconfirmed]), 404, "not_found");
    // An unconfirmed booking cannot be checked in.
    let r = door(&w.p1, &code, "start", &[unconfirmed]);
    assert_eq!((r.status, r.body["codes"].clone()), (409, json!(["invalid_state"])), "{}", r.text);
    assert_eq!(status(&w.p1, unconfirmed), "provisional");

    // Both siblings at once, still within the code's five minutes.
    w.at("2026-01-21T10:02");
    let r = door(&w.p0, &code, "start", &[a, b]);
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.body["results"].as_array().unwrap().iter().all(|x| x["ok"] == true && x["status"] == "in_use"));
    assert_eq!(w.p0.get(&format!("/api/bookings/{a}")).body["check_in"], "10:02");
    let page = w.p0.get(&format!("/api/checkin/{code}")).body;
    assert!(page["bookings"].as_array().unwrap().iter().all(|x| x["can_start"] == false && x["can_end"] == true));

    // Five minutes after it was made, the code is stale.
    w.at("2026-01-21T10:03");
    refused(&w.p0.get(&format!("/api/checkin/{code}")), 409, "code_expired");
    refused(&door(&w.p0, &code, "end", &[a]), 409, "code_expired");
    assert_eq!(status(&w.p0, a), "in_use");

    // Tampered codes: another facility in a code signed for this one, a changed signature.
    let parts: Vec<&str> = code.split('.').collect();
    let fresh = code_of(&w.staff);
    let fp: Vec<&str> = fresh.split('.').collect();
    let forged = format!("{}.{}.{}.{}", fp[0], fp[1], hex("other"), fp[3]);
    refused(&w.p0.get(&format!("/api/checkin/{forged}")), 404, "code_invalid");
    let mut sig = fp[3].to_owned();
    sig.replace_range(0..1, if sig.starts_with('0') { "1" } else { "0" });
    refused(&w.p0.get(&format!("/api/checkin/{}.{}.{}.{sig}", fp[0], fp[1], fp[2])), 404, "code_invalid");
    refused(&w.p0.get("/api/checkin/nonsense"), 404, "code_invalid");
    assert_eq!(parts.len(), 4);

    // The other facility's code lists only the booking there, and refuses this facility's.
    let other_code = code_of(&w.other_staff);
    let page = w.p0.get(&format!("/api/checkin/{other_code}")).body;
    assert_eq!(page["facility"], "other");
    let there: Vec<i64> = page["bookings"].as_array().unwrap().iter().map(|x| x["number"].as_i64().unwrap()).collect();
    assert_eq!(there, vec![elsewhere]);
    refused(&door(&w.p0, &other_code, "end", &[a]), 409, "wrong_facility");

    // Pick-up at 12:10 with a fresh code: billed to 12:30.
    w.at("2026-01-21T12:10");
    let code = code_of(&w.staff);
    let r = door(&w.p0, &code, "end", &[a, b]);
    assert_eq!(r.status, 200, "{}", r.text);
    let day = w.p0.get(&format!("/api/bookings/{a}/day")).body;
    assert_eq!((day["status"].as_str(), day["check_out"].as_str()), (Some("completed"), Some("12:10")));
    assert_eq!(day["fee_yen"], 750, "10:00 to 12:30 at 300 yen an hour");
    // A second check-out is refused by the engine.
    let r = door(&w.p0, &code, "end", &[a]);
    assert_eq!((r.status, r.body["codes"].clone()), (409, json!(["invalid_state"])), "{}", r.text);
}

#[test]
fn a_code_of_another_day_is_refused_even_within_its_minutes() {
    let mut w = People::start("midnight");
    w.at("2026-01-21T23:58");
    let code = code_of(&w.staff);
    assert_eq!(w.p0.get(&format!("/api/checkin/{code}")).status, 200);
    w.at("2026-01-22T00:01");
    refused(&w.p0.get(&format!("/api/checkin/{code}")), 409, "code_expired");
    // A code from a minute still to come (a clock set back) is refused too.
    w.at("2026-01-21T23:57");
    refused(&w.p0.get(&format!("/api/checkin/{code}")), 409, "code_expired");
}

#[test]
fn the_signing_key_rotates_and_the_previous_key_is_still_accepted() {
    let mut w = People::start("rotation");
    let first = code_of(&w.staff);
    assert!(first.starts_with("r1."), "{first}");
    // 29 days 23 hours 58 minutes later: the same key.
    w.at("2026-02-12T08:58");
    let before = code_of(&w.staff);
    assert!(before.starts_with("r1."), "{before}");
    // 30 days on: a new key signs new codes; a code of the previous key stays valid for its minutes.
    w.at("2026-02-12T09:01");
    let after = code_of(&w.staff);
    assert!(after.starts_with("r2."), "{after}");
    assert_eq!(w.p0.get(&format!("/api/checkin/{before}")).status, 200);
    assert_eq!(w.p0.get(&format!("/api/checkin/{after}")).status, 200);
}

#[test]
fn a_printed_code_works_until_the_facility_revokes_it() {
    let mut w = People::start("printed");
    let n = book(&w.p0, "k0", "daredemo", "2026-01-21", "10:00", "11:00");
    confirm(&w.staff, n);
    let r = w.staff.post("/api/facility/checkin-codes", &json!({"label": "玄関"}));
    assert_eq!(r.status, 201, "{}", r.text);
    let (id, code) = (r.body["id"].as_i64().unwrap(), r.body["code"].as_str().unwrap().to_owned());
    assert_eq!(r.body["url"].as_str().unwrap(), format!("http://{}/checkin/{code}", w.server.addr));
    let list = w.staff.get("/api/facility/checkin-codes").body;
    assert_eq!(list["codes"][0]["label"], "玄関");
    assert!(list["codes"][0].get("code").is_none(), "the code itself is not kept");
    assert_eq!(w.other_staff.get("/api/facility/checkin-codes").body["codes"], json!([]));

    // Any day: it is printed.
    w.at("2026-01-21T10:00");
    let page = w.p0.get(&format!("/api/checkin/{code}"));
    assert_eq!((page.status, page.body["code_kind"].as_str()), (200, Some("static")), "{}", page.text);
    assert_eq!(door(&w.p0, &code, "start", &[n]).status, 200);

    // Another facility cannot revoke it; its own staff can, once.
    refused(&w.other_staff.post(&format!("/api/facility/checkin-codes/{id}/revoke"), &json!({})), 404, "not_found");
    assert_eq!(w.staff.post(&format!("/api/facility/checkin-codes/{id}/revoke"), &json!({})).status, 200);
    refused(&w.staff.post(&format!("/api/facility/checkin-codes/{id}/revoke"), &json!({})), 404, "not_found");
    refused(&w.p0.get(&format!("/api/checkin/{code}")), 409, "code_revoked");
    refused(&door(&w.p0, &code, "end", &[n]), 409, "code_revoked");
    assert_eq!(status(&w.p0, n), "in_use");
    let audit = w.city.get("/api/municipality/audit").body;
    let actions: Vec<&str> =
        audit["entries"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert!(actions.contains(&"checkin_code_create") && actions.contains(&"checkin_code_revoke"), "{actions:?}");
}

#[test]
fn staff_check_several_children_in_and_out_with_extras_and_payment() {
    let mut w = People::start("staff");
    let a = book(&w.p0, "k0", "daredemo", "2026-01-21", "10:00", "12:00");
    let b = book(&w.p1, "k1", "daredemo", "2026-01-21", "10:00", "12:00");
    let unconfirmed = book(&w.p0, "k0b", "daredemo", "2026-01-21", "10:00", "12:00");
    confirm(&w.staff, a);
    confirm(&w.staff, b);
    w.at("2026-01-21T10:05");

    // Refusals first: nothing changes.
    let items = json!([{"number": a, "extras": [{"item": "昼食", "price_yen": 300}]}]);
    let r = w.staff.post("/api/facility/attendance", &json!({"action": "check_in", "items": items}));
    assert_eq!((r.status, r.body["field"].as_str()), (400, Some("items[0].extras")), "{}", r.text);
    let r = w
        .staff
        .post("/api/facility/attendance", &json!({"action": "check_in", "items": [{"number": a}, {"number": 999}]}));
    assert_eq!(r.status, 404, "{}", r.text);
    let r = w.other_staff.post("/api/facility/attendance", &json!({"action": "check_in", "items": [{"number": a}]}));
    assert_eq!(r.status, 404, "another facility's booking: {}", r.text);
    let r =
        w.staff.post("/api/facility/attendance", &json!({"action": "check_in", "at": "9:5", "items": [{"number": a}]}));
    assert_eq!((r.status, r.body["field"].as_str()), (400, Some("at")), "{}", r.text);
    refused(
        &w.p0.post("/api/facility/attendance", &json!({"action": "check_in", "items": [{"number": a}]})),
        403,
        "forbidden",
    );
    assert_eq!(status(&w.p0, a), "confirmed");
    let r = w.staff.post(&format!("/api/facility/bookings/{a}/payment"), &json!({"amount_yen": 600}));
    assert_eq!((r.status, r.body["error"].as_str()), (409, Some("invalid_state")), "payment before use: {}", r.text);

    // Two children of two households in one request; a third, unconfirmed, is refused alone.
    let items = json!([{"number": a}, {"number": unconfirmed}, {"number": b}]);
    let r = w.staff.post("/api/facility/attendance", &json!({"action": "check_in", "items": items}));
    assert_eq!(r.status, 200, "{}", r.text);
    let results = r.body["results"].as_array().unwrap();
    let oks: Vec<bool> = results.iter().map(|x| x["ok"].as_bool().unwrap()).collect();
    assert_eq!(oks, vec![true, false, true]);
    assert_eq!(results[1]["codes"], json!(["invalid_state"]));
    assert_eq!(status(&w.p0, unconfirmed), "provisional");
    assert_eq!((status(&w.p0, a), status(&w.p1, b)), ("in_use".into(), "in_use".into()));
    assert_eq!(w.p0.get(&format!("/api/bookings/{a}")).body["check_in"], "10:05");

    // Check-out at 12:00 with a meal and two snacks for k0.
    let extras = json!([{"item": "昼食", "price_yen": 300}, {"item": "おやつ", "price_yen": 100, "quantity": 2}]);
    let bad = json!([{"item": "", "price_yen": 300}]);
    let r = w.staff.post(
        "/api/facility/attendance",
        &json!({"action": "check_out", "at": "12:00", "items": [{"number": a, "extras": bad}]}),
    );
    assert_eq!((r.status, r.body["field"].as_str()), (400, Some("items[0].extras[0].item")), "{}", r.text);
    let r = w.staff.post(
        "/api/facility/attendance",
        &json!({"action": "check_out", "at": "12:00", "items": [{"number": a, "extras": extras}, {"number": b}]}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let day = w.p0.get(&format!("/api/bookings/{a}/day")).body;
    assert_eq!(day["status"], "completed");
    assert_eq!((day["fee_yen"].as_i64(), day["extras_yen"].as_i64()), (Some(600), Some(500)));
    assert_eq!(
        (day["total_yen"].as_i64(), day["paid_yen"].as_i64(), day["due_yen"].as_i64()),
        (Some(1100), Some(0), Some(1100))
    );
    assert_eq!(day["extras"][1], json!({"item": "おやつ", "price_yen": 100, "quantity": 2, "yen": 200}));
    let other_day = w.p1.get(&format!("/api/bookings/{b}/day")).body;
    assert_eq!((other_day["extras_yen"].as_i64(), other_day["total_yen"].as_i64()), (Some(0), Some(600)));

    // Payment received; the parent sees it.
    let r = w.staff.post(&format!("/api/facility/bookings/{a}/payment"), &json!({"amount_yen": 0}));
    assert_eq!((r.status, r.body["field"].as_str()), (400, Some("amount_yen")));
    assert_eq!(w.staff.post(&format!("/api/facility/bookings/{a}/payment"), &json!({"amount_yen": 1100})).status, 200);
    let day = w.p0.get(&format!("/api/bookings/{a}/day")).body;
    assert_eq!((day["paid_yen"].as_i64(), day["due_yen"].as_i64()), (Some(1100), Some(0)));
    assert_eq!(day["payments"][0]["amount_yen"], 1100);
    refused(&w.p1.get(&format!("/api/bookings/{a}/day")), 404, "not_found");

    // The audit: who checked whom in and out, and took the payment; 港区 sees none of it.
    let entries = w.city.get("/api/municipality/audit").body["entries"].as_array().unwrap().clone();
    let find = |action: &str, target: String| {
        entries.iter().find(|e| e["action"] == action && e["target"] == target.as_str()).cloned()
    };
    let e = find("check_in", format!("booking:{a}")).expect("check-in audited");
    assert_eq!(
        (e["name"].as_str(), e["role"].as_str(), e["at"].as_str()),
        (Some("スタッフ"), Some("facility"), Some("2026-01-21T10:05:00+09:00"))
    );
    let e = find("check_out", format!("booking:{a}")).expect("check-out audited");
    assert_eq!(e["detail"]["extras"].as_array().unwrap().len(), 2);
    assert!(find("check_in", format!("booking:{b}")).is_some());
    assert!(find("check_in", format!("booking:{unconfirmed}")).is_none(), "a refused write leaves no entry");
    assert_eq!(find("payment", format!("booking:{a}")).unwrap()["detail"]["amount_yen"], 1100);
    assert_eq!(w.minato.get("/api/municipality/audit").body["entries"], json!([]));
    refused(&w.staff.get("/api/municipality/audit"), 403, "forbidden");
}

#[test]
fn activity_records_are_written_by_staff_and_read_by_the_parent() {
    let mut w = People::start("records");
    let a = book(&w.p0, "k0", "daredemo", "2026-01-21", "10:00", "12:00");
    confirm(&w.staff, a);
    w.at("2026-01-21T10:00");
    let rec = json!({"at": "10:30", "kind": "食事", "text": "おやつを完食しました"});
    let path = format!("/api/facility/bookings/{a}/records");
    let r = w.staff.post(&path, &rec);
    assert_eq!((r.status, r.body["codes"].clone()), (409, json!(["invalid_state"])), "before check-in: {}", r.text);
    let code = code_of(&w.staff);
    assert_eq!(door(&w.p0, &code, "start", &[a]).status, 200);
    let r = w.staff.post(&path, &json!({"at": "25:00", "kind": "食事", "text": "x"}));
    assert_eq!((r.status, r.body["field"].as_str()), (400, Some("at")));
    let r = w.staff.post(&path, &json!({"at": "10:30", "kind": "食事", "text": "  "}));
    assert_eq!((r.status, r.body["field"].as_str()), (400, Some("text")));
    let r = w.staff.post(&path, &json!({"at": "10:30", "kind": "食事"}));
    assert_eq!((r.status, r.body["field"].as_str()), (400, Some("body")), "{}", r.text);
    refused(&w.other_staff.post(&path, &rec), 404, "not_found");
    refused(&w.p0.post(&path, &rec), 403, "forbidden");
    assert_eq!(w.staff.post(&path, &rec).status, 201);
    assert_eq!(w.staff.post(&path, &json!({"at": "10:15", "kind": "遊び", "text": "積み木"})).status, 201);
    let extras = json!({"extras": [{"item": "おやつ", "price_yen": 100}]});
    let r = w.staff.post(&format!("/api/facility/bookings/{a}/extras"), &extras);
    assert_eq!((r.status, &r.body), (200, &json!({"status": "saved"})), "{}", r.text);

    let day = w.p0.get(&format!("/api/bookings/{a}/day"));
    assert_eq!(day.status, 200, "{}", day.text);
    assert_eq!((day.body["extras_yen"].as_i64(), day.body["extras"][0]["item"].as_str()), (Some(100), Some("おやつ")));
    let records = day.body["records"].as_array().unwrap();
    let seen: Vec<(&str, &str, &str)> = records
        .iter()
        .map(|r| (r["at"].as_str().unwrap(), r["kind"].as_str().unwrap(), r["text"].as_str().unwrap()))
        .collect();
    assert_eq!(seen, vec![("10:15", "遊び", "積み木"), ("10:30", "食事", "おやつを完食しました")], "in time order");
    assert_eq!(w.staff.get(&format!("/api/facility/bookings/{a}/day")).body["records"].as_array().unwrap().len(), 2);
    refused(&w.p1.get(&format!("/api/bookings/{a}/day")), 404, "not_found");
    refused(&w.other_staff.get(&format!("/api/facility/bookings/{a}/day")), 404, "not_found");
    let entries = w.city.get("/api/municipality/audit").body["entries"].as_array().unwrap().clone();
    assert_eq!(entries.iter().filter(|e| e["action"] == "record").count(), 2, "who wrote each record");
}

#[test]
fn the_end_of_the_day_shows_forgotten_check_outs_and_no_shows_to_mark() {
    let mut w = People::start("endofday");
    let a = book(&w.p0, "k0", "daredemo", "2026-01-21", "10:00", "12:00");
    let b = book(&w.p1, "k1", "daredemo", "2026-01-21", "10:00", "12:00");
    confirm(&w.staff, a);
    confirm(&w.staff, b);
    w.at("2026-01-21T10:00");
    let r = w.staff.post("/api/facility/attendance", &json!({"action": "check_in", "items": [{"number": a}]}));
    assert_eq!(r.status, 200, "{}", r.text);
    let today = w.staff.get("/api/facility/day").body;
    assert_eq!(today["bookings"].as_array().unwrap().len(), 2);
    let ids = |v: &Value| v.as_array().unwrap().iter().map(|x| x["number"].as_i64().unwrap()).collect::<Vec<_>>();
    assert_eq!(ids(&today["still_in_use"]), vec![a]);
    assert_eq!(ids(&today["no_shows_to_mark"]), Vec::<i64>::new(), "its day has not passed");
    refused(&w.staff.post(&format!("/api/facility/bookings/{b}/no-show"), &json!({})), 409, "invalid_state");

    w.at("2026-01-22T09:00");
    let next = w.staff.get("/api/facility/day").body;
    assert_eq!((ids(&next["still_in_use"]), ids(&next["no_shows_to_mark"])), (vec![a], vec![b]));
    assert_eq!(w.other_staff.get("/api/facility/day").body["still_in_use"], json!([]));
    assert_eq!(w.staff.get("/api/facility/day?date=2026-01-21").body["bookings"].as_array().unwrap().len(), 2);
    let r = w.staff.get("/api/facility/day?date=21-01-2026");
    assert_eq!((r.status, r.body["field"].as_str()), (400, Some("date")));

    refused(&w.other_staff.post(&format!("/api/facility/bookings/{b}/no-show"), &json!({})), 404, "not_found");
    assert_eq!(w.staff.post(&format!("/api/facility/bookings/{b}/no-show"), &json!({})).status, 200);
    // A forgotten check-out needs its time.
    let r = w.staff.post("/api/facility/attendance", &json!({"action": "check_out", "items": [{"number": a}]}));
    assert_eq!((r.status, r.body["field"].as_str()), (400, Some("at")), "{}", r.text);
    let r = w
        .staff
        .post("/api/facility/attendance", &json!({"action": "check_out", "at": "12:40", "items": [{"number": a}]}));
    assert_eq!(r.status, 200, "{}", r.text);
    let done = w.staff.get("/api/facility/day").body;
    assert_eq!((done["still_in_use"].clone(), done["no_shows_to_mark"].clone()), (json!([]), json!([])));
    assert_eq!((status(&w.p0, a), status(&w.p1, b)), ("completed".into(), "no_show".into()));
    assert_eq!(w.p0.get(&format!("/api/bookings/{a}/day")).body["fee_yen"], 900, "10:00 to 13:00");
    assert_eq!(w.p1.get(&format!("/api/bookings/{b}/day")).body["fee_yen"], 600, "a no-show is billed");
    let entries = w.city.get("/api/municipality/audit").body["entries"].as_array().unwrap().clone();
    assert!(entries.iter().any(|e| e["action"] == "no_show" && e["target"] == format!("booking:{b}")));
}

#[test]
fn a_sudden_closure_cancels_the_day_and_mails_every_parent() {
    let w = People::start("closure");
    let a = book(&w.p0, "k0", "daredemo", "2026-01-23", "10:00", "12:00");
    let b = book(&w.p1, "k1", "daredemo", "2026-01-23", "13:00", "14:00");
    let kept = book(&w.p0, "k0", "daredemo", "2026-01-22", "10:00", "11:00");
    confirm(&w.staff, a);

    refused(&w.p0.post("/api/facility/closures", &json!({"date": "2026-01-23"})), 403, "forbidden");
    let r = w.staff.post("/api/facility/closures", &json!({"date": "2026-01-12"}));
    assert_eq!((r.status, r.body["field"].as_str()), (400, Some("date")), "a past day: {}", r.text);
    let r = w.staff.post("/api/facility/closures", &json!({"day": "2026-01-23"}));
    assert_eq!(r.status, 400, "{}", r.text);
    assert_eq!(status(&w.p0, a), "confirmed");

    let r = w.staff.post("/api/facility/closures", &json!({"date": "2026-01-23", "reason": "台風の接近"}));
    assert_eq!(r.status, 200, "{}", r.text);
    let mut cancelled: Vec<i64> = r.body["cancelled"].as_array().unwrap().iter().map(|n| n.as_i64().unwrap()).collect();
    cancelled.sort();
    assert_eq!(cancelled, vec![a, b]);
    assert_eq!(
        (status(&w.p0, a), status(&w.p1, b), status(&w.p0, kept)),
        ("cancelled".into(), "cancelled".into(), "provisional".into())
    );
    let fee = w.p0.get(&format!("/api/bookings/{a}")).body["fee_yen"].clone();
    assert_eq!(fee, 0, "free for the parent");

    let mail = w.city.get("/api/outbox").body["mail"].as_array().unwrap().clone();
    for (to, n) in [("parent0@t.jp", a), ("parent1@t.jp", b)] {
        let m =
            mail.iter().find(|m| m["to"] == to && m["subject"].as_str().unwrap().contains("臨時休園")).expect("mailed");
        let body = m["body"].as_str().unwrap();
        assert!(
            body.contains(&format!("予約番号 {n}")) && body.contains("台風の接近") && body.contains("2026-01-23"),
            "{body}"
        );
    }
    // The day is closed: no new booking fits.
    let r = w.p0.post("/api/bookings", &json!({"child": "k0", "facility": "daredemo", "kind": "flexible", "date": "2026-01-23", "from": "10:00", "to": "11:00"}));
    assert_eq!((r.status, r.body["codes"].clone()), (409, json!(["facility_closed"])), "{}", r.text);
    let entries = w.city.get("/api/municipality/audit").body["entries"].as_array().unwrap().clone();
    let e = entries.iter().find(|e| e["action"] == "close_day").expect("audited");
    assert_eq!(e["detail"]["date"], "2026-01-23");
    assert_eq!(e["name"], "スタッフ");
}

#[test]
fn codes_records_payments_and_closes_survive_a_restart() {
    let mut w = People::start("restart");
    let a = book(&w.p0, "k0", "daredemo", "2026-01-21", "10:00", "12:00");
    confirm(&w.staff, a);
    let printed = w.staff.post("/api/facility/checkin-codes", &json!({"label": "門"})).body;
    let revoked = w.staff.post("/api/facility/checkin-codes", &json!({"label": "旧"})).body;
    let (code, old) = (printed["code"].as_str().unwrap().to_owned(), revoked["code"].as_str().unwrap().to_owned());
    let id = revoked["id"].as_i64().unwrap();
    assert_eq!(w.staff.post(&format!("/api/facility/checkin-codes/{id}/revoke"), &json!({})).status, 200);
    w.at("2026-01-21T10:00");
    assert_eq!(door(&w.p0, &code, "start", &[a]).status, 200);
    let rec = json!({"at": "10:30", "kind": "午睡", "text": "よく眠りました"});
    assert_eq!(w.staff.post(&format!("/api/facility/bookings/{a}/records"), &rec).status, 201);
    let items = json!([{"number": a, "extras": [{"item": "昼食", "price_yen": 300}]}]);
    let r = w.staff.post("/api/facility/attendance", &json!({"action": "check_out", "at": "12:00", "items": items}));
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(w.staff.post(&format!("/api/facility/bookings/{a}/payment"), &json!({"amount_yen": 500})).status, 200);
    w.at("2026-02-02T09:00");
    assert_eq!(w.city.post("/api/municipality/claims/close", &json!({"month": "2026-01"})).status, 200);
    let screen = code_of(&w.staff);
    let before = w.p0.get(&format!("/api/bookings/{a}/day")).body;

    w.restart("2026-02-02T09:01");
    let after = w.p0.get(&format!("/api/bookings/{a}/day")).body;
    assert_eq!(after, before);
    assert_eq!(
        (after["records"][0]["text"].as_str(), after["extras_yen"].as_i64(), after["due_yen"].as_i64()),
        (Some("よく眠りました"), Some(300), Some(400))
    );
    assert_eq!(w.p0.get(&format!("/api/checkin/{screen}")).status, 200, "the signing key is kept");
    assert_eq!(w.p0.get(&format!("/api/checkin/{code}")).status, 200);
    refused(&w.p0.get(&format!("/api/checkin/{old}")), 409, "code_revoked");
    let jan = w.city.get("/api/municipality/claims?month=2026-01").body;
    assert_eq!((jan["closed"].as_bool(), jan["total_yen"].as_i64()), (Some(true), Some(2800)));
    refused(&w.city.post("/api/municipality/claims/close", &json!({"month": "2026-01"})), 409, "month_closed");
    let entries = w.city.get("/api/municipality/audit").body["entries"].as_array().unwrap().len();
    assert!(entries >= 5, "the audit is kept: {entries}");
}

#[test]
fn a_regular_series_is_checked_in_by_its_days_number() {
    let mut w = People::start("series");
    let r = w.p0.post(
        "/api/bookings",
        &json!({"child": "k0", "facility": "daredemo", "kind": "regular", "date": "2026-01-21", "from": "10:00", "to": "11:00", "weeks": 2}),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let series = r.body["number"].as_i64().unwrap();
    let first = r.body["numbers"][0].as_i64().unwrap();
    confirm(&w.staff, series);
    w.at("2026-01-21T10:00");
    let code = code_of(&w.staff);
    let page = w.p0.get(&format!("/api/checkin/{code}")).body;
    assert_eq!(page["bookings"][0]["number"], first, "the day's own number");
    let r = door(&w.p0, &code, "start", &[series]);
    assert_eq!((r.status, r.body["field"].as_str()), (400, Some("numbers")), "{}", r.text);
    let r = w.staff.post("/api/facility/attendance", &json!({"action": "check_in", "items": [{"number": series}]}));
    assert_eq!((r.status, r.body["field"].as_str()), (400, Some("number")), "{}", r.text);
    assert_eq!(door(&w.p0, &code, "start", &[first]).status, 200);
    assert_eq!(status(&w.p0, first), "in_use");
}

#[test]
fn every_staff_and_parent_write_needs_the_csrf_token() {
    let w = People::start("csrf-all");
    let doc = w.server.client().get("/openapi.json").body;
    let mut checked = 0;
    for (path, ops) in doc["paths"].as_object().unwrap() {
        let Some(op) = ops.get("post") else { continue };
        let roles: Vec<&str> = op["x-roles"].as_array().unwrap().iter().map(|r| r.as_str().unwrap()).collect();
        // Logging out and the dry run change nothing an attacker could want.
        if path == "/api/logout" || path == "/api/bookings/check" || roles.is_empty() {
            continue;
        }
        let mut c = match roles[0] {
            "parent" => w.p0.clone(),
            "facility" => w.staff.clone(),
            _ => w.city.clone(),
        };
        c.csrf = None;
        let real = path.replace("{number}", "1").replace("{id}", "1").replace("{code}", "x");
        let r = c.post(&real, &json!({}));
        assert_eq!((r.status, r.body["error"].as_str()), (403, Some("csrf")), "POST {real}: {}", r.text);
        checked += 1;
    }
    assert!(checked >= 18, "{checked} routes");
}
