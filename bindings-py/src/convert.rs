//! Value conversion between Python's primitive values and the engine's types. The Python layer
//! (`tsuen/_convert.py`) turns `datetime` values into ISO strings; this side parses them with the
//! engine's own strict parsers, so a malformed value is `invalid_request` exactly as in a scenario.

use serde::de::DeserializeOwned;
use tsuen::clock::{format_date, parse_date};
use tsuen::{BookRequest, BookingRecord, CancelBy, Clock, Date, Error, Kind, Month, Now, UsageKind};

/// A booking as a tuple: `(id, child, facility, kind, date, from, to, status, check_in, check_out)`.
pub(crate) type RecordTuple =
    (String, String, String, &'static str, String, String, String, &'static str, Option<String>, Option<String>);

/// A `YYYY-MM-DD` date.
pub(crate) fn date(field: &str, s: &str) -> Result<Date, Error> {
    parse_date(s).map_err(|e| Error::invalid(format!("{field}: {e}")))
}

/// An `HH:MM` time of day, 00:00 to 24:00.
pub(crate) fn clock(field: &str, s: &str) -> Result<Clock, Error> {
    Clock::parse(s).map_err(|e| Error::invalid(format!("{field}: {e}")))
}

/// Now: `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM`.
pub(crate) fn now(s: &str) -> Result<Now, Error> {
    Now::parse(s).map_err(|e| Error::invalid(format!("now: {e}")))
}

/// A `YYYY-MM` month.
pub(crate) fn month(s: &str) -> Result<Month, Error> {
    Month::parse(s).map_err(|e| Error::invalid(format!("month: {e}")))
}

/// A booking kind by its wire name.
pub(crate) fn kind(s: &str) -> Result<Kind, Error> {
    match s {
        "interview" => Ok(Kind::Interview),
        "regular" => Ok(Kind::Regular),
        "flexible" => Ok(Kind::Flexible),
        _ => Err(Error::invalid(format!("kind: {s:?} is not one of interview, regular, flexible"))),
    }
}

/// A usage kind (the quotas) by its wire name.
pub(crate) fn usage_kind(s: &str) -> Result<UsageKind, Error> {
    match s {
        "regular" => Ok(UsageKind::Regular),
        "flexible" => Ok(UsageKind::Flexible),
        _ => Err(Error::invalid(format!("kind: {s:?} is not one of regular, flexible"))),
    }
}

/// Who cancels, by its wire name.
pub(crate) fn cancel_by(s: &str) -> Result<CancelBy, Error> {
    match s {
        "parent" => Ok(CancelBy::Parent),
        "facility" => Ok(CancelBy::Facility),
        _ => Err(Error::invalid(format!("by: {s:?} is not one of parent, facility"))),
    }
}

/// A count from Python (any integer): negative or huge values are `invalid_request`, and the engine
/// judges the range it accepts.
pub(crate) fn count(field: &str, n: i64) -> Result<u32, Error> {
    u32::try_from(n).map_err(|_| Error::invalid(format!("{field}: {n} is out of range")))
}

/// A value of the wire format from JSON text, naming the path of the first wrong field.
pub(crate) fn from_json<T: DeserializeOwned>(what: &str, text: &str) -> Result<T, Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let at = if path == "." { what.to_owned() } else { format!("{what}.{path}") };
        Error::invalid(format!("{at}: {}", e.into_inner()))
    })?;
    de.end().map_err(|e| Error::invalid(format!("{what}: {e}")))?;
    Ok(value)
}

/// The fields of a booking request, as the Python layer passes them.
pub(crate) struct RequestArgs<'a> {
    pub id: &'a str,
    pub child: &'a str,
    pub facility: &'a str,
    pub kind: &'a str,
    pub date: &'a str,
    pub start: &'a str,
    pub end: &'a str,
    pub weeks: Option<i64>,
}

impl RequestArgs<'_> {
    /// The engine's request.
    pub(crate) fn to_request(&self) -> Result<BookRequest, Error> {
        Ok(BookRequest {
            id: self.id.to_owned(),
            child: self.child.to_owned(),
            facility: self.facility.to_owned(),
            kind: kind(self.kind)?,
            date: date("date", self.date)?,
            from: clock("from", self.start)?,
            to: clock("to", self.end)?,
            weeks: self.weeks.map(|w| count("weeks", w)).transpose()?,
        })
    }
}

/// A booking record as a tuple of primitive values.
pub(crate) fn record(b: BookingRecord) -> RecordTuple {
    (
        b.id,
        b.child,
        b.facility,
        b.kind.as_str(),
        format_date(b.date),
        b.from.to_string(),
        b.to.to_string(),
        b.status.as_str(),
        b.check_in.map(|c| c.to_string()),
        b.check_out.map(|c| c.to_string()),
    )
}

/// A value of the wire format as JSON text.
pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("wire values serialize")
}
