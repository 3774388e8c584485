//! The screens: server-rendered pages in Japanese (the seed's wording) for parents, facility staff and
//! municipality staff. The pages hold no rules: every read and write goes to the JSON API in-process
//! (the same router, with the browser's session), so a refusal here is the API's refusal, with the
//! engine's codes shown in Japanese next to the form that was sent, its values kept.
//!
//! Forms: POST with the session's CSRF token in a hidden field (checked here, then passed on as the
//! API's header), Post/Redirect/Get on success, the form re-rendered (422) with its values on refusal.

mod assets;
mod booking;
mod checkin;
mod city;
mod claims;
mod codes;
mod day;
mod fees;
mod parent;
mod public;
mod staff;
mod view;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, DefaultBodyLimit, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, Request, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::Markup;
use serde_json::Value;
use tower::ServiceExt;

use super::app::App;
use super::auth::{Account, Role};

/// What the pages share: the portal, the JSON API they call, where the WebAssembly package is.
pub(crate) struct PagesState {
    pub app: App,
    pub api: Router,
    pub wasm_dir: PathBuf,
}

pub(crate) type Pages = Arc<PagesState>;

/// The pages' router (merged with the API's in `serve`).
pub(crate) fn router(app: App, wasm_dir: PathBuf) -> Router {
    if !wasm_dir.join("tsuen_wasm_bg.wasm").is_file() {
        eprintln!(
            "tsuen: no WebAssembly package in {} (build it with bindings-wasm/build.sh, or give --wasm-pkg DIR): \
             the flexible calendar falls back to its form",
            wasm_dir.display()
        );
    }
    let api = super::api::router(app.clone());
    let state = Arc::new(PagesState { app, api, wasm_dir });
    let r = Router::new();
    let r = public::routes(r);
    let r = parent::routes(r);
    let r = booking::routes(r);
    let r = checkin::routes(r);
    let r = staff::routes(r);
    let r = day::routes(r);
    let r = fees::routes(r);
    let r = codes::routes(r);
    let r = city::routes(r);
    let r = claims::routes(r);
    let r = assets::routes(r);
    r.layer(DefaultBodyLimit::max(super::api::MAX_BODY)).with_state(state)
}

/// One page request: who is asking (if logged in) and how to call the API on their behalf.
pub(crate) struct Visit {
    pub pages: Pages,
    pub headers: HeaderMap,
    pub peer: Option<SocketAddr>,
    /// The logged-in account and the session's CSRF token.
    pub user: Option<(Account, String)>,
}

impl FromRequestParts<Pages> for Visit {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &Pages) -> Result<Visit, Self::Rejection> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0);
        let user = state.app.session(&parts.headers).map(|(_, s, a)| (a, s.csrf));
        Ok(Visit { pages: state.clone(), headers: parts.headers.clone(), peer, user })
    }
}

/// The API's answer.
pub(crate) struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Answer {
    pub fn ok(&self) -> bool {
        self.status.is_success()
    }
}

/// A page's outcome: a page, or (early) a redirect or an error page.
pub(crate) type PageResult = Result<Response, Stop>;

/// A response that ends a page early (boxed: it travels through every `Result` of the pages).
pub(crate) struct Stop(Box<Response>);

impl From<Response> for Stop {
    fn from(r: Response) -> Stop {
        Stop(Box::new(r))
    }
}

impl IntoResponse for Stop {
    fn into_response(self) -> Response {
        *self.0
    }
}

impl Visit {
    /// The account, when it has this role; otherwise a redirect to the login page (or 403).
    pub fn require(&self, role: Role) -> Result<&Account, Stop> {
        match &self.user {
            Some((a, _)) if a.role == role => Ok(a),
            Some(_) => Err(view::error_page(self, StatusCode::FORBIDDEN, "このページは表示できません。").into()),
            None => Err(Redirect::to("/login").into_response().into()),
        }
    }

    pub fn csrf(&self) -> &str {
        self.user.as_ref().map(|(_, c)| c.as_str()).unwrap_or("")
    }

    /// Checks a form's CSRF token (logged-in forms) or its origin (forms before login).
    pub fn check_form(&self, form: &HashMap<String, String>) -> Result<(), Stop> {
        let origin_ok = match (self.headers.get(header::ORIGIN), self.headers.get(header::HOST)) {
            (Some(o), Some(h)) => {
                let (o, h) = (o.to_str().unwrap_or(""), h.to_str().unwrap_or(""));
                o == format!("http://{h}") || o == format!("https://{h}")
            }
            (Some(_), None) => false,
            (None, _) => true,
        };
        let token_ok = match &self.user {
            Some((_, csrf)) => form.get("csrf").is_some_and(|t| same_secret(t.as_bytes(), csrf.as_bytes())),
            None => true,
        };
        if origin_ok && token_ok {
            Ok(())
        } else {
            Err(view::error_page(
                self,
                StatusCode::FORBIDDEN,
                "不正なリクエストです。画面を再読み込みしてからやり直してください。",
            )
            .into())
        }
    }

    /// Calls the JSON API as this visitor (its session cookie; its CSRF token for writes, checked first
    /// by `check_form`).
    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        let mut req = Request::builder().method(method.clone()).uri(path);
        let h = req.headers_mut().expect("a request");
        for v in self.headers.get_all(header::COOKIE) {
            h.append(header::COOKIE, v.clone());
        }
        h.insert(header::HOST, HeaderValue::from_static("pages.internal"));
        if method != Method::GET
            && let Some((_, csrf)) = &self.user
            && let Ok(v) = HeaderValue::from_str(csrf)
        {
            h.insert("x-csrf-token", v);
        }
        let bytes = match &body {
            Some(v) => {
                h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
                v.to_string()
            }
            None => String::new(),
        };
        let mut req = req.body(Body::from(bytes)).expect("a request");
        let peer = self.peer.unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 0)));
        req.extensions_mut().insert(ConnectInfo(peer));
        let resp = match self.pages.api.clone().oneshot(req).await {
            Ok(r) => r,
            Err(never) => match never {},
        };
        let (parts, body) = resp.into_parts();
        let bytes = axum::body::to_bytes(body, 16 << 20).await.unwrap_or_default();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Answer { status: parts.status, headers: parts.headers, body }
    }

    pub async fn get(&self, path: &str) -> Result<Value, Stop> {
        let a = self.call(Method::GET, path, None).await;
        if a.ok() {
            Ok(a.body)
        } else if a.status == StatusCode::UNAUTHORIZED {
            Err(Redirect::to("/login").into_response().into())
        } else {
            let msg = a.body["message_ja"].as_str().unwrap_or("読み込めませんでした。").to_owned();
            Err(view::error_page(self, a.status, &msg).into())
        }
    }
}

fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// What a page may load: only the portal's own files (the WebAssembly module compiled from them), no
/// inline script or style, no framing; mailed tokens in the address never leave in a Referer (same-origin,
/// not no-referrer: with no-referrer Chromium sends `Origin: null` on form posts, which the origin check refuses).
const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; \
                   object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// A rendered page with a status.
pub(crate) fn html(status: StatusCode, m: Markup) -> Response {
    let headers = [
        (header::CACHE_CONTROL, "no-store"),
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    ];
    (status, headers, m).into_response()
}

/// Post/Redirect/Get.
pub(crate) fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// A URL-encoded form as a map (the last value of a repeated name wins).
pub(crate) fn form_map(all: &[(String, String)]) -> HashMap<String, String> {
    all.iter().cloned().collect()
}

/// Percent-encodes a query value.
pub(crate) fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
