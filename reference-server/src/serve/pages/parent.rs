//! Parents (seed 3 and 5): マイページ with 直近のご予約, a booking's details and its cancellation (with the
//! late-cancellation warning), the facility list and detail (基本情報 / 予約, 初回面談が必要), the
//! interview booking (STEP1, 初回面談のご希望日, the confirm dialog), STEP2 予約種別の選択, 柔軟利用 from
//! the week calendar (the WebAssembly component) and 定期利用 by weekday, band and weeks.

use std::collections::HashMap;

use axum::Form as Posted;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::{Method, StatusCode};
use axum::routing::{get, post};
use maud::{Markup, html};
use serde_json::{Value, json};

use super::view::{Form, booking_card, csrf, ja_date, kind_ja, layout, pending, short_time, slash_date};
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
        .route("/facilities/{id}/interview", get(interview_page).post(interview))
        .route("/facilities/{id}/flexible", get(flexible_page).post(flexible))
        .route("/facilities/{id}/regular", get(regular_page).post(regular))
}

/// The household's children: (id, name).
fn children(v: &Visit, a: &Account) -> Vec<(String, String)> {
    v.pages.app.world().children_of(&a.household()).into_iter().map(|c| (c.id, c.name)).collect()
}

fn today(v: &Visit) -> String {
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
        (pending("登降園手続き", "利用当日の登降園（園の2次元コードの読取）と行動記録の確認の画面は準備中です。"))
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

const WEEKDAYS: &[(&str, &str)] =
    &[("mon", "月"), ("tue", "火"), ("wed", "水"), ("thu", "木"), ("fri", "金"), ("sat", "土"), ("sun", "日")];

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
