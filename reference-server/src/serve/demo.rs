//! The demo world, dated relative to the current day: 千代田区 and 港区 (online), 新宿区 (paper),
//! 文京区 (not yet); 誰でもこども園, 虎ノ門幼稚園 and ひかりこども園 with hours, quotas, interview
//! slots and a profile; one account per role (passwords in README.md); a family with two children.

use serde_json::json;
use time::Duration;
use tsuen::{Date, Op};

use super::app::{ApiError, App};
use super::auth::{Account, Role, hash_password};
use super::clock::stamp;
use super::store::NewAccount;

/// A demo account: (e-mail, password, role, name, facility, municipality).
type DemoAccount = (&'static str, &'static str, Role, &'static str, Option<&'static str>, &'static str);

/// The demo accounts (documented in README.md).
pub(crate) const ACCOUNTS: &[DemoAccount] = &[
    ("parent@example.jp", "demo-parent-2026", Role::Parent, "田中 歩", None, "131016"),
    (
        "daredemo@example.jp",
        "demo-facility-2026",
        Role::Facility,
        "誰でもこども園 スタッフ",
        Some("daredemo"),
        "131016",
    ),
    (
        "toranomon@example.jp",
        "demo-facility-2026",
        Role::Facility,
        "虎ノ門幼稚園 スタッフ",
        Some("toranomon"),
        "131032",
    ),
    ("chiyoda@example.jp", "demo-city-2026", Role::Municipality, "千代田区 こども支援課", None, "131016"),
    ("minato@example.jp", "demo-city-2026", Role::Municipality, "港区 子ども家庭課", None, "131032"),
];

fn weekdays(from: &str, to: &str) -> serde_json::Value {
    json!({"mon": [from, to], "tue": [from, to], "wed": [from, to], "thu": [from, to], "fri": [from, to]})
}

fn d(date: Date) -> String {
    tsuen::clock::format_date(date)
}

/// The demo's engine setup and portal rows, as ops (so that a restart replays them like any write).
fn ops(today: Date) -> Vec<Op> {
    let munis = [
        ("131016", "千代田区", "東京都"),
        ("131032", "港区", "東京都"),
        ("131041", "新宿区", "東京都"),
        ("131059", "文京区", "東京都"),
        ("141003", "横浜市", "神奈川県"),
    ];
    let mut out: Vec<Op> = munis
        .iter()
        .map(|(code, name, pref)| {
            serde_json::from_value(
                json!({"municipality": {"code": code, "name": name, "prefecture": pref, "online": true}}),
            )
            .expect("demo municipality")
        })
        .collect();
    // Interview slots on the next weekdays from tomorrow.
    let slots: Vec<serde_json::Value> = (1..=21)
        .map(|k| today + Duration::days(k))
        .filter(|day| day.weekday().number_days_from_monday() < 5)
        .take(10)
        .map(|day| json!({"date": d(day), "from": "09:00", "to": "10:00", "places": 2}))
        .collect();
    let facilities = [
        json!({"id": "daredemo", "name": "誰でもこども園", "municipality": "131016", "kinds": ["regular", "flexible"],
               "hours": {"mon": ["07:00", "19:00"], "tue": ["07:00", "19:00"], "wed": ["07:00", "19:00"],
                         "thu": ["07:00", "19:00"], "fri": ["07:00", "19:00"], "sat": ["08:00", "13:00"]},
               "closed_on_holidays": true,
               "capacity": [{"days": ["mon", "tue", "wed", "thu", "fri"], "from": "07:00", "to": "19:00", "regular": 2, "flexible": 3},
                            {"days": ["sat"], "from": "08:00", "to": "13:00", "flexible": 2}],
               "age_limits": {"flexible": {"0": 1}},
               "interview_slots": slots, "auto_confirm": false}),
        json!({"id": "toranomon", "name": "虎ノ門幼稚園", "municipality": "131032", "kinds": ["regular", "flexible"],
               "hours": weekdays("08:00", "18:00"), "closed_on_holidays": true,
               "capacity": [{"days": ["mon", "tue", "wed", "thu", "fri"], "from": "08:00", "to": "18:00", "regular": 2, "flexible": 2}],
               "interview_slots": slots, "auto_confirm": false}),
        json!({"id": "hikari", "name": "ひかりこども園", "municipality": "131016", "kinds": ["flexible"],
               "hours": weekdays("08:30", "17:30"), "fee_per_hour_yen": 350,
               "capacity": [{"days": ["mon", "tue", "wed", "thu", "fri"], "from": "08:30", "to": "17:30", "flexible": 4}],
               "interview_slots": slots, "auto_confirm": true}),
    ];
    out.extend(facilities.into_iter().map(|f| serde_json::from_value(json!({"facility": f})).expect("demo facility")));
    let cert = [d(today - Duration::days(60)), d(today + Duration::days(300))];
    let jiro_birth = d(today - Duration::days(600));
    let mei_birth = d(today - Duration::days(300));
    out.push(
        serde_json::from_value(json!({"child": {"id": "jiro", "parent": "p1", "name": "たなかじろう",
            "birth_date": jiro_birth, "municipality": "131016", "certified": cert,
            "approvals": [{"facility": "daredemo", "interview_date": d(today - Duration::days(30))}]}}))
        .expect("demo child"),
    );
    out.push(
        serde_json::from_value(json!({"child": {"id": "mei", "parent": "p1", "name": "たなかめい",
            "birth_date": mei_birth, "municipality": "131016", "certified": cert}}))
        .expect("demo child"),
    );
    out
}

/// Loads the demo into a fresh portal.
pub(crate) async fn load(app: &App) -> Result<(), ApiError> {
    let fast = app.settings.fast_hash;
    let hashed: Vec<String> = ACCOUNTS.iter().map(|(_, pw, ..)| hash_password(pw, fast)).collect();
    let app2 = app.clone();
    app.write(move |ctx| {
        let now = ctx.clock.now();
        let mut accounts = Vec::new();
        for ((email, _, role, name, facility, muni), hash) in ACCOUNTS.iter().zip(hashed) {
            let id = ctx.db.insert_account(&NewAccount {
                email,
                role: *role,
                name,
                password_hash: Some(&hash),
                facility: *facility,
                municipality: Some(muni),
                created_at: &stamp(now),
            })?;
            accounts.push(Account {
                id,
                email: (*email).into(),
                role: *role,
                name: (*name).into(),
                password_hash: Some(hash),
                facility: facility.map(str::to_owned),
                municipality: Some((*muni).into()),
            });
        }
        for (code, how) in [
            ("131016", "online"),
            ("131032", "online"),
            ("131041", "paper"),
            ("131059", "not_yet"),
            ("141003", "online"),
        ] {
            ctx.db.set_participation(code, how)?;
        }
        let profiles = [
            (
                "daredemo",
                json!({"address": "東京都千代田区九段南1-2-1", "phone": "03-0000-0001",
                "access": "九段下駅 徒歩5分", "ages": "生後6か月〜満3歳未満",
                "bring": "着替え2組、おむつ、おしりふき、食事用エプロン、連絡帳",
                "extras": [{"item": "昼食", "price_yen": 300}, {"item": "おやつ", "price_yen": 100}]}),
            ),
            (
                "toranomon",
                json!({"address": "東京都港区虎ノ門1-1-1", "phone": "03-0000-0002",
                "access": "虎ノ門駅 徒歩3分", "ages": "満1歳〜満3歳未満", "bring": "着替え、タオル、水筒"}),
            ),
            (
                "hikari",
                json!({"address": "東京都千代田区神田1-1-1", "phone": "03-0000-0003",
                "access": "神田駅 徒歩4分", "ages": "生後6か月〜満3歳未満", "bring": "着替え、おむつ"}),
            ),
        ];
        for (id, p) in profiles {
            ctx.db.set_profile(id, &p.to_string())?;
        }
        for op in ops(now.date()) {
            ctx.apply(&op)?;
        }
        let then = Box::new(move || {
            let mut a = app2.accounts.write().expect("accounts");
            for acc in accounts {
                a.insert(acc);
            }
        });
        Ok(((), Some(then as Box<dyn FnOnce() + Send>)))
    })
    .await
}
