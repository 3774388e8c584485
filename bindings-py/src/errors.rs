//! The one place where engine errors become Python exceptions: the classes of `tsuen._errors`
//! (`TsuenError(ValueError)` and its subclasses), chosen by the error's codes and given the codes in
//! SPEC.md's order and the engine's detail.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyType;
use tsuen::{Code, Error};

/// The Python module that defines the exception classes.
const MODULE: &str = "tsuen._errors";

static REFUSED: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static INVALID_REQUEST: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static UNKNOWN_ID: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static INVALID_STATE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static DUPLICATE_ID: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// The exception class of an error, and its cache. The codes that say a request could not be judged
/// are reported alone, so one class fits every error.
fn class_of(e: &Error) -> (&'static PyOnceLock<Py<PyType>>, &'static str) {
    let has = |c| e.has(c);
    if has(Code::InvalidRequest) {
        (&INVALID_REQUEST, "InvalidRequest")
    } else if has(Code::UnknownFacility) || has(Code::UnknownChild) || has(Code::UnknownBooking) {
        (&UNKNOWN_ID, "UnknownId")
    } else if has(Code::InvalidState) || has(Code::NotToday) {
        (&INVALID_STATE, "InvalidState")
    } else if has(Code::DuplicateId) {
        (&DUPLICATE_ID, "DuplicateId")
    } else {
        (&REFUSED, "Refused")
    }
}

/// The Python exception for an engine error: `cls(codes, detail)`.
pub(crate) fn to_py(e: &Error) -> PyErr {
    Python::attach(|py| {
        let (cell, name) = class_of(e);
        match cell.import(py, MODULE, name) {
            Ok(cls) => {
                let codes: Vec<&'static str> = e.codes().into_iter().map(Code::as_str).collect();
                PyErr::from_type(cls.clone(), (codes, e.detail().map(str::to_owned)))
            }
            Err(import_failed) => import_failed,
        }
    })
}

/// `?`-friendly conversion of engine results.
pub(crate) trait OrRaise<T> {
    /// The value, or the Python exception of the engine's error.
    fn or_raise(self) -> PyResult<T>;
}

impl<T> OrRaise<T> for Result<T, Error> {
    fn or_raise(self) -> PyResult<T> {
        self.map_err(|e| to_py(&e))
    }
}
