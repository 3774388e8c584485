//! Booking requests: every rule of SPEC.md, judged together; a refusal carries all the codes that
//! apply. A dry run (`check`) judges exactly as `book` does and changes nothing.

use crate::clock::{Jd, Month, Now, deadline, jd};
use crate::error::{Code, Codes, Error};
use crate::model::{BookRequest, Kind, Status};
use crate::plan::Band;
use crate::world::{Booking, Child, IdRef, Series, World};

/// The longest series accepted as a request at all (longer is `invalid_request`).
pub const MAX_SERIES_WEEKS: u32 = 520;

/// A request whose ids and values are known to be well formed.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Resolved {
    pub child: u32,
    pub facility: u32,
    pub kind: Kind,
    pub day: Jd,
    pub band: Band,
    pub weeks: u32,
}

/// Checks a booking id: not empty, no `#`.
pub(crate) fn valid_id(id: &str) -> Result<(), Error> {
    if id.is_empty() {
        return Err(Error::invalid("id: must not be empty"));
    }
    if id.contains('#') {
        return Err(Error::invalid(format!("id: {id:?} must not contain '#'")));
    }
    Ok(())
}

impl World {
    /// The first of `invalid_request`, `unknown_child`, `unknown_facility`, `duplicate_id` that
    /// applies, alone; else the resolved request.
    pub(crate) fn resolve(&self, req: &BookRequest) -> Result<Resolved, Error> {
        valid_id(&req.id)?;
        let band = Band::new(req.from, req.to).map_err(|e| Error::invalid(format!("from/to: {e}")))?;
        let weeks = match (req.kind, req.weeks) {
            (Kind::Regular, None) => {
                return Err(Error::invalid("weeks: required for a regular booking"));
            }
            (Kind::Regular, Some(w)) if w == 0 || w > MAX_SERIES_WEEKS => {
                return Err(Error::invalid(format!("weeks: must be 1 to {MAX_SERIES_WEEKS}")));
            }
            (Kind::Regular, Some(w)) => w,
            (_, Some(_)) => return Err(Error::invalid("weeks: only a regular booking has weeks")),
            (_, None) => 1,
        };
        let day = jd(req.date);
        if time::Date::from_julian_day(day + 7 * (weeks as i32 - 1) + 366).is_err() {
            return Err(Error::invalid("date: too far in the future"));
        }
        let child = self.child_ix(&req.child)?;
        let facility = self.facility_ix(&req.facility)?;
        if self.lookup(&req.id).is_some() {
            return Err(Error::with_detail(Code::DuplicateId, format!("id {:?} is taken", req.id)));
        }
        Ok(Resolved { child, facility, kind: req.kind, day, band, weeks })
    }

    /// A dry run: the codes `book` would give, and no change.
    ///
    /// # Errors
    /// The refusal `book` would give.
    ///
    /// # Example
    /// ```
    /// # let world = tsuen::World::new(tsuen::Now::parse("2026-01-13").unwrap());
    /// let req: tsuen::BookRequest = serde_json::from_str(r#"{"id": "b1", "child": "jiro",
    ///     "facility": "daredemo", "kind": "flexible", "date": "2026-01-20", "from": "11:30", "to": "13:30"}"#).unwrap();
    /// let err = world.check(&req).unwrap_err();
    /// assert_eq!(err.codes(), vec![tsuen::Code::UnknownChild]);
    /// ```
    pub fn check(&self, req: &BookRequest) -> Result<(), Error> {
        self.check_at(req, self.now)
    }

    /// A dry run at another "now" than the world's (a server's clock moves between writes).
    ///
    /// # Errors
    /// The refusal `book` would give at that time.
    pub fn check_at(&self, req: &BookRequest, now: Now) -> Result<(), Error> {
        let r = self.resolve(req)?;
        let codes = self.judge(&r, now);
        if codes.is_empty() { Ok(()) } else { Err(Error::refused(codes)) }
    }

    /// Makes a booking (a regular series: all its occurrences, or none). Returns its status
    /// (`provisional`, or `confirmed` where the facility confirms automatically).
    ///
    /// # Errors
    /// A refusal with every code that applies; nothing changes.
    pub fn book(&mut self, req: &BookRequest) -> Result<Status, Error> {
        let r = self.resolve(req)?;
        let codes = self.judge(&r, self.now);
        if !codes.is_empty() {
            return Err(Error::refused(codes));
        }
        let status = if self.facilities[r.facility as usize].plan.auto_confirm {
            Status::Confirmed
        } else {
            Status::Provisional
        };
        let make = |id: Box<str>, occurrence: Option<(u32, u32)>, day: Jd| Booking {
            id,
            occurrence,
            child: r.child,
            facility: r.facility,
            kind: r.kind,
            day,
            band: r.band,
            status,
            check_in: None,
            check_out: None,
        };
        if r.kind == Kind::Regular {
            let s = self.series.len() as u32;
            self.series.push(Series { id: req.id.as_str().into(), occurrences: Vec::with_capacity(r.weeks as usize) });
            for k in 0..r.weeks {
                let b = self.insert_booking(make(Box::default(), Some((s, k + 1)), r.day + 7 * k as i32));
                self.series[s as usize].occurrences.push(b);
            }
            self.ids.insert(&req.id, IdRef::Series(s));
        } else {
            self.insert_booking(make(req.id.as_str().into(), None, r.day));
        }
        Ok(status)
    }

    /// Every rule that the resolved request breaks.
    pub(crate) fn judge(&self, r: &Resolved, now: Now) -> Codes {
        match r.kind {
            Kind::Interview => self.judge_interview(r, now),
            _ => self.judge_usage(r, now),
        }
    }

    fn judge_interview(&self, r: &Resolved, now: Now) -> Codes {
        let mut codes = Codes::EMPTY;
        let child = &self.children[r.child as usize];
        let rules = self.facility_rules(r.facility);
        if !certified(child, r.day) {
            codes.insert(Code::NotCertified);
        }
        self.judge_timing(now, r.day, rules.interview_lead_days, rules, &mut codes);
        let f = &self.facilities[r.facility as usize];
        match f.plan.interviews.get(&r.day).and_then(|l| l.iter().find(|p| p.band == r.band)) {
            None => codes.insert(Code::OutsideHours),
            Some(p) => {
                if self.interview_held(r.facility, r.day, r.band) >= p.places {
                    codes.insert(Code::NoCapacity);
                }
            }
        }
        if self.overlaps(child, r.day, r.band) {
            codes.insert(Code::Overlap);
        }
        codes
    }

    /// Interview places held on a day in a band: every interview booking there not cancelled.
    pub(crate) fn interview_held(&self, fi: u32, day: Jd, band: Band) -> u32 {
        let Some(load) = self.facilities[fi as usize].loads.get(day) else {
            return 0;
        };
        let external: u32 = load.ext_interviews.iter().filter(|(b, _)| *b == band).map(|(_, n)| n).sum();
        external
            + load
                .bookings
                .iter()
                .map(|b| &self.bookings[*b as usize])
                .filter(|b| b.kind == Kind::Interview && b.band == band && b.status != Status::Cancelled)
                .count() as u32
    }

    fn judge_timing(&self, now: Now, day: Jd, lead_days: u32, rules: &crate::rules::Rules, codes: &mut Codes) {
        let today = jd(now.date());
        if day < today || now.stamp() >= deadline(day, lead_days, rules.cutoff_time) {
            codes.insert(Code::LeadTime);
        }
        if i64::from(day) > i64::from(today) + i64::from(rules.horizon_days) {
            codes.insert(Code::BeyondHorizon);
        }
    }

    fn judge_usage(&self, r: &Resolved, now: Now) -> Codes {
        let mut codes = Codes::EMPTY;
        let child = &self.children[r.child as usize];
        let f = &self.facilities[r.facility as usize];
        let rules = self.facility_rules(r.facility);
        let child_rules = self.child_rules(r.child);
        let usage = r.kind.usage().expect("usage kind");
        let quota = usage.quota();
        let minutes = r.band.minutes();
        let max = match (rules.max_booking_minutes, f.plan.max_booking_minutes) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        if minutes < rules.min_booking_minutes || max.is_some_and(|m| minutes > m) {
            codes.insert(Code::Duration);
        }
        if r.kind == Kind::Regular && r.weeks > rules.max_regular_weeks {
            codes.insert(Code::Duration);
        }
        self.judge_timing(now, r.day, rules.lead_days, rules, &mut codes);
        let offered = f.plan.offers(usage);
        if !offered {
            codes.insert(Code::KindNotOffered);
        }
        let approval = child.approval(r.facility);
        let mut month_minutes: Option<(i32, u32)> = None;
        for k in 0..r.weeks {
            let day = r.day + 7 * k as i32;
            if !certified(child, day) {
                codes.insert(Code::NotCertified);
            }
            if !child.age_eligible(day) {
                codes.insert(Code::AgeIneligible);
            }
            let approved = approval.is_some_and(|a| a.valid_on(day, rules.interview_valid_months));
            if !approved {
                codes.insert(Code::InterviewRequired);
            }
            match f.plan.open_hours(day) {
                None => codes.insert(Code::FacilityClosed),
                Some(h) if r.band.from < h.from || r.band.to > h.to => codes.insert(Code::OutsideHours),
                Some(_) if offered => {
                    if !self.has_places(r.facility, day, quota, r.band, child.class_on(day)) {
                        codes.insert(Code::NoCapacity);
                    }
                }
                Some(_) => {}
            }
            let mut same_day_minutes = minutes;
            let month = Month::key_of_jd(day);
            for &(d, b) in child.live_in(month) {
                if d != day {
                    continue;
                }
                let bk = &self.bookings[b as usize];
                if !bk.is_active() {
                    continue;
                }
                if bk.band.overlaps(r.band) {
                    codes.insert(Code::Overlap);
                }
                if bk.facility == r.facility && bk.kind != Kind::Interview {
                    same_day_minutes += bk.band.minutes();
                }
            }
            if max.is_some_and(|m| same_day_minutes > m) {
                codes.insert(Code::Duration);
            }
            // Monthly cap: per month touched, the child's counted minutes plus this request's
            // occurrences in that month.
            match &mut month_minutes {
                Some((m, total)) if *m == month => *total += minutes,
                _ => {
                    if let Some((m, total)) = month_minutes {
                        self.judge_cap(r.child, m, total, child_rules.monthly_cap_minutes, &mut codes);
                    }
                    month_minutes = Some((month, minutes));
                }
            }
        }
        if let Some((m, total)) = month_minutes {
            self.judge_cap(r.child, m, total, child_rules.monthly_cap_minutes, &mut codes);
        }
        codes
    }

    fn judge_cap(&self, ci: u32, month: i32, adding: u32, cap: u32, codes: &mut Codes) {
        if self.counted_minutes(ci, month) + adding > cap {
            codes.insert(Code::MonthlyCap);
        }
    }

    /// Minutes counted against the monthly cap for a child in a month (by month key).
    pub(crate) fn counted_minutes(&self, ci: u32, month: i32) -> u32 {
        self.children[ci as usize].counted_in(month)
    }

    /// True when the child has an active booking on the day overlapping the band.
    fn overlaps(&self, child: &Child, day: Jd, band: Band) -> bool {
        child
            .live_in(Month::key_of_jd(day))
            .iter()
            .filter(|(d, _)| *d == day)
            .map(|(_, b)| &self.bookings[*b as usize])
            .any(|b| b.is_active() && b.band.overlaps(band))
    }

    /// True when every slot of the band has a place left in the quota (and in the age class's limit).
    /// The caller has checked that the day is open and the band inside the hours.
    pub(crate) fn has_places(&self, fi: u32, day: Jd, quota: usize, band: Band, class: Option<u8>) -> bool {
        let f = &self.facilities[fi as usize];
        let q = &f.plan.quotas(day)[quota];
        let load = f.loads.get(day);
        let limit = class.and_then(|c| f.plan.age_limits[quota][c as usize]);
        band.slots().all(|s| {
            let held = load.map_or(0, |l| l.held[quota][s]);
            if held >= q[s] {
                return false;
            }
            match (limit, class) {
                (Some(lim), Some(c)) => load.map_or(0, |l| l.by_class[quota][c as usize][s]) < lim,
                _ => true,
            }
        })
    }
}

/// True when the child's certification covers the day.
pub(crate) fn certified(child: &Child, day: Jd) -> bool {
    child.cert.is_some_and(|(a, b)| a <= day && day <= b)
}
