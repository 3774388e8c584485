//! Write operations as data: the steps of a scenario and the entries of a server's change log are the
//! same values, applied by [`World::apply`].

use serde::{Deserialize, Deserializer, Serialize};

use crate::clock::{Clock, Date, serde_date};
use crate::error::Error;
use crate::model::{BookRequest, CancelBy, ChildSpec, FacilitySpec, MunicipalitySpec, Status};
use crate::world::World;

/// A write: one key naming the operation, as in a scenario step (`{"book": {...}}`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// Adds or replaces a municipality.
    Municipality(MunicipalitySpec),
    /// Adds or replaces a facility.
    Facility(FacilitySpec),
    /// Adds or replaces a child.
    Child(ChildSpec),
    /// 臨時休園.
    CloseDay(CloseDay),
    /// Makes a booking.
    Book(BookRequest),
    /// Confirms a booking or a series.
    Confirm(String),
    /// Cancels a booking or a series.
    Cancel(CancelRequest),
    /// Records an interview's result.
    InterviewResult(InterviewResult),
    /// Check-in.
    CheckIn(Attendance),
    /// Check-out.
    CheckOut(Attendance),
    /// Marks a no-show.
    NoShow(String),
}

/// A day closed at short notice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloseDay {
    /// The facility.
    pub facility: String,
    /// The day.
    #[serde(with = "serde_date")]
    pub date: Date,
}

/// A cancellation: `"ID"` (by the parent) or `{"booking": ID, "by": "parent" | "facility"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CancelRequest {
    /// The booking or series.
    pub booking: String,
    /// Who cancels.
    pub by: CancelBy,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CancelFull {
    booking: String,
    #[serde(default)]
    by: CancelBy,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum CancelWire {
    Id(String),
    Full(CancelFull),
}

impl<'de> Deserialize<'de> for CancelRequest {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<CancelRequest, D::Error> {
        Ok(match CancelWire::deserialize(d)? {
            CancelWire::Id(booking) => CancelRequest { booking, by: CancelBy::Parent },
            CancelWire::Full(f) => CancelRequest { booking: f.booking, by: f.by },
        })
    }
}

/// An interview's result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InterviewResult {
    /// The interview booking.
    pub booking: String,
    /// Approved (利用承認) or not.
    pub approved: bool,
}

/// A check-in or check-out at a time of the booking's day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attendance {
    /// The booking.
    pub booking: String,
    /// The time, 00:00 to 24:00.
    pub at: Clock,
}

/// What a write did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Applied {
    /// Done, nothing more to say.
    Done,
    /// A booking (or series) made, in this status.
    Booked(Status),
    /// Bookings cancelled, each with the status it ended in.
    Cancelled(Vec<(String, Status)>),
    /// A day closed; the bookings it cancelled.
    Closed(Vec<String>),
}

impl World {
    /// Applies a write.
    ///
    /// # Errors
    /// The operation's refusal; a refused write changes nothing.
    pub fn apply(&mut self, op: &Op) -> Result<Applied, Error> {
        Ok(match op {
            Op::Municipality(m) => self.put_municipality(m.clone()).map(|_| Applied::Done)?,
            Op::Facility(f) => self.put_facility(f.clone()).map(|_| Applied::Done)?,
            Op::Child(c) => self.put_child(c.clone()).map(|_| Applied::Done)?,
            Op::CloseDay(c) => Applied::Closed(self.close_day(&c.facility, c.date)?),
            Op::Book(r) => Applied::Booked(self.book(r)?),
            Op::Confirm(id) => self.confirm(id).map(|_| Applied::Done)?,
            Op::Cancel(c) => Applied::Cancelled(self.cancel(&c.booking, c.by)?),
            Op::InterviewResult(r) => self.interview_result(&r.booking, r.approved).map(|_| Applied::Done)?,
            Op::CheckIn(a) => self.check_in(&a.booking, a.at).map(|_| Applied::Done)?,
            Op::CheckOut(a) => self.check_out(&a.booking, a.at).map(|_| Applied::Done)?,
            Op::NoShow(id) => self.no_show(id).map(|_| Applied::Done)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ops_read_as_scenario_steps() {
        let op: Op = serde_json::from_str(r#"{"cancel": "f1"}"#).unwrap();
        assert_eq!(op, Op::Cancel(CancelRequest { booking: "f1".into(), by: CancelBy::Parent }));
        let op: Op = serde_json::from_str(r#"{"cancel": {"booking": "f1", "by": "facility"}}"#).unwrap();
        assert_eq!(op, Op::Cancel(CancelRequest { booking: "f1".into(), by: CancelBy::Facility }));
        assert!(serde_json::from_str::<Op>(r#"{"cancel": {"booking": "f1", "by": "staff"}}"#).is_err());
        assert!(serde_json::from_str::<Op>(r#"{"check_in": {"booking": "f1", "at": "9:00"}}"#).is_err());
        let op: Op = serde_json::from_str(r#"{"no_show": "d4"}"#).unwrap();
        assert_eq!(serde_json::to_string(&op).unwrap(), r#"{"no_show":"d4"}"#);
    }
}
