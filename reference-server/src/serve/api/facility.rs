//! Facility staff: the facility's bookings (unconfirmed first), confirm, cancel, interview outcome,
//! and its setup (hours, quotas, closed days, interview slots).

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};
use tsuen::{Op, Status};

use super::bookings::{booking_json, by_number};
use super::{Route, parse};
use crate::serve::app::{ApiError, App};
use crate::serve::audit;
use crate::serve::auth::{Account, Role};
use crate::serve::mail::queue;

const STAFF: &[Role] = &[Role::Facility];

pub(super) fn routes() -> Vec<Route> {
    vec![
        Route {
            method: "GET",
            path: "/api/facility/bookings",
            roles: STAFF,
            summary: "The facility's bookings: provisional first (oldest first), then by date",
            body: None,
            response: (200, "Bookings"),
            handler: || get(list),
        },
        Route {
            method: "POST",
            path: "/api/facility/bookings/{number}/confirm",
            roles: STAFF,
            summary: "Confirm a provisional booking (a series: every provisional occurrence); mails the parent",
            body: None,
            response: (200, "Status"),
            handler: || post(confirm),
        },
        Route {
            method: "POST",
            path: "/api/facility/bookings/{number}/cancel",
            roles: STAFF,
            summary: "Cancel a booking (free for the parent); mails the parent",
            body: None,
            response: (200, "Status"),
            handler: || post(cancel),
        },
        Route {
            method: "POST",
            path: "/api/facility/bookings/{number}/interview-result",
            roles: STAFF,
            summary: "Record an interview's outcome (利用承認 or not), from its day on",
            body: Some("InterviewOutcome"),
            response: (200, "Status"),
            handler: || post(interview_result),
        },
        Route {
            method: "GET",
            path: "/api/facility/setup",
            roles: STAFF,
            summary: "The facility's setup: hours, quotas, closed days, interview slots",
            body: None,
            response: (200, "FacilitySetup"),
            handler: || get(setup),
        },
        Route {
            method: "POST",
            path: "/api/facility/setup",
            roles: STAFF,
            summary: "Replace the facility's setup (bookings stand)",
            body: Some("FacilitySpec"),
            response: (200, "Status"),
            handler: || post(put_setup),
        },
    ]
}

fn facility_of(a: &Account) -> Result<String, ApiError> {
    a.facility.clone().ok_or_else(ApiError::forbidden)
}

async fn list(State(app): State<App>, headers: HeaderMap) -> Result<Json<Value>, ApiError> {
    let a = app.user_as(&headers, Role::Facility, false)?;
    let world = app.world();
    let mut records = world.bookings_of_facility(&facility_of(&a)?)?;
    let numbers = app.numbers.read().expect("numbers");
    records.sort_by_key(|r| {
        (
            r.status != Status::Provisional,
            if r.status == Status::Provisional { 0 } else { r.date.to_julian_day() },
            numbers.by_id.get(&r.id).copied().unwrap_or(0),
        )
    });
    drop(numbers);
    Ok(Json(json!({"bookings": records.iter().map(|r| booking_json(&app, &world, r)).collect::<Vec<_>>()})))
}

/// The engine id of a booking number at the staff's facility; a series' number names the series.
fn at_facility(app: &App, a: &Account, number: i64) -> Result<(String, String), ApiError> {
    let (id, r) = by_number(app, number)?;
    if Some(&r.facility) != a.facility.as_ref() {
        return Err(ApiError::not_found("booking"));
    }
    let parent = app.world().child(&r.child).ok().and_then(|c| c.parent);
    let email = parent
        .and_then(|p| p.strip_prefix('p').and_then(|n| n.parse::<i64>().ok()))
        .and_then(|id| app.accounts.read().expect("accounts").by_id.get(&id).map(|a| a.email.clone()))
        .unwrap_or_default();
    Ok((id, email))
}

async fn confirm(State(app): State<App>, headers: HeaderMap, Path(number): Path<i64>) -> Result<Json<Value>, ApiError> {
    let a = app.user_as(&headers, Role::Facility, true)?;
    let (id, parent) = at_facility(&app, &a, number)?;
    app.write(move |ctx| {
        if !parent.is_empty() {
            queue(
                ctx.db,
                &parent,
                "【つうえんポータル】予約が確定しました",
                &format!("予約番号 {number} のご予約が確定しました。マイページでご確認ください。"),
                ctx.clock.now(),
            )?;
        }
        audit::log(ctx, &a, "confirm", &format!("booking:{number}"), json!({}))?;
        // Last: nothing may fail once the engine has changed (the mail above rolls back with a refusal).
        ctx.apply(&Op::Confirm(id))?;
        Ok(((), None))
    })
    .await?;
    Ok(Json(json!({"status": "confirmed"})))
}

async fn cancel(State(app): State<App>, headers: HeaderMap, Path(number): Path<i64>) -> Result<Json<Value>, ApiError> {
    let a = app.user_as(&headers, Role::Facility, true)?;
    let (id, parent) = at_facility(&app, &a, number)?;
    app.write(move |ctx| {
        if !parent.is_empty() {
            queue(
                ctx.db,
                &parent,
                "【つうえんポータル】施設により予約がキャンセルされました",
                &format!("予約番号 {number} のご予約は施設の都合によりキャンセルされました（料金はかかりません）。"),
                ctx.clock.now(),
            )?;
        }
        audit::log(ctx, &a, "cancel", &format!("booking:{number}"), json!({}))?;
        ctx.apply(&Op::Cancel(tsuen::CancelRequest { booking: id, by: tsuen::CancelBy::Facility }))?;
        Ok(((), None))
    })
    .await?;
    Ok(Json(json!({"status": "cancelled"})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InterviewOutcome {
    approved: bool,
}

async fn interview_result(
    State(app): State<App>,
    headers: HeaderMap,
    Path(number): Path<i64>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let a = app.user_as(&headers, Role::Facility, true)?;
    let o: InterviewOutcome = parse(&body)?;
    let (id, _) = at_facility(&app, &a, number)?;
    app.write(move |ctx| {
        audit::log(ctx, &a, "interview_result", &format!("booking:{number}"), json!({"approved": o.approved}))?;
        ctx.apply(&Op::InterviewResult(tsuen::InterviewResult { booking: id, approved: o.approved }))?;
        Ok(((), None))
    })
    .await?;
    Ok(Json(json!({"status": if o.approved { "approved" } else { "declined" }})))
}

async fn setup(State(app): State<App>, headers: HeaderMap) -> Result<Json<Value>, ApiError> {
    let a = app.user_as(&headers, Role::Facility, false)?;
    let spec = app.world().facility(&facility_of(&a)?).cloned()?;
    Ok(Json(serde_json::to_value(spec).expect("serializable")))
}

async fn put_setup(State(app): State<App>, headers: HeaderMap, body: Bytes) -> Result<Json<Value>, ApiError> {
    let a = app.user_as(&headers, Role::Facility, true)?;
    let spec: tsuen::FacilitySpec = parse(&body)?;
    let own = facility_of(&a)?;
    let current = app.world().facility(&own).cloned()?;
    if spec.id != own || spec.municipality != current.municipality {
        return Err(ApiError::field(
            "id",
            "The id and municipality cannot change.",
            "施設IDと市区町村は変更できません。",
        ));
    }
    app.write(move |ctx| {
        // Hours, quotas (capacity, overrides, age limits), closed days: the audit keeps before and after
        // (before as the writer sees it: another change may have come first).
        let before = ctx.world().facility(&spec.id).map(|f| serde_json::to_value(f).expect("serializable"))?;
        let after = serde_json::to_value(&spec).expect("serializable");
        audit::log(ctx, &a, "setup", &format!("facility:{}", spec.id), json!({"before": before, "after": after}))?;
        ctx.apply(&Op::Facility(spec))?;
        Ok(((), None))
    })
    .await?;
    Ok(Json(json!({"status": "saved"})))
}
