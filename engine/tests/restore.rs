//! `World::from_json` builds the world while it parses (a second thread stores the bookings in
//! chunks): the result and the errors must be those of parsing the whole save first.

use serde_json::{Value, json};
use tsuen::{HouseholdView, Snapshot, ViewQuery, World};

/// A save of 12,000 bookings (several chunks), flexible and regular series, some cancelled.
fn save() -> String {
    save_with(300)
}

/// `save` with that many children (their first 300 booked).
fn save_with(n_children: usize) -> String {
    let children: Vec<Value> = (0..n_children)
        .map(|i| {
            json!({"id": format!("c{i}"), "name": format!("子{i}"), "birth_date": "2024-09-01", "parent": format!("p{}", i / 2),
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

/// The save with an edit, its fields kept in `to_json`'s order (setup first: the path that stores
/// while parsing).
fn with(text: &str, edit: impl FnOnce(&mut Value)) -> String {
    let mut v: Value = serde_json::from_str(text).unwrap();
    edit(&mut v);
    let field = |k: &str| format!("{k:?}:{}", v.get(k).map_or("null".to_owned(), Value::to_string));
    let present: Vec<String> = ["now", "municipalities", "facilities", "children", "bookings"]
        .iter()
        .filter(|k| v.get(**k).is_some())
        .map(|k| field(k))
        .collect();
    let text = format!("{{{}}}", present.join(","));
    assert!(text.starts_with("{\"now\"") || v.get("now").is_none());
    text
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
    assert!(w.to_json() == text, "restores to the same save");
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
    assert!(w.to_json() == text, "the reordered save restores to the same world");
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
fn errors_are_the_same_when_the_bookings_come_first() {
    // Bookings before the setup: read whole, then stored (the other path); the same messages.
    let reorder = |text: &str| {
        let v: Value = serde_json::from_str(text).unwrap();
        let order = ["bookings", "now", "municipalities", "facilities", "children"];
        format!("{{{}}}", order.iter().map(|k| format!("{:?}:{}", k, v[*k])).collect::<Vec<_>>().join(","))
    };
    let text = with(&save(), |v| v["bookings"][9000]["child"] = json!("nobody"));
    assert!(error(&reorder(&text)).contains("bookings[9000].child: unknown child \"nobody\""));
    let text = with(&save(), |v| v["children"][3]["municipality"] = json!("999999"));
    assert!(error(&reorder(&text)).contains("children[3].municipality"));
}

#[test]
fn other_forms_of_a_save_still_restore() {
    let text = save();
    // An escaped key.
    let escaped = text.replacen("\"now\"", "\"\\u006eow\"", 1);
    assert_ne!(escaped, text);
    assert!(World::from_json(&escaped).expect("restores").to_json() == text);
    // The array form serde's derive reads.
    let v: Value = serde_json::from_str(&text).unwrap();
    let array = json!([v["now"], v["municipalities"], v["facilities"], v["children"], v["bookings"]]).to_string();
    assert!(World::from_json(&array).expect("restores").to_json() == text);
}

#[test]
fn far_dates_restore_without_panic_or_blowup() {
    let text = with(&save(), |v| {
        v["children"][0]["birth_date"] = json!("9998-01-01");
        v["bookings"][1]["date"] = json!("0001-01-01");
        v["bookings"][2]["date"] = json!("9999-12-31");
    });
    let w = World::from_json(&text).expect("restores");
    assert_eq!(w.check_indexes(), Ok(()));
    assert_eq!(w.booking("b1").unwrap().date.to_string(), "0001-01-01");
    assert_eq!(w.booking("b2").unwrap().date.to_string(), "9999-12-31");
    let again = World::from_json(&w.to_json()).unwrap();
    assert!(again.to_json() == w.to_json(), "a save of far dates restores to itself");
}

#[test]
fn a_household_view_with_an_id_twice_is_refused() {
    let w = World::from_json(&save()).unwrap();
    let q = ViewQuery { parent: "p0".into(), facilities: None, from: w.now().date(), days: 14 };
    let view = w.household_view(&q).unwrap();
    assert!(World::from_view(&view).is_ok());
    let mut v = serde_json::to_value(&view).unwrap();
    let bookings = v["bookings"].as_array_mut().unwrap();
    assert!(bookings.len() >= 2, "the household has bookings");
    let first = bookings[0].clone();
    bookings.push(first);
    let twice: HouseholdView = serde_json::from_value(v).unwrap();
    let e = World::from_view(&twice).unwrap_err().to_string();
    assert!(e.contains("is listed twice"), "{e}");
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

#[test]
fn a_claim_line_names_an_occurrence_by_its_id() {
    let text = with(&save(), |v| v["bookings"][10_000]["status"] = json!("no_show"));
    let w = World::from_json(&text).unwrap();
    let lines = w.claim_lines("f1", tsuen::Month::parse("2026-07").unwrap()).unwrap();
    assert_eq!(lines.iter().map(|l| l.booking.as_str()).collect::<Vec<_>>(), vec!["r0#1"]);
}

#[test]
fn children_handed_over_in_parts_are_named_where_wrong() {
    // 2,500 children: the storing side gets them in several parts while the rest is parsed.
    let base = save_with(2_500);
    let w = World::from_json(&base).expect("restores");
    assert_eq!(w.children().count(), 2_500);
    assert_eq!(w.check_indexes(), Ok(()));
    let parsed: Snapshot = serde_json::from_str(&base).unwrap();
    assert_eq!(w.canonical_json(), World::restore(&parsed).unwrap().canonical_json());
    // A wrong child in a later part, and an id given twice across parts.
    let text = with(&base, |v| v["children"][2100]["municipality"] = json!("999999"));
    assert!(error(&text).contains("children[2100].municipality"), "{}", error(&text));
    let text = with(&base, |v| v["children"][2200]["id"] = json!("c5"));
    assert!(error(&text).contains("children[2200].id: \"c5\" is listed twice"), "{}", error(&text));
    // The first fault in the text is the one: a wrong child before a wrong booking.
    let text = with(&base, |v| {
        v["children"][1500]["id"] = json!("c7");
        v["bookings"][10]["child"] = json!("nobody");
    });
    assert!(error(&text).contains("children[1500].id"), "{}", error(&text));
    // A fault in the JSON after a wrong child wins over it.
    let text = with(&base, |v| {
        v["children"][1500]["id"] = json!("c7");
        v["bookings"][9500]["from"] = json!(5);
    });
    assert!(error(&text).contains("bookings[9500].from"), "{}", error(&text));
}
