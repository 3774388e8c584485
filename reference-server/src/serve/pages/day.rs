//! Facility staff on the day of use: the check-in 2D code (drawn here in SVG from the code the API
//! makes), the day's bookings with 登園 / 降園 for parents who cannot scan, 欠席 for past days, the
//! 行動記録 form, and 臨時休園. Each calls the day-of-use API; where it is not there (this branch alone)
//! the page says 準備中 instead of failing.

use std::collections::HashMap;

use axum::Form as Posted;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::{Method, StatusCode};
use axum::routing::{get, post};
use maud::{Markup, PreEscaped, html};
use serde_json::{Value, json};

use super::view::{Form, badges, csrf, ja_date, layout, pending, short_time, stamp_ja};
use super::{Answer, PageResult, Pages, Visit, form_map, html as page, see_other};
use crate::serve::auth::Role;

type Q = Query<HashMap<String, String>>;
type Fields = Posted<Vec<(String, String)>>;

pub(super) fn routes(r: Router<Pages>) -> Router<Pages> {
    r.route("/staff/day", get(day_page))
        .route("/staff/day/attendance", post(attendance))
        .route("/staff/day/records/{number}", post(record))
        .route("/staff/day/no-show/{number}", post(no_show))
        .route("/staff/day/closure", post(closure))
}

/// The code as a 2D code (QR, SVG). The SVG is made here from the code's URL: nothing typed by a user.
pub(super) fn qr(url: &str) -> Markup {
    match qrcode::QrCode::new(url.as_bytes()) {
        Ok(code) => {
            let svg = code.render::<qrcode::render::svg::Color>().min_dimensions(220, 220).build();
            let svg = svg.split_once("?>").map_or(svg.as_str(), |(_, s)| s).trim().to_owned();
            html! { div.qr role="img" aria-label="登降園の2次元コード" { (PreEscaped(svg)) } }
        }
        Err(_) => html! { p { "2次元コードを表示できません。" } },
    }
}

fn done_text(d: &str) -> &'static str {
    match d {
        "check_in" => "登園を登録しました。",
        "check_out" => "降園を登録しました。",
        "record" => "行動記録を登録しました。",
        "no_show" => "欠席を登録しました。",
        "closure" => "臨時休園を登録しました。その日の予約はキャンセルされ、保護者にメールで通知しました。",
        _ => "登録しました。",
    }
}

fn row(v: &Visit, b: &Value, form: &Form, prices: &[(String, i64)]) -> Markup {
    let n = b["number"].as_i64().unwrap_or(0);
    let status = b["status"].as_str().unwrap_or("");
    let records_open = matches!(status, "in_use" | "completed");
    let mut f = Form { values: form.values.clone(), errors: form.errors.clone(), ..Form::default() };
    f.id_prefix = format!("b{n}-");
    if form.value("number") != n.to_string() {
        f.values.clear();
        f.errors.clear();
    }
    html! {
        tr data-number=(n) {
            td data-label="予約番号" { a href=(format!("/staff/bookings/{n}")) aria-label=(format!("予約番号 {n} の料金・入金")) { (n) } }
            td data-label="利用予定時間" { (short_time(b["from"].as_str().unwrap_or(""))) "～" (short_time(b["to"].as_str().unwrap_or(""))) }
            td data-label="お子さま" { (b["child_name"].as_str().unwrap_or("")) " さま" }
            td data-label="状態" { (badges(b)) }
            td data-label="登降園" {
                div.row-actions {
                    @if b["can_start"] == true {
                        form.inline method="post" action="/staff/day/attendance" {
                            (csrf(v))
                            input type="hidden" name="action" value="check_in";
                            input type="hidden" name="number" value=(n);
                            button.primary type="submit" data-action="check_in" { "登園" }
                        }
                    }
                    @if b["can_end"] == true {
                        // 降園 with the extras of the day (meals, snacks) at the facility's prices.
                        form.checkout method="post" action="/staff/day/attendance" {
                            (csrf(v))
                            input type="hidden" name="action" value="check_out";
                            input type="hidden" name="number" value=(n);
                            (super::fees::quantity_fields(&f, prices, "x"))
                            button.primary type="submit" data-action="check_out" { "降園" }
                        }
                    }
                }
            }
        }
        @if records_open {
            tr.record-row {
                td colspan="5" data-label="行動記録" {
                    form.record method="post" action=(format!("/staff/day/records/{n}")) {
                        (csrf(v))
                        input type="hidden" name="number" value=(n);
                        div.row {
                            (f.input("at", "時刻", "time", true, None))
                            (f.input("kind", "種類", "text", true, Some("例：あそび、食事、午睡")))
                        }
                        (f.input("text", "内容", "text", true, None))
                        button.secondary type="submit" { "行動記録を登録する" }
                    }
                }
            }
        }
    }
}

async fn render(v: &Visit, done: Option<&str>, form: Form, status: StatusCode) -> PageResult {
    let day = v.call(Method::GET, "/api/facility/day", None).await;
    if day.status == StatusCode::NOT_FOUND {
        let body = html! {
            h1 { "本日の登降園" }
            (pending("本日の登降園", "登降園の2次元コード、職員による登降園の登録、行動記録、臨時休園の画面は、登降園のAPIの導入後に使えます。"))
        };
        return Ok(page(StatusCode::OK, layout(v, "本日の登降園", body)));
    }
    if !day.ok() {
        let msg = day.body["message_ja"].as_str().unwrap_or("読み込めませんでした。").to_owned();
        return Err(super::view::error_page(v, day.status, &msg).into());
    }
    let code = v.call(Method::GET, "/api/facility/checkin-code", None).await;
    let prices = super::fees::price_list(v).await;
    let d = &day.body;
    let list = d["bookings"].as_array().cloned().unwrap_or_default();
    let no_shows = d["no_shows_to_mark"].as_array().cloned().unwrap_or_default();
    let body = html! {
        h1 { "本日の登降園" }
        p { (ja_date(d["date"].as_str().unwrap_or(""))) }
        @if let Some(x) = done { div.notice role="status" { p { (done_text(x)) } } }
        (form.alerts())
        @if code.ok() {
            section.card aria-labelledby="code-title" {
                h2 id="code-title" { "登降園2次元コード" }
                p.hint { "保護者は登園・降園の際にこのコードを読み取ります。コードは1分ごとに新しくなり、数分で無効になります（画面を再読み込みしてください）。" }
                (qr(code.body["url"].as_str().unwrap_or("")))
                p.hint { "有効期限：" (stamp_ja(code.body["valid_until"].as_str().unwrap_or(""))) }
            }
        }
        section aria-labelledby="day-title" {
            h2 id="day-title" { "本日のご予約" }
            @if list.is_empty() { p { "本日のご予約はありません。" } } @else {
                div.scroll {
                    table.list {
                        thead { tr { th scope="col" { "予約番号" } th scope="col" { "利用予定時間" } th scope="col" { "お子さま" }
                                     th scope="col" { "状態" } th scope="col" { "登降園" } } }
                        tbody { @for b in &list { (row(v, b, &form, &prices)) } }
                    }
                }
            }
        }
        @if !no_shows.is_empty() {
            section aria-labelledby="noshow-title" {
                h2 id="noshow-title" { "登園のなかった予約（欠席の登録）" }
                ul {
                    @for b in &no_shows {
                        @let n = b["number"].as_i64().unwrap_or(0);
                        li data-number=(n) {
                            (ja_date(b["date"].as_str().unwrap_or(""))) " " (b["child_name"].as_str().unwrap_or("")) " さま "
                            form.inline method="post" action=(format!("/staff/day/no-show/{n}")) {
                                (csrf(v))
                                button.danger type="submit" data-action="no_show" { "欠席" }
                            }
                        }
                    }
                }
            }
        }
        section.card aria-labelledby="closure-title" {
            h2 id="closure-title" { "臨時休園" }
            div.warning { p { "臨時休園を登録すると、その日の仮予約・確定済みの予約はすべて施設都合でキャンセルされ、保護者にメールで通知されます。" } }
            form method="post" action="/staff/day/closure" {
                (csrf(v))
                (form.input("date", "休園日", "date", true, None))
                (form.input("reason", "理由", "text", false, Some("例：台風のため")))
                button.danger type="submit" { "臨時休園を登録する" }
            }
        }
    };
    Ok(page(status, layout(v, "本日の登降園", body)))
}

async fn day_page(v: Visit, Query(q): Q) -> PageResult {
    v.require(Role::Facility)?;
    render(&v, q.get("done").map(String::as_str), Form::default(), StatusCode::OK).await
}

/// After a write: to the day's page, or the page again with the refusal and what was typed.
async fn answer(
    v: &Visit,
    a: Answer,
    done: &str,
    values: HashMap<String, String>,
    fields: &[(&str, &str)],
) -> PageResult {
    if a.ok() {
        return Ok(see_other(&format!("/staff/day?done={done}")));
    }
    let mut form = Form::with(values);
    form.refused(&a, "登録できませんでした。", fields);
    render(v, None, form, StatusCode::UNPROCESSABLE_ENTITY).await
}

async fn attendance(v: Visit, Posted(pairs): Fields) -> PageResult {
    v.require(Role::Facility)?;
    let values = form_map(&pairs);
    v.check_form(&values)?;
    let action = values.get("action").cloned().unwrap_or_default();
    let number: i64 = values.get("number").and_then(|n| n.parse().ok()).unwrap_or(0);
    let mut item = json!({"number": number});
    if action == "check_out" {
        let extras = super::fees::chosen(&super::fees::price_list(&v).await, &values, "x");
        if !extras.is_empty() {
            item["extras"] = json!(extras);
        }
    }
    let body = json!({"action": action, "items": [item]});
    let a = v.call(Method::POST, "/api/facility/attendance", Some(body)).await;
    let done = if action == "check_out" { "check_out" } else { "check_in" };
    answer(&v, a, done, values, &[]).await
}

async fn record(v: Visit, Path(number): Path<i64>, Posted(pairs): Fields) -> PageResult {
    v.require(Role::Facility)?;
    let values = form_map(&pairs);
    v.check_form(&values)?;
    let get = |k: &str| values.get(k).cloned().unwrap_or_default();
    let body = json!({"at": get("at"), "kind": get("kind"), "text": get("text")});
    let a = v.call(Method::POST, &format!("/api/facility/bookings/{number}/records"), Some(body)).await;
    answer(&v, a, "record", values, &[("at", "at"), ("kind", "kind"), ("text", "text")]).await
}

async fn no_show(v: Visit, Path(number): Path<i64>, Posted(pairs): Fields) -> PageResult {
    v.require(Role::Facility)?;
    let values = form_map(&pairs);
    v.check_form(&values)?;
    let a = v.call(Method::POST, &format!("/api/facility/bookings/{number}/no-show"), None).await;
    answer(&v, a, "no_show", values, &[]).await
}

async fn closure(v: Visit, Posted(pairs): Fields) -> PageResult {
    v.require(Role::Facility)?;
    let values = form_map(&pairs);
    v.check_form(&values)?;
    let get = |k: &str| values.get(k).cloned().unwrap_or_default();
    let a = v
        .call(Method::POST, "/api/facility/closures", Some(json!({"date": get("date"), "reason": get("reason")})))
        .await;
    answer(&v, a, "closure", values, &[("date", "date"), ("reason", "reason")]).await
}
