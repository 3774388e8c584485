//! Queries: the flexible calendar (friendly and compact), regular availability, usage, fees and
//! claims.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::clock::{Clock, Date, Jd, Month, SLOTS, date_of, format_date, jd};
use crate::error::Error;
use crate::model::{CalendarQuery, Kind, RegularQuery, Status, UsageKind};
use crate::plan::Band;
use crate::world::{Booking, ClassBounds, World};

/// The marker for "no cell" (closed, or outside the hours) in a compact calendar.
pub const NO_CELL: i16 = -1;

/// The longest calendar (in days) or availability (in weeks) a query may ask for.
pub const MAX_QUERY_DAYS: u32 = 3_660;

/// A flexible calendar in its compact form: `days × 48` cells, day-major, each the places left in
/// the flexible quota or [`NO_CELL`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Calendar {
    /// The first day.
    pub from: Date,
    /// The cells, 48 per day.
    pub cells: Vec<i16>,
}

impl Calendar {
    /// Number of days.
    pub fn days(&self) -> usize {
        self.cells.len() / SLOTS
    }

    /// Places left on day `day` (0-based) at `slot`, or `None` where there is no cell.
    pub fn places(&self, day: usize, slot: usize) -> Option<u16> {
        let v = self.cells[day * SLOTS + slot];
        (v != NO_CELL).then_some(v as u16)
    }

    /// The friendly form: per date, per open cell (`"HH:MM"`), the places left. Cells without a
    /// place to show (closed days, outside the hours) are left out.
    pub fn to_map(&self) -> BTreeMap<String, BTreeMap<String, u16>> {
        let mut out = BTreeMap::new();
        for d in 0..self.days() {
            let date = date_of(jd(self.from) + d as i32);
            let day: BTreeMap<String, u16> = (0..SLOTS)
                .filter_map(|s| self.places(d, s).map(|p| (Clock::from_slot(s as u8).to_string(), p)))
                .collect();
            out.insert(format_date(date), day);
        }
        out
    }
}

/// A child's usage in a month.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Usage {
    /// Minutes counted against the cap.
    pub minutes: u32,
    /// The cap.
    pub cap_minutes: u32,
    /// What is left of the cap.
    pub left_minutes: u32,
}

/// A facility's claim for a month.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Claim {
    /// Total yen.
    pub total_yen: u64,
    /// Yen per paying municipality (the children's municipalities), by code.
    pub by_municipality: BTreeMap<String, u64>,
    /// Bookings billed.
    pub bookings: u32,
}

/// One billed booking of a facility's claim: what [`World::claim`] sums.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClaimLine {
    /// The booking.
    pub booking: String,
    /// The child.
    pub child: String,
    /// The paying municipality (the child's), by code.
    pub payer: String,
    /// The day of use.
    #[serde(with = "crate::clock::serde_date")]
    pub date: Date,
    /// The booking's status (`completed`, `no_show` or `cancelled_late`).
    pub status: Status,
    /// The child's age class on the day (none from age 3).
    pub age_class: Option<u8>,
    /// Billed minutes.
    pub minutes: u32,
    /// floor(minutes × the payer's rate for the age class / 60).
    pub yen: u64,
}

fn check_days(n: u32, field: &str) -> Result<(), Error> {
    if n == 0 || n > MAX_QUERY_DAYS {
        return Err(Error::invalid(format!("{field}: must be 1 to {MAX_QUERY_DAYS}")));
    }
    Ok(())
}

impl World {
    /// The flexible calendar (compact form) of a facility for `days` days from `from`, optionally
    /// within a child's age-class limit.
    ///
    /// # Errors
    /// `invalid_request` (days out of range), `unknown_facility`, `unknown_child`.
    pub fn calendar(&self, q: &CalendarQuery) -> Result<Calendar, Error> {
        let mut cells = Vec::new();
        self.calendar_into(&q.facility, q.from, q.days, q.child.as_deref(), &mut cells)?;
        Ok(Calendar { from: q.from, cells })
    }

    /// The compact calendar written into a caller's buffer (cleared first): the fast path of the
    /// bindings.
    ///
    /// # Errors
    /// As [`World::calendar`].
    pub fn calendar_into(
        &self,
        facility: &str,
        from: Date,
        days: u32,
        child: Option<&str>,
        out: &mut Vec<i16>,
    ) -> Result<(), Error> {
        check_days(days, "days")?;
        let ci = child.map(|c| self.child_ix(c)).transpose()?;
        let fi = self.facility_ix(facility)?;
        let bounds = ci.map(|c| self.children[c as usize].class_bounds());
        out.clear();
        out.reserve(days as usize * SLOTS);
        let start = jd(from);
        for d in 0..days as i32 {
            let day = start + d;
            let mut row = [NO_CELL; SLOTS];
            self.day_cells(fi, day, UsageKind::Flexible, bounds, &mut row);
            out.extend_from_slice(&row);
        }
        Ok(())
    }

    /// Places left per slot of one day in one quota (or [`NO_CELL`]).
    pub(crate) fn day_cells(
        &self,
        fi: u32,
        day: Jd,
        kind: UsageKind,
        child: Option<ClassBounds>,
        row: &mut [i16; SLOTS],
    ) {
        let f = &self.facilities[fi as usize];
        let Some(h) = f.plan.open_hours(day) else {
            return;
        };
        let open = usize::from(h.from)..usize::from(h.to);
        if !f.plan.offers(kind) {
            row[open].fill(0);
            return;
        }
        let quota = kind.quota();
        let q = &f.plan.quotas(day)[quota];
        let load = f.loads.get(day);
        let class = child.and_then(|b| b.class_on(day));
        let limit = class.and_then(|c| f.plan.age_limits[quota][c as usize].map(|l| (c, l)));
        match load {
            None => {
                for s in open {
                    let mut p = q[s];
                    if let Some((_, l)) = limit {
                        p = p.min(l);
                    }
                    row[s] = p as i16;
                }
            }
            Some(load) => {
                let held = &load.held[quota];
                for s in open {
                    let mut p = q[s].saturating_sub(held[s]);
                    if let Some((c, l)) = limit {
                        p = p.min(l.saturating_sub(load.by_class[quota][c as usize][s]));
                    }
                    row[s] = p as i16;
                }
            }
        }
    }

    /// Regular availability: per week from `date`, the least places left in the regular quota over
    /// the band, or `None` where the band is closed or outside the hours.
    ///
    /// # Errors
    /// `invalid_request`, `unknown_facility`, `unknown_child`.
    pub fn regular_availability(&self, q: &RegularQuery) -> Result<Vec<Option<u16>>, Error> {
        check_days(q.weeks, "weeks")?;
        let band = Band::new(q.from, q.to).map_err(|e| Error::invalid(format!("from/to: {e}")))?;
        let ci = q.child.as_deref().map(|c| self.child_ix(c)).transpose()?;
        let fi = self.facility_ix(&q.facility)?;
        let bounds = ci.map(|c| self.children[c as usize].class_bounds());
        let start = jd(q.date);
        Ok((0..q.weeks as i32)
            .map(|k| {
                let day = start + 7 * k;
                let h = self.facilities[fi as usize].plan.open_hours(day)?;
                if band.from < h.from || band.to > h.to {
                    return None;
                }
                let mut row = [NO_CELL; SLOTS];
                self.day_cells(fi, day, UsageKind::Regular, bounds, &mut row);
                band.slots().map(|s| row[s] as u16).min()
            })
            .collect())
    }

    /// A child's minutes counted against the monthly cap in `month`, and what is left.
    ///
    /// # Errors
    /// `unknown_child`.
    pub fn usage(&self, child: &str, month: Month) -> Result<Usage, Error> {
        let ci = self.child_ix(child)?;
        let minutes = self.counted_minutes(ci, month.key());
        let cap = self.child_rules(ci).monthly_cap_minutes;
        Ok(Usage { minutes, cap_minutes: cap, left_minutes: cap.saturating_sub(minutes) })
    }

    /// Billed minutes of a booking: booked minutes; once checked out, from the booked start to the
    /// later of the booked end and the check-out rounded up to the grid; 0 when cancelled (free) and
    /// for interviews.
    pub(crate) fn billed_minutes(bk: &Booking) -> u32 {
        if bk.kind == Kind::Interview || bk.status == Status::Cancelled {
            return 0;
        }
        match (bk.status, bk.check_out) {
            (Status::Completed, Some(out)) => {
                let end = u32::from(bk.band.to).max(u32::from(out.ceil_to_grid().slot()));
                (end - u32::from(bk.band.from)) * 30
            }
            _ => bk.band.minutes(),
        }
    }

    /// The fee of a booking in yen: the estimate (目安), or the final fee once checked out.
    ///
    /// # Errors
    /// `unknown_booking` (a series id included).
    pub fn fee(&self, id: &str) -> Result<u32, Error> {
        let bk = &self.bookings[self.booking_ix(id)? as usize];
        let f = &self.facilities[bk.facility as usize];
        let per_hour = f.plan.fee_per_hour_yen.unwrap_or(self.facility_rules(bk.facility).fee_per_hour_yen);
        let child = &self.children[bk.child as usize];
        let reduction = self.child_rules(bk.child).fee_reductions_yen[child.fee_class().index()];
        let net = u64::from(per_hour.saturating_sub(reduction));
        Ok((u64::from(Self::billed_minutes(bk)) * net / 60) as u32)
    }

    /// A facility's claim for a month: completed, no-show and late-cancelled bookings, billed
    /// minutes × the payment rate of the child's age class on the day (the child's municipality's).
    ///
    /// # Errors
    /// `unknown_facility`.
    pub fn claim(&self, facility: &str, month: Month) -> Result<Claim, Error> {
        let mut claim = Claim { total_yen: 0, by_municipality: BTreeMap::new(), bookings: 0 };
        for line in self.claim_lines(facility, month)? {
            claim.total_yen += line.yen;
            claim.bookings += 1;
            *claim.by_municipality.entry(line.payer).or_default() += line.yen;
        }
        Ok(claim)
    }

    /// The bookings a facility's claim for a month is made of, by day: [`World::claim`] is their sum.
    ///
    /// # Errors
    /// `unknown_facility`.
    pub fn claim_lines(&self, facility: &str, month: Month) -> Result<Vec<ClaimLine>, Error> {
        let fi = self.facility_ix(facility)?;
        let f = &self.facilities[fi as usize];
        let first = jd(month.first_day());
        let mut out = Vec::new();
        for day in first..first + 31 {
            if Month::key_of_jd(day) != month.key() {
                break;
            }
            let Some(load) = f.loads.get(day) else {
                continue;
            };
            for &b in &load.bookings {
                let bk = &self.bookings[b as usize];
                if bk.kind == Kind::Interview || !bk.status.claimed() {
                    continue;
                }
                let child = &self.children[bk.child as usize];
                let rates = &self.municipalities[child.muni as usize];
                let class = child.class_on(day);
                let rate = class.map_or(0, |c| rates.rules.payment_per_hour_yen[c as usize]);
                let minutes = Self::billed_minutes(bk);
                out.push(ClaimLine {
                    booking: self.booking_id(b),
                    child: child.spec.id.clone(),
                    payer: rates.spec.code.clone(),
                    date: date_of(day),
                    status: bk.status,
                    age_class: class,
                    minutes,
                    yen: u64::from(minutes) * u64::from(rate) / 60,
                });
            }
        }
        Ok(out)
    }
}
