//! The id tables: the ids of children, facilities and municipalities to their indexes (`Index`),
//! and booking and series ids to their references (`BookingIds`).
//!
//! A table maps each id's 64-bit hash to an index and confirms a hit by looking at the stored id;
//! the rare id whose hash is already taken by another id goes to a small overflow list, sorted by
//! the id itself. Growing the table never reads an id again. The ids of bookings and series live in
//! them; those of children, facilities and municipalities end to end in one buffer (`Names`), so
//! that confirming a hit is often a cache hit (the ids of 150,000 children are about a megabyte
//! there, and were scattered over forty in their setups). One table type serves them all, so that
//! its code exists once (the WebAssembly package counts its bytes).

use std::hash::BuildHasher;

use rustc_hash::{FxBuildHasher, FxHashMap};

use crate::world::{Booking, IdRef, Series};

/// A table from ids to `u32` values; the ids are kept by the caller (`name` gives a value's id).
#[derive(Clone, Default)]
pub(crate) struct IdTable {
    by_hash: FxHashMap<u64, u32>,
    /// Ids whose hash another id has, sorted (binary search: clashes cannot make it slow).
    overflow: Vec<(Box<str>, u32)>,
    /// Tests: every id hashes alike, so that every path of a clash runs.
    #[cfg(test)]
    collide: bool,
}

impl IdTable {
    fn hash(&self, id: &str) -> u64 {
        #[cfg(test)]
        if self.collide {
            return 0;
        }
        FxBuildHasher.hash_one(id)
    }

    /// What `id` names; `name` gives the id stored for a value.
    #[inline]
    fn get<'a>(&self, id: &str, name: impl Fn(u32) -> &'a str) -> Option<u32> {
        match self.by_hash.get(&self.hash(id)) {
            Some(&r) if name(r) == id => Some(r),
            Some(_) => self.overflow_at(id).ok().map(|i| self.overflow[i].1),
            None => None,
        }
    }

    /// What `id` most likely names, without reading any stored id (for looking ahead: the caller
    /// confirms).
    #[inline]
    fn candidate(&self, id: &str) -> Option<u32> {
        self.by_hash.get(&self.hash(id)).copied()
    }

    /// Records that `id` names `r`. The caller has checked that `id` is not taken.
    fn insert(&mut self, id: &str, r: u32) {
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

    fn overflow_at(&self, id: &str) -> Result<usize, usize> {
        self.overflow.binary_search_by(|(x, _)| (**x).cmp(id))
    }

    fn reserve(&mut self, n: usize) {
        self.by_hash.reserve(n);
    }
}

/// Ids stored end to end in one buffer, by index (in the order added).
#[derive(Clone, Default)]
struct Names {
    text: String,
    ends: Vec<usize>,
}

impl Names {
    fn push(&mut self, id: &str) -> u32 {
        self.text.push_str(id);
        self.ends.push(self.text.len());
        (self.ends.len() - 1) as u32
    }

    #[inline]
    fn get(&self, i: u32) -> &str {
        let i = i as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }
}

/// Ids to indexes 0, 1, 2, … in the order they were added (children, facilities, municipalities:
/// never removed).
#[derive(Clone, Default)]
pub(crate) struct Index {
    table: IdTable,
    names: Names,
}

impl Index {
    /// The index of `id`.
    #[inline]
    pub(crate) fn get(&self, id: &str) -> Option<u32> {
        self.table.get(id, |i| self.names.get(i))
    }

    /// The likely index of `id`, without reading the stored ids (see `confirms`).
    #[inline]
    pub(crate) fn candidate(&self, id: &str) -> Option<u32> {
        self.table.candidate(id)
    }

    /// True when index `i` is `id`'s.
    #[inline]
    pub(crate) fn confirms(&self, i: u32, id: &str) -> bool {
        self.names.get(i) == id
    }

    /// Adds an id not yet here; returns its index (the number of ids before it).
    pub(crate) fn push(&mut self, id: &str) -> u32 {
        let i = self.names.push(id);
        self.table.insert(id, i);
        i
    }

    /// The id of an index.
    pub(crate) fn name(&self, i: u32) -> &str {
        self.names.get(i)
    }

    /// How many ids.
    pub(crate) fn len(&self) -> usize {
        self.names.ends.len()
    }
}

/// The id a booking or series reference names.
fn name<'a>(r: IdRef, bookings: &'a [Booking], series: &'a [Series]) -> &'a str {
    match r {
        IdRef::Booking(b) => &bookings[b as usize].id,
        IdRef::Series(s) => &series[s as usize].id,
    }
}

/// The series flag in a reference's code.
const SERIES: u32 = 1 << 31;

fn code(r: IdRef) -> u32 {
    match r {
        IdRef::Booking(b) => b,
        IdRef::Series(s) => s | SERIES,
    }
}

fn decode(c: u32) -> IdRef {
    if c & SERIES == 0 { IdRef::Booking(c) } else { IdRef::Series(c & !SERIES) }
}

/// The ids of single bookings and series.
#[derive(Clone, Default)]
pub(crate) struct BookingIds(IdTable);

impl BookingIds {
    /// What `id` names.
    #[inline]
    pub(crate) fn get(&self, id: &str, bookings: &[Booking], series: &[Series]) -> Option<IdRef> {
        self.0.get(id, |c| name(decode(c), bookings, series)).map(decode)
    }

    /// True when some id has `id`'s hash (for looking ahead).
    #[inline]
    pub(crate) fn probe(&self, id: &str) -> bool {
        self.0.candidate(id).is_some()
    }

    /// Records that `id` (already stored at `r`) names `r`; the caller has checked it is not taken.
    pub(crate) fn insert(&mut self, id: &str, r: IdRef) {
        let (IdRef::Booking(x) | IdRef::Series(x)) = r;
        assert!(x & SERIES == 0, "more than 2^31 bookings or series");
        self.0.insert(id, code(r));
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
        self.0.reserve(n);
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
        let mut t = BookingIds(IdTable { collide: true, ..IdTable::default() });
        t.insert("s", IdRef::Series(0));
        assert_eq!(t.try_insert("t", IdRef::Series(1), &[], &series), None);
        assert_eq!(t.try_insert("u", IdRef::Series(2), &[], &series), None);
        for (i, id) in ["s", "t", "u"].iter().enumerate() {
            assert_eq!(t.get(id, &[], &series), Some(IdRef::Series(i as u32)), "{id}");
            assert_eq!(t.try_insert(id, IdRef::Series(9), &[], &series), Some(IdRef::Series(i as u32)));
        }
        assert_eq!(t.get("v", &[], &series), None);
        assert_eq!(t.0.overflow.len(), 2);
    }

    /// The same for an index of names (children, facilities): found by id, in the order added.
    #[test]
    fn names_with_one_hash_are_all_found() {
        let mut ix = Index { table: IdTable { collide: true, ..IdTable::default() }, ..Index::default() };
        for id in ["c1", "c2", "c3"] {
            assert_eq!(ix.get(id), None);
            ix.push(id);
        }
        for (i, id) in ["c1", "c2", "c3"].iter().enumerate() {
            assert_eq!(ix.get(id), Some(i as u32), "{id}");
            assert_eq!(ix.name(i as u32), *id);
        }
        // The likely index is the first id's, which confirms only for it.
        assert_eq!(ix.candidate("c3"), Some(0));
        assert!(ix.confirms(0, "c1") && !ix.confirms(0, "c3"));
        assert_eq!(ix.get("c4"), None);
        assert_eq!(ix.len(), 3);
    }
}
