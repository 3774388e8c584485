//! Public routes: health, the municipalities and whether they take part, the online application
//! request (flow 1), the registration (flow 2), and the test-only clock.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};
use time::Duration;

use super::{Route, parse};
use crate::serve::app::{ApiError, App};
use crate::serve::auth::{new_token, token_hash};
use crate::serve::clock::stamp;
use crate::serve::mail::queue;
use crate::serve::store::{NewAccount, NewToken, Store};

pub(super) fn routes() -> Vec<Route> {
    vec![
        Route {
            method: "GET",
            path: "/healthz",
            roles: &[],
            summary: "200 when the portal is ready",
            body: None,
            response: (200, "Text"),
            handler: || get(healthz),
        },
        Route {
            method: "GET",
            path: "/api/municipalities",
            roles: &[],
            summary: "Prefectures and municipalities, and whether each takes part (online, paper, not yet)",
            body: None,
            response: (200, "Municipalities"),
            handler: || get(municipalities),
        },
        Route {
            method: "POST",
            path: "/api/applications",
            roles: &[],
            summary: "Online application request: mails the instructions with a registration link",
            body: Some("ApplicationRequest"),
            response: (202, "Status"),
            handler: || post(apply),
        },
        Route {
            method: "POST",
            path: "/api/registrations",
            roles: &[],
            summary: "Registration (parent and children) with the mailed link's token; the municipality reviews it",
            body: Some("Registration"),
            response: (201, "RegistrationCreated"),
            handler: || post(register),
        },
        Route {
            method: "POST",
            path: "/api/test/seed",
            roles: &[],
            summary: "Test-only (--test-endpoints): engine writes, accounts and participation for a test fixture",
            body: Some("TestSeed"),
            response: (200, "SeedDone"),
            handler: || post(seed).layer(axum::extract::DefaultBodyLimit::max(64 << 20)),
        },
        Route {
            method: "GET",
            path: "/api/test/pragmas",
            roles: &[],
            summary: "Test-only (--test-endpoints): the writer connection's journal_mode and synchronous",
            body: None,
            response: (200, "Pragmas"),
            handler: || get(pragmas),
        },
        Route {
            method: "POST",
            path: "/api/test/now",
            roles: &[],
            summary: "Test-only (--test-endpoints): sets the server's clock",
            body: Some("TestNow"),
            response: (200, "Now"),
            handler: || post(set_now),
        },
    ]
}

async fn healthz() -> &'static str {
    "ok"
}

/// How a municipality takes part.
pub(crate) fn participation(app: &App, code: &str) -> Result<String, ApiError> {
    let p = app.reader.lock().expect("reader").participation(code)?;
    Ok(p.unwrap_or_else(|| "not_yet".into()))
}

async fn municipalities(State(app): State<App>) -> Result<Json<Value>, ApiError> {
    let list: Vec<(String, String, String)> =
        app.world().municipalities().map(|m| (m.code.clone(), m.name.clone(), m.prefecture.clone())).collect();
    let mut out = Vec::new();
    for (code, name, prefecture) in list {
        let p = participation(&app, &code)?;
        out.push(json!({"code": code, "name": name, "prefecture": prefecture, "participation": p}));
    }
    Ok(Json(json!({"municipalities": out})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ApplicationRequest {
    email: String,
    municipality: String,
}

pub(crate) fn check_email(field: &str, email: &str) -> Result<(), ApiError> {
    let ok = email.len() <= 254
        && email.split_once('@').is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !d.starts_with('.'))
        && !email.chars().any(char::is_whitespace);
    if ok {
        Ok(())
    } else {
        Err(ApiError::field(field, "Not an e-mail address.", "メールアドレスの形式が正しくありません。"))
    }
}

async fn apply(State(app): State<App>, body: Bytes) -> Result<(StatusCode, Json<Value>), ApiError> {
    let req: ApplicationRequest = parse(&body)?;
    let email = req.email.trim().to_lowercase();
    check_email("email", &email)?;
    if app.world().municipalities().all(|m| m.code != req.municipality) {
        return Err(ApiError::field("municipality", "No such municipality.", "市区町村が見つかりません。"));
    }
    if participation(&app, &req.municipality)? != "online" {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "not_online",
            "This municipality does not take applications online.",
            "この市区町村ではオンライン申請を受け付けていません。",
        ));
    }
    let token = new_token();
    let base = app.settings.base_url.clone();
    let municipality = req.municipality.clone();
    app.write(move |ctx| {
        let now = ctx.clock.now();
        ctx.db.insert_token(&NewToken {
            hash: &token_hash(&token),
            purpose: "apply",
            account: None,
            email: Some(&email),
            municipality: Some(&municipality),
            expires_at: &stamp(now + Duration::hours(24)),
        })?;
        queue(
            ctx.db,
            &email,
            "【つうえんポータル】オンライン利用申請のご案内",
            &format!(
                "こども誰でも通園制度のオンライン利用申請のリクエストを受け付けました。\n\
                 次のリンクから24時間以内に利用者登録を行ってください（メールアドレスは確認済みになります）。\n\n\
                 {base}/register?token={token}\n\n\
                 お心当たりのない場合は、このメールを破棄してください。"
            ),
            now,
        )?;
        Ok(((), None))
    })
    .await?;
    Ok((StatusCode::ACCEPTED, Json(json!({"status": "sent"}))))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Registration {
    token: String,
    parent: ParentDetails,
    children: Vec<ChildDetails>,
}

#[derive(Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ParentDetails {
    pub name: String,
    pub kana: String,
    pub phone: String,
    pub address: String,
    pub emergency_contact: String,
}

#[derive(Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ChildDetails {
    pub name: String,
    pub kana: String,
    pub birth_date: String,
    #[serde(default)]
    pub notes: String,
}

fn required(field: &str, v: &str, max: usize) -> Result<(), ApiError> {
    let n = v.trim().chars().count();
    if n == 0 {
        return Err(ApiError::field(field, "Required.", "必須項目です。"));
    }
    if n > max {
        return Err(ApiError::field(
            field,
            format!("At most {max} characters."),
            format!("{max}文字以内で入力してください。"),
        ));
    }
    Ok(())
}

fn check_registration(r: &Registration) -> Result<(), ApiError> {
    let p = &r.parent;
    required("parent.name", &p.name, 100)?;
    required("parent.kana", &p.kana, 100)?;
    required("parent.phone", &p.phone, 20)?;
    if !p.phone.chars().all(|c| c.is_ascii_digit() || c == '-' || c == '+') {
        return Err(ApiError::field(
            "parent.phone",
            "Digits and hyphens only.",
            "電話番号は数字とハイフンで入力してください。",
        ));
    }
    required("parent.address", &p.address, 200)?;
    required("parent.emergency_contact", &p.emergency_contact, 100)?;
    if r.children.is_empty() || r.children.len() > 10 {
        return Err(ApiError::field("children", "One to ten children.", "お子さまを1人以上登録してください。"));
    }
    for (i, c) in r.children.iter().enumerate() {
        required(&format!("children[{i}].name"), &c.name, 100)?;
        required(&format!("children[{i}].kana"), &c.kana, 100)?;
        tsuen::clock::parse_date(&c.birth_date).map_err(|e| {
            ApiError::field(&format!("children[{i}].birth_date"), e, "生年月日の形式が正しくありません（YYYY-MM-DD）。")
        })?;
        if c.notes.chars().count() > 1000 {
            return Err(ApiError::field(
                &format!("children[{i}].notes"),
                "At most 1000 characters.",
                "1000文字以内で入力してください。",
            ));
        }
    }
    Ok(())
}

/// What a used token was for.
pub(crate) struct TokenUse {
    pub account: Option<i64>,
    pub email: Option<String>,
    pub municipality: Option<String>,
}

/// Uses a single-use token: it must exist for this purpose, be unexpired and unused.
pub(crate) fn use_token(
    db: &dyn Store,
    token: &str,
    purpose: &str,
    now: time::OffsetDateTime,
) -> Result<TokenUse, ApiError> {
    let hash = token_hash(token);
    match db.token(&hash, purpose)? {
        Some(row) if !row.used && crate::serve::clock::parse_stamp(&row.expires_at).is_some_and(|t| t > now) => {
            db.mark_token_used(&hash, &stamp(now))?;
            Ok(TokenUse { account: row.account, email: row.email, municipality: row.municipality })
        }
        _ => Err(ApiError::field(
            "token",
            "The link is invalid, used or expired.",
            "リンクが無効か、使用済みか、有効期限切れです。",
        )),
    }
}

async fn register(State(app): State<App>, body: Bytes) -> Result<(StatusCode, Json<Value>), ApiError> {
    let r: Registration = parse(&body)?;
    check_registration(&r)?;
    let id = app
        .write(move |ctx| {
            let now = ctx.clock.now();
            let used = use_token(ctx.db, &r.token, "apply", now)?;
            let (email, municipality) = (used.email.unwrap_or_default(), used.municipality.unwrap_or_default());
            let data = json!({"parent": r.parent, "children": r.children}).to_string();
            Ok((ctx.db.insert_registration(&email, &municipality, &data, &stamp(now))?, None))
        })
        .await?;
    Ok((StatusCode::CREATED, Json(json!({"registration": id, "status": "pending"}))))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TestNow {
    now: String,
}

async fn set_now(State(app): State<App>, _headers: HeaderMap, body: Bytes) -> Result<Json<Value>, ApiError> {
    if !app.settings.test_endpoints {
        return Err(ApiError::not_found("route"));
    }
    let t: TestNow = parse(&body)?;
    let now = tsuen::Now::parse(&t.now).map_err(|e| ApiError::field("now", e, "日時の形式が正しくありません。"))?;
    if !app.clock.set(now) {
        return Err(ApiError::field("now", "The clock is the system's (start with --now).", "時計は変更できません。"));
    }
    // What expired at the new now goes at once (the periodic pruner runs on real time).
    let pruned = crate::serve::prune::once(&app).await?;
    Ok(Json(json!({"now": now.to_string(), "pruned": {"sessions": pruned.sessions, "tokens": pruned.tokens}})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TestSeed {
    #[serde(default)]
    ops: Vec<tsuen::Op>,
    #[serde(default)]
    accounts: Vec<TestAccount>,
    #[serde(default)]
    participation: Vec<(String, String)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TestAccount {
    email: String,
    password: String,
    role: String,
    name: String,
    #[serde(default)]
    facility: Option<String>,
    #[serde(default)]
    municipality: Option<String>,
}

async fn seed(State(app): State<App>, body: Bytes) -> Result<Json<Value>, ApiError> {
    if !app.settings.test_endpoints {
        return Err(ApiError::not_found("route"));
    }
    let s: TestSeed = parse(&body)?;
    let fast = app.settings.fast_hash;
    let hashes: Vec<String> = s.accounts.iter().map(|a| crate::serve::auth::hash_password(&a.password, fast)).collect();
    let app2 = app.clone();
    let ids = app
        .write(move |ctx| {
            let now = ctx.clock.now();
            let mut made = Vec::new();
            for (a, hash) in s.accounts.iter().zip(hashes) {
                let role = crate::serve::auth::Role::parse(&a.role).ok_or_else(|| {
                    ApiError::field("accounts.role", "parent, facility or municipality", "役割が正しくありません。")
                })?;
                let id = ctx.db.insert_account(&NewAccount {
                    email: &a.email,
                    role,
                    name: &a.name,
                    password_hash: Some(&hash),
                    facility: a.facility.as_deref(),
                    municipality: a.municipality.as_deref(),
                    created_at: &stamp(now),
                })?;
                made.push(crate::serve::auth::Account {
                    id,
                    email: a.email.clone(),
                    role,
                    name: a.name.clone(),
                    password_hash: Some(hash),
                    facility: a.facility.clone(),
                    municipality: a.municipality.clone(),
                });
            }
            for (code, how) in &s.participation {
                ctx.db.set_participation(code, how)?;
            }
            for op in &s.ops {
                ctx.apply(op)?;
            }
            let ids: Vec<i64> = made.iter().map(|a| a.id).collect();
            let then = Box::new(move || {
                let mut accounts = app2.accounts.write().expect("accounts");
                for a in made {
                    accounts.insert(a);
                }
            });
            Ok((ids, Some(then as Box<dyn FnOnce() + Send>)))
        })
        .await?;
    Ok(Json(json!({"accounts": ids})))
}

async fn pragmas(State(app): State<App>) -> Result<Json<Value>, ApiError> {
    if !app.settings.test_endpoints {
        return Err(ApiError::not_found("route"));
    }
    let (mode, sync) = app.write(|ctx| Ok((ctx.db.durability()?, None))).await?;
    Ok(Json(json!({"journal_mode": mode, "synchronous": sync})))
}
