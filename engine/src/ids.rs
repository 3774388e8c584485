//! The id table: booking and series ids to their indexes.
//!
//! The ids themselves live once, in the bookings and the series. The table maps each id's 64-bit
//! hash to its index and confirms a hit by looking at the stored id; the rare id whose hash is
//! already taken by another id goes to a small overflow list, sorted by the id itself. Growing the
//! table never reads an id again, and storing one costs no allocation.

use std::hash::BuildHasher;

use rustc_hash::{FxBuildHasher, FxHashMap};

use crate::world::{Booking, IdRef, Series};

#[derive(Clone, Default)]
pub(crate) struct IdTable {
    by_hash: FxHashMap<u64, IdRef>,
    /// Ids whose hash another id has, sorted (binary search: clashes cannot make it slow).
    overflow: Vec<(Box<str>, IdRef)>,
    /// Tests: every id hashes alike, so that every path of a clash runs.
    #[cfg(test)]
    collide: bool,
}

/// The id a reference names.
fn name<'a>(r: IdRef, bookings: &'a [Booking], series: &'a [Series]) -> &'a str {
    match r {
        IdRef::Booking(b) => &bookings[b as usize].id,
        IdRef::Series(s) => &series[s as usize].id,
    }
}

impl IdTable {
    fn hash(&self, id: &str) -> u64 {
        #[cfg(test)]
        if self.collide {
            return 0;
        }
        FxBuildHasher.hash_one(id)
    }

    /// What `id` names.
    #[inline]
    pub(crate) fn get(&self, id: &str, bookings: &[Booking], series: &[Series]) -> Option<IdRef> {
        match self.by_hash.get(&self.hash(id)) {
            Some(&r) if name(r, bookings, series) == id => Some(r),
            Some(_) => self.overflow_at(id).ok().map(|i| self.overflow[i].1),
            None => None,
        }
    }

    /// Records that `id` (already stored in the bookings or the series at `r`) names `r`. The
    /// caller has checked that `id` is not taken.
    pub(crate) fn insert(&mut self, id: &str, r: IdRef) {
        match self.by_hash.entry(self.hash(id)) {
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(r);
            }
            std::collections::hash_map::Entry::Occupied(_) => {
                if let Err(at) = self.overflow_at(id) {
                    self.overflow.insert(at, (id.into(), r));
                }
            }
        }
    }

    /// Records that `id` names `r` unless it already names something: then that, and nothing changes.
    pub(crate) fn try_insert(&mut self, id: &str, r: IdRef, bookings: &[Booking], series: &[Series]) -> Option<IdRef> {
        if let Some(x) = self.get(id, bookings, series) {
            return Some(x);
        }
        self.insert(id, r);
        None
    }

    fn overflow_at(&self, id: &str) -> Result<usize, usize> {
        self.overflow.binary_search_by(|(x, _)| (**x).cmp(id))
    }

    pub(crate) fn reserve(&mut self, n: usize) {
        self.by_hash.reserve(n);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every id with one hash: the first sits in the main map, the rest overflow; all are found,
    /// none is taken twice, and an unknown id is unknown.
    #[test]
    fn ids_with_one_hash_are_all_found() {
        let series: Vec<Series> =
            ["s", "t", "u"].iter().map(|id| Series { id: (*id).into(), occurrences: Vec::new() }).collect();
        let mut t = IdTable { collide: true, ..IdTable::default() };
        t.insert("s", IdRef::Series(0));
        assert_eq!(t.try_insert("t", IdRef::Series(1), &[], &series), None);
        assert_eq!(t.try_insert("u", IdRef::Series(2), &[], &series), None);
        for (i, id) in ["s", "t", "u"].iter().enumerate() {
            assert_eq!(t.get(id, &[], &series), Some(IdRef::Series(i as u32)), "{id}");
            assert_eq!(t.try_insert(id, IdRef::Series(9), &[], &series), Some(IdRef::Series(i as u32)));
        }
        assert_eq!(t.get("v", &[], &series), None);
        assert_eq!(t.overflow.len(), 2);
    }
}
