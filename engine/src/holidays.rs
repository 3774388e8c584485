//! Japan's national holidays under the national holiday law (国民の祝日に関する法律)
//! for the years 2000–2099.
//!
//! The whole range is computed once, on first use, into a bitset of day numbers
//! (plus a byte per day naming the holiday), so [`is_holiday`] is a bounds check,
//! an atomic load and a bit test: no allocation and no calendar arithmetic per call.
//!
//! Rules implemented:
//! - fixed-date holidays and Happy Monday holidays, with the law's changes over time
//!   (みどりの日/昭和の日 in 2007, 海の日 and 敬老の日 moving to Mondays in 2003,
//!   山の日 from 2016, 天皇誕生日 moving from 12/23 to 2/23 with none in 2019,
//!   体育の日 renamed スポーツの日 in 2020);
//! - the one-off days: 2019-05-01 (即位の日) and 2019-10-22 (即位礼正殿の儀), which
//!   count as 国民の祝日 for the 国民の休日 rule, and the moved 海の日, スポーツの日 and
//!   山の日 of the Tokyo Olympics in 2020 and 2021;
//! - 春分の日 and 秋分の日 by the standard approximation formula, in exact integer
//!   arithmetic;
//! - 振替休日: before 2007 the Monday after a Sunday 国民の祝日 (when that Monday is not
//!   itself a 国民の祝日); from 2007 the first day after a Sunday 国民の祝日 that is not
//!   a 国民の祝日;
//! - 国民の休日: a day that is neither a 国民の祝日, a 振替休日 nor a Sunday, whose day
//!   before and day after are both 国民の祝日.

use std::sync::OnceLock;

use time::{Date, Month, Weekday};

/// First year covered; earlier years are never holidays.
const FIRST_YEAR: i32 = 2000;
/// Last year covered; later years are never holidays.
const LAST_YEAR: i32 = 2099;
/// Julian day number of 2000-01-01.
const FIRST_JULIAN_DAY: i32 = 2_451_545;
/// Number of days from 2000-01-01 through 2099-12-31.
const DAY_COUNT: usize = 36_525;
/// Number of 64-bit words in the bitset.
const WORDS: usize = DAY_COUNT.div_ceil(64);

/// Code 0: not a holiday.
const NONE: u8 = 0;
/// 元日 (1/1).
const GANJITSU: u8 = 1;
/// 成人の日 (2nd Monday of January).
const SEIJIN: u8 = 2;
/// 建国記念の日 (2/11).
const KENKOKU: u8 = 3;
/// 天皇誕生日 (12/23 until 2018, 2/23 from 2020).
const TENNO_TANJOBI: u8 = 4;
/// 春分の日.
const SHUNBUN: u8 = 5;
/// 昭和の日 (4/29 from 2007).
const SHOWA: u8 = 6;
/// 憲法記念日 (5/3).
const KENPO: u8 = 7;
/// みどりの日 (4/29 until 2006, 5/4 from 2007).
const MIDORI: u8 = 8;
/// こどもの日 (5/5).
const KODOMO: u8 = 9;
/// 海の日.
const UMI: u8 = 10;
/// 山の日.
const YAMA: u8 = 11;
/// 敬老の日.
const KEIRO: u8 = 12;
/// 秋分の日.
const SHUBUN: u8 = 13;
/// 体育の日 (until 2019).
const TAIIKU: u8 = 14;
/// スポーツの日 (from 2020).
const SPORTS: u8 = 15;
/// 文化の日 (11/3).
const BUNKA: u8 = 16;
/// 勤労感謝の日 (11/23).
const KINRO: u8 = 17;
/// 即位の日 (2019-05-01).
const SOKUI: u8 = 18;
/// 即位礼正殿の儀 (2019-10-22).
const SOKUIREI: u8 = 19;
/// 振替休日 (substitute holiday).
const FURIKAE: u8 = 20;
/// 国民の休日 (citizens' holiday between two holidays).
const KOKUMIN: u8 = 21;

/// Names by code; index 0 is unused.
const NAMES: [&str; 22] = [
    "",
    "元日",
    "成人の日",
    "建国記念の日",
    "天皇誕生日",
    "春分の日",
    "昭和の日",
    "憲法記念日",
    "みどりの日",
    "こどもの日",
    "海の日",
    "山の日",
    "敬老の日",
    "秋分の日",
    "体育の日",
    "スポーツの日",
    "文化の日",
    "勤労感謝の日",
    "即位の日",
    "即位礼正殿の儀",
    "振替休日",
    "国民の休日",
];

/// The precomputed holidays of 2000–2099.
struct Table {
    /// Bit `i` is set when day `i` (counted from 2000-01-01) is a holiday.
    bits: [u64; WORDS],
    /// Holiday code of each day (see [`NAMES`]); [`NONE`] when not a holiday.
    codes: Box<[u8]>,
}

/// The table, built on first use.
fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(build)
}

/// Day number of `date` counted from 2000-01-01, if it lies in 2000–2099.
#[inline]
fn day_index(date: Date) -> Option<usize> {
    julian_index(date.to_julian_day())
}

/// Day number of a Julian day counted from 2000-01-01, if it lies in 2000–2099.
#[inline]
fn julian_index(julian_day: i32) -> Option<usize> {
    let offset = julian_day.wrapping_sub(FIRST_JULIAN_DAY);
    // Negative offsets wrap to huge values and fail the check too.
    if (offset as u32) < DAY_COUNT as u32 { Some(offset as usize) } else { None }
}

/// True when `date` is a national holiday of Japan (祝日, 振替休日 or 国民の休日).
/// Years outside 2000–2099 are never holidays.
#[inline]
pub(crate) fn is_holiday(date: Date) -> bool {
    match day_index(date) {
        Some(i) => (table().bits[i / 64] >> (i % 64)) & 1 != 0,
        None => false,
    }
}

/// [`is_holiday`] for a Julian day number (the engine's day index).
#[inline]
pub(crate) fn is_holiday_jd(julian_day: i32) -> bool {
    match julian_index(julian_day) {
        Some(i) => (table().bits[i / 64] >> (i % 64)) & 1 != 0,
        None => false,
    }
}

/// The Japanese name of the holiday on `date` (e.g. "元日", "振替休日", "国民の休日"), if
/// any. Years outside 2000–2099 never have one.
pub(crate) fn holiday_name(date: Date) -> Option<&'static str> {
    let code = table().codes[day_index(date)?];
    (code != NONE).then(|| NAMES[usize::from(code)])
}

/// Day of March of 春分の日 in `year` (valid for 1980–2099):
/// floor(20.8431 + 0.242194 (y − 1980) − floor((y − 1980) / 4)), in exact integers.
fn vernal_equinox_day(year: i32) -> u8 {
    equinox_day(20_843_100, year)
}

/// Day of September of 秋分の日 in `year` (valid for 1980–2099):
/// floor(23.2488 + 0.242194 (y − 1980) − floor((y − 1980) / 4)), in exact integers.
fn autumnal_equinox_day(year: i32) -> u8 {
    equinox_day(23_248_800, year)
}

/// The equinox formula with its constant term given in millionths of a day.
fn equinox_day(base_micro: i64, year: i32) -> u8 {
    let n = i64::from(year - 1980);
    let micro = base_micro + 242_194 * n - n.div_euclid(4) * 1_000_000;
    micro.div_euclid(1_000_000) as u8
}

/// Day of the month of the `nth` (1-based) Monday of `month` in `year`.
fn nth_monday(year: i32, month: Month, nth: u8) -> u8 {
    let first = Date::from_calendar_date(year, month, 1).expect("valid date");
    let to_monday = (7 - first.weekday().number_days_from_monday()) % 7;
    1 + to_monday + 7 * (nth - 1)
}

/// Calls `add(month, day, code)` for each 国民の祝日 of `year` (including the 2019
/// one-off days, which count as 国民の祝日), before substitute and citizens' holidays.
fn statutory_holidays(year: i32, add: &mut impl FnMut(Month, u8, u8)) {
    use Month::*;
    add(January, 1, GANJITSU);
    add(January, nth_monday(year, January, 2), SEIJIN);
    add(February, 11, KENKOKU);
    if year >= 2020 {
        add(February, 23, TENNO_TANJOBI);
    }
    add(March, vernal_equinox_day(year), SHUNBUN);
    if year >= 2007 {
        add(April, 29, SHOWA);
        add(May, 4, MIDORI);
    } else {
        add(April, 29, MIDORI);
    }
    add(May, 3, KENPO);
    add(May, 5, KODOMO);
    match year {
        2020 => add(July, 23, UMI),
        2021 => add(July, 22, UMI),
        ..=2002 => add(July, 20, UMI),
        _ => add(July, nth_monday(year, July, 3), UMI),
    }
    match year {
        2020 => add(August, 10, YAMA),
        2021 => add(August, 8, YAMA),
        2016.. => add(August, 11, YAMA),
        _ => {}
    }
    if year <= 2002 {
        add(September, 15, KEIRO);
    } else {
        add(September, nth_monday(year, September, 3), KEIRO);
    }
    add(September, autumnal_equinox_day(year), SHUBUN);
    match year {
        2020 => add(July, 24, SPORTS),
        2021 => add(July, 23, SPORTS),
        ..=2019 => add(October, nth_monday(year, October, 2), TAIIKU),
        _ => add(October, nth_monday(year, October, 2), SPORTS),
    }
    add(November, 3, BUNKA);
    add(November, 23, KINRO);
    if year <= 2018 {
        add(December, 23, TENNO_TANJOBI);
    }
    if year == 2019 {
        add(May, 1, SOKUI);
        add(October, 22, SOKUIREI);
    }
}

/// Computes the table for 2000–2099.
fn build() -> Table {
    // Pass 1: the 国民の祝日 themselves.
    let mut base = vec![NONE; DAY_COUNT];
    for year in FIRST_YEAR..=LAST_YEAR {
        statutory_holidays(year, &mut |month, day, code| {
            let date = Date::from_calendar_date(year, month, day).expect("valid holiday date");
            let i = day_index(date).expect("date in range");
            debug_assert_eq!(base[i], NONE, "two holidays on {date}");
            base[i] = code;
        });
    }
    let date_of = |i: usize| Date::from_julian_day(FIRST_JULIAN_DAY + i as i32).expect("date in range");

    // Pass 2: 振替休日.
    let mut codes = base.clone();
    for i in 0..DAY_COUNT {
        let date = date_of(i);
        if base[i] == NONE || date.weekday() != Weekday::Sunday {
            continue;
        }
        let mut j = i + 1;
        if date.year() >= 2007 {
            // The nearest following day that is not a 国民の祝日.
            while j < DAY_COUNT && base[j] != NONE {
                j += 1;
            }
        }
        if j < DAY_COUNT && base[j] == NONE {
            codes[j] = FURIKAE;
        }
    }

    // Pass 3: 国民の休日.
    for i in 1..DAY_COUNT - 1 {
        if codes[i] == NONE && base[i - 1] != NONE && base[i + 1] != NONE && date_of(i).weekday() != Weekday::Sunday {
            codes[i] = KOKUMIN;
        }
    }

    let mut bits = [0u64; WORDS];
    for (i, &code) in codes.iter().enumerate() {
        if code != NONE {
            bits[i / 64] |= 1 << (i % 64);
        }
    }
    Table { bits, codes: codes.into_boxed_slice() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(year: i32, month: u8, day: u8) -> Date {
        Date::from_calendar_date(year, Month::try_from(month).unwrap(), day).unwrap()
    }

    /// Every holiday of one year, in date order: (month, day, name).
    type YearTable = &'static [(u8, u8, &'static str)];

    /// Hand-written from the law and the Cabinet Office's published lists.
    const EXPECTED: &[(i32, YearTable)] = &[
        (
            2019,
            &[
                (1, 1, "元日"),
                (1, 14, "成人の日"),
                (2, 11, "建国記念の日"),
                (3, 21, "春分の日"),
                (4, 29, "昭和の日"),
                (4, 30, "国民の休日"),
                (5, 1, "即位の日"),
                (5, 2, "国民の休日"),
                (5, 3, "憲法記念日"),
                (5, 4, "みどりの日"),
                (5, 5, "こどもの日"),
                (5, 6, "振替休日"),
                (7, 15, "海の日"),
                (8, 11, "山の日"),
                (8, 12, "振替休日"),
                (9, 16, "敬老の日"),
                (9, 23, "秋分の日"),
                (10, 14, "体育の日"),
                (10, 22, "即位礼正殿の儀"),
                (11, 3, "文化の日"),
                (11, 4, "振替休日"),
                (11, 23, "勤労感謝の日"),
            ],
        ),
        (
            2020,
            &[
                (1, 1, "元日"),
                (1, 13, "成人の日"),
                (2, 11, "建国記念の日"),
                (2, 23, "天皇誕生日"),
                (2, 24, "振替休日"),
                (3, 20, "春分の日"),
                (4, 29, "昭和の日"),
                (5, 3, "憲法記念日"),
                (5, 4, "みどりの日"),
                (5, 5, "こどもの日"),
                (5, 6, "振替休日"),
                (7, 23, "海の日"),
                (7, 24, "スポーツの日"),
                (8, 10, "山の日"),
                (9, 21, "敬老の日"),
                (9, 22, "秋分の日"),
                (11, 3, "文化の日"),
                (11, 23, "勤労感謝の日"),
            ],
        ),
        (
            2021,
            &[
                (1, 1, "元日"),
                (1, 11, "成人の日"),
                (2, 11, "建国記念の日"),
                (2, 23, "天皇誕生日"),
                (3, 20, "春分の日"),
                (4, 29, "昭和の日"),
                (5, 3, "憲法記念日"),
                (5, 4, "みどりの日"),
                (5, 5, "こどもの日"),
                (7, 22, "海の日"),
                (7, 23, "スポーツの日"),
                (8, 8, "山の日"),
                (8, 9, "振替休日"),
                (9, 20, "敬老の日"),
                (9, 23, "秋分の日"),
                (11, 3, "文化の日"),
                (11, 23, "勤労感謝の日"),
            ],
        ),
        (
            2022,
            &[
                (1, 1, "元日"),
                (1, 10, "成人の日"),
                (2, 11, "建国記念の日"),
                (2, 23, "天皇誕生日"),
                (3, 21, "春分の日"),
                (4, 29, "昭和の日"),
                (5, 3, "憲法記念日"),
                (5, 4, "みどりの日"),
                (5, 5, "こどもの日"),
                (7, 18, "海の日"),
                (8, 11, "山の日"),
                (9, 19, "敬老の日"),
                (9, 23, "秋分の日"),
                (10, 10, "スポーツの日"),
                (11, 3, "文化の日"),
                (11, 23, "勤労感謝の日"),
            ],
        ),
        (
            2023,
            &[
                (1, 1, "元日"),
                (1, 2, "振替休日"),
                (1, 9, "成人の日"),
                (2, 11, "建国記念の日"),
                (2, 23, "天皇誕生日"),
                (3, 21, "春分の日"),
                (4, 29, "昭和の日"),
                (5, 3, "憲法記念日"),
                (5, 4, "みどりの日"),
                (5, 5, "こどもの日"),
                (7, 17, "海の日"),
                (8, 11, "山の日"),
                (9, 18, "敬老の日"),
                (9, 23, "秋分の日"),
                (10, 9, "スポーツの日"),
                (11, 3, "文化の日"),
                (11, 23, "勤労感謝の日"),
            ],
        ),
        (
            2024,
            &[
                (1, 1, "元日"),
                (1, 8, "成人の日"),
                (2, 11, "建国記念の日"),
                (2, 12, "振替休日"),
                (2, 23, "天皇誕生日"),
                (3, 20, "春分の日"),
                (4, 29, "昭和の日"),
                (5, 3, "憲法記念日"),
                (5, 4, "みどりの日"),
                (5, 5, "こどもの日"),
                (5, 6, "振替休日"),
                (7, 15, "海の日"),
                (8, 11, "山の日"),
                (8, 12, "振替休日"),
                (9, 16, "敬老の日"),
                (9, 22, "秋分の日"),
                (9, 23, "振替休日"),
                (10, 14, "スポーツの日"),
                (11, 3, "文化の日"),
                (11, 4, "振替休日"),
                (11, 23, "勤労感謝の日"),
            ],
        ),
        (
            2025,
            &[
                (1, 1, "元日"),
                (1, 13, "成人の日"),
                (2, 11, "建国記念の日"),
                (2, 23, "天皇誕生日"),
                (2, 24, "振替休日"),
                (3, 20, "春分の日"),
                (4, 29, "昭和の日"),
                (5, 3, "憲法記念日"),
                (5, 4, "みどりの日"),
                (5, 5, "こどもの日"),
                (5, 6, "振替休日"),
                (7, 21, "海の日"),
                (8, 11, "山の日"),
                (9, 15, "敬老の日"),
                (9, 23, "秋分の日"),
                (10, 13, "スポーツの日"),
                (11, 3, "文化の日"),
                (11, 23, "勤労感謝の日"),
                (11, 24, "振替休日"),
            ],
        ),
        (
            2026,
            &[
                (1, 1, "元日"),
                (1, 12, "成人の日"),
                (2, 11, "建国記念の日"),
                (2, 23, "天皇誕生日"),
                (3, 20, "春分の日"),
                (4, 29, "昭和の日"),
                (5, 3, "憲法記念日"),
                (5, 4, "みどりの日"),
                (5, 5, "こどもの日"),
                (5, 6, "振替休日"),
                (7, 20, "海の日"),
                (8, 11, "山の日"),
                (9, 21, "敬老の日"),
                (9, 22, "国民の休日"),
                (9, 23, "秋分の日"),
                (10, 12, "スポーツの日"),
                (11, 3, "文化の日"),
                (11, 23, "勤労感謝の日"),
            ],
        ),
        (
            2027,
            &[
                (1, 1, "元日"),
                (1, 11, "成人の日"),
                (2, 11, "建国記念の日"),
                (2, 23, "天皇誕生日"),
                (3, 21, "春分の日"),
                (3, 22, "振替休日"),
                (4, 29, "昭和の日"),
                (5, 3, "憲法記念日"),
                (5, 4, "みどりの日"),
                (5, 5, "こどもの日"),
                (7, 19, "海の日"),
                (8, 11, "山の日"),
                (9, 20, "敬老の日"),
                (9, 23, "秋分の日"),
                (10, 11, "スポーツの日"),
                (11, 3, "文化の日"),
                (11, 23, "勤労感謝の日"),
            ],
        ),
    ];

    /// Every day of `year` that the functions call a holiday, in date order.
    fn computed(year: i32) -> Vec<(u8, u8, &'static str)> {
        let mut out = Vec::new();
        let mut date = d(year, 1, 1);
        while date.year() == year {
            let name = holiday_name(date);
            assert_eq!(is_holiday(date), name.is_some(), "{date}");
            if let Some(name) = name {
                out.push((u8::from(date.month()), date.day(), name));
            }
            date = date.next_day().unwrap();
        }
        out
    }

    #[test]
    fn every_holiday_2019_to_2027_matches_the_published_lists() {
        for &(year, expected) in EXPECTED {
            assert_eq!(computed(year), expected, "holidays of {year}");
        }
    }

    #[test]
    fn equinox_days() {
        // (year, 春分 in March, 秋分 in September), worked out by hand from the formula.
        let cases = [
            (2000, 20, 23),
            (2012, 20, 22),
            (2019, 21, 23),
            (2024, 20, 22),
            (2025, 20, 23),
            (2027, 21, 23),
            (2044, 20, 22),
            (2055, 21, 23),
            (2092, 19, 22),
            (2099, 20, 23),
        ];
        for (year, spring, autumn) in cases {
            assert_eq!(vernal_equinox_day(year), spring, "春分 {year}");
            assert_eq!(autumnal_equinox_day(year), autumn, "秋分 {year}");
            let march = d(year, 3, spring);
            let september = d(year, 9, autumn);
            assert_eq!(holiday_name(march), Some("春分の日"), "{march}");
            assert_eq!(holiday_name(september), Some("秋分の日"), "{september}");
        }
    }

    #[test]
    fn range_edges() {
        assert_eq!(holiday_name(d(2000, 1, 1)), Some("元日"));
        assert_eq!(holiday_name(d(2099, 1, 1)), Some("元日"));
        assert!(!is_holiday(d(2099, 12, 31)));
        assert_eq!(holiday_name(d(2099, 12, 31)), None);
        assert!(!is_holiday(Date::MIN));
        assert!(!is_holiday(Date::MAX));
        assert_eq!(holiday_name(Date::MIN), None);
        assert_eq!(holiday_name(Date::MAX), None);
        for year in [1999, 2100] {
            let mut date = d(year, 1, 1);
            while date.year() == year {
                assert!(!is_holiday(date), "{date}");
                assert_eq!(holiday_name(date), None, "{date}");
                date = date.next_day().unwrap();
            }
        }
        assert_eq!(day_index(d(2000, 1, 1)), Some(0));
        assert_eq!(day_index(d(2099, 12, 31)), Some(DAY_COUNT - 1));
        assert_eq!(day_index(d(1999, 12, 31)), None);
        assert_eq!(day_index(d(2100, 1, 1)), None);
    }

    #[test]
    fn is_holiday_agrees_with_holiday_name_everywhere() {
        let mut date = d(2000, 1, 1);
        let mut count = 0;
        while date.year() <= 2099 {
            assert_eq!(is_holiday(date), holiday_name(date).is_some(), "{date}");
            count += usize::from(is_holiday(date));
            date = date.next_day().unwrap();
        }
        // At least the 15 statutory days a year, at most ~25.
        assert!((1500..2500).contains(&count), "{count}");
    }

    #[test]
    fn substitute_holidays_before_2007() {
        // 2001-12-23 (天皇誕生日) and 2006-01-01 (元日) were Sundays.
        assert_eq!(holiday_name(d(2001, 12, 24)), Some("振替休日"));
        assert_eq!(holiday_name(d(2006, 1, 2)), Some("振替休日"));
        // 2005-01-01 was a Saturday: no substitute.
        assert!(!is_holiday(d(2005, 1, 3)));
    }

    #[test]
    fn substitute_holidays_from_2007() {
        // 2007-04-29 (昭和の日, its first year) was a Sunday.
        assert_eq!(holiday_name(d(2007, 4, 29)), Some("昭和の日"));
        assert_eq!(holiday_name(d(2007, 4, 30)), Some("振替休日"));
        // 2008-05-04 (みどりの日) was a Sunday; 5/5 is a holiday, so 5/6.
        assert_eq!(holiday_name(d(2008, 5, 6)), Some("振替休日"));
        // 2009-05-03 (憲法記念日) was a Sunday; 5/4 and 5/5 are holidays, so 5/6.
        assert_eq!(holiday_name(d(2009, 5, 6)), Some("振替休日"));
        assert_eq!(holiday_name(d(2015, 5, 6)), Some("振替休日"));
        // 2018-12-23 (the last 12/23 天皇誕生日) was a Sunday.
        assert_eq!(holiday_name(d(2018, 12, 24)), Some("振替休日"));
    }

    #[test]
    fn citizens_holidays() {
        for year in 2000..=2006 {
            // 5/4 between 憲法記念日 and こどもの日, unless it is a Sunday (2003).
            let expected = if year == 2003 { None } else { Some("国民の休日") };
            assert_eq!(holiday_name(d(year, 5, 4)), expected, "{year}-05-04");
        }
        assert_eq!(holiday_name(d(2009, 9, 22)), Some("国民の休日"));
        assert_eq!(holiday_name(d(2015, 9, 22)), Some("国民の休日"));
        assert_eq!(holiday_name(d(2026, 9, 22)), Some("国民の休日"));
        assert_eq!(holiday_name(d(2019, 4, 30)), Some("国民の休日"));
        assert_eq!(holiday_name(d(2019, 5, 2)), Some("国民の休日"));
    }

    #[test]
    fn changes_of_the_law() {
        assert_eq!(holiday_name(d(2006, 4, 29)), Some("みどりの日"));
        assert_eq!(holiday_name(d(2008, 4, 29)), Some("昭和の日"));
        assert_eq!(holiday_name(d(2008, 5, 4)), Some("みどりの日"));
        // 海の日 and 敬老の日 on fixed dates until 2002, Mondays from 2003.
        assert_eq!(holiday_name(d(2002, 7, 20)), Some("海の日"));
        assert_eq!(holiday_name(d(2002, 9, 15)), Some("敬老の日"));
        assert_eq!(holiday_name(d(2003, 7, 21)), Some("海の日"));
        assert!(!is_holiday(d(2003, 7, 20)));
        assert_eq!(holiday_name(d(2003, 9, 15)), Some("敬老の日"));
        assert_eq!(holiday_name(d(2004, 9, 20)), Some("敬老の日"));
        assert!(!is_holiday(d(2004, 9, 15)));
        // Happy Monday 成人の日 and 体育の日 from 2000.
        assert_eq!(holiday_name(d(2000, 1, 10)), Some("成人の日"));
        assert!(!is_holiday(d(2000, 1, 15)));
        assert_eq!(holiday_name(d(2000, 10, 9)), Some("体育の日"));
        // 山の日 from 2016.
        assert!(!is_holiday(d(2015, 8, 11)));
        assert_eq!(holiday_name(d(2016, 8, 11)), Some("山の日"));
        // 天皇誕生日: 12/23 until 2018, none in 2019, 2/23 from 2020.
        assert_eq!(holiday_name(d(2018, 12, 23)), Some("天皇誕生日"));
        assert!(!is_holiday(d(2019, 12, 23)));
        assert!(!is_holiday(d(2019, 2, 23)));
        assert!(!is_holiday(d(2020, 12, 23)));
        // Olympic years: nothing on the usual dates.
        assert!(!is_holiday(d(2020, 7, 20)));
        assert!(!is_holiday(d(2020, 8, 11)));
        assert!(!is_holiday(d(2020, 10, 12)));
        assert!(!is_holiday(d(2021, 7, 19)));
        assert!(!is_holiday(d(2021, 8, 11)));
        assert!(!is_holiday(d(2021, 10, 11)));
        assert_eq!(holiday_name(d(2021, 8, 9)), Some("振替休日"));
    }
}
