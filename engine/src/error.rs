//! The one error type of tsuen, with the stable codes of SPEC.md and their messages.

use std::fmt;

/// A stable error code of SPEC.md. The first twelve are booking rules (a refusal carries every one that
/// applies); the rest say why a request could not be judged at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Code {
    /// The child's certification does not cover the day.
    NotCertified,
    /// The child is outside the age window on the day.
    AgeIneligible,
    /// The child has no valid approval (interview) at the facility for the day.
    InterviewRequired,
    /// Too late to book (or cancel) for the day, or the day has passed.
    LeadTime,
    /// The day is further ahead than the booking horizon.
    BeyondHorizon,
    /// The facility is closed on the day.
    FacilityClosed,
    /// The time band is outside the opening hours (or no interview slot has that band).
    OutsideHours,
    /// The facility does not offer this kind of booking.
    KindNotOffered,
    /// No place left in some slot of the band.
    NoCapacity,
    /// The child already has an active booking at that time.
    Overlap,
    /// The booking would take the child over the monthly cap.
    MonthlyCap,
    /// The booking is too short or too long (or a series has too many weeks).
    Duration,
    /// A malformed request: a bad time, range or field.
    InvalidRequest,
    /// No facility with that id.
    UnknownFacility,
    /// No child with that id.
    UnknownChild,
    /// No booking with that id.
    UnknownBooking,
    /// The booking's state does not allow this transition.
    InvalidState,
    /// A check-in of a confirmed booking on another day than its own.
    NotToday,
    /// The id is already taken.
    DuplicateId,
}

/// Every code, in SPEC.md's order.
pub const ALL_CODES: [Code; 19] = [
    Code::NotCertified,
    Code::AgeIneligible,
    Code::InterviewRequired,
    Code::LeadTime,
    Code::BeyondHorizon,
    Code::FacilityClosed,
    Code::OutsideHours,
    Code::KindNotOffered,
    Code::NoCapacity,
    Code::Overlap,
    Code::MonthlyCap,
    Code::Duration,
    Code::InvalidRequest,
    Code::UnknownFacility,
    Code::UnknownChild,
    Code::UnknownBooking,
    Code::InvalidState,
    Code::NotToday,
    Code::DuplicateId,
];

/// (code, Japanese message, English message): the one table the portal and the browser both use.
const MESSAGES: [(&str, &str, &str); 19] = [
    ("not_certified", "この日は認定期間外です。", "The child is not certified for this day."),
    (
        "age_ineligible",
        "この日はお子さまの年齢が対象外です（生後6か月から3歳の誕生日の前々日まで）。",
        "The child's age is outside the program on this day (from 6 months to two days before the 3rd birthday).",
    ),
    (
        "interview_required",
        "この施設の初回面談（または6か月以上利用がない場合の再面談）が必要です。",
        "An interview at this facility is required first (or again after six months without use).",
    ),
    ("lead_time", "予約の受付期限を過ぎています。", "Too late: the booking deadline for this day has passed."),
    ("beyond_horizon", "まだ予約を受け付けていない日です。", "This day is not open for booking yet."),
    ("facility_closed", "この日は休園日です。", "The facility is closed on this day."),
    (
        "outside_hours",
        "開所時間外（または面談枠のない時間帯）です。",
        "Outside the opening hours (or no interview slot at that time).",
    ),
    (
        "kind_not_offered",
        "この施設ではこの予約種別を受け付けていません。",
        "The facility does not offer this kind of booking.",
    ),
    ("no_capacity", "空きがありません。", "No place left at that time."),
    ("overlap", "同じ時間帯に別のご予約があります。", "The child already has a booking at that time."),
    ("monthly_cap", "月の利用上限時間を超えます。", "This would exceed the monthly limit of hours."),
    ("duration", "利用時間の長さが条件を満たしていません。", "The length of the booking is not allowed."),
    ("invalid_request", "入力内容に誤りがあります。", "The request is malformed."),
    ("unknown_facility", "施設が見つかりません。", "No such facility."),
    ("unknown_child", "お子さまが見つかりません。", "No such child."),
    ("unknown_booking", "予約が見つかりません。", "No such booking."),
    ("invalid_state", "現在の予約状態ではこの操作はできません。", "Not possible in the booking's current state."),
    ("not_today", "利用日当日ではありません。", "This can only be done on the day of use."),
    ("duplicate_id", "このIDはすでに使われています。", "This id is already taken."),
];

impl Code {
    /// The stable snake_case code of SPEC.md.
    ///
    /// # Example
    /// ```
    /// assert_eq!(tsuen::Code::NoCapacity.as_str(), "no_capacity");
    /// ```
    pub fn as_str(self) -> &'static str {
        MESSAGES[self as usize].0
    }

    /// The Japanese message of the code.
    pub fn message_ja(self) -> &'static str {
        MESSAGES[self as usize].1
    }

    /// The English message of the code.
    pub fn message_en(self) -> &'static str {
        MESSAGES[self as usize].2
    }

    /// The code with this name, if any.
    pub fn parse(name: &str) -> Option<Code> {
        ALL_CODES.iter().copied().find(|c| c.as_str() == name)
    }

    /// True for the codes that say a request could not be judged (reported alone).
    pub fn is_unjudgeable(self) -> bool {
        self >= Code::InvalidRequest
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A small set of codes (a bit per code), in SPEC.md's order when listed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Codes(u32);

impl Codes {
    /// No code.
    pub const EMPTY: Codes = Codes(0);

    /// Adds a code.
    pub fn insert(&mut self, code: Code) {
        self.0 |= 1 << code as u32;
    }

    /// True if the code is in the set.
    pub fn contains(self, code: Code) -> bool {
        self.0 & (1 << code as u32) != 0
    }

    /// True if no code is in the set.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The union of two sets.
    pub fn union(self, other: Codes) -> Codes {
        Codes(self.0 | other.0)
    }

    /// The codes, in SPEC.md's order.
    pub fn iter(self) -> impl Iterator<Item = Code> {
        ALL_CODES.into_iter().filter(move |c| self.contains(*c))
    }
}

impl From<Code> for Codes {
    fn from(code: Code) -> Codes {
        let mut c = Codes::EMPTY;
        c.insert(code);
        c
    }
}

/// The error of every tsuen operation: one or more codes, and for requests that cannot be judged a
/// detail saying which field was wrong and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    codes: Codes,
    detail: Option<String>,
}

impl Error {
    /// An error with one code.
    pub fn new(code: Code) -> Error {
        Error { codes: code.into(), detail: None }
    }

    /// An error with one code and a detail (which field, what was wrong).
    pub fn with_detail(code: Code, detail: impl Into<String>) -> Error {
        Error { codes: code.into(), detail: Some(detail.into()) }
    }

    /// A refusal carrying every rule it breaks. `codes` must not be empty.
    pub fn refused(codes: Codes) -> Error {
        debug_assert!(!codes.is_empty());
        Error { codes, detail: None }
    }

    /// `invalid_request` with a detail.
    pub fn invalid(detail: impl Into<String>) -> Error {
        Error::with_detail(Code::InvalidRequest, detail)
    }

    /// The codes, in SPEC.md's order.
    pub fn codes(&self) -> Vec<Code> {
        self.codes.iter().collect()
    }

    /// The codes as a set.
    pub fn code_set(&self) -> Codes {
        self.codes
    }

    /// True if the error carries this code.
    pub fn has(&self, code: Code) -> bool {
        self.codes.contains(code)
    }

    /// Which field was wrong and why, where known.
    pub fn detail(&self) -> Option<&str> {
        self.detail.as_deref()
    }

    /// The Japanese messages of the codes, one per line, then the detail if any.
    pub fn message_ja(&self) -> String {
        self.joined(Code::message_ja)
    }

    /// The English messages of the codes, one per line, then the detail if any.
    pub fn message_en(&self) -> String {
        self.joined(Code::message_en)
    }

    fn joined(&self, f: fn(Code) -> &'static str) -> String {
        let mut out = String::new();
        for line in self.codes.iter().map(f).chain(self.detail.as_deref()) {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(line);
        }
        out
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, code) in self.codes.iter().enumerate() {
            f.write_str(if i == 0 { "" } else { ", " })?;
            f.write_str(code.as_str())?;
        }
        if let Some(d) = &self.detail {
            write!(f, ": {d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_in_enum_order() {
        for (i, c) in ALL_CODES.iter().enumerate() {
            assert_eq!(*c as usize, i);
            assert_eq!(Code::parse(c.as_str()), Some(*c));
            assert!(!c.message_ja().is_empty() && !c.message_en().is_empty());
        }
    }

    #[test]
    fn codes_are_listed_in_spec_order() {
        let mut s = Codes::EMPTY;
        s.insert(Code::Overlap);
        s.insert(Code::NotCertified);
        s.insert(Code::LeadTime);
        let e = Error::refused(s);
        assert_eq!(e.codes(), vec![Code::NotCertified, Code::LeadTime, Code::Overlap]);
        assert_eq!(e.to_string(), "not_certified, lead_time, overlap");
    }
}
