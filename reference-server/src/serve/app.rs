//! The portal's shared state, its JSON errors, and how a request finds its account.

use std::collections::HashMap;
use std::sync::mpsc;
use std::sync::{Arc, Mutex, RwLock};

use axum::Json;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rustc_hash::FxHashMap;
use serde::Serialize;
use tsuen::{Code, World};

use super::auth::{Account, Session};
use super::clock::ServerClock;
use super::limiter::Limiter;
use super::store::{Store, StoreError};
use super::writer::{AfterCommit, Ctx, Job};

/// Settings that tests may change (never the defaults).
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    /// Cheap password hashing (tests only).
    pub fast_hash: bool,
    /// No login attempt limits (tests only).
    pub no_rate_limit: bool,
    /// The test-only endpoints (moving the clock).
    pub test_endpoints: bool,
    /// The portal's own address, for links in mail.
    pub base_url: String,
    /// Whether cookies get `Secure` (behind TLS).
    pub secure_cookies: bool,
}

/// Everything a handler can reach.
pub(crate) struct Shared {
    pub world: Arc<RwLock<World>>,
    pub clock: Arc<ServerClock>,
    pub writer: Mutex<Option<mpsc::Sender<Job>>>,
    pub accounts: RwLock<Accounts>,
    pub sessions: RwLock<HashMap<String, Session>>,
    pub limiter: Mutex<Limiter>,
    pub settings: Settings,
    pub reader: Mutex<Box<dyn Store + Send>>,
    pub numbers: RwLock<Numbers>,
}

/// 予約番号: the portal's sequential booking numbers and the engine's ids they stand for (FxHash:
/// every start loads them all, a million with a million bookings).
#[derive(Default)]
pub(crate) struct Numbers {
    pub by_number: FxHashMap<i64, String>,
    pub by_id: FxHashMap<String, i64>,
}

impl Numbers {
    pub(crate) fn with_capacity(n: usize) -> Numbers {
        Numbers {
            by_number: FxHashMap::with_capacity_and_hasher(n, Default::default()),
            by_id: FxHashMap::with_capacity_and_hasher(n, Default::default()),
        }
    }

    pub(crate) fn insert(&mut self, number: i64, id: String) {
        self.by_id.insert(id.clone(), number);
        self.by_number.insert(number, id);
    }
}

pub(crate) type App = Arc<Shared>;

/// The accounts, kept in memory (written through the writer).
#[derive(Default)]
pub(crate) struct Accounts {
    pub by_id: HashMap<i64, Account>,
    pub by_email: HashMap<String, i64>,
}

impl Accounts {
    pub(crate) fn insert(&mut self, a: Account) {
        self.by_email.insert(a.email.clone(), a.id);
        self.by_id.insert(a.id, a);
    }
}

impl Shared {
    /// Runs a write on the writer and waits until it is durable.
    pub(crate) async fn write<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Ctx<'_>) -> Result<(T, Option<AfterCommit>), ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |ctx| match f(ctx) {
            Ok((value, then)) => (
                true,
                Box::new(move || {
                    if let Some(then) = then {
                        then();
                    }
                    let _ = tx.send(Ok(value));
                }),
            ),
            Err(e) => (false, Box::new(move || drop(tx.send(Err(e))))),
        });
        let sender = self.writer.lock().expect("writer").clone().ok_or_else(ApiError::unavailable)?;
        sender.send(job).map_err(|_| ApiError::unavailable())?;
        rx.await.map_err(|_| ApiError::unavailable())?
    }

    /// Reads the world.
    pub(crate) fn world(&self) -> std::sync::RwLockReadGuard<'_, World> {
        self.world.read().expect("world lock")
    }
}

/// A JSON error: `{"error": CODE, "codes": [...], "field": ..., "message": ..., "message_ja": ...}`
/// (boxed: errors travel through every `Result` of the handlers).
#[derive(Debug)]
pub(crate) struct ApiError(Box<ErrorBody>);

impl std::ops::Deref for ApiError {
    type Target = ErrorBody;
    fn deref(&self) -> &ErrorBody {
        &self.0
    }
}

impl std::ops::DerefMut for ApiError {
    fn deref_mut(&mut self) -> &mut ErrorBody {
        &mut self.0
    }
}

/// The error's body.
#[derive(Debug, Serialize)]
pub(crate) struct ErrorBody {
    #[serde(skip)]
    pub status: StatusCode,
    pub error: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub codes: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub message: String,
    pub message_ja: String,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, error: &str, message: impl Into<String>, ja: impl Into<String>) -> ApiError {
        ApiError(Box::new(ErrorBody {
            status,
            error: error.into(),
            codes: Vec::new(),
            field: None,
            message: message.into(),
            message_ja: ja.into(),
        }))
    }

    /// A malformed field: 400, naming it.
    pub(crate) fn field(field: &str, message: impl Into<String>, ja: impl Into<String>) -> ApiError {
        let mut e = ApiError::new(StatusCode::BAD_REQUEST, "invalid_request", message, ja);
        e.field = Some(field.into());
        e
    }

    pub(crate) fn unauthorized() -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "Log in first.", "ログインしてください。")
    }

    pub(crate) fn forbidden() -> ApiError {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "Not allowed for this account.",
            "この操作は許可されていません。",
        )
    }

    pub(crate) fn not_found(what: &str) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("No such {what}."), "見つかりません。")
    }

    pub(crate) fn unavailable() -> ApiError {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "The server is stopping.",
            "サーバーを停止しています。",
        )
    }

    pub(crate) fn csrf() -> ApiError {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "csrf",
            "A write needs the X-CSRF-Token header (or a same-origin JSON request).",
            "不正なリクエストです。画面を再読み込みしてください。",
        )
    }

    pub(crate) fn internal(e: impl std::fmt::Display) -> ApiError {
        eprintln!("tsuen: internal error: {e}");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "Internal error.", "内部エラーが発生しました。")
    }
}

impl From<tsuen::Error> for ApiError {
    fn from(e: tsuen::Error) -> ApiError {
        let codes = e.codes();
        let first = codes[0];
        let status = match first {
            Code::InvalidRequest => StatusCode::BAD_REQUEST,
            Code::UnknownFacility | Code::UnknownChild | Code::UnknownBooking => StatusCode::NOT_FOUND,
            _ => StatusCode::CONFLICT,
        };
        let error = if first.is_unjudgeable() { first.as_str() } else { "refused" };
        let mut out = ApiError::new(status, error, e.message_en(), e.message_ja());
        out.codes = codes.iter().map(|c| c.as_str().to_owned()).collect();
        if first == Code::InvalidRequest {
            out.field = e.detail().map(|d| d.split([':', ' ']).next().unwrap_or(d).to_owned());
        }
        out
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        ApiError::internal(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status;
        (status, [(header::CACHE_CONTROL, "no-store")], Json(self.0)).into_response()
    }
}

/// The client's address as the limiter keys it.
pub(crate) fn client_address(headers: &HeaderMap, peer: Option<std::net::SocketAddr>) -> String {
    let _ = headers; // No proxy headers are trusted: the portal is reached directly.
    peer.map(|p| p.ip().to_string()).unwrap_or_else(|| "unknown".into())
}
