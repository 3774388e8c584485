//! Check-in codes (2D codes at the facility's door). A **rotating** code is signed with HMAC-SHA-256,
//! bound to a facility and a minute of the server's clock (so to a day): a new one every minute,
//! accepted for [`VALID_MINUTES`] minutes and only on its own day. A **static** code (printed, for a
//! facility without a screen) is a random token stored hashed, valid until the facility revokes it.
//!
//! Keys: the signing keys live in the database (`checkin_keys`). The current key is the newest; a
//! new one is made on first use and whenever the current one is [`KEY_DAYS`] days old, and the
//! previous key stays accepted (codes name their key), so codes on screens survive a rotation.
//! Only the two newest keys are kept. To rotate at once (a leaked database), stop the server and
//! `DELETE FROM checkin_keys`: every rotating code on a screen then fails until its next minute.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use time::{Duration, OffsetDateTime};

use super::app::{ApiError, App};
use super::auth::{new_token, token_hash};
use super::clock::{parse_stamp, stamp};

type HmacSha256 = Hmac<Sha256>;

/// How long a rotating code is accepted, in minutes from the minute it was made.
pub(crate) const VALID_MINUTES: i64 = 5;
/// How old the current key may get before a new one is made.
pub(crate) const KEY_DAYS: i64 = 30;
/// The static codes' prefix.
const STATIC: &str = "s.";

/// What a valid code stands for.
#[derive(Debug)]
pub(crate) enum Presence {
    /// A rotating code of this facility, made at this minute.
    Rotating { facility: String },
    /// A static code of this facility.
    Static { facility: String },
}

impl Presence {
    pub(crate) fn facility(&self) -> &str {
        match self {
            Presence::Rotating { facility } | Presence::Static { facility } => facility,
        }
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok()).collect()
}

/// `YYYYMMDDHHMM` of a moment (in Japan).
fn minute_of(t: OffsetDateTime) -> String {
    format!("{:04}{:02}{:02}{:02}{:02}", t.year(), u8::from(t.month()), t.day(), t.hour(), t.minute())
}

fn parse_minute(s: &str) -> Option<OffsetDateTime> {
    if s.len() != 12 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let text = format!("{}-{}-{}T{}:{}:00+09:00", &s[0..4], &s[4..6], &s[6..8], &s[8..10], &s[10..12]);
    parse_stamp(&text)
}

fn mac(secret: &[u8], facility: &str, minute: &str) -> HmacSha256 {
    let mut m = HmacSha256::new_from_slice(secret).expect("HMAC takes any key length");
    m.update(format!("tsuen-checkin-v1|{facility}|{minute}").as_bytes());
    m
}

/// The current signing key (id, secret), making one first where there is none or it is too old.
async fn current_key(app: &App) -> Result<(i64, Vec<u8>), ApiError> {
    let now = app.clock.now();
    let fresh = move |keys: &[(i64, String, String)]| {
        keys.first()
            .filter(|(_, _, at)| parse_stamp(at).is_some_and(|t| now - t < Duration::days(KEY_DAYS)))
            .and_then(|(id, s, _)| unhex(s).map(|s| (*id, s)))
    };
    let keys = app.reader.lock().expect("reader").checkin_keys()?;
    if let Some(k) = fresh(&keys) {
        return Ok(k);
    }
    app.write(move |ctx| {
        // Another request may have rotated it meanwhile.
        if let Some(k) = fresh(&ctx.db.checkin_keys()?) {
            return Ok((k, None));
        }
        let secret = new_token();
        let id = ctx.db.add_checkin_key(&secret, &stamp(now))?;
        Ok(((id, unhex(&secret).expect("hex")), None))
    })
    .await
}

/// The rotating code of a facility for the current minute, and the minute it was made.
pub(crate) async fn rotating(app: &App, facility: &str) -> Result<(String, OffsetDateTime), ApiError> {
    let (kid, secret) = current_key(app).await?;
    let now = app.clock.now();
    let now = now - Duration::seconds(i64::from(now.second())) - Duration::nanoseconds(i64::from(now.nanosecond()));
    let minute = minute_of(now);
    let sig = mac(&secret, facility, &minute).finalize().into_bytes();
    Ok((format!("r{kid}.{minute}.{}.{}", hex(facility.as_bytes()), hex(&sig[..16])), now))
}

/// A new static code (returned once; stored hashed).
pub(crate) fn new_static() -> (String, String) {
    let code = format!("{STATIC}{}", new_token());
    let hash = token_hash(&code);
    (code, hash)
}

fn refused(error: &str, en: &str, ja: &str) -> ApiError {
    let status =
        if error == "code_invalid" { axum::http::StatusCode::NOT_FOUND } else { axum::http::StatusCode::CONFLICT };
    let mut e = ApiError::new(status, error, en, ja);
    e.field = Some("code".into());
    e
}

fn invalid() -> ApiError {
    refused("code_invalid", "This is not a check-in code of this portal.", "このコードは使えません。")
}

/// Checks a code at the server's now: its signature (or, for a static code, that it exists and is
/// not revoked), its day and its age.
pub(crate) fn verify(app: &App, code: &str) -> Result<Presence, ApiError> {
    if code.starts_with(STATIC) {
        let row = app.reader.lock().expect("reader").static_code(&token_hash(code))?.ok_or_else(invalid)?;
        if row.revoked_at.is_some() {
            return Err(refused(
                "code_revoked",
                "This printed code was revoked by the facility.",
                "このコードは施設により無効にされています。",
            ));
        }
        return Ok(Presence::Static { facility: row.facility });
    }
    let parts: Vec<&str> = code.strip_prefix('r').unwrap_or("").split('.').collect();
    let [kid, minute, facility, sig] = parts[..] else { return Err(invalid()) };
    let kid: i64 = kid.parse().map_err(|_| invalid())?;
    let made = parse_minute(minute).ok_or_else(invalid)?;
    let facility = unhex(facility).and_then(|f| String::from_utf8(f).ok()).ok_or_else(invalid)?;
    let sig = unhex(sig).filter(|s| s.len() == 16).ok_or_else(invalid)?;
    let keys = app.reader.lock().expect("reader").checkin_keys()?;
    let secret = keys.iter().find(|(id, ..)| *id == kid).and_then(|(_, s, _)| unhex(s)).ok_or_else(invalid)?;
    // Constant-time comparison of the truncated tag.
    mac(&secret, &facility, minute).verify_truncated_left(&sig).map_err(|_| invalid())?;
    let now = app.clock.now();
    let age = now - made;
    if made.date() != now.date() || age < Duration::ZERO || age >= Duration::minutes(VALID_MINUTES) {
        return Err(refused(
            "code_expired",
            "This code has expired (codes change every minute): scan the code on the screen again.",
            "このコードは有効期限が切れています。画面のコードをもう一度読み取ってください。",
        ));
    }
    Ok(Presence::Rotating { facility })
}

/// The URL a code stands for (what the 2D code encodes).
pub(crate) fn url(app: &App, code: &str) -> String {
    format!("{}/checkin/{code}", app.settings.base_url)
}
