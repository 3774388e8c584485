//! The JSON API: one route table from which the router and the OpenAPI document are both made.

mod account;
mod bookings;
mod checkin;
mod claims;
mod dayofuse;
mod facility;
mod municipality;
mod openapi;
mod public;
mod records;
mod schemas;

use axum::Router;
use axum::body::Bytes;
use axum::extract::DefaultBodyLimit;
use axum::routing::MethodRouter;
use serde::de::DeserializeOwned;

use super::app::{ApiError, App};
use super::auth::Role;

/// The largest request body accepted.
pub(crate) const MAX_BODY: usize = 64 * 1024;

/// One route: how it is called, who may call it, and what it does.
pub(crate) struct Route {
    pub method: &'static str,
    pub path: &'static str,
    /// Roles allowed; empty for public routes.
    pub roles: &'static [Role],
    pub summary: &'static str,
    /// The JSON body's schema name in the OpenAPI document, if it takes one.
    pub body: Option<&'static str>,
    /// The success status and its body's schema name (`schemas.rs`); errors are all `Error`.
    pub response: (u16, &'static str),
    pub handler: fn() -> MethodRouter<App>,
}

/// Every route of the portal.
pub(crate) fn routes() -> Vec<Route> {
    let mut all = Vec::new();
    all.extend(public::routes());
    all.extend(account::routes());
    all.extend(bookings::routes());
    all.extend(facility::routes());
    all.extend(municipality::routes());
    all.extend(checkin::routes());
    all.extend(dayofuse::routes());
    all.extend(records::routes());
    all.extend(claims::routes());
    all
}

/// The router: the route table, a body size limit, and the OpenAPI document.
pub(crate) fn router(app: App) -> Router {
    let mut r: Router<App> = Router::new();
    for route in routes() {
        r = r.route(&axum_path(route.path), (route.handler)());
    }
    // Any other path under /api/ is the JSON 404 (a route, not the fallback: the router is merged
    // with the screens', whose unknown paths are theirs to answer).
    r.route("/api/{*rest}", axum::routing::any(|| async { ApiError::not_found("route") }))
        .route("/openapi.json", axum::routing::get(openapi::serve))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(axum::middleware::map_response(json_errors))
        .with_state(app)
}

/// axum's own refusals (an oversized body: 413; a wrong method: 405) are plain text or empty: answer
/// them as the API's JSON `Error` too, as the OpenAPI document says.
async fn json_errors(res: axum::response::Response) -> axum::response::Response {
    use axum::http::header::CONTENT_TYPE;
    use axum::response::IntoResponse;
    let status = res.status();
    let plain = res.headers().get(CONTENT_TYPE).is_none_or(|v| v.as_bytes().starts_with(b"text/plain"));
    if !(status.is_client_error() || status.is_server_error()) || !plain {
        return res;
    }
    let (error, en, ja) = match status.as_u16() {
        404 => ("not_found", "No such route.", "見つかりません。"),
        405 => ("method_not_allowed", "This route does not take this method.", "この操作はできません。"),
        413 => ("too_large", "The request body is too large.", "送信内容が大きすぎます。"),
        _ => ("invalid_request", "The request could not be read.", "リクエストを読み取れませんでした。"),
    };
    let mut out = ApiError::new(status, error, en, ja).into_response();
    for (k, v) in res.headers() {
        if k != CONTENT_TYPE && k != axum::http::header::CONTENT_LENGTH {
            out.headers_mut().insert(k, v.clone());
        }
    }
    out
}

/// `{id}` in the table is also axum 0.8's syntax.
fn axum_path(p: &str) -> String {
    p.to_owned()
}

/// Parses a query string (after the caller checked who is asking), naming the field that is wrong.
pub(crate) fn query<T: DeserializeOwned>(uri: &axum::http::Uri) -> Result<T, ApiError> {
    axum::extract::Query::<T>::try_from_uri(uri).map(|q| q.0).map_err(|e| {
        let text = e.body_text();
        let field = text.split('`').nth(1).unwrap_or("query").to_owned();
        ApiError::field(&field, text.clone(), format!("{field}: 入力内容に誤りがあります"))
    })
}

/// Parses a JSON body, naming the field that is wrong.
pub(crate) fn parse<T: DeserializeOwned>(body: &Bytes) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let field = if path == "." { "body".to_owned() } else { path };
        ApiError::field(&field, format!("{field}: {inner}"), format!("{field}: 入力内容に誤りがあります（{inner}）"))
    })
}
