//! Civil time in Japan: dates, times of day on the 30-minute grid, "now", months, and the legal
//! reckoning of ages (年齢計算ニ関スル法律).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
pub use time::Date;

/// Minutes in a day.
pub const DAY_MINUTES: u16 = 1440;
/// Slots of 30 minutes in a day.
pub const SLOTS: usize = 48;

/// A date as its Julian day number: the engine's internal day index.
pub(crate) type Jd = i32;

pub(crate) fn jd(date: Date) -> Jd {
    date.to_julian_day()
}

pub(crate) fn date_of(jd: Jd) -> Date {
    Date::from_julian_day(jd).expect("day number in range")
}

/// Weekday index, 0 = Monday … 6 = Sunday.
pub(crate) fn weekday(jd: Jd) -> usize {
    jd.rem_euclid(7) as usize
}

/// Weekday keys of the wire format, Monday first.
pub const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Parses a strict `YYYY-MM-DD` date.
///
/// # Errors
/// A message saying what is wrong, when the text is not a valid date of that form.
pub fn parse_date(s: &str) -> Result<Date, String> {
    let b = s.as_bytes();
    let ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !ok {
        return Err(format!("{s:?} is not a date of the form YYYY-MM-DD"));
    }
    let year: i32 = s[0..4].parse().expect("digits");
    let month: u8 = s[5..7].parse().expect("digits");
    let day: u8 = s[8..10].parse().expect("digits");
    let m = time::Month::try_from(month).map_err(|_| format!("{s:?} has no month {month}"))?;
    Date::from_calendar_date(year, m, day).map_err(|_| format!("{s:?} is not a day of the calendar"))
}

/// Formats a date as `YYYY-MM-DD`.
pub fn format_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day())
}

/// A time of day, `00:00` to `24:00`, in minutes. Booking bands use times on the 30-minute grid;
/// cut-off times and check-in/out times may fall on any minute.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Clock(u16);

impl Clock {
    /// 00:00.
    pub const MIDNIGHT: Clock = Clock(0);
    /// 24:00, the end of the day.
    pub const END_OF_DAY: Clock = Clock(DAY_MINUTES);

    /// The time this many minutes after midnight (at most 1440).
    pub fn from_minutes(minutes: u16) -> Option<Clock> {
        (minutes <= DAY_MINUTES).then_some(Clock(minutes))
    }

    /// The time at the start of a slot (`slot` ≤ 48).
    pub fn from_slot(slot: u8) -> Clock {
        Clock(u16::from(slot) * 30)
    }

    /// Minutes after midnight.
    pub fn minutes(self) -> u16 {
        self.0
    }

    /// True on :00 or :30.
    pub fn is_on_grid(self) -> bool {
        self.0.is_multiple_of(30)
    }

    /// The slot starting at this time (for a time on the grid), or 48 for 24:00.
    pub fn slot(self) -> u8 {
        (self.0 / 30) as u8
    }

    /// This time rounded up to the grid.
    pub fn ceil_to_grid(self) -> Clock {
        Clock(self.0.div_ceil(30) * 30)
    }

    /// Parses a strict `HH:MM` (two digits each), `00:00` to `24:00`.
    ///
    /// # Errors
    /// A message saying what is wrong.
    pub fn parse(s: &str) -> Result<Clock, String> {
        let b = s.as_bytes();
        let ok = b.len() == 5 && b[2] == b':' && [0, 1, 3, 4].iter().all(|&i| b[i].is_ascii_digit());
        if !ok {
            return Err(format!("{s:?} is not a time of the form HH:MM"));
        }
        let h: u16 = s[0..2].parse().expect("digits");
        let m: u16 = s[3..5].parse().expect("digits");
        if m >= 60 || h > 24 || (h == 24 && m != 0) {
            return Err(format!("{s:?} is not a time between 00:00 and 24:00"));
        }
        Ok(Clock(h * 60 + m))
    }
}

impl fmt::Display for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

impl Serialize for Clock {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Clock {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Clock, D::Error> {
        parse_str(d, Clock::parse)
    }
}

/// Deserializes a string through `parse` without copying it (`Cow<str>`'s own impl always copies):
/// dates and times are most of a saved world's values.
pub(crate) fn parse_str<'de, D: Deserializer<'de>, T, E: fmt::Display>(
    d: D,
    parse: fn(&str) -> Result<T, E>,
) -> Result<T, D::Error> {
    struct V<T, E>(fn(&str) -> Result<T, E>);
    impl<T, E: fmt::Display> serde::de::Visitor<'_> for V<T, E> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<Er: serde::de::Error>(self, v: &str) -> Result<T, Er> {
            (self.0)(v).map_err(Er::custom)
        }
    }
    d.deserialize_str(V(parse))
}

/// "Now": a date and a time of day (00:00 to 23:59). The engine never reads a clock; every call that
/// depends on the time takes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Now {
    date: Date,
    minute: u16,
}

impl Now {
    /// The given date at the given time (before 24:00).
    pub fn new(date: Date, time: Clock) -> Option<Now> {
        (time.0 < DAY_MINUTES).then_some(Now { date, minute: time.0 })
    }

    /// Midnight at the start of `date`.
    pub fn start_of(date: Date) -> Now {
        Now { date, minute: 0 }
    }

    /// Today.
    pub fn date(self) -> Date {
        self.date
    }

    /// The time of day.
    pub fn time(self) -> Clock {
        Clock(self.minute)
    }

    /// Minutes since the start of Julian day 0: compares with deadlines.
    pub(crate) fn stamp(self) -> i64 {
        i64::from(jd(self.date)) * 1440 + i64::from(self.minute)
    }

    /// Parses `YYYY-MM-DD` (00:00) or `YYYY-MM-DDTHH:MM` (HH:MM before 24:00).
    ///
    /// # Errors
    /// A message saying what is wrong.
    pub fn parse(s: &str) -> Result<Now, String> {
        let (d, t) = match s.split_once('T') {
            Some((d, t)) => (d, Some(t)),
            None => (s, None),
        };
        let date = parse_date(d)?;
        let time = match t {
            None => Clock::MIDNIGHT,
            Some(t) => Clock::parse(t)?,
        };
        Now::new(date, time).ok_or_else(|| format!("{s:?}: now must be before 24:00"))
    }
}

impl fmt::Display for Now {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}T{}", format_date(self.date), self.time())
    }
}

impl Serialize for Now {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Now {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Now, D::Error> {
        parse_str(d, Now::parse)
    }
}

/// The deadline "(day − days_before) at `at`" as a stamp comparable with [`Now::stamp`].
pub(crate) fn deadline(day: Jd, days_before: u32, at: Clock) -> i64 {
    (i64::from(day) - i64::from(days_before)) * 1440 + i64::from(at.0)
}

/// A calendar month, `YYYY-MM`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    year: i32,
    month: u8,
}

impl Month {
    /// The month of a date.
    pub fn of(date: Date) -> Month {
        Month { year: date.year(), month: date.month() as u8 }
    }

    /// Parses `YYYY-MM`.
    ///
    /// # Errors
    /// A message saying what is wrong.
    pub fn parse(s: &str) -> Result<Month, String> {
        let b = s.as_bytes();
        let ok = b.len() == 7 && b[4] == b'-' && b.iter().enumerate().all(|(i, c)| i == 4 || c.is_ascii_digit());
        let bad = || format!("{s:?} is not a month of the form YYYY-MM");
        if !ok {
            return Err(bad());
        }
        let month: u8 = s[5..7].parse().expect("digits");
        if !(1..=12).contains(&month) {
            return Err(bad());
        }
        Ok(Month { year: s[0..4].parse().expect("digits"), month })
    }

    /// The first day of the month.
    pub fn first_day(self) -> Date {
        Date::from_calendar_date(self.year, time::Month::try_from(self.month).expect("month"), 1).expect("valid")
    }

    /// A number that orders months and is equal for dates of the same month.
    pub(crate) fn key(self) -> i32 {
        self.year * 12 + i32::from(self.month) - 1
    }

    pub(crate) fn key_of_jd(day: Jd) -> i32 {
        Month::of(date_of(day)).key()
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// anniversary(date, n): the same day of the month n calendar months later; where that month has no
/// such day, the 1st of the month after.
///
/// # Example
/// ```
/// use tsuen::clock::{anniversary, parse_date};
/// let d = parse_date("2025-08-31").unwrap();
/// assert_eq!(anniversary(d, 6), parse_date("2026-03-01").unwrap());
/// ```
pub fn anniversary(date: Date, months: u32) -> Date {
    let total = i64::from(date.year()) * 12 + (date.month() as i64 - 1) + i64::from(months);
    let (y, m) = (total.div_euclid(12), (total.rem_euclid(12) + 1) as u8);
    let Ok(y) = i32::try_from(y) else { return Date::MAX };
    let month = time::Month::try_from(m).expect("month");
    match Date::from_calendar_date(y, month, date.day()) {
        Ok(d) => d,
        Err(_) => {
            let next = month.next();
            let ny = if next == time::Month::January { y + 1 } else { y };
            // Past the last representable year (a birth in 9998, a rule of 100,000 months): the
            // latest date, which no day reaches.
            Date::from_calendar_date(ny, next, 1).unwrap_or(Date::MAX)
        }
    }
}

/// reached(birth, n): the day an age of n months is reached, the day before its anniversary.
pub fn reached(birth: Date, months: u32) -> Date {
    let a = anniversary(birth, months);
    if a == Date::MAX { a } else { a.previous_day().expect("in range") }
}

/// The age class on `day` (completed years: 0, 1 or 2), or `None` from age 3 on.
pub fn age_class(birth: Date, day: Date) -> Option<u8> {
    if reached(birth, 36) <= day {
        None
    } else if reached(birth, 24) <= day {
        Some(2)
    } else if reached(birth, 12) <= day {
        Some(1)
    } else {
        Some(0)
    }
}

/// True when a child born on `birth` is inside the program's age window on `day`: from reached(6
/// months) through the day before reached(3 years).
pub fn age_eligible(birth: Date, day: Date) -> bool {
    reached(birth, 6) <= day && day < reached(birth, 36)
}

/// Serde helpers for `YYYY-MM-DD` date fields.
pub(crate) mod serde_date {
    use super::{Date, format_date, parse_date};
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format_date(*d))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        super::parse_str(d, parse_date)
    }

    /// For `Option<Date>` fields.
    pub(crate) mod option {
        use super::*;

        pub(crate) fn serialize<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
            match d {
                Some(d) => s.serialize_str(&format_date(*d)),
                None => s.serialize_none(),
            }
        }

        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
            let s = <Option<std::borrow::Cow<'de, str>>>::deserialize(d)?;
            s.map(|s| parse_date(&s).map_err(serde::de::Error::custom)).transpose()
        }
    }

    /// For `Vec<Date>` fields.
    pub(crate) mod vec {
        use super::*;
        use serde::ser::SerializeSeq;

        pub(crate) fn serialize<S: Serializer>(v: &[Date], s: S) -> Result<S::Ok, S::Error> {
            let mut seq = s.serialize_seq(Some(v.len()))?;
            for d in v {
                seq.serialize_element(&format_date(*d))?;
            }
            seq.end()
        }

        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Date>, D::Error> {
            struct V;
            impl<'de> serde::de::Visitor<'de> for V {
                type Value = Vec<Date>;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    f.write_str("a list of dates YYYY-MM-DD")
                }
                fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> Result<Vec<Date>, A::Error> {
                    let mut out = Vec::new();
                    while let Some(s) = a.next_element::<std::borrow::Cow<'de, str>>()? {
                        out.push(parse_date(&s).map_err(serde::de::Error::custom)?);
                    }
                    Ok(out)
                }
            }
            d.deserialize_seq(V)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        parse_date(s).unwrap()
    }

    #[test]
    fn anniversaries_and_month_ends() {
        assert_eq!(anniversary(d("2024-04-10"), 6), d("2024-10-10"));
        assert_eq!(anniversary(d("2025-08-31"), 6), d("2026-03-01"));
        assert_eq!(anniversary(d("2025-01-31"), 1), d("2025-03-01"));
        assert_eq!(anniversary(d("2024-01-31"), 1), d("2024-03-01"));
        assert_eq!(anniversary(d("2023-12-31"), 2), d("2024-03-01"));
        assert_eq!(anniversary(d("2024-02-29"), 12), d("2025-03-01"));
        assert_eq!(anniversary(d("2024-02-29"), 48), d("2028-02-29"));
        assert_eq!(anniversary(d("2025-11-30"), 3), d("2026-03-01"));
        assert_eq!(anniversary(d("2025-12-15"), 1), d("2026-01-15"));
        assert_eq!(anniversary(d("2025-06-15"), 0), d("2025-06-15"));
    }

    #[test]
    fn dates_past_the_last_year_saturate() {
        let max = Date::MAX;
        assert_eq!(anniversary(d("9998-06-15"), 36), max);
        assert_eq!(reached(d("9998-06-15"), 36), max);
        assert_eq!(anniversary(d("2026-01-31"), u32::MAX), max);
        assert_eq!(anniversary(d("9999-11-30"), 1), d("9999-12-30"));
        assert_eq!(anniversary(d("9999-12-31"), 1), max);
        assert_eq!(age_class(d("9998-06-15"), d("9999-01-01")), Some(0));
    }

    #[test]
    fn reached_is_the_day_before() {
        // SPEC: born 2024-04-10: from 2024-10-09 through 2027-04-08.
        let b = d("2024-04-10");
        assert_eq!(reached(b, 6), d("2024-10-09"));
        assert!(!age_eligible(b, d("2024-10-08")));
        assert!(age_eligible(b, d("2024-10-09")));
        assert!(age_eligible(b, d("2027-04-08")));
        assert!(!age_eligible(b, d("2027-04-09")));
        // Born 2024-02-29: age 3 reached 2027-02-28, last eligible day 2027-02-27.
        let b = d("2024-02-29");
        assert_eq!(reached(b, 36), d("2027-02-28"));
        assert!(age_eligible(b, d("2027-02-27")));
        assert!(!age_eligible(b, d("2027-02-28")));
        // Born 2025-08-31: 6 months reached 2026-02-28, eligible from that day.
        let b = d("2025-08-31");
        assert_eq!(reached(b, 6), d("2026-02-28"));
        assert!(!age_eligible(b, d("2026-02-27")));
        assert!(age_eligible(b, d("2026-02-28")));
    }

    #[test]
    fn age_classes_change_the_day_before_the_birthday() {
        let b = d("2025-03-10");
        assert_eq!(age_class(b, d("2026-03-08")), Some(0));
        assert_eq!(age_class(b, d("2026-03-09")), Some(1));
        assert_eq!(age_class(b, d("2027-03-09")), Some(2));
        assert_eq!(age_class(b, d("2028-03-08")), Some(2));
        assert_eq!(age_class(b, d("2028-03-09")), None);
        let leap = d("2024-02-29");
        assert_eq!(age_class(leap, d("2025-02-27")), Some(0));
        assert_eq!(age_class(leap, d("2025-02-28")), Some(1));
    }

    #[test]
    fn parsing_is_strict() {
        assert!(parse_date("2026-02-30").is_err());
        assert!(parse_date("2026-2-03").is_err());
        assert!(parse_date("2026/02/03").is_err());
        assert_eq!(format_date(d("2026-02-03")), "2026-02-03");
        assert_eq!(Clock::parse("24:00").unwrap(), Clock::END_OF_DAY);
        assert!(Clock::parse("24:30").is_err());
        assert!(Clock::parse("9:00").is_err());
        assert!(Clock::parse("09:60").is_err());
        assert_eq!(Clock::parse("17:05").unwrap().minutes(), 17 * 60 + 5);
        assert!(!Clock::parse("17:05").unwrap().is_on_grid());
        assert_eq!(Clock::parse("15:10").unwrap().ceil_to_grid().to_string(), "15:30");
        assert!(Now::parse("2026-01-13T24:00").is_err());
        assert_eq!(Now::parse("2026-01-13").unwrap().to_string(), "2026-01-13T00:00");
        assert!(Month::parse("2026-13").is_err());
        assert!(Month::parse("2026/01").is_err());
        assert_eq!(Month::parse("2026-01").unwrap().to_string(), "2026-01");
    }

    #[test]
    fn weekdays_from_day_numbers() {
        assert_eq!(weekday(jd(d("2026-01-19"))), 0); // a Monday
        assert_eq!(weekday(jd(d("2026-01-25"))), 6); // a Sunday
        assert_eq!(weekday(jd(d("2000-01-01"))), 5); // a Saturday
    }

    #[test]
    fn deadlines() {
        let day = jd(d("2026-01-20"));
        let now = Now::parse("2026-01-13T00:00").unwrap();
        assert!(now.stamp() < deadline(day, 7, Clock::END_OF_DAY));
        let day = jd(d("2026-01-19"));
        assert!(now.stamp() >= deadline(day, 7, Clock::END_OF_DAY));
    }
}
