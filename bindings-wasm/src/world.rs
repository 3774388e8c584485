//! The `World` class: what a household's browser needs of the engine, built from the household's view:
//! the calendar of places left (fast form) and dry runs. Values in, values out; every error is a thrown
//! `TsuenError`. The rest of the engine's API is in `admin.rs` (Node package, feature `full`).

use js_sys::Int16Array;
use tsuen::{BookRequest, Clock, Code, Error, HouseholdView, Kind};
use wasm_bindgen::prelude::*;

use crate::convert::{dry_run, from_js, js, parse_date, parse_now, read};
use crate::types::*;

/// A world: the setup, the bookings with their state, and "now". In a browser, build it from the
/// household's view (`World.fromView`): its calendar and dry runs then answer as the server's do for
/// that household.
#[wasm_bindgen]
pub struct World {
    pub(crate) inner: tsuen::World,
    /// The buffer of `calendarFast`, kept between calls.
    cells: Vec<i16>,
}

impl World {
    pub(crate) fn wrap(inner: tsuen::World) -> World {
        World { inner, cells: Vec::new() }
    }

    /// The engine's world (for Rust callers of this crate).
    pub fn engine(&self) -> &tsuen::World {
        &self.inner
    }
}

#[wasm_bindgen]
impl World {
    /// A world from a household's view (the server's `household_view`): the facilities, the places held
    /// by every family (counts only), the household's own children and bookings. Its calendar and dry
    /// runs answer as the server's do for that household.
    #[wasm_bindgen(js_name = fromView)]
    pub fn from_view(view: JsHouseholdView) -> Result<World, JsValue> {
        let v: HouseholdView = from_js(&view, "view")?;
        js(tsuen::World::from_view(&v)).map(World::wrap)
    }

    /// Now, as `YYYY-MM-DDTHH:MM`.
    pub fn now(&self) -> String {
        self.inner.now().to_string()
    }

    /// Moves the clock (`YYYY-MM-DD` or `YYYY-MM-DDTHH:MM`; the caller decides whether it may go back).
    #[wasm_bindgen(js_name = setNow)]
    pub fn set_now(&mut self, now: &str) -> Result<(), JsValue> {
        self.inner.set_now(parse_now(now)?);
        Ok(())
    }

    /// A dry run: returns when `book` would accept the request, throws the refusal it would give
    /// otherwise (every rule it breaks). Nothing changes.
    pub fn check(&self, request: JsBookRequest) -> Result<(), JsValue> {
        let req: BookRequest = from_js(&request, "request")?;
        js(self.inner.check(&req))
    }

    /// A dry run that does not throw: `{ok, codes, messages, detail}`, one Japanese message per code.
    #[wasm_bindgen(js_name = dryRun)]
    pub fn dry_run(&self, request: JsBookRequest) -> JsDryRun {
        dry_run(read::<BookRequest>(&request, "request").and_then(|req| self.inner.check(&req)))
    }

    /// A dry run, fast form: the request as positional values (`kind` is `interview`, `regular` or
    /// `flexible`; `weeks` for a regular series), the answer as a number: 0 when `book` would accept
    /// it, else the set of codes it would be refused with, bit `i` for `allCodes()[i]` (`codesOf`
    /// lists them). Never throws: a malformed value is the `invalid_request` bit.
    #[wasm_bindgen(js_name = checkFast)]
    #[allow(clippy::too_many_arguments)] // the fast form is positional
    pub fn check_fast(
        &self,
        id: String,
        child: String,
        facility: String,
        #[wasm_bindgen(unchecked_param_type = "Kind")] kind: &str,
        date: &str,
        from: &str,
        to: &str,
        weeks: Option<u32>,
    ) -> u32 {
        let req = (|| {
            let kind = match kind {
                "interview" => Kind::Interview,
                "regular" => Kind::Regular,
                "flexible" => Kind::Flexible,
                _ => return None,
            };
            let date = tsuen::clock::parse_date(date).ok()?;
            let (from, to) = (Clock::parse(from).ok()?, Clock::parse(to).ok()?);
            Some(BookRequest { id, child, facility, kind, date, from, to, weeks })
        })();
        let r = req.map_or(Err(Error::new(Code::InvalidRequest)), |req| self.inner.check(&req));
        r.err().map_or(0, |e| e.code_set().iter().fold(0, |m, c| m | 1 << c as u32))
    }

    /// The flexible calendar, fast form: `days × 48` cells, day-major (cell `d * 48 + s` is day `d`,
    /// slot `s` starting `s * 30` minutes after midnight), each the places left in the flexible quota
    /// (within the child's age-class limit if a child is given), or -1 where there is no cell (closed, or
    /// outside the hours).
    #[wasm_bindgen(js_name = calendarFast)]
    pub fn calendar_fast(
        &mut self,
        facility: &str,
        from: &str,
        days: u32,
        child: Option<String>,
    ) -> Result<Int16Array, JsValue> {
        js(self.inner.calendar_into(facility, parse_date(from, "from")?, days, child.as_deref(), &mut self.cells))?;
        Ok(Int16Array::from(self.cells.as_slice()))
    }
}
