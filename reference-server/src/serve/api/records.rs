//! After check-in: activity records (行動記録) written by the staff and read by the parent, extras
//! and payments (the parent sees the fee, the extras and what was paid), and the facility's own
//! claim for a month as the engine computes it.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};
use tsuen::{BookingRecord, Clock, Status};

use super::bookings::{booking_json, by_number};
use super::dayofuse::{Extra, check_extra, facility_of, staff_booking};
use super::{Route, parse, query};
use crate::serve::app::{ApiError, App};
use crate::serve::audit;
use crate::serve::auth::{Account, Role};
use crate::serve::clock::stamp;

const STAFF: &[Role] = &[Role::Facility];
const PARENT: &[Role] = &[Role::Parent];

pub(super) fn routes() -> Vec<Route> {
    vec![
        Route {
            method: "GET",
            path: "/api/bookings/{number}/day",
            roles: PARENT,
            summary: "The day of one of my bookings: check-in/out, activity records, fee, extras, paid and still due",
            body: None,
            response: (200, "BookingDay"),
            handler: || get(parent_day),
        },
        Route {
            method: "GET",
            path: "/api/facility/bookings/{number}/day",
            roles: STAFF,
            summary: "The day of a booking of the facility: check-in/out, activity records, fee, extras, payments",
            body: None,
            response: (200, "BookingDay"),
            handler: || get(staff_day),
        },
        Route {
            method: "POST",
            path: "/api/facility/bookings/{number}/records",
            roles: STAFF,
            summary: "Write an activity record (行動記録): {at: HH:MM, kind, text}, for a booking in use or completed",
            body: Some("ActivityRecord"),
            response: (201, "RecordCreated"),
            handler: || post(add_record),
        },
        Route {
            method: "POST",
            path: "/api/facility/bookings/{number}/extras",
            roles: STAFF,
            summary: "Add extras (meals, snacks) to a booking in use or completed: {extras: [{item, price_yen, quantity}]}",
            body: Some("Extras"),
            response: (200, "Status"),
            handler: || post(add_extras),
        },
        Route {
            method: "POST",
            path: "/api/facility/bookings/{number}/payment",
            roles: STAFF,
            summary: "Mark a payment received for a booking (after use): {amount_yen}",
            body: Some("Payment"),
            response: (200, "Status"),
            handler: || post(payment),
        },
        Route {
            method: "GET",
            path: "/api/facility/claim",
            roles: STAFF,
            summary: "The facility's claim for ?month=YYYY-MM, split by paying municipality, with its bookings",
            body: None,
            response: (200, "FacilityClaim"),
            handler: || get(claim),
        },
    ]
}

/// The day's view of a booking (what both the parent and the staff read).
fn day_json(app: &App, r: &BookingRecord) -> Result<Value, ApiError> {
    let base = {
        let world = app.world();
        let mut v = booking_json(app, &world, r);
        v["fee_yen"] = json!(world.fee(&r.id).unwrap_or(0));
        v
    };
    let db = app.reader.lock().expect("reader");
    let records: Vec<Value> = db
        .records(&r.id)?
        .into_iter()
        .map(|x| json!({"id": x.id, "at": x.at, "kind": x.kind, "text": x.text, "written_at": x.created_at}))
        .collect();
    let extras = db.extras(&r.id)?;
    let extras_yen: i64 = extras.iter().map(|e| e.price_yen * e.quantity).sum();
    let extras: Vec<Value> = extras
        .iter()
        .map(|e| json!({"item": e.item, "price_yen": e.price_yen, "quantity": e.quantity, "yen": e.price_yen * e.quantity}))
        .collect();
    let payments = db.payments(&r.id)?;
    let paid: i64 = payments.iter().map(|(a, _)| a).sum();
    let payments: Vec<Value> = payments.iter().map(|(a, at)| json!({"amount_yen": a, "received_at": at})).collect();
    let fee = base["fee_yen"].as_i64().unwrap_or(0);
    let mut v = base;
    v["records"] = json!(records);
    v["extras"] = json!(extras);
    v["extras_yen"] = json!(extras_yen);
    v["total_yen"] = json!(fee + extras_yen);
    v["payments"] = json!(payments);
    v["paid_yen"] = json!(paid);
    v["due_yen"] = json!((fee + extras_yen - paid).max(0));
    Ok(v)
}

async fn parent_day(
    State(app): State<App>,
    headers: HeaderMap,
    Path(number): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let a = app.user_as(&headers, Role::Parent, false)?;
    let (id, r) = by_number(&app, number)?;
    let owner = app.world().child(&r.child).ok().and_then(|c| c.parent);
    if owner.as_deref() != Some(a.household().as_str()) {
        return Err(ApiError::not_found("booking"));
    }
    if id != r.id {
        return Err(ApiError::field(
            "number",
            "This number names a series.",
            "定期利用の各回の予約番号を指定してください。",
        ));
    }
    Ok(Json(day_json(&app, &r)?))
}

async fn staff_day(
    State(app): State<App>,
    headers: HeaderMap,
    Path(number): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let a = app.user_as(&headers, Role::Facility, false)?;
    let (_, r) = staff_booking(&app, &a, number)?;
    Ok(Json(day_json(&app, &r)?))
}

fn in_use_or_done(r: &BookingRecord, what: &str) -> Result<(), ApiError> {
    if matches!(r.status, Status::InUse | Status::Completed) {
        return Ok(());
    }
    let mut e = ApiError::new(
        StatusCode::CONFLICT,
        "invalid_state",
        format!("{what} need a booking in use or completed (it is {}).", r.status.as_str()),
        "利用開始後の予約にのみ登録できます。",
    );
    e.codes = vec!["invalid_state".into()];
    Err(e)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActivityRecord {
    at: String,
    kind: String,
    text: String,
}

async fn add_record(
    State(app): State<App>,
    headers: HeaderMap,
    Path(number): Path<i64>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let a = app.user_as(&headers, Role::Facility, true)?;
    let (id, r) = staff_booking(&app, &a, number)?;
    let req: ActivityRecord = parse(&body)?;
    let at = Clock::parse(&req.at).map_err(|e| ApiError::field("at", e, "時刻の形式が正しくありません（HH:MM）。"))?;
    let kind = req.kind.trim().to_owned();
    if kind.is_empty() || kind.chars().count() > 32 {
        return Err(ApiError::field("kind", "1 to 32 characters.", "種類は1〜32文字で入力してください。"));
    }
    let text = req.text.trim().to_owned();
    if text.is_empty() || text.chars().count() > 2000 {
        return Err(ApiError::field("text", "1 to 2000 characters.", "内容は1〜2000文字で入力してください。"));
    }
    in_use_or_done(&r, "Activity records")?;
    let rid = app
        .write(move |ctx| {
            let rid = ctx.db.insert_record(&id, &at.to_string(), &kind, &text, a.id, &stamp(ctx.clock.now()))?;
            audit::log(ctx, &a, "record", &format!("booking:{number}"), json!({"id": rid, "at": at, "kind": kind}))?;
            Ok((rid, None))
        })
        .await?;
    Ok((StatusCode::CREATED, Json(json!({"id": rid}))))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Extras {
    extras: Vec<Extra>,
}

async fn add_extras(
    State(app): State<App>,
    headers: HeaderMap,
    Path(number): Path<i64>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let a = app.user_as(&headers, Role::Facility, true)?;
    let (id, r) = staff_booking(&app, &a, number)?;
    let req: Extras = parse(&body)?;
    if req.extras.is_empty() || req.extras.len() > 20 {
        return Err(ApiError::field("extras", "One to 20 extras.", "品目を選んでください。"));
    }
    for (j, e) in req.extras.iter().enumerate() {
        check_extra(&format!("extras[{j}]"), e)?;
    }
    in_use_or_done(&r, "Extras")?;
    app.write(move |ctx| {
        let when = stamp(ctx.clock.now());
        for e in &req.extras {
            ctx.db.insert_extra(&id, e.item.trim(), e.price_yen, e.quantity, a.id, &when)?;
        }
        let list: Vec<Value> = req
            .extras
            .iter()
            .map(|e| json!({"item": e.item, "price_yen": e.price_yen, "quantity": e.quantity}))
            .collect();
        audit::log(ctx, &a, "extras", &format!("booking:{number}"), json!({"extras": list}))?;
        Ok(((), None))
    })
    .await?;
    Ok(Json(json!({"status": "saved"})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Payment {
    amount_yen: i64,
}

async fn payment(
    State(app): State<App>,
    headers: HeaderMap,
    Path(number): Path<i64>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let a = app.user_as(&headers, Role::Facility, true)?;
    let (id, r) = staff_booking(&app, &a, number)?;
    let req: Payment = parse(&body)?;
    if !(1..=1_000_000).contains(&req.amount_yen) {
        return Err(ApiError::field("amount_yen", "1 to 1000000 yen.", "金額が正しくありません。"));
    }
    if !r.status.claimed() {
        let mut e = ApiError::new(
            StatusCode::CONFLICT,
            "invalid_state",
            format!("A payment is received after use (the booking is {}).", r.status.as_str()),
            "利用後の予約にのみ入金を登録できます。",
        );
        e.codes = vec!["invalid_state".into()];
        return Err(e);
    }
    app.write(move |ctx| {
        ctx.db.insert_payment(&id, req.amount_yen, a.id, &stamp(ctx.clock.now()))?;
        audit::log(ctx, &a, "payment", &format!("booking:{number}"), json!({"amount_yen": req.amount_yen}))?;
        Ok(((), None))
    })
    .await?;
    Ok(Json(json!({"status": "received"})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct MonthParams {
    pub month: String,
}

/// `?month=YYYY-MM`.
pub(super) fn month_param(uri: &Uri) -> Result<tsuen::Month, ApiError> {
    let q: MonthParams = query(uri)?;
    tsuen::Month::parse(&q.month).map_err(|e| ApiError::field("month", e, "月の形式が正しくありません（YYYY-MM）。"))
}

async fn claim(State(app): State<App>, headers: HeaderMap, uri: Uri) -> Result<Json<Value>, ApiError> {
    let a: Account = app.user_as(&headers, Role::Facility, false)?;
    let facility = facility_of(&a)?;
    let month = month_param(&uri)?;
    let world = app.world();
    let claim = world.claim(&facility, month)?;
    let numbers = app.numbers.read().expect("numbers");
    let lines: Vec<Value> = world
        .claim_lines(&facility, month)?
        .into_iter()
        .map(|l| {
            let mut v = serde_json::to_value(&l).expect("serializable");
            v["number"] = json!(numbers.by_id.get(&l.booking));
            v
        })
        .collect();
    Ok(Json(json!({"month": month.to_string(), "facility": facility, "total_yen": claim.total_yen,
                   "by_municipality": claim.by_municipality, "bookings": claim.bookings, "lines": lines})))
}
