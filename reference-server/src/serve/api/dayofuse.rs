//! The day of use (登降園) for the staff: check-in and check-out of several children at once (with
//! extras at check-out), the facility's day (bookings still in use, no-shows to mark), no-shows and
//! 臨時休園. The check-in codes and the parent's side of the door are in `checkin.rs`. Every rule is
//! the engine's; these files check who asks and what they own.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};
use tsuen::{Attendance, BookingRecord, Clock, Kind, Op, Status};

use super::bookings::{booking_json, by_number};
use super::{Route, parse, query};
use crate::serve::app::{ApiError, App};
use crate::serve::audit;
use crate::serve::auth::{Account, Role};
use crate::serve::clock::stamp;
use crate::serve::mail::queue;

const STAFF: &[Role] = &[Role::Facility];

pub(super) fn routes() -> Vec<Route> {
    vec![
        Route {
            method: "GET",
            path: "/api/facility/day",
            roles: STAFF,
            summary: "A day's bookings (?date=, default today), bookings still in use (forgotten check-outs) and no-shows to mark",
            body: None,
            response: (200, "FacilityDay"),
            handler: || get(day),
        },
        Route {
            method: "POST",
            path: "/api/facility/attendance",
            roles: STAFF,
            summary: "Check children in or out for their parents, several at once; extras at check-out",
            body: Some("StaffAttendance"),
            response: (200, "BatchResults"),
            handler: || post(attendance),
        },
        Route {
            method: "POST",
            path: "/api/facility/bookings/{number}/no-show",
            roles: STAFF,
            summary: "Mark a confirmed booking whose day has passed as a no-show (欠席: billed)",
            body: None,
            response: (200, "Status"),
            handler: || post(no_show),
        },
        Route {
            method: "POST",
            path: "/api/facility/closures",
            roles: STAFF,
            summary: "臨時休園: close a day; every booking on it is cancelled and every parent mailed",
            body: Some("Closure"),
            response: (200, "Closed"),
            handler: || post(close_day),
        },
    ]
}

pub(super) fn facility_of(a: &Account) -> Result<String, ApiError> {
    a.facility.clone().ok_or_else(ApiError::forbidden)
}

/// A booking number of the staff's facility: its engine id and record (a series' own number is
/// refused: the day of use is per occurrence).
pub(super) fn staff_booking(app: &App, a: &Account, number: i64) -> Result<(String, BookingRecord), ApiError> {
    let (id, r) = by_number(app, number)?;
    if Some(&r.facility) != a.facility.as_ref() {
        return Err(ApiError::not_found("booking"));
    }
    if id != r.id {
        return Err(ApiError::field(
            "number",
            "This number names a series: use the number of one of its days.",
            "定期利用の各回の予約番号を指定してください。",
        ));
    }
    Ok((id, r))
}

/// The e-mail address of a child's parent, if the child has one with an account.
pub(super) fn parent_email(app: &App, child: &str) -> Option<String> {
    let parent = app.world().child(child).ok().and_then(|c| c.parent)?;
    let id = parent.strip_prefix('p')?.parse::<i64>().ok()?;
    app.accounts.read().expect("accounts").by_id.get(&id).map(|a| a.email.clone())
}

/// What a parent's booking allows at the door now.
pub(super) fn door_json(app: &App, world: &tsuen::World, r: &BookingRecord) -> Value {
    let mut v = booking_json(app, world, r);
    v["can_start"] = json!(r.status == Status::Confirmed);
    v["can_end"] = json!(r.status == Status::InUse);
    v
}

/// One item's outcome in a batch.
pub(super) fn outcome(number: i64, r: &Result<Status, ApiError>) -> Value {
    match r {
        Ok(s) => json!({"number": number, "ok": true, "status": s}),
        Err(e) => json!({"number": number, "ok": false, "error": e.error, "codes": e.codes, "message": e.message,
                         "message_ja": e.message_ja}),
    }
}

/// The answer to a batch: each item's outcome; where every item failed, the first failure.
pub(super) fn batch_answer(results: Vec<(i64, Result<Status, ApiError>)>) -> Result<Json<Value>, ApiError> {
    if results.iter().all(|(_, r)| r.is_err()) {
        if let Some((_, Err(e))) = results.into_iter().next() {
            return Err(e);
        }
        return Err(ApiError::field("numbers", "Name at least one booking.", "予約を選んでください。"));
    }
    let list: Vec<Value> = results.iter().map(|(n, r)| outcome(*n, r)).collect();
    Ok(Json(json!({"results": list})))
}

fn number_of(app: &App, id: &str) -> Option<i64> {
    app.numbers.read().expect("numbers").by_id.get(id).copied()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DayParams {
    date: Option<String>,
}

async fn day(State(app): State<App>, headers: HeaderMap, uri: Uri) -> Result<Json<Value>, ApiError> {
    let a = app.user_as(&headers, Role::Facility, false)?;
    let facility = facility_of(&a)?;
    let q: DayParams = query(&uri)?;
    let today = app.clock.engine_now().date();
    let date = match &q.date {
        Some(d) => tsuen::clock::parse_date(d)
            .map_err(|e| ApiError::field("date", e, "日付の形式が正しくありません（YYYY-MM-DD）。"))?,
        None => today,
    };
    let world = app.world();
    let usage = |r: &BookingRecord| r.kind != Kind::Interview;
    let list: Vec<Value> = world
        .bookings_of_day(&facility, date)?
        .iter()
        .filter(|r| usage(r))
        .map(|r| door_json(&app, &world, r))
        .collect();
    let mut open = world.bookings_of_facility(&facility)?;
    open.retain(|r| usage(r) && r.date <= today);
    open.sort_by_key(|r| (r.date, r.from));
    let still: Vec<Value> =
        open.iter().filter(|r| r.status == Status::InUse).map(|r| booking_json(&app, &world, r)).collect();
    let no_shows: Vec<Value> = open
        .iter()
        .filter(|r| r.status == Status::Confirmed && r.date < today)
        .map(|r| booking_json(&app, &world, r))
        .collect();
    Ok(Json(json!({
        "date": tsuen::clock::format_date(date), "bookings": list,
        "still_in_use": still, "no_shows_to_mark": no_shows,
    })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StaffAttendance {
    action: StaffAction,
    #[serde(default)]
    at: Option<String>,
    items: Vec<AttendanceItem>,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "snake_case")]
enum StaffAction {
    CheckIn,
    CheckOut,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AttendanceItem {
    number: i64,
    #[serde(default)]
    extras: Vec<Extra>,
}

/// An extra sold with a booking (a meal, a snack), at its price.
#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub(super) struct Extra {
    pub item: String,
    pub price_yen: i64,
    #[serde(default = "one")]
    pub quantity: i64,
}

fn one() -> i64 {
    1
}

pub(super) fn check_extra(field: &str, e: &Extra) -> Result<(), ApiError> {
    let n = e.item.trim().chars().count();
    if n == 0 || n > 40 {
        return Err(ApiError::field(&format!("{field}.item"), "1 to 40 characters.", "品名は1〜40文字です。"));
    }
    if !(0..=100_000).contains(&e.price_yen) {
        return Err(ApiError::field(&format!("{field}.price_yen"), "0 to 100000 yen.", "金額が正しくありません。"));
    }
    if !(1..=20).contains(&e.quantity) {
        return Err(ApiError::field(&format!("{field}.quantity"), "1 to 20.", "数量が正しくありません。"));
    }
    Ok(())
}

async fn attendance(State(app): State<App>, headers: HeaderMap, body: Bytes) -> Result<Json<Value>, ApiError> {
    let a = app.user_as(&headers, Role::Facility, true)?;
    let req: StaffAttendance = parse(&body)?;
    if req.items.is_empty() || req.items.len() > 100 {
        return Err(ApiError::field("items", "One to 100 bookings.", "予約を選んでください。"));
    }
    let at = match &req.at {
        Some(t) => {
            Some(Clock::parse(t).map_err(|e| ApiError::field("at", e, "時刻の形式が正しくありません（HH:MM）。"))?)
        }
        None => None,
    };
    let now = app.clock.engine_now();
    let mut work = Vec::new();
    for (k, item) in req.items.iter().enumerate() {
        let (id, r) = staff_booking(&app, &a, item.number)?;
        if !item.extras.is_empty() && req.action != StaffAction::CheckOut {
            return Err(ApiError::field(
                &format!("items[{k}].extras"),
                "Extras are recorded at check-out.",
                "追加料金は利用終了時に登録します。",
            ));
        }
        for (j, e) in item.extras.iter().enumerate() {
            check_extra(&format!("items[{k}].extras[{j}]"), e)?;
        }
        // A forgotten check-out of an earlier day needs its time.
        let at = match at {
            Some(t) => t,
            None if r.date == now.date() => now.time(),
            None => {
                return Err(ApiError::field(
                    "at",
                    "A check-out of an earlier day needs the time it happened.",
                    "前日以前の利用終了には時刻が必要です。",
                ));
            }
        };
        work.push((item.number, id, at, item.extras.clone()));
    }
    let mut results = Vec::new();
    for (n, id, at, extras) in work {
        let (a2, action) = (a.clone(), req.action);
        let r = app
            .write(move |ctx| {
                let when = stamp(ctx.clock.now());
                for e in &extras {
                    ctx.db.insert_extra(&id, e.item.trim(), e.price_yen, e.quantity, a2.id, &when)?;
                }
                let (name, op, status) = match action {
                    StaffAction::CheckIn => {
                        ("check_in", Op::CheckIn(Attendance { booking: id.clone(), at }), Status::InUse)
                    }
                    StaffAction::CheckOut => {
                        ("check_out", Op::CheckOut(Attendance { booking: id.clone(), at }), Status::Completed)
                    }
                };
                let extras: Vec<Value> = extras
                    .iter()
                    .map(|e| json!({"item": e.item, "price_yen": e.price_yen, "quantity": e.quantity}))
                    .collect();
                audit::log(ctx, &a2, name, &format!("booking:{n}"), json!({"at": at, "extras": extras}))?;
                ctx.apply(&op)?;
                Ok((status, None))
            })
            .await;
        results.push((n, r));
    }
    batch_answer(results)
}

async fn no_show(State(app): State<App>, headers: HeaderMap, Path(number): Path<i64>) -> Result<Json<Value>, ApiError> {
    let a = app.user_as(&headers, Role::Facility, true)?;
    let (id, _) = staff_booking(&app, &a, number)?;
    app.write(move |ctx| {
        audit::log(ctx, &a, "no_show", &format!("booking:{number}"), json!({}))?;
        ctx.apply(&Op::NoShow(id))?;
        Ok(((), None))
    })
    .await?;
    Ok(Json(json!({"status": "no_show"})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Closure {
    date: String,
    #[serde(default)]
    reason: String,
}

async fn close_day(State(app): State<App>, headers: HeaderMap, body: Bytes) -> Result<Json<Value>, ApiError> {
    let a = app.user_as(&headers, Role::Facility, true)?;
    let facility = facility_of(&a)?;
    let req: Closure = parse(&body)?;
    let date = tsuen::clock::parse_date(&req.date)
        .map_err(|e| ApiError::field("date", e, "日付の形式が正しくありません（YYYY-MM-DD）。"))?;
    if date < app.clock.engine_now().date() {
        return Err(ApiError::field("date", "A day already past cannot be closed.", "過去の日は休園にできません。"));
    }
    if req.reason.chars().count() > 200 {
        return Err(ApiError::field("reason", "At most 200 characters.", "理由は200文字以内で入力してください。"));
    }
    let app2 = app.clone();
    let cancelled = app
        .write(move |ctx| {
            // Read what the close will cancel inside the job: nothing else writes meanwhile.
            let (name, hit) = {
                let world = ctx.world();
                let name = world.facility(&facility).map(|f| f.name.clone())?;
                let hit: Vec<BookingRecord> = world
                    .bookings_of_day(&facility, date)?
                    .into_iter()
                    .filter(|r| matches!(r.status, Status::Provisional | Status::Confirmed))
                    .collect();
                (name, hit)
            };
            let day = tsuen::clock::format_date(date);
            let reason = if req.reason.trim().is_empty() { String::new() } else { format!("（{}）", req.reason.trim()) };
            let mut numbers = Vec::new();
            for r in &hit {
                let n = number_of(&app2, &r.id);
                numbers.push(n);
                if let Some(to) = parent_email(&app2, &r.child) {
                    let no = n.map(|n| n.to_string()).unwrap_or_else(|| r.id.clone());
                    queue(
                        ctx.db,
                        &to,
                        "【つうえんポータル】臨時休園のため予約がキャンセルされました",
                        &format!(
                            "{name}は{day}を臨時休園とします{reason}。\n予約番号 {no}（{day} {}〜{}）は施設の都合によりキャンセルされました（料金はかかりません）。",
                            r.from, r.to
                        ),
                        ctx.clock.now(),
                    )?;
                }
            }
            audit::log(
                ctx,
                &a,
                "close_day",
                &format!("facility:{facility}"),
                json!({"date": day, "reason": req.reason, "cancelled": numbers}),
            )?;
            ctx.apply(&Op::CloseDay(tsuen::CloseDay { facility, date }))?;
            Ok((numbers, None))
        })
        .await?;
    Ok(Json(json!({"status": "closed", "cancelled": cancelled})))
}
