//! The per-household view: what a family's browser may see. The facilities' setup and the places
//! held per slot (counts only), and only that household's children and bookings: enough to draw the
//! calendar and to dry-run a request exactly as the server would, and nothing of other families.

use serde::{Deserialize, Serialize};

use crate::clock::{Clock, Date, Now, SLOTS, date_of, jd, serde_date};
use crate::error::Error;
use crate::model::{BookingRecord, ChildSpec, FacilitySpec, Kind, MunicipalitySpec, Status};
use crate::plan::Band;
use crate::world::{Booking, DayLoad, IdRef, Series, World};

/// What the view is asked for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ViewQuery {
    /// The household: children whose `parent` is this id.
    pub parent: String,
    /// Facilities to include (all when absent); facilities the household's bookings and approvals
    /// name are always included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facilities: Option<Vec<String>>,
    /// First day of the held counts.
    #[serde(with = "serde_date")]
    pub from: Date,
    /// Number of days of held counts.
    pub days: u32,
}

/// Places held on one day at one facility, by every family together.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoadRecord {
    /// The facility.
    pub facility: String,
    /// The day.
    #[serde(with = "serde_date")]
    pub date: Date,
    /// Held per slot in the regular quota (48 numbers).
    pub regular: Vec<u16>,
    /// Held per slot in the flexible quota (48 numbers).
    pub flexible: Vec<u16>,
    /// Held per age class (0, 1, 2) and slot, per quota: only where the facility has age limits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by_class: Option<[Vec<Vec<u16>>; 2]>,
    /// Interview places held per interview band.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interviews: Vec<InterviewLoad>,
}

/// Interview places held in one band.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InterviewLoad {
    /// Start.
    pub from: Clock,
    /// End.
    pub to: Clock,
    /// Places held.
    pub held: u32,
}

/// A household's view of the world.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HouseholdView {
    /// Now.
    pub now: Now,
    /// The household.
    pub parent: String,
    /// Every municipality (their rules are public).
    pub municipalities: Vec<MunicipalitySpec>,
    /// The facilities asked for.
    pub facilities: Vec<FacilitySpec>,
    /// The household's children.
    pub children: Vec<ChildSpec>,
    /// The household's bookings.
    pub bookings: Vec<BookingRecord>,
    /// Held counts per facility and day (days with none held are left out).
    pub loads: Vec<LoadRecord>,
}

impl World {
    /// The view of one household.
    ///
    /// # Errors
    /// `invalid_request` (days out of range), `unknown_facility`.
    pub fn household_view(&self, q: &ViewQuery) -> Result<HouseholdView, Error> {
        if q.days == 0 || q.days > crate::query::MAX_QUERY_DAYS {
            return Err(Error::invalid(format!("days: must be 1 to {}", crate::query::MAX_QUERY_DAYS)));
        }
        let kids: Vec<u32> = (0..self.children.len() as u32)
            .filter(|c| self.children[*c as usize].spec.parent.as_deref() == Some(q.parent.as_str()))
            .collect();
        let mut wanted = vec![false; self.facilities.len()];
        match &q.facilities {
            None => wanted.iter_mut().for_each(|w| *w = true),
            Some(list) => {
                for id in list {
                    wanted[self.facility_ix(id)? as usize] = true;
                }
            }
        }
        let mut bookings = Vec::new();
        for &c in &kids {
            let child = &self.children[c as usize];
            for a in &child.approvals {
                wanted[a.facility as usize] = true;
            }
            for &b in &child.bookings {
                wanted[self.bookings[b as usize].facility as usize] = true;
                bookings.push(b);
            }
        }
        bookings.sort_unstable();
        let start = jd(q.from);
        let mut loads = Vec::new();
        for (fi, f) in self.facilities.iter().enumerate() {
            if !wanted[fi] {
                continue;
            }
            let has_limits = f.plan.age_limits.iter().flatten().any(Option::is_some);
            for day in start..start + q.days as i32 {
                let Some(load) = f.loads.get(day) else { continue };
                let interviews = self.interview_loads(fi as u32, day);
                if load.held.iter().flatten().all(|h| *h == 0) && interviews.is_empty() {
                    continue;
                }
                loads.push(LoadRecord {
                    facility: f.spec.id.clone(),
                    date: date_of(day),
                    regular: load.held[0].to_vec(),
                    flexible: load.held[1].to_vec(),
                    by_class: has_limits
                        .then(|| [0, 1].map(|quota| load.by_class[quota].iter().map(|row| row.to_vec()).collect())),
                    interviews,
                });
            }
        }
        Ok(HouseholdView {
            now: self.now,
            parent: q.parent.clone(),
            municipalities: self.municipalities().cloned().collect(),
            facilities: self
                .facilities
                .iter()
                .enumerate()
                .filter(|(i, _)| wanted[*i])
                .map(|(_, f)| f.spec.clone())
                .collect(),
            children: kids.iter().map(|c| self.child_spec(*c)).collect(),
            bookings: bookings.into_iter().map(|b| self.record(b)).collect(),
            loads,
        })
    }

    fn interview_loads(&self, fi: u32, day: i32) -> Vec<InterviewLoad> {
        let Some(slots) = self.facilities[fi as usize].plan.interviews.get(&day) else { return Vec::new() };
        slots
            .iter()
            .map(|p| InterviewLoad {
                from: Clock::from_slot(p.band.from),
                to: Clock::from_slot(p.band.to),
                held: self.interview_held(fi, day, p.band),
            })
            .filter(|l| l.held > 0)
            .collect()
    }

    /// A world built from a household's view: its calendar and dry runs answer as the server's do for
    /// that household. The held counts come from the view; the household's own bookings are known
    /// one by one (their places are inside the counts).
    ///
    /// # Errors
    /// `invalid_request` saying where and why.
    pub fn from_view(v: &HouseholdView) -> Result<World, Error> {
        let mut w = crate::setup::world_from_setup(v.now, &v.municipalities, &v.facilities, &v.children)?;
        for (i, l) in v.loads.iter().enumerate() {
            let fi = w.facility_ix(&l.facility).map_err(|_| Error::invalid(format!("loads[{i}].facility: unknown")))?;
            let row = |v: &[u16], what: &str| -> Result<[u16; SLOTS], Error> {
                v.try_into().map_err(|_| Error::invalid(format!("loads[{i}].{what}: must have 48 numbers")))
            };
            let mut load = DayLoad::new();
            load.held = [row(&l.regular, "regular")?, row(&l.flexible, "flexible")?];
            if let Some(by) = &l.by_class {
                for (q, classes) in by.iter().enumerate() {
                    if classes.len() != 3 {
                        return Err(Error::invalid(format!("loads[{i}].by_class: 3 age classes per quota")));
                    }
                    for (c, counts) in classes.iter().enumerate() {
                        load.by_class[q][c] = row(counts, "by_class")?;
                    }
                }
            }
            for it in &l.interviews {
                let band =
                    Band::new(it.from, it.to).map_err(|e| Error::invalid(format!("loads[{i}].interviews: {e}")))?;
                load.ext_interviews.push((band, it.held));
            }
            w.facilities[fi as usize].loads.insert(jd(l.date), load);
        }
        // The series met, by id (their indexes are those of `w.series`, which starts empty).
        let mut series = crate::ids::Index::default();
        for (i, b) in v.bookings.iter().enumerate() {
            let child = w.child_ix(&b.child).map_err(|_| Error::invalid(format!("bookings[{i}].child: unknown")))?;
            let facility =
                w.facility_ix(&b.facility).map_err(|_| Error::invalid(format!("bookings[{i}].facility: unknown")))?;
            let band = Band::new(b.from, b.to).map_err(|e| Error::invalid(format!("bookings[{i}]: {e}")))?;
            let twice = || Error::invalid(format!("bookings[{i}].id: {:?} is listed twice", b.id));
            let occurrence = match b.id.split_once('#') {
                None => {
                    if w.lookup(&b.id).is_some() {
                        return Err(twice());
                    }
                    None
                }
                Some((sid, k)) => {
                    let k = crate::world::occurrence_number(k)
                        .filter(|_| !sid.is_empty())
                        .ok_or_else(|| Error::invalid(format!("bookings[{i}].id: not an occurrence id `series#k`")))?;
                    let s = series.get(sid).unwrap_or_else(|| {
                        w.series.push(Series { id: sid.into(), occurrences: Vec::new() });
                        series.push(sid)
                    });
                    if w.series[s as usize]
                        .occurrences
                        .iter()
                        .any(|o| w.bookings[*o as usize].occurrence == Some((s, k)))
                    {
                        return Err(twice());
                    }
                    Some((s, k))
                }
            };
            let bk = Booking::from_record(&crate::snapshot::RecordIn::of(b), child, facility, band, occurrence);
            // Held counts already include this booking: store it without taking places again, and
            // count its interview place as its own (not external).
            let idx = w.insert_booking_held(bk);
            if b.kind == Kind::Interview && b.status != Status::Cancelled {
                let load = w.facilities[facility as usize].loads.get_mut(jd(b.date)).expect("inserted");
                if let Some(e) = load.ext_interviews.iter_mut().find(|(x, _)| *x == band) {
                    e.1 = e.1.saturating_sub(1);
                }
            }
            if let Some((s, _)) = occurrence {
                w.series[s as usize].occurrences.push(idx);
            }
        }
        for s in 0..series.len() as u32 {
            let sid = series.name(s);
            if w.ids.try_insert(sid, IdRef::Series(s), &w.bookings, &w.series).is_some() {
                return Err(Error::invalid(format!("bookings: series id {sid:?} is also a booking's id")));
            }
        }
        Ok(w)
    }
}
