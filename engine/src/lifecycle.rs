//! The booking lifecycle: confirm, cancel (parent: free or late; facility), interview result,
//! check-in, check-out, no-show, and a day closed at short notice.

use crate::clock::{Clock, Date, Now, deadline, jd};
use crate::error::{Code, Error};
use crate::model::{CancelBy, Kind, Status};
use crate::world::{Approval, IdRef, World};

fn invalid_state(detail: impl Into<String>) -> Error {
    Error::with_detail(Code::InvalidState, detail)
}

impl World {
    fn targets(&self, id: &str) -> Result<(Vec<u32>, bool), Error> {
        Ok(match self.id_ref(id)? {
            IdRef::Booking(b) => (vec![b], false),
            IdRef::Series(s) => (self.series[s as usize].occurrences.clone(), true),
        })
    }

    /// The facility confirms a provisional booking (a series: every provisional occurrence).
    ///
    /// # Errors
    /// `unknown_booking`; `invalid_state` when nothing is provisional.
    pub fn confirm(&mut self, id: &str) -> Result<(), Error> {
        let (targets, _) = self.targets(id)?;
        let todo: Vec<u32> =
            targets.into_iter().filter(|b| self.bookings[*b as usize].status == Status::Provisional).collect();
        if todo.is_empty() {
            return Err(invalid_state(format!("{id:?} has nothing provisional to confirm")));
        }
        for b in todo {
            self.set_status(b, Status::Confirmed);
        }
        Ok(())
    }

    /// Cancels a booking (a series: every occurrence that can be), by the parent or the facility.
    /// Returns the status each cancelled booking ended in (`cancelled` or `cancelled_late`), by id.
    ///
    /// # Errors
    /// `unknown_booking`; `invalid_state` when nothing can be cancelled.
    pub fn cancel(&mut self, id: &str, by: CancelBy) -> Result<Vec<(String, Status)>, Error> {
        let plan = self.cancel_plan(id, by, self.now)?;
        Ok(plan
            .into_iter()
            .map(|(b, s)| {
                self.set_status(b, s);
                (self.booking_id(b), s)
            })
            .collect())
    }

    /// What a cancellation at `now` would do, without doing it: each booking it would cancel and
    /// the status it would end in (the portal says first whether a cancellation would be late).
    ///
    /// # Errors
    /// As [`World::cancel`].
    pub fn cancel_outcome(&self, id: &str, by: CancelBy, now: Now) -> Result<Vec<(String, Status)>, Error> {
        let plan = self.cancel_plan(id, by, now)?;
        Ok(plan.into_iter().map(|(b, s)| (self.booking_id(b), s)).collect())
    }

    fn cancel_plan(&self, id: &str, by: CancelBy, now: Now) -> Result<Vec<(u32, Status)>, Error> {
        let (targets, _) = self.targets(id)?;
        let today = jd(now.date());
        let stamp = now.stamp();
        let mut plan = Vec::new();
        for b in targets {
            let bk = &self.bookings[b as usize];
            if !matches!(bk.status, Status::Provisional | Status::Confirmed) {
                continue;
            }
            let status = match by {
                CancelBy::Facility => Status::Cancelled,
                CancelBy::Parent => {
                    if bk.day < today {
                        continue;
                    }
                    let rules = self.facility_rules(bk.facility);
                    if bk.kind == Kind::Interview || stamp < deadline(bk.day, rules.free_cancel_days, rules.cutoff_time)
                    {
                        Status::Cancelled
                    } else {
                        Status::CancelledLate
                    }
                }
            };
            plan.push((b, status));
        }
        if plan.is_empty() {
            return Err(invalid_state(format!("{id:?} has nothing that can be cancelled now")));
        }
        Ok(plan)
    }

    /// The facility records an interview's result, from the interview's day on. `approved` sets the
    /// child's approval there (interview date = the interview's day); `declined` leaves an existing
    /// approval alone.
    ///
    /// # Errors
    /// `unknown_booking`; `invalid_state` (not an interview, not provisional or confirmed, before its day).
    pub fn interview_result(&mut self, id: &str, approved: bool) -> Result<(), Error> {
        let b = self.booking_ix(id)?;
        let bk = &self.bookings[b as usize];
        if bk.kind != Kind::Interview {
            return Err(invalid_state(format!("{id:?} is not an interview")));
        }
        if !matches!(bk.status, Status::Provisional | Status::Confirmed) {
            return Err(invalid_state(format!("{id:?} is {}", bk.status.as_str())));
        }
        if jd(self.now.date()) < bk.day {
            return Err(invalid_state(format!("{id:?}: the interview's day has not come")));
        }
        let (ci, fi, day) = (bk.child, bk.facility, crate::clock::date_of(bk.day));
        self.bookings[b as usize].status = if approved { Status::Approved } else { Status::Declined };
        if approved {
            let months = self.facility_rules(fi).interview_valid_months;
            let c = &mut self.children[ci as usize];
            match c.approvals.iter_mut().find(|a| a.facility == fi) {
                Some(a) => a.set_interview(day, months),
                None => c.approvals.push(Approval::new(fi, day, None, months)),
            }
        }
        Ok(())
    }

    fn usage_booking(&self, id: &str) -> Result<u32, Error> {
        let b = self.booking_ix(id)?;
        if self.bookings[b as usize].kind == Kind::Interview {
            return Err(invalid_state(format!("{id:?} is an interview")));
        }
        Ok(b)
    }

    /// Check-in at `at` (a time of the booking's day): a confirmed booking, on its day.
    ///
    /// # Errors
    /// `unknown_booking`; `not_today` (confirmed, another day); `invalid_state`.
    pub fn check_in(&mut self, id: &str, at: Clock) -> Result<(), Error> {
        let b = self.usage_booking(id)?;
        let bk = &mut self.bookings[b as usize];
        if bk.status != Status::Confirmed {
            return Err(invalid_state(format!("{id:?} is {}, not confirmed", bk.status.as_str())));
        }
        if bk.day != jd(self.now.date()) {
            return Err(Error::with_detail(Code::NotToday, format!("{id:?} is not for today")));
        }
        bk.status = Status::InUse;
        bk.check_in = Some(at);
        Ok(())
    }

    /// Check-out at `at` (a time of the booking's day, not before the check-in), on the day or later
    /// (a forgotten check-out). The child's last use there becomes the later of it and the day.
    ///
    /// # Errors
    /// `unknown_booking`; `invalid_state` (not in use, before its day, before the check-in).
    pub fn check_out(&mut self, id: &str, at: Clock) -> Result<(), Error> {
        let b = self.usage_booking(id)?;
        let today = jd(self.now.date());
        let bk = &mut self.bookings[b as usize];
        if bk.status != Status::InUse {
            return Err(invalid_state(format!("{id:?} is {}, not in use", bk.status.as_str())));
        }
        if today < bk.day {
            return Err(invalid_state(format!("{id:?}: its day has not come")));
        }
        if bk.check_in.is_some_and(|c| at < c) {
            return Err(invalid_state(format!("{id:?}: check-out {at} is before the check-in")));
        }
        bk.status = Status::Completed;
        bk.check_out = Some(at);
        let (ci, fi, day) = (bk.child, bk.facility, crate::clock::date_of(bk.day));
        let months = self.facility_rules(fi).interview_valid_months;
        let c = &mut self.children[ci as usize];
        // Where no approval is held (a restored world may have none), there is no use to extend.
        if let Some(a) = c.approvals.iter_mut().find(|a| a.facility == fi) {
            a.used_on(day, months);
        }
        Ok(())
    }

    /// The facility marks a confirmed booking whose day has passed without check-in.
    ///
    /// # Errors
    /// `unknown_booking`; `invalid_state`.
    pub fn no_show(&mut self, id: &str) -> Result<(), Error> {
        let b = self.usage_booking(id)?;
        let bk = &self.bookings[b as usize];
        if bk.status != Status::Confirmed {
            return Err(invalid_state(format!("{id:?} is {}, not confirmed", bk.status.as_str())));
        }
        if bk.day >= jd(self.now.date()) {
            return Err(invalid_state(format!("{id:?}: its day has not passed")));
        }
        self.set_status(b, Status::NoShow);
        Ok(())
    }

    /// 臨時休園: the facility closes a day at short notice. The day becomes closed, its interview
    /// slots are removed, and every provisional or confirmed booking on it (interviews included) is
    /// cancelled by the facility. Returns the ids cancelled.
    ///
    /// # Errors
    /// `unknown_facility`.
    pub fn close_day(&mut self, facility: &str, date: Date) -> Result<Vec<String>, Error> {
        let fi = self.facility_ix(facility)?;
        let day = jd(date);
        let f = &mut self.facilities[fi as usize];
        if !f.spec.closed.contains(&date) {
            f.spec.closed.push(date);
            f.plan.closed.insert(day);
        }
        f.spec.interview_slots.retain(|s| s.date != date);
        f.plan.interviews.remove(&day);
        let list = f.loads.get(day).map(|l| l.bookings.clone()).unwrap_or_default();
        let mut cancelled = Vec::new();
        for b in list {
            if matches!(self.bookings[b as usize].status, Status::Provisional | Status::Confirmed) {
                self.set_status(b, Status::Cancelled);
                cancelled.push(self.booking_id(b));
            }
        }
        self.search.facility_changed(&self.facilities, fi);
        Ok(cancelled)
    }
}
