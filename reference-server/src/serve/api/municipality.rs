//! Municipality staff: registrations to review, certification (which issues the parent's account and
//! mails a single-use set-password link, valid 24 h), rejection, and the mail outbox.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};
use time::Duration;
use tsuen::{ChildSpec, FeeClass, Op};

use super::public::{ChildDetails, ParentDetails};
use super::{Route, parse};
use crate::serve::app::{ApiError, App};
use crate::serve::audit;
use crate::serve::auth::{Account, Role, new_token, token_hash};
use crate::serve::clock::stamp;
use crate::serve::mail::queue;
use crate::serve::store::{NewAccount, NewToken};

const CITY: &[Role] = &[Role::Municipality];

pub(super) fn routes() -> Vec<Route> {
    vec![
        Route {
            method: "GET",
            path: "/api/municipality/registrations",
            roles: CITY,
            summary: "Registrations of the staff's municipality, pending first",
            body: None,
            response: (200, "Registrations"),
            handler: || get(list),
        },
        Route {
            method: "POST",
            path: "/api/municipality/registrations/{id}/certify",
            roles: CITY,
            summary: "Certify (period, fee class): issues the account and mails a set-password link (24 h)",
            body: Some("Certification"),
            response: (200, "Certified"),
            handler: || post(certify),
        },
        Route {
            method: "POST",
            path: "/api/municipality/registrations/{id}/reject",
            roles: CITY,
            summary: "Reject a registration",
            body: None,
            response: (200, "Status"),
            handler: || post(reject),
        },
        Route {
            method: "GET",
            path: "/api/outbox",
            roles: CITY,
            summary: "The mail outbox (where no SMTP server is configured), newest first",
            body: None,
            response: (200, "Outbox"),
            handler: || get(outbox),
        },
    ]
}

fn municipality_of(a: &Account) -> Result<String, ApiError> {
    a.municipality.clone().ok_or_else(ApiError::forbidden)
}

async fn list(State(app): State<App>, headers: HeaderMap) -> Result<Json<Value>, ApiError> {
    let a = app.user_as(&headers, Role::Municipality, false)?;
    let m = municipality_of(&a)?;
    let rows: Vec<Value> = app
        .reader
        .lock()
        .expect("reader")
        .registrations(&m)?
        .into_iter()
        .map(|r| {
            json!({"id": r.id, "email": r.email, "data": serde_json::from_str::<Value>(&r.data).unwrap_or(Value::Null),
                   "status": r.status, "created_at": r.created_at})
        })
        .collect();
    Ok(Json(json!({"registrations": rows})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Certification {
    from: String,
    to: String,
    #[serde(default)]
    fee_class: FeeClass,
}

#[derive(Deserialize)]
struct Stored {
    parent: ParentDetails,
    children: Vec<ChildDetails>,
}

async fn certify(
    State(app): State<App>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let a = app.user_as(&headers, Role::Municipality, true)?;
    let c: Certification = parse(&body)?;
    let date = |f: &str, v: &str| {
        tsuen::clock::parse_date(v).map_err(|e| ApiError::field(f, e, "日付の形式が正しくありません（YYYY-MM-DD）。"))
    };
    let (from, to) = (date("from", &c.from)?, date("to", &c.to)?);
    if from > to {
        return Err(ApiError::field("to", "The period ends before it starts.", "認定期間の終了日が開始日より前です。"));
    }
    let m = municipality_of(&a)?;
    let staff = a.id;
    let who = a.clone();
    let base = app.settings.base_url.clone();
    let app2 = app.clone();
    let account = app
        .write(move |ctx| {
            let row = ctx.db.registration(id, &m)?.ok_or_else(|| ApiError::not_found("registration"))?;
            let (email, data, status) = (row.email, row.data, row.status);
            if status != "pending" {
                return Err(ApiError::new(
                    axum::http::StatusCode::CONFLICT,
                    "invalid_state",
                    format!("The registration is already {status}."),
                    "この登録はすでに処理済みです。",
                ));
            }
            if ctx.db.account_by_email(&email)?.is_some() {
                return Err(ApiError::new(
                    axum::http::StatusCode::CONFLICT,
                    "duplicate_account",
                    "An account with this e-mail address exists.",
                    "このメールアドレスのアカウントはすでに存在します。",
                ));
            }
            let stored: Stored = serde_json::from_str(&data).map_err(ApiError::internal)?;
            let now = ctx.clock.now();
            let id_new = ctx.db.insert_account(&NewAccount {
                email: &email,
                role: Role::Parent,
                name: &stored.parent.name,
                password_hash: None,
                facility: None,
                municipality: Some(&m),
                created_at: &stamp(now),
            })?;
            let account = Account {
                id: id_new,
                email: email.clone(),
                role: Role::Parent,
                name: stored.parent.name.clone(),
                password_hash: None,
                facility: None,
                municipality: Some(m.clone()),
            };
            ctx.db.set_registration_status(id, "certified", staff)?;
            let detail = json!({"email": email, "from": c.from, "to": c.to, "fee_class": c.fee_class});
            audit::log(ctx, &who, "certify", &format!("registration:{id}"), detail)?;
            let token = new_token();
            ctx.db.insert_token(&NewToken {
                hash: &token_hash(&token),
                purpose: "set_password",
                account: Some(account.id),
                email: None,
                municipality: None,
                expires_at: &stamp(now + Duration::hours(24)),
            })?;
            queue(
                ctx.db,
                &email,
                "【つうえんポータル】アカウント発行のお知らせ",
                &format!(
                    "{} 様\n\nこども誰でも通園制度の認定が完了し、つうえんポータルのアカウントを発行しました。\n\
                     次のリンクから24時間以内にパスワードを設定してください。\n\n{base}/password?token={token}\n\n\
                     ログインIDはこのメールアドレスです。",
                    stored.parent.name
                ),
                now,
            )?;
            for (k, child) in stored.children.iter().enumerate() {
                let spec = ChildSpec {
                    id: format!("c{id}-{}", k + 1),
                    parent: Some(account.household()),
                    name: child.name.clone(),
                    birth_date: tsuen::clock::parse_date(&child.birth_date).map_err(ApiError::internal)?,
                    municipality: m.clone(),
                    certified: Some([from, to]),
                    fee_class: c.fee_class,
                    approvals: None,
                };
                ctx.apply(&Op::Child(spec))?;
            }
            let a2 = account.clone();
            let then = Box::new(move || app2.accounts.write().expect("accounts").insert(a2));
            Ok((account.id, Some(then as Box<dyn FnOnce() + Send>)))
        })
        .await?;
    Ok(Json(json!({"status": "certified", "account": account})))
}

async fn reject(State(app): State<App>, headers: HeaderMap, Path(id): Path<i64>) -> Result<Json<Value>, ApiError> {
    let a = app.user_as(&headers, Role::Municipality, true)?;
    let m = municipality_of(&a)?;
    let staff = a.id;
    app.write(move |ctx| {
        let row = ctx.db.registration(id, &m)?.filter(|r| r.status == "pending");
        let email = row.ok_or_else(|| ApiError::not_found("pending registration"))?.email;
        ctx.db.set_registration_status(id, "rejected", staff)?;
        audit::log(ctx, &a, "reject", &format!("registration:{id}"), json!({"email": email}))?;
        queue(
            ctx.db,
            &email,
            "【つうえんポータル】利用者登録について",
            "ご登録の内容では認定できませんでした。詳しくはお住まいの市区町村の窓口にお問い合わせください。",
            ctx.clock.now(),
        )?;
        Ok(((), None))
    })
    .await?;
    Ok(Json(json!({"status": "rejected"})))
}

async fn outbox(State(app): State<App>, headers: HeaderMap) -> Result<Json<Value>, ApiError> {
    app.user_as(&headers, Role::Municipality, false)?;
    let rows: Vec<Value> = app
        .reader
        .lock()
        .expect("reader")
        .outbox(200)?
        .into_iter()
        .map(|m| {
            json!({"id": m.id, "to": m.to, "subject": m.subject, "body": m.body,
                   "created_at": m.created_at, "sent_at": m.sent_at})
        })
        .collect();
    Ok(Json(json!({"mail": rows})))
}
