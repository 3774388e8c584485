#![doc = include_str!("../../README.md")]
#![deny(missing_docs)]

mod batch;
mod booking;
pub mod clock;
mod daymap;
mod error;
mod holidays;
mod ids;
mod lifecycle;
mod model;
mod op;
mod plan;
mod query;
mod rules;
#[cfg(feature = "scenario")]
pub mod scenario;
mod search;
mod setup;
mod snapshot;
mod stream;
mod view;
mod world;

pub use booking::MAX_SERIES_WEEKS;
pub use clock::{Clock, Date, Month, Now};
pub use error::{ALL_CODES, Code, Codes, Error};
pub use model::*;
pub use op::{Applied, Attendance, CancelRequest, CloseDay, InterviewResult, Op};
pub use plan::MAX_PLACES;
pub use query::{Calendar, Claim, ClaimLine, MAX_QUERY_DAYS, NO_CELL, Usage};
pub use rules::{FeeClass, FeeReductions, PaymentRates, Rules, RulesSpec};
pub use setup::Setup;
pub use snapshot::Snapshot;
pub use view::{HouseholdView, InterviewLoad, LoadRecord, ViewQuery};
pub use world::World;

/// True when `date` is a national holiday of Japan (2000–2099).
pub fn is_holiday(date: Date) -> bool {
    holidays::is_holiday(date)
}

/// The Japanese name of the national holiday on `date`, if any.
pub fn holiday_name(date: Date) -> Option<&'static str> {
    holidays::holiday_name(date)
}
