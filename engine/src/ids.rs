//! The id table: booking and series ids to their indexes.
//!
//! The ids themselves live once, in the bookings and the series. The table maps each id's 64-bit
//! hash to its index and confirms a hit by looking at the stored id; the rare id whose hash is
//! already taken by another id goes to a small overflow map keyed by the id itself. Growing the
//! table never reads an id again, and storing one costs no allocation.

use std::hash::BuildHasher;

use rustc_hash::{FxBuildHasher, FxHashMap};

use crate::world::{Booking, IdRef, Series};

#[derive(Default)]
pub(crate) struct IdTable {
    by_hash: FxHashMap<u64, IdRef>,
    overflow: FxHashMap<Box<str>, IdRef>,
}

fn hash(id: &str) -> u64 {
    FxBuildHasher.hash_one(id)
}

/// The id a reference names.
fn name<'a>(r: IdRef, bookings: &'a [Booking], series: &'a [Series]) -> &'a str {
    match r {
        IdRef::Booking(b) => &bookings[b as usize].id,
        IdRef::Series(s) => &series[s as usize].id,
    }
}

impl IdTable {
    /// What `id` names.
    #[inline]
    pub(crate) fn get(&self, id: &str, bookings: &[Booking], series: &[Series]) -> Option<IdRef> {
        match self.by_hash.get(&hash(id)) {
            Some(&r) if name(r, bookings, series) == id => Some(r),
            Some(_) => self.overflow.get(id).copied(),
            None => None,
        }
    }

    /// Records that `id` (already stored in the bookings or the series at `r`) names `r`. The
    /// caller has checked that `id` is not taken.
    pub(crate) fn insert(&mut self, id: &str, r: IdRef) {
        match self.by_hash.entry(hash(id)) {
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(r);
            }
            std::collections::hash_map::Entry::Occupied(_) => {
                self.overflow.insert(id.into(), r);
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

    pub(crate) fn reserve(&mut self, n: usize) {
        self.by_hash.reserve(n);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two ids with one hash: the second goes to the overflow map and both are found.
    #[test]
    fn a_taken_hash_overflows() {
        let series = vec![Series { id: "s".into(), occurrences: Vec::new() }];
        let mut t = IdTable::default();
        t.insert("s", IdRef::Series(0));
        // Pretend "x" hashes like "s": put it under "s"'s hash by hand, as `insert` would on a clash.
        t.overflow.insert("x".into(), IdRef::Series(7));
        t.by_hash.entry(hash("x")).or_insert(IdRef::Series(0));
        assert_eq!(t.get("s", &[], &series), Some(IdRef::Series(0)));
        assert_eq!(t.get("x", &[], &series), Some(IdRef::Series(7)));
        assert_eq!(t.get("y", &[], &series), None);
        assert_eq!(t.try_insert("s", IdRef::Series(3), &[], &series), Some(IdRef::Series(0)));
    }
}
