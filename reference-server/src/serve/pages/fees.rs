//! Facility staff and money: a booking's staff view (利用料, extras such as meals and snacks at the
//! facility's prices, payments received, what is still due) with the forms to add extras and mark a
//! payment received, and the facility's own claim for a month as the engine computes it. The price
//! list is the facility profile's `extras`; an item not on it can be typed with its price.

use std::collections::HashMap;

use axum::Form as Posted;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::{Method, StatusCode};
use axum::routing::{get, post};
use maud::{Markup, html};
use serde_json::{Value, json};

use super::view::{Form, badges, csrf, ja_date, kind_ja, layout, short_time, stamp_ja, status_ja};
use super::{PageResult, Pages, Visit, enc, form_map, html as page, see_other};
use crate::serve::auth::Role;

type Q = Query<HashMap<String, String>>;
type Fields = Posted<Vec<(String, String)>>;

pub(super) fn routes(r: Router<Pages>) -> Router<Pages> {
    r.route("/staff/bookings/{number}", get(booking_page))
        .route("/staff/bookings/{number}/extras", post(extras))
        .route("/staff/bookings/{number}/payment", post(payment))
        .route("/staff/claim", get(claim_page))
}

/// The facility's price list (item, yen) from its profile; empty where it has none.
pub(super) async fn price_list(v: &Visit) -> Vec<(String, i64)> {
    let setup = v.call(Method::GET, "/api/facility/setup", None).await;
    let Some(id) = setup.body["id"].as_str() else { return Vec::new() };
    let f = v.call(Method::GET, &format!("/api/facilities/{}", enc(id)), None).await;
    f.body["profile"]["extras"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| Some((e["item"].as_str()?.to_owned(), e["price_yen"].as_i64()?)))
        .collect()
}

/// The extras chosen in a form: `{prefix}{i}` is the quantity of the price list's i-th item.
pub(super) fn chosen(prices: &[(String, i64)], values: &HashMap<String, String>, prefix: &str) -> Vec<Value> {
    prices
        .iter()
        .enumerate()
        .filter_map(|(i, (item, yen))| {
            let q: i64 = values.get(&format!("{prefix}{i}")).and_then(|q| q.trim().parse().ok()).unwrap_or(0);
            (q != 0).then(|| json!({"item": item, "price_yen": yen, "quantity": q}))
        })
        .collect()
}

/// One quantity field per item of the price list.
pub(super) fn quantity_fields(form: &Form, prices: &[(String, i64)], prefix: &str) -> Markup {
    html! {
        @for (i, (item, yen)) in prices.iter().enumerate() {
            (form.input(&format!("{prefix}{i}"), &format!("{item}（{yen}円）の数"), "number", false, None))
        }
    }
}

fn done_text(d: &str) -> &'static str {
    match d {
        "extras" => "追加料金を登録しました。",
        "payment" => "入金を登録しました。",
        _ => "登録しました。",
    }
}

fn yen(v: &Value) -> String {
    format!("{}円", v.as_i64().unwrap_or(0))
}

async fn render(v: &Visit, number: i64, done: Option<&str>, form: Form, status: StatusCode) -> PageResult {
    let d = v.get(&format!("/api/facility/bookings/{number}/day")).await?;
    let prices = price_list(v).await;
    let mut form = form;
    if !form.values.contains_key("amount_yen") {
        form.values.insert("amount_yen".into(), d["due_yen"].as_i64().unwrap_or(0).to_string());
    }
    let extras = d["extras"].as_array().cloned().unwrap_or_default();
    let payments = d["payments"].as_array().cloned().unwrap_or_default();
    let records = d["records"].as_array().cloned().unwrap_or_default();
    let st = d["status"].as_str().unwrap_or("");
    let after_use = matches!(st, "completed" | "no_show" | "cancelled_late");
    let title = format!("予約番号 {number}");
    let body = html! {
        h1 { (title) }
        p { a href="/staff/day" { "← 本日の登降園へ" } }
        @if let Some(x) = done { div.notice role="status" { p { (done_text(x)) } } }
        (form.alerts())
        section.card aria-labelledby="b-title" data-booking=(number) {
            h2 id="b-title" { "予約の内容" }
            (badges(&d))
            dl.info {
                div { dt { "種別" } dd { (kind_ja(d["kind"].as_str().unwrap_or(""))) } }
                div { dt { "利用日" } dd { (ja_date(d["date"].as_str().unwrap_or(""))) } }
                div { dt { "利用時間" } dd { (short_time(d["from"].as_str().unwrap_or(""))) "～" (short_time(d["to"].as_str().unwrap_or(""))) } }
                div { dt { "お子さま" } dd { (d["child_name"].as_str().unwrap_or("")) " さま" } }
                div { dt { "利用開始" } dd { (d["check_in"].as_str().unwrap_or("—")) } }
                div { dt { "利用終了" } dd { (d["check_out"].as_str().unwrap_or("—")) } }
            }
        }
        section.card aria-labelledby="fee-title" data-fees {
            h2 id="fee-title" { "料金とお支払い" }
            dl.info {
                div { dt { "利用料" } dd data-fee { (yen(&d["fee_yen"])) } }
                @for e in &extras {
                    div data-extra { dt { (e["item"].as_str().unwrap_or("")) }
                          dd { (yen(&e["yen"])) "（" (e["price_yen"].as_i64().unwrap_or(0)) "円×" (e["quantity"].as_i64().unwrap_or(0)) "）" } }
                }
                div { dt { "合計" } dd data-total { (yen(&d["total_yen"])) } }
                div { dt { "入金済" } dd data-paid { (yen(&d["paid_yen"])) } }
                div { dt { "未払い" } dd data-due { (yen(&d["due_yen"])) } }
            }
            @if !payments.is_empty() {
                h3 { "入金の記録" }
                ul { @for p in &payments { li { (stamp_ja(p["received_at"].as_str().unwrap_or(""))) " " (yen(&p["amount_yen"])) } } }
            }
        }
        section.card aria-labelledby="extras-title" {
            h2 id="extras-title" { "追加料金（食事・おやつなど）" }
            p.hint { "利用開始後に登録できます。価格表にない品目は品名と金額を入力してください。" }
            form method="post" action=(format!("/staff/bookings/{number}/extras")) {
                (csrf(v))
                (quantity_fields(&form, &prices, "q"))
                div.row {
                    (form.input("item", "品名（価格表にないもの）", "text", false, None))
                    (form.input("price_yen", "単価（円）", "number", false, None))
                    (form.input("quantity", "数", "number", false, None))
                }
                button.primary type="submit" data-action="extras" { "追加料金を登録する" }
            }
        }
        section.card aria-labelledby="pay-title" {
            h2 id="pay-title" { "入金の登録" }
            @if !after_use { p.hint { "入金は利用後（" (status_ja("completed")) "・欠席・当日キャンセル）の予約に登録できます。" } }
            form method="post" action=(format!("/staff/bookings/{number}/payment")) {
                (csrf(v))
                (form.input("amount_yen", "受け取った金額（円）", "number", true, None))
                button.primary type="submit" data-action="payment" { "入金を登録する" }
            }
        }
        @if !records.is_empty() {
            section.card aria-labelledby="rec-title" {
                h2 id="rec-title" { "行動記録" }
                ul.records { @for r in &records { li { strong { (r["at"].as_str().unwrap_or("")) " " (r["kind"].as_str().unwrap_or("")) } " " (r["text"].as_str().unwrap_or("")) } } }
            }
        }
    };
    Ok(page(status, layout(v, &title, body)))
}

async fn booking_page(v: Visit, Path(number): Path<i64>, Query(q): Q) -> PageResult {
    v.require(Role::Facility)?;
    render(&v, number, q.get("done").map(String::as_str), Form::default(), StatusCode::OK).await
}

async fn extras(v: Visit, Path(number): Path<i64>, Posted(pairs): Fields) -> PageResult {
    v.require(Role::Facility)?;
    let values = form_map(&pairs);
    v.check_form(&values)?;
    let prices = price_list(&v).await;
    let mut list = chosen(&prices, &values, "q");
    let get = |k: &str| values.get(k).map(|s| s.trim().to_owned()).unwrap_or_default();
    let mut form = Form::with(values.clone());
    let (item, price, quantity) = (get("item"), get("price_yen"), get("quantity"));
    let free = list.len();
    if !item.is_empty() || !price.is_empty() {
        match price.parse::<i64>() {
            Ok(p) => {
                let q: i64 = if quantity.is_empty() { 1 } else { quantity.parse().unwrap_or(0) };
                list.push(json!({"item": item, "price_yen": p, "quantity": q}));
            }
            Err(_) => {
                form.errors.insert("price_yen".into(), "金額を数字で入力してください。".into());
            }
        }
    }
    for i in 0..prices.len() {
        let q = format!("q{i}");
        if values.get(&q).is_some_and(|s| !s.trim().is_empty() && s.trim().parse::<i64>().is_err()) {
            form.errors.insert(q, "数を数字で入力してください。".into());
        }
    }
    if form.has_errors() {
        return render(&v, number, None, form, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let a =
        v.call(Method::POST, &format!("/api/facility/bookings/{number}/extras"), Some(json!({"extras": list}))).await;
    if a.ok() {
        return Ok(see_other(&format!("/staff/bookings/{number}?done=extras")));
    }
    // The API names the extra it refuses by its place in the list: the free line is the last.
    let names: Vec<(String, String)> = ["item", "price_yen", "quantity"]
        .iter()
        .map(|f| (format!("extras[{free}].{f}"), (*f).to_owned()))
        .chain((0..prices.len()).map(|i| (format!("extras[{i}].quantity"), format!("q{i}"))))
        .collect();
    let fields: Vec<(&str, &str)> = names.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    form.refused(&a, "追加料金を登録できませんでした。", &fields);
    render(&v, number, None, form, StatusCode::UNPROCESSABLE_ENTITY).await
}

async fn payment(v: Visit, Path(number): Path<i64>, Posted(pairs): Fields) -> PageResult {
    v.require(Role::Facility)?;
    let values = form_map(&pairs);
    v.check_form(&values)?;
    let amount = values.get("amount_yen").map(|s| s.trim().to_owned()).unwrap_or_default();
    let mut form = Form::with(values);
    let Ok(yen) = amount.parse::<i64>() else {
        form.errors.insert("amount_yen".into(), "金額を数字で入力してください。".into());
        return render(&v, number, None, form, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let a = v
        .call(Method::POST, &format!("/api/facility/bookings/{number}/payment"), Some(json!({"amount_yen": yen})))
        .await;
    if a.ok() {
        return Ok(see_other(&format!("/staff/bookings/{number}?done=payment")));
    }
    form.refused(&a, "入金を登録できませんでした。", &[("amount_yen", "amount_yen")]);
    render(&v, number, None, form, StatusCode::UNPROCESSABLE_ENTITY).await
}

fn this_month(v: &Visit) -> String {
    tsuen::clock::format_date(v.pages.app.clock.engine_now().date())[..7].to_owned()
}

/// The facility's own claim for a month, split by paying municipality, with the bookings billed.
async fn claim_page(v: Visit, Query(q): Q) -> PageResult {
    v.require(Role::Facility)?;
    let month = q.get("month").filter(|m| !m.is_empty()).cloned().unwrap_or_else(|| this_month(&v));
    let a = v.call(Method::GET, &format!("/api/facility/claim?month={}", enc(&month)), None).await;
    let mut form = Form::with(q);
    form.values.insert("month".into(), month.clone());
    let status = if a.ok() {
        StatusCode::OK
    } else {
        form.refused(&a, "表示できませんでした。", &[("month", "month")]);
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let c = &a.body;
    let by: Vec<(String, i64)> = c["by_municipality"]
        .as_object()
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_i64().unwrap_or(0))).collect())
        .unwrap_or_default();
    let lines = c["lines"].as_array().cloned().unwrap_or_default();
    let towns = v.call(Method::GET, "/api/municipalities", None).await;
    let town = |code: &str| -> String {
        towns.body["municipalities"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|m| m["code"] == code)
            .and_then(|m| m["name"].as_str())
            .map_or_else(|| code.to_owned(), |n| format!("{n}（{code}）"))
    };
    let body = html! {
        h1 { "施設の請求" }
        (form.alerts())
        form.filters method="get" action="/staff/claim" {
            (form.input("month", "対象月", "month", true, Some("YYYY-MM")))
            button.secondary type="submit" { "表示する" }
        }
        @if a.ok() {
            section aria-labelledby="claim-title" data-claim {
                h2 id="claim-title" { "請求（" (month) "）" }
                p { strong data-claim-total { "合計 " (yen(&c["total_yen"])) } "（" (c["bookings"].as_i64().unwrap_or(0)) "件）" }
                @if by.is_empty() { p { "この月の請求はありません。" } } @else {
                    div.scroll {
                        table.list {
                            thead { tr { th scope="col" { "支払う市区町村" } th scope="col" { "金額" } } }
                            tbody { @for (code, y) in &by { tr { td data-label="支払う市区町村" { (town(code)) } td data-label="金額" { (y) "円" } } } }
                        }
                    }
                }
            }
            @if !lines.is_empty() {
                section aria-labelledby="lines-title" {
                    h2 id="lines-title" { "請求の内訳" }
                    div.scroll {
                        table.list {
                            thead { tr { th scope="col" { "予約番号" } th scope="col" { "利用日" } th scope="col" { "状態" }
                                         th scope="col" { "年齢区分" } th scope="col" { "時間" } th scope="col" { "金額" } } }
                            tbody {
                                @for l in &lines {
                                    tr {
                                        td data-label="予約番号" { @if let Some(n) = l["number"].as_i64() { a href=(format!("/staff/bookings/{n}")) { (n) } } @else { "—" } }
                                        td data-label="利用日" { (ja_date(l["date"].as_str().unwrap_or(""))) }
                                        td data-label="状態" { (status_ja(l["status"].as_str().unwrap_or(""))) }
                                        td data-label="年齢区分" { @if let Some(c) = l["age_class"].as_i64() { (c) "歳児" } @else { "—" } }
                                        td data-label="時間" { (super::view::hours(l["minutes"].as_f64().unwrap_or(0.0) / 60.0)) "時間" }
                                        td data-label="金額" { (yen(&l["yen"])) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(page(status, layout(&v, "施設の請求", body)))
}
