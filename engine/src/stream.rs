//! Restoring a saved world while its JSON is parsed.
//!
//! A save lists the setup first and the bookings last (as `World::to_json` writes it). Once the
//! setup is read, the world is made from it and a second thread checks and stores the bookings in
//! chunks while this one goes on parsing the next ones: the two halves of a restore (parsing a few
//! hundred MB of JSON, storing a million bookings) overlap instead of adding up. Where no thread can
//! be started (WebAssembly), or the fields come in another order, the same work is done in turn.
//!
//! What a file means, and which error it gets, does not change: a file that is not a valid save
//! (its JSON or its shape) is reported as such even when a booking before the fault was wrong, as
//! when the whole text was parsed first.

use std::fmt;
use std::sync::mpsc;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::clock::Now;
use crate::error::Error;
use crate::model::{ChildSpec, FacilitySpec, MunicipalitySpec};
use crate::snapshot::{RecordIn, Restorer};
use crate::world::World;

/// Bookings per chunk handed to the storing thread.
pub(crate) const CHUNK: usize = 4096;

/// The fields of a save, in the order `to_json` writes them.
const FIELDS: &[&str] = &["now", "municipalities", "facilities", "children", "bookings"];

/// Restores a world from a save's text. The outer error is the JSON's (not JSON, or not the shape of
/// a save); the inner one is the content's (a reference, a booking's shape).
pub(crate) fn restore(text: &str) -> Result<Result<World, Error>, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let restored =
        std::thread::scope(|scope| de::Deserializer::deserialize_struct(&mut de, "Snapshot", FIELDS, Save { scope }))?;
    de.end()?;
    Ok(restored)
}

struct Save<'scope, 'env> {
    scope: &'scope std::thread::Scope<'scope, 'env>,
}

/// A save's field names (escaped or not, as serde's derive reads them).
#[derive(serde::Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum Field {
    Now,
    Municipalities,
    Facilities,
    Children,
    Bookings,
}

/// The setup read so far.
#[derive(Default)]
struct Setup {
    now: Option<Now>,
    municipalities: Option<Vec<MunicipalitySpec>>,
    facilities: Option<Vec<FacilitySpec>>,
    children: Option<Vec<ChildSpec>>,
}

impl<'de: 'scope, 'scope, 'env> Visitor<'de> for Save<'scope, 'env> {
    type Value = Result<World, Error>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("struct Snapshot")
    }

    fn visit_seq<S: SeqAccess<'de>>(self, seq: S) -> Result<Self::Value, S::Error> {
        Self::whole_seq(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut setup = Setup::default();
        // The bookings, once read: stored as they were parsed, or parsed before the setup was
        // complete and kept to be stored at the end.
        let mut stored: Option<Result<World, Error>> = None;
        let mut kept: Option<Vec<RecordIn<'de>>> = None;
        while let Some(key) = map.next_key::<Field>()? {
            match key {
                Field::Now => set(&mut setup.now, &mut map, "now")?,
                Field::Municipalities => set(&mut setup.municipalities, &mut map, "municipalities")?,
                Field::Facilities => set(&mut setup.facilities, &mut map, "facilities")?,
                Field::Children => set(&mut setup.children, &mut map, "children")?,
                Field::Bookings => {
                    if stored.is_some() || kept.is_some() {
                        return Err(de::Error::duplicate_field("bookings"));
                    }
                    match take_setup(&mut setup) {
                        Some(parts) => stored = Some(store_while_parsing(self.scope, parts, &mut map)?),
                        None => kept = Some(map.next_value()?),
                    }
                }
            }
        }
        if let Some(restored) = stored {
            return Ok(restored);
        }
        let bookings = kept.ok_or_else(|| de::Error::missing_field("bookings"))?;
        let parts = take_setup(&mut setup).ok_or_else(|| de::Error::missing_field(missing(&setup)))?;
        let count = bookings.len();
        Ok(World::restore_parts(parts.0, parts.1, parts.2, parts.3, bookings.into_iter(), count))
    }
}

impl<'de: 'scope, 'scope, 'env> Save<'scope, 'env> {
    /// The array form of a save (`[now, municipalities, facilities, children, bookings]`), which the
    /// derived `Deserialize` accepts too: read whole, then restored.
    fn whole_seq<S: SeqAccess<'de>>(mut seq: S) -> Result<Result<World, Error>, S::Error> {
        let now: Now = seq.next_element()?.ok_or_else(|| de::Error::invalid_length(0, &"a save of 5 fields"))?;
        let municipalities = seq.next_element()?.ok_or_else(|| de::Error::invalid_length(1, &"a save of 5 fields"))?;
        let facilities = seq.next_element()?.ok_or_else(|| de::Error::invalid_length(2, &"a save of 5 fields"))?;
        let children = seq.next_element()?.ok_or_else(|| de::Error::invalid_length(3, &"a save of 5 fields"))?;
        let bookings: Vec<RecordIn<'de>> =
            seq.next_element()?.ok_or_else(|| de::Error::invalid_length(4, &"a save of 5 fields"))?;
        if seq.next_element::<IgnoredAny>()?.is_some() {
            return Err(de::Error::invalid_length(6, &"a save of 5 fields"));
        }
        let count = bookings.len();
        Ok(World::restore_parts(now, municipalities, facilities, children, bookings.into_iter(), count))
    }
}

fn set<'de, A: MapAccess<'de>, T: serde::Deserialize<'de>>(
    slot: &mut Option<T>,
    map: &mut A,
    name: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

type Parts = (Now, Vec<MunicipalitySpec>, Vec<FacilitySpec>, Vec<ChildSpec>);

/// The whole setup, if every part of it was read.
fn take_setup(s: &mut Setup) -> Option<Parts> {
    if s.now.is_none() || s.municipalities.is_none() || s.facilities.is_none() || s.children.is_none() {
        return None;
    }
    Some((s.now.take()?, s.municipalities.take()?, s.facilities.take()?, s.children.take()?))
}

/// The first setup field not read.
fn missing(s: &Setup) -> &'static str {
    if s.now.is_none() {
        "now"
    } else if s.municipalities.is_none() {
        "municipalities"
    } else if s.facilities.is_none() {
        "facilities"
    } else {
        "children"
    }
}

/// Parses the bookings' array while another thread stores them (or, without threads, in turn).
fn store_while_parsing<'de: 'scope, 'scope, 'env, A: MapAccess<'de>>(
    scope: &'scope std::thread::Scope<'scope, 'env>,
    (now, municipalities, facilities, children): Parts,
    map: &mut A,
) -> Result<Result<World, Error>, A::Error> {
    let world = match crate::setup::world_from_parts(now, municipalities, facilities, children) {
        Ok(w) => w,
        Err(e) => {
            // The setup is wrong; the rest must still be a valid save for this error to be the one.
            map.next_value::<Vec<RecordIn<'de>>>()?;
            return Ok(Err(e));
        }
    };
    let (tx, rx) = mpsc::sync_channel::<Vec<RecordIn<'de>>>(4);
    let (give, take) = mpsc::sync_channel::<World>(1);
    let storing = std::thread::Builder::new().name("tsuen-restore".into()).spawn_scoped(scope, move || {
        let world = take.recv().ok()?;
        let mut r = Restorer::new(world, 0);
        let mut failed = None;
        for chunk in rx {
            if failed.is_some() {
                continue; // drained: the parser never waits on a full channel
            }
            if let Err(e) = r.push_chunk(chunk) {
                failed = Some(e);
            }
        }
        Some(match failed {
            Some(e) => Err(e),
            None => Ok(r.finish()),
        })
    });
    match storing {
        Ok(handle) => {
            give.send(world).expect("the storing thread waits for the world");
            let parsed = map.next_value_seed(Chunks { sink: |c| tx.send(c).is_ok() });
            drop(tx);
            let stored = handle.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
            parsed?;
            Ok(stored.expect("the world was given"))
        }
        Err(_) => {
            // No thread here (WebAssembly): store each chunk as soon as it is parsed.
            let mut r = Restorer::new(world, 0);
            let mut failed = None;
            map.next_value_seed(Chunks {
                sink: |chunk: Vec<RecordIn<'de>>| match r.push_chunk(chunk) {
                    Ok(()) => true,
                    Err(e) => {
                        failed = Some(e);
                        false
                    }
                },
            })?;
            Ok(match failed {
                Some(e) => Err(e),
                None => Ok(r.finish()),
            })
        }
    }
}

/// The bookings' array, handed over in chunks to `sink` (which says whether to go on handing).
struct Chunks<F> {
    sink: F,
}

impl<'de, F: FnMut(Vec<RecordIn<'de>>) -> bool> DeserializeSeed<'de> for Chunks<F> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, F: FnMut(Vec<RecordIn<'de>>) -> bool> Visitor<'de> for Chunks<F> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a sequence")
    }

    fn visit_seq<S: SeqAccess<'de>>(mut self, mut seq: S) -> Result<(), S::Error> {
        let mut chunk = Vec::with_capacity(CHUNK);
        let mut handing = true;
        while let Some(b) = seq.next_element::<RecordIn<'de>>()? {
            if handing {
                chunk.push(b);
                if chunk.len() == CHUNK {
                    handing = (self.sink)(std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK)));
                }
            }
        }
        if handing && !chunk.is_empty() {
            (self.sink)(chunk);
        }
        Ok(())
    }
}
