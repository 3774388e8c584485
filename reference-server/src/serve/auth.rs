//! Accounts, passwords (argon2id), sessions (HttpOnly cookie, a new id at login), CSRF, single-use
//! tokens stored hashed (login attempt limits: `limiter.rs`).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use axum::http::{HeaderMap, header};
use serde::Serialize;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use super::app::{ApiError, Shared};

/// The session cookie's name.
pub(crate) const COOKIE: &str = "tsuen_session";
/// How long a session lasts.
pub(crate) const SESSION_HOURS: i64 = 12;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Role {
    Parent,
    Facility,
    Municipality,
}

/// Every role (routes any logged-in account may call).
pub(crate) const ALL_ROLES: &[Role] = &[Role::Parent, Role::Facility, Role::Municipality];

impl Role {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Role::Parent => "parent",
            Role::Facility => "facility",
            Role::Municipality => "municipality",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Role> {
        Some(match s {
            "parent" => Role::Parent,
            "facility" => Role::Facility,
            "municipality" => Role::Municipality,
            _ => return None,
        })
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Account {
    pub id: i64,
    pub email: String,
    pub role: Role,
    pub name: String,
    pub password_hash: Option<String>,
    /// Facility staff: their facility.
    pub facility: Option<String>,
    /// Municipality staff: their municipality; parents: their municipality of residence.
    pub municipality: Option<String>,
}

impl Account {
    /// The household id of a parent (children's `parent` in the engine).
    pub(crate) fn household(&self) -> String {
        format!("p{}", self.id)
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Session {
    pub account: i64,
    pub csrf: String,
    pub expires: OffsetDateTime,
}

/// A fresh random token (256 bits, hex).
pub(crate) fn new_token() -> String {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).expect("OS randomness");
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// How tokens are stored: SHA-256, hex.
pub(crate) fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|x| format!("{x:02x}")).collect()
}

fn argon(fast: bool) -> Argon2<'static> {
    let params = if fast { Params::new(256, 1, 1, None) } else { Params::new(19 * 1024, 2, 1, None) };
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.expect("argon2 parameters"))
}

/// Hashes a password with argon2id (PHC string).
pub(crate) fn hash_password(password: &str, fast: bool) -> String {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).expect("OS randomness");
    let salt = SaltString::encode_b64(&salt).expect("salt");
    argon(fast).hash_password(password.as_bytes(), &salt).expect("hashable").to_string()
}

/// Checks a password against its stored hash.
pub(crate) fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// Common passwords refused whatever their length (lower-cased comparison).
const COMMON: &[&str] = &[
    "1234567890",
    "12345678910",
    "123456789012",
    "0123456789",
    "0987654321",
    "1111111111",
    "0000000000",
    "1234512345",
    "1q2w3e4r5t",
    "qwertyuiop",
    "qwerty12345",
    "qwerty123456",
    "asdfghjkl1",
    "password12",
    "password123",
    "password1234",
    "passw0rd123",
    "iloveyou12",
    "abcdefghij",
    "abc1234567",
    "aaaaaaaaaa",
    "letmein123",
    "welcome123",
    "admin12345",
    "administrator",
    "sunshine12",
    "princess12",
    "football12",
    "baseball12",
    "dragon1234",
    "monkey1234",
    "zaq12wsxcde",
    "1qaz2wsx3edc",
    "trustno1234",
    "tsuenportal",
    "kodomo1234",
    "hoikuen123",
];

/// Checks a new password: at least 10 characters, not a common one, not the e-mail address.
pub(crate) fn check_password(password: &str, confirmation: &str, email: Option<&str>) -> Result<(), ApiError> {
    if password != confirmation {
        return Err(ApiError::field(
            "password_confirmation",
            "The passwords do not match.",
            "パスワード（確認）が一致しません。",
        ));
    }
    if password.chars().count() < 10 {
        return Err(ApiError::field(
            "password",
            "At least 10 characters.",
            "パスワードは10文字以上で入力してください。",
        ));
    }
    let lower = password.to_lowercase();
    if COMMON.contains(&lower.as_str()) || email.is_some_and(|e| e.eq_ignore_ascii_case(password)) {
        return Err(ApiError::field(
            "password",
            "This password is too common.",
            "推測されやすいパスワードは使えません。",
        ));
    }
    Ok(())
}

fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).find_map(|v| {
        v.split(';').find_map(|c| {
            let (k, val) = c.trim().split_once('=')?;
            (k == COOKIE).then(|| val.to_owned())
        })
    })
}

/// The `Set-Cookie` value of a new session.
pub(crate) fn session_cookie(token: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}", SESSION_HOURS * 3600)
}

/// The `Set-Cookie` value that ends a session.
pub(crate) fn clear_cookie(secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}")
}

/// Compares two secrets in time independent of where they differ.
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// True when the request is a JSON request from the portal's own origin.
fn same_origin_json(headers: &HeaderMap) -> bool {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(';').next().is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json")));
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    match (host, origin) {
        (Some(h), Some(o)) => json && (o == format!("http://{h}") || o == format!("https://{h}")),
        _ => false,
    }
}

impl Shared {
    /// The session and account of the request, if any.
    pub(crate) fn session(&self, headers: &HeaderMap) -> Option<(String, Session, Account)> {
        let token = cookie_token(headers)?;
        let hash = token_hash(&token);
        let session = self.sessions.read().expect("sessions").get(&hash).cloned()?;
        if session.expires <= self.clock.now() {
            return None;
        }
        let account = self.accounts.read().expect("accounts").by_id.get(&session.account).cloned()?;
        Some((hash, session, account))
    }

    /// The logged-in account (a read).
    pub(crate) fn user(&self, headers: &HeaderMap) -> Result<Account, ApiError> {
        self.session(headers).map(|(_, _, a)| a).ok_or_else(ApiError::unauthorized)
    }

    /// The logged-in account, for a write: CSRF is checked (the X-CSRF-Token header, or a
    /// same-origin JSON request).
    pub(crate) fn user_write(&self, headers: &HeaderMap) -> Result<Account, ApiError> {
        let (_, session, account) = self.session(headers).ok_or_else(ApiError::unauthorized)?;
        let token_ok = headers.get("x-csrf-token").is_some_and(|v| same_secret(v.as_bytes(), session.csrf.as_bytes()));
        if !token_ok && !same_origin_json(headers) {
            return Err(ApiError::csrf());
        }
        Ok(account)
    }

    /// The logged-in account with one of these roles.
    pub(crate) fn user_as(&self, headers: &HeaderMap, role: Role, write: bool) -> Result<Account, ApiError> {
        let a = if write { self.user_write(headers)? } else { self.user(headers)? };
        if a.role != role {
            return Err(ApiError::forbidden());
        }
        Ok(a)
    }
}
