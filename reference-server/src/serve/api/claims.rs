//! The municipality's work after the day of use: its facilities, usage per child and facility per
//! month, claims per facility split by paying municipality with the month's close (a closed month is
//! frozen; a later change shows as a correction line in the next open month), CSV downloads (UTF-8
//! with BOM, CRLF: Excel opens them as they are), and the audit log of staff actions.
//!
//! Whose claims: a municipality's claims are those of the facilities in it, split by the paying
//! municipality (each child's). Its usage report covers the children it certified, at any facility.

use std::collections::BTreeMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};
use time::Duration;
use tsuen::{Month, World};

use super::records::month_param;
use super::{Route, parse};
use crate::serve::app::{ApiError, App};
use crate::serve::audit;
use crate::serve::auth::{Account, Role};
use crate::serve::clock::stamp;
use crate::serve::daystore::{ClaimLineRow, DayStore};

const CITY: &[Role] = &[Role::Municipality];

pub(super) fn routes() -> Vec<Route> {
    vec![
        Route {
            method: "GET",
            path: "/api/municipality/facilities",
            roles: CITY,
            summary: "The facilities in the staff's municipality, with their setup",
            body: None,
            response: (200, "MunicipalityFacilities"),
            handler: || get(facilities),
        },
        Route {
            method: "GET",
            path: "/api/municipality/usage",
            roles: CITY,
            summary: "Usage per child (certified here) and facility in ?month=YYYY-MM: billed bookings, minutes, yen; minutes against the cap",
            body: None,
            response: (200, "Usage"),
            handler: || get(usage),
        },
        Route {
            method: "GET",
            path: "/api/municipality/usage.csv",
            roles: CITY,
            summary: "The usage report of ?month= as CSV (UTF-8 with BOM, CRLF)",
            body: None,
            response: (200, "Csv"),
            handler: || get(usage_csv),
        },
        Route {
            method: "GET",
            path: "/api/municipality/claims",
            roles: CITY,
            summary: "Claims of the municipality's facilities for ?month=, split by paying municipality; frozen once closed, with corrections of closed months",
            body: None,
            response: (200, "Claims"),
            handler: || get(claims),
        },
        Route {
            method: "GET",
            path: "/api/municipality/claims.csv",
            roles: CITY,
            summary: "The claims of ?month= as CSV (UTF-8 with BOM, CRLF)",
            body: None,
            response: (200, "Csv"),
            handler: || get(claims_csv),
        },
        Route {
            method: "POST",
            path: "/api/municipality/claims/close",
            roles: CITY,
            summary: "Close a month that has ended: {month}; its claims are frozen, later changes go to the next open month",
            body: Some("MonthClose"),
            response: (200, "MonthClosed"),
            handler: || post(close),
        },
        Route {
            method: "GET",
            path: "/api/municipality/audit",
            roles: CITY,
            summary: "The audit log of staff actions (the municipality's staff and its facilities' staff), newest first",
            body: None,
            response: (200, "Audit"),
            handler: || get(audit_log),
        },
    ]
}

fn municipality_of(a: &Account) -> Result<String, ApiError> {
    a.municipality.clone().ok_or_else(ApiError::forbidden)
}

fn next(m: Month) -> Month {
    Month::of(m.first_day() + Duration::days(32))
}

fn conflict(error: &str, en: String, ja: &str) -> ApiError {
    let mut e = ApiError::new(StatusCode::CONFLICT, error, en, ja);
    e.field = Some("month".into());
    e
}

/// The live claim lines of the municipality's facilities for a month, per facility and payer.
fn live(world: &World, m: &str, month: Month) -> Result<Vec<ClaimLineRow>, ApiError> {
    let mut out: BTreeMap<(String, String), (i64, i64)> = BTreeMap::new();
    for f in world.facilities().filter(|f| f.municipality == m) {
        for l in world.claim_lines(&f.id, month)? {
            let e = out.entry((f.id.clone(), l.payer)).or_default();
            e.0 += 1;
            e.1 += l.yen as i64;
        }
    }
    let month = month.to_string();
    Ok(out
        .into_iter()
        .map(|((facility, payer), (bookings, yen))| ClaimLineRow {
            facility,
            payer,
            for_month: month.clone(),
            bookings,
            yen,
        })
        .collect())
}

/// The correction lines an open month carries: for each closed month whose next open month it is,
/// the live claim less what was frozen for that month (at its close and by earlier corrections).
fn corrections(db: &dyn DayStore, world: &World, m: &str, month: Month) -> Result<Vec<ClaimLineRow>, ApiError> {
    let closed = db.closed_months(m)?;
    let mut out = Vec::new();
    for x in &closed {
        let Ok(xm) = Month::parse(x) else { continue };
        let mut open = next(xm);
        while closed.contains(&open.to_string()) {
            open = next(open);
        }
        if open != month {
            continue;
        }
        let mut delta: BTreeMap<(String, String), (i64, i64)> = BTreeMap::new();
        for l in live(world, m, xm)? {
            let e = delta.entry((l.facility, l.payer)).or_default();
            e.0 += l.bookings;
            e.1 += l.yen;
        }
        for l in db.settled(m, x)? {
            let e = delta.entry((l.facility, l.payer)).or_default();
            e.0 -= l.bookings;
            e.1 -= l.yen;
        }
        out.extend(delta.into_iter().filter(|(_, (b, y))| *b != 0 || *y != 0).map(|((facility, payer), (b, y))| {
            ClaimLineRow { facility, payer, for_month: x.clone(), bookings: b, yen: y }
        }));
    }
    Ok(out)
}

/// A month's claim lines: frozen where closed, else live with corrections; and when it was closed.
fn month_lines(app: &App, m: &str, month: Month) -> Result<(Vec<ClaimLineRow>, Option<String>), ApiError> {
    // The world first, then the reader: the order every handler takes them in.
    let world = app.world();
    let db = app.reader.lock().expect("reader");
    if let Some(at) = db.month_closed(m, &month.to_string())? {
        return Ok((db.claim_lines_of(m, &month.to_string())?, Some(at)));
    }
    let mut lines = live(&world, m, month)?;
    lines.extend(corrections(&**db, &world, m, month)?);
    Ok((lines, None))
}

fn names(app: &App) -> (BTreeMap<String, String>, BTreeMap<String, String>) {
    let world = app.world();
    (
        world.facilities().map(|f| (f.id.clone(), f.name.clone())).collect(),
        world.municipalities().map(|m| (m.code.clone(), m.name.clone())).collect(),
    )
}

async fn facilities(State(app): State<App>, headers: HeaderMap) -> Result<Json<Value>, ApiError> {
    let a = app.user_as(&headers, Role::Municipality, false)?;
    let m = municipality_of(&a)?;
    let world = app.world();
    let today = app.clock.engine_now().date();
    let list: Vec<Value> = world
        .facilities()
        .filter(|f| f.municipality == m)
        .map(|f| {
            let today_count = world.bookings_of_day(&f.id, today).map(|b| b.len()).unwrap_or(0);
            json!({"id": f.id, "name": f.name, "bookings_today": today_count,
                   "setup": serde_json::to_value(f).expect("serializable")})
        })
        .collect();
    Ok(Json(json!({"facilities": list})))
}

/// Usage rows: (child, facility) → (child name, bookings, minutes, yen); and per child the minutes
/// counted against the cap and the cap.
fn usage_rows(app: &App, m: &str, month: Month) -> Result<Vec<Value>, ApiError> {
    let world = app.world();
    let mut rows: BTreeMap<(String, String), (i64, i64, u64)> = BTreeMap::new();
    for f in world.facilities() {
        for l in world.claim_lines(&f.id, month)?.into_iter().filter(|l| l.payer == m) {
            let e = rows.entry((l.child, f.id.clone())).or_default();
            e.0 += 1;
            e.1 += i64::from(l.minutes);
            e.2 += l.yen;
        }
    }
    let mut out = Vec::new();
    for ((child, facility), (bookings, minutes, yen)) in rows {
        let spec = world.child(&child)?;
        let cap = world.usage(&child, month)?;
        let fname = world.facility(&facility).map(|f| f.name.clone()).unwrap_or_default();
        out.push(json!({"child": child, "child_name": spec.name, "facility": facility, "facility_name": fname,
                        "bookings": bookings, "minutes": minutes, "yen": yen,
                        "cap_counted_minutes": cap.minutes, "cap_minutes": cap.cap_minutes}));
    }
    Ok(out)
}

async fn usage(State(app): State<App>, headers: HeaderMap, uri: Uri) -> Result<Json<Value>, ApiError> {
    let a = app.user_as(&headers, Role::Municipality, false)?;
    let m = municipality_of(&a)?;
    let month = month_param(&uri)?;
    Ok(Json(json!({"month": month.to_string(), "rows": usage_rows(&app, &m, month)?})))
}

fn line_json(l: &ClaimLineRow, month: &str, f: &BTreeMap<String, String>, p: &BTreeMap<String, String>) -> Value {
    json!({"kind": if l.for_month == month { "claim" } else { "correction" }, "for_month": l.for_month,
           "facility": l.facility, "facility_name": f.get(&l.facility), "payer": l.payer, "payer_name": p.get(&l.payer),
           "bookings": l.bookings, "yen": l.yen})
}

async fn claims(State(app): State<App>, headers: HeaderMap, uri: Uri) -> Result<Json<Value>, ApiError> {
    let a = app.user_as(&headers, Role::Municipality, false)?;
    let m = municipality_of(&a)?;
    let month = month_param(&uri)?;
    let (lines, closed_at) = month_lines(&app, &m, month)?;
    let (f, p) = names(&app);
    let key = month.to_string();
    let mut by_facility: BTreeMap<String, i64> = BTreeMap::new();
    for l in &lines {
        *by_facility.entry(l.facility.clone()).or_default() += l.yen;
    }
    Ok(Json(json!({
        "month": key, "closed": closed_at.is_some(), "closed_at": closed_at,
        "lines": lines.iter().map(|l| line_json(l, &key, &f, &p)).collect::<Vec<_>>(),
        "by_facility": by_facility, "total_yen": lines.iter().map(|l| l.yen).sum::<i64>(),
    })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MonthClose {
    month: String,
}

async fn close(State(app): State<App>, headers: HeaderMap, body: Bytes) -> Result<Json<Value>, ApiError> {
    let a = app.user_as(&headers, Role::Municipality, true)?;
    let m = municipality_of(&a)?;
    let req: MonthClose = parse(&body)?;
    let month =
        Month::parse(&req.month).map_err(|e| ApiError::field("month", e, "月の形式が正しくありません（YYYY-MM）。"))?;
    if month >= Month::of(app.clock.engine_now().date()) {
        return Err(conflict(
            "month_not_over",
            format!("{month} has not ended: a month is closed after its last day."),
            "月末を過ぎてから締めてください。",
        ));
    }
    let key = month.to_string();
    let (total, count) = app
        .write(move |ctx| {
            if ctx.db.month_closed(&m, &key)?.is_some() {
                return Err(conflict("month_closed", format!("{key} is closed already."), "この月は締め済みです。"));
            }
            let lines = {
                let world = ctx.world();
                let mut lines = live(world, &m, month)?;
                lines.extend(corrections(ctx.db, world, &m, month)?);
                lines
            };
            let total: i64 = lines.iter().map(|l| l.yen).sum();
            ctx.db.close_month(&m, &key, a.id, &stamp(ctx.clock.now()), &lines)?;
            audit::log(
                ctx,
                &a,
                "close_month",
                &format!("month:{key}"),
                json!({"total_yen": total, "lines": lines.len()}),
            )?;
            Ok(((total, lines.len()), None))
        })
        .await?;
    Ok(Json(json!({"status": "closed", "month": month.to_string(), "total_yen": total, "lines": count})))
}

/// One CSV field, quoted where it must be (RFC 4180).
fn field(s: &str) -> String {
    if s.contains([',', '"', '\r', '\n']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_owned() }
}

/// A CSV download: UTF-8 with a BOM, CRLF line ends.
fn csv(name: &str, header_row: &[&str], rows: Vec<Vec<String>>) -> Response {
    let mut out = String::from("\u{feff}");
    let line = |cells: Vec<String>| cells.iter().map(|c| field(c)).collect::<Vec<_>>().join(",") + "\r\n";
    out.push_str(&line(header_row.iter().map(|s| (*s).to_owned()).collect()));
    for r in rows {
        out.push_str(&line(r));
    }
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        out,
    )
        .into_response()
}

async fn claims_csv(State(app): State<App>, headers: HeaderMap, uri: Uri) -> Result<Response, ApiError> {
    let a = app.user_as(&headers, Role::Municipality, false)?;
    let m = municipality_of(&a)?;
    let month = month_param(&uri)?;
    let (lines, closed_at) = month_lines(&app, &m, month)?;
    let (f, p) = names(&app);
    let key = month.to_string();
    let state = if closed_at.is_some() { "締め済" } else { "未締め" };
    let rows = lines
        .iter()
        .map(|l| {
            vec![
                key.clone(),
                state.to_owned(),
                if l.for_month == key { "請求".to_owned() } else { "過月修正".to_owned() },
                l.for_month.clone(),
                l.facility.clone(),
                f.get(&l.facility).cloned().unwrap_or_default(),
                l.payer.clone(),
                p.get(&l.payer).cloned().unwrap_or_default(),
                l.bookings.to_string(),
                l.yen.to_string(),
            ]
        })
        .collect();
    Ok(csv(
        &format!("claims-{m}-{key}.csv"),
        &[
            "請求月",
            "状態",
            "区分",
            "対象月",
            "施設ID",
            "施設名",
            "支払市区町村コード",
            "支払市区町村",
            "件数",
            "金額（円）",
        ],
        rows,
    ))
}

async fn usage_csv(State(app): State<App>, headers: HeaderMap, uri: Uri) -> Result<Response, ApiError> {
    let a = app.user_as(&headers, Role::Municipality, false)?;
    let m = municipality_of(&a)?;
    let month = month_param(&uri)?;
    let key = month.to_string();
    let s = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let rows = usage_rows(&app, &m, month)?
        .iter()
        .map(|r| {
            let mut row = vec![key.clone()];
            for k in ["child", "child_name", "facility", "facility_name", "bookings", "minutes", "yen"] {
                row.push(s(&r[k]));
            }
            row.push(s(&r["cap_counted_minutes"]));
            row.push(s(&r["cap_minutes"]));
            row
        })
        .collect();
    Ok(csv(
        &format!("usage-{m}-{key}.csv"),
        &[
            "対象月",
            "こどもID",
            "氏名",
            "施設ID",
            "施設名",
            "件数",
            "請求分数",
            "金額（円）",
            "月間算定分数",
            "月間上限分数",
        ],
        rows,
    ))
}

async fn audit_log(State(app): State<App>, headers: HeaderMap) -> Result<Json<Value>, ApiError> {
    let a = app.user_as(&headers, Role::Municipality, false)?;
    let m = municipality_of(&a)?;
    let rows = app.reader.lock().expect("reader").audit(&m, 1000)?;
    let list: Vec<Value> = rows
        .into_iter()
        .map(|e| {
            json!({"id": e.id, "at": e.at, "account": e.account, "name": e.name, "role": e.role,
                   "facility": e.facility, "action": e.action, "target": e.target,
                   "detail": serde_json::from_str::<Value>(&e.detail).unwrap_or(Value::Null)})
        })
        .collect();
    Ok(Json(json!({"entries": list})))
}
