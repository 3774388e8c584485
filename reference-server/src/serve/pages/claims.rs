//! Municipality staff: the month's usage per child and facility, the claims of the municipality's
//! facilities (frozen once the month is closed, with corrections of closed months), the CSV downloads
//! and the month's close. Each reads the municipal API; where it is not there (this branch alone) the
//! page says 準備中.

use std::collections::HashMap;

use axum::Form as Posted;
use axum::Router;
use axum::extract::Query;
use axum::http::{Method, StatusCode};
use axum::routing::{get, post};
use maud::html;
use serde_json::json;

use super::view::{Form, csrf, layout, pending, stamp_ja};
use super::{PageResult, Pages, Visit, enc, form_map, html as page, see_other};
use crate::serve::auth::Role;

type Q = Query<HashMap<String, String>>;
type Fields = Posted<Vec<(String, String)>>;

pub(super) fn routes(r: Router<Pages>) -> Router<Pages> {
    r.route("/city/claims", get(claims_page)).route("/city/claims/close", post(close)).route("/city/audit", get(audit))
}

fn this_month(v: &Visit) -> String {
    tsuen::clock::format_date(v.pages.app.clock.engine_now().date())[..7].to_owned()
}

fn hours_of(minutes: i64) -> String {
    super::view::hours(minutes as f64 / 60.0)
}

async fn render(v: &Visit, month: &str, done: bool, form: Form, status: StatusCode) -> PageResult {
    let m = enc(month);
    let usage = v.call(Method::GET, &format!("/api/municipality/usage?month={m}"), None).await;
    if usage.status == StatusCode::NOT_FOUND {
        let body = html! {
            h1 { "利用実績・請求" }
            (pending("利用実績・請求・月締め", "利用実績、請求と月締め、CSVダウンロードの画面は、自治体向けAPIの導入後に使えます。"))
        };
        return Ok(page(StatusCode::OK, layout(v, "利用実績・請求", body)));
    }
    let claims = v.call(Method::GET, &format!("/api/municipality/claims?month={m}"), None).await;
    let mut form = form;
    for a in [&usage, &claims] {
        if !a.ok() {
            form.refused(a, "表示できませんでした。", &[("month", "month")]);
        }
    }
    form.values.entry("month".into()).or_insert_with(|| month.to_owned());
    let rows = usage.body["rows"].as_array().cloned().unwrap_or_default();
    let lines = claims.body["lines"].as_array().cloned().unwrap_or_default();
    let closed = claims.body["closed"] == true;
    let body = html! {
        h1 { "利用実績・請求" }
        @if done { div.notice role="status" { p { (month) " を月締めしました。以後の変更は翌月の訂正として計上されます。" } } }
        (form.alerts())
        form.filters method="get" action="/city/claims" {
            (form.input("month", "対象月", "month", true, Some("YYYY-MM")))
            button.secondary type="submit" { "表示する" }
        }
        section aria-labelledby="usage-title" {
            h2 id="usage-title" { "利用実績（" (month) "）" }
            p { a href=(format!("/api/municipality/usage.csv?month={m}")) download { "利用実績をCSVでダウンロード" } }
            @if rows.is_empty() { p { "この月の利用実績はありません。" } } @else {
                div.scroll {
                    table.list {
                        thead { tr { th scope="col" { "お子さま" } th scope="col" { "施設" } th scope="col" { "予約数" }
                                     th scope="col" { "利用時間" } th scope="col" { "公定価格" } th scope="col" { "月の上限に数えた時間" } } }
                        tbody {
                            @for r in &rows {
                                tr {
                                    td data-label="お子さま" { (r["child_name"].as_str().unwrap_or("")) }
                                    td data-label="施設" { (r["facility_name"].as_str().unwrap_or("")) }
                                    td data-label="予約数" { (r["bookings"].as_i64().unwrap_or(0)) }
                                    td data-label="利用時間" { (hours_of(r["minutes"].as_i64().unwrap_or(0))) "時間" }
                                    td data-label="公定価格" { (r["yen"].as_i64().unwrap_or(0)) "円" }
                                    td data-label="月の上限に数えた時間" { (hours_of(r["cap_counted_minutes"].as_i64().unwrap_or(0))) " / " (hours_of(r["cap_minutes"].as_i64().unwrap_or(0))) "時間" }
                                }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="claims-title" {
            h2 id="claims-title" { "請求（" (month) "）" @if closed { " " span.badge.badge-confirmed { "月締め済" } } }
            @if let Some(at) = claims.body["closed_at"].as_str() { p.hint { "月締め：" (stamp_ja(at)) } }
            p { a href=(format!("/api/municipality/claims.csv?month={m}")) download { "請求をCSVでダウンロード" } }
            @if lines.is_empty() { p { "この月の請求はありません。" } } @else {
                div.scroll {
                    table.list {
                        thead { tr { th scope="col" { "区分" } th scope="col" { "施設" } th scope="col" { "支払う市区町村" }
                                     th scope="col" { "予約数" } th scope="col" { "金額" } } }
                        tbody {
                            @for l in &lines {
                                tr {
                                    td data-label="区分" { @if l["kind"] == "correction" { "訂正（" (l["for_month"].as_str().unwrap_or("")) "）" } @else { "請求" } }
                                    td data-label="施設" { (l["facility_name"].as_str().unwrap_or("")) }
                                    td data-label="支払う市区町村" { (l["payer_name"].as_str().unwrap_or("")) }
                                    td data-label="予約数" { (l["bookings"].as_i64().unwrap_or(0)) }
                                    td data-label="金額" { (l["yen"].as_i64().unwrap_or(0)) "円" }
                                }
                            }
                        }
                    }
                }
            }
            p { strong { "合計 " (claims.body["total_yen"].as_i64().unwrap_or(0)) "円" } }
            @if !closed {
                form method="post" action="/city/claims/close" {
                    (csrf(v))
                    input type="hidden" name="month" value=(month);
                    p.hint { "月締めは、その月が終わってからできます。締めた月の請求は固定され、以後の変更は翌月の訂正になります。" }
                    button.danger type="submit" { (month) " を月締めする" }
                }
            }
        }
    };
    Ok(page(status, layout(v, "利用実績・請求", body)))
}

async fn claims_page(v: Visit, Query(q): Q) -> PageResult {
    v.require(Role::Municipality)?;
    let month = q.get("month").filter(|m| !m.is_empty()).cloned().unwrap_or_else(|| this_month(&v));
    render(&v, &month, q.contains_key("done"), Form::with(q), StatusCode::OK).await
}

async fn close(v: Visit, Posted(pairs): Fields) -> PageResult {
    v.require(Role::Municipality)?;
    let values = form_map(&pairs);
    v.check_form(&values)?;
    let month = values.get("month").cloned().unwrap_or_default();
    let a = v.call(Method::POST, "/api/municipality/claims/close", Some(json!({"month": month}))).await;
    if a.ok() {
        return Ok(see_other(&format!("/city/claims?month={}&done=1", enc(&month))));
    }
    let mut form = Form::with(values);
    form.refused(&a, "月締めできませんでした。", &[]);
    render(&v, &month, false, form, StatusCode::UNPROCESSABLE_ENTITY).await
}

/// 操作履歴: the staff actions of the municipality and its facilities, newest first.
async fn audit(v: Visit) -> PageResult {
    v.require(Role::Municipality)?;
    let a = v.call(Method::GET, "/api/municipality/audit", None).await;
    let body = if a.status == StatusCode::NOT_FOUND {
        html! { h1 { "操作履歴" } (pending("操作履歴", "職員の操作履歴の画面は、自治体向けAPIの導入後に使えます。")) }
    } else if !a.ok() {
        let msg = a.body["message_ja"].as_str().unwrap_or("読み込めませんでした。").to_owned();
        return Err(super::view::error_page(&v, a.status, &msg).into());
    } else {
        let entries = a.body["entries"].as_array().cloned().unwrap_or_default();
        html! {
            h1 { "操作履歴" }
            p.hint { "区の職員と区内の施設の職員の操作（新しい順）。" }
            @if entries.is_empty() { p { "操作履歴はありません。" } } @else {
                div.scroll {
                    table.list {
                        thead { tr { th scope="col" { "日時" } th scope="col" { "職員" } th scope="col" { "操作" } th scope="col" { "対象" } } }
                        tbody {
                            @for e in &entries {
                                tr {
                                    td data-label="日時" { (stamp_ja(e["at"].as_str().unwrap_or(""))) }
                                    td data-label="職員" { (e["name"].as_str().unwrap_or("")) }
                                    td data-label="操作" { (e["action"].as_str().unwrap_or("")) }
                                    td data-label="対象" { (e["target"].as_str().unwrap_or("")) }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(page(StatusCode::OK, layout(&v, "操作履歴", body)))
}
