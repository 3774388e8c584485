//! Save and restore a whole world exactly: the setup, every booking with its status and times,
//! approvals and last uses, and now. Restoring checks references and shapes, not the booking rules.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::clock::{Clock, Date, Now};
use crate::error::Error;
use crate::model::{BookingRecord, ChildSpec, FacilitySpec, Kind, MunicipalitySpec, Status};
use crate::plan::Band;
use crate::world::{Booking, IdRef, Series, World};

/// A saved world (its JSON is the save format).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    /// Now.
    pub now: Now,
    /// Municipalities.
    pub municipalities: Vec<MunicipalitySpec>,
    /// Facilities (with the days closed at short notice).
    pub facilities: Vec<FacilitySpec>,
    /// Children with their approvals and last uses.
    pub children: Vec<ChildSpec>,
    /// Every booking, occurrences of a series as `series#k`.
    pub bookings: Vec<BookingRecord>,
}

/// A booking record (the fields of [`BookingRecord`]), its strings borrowed from the text where they
/// can be (a million bookings are three million strings that need not be copied).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RecordIn<'a> {
    #[serde(borrow)]
    pub id: Cow<'a, str>,
    #[serde(borrow)]
    pub child: Cow<'a, str>,
    #[serde(borrow)]
    pub facility: Cow<'a, str>,
    pub kind: Kind,
    #[serde(with = "crate::clock::serde_date")]
    pub date: Date,
    pub from: Clock,
    pub to: Clock,
    pub status: Status,
    #[serde(default)]
    pub check_in: Option<Clock>,
    #[serde(default)]
    pub check_out: Option<Clock>,
}

impl<'a> RecordIn<'a> {
    pub(crate) fn of(b: &'a BookingRecord) -> RecordIn<'a> {
        RecordIn {
            id: Cow::Borrowed(&b.id),
            child: Cow::Borrowed(&b.child),
            facility: Cow::Borrowed(&b.facility),
            kind: b.kind,
            date: b.date,
            from: b.from,
            to: b.to,
            status: b.status,
            check_in: b.check_in,
            check_out: b.check_out,
        }
    }
}

fn at(i: usize, e: impl std::fmt::Display) -> Error {
    Error::invalid(format!("bookings[{i}].{e}"))
}

/// Checks that a status, kind and check-in/out times fit together.
fn check_shape(b: &RecordIn<'_>) -> Result<(), String> {
    let interview = b.kind == Kind::Interview;
    let ok_status = match b.status {
        Status::Approved | Status::Declined => interview,
        Status::InUse | Status::Completed | Status::NoShow | Status::CancelledLate => !interview,
        _ => true,
    };
    if !ok_status {
        return Err(format!("status: {} is not a status of a {} booking", b.status.as_str(), b.kind.as_str()));
    }
    let needs_in = matches!(b.status, Status::InUse | Status::Completed);
    if b.check_in.is_some() && !needs_in {
        return Err(format!("check_in: a {} booking has no check-in", b.status.as_str()));
    }
    if b.check_out.is_some() != (b.status == Status::Completed) {
        return Err("check_out: exactly the completed bookings have a check-out".into());
    }
    if let (Some(i), Some(o)) = (b.check_in, b.check_out)
        && o < i
    {
        return Err("check_out: before the check-in".into());
    }
    Ok(())
}

impl World {
    /// Saves the whole world, bookings in the order they were made.
    pub fn save(&self) -> Snapshot {
        Snapshot {
            now: self.now,
            municipalities: self.municipalities().cloned().collect(),
            facilities: self.facilities().cloned().collect(),
            children: (0..self.children.len() as u32).map(|c| self.child_spec(c)).collect(),
            bookings: self.bookings().collect(),
        }
    }

    /// The save as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.save()).expect("a snapshot serializes")
    }

    /// The canonical form: everything sorted by id, so that two worlds with the same content compare
    /// equal whatever order they were built in.
    pub fn canonical_json(&self) -> String {
        let mut s = self.save();
        s.municipalities.sort_by(|a, b| a.code.cmp(&b.code));
        s.facilities.sort_by(|a, b| a.id.cmp(&b.id));
        for f in &mut s.facilities {
            f.closed.sort();
            f.closed.dedup();
        }
        s.children.sort_by(|a, b| a.id.cmp(&b.id));
        s.bookings.sort_by(|a, b| a.id.cmp(&b.id));
        serde_json::to_string(&s).expect("a snapshot serializes")
    }

    /// Restores a world from JSON.
    ///
    /// # Errors
    /// `invalid_request` saying where and why (not JSON, a field, a reference, a shape).
    pub fn from_json(text: &str) -> Result<World, Error> {
        // The fast path parses straight from the text (building the world while it parses: see
        // `stream`); only a bad file is parsed again to say where.
        match crate::stream::restore(text) {
            Ok(restored) => restored,
            Err(e) => {
                let value: serde_json::Value =
                    serde_json::from_str(text).map_err(|_| Error::invalid(format!("not valid JSON: {e}")))?;
                match crate::setup::parse_at::<Snapshot>(&value, "") {
                    Err(at) => Err(Error::invalid(at)),
                    // A form of a save the fast path does not read: restore it the slow way.
                    Ok(snap) => World::restore(&snap),
                }
            }
        }
    }

    /// Restores a world: references and shapes are checked, booking rules are not.
    ///
    /// # Errors
    /// `invalid_request` saying where and why.
    pub fn restore(s: &Snapshot) -> Result<World, Error> {
        World::restore_parts(
            s.now,
            s.municipalities.clone(),
            s.facilities.clone(),
            s.children.clone(),
            s.bookings.iter().map(RecordIn::of),
            s.bookings.len(),
        )
    }

    pub(crate) fn restore_parts<'a>(
        now: Now,
        municipalities: Vec<MunicipalitySpec>,
        facilities: Vec<FacilitySpec>,
        children: Vec<ChildSpec>,
        bookings: impl Iterator<Item = RecordIn<'a>>,
        count: usize,
    ) -> Result<World, Error> {
        let w = crate::setup::world_from_parts(now, municipalities, facilities, children)?;
        let mut r = Restorer::new(w, count);
        let mut bookings = bookings.peekable();
        while bookings.peek().is_some() {
            r.push_chunk(bookings.by_ref().take(crate::stream::CHUNK).collect())?;
        }
        Ok(r.finish())
    }
}

/// Records looked up together before they are stored (see `push_chunk`).
const LOOK_AHEAD: usize = 64;

/// Restores bookings, a chunk at a time, into a world made from the setup: checks each record's shape and
/// references and stores it; `finish` links the lists and counts and builds the search index.
pub(crate) struct Restorer {
    w: World,
    /// How many records were pushed (the next one's index).
    i: usize,
    // Neighbouring bookings often share a facility (a series' occurrences always do): the last one
    // found is tried first. (Children are looked up a chunk at a time: `push_chunk`.)
    last_facility: (String, u32),
}

impl Restorer {
    pub(crate) fn new(mut w: World, count: usize) -> Restorer {
        w.bookings.reserve(count);
        w.ids.reserve(count);
        Restorer { w, i: 0, last_facility: (String::new(), u32::MAX) }
    }

    /// Stores a chunk of records, in order; stops at the first wrong one.
    pub(crate) fn push_chunk(&mut self, chunk: Vec<RecordIn<'_>>) -> Result<(), Error> {
        for window in chunk.chunks(LOOK_AHEAD) {
            // Looked up in loops of nothing else, whose cache misses do not depend on each other (so
            // the processor overlaps them; in `push_with` they would wait one by one): the children's
            // likely indexes and the booking ids' places in the id table, then the stored child ids
            // that confirm the likely indexes.
            let mut likely = [None; LOOK_AHEAD];
            let mut seen = 0usize;
            for (i, b) in window.iter().enumerate() {
                likely[i] = self.w.child_index.candidate(&b.child);
                seen += usize::from(self.w.ids.probe(&b.id));
            }
            std::hint::black_box(seen);
            let mut children = [None; LOOK_AHEAD];
            for (i, b) in window.iter().enumerate() {
                children[i] = match likely[i] {
                    Some(ci) if self.w.child_index.confirms(ci, &b.child) => Some(ci),
                    _ => self.w.child_lookup(&b.child),
                };
            }
            for (b, child) in window.iter().zip(children) {
                self.push_with(b, child)?;
            }
        }
        Ok(())
    }

    /// Stores a record whose child was looked up (`None`: unknown).
    fn push_with(&mut self, b: &RecordIn<'_>, child: Option<u32>) -> Result<(), Error> {
        let i = self.i;
        self.i += 1;
        let band = Band::new(b.from, b.to).map_err(|e| at(i, format!("from/to: {e}")))?;
        check_shape(b).map_err(|e| at(i, e))?;
        let child = child.ok_or_else(|| at(i, format!("child: unknown child {:?}", b.child)))?;
        if self.last_facility.1 == u32::MAX || *b.facility != *self.last_facility.0 {
            let f = self
                .w
                .facility_ix(&b.facility)
                .map_err(|_| at(i, format!("facility: unknown facility {:?}", b.facility)))?;
            self.last_facility.0.clear();
            self.last_facility.0.push_str(&b.facility);
            self.last_facility.1 = f;
        }
        let facility = self.last_facility.1;
        let occurrence = match b.id.split_once('#') {
            None => {
                crate::booking::valid_id(&b.id).map_err(|e| at(i, e.detail().unwrap_or("id").to_owned()))?;
                if b.kind == Kind::Regular {
                    return Err(at(i, "id: a regular booking is an occurrence `series#k`"));
                }
                None
            }
            Some((sid, k)) => {
                let k = crate::world::occurrence_number(k).unwrap_or(0);
                if sid.is_empty() || k == 0 || b.kind != Kind::Regular {
                    return Err(at(
                        i,
                        format!("id: {:?} is not an occurrence id `series#k` of a regular booking", b.id),
                    ));
                }
                // A series is made at its first occurrence; each next one must follow (usually right
                // after it: the last series is tried first).
                let last = self.w.series.len().checked_sub(1);
                let s = match last.filter(|&l| *self.w.series[l].id == *sid) {
                    Some(l) => l as u32,
                    None => match self.w.lookup(sid) {
                        Some(IdRef::Series(s)) => s,
                        Some(IdRef::Booking(_)) => {
                            return Err(at(i, format!("id: series {sid:?} is also a booking's id")));
                        }
                        None => {
                            let s = self.w.series.len() as u32;
                            self.w.series.push(Series { id: sid.into(), occurrences: Vec::new() });
                            self.w.ids.insert(sid, IdRef::Series(s));
                            s
                        }
                    },
                };
                let have = self.w.series[s as usize].occurrences.len() as u32;
                if k != have + 1 {
                    return Err(at(i, format!("id: {:?} does not follow occurrence {have} of its series", b.id)));
                }
                Some((s, k))
            }
        };
        // The child's and the day's lists and the held places are made for all bookings at
        // once, in `finish` (`link_all`).
        let idx = self.w.bookings.len() as u32;
        self.w.bookings.push(Booking::from_record(b, child, facility, band, occurrence));
        match occurrence {
            Some((s, _)) => self.w.series[s as usize].occurrences.push(idx),
            None => {
                if let Some(r) = self.w.ids.try_insert(&b.id, IdRef::Booking(idx), &self.w.bookings, &self.w.series) {
                    return Err(match r {
                        IdRef::Series(_) => at(i, format!("id: {:?} is also the id of a series", b.id)),
                        IdRef::Booking(_) => at(i, format!("id: {:?} is listed twice", b.id)),
                    });
                }
            }
        }
        Ok(())
    }

    pub(crate) fn finish(mut self) -> World {
        self.w.link_all();
        self.w
    }
}

impl PartialEq for World {
    /// Worlds are equal when their canonical forms are.
    fn eq(&self, other: &World) -> bool {
        self.canonical_json() == other.canonical_json()
    }
}

impl std::fmt::Debug for World {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("World")
            .field("now", &self.now)
            .field("facilities", &self.facilities.len())
            .field("children", &self.children.len())
            .field("bookings", &self.bookings.len())
            .finish()
    }
}
