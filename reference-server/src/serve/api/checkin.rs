//! Check-in codes and the parent's side of the door: the facility's rotating signed code for a
//! screen and its printed (static) codes, which it can revoke; the parent's page behind a code
//! (today's bookings of the household at that facility, siblings too, with 利用開始登録 /
//! 利用終了登録) and the registration itself. Signing and checking codes is `serve/codes.rs`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};
use time::Duration;
use tsuen::{Attendance, BookingRecord, Kind, Op, Status};

use super::bookings::by_number;
use super::dayofuse::{batch_answer, door_json, facility_of};
use super::{Route, parse};
use crate::serve::app::{ApiError, App};
use crate::serve::audit;
use crate::serve::auth::{Account, Role};
use crate::serve::clock::stamp;
use crate::serve::codes::{self, Presence, VALID_MINUTES};

const STAFF: &[Role] = &[Role::Facility];
const PARENT: &[Role] = &[Role::Parent];

pub(super) fn routes() -> Vec<Route> {
    vec![
        Route {
            method: "GET",
            path: "/api/facility/checkin-code",
            roles: STAFF,
            summary: "The rotating check-in code for the screen (new every minute, accepted 5 minutes, today only) and its URL",
            body: None,
            response: (200, "RotatingCode"),
            handler: || get(rotating_code),
        },
        Route {
            method: "GET",
            path: "/api/facility/checkin-codes",
            roles: STAFF,
            summary: "The facility's printed (static) check-in codes, revoked ones included (the codes themselves are not kept)",
            body: None,
            response: (200, "StaticCodes"),
            handler: || get(static_codes),
        },
        Route {
            method: "POST",
            path: "/api/facility/checkin-codes",
            roles: STAFF,
            summary: "A new printed check-in code: its text and URL are returned once",
            body: Some("NewStaticCode"),
            response: (201, "StaticCodeCreated"),
            handler: || post(new_static_code),
        },
        Route {
            method: "POST",
            path: "/api/facility/checkin-codes/{id}/revoke",
            roles: STAFF,
            summary: "Revoke a printed check-in code",
            body: None,
            response: (200, "Status"),
            handler: || post(revoke_static_code),
        },
        Route {
            method: "GET",
            path: "/api/checkin/{code}",
            roles: PARENT,
            summary: "Behind a scanned code: today's bookings of the household at the code's facility, with what each allows",
            body: None,
            response: (200, "CheckinPage"),
            handler: || get(checkin_page),
        },
        Route {
            method: "POST",
            path: "/api/checkin/{code}",
            roles: PARENT,
            summary: "利用開始登録 / 利用終了登録 with a scanned code: {action: start|end, numbers: [...]}",
            body: Some("CodeAttendance"),
            response: (200, "BatchResults"),
            handler: || post(checkin_act),
        },
    ]
}

async fn rotating_code(State(app): State<App>, headers: HeaderMap) -> Result<Json<Value>, ApiError> {
    let a = app.user_as(&headers, Role::Facility, false)?;
    let facility = facility_of(&a)?;
    let (code, made) = codes::rotating(&app, &facility).await?;
    Ok(Json(json!({
        "code": code, "url": codes::url(&app, &code), "facility": facility,
        "made_at": stamp(made), "refresh_at": stamp(made + Duration::minutes(1)),
        "valid_until": stamp(made + Duration::minutes(VALID_MINUTES)),
    })))
}

async fn static_codes(State(app): State<App>, headers: HeaderMap) -> Result<Json<Value>, ApiError> {
    let a = app.user_as(&headers, Role::Facility, false)?;
    let rows = app.reader.lock().expect("reader").static_codes(&facility_of(&a)?)?;
    let list: Vec<Value> = rows
        .into_iter()
        .map(|r| json!({"id": r.id, "label": r.label, "created_at": r.created_at, "revoked_at": r.revoked_at}))
        .collect();
    Ok(Json(json!({"codes": list})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewStaticCode {
    #[serde(default)]
    label: String,
}

async fn new_static_code(
    State(app): State<App>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let a = app.user_as(&headers, Role::Facility, true)?;
    let facility = facility_of(&a)?;
    let req: NewStaticCode = parse(&body)?;
    if req.label.chars().count() > 60 {
        return Err(ApiError::field("label", "At most 60 characters.", "名前は60文字以内で入力してください。"));
    }
    let (code, hash) = codes::new_static();
    let label = if req.label.trim().is_empty() { "掲示用".to_owned() } else { req.label.trim().to_owned() };
    let id = app
        .write(move |ctx| {
            let id = ctx.db.insert_static_code(&facility, &hash, &label, &stamp(ctx.clock.now()))?;
            audit::log(ctx, &a, "checkin_code_create", &format!("static_code:{id}"), json!({"label": label}))?;
            Ok((id, None))
        })
        .await?;
    Ok((StatusCode::CREATED, Json(json!({"id": id, "code": code, "url": codes::url(&app, &code)}))))
}

async fn revoke_static_code(
    State(app): State<App>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let a = app.user_as(&headers, Role::Facility, true)?;
    let facility = facility_of(&a)?;
    let id: i64 = id.parse().map_err(|_| ApiError::not_found("code"))?;
    app.write(move |ctx| {
        if !ctx.db.revoke_static_code(id, &facility, &stamp(ctx.clock.now()))? {
            return Err(ApiError::not_found("code"));
        }
        audit::log(ctx, &a, "checkin_code_revoke", &format!("static_code:{id}"), json!({}))?;
        Ok(((), None))
    })
    .await?;
    Ok(Json(json!({"status": "revoked"})))
}

/// Today's usage bookings of the household at a facility.
fn household_today(app: &App, a: &Account, facility: &str) -> Result<Vec<BookingRecord>, ApiError> {
    let world = app.world();
    let today = app.clock.engine_now().date();
    let household = a.household();
    Ok(world
        .bookings_of_day(facility, today)?
        .into_iter()
        .filter(|r| r.kind != Kind::Interview)
        .filter(|r| world.child(&r.child).ok().and_then(|c| c.parent).as_deref() == Some(household.as_str()))
        .collect())
}

async fn checkin_page(
    State(app): State<App>,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let a = app.user_as(&headers, Role::Parent, false)?;
    let presence = codes::verify(&app, &code)?;
    let facility = presence.facility().to_owned();
    let list = household_today(&app, &a, &facility)?;
    let world = app.world();
    let name = world.facility(&facility).map(|f| f.name.clone()).unwrap_or_default();
    let bookings: Vec<Value> = list.iter().map(|r| door_json(&app, &world, r)).collect();
    let kind = if matches!(presence, Presence::Static { .. }) { "static" } else { "rotating" };
    Ok(Json(json!({
        "facility": facility, "facility_name": name, "code_kind": kind,
        "date": tsuen::clock::format_date(app.clock.engine_now().date()), "bookings": bookings,
    })))
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "snake_case")]
enum DoorAction {
    Start,
    End,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CodeAttendance {
    action: DoorAction,
    numbers: Vec<i64>,
}

async fn checkin_act(
    State(app): State<App>,
    headers: HeaderMap,
    Path(code): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let a = app.user_as(&headers, Role::Parent, true)?;
    let req: CodeAttendance = parse(&body)?;
    let presence = codes::verify(&app, &code)?;
    let facility = presence.facility().to_owned();
    if req.numbers.is_empty() || req.numbers.len() > 20 {
        return Err(ApiError::field("numbers", "One to 20 bookings.", "予約を選んでください。"));
    }
    // Every number must be the household's, at the code's facility, before anything is written.
    let mut ids = Vec::new();
    for &n in &req.numbers {
        let (id, r) = by_number(&app, n)?;
        let owner = app.world().child(&r.child).ok().and_then(|c| c.parent);
        if owner.as_deref() != Some(a.household().as_str()) {
            return Err(ApiError::not_found("booking"));
        }
        if id != r.id {
            return Err(ApiError::field(
                "numbers",
                format!("{n} names a series: use the number of one of its days."),
                "定期利用の各回の予約番号を指定してください。",
            ));
        }
        if r.facility != facility {
            let mut e = ApiError::new(
                StatusCode::CONFLICT,
                "wrong_facility",
                format!("Booking {n} is at another facility than this code's."),
                "この予約は、読み取ったコードの施設の予約ではありません。",
            );
            e.field = Some("numbers".into());
            return Err(e);
        }
        ids.push((n, id));
    }
    let mut results = Vec::new();
    for (n, id) in ids {
        let at = app.clock.engine_now().time();
        let action = req.action;
        let r = app
            .write(move |ctx| {
                let op = match action {
                    DoorAction::Start => Op::CheckIn(Attendance { booking: id, at }),
                    DoorAction::End => Op::CheckOut(Attendance { booking: id, at }),
                };
                ctx.apply(&op)?;
                Ok((if action == DoorAction::Start { Status::InUse } else { Status::Completed }, None))
            })
            .await;
        results.push((n, r));
    }
    batch_answer(results)
}
