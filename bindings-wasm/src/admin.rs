//! The rest of the engine's API, in the Node package only (feature `full`): building and changing a
//! whole world (setup, bookings, lifecycle, save and restore, views), and the other queries. A
//! household's browser needs none of it, and leaving it out keeps the web package's `.wasm` under
//! 100 KB gzip.

use serde::Serialize;
use tsuen::{BookRequest, CalendarQuery, CancelBy, RegularQuery, SearchQuery, Setup};
use wasm_bindgen::prelude::*;

use crate::convert::{from_js, js, parse_clock, parse_date, parse_month, parse_now, to_typed};
use crate::types::*;
use crate::world::World;

#[derive(Serialize)]
struct CancelledOut {
    id: String,
    status: tsuen::Status,
}

fn status(s: tsuen::Status) -> JsBookingStatus {
    JsValue::from_str(s.as_str()).unchecked_into()
}

/// Building a world.
#[wasm_bindgen]
impl World {
    /// An empty world at `now` (`YYYY-MM-DD` or `YYYY-MM-DDTHH:MM`).
    #[wasm_bindgen(constructor)]
    pub fn new(now: &str) -> Result<World, JsValue> {
        Ok(World::wrap(tsuen::World::new(parse_now(now)?)))
    }

    /// A world from a setup (as at the top of a scenario file).
    #[wasm_bindgen(js_name = fromSetup)]
    pub fn from_setup(setup: JsSetup) -> Result<World, JsValue> {
        let s: Setup = from_js(&setup, "setup")?;
        js(tsuen::World::from_setup(&s)).map(World::wrap)
    }

    /// A world restored from a save (`save()`): references and shapes are checked, not the rules.
    pub fn restore(snapshot: JsSnapshot) -> Result<World, JsValue> {
        let s: tsuen::Snapshot = from_js(&snapshot, "snapshot")?;
        js(tsuen::World::restore(&s)).map(World::wrap)
    }

    /// The whole world, to be restored exactly.
    pub fn save(&self) -> JsSnapshot {
        to_typed(&self.inner.save())
    }

    /// The save in canonical form (sorted by id): equal for worlds of equal content.
    #[wasm_bindgen(js_name = canonicalJson)]
    pub fn canonical_json(&self) -> String {
        self.inner.canonical_json()
    }

    /// The view of one household: what its browser may see (the facilities, the places held as counts,
    /// its own children and bookings). `World.fromView` builds a world from it.
    #[wasm_bindgen(js_name = householdView)]
    pub fn household_view(&self, query: JsViewQuery) -> Result<JsHouseholdView, JsValue> {
        let q: tsuen::ViewQuery = from_js(&query, "query")?;
        js(self.inner.household_view(&q)).map(|v| to_typed(&v))
    }

    /// Adds a municipality, or replaces the one with that code.
    #[wasm_bindgen(js_name = putMunicipality)]
    pub fn put_municipality(&mut self, spec: JsMunicipalitySpec) -> Result<(), JsValue> {
        js(self.inner.put_municipality(from_js(&spec, "municipality")?))
    }

    /// Adds a facility, or replaces the one with that id (bookings stand).
    #[wasm_bindgen(js_name = putFacility)]
    pub fn put_facility(&mut self, spec: JsFacilitySpec) -> Result<(), JsValue> {
        js(self.inner.put_facility(from_js(&spec, "facility")?))
    }

    /// Adds a child, or replaces the one with that id (bookings stand; approvals kept unless given).
    #[wasm_bindgen(js_name = putChild)]
    pub fn put_child(&mut self, spec: JsChildSpec) -> Result<(), JsValue> {
        js(self.inner.put_child(from_js(&spec, "child")?))
    }
}

/// Bookings and their lifecycle.
#[wasm_bindgen]
impl World {
    /// Makes a booking (a regular series: all its occurrences, or none). Returns its status
    /// (`provisional`, or `confirmed` where the facility confirms automatically); throws the refusal
    /// with every rule it breaks.
    pub fn book(&mut self, request: JsBookRequest) -> Result<JsBookingStatus, JsValue> {
        let req: BookRequest = from_js(&request, "request")?;
        js(self.inner.book(&req)).map(status)
    }

    /// The facility confirms a provisional booking (a series: every provisional occurrence).
    pub fn confirm(&mut self, id: &str) -> Result<(), JsValue> {
        js(self.inner.confirm(id))
    }

    /// Cancels a booking or a series, by the parent (default) or the facility. Returns what was
    /// cancelled and how (`cancelled` or `cancelled_late`).
    pub fn cancel(&mut self, id: &str, by: Option<JsCancelBy>) -> Result<JsCancelledArray, JsValue> {
        let by: CancelBy = match by {
            Some(b) => from_js(&b, "by")?,
            None => CancelBy::Parent,
        };
        let done = js(self.inner.cancel(id, by))?;
        let out: Vec<CancelledOut> = done.into_iter().map(|(id, status)| CancelledOut { id, status }).collect();
        Ok(to_typed(&out))
    }

    /// The facility records an interview's result (from the interview's day on).
    #[wasm_bindgen(js_name = interviewResult)]
    pub fn interview_result(&mut self, id: &str, approved: bool) -> Result<(), JsValue> {
        js(self.inner.interview_result(id, approved))
    }

    /// Check-in at `at` (`HH:MM` of the booking's day): a confirmed booking, on its day.
    #[wasm_bindgen(js_name = checkIn)]
    pub fn check_in(&mut self, id: &str, at: &str) -> Result<(), JsValue> {
        js(self.inner.check_in(id, parse_clock(at, "at")?))
    }

    /// Check-out at `at` (`HH:MM` of the booking's day), on the day or later.
    #[wasm_bindgen(js_name = checkOut)]
    pub fn check_out(&mut self, id: &str, at: &str) -> Result<(), JsValue> {
        js(self.inner.check_out(id, parse_clock(at, "at")?))
    }

    /// The facility marks a confirmed booking whose day has passed without check-in.
    #[wasm_bindgen(js_name = noShow)]
    pub fn no_show(&mut self, id: &str) -> Result<(), JsValue> {
        js(self.inner.no_show(id))
    }

    /// 臨時休園: closes a day at short notice and cancels its bookings; returns the ids cancelled.
    #[wasm_bindgen(js_name = closeDay)]
    pub fn close_day(&mut self, facility: &str, date: &str) -> Result<Vec<String>, JsValue> {
        js(self.inner.close_day(facility, parse_date(date, "date")?))
    }
}

/// Reading a world.
#[wasm_bindgen]
impl World {
    /// A booking's status.
    pub fn status(&self, id: &str) -> Result<JsBookingStatus, JsValue> {
        js(self.inner.status(id)).map(status)
    }

    /// A booking's whole state.
    pub fn booking(&self, id: &str) -> Result<JsBookingRecord, JsValue> {
        js(self.inner.booking(id)).map(|b| to_typed(&b))
    }

    /// Every booking, in the order they were made.
    pub fn bookings(&self) -> JsBookingRecordArray {
        to_typed(&self.inner.bookings().collect::<Vec<_>>())
    }

    /// A child's bookings, in the order they were made.
    #[wasm_bindgen(js_name = bookingsOfChild)]
    pub fn bookings_of_child(&self, child: &str) -> Result<JsBookingRecordArray, JsValue> {
        js(self.inner.bookings_of_child(child)).map(|b| to_typed(&b))
    }

    /// The occurrence ids of a series, in order.
    #[wasm_bindgen(js_name = seriesOccurrences)]
    pub fn series_occurrences(&self, id: &str) -> Result<Vec<String>, JsValue> {
        js(self.inner.series_occurrences(id))
    }

    /// A facility's setup (with the days closed at short notice).
    pub fn facility(&self, id: &str) -> Result<JsFacilitySpec, JsValue> {
        js(self.inner.facility(id)).map(to_typed)
    }

    /// Every facility's setup.
    pub fn facilities(&self) -> JsFacilitySpecArray {
        to_typed(&self.inner.facilities().collect::<Vec<_>>())
    }

    /// Every municipality's setup.
    pub fn municipalities(&self) -> JsMunicipalitySpecArray {
        to_typed(&self.inner.municipalities().collect::<Vec<_>>())
    }

    /// A child's setup with its current approvals and last uses.
    pub fn child(&self, id: &str) -> Result<JsChildSpec, JsValue> {
        js(self.inner.child(id)).map(|c| to_typed(&c))
    }

    /// The flexible calendar, friendly form: per date, per open cell (`HH:MM`), the places left.
    pub fn calendar(&self, query: JsCalendarQuery) -> Result<JsCalendarMap, JsValue> {
        let q: CalendarQuery = from_js(&query, "query")?;
        js(self.inner.calendar(&q)).map(|c| to_typed(&c.to_map()))
    }

    /// Regular availability: per week, the least places left in the regular quota over the band, or
    /// `null` where the band is closed or outside the hours.
    #[wasm_bindgen(js_name = regularAvailability)]
    pub fn regular_availability(&self, query: JsRegularQuery) -> Result<JsPlacesArray, JsValue> {
        let q: RegularQuery = from_js(&query, "query")?;
        js(self.inner.regular_availability(&q)).map(|l| to_typed(&l))
    }

    /// The facilities of a municipality with a place in every slot of the band.
    pub fn search(&self, query: JsSearchQuery) -> Result<Vec<String>, JsValue> {
        let q: SearchQuery = from_js(&query, "query")?;
        js(self.inner.search(&q)).map(|l| l.into_iter().map(str::to_owned).collect())
    }

    /// A child's minutes counted against the monthly cap in `month` (`YYYY-MM`), and what is left.
    pub fn usage(&self, child: &str, month: &str) -> Result<JsUsage, JsValue> {
        js(self.inner.usage(child, parse_month(month)?)).map(|u| to_typed(&u))
    }

    /// A booking's fee in yen: the estimate (目安), or the final fee once checked out.
    pub fn fee(&self, id: &str) -> Result<u32, JsValue> {
        js(self.inner.fee(id))
    }

    /// A facility's claim for a month (`YYYY-MM`).
    pub fn claim(&self, facility: &str, month: &str) -> Result<JsClaim, JsValue> {
        js(self.inner.claim(facility, parse_month(month)?)).map(|c| to_typed(&c))
    }
}
