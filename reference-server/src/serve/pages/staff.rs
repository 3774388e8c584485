//! Facility staff (seed 4): the bookings to confirm (oldest first), the interview outcome (利用承認), and
//! the facility's setup: hours, quotas (capacity bands), closed days and interview slots. The setup is
//! one document in the engine: each form changes its part of the current setup and sends it whole.

use std::collections::HashMap;

use axum::Form as Posted;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::{Method, StatusCode};
use axum::routing::{get, post};
use maud::{Markup, html};
use serde_json::{Value, json};

use super::view::{Form, badges, csrf, ja_date, kind_ja, layout, short_time};
use super::{PageResult, Pages, Visit, form_map, html as page, see_other};
use crate::serve::auth::Role;

type Q = Query<HashMap<String, String>>;
type Fields = Posted<Vec<(String, String)>>;

pub(super) fn routes(r: Router<Pages>) -> Router<Pages> {
    r.route("/staff", get(bookings))
        .route("/staff/bookings/{number}/{action}", post(act))
        .route("/staff/setup", get(setup_page))
        .route("/staff/setup/{part}", post(save))
}

async fn bookings(v: Visit, Query(q): Q) -> PageResult {
    v.require(Role::Facility)?;
    render_bookings(&v, q.get("done").map(String::as_str), Form::default(), StatusCode::OK).await
}

fn done_text(done: &str) -> &'static str {
    match done {
        "confirm" => "予約を確定しました。",
        "cancel" => "予約をキャンセルしました。",
        "approve" => "利用承認を登録しました。",
        "decline" => "利用不承認を登録しました。",
        _ => "保存しました。",
    }
}

fn row(v: &Visit, b: &Value) -> Markup {
    // Bookings written straight into the engine (fixtures, imports) have no 予約番号: shown, not actionable.
    let number = b["number"].as_i64();
    let status = b["status"].as_str().unwrap_or("");
    let kind = b["kind"].as_str().unwrap_or("");
    let open = number.is_some() && matches!(status, "provisional" | "confirmed");
    let button = |action: &str, label: &str, class: &str| {
        html! {
            form.inline method="post" action=(format!("/staff/bookings/{}/{action}", number.unwrap_or(0))) {
                (csrf(v))
                button type="submit" class=(class) data-action=(action) { (label) }
            }
        }
    };
    html! {
        tr data-number=[number] data-status=(status) {
            td data-label="予約番号" { @if let Some(n) = number { a href=(format!("/staff/bookings/{n}")) { (n) } } @else { "—" } }
            td data-label="種別" { (kind_ja(kind)) }
            td data-label="状態" { (badges(b)) }
            td data-label="利用日・時間" { (ja_date(b["date"].as_str().unwrap_or(""))) " " (short_time(b["from"].as_str().unwrap_or(""))) "～" (short_time(b["to"].as_str().unwrap_or(""))) }
            td data-label="お子さま" { (b["child_name"].as_str().unwrap_or("")) " さま" }
            td data-label="操作" {
                div.row-actions {
                    @if open && status == "provisional" { (button("confirm", "確定する", "primary")) }
                    @if kind == "interview" && open {
                        (button("approve", "利用承認", "primary"))
                        (button("decline", "承認しない", "secondary"))
                    }
                    @if open { (button("cancel", "キャンセル", "danger")) }
                }
            }
        }
    }
}

fn table(v: &Visit, list: &[&Value]) -> Markup {
    html! {
        div.scroll {
            table.list {
                thead { tr { th scope="col" { "予約番号" } th scope="col" { "種別" } th scope="col" { "状態" }
                             th scope="col" { "利用日・時間" } th scope="col" { "お子さま" } th scope="col" { "操作" } } }
                tbody { @for b in list { (row(v, b)) } }
            }
        }
    }
}

async fn render_bookings(v: &Visit, done: Option<&str>, form: Form, status: StatusCode) -> PageResult {
    let list = v.get("/api/facility/bookings").await?;
    let all: Vec<&Value> = list["bookings"].as_array().map(|b| b.iter().collect()).unwrap_or_default();
    let to_confirm: Vec<&Value> = all.iter().copied().filter(|b| b["status"] == "provisional").collect();
    let interviews: Vec<&Value> =
        all.iter().copied().filter(|b| b["kind"] == "interview" && b["status"] == "confirmed").collect();
    let rest: Vec<&Value> = all
        .iter()
        .copied()
        .filter(|b| b["status"] != "provisional" && !(b["kind"] == "interview" && b["status"] == "confirmed"))
        .collect();
    let today: Vec<&Value> = all
        .iter()
        .copied()
        .filter(|b| b["is_today"] == true && b["kind"] != "interview")
        .filter(|b| matches!(b["status"].as_str(), Some("confirmed" | "in_use" | "completed")))
        .collect();
    let body = html! {
        h1 { "予約の確認" }
        @if let Some(d) = done { div.notice role="status" { p { (done_text(d)) } } }
        (form.alerts())
        section aria-labelledby="today" {
            h2 id="today" { "本日のご利用" }
            @if today.is_empty() { p { "本日のご利用はありません。" } } @else { (table(v, &today)) }
            p { a href="/staff/day" { "本日の登降園（2次元コード・登園・降園・行動記録・臨時休園）→" } }
        }
        section aria-labelledby="to-confirm" {
            h2 id="to-confirm" { "確認待ちの予約（古い順）" }
            @if to_confirm.is_empty() { p { "確認待ちの予約はありません。" } } @else { (table(v, &to_confirm)) }
        }
        section aria-labelledby="interviews" {
            h2 id="interviews" { "面談の結果登録" }
            p.hint { "面談日以降に、利用承認または承認しないを登録してください。" }
            @if interviews.is_empty() { p { "結果待ちの面談はありません。" } } @else { (table(v, &interviews)) }
        }
        section aria-labelledby="others" {
            h2 id="others" { "そのほかの予約" }
            @if rest.is_empty() { p { "予約はありません。" } } @else { (table(v, &rest)) }
        }
    };
    Ok(page(status, layout(v, "予約の確認", body)))
}

async fn act(v: Visit, Path((number, action)): Path<(i64, String)>, Posted(pairs): Fields) -> PageResult {
    v.require(Role::Facility)?;
    let values = form_map(&pairs);
    v.check_form(&values)?;
    let (path, body) = match action.as_str() {
        "confirm" | "cancel" => (format!("/api/facility/bookings/{number}/{action}"), None),
        "approve" | "decline" => (
            format!("/api/facility/bookings/{number}/interview-result"),
            Some(json!({"approved": action == "approve"})),
        ),
        _ => return Err(super::view::error_page(&v, StatusCode::NOT_FOUND, "見つかりません。").into()),
    };
    let a = v.call(Method::POST, &path, body).await;
    if a.ok() {
        return Ok(see_other(&format!("/staff?done={action}")));
    }
    let mut form = Form::default();
    form.refused(&a, &format!("予約番号 {number} は処理できませんでした。"), &[]);
    render_bookings(&v, None, form, StatusCode::UNPROCESSABLE_ENTITY).await
}

const DAYS: &[(&str, &str)] =
    &[("mon", "月"), ("tue", "火"), ("wed", "水"), ("thu", "木"), ("fri", "金"), ("sat", "土"), ("sun", "日")];

/// The form values of a setup.
fn values_of(spec: &Value) -> HashMap<String, String> {
    let mut m = HashMap::new();
    let s = |v: &Value| v.as_str().unwrap_or("").to_owned();
    for (d, _) in DAYS {
        if let Some(h) = spec["hours"][*d].as_array() {
            m.insert(format!("hours.{d}.from"), s(&h[0]));
            m.insert(format!("hours.{d}.to"), s(&h[1]));
        }
    }
    for (i, c) in spec["capacity"].as_array().into_iter().flatten().enumerate() {
        for day in c["days"].as_array().into_iter().flatten() {
            m.insert(format!("cap{i}.{}", s(day)), "1".into());
        }
        m.insert(format!("cap{i}.from"), s(&c["from"]));
        m.insert(format!("cap{i}.to"), s(&c["to"]));
        m.insert(format!("cap{i}.regular"), c["regular"].as_u64().unwrap_or(0).to_string());
        m.insert(format!("cap{i}.flexible"), c["flexible"].as_u64().unwrap_or(0).to_string());
    }
    let closed: Vec<String> = spec["closed"].as_array().into_iter().flatten().map(s).collect();
    m.insert("closed".into(), closed.join("\n"));
    for (i, x) in spec["interview_slots"].as_array().into_iter().flatten().enumerate() {
        m.insert(format!("slot{i}.date"), s(&x["date"]));
        m.insert(format!("slot{i}.from"), s(&x["from"]));
        m.insert(format!("slot{i}.to"), s(&x["to"]));
        m.insert(format!("slot{i}.places"), x["places"].as_u64().unwrap_or(0).to_string());
    }
    m
}

fn count(values: &HashMap<String, String>, prefix: &str) -> usize {
    (0..).find(|i| !values.keys().any(|k| k.starts_with(&format!("{prefix}{i}.")))).unwrap_or(0)
}

fn setup_body(v: &Visit, name: &str, form: &Form, done: bool) -> Markup {
    let caps = count(&form.values, "cap") + 1;
    let slots = count(&form.values, "slot") + 1;
    let time = |name: &str, label: &str| form.input(name, label, "time", false, None);
    html! {
        h1 { "施設の設定" }
        p.facility-name { (name) }
        @if done { div.notice role="status" { p { "設定を保存しました。既存の予約はそのまま有効です。" } } }
        (form.alerts())
        section.card aria-labelledby="hours-title" {
            h2 id="hours-title" { "開所時間" }
            p.hint { "空欄の曜日は休園です。時刻は30分単位で入力してください。" }
            form method="post" action="/staff/setup/hours" {
                (csrf(v))
                @for (d, ja) in DAYS {
                    fieldset.row {
                        legend { (ja) "曜日" }
                        (time(&format!("hours.{d}.from"), "開始"))
                        (time(&format!("hours.{d}.to"), "終了"))
                    }
                }
                button.primary type="submit" { "開所時間を保存する" }
            }
        }
        section.card aria-labelledby="cap-title" {
            h2 id="cap-title" { "受入枠（30分ごとの定員）" }
            p.hint { "曜日と時間帯ごとに、定期利用と柔軟利用の枠数を設定します。後の行が前の行より優先されます。最後の行は追加用です。" }
            form method="post" action="/staff/setup/capacity" {
                (csrf(v))
                @for i in 0..caps {
                    fieldset {
                        legend { "受入枠 " (i + 1) @if i + 1 == caps { "（追加）" } }
                        div.days {
                            @for (d, ja) in DAYS {
                                @let n = format!("cap{i}.{d}");
                                span.check {
                                    input id=(format!("f-{n}").replace('.', "-")) type="checkbox" name=(n) value="1" checked[form.value(&n) == "1"];
                                    label for=(format!("f-{n}").replace('.', "-")) { (ja) }
                                }
                            }
                        }
                        div.row {
                            (time(&format!("cap{i}.from"), "開始"))
                            (time(&format!("cap{i}.to"), "終了"))
                        }
                        div.row {
                            (form.input(&format!("cap{i}.regular"), "定期利用の枠", "number", false, None))
                            (form.input(&format!("cap{i}.flexible"), "柔軟利用の枠", "number", false, None))
                        }
                    }
                }
                button.primary type="submit" { "受入枠を保存する" }
            }
        }
        section.card aria-labelledby="closed-title" {
            h2 id="closed-title" { "休園日" }
            form method="post" action="/staff/setup/closed" {
                (csrf(v))
                div.field.invalid[form.errors.contains_key("closed")] {
                    label for="f-closed" { "休園日（1行に1日、YYYY-MM-DD）" }
                    textarea id="f-closed" name="closed" rows="4" { (form.value("closed")) }
                    @if let Some(e) = form.errors.get("closed") { p.error { (e) } }
                }
                button.primary type="submit" { "休園日を保存する" }
            }
        }
        section.card aria-labelledby="slots-title" {
            h2 id="slots-title" { "面談枠" }
            p.hint { "日付を空欄にした行は削除されます。最後の行は追加用です。" }
            form method="post" action="/staff/setup/slots" {
                (csrf(v))
                @for i in 0..slots {
                    fieldset {
                        legend { "面談枠 " (i + 1) @if i + 1 == slots { "（追加）" } }
                        (form.input(&format!("slot{i}.date"), "日付", "date", false, None))
                        div.row {
                            (time(&format!("slot{i}.from"), "開始"))
                            (time(&format!("slot{i}.to"), "終了"))
                        }
                        (form.input(&format!("slot{i}.places"), "定員", "number", false, None))
                    }
                }
                button.primary type="submit" { "面談枠を保存する" }
            }
        }
    }
}

async fn setup_page(v: Visit, Query(q): Q) -> PageResult {
    v.require(Role::Facility)?;
    let spec = v.get("/api/facility/setup").await?;
    let form = Form::with(values_of(&spec));
    let name = spec["name"].as_str().unwrap_or("").to_owned();
    Ok(page(StatusCode::OK, layout(&v, "施設の設定", setup_body(&v, &name, &form, q.contains_key("done")))))
}

/// The current setup with one part replaced from the form.
fn apply(part: &str, spec: &mut Value, f: &HashMap<String, String>) -> Result<(), (String, String)> {
    let get = |k: &str| f.get(k).map(|s| s.trim().to_owned()).unwrap_or_default();
    let num = |k: &str| -> Result<u64, (String, String)> {
        let s = get(k);
        if s.is_empty() {
            Ok(0)
        } else {
            s.parse().map_err(|_| (k.to_owned(), "0以上の数を入力してください。".to_owned()))
        }
    };
    match part {
        "hours" => {
            let mut hours = serde_json::Map::new();
            for (d, _) in DAYS {
                let (from, to) = (get(&format!("hours.{d}.from")), get(&format!("hours.{d}.to")));
                match (from.is_empty(), to.is_empty()) {
                    (true, true) => {}
                    (false, false) => {
                        hours.insert((*d).into(), json!([from, to]));
                    }
                    _ => return Err((format!("hours.{d}.to"), "開始と終了の両方を入力してください。".into())),
                }
            }
            spec["hours"] = Value::Object(hours);
        }
        "capacity" => {
            let mut bands = Vec::new();
            for i in 0..count(f, "cap") {
                let days: Vec<&str> =
                    DAYS.iter().filter(|(d, _)| get(&format!("cap{i}.{d}")) == "1").map(|(d, _)| *d).collect();
                let (from, to) = (get(&format!("cap{i}.from")), get(&format!("cap{i}.to")));
                if days.is_empty() && from.is_empty() && to.is_empty() {
                    continue;
                }
                let regular = num(&format!("cap{i}.regular"))?;
                let flexible = num(&format!("cap{i}.flexible"))?;
                bands.push(json!({"days": days, "from": from, "to": to, "regular": regular, "flexible": flexible}));
            }
            spec["capacity"] = json!(bands);
        }
        "closed" => {
            let days: Vec<String> =
                get("closed").lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect();
            for d in &days {
                if tsuen::clock::parse_date(d).is_err() {
                    return Err(("closed".into(), format!("{d}: 日付の形式が正しくありません（YYYY-MM-DD）。")));
                }
            }
            spec["closed"] = json!(days);
        }
        "slots" => {
            let mut slots = Vec::new();
            for i in 0..count(f, "slot") {
                let date = get(&format!("slot{i}.date"));
                if date.is_empty() {
                    continue;
                }
                let places = num(&format!("slot{i}.places"))?;
                slots.push(json!({"date": date, "from": get(&format!("slot{i}.from")),
                                  "to": get(&format!("slot{i}.to")), "places": places}));
            }
            spec["interview_slots"] = json!(slots);
        }
        _ => return Err(("part".into(), "見つかりません。".into())),
    }
    Ok(())
}

async fn save(v: Visit, Path(part): Path<String>, Posted(pairs): Fields) -> PageResult {
    v.require(Role::Facility)?;
    let posted = form_map(&pairs);
    v.check_form(&posted)?;
    let mut spec = v.get("/api/facility/setup").await?;
    let name = spec["name"].as_str().unwrap_or("").to_owned();
    // The other parts keep their current values; this part keeps what was typed.
    let mut values = values_of(&spec);
    let prefix = match part.as_str() {
        "hours" => "hours.",
        "capacity" => "cap",
        "closed" => "closed",
        _ => "slot",
    };
    values.retain(|k, _| !k.starts_with(prefix));
    values.extend(posted.iter().filter(|(k, _)| k.as_str() != "csrf").map(|(k, v)| (k.clone(), v.clone())));
    let mut form = Form::with(values);
    match apply(&part, &mut spec, &posted) {
        Err((field, msg)) => {
            form.errors.insert(field, msg);
        }
        Ok(()) => {
            let a = v.call(Method::POST, "/api/facility/setup", Some(spec)).await;
            if a.ok() {
                return Ok(see_other("/staff/setup?done=1"));
            }
            form.refused(&a, "設定を保存できませんでした。", &[]);
        }
    }
    Ok(page(StatusCode::UNPROCESSABLE_ENTITY, layout(&v, "施設の設定", setup_body(&v, &name, &form, false))))
}
