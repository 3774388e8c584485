//! The server's clock: the system clock in Japan by default; fixed by `--now` (or moved by the
//! test-only endpoint) for tests and demos.

use std::sync::Mutex;

use time::{OffsetDateTime, UtcOffset};

/// Japan Standard Time (no daylight saving).
pub(crate) const JST: UtcOffset = match UtcOffset::from_hms(9, 0, 0) {
    Ok(o) => o,
    Err(_) => panic!("JST"),
};

pub(crate) enum ServerClock {
    System,
    Fixed(Mutex<OffsetDateTime>),
}

impl ServerClock {
    pub(crate) fn fixed(now: tsuen::Now) -> ServerClock {
        ServerClock::Fixed(Mutex::new(to_offset(now)))
    }

    /// Now, in Japan.
    pub(crate) fn now(&self) -> OffsetDateTime {
        match self {
            ServerClock::System => OffsetDateTime::now_utc().to_offset(JST),
            ServerClock::Fixed(t) => *t.lock().expect("clock"),
        }
    }

    /// Now as the engine takes it (to the minute).
    pub(crate) fn engine_now(&self) -> tsuen::Now {
        let t = self.now();
        let minutes = u16::from(t.hour()) * 60 + u16::from(t.minute());
        tsuen::Now::new(t.date(), tsuen::Clock::from_minutes(minutes).expect("minute of day")).expect("before 24:00")
    }

    /// Sets a fixed clock (test-only endpoint). Refused on the system clock.
    pub(crate) fn set(&self, now: tsuen::Now) -> bool {
        match self {
            ServerClock::System => false,
            ServerClock::Fixed(t) => {
                *t.lock().expect("clock") = to_offset(now);
                true
            }
        }
    }
}

fn to_offset(now: tsuen::Now) -> OffsetDateTime {
    let m = now.time().minutes();
    let time = time::Time::from_hms((m / 60) as u8, (m % 60) as u8, 0).expect("time of day");
    now.date().with_time(time).assume_offset(JST)
}

/// A timestamp for the database (RFC 3339, in Japan).
pub(crate) fn stamp(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339).expect("formattable")
}

/// Parses a database timestamp.
pub(crate) fn parse_stamp(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok()
}
