//! Parents (seed 3 and 5): マイページ with 直近のご予約, a booking's details and its cancellation (with the
//! late-cancellation warning), the facility list and detail (基本情報 / 予約 tabs, 初回面談が必要 or
//! 再面談が必要, STEP1 the child, STEP2 予約種別の選択). The booking forms are in `booking.rs`.

use std::collections::HashMap;

use axum::Form as Posted;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::{Method, StatusCode};
use axum::routing::{get, post};
use maud::{Markup, html};
use serde_json::{Value, json};

use super::view::{Form, booking_card, csrf, kind_ja, layout, short_time};
use super::{PageResult, Pages, Visit, enc, form_map, html as page, see_other};
use crate::serve::auth::{Account, Role};

type Q = Query<HashMap<String, String>>;
type Fields = Posted<Vec<(String, String)>>;

pub(super) fn routes(r: Router<Pages>) -> Router<Pages> {
    r.route("/mypage", get(mypage))
        .route("/mypage/bookings/{number}", get(detail))
        .route("/mypage/bookings/{number}/cancel", post(cancel))
        .route("/facilities", get(facilities))
        .route("/facilities/{id}", get(facility))
}

/// The household's children: (id, name).
pub(super) fn children(v: &Visit, a: &Account) -> Vec<(String, String)> {
    v.pages.app.world().children_of(&a.household()).into_iter().map(|c| (c.id, c.name)).collect()
}

pub(super) fn today(v: &Visit) -> String {
    tsuen::clock::format_date(v.pages.app.clock.engine_now().date())
}

async fn mypage(v: Visit, Query(q): Q) -> PageResult {
    let a = v.require(Role::Parent)?.clone();
    let list = v.get("/api/bookings").await?;
    let all: Vec<&Value> = list["bookings"].as_array().map(|b| b.iter().collect()).unwrap_or_default();
    let today = today(&v);
    let active = |b: &Value| matches!(b["status"].as_str(), Some("provisional" | "confirmed" | "in_use"));
    let mut upcoming: Vec<&Value> =
        all.iter().copied().filter(|b| active(b) && b["date"].as_str().unwrap_or("") >= today.as_str()).collect();
    upcoming
        .sort_by_key(|b| (b["date"].as_str().unwrap_or("").to_owned(), b["from"].as_str().unwrap_or("").to_owned()));
    let past: Vec<&Value> = all.iter().copied().filter(|b| !upcoming.iter().any(|u| u["id"] == b["id"])).collect();
    let kids = children(&v, &a);
    let card = |b: &Value| {
        let link = b["number"].as_i64().map(|n| format!("/mypage/bookings/{n}"));
        booking_card(b, link)
    };
    let body = html! {
        h1 { "マイページ" }
        p.greeting { (a.name) " さま" }
        @if q.get("done").map(String::as_str) == Some("cancelled") {
            div.notice role="status" { p { "予約をキャンセルしました。" } }
        }
        section aria-labelledby="recent" {
            h2 id="recent" { "直近のご予約" }
            @if upcoming.is_empty() { p { "直近のご予約はありません。" } }
            div.cards { @for b in &upcoming { (card(b)) } }
            p { a.button.primary href="/facilities" { "施設をさがして予約する →" } }
        }
        @if !past.is_empty() {
            section aria-labelledby="past" {
                h2 id="past" { "過去・キャンセル済みのご予約" }
                div.cards { @for b in &past { (card(b)) } }
            }
        }
        section aria-labelledby="kids" {
            h2 id="kids" { "お子さま" }
            ul { @for (_, name) in &kids { li { (name) " さま" } } }
        }
        section.card aria-labelledby="door" {
            h2 id="door" { "登降園手続き" }
            p { "利用当日は、登園・降園の際に園が提示する2次元コードを読み取ってください。登降園手続きの画面が開きます。当日の様子（行動記録）は「予約の詳細を見る」から確認できます。" }
        }
    };
    Ok(page(StatusCode::OK, layout(&v, "マイページ", body)))
}

async fn detail(v: Visit, Path(number): Path<i64>, Query(q): Q) -> PageResult {
    v.require(Role::Parent)?;
    render_detail(&v, number, q.get("done").map(String::as_str), Form::default(), StatusCode::OK).await
}

async fn render_detail(v: &Visit, number: i64, done: Option<&str>, form: Form, status: StatusCode) -> PageResult {
    let b = v.get(&format!("/api/bookings/{number}")).await?;
    let preview = v.call(Method::GET, &format!("/api/bookings/{number}/cancel"), None).await;
    let occurrences: Vec<&Value> = b["occurrences"].as_array().map(|o| o.iter().collect()).unwrap_or_default();
    let late = preview.body["late"].as_bool().unwrap_or(false);
    // The day of use (check-in/out, 行動記録, extras, payment), where the day-of-use API answers.
    let day = if occurrences.is_empty() && b["kind"] != "interview" {
        let d = v.call(Method::GET, &format!("/api/bookings/{number}/day"), None).await;
        d.ok().then_some(d.body)
    } else {
        None
    };
    let body = html! {
        p { a href="/mypage" { "← マイページへ戻る" } }
        h1 { "予約の詳細" }
        @match done {
            Some("booked") => { div.notice role="status" { p { "予約を受け付けました。施設が確認すると予約確定になります。" } } }
            Some("cancelled") => { div.notice role="status" { p { "予約をキャンセルしました。" } } }
            _ => {}
        }
        @if occurrences.is_empty() {
            (booking_card(&b, None))
        } @else {
            p { "定期利用（予約番号：" (number) "）" (occurrences.len()) "回" }
            div.cards { @for o in &occurrences { (booking_card(o, o["number"].as_i64().map(|n| format!("/mypage/bookings/{n}")))) } }
        }
        @if let Some(d) = &day { (day_section(d)) }
        @if preview.ok() {
            section.card aria-labelledby="cancel-title" {
                h2 id="cancel-title" { "予約のキャンセル" }
                (form.alerts())
                @if late {
                    div.warning role="alert" data-late {
                        p { strong { "利用日の前日以降のキャンセルです。" } }
                        p { "キャンセル(当日)となり、料金 " (preview.body["fee_yen"].as_u64().unwrap_or(0)) "円 (目安) がかかります。月の利用時間にも数えられます。" }
                    }
                } @else {
                    p { "いまキャンセルすると、料金はかかりません。" }
                }
                form method="post" action=(format!("/mypage/bookings/{number}/cancel")) {
                    (csrf(v))
                    @if late {
                        div.field.check.invalid[form.errors.contains_key("agree")] {
                            input id="f-agree" type="checkbox" name="agree" value="1" required
                                aria-describedby=[form.errors.get("agree").map(|_| "f-agree-error")];
                            label for="f-agree" { "料金がかかることを確認しました" }
                            @if let Some(e) = form.errors.get("agree") { p.error id="f-agree-error" { (e) } }
                        }
                    }
                    button.danger type="submit" { "予約をキャンセルする" }
                }
            }
        }
    };
    Ok(page(status, layout(v, "予約の詳細", body)))
}

/// 当日の様子: check-in/out, the facility's activity records, extras and what is still due.
fn day_section(d: &Value) -> Markup {
    let records = d["records"].as_array().cloned().unwrap_or_default();
    let extras = d["extras"].as_array().cloned().unwrap_or_default();
    let checked_in = !d["check_in"].is_null();
    html! {
        @if checked_in || !records.is_empty() {
            section.card aria-labelledby="day-title" data-day {
                h2 id="day-title" { "当日の様子" }
                dl.info {
                    div { dt { "利用開始" } dd { (d["check_in"].as_str().unwrap_or("—")) } }
                    div { dt { "利用終了" } dd { (d["check_out"].as_str().unwrap_or("—")) } }
                    div { dt { "利用料" } dd { (d["fee_yen"].as_i64().unwrap_or(0)) "円" } }
                    @for e in &extras {
                        div { dt { (e["item"].as_str().unwrap_or("")) } dd { (e["yen"].as_i64().unwrap_or(0)) "円（" (e["quantity"].as_i64().unwrap_or(0)) "点）" } }
                    }
                    div { dt { "合計" } dd { (d["total_yen"].as_i64().unwrap_or(0)) "円" } }
                    div { dt { "お支払い済" } dd { (d["paid_yen"].as_i64().unwrap_or(0)) "円" } }
                    div { dt { "お支払い残額" } dd data-due { (d["due_yen"].as_i64().unwrap_or(0)) "円" } }
                }
                h3 { "行動記録" }
                @if records.is_empty() { p { "まだ記録はありません。" } }
                ul.records { @for r in &records { li { strong { (r["at"].as_str().unwrap_or("")) " " (r["kind"].as_str().unwrap_or("")) } " " (r["text"].as_str().unwrap_or("")) } } }
            }
        }
    }
}

async fn cancel(v: Visit, Path(number): Path<i64>, Posted(pairs): Fields) -> PageResult {
    v.require(Role::Parent)?;
    let values = form_map(&pairs);
    v.check_form(&values)?;
    let preview = v.call(Method::GET, &format!("/api/bookings/{number}/cancel"), None).await;
    if preview.body["late"].as_bool() == Some(true) && values.get("agree").map(String::as_str) != Some("1") {
        let mut form = Form::with(values);
        form.errors.insert("agree".into(), "料金がかかることをご確認ください。".into());
        return render_detail(&v, number, None, form, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let a = v.call(Method::POST, &format!("/api/bookings/{number}/cancel"), None).await;
    if a.ok() {
        return Ok(see_other(&format!("/mypage/bookings/{number}?done=cancelled")));
    }
    let mut form = Form::with(values);
    form.refused(&a, "キャンセルできませんでした。", &[]);
    render_detail(&v, number, None, form, StatusCode::UNPROCESSABLE_ENTITY).await
}

/// "初回面談が必要" or "再面談が必要" (an approval that has run out) for a child at a facility, if needed.
fn interview_badge(v: &Visit, child: &str, facility: &str, needed: bool) -> Option<&'static str> {
    if !needed {
        return None;
    }
    let had = v.pages.app.world().child(child).ok().and_then(|c| c.approvals).unwrap_or_default();
    Some(if had.iter().any(|a| a.facility == facility) { "再面談が必要" } else { "初回面談が必要" })
}

async fn facilities(v: Visit, Query(q): Q) -> PageResult {
    let a = v.require(Role::Parent)?.clone();
    let muni = q.get("municipality").cloned().unwrap_or_default();
    let path = if muni.is_empty() {
        "/api/facilities".to_owned()
    } else {
        format!("/api/facilities?municipality={}", enc(&muni))
    };
    let list = v.get(&path).await?;
    let munis = v.get("/api/municipalities").await?;
    let kids = children(&v, &a);
    let names: HashMap<String, String> = munis["municipalities"]
        .as_array()
        .map(|m| {
            m.iter()
                .map(|m| (m["code"].as_str().unwrap_or("").to_owned(), m["name"].as_str().unwrap_or("").to_owned()))
                .collect()
        })
        .unwrap_or_default();
    let options: Vec<(String, String)> = munis["municipalities"]
        .as_array()
        .map(|m| {
            m.iter()
                .map(|m| {
                    let label =
                        format!("{} {}", m["prefecture"].as_str().unwrap_or(""), m["name"].as_str().unwrap_or(""));
                    (m["code"].as_str().unwrap_or("").to_owned(), label)
                })
                .collect()
        })
        .unwrap_or_default();
    let filter = Form::with(q.clone());
    let body = html! {
        h1 { "施設をさがす" }
        form.filters method="get" action="/facilities" {
            (filter.select("municipality", "市区町村", false, &[vec![(String::new(), "すべて".to_owned())], options].concat()))
            button.secondary type="submit" { "絞り込む" }
        }
        div.cards {
            @for f in list["facilities"].as_array().into_iter().flatten() {
                @let id = f["id"].as_str().unwrap_or("");
                article.facility data-facility=(id) {
                    @for (cid, cname) in &kids {
                        @if let Some(badge) = interview_badge(&v, cid, id, f["interview_required"][cid].as_bool().unwrap_or(true)) {
                            p.badges { span.badge.badge-interview { (badge) } " " span.for { (cname) " さま" } }
                        }
                    }
                    h2 { a href=(format!("/facilities/{id}")) { (f["name"].as_str().unwrap_or("")) } }
                    p { (names.get(f["municipality"].as_str().unwrap_or("")).map(String::as_str).unwrap_or("")) " ・ "
                        (f["profile"]["access"].as_str().unwrap_or("")) }
                    p.kinds { @for k in f["kinds"].as_array().into_iter().flatten() { span.tag { (kind_ja(k.as_str().unwrap_or(""))) } " " } }
                }
            }
        }
    };
    Ok(page(StatusCode::OK, layout(&v, "施設をさがす", body)))
}

use super::booking::WEEKDAYS;

/// The STEP1 child chooser (a GET form that keeps the tab).
fn step1(kids: &[(String, String)], chosen: &str, action: &str, hidden: &[(&str, &str)]) -> Markup {
    let mut f = Form::default();
    f.values.insert("child".into(), chosen.into());
    html! {
        section.step aria-labelledby="step1" {
            h2 id="step1" { "STEP1 ご利用のお子さまを選択" }
            form method="get" action=(action) {
                @for (k, val) in hidden { input type="hidden" name=(k) value=(val); }
                (f.select("child", "利用をご希望のお子さま", true, kids))
                p.hint { "ご利用を希望されるお子さまをお選びください。" }
                button.secondary type="submit" { "選択する →" }
            }
        }
    }
}

async fn facility(v: Visit, Path(id): Path<String>, Query(q): Q) -> PageResult {
    let a = v.require(Role::Parent)?.clone();
    let f = v.get(&format!("/api/facilities/{}", enc(&id))).await?;
    let list = v.get("/api/facilities").await?;
    let needs = list["facilities"].as_array().and_then(|l| l.iter().find(|x| x["id"] == id.as_str()).cloned());
    let kids = children(&v, &a);
    let tab = q.get("tab").map(String::as_str).unwrap_or("info");
    let child = q.get("child").cloned().filter(|c| kids.iter().any(|(k, _)| k == c));
    let spec = &f["facility"];
    let profile = &f["profile"];
    let name = spec["name"].as_str().unwrap_or("");
    let badges: Vec<(&'static str, String)> = kids
        .iter()
        .filter_map(|(cid, cname)| {
            let needed = needs.as_ref().and_then(|n| n["interview_required"][cid].as_bool()).unwrap_or(true);
            interview_badge(&v, cid, &id, needed).map(|b| (b, cname.clone()))
        })
        .collect();
    let child_needs = child
        .as_ref()
        .is_some_and(|c| needs.as_ref().and_then(|n| n["interview_required"][c].as_bool()).unwrap_or(true));
    let base = format!("/facilities/{}", enc(&id));
    let body = html! {
        p { a href="/facilities" { "← 施設一覧へ戻る" } }
        @for (b, cname) in &badges { p.badges { span.badge.badge-interview { (b) } " " span.for { (cname) " さま" } } }
        h1 { (name) }
        nav.tabs aria-label="施設の情報" {
            a href=(format!("{base}?tab=info")) aria-current=[(tab != "book").then_some("page")] { "基本情報" }
            a href=(format!("{base}?tab=book")) aria-current=[(tab == "book").then_some("page")] { "予約" }
        }
        @if tab == "book" {
            (step1(&kids, child.as_deref().unwrap_or(""), &base, &[("tab", "book")]))
            @if let Some(c) = &child {
                section.step aria-labelledby="step2" {
                    h2 id="step2" { "STEP2 予約種別の選択" }
                    p { "ご希望の予約を選択してください。" }
                    div.kinds {
                        a.kind href=(format!("{base}/interview?child={}", enc(c))) data-kind="interview" {
                            strong { "初回面談" @if child_needs { " " span.badge.badge-interview { "必要" } } }
                            span { "お子さまが初めて利用する事業所の場合、初回面談を実施する必要があります。" }
                        }
                        @if spec["kinds"].as_array().is_none_or(|k| k.iter().any(|k| k == "regular")) {
                            a.kind href=(format!("{base}/regular?child={}", enc(c))) data-kind="regular" {
                                strong { "定期利用" }
                                span { "毎週決まった曜日・時間帯で継続的に利用する予約です。" }
                            }
                        }
                        a.kind href=(format!("{base}/flexible?child={}", enc(c))) data-kind="flexible" {
                            strong { "柔軟利用" }
                            span { "利用者が必要なタイミングでスポット的に利用できる予約です。" }
                        }
                    }
                    @if child_needs { p.hint { "利用予約（定期利用・柔軟利用）は、初回面談で利用承認を受けたあとにできます。" } }
                    p.hint { "利用予約は利用する7日前までに行う必要があります。" }
                }
            }
        } @else {
            section aria-labelledby="info" {
                h2 id="info" { "基本情報" }
                dl.info {
                    div { dt { "所在地" } dd { (profile["address"].as_str().unwrap_or("—")) } }
                    div { dt { "電話番号" } dd { (profile["phone"].as_str().unwrap_or("—")) } }
                    div { dt { "アクセス" } dd { (profile["access"].as_str().unwrap_or("—")) } }
                    div { dt { "対象年齢" } dd { (profile["ages"].as_str().unwrap_or("—")) } }
                    div { dt { "持ち物" } dd { (profile["bring"].as_str().unwrap_or("—")) } }
                    div { dt { "予約種別" } dd { @for k in spec["kinds"].as_array().cloned().unwrap_or_else(|| vec![json!("regular"), json!("flexible")]) { (kind_ja(k.as_str().unwrap_or(""))) " " } } }
                    div { dt { "利用料" } dd { "1時間 " (spec["fee_per_hour_yen"].as_u64().unwrap_or(300)) "円 (目安)" } }
                }
                h3 { "開所時間" }
                table.hours {
                    thead { tr { th scope="col" { "曜日" } th scope="col" { "時間" } } }
                    tbody {
                        @for (k, ja) in WEEKDAYS {
                            tr { th scope="row" { (ja) } td { @if let Some(h) = spec["hours"][*k].as_array() {
                                (short_time(h[0].as_str().unwrap_or(""))) "～" (short_time(h[1].as_str().unwrap_or("")))
                            } @else { "休園" } } }
                        }
                    }
                }
                @if spec["closed_on_holidays"].as_bool() == Some(true) { p { "祝日は休園です。" } }
                p { a.button.primary href=(format!("{base}?tab=book")) { "予約する →" } }
            }
        }
    };
    Ok(page(StatusCode::OK, layout(&v, name, body)))
}
