//! Many booking requests at once (an import, a migration): the same rules and the same answers as
//! calling `book` for each in turn, faster on a big world.
//!
//! Booking one request in a big world is mostly waiting for memory: its child's record, the child's
//! month, the facility's day, the id table, each a cache miss, one after another. Here a window of
//! requests is first looked at without changing anything (the indexes, then the records they lead
//! to), so that the misses of the window's requests overlap; then the requests are booked one by
//! one, in order, by `book` itself, finding what they need in the cache.

use std::borrow::Borrow;

use crate::clock::{Date, Month, SLOTS, jd};
use crate::error::Error;
use crate::model::{BookRequest, Status};
use crate::world::{Child, DayLoad, World};

/// Requests looked at together before they are booked.
const WINDOW: usize = 16;

/// Weeks of a series looked at ahead (a series is usually 13 weeks at most).
const MAX_LOOK_WEEKS: u32 = 16;

impl World {
    /// Books each request (a `BookRequest`, or anything that lends one) in turn, exactly as [`World::book`] would (a later request sees the
    /// bookings of the earlier ones); one result per request, in order.
    ///
    /// # Example
    /// ```
    /// # let mut world = tsuen::World::new(tsuen::Now::parse("2026-01-13").unwrap());
    /// let reqs: Vec<tsuen::BookRequest> = serde_json::from_str(r#"[
    ///     {"id": "b1", "child": "jiro", "facility": "daredemo", "kind": "flexible",
    ///      "date": "2026-01-20", "from": "10:00", "to": "12:00"},
    ///     {"id": "", "child": "jiro", "facility": "daredemo", "kind": "flexible",
    ///      "date": "2026-01-21", "from": "10:00", "to": "12:00"}]"#).unwrap();
    /// let results = world.book_many(&reqs);
    /// assert_eq!(results[0].as_ref().unwrap_err().codes(), vec![tsuen::Code::UnknownChild]);
    /// assert_eq!(results[1].as_ref().unwrap_err().codes(), vec![tsuen::Code::InvalidRequest]);
    /// ```
    pub fn book_many<R: Borrow<BookRequest>>(&mut self, requests: &[R]) -> Vec<Result<Status, Error>> {
        self.ids.reserve(requests.len());
        self.bookings.reserve(requests.len());
        let mut out = Vec::with_capacity(requests.len());
        for window in requests.chunks(WINDOW) {
            self.look_ahead(window);
            out.extend(window.iter().map(|r| self.book(r.borrow())));
        }
        out
    }

    /// Reads what booking the window will read, changing nothing, in passes over the whole window:
    /// the indexes (a likely child, the facility, the id table), then the records they lead to (the
    /// child, the day), then the lists and counts in those. Within a pass the cache misses of
    /// different requests do not depend on each other, so the processor overlaps them.
    fn look_ahead<R: Borrow<BookRequest>>(&self, window: &[R]) {
        let mut found: [Option<(&Child, Option<&DayLoad>)>; WINDOW] = [None; WINDOW];
        let mut seen = 0usize;
        let mut found_ix = [(u32::MAX, u32::MAX); WINDOW];
        let last = jd(Date::MAX);
        for (i, r) in window.iter().map(Borrow::borrow).enumerate() {
            let child = self.child_index.candidate(&r.child).unwrap_or(u32::MAX);
            let facility = self.facility_index.get(&r.facility).unwrap_or(u32::MAX);
            seen += usize::from(self.ids.probe(&r.id));
            found_ix[i] = (child, facility);
        }
        for (i, r) in window.iter().map(Borrow::borrow).enumerate() {
            let (ci, fi) = found_ix[i];
            let Some(c) = self.children.get(ci as usize) else { continue };
            let load = self.facilities.get(fi as usize).and_then(|f| f.loads.get(jd(r.date)));
            seen += c.approvals.len() + c.bookings.len() + c.live.len();
            seen += load.map_or(0, |l| l.bookings.len());
            found[i] = Some((c, load));
        }
        for (i, r) in window.iter().map(Borrow::borrow).enumerate() {
            let Some((c, load)) = found[i] else { continue };
            let day = jd(r.date);
            seen += usize::from(self.child_index.confirms(found_ix[i].0, &r.child));
            seen += c.approvals.first().map_or(0, |a| a.facility as usize);
            seen += c.bookings.last().map_or(0, |b| *b as usize);
            seen += c.live_in(Month::key_of_jd(day)).last().map_or(0, |x| x.1 as usize);
            // A series' later weeks: their days and months (not past the last date there is: `book`
            // refuses such a request before looking at anything).
            let f = self.facilities.get(found_ix[i].1 as usize);
            for k in 1..r.weeks.unwrap_or(1).min(MAX_LOOK_WEEKS) {
                let day = day + 7 * k as i32;
                if day > last {
                    break;
                }
                seen += c.live_in(Month::key_of_jd(day)).len();
                if let Some(load) = f.and_then(|f| f.loads.get(day)) {
                    let slot = usize::from(r.from.slot()).min(SLOTS - 1);
                    seen += usize::from(load.held[0][slot]) + load.bookings.len();
                }
            }
            if let Some(load) = load {
                let slot = usize::from(r.from.slot()).min(SLOTS - 1);
                let quota = r.kind.usage().map_or(0, |u| u.quota());
                let class = usize::from(c.class_on(day).unwrap_or(0));
                seen += usize::from(load.held[quota][slot]) + usize::from(load.by_class[quota][class][slot]);
                seen += load.bookings.last().map_or(0, |b| *b as usize);
            }
        }
        std::hint::black_box(seen);
    }
}

#[cfg(test)]
mod tests {
    use crate::{BookRequest, World};

    fn world() -> World {
        World::from_setup_json(
            r#"{"today": "2026-01-13T09:00",
            "municipalities": [{"code": "131016", "name": "千代田区", "prefecture": "東京都", "online": true}],
            "facilities": [{"id": "f", "name": "園", "municipality": "131016", "kinds": ["regular", "flexible"],
              "hours": {"tue": ["07:00", "19:00"]},
              "capacity": [{"days": ["tue"], "from": "07:00", "to": "19:00", "regular": 2, "flexible": 3}]}],
            "children": [{"id": "c", "name": "子", "birth_date": "2024-05-01", "municipality": "131016",
              "certified": ["2025-04-01", "2026-03-31"],
              "approvals": [{"facility": "f", "interview_date": "2025-12-01"}]}]}"#,
        )
        .unwrap()
    }

    fn req(id: &str, child: &str, facility: &str, kind: &str, date: &str, weeks: Option<u32>) -> BookRequest {
        serde_json::from_value(serde_json::json!({"id": id, "child": child, "facility": facility, "kind": kind,
            "date": date, "from": "10:00", "to": "12:00", "weeks": weeks}))
        .unwrap()
    }

    /// Requests `book` refuses before judging (dates at the end of the calendar, unknown ids, a flexible
    /// request with weeks) get the same answers in a batch, and looking ahead at them does not panic.
    #[test]
    fn odd_requests_answer_as_one_by_one() {
        let reqs = vec![
            req("a", "c", "f", "regular", "9999-12-28", Some(13)),
            req("b", "c", "f", "flexible", "9999-12-30", Some(2)),
            req("c", "nobody", "f", "regular", "2026-01-27", Some(2)),
            req("d", "c", "nowhere", "flexible", "2026-01-27", None),
            req("e", "c", "f", "regular", "2026-01-27", Some(4)),
            req("e", "c", "f", "flexible", "2026-02-03", None),
            req("", "c", "f", "flexible", "2026-02-03", None),
        ];
        let (mut many, mut one) = (world(), world());
        let got = many.book_many(&reqs);
        let want: Vec<_> = reqs.iter().map(|r| one.book(r)).collect();
        assert_eq!(format!("{got:?}"), format!("{want:?}"));
        assert!(got[4].is_ok(), "{:?}", got[4]);
        assert!(got.iter().filter(|r| r.is_err()).count() == 6);
        assert!(many == one);
    }
}
