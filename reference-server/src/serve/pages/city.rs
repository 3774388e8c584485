//! Municipality staff (seed 2): the registrations to certify (which issues the parent's account and mails
//! the set-password link) or reject, and the mail outbox where no SMTP server is configured.

use std::collections::HashMap;

use axum::Form as Posted;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::{Method, StatusCode};
use axum::routing::{get, post};
use maud::{Markup, html};
use serde_json::{Value, json};

use super::view::{Form, csrf, layout, stamp_ja};
use super::{PageResult, Pages, Visit, form_map, html as page, see_other};
use crate::serve::auth::Role;

type Q = Query<HashMap<String, String>>;
type Fields = Posted<Vec<(String, String)>>;

pub(super) fn routes(r: Router<Pages>) -> Router<Pages> {
    r.route("/city", get(registrations))
        .route("/city/registrations/{id}/{action}", post(act))
        .route("/city/outbox", get(outbox))
        .route("/city/facilities", get(facilities))
}

const FEE_CLASSES: &[(&str, &str)] = &[
    ("standard", "一般"),
    ("welfare", "生活保護世帯"),
    ("tax_exempt", "住民税非課税世帯"),
    ("low_income", "所得割 77,101円未満"),
    ("support_needed", "要支援・要保護"),
];

async fn registrations(v: Visit, Query(q): Q) -> PageResult {
    v.require(Role::Municipality)?;
    render(&v, q.get("done").map(String::as_str), None, StatusCode::OK).await
}

fn certify_form(v: &Visit, id: i64, form: &Form) -> Markup {
    let mut form = Form { values: form.values.clone(), errors: form.errors.clone(), ..Form::default() };
    form.id_prefix = format!("r{id}-");
    let classes: Vec<(String, String)> = FEE_CLASSES.iter().map(|(a, b)| ((*a).into(), (*b).into())).collect();
    html! {
        form.certify method="post" action=(format!("/city/registrations/{id}/certify")) {
            (csrf(v))
            div.row {
                (form.input("from", "認定期間（開始）", "date", true, None))
                (form.input("to", "認定期間（終了）", "date", true, None))
            }
            (form.select("fee_class", "利用料の区分", true, &classes))
            div.actions {
                button.primary type="submit" data-action="certify" { "認定する" }
            }
        }
        form.inline method="post" action=(format!("/city/registrations/{id}/reject")) {
            (csrf(v))
            button.danger type="submit" data-action="reject" { "認定しない" }
        }
    }
}

fn registration(v: &Visit, r: &Value, refused: Option<&(i64, Form)>, defaults: &Form) -> Markup {
    let id = r["id"].as_i64().unwrap_or(0);
    let d = &r["data"];
    let status = r["status"].as_str().unwrap_or("");
    let form = refused.filter(|(i, _)| *i == id).map(|(_, f)| f).unwrap_or(defaults);
    let text = |x: &Value| x.as_str().unwrap_or("").to_owned();
    html! {
        article.registration data-registration=(id) data-status=(status) {
            h3 { "受付番号 " (id) "：" (text(&d["parent"]["name"])) " さま "
                span class=(format!("badge badge-{status}")) { (match status { "pending" => "認定待ち", "certified" => "認定済", "rejected" => "認定しない", _ => "" }) } }
            dl {
                div { dt { "メールアドレス" } dd { (text(&r["email"])) } }
                div { dt { "ふりがな" } dd { (text(&d["parent"]["kana"])) } }
                div { dt { "電話番号" } dd { (text(&d["parent"]["phone"])) } }
                div { dt { "住所" } dd { (text(&d["parent"]["address"])) } }
                div { dt { "緊急連絡先" } dd { (text(&d["parent"]["emergency_contact"])) } }
                @for c in d["children"].as_array().into_iter().flatten() {
                    div { dt { "お子さま" } dd { (text(&c["name"])) "（" (text(&c["kana"])) "）生年月日 " (text(&c["birth_date"]))
                        @if !text(&c["notes"]).is_empty() { br; "配慮事項：" (text(&c["notes"])) } } }
                }
                div { dt { "受付日時" } dd { (stamp_ja(&text(&r["created_at"]))) } }
            }
            @if status == "pending" {
                @if let Some((i, f)) = refused { @if *i == id { (f.alerts()) } }
                (certify_form(v, id, form))
            }
        }
    }
}

async fn render(v: &Visit, done: Option<&str>, refused: Option<(i64, Form)>, status: StatusCode) -> PageResult {
    let list = v.get("/api/municipality/registrations").await?;
    let rows: Vec<&Value> = list["registrations"].as_array().map(|r| r.iter().collect()).unwrap_or_default();
    let pending_rows: Vec<&Value> = rows.iter().copied().filter(|r| r["status"] == "pending").collect();
    let done_rows: Vec<&Value> = rows.iter().copied().filter(|r| r["status"] != "pending").collect();
    let today = v.pages.app.clock.engine_now().date();
    let mut defaults = Form::default();
    defaults.values.insert("from".into(), tsuen::clock::format_date(today));
    defaults.values.insert("to".into(), tsuen::clock::format_date(today + time::Duration::days(364)));
    defaults.values.insert("fee_class".into(), "standard".into());
    let body = html! {
        h1 { "利用者登録の認定" }
        @match done {
            Some("certify") => { div.notice role="status" { p { "認定しました。アカウントを発行し、パスワード設定のご案内をメールで送信しました。" } } }
            Some("reject") => { div.notice role="status" { p { "認定しないことを登録し、メールで通知しました。" } } }
            _ => {}
        }
        section aria-labelledby="pending" {
            h2 id="pending" { "認定待ちの利用者登録" }
            @if pending_rows.is_empty() { p { "認定待ちの登録はありません。" } }
            div.cards.wide { @for r in &pending_rows { (registration(v, r, refused.as_ref(), &defaults)) } }
        }
        @if !done_rows.is_empty() {
            section aria-labelledby="done" {
                h2 id="done" { "処理済みの利用者登録" }
                div.cards.wide { @for r in &done_rows { (registration(v, r, None, &defaults)) } }
            }
        }
        p { a href="/city/claims" { "利用実績・請求・月締め・CSVダウンロード →" } }
    };
    Ok(page(status, layout(v, "利用者登録の認定", body)))
}

async fn act(v: Visit, Path((id, action)): Path<(i64, String)>, Posted(pairs): Fields) -> PageResult {
    v.require(Role::Municipality)?;
    let values = form_map(&pairs);
    v.check_form(&values)?;
    let get = |k: &str| values.get(k).cloned().unwrap_or_default();
    let a = match action.as_str() {
        "certify" => {
            let body = json!({"from": get("from"), "to": get("to"), "fee_class": get("fee_class")});
            v.call(Method::POST, &format!("/api/municipality/registrations/{id}/certify"), Some(body)).await
        }
        "reject" => v.call(Method::POST, &format!("/api/municipality/registrations/{id}/reject"), None).await,
        _ => return Err(super::view::error_page(&v, StatusCode::NOT_FOUND, "見つかりません。").into()),
    };
    if a.ok() {
        return Ok(see_other(&format!("/city?done={action}")));
    }
    let mut form = Form::with(values);
    form.refused(&a, "処理できませんでした。", &[("from", "from"), ("to", "to"), ("fee_class", "fee_class")]);
    render(&v, None, Some((id, form)), StatusCode::UNPROCESSABLE_ENTITY).await
}

async fn outbox(v: Visit) -> PageResult {
    v.require(Role::Municipality)?;
    let list = v.get("/api/outbox").await?;
    let body = html! {
        h1 { "送信メール" }
        p.hint { "SMTPサーバーが設定されていないときに送信されたメールです（新しい順）。" }
        div.cards.wide {
            @for m in list["mail"].as_array().into_iter().flatten() {
                article.mail {
                    h2 { (m["subject"].as_str().unwrap_or("")) }
                    p.hint { "宛先：" (m["to"].as_str().unwrap_or("")) "　" (stamp_ja(m["created_at"].as_str().unwrap_or(""))) }
                    pre { (m["body"].as_str().unwrap_or("")) }
                }
            }
        }
    };
    Ok(page(StatusCode::OK, layout(&v, "送信メール", body)))
}

async fn facilities(v: Visit) -> PageResult {
    let a = v.require(Role::Municipality)?.clone();
    let code = a.municipality.clone().unwrap_or_default();
    let list = v.get(&format!("/api/facilities?municipality={}", super::enc(&code))).await?;
    let body = html! {
        h1 { "区域内の施設" }
        div.cards {
            @for f in list["facilities"].as_array().into_iter().flatten() {
                article.facility data-facility=(f["id"].as_str().unwrap_or("")) {
                    h2 { (f["name"].as_str().unwrap_or("")) }
                    p { (f["profile"]["address"].as_str().unwrap_or("")) }
                    p { (f["profile"]["phone"].as_str().unwrap_or("")) }
                    p.kinds { @for k in f["kinds"].as_array().into_iter().flatten() {
                        span.tag { (super::view::kind_ja(k.as_str().unwrap_or(""))) } " "
                    } }
                }
            }
        }
    };
    Ok(page(StatusCode::OK, layout(&v, "区域内の施設", body)))
}
