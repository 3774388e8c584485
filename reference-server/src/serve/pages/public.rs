//! Before login (seed 1 and 2): the public home (都道府県 / 市区町村, 確認する, the online application
//! request), 利用者登録 from the mailed link, パスワードの再設定, パスワードリセット申請, 利用者向けログイン,
//! and logout.

use axum::Form as Posted;
use axum::Router;
use axum::extract::Query;
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use maud::{Markup, html};
use serde_json::{Value, json};
use std::collections::HashMap;

use super::view::{Form, csrf, layout};
use super::{PageResult, Pages, Visit, enc, form_map, html as page, see_other};
use crate::serve::auth::Role;

type Q = Query<HashMap<String, String>>;
type Fields = Posted<Vec<(String, String)>>;

pub(super) fn routes(r: Router<Pages>) -> Router<Pages> {
    r.route("/", get(home))
        .route("/apply", post(apply))
        .route("/register", get(register_page).post(register))
        .route("/register/done", get(register_done))
        .route("/password", get(password_page).post(password))
        .route("/password/reset", get(reset_page).post(reset))
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
}

/// Where each role lands after login.
pub(super) fn home_of(role: Role) -> &'static str {
    match role {
        Role::Parent => "/mypage",
        Role::Facility => "/staff",
        Role::Municipality => "/city",
    }
}

async fn home(v: Visit, Query(q): Q) -> PageResult {
    let form = Form::with(q);
    render_home(&v, form, StatusCode::OK).await
}

async fn render_home(v: &Visit, form: Form, status: StatusCode) -> PageResult {
    let list = v.get("/api/municipalities").await?;
    let munis: Vec<&Value> = list["municipalities"].as_array().map(|a| a.iter().collect()).unwrap_or_default();
    let mut prefs: Vec<&str> = munis.iter().filter_map(|m| m["prefecture"].as_str()).collect();
    prefs.dedup();
    prefs.sort_unstable();
    prefs.dedup();
    let pref = form.value("pref").to_owned();
    let city = form.value("city").to_owned();
    let chosen = munis.iter().find(|m| m["code"] == city.as_str());
    let mismatch = chosen.is_some_and(|m| !pref.is_empty() && m["prefecture"] != pref.as_str());
    let sent = form.value("sent") == "1";
    let body = html! {
        h1 { "こども誰でも通園制度" }
        p.lead { "こども誰でも通園制度を利用するためには「こども誰でも通園制度総合支援システム」の利用が必要になります。" }
        section.card aria-labelledby="check-title" {
            p.eyebrow { "まずは利用申請から！" }
            h2 id="check-title" { "お住まいの地域で利用可能か確認する" }
            form method="get" action="/" {
                div.field {
                    label for="f-pref" { "お住まいの都道府県を選択して下さい。" }
                    select id="f-pref" name="pref" {
                        option value="" { "都道府県" }
                        @for p in &prefs { option value=(p) selected[pref == *p] { (p) } }
                    }
                }
                div.field.invalid[mismatch] {
                    label for="f-city" { "お住まいの市区町村を選択して下さい。" }
                    select id="f-city" name="city" required aria-invalid=[mismatch.then_some("true")]
                        aria-describedby=[mismatch.then_some("f-city-error")] {
                        option value="" { "市区町村" }
                        @for p in &prefs {
                            optgroup label=(p) {
                                @for m in munis.iter().filter(|m| m["prefecture"] == *p) {
                                    @let code = m["code"].as_str().unwrap_or("");
                                    option value=(code) data-pref=(p) selected[city == code] { (m["name"].as_str().unwrap_or("")) }
                                }
                            }
                        }
                    }
                    @if mismatch { p.error id="f-city-error" { "選択した都道府県の市区町村を選んでください。" } }
                }
                button.primary type="submit" { "確認する" }
            }
            script src="/static/home.js" defer {}
        }
        @if let (Some(m), false) = (chosen, mismatch) {
            section.card aria-labelledby="result-title" data-participation=(m["participation"].as_str().unwrap_or("")) {
                h2 id="result-title" { (m["prefecture"].as_str().unwrap_or("")) " " (m["name"].as_str().unwrap_or("")) }
                @match m["participation"].as_str().unwrap_or("") {
                    "online" => {
                        @if sent {
                            div.notice role="status" { p { "申請の案内をお送りしました。メールに記載のリンクから利用者登録を行ってください。" } }
                        } @else {
                            p { "お住まいの市区町村でオンライン利用申請が可能です。" }
                            p { "メールアドレスを入力してオンライン利用申請のリクエストを送信してください。申請の案内をお送りいたします。" }
                            (form.alerts())
                            form method="post" action="/apply" {
                                (csrf(v))
                                input type="hidden" name="city" value=(city);
                                input type="hidden" name="pref" value=(pref);
                                (form.input_with("email", "メールアドレス", "email", true, None, Some("email")))
                                div.actions {
                                    button.primary type="submit" { "申請する" }
                                    a.button.secondary href="/" { "キャンセル" }
                                }
                            }
                        }
                    }
                    "paper" => {
                        p { "お住まいの市区町村では、オンライン利用申請は受け付けていません。窓口または郵送（紙の申請書）で申請してください。" }
                    }
                    _ => {
                        p { "お住まいの市区町村では、こども誰でも通園制度の利用申請はまだ受け付けていません。" }
                    }
                }
            }
        }
        section.card {
            h2 { "登録済みの方" }
            p { a href="/login" { "利用者向けログイン →" } }
            p { a href="/password/reset" { "パスワードをお忘れの方はこちら →" } }
        }
    };
    Ok(page(status, layout(v, "トップ", body)))
}

async fn apply(v: Visit, Posted(pairs): Fields) -> PageResult {
    let values = form_map(&pairs);
    v.check_form(&values)?;
    let body = json!({"email": values.get("email").cloned().unwrap_or_default(),
                      "municipality": values.get("city").cloned().unwrap_or_default()});
    let a = v.call(Method::POST, "/api/applications", Some(body)).await;
    if a.ok() {
        let city = values.get("city").cloned().unwrap_or_default();
        let pref = values.get("pref").cloned().unwrap_or_default();
        return Ok(see_other(&format!("/?pref={}&city={}&sent=1", enc(&pref), enc(&city))));
    }
    let mut form = Form::with(values);
    form.refused(&a, "申請できませんでした。", &[("email", "email")]);
    render_home(&v, form, StatusCode::UNPROCESSABLE_ENTITY).await
}

const PARENT_FIELDS: &[(&str, &str, &str, Option<&str>)] = &[
    ("parent.name", "保護者氏名", "text", Some("name")),
    ("parent.kana", "保護者氏名（ふりがな）", "text", None),
    ("parent.phone", "電話番号", "tel", Some("tel")),
    ("parent.address", "住所", "text", Some("street-address")),
    ("parent.emergency_contact", "緊急連絡先（氏名・電話番号）", "text", None),
];

fn register_form(v: &Visit, form: &Form) -> Markup {
    let child = |k: usize, required: bool| {
        html! {
            fieldset {
                legend { "お子さま" (k + 1) @if !required { "（任意）" } }
                (form.input(&format!("children[{k}].name"), "お名前", "text", required, None))
                (form.input(&format!("children[{k}].kana"), "お名前（ふりがな）", "text", required, None))
                (form.input(&format!("children[{k}].birth_date"), "生年月日", "date", required, Some("例：2024-05-01")))
                (form.input(&format!("children[{k}].notes"), "アレルギー・配慮事項など", "text", false, None))
            }
        }
    };
    html! {
        h1 { "利用者登録" }
        p { "必要事項を入力してください。登録された内容を市区町村で確認し、認定します。認定されると、つうえんポータルのアカウントが発行され、登録したメールアドレスに通知されます。" }
        (form.alerts())
        form method="post" action="/register" novalidate {
            (csrf(v))
            input type="hidden" name="token" value=(form.value("token"));
            fieldset {
                legend { "保護者" }
                @for (name, label, kind, auto) in PARENT_FIELDS { (form.input_with(name, label, kind, true, None, *auto)) }
            }
            (child(0, true))
            (child(1, false))
            div.actions { button.primary type="submit" { "登録する →" } }
        }
    }
}

async fn register_page(v: Visit, Query(q): Q) -> PageResult {
    let form = Form::with(q);
    if form.value("token").is_empty() {
        return Err(super::view::error_page(
            &v,
            StatusCode::BAD_REQUEST,
            "利用者登録は、オンライン利用申請のメールに記載のリンクから行ってください。",
        )
        .into());
    }
    Ok(page(StatusCode::OK, layout(&v, "利用者登録", register_form(&v, &form))))
}

async fn register(v: Visit, Posted(pairs): Fields) -> PageResult {
    let values = form_map(&pairs);
    v.check_form(&values)?;
    let get = |k: &str| values.get(k).map(|s| s.trim().to_owned()).unwrap_or_default();
    let mut children = Vec::new();
    for k in 0..2 {
        let p = |f: &str| get(&format!("children[{k}].{f}"));
        if k == 0 || !(p("name").is_empty() && p("kana").is_empty() && p("birth_date").is_empty()) {
            children.push(
                json!({"name": p("name"), "kana": p("kana"), "birth_date": p("birth_date"), "notes": p("notes")}),
            );
        }
    }
    let body = json!({
        "token": get("token"),
        "parent": {"name": get("parent.name"), "kana": get("parent.kana"), "phone": get("parent.phone"),
                   "address": get("parent.address"), "emergency_contact": get("parent.emergency_contact")},
        "children": children,
    });
    let a = v.call(Method::POST, "/api/registrations", Some(body)).await;
    if a.ok() {
        return Ok(see_other("/register/done"));
    }
    let mut form = Form::with(values);
    let mut fields: Vec<(String, String)> = PARENT_FIELDS.iter().map(|(n, ..)| ((*n).into(), (*n).into())).collect();
    for k in 0..2 {
        for f in ["name", "kana", "birth_date", "notes"] {
            let n = format!("children[{k}].{f}");
            fields.push((n.clone(), n));
        }
    }
    let refs: Vec<(&str, &str)> = fields.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    form.refused(&a, "登録できませんでした。", &refs);
    Ok(page(StatusCode::UNPROCESSABLE_ENTITY, layout(&v, "利用者登録", register_form(&v, &form))))
}

async fn register_done(v: Visit) -> PageResult {
    Ok(page(
        StatusCode::OK,
        layout(
            &v,
            "利用者登録",
            html! {
                h1 { "利用者登録を受け付けました" }
                div.notice role="status" {
                    p { "登録された内容を市区町村で確認し、認定します。認定されると、登録したメールアドレスにアカウント発行のお知らせとパスワード設定のご案内が届きます。" }
                }
            },
        ),
    ))
}

fn password_form(v: &Visit, form: &Form) -> Markup {
    html! {
        p.eyebrow { "パスワードリセット" }
        h1 { "パスワードの再設定" }
        (form.alerts())
        form method="post" action="/password" novalidate {
            (csrf(v))
            input type="hidden" name="token" value=(form.value("token"));
            (form.input_with("password", "パスワード", "password", true, Some("パスワードを入力してください。（10文字以上）"), Some("new-password")))
            (form.input_with("password_confirmation", "パスワード (確認用)", "password", true, Some("パスワード (確認用) を入力してください。"), Some("new-password")))
            div.actions { button.primary type="submit" { "変更 →" } }
        }
    }
}

async fn password_page(v: Visit, Query(q): Q) -> PageResult {
    Ok(page(StatusCode::OK, layout(&v, "パスワードの再設定", password_form(&v, &Form::with(q)))))
}

async fn password(v: Visit, Posted(pairs): Fields) -> PageResult {
    let values = form_map(&pairs);
    v.check_form(&values)?;
    let get = |k: &str| values.get(k).cloned().unwrap_or_default();
    let body = json!({"token": get("token"), "password": get("password"),
                      "password_confirmation": get("password_confirmation")});
    let a = v.call(Method::POST, "/api/password", Some(body)).await;
    if a.ok() {
        return Ok(see_other("/login?done=password"));
    }
    let mut form = Form::with(values);
    form.refused(
        &a,
        "パスワードを設定できませんでした。",
        &[("password", "password"), ("password_confirmation", "password_confirmation")],
    );
    Ok(page(StatusCode::UNPROCESSABLE_ENTITY, layout(&v, "パスワードの再設定", password_form(&v, &form))))
}

fn reset_form(v: &Visit, form: &Form) -> Markup {
    html! {
        h1 { "パスワードリセット申請" }
        h2 { "メールアドレス入力" }
        @if form.value("sent") == "1" {
            div.notice role="status" { p { "ご登録のメールアドレスであれば、パスワード再設定のご案内をお送りしました。30分以内にメールのリンクから再設定してください。" } }
        }
        (form.alerts())
        form method="post" action="/password/reset" novalidate {
            (csrf(v))
            (form.input_with("email", "メールアドレス", "email", true, None, Some("email")))
            (form.input_with("email_confirmation", "メールアドレス (確認用)", "email", true, None, Some("email")))
            div.actions {
                button.primary type="submit" { "メール送信 →" }
                a.button.secondary href="/login" { "戻る →" }
            }
        }
    }
}

async fn reset_page(v: Visit, Query(q): Q) -> PageResult {
    Ok(page(StatusCode::OK, layout(&v, "パスワードリセット申請", reset_form(&v, &Form::with(q)))))
}

async fn reset(v: Visit, Posted(pairs): Fields) -> PageResult {
    let values = form_map(&pairs);
    v.check_form(&values)?;
    let get = |k: &str| values.get(k).cloned().unwrap_or_default();
    let body = json!({"email": get("email"), "email_confirmation": get("email_confirmation")});
    let a = v.call(Method::POST, "/api/password/reset", Some(body)).await;
    if a.ok() {
        return Ok(see_other("/password/reset?sent=1"));
    }
    let mut form = Form::with(values);
    form.refused(&a, "送信できませんでした。", &[("email", "email"), ("email_confirmation", "email_confirmation")]);
    Ok(page(StatusCode::UNPROCESSABLE_ENTITY, layout(&v, "パスワードリセット申請", reset_form(&v, &form))))
}

fn login_form(v: &Visit, form: &Form) -> Markup {
    html! {
        h1 { "利用者向けログイン" }
        @match form.value("done") {
            "password" => { div.notice role="status" { p { "パスワードを設定しました。ログインしてください。" } } }
            "logout" => { div.notice role="status" { p { "ログアウトしました。" } } }
            _ => {}
        }
        (form.alerts())
        form method="post" action="/login" novalidate {
            (csrf(v))
            @if !form.value("next").is_empty() { input type="hidden" name="next" value=(form.value("next")); }
            (form.input_with("email", "ログインID", "email", true, Some("登録したメールアドレスを入力して下さい。"), Some("username")))
            (form.input_with("password", "パスワード", "password", true, Some("パスワードを入力して下さい。"), Some("current-password")))
            div.actions { button.primary type="submit" { "ログイン →" } }
        }
        p { a href="/password/reset" { "パスワードをお忘れの方はこちら →" } }
        p.hint { "施設・市区町村の職員の方も、この画面からログインしてください。" }
    }
}

async fn login_page(v: Visit, Query(q): Q) -> PageResult {
    Ok(page(StatusCode::OK, layout(&v, "利用者向けログイン", login_form(&v, &Form::with(q)))))
}

async fn login(v: Visit, Posted(pairs): Fields) -> PageResult {
    let values = form_map(&pairs);
    v.check_form(&values)?;
    let get = |k: &str| values.get(k).cloned().unwrap_or_default();
    let a = v.call(Method::POST, "/api/login", Some(json!({"email": get("email"), "password": get("password")}))).await;
    if a.ok() {
        let role = a.body["role"].as_str().and_then(Role::parse).unwrap_or(Role::Parent);
        // Back to the page that asked for the login (a local path only: never another site).
        let next = get("next");
        let local = next.starts_with('/') && !next.starts_with("//") && !next.contains('\\');
        let mut resp = see_other(if local { &next } else { home_of(role) });
        if let Some(c) = a.headers.get(header::SET_COOKIE) {
            resp.headers_mut().insert(header::SET_COOKIE, c.clone());
        }
        return Ok(resp);
    }
    let mut form = Form::with(values);
    form.refused(&a, "ログインできませんでした。", &[("email", "email"), ("password", "password")]);
    Ok(page(StatusCode::UNPROCESSABLE_ENTITY, layout(&v, "利用者向けログイン", login_form(&v, &form))))
}

async fn logout(v: Visit, Posted(pairs): Fields) -> Response {
    let values = form_map(&pairs);
    if let Err(e) = v.check_form(&values) {
        return e.into_response();
    }
    let a = v.call(Method::POST, "/api/logout", None).await;
    let mut resp = see_other("/login?done=logout");
    if let Some(c) = a.headers.get(header::SET_COOKIE) {
        resp.headers_mut().insert(header::SET_COOKIE, c.clone());
    }
    resp.into_response()
}
