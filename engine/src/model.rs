//! The wire types (serde): setups, requests and results, shared by the bindings, the server and the
//! scenario format. Unknown fields are refused everywhere.

use serde::{Deserialize, Serialize};

use crate::clock::{Clock, Date, serde_date};
use crate::rules::{FeeClass, RulesSpec};

/// A municipality (自治体) and its rules.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MunicipalitySpec {
    /// 全国地方公共団体コード, e.g. `131016`.
    pub code: String,
    /// Name, e.g. 千代田区.
    pub name: String,
    /// Prefecture, e.g. 東京都.
    pub prefecture: String,
    /// Whether it takes applications online (informational).
    pub online: bool,
    /// Its rules; defaults where absent.
    #[serde(default)]
    pub rules: RulesSpec,
}

/// A usage kind (the quotas): regular (定期利用) or flexible (柔軟利用).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UsageKind {
    /// 定期利用.
    Regular,
    /// 柔軟利用.
    Flexible,
}

impl UsageKind {
    pub(crate) fn quota(self) -> usize {
        self as usize
    }
}

/// A booking kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// 初回面談.
    Interview,
    /// 定期利用 (a weekly series).
    Regular,
    /// 柔軟利用.
    Flexible,
}

impl Kind {
    /// The quota a usage kind draws on; `None` for interviews.
    pub fn usage(self) -> Option<UsageKind> {
        match self {
            Kind::Interview => None,
            Kind::Regular => Some(UsageKind::Regular),
            Kind::Flexible => Some(UsageKind::Flexible),
        }
    }

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Interview => "interview",
            Kind::Regular => "regular",
            Kind::Flexible => "flexible",
        }
    }
}

/// Weekday names of the wire format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Weekday {
    /// 0 = Monday.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// Opening hours per weekday; a weekday left out is closed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct Hours {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mon: Option<[Clock; 2]>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tue: Option<[Clock; 2]>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wed: Option<[Clock; 2]>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thu: Option<[Clock; 2]>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fri: Option<[Clock; 2]>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sat: Option<[Clock; 2]>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sun: Option<[Clock; 2]>,
}

impl Hours {
    /// The hours by weekday index (0 = Monday).
    pub fn by_index(&self) -> [Option<[Clock; 2]>; 7] {
        [self.mon, self.tue, self.wed, self.thu, self.fri, self.sat, self.sun]
    }
}

/// Places of both quotas for some weekdays and a time band.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapacityBand {
    /// The weekdays.
    pub days: Vec<Weekday>,
    /// Start of the band.
    pub from: Clock,
    /// End of the band.
    pub to: Clock,
    /// Places in the regular quota (0 when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regular: Option<u32>,
    /// Places in the flexible quota (0 when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flexible: Option<u32>,
}

/// A date override of the quotas it names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapacityOverride {
    /// The date.
    #[serde(with = "serde_date")]
    pub date: Date,
    /// Start of the band.
    pub from: Clock,
    /// End of the band.
    pub to: Clock,
    /// Places in the regular quota, if overridden.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regular: Option<u32>,
    /// Places in the flexible quota, if overridden.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flexible: Option<u32>,
}

/// Age-class limits (`"0"`, `"1"`, `"2"`) inside one quota.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassLimits {
    /// Age class 0.
    #[serde(rename = "0", default, skip_serializing_if = "Option::is_none")]
    pub age0: Option<u32>,
    /// Age class 1.
    #[serde(rename = "1", default, skip_serializing_if = "Option::is_none")]
    pub age1: Option<u32>,
    /// Age class 2.
    #[serde(rename = "2", default, skip_serializing_if = "Option::is_none")]
    pub age2: Option<u32>,
}

impl ClassLimits {
    /// The limits by age class.
    pub fn by_class(&self) -> [Option<u32>; 3] {
        [self.age0, self.age1, self.age2]
    }
}

/// Age-class limits per quota.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgeLimits {
    /// In the regular quota.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regular: Option<ClassLimits>,
    /// In the flexible quota.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flexible: Option<ClassLimits>,
}

/// An interview slot (面談枠).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InterviewSlot {
    /// The date.
    #[serde(with = "serde_date")]
    pub date: Date,
    /// Start.
    pub from: Clock,
    /// End.
    pub to: Clock,
    /// Places.
    pub places: u32,
}

fn default_kinds() -> Vec<UsageKind> {
    vec![UsageKind::Regular, UsageKind::Flexible]
}

fn is_default_kinds(k: &[UsageKind]) -> bool {
    k == [UsageKind::Regular, UsageKind::Flexible]
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A facility (施設) as set up: the same object adds it or replaces it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FacilitySpec {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The code of its municipality.
    pub municipality: String,
    /// Usage kinds offered (default both).
    #[serde(default = "default_kinds", skip_serializing_if = "is_default_kinds")]
    pub kinds: Vec<UsageKind>,
    /// Opening hours.
    pub hours: Hours,
    /// Closed dates.
    #[serde(default, with = "serde_date::vec", skip_serializing_if = "Vec::is_empty")]
    pub closed: Vec<Date>,
    /// Whether it closes on national holidays.
    #[serde(default, skip_serializing_if = "is_false")]
    pub closed_on_holidays: bool,
    /// Its own hourly fee, if it sets one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_per_hour_yen: Option<u32>,
    /// The capacity plan: later bands replace earlier ones where they overlap.
    pub capacity: Vec<CapacityBand>,
    /// Date overrides.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub capacity_overrides: Vec<CapacityOverride>,
    /// Age-class limits.
    #[serde(default, skip_serializing_if = "is_default_age_limits")]
    pub age_limits: AgeLimits,
    /// Interview slots.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interview_slots: Vec<InterviewSlot>,
    /// Whether bookings are confirmed at once.
    #[serde(default, skip_serializing_if = "is_false")]
    pub auto_confirm: bool,
    /// Its own (lower) maximum booking length in minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_booking_minutes: Option<u32>,
}

fn is_default_age_limits(a: &AgeLimits) -> bool {
    *a == AgeLimits::default()
}

/// A child's approval at a facility (from a passed interview).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApprovalSpec {
    /// The facility.
    pub facility: String,
    /// The day of the interview.
    #[serde(with = "serde_date")]
    pub interview_date: Date,
    /// The last completed use there, if any.
    #[serde(default, with = "serde_date::option", skip_serializing_if = "Option::is_none")]
    pub last_use: Option<Date>,
}

/// A child (こども) as set up: the same object adds it or replaces it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChildSpec {
    /// Its id.
    pub id: String,
    /// Its parent (household), if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Its name.
    pub name: String,
    /// Birth date.
    #[serde(with = "serde_date")]
    pub birth_date: Date,
    /// The code of the municipality of residence (which certifies and pays).
    pub municipality: String,
    /// Certification period, inclusive; `None` when not certified.
    #[serde(default, with = "serde_cert", skip_serializing_if = "Option::is_none")]
    pub certified: Option<[Date; 2]>,
    /// Fee class.
    #[serde(default, skip_serializing_if = "is_standard")]
    pub fee_class: FeeClass,
    /// Approvals; when replacing a child, `None` keeps the ones it has.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approvals: Option<Vec<ApprovalSpec>>,
}

fn is_standard(f: &FeeClass) -> bool {
    *f == FeeClass::Standard
}

mod serde_cert {
    use super::*;
    use crate::clock::{format_date, parse_date};
    use serde::{Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(v: &Option<[Date; 2]>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some([a, b]) => [format_date(*a), format_date(*b)].serialize(s),
            None => s.serialize_none(),
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<[Date; 2]>, D::Error> {
        let v = <Option<[String; 2]>>::deserialize(d)?;
        match v {
            None => Ok(None),
            Some([a, b]) => {
                let a = parse_date(&a).map_err(serde::de::Error::custom)?;
                let b = parse_date(&b).map_err(serde::de::Error::custom)?;
                Ok(Some([a, b]))
            }
        }
    }
}

/// A booking request (also the value of a dry-run check).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BookRequest {
    /// The new booking's id (a series' occurrences get `id#1`, `id#2`, …).
    pub id: String,
    /// The child.
    pub child: String,
    /// The facility.
    pub facility: String,
    /// The kind.
    pub kind: Kind,
    /// The day (the first occurrence of a series).
    #[serde(with = "serde_date")]
    pub date: Date,
    /// Start, on the grid.
    pub from: Clock,
    /// End, on the grid.
    pub to: Clock,
    /// Weeks of a regular series (required for `regular`, refused otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weeks: Option<u32>,
}

/// A booking's status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// 仮予約: holds its places.
    Provisional,
    /// 予約確定.
    Confirmed,
    /// 利用中.
    InUse,
    /// 利用済.
    Completed,
    /// キャンセル (free).
    Cancelled,
    /// キャンセル(当日): billed and counted.
    CancelledLate,
    /// 欠席.
    NoShow,
    /// An interview passed (利用承認).
    Approved,
    /// An interview not passed.
    Declined,
}

impl Status {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Provisional => "provisional",
            Status::Confirmed => "confirmed",
            Status::InUse => "in_use",
            Status::Completed => "completed",
            Status::Cancelled => "cancelled",
            Status::CancelledLate => "cancelled_late",
            Status::NoShow => "no_show",
            Status::Approved => "approved",
            Status::Declined => "declined",
        }
    }

    /// True while a usage booking holds its places.
    pub fn holds_place(self) -> bool {
        matches!(self, Status::Provisional | Status::Confirmed | Status::InUse | Status::Completed | Status::NoShow)
    }

    /// True while a usage booking counts against the monthly cap.
    pub fn counts_in_cap(self) -> bool {
        matches!(
            self,
            Status::Provisional
                | Status::Confirmed
                | Status::InUse
                | Status::Completed
                | Status::CancelledLate
                | Status::NoShow
        )
    }

    /// True while a usage booking is active (for overlap and the daily maximum).
    pub fn usage_active(self) -> bool {
        matches!(self, Status::Provisional | Status::Confirmed | Status::InUse | Status::Completed)
    }

    /// True while the booking is billed in a claim.
    pub fn claimed(self) -> bool {
        matches!(self, Status::Completed | Status::NoShow | Status::CancelledLate)
    }
}

/// Who cancels.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CancelBy {
    /// The parent: free or late by the deadline.
    #[default]
    Parent,
    /// The facility: always free.
    Facility,
}

/// A booking as saved and as shown: every field of its state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BookingRecord {
    /// Its id (`series#k` for an occurrence).
    pub id: String,
    /// The child.
    pub child: String,
    /// The facility.
    pub facility: String,
    /// The kind.
    pub kind: Kind,
    /// The day.
    #[serde(with = "serde_date")]
    pub date: Date,
    /// Start.
    pub from: Clock,
    /// End.
    pub to: Clock,
    /// Status.
    pub status: Status,
    /// Registered check-in time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_in: Option<Clock>,
    /// Registered check-out time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_out: Option<Clock>,
}

impl BookingRecord {
    /// The series id of an occurrence (`r1` for `r1#3`).
    pub fn series(&self) -> Option<&str> {
        self.id.split_once('#').map(|(s, _)| s)
    }
}

/// A flexible calendar query.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarQuery {
    /// The facility.
    pub facility: String,
    /// First day.
    #[serde(with = "serde_date")]
    pub from: Date,
    /// Number of days (≥ 1).
    pub days: u32,
    /// A child whose age-class limit applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child: Option<String>,
}

/// A regular availability query.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegularQuery {
    /// The facility.
    pub facility: String,
    /// First date.
    #[serde(with = "serde_date")]
    pub date: Date,
    /// Number of weeks (≥ 1).
    pub weeks: u32,
    /// Start of the band.
    pub from: Clock,
    /// End of the band.
    pub to: Clock,
    /// A child whose age-class limit applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child: Option<String>,
}

/// A search of a municipality's facilities.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchQuery {
    /// The municipality's code.
    pub municipality: String,
    /// The usage kind.
    pub kind: UsageKind,
    /// The day.
    #[serde(with = "serde_date")]
    pub date: Date,
    /// Start of the band.
    pub from: Clock,
    /// End of the band.
    pub to: Clock,
    /// A child whose age-class limit applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child: Option<String>,
}
