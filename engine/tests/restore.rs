//! `World::from_json` builds the world while it parses (a second thread stores the bookings in
//! chunks): the result and the errors must be those of parsing the whole save first.

use serde_json::{Value, json};
use tsuen::{Snapshot, World};

/// A save of 12,000 bookings (several chunks), flexible and regular series, some cancelled.
fn save() -> String {
    let children: Vec<Value> = (0..300)
        .map(|i| {
            json!({"id": format!("c{i}"), "name": format!("子{i}"), "birth_date": "2024-09-01",
                   "municipality": "131016", "certified": ["2026-04-01", "2027-03-31"],
                   "approvals": [{"facility": "f1", "interview_date": "2026-03-10"}]})
        })
        .collect();
    let mut bookings = Vec::new();
    for i in 0..10_000u32 {
        let day = 1 + i % 28;
        let status = if i % 7 == 0 { "cancelled" } else { "confirmed" };
        bookings.push(json!({"id": format!("b{i}"), "child": format!("c{}", i % 300), "facility": "f1",
            "kind": "flexible", "date": format!("2026-06-{day:02}"), "from": "10:00", "to": "12:00", "status": status}));
    }
    for s in 0..500u32 {
        for k in 1..=4u32 {
            bookings.push(json!({"id": format!("r{s}#{k}"), "child": format!("c{}", s % 300), "facility": "f1",
                "kind": "regular", "date": format!("2026-07-{:02}", k * 7 - 1), "from": "09:00", "to": "10:00",
                "status": "provisional"}));
        }
    }
    let snapshot = json!({
        "now": "2026-05-20T09:00",
        "municipalities": [{"code": "131016", "name": "千代田区", "prefecture": "東京都", "online": true, "rules": {}}],
        "facilities": [{"id": "f1", "name": "誰でもこども園", "municipality": "131016",
            "hours": {"mon": ["07:00", "19:00"], "tue": ["07:00", "19:00"], "wed": ["07:00", "19:00"],
                      "thu": ["07:00", "19:00"], "fri": ["07:00", "19:00"]},
            "capacity": [{"days": ["mon", "tue", "wed", "thu", "fri"], "from": "07:00", "to": "19:00",
                          "regular": 3, "flexible": 5}]}],
        "children": children,
        "bookings": bookings,
    });
    // Through the snapshot type (parsed first, then restored), then saved: the reference text.
    let parsed: Snapshot = serde_json::from_value(snapshot).expect("a save");
    World::restore(&parsed).expect("restores").to_json()
}

fn with(text: &str, edit: impl FnOnce(&mut Value)) -> String {
    let mut v: Value = serde_json::from_str(text).unwrap();
    edit(&mut v);
    serde_json::to_string(&v).unwrap()
}

fn error(text: &str) -> String {
    World::from_json(text).expect_err("refused").to_string()
}

#[test]
fn restoring_while_parsing_gives_the_world_parsing_first_gives() {
    let text = save();
    let w = World::from_json(&text).expect("restores");
    assert_eq!(w.booking_count(), 12_000);
    assert_eq!(w.check_indexes(), Ok(()));
    assert_eq!(w.to_json(), text);
    let parsed: Snapshot = serde_json::from_str(&text).unwrap();
    assert_eq!(w.canonical_json(), World::restore(&parsed).unwrap().canonical_json());
}

#[test]
fn fields_in_another_order_restore_the_same_world() {
    let text = save();
    let v: Value = serde_json::from_str(&text).unwrap();
    let order = ["bookings", "children", "now", "facilities", "municipalities"];
    let body: Vec<String> = order.iter().map(|k| format!("{:?}:{}", k, v[*k])).collect();
    let reordered = format!("{{{}}}", body.join(","));
    let w = World::from_json(&reordered).expect("restores");
    assert_eq!(w.to_json(), text);
    assert_eq!(w.check_indexes(), Ok(()));
}

#[test]
fn a_wrong_booking_after_the_first_chunks_is_named() {
    let text = with(&save(), |v| v["bookings"][9000]["child"] = json!("nobody"));
    let e = error(&text);
    assert!(e.contains("bookings[9000].child: unknown child \"nobody\""), "{e}");
    let text = with(&save(), |v| v["bookings"][11_001]["id"] = json!("r100#3"));
    let e = error(&text);
    assert!(e.contains("bookings[11001].id") && e.contains("does not follow occurrence 4"), "{e}");
    let text = with(&save(), |v| v["bookings"][7000]["id"] = json!("b3"));
    assert!(error(&text).contains("bookings[7000].id: \"b3\" is listed twice"));
    let text = with(&save(), |v| v["bookings"][10_500]["id"] = json!("b5#1"));
    assert!(error(&text).contains("series \"b5\" is also a booking's id"));
}

#[test]
fn a_fault_in_the_json_wins_over_a_wrong_booking_before_it() {
    let base = with(&save(), |v| v["bookings"][10]["child"] = json!("nobody"));
    // Not the shape of a save further on.
    let text = with(&base, |v| v["bookings"][9500]["from"] = json!(5));
    let e = error(&text);
    assert!(e.contains("bookings[9500].from"), "{e}");
    assert!(!e.contains("nobody"), "{e}");
    // Not JSON at the very end.
    let e = error(&base[..base.len() - 1]);
    assert!(e.contains("not valid JSON"), "{e}");
    // An unknown field after the bookings.
    let text = format!("{},\"extra\":1}}", &base[..base.len() - 1]);
    let e = error(&text);
    assert!(e.contains("unknown field `extra`"), "{e}");
}

#[test]
fn a_wrong_setup_is_reported_and_a_missing_field_named() {
    let text = with(&save(), |v| v["children"][3]["municipality"] = json!("999999"));
    let e = error(&text);
    assert!(e.contains("children[3].municipality"), "{e}");
    let text = with(&save(), |v| {
        v.as_object_mut().unwrap().remove("now");
    });
    assert!(error(&text).contains("missing field `now`"));
    let text = with(&save(), |v| {
        v.as_object_mut().unwrap().remove("bookings");
    });
    assert!(error(&text).contains("missing field `bookings`"));
}
