//! Facility staff: printed (static) check-in codes for a door where no screen shows the rotating code.
//! The list (revoked ones too), a new code (its 2D code and URL shown once: the portal keeps only its
//! hash, so the page that made it is the only place it can be printed from) and revoking one.

use std::collections::HashMap;

use axum::Form as Posted;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::{Method, StatusCode};
use axum::routing::{get, post};
use maud::html;
use serde_json::{Value, json};

use super::view::{Form, csrf, layout, stamp_ja};
use super::{PageResult, Pages, Visit, form_map, html as page, see_other};
use crate::serve::auth::Role;

type Q = Query<HashMap<String, String>>;
type Fields = Posted<Vec<(String, String)>>;

pub(super) fn routes(r: Router<Pages>) -> Router<Pages> {
    r.route("/staff/codes", get(codes_page).post(create)).route("/staff/codes/{id}/revoke", post(revoke))
}

async fn render(v: &Visit, done: Option<&str>, made: Option<&Value>, form: Form, status: StatusCode) -> PageResult {
    let list = v.get("/api/facility/checkin-codes").await?;
    let codes = list["codes"].as_array().cloned().unwrap_or_default();
    let body = html! {
        h1 { "印刷用の登降園コード" }
        p.hint { "画面を置けない入口には、印刷した2次元コードを掲示できます。なくしたときや古くなったときは無効にしてください。" }
        @if done == Some("revoke") { div.notice role="status" { p { "コードを無効にしました。" } } }
        (form.alerts())
        @if let Some(m) = made {
            section.card aria-labelledby="new-title" data-new-code {
                h2 id="new-title" { "新しいコード（この画面でのみ表示されます）" }
                div.warning { p { "このコードは二度と表示されません。今すぐ印刷するか、URLを控えてください。" } }
                (super::day::qr(m["url"].as_str().unwrap_or("")))
                p { "URL：" code.url { (m["url"].as_str().unwrap_or("")) } }
            }
        }
        section.card aria-labelledby="make-title" {
            h2 id="make-title" { "コードを作成する" }
            form method="post" action="/staff/codes" {
                (csrf(v))
                (form.input("label", "名前", "text", false, Some("例：正面玄関（60文字以内、空欄なら「掲示用」）")))
                button.primary type="submit" data-action="create-code" { "コードを作成する" }
            }
        }
        section aria-labelledby="list-title" {
            h2 id="list-title" { "作成したコード" }
            @if codes.is_empty() { p { "印刷用のコードはありません。" } } @else {
                div.scroll {
                    table.list {
                        thead { tr { th scope="col" { "名前" } th scope="col" { "作成日時" } th scope="col" { "状態" } th scope="col" { "操作" } } }
                        tbody {
                            @for c in &codes {
                                @let id = c["id"].as_i64().unwrap_or(0);
                                tr data-code-id=(id) {
                                    td data-label="名前" { (c["label"].as_str().unwrap_or("")) }
                                    td data-label="作成日時" { (stamp_ja(c["created_at"].as_str().unwrap_or(""))) }
                                    td data-label="状態" {
                                        @if let Some(at) = c["revoked_at"].as_str() { "無効（" (stamp_ja(at)) "）" } @else { "有効" }
                                    }
                                    td data-label="操作" {
                                        @if c["revoked_at"].is_null() {
                                            form.inline method="post" action=(format!("/staff/codes/{id}/revoke")) {
                                                (csrf(v))
                                                button.danger type="submit" data-action="revoke" { "無効にする" }
                                            }
                                        } @else { "—" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(page(status, layout(v, "印刷用の登降園コード", body)))
}

async fn codes_page(v: Visit, Query(q): Q) -> PageResult {
    v.require(Role::Facility)?;
    render(&v, q.get("done").map(String::as_str), None, Form::default(), StatusCode::OK).await
}

/// A new code is shown in the answer to the form (no redirect): it cannot be read again.
async fn create(v: Visit, Posted(pairs): Fields) -> PageResult {
    v.require(Role::Facility)?;
    let values = form_map(&pairs);
    v.check_form(&values)?;
    let label = values.get("label").cloned().unwrap_or_default();
    let a = v.call(Method::POST, "/api/facility/checkin-codes", Some(json!({"label": label}))).await;
    if a.ok() {
        return render(&v, None, Some(&a.body), Form::default(), StatusCode::OK).await;
    }
    let mut form = Form::with(values);
    form.refused(&a, "コードを作成できませんでした。", &[("label", "label")]);
    render(&v, None, None, form, StatusCode::UNPROCESSABLE_ENTITY).await
}

async fn revoke(v: Visit, Path(id): Path<i64>, Posted(pairs): Fields) -> PageResult {
    v.require(Role::Facility)?;
    let values = form_map(&pairs);
    v.check_form(&values)?;
    let a = v.call(Method::POST, &format!("/api/facility/checkin-codes/{id}/revoke"), None).await;
    if a.ok() {
        return Ok(see_other("/staff/codes?done=revoke"));
    }
    let mut form = Form::default();
    form.refused(&a, "コードを無効にできませんでした。", &[]);
    render(&v, None, None, form, StatusCode::UNPROCESSABLE_ENTITY).await
}
