//! The id table: booking and series ids to their indexes.
//!
//! The ids themselves live once, in the bookings and the series; the table keeps each id's hash and
//! its index (16 bytes), and compares a candidate by looking at the stored id. Growing the table
//! never reads an id again (the hash is kept), and storing one costs no allocation.

use std::hash::BuildHasher;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;

use crate::world::{Booking, IdRef, Series};

#[derive(Clone, Default)]
pub(crate) struct IdTable {
    table: HashTable<(u64, IdRef)>,
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
        self.table.find(hash(id), |(_, r)| name(*r, bookings, series) == id).map(|(_, r)| *r)
    }

    /// Records that `id` (already stored in `bookings` or `series` at `r`) names `r`. The caller has
    /// checked that `id` is not taken.
    pub(crate) fn insert(&mut self, id: &str, r: IdRef) {
        let h = hash(id);
        self.table.insert_unique(h, (h, r), |(h, _)| *h);
    }

    /// Records that `id` names `r` unless it already names something: then that, and nothing changes.
    pub(crate) fn try_insert(&mut self, id: &str, r: IdRef, bookings: &[Booking], series: &[Series]) -> Option<IdRef> {
        let h = hash(id);
        match self.table.entry(h, |(_, x)| name(*x, bookings, series) == id, |(h, _)| *h) {
            hashbrown::hash_table::Entry::Occupied(e) => Some(e.get().1),
            hashbrown::hash_table::Entry::Vacant(e) => {
                e.insert((h, r));
                None
            }
        }
    }

    pub(crate) fn reserve(&mut self, n: usize) {
        self.table.reserve(n, |(h, _)| *h);
    }
}
