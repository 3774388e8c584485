//! Static files: the portal's CSS and small scripts (`reference-server/static/`, embedded), the calendar
//! component (`bindings-wasm/www/`, embedded), and the WebAssembly package read from `--wasm-pkg`
//! (default `bindings-wasm/pkg/web`, built by `bindings-wasm/build.sh`).

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::Pages;

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

/// The embedded files: (name, content type, bytes).
const EMBEDDED: &[(&str, &str, &str)] = &[
    ("portal.css", CSS, include_str!("../../../static/portal.css")),
    ("home.js", JS, include_str!("../../../static/home.js")),
    ("confirm.js", JS, include_str!("../../../static/confirm.js")),
    ("flexible.js", JS, include_str!("../../../static/flexible.js")),
    ("calendar.js", JS, include_str!("../../../../bindings-wasm/www/calendar.js")),
    ("calendar.css", CSS, include_str!("../../../../bindings-wasm/www/calendar.css")),
];

/// The files of the WebAssembly package that the page loads.
const PKG: &[(&str, &str)] = &[("tsuen_wasm.js", JS), ("tsuen_wasm_bg.wasm", "application/wasm")];

pub(super) fn routes(r: Router<Pages>) -> Router<Pages> {
    r.route("/static/{name}", get(embedded)).route("/static/pkg/{name}", get(pkg))
}

async fn embedded(Path(name): Path<String>) -> Response {
    match EMBEDDED.iter().find(|(n, ..)| *n == name) {
        Some((_, ct, body)) => {
            ([(header::CONTENT_TYPE, *ct), (header::CACHE_CONTROL, "no-cache")], *body).into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn pkg(State(pages): State<Pages>, Path(name): Path<String>) -> Response {
    let Some((file, ct)) = PKG.iter().find(|(n, _)| *n == name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match std::fs::read(pages.wasm_dir.join(file)) {
        Ok(bytes) => ([(header::CONTENT_TYPE, *ct), (header::CACHE_CONTROL, "no-cache")], bytes).into_response(),
        Err(_) => {
            (StatusCode::NOT_FOUND, "the WebAssembly package is not built (bindings-wasm/build.sh)").into_response()
        }
    }
}
