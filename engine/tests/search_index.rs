//! The search index answers exactly as the one-by-one search, after any mix of bookings,
//! cancellations, replaced facilities (new quotas, hours, overrides, closed days) and closed days.

use proptest::prelude::*;
use serde_json::json;
use tsuen::{BookRequest, CancelBy, FacilitySpec, SearchQuery, World};

const DAYS: [&str; 10] = [
    "2026-01-20",
    "2026-01-21",
    "2026-01-22",
    "2026-01-23",
    "2026-01-24",
    "2026-01-26",
    "2026-01-27",
    "2026-02-11",
    "2026-02-23",
    "2026-03-20",
];

fn facility(id: usize, muni: &str, seed: u64) -> FacilitySpec {
    let open = ["07:00", "08:00", "09:00"][(seed % 3) as usize];
    let close = ["17:00", "18:00", "19:00"][(seed / 3 % 3) as usize];
    let q = |k: u64| (seed / k % 3) as u32;
    let kinds = match seed % 4 {
        0 => json!(["flexible"]),
        1 => json!(["regular"]),
        _ => json!(["regular", "flexible"]),
    };
    let mut f = json!({
        "id": format!("f{id}"), "name": format!("園{id}"), "municipality": muni, "kinds": kinds,
        "hours": {"mon": [open, close], "tue": [open, close], "wed": [open, close], "thu": [open, close], "fri": [open, close], "sat": ["08:00", "12:00"]},
        "closed_on_holidays": seed % 5 < 2,
        "capacity": [{"days": ["mon", "tue", "wed", "thu", "fri", "sat"], "from": open, "to": close, "regular": q(7), "flexible": q(11) + 1},
                     {"days": ["wed"], "from": "12:00", "to": "14:00", "flexible": q(13)}],
    });
    if seed.is_multiple_of(7) {
        f["capacity_overrides"] =
            json!([{"date": DAYS[(seed % 10) as usize], "from": "10:00", "to": "13:00", "flexible": q(17) + 1}]);
    }
    if seed.is_multiple_of(6) {
        f["closed"] = json!([DAYS[(seed / 6 % 10) as usize]]);
    }
    if seed % 4 == 3 {
        f["age_limits"] = json!({"flexible": {"0": 1}, "regular": {"1": 1}});
    }
    serde_json::from_value(f).unwrap()
}

fn world(facilities: usize, seeds: &[u64]) -> World {
    let mut setup = json!({"today": "2026-01-13T09:00",
        "municipalities": [{"code": "131016", "name": "千代田区", "prefecture": "東京都", "online": true, "rules": {"monthly_cap_minutes": 100000, "horizon_days": 90}},
                           {"code": "131032", "name": "港区", "prefecture": "東京都", "online": true}],
        "facilities": [], "children": []});
    for i in 0..facilities {
        let muni = if i % 3 == 0 { "131032" } else { "131016" };
        setup["facilities"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::to_value(facility(i, muni, seeds[i % seeds.len()] + i as u64)).unwrap());
    }
    let approvals: Vec<_> =
        (0..facilities).map(|i| json!({"facility": format!("f{i}"), "interview_date": "2025-12-01"})).collect();
    for c in 0..12 {
        let birth = ["2025-03-10", "2024-05-01", "2023-11-20"][c % 3];
        setup["children"]
            .as_array_mut()
            .unwrap()
            .push(json!({"id": format!("c{c}"), "name": "こども", "birth_date": birth,
            "municipality": "131016", "certified": ["2025-01-01", "2026-12-31"], "approvals": approvals}));
    }
    World::from_setup_json(&setup.to_string()).unwrap()
}

#[derive(Debug, Clone)]
enum Step {
    Book { child: usize, facility: usize, day: usize, from: u8, len: u8, regular: bool },
    Cancel(usize),
    Replace { facility: usize, seed: u64 },
    Close { facility: usize, day: usize },
}

fn step(facilities: usize) -> impl Strategy<Value = Step> {
    prop_oneof![
        6 => (0..12usize, 0..facilities, 0..DAYS.len(), 14u8..36, 1u8..6, any::<bool>())
            .prop_map(|(child, facility, day, from, len, regular)| Step::Book { child, facility, day, from, len, regular }),
        2 => (0..200usize).prop_map(Step::Cancel),
        1 => (0..facilities, any::<u64>()).prop_map(|(facility, seed)| Step::Replace { facility, seed }),
        1 => (0..facilities, 0..DAYS.len()).prop_map(|(facility, day)| Step::Close { facility, day }),
    ]
}

fn hm(slot: u8) -> String {
    format!("{:02}:{:02}", slot / 2, (slot % 2) * 30)
}

fn assert_same(w: &World) {
    for muni in ["131016", "131032"] {
        for kind in ["regular", "flexible"] {
            for day in DAYS {
                for (from, to) in [(14u8, 18u8), (18, 24), (20, 26), (16, 17), (28, 36), (16, 24)] {
                    for child in [None, Some("c0"), Some("c1"), Some("c2")] {
                        let q: SearchQuery =
                            serde_json::from_value(json!({"municipality": muni, "kind": kind, "date": day,
                            "from": hm(from), "to": hm(to), "child": child}))
                            .unwrap();
                        let mut fast = w.search(&q).unwrap();
                        let mut slow = w.search_unindexed(&q).unwrap();
                        fast.sort_unstable();
                        slow.sort_unstable();
                        assert_eq!(fast, slow, "{q:?}");
                    }
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn index_equals_one_by_one(seeds in prop::collection::vec(any::<u64>(), 1..8), steps in prop::collection::vec(step(40), 0..120)) {
        let mut w = world(40, &seeds);
        let mut n = 0;
        for s in steps {
            match s {
                Step::Book { child, facility, day, from, len, regular } => {
                    n += 1;
                    let mut req = json!({"id": format!("b{n}"), "child": format!("c{child}"), "facility": format!("f{facility}"),
                        "kind": if regular { "regular" } else { "flexible" }, "date": DAYS[day], "from": hm(from), "to": hm((from + len).min(48))});
                    if regular {
                        req["weeks"] = json!(2);
                    }
                    let req: BookRequest = serde_json::from_value(req).unwrap();
                    let _ = w.book(&req);
                }
                Step::Cancel(k) => {
                    let _ = w.cancel(&format!("b{}", k % (n + 1)), CancelBy::Facility);
                }
                Step::Replace { facility, seed } => {
                    let muni = if facility % 3 == 0 { "131032" } else { "131016" };
                    w.put_facility(self::facility(facility, muni, seed)).unwrap();
                }
                Step::Close { facility, day } => {
                    w.close_day(&format!("f{facility}"), tsuen::clock::parse_date(DAYS[day]).unwrap()).unwrap();
                }
            }
        }
        assert_same(&w);
    }
}
