//! 登降園手続き (seed 6): the page behind the facility's 2D code (`/checkin/{code}`, the URL the code
//! carries). The parent sees the household's bookings of today at the code's facility and registers
//! 利用開始 / 利用終了 per row. It calls the day-of-use API (`GET`/`POST /api/checkin/{code}`); where that
//! API is not there yet, the page says so instead of failing.

use std::collections::HashMap;

use axum::Form as Posted;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::{Method, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use maud::{Markup, html};
use serde_json::{Value, json};

use super::view::{Form, badges, csrf, ja_date, layout, short_time};
use super::{PageResult, Pages, Visit, enc, form_map, html as page, see_other};
use crate::serve::auth::Role;

type Q = Query<HashMap<String, String>>;
type Fields = Posted<Vec<(String, String)>>;

pub(super) fn routes(r: Router<Pages>) -> Router<Pages> {
    r.route("/checkin/{code}", get(checkin_page).post(checkin))
}

/// Before login, the code's page comes back after it.
fn require_parent(v: &Visit, code: &str) -> Result<(), super::Stop> {
    if v.user.is_none() {
        return Err(see_other(&format!("/login?next={}", enc(&format!("/checkin/{}", enc(code))))).into());
    }
    v.require(Role::Parent).map(|_| ())
}

async fn checkin_page(v: Visit, Path(code): Path<String>, Query(q): Q) -> PageResult {
    require_parent(&v, &code)?;
    render(&v, &code, q.get("done").map(String::as_str), Form::default(), StatusCode::OK).await
}

fn body(v: &Visit, code: &str, day: &Value, done: Option<&str>, form: &Form) -> Markup {
    let action = format!("/checkin/{}", enc(code));
    html! {
        h1 { "登降園手続き" }
        p.facility-name { (day["facility_name"].as_str().unwrap_or("")) }
        @match done {
            Some("start") => { div.notice role="status" { p { "利用開始を登録しました。" } } }
            Some("end") => { div.notice role="status" { p { "利用終了を登録しました。" } } }
            _ => {}
        }
        (form.alerts())
        @let list = day["bookings"].as_array().cloned().unwrap_or_default();
        @if list.is_empty() {
            p { "本日、この施設でのご予約はありません。" }
        } @else {
            div.scroll {
                table.list {
                    thead { tr { th scope="col" { "日" } th scope="col" { "利用予定時間" } th scope="col" { "お子さま" }
                                 th scope="col" { "状態" } th scope="col" { "利用時間登録" } } }
                    tbody {
                        @for b in &list {
                            @let n = b["number"].as_i64().unwrap_or(0);
                            tr data-number=(n) {
                                td data-label="日" { (ja_date(b["date"].as_str().unwrap_or(""))) }
                                td data-label="利用予定時間" { (short_time(b["from"].as_str().unwrap_or(""))) "～" (short_time(b["to"].as_str().unwrap_or(""))) }
                                td data-label="お子さま" { (b["child_name"].as_str().unwrap_or("")) " さま" }
                                td data-label="状態" { (badges(b)) }
                                td data-label="利用時間登録" {
                                    @for (what, label, allowed) in [("start", "利用開始登録 →", b["can_start"] == true), ("end", "利用終了登録 →", b["can_end"] == true)] {
                                        @if allowed {
                                            form.inline method="post" action=(action) {
                                                (csrf(v))
                                                input type="hidden" name="action" value=(what);
                                                input type="hidden" name="number" value=(n);
                                                button.primary type="submit" data-action=(what) { (label) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        p { a href="/mypage" { "マイページへ戻る" } }
    }
}

async fn render(v: &Visit, code: &str, done: Option<&str>, form: Form, status: StatusCode) -> PageResult {
    let a = v.call(Method::GET, &format!("/api/checkin/{}", enc(code)), None).await;
    if !a.ok() {
        let message = a.body["message_ja"].as_str().unwrap_or("登降園の受付は準備中です。").to_owned();
        let status = if a.status.is_server_error() { StatusCode::BAD_GATEWAY } else { a.status };
        return Err(super::view::error_page(v, status, &message).into());
    }
    Ok(page(status, layout(v, "登降園手続き", body(v, code, &a.body, done, &form))))
}

async fn checkin(v: Visit, Path(code): Path<String>, Posted(pairs): Fields) -> PageResult {
    require_parent(&v, &code)?;
    let values = form_map(&pairs);
    v.check_form(&values)?;
    let what = values.get("action").cloned().unwrap_or_default();
    let number: i64 = values.get("number").and_then(|n| n.parse().ok()).unwrap_or(0);
    let a = v
        .call(Method::POST, &format!("/api/checkin/{}", enc(&code)), Some(json!({"action": what, "numbers": [number]})))
        .await;
    if a.ok() {
        return Ok(see_other(&format!("/checkin/{}?done={}", enc(&code), enc(&what))));
    }
    let mut form = Form::with(values);
    form.refused(&a, "登録できませんでした。", &[]);
    render(&v, &code, None, form, StatusCode::UNPROCESSABLE_ENTITY).await.map(IntoResponse::into_response)
}
