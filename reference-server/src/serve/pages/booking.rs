//! Parents' booking forms (seed 3 and 5): the interview (STEP1, 初回面談のご希望日, the confirm dialog),
//! 柔軟利用 from the week calendar (the WebAssembly component, filling the form) and 定期利用 by first
//! day, band and weeks with the regular places left. Each posts to `POST /api/bookings`.

use std::collections::HashMap;

use axum::Form as Posted;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::{Method, StatusCode};
use axum::routing::get;
use maud::{Markup, html};
use serde_json::{Value, json};

use super::parent::{children, today};
use super::view::{Form, csrf, ja_date, layout, short_time, slash_date};
use super::{PageResult, Pages, Visit, enc, form_map, html as page, see_other};
use crate::serve::auth::Role;

type Q = Query<HashMap<String, String>>;
type Fields = Posted<Vec<(String, String)>>;

pub(super) fn routes(r: Router<Pages>) -> Router<Pages> {
    r.route("/facilities/{id}/interview", get(interview_page).post(interview))
        .route("/facilities/{id}/flexible", get(flexible_page).post(flexible))
        .route("/facilities/{id}/regular", get(regular_page).post(regular))
}

/// The weekdays as the setup names them, and in Japanese.
pub(super) const WEEKDAYS: &[(&str, &str)] =
    &[("mon", "月"), ("tue", "火"), ("wed", "水"), ("thu", "木"), ("fri", "金"), ("sat", "土"), ("sun", "日")];

/// The facility's name and setup.
async fn setup(v: &Visit, id: &str) -> Result<(String, Value), super::Stop> {
    let f = v.get(&format!("/api/facilities/{}", enc(id))).await?;
    Ok((f["facility"]["name"].as_str().unwrap_or("").to_owned(), f["facility"].clone()))
}

/// The half-hour times from the facility's earliest opening to its latest closing.
fn times(spec: &Value) -> Vec<(String, String)> {
    let (mut lo, mut hi) = (48u32, 0u32);
    for (k, _) in WEEKDAYS {
        if let Some(h) = spec["hours"][*k].as_array() {
            let slot = |t: &str| t[..2].parse::<u32>().unwrap_or(0) * 2 + u32::from(&t[3..] == "30");
            lo = lo.min(slot(h[0].as_str().unwrap_or("00:00")));
            hi = hi.max(slot(h[1].as_str().unwrap_or("24:00")));
        }
    }
    if lo > hi {
        (lo, hi) = (0, 48);
    }
    (lo..=hi)
        .map(|s| {
            let t = format!("{:02}:{}", s / 2, if s % 2 == 1 { "30" } else { "00" });
            (t.clone(), short_time(&t))
        })
        .collect()
}

/// Books through the API; on success, to the new booking's page.
async fn book(v: &Visit, id: &str, kind: &str, values: &HashMap<String, String>, extra: Value) -> Result<i64, Form> {
    let get = |k: &str| values.get(k).cloned().unwrap_or_default();
    let mut body = json!({"child": get("child"), "facility": id, "kind": kind,
                          "date": get("date"), "from": get("from"), "to": get("to")});
    if let (Some(o), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        o.extend(e.clone());
    }
    let a = v.call(Method::POST, "/api/bookings", Some(body)).await;
    if a.ok() {
        return Ok(a.body["number"].as_i64().unwrap_or(0));
    }
    let mut form = Form::with(values.clone());
    let fields = [("child", "child"), ("date", "date"), ("from", "from"), ("to", "to"), ("weeks", "weeks")];
    form.refused(&a, "ご指定の内容では予約できません。", &fields);
    Err(form)
}

fn interview_body(v: &Visit, id: &str, name: &str, spec: &Value, kids: &[(String, String)], form: &Form) -> Markup {
    let today = today(v);
    let slots: Vec<(String, String, String)> = spec["interview_slots"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|s| s["date"].as_str().unwrap_or("") > today.as_str())
        .map(|s| {
            let (d, f, t) =
                (s["date"].as_str().unwrap_or(""), s["from"].as_str().unwrap_or(""), s["to"].as_str().unwrap_or(""));
            (format!("{d}|{f}|{t}"), format!("{} {}~{}", slash_date(d), short_time(f), short_time(t)), d.to_owned())
        })
        .collect();
    let chosen = form.value("slot");
    let slot_err = form.errors.get("slot").or_else(|| form.errors.get("date"));
    html! {
        p { a href=(format!("/facilities/{}?tab=book", enc(id))) { "← " (name) " へ戻る" } }
        h1 { "初回面談の申込" }
        p.facility-name { (name) }
        (form.alerts())
        form #interview-form method="post" action=(format!("/facilities/{}/interview", enc(id))) novalidate {
            (csrf(v))
            section.step aria-labelledby="step1" {
                h2 id="step1" { "STEP1 ご利用のお子さまを選択" }
                (form.select("child", "利用をご希望のお子さま", true, kids))
                p.hint { "ご利用を希望されるお子さまをお選びのうえ、お手続きください。" }
            }
            fieldset.slots.invalid[slot_err.is_some()] aria-describedby=[slot_err.map(|_| "f-slot-error")] {
                legend { "初回面談のご希望日 " span.required { "必須" } }
                @if slots.is_empty() { p { "申込できる面談日がありません。" } }
                @for (k, (value, label, _)) in slots.iter().enumerate() {
                    div.radio {
                        input id=(format!("f-slot-{k}")) type="radio" name="slot" value=(value) checked[chosen == value] required;
                        label for=(format!("f-slot-{k}")) { (label) }
                    }
                }
                @if let Some(e) = slot_err { p.error id="f-slot-error" { (e) } }
            }
            div.actions { button.primary type="submit" data-confirm { "申し込む →" } }
        }
        dialog #confirm aria-labelledby="confirm-text" {
            p id="confirm-text" { "選択された内容を適用します。よろしいですか？" }
            p #confirm-detail {}
            div.actions {
                button.primary type="button" data-apply { "適用する →" }
                button.secondary type="button" data-cancel { "キャンセル →" }
            }
        }
        script src="/static/confirm.js" defer {}
    }
}

async fn interview_page(v: Visit, Path(id): Path<String>, Query(q): Q) -> PageResult {
    let a = v.require(Role::Parent)?.clone();
    let (name, spec) = setup(&v, &id).await?;
    let kids = children(&v, &a);
    Ok(page(StatusCode::OK, layout(&v, "初回面談の申込", interview_body(&v, &id, &name, &spec, &kids, &Form::with(q)))))
}

async fn interview(v: Visit, Path(id): Path<String>, Posted(pairs): Fields) -> PageResult {
    let a = v.require(Role::Parent)?.clone();
    let mut values = form_map(&pairs);
    v.check_form(&values)?;
    let slot = values.get("slot").cloned().unwrap_or_default();
    let mut parts = slot.split('|');
    for k in ["date", "from", "to"] {
        values.insert(k.into(), parts.next().unwrap_or("").to_owned());
    }
    let result = if slot.is_empty() {
        let mut f = Form::with(values.clone());
        f.errors.insert("slot".into(), "初回面談のご希望日を選択してください。".into());
        Err(f)
    } else {
        book(&v, &id, "interview", &values, json!({})).await
    };
    match result {
        Ok(n) => Ok(see_other(&format!("/mypage/bookings/{n}?done=booked"))),
        Err(form) => {
            let (name, spec) = setup(&v, &id).await?;
            let kids = children(&v, &a);
            let body = interview_body(&v, &id, &name, &spec, &kids, &form);
            Ok(page(StatusCode::UNPROCESSABLE_ENTITY, layout(&v, "初回面談の申込", body)))
        }
    }
}

fn flexible_body(v: &Visit, id: &str, name: &str, spec: &Value, kids: &[(String, String)], form: &Form) -> Markup {
    let today = v.pages.app.clock.engine_now().date();
    let week = tsuen::clock::parse_date(form.value("date")).unwrap_or(today);
    let monday = today - time::Duration::days(i64::from(today.weekday().number_days_from_monday()));
    let t = times(spec);
    html! {
        p { a href=(format!("/facilities/{}?tab=book&child={}", enc(id), enc(form.value("child")))) { "← " (name) " へ戻る" } }
        h1 { "STEP2 予約種別の選択" }
        h2 { "柔軟利用をご希望の方" }
        p { "以下の空き状況カレンダーからご希望の日付・時間帯をお選びのうえ、お手続きください。" }
        p.hint { "※ 定期的な利用の空き状況については、下記カレンダーには表示されておりません。" }
        div.calendar-wrap {
            div #calendar data-facility=(id) data-child=(form.value("child")) data-week=(tsuen::clock::format_date(week))
                data-from=(tsuen::clock::format_date(monday)) data-days="70" {
                p.hint { "空き状況カレンダーを読み込んでいます…" }
            }
        }
        noscript { p.hint { "カレンダーの表示には JavaScript が必要です。下の欄に日付と時間を入力しても予約できます。" } }
        (form.alerts())
        form #booking-form method="post" action=(format!("/facilities/{}/flexible", enc(id))) novalidate {
            (csrf(v))
            (form.select("child", "お子さま", true, kids))
            (form.input("date", "利用日", "date", true, None))
            div.row {
                (form.select("from", "開始時刻", true, &t))
                (form.select("to", "終了時刻", true, &t))
            }
            div.actions { button.primary type="submit" { "予約する →" } }
        }
        script type="module" src="/static/flexible.js" {}
    }
}

async fn flexible_page(v: Visit, Path(id): Path<String>, Query(q): Q) -> PageResult {
    let a = v.require(Role::Parent)?.clone();
    let (name, spec) = setup(&v, &id).await?;
    let kids = children(&v, &a);
    let mut form = Form::with(q);
    if form.value("child").is_empty()
        && let Some((c, _)) = kids.first()
    {
        form.values.insert("child".into(), c.clone());
    }
    Ok(page(StatusCode::OK, layout(&v, "柔軟利用の予約", flexible_body(&v, &id, &name, &spec, &kids, &form))))
}

async fn flexible(v: Visit, Path(id): Path<String>, Posted(pairs): Fields) -> PageResult {
    let a = v.require(Role::Parent)?.clone();
    let values = form_map(&pairs);
    v.check_form(&values)?;
    match book(&v, &id, "flexible", &values, json!({})).await {
        Ok(n) => Ok(see_other(&format!("/mypage/bookings/{n}?done=booked"))),
        Err(form) => {
            let (name, spec) = setup(&v, &id).await?;
            let kids = children(&v, &a);
            let body = flexible_body(&v, &id, &name, &spec, &kids, &form);
            Ok(page(StatusCode::UNPROCESSABLE_ENTITY, layout(&v, "柔軟利用の予約", body)))
        }
    }
}

fn regular_body(
    v: &Visit,
    id: &str,
    name: &str,
    spec: &Value,
    kids: &[(String, String)],
    form: &Form,
    places: Option<&Value>,
) -> Markup {
    let t = times(spec);
    let weeks: Vec<(String, String)> = (1..=13).map(|w| (w.to_string(), format!("{w}週"))).collect();
    let weekday = tsuen::clock::parse_date(form.value("date"))
        .ok()
        .map(|d| WEEKDAYS[d.weekday().number_days_from_monday() as usize].1);
    html! {
        p { a href=(format!("/facilities/{}?tab=book&child={}", enc(id), enc(form.value("child")))) { "← " (name) " へ戻る" } }
        h1 { "STEP2 予約種別の選択" }
        h2 { "定期利用をご希望の方" }
        p { "毎週決まった曜日・時間帯で継続的に利用する予約です。初回の利用日、時間帯と週数を選んでください。" }
        (form.alerts())
        form method="post" action=(format!("/facilities/{}/regular", enc(id))) novalidate {
            (csrf(v))
            (form.select("child", "お子さま", true, kids))
            (form.input("date", "初回の利用日", "date", true, weekday.map(|w| format!("毎週{w}曜日")).as_deref()))
            div.row {
                (form.select("from", "開始時刻", true, &t))
                (form.select("to", "終了時刻", true, &t))
            }
            (form.select("weeks", "週数", true, &weeks))
            div.actions {
                button.secondary type="submit" name="action" value="check" { "空き状況を確認する" }
                button.primary type="submit" name="action" value="book" { "予約する →" }
            }
        }
        @if let Some(p) = places {
            section aria-labelledby="regular-places" {
                h2 id="regular-places" { "定期利用の空き状況" }
                table.places {
                    thead { tr { th scope="col" { "利用日" } th scope="col" { "残りの枠" } } }
                    tbody {
                        @for (k, w) in p["weeks"].as_array().into_iter().flatten().enumerate() {
                            @let date = tsuen::clock::parse_date(form.value("date")).ok().map(|d| d + time::Duration::weeks(k as i64));
                            tr {
                                td { (date.map(|d| ja_date(&tsuen::clock::format_date(d))).unwrap_or_default()) }
                                td { @if let Some(n) = w.as_u64() { (n) } @else { "休園・時間外" } }
                            }
                        }
                    }
                }
            }
        }
    }
}

async fn regular_page(v: Visit, Path(id): Path<String>, Query(q): Q) -> PageResult {
    let a = v.require(Role::Parent)?.clone();
    let (name, spec) = setup(&v, &id).await?;
    let kids = children(&v, &a);
    let mut form = Form::with(q);
    form.values.entry("weeks".into()).or_insert_with(|| "4".into());
    Ok(page(StatusCode::OK, layout(&v, "定期利用の予約", regular_body(&v, &id, &name, &spec, &kids, &form, None))))
}

async fn regular(v: Visit, Path(id): Path<String>, Posted(pairs): Fields) -> PageResult {
    let a = v.require(Role::Parent)?.clone();
    let values = form_map(&pairs);
    v.check_form(&values)?;
    let get = |k: &str| values.get(k).cloned().unwrap_or_default();
    let weeks: Option<u32> = get("weeks").parse().ok();
    let (form, places) = if get("action") == "check" {
        let path = format!(
            "/api/facilities/{}/regular?date={}&weeks={}&from={}&to={}&child={}",
            enc(&id),
            enc(&get("date")),
            weeks.unwrap_or(0),
            enc(&get("from")),
            enc(&get("to")),
            enc(&get("child"))
        );
        let ans = v.call(Method::GET, &path, None).await;
        let mut form = Form::with(values.clone());
        if ans.ok() {
            (form, Some(ans.body))
        } else {
            let fields = [("child", "child"), ("date", "date"), ("from", "from"), ("to", "to"), ("weeks", "weeks")];
            form.refused(&ans, "空き状況を確認できませんでした。", &fields);
            (form, None)
        }
    } else {
        match book(&v, &id, "regular", &values, json!({"weeks": weeks})).await {
            Ok(n) => return Ok(see_other(&format!("/mypage/bookings/{n}?done=booked"))),
            Err(form) => (form, None),
        }
    };
    let status = if form.has_errors() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let (name, spec) = setup(&v, &id).await?;
    let kids = children(&v, &a);
    Ok(page(status, layout(&v, "定期利用の予約", regular_body(&v, &id, &name, &spec, &kids, &form, places.as_ref()))))
}
