//! WebAssembly/JavaScript bindings of the tsuen engine (npm-style package `tsuen-wasm`).
//!
//! The browser runs the very same engine as the server: it draws the calendar of places left and
//! dry-runs a request before it is sent, from the household's view (`World.fromView`), never from other
//! families' data. Thin by design: values are converted (`convert.rs`) and errors mapped to a JS `Error`
//! named `TsuenError` with SPEC's `codes`; every rule lives in the engine.
//!
//! Two builds of this crate: the web package (`pkg/web`, what a household's browser needs, small) and
//! the Node package (`pkg/node`, feature `full`: the whole engine API and `runScenario`). Build both
//! with `bindings-wasm/build.sh`; see `bindings-wasm/README.md`.

#![deny(missing_docs)]

#[cfg(feature = "full")]
mod admin;
mod convert;
mod types;
mod world;

use wasm_bindgen::prelude::*;

pub use types::*;
pub use world::World;

/// Runs a scenario file's text (SCENARIOS.md) and returns its result object
/// (`{name, passed, failed, failures}`); throws a `TsuenError` (`invalid_request`, saying where) when the
/// file is invalid.
#[cfg(feature = "full")]
#[wasm_bindgen(js_name = runScenario)]
pub fn run_scenario(text: &str) -> Result<JsScenarioResult, JsValue> {
    convert::js(tsuen::scenario::run(text)).map(|r| convert::to_typed(&r))
}

/// True when `e` is an error thrown by this package (declared in `types.ts` as a type guard).
#[wasm_bindgen(js_name = isTsuenError, skip_typescript)]
pub fn is_tsuen_error(e: &JsValue) -> bool {
    e.dyn_ref::<js_sys::Error>().is_some_and(|e| e.name() == convert::ERROR_NAME)
}

/// True when `date` (`YYYY-MM-DD`) is a national holiday of Japan (2000–2099).
#[wasm_bindgen(js_name = isHoliday)]
pub fn is_holiday(date: &str) -> Result<bool, JsValue> {
    Ok(tsuen::is_holiday(convert::parse_date(date, "date")?))
}

/// The Japanese name of the national holiday on `date` (`YYYY-MM-DD`), or `undefined`.
#[wasm_bindgen(js_name = holidayName)]
pub fn holiday_name(date: &str) -> Result<Option<String>, JsValue> {
    Ok(tsuen::holiday_name(convert::parse_date(date, "date")?).map(str::to_owned))
}

/// The Japanese message of a code (the table the portal uses too).
#[wasm_bindgen(js_name = messageJa)]
pub fn message_ja(code: JsErrorCode) -> Result<String, JsValue> {
    Ok(code_of(&code)?.message_ja().to_owned())
}

/// The English message of a code.
#[wasm_bindgen(js_name = messageEn)]
pub fn message_en(code: JsErrorCode) -> Result<String, JsValue> {
    Ok(code_of(&code)?.message_en().to_owned())
}

/// Every code of SPEC.md, in its order.
#[wasm_bindgen(js_name = allCodes, unchecked_return_type = "ErrorCode[]")]
pub fn all_codes() -> Vec<String> {
    tsuen::ALL_CODES.iter().map(|c| c.as_str().to_owned()).collect()
}

/// The codes of a `checkFast` answer, in SPEC's order (bit `i` is `allCodes()[i]`).
#[wasm_bindgen(js_name = codesOf, unchecked_return_type = "ErrorCode[]")]
pub fn codes_of(mask: u32) -> Vec<String> {
    tsuen::ALL_CODES.iter().filter(|c| mask & (1 << **c as u32) != 0).map(|c| c.as_str().to_owned()).collect()
}

fn code_of(v: &JsValue) -> Result<tsuen::Code, JsValue> {
    v.as_string()
        .and_then(|s| tsuen::Code::parse(&s))
        .ok_or_else(|| convert::error(&tsuen::Error::invalid("code: not a code of SPEC.md")))
}
