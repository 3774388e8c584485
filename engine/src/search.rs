//! Search of a municipality's facilities with a place for a band.

use crate::clock::{Jd, jd};
use crate::error::Error;
use crate::model::{SearchQuery, UsageKind};
use crate::plan::Band;
use crate::world::{Facility, World};

/// The search index (filled in by a later step; the brute-force search is the reference).
#[derive(Default)]
pub(crate) struct SearchIndex {}

impl SearchIndex {
    pub(crate) fn facility_changed(&mut self, _facilities: &[Facility], _fi: u32) {}

    pub(crate) fn load_changed(&mut self, _facilities: &[Facility], _fi: u32, _day: Jd, _quota: usize, _band: Band) {}
}

impl World {
    /// The facilities of a municipality with a place in every slot of the band on the day, in the
    /// kind's quota (open, kind offered, within the child's age-class limit if a child is given),
    /// sorted by id.
    ///
    /// # Errors
    /// `invalid_request` (bad band, unknown municipality), `unknown_child`.
    pub fn search(&self, q: &SearchQuery) -> Result<Vec<String>, Error> {
        let band = Band::new(q.from, q.to).map_err(|e| Error::invalid(format!("from/to: {e}")))?;
        let muni = *self
            .muni_index
            .get(&q.municipality)
            .ok_or_else(|| Error::invalid(format!("municipality: unknown municipality {:?}", q.municipality)))?;
        let ci = q.child.as_deref().map(|c| self.child_ix(c)).transpose()?;
        let mut out: Vec<String> = self
            .search_brute(muni, q.kind, jd(q.date), band, ci)
            .into_iter()
            .map(|fi| self.facilities[fi as usize].spec.id.clone())
            .collect();
        out.sort_unstable();
        Ok(out)
    }

    /// Facility indexes found by checking every facility of the municipality.
    pub(crate) fn search_brute(&self, muni: u32, kind: UsageKind, day: Jd, band: Band, ci: Option<u32>) -> Vec<u32> {
        (0..self.facilities.len() as u32)
            .filter(|&fi| self.facilities[fi as usize].muni == muni && self.fits(fi, kind, day, band, ci))
            .collect()
    }

    /// True when the facility has a place in every slot of the band.
    pub(crate) fn fits(&self, fi: u32, kind: UsageKind, day: Jd, band: Band, ci: Option<u32>) -> bool {
        let f = &self.facilities[fi as usize];
        if !f.plan.offers(kind) {
            return false;
        }
        let Some(h) = f.plan.open_hours(day) else {
            return false;
        };
        if band.from < h.from || band.to > h.to {
            return false;
        }
        let class = ci.and_then(|c| self.children[c as usize].class_on(day));
        self.has_places(fi, day, kind.quota(), band, class)
    }
}
