//! `tsuen._tsuen.World`: the engine's `World` behind a Python class. Each method converts its
//! arguments (see `convert`), calls the engine, and maps its error (see `errors`); nothing else.
//! The Python class `tsuen.World` wraps this one with keyword arguments, `datetime` values and
//! dataclasses.

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList};
use tsuen::clock::SLOTS;
use tsuen::{CalendarQuery, ChildSpec, FacilitySpec, HouseholdView, MunicipalitySpec, RegularQuery, SearchQuery};
use tsuen::{Op, ViewQuery, World};

use crate::convert::{self, RecordTuple, RequestArgs};
use crate::errors::OrRaise;

/// The ints -1 (`NO_CELL`) to 255, made once: a calendar's cells are nearly all among them, and
/// handing out a made object is cheaper than converting each cell.
fn small_ints(py: Python<'_>) -> &'static [Py<PyAny>] {
    static INTS: pyo3::sync::PyOnceLock<Vec<Py<PyAny>>> = pyo3::sync::PyOnceLock::new();
    INTS.get_or_init(py, || (-1i16..=255).map(|i| i.into_pyobject(py).expect("an int").into_any().unbind()).collect())
}

/// A whole world: setup, bookings with their state, and now (see `tsuen.World`).
#[pyclass(module = "tsuen._tsuen", name = "World")]
pub(crate) struct PyWorld {
    inner: World,
}

#[pymethods]
impl PyWorld {
    /// An empty world at `now` (`YYYY-MM-DD` or `YYYY-MM-DDTHH:MM`).
    #[new]
    #[pyo3(signature = (now, /))]
    fn new(now: &str) -> PyResult<Self> {
        Ok(PyWorld { inner: World::new(convert::now(now).or_raise()?) })
    }

    /// A world from a setup's JSON (`today`, `municipalities`, `facilities`, `children`). Releases
    /// the GIL.
    #[staticmethod]
    #[pyo3(signature = (text, /))]
    fn from_setup_json(py: Python<'_>, text: &str) -> PyResult<Self> {
        let inner = py.detach(|| World::from_setup_json(text)).or_raise()?;
        Ok(PyWorld { inner })
    }

    /// A world restored from its save (`to_json`). Releases the GIL.
    #[staticmethod]
    #[pyo3(signature = (text, /))]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<Self> {
        let inner = py.detach(|| World::from_json(text)).or_raise()?;
        Ok(PyWorld { inner })
    }

    /// A world built from a household's view (JSON). Releases the GIL.
    #[staticmethod]
    #[pyo3(signature = (text, /))]
    fn from_view_json(py: Python<'_>, text: &str) -> PyResult<Self> {
        let inner = py
            .detach(|| convert::from_json::<HouseholdView>("view", text).and_then(|v| World::from_view(&v)))
            .or_raise()?;
        Ok(PyWorld { inner })
    }

    /// Now, as `YYYY-MM-DDTHH:MM`.
    fn now(&self) -> String {
        self.inner.now().to_string()
    }

    /// Moves the clock.
    #[pyo3(signature = (now, /))]
    fn set_now(&mut self, now: &str) -> PyResult<()> {
        self.inner.set_now(convert::now(now).or_raise()?);
        Ok(())
    }

    /// Adds or replaces a municipality (JSON of the setup format).
    #[pyo3(signature = (spec, /))]
    fn put_municipality(&mut self, spec: &str) -> PyResult<()> {
        let spec: MunicipalitySpec = convert::from_json("municipality", spec).or_raise()?;
        self.inner.put_municipality(spec).or_raise()
    }

    /// Adds or replaces a facility (JSON of the setup format).
    #[pyo3(signature = (spec, /))]
    fn put_facility(&mut self, spec: &str) -> PyResult<()> {
        let spec: FacilitySpec = convert::from_json("facility", spec).or_raise()?;
        self.inner.put_facility(spec).or_raise()
    }

    /// Adds or replaces a child (JSON of the setup format).
    #[pyo3(signature = (spec, /))]
    fn put_child(&mut self, spec: &str) -> PyResult<()> {
        let spec: ChildSpec = convert::from_json("child", spec).or_raise()?;
        self.inner.put_child(spec).or_raise()
    }

    /// Makes a booking; returns its status.
    // The request's eight fields, positional: the Python layer names them.
    #[allow(clippy::too_many_arguments)]
    #[pyo3(signature = (id, child, facility, kind, date, start, end, weeks, /))]
    fn book(
        &mut self,
        id: &str,
        child: &str,
        facility: &str,
        kind: &str,
        date: &str,
        start: &str,
        end: &str,
        weeks: Option<i64>,
    ) -> PyResult<&'static str> {
        let req = RequestArgs { id, child, facility, kind, date, start, end, weeks }.to_request().or_raise()?;
        Ok(self.inner.book(&req).or_raise()?.as_str())
    }

    /// A dry run of `book` (at `now` when given, else the world's now): raises what `book` would
    /// raise, changes nothing.
    #[allow(clippy::too_many_arguments)]
    #[pyo3(signature = (id, child, facility, kind, date, start, end, weeks, now, /))]
    fn check(
        &self,
        id: &str,
        child: &str,
        facility: &str,
        kind: &str,
        date: &str,
        start: &str,
        end: &str,
        weeks: Option<i64>,
        now: Option<&str>,
    ) -> PyResult<()> {
        let req = RequestArgs { id, child, facility, kind, date, start, end, weeks }.to_request().or_raise()?;
        let now = now.map(convert::now).transpose().or_raise()?.unwrap_or(self.inner.now());
        self.inner.check_at(&req, now).or_raise()
    }

    /// The facility confirms a booking (a series: every provisional occurrence).
    #[pyo3(signature = (id, /))]
    fn confirm(&mut self, id: &str) -> PyResult<()> {
        self.inner.confirm(id).or_raise()
    }

    /// Cancels a booking or series; returns `(id, status)` of each booking cancelled.
    #[pyo3(signature = (id, by, /))]
    fn cancel(&mut self, id: &str, by: &str) -> PyResult<Vec<(String, &'static str)>> {
        let by = convert::cancel_by(by).or_raise()?;
        let done = self.inner.cancel(id, by).or_raise()?;
        Ok(done.into_iter().map(|(id, s)| (id, s.as_str())).collect())
    }

    /// What `cancel` would do at `now` (else the world's now), without doing it.
    #[pyo3(signature = (id, by, now, /))]
    fn cancel_outcome(&self, id: &str, by: &str, now: Option<&str>) -> PyResult<Vec<(String, &'static str)>> {
        let by = convert::cancel_by(by).or_raise()?;
        let now = now.map(convert::now).transpose().or_raise()?.unwrap_or(self.inner.now());
        let done = self.inner.cancel_outcome(id, by, now).or_raise()?;
        Ok(done.into_iter().map(|(id, s)| (id, s.as_str())).collect())
    }

    /// Applies a write given as data (`{"book": {...}}`, as a scenario step); returns what it did, as
    /// JSON.
    #[pyo3(signature = (op, /))]
    fn apply_json(&mut self, op: &str) -> PyResult<String> {
        let op: Op = convert::from_json("op", op).or_raise()?;
        Ok(convert::to_json(&self.inner.apply(&op).or_raise()?))
    }

    /// Records an interview's result.
    #[pyo3(signature = (id, approved, /))]
    fn interview_result(&mut self, id: &str, approved: bool) -> PyResult<()> {
        self.inner.interview_result(id, approved).or_raise()
    }

    /// Check-in at `at` (`HH:MM`).
    #[pyo3(signature = (id, at, /))]
    fn check_in(&mut self, id: &str, at: &str) -> PyResult<()> {
        let at = convert::clock("at", at).or_raise()?;
        self.inner.check_in(id, at).or_raise()
    }

    /// Check-out at `at` (`HH:MM`).
    #[pyo3(signature = (id, at, /))]
    fn check_out(&mut self, id: &str, at: &str) -> PyResult<()> {
        let at = convert::clock("at", at).or_raise()?;
        self.inner.check_out(id, at).or_raise()
    }

    /// The facility marks a no-show.
    #[pyo3(signature = (id, /))]
    fn no_show(&mut self, id: &str) -> PyResult<()> {
        self.inner.no_show(id).or_raise()
    }

    /// Closes a day at short notice; returns the ids cancelled.
    #[pyo3(signature = (facility, date, /))]
    fn close_day(&mut self, facility: &str, date: &str) -> PyResult<Vec<String>> {
        let date = convert::date("date", date).or_raise()?;
        self.inner.close_day(facility, date).or_raise()
    }

    /// A booking's status.
    #[pyo3(signature = (id, /))]
    fn status(&self, id: &str) -> PyResult<&'static str> {
        Ok(self.inner.status(id).or_raise()?.as_str())
    }

    /// A booking's record.
    #[pyo3(signature = (id, /))]
    fn booking(&self, id: &str) -> PyResult<RecordTuple> {
        Ok(convert::record(self.inner.booking(id).or_raise()?))
    }

    /// Every booking, in the order they were made.
    fn bookings(&self) -> Vec<RecordTuple> {
        self.inner.bookings().map(convert::record).collect()
    }

    /// A child's bookings.
    #[pyo3(signature = (child, /))]
    fn bookings_of_child(&self, child: &str) -> PyResult<Vec<RecordTuple>> {
        Ok(self.inner.bookings_of_child(child).or_raise()?.into_iter().map(convert::record).collect())
    }

    /// A facility's bookings, by day.
    #[pyo3(signature = (facility, /))]
    fn bookings_of_facility(&self, facility: &str) -> PyResult<Vec<RecordTuple>> {
        Ok(self.inner.bookings_of_facility(facility).or_raise()?.into_iter().map(convert::record).collect())
    }

    /// True when a usage on `date` at the facility needs an interview first.
    #[pyo3(signature = (child, facility, date, /))]
    fn needs_interview(&self, child: &str, facility: &str, date: &str) -> PyResult<bool> {
        let date = convert::date("date", date).or_raise()?;
        self.inner.needs_interview(child, facility, date).or_raise()
    }

    /// A facility's bookings on a day.
    #[pyo3(signature = (facility, date, /))]
    fn bookings_of_day(&self, facility: &str, date: &str) -> PyResult<Vec<RecordTuple>> {
        let date = convert::date("date", date).or_raise()?;
        Ok(self.inner.bookings_of_day(facility, date).or_raise()?.into_iter().map(convert::record).collect())
    }

    /// The occurrence ids of a series.
    #[pyo3(signature = (id, /))]
    fn series_occurrences(&self, id: &str) -> PyResult<Vec<String>> {
        self.inner.series_occurrences(id).or_raise()
    }

    /// The number of bookings (occurrences count one each).
    fn booking_count(&self) -> usize {
        self.inner.booking_count()
    }

    /// A booking's fee in yen.
    #[pyo3(signature = (id, /))]
    fn fee(&self, id: &str) -> PyResult<u32> {
        self.inner.fee(id).or_raise()
    }

    /// A child's usage in a month: `(minutes, cap_minutes, left_minutes)`.
    #[pyo3(signature = (child, month, /))]
    fn usage(&self, child: &str, month: &str) -> PyResult<(u32, u32, u32)> {
        let u = self.inner.usage(child, convert::month(month).or_raise()?).or_raise()?;
        Ok((u.minutes, u.cap_minutes, u.left_minutes))
    }

    /// A facility's claim for a month: `(total_yen, {municipality: yen}, bookings)`.
    #[pyo3(signature = (facility, month, /))]
    fn claim(&self, facility: &str, month: &str) -> PyResult<(u64, std::collections::BTreeMap<String, u64>, u32)> {
        let c = self.inner.claim(facility, convert::month(month).or_raise()?).or_raise()?;
        Ok((c.total_yen, c.by_municipality, c.bookings))
    }

    /// The flexible calendar, fast form: one list of 48 ints per day, `NO_CELL` where there is no cell.
    #[pyo3(signature = (facility, start, days, child, /))]
    fn calendar<'py>(
        &self,
        py: Python<'py>,
        facility: &str,
        start: &str,
        days: i64,
        child: Option<&str>,
    ) -> PyResult<Bound<'py, PyList>> {
        let from = convert::date("from", start).or_raise()?;
        let days = convert::count("days", days).or_raise()?;
        let mut cells = Vec::new();
        self.inner.calendar_into(facility, from, days, child, &mut cells).or_raise()?;
        let ints = small_ints(py);
        let int = |c: i16| -> Bound<'py, PyAny> {
            match ints.get((i32::from(c) + 1) as usize) {
                Some(i) => i.bind(py).clone(),
                None => match c.into_pyobject(py) {
                    Ok(i) => i.into_any(),
                    Err(never) => match never {},
                },
            }
        };
        let rows = cells
            .chunks(SLOTS)
            .map(|row| PyList::new(py, row.iter().map(|&c| int(c))))
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, rows)
    }

    /// The flexible calendar, fastest form: the cells as native-endian `int16` bytes, 48 per day (for
    /// `array.array("h")`).
    #[pyo3(signature = (facility, start, days, child, /))]
    fn calendar_bytes<'py>(
        &self,
        py: Python<'py>,
        facility: &str,
        start: &str,
        days: i64,
        child: Option<&str>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let from = convert::date("from", start).or_raise()?;
        let days = convert::count("days", days).or_raise()?;
        let mut cells = Vec::new();
        self.inner.calendar_into(facility, from, days, child, &mut cells).or_raise()?;
        let bytes: Vec<u8> = cells.iter().flat_map(|c| c.to_ne_bytes()).collect();
        Ok(PyBytes::new(py, &bytes))
    }

    /// Regular availability per week: the least places left over the band, or None where closed.
    #[allow(clippy::too_many_arguments)]
    #[pyo3(signature = (facility, date, weeks, start, end, child, /))]
    fn regular_availability(
        &self,
        facility: &str,
        date: &str,
        weeks: i64,
        start: &str,
        end: &str,
        child: Option<String>,
    ) -> PyResult<Vec<Option<u16>>> {
        let q = RegularQuery {
            facility: facility.to_owned(),
            date: convert::date("date", date).or_raise()?,
            weeks: convert::count("weeks", weeks).or_raise()?,
            from: convert::clock("from", start).or_raise()?,
            to: convert::clock("to", end).or_raise()?,
            child,
        };
        self.inner.regular_availability(&q).or_raise()
    }

    /// The facilities of a municipality with a place in every slot of the band, sorted by id.
    #[pyo3(signature = (municipality, kind, date, start, end, child, /))]
    fn search(
        &self,
        municipality: &str,
        kind: &str,
        date: &str,
        start: &str,
        end: &str,
        child: Option<String>,
    ) -> PyResult<Vec<String>> {
        let q = SearchQuery {
            municipality: municipality.to_owned(),
            kind: convert::usage_kind(kind).or_raise()?,
            date: convert::date("date", date).or_raise()?,
            from: convert::clock("from", start).or_raise()?,
            to: convert::clock("to", end).or_raise()?,
            child,
        };
        Ok(self.inner.search(&q).or_raise()?.into_iter().map(String::from).collect())
    }

    /// A household's view, as JSON.
    #[pyo3(signature = (parent, start, days, facilities, /))]
    fn household_view_json(
        &self,
        parent: &str,
        start: &str,
        days: i64,
        facilities: Option<Vec<String>>,
    ) -> PyResult<String> {
        let q = ViewQuery {
            parent: parent.to_owned(),
            facilities,
            from: convert::date("from", start).or_raise()?,
            days: convert::count("days", days).or_raise()?,
        };
        Ok(convert::to_json(&self.inner.household_view(&q).or_raise()?))
    }

    /// Every municipality's setup, as JSON.
    fn municipalities_json(&self) -> String {
        convert::to_json(&self.inner.municipalities().collect::<Vec<_>>())
    }

    /// Every child's setup (with current approvals), as JSON.
    fn children_json(&self) -> String {
        convert::to_json(&self.inner.children().collect::<Vec<_>>())
    }

    /// The children of one household, as JSON.
    #[pyo3(signature = (parent, /))]
    fn children_of_json(&self, parent: &str) -> String {
        convert::to_json(&self.inner.children_of(parent))
    }

    /// Every facility's setup, as JSON.
    fn facilities_json(&self) -> String {
        convert::to_json(&self.inner.facilities().collect::<Vec<_>>())
    }

    /// A facility's setup, as JSON.
    #[pyo3(signature = (id, /))]
    fn facility_json(&self, id: &str) -> PyResult<String> {
        Ok(convert::to_json(self.inner.facility(id).or_raise()?))
    }

    /// A child's setup with its current approvals, as JSON.
    #[pyo3(signature = (id, /))]
    fn child_json(&self, id: &str) -> PyResult<String> {
        Ok(convert::to_json(&self.inner.child(id).or_raise()?))
    }

    /// The save format.
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// The canonical save: equal for worlds of equal content.
    fn canonical_json(&self) -> String {
        self.inner.canonical_json()
    }

    /// The engine's own friendly calendar (`Calendar::to_map`) as JSON: the tests check the Python
    /// friendly form against it.
    #[pyo3(signature = (facility, start, days, child, /))]
    fn calendar_friendly_json(
        &self,
        facility: &str,
        start: &str,
        days: i64,
        child: Option<String>,
    ) -> PyResult<String> {
        let q = CalendarQuery {
            facility: facility.to_owned(),
            from: convert::date("from", start).or_raise()?,
            days: convert::count("days", days).or_raise()?,
            child,
        };
        Ok(convert::to_json(&self.inner.calendar(&q).or_raise()?.to_map()))
    }
}
