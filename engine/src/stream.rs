//! Restoring a saved world while its JSON is parsed.
//!
//! A save lists the setup first and the bookings last (as `World::to_json` writes it). Once the
//! municipalities and facilities are read, a second thread builds the world from them, takes the
//! children in parts as they are parsed, then checks and stores the bookings in chunks, while this
//! one goes on parsing: the halves of a restore (parsing a few hundred MB of JSON, building and
//! storing) overlap instead of adding up. Where no thread can be started (WebAssembly) the same parts
//! are taken in turn; where the bookings come before the setup is complete, they are kept and stored
//! at the end.
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
    let text_end = text.as_ptr() as usize + text.len();
    let restored = std::thread::scope(|scope| {
        de::Deserializer::deserialize_struct(&mut de, "Snapshot", FIELDS, Save { scope, text_end })
    })?;
    de.end()?;
    Ok(restored)
}

/// About the bytes of a short booking record (a typical one is 140 or more).
const RECORD_BYTES: usize = 112;

/// How many bookings a save holds, about, from where its first booking starts to the end of the text
/// (the bookings come last): the bookings' list and the id table are made that big at once instead of
/// growing (copying, and touching new memory) a dozen times. (The list's unused room is not touched,
/// the table writes one control byte per slot; an estimate too high by a few times costs little.)
/// None when the first record's id is not in the text (it had escapes).
fn expected_records(first: Option<&RecordIn<'_>>, text_end: usize) -> usize {
    match first.map(|b| &b.id) {
        Some(std::borrow::Cow::Borrowed(id)) => text_end.saturating_sub(id.as_ptr() as usize) / RECORD_BYTES,
        _ => 0,
    }
}

struct Save<'scope, 'env> {
    scope: &'scope std::thread::Scope<'scope, 'env>,
    /// Where the text ends (an address; see `expected_records`).
    text_end: usize,
}

/// A save's field names (escaped or not, as serde's derive reads them), in the order of `FIELDS`.
#[derive(Clone, Copy, serde::Deserialize)]
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
        let mut seen = 0u8;
        // Once the rest of the setup is read, the children and then the bookings go to the storing
        // side as they are parsed; bookings that come before the setup is complete are kept, to be
        // stored at the end (and then the children are kept too).
        let mut feed: Option<Feed<'scope, 'de>> = None;
        let mut kept: Option<Vec<RecordIn<'de>>> = None;
        while let Some(key) = map.next_key::<Field>()? {
            first_time(&mut seen, key)?;
            match key {
                Field::Now => setup.now = Some(map.next_value()?),
                Field::Municipalities => setup.municipalities = Some(map.next_value()?),
                Field::Facilities => setup.facilities = Some(map.next_value()?),
                Field::Children => {
                    if kept.is_none()
                        && let Some(first) = take_first_setup(&mut setup)
                    {
                        let f = feed.insert(Feed::start(self.scope, self.text_end));
                        f.send(Part::Setup(first));
                        map.next_value_seed(Chunks::new(CHILD_CHUNK, |c| f.send(Part::Children(c))))?;
                    } else {
                        setup.children = Some(map.next_value()?);
                    }
                }
                Field::Bookings => {
                    if feed.is_none()
                        && let Some((now, municipalities, facilities, children)) = take_setup(&mut setup)
                    {
                        let f = feed.insert(Feed::start(self.scope, self.text_end));
                        f.send(Part::Setup((now, municipalities, facilities)));
                        f.send(Part::Children(children));
                    }
                    match &mut feed {
                        Some(f) => map.next_value_seed(Chunks::new(CHUNK, |c| f.send(Part::Bookings(c))))?,
                        None => kept = Some(map.next_value()?),
                    }
                }
            }
        }
        if let Some(feed) = feed {
            // The setup was complete when the feed started, and no bookings were kept before it.
            if seen & bit(Field::Bookings) == 0 {
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

fn bit(key: Field) -> u8 {
    1 << key as u8
}

/// Marks a field read; one read twice is refused (as serde's derive refuses it).
fn first_time<E: de::Error>(seen: &mut u8, key: Field) -> Result<(), E> {
    if *seen & bit(key) != 0 {
        return Err(E::duplicate_field(FIELDS[key as usize]));
    }
    *seen |= bit(key);
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
    fn take(&mut self, part: Part<'_>, text_end: usize) {
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
                let mut r = Restorer::new(w, expected_records(chunk.first(), text_end));
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
    text_end: usize,
}

impl<'scope, 'de: 'scope> Feed<'scope, 'de> {
    fn start<'env>(scope: &'scope std::thread::Scope<'scope, 'env>, text_end: usize) -> Feed<'scope, 'de> {
        let (tx, rx) = mpsc::sync_channel::<Part<'de>>(4);
        let spawned = std::thread::Builder::new().name("tsuen-restore".into()).spawn_scoped(scope, move || {
            let mut b = Building::Waiting;
            for part in rx {
                b.take(part, text_end);
            }
            b
        });
        Feed { thread: spawned.ok().map(|h| (tx, h)), inline: Building::Waiting, text_end }
    }

    /// Hands a part over. A failure is kept for `finish`, and the text is still read to its end (a
    /// text that is not a valid save is reported as such, whatever came before the fault).
    fn send(&mut self, part: Part<'de>) {
        match &self.thread {
            Some((tx, _)) => {
                // The thread ends only when the sender is dropped: sending cannot fail.
                let _ = tx.send(part);
            }
            None => self.inline.take(part, self.text_end),
        }
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

/// An array, handed over in chunks of `size` to `sink`.
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

impl<'de, T: Deserialize<'de>, F: FnMut(Vec<T>)> DeserializeSeed<'de> for Chunks<T, F> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, T: Deserialize<'de>, F: FnMut(Vec<T>)> Visitor<'de> for Chunks<T, F> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a sequence")
    }

    fn visit_seq<S: SeqAccess<'de>>(mut self, mut seq: S) -> Result<(), S::Error> {
        let mut chunk = Vec::with_capacity(self.size);
        while let Some(x) = seq.next_element::<T>()? {
            chunk.push(x);
            if chunk.len() == self.size {
                (self.sink)(std::mem::replace(&mut chunk, Vec::with_capacity(self.size)));
            }
        }
        if !chunk.is_empty() {
            (self.sink)(chunk);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::{BookRequest, World};

    /// A small save (three children, two bookings), its fields in `to_json`'s order.
    fn save() -> String {
        let mut w = World::from_setup_json(
            r#"{"today": "2026-01-13T09:00",
            "municipalities": [{"code": "131016", "name": "千代田区", "prefecture": "東京都", "online": true}],
            "facilities": [{"id": "f", "name": "園", "municipality": "131016",
              "hours": {"tue": ["07:00", "19:00"]},
              "capacity": [{"days": ["tue"], "from": "07:00", "to": "19:00", "regular": 2, "flexible": 3}]}],
            "children": [
              {"id": "c1", "name": "子", "birth_date": "2024-05-01", "municipality": "131016",
               "certified": ["2025-04-01", "2026-03-31"], "approvals": [{"facility": "f", "interview_date": "2025-12-01"}]},
              {"id": "c2", "name": "子", "birth_date": "2024-06-01", "municipality": "131016"},
              {"id": "c3", "name": "子", "birth_date": "2024-07-01", "municipality": "131016"}]}"#,
        )
        .unwrap();
        for (id, date) in [("b1", "2026-01-20"), ("b2", "2026-01-27")] {
            let r: BookRequest = serde_json::from_value(serde_json::json!({"id": id, "child": "c1", "facility": "f",
                "kind": "flexible", "date": date, "from": "10:00", "to": "12:00"}))
            .unwrap();
            w.book(&r).unwrap();
        }
        w.to_json()
    }

    fn reordered(text: &str, order: &[&str]) -> String {
        let v: serde_json::Value = serde_json::from_str(text).unwrap();
        format!("{{{}}}", order.iter().map(|k| format!("{k:?}:{}", v[*k])).collect::<Vec<_>>().join(","))
    }

    /// Every order of the fields restores on this path (not through `from_json`'s second parse).
    #[test]
    fn fields_in_any_order_restore_here() {
        let text = save();
        let want = World::from_json(&text).unwrap().canonical_json();
        for order in [
            ["now", "municipalities", "facilities", "children", "bookings"],
            ["bookings", "now", "municipalities", "facilities", "children"],
            ["now", "municipalities", "children", "facilities", "bookings"],
            ["children", "bookings", "facilities", "municipalities", "now"],
        ] {
            let w = super::restore(&reordered(&text, &order)).expect("valid JSON").expect("restores");
            assert_eq!(w.canonical_json(), want, "{order:?}");
        }
    }

    /// A field given twice is refused wherever it comes, as parsing the whole save refuses it.
    #[test]
    fn a_field_twice_is_refused() {
        let text = save();
        for (field, value) in [("now", "\"2026-01-13T09:00\""), ("facilities", "[]"), ("children", "[]")] {
            let twice = text.replacen("\"bookings\":", &format!("{field:?}:{value},\"bookings\":"), 1);
            let e = super::restore(&twice).expect_err("refused").to_string();
            assert!(e.contains(&format!("duplicate field `{field}`")), "{e}");
        }
        let twice = format!("{},\"bookings\":[]}}", &text[..text.len() - 1]);
        assert!(super::restore(&twice).unwrap_err().to_string().contains("duplicate field `bookings`"));
    }
}
