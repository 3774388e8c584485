//! The screens over HTTP (fast, no browser): every page answers each role as it should (200 for its
//! own role, a redirect to the login page before login, 403 for another role), forms need their CSRF
//! token, a refused form comes back (422) with the engine's reasons and what was typed, values are
//! escaped, and a booking made from a form redirects to its page (Post/Redirect/Get).

mod support;

use serde_json::json;
use support::{Client, Resp, Server, fixture};

const NOW: &str = "2026-01-13T09:00";

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn post_form(c: &Client, path: &str, fields: &[(&str, &str)]) -> Resp {
    let body: Vec<String> = fields.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect();
    c.request("POST", path, Some("application/x-www-form-urlencoded"), body.join("&").as_bytes(), &[])
}

fn logged_in(s: &Server, email: &str, password: &str) -> Client {
    let mut c = s.client();
    assert_eq!(c.login(email, password).status, 200);
    c
}

struct World {
    server: Server,
    parent: Client,
    staff: Client,
    city: Client,
    booking: i64,
}

fn world(name: &str) -> World {
    let server = Server::start(name, NOW, &[]);
    server.seed(fixture(2, 1));
    let parent = logged_in(&server, "parent0@t.jp", "parent-password-1");
    let staff = logged_in(&server, "staff@t.jp", "staff-password-1");
    let city = logged_in(&server, "city@t.jp", "city-password-1");
    let r = parent.post(
        "/api/bookings",
        &json!({"child": "k0", "facility": "daredemo", "kind": "flexible", "date": "2026-01-23", "from": "10:00", "to": "12:00"}),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let booking = r.body["number"].as_i64().unwrap();
    World { server, parent, staff, city, booking }
}

#[test]
fn every_page_answers_each_role() {
    let w = world("pages-matrix");
    let anon = w.server.client();
    let n = w.booking;
    let public = ["/", "/login", "/password/reset", "/password?token=x", "/register?token=x", "/register/done"];
    let parent = [
        "/mypage".to_owned(),
        format!("/mypage/bookings/{n}"),
        "/facilities".into(),
        "/facilities?municipality=131016".into(),
        "/facilities/daredemo".into(),
        "/facilities/daredemo?tab=book&child=k0".into(),
        "/facilities/daredemo/interview?child=k0".into(),
        "/facilities/daredemo/flexible?child=k0".into(),
        "/facilities/daredemo/regular?child=k0".into(),
    ];
    let staff = [
        "/staff".to_owned(),
        "/staff/setup".into(),
        "/staff/day".into(),
        format!("/staff/bookings/{n}"),
        "/staff/codes".into(),
        "/staff/claim".into(),
        "/staff/claim?month=2026-01".into(),
    ];
    let city =
        ["/city", "/city/outbox", "/city/facilities", "/city/claims", "/city/claims?month=2026-01", "/city/audit"];
    let clients: [(&str, &Client); 4] =
        [("anon", &anon), ("parent", &w.parent), ("facility", &w.staff), ("municipality", &w.city)];
    for (who, c) in clients {
        for p in public {
            let r = c.get(p);
            assert_eq!(r.status, 200, "{who} {p}");
            assert!(r.text.contains("<html lang=\"ja\">"), "{who} {p}");
        }
        for (role, pages) in [
            ("parent", parent.iter().map(String::as_str).collect::<Vec<_>>()),
            ("facility", staff.iter().map(String::as_str).collect()),
            ("municipality", city.to_vec()),
        ] {
            for p in pages {
                let r = c.get(p);
                match who {
                    "anon" => {
                        assert_eq!(r.status, 303, "{who} {p}");
                        assert_eq!(r.header("location"), Some("/login"), "{who} {p}");
                    }
                    _ if who == role => assert_eq!(r.status, 200, "{who} {p}: {}", r.text),
                    _ => assert_eq!(r.status, 403, "{who} {p}"),
                }
            }
        }
    }
    assert_eq!(anon.get("/register").status, 400, "registration needs the mailed link");
    // The page behind the facility's 2D code: login first, then back to it; a bad code is a 4xx page.
    let r = anon.get("/checkin/not-a-code");
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/login?next=%2Fcheckin%2Fnot-a-code"));
    assert_eq!(w.staff.get("/checkin/not-a-code").status, 403);
    let r = w.parent.get("/checkin/not-a-code");
    assert!((400..500).contains(&r.status) && r.text.contains("<html lang=\"ja\">"), "{} {}", r.status, r.text);
    let r = post_form(
        &anon,
        "/login",
        &[("email", "parent0@t.jp"), ("password", "parent-password-1"), ("next", "/checkin/abc")],
    );
    assert_eq!(r.header("location"), Some("/checkin/abc"));
    let r = post_form(
        &anon,
        "/login",
        &[("email", "parent0@t.jp"), ("password", "parent-password-1"), ("next", "//evil.example/")],
    );
    assert_eq!(r.header("location"), Some("/mypage"), "never to another site");
    for asset in ["/static/portal.css", "/static/calendar.js", "/static/calendar.css", "/static/flexible.js"] {
        assert_eq!(anon.get(asset).status, 200, "{asset}");
    }
    assert_eq!(anon.get("/static/nothing.js").status, 404);
    // Another household's booking is not found.
    let other = logged_in(&w.server, "parent1@t.jp", "parent-password-1");
    assert_eq!(other.get(&format!("/mypage/bookings/{n}")).status, 404);
    // The JSON API is still there, beside the pages.
    assert_eq!(anon.get("/api/municipalities").status, 200);
}

#[test]
fn the_pages_show_the_seed_wording() {
    let w = world("pages-wording");
    let home = w.server.client().get("/?pref=%E6%9D%B1%E4%BA%AC%E9%83%BD&city=131016");
    for text in
        ["お住まいの都道府県を選択して下さい。", "確認する", "オンライン利用申請が可能です", "申請する", "キャンセル"]
    {
        assert!(home.text.contains(text), "home: {text}");
    }
    let login = w.server.client().get("/login");
    for text in ["利用者向けログイン", "ログインID", "必須", "パスワードをお忘れの方はこちら"]
    {
        assert!(login.text.contains(text), "login: {text}");
    }
    let mypage = w.parent.get("/mypage");
    for text in [
        "直近のご予約",
        "予約番号：",
        "仮予約",
        "2026年01月23日",
        "10:00～12:00 (2時間)",
        "誰でもこども園",
        "600円 (目安)",
        "予約の詳細を見る",
    ] {
        assert!(mypage.text.contains(text), "mypage: {text}");
    }
    let step2 = w.parent.get("/facilities/daredemo?tab=book&child=k0");
    for text in ["STEP1 ご利用のお子さまを選択", "STEP2 予約種別の選択", "初回面談", "定期利用", "柔軟利用"]
    {
        assert!(step2.text.contains(text), "step2: {text}");
    }
    // 再面談が必要: an approval older than six months at this facility; 初回面談が必要: none there.
    w.server.seed(
        json!({"ops": [{"child": {"id": "k9", "parent": "p5", "name": "まえのこ", "birth_date": "2024-05-01",
        "municipality": "131016", "certified": ["2025-04-01", "2026-12-31"],
        "approvals": [{"facility": "daredemo", "interview_date": "2025-06-01"}]}}]}),
    );
    let list = w.parent.get("/facilities");
    assert!(list.text.contains("再面談が必要"), "{}", list.text);
    assert!(list.text.contains("初回面談が必要"), "k9 has no approval at ほかの園");
    let staff = w.staff.get("/staff");
    assert!(staff.text.contains("確認待ちの予約"), "staff");
    // With or without the day-of-use API (準備中 without it), the day's page answers.
    assert!(w.staff.get("/staff/day").text.contains("本日の登降園"));
}

#[test]
fn refused_forms_keep_what_was_typed() {
    let w = world("pages-refused");
    let csrf = w.parent.csrf.clone().unwrap();
    // A day inside the lead time.
    let r = post_form(
        &w.parent,
        "/facilities/daredemo/flexible",
        &[("csrf", &csrf), ("child", "k0"), ("date", "2026-01-14"), ("from", "10:00"), ("to", "11:00")],
    );
    assert_eq!(r.status, 422);
    assert!(r.text.contains("data-code=\"lead_time\""), "{}", r.text);
    assert!(r.text.contains("予約の受付期限を過ぎています。"));
    assert!(r.text.contains("value=\"2026-01-14\""));
    assert!(r.text.contains("<option value=\"10:00\" selected>"));
    assert!(r.text.contains("<option value=\"11:00\" selected>"));
    // A full slot (one flexible place, taken by the other child).
    let other = logged_in(&w.server, "parent1@t.jp", "parent-password-1");
    let b = other.post(
        "/api/bookings",
        &json!({"child": "k1", "facility": "daredemo", "kind": "flexible", "date": "2026-01-22", "from": "10:00", "to": "11:00"}),
    );
    assert_eq!(b.status, 201);
    let r = post_form(
        &w.parent,
        "/facilities/daredemo/flexible",
        &[("csrf", &csrf), ("child", "k0"), ("date", "2026-01-22"), ("from", "10:00"), ("to", "11:00")],
    );
    assert_eq!(r.status, 422);
    assert!(r.text.contains("data-code=\"no_capacity\""));
    assert!(r.text.contains("value=\"2026-01-22\""));
    // Login: the address kept (escaped), the password not.
    let anon = w.server.client();
    let r = post_form(&anon, "/login", &[("email", "<b>parent0@t.jp"), ("password", "wrong-password-1")]);
    assert_eq!(r.status, 422);
    assert!(r.text.contains("メールアドレスまたはパスワードが正しくありません。"));
    assert!(r.text.contains("value=\"&lt;b&gt;parent0@t.jp\""), "{}", r.text);
    assert!(!r.text.contains("wrong-password-1"));
    // The application request: the error next to its field.
    let r = post_form(&anon, "/apply", &[("email", "nobody@nowhere"), ("city", "131016"), ("pref", "東京都")]);
    assert_eq!(r.status, 422);
    assert!(r.text.contains("id=\"f-email-error\""));
    assert!(r.text.contains("value=\"nobody@nowhere\""));
    // The facility setup: a half-filled day is refused next to it, what was typed is kept.
    let staff_csrf = w.staff.csrf.clone().unwrap();
    let r = post_form(&w.staff, "/staff/setup/hours", &[("csrf", &staff_csrf), ("hours.mon.from", "08:00")]);
    assert_eq!(r.status, 422);
    assert!(r.text.contains("開始と終了の両方を入力してください。"));
    assert!(r.text.contains("value=\"08:00\""));
    // A payment the API refuses: the reason next to the amount, the amount kept.
    let n = w.booking;
    let r = post_form(&w.staff, &format!("/staff/bookings/{n}/payment"), &[("csrf", &staff_csrf), ("amount_yen", "0")]);
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.text.contains("id=\"f-amount_yen-error\""), "{}", r.text);
    assert!(r.text.contains("金額が正しくありません。"));
    assert!(r.text.contains("value=\"0\""));
    // An extra without its name: refused next to the name, the price and the number kept.
    let r = post_form(
        &w.staff,
        &format!("/staff/bookings/{n}/extras"),
        &[("csrf", &staff_csrf), ("item", ""), ("price_yen", "250"), ("quantity", "2")],
    );
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.text.contains("品名は1〜40文字です。"), "{}", r.text);
    assert!(r.text.contains("value=\"250\"") && r.text.contains("value=\"2\""));
    // A printed code with too long a name: refused, the name kept.
    let long = "玄".repeat(61);
    let r = post_form(&w.staff, "/staff/codes", &[("csrf", &staff_csrf), ("label", &long)]);
    assert_eq!(r.status, 422);
    assert!(r.text.contains("名前は60文字以内で入力してください。"));
    assert!(r.text.contains(&format!("value=\"{long}\"")));
    // The facility's claim for a month that is not one.
    let r = w.staff.get("/staff/claim?month=2026-13");
    assert_eq!(r.status, 422);
    assert!(r.text.contains("月の形式が正しくありません"), "{}", r.text);
    assert!(r.text.contains("value=\"2026-13\""));
}

#[test]
fn printed_check_in_codes_are_shown_once_and_revoked() {
    let w = world("pages-codes");
    let csrf = w.staff.csrf.clone().unwrap();
    let r = post_form(&w.staff, "/staff/codes", &[("csrf", &csrf), ("label", "正面玄関")]);
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.text.contains("data-new-code") && r.text.contains("<svg"), "{}", r.text);
    assert!(r.text.contains("/checkin/"));
    let list = w.staff.get("/staff/codes");
    assert!(list.text.contains("正面玄関") && list.text.contains("有効"));
    assert!(!list.text.contains("data-new-code"), "the code is shown once");
    let id = w.staff.get("/api/facility/checkin-codes").body["codes"][0]["id"].as_i64().unwrap();
    let r = post_form(&w.staff, &format!("/staff/codes/{id}/revoke"), &[("csrf", &csrf)]);
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/staff/codes?done=revoke"));
    let list = w.staff.get("/staff/codes?done=revoke");
    assert!(list.text.contains("コードを無効にしました。") && list.text.contains("無効（"));
}

#[test]
fn forms_need_the_csrf_token_and_redirect_after_success() {
    let w = world("pages-prg");
    let fields = [("child", "k0"), ("date", "2026-01-26"), ("from", "10:00"), ("to", "11:00")];
    let r = post_form(&w.parent, "/facilities/daredemo/flexible", &fields);
    assert_eq!(r.status, 403, "no token");
    let r = post_form(&w.parent, "/facilities/daredemo/flexible", &[&[("csrf", "0123")][..], &fields].concat());
    assert_eq!(r.status, 403, "a wrong token");
    let csrf = w.parent.csrf.clone().unwrap();
    let r = w.parent.request(
        "POST",
        "/facilities/daredemo/flexible",
        Some("application/x-www-form-urlencoded"),
        format!("csrf={csrf}&child=k0&date=2026-01-26&from=10:00&to=11:00").as_bytes(),
        &[("Origin", "http://evil.example")],
    );
    assert_eq!(r.status, 403, "another origin");
    let r = post_form(&w.parent, "/facilities/daredemo/flexible", &[&[("csrf", csrf.as_str())][..], &fields].concat());
    assert_eq!(r.status, 303, "{}", r.text);
    let to = r.header("location").unwrap().to_owned();
    assert!(to.starts_with("/mypage/bookings/") && to.ends_with("?done=booked"), "{to}");
    let page = w.parent.get(&to);
    assert!(page.text.contains("予約を受け付けました"));
    assert!(page.text.contains("2026年01月26日"));
    // The facility confirms from its page.
    let number = to.trim_start_matches("/mypage/bookings/").trim_end_matches("?done=booked");
    let staff_csrf = w.staff.csrf.clone().unwrap();
    let r = post_form(&w.staff, &format!("/staff/bookings/{number}/confirm"), &[("csrf", &staff_csrf)]);
    assert_eq!(r.status, 303);
    assert!(w.parent.get(&to).text.contains("予約確定"));
    // A regular series from its form: one number for the series, its weeks listed on its page.
    let r = post_form(
        &w.parent,
        "/facilities/daredemo/regular",
        &[
            ("csrf", &csrf),
            ("child", "k0"),
            ("date", "2026-02-02"),
            ("from", "09:00"),
            ("to", "10:00"),
            ("weeks", "3"),
            ("action", "book"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.text);
    let series = w.parent.get(r.header("location").unwrap());
    assert!(series.text.contains("定期利用（予約番号："), "{}", series.text);
    assert_eq!(series.text.matches("<article class=\"booking\"").count(), 3);
    // The facility closes a day from its setup page; the page says so and the setup has it.
    let r = post_form(&w.staff, "/staff/setup/closed", &[("csrf", &staff_csrf), ("closed", "2026-02-11\n")]);
    assert_eq!(r.status, 303, "{}", r.text);
    assert!(w.staff.get("/staff/setup?done=1").text.contains("2026-02-11"));
    assert_eq!(w.staff.get("/api/facility/setup").body["closed"], json!(["2026-02-11"]));
    // Quotas from the setup page: the checked weekdays and both quotas.
    let r = post_form(
        &w.staff,
        "/staff/setup/capacity",
        &[
            ("csrf", &staff_csrf),
            ("cap0.mon", "1"),
            ("cap0.tue", "1"),
            ("cap0.from", "08:00"),
            ("cap0.to", "12:00"),
            ("cap0.regular", "1"),
            ("cap0.flexible", "4"),
            ("cap1.from", ""),
            ("cap1.to", ""),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.text);
    assert_eq!(
        w.staff.get("/api/facility/setup").body["capacity"],
        json!([{"days": ["mon", "tue"], "from": "08:00", "to": "12:00", "regular": 1, "flexible": 4}])
    );
    // A password reset asked for from its page is mailed; the page never says whether the address exists.
    let anon = w.server.client();
    for email in ["parent0@t.jp", "nobody@t.jp"] {
        let r = post_form(&anon, "/password/reset", &[("email", email), ("email_confirmation", email)]);
        assert_eq!(r.status, 303);
        assert_eq!(r.header("location"), Some("/password/reset?sent=1"));
    }
    let mail = w.city.get("/api/outbox").body;
    assert!(
        mail["mail"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["to"] == "parent0@t.jp" && m["body"].as_str().unwrap().contains("/password?token="))
    );
    // Pages say what they may load.
    let csp = w.parent.get("/mypage");
    assert!(csp.header("content-security-policy").unwrap().contains("script-src 'self' 'wasm-unsafe-eval'"));
    // Logout ends the session.
    let r = post_form(&w.parent, "/logout", &[("csrf", &csrf)]);
    assert_eq!(r.status, 303);
    assert!(r.header("set-cookie").unwrap().contains("Max-Age=0"));
    assert_eq!(w.parent.get("/mypage").status, 303);
}

#[test]
fn extras_and_a_payment_from_the_staff_pages_reach_the_parent() {
    let w = world("pages-fees");
    let n = w.booking;
    assert_eq!(w.staff.post(&format!("/api/facility/bookings/{n}/confirm"), &json!({})).status, 200);
    assert_eq!(w.server.client().post("/api/test/now", &json!({"now": "2026-01-23T10:00"})).status, 200);
    let staff = logged_in(&w.server, "staff@t.jp", "staff-password-1");
    let parent = logged_in(&w.server, "parent0@t.jp", "parent-password-1");
    let csrf = staff.csrf.clone().unwrap();
    let r = post_form(
        &staff,
        "/staff/day/attendance",
        &[("csrf", &csrf), ("action", "check_in"), ("number", &n.to_string())],
    );
    assert_eq!(r.status, 303, "{}", r.text);
    assert!(staff.get("/staff/day").text.contains(&format!("href=\"/staff/bookings/{n}\"")));
    // An item not on the price list, with its price: Post/Redirect/Get to the booking's staff view.
    let r = post_form(
        &staff,
        &format!("/staff/bookings/{n}/extras"),
        &[("csrf", &csrf), ("item", "おむつ"), ("price_yen", "50"), ("quantity", "2")],
    );
    assert_eq!(r.status, 303, "{}", r.text);
    assert_eq!(r.header("location"), Some(format!("/staff/bookings/{n}?done=extras").as_str()));
    let page = staff.get(&format!("/staff/bookings/{n}?done=extras"));
    assert!(page.text.contains("追加料金を登録しました。") && page.text.contains("おむつ"), "{}", page.text);
    // A payment before use is refused by the API (after use only), the amount kept.
    let r = post_form(&staff, &format!("/staff/bookings/{n}/payment"), &[("csrf", &csrf), ("amount_yen", "700")]);
    assert_eq!(r.status, 422);
    assert!(r.text.contains("data-code=\"invalid_state\"") && r.text.contains("value=\"700\""));
    let r = post_form(
        &staff,
        "/staff/day/attendance",
        &[("csrf", &csrf), ("action", "check_out"), ("number", &n.to_string())],
    );
    assert_eq!(r.status, 303, "{}", r.text);
    let day = staff.get(&format!("/api/facility/bookings/{n}/day")).body;
    let due = day["due_yen"].as_i64().unwrap();
    assert_eq!(due, day["fee_yen"].as_i64().unwrap() + 100);
    assert!(
        staff.get(&format!("/staff/bookings/{n}")).text.contains(&format!("value=\"{due}\"")),
        "the due amount offered"
    );
    let r = post_form(
        &staff,
        &format!("/staff/bookings/{n}/payment"),
        &[("csrf", &csrf), ("amount_yen", &due.to_string())],
    );
    assert_eq!(r.status, 303, "{}", r.text);
    let page = staff.get(&format!("/staff/bookings/{n}?done=payment"));
    assert!(page.text.contains("入金を登録しました。") && page.text.contains("data-due>0円"), "{}", page.text);
    let mine = parent.get(&format!("/mypage/bookings/{n}"));
    assert!(mine.text.contains("おむつ") && mine.text.contains("お支払い残額"), "{}", mine.text);
    assert!(mine.text.contains(&format!("{due}円")));
}
