//! A facility's compiled plan: opening hours, quotas per weekday, slot and date, closed days,
//! age-class limits and interview slots, checked once when the facility is set up.

use rustc_hash::{FxHashMap, FxHashSet};

use crate::clock::{Clock, Jd, SLOTS, jd, weekday};
use crate::holidays::is_holiday_jd;
use crate::model::{FacilitySpec, UsageKind};

/// The largest number of places a quota or limit may have (fits the compact calendar's `i16`).
pub const MAX_PLACES: u32 = 10_000;

/// Places per quota (regular, flexible) and slot.
pub(crate) type Quotas = [[u16; SLOTS]; 2];

/// A band of slots `[from, to)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Band {
    pub from: u8,
    pub to: u8,
}

impl Band {
    /// A band from two grid times, checked: on the grid and from < to.
    pub(crate) fn new(from: Clock, to: Clock) -> Result<Band, String> {
        if !from.is_on_grid() || !to.is_on_grid() {
            return Err(format!("{from}–{to}: times must be on :00 or :30"));
        }
        if from >= to {
            return Err(format!("{from}–{to}: from must be before to"));
        }
        Ok(Band { from: from.slot(), to: to.slot() })
    }

    pub(crate) fn minutes(self) -> u32 {
        u32::from(self.to - self.from) * 30
    }

    pub(crate) fn slots(self) -> std::ops::Range<usize> {
        usize::from(self.from)..usize::from(self.to)
    }

    pub(crate) fn overlaps(self, other: Band) -> bool {
        self.from < other.to && other.from < self.to
    }
}

/// An interview slot of one day: band and places (repeated slots added up).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct InterviewPlaces {
    pub band: Band,
    pub places: u32,
}

/// The compiled plan of a facility.
#[derive(Clone, Debug)]
pub(crate) struct Plan {
    pub kinds: [bool; 2],
    pub hours: [Option<Band>; 7],
    pub template: Box<[Quotas; 7]>,
    pub overrides: FxHashMap<Jd, Box<Quotas>>,
    pub closed: FxHashSet<Jd>,
    pub closed_on_holidays: bool,
    pub age_limits: [[Option<u16>; 3]; 2],
    pub interviews: FxHashMap<Jd, Vec<InterviewPlaces>>,
    pub auto_confirm: bool,
    pub fee_per_hour_yen: Option<u32>,
    pub max_booking_minutes: Option<u32>,
}

fn places(v: Option<u32>, field: &str) -> Result<u16, String> {
    let v = v.unwrap_or(0);
    if v > MAX_PLACES {
        return Err(format!("{field}: {v} places is more than {MAX_PLACES}"));
    }
    Ok(v as u16)
}

impl Plan {
    /// Compiles and checks a facility's setup. Errors name the field (e.g. `capacity[1].to`).
    pub(crate) fn compile(spec: &FacilitySpec) -> Result<Plan, String> {
        let mut kinds = [false; 2];
        for k in &spec.kinds {
            kinds[k.quota()] = true;
        }
        let mut hours = [None; 7];
        for (i, h) in spec.hours.by_index().iter().enumerate() {
            if let Some([from, to]) = h {
                hours[i] =
                    Some(Band::new(*from, *to).map_err(|e| format!("hours.{}: {e}", crate::clock::WEEKDAYS[i]))?);
            }
        }
        let mut template = Box::new([[[0u16; SLOTS]; 2]; 7]);
        for (i, band) in spec.capacity.iter().enumerate() {
            let b = Band::new(band.from, band.to).map_err(|e| format!("capacity[{i}]: {e}"))?;
            let r = places(band.regular, &format!("capacity[{i}].regular"))?;
            let f = places(band.flexible, &format!("capacity[{i}].flexible"))?;
            for day in &band.days {
                let q = &mut template[day.index()];
                for s in b.slots() {
                    q[0][s] = r;
                    q[1][s] = f;
                }
            }
        }
        let mut overrides: FxHashMap<Jd, Box<Quotas>> = FxHashMap::default();
        for (i, o) in spec.capacity_overrides.iter().enumerate() {
            let b = Band::new(o.from, o.to).map_err(|e| format!("capacity_overrides[{i}]: {e}"))?;
            if o.regular.is_none() && o.flexible.is_none() {
                return Err(format!("capacity_overrides[{i}]: must name at least one quota (regular or flexible)"));
            }
            let day = jd(o.date);
            let q = overrides.entry(day).or_insert_with(|| Box::new(template[weekday(day)]));
            for (quota, v) in [(0, o.regular), (1, o.flexible)] {
                if v.is_some() {
                    let p = places(v, &format!("capacity_overrides[{i}]"))?;
                    for s in b.slots() {
                        q[quota][s] = p;
                    }
                }
            }
        }
        let mut age_limits = [[None; 3]; 2];
        for (quota, limits) in [(0, &spec.age_limits.regular), (1, &spec.age_limits.flexible)] {
            if let Some(l) = limits {
                for (class, v) in l.by_class().iter().enumerate() {
                    if let Some(v) = v {
                        age_limits[quota][class] = Some(places(Some(*v), &format!("age_limits.{class}"))?);
                    }
                }
            }
        }
        let mut interviews: FxHashMap<Jd, Vec<InterviewPlaces>> = FxHashMap::default();
        for (i, s) in spec.interview_slots.iter().enumerate() {
            let band = Band::new(s.from, s.to).map_err(|e| format!("interview_slots[{i}]: {e}"))?;
            let list = interviews.entry(jd(s.date)).or_default();
            match list.iter_mut().find(|p| p.band == band) {
                Some(p) => p.places = p.places.saturating_add(s.places),
                None => list.push(InterviewPlaces { band, places: s.places }),
            }
        }
        if let Some(m) = spec.max_booking_minutes
            && m < 30
        {
            return Err("max_booking_minutes: must be at least 30, or null".into());
        }
        Ok(Plan {
            kinds,
            hours,
            template,
            overrides,
            closed: spec.closed.iter().map(|d| jd(*d)).collect(),
            closed_on_holidays: spec.closed_on_holidays,
            age_limits,
            interviews,
            auto_confirm: spec.auto_confirm,
            fee_per_hour_yen: spec.fee_per_hour_yen,
            max_booking_minutes: spec.max_booking_minutes,
        })
    }

    /// True if the facility offers the usage kind.
    pub(crate) fn offers(&self, kind: UsageKind) -> bool {
        self.kinds[kind.quota()]
    }

    /// The opening hours of the day, or `None` when it is closed.
    #[inline]
    pub(crate) fn open_hours(&self, day: Jd) -> Option<Band> {
        let h = self.hours[weekday(day)]?;
        if self.is_closed_date(day) {
            return None;
        }
        Some(h)
    }

    /// True on a listed closed date or a holiday where the facility closes on holidays.
    #[inline]
    pub(crate) fn is_closed_date(&self, day: Jd) -> bool {
        (!self.closed.is_empty() && self.closed.contains(&day)) || (self.closed_on_holidays && is_holiday_jd(day))
    }

    /// The quotas of the day (before checking hours).
    #[inline]
    pub(crate) fn quotas(&self, day: Jd) -> &Quotas {
        if !self.overrides.is_empty()
            && let Some(q) = self.overrides.get(&day)
        {
            return q;
        }
        &self.template[weekday(day)]
    }
}
