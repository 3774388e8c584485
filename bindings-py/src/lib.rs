//! The native part of the Python package `tsuen` (imported as `tsuen._tsuen`). Thin by design: it
//! converts values (`convert`), maps errors (`errors`) and calls the engine (`world`); the Pythonic
//! API (keyword arguments, `datetime` values, dataclasses, the exception classes) is in
//! `python/tsuen/`.

use pyo3::prelude::*;

mod convert;
mod errors;
mod world;

use errors::OrRaise;

/// Runs a scenario file's text (SCENARIOS.md); returns the result object as JSON. Releases the GIL.
#[pyfunction]
#[pyo3(signature = (text, /))]
fn run_scenario_json(py: Python<'_>, text: &str) -> PyResult<String> {
    let result = py.detach(|| tsuen::scenario::run(text).map(|r| convert::to_json(&r))).or_raise()?;
    Ok(result)
}

/// True when the date (`YYYY-MM-DD`) is a national holiday of Japan (2000–2099).
#[pyfunction]
#[pyo3(signature = (date, /))]
fn is_holiday(date: &str) -> PyResult<bool> {
    Ok(tsuen::is_holiday(convert::date("date", date).or_raise()?))
}

/// The Japanese name of the national holiday on the date, if any.
#[pyfunction]
#[pyo3(signature = (date, /))]
fn holiday_name(date: &str) -> PyResult<Option<&'static str>> {
    Ok(tsuen::holiday_name(convert::date("date", date).or_raise()?))
}

/// The age class (0, 1 or 2) of a child born on `birth` on `day`, or None from age 3 on.
#[pyfunction]
#[pyo3(signature = (birth, day, /))]
fn age_class(birth: &str, day: &str) -> PyResult<Option<u8>> {
    let birth = convert::date("birth", birth).or_raise()?;
    Ok(tsuen::clock::age_class(birth, convert::date("day", day).or_raise()?))
}

/// True when a child born on `birth` is inside the program's age window on `day`.
#[pyfunction]
#[pyo3(signature = (birth, day, /))]
fn age_eligible(birth: &str, day: &str) -> PyResult<bool> {
    let birth = convert::date("birth", birth).or_raise()?;
    Ok(tsuen::clock::age_eligible(birth, convert::date("day", day).or_raise()?))
}

/// Every code of SPEC.md in its order, with its Japanese and English message.
#[pyfunction]
fn code_table() -> Vec<(&'static str, &'static str, &'static str)> {
    tsuen::ALL_CODES.iter().map(|c| (c.as_str(), c.message_ja(), c.message_en())).collect()
}

/// The native module of the `tsuen` package.
#[pymodule]
mod _tsuen {
    use pyo3::prelude::*;

    #[pymodule_export]
    use super::world::PyWorld;
    #[pymodule_export]
    use super::{age_class, age_eligible, code_table, holiday_name, is_holiday, run_scenario_json};

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        m.add("NO_CELL", tsuen::NO_CELL)?;
        m.add("SLOTS", tsuen::clock::SLOTS)?;
        m.add("MAX_QUERY_DAYS", tsuen::MAX_QUERY_DAYS)?;
        m.add("MAX_SERIES_WEEKS", tsuen::MAX_SERIES_WEEKS)?;
        m.add("VERSION", env!("CARGO_PKG_VERSION"))?;
        Ok(())
    }
}
