//! Accounts: login (a new session id each time), logout, who am I, setting a password with a mailed
//! single-use link, and asking for a reset (the answer never says whether an address exists).

use axum::Json;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::json;
use time::Duration;

use super::public::{check_email, use_token};
use super::{Route, parse};
use crate::serve::app::{ApiError, App, client_address};
use crate::serve::auth::{
    ALL_ROLES, SESSION_HOURS, Session, check_password, clear_cookie, hash_password, new_token, session_cookie,
    token_hash, verify_password,
};
use crate::serve::clock::stamp;
use crate::serve::mail::queue;
use crate::serve::store::NewToken;

pub(super) fn routes() -> Vec<Route> {
    vec![
        Route {
            method: "POST",
            path: "/api/login",
            roles: &[],
            summary: "Log in with e-mail and password: sets the session cookie, returns the CSRF token",
            body: Some("Login"),
            response: (200, "LoggedIn"),
            handler: || post(login),
        },
        Route {
            method: "POST",
            path: "/api/logout",
            roles: ALL_ROLES,
            summary: "Log out",
            body: None,
            response: (200, "Status"),
            handler: || post(logout),
        },
        Route {
            method: "GET",
            path: "/api/me",
            roles: ALL_ROLES,
            summary: "The logged-in account and its CSRF token",
            body: None,
            response: (200, "Me"),
            handler: || get(me),
        },
        Route {
            method: "POST",
            path: "/api/password",
            roles: &[],
            summary: "Set a password with a mailed single-use link's token (account issue: 24 h; reset: 30 min)",
            body: Some("SetPassword"),
            response: (200, "Status"),
            handler: || post(set_password),
        },
        Route {
            method: "POST",
            path: "/api/password/reset",
            roles: &[],
            summary: "Ask for a password reset link (always 202)",
            body: Some("ResetRequest"),
            response: (202, "Status"),
            handler: || post(reset_request),
        },
    ]
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Login {
    email: String,
    password: String,
}

async fn login(
    State(app): State<App>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let req: Login = parse(&body)?;
    let email = req.email.trim().to_lowercase();
    let address = client_address(&headers, Some(peer));
    let limited = !app.settings.no_rate_limit;
    if limited && let Err(wait) = app.limiter.lock().expect("limiter").check(&email, &address, app.clock.now()) {
        let seconds = wait.whole_seconds().max(1);
        let e = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_attempts",
            format!("Too many failed attempts: try again in {seconds} seconds."),
            "ログインの失敗が続いたため、しばらくしてからお試しください。",
        );
        return Ok(([(header::RETRY_AFTER, seconds.to_string())], e).into_response());
    }
    let account = app
        .accounts
        .read()
        .expect("accounts")
        .by_email
        .get(&email)
        .copied()
        .and_then(|id| app.accounts.read().expect("accounts").by_id.get(&id).cloned());
    let hash = account.as_ref().and_then(|a| a.password_hash.clone());
    let password = req.password.clone();
    // Verify off the async threads; an unknown address costs the same as a wrong password.
    let ok = tokio::task::spawn_blocking(move || match hash {
        Some(h) => verify_password(&password, &h),
        None => {
            let _ = verify_password(&password, DUMMY_HASH);
            false
        }
    })
    .await
    .map_err(ApiError::internal)?;
    let Some(account) = account.filter(|_| ok) else {
        if limited {
            app.limiter.lock().expect("limiter").failed(&email, &address, app.clock.now());
        }
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "login_failed",
            "The e-mail address or the password is wrong.",
            "メールアドレスまたはパスワードが正しくありません。",
        ));
    };
    app.limiter.lock().expect("limiter").succeeded(&email, &address);
    let token = new_token();
    let csrf = new_token();
    let hash = token_hash(&token);
    let (id, role, name) = (account.id, account.role, account.name.clone());
    let app2 = app.clone();
    let csrf2 = csrf.clone();
    app.write(move |ctx| {
        let expires = ctx.clock.now() + Duration::hours(SESSION_HOURS);
        ctx.db.insert_session(&hash, id, &csrf2, &stamp(expires))?;
        let then = Box::new(move || {
            app2.sessions.write().expect("sessions").insert(hash, Session { account: id, csrf: csrf2, expires });
        });
        Ok(((), Some(then as Box<dyn FnOnce() + Send>)))
    })
    .await?;
    let cookie = session_cookie(&token, app.settings.secure_cookies);
    Ok((
        [(header::SET_COOKIE, cookie), (header::CACHE_CONTROL, "no-store".to_owned())],
        Json(json!({"role": role.as_str(), "name": name, "csrf": csrf})),
    )
        .into_response())
}

/// A valid argon2id hash of a random password: verifying against it takes as long as a real check.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0h9tA1yUsc8ZQ0VNmuVQqxsS8Ut1Lzm2a6zA0Jl4Jkc";

async fn logout(State(app): State<App>, headers: HeaderMap) -> Result<Response, ApiError> {
    app.user_write(&headers)?;
    let (hash, _, _) = app.session(&headers).ok_or_else(ApiError::unauthorized)?;
    let app2 = app.clone();
    app.write(move |ctx| {
        ctx.db.delete_session(&hash)?;
        let then = Box::new(move || {
            app2.sessions.write().expect("sessions").remove(&hash);
        });
        Ok(((), Some(then as Box<dyn FnOnce() + Send>)))
    })
    .await?;
    Ok(([(header::SET_COOKIE, clear_cookie(app.settings.secure_cookies))], Json(json!({"status": "logged_out"})))
        .into_response())
}

async fn me(State(app): State<App>, headers: HeaderMap) -> Result<Json<serde_json::Value>, ApiError> {
    let (_, session, a) = app.session(&headers).ok_or_else(ApiError::unauthorized)?;
    Ok(Json(json!({
        "id": a.id, "email": a.email, "role": a.role.as_str(), "name": a.name,
        "facility": a.facility, "municipality": a.municipality, "csrf": session.csrf,
    })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetPassword {
    token: String,
    password: String,
    password_confirmation: String,
}

async fn set_password(State(app): State<App>, body: Bytes) -> Result<Json<serde_json::Value>, ApiError> {
    let req: SetPassword = parse(&body)?;
    check_password(&req.password, &req.password_confirmation, None)?;
    let fast = app.settings.fast_hash;
    let password = req.password.clone();
    let hash = tokio::task::spawn_blocking(move || hash_password(&password, fast)).await.map_err(ApiError::internal)?;
    let app2 = app.clone();
    app.write(move |ctx| {
        let now = ctx.clock.now();
        let account = match use_token(ctx.db, &req.token, "set_password", now) {
            Ok(used) => used.account,
            Err(_) => use_token(ctx.db, &req.token, "reset", now)?.account,
        };
        let id = account.ok_or_else(|| ApiError::field("token", "Not a password link.", "リンクが無効です。"))?;
        let email = app2.accounts.read().expect("accounts").by_id.get(&id).map(|a| a.email.clone());
        check_password(&req.password, &req.password, email.as_deref())?;
        ctx.db.set_password_hash(id, &hash)?;
        // Existing sessions end: whoever knew the old password is logged out.
        ctx.db.delete_sessions_of(id)?;
        let then = Box::new(move || {
            if let Some(a) = app2.accounts.write().expect("accounts").by_id.get_mut(&id) {
                a.password_hash = Some(hash);
            }
            app2.sessions.write().expect("sessions").retain(|_, s| s.account != id);
        });
        Ok(((), Some(then as Box<dyn FnOnce() + Send>)))
    })
    .await?;
    Ok(Json(json!({"status": "password_set"})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ResetRequest {
    email: String,
    email_confirmation: String,
}

async fn reset_request(State(app): State<App>, body: Bytes) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let req: ResetRequest = parse(&body)?;
    let email = req.email.trim().to_lowercase();
    check_email("email", &email)?;
    if email != req.email_confirmation.trim().to_lowercase() {
        return Err(ApiError::field(
            "email_confirmation",
            "The addresses do not match.",
            "メールアドレス（確認）が一致しません。",
        ));
    }
    // Known or not, the same work: a fresh token, its hash, one token row, one mail, one durable
    // commit. An unknown address gets a token bound to no account (it sets no password; pruned when
    // it expires) and a mail saying there is no account, so neither the answer nor its time tells.
    let account = app.accounts.read().expect("accounts").by_email.get(&email).copied();
    let token = new_token();
    let base = app.settings.base_url.clone();
    app.write(move |ctx| {
        let now = ctx.clock.now();
        ctx.db.insert_token(&NewToken {
            hash: &token_hash(&token),
            purpose: "reset",
            account,
            email: None,
            municipality: None,
            expires_at: &stamp(now + Duration::minutes(30)),
        })?;
        let body = if account.is_some() {
            format!(
                "パスワード再設定のリクエストを受け付けました。\n次のリンクから30分以内に新しいパスワードを設定してください。\n\n\
                 {base}/password?token={token}\n\nお心当たりのない場合は、このメールを破棄してください。"
            )
        } else {
            format!(
                "パスワード再設定のリクエストを受け付けましたが、このメールアドレスで登録されたアカウントはありません。\n\
                 利用申請は次のページからできます。\n\n{base}/\n\nお心当たりのない場合は、このメールを破棄してください。"
            )
        };
        queue(ctx.db, &email, "【つうえんポータル】パスワードの再設定", &body, now)?;
        Ok(((), None))
    })
    .await?;
    Ok((StatusCode::ACCEPTED, Json(json!({"status": "sent_if_registered"}))))
}
