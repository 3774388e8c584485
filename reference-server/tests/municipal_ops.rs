//! The municipality's work over real HTTP: its facilities, usage per child and facility, claims split
//! by paying municipality, the month's close (frozen; a late change becomes the next open month's
//! correction), CSV downloads parsed back and summed against the engine's claims, and the audit log.

mod support;

use serde_json::{Value, json};
use support::people::{People, book, confirm, refused, status};
use support::{Client, Resp};

/// Parses a CSV download: UTF-8 with a BOM, every line ended by CRLF, RFC 4180 quoting.
fn parse_csv(r: &Resp) -> Vec<Vec<String>> {
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.header("content-type"), Some("text/csv; charset=utf-8"));
    let body = r.text.strip_prefix('\u{feff}').expect("a byte order mark first");
    let chars: Vec<char> = body.chars().collect();
    let (mut rows, mut row, mut field, mut quoted) = (Vec::new(), Vec::new(), String::new(), false);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if quoted {
            if c == '"' && chars.get(i + 1) == Some(&'"') {
                field.push('"');
                i += 1;
            } else if c == '"' {
                quoted = false;
            } else {
                field.push(c);
            }
        } else {
            match c {
                '"' => quoted = true,
                ',' => row.push(std::mem::take(&mut field)),
                '\r' => {
                    assert_eq!(chars.get(i + 1), Some(&'\n'), "CR is followed by LF");
                    row.push(std::mem::take(&mut field));
                    rows.push(std::mem::take(&mut row));
                    i += 1;
                }
                '\n' => panic!("a bare LF in {body:?}"),
                _ => field.push(c),
            }
        }
        i += 1;
    }
    assert!(field.is_empty() && row.is_empty() && !quoted, "the last line ends with CRLF");
    rows
}

/// The sum of a column (by its header) over the data rows.
fn column_sum(rows: &[Vec<String>], name: &str) -> i64 {
    let k = rows[0].iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name} in {:?}", rows[0]));
    rows[1..].iter().map(|r| r[k].parse::<i64>().unwrap()).sum()
}

fn yen(v: &Value) -> i64 {
    v.as_i64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn claims(c: &Client, month: &str) -> Value {
    let r = c.get(&format!("/api/municipality/claims?month={month}"));
    assert_eq!(r.status, 200, "{}", r.text);
    r.body
}

fn attend(staff: &Client, action: &str, at: &str, numbers: &[i64]) {
    let items: Vec<Value> = numbers.iter().map(|n| json!({"number": n})).collect();
    let r = staff.post("/api/facility/attendance", &json!({"action": action, "at": at, "items": items}));
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.body["results"].as_array().unwrap().iter().all(|x| x["ok"] == true), "{}", r.text);
}

const NAME: &str = "誰でも\"こども\"園, 本園";

#[test]
fn claims_are_split_by_payer_frozen_at_the_close_and_corrected_the_next_month() {
    let mut w = People::start_with("claims", |seed| seed["ops"][2]["facility"]["name"] = json!(NAME));
    // January: k0 2 h and its late pick-up (forgotten), m0 of 港区 1 h, k1 a no-show, k0b at 港区's facility.
    let a = book(&w.p0, "k0", "daredemo", "2026-01-21", "10:00", "12:00");
    let m = book(&w.p1, "m0", "daredemo", "2026-01-21", "10:00", "11:00");
    let ns = book(&w.p1, "k1", "daredemo", "2026-01-22", "10:00", "11:00");
    let late = book(&w.p0, "k0", "daredemo", "2026-01-30", "10:00", "11:00");
    let o = book(&w.p0, "k0b", "other", "2026-01-21", "14:00", "15:00");
    for n in [a, m, ns, late] {
        confirm(&w.staff, n);
    }
    confirm(&w.other_staff, o);
    w.at("2026-01-21T10:00");
    attend(&w.staff, "check_in", "10:00", &[a, m]);
    attend(&w.staff, "check_out", "11:00", &[m]);
    attend(&w.staff, "check_out", "12:00", &[a]);
    attend(&w.other_staff, "check_in", "14:00", &[o]);
    attend(&w.other_staff, "check_out", "15:00", &[o]);
    w.at("2026-01-30T10:00");
    attend(&w.staff, "check_in", "10:00", &[late]);
    w.at("2026-02-02T09:00");
    assert_eq!(w.staff.post(&format!("/api/facility/bookings/{ns}/no-show"), &json!({})).status, 200);

    // The engine's claim as the facility sees it: 1,400 yen an hour for age 1.
    let engine = w.staff.get("/api/facility/claim?month=2026-01").body;
    assert_eq!(yen(&engine["total_yen"]), 2800 + 1400 + 1400);
    assert_eq!(engine["by_municipality"], json!({"131016": 4200, "131032": 1400}));
    assert_eq!(engine["lines"].as_array().unwrap().len(), 3);

    // The municipality: its facilities only, split by payer, equal to the engine's.
    let jan = claims(&w.city, "2026-01");
    assert_eq!((jan["closed"].as_bool(), yen(&jan["total_yen"])), (Some(false), 5600));
    let lines: Vec<(String, String, String, i64)> = jan["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["kind"].as_str().unwrap().into(),
                l["facility"].as_str().unwrap().into(),
                l["payer"].as_str().unwrap().into(),
                yen(&l["yen"]),
            )
        })
        .collect();
    assert_eq!(
        lines,
        vec![
            ("claim".into(), "daredemo".into(), "131016".into(), 4200),
            ("claim".into(), "daredemo".into(), "131032".into(), 1400)
        ]
    );
    let minato = claims(&w.minato, "2026-01");
    assert_eq!(minato["lines"].as_array().unwrap().len(), 1);
    assert_eq!(
        (
            minato["lines"][0]["facility"].as_str(),
            minato["lines"][0]["payer"].as_str(),
            yen(&minato["lines"][0]["yen"])
        ),
        (Some("other"), Some("131016"), 1400)
    );

    // Who may close: the municipality's staff, a month that has ended, once.
    refused(&w.p0.get("/api/municipality/claims?month=2026-01"), 403, "forbidden");
    refused(&w.staff.post("/api/municipality/claims/close", &json!({"month": "2026-01"})), 403, "forbidden");
    refused(&w.server.client().get("/api/municipality/claims.csv?month=2026-01"), 401, "unauthorized");
    refused(&w.city.post("/api/municipality/claims/close", &json!({"month": "2026-02"})), 409, "month_not_over");
    let r = w.city.post("/api/municipality/claims/close", &json!({"month": "2026-1"}));
    assert_eq!((r.status, r.body["field"].as_str()), (400, Some("month")), "{}", r.text);
    let r = w.city.get("/api/municipality/claims?month=2026-13");
    assert_eq!((r.status, r.body["field"].as_str()), (400, Some("month")), "{}", r.text);
    let r = w.city.post("/api/municipality/claims/close", &json!({"month": "2026-01"}));
    assert_eq!((r.status, yen(&r.body["total_yen"])), (200, 5600), "{}", r.text);
    refused(&w.city.post("/api/municipality/claims/close", &json!({"month": "2026-01"})), 409, "month_closed");
    assert!(!claims(&w.minato, "2026-01")["closed"].as_bool().unwrap(), "each municipality closes its own");

    // A late change to the closed month: the forgotten check-out of 30 January.
    attend(&w.staff, "check_out", "11:00", &[late]);
    assert_eq!(status(&w.p0, late), "completed");
    let engine_now = w.staff.get("/api/facility/claim?month=2026-01").body;
    assert_eq!(yen(&engine_now["total_yen"]), 7000);
    let jan = claims(&w.city, "2026-01");
    assert_eq!((jan["closed"].as_bool(), yen(&jan["total_yen"])), (Some(true), 5600), "frozen");
    let feb = claims(&w.city, "2026-02");
    assert_eq!(feb["closed"], false);
    assert_eq!(
        feb["lines"],
        json!([{"kind": "correction", "for_month": "2026-01", "facility": "daredemo", "facility_name": NAME,
                "payer": "131016", "payer_name": "千代田区", "bookings": 1, "yen": 1400}])
    );
    assert_eq!(
        yen(&jan["total_yen"]) + yen(&feb["total_yen"]),
        yen(&engine_now["total_yen"]),
        "frozen + correction = engine"
    );

    // The CSV, parsed back: the same sums as the engine's claim, per payer too; the name survives quoting.
    let rows = parse_csv(&w.city.get("/api/municipality/claims.csv?month=2026-01"));
    assert_eq!(rows[0][0], "請求月");
    assert_eq!(rows.len(), 3);
    assert_eq!(column_sum(&rows, "金額（円）"), yen(&engine["total_yen"]));
    for r in &rows[1..] {
        assert_eq!((r[1].as_str(), r[2].as_str(), r[5].as_str()), ("締め済", "請求", NAME));
        assert_eq!(r[9].parse::<i64>().unwrap(), yen(&engine["by_municipality"][r[6].as_str()]), "{r:?}");
    }
    let rows = parse_csv(&w.city.get("/api/municipality/claims.csv?month=2026-02"));
    assert_eq!((rows[1][2].as_str(), rows[1][3].as_str()), ("過月修正", "2026-01"));
    assert_eq!(column_sum(&rows, "金額（円）"), yen(&engine_now["total_yen"]) - yen(&engine["total_yen"]));

    // February closed in March carries the correction; March has none left.
    w.at("2026-03-02T09:00");
    let r = w.city.post("/api/municipality/claims/close", &json!({"month": "2026-02"}));
    assert_eq!((r.status, yen(&r.body["total_yen"])), (200, 1400), "{}", r.text);
    let feb = claims(&w.city, "2026-02");
    assert_eq!((feb["closed"].as_bool(), feb["lines"][0]["kind"].as_str()), (Some(true), Some("correction")));
    assert_eq!(claims(&w.city, "2026-03")["lines"], json!([]));

    // The audit has the close, by whom.
    let entries = w.city.get("/api/municipality/audit").body["entries"].as_array().unwrap().clone();
    let closes: Vec<&Value> = entries.iter().filter(|e| e["action"] == "close_month").collect();
    assert_eq!(closes.len(), 2);
    assert_eq!((closes[1]["target"].as_str(), closes[1]["name"].as_str()), (Some("month:2026-01"), Some("区職員")));
    let minato_entries = w.minato.get("/api/municipality/audit").body["entries"].as_array().unwrap().clone();
    assert!(minato_entries.iter().all(|e| e["action"] != "close_month"));
    assert!(
        minato_entries.iter().any(|e| e["action"] == "check_in" && e["target"] == format!("booking:{o}")),
        "港区 sees its facility's staff"
    );
}

#[test]
fn usage_per_child_and_facility_adds_up_to_the_claims_the_municipality_pays() {
    let mut w = People::start("usage");
    let a = book(&w.p0, "k0", "daredemo", "2026-01-21", "10:00", "12:00");
    let b = book(&w.p0, "k0", "daredemo", "2026-01-22", "10:00", "11:00");
    let m = book(&w.p1, "m0", "daredemo", "2026-01-21", "13:00", "14:00");
    let o = book(&w.p0, "k0b", "other", "2026-01-21", "14:00", "15:00");
    let open = book(&w.p0, "k0", "daredemo", "2026-01-28", "10:00", "11:00");
    for n in [a, b, m, open] {
        confirm(&w.staff, n);
    }
    confirm(&w.other_staff, o);
    w.at("2026-01-21T10:00");
    attend(&w.staff, "check_in", "10:00", &[a, m]);
    attend(&w.staff, "check_out", "12:00", &[a]);
    attend(&w.staff, "check_out", "14:00", &[m]);
    attend(&w.other_staff, "check_in", "14:00", &[o]);
    attend(&w.other_staff, "check_out", "15:10", &[o]);
    w.at("2026-01-22T10:00");
    attend(&w.staff, "check_in", "10:00", &[b]);
    attend(&w.staff, "check_out", "11:00", &[b]);

    let r = w.city.get("/api/municipality/usage?month=2026-01");
    assert_eq!(r.status, 200, "{}", r.text);
    let rows: Vec<(String, String, i64, i64, i64)> = r.body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["child"].as_str().unwrap().into(),
                x["facility"].as_str().unwrap().into(),
                yen(&x["bookings"]),
                yen(&x["minutes"]),
                yen(&x["yen"]),
            )
        })
        .collect();
    // k0b picked up at 15:10: billed to 15:30. m0 is 港区's; k0's booking of the 28th is not used yet.
    assert_eq!(rows, vec![("k0".into(), "daredemo".into(), 2, 180, 4200), ("k0b".into(), "other".into(), 1, 90, 2100)]);
    assert_eq!(r.body["rows"][0]["cap_counted_minutes"], 240, "the cap counts the booking still to come");
    assert_eq!(r.body["rows"][1]["cap_counted_minutes"], 60, "a late pick-up is billed, not counted");
    let minato = w.minato.get("/api/municipality/usage?month=2026-01").body;
    assert_eq!(minato["rows"].as_array().unwrap().len(), 1);
    assert_eq!((minato["rows"][0]["child"].as_str(), yen(&minato["rows"][0]["yen"])), (Some("m0"), 1400));

    // The CSV sums to what 千代田区 pays across every facility's claim.
    let here = w.staff.get("/api/facility/claim?month=2026-01").body;
    let there = w.other_staff.get("/api/facility/claim?month=2026-01").body;
    let pays = yen(&here["by_municipality"]["131016"]) + yen(&there["by_municipality"]["131016"]);
    let csv = parse_csv(&w.city.get("/api/municipality/usage.csv?month=2026-01"));
    assert_eq!(csv.len(), 3);
    assert_eq!(column_sum(&csv, "金額（円）"), pays);
    assert_eq!(column_sum(&csv, "請求分数"), 270);
    assert_eq!(csv[1][2], "こども0");

    refused(&w.staff.get("/api/municipality/usage?month=2026-01"), 403, "forbidden");
    refused(&w.p0.get("/api/municipality/usage.csv?month=2026-01"), 403, "forbidden");
    let list = w.city.get("/api/municipality/facilities").body;
    let ids: Vec<&str> = list["facilities"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap()).collect();
    assert_eq!(ids, vec!["daredemo"]);
    let ids: Vec<String> = w.minato.get("/api/municipality/facilities").body["facilities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, vec!["other".to_owned()]);
    refused(&w.staff.get("/api/facility/claim?month=2026"), 400, "invalid_request");
}

#[test]
fn certification_cancellation_and_quota_changes_are_audited() {
    let w = People::start("audit");
    // A registration certified by the city.
    let anon = w.server.client();
    assert_eq!(anon.post("/api/applications", &json!({"email": "new@t.jp", "municipality": "131016"})).status, 202);
    let mail = w.city.get("/api/outbox").body["mail"][0]["body"].as_str().unwrap().to_owned();
    let at = mail.find("token=").unwrap() + 6;
    let reg = json!({"token": &mail[at..at + 64], "parent": {"name": "某", "kana": "ナニガシ", "phone": "03", "address": "区内", "emergency_contact": "090"},
                     "children": [{"name": "子", "kana": "コ", "birth_date": "2024-05-01"}]});
    let r = anon.post("/api/registrations", &reg);
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.body["registration"].as_i64().unwrap();
    let r = w.city.post(
        &format!("/api/municipality/registrations/{id}/certify"),
        &json!({"from": "2026-01-01", "to": "2026-12-31"}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    // A booking cancelled by the facility; a quota lowered.
    let n0 = book(&w.p0, "k0", "daredemo", "2026-01-22", "10:00", "11:00");
    confirm(&w.staff, n0);
    let n = book(&w.p0, "k0", "daredemo", "2026-01-21", "10:00", "11:00");
    assert_eq!(w.staff.post(&format!("/api/facility/bookings/{n}/cancel"), &json!({})).status, 200);
    let mut setup = w.staff.get("/api/facility/setup").body;
    setup["capacity"][0]["flexible"] = json!(1);
    let r = w.staff.post("/api/facility/setup", &setup);
    assert_eq!(r.status, 200, "{}", r.text);

    let entries = w.city.get("/api/municipality/audit").body["entries"].as_array().unwrap().clone();
    let get = |action: &str| {
        entries.iter().find(|e| e["action"] == action).cloned().unwrap_or_else(|| panic!("no {action}: {entries:?}"))
    };
    let c = get("certify");
    assert_eq!(
        (c["name"].as_str(), c["role"].as_str(), c["target"].as_str()),
        (Some("区職員"), Some("municipality"), Some(format!("registration:{id}").as_str()))
    );
    assert_eq!(c["detail"]["email"], "new@t.jp");
    assert_eq!(c["at"], "2026-01-13T09:00:00+09:00");
    assert_eq!(get("confirm")["target"], format!("booking:{n0}"));
    let c = get("cancel");
    assert_eq!((c["name"].as_str(), c["target"].as_str()), (Some("スタッフ"), Some(format!("booking:{n}").as_str())));
    let s = get("setup");
    assert_eq!(
        (
            s["detail"]["before"]["capacity"][0]["flexible"].as_i64(),
            s["detail"]["after"]["capacity"][0]["flexible"].as_i64()
        ),
        (Some(3), Some(1))
    );
    // Newest first; 港区 sees none of 千代田区's.
    assert_eq!(entries[0]["action"], "setup");
    assert_eq!(w.minato.get("/api/municipality/audit").body["entries"], json!([]));
    refused(&w.p0.get("/api/municipality/audit"), 403, "forbidden");
}
