//! Every conversion between JS values and the engine's types, in one place.
//!
//! Objects cross as the wire format (SPEC's JSON, snake_case keys): `JSON.stringify` on the way in, then
//! serde; serde's JSON then `JSON.parse` on the way out. Errors become a JS `Error` named `TsuenError`
//! with `codes` (SPEC's codes), `detail`, and the engine's Japanese message.

use js_sys::{Array, JSON, Reflect};
use serde::de::DeserializeOwned;
use tsuen::{Date, Error, Now};
use wasm_bindgen::{JsCast, JsValue};

use crate::types::JsDryRun;

/// The `name` of every error this package throws.
pub(crate) const ERROR_NAME: &str = "TsuenError";

fn set(target: &JsValue, key: &str, value: &JsValue) {
    // Setting a property of a fresh plain object or Error cannot fail.
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

fn strings<'a>(items: impl Iterator<Item = &'a str>) -> Array {
    items.map(JsValue::from_str).collect()
}

fn detail(e: &Error) -> JsValue {
    e.detail().map_or(JsValue::NULL, JsValue::from_str)
}

/// A `TsuenError`: `message` is the engine's Japanese message (one line per code, then the detail),
/// `codes` the codes in SPEC's order, `detail` which field was wrong and why (or `null`).
pub(crate) fn error(e: &Error) -> JsValue {
    let err = js_sys::Error::new(&e.message_ja());
    err.set_name(ERROR_NAME);
    set(&err, "codes", &strings(e.code_set().iter().map(|c| c.as_str())));
    set(&err, "detail", &detail(e));
    err.into()
}

/// `Result<T, tsuen::Error>` into a result whose error is thrown as a `TsuenError`.
pub(crate) fn js<T>(r: Result<T, Error>) -> Result<T, JsValue> {
    r.map_err(|e| error(&e))
}

/// A dry run's outcome as `{ok, codes, messages, detail}`, one Japanese message per code. Written as
/// JSON text and parsed once in JS: faster than building the object property by property.
pub(crate) fn dry_run(r: Result<(), Error>) -> JsDryRun {
    fn list(text: &mut String, items: impl Iterator<Item = &'static str>) {
        text.push('[');
        for (i, item) in items.enumerate() {
            if i > 0 {
                text.push(',');
            }
            json_str(text, item);
        }
        text.push(']');
    }
    let text = match &r {
        Ok(()) => r#"{"ok":true,"codes":[],"messages":[],"detail":null}"#.to_owned(),
        Err(e) => {
            let mut text = String::from(r#"{"ok":false,"codes":"#);
            list(&mut text, e.code_set().iter().map(|c| c.as_str()));
            text.push_str(r#","messages":"#);
            list(&mut text, e.code_set().iter().map(|c| c.message_ja()));
            text.push_str(r#","detail":"#);
            match e.detail() {
                Some(d) => json_str(&mut text, d),
                None => text.push_str("null"),
            }
            text.push('}');
            text
        }
    };
    JSON::parse(&text).expect("valid JSON").unchecked_into()
}

fn json_str(text: &mut String, s: &str) {
    text.push_str(&serde_json::to_string(s).expect("a string serializes"));
}

fn invalid(detail: String) -> JsValue {
    error(&Error::invalid(detail))
}

/// A JS value read as the wire type `T`; `what` names the argument in the error.
pub(crate) fn from_js<T: DeserializeOwned>(v: &JsValue, what: &str) -> Result<T, JsValue> {
    read(v, what).map_err(|e| error(&e))
}

/// A JS value read as the wire type `T`, or `invalid_request` saying what is wrong.
pub(crate) fn read<T: DeserializeOwned>(v: &JsValue, what: &str) -> Result<T, Error> {
    let text = JSON::stringify(v)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| Error::invalid(format!("{what}: not a JSON value")))?;
    read_text(&text, what)
}

/// JSON text read as the wire type `T`, naming the path of the first wrong field.
///
/// Through a `serde_json::Value`, as the engine's scenario runner reads its steps: the two share the
/// code of every `Deserialize`.
#[cfg(feature = "full")]
fn read_text<T: DeserializeOwned>(text: &str, what: &str) -> Result<T, Error> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| Error::invalid(format!("{what}: not valid JSON: {e}")))?;
    serde_path_to_error::deserialize(&value).map_err(|e| {
        let path = e.path().to_string();
        let at = if path == "." { what.to_owned() } else { format!("{what}.{path}") };
        Error::invalid(format!("{at}: {}", e.into_inner()))
    })
}

/// JSON text read as the wire type `T`. The web package says what is wrong but not where (the path
/// costs 20 KB gzip of code there); the Node package names the path too.
#[cfg(not(feature = "full"))]
fn read_text<T: DeserializeOwned>(text: &str, what: &str) -> Result<T, Error> {
    serde_json::from_str(text).map_err(|e| Error::invalid(format!("{what}: {e}")))
}

/// A wire value as the JS type `J` declared in `types.ts` (plain objects, arrays, strings, numbers).
#[cfg(feature = "full")]
pub(crate) fn to_typed<J: JsCast, T: serde::Serialize + ?Sized>(v: &T) -> J {
    let text = serde_json::to_string(v).expect("wire types serialize");
    JSON::parse(&text).expect("serde_json writes JSON").unchecked_into()
}

pub(crate) fn parse_date(s: &str, what: &str) -> Result<Date, JsValue> {
    tsuen::clock::parse_date(s).map_err(|e| invalid(format!("{what}: {e}")))
}

#[cfg(feature = "full")]
pub(crate) fn parse_clock(s: &str, what: &str) -> Result<tsuen::Clock, JsValue> {
    tsuen::Clock::parse(s).map_err(|e| invalid(format!("{what}: {e}")))
}

pub(crate) fn parse_now(s: &str) -> Result<Now, JsValue> {
    Now::parse(s).map_err(|e| invalid(format!("now: {e}")))
}

#[cfg(feature = "full")]
pub(crate) fn parse_month(s: &str) -> Result<tsuen::Month, JsValue> {
    tsuen::Month::parse(s).map_err(|e| invalid(format!("month: {e}")))
}
