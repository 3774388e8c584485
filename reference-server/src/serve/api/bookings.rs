//! Parents: facilities (with "interview required" per child), the flexible calendar and the household
//! view for the browser, regular availability, search, dry runs, bookings of each kind, my bookings
//! with their 予約番号 and fee estimates, details, and cancellation (saying first whether it is late).

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::Uri;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};
use tsuen::{BookRequest, BookingRecord, Kind, Status, World};

use super::{Route, parse, query};
use crate::serve::app::{ApiError, App};
use crate::serve::auth::{Account, Role};
use crate::serve::clock::stamp;
use crate::serve::mail::queue;
use crate::serve::writer::Ctx;

const PARENT: &[Role] = &[Role::Parent];

pub(super) fn routes() -> Vec<Route> {
    vec![
        Route {
            method: "GET",
            path: "/api/facilities",
            roles: &[],
            summary: "Facilities (of ?municipality=CODE), with profile; for a parent, whether each child needs an interview",
            body: None,
            response: (200, "Facilities"),
            handler: || get(facilities),
        },
        Route {
            method: "GET",
            path: "/api/facilities/{id}",
            roles: &[],
            summary: "A facility: setup (hours, quotas, closed days, interview slots) and profile",
            body: None,
            response: (200, "Facility"),
            handler: || get(facility),
        },
        Route {
            method: "GET",
            path: "/api/facilities/{id}/calendar",
            roles: PARENT,
            summary: "Flexible calendar: ?from=DATE&days=N[&child=ID][&friendly=true]: places left, 48 cells a day (-1: closed)",
            body: None,
            response: (200, "Calendar"),
            handler: || get(calendar),
        },
        Route {
            method: "GET",
            path: "/api/facilities/{id}/regular",
            roles: PARENT,
            summary: "Regular availability: ?date=&weeks=&from=&to=[&child=]",
            body: None,
            response: (200, "RegularAvailability"),
            handler: || get(regular),
        },
        Route {
            method: "GET",
            path: "/api/search",
            roles: PARENT,
            summary: "Facilities of ?municipality= with a place: &kind=&date=&from=&to=[&child=]",
            body: None,
            response: (200, "SearchResult"),
            handler: || get(search),
        },
        Route {
            method: "GET",
            path: "/api/view",
            roles: PARENT,
            summary: "The household's view for the browser engine: ?from=&days=[&facility=ID]",
            body: None,
            response: (200, "HouseholdView"),
            handler: || get(view),
        },
        Route {
            method: "POST",
            path: "/api/bookings/check",
            roles: PARENT,
            summary: "Dry run of a booking request: the same answer as booking, nothing changes",
            body: Some("BookingRequest"),
            response: (200, "CheckResult"),
            handler: || post(check),
        },
        Route {
            method: "POST",
            path: "/api/bookings",
            roles: PARENT,
            summary: "Book (interview, regular series, flexible) for one's own child",
            body: Some("BookingRequest"),
            response: (201, "Booked"),
            handler: || post(book),
        },
        Route {
            method: "GET",
            path: "/api/bookings",
            roles: PARENT,
            summary: "My bookings, newest first: 予約番号, status, date, band, hours, facility, child, fee estimate",
            body: None,
            response: (200, "Bookings"),
            handler: || get(mine),
        },
        Route {
            method: "GET",
            path: "/api/bookings/{number}",
            roles: PARENT,
            summary: "One of my bookings",
            body: None,
            response: (200, "BookingDetail"),
            handler: || get(detail),
        },
        Route {
            method: "GET",
            path: "/api/bookings/{number}/cancel",
            roles: PARENT,
            summary: "Whether cancelling now would be late (billed) and what it would cost",
            body: None,
            response: (200, "CancelPreview"),
            handler: || get(cancel_preview),
        },
        Route {
            method: "POST",
            path: "/api/bookings/{number}/cancel",
            roles: PARENT,
            summary: "Cancel one of my bookings",
            body: None,
            response: (200, "Cancelled"),
            handler: || post(cancel),
        },
    ]
}

/// The household's children.
pub(crate) fn household_children(world: &World, a: &Account) -> Vec<tsuen::ChildSpec> {
    world.children_of(&a.household())
}

fn own_child(world: &World, a: &Account, child: &str) -> Result<(), ApiError> {
    let c = world.child(child).map_err(|_| ApiError::not_found("child"))?;
    if c.parent.as_deref() != Some(a.household().as_str()) {
        return Err(ApiError::not_found("child"));
    }
    Ok(())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FacilitiesQuery {
    municipality: Option<String>,
}

fn profile(app: &App, id: &str) -> Result<Value, ApiError> {
    let p = app.reader.lock().expect("reader").profile(id)?;
    Ok(p.and_then(|p| serde_json::from_str(&p).ok()).unwrap_or(json!({})))
}

async fn facilities(State(app): State<App>, headers: HeaderMap, uri: Uri) -> Result<Json<Value>, ApiError> {
    let q: FacilitiesQuery = query(&uri)?;
    let parent = app.user(&headers).ok().filter(|a| a.role == Role::Parent);
    let rows: Vec<(String, String, String, Vec<String>, Value)> = {
        let world = app.world();
        let today = app.clock.engine_now().date();
        let kids = parent.as_ref().map(|a| household_children(&world, a)).unwrap_or_default();
        world
            .facilities()
            .filter(|f| q.municipality.as_ref().is_none_or(|m| *m == f.municipality))
            .map(|f| {
                let needs: serde_json::Map<String, Value> = kids
                    .iter()
                    .map(|c| (c.id.clone(), json!(world.needs_interview(&c.id, &f.id, today).unwrap_or(true))))
                    .collect();
                let kinds =
                    f.kinds.iter().map(|k| serde_json::to_value(k).unwrap().as_str().unwrap().to_owned()).collect();
                (f.id.clone(), f.name.clone(), f.municipality.clone(), kinds, Value::Object(needs))
            })
            .collect()
    };
    let mut out = Vec::new();
    for (id, name, municipality, kinds, needs) in rows {
        let p = profile(&app, &id)?;
        out.push(json!({"id": id, "name": name, "municipality": municipality, "kinds": kinds,
                        "profile": p, "interview_required": needs}));
    }
    Ok(Json(json!({"facilities": out})))
}

async fn facility(State(app): State<App>, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let setup = app.world().facility(&id).map(|f| serde_json::to_value(f).expect("serializable"))?;
    Ok(Json(json!({"facility": setup, "profile": profile(&app, &id)?})))
}

fn date_param(field: &str, v: &str) -> Result<tsuen::Date, ApiError> {
    tsuen::clock::parse_date(v).map_err(|e| ApiError::field(field, e, "日付の形式が正しくありません（YYYY-MM-DD）。"))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CalendarParams {
    from: String,
    days: u32,
    child: Option<String>,
    /// Also the friendly form (per date, per "HH:MM", places left).
    #[serde(default)]
    friendly: bool,
}

async fn calendar(
    State(app): State<App>,
    headers: HeaderMap,
    Path(id): Path<String>,
    uri: Uri,
) -> Result<Json<Value>, ApiError> {
    let a = app.user_as(&headers, Role::Parent, false)?;
    let q: CalendarParams = query(&uri)?;
    let from = date_param("from", &q.from)?;
    let world = app.world();
    if let Some(c) = &q.child {
        own_child(&world, &a, c)?;
    }
    let cal = world.calendar(&tsuen::CalendarQuery { facility: id, from, days: q.days, child: q.child })?;
    let mut out = json!({"from": q.from, "days": q.days, "cells": cal.cells});
    if q.friendly {
        out["places"] = json!(cal.to_map());
    }
    Ok(Json(out))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RegularParams {
    date: String,
    weeks: u32,
    from: String,
    to: String,
    child: Option<String>,
}

fn clock_param(field: &str, v: &str) -> Result<tsuen::Clock, ApiError> {
    tsuen::Clock::parse(v).map_err(|e| ApiError::field(field, e, "時刻の形式が正しくありません（HH:MM）。"))
}

async fn regular(
    State(app): State<App>,
    headers: HeaderMap,
    Path(id): Path<String>,
    uri: Uri,
) -> Result<Json<Value>, ApiError> {
    let a = app.user_as(&headers, Role::Parent, false)?;
    let q: RegularParams = query(&uri)?;
    let world = app.world();
    if let Some(c) = &q.child {
        own_child(&world, &a, c)?;
    }
    let weeks = world.regular_availability(&tsuen::RegularQuery {
        facility: id,
        date: date_param("date", &q.date)?,
        weeks: q.weeks,
        from: clock_param("from", &q.from)?,
        to: clock_param("to", &q.to)?,
        child: q.child,
    })?;
    Ok(Json(json!({"weeks": weeks})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SearchParams {
    municipality: String,
    kind: String,
    date: String,
    from: String,
    to: String,
    child: Option<String>,
}

async fn search(State(app): State<App>, headers: HeaderMap, uri: Uri) -> Result<Json<Value>, ApiError> {
    let a = app.user_as(&headers, Role::Parent, false)?;
    let q: SearchParams = query(&uri)?;
    let kind: tsuen::UsageKind = serde_json::from_value(json!(q.kind))
        .map_err(|_| ApiError::field("kind", "regular or flexible", "予約種別が正しくありません。"))?;
    let world = app.world();
    if let Some(c) = &q.child {
        own_child(&world, &a, c)?;
    }
    let found = world.search(&tsuen::SearchQuery {
        municipality: q.municipality,
        kind,
        date: date_param("date", &q.date)?,
        from: clock_param("from", &q.from)?,
        to: clock_param("to", &q.to)?,
        child: q.child,
    })?;
    Ok(Json(json!({"facilities": found})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ViewParams {
    from: String,
    days: u32,
    facility: Option<String>,
}

async fn view(State(app): State<App>, headers: HeaderMap, uri: Uri) -> Result<Json<Value>, ApiError> {
    let a = app.user_as(&headers, Role::Parent, false)?;
    let q: ViewParams = query(&uri)?;
    let view = app.world().household_view(&tsuen::ViewQuery {
        parent: a.household(),
        facilities: q.facility.map(|f| vec![f]),
        from: date_param("from", &q.from)?,
        days: q.days,
    })?;
    Ok(Json(serde_json::to_value(view).expect("serializable")))
}

/// A booking request from the portal: the server assigns the id.
#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct BookingRequest {
    child: String,
    facility: String,
    kind: Kind,
    date: String,
    from: String,
    to: String,
    #[serde(default)]
    weeks: Option<u32>,
}

impl BookingRequest {
    fn to_engine(&self, id: String) -> Result<BookRequest, ApiError> {
        Ok(BookRequest {
            id,
            child: self.child.clone(),
            facility: self.facility.clone(),
            kind: self.kind,
            date: date_param("date", &self.date)?,
            from: clock_param("from", &self.from)?,
            to: clock_param("to", &self.to)?,
            weeks: self.weeks,
        })
    }
}

async fn check(State(app): State<App>, headers: HeaderMap, body: Bytes) -> Result<Json<Value>, ApiError> {
    let a = app.user_as(&headers, Role::Parent, false)?;
    let req: BookingRequest = parse(&body)?;
    let engine = req.to_engine("check".into())?;
    let world = app.world();
    own_child(&world, &a, &req.child)?;
    // The dry run runs at the server's now, as the booking would.
    world.check_at(&engine, app.clock.engine_now())?;
    Ok(Json(json!({"ok": true})))
}

/// Takes the next 予約番号 for an engine id (inside a job).
pub(crate) fn take_number(
    ctx: &Ctx<'_>,
    account: Option<i64>,
    booking: &dyn Fn(i64) -> String,
) -> Result<(i64, String), ApiError> {
    let n = ctx.db.take_number(account, &stamp(ctx.clock.now()))?;
    let id = booking(n);
    ctx.db.set_number_booking(n, &id)?;
    Ok((n, id))
}

pub(crate) fn facility_staff_emails(app: &App, facility: &str) -> Vec<String> {
    app.accounts
        .read()
        .expect("accounts")
        .by_id
        .values()
        .filter(|a| a.role == Role::Facility && a.facility.as_deref() == Some(facility))
        .map(|a| a.email.clone())
        .collect()
}

async fn book(State(app): State<App>, headers: HeaderMap, body: Bytes) -> Result<(StatusCode, Json<Value>), ApiError> {
    let a = app.user_as(&headers, Role::Parent, true)?;
    let req: BookingRequest = parse(&body)?;
    own_child(&app.world(), &a, &req.child)?;
    req.to_engine("probe".into())?; // malformed values answer before taking a number
    if req.kind == Kind::Regular && !req.weeks.is_some_and(|w| (1..=tsuen::MAX_SERIES_WEEKS).contains(&w)) {
        return Err(ApiError::field(
            "weeks",
            format!("A regular booking has 1 to {} weeks.", tsuen::MAX_SERIES_WEEKS),
            "定期利用の週数が正しくありません。",
        ));
    }
    // Whether the facility confirms at once decides who is mailed; the mail is queued before the
    // engine applies the booking, so that nothing can fail after it (the writer's rule).
    let auto = app.world().facility(&req.facility).map(|f| f.auto_confirm).unwrap_or(false);
    let staff = facility_staff_emails(&app, &req.facility);
    let app2 = app.clone();
    let (email, account) = (a.email.clone(), a.id);
    let (number, ids, status) = app
        .write(move |ctx| {
            let (n, id) = take_number(ctx, Some(account), &|n| format!("b{n}"))?;
            let mut ids = vec![(n, id.clone())];
            if req.kind == Kind::Regular {
                for k in 1..=req.weeks.unwrap_or(0) {
                    ids.push(take_number(ctx, Some(account), &|_| format!("{id}#{k}"))?);
                }
            }
            let op = tsuen::Op::Book(req.to_engine(id.clone())?);
            let now = ctx.clock.now();
            let what = format!("{} {}〜{} ({})", req.date, req.from, req.to, kind_ja(req.kind));
            if !auto {
                for to in &staff {
                    queue(
                        ctx.db,
                        to,
                        "【つうえんポータル】新しい仮予約があります",
                        &format!("予約番号 {n} の仮予約が入りました: {what}\n確認のうえ、予約を確定してください。"),
                        now,
                    )?;
                }
            } else {
                queue(ctx.db, &email, "【つうえんポータル】予約が確定しました", &format!("予約番号 {n}: {what}"), now)?;
            }
            let status = match ctx.apply(&op)? {
                tsuen::Applied::Booked(s) => s,
                _ => Status::Provisional,
            };
            let ids2 = ids.clone();
            let then = Box::new(move || {
                let mut numbers = app2.numbers.write().expect("numbers");
                for (n, id) in ids2 {
                    numbers.insert(n, id);
                }
            });
            Ok(((n, ids, status), Some(then as Box<dyn FnOnce() + Send>)))
        })
        .await?;
    let numbers: Vec<i64> = ids.iter().skip(usize::from(ids.len() > 1)).map(|(n, _)| *n).collect();
    Ok((StatusCode::CREATED, Json(json!({"number": number, "status": status, "numbers": numbers}))))
}

pub(crate) fn kind_ja(k: Kind) -> &'static str {
    match k {
        Kind::Interview => "初回面談",
        Kind::Regular => "定期利用",
        Kind::Flexible => "柔軟利用",
    }
}

/// A booking as my page shows it.
pub(crate) fn booking_json(app: &App, world: &World, r: &BookingRecord) -> Value {
    let number = app.numbers.read().expect("numbers").by_id.get(&r.id).copied();
    let minutes = u32::from(r.to.minutes() - r.from.minutes());
    let facility = world.facility(&r.facility).map(|f| f.name.clone()).unwrap_or_default();
    let child = world.child(&r.child).map(|c| c.name.clone()).unwrap_or_default();
    let today = app.clock.engine_now().date(); // the world's own now moves only with writes
    json!({
        "number": number, "id": r.id, "kind": r.kind, "status": r.status,
        "is_today": r.date == today,
        "date": tsuen::clock::format_date(r.date), "from": r.from, "to": r.to, "hours": f64::from(minutes) / 60.0,
        "facility": r.facility, "facility_name": facility, "child": r.child, "child_name": child,
        "fee_yen": world.fee(&r.id).ok(), "check_in": r.check_in, "check_out": r.check_out,
    })
}

async fn mine(State(app): State<App>, headers: HeaderMap) -> Result<Json<Value>, ApiError> {
    let a = app.user_as(&headers, Role::Parent, false)?;
    let world = app.world();
    let mut list: Vec<BookingRecord> = Vec::new();
    for c in household_children(&world, &a) {
        list.extend(world.bookings_of_child(&c.id)?);
    }
    let numbers = app.numbers.read().expect("numbers");
    list.sort_by_key(|r| std::cmp::Reverse(numbers.by_id.get(&r.id).copied().unwrap_or(0)));
    drop(numbers);
    let out: Vec<Value> = list.iter().map(|r| booking_json(&app, &world, r)).collect();
    Ok(Json(json!({"bookings": out})))
}

/// The engine id a booking number stands for, and a record of it (a series' number names the series;
/// the record is then its first occurrence's, whose child and facility are the series').
pub(crate) fn by_number(app: &App, number: i64) -> Result<(String, BookingRecord), ApiError> {
    let missing = || ApiError::not_found("booking");
    let id = app.numbers.read().expect("numbers").by_number.get(&number).cloned().ok_or_else(missing)?;
    let world = app.world();
    let probe = world.series_occurrences(&id).ok().and_then(|o| o.into_iter().next()).unwrap_or_else(|| id.clone());
    let record = world.booking(&probe).map_err(|_| missing())?;
    Ok((id, record))
}

/// The engine id of a booking number, when the parent owns it.
fn owned(app: &App, a: &Account, number: i64) -> Result<String, ApiError> {
    let (id, r) = by_number(app, number)?;
    own_child(&app.world(), a, &r.child).map_err(|_| ApiError::not_found("booking"))?;
    Ok(id)
}

async fn detail(State(app): State<App>, headers: HeaderMap, Path(number): Path<i64>) -> Result<Json<Value>, ApiError> {
    let a = app.user_as(&headers, Role::Parent, false)?;
    let id = owned(&app, &a, number)?;
    let world = app.world();
    if let Ok(occurrences) = world.series_occurrences(&id) {
        let list: Vec<Value> =
            occurrences.iter().filter_map(|o| world.booking(o).ok()).map(|r| booking_json(&app, &world, &r)).collect();
        return Ok(Json(json!({"number": number, "series": id, "occurrences": list})));
    }
    let r = world.booking(&id)?;
    Ok(Json(booking_json(&app, &world, &r)))
}

async fn cancel_preview(
    State(app): State<App>,
    headers: HeaderMap,
    Path(number): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let a = app.user_as(&headers, Role::Parent, false)?;
    let id = owned(&app, &a, number)?;
    let world = app.world();
    let outcome = world.cancel_outcome(&id, tsuen::CancelBy::Parent, app.clock.engine_now())?;
    let late = outcome.iter().any(|(_, s)| *s == Status::CancelledLate);
    let fee: u32 =
        outcome.iter().filter(|(_, s)| *s == Status::CancelledLate).filter_map(|(b, _)| world.fee(b).ok()).sum();
    let fee = Some(fee);
    Ok(Json(json!({"late": late, "fee_yen": fee})))
}

async fn cancel(State(app): State<App>, headers: HeaderMap, Path(number): Path<i64>) -> Result<Json<Value>, ApiError> {
    let a = app.user_as(&headers, Role::Parent, true)?;
    let id = owned(&app, &a, number)?;
    let result = app
        .write(move |ctx| {
            let applied =
                ctx.apply(&tsuen::Op::Cancel(tsuen::CancelRequest { booking: id, by: tsuen::CancelBy::Parent }))?;
            Ok((applied, None))
        })
        .await?;
    let status = match result {
        tsuen::Applied::Cancelled(list) => list.first().map(|(_, s)| *s),
        _ => None,
    };
    Ok(Json(json!({"status": status})))
}
