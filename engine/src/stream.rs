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
use std::marker::PhantomData;
use std::sync::mpsc;

use serde::Deserialize;
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
    let expected = expected_records(text);
    let restored = std::thread::scope(|scope| {
        de::Deserializer::deserialize_struct(&mut de, "Snapshot", FIELDS, Save { scope, expected })
    })?;
    de.end()?;
    Ok(restored)
}

/// The bytes of the shortest booking record a save holds (about 120; a typical one is 140 or more).
const MIN_RECORD_BYTES: usize = 112;

/// How many bookings a save of this size holds at most, about: the lists are made that big at once,
/// instead of growing (copying, and touching new memory) a dozen times. Memory reserved and not
/// used is not touched, so it costs address space, not RAM.
fn expected_records(text: &str) -> usize {
    text.len() / MIN_RECORD_BYTES
}

struct Save<'scope, 'env> {
    scope: &'scope std::thread::Scope<'scope, 'env>,
    /// See `expected_records`.
    expected: usize,
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
        // Once the rest of the setup is read, the children and then the bookings go to the storing
        // side as they are parsed; bookings that come before the setup is complete are kept, to be
        // stored at the end.
        let mut feed: Option<Feed<'scope, 'de>> = None;
        let mut children_fed = false;
        let mut bookings_fed = false;
        let mut kept: Option<Vec<RecordIn<'de>>> = None;
        while let Some(key) = map.next_key::<Field>()? {
            match key {
                Field::Now => set(&mut setup.now, &mut map, "now")?,
                Field::Municipalities => set(&mut setup.municipalities, &mut map, "municipalities")?,
                Field::Facilities => set(&mut setup.facilities, &mut map, "facilities")?,
                Field::Children => {
                    if setup.children.is_some() || children_fed {
                        return Err(de::Error::duplicate_field("children"));
                    }
                    if feed.is_none()
                        && let Some(first) = take_first_setup(&mut setup)
                    {
                        let f = feed.insert(Feed::start(self.scope, self.expected));
                        f.send(Part::Setup(first));
                        map.next_value_seed(Chunks::new(CHILD_CHUNK, |c| f.send(Part::Children(c))))?;
                        children_fed = true;
                    } else {
                        setup.children = Some(map.next_value()?);
                    }
                }
                Field::Bookings => {
                    if bookings_fed || kept.is_some() {
                        return Err(de::Error::duplicate_field("bookings"));
                    }
                    if feed.is_none()
                        && let Some(parts) = take_setup(&mut setup)
                    {
                        let f = feed.insert(Feed::start(self.scope, self.expected));
                        f.send(Part::Setup((parts.0, parts.1, parts.2)));
                        f.send(Part::Children(parts.3));
                        children_fed = true;
                    }
                    match &mut feed {
                        Some(f) if children_fed => {
                            map.next_value_seed(Chunks::new(CHUNK, |c| f.send(Part::Bookings(c))))?;
                            bookings_fed = true;
                        }
                        _ => kept = Some(map.next_value()?),
                    }
                }
            }
        }
        if let Some(feed) = feed {
            if !bookings_fed {
                return Err(de::Error::missing_field("bookings"));
            }
            return Ok(feed.finish());
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
type FirstParts = (Now, Vec<MunicipalitySpec>, Vec<FacilitySpec>);

/// The whole setup, if every part of it was read.
fn take_setup(s: &mut Setup) -> Option<Parts> {
    if s.now.is_none() || s.municipalities.is_none() || s.facilities.is_none() || s.children.is_none() {
        return None;
    }
    Some((s.now.take()?, s.municipalities.take()?, s.facilities.take()?, s.children.take()?))
}

/// The setup but the children, if all of it was read (and the children were not).
fn take_first_setup(s: &mut Setup) -> Option<FirstParts> {
    if s.now.is_none() || s.municipalities.is_none() || s.facilities.is_none() {
        return None;
    }
    Some((s.now.take()?, s.municipalities.take()?, s.facilities.take()?))
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

/// What the storing side is given, in the order of the text.
enum Part<'de> {
    Setup(FirstParts),
    Children(Vec<ChildSpec>),
    Bookings(Vec<RecordIn<'de>>),
}

/// The storing side: the world built from the setup as it comes, then the bookings stored.
enum Building {
    Waiting,
    Setup { w: World, children: usize },
    Storing(Restorer),
    Failed(Error),
}

impl Building {
    /// Takes the next part (after a failure, nothing: the first error is the one reported).
    fn take(&mut self, part: Part<'_>, expected: usize) {
        *self = match (std::mem::replace(self, Building::Waiting), part) {
            (Building::Failed(e), _) => Building::Failed(e),
            (Building::Waiting, Part::Setup((now, municipalities, facilities))) => {
                match crate::setup::world_without_children(now, municipalities, facilities) {
                    Ok(w) => Building::Setup { w, children: 0 },
                    Err(e) => Building::Failed(e),
                }
            }
            (Building::Setup { mut w, children }, Part::Children(chunk)) => {
                let n = chunk.len();
                match chunk
                    .into_iter()
                    .enumerate()
                    .try_for_each(|(i, c)| crate::setup::add_child(&mut w, children + i, c))
                {
                    Ok(()) => Building::Setup { w, children: children + n },
                    Err(e) => Building::Failed(e),
                }
            }
            (Building::Setup { w, .. }, Part::Bookings(chunk)) => {
                let mut r = Restorer::new(w, expected);
                match r.push_chunk(chunk) {
                    Ok(()) => Building::Storing(r),
                    Err(e) => Building::Failed(e),
                }
            }
            (Building::Storing(mut r), Part::Bookings(chunk)) => match r.push_chunk(chunk) {
                Ok(()) => Building::Storing(r),
                Err(e) => Building::Failed(e),
            },
            _ => unreachable!("the parts come in order: setup, children, bookings"),
        };
    }

    fn finish(self) -> Result<World, Error> {
        match self {
            Building::Setup { w, .. } => Ok(Restorer::new(w, 0).finish()),
            Building::Storing(r) => Ok(r.finish()),
            Building::Failed(e) => Err(e),
            Building::Waiting => unreachable!("the setup is given first"),
        }
    }
}

/// Hands the parts to a thread that builds and stores while this one parses (or, without threads,
/// as in WebAssembly, builds and stores each part in turn).
struct Feed<'scope, 'de> {
    thread: Option<(mpsc::SyncSender<Part<'de>>, std::thread::ScopedJoinHandle<'scope, Building>)>,
    inline: Building,
    expected: usize,
}

impl<'scope, 'de: 'scope> Feed<'scope, 'de> {
    fn start<'env>(scope: &'scope std::thread::Scope<'scope, 'env>, expected: usize) -> Feed<'scope, 'de> {
        let (tx, rx) = mpsc::sync_channel::<Part<'de>>(4);
        let spawned = std::thread::Builder::new().name("tsuen-restore".into()).spawn_scoped(scope, move || {
            let mut b = Building::Waiting;
            for part in rx {
                b.take(part, expected);
            }
            b
        });
        Feed { thread: spawned.ok().map(|h| (tx, h)), inline: Building::Waiting, expected }
    }

    /// Hands a part over; always true (a failure is kept for `finish`, and the text is still read
    /// to its end: a text that is not a valid save is reported as such).
    fn send(&mut self, part: Part<'de>) -> bool {
        match &self.thread {
            Some((tx, _)) => {
                // The thread ends only when the sender is dropped: sending cannot fail.
                let _ = tx.send(part);
            }
            None => self.inline.take(part, self.expected),
        }
        true
    }

    /// The restored world, once every part was handed over.
    fn finish(self) -> Result<World, Error> {
        match self.thread {
            Some((tx, handle)) => {
                drop(tx);
                handle.join().unwrap_or_else(|p| std::panic::resume_unwind(p)).finish()
            }
            None => self.inline.finish(),
        }
    }
}

/// Children per part handed over.
const CHILD_CHUNK: usize = 1024;

/// An array, handed over in chunks of `size` to `sink` (which says whether to go on handing).
struct Chunks<T, F> {
    sink: F,
    size: usize,
    of: PhantomData<fn() -> T>,
}

impl<T, F> Chunks<T, F> {
    fn new(size: usize, sink: F) -> Chunks<T, F> {
        Chunks { sink, size, of: PhantomData }
    }
}

impl<'de, T: Deserialize<'de>, F: FnMut(Vec<T>) -> bool> DeserializeSeed<'de> for Chunks<T, F> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, T: Deserialize<'de>, F: FnMut(Vec<T>) -> bool> Visitor<'de> for Chunks<T, F> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a sequence")
    }

    fn visit_seq<S: SeqAccess<'de>>(mut self, mut seq: S) -> Result<(), S::Error> {
        let mut chunk = Vec::with_capacity(self.size);
        let mut handing = true;
        while let Some(x) = seq.next_element::<T>()? {
            if handing {
                chunk.push(x);
                if chunk.len() == self.size {
                    handing = (self.sink)(std::mem::replace(&mut chunk, Vec::with_capacity(self.size)));
                }
            }
        }
        if handing && !chunk.is_empty() {
            (self.sink)(chunk);
        }
        Ok(())
    }
}
