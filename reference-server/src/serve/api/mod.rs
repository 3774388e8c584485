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
    r.route("/openapi.json", axum::routing::get(openapi::serve)).layer(DefaultBodyLimit::max(MAX_BODY)).with_state(app)
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
