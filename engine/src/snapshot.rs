//! Save and restore a whole world exactly: the setup, every booking with its status and times,
//! approvals and last uses, and now. Restoring checks references and shapes, not the booking rules.

use serde::{Deserialize, Serialize};

use crate::clock::Now;
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

fn at(i: usize, e: impl std::fmt::Display) -> Error {
    Error::invalid(format!("bookings[{i}].{e}"))
}

/// Checks that a status, kind and check-in/out times fit together.
fn check_shape(b: &BookingRecord) -> Result<(), String> {
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
        // The fast path parses straight from the text; only a bad file is parsed again to say where.
        let snap: Snapshot = match serde_json::from_str(text) {
            Ok(s) => s,
            Err(e) => {
                let value: serde_json::Value =
                    serde_json::from_str(text).map_err(|_| Error::invalid(format!("not valid JSON: {e}")))?;
                return Err(Error::invalid(
                    crate::setup::parse_at::<Snapshot>(&value, "").err().unwrap_or(e.to_string()),
                ));
            }
        };
        World::restore(&snap)
    }

    /// Restores a world: references and shapes are checked, booking rules are not.
    ///
    /// # Errors
    /// `invalid_request` saying where and why.
    pub fn restore(s: &Snapshot) -> Result<World, Error> {
        let mut w = crate::setup::world_from_setup(s.now, &s.municipalities, &s.facilities, &s.children)?;
        w.bookings.reserve(s.bookings.len());
        w.ids.reserve(s.bookings.len());
        let mut series_of: rustc_hash::FxHashMap<&str, (u32, u32)> = rustc_hash::FxHashMap::default();
        for (i, b) in s.bookings.iter().enumerate() {
            let band = Band::new(b.from, b.to).map_err(|e| at(i, format!("from/to: {e}")))?;
            check_shape(b).map_err(|e| at(i, e))?;
            let child = w.child_ix(&b.child).map_err(|_| at(i, format!("child: unknown child {:?}", b.child)))?;
            let facility = w
                .facility_ix(&b.facility)
                .map_err(|_| at(i, format!("facility: unknown facility {:?}", b.facility)))?;
            if w.ids.contains_key(b.id.as_str()) {
                return Err(at(i, format!("id: {:?} is listed twice", b.id)));
            }
            let series = match b.id.split_once('#') {
                None => {
                    crate::booking::valid_id(&b.id).map_err(|e| at(i, e.detail().unwrap_or("id").to_owned()))?;
                    if b.kind == Kind::Regular {
                        return Err(at(i, "id: a regular booking is an occurrence `series#k`"));
                    }
                    None
                }
                Some((sid, k)) => {
                    let k: u32 = k.parse().unwrap_or(0);
                    if sid.is_empty() || k == 0 || b.kind != Kind::Regular || format!("{sid}#{k}") != b.id {
                        return Err(at(
                            i,
                            format!("id: {:?} is not an occurrence id `series#k` of a regular booking", b.id),
                        ));
                    }
                    Some((sid, k))
                }
            };
            let idx = w.insert_booking(Booking::from_record(b, child, facility, band));
            if let Some((sid, k)) = series {
                let entry = series_of.entry(sid).or_insert_with(|| {
                    w.series.push(Series { occurrences: Vec::new() });
                    ((w.series.len() - 1) as u32, 0)
                });
                if k != entry.1 + 1 {
                    return Err(at(i, format!("id: {:?} does not follow occurrence {} of its series", b.id, entry.1)));
                }
                entry.1 = k;
                w.series[entry.0 as usize].occurrences.push(idx);
            }
        }
        for (sid, (s, _)) in series_of {
            if w.ids.contains_key(sid) {
                return Err(Error::invalid(format!("bookings: series id {sid:?} is also a booking's id")));
            }
            w.ids.insert(sid.into(), IdRef::Series(s));
        }
        Ok(w)
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
