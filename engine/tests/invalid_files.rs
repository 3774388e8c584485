//! An invalid scenario file is refused as a whole, saying which field, where, and why.

use tsuen::Code;

const BASE: &str = r#"{"name": "x", "today": "2026-01-13",
  "municipalities": [{"code": "131016", "name": "千代田区", "prefecture": "東京都", "online": true}],
  "facilities": [{"id": "f", "name": "F", "municipality": "131016",
    "hours": {"mon": ["07:00", "19:00"]}, "capacity": [{"days": ["mon"], "from": "07:00", "to": "19:00", "flexible": 1}]}],
  "children": [{"id": "c", "name": "C", "birth_date": "2024-05-01", "municipality": "131016"}],
  "steps": []}"#;

fn with(path: &[&str], value: serde_json::Value) -> String {
    let mut v: serde_json::Value = serde_json::from_str(BASE).unwrap();
    let mut at = &mut v;
    for (i, p) in path.iter().enumerate() {
        if i + 1 == path.len() {
            break;
        }
        at = match p.parse::<usize>() {
            Ok(n) => &mut at[n],
            Err(_) => &mut at[*p],
        };
    }
    let last = path[path.len() - 1];
    match last.parse::<usize>() {
        Ok(n) => at[n] = value,
        Err(_) => at[last] = value,
    }
    v.to_string()
}

fn refused(text: &str) -> String {
    let e = tsuen::scenario::run(text).expect_err("the file must be invalid");
    assert_eq!(e.codes(), vec![Code::InvalidRequest]);
    e.detail().unwrap().to_owned()
}

#[test]
fn the_base_file_is_valid() {
    assert_eq!(tsuen::scenario::run(BASE).unwrap().passed, 0);
}

#[test]
fn errors_name_the_field() {
    let cases: Vec<(String, &str)> = vec![
        (with(&["facilities", "0", "capacity", "0", "from"], "07:15".into()), "facilities[0].capacity[0]"),
        (with(&["facilities", "0", "hours", "mon"], serde_json::json!(["19:00", "07:00"])), "facilities[0].hours.mon"),
        (with(&["facilities", "0", "municipality"], "999999".into()), "facilities[0].municipality"),
        (with(&["children", "0", "birth_date"], "2024-02-30".into()), "children[0].birth_date"),
        (with(&["children", "0", "colour"], "red".into()), "children[0]"),
        (
            with(&["municipalities", "0", "rules"], serde_json::json!({"fee_reductions_yen": {"rich": 1}})),
            "municipalities[0].rules.fee_reductions_yen",
        ),
        (
            with(&["municipalities", "0", "rules"], serde_json::json!({"max_booking_minutes": 20})),
            "max_booking_minutes",
        ),
        (with(&["today"], "2026-01-13T24:00".into()), "today"),
        (with(&["steps"], serde_json::json!([{"today": "2026-01-12"}])), "steps[0].today"),
        (with(&["steps"], serde_json::json!([{"today": "2026-01-14", "expect": "ok"}])), "steps[0].expect"),
        (with(&["steps"], serde_json::json!([{"fly": 1}])), "steps[0]"),
        (with(&["steps"], serde_json::json!([{"status": "a", "fee": "a"}])), "steps[0]"),
        (with(&["steps"], serde_json::json!([{"expect": "ok"}])), "steps[0]"),
        (with(&["steps"], serde_json::json!([7])), "steps[0]"),
        (
            with(&["steps"], serde_json::json!([{"status": "a", "expect": {"errors": ["no_such_code"]}}])),
            "steps[0].expect.errors[0]",
        ),
        (
            with(
                &["facilities", "0", "capacity_overrides"],
                serde_json::json!([{"date": "2026-01-19", "from": "07:00", "to": "08:00"}]),
            ),
            "capacity_overrides[0]",
        ),
        ("{".to_owned(), "JSON"),
    ];
    for (text, field) in cases {
        let detail = refused(&text);
        assert!(detail.contains(field), "{detail:?} should name {field:?}");
    }
}

#[test]
fn a_malformed_request_in_a_step_is_a_refusal_not_an_invalid_file() {
    let text = with(
        &["steps"],
        serde_json::json!([{"book": {"id": "b", "child": "c", "facility": "f", "kind": "flexible",
            "date": "2026-01-26", "from": "07:15", "to": "08:00"}, "expect": {"errors": ["invalid_request"]}}]),
    );
    let r = tsuen::scenario::run(&text).unwrap();
    assert_eq!((r.passed, r.failed), (1, 0));
}

#[test]
fn failures_report_step_op_expected_and_actual() {
    let text = with(
        &["steps"],
        serde_json::json!([{"status": "nothing", "expect": "provisional"},
                           {"search": {"municipality": "131016", "kind": "flexible", "date": "2026-01-26",
                                       "from": "07:00", "to": "08:00"}, "expect": ["g", "f"]}]),
    );
    let r = tsuen::scenario::run(&text).unwrap();
    assert_eq!((r.passed, r.failed), (0, 2));
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(
        json["failures"][0],
        serde_json::json!({"step": 0, "op": "status", "expected": "provisional", "actual": {"errors": ["unknown_booking"]}})
    );
    assert_eq!(json["failures"][1]["actual"], serde_json::json!(["f"]));
}
