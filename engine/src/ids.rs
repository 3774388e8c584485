//! The id tables: booking and series ids to their indexes, child ids to theirs.
//!
//! The ids themselves live once, in the bookings, the series and the children. The table maps each id's 64-bit
//! hash to its index and confirms a hit by looking at the stored id; the rare id whose hash is
//! already taken by another id goes to a small overflow list, sorted by the id itself. Growing the
//! table never reads an id again, and storing one costs no allocation.

use std::hash::BuildHasher;

use rustc_hash::{FxBuildHasher, FxHashMap};

use crate::world::{Booking, IdRef, Series};

/// A table from ids to values of type `V` (booking or series references; child indexes).
#[derive(Clone)]
pub(crate) struct IdTable<V = IdRef> {
    by_hash: FxHashMap<u64, V>,
    /// Ids whose hash another id has, sorted (binary search: clashes cannot make it slow).
    overflow: Vec<(Box<str>, V)>,
    /// Tests: every id hashes alike, so that every path of a clash runs.
    #[cfg(test)]
    collide: bool,
}

impl<V> Default for IdTable<V> {
    fn default() -> Self {
        IdTable {
            by_hash: FxHashMap::default(),
            overflow: Vec::new(),
            #[cfg(test)]
            collide: false,
        }
    }
}

/// Ids stored end to end in one buffer, by index (the children's ids, in the order added). Compact,
/// so that confirming a hash hit with the stored id is often a cache hit: the ids of 150,000
/// children are about a megabyte here, and scattered over forty in their setups.
#[derive(Clone, Default)]
pub(crate) struct Names {
    text: String,
    ends: Vec<usize>,
}

impl Names {
    /// Adds an id; returns its index.
    pub(crate) fn push(&mut self, id: &str) -> u32 {
        self.text.push_str(id);
        self.ends.push(self.text.len());
        (self.ends.len() - 1) as u32
    }

    /// The id at an index.
    #[inline]
    pub(crate) fn get(&self, i: u32) -> &str {
        let i = i as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }
}

/// The id a booking or series reference names.
pub(crate) fn name<'a>(r: IdRef, bookings: &'a [Booking], series: &'a [Series]) -> &'a str {
    match r {
        IdRef::Booking(b) => &bookings[b as usize].id,
        IdRef::Series(s) => &series[s as usize].id,
    }
}

impl<V: Copy> IdTable<V> {
    fn hash(&self, id: &str) -> u64 {
        #[cfg(test)]
        if self.collide {
            return 0;
        }
        FxBuildHasher.hash_one(id)
    }

    /// What `id` names; `name` gives the id stored for a value.
    #[inline]
    pub(crate) fn get<'a>(&self, id: &str, name: impl Fn(V) -> &'a str) -> Option<V> {
        match self.by_hash.get(&self.hash(id)) {
            Some(&r) if name(r) == id => Some(r),
            Some(_) => self.overflow_at(id).ok().map(|i| self.overflow[i].1),
            None => None,
        }
    }

    /// What `id` most likely names, without reading any stored id (for looking ahead: the caller
    /// confirms with `get`).
    #[inline]
    pub(crate) fn candidate(&self, id: &str) -> Option<V> {
        self.by_hash.get(&self.hash(id)).copied()
    }

    /// Records that `id` (already stored where `name` finds it) names `r`. The caller has checked
    /// that `id` is not taken.
    pub(crate) fn insert(&mut self, id: &str, r: V) {
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
    pub(crate) fn try_insert<'a>(&mut self, id: &str, r: V, name: impl Fn(V) -> &'a str) -> Option<V> {
        if let Some(x) = self.get(id, name) {
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
        let mut t: IdTable = IdTable { collide: true, ..IdTable::default() };
        let name = |r| name(r, &[], &series);
        t.insert("s", IdRef::Series(0));
        assert_eq!(t.try_insert("t", IdRef::Series(1), name), None);
        assert_eq!(t.try_insert("u", IdRef::Series(2), name), None);
        for (i, id) in ["s", "t", "u"].iter().enumerate() {
            assert_eq!(t.get(id, name), Some(IdRef::Series(i as u32)), "{id}");
            assert_eq!(t.try_insert(id, IdRef::Series(9), name), Some(IdRef::Series(i as u32)));
        }
        assert_eq!(t.get("v", name), None);
        assert_eq!(t.overflow.len(), 2);
    }
}
