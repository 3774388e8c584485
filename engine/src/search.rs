//! Search of a municipality's facilities with a place for a band, and the index that makes it fast.
//!
//! The index keeps, per quota, weekday and slot, the set of facilities whose weekly plan has a place
//! there (offered, open, template quota ≥ 1), and per day, quota and slot, the set of facilities with
//! no place left. A search intersects the municipality's set with the band's plan sets, takes away
//! the full ones, the facilities closed that day (listed, or on a holiday), and checks one by one the
//! few that need it (a date override that day, or an age-class limit when a child is given).
//!
//! Sets indexed by slot are dense bit sets: with a few thousand facilities they are a few dozen
//! words, and a word-wise AND beats a compressed bitmap's array containers (measured: see
//! docs/PERFORMANCE.md). The sparse per-date exceptions (closed days, overrides) are `roaring`
//! bitmaps.

use roaring::RoaringBitmap;
use rustc_hash::FxHashMap;

use crate::clock::{Jd, SLOTS, jd, weekday};
use crate::error::Error;
use crate::holidays::is_holiday_jd;
use crate::model::{SearchQuery, UsageKind};
use crate::plan::Band;
use crate::world::{Facility, World};

/// A dense set of facility indexes.
#[derive(Clone, Default, Debug)]
pub(crate) struct Bits(Vec<u64>);

impl Bits {
    fn set(&mut self, i: u32, on: bool) {
        let (w, b) = ((i / 64) as usize, i % 64);
        if w >= self.0.len() {
            if !on {
                return;
            }
            self.0.resize(w + 1, 0);
        }
        if on {
            self.0[w] |= 1 << b;
        } else {
            self.0[w] &= !(1 << b);
        }
    }

    fn get(&self, i: u32) -> bool {
        self.0.get((i / 64) as usize).is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    fn and_into(&self, acc: &mut [u64]) {
        for (i, a) in acc.iter_mut().enumerate() {
            *a &= self.0.get(i).copied().unwrap_or(0);
        }
    }

    fn and_not_into(&self, acc: &mut [u64]) {
        for (a, b) in acc.iter_mut().zip(&self.0) {
            *a &= !b;
        }
    }
}

/// What the index holds of one facility, to take it out again.
#[derive(Clone, Default)]
struct Placed {
    muni: Option<u32>,
    closed: Vec<Jd>,
    overridden: Vec<Jd>,
}

/// The search index.
#[derive(Clone, Default)]
pub(crate) struct SearchIndex {
    placed: Vec<Placed>,
    muni: Vec<Bits>,
    /// [quota][weekday][slot]: offered, open that weekday at that slot, template quota ≥ 1.
    plan: Vec<Bits>,
    holiday_closers: Bits,
    age_limited: [Bits; 2],
    closed: FxHashMap<Jd, RoaringBitmap>,
    overridden: FxHashMap<Jd, RoaringBitmap>,
    /// Per day: [quota * 48 + slot]: no place left.
    full: FxHashMap<Jd, Box<[Bits]>>,
}

fn plan_ix(quota: usize, wd: usize, slot: usize) -> usize {
    (quota * 7 + wd) * SLOTS + slot
}

impl SearchIndex {
    /// Takes a facility's (new) setup into the index.
    pub(crate) fn facility_changed(&mut self, facilities: &[Facility], fi: u32) {
        let f = &facilities[fi as usize];
        if self.plan.is_empty() {
            self.plan = vec![Bits::default(); 2 * 7 * SLOTS];
        }
        if self.placed.len() <= fi as usize {
            self.placed.resize(fi as usize + 1, Placed::default());
        }
        let old = std::mem::take(&mut self.placed[fi as usize]);
        if let Some(m) = old.muni {
            self.muni[m as usize].set(fi, false);
        }
        for d in old.closed {
            if let Some(set) = self.closed.get_mut(&d) {
                set.remove(fi);
            }
        }
        for d in old.overridden {
            if let Some(set) = self.overridden.get_mut(&d) {
                set.remove(fi);
            }
        }
        if self.muni.len() <= f.muni as usize {
            self.muni.resize(f.muni as usize + 1, Bits::default());
        }
        self.muni[f.muni as usize].set(fi, true);
        let p = &f.plan;
        for quota in 0..2 {
            let offered = p.kinds[quota];
            for wd in 0..7 {
                let hours = p.hours[wd];
                for s in 0..SLOTS {
                    let open = hours.is_some_and(|h| usize::from(h.from) <= s && s < usize::from(h.to));
                    let on = offered && open && p.template[wd][quota][s] >= 1;
                    self.plan[plan_ix(quota, wd, s)].set(fi, on);
                }
            }
            self.age_limited[quota].set(fi, p.age_limits[quota].iter().any(Option::is_some));
        }
        self.holiday_closers.set(fi, p.closed_on_holidays);
        let mut placed = Placed { muni: Some(f.muni), ..Placed::default() };
        for &d in &p.closed {
            self.closed.entry(d).or_default().insert(fi);
            placed.closed.push(d);
        }
        for &d in p.overrides.keys() {
            self.overridden.entry(d).or_default().insert(fi);
            placed.overridden.push(d);
        }
        self.placed[fi as usize] = placed;
        let days: Vec<Jd> = f.loads.days().collect();
        for day in days {
            for quota in 0..2 {
                self.load_changed(facilities, fi, day, quota, Band { from: 0, to: SLOTS as u8 });
            }
        }
    }

    /// Takes every facility's held counts into the index (after a restore counted them all).
    pub(crate) fn rebuild_loads(&mut self, facilities: &[Facility]) {
        for (fi, f) in facilities.iter().enumerate() {
            let days: Vec<Jd> = f.loads.days().collect();
            for day in days {
                for quota in 0..2 {
                    self.load_changed(facilities, fi as u32, day, quota, Band { from: 0, to: SLOTS as u8 });
                }
            }
        }
    }

    /// Updates the "no place left" sets of a facility's day after its held counts changed.
    pub(crate) fn load_changed(&mut self, facilities: &[Facility], fi: u32, day: Jd, quota: usize, band: Band) {
        let f = &facilities[fi as usize];
        let Some(load) = f.loads.get(day) else { return };
        let q = &f.plan.quotas(day)[quota];
        let full = self.full.entry(day).or_insert_with(|| vec![Bits::default(); 2 * SLOTS].into_boxed_slice());
        for s in band.slots() {
            full[quota * SLOTS + s].set(fi, load.held[quota][s] >= q[s]);
        }
    }
}

impl World {
    /// The facilities of a municipality with a place in every slot of the band on the day, in the
    /// kind's quota (open, kind offered, within the child's age-class limit if a child is given), in
    /// the order they were added.
    ///
    /// # Errors
    /// `invalid_request` (bad band, unknown municipality), `unknown_child`.
    pub fn search(&self, q: &SearchQuery) -> Result<Vec<&str>, Error> {
        let (muni, band, ci) = self.search_terms(q)?;
        let found = self.search_indexed(muni, q.kind, jd(q.date), band, ci);
        Ok(found.into_iter().map(|fi| self.facilities[fi as usize].spec.id.as_str()).collect())
    }

    /// A search query's municipality, band and child, checked.
    fn search_terms(&self, q: &SearchQuery) -> Result<(u32, Band, Option<u32>), Error> {
        let band = Band::new(q.from, q.to).map_err(|e| Error::invalid(format!("from/to: {e}")))?;
        let muni = self
            .muni_index
            .get(&q.municipality)
            .ok_or_else(|| Error::invalid(format!("municipality: unknown municipality {:?}", q.municipality)))?;
        let ci = q.child.as_deref().map(|c| self.child_ix(c)).transpose()?;
        Ok((muni, band, ci))
    }

    /// The search through the index.
    pub(crate) fn search_indexed(&self, muni: u32, kind: UsageKind, day: Jd, band: Band, ci: Option<u32>) -> Vec<u32> {
        let ix = &self.search;
        let Some(members) = ix.muni.get(muni as usize) else { return Vec::new() };
        let quota = kind.quota();
        let wd = weekday(day);
        let mut acc = members.0.clone();
        for s in band.slots() {
            ix.plan[plan_ix(quota, wd, s)].and_into(&mut acc);
        }
        if let Some(full) = ix.full.get(&day) {
            for s in band.slots() {
                full[quota * SLOTS + s].and_not_into(&mut acc);
            }
        }
        if is_holiday_jd(day) {
            ix.holiday_closers.and_not_into(&mut acc);
        }
        let clear = |acc: &mut Vec<u64>, fi: u32| {
            if let Some(w) = acc.get_mut((fi / 64) as usize) {
                *w &= !(1u64 << (fi % 64));
            }
        };
        if let Some(closed) = ix.closed.get(&day) {
            for fi in closed {
                clear(&mut acc, fi);
            }
        }
        let overridden = ix.overridden.get(&day);
        if let Some(o) = overridden {
            for fi in o {
                clear(&mut acc, fi);
            }
        }
        let limited = &ix.age_limited[quota];
        let mut out = Vec::new();
        for (w, &word) in acc.iter().enumerate() {
            let mut bits = word;
            while bits != 0 {
                let fi = (w * 64) as u32 + bits.trailing_zeros();
                bits &= bits - 1;
                if ci.is_none() || !limited.get(fi) || self.fits(fi, kind, day, band, ci) {
                    out.push(fi);
                }
            }
        }
        if let Some(o) = overridden {
            for fi in o {
                if members.get(fi) && self.fits(fi, kind, day, band, ci) {
                    out.push(fi);
                }
            }
            out.sort_unstable();
        }
        out
    }

    /// Facility indexes found by checking every facility of the municipality: the reference the
    /// index is tested against.
    pub(crate) fn search_brute(&self, muni: u32, kind: UsageKind, day: Jd, band: Band, ci: Option<u32>) -> Vec<u32> {
        (0..self.facilities.len() as u32)
            .filter(|&fi| self.facilities[fi as usize].muni == muni && self.fits(fi, kind, day, band, ci))
            .collect()
    }

    /// The same search, checking every facility of the municipality one by one (no index): the
    /// reference the index is tested and measured against.
    ///
    /// # Errors
    /// As [`World::search`].
    #[doc(hidden)]
    pub fn search_unindexed(&self, q: &SearchQuery) -> Result<Vec<&str>, Error> {
        let (muni, band, ci) = self.search_terms(q)?;
        let found = self.search_brute(muni, q.kind, jd(q.date), band, ci);
        Ok(found.into_iter().map(|fi| self.facilities[fi as usize].spec.id.as_str()).collect())
    }

    /// True when the facility has a place in every slot of the band.
    pub(crate) fn fits(&self, fi: u32, kind: UsageKind, day: Jd, band: Band, ci: Option<u32>) -> bool {
        let f = &self.facilities[fi as usize];
        if !f.plan.offers(kind) {
            return false;
        }
        let Some(h) = f.plan.open_hours(day) else { return false };
        if band.from < h.from || band.to > h.to {
            return false;
        }
        let class = ci.and_then(|c| self.children[c as usize].class_on(day));
        self.has_places(fi, day, kind.quota(), band, class)
    }
}
