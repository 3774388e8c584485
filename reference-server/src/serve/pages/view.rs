//! What every page shares: the layout (header and navigation per role), forms that keep their values
//! and show errors next to their fields, the engine's refusals in Japanese, booking cards and badges.

use std::collections::HashMap;

use axum::http::StatusCode;
use axum::response::Response;
use maud::{DOCTYPE, Markup, html};
use serde_json::Value;

use super::{Answer, Visit};
use crate::serve::auth::Role;

/// A form as sent: its values (kept when refused), errors per field, and refusals for the whole form.
#[derive(Default)]
pub(crate) struct Form {
    pub values: HashMap<String, String>,
    pub errors: HashMap<String, String>,
    /// Refusals not tied to a field: (code, Japanese message) per reason, under a heading.
    pub alerts: Vec<(String, Vec<(String, String)>)>,
    /// Prefixes the fields' ids where one page shows the same form several times.
    pub id_prefix: String,
}

impl Form {
    pub fn with(values: HashMap<String, String>) -> Form {
        Form { values, ..Form::default() }
    }

    pub fn value(&self, name: &str) -> &str {
        self.values.get(name).map(String::as_str).unwrap_or("")
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty() || !self.alerts.is_empty()
    }

    /// Files the API's refusal: next to the field it names when the form has that field (`fields`
    /// maps the API's field names to the form's), else as a list of the engine's reasons.
    pub fn refused(&mut self, a: &Answer, heading: &str, fields: &[(&str, &str)]) {
        let b = &a.body;
        let message = b["message_ja"].as_str().unwrap_or("処理できませんでした。").to_owned();
        if let Some(f) = b["field"].as_str()
            && let Some((_, name)) = fields.iter().find(|(api, _)| *api == f)
        {
            let first = message.lines().next().unwrap_or(&message).to_owned();
            self.errors.insert((*name).to_owned(), first);
            return;
        }
        let codes: Vec<(String, String)> = b["codes"]
            .as_array()
            .map(|cs| {
                cs.iter()
                    .filter_map(Value::as_str)
                    .map(|c| {
                        let ja =
                            tsuen::Code::parse(c).map(|k| k.message_ja().to_owned()).unwrap_or_else(|| c.to_owned());
                        (c.to_owned(), ja)
                    })
                    .collect()
            })
            .unwrap_or_default();
        let items =
            if codes.is_empty() { vec![(b["error"].as_str().unwrap_or("error").to_owned(), message)] } else { codes };
        self.alerts.push((heading.to_owned(), items));
    }

    /// The refusals of the whole form.
    pub fn alerts(&self) -> Markup {
        html! {
            @for (heading, items) in &self.alerts {
                div.alert role="alert" data-refusal {
                    p { strong { (heading) } }
                    ul { @for (code, msg) in items { li data-code=(code) { (msg) } } }
                }
            }
        }
    }

    /// A labelled input with its 必須 mark, hint, kept value and error.
    pub fn input(&self, name: &str, label: &str, kind: &str, required: bool, hint: Option<&str>) -> Markup {
        self.input_with(name, label, kind, required, hint, None)
    }

    pub fn input_with(
        &self,
        name: &str,
        label: &str,
        kind: &str,
        required: bool,
        hint: Option<&str>,
        autocomplete: Option<&str>,
    ) -> Markup {
        let id = format!("{}{}", self.id_prefix, field_id(name));
        let err = self.errors.get(name);
        let keep = kind != "password";
        let described = match (hint.is_some(), err.is_some()) {
            (_, true) => Some(format!("{id}-error")),
            (true, false) => Some(format!("{id}-hint")),
            _ => None,
        };
        html! {
            div.field.invalid[err.is_some()] {
                label for=(id) { (label) @if required { " " span.required { "必須" } } }
                @if let Some(h) = hint { p.hint id=(format!("{id}-hint")) { (h) } }
                input id=(id) name=(name) type=(kind) value=[keep.then(|| self.value(name))]
                    required[required] autocomplete=[autocomplete]
                    aria-invalid=[err.map(|_| "true")] aria-describedby=[described];
                @if let Some(e) = err { p.error id=(format!("{id}-error")) { (e) } }
            }
        }
    }

    /// A labelled select; `options` are (value, label).
    pub fn select(&self, name: &str, label: &str, required: bool, options: &[(String, String)]) -> Markup {
        let id = format!("{}{}", self.id_prefix, field_id(name));
        let err = self.errors.get(name);
        html! {
            div.field.invalid[err.is_some()] {
                label for=(id) { (label) @if required { " " span.required { "必須" } } }
                select id=(id) name=(name) required[required] aria-invalid=[err.map(|_| "true")]
                    aria-describedby=[err.map(|_| format!("{id}-error"))] {
                    @if required { option value="" { "選択してください" } }
                    @for (v, l) in options { option value=(v) selected[self.value(name) == v] { (l) } }
                }
                @if let Some(e) = err { p.error id=(format!("{id}-error")) { (e) } }
            }
        }
    }
}

/// An HTML id for a form name (`children[0].name` → `f-children-0-name`).
pub(crate) fn field_id(name: &str) -> String {
    let mut id = String::from("f-");
    for c in name.chars() {
        id.push(if c.is_ascii_alphanumeric() || c == '_' { c } else { '-' });
    }
    id.trim_end_matches('-').replace("--", "-")
}

/// The hidden CSRF field of a logged-in form.
pub(crate) fn csrf(v: &Visit) -> Markup {
    html! { input type="hidden" name="csrf" value=(v.csrf()); }
}

/// The page around a body.
pub(crate) fn layout(v: &Visit, title: &str, body: Markup) -> Markup {
    let user = v.user.as_ref().map(|(a, _)| a);
    html! {
        (DOCTYPE)
        html lang="ja" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " | つうえんポータル" }
                link rel="icon" href="data:,";
                link rel="stylesheet" href="/static/calendar.css";
                link rel="stylesheet" href="/static/portal.css";
            }
            body {
                a.skip href="#main" { "本文へ移動" }
                header.site {
                    div.bar {
                        a.brand href="/" { "つうえんポータル" }
                        nav aria-label="メニュー" {
                            ul {
                                @for (href, label) in menu(user.map(|a| a.role)) {
                                    li { a href=(href) { (label) } }
                                }
                                @if let Some(a) = user {
                                    li {
                                        form.inline method="post" action="/logout" {
                                            (csrf(v))
                                            button.link type="submit" { "ログアウト" }
                                        }
                                    }
                                    li.who { (a.name) " さま" }
                                }
                            }
                        }
                    }
                }
                main id="main" { (body) }
                footer.site { p { "こども誰でも通園制度総合支援システム（通称：つうえんポータル）" } }
            }
        }
    }
}

/// An error page.
pub(crate) fn error_page(v: &Visit, status: StatusCode, message: &str) -> Response {
    super::html(
        status,
        layout(
            v,
            "エラー",
            html! {
                h1 { "ご指定のページを表示できません" }
                div.alert role="alert" { p { (message) } }
                p { a href="/" { "トップページへ戻る" } }
            },
        ),
    )
}

/// `2026-01-21` → `2026年01月21日` (the seed's form).
pub(crate) fn ja_date(d: &str) -> String {
    let mut it = d.split('-');
    match (it.next(), it.next(), it.next()) {
        (Some(y), Some(m), Some(dd)) => format!("{y}年{m}月{dd}日"),
        _ => d.to_owned(),
    }
}

/// `2026-01-13T09:00:00+09:00` → `2026年01月13日 09:00`.
pub(crate) fn stamp_ja(s: &str) -> String {
    match s.split_once('T') {
        Some((d, t)) => format!("{} {}", ja_date(d), t.get(..5).unwrap_or(t)),
        None => s.to_owned(),
    }
}

/// `2026-01-21` → `2026/1/21` (the seed's interview dates).
pub(crate) fn slash_date(d: &str) -> String {
    let mut it = d.split('-').map(|p| p.trim_start_matches('0'));
    match (it.next(), it.next(), it.next()) {
        (Some(y), Some(m), Some(dd)) => format!("{y}/{m}/{dd}"),
        _ => d.to_owned(),
    }
}

/// `07:00` → `7:00`.
pub(crate) fn short_time(t: &str) -> String {
    t.strip_prefix('0').filter(|r| r.len() == 4).map(str::to_owned).unwrap_or_else(|| t.to_owned())
}

/// Hours as the seed writes them: 2, 0.5, 1.5.
pub(crate) fn hours(h: f64) -> String {
    if h.fract() == 0.0 { format!("{}", h as i64) } else { format!("{h}") }
}

/// The Japanese label of a status.
pub(crate) fn status_ja(s: &str) -> &'static str {
    match s {
        "provisional" => "仮予約",
        "confirmed" => "予約確定",
        "in_use" => "利用中",
        "completed" => "利用済",
        "cancelled" => "キャンセル",
        "cancelled_late" => "キャンセル(当日)",
        "no_show" => "欠席",
        "approved" => "利用承認",
        "declined" => "利用不承認",
        _ => "不明",
    }
}

/// The badges of a booking (several where they apply: 予約確定 予約日当日 利用中).
pub(crate) fn badges(b: &Value) -> Markup {
    let status = b["status"].as_str().unwrap_or("");
    let today = b["is_today"].as_bool().unwrap_or(false);
    let mut list: Vec<(&str, &str)> = Vec::new();
    match status {
        "in_use" => list.push(("confirmed", "予約確定")),
        "completed" => {}
        s => list.push((s, status_ja(s))),
    }
    if today && matches!(status, "provisional" | "confirmed" | "in_use") {
        list.push(("today", "予約日当日"));
    }
    if matches!(status, "in_use" | "completed") {
        list.push((status, status_ja(status)));
    }
    html! {
        p.badges { @for (cls, label) in list { span class=(format!("badge badge-{cls}")) data-status=(cls) { (label) } " " } }
    }
}

/// The kind of a booking in Japanese.
pub(crate) fn kind_ja(k: &str) -> &'static str {
    match k {
        "interview" => "初回面談",
        "regular" => "定期利用",
        "flexible" => "柔軟利用",
        _ => "",
    }
}

/// One booking as 直近のご予約 shows it.
pub(crate) fn booking_card(b: &Value, link: Option<String>) -> Markup {
    let number = b["number"].as_i64().map(|n| n.to_string()).unwrap_or_else(|| "—".into());
    let from = b["from"].as_str().unwrap_or("");
    let to = b["to"].as_str().unwrap_or("");
    let fee = b["fee_yen"].as_u64();
    html! {
        article.booking data-number=(number) data-status=(b["status"].as_str().unwrap_or("")) {
            h3 { "予約番号：" (number) " " span.kind { (kind_ja(b["kind"].as_str().unwrap_or(""))) } }
            (badges(b))
            dl {
                div { dt { "利用日" } dd { (ja_date(b["date"].as_str().unwrap_or(""))) } }
                div { dt { "利用時間" } dd { (short_time(from)) "～" (short_time(to)) " (" (hours(b["hours"].as_f64().unwrap_or(0.0))) "時間)" } }
                div { dt { "施設名" } dd { (b["facility_name"].as_str().unwrap_or("")) } }
                div { dt { "お子さま" } dd { (b["child_name"].as_str().unwrap_or("")) " さま" } }
                @if b["kind"] != "interview" {
                    div { dt { "料金" } dd.fee { @if let Some(f) = fee { (f) "円 (目安)" } @else { "—" } } }
                }
            }
            @if let Some(href) = link { p { a.more href=(href) { "予約の詳細を見る →" } } }
        }
    }
}

/// A note that a screen waits on another part of the portal.
pub(crate) fn pending(title: &str, text: &str) -> Markup {
    html! {
        section.pending data-pending {
            h2 { (title) " " span.badge.badge-soon { "準備中" } }
            p { (text) }
        }
    }
}

/// The menu's links (address, label) for a role, or for a visitor not logged in.
fn menu(role: Option<Role>) -> &'static [(&'static str, &'static str)] {
    match role {
        Some(Role::Parent) => &[("/mypage", "マイページ"), ("/facilities", "施設をさがす")],
        Some(Role::Facility) => &[
            ("/staff", "予約の確認"),
            ("/staff/day", "本日の登降園"),
            ("/staff/setup", "施設の設定"),
            ("/staff/codes", "印刷用コード"),
            ("/staff/claim", "請求"),
        ],
        Some(Role::Municipality) => &[
            ("/city", "利用者登録の認定"),
            ("/city/facilities", "施設"),
            ("/city/claims", "利用実績・請求"),
            ("/city/audit", "操作履歴"),
            ("/city/outbox", "送信メール"),
        ],
        None => &[("/login", "ログイン")],
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn labels(b: serde_json::Value) -> Vec<String> {
        let html = badges(&b).into_string();
        html.split("data-status=\"")
            .skip(1)
            .map(|s| s.split('>').nth(1).unwrap().split('<').next().unwrap().to_owned())
            .collect()
    }

    #[test]
    fn badges_show_every_state_that_applies() {
        assert_eq!(labels(json!({"status": "provisional", "is_today": false})), ["仮予約"]);
        assert_eq!(labels(json!({"status": "confirmed", "is_today": true})), ["予約確定", "予約日当日"]);
        assert_eq!(labels(json!({"status": "in_use", "is_today": true})), ["予約確定", "予約日当日", "利用中"]);
        assert_eq!(labels(json!({"status": "completed", "is_today": true})), ["利用済"]);
        assert_eq!(labels(json!({"status": "cancelled_late", "is_today": true})), ["キャンセル(当日)"]);
        assert_eq!(labels(json!({"status": "no_show", "is_today": false})), ["欠席"]);
    }

    #[test]
    fn dates_times_and_hours_read_as_in_the_seed() {
        assert_eq!(ja_date("2025-03-18"), "2025年03月18日");
        assert_eq!(slash_date("2026-01-21"), "2026/1/21");
        assert_eq!(short_time("09:00"), "9:00");
        assert_eq!(short_time("13:30"), "13:30");
        assert_eq!(hours(2.0), "2");
        assert_eq!(hours(0.5), "0.5");
        assert_eq!(field_id("children[0].birth_date"), "f-children-0-birth_date");
    }

    #[test]
    fn values_are_escaped_and_passwords_not_kept() {
        let mut f = Form::default();
        f.values.insert("email".into(), "\"><script>".into());
        f.values.insert("password".into(), "secret-secret".into());
        let html = f.input("email", "メール", "email", true, None).into_string();
        assert!(html.contains("value=\"&quot;&gt;&lt;script&gt;\""), "{html}");
        assert!(!f.input("password", "パスワード", "password", true, None).into_string().contains("secret"));
    }
}
