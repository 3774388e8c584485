//! The world: municipalities, facilities, children and bookings, with their indexes. Setup (adding or
//! replacing entities) lives here; the rules live in `booking`, the transitions in `lifecycle`, the
//! queries in `query`.

use rustc_hash::FxHashMap;

use crate::clock::{Clock, Date, Jd, Now, SLOTS, jd};
use crate::daymap::DayMap;
use crate::error::{Code, Error};
use crate::ids::{BookingIds, Index};
use crate::model::{ApprovalSpec, BookingRecord, ChildSpec, FacilitySpec, Kind, MunicipalitySpec, Status};
use crate::plan::{Band, Plan};
use crate::rules::{FeeClass, Rules};
use crate::search::SearchIndex;

#[derive(Clone)]
pub(crate) struct Municipality {
    pub spec: MunicipalitySpec,
    pub rules: Rules,
}

/// Places held on one day at one facility, per quota and slot (and per age class), and the day's
/// bookings (every status).
#[derive(Clone)]
pub(crate) struct DayLoad {
    pub held: [[u16; SLOTS]; 2],
    pub by_class: [[[u16; SLOTS]; 3]; 2],
    pub bookings: Vec<u32>,
    /// Interview places held by bookings this world does not know one by one (a household's view).
    pub ext_interviews: Vec<(Band, u32)>,
}

impl DayLoad {
    pub(crate) fn new() -> DayLoad {
        DayLoad {
            held: [[0; SLOTS]; 2],
            by_class: [[[0; SLOTS]; 3]; 2],
            bookings: Vec::new(),
            ext_interviews: Vec::new(),
        }
    }
}

#[derive(Clone)]
pub(crate) struct Facility {
    pub spec: FacilitySpec,
    pub plan: Plan,
    pub muni: u32,
    pub loads: DayMap<DayLoad>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Approval {
    pub facility: u32,
    pub interview: Date,
    pub last_use: Option<Date>,
    /// The rule's months and the first day not covered with them (computed when the approval
    /// changes: checking a usage is then one comparison).
    until: (u32, Jd),
}

impl Approval {
    pub(crate) fn new(facility: u32, interview: Date, last_use: Option<Date>, months: u32) -> Approval {
        let mut a = Approval { facility, interview, last_use, until: (0, 0) };
        a.refresh(months);
        a
    }

    fn refresh(&mut self, months: u32) {
        self.until = (months, self.compute_until(months));
    }

    /// The first day not covered: the anniversary of the later of the interview and the last use,
    /// `months` on.
    fn compute_until(&self, months: u32) -> Jd {
        let since = self.last_use.map_or(self.interview, |u| u.max(self.interview));
        jd(crate::clock::anniversary(since, months))
    }

    /// A new interview approved on `date`.
    pub(crate) fn set_interview(&mut self, date: Date, months: u32) {
        self.interview = date;
        self.refresh(months);
    }

    /// A use on `date` (the later of it and the last use is kept).
    pub(crate) fn used_on(&mut self, date: Date, months: u32) {
        self.last_use = Some(self.last_use.map_or(date, |u| u.max(date)));
        self.refresh(months);
    }

    /// A usage on `day` is covered: earlier than the anniversary of the later of the interview and
    /// the last use, `months` on.
    #[inline]
    pub(crate) fn valid_on(&self, day: Jd, months: u32) -> bool {
        let until = if months == self.until.0 { self.until.1 } else { self.compute_until(months) };
        day < until
    }
}

/// The bookings of a child in one month that can still matter to a rule (every status but
/// `cancelled`), with their days, and the minutes counted against the monthly cap.
#[derive(Clone, Default)]
pub(crate) struct MonthLive {
    pub list: Vec<(Jd, u32)>,
    pub counted: u32,
}

#[derive(Clone)]
pub(crate) struct Child {
    /// The setup as given, without approvals (they live in `approvals`); boxed, so that the fields
    /// the rules read sit together in a few cache lines.
    pub spec: Box<ChildSpec>,
    pub muni: u32,
    pub cert: Option<(Jd, Jd)>,
    pub approvals: Vec<Approval>,
    /// Every booking of the child, in the order made.
    pub bookings: Vec<u32>,
    /// The live bookings by month key: overlap, the daily maximum and the monthly cap look only here.
    pub live: FxHashMap<i32, MonthLive>,
    /// The day the child reaches 6 months (the first day of the age window).
    eligible_from: Jd,
    bounds: ClassBounds,
}

impl Child {
    pub(crate) fn new(spec: ChildSpec, muni: u32, cert: Option<(Jd, Jd)>, approvals: Vec<Approval>) -> Child {
        let (eligible_from, bounds) = ages(spec.birth_date);
        let spec = Box::new(spec);
        Child { spec, muni, cert, approvals, bookings: Vec::new(), live: FxHashMap::default(), eligible_from, bounds }
    }

    /// Replaces the setup (bookings and approvals stay).
    fn set_spec(&mut self, spec: ChildSpec) {
        (self.eligible_from, self.bounds) = ages(spec.birth_date);
        *self.spec = spec;
    }

    /// The live bookings (day, booking) of the month a day falls in.
    #[inline]
    pub(crate) fn live_in(&self, month: i32) -> &[(Jd, u32)] {
        self.live.get(&month).map_or(&[], |m| m.list.as_slice())
    }

    /// The minutes counted against the monthly cap in a month.
    #[inline]
    pub(crate) fn counted_in(&self, month: i32) -> u32 {
        self.live.get(&month).map_or(0, |m| m.counted)
    }

    pub(crate) fn fee_class(&self) -> FeeClass {
        self.spec.fee_class
    }

    /// The age class on a day (as `clock::age_class` gives it).
    #[inline]
    pub(crate) fn class_on(&self, day: Jd) -> Option<u8> {
        self.bounds.class_on(day)
    }

    /// Inside the program's age window on a day (as `clock::age_eligible` says).
    #[inline]
    pub(crate) fn age_eligible(&self, day: Jd) -> bool {
        self.eligible_from <= day && day < self.bounds.0[2]
    }

    /// The days the child reaches ages 1, 2 and 3.
    pub(crate) fn class_bounds(&self) -> ClassBounds {
        self.bounds
    }

    pub(crate) fn approval(&self, facility: u32) -> Option<&Approval> {
        self.approvals.iter().find(|a| a.facility == facility)
    }
}

/// The day a child born on `birth` reaches 6 months, and the days it reaches ages 1, 2 and 3.
fn ages(birth: Date) -> (Jd, ClassBounds) {
    let r = |m| jd(crate::clock::reached(birth, m));
    (r(6), ClassBounds([r(12), r(24), r(36)]))
}

/// "No age class" and "holds no place" in `link_all`'s per-booking bytes.
const NO_CLASS: u8 = u8::MAX;

/// Where each group starts when items with these keys (below `groups`) are put in groups, in order:
/// a counting sort's offsets (and, last, the number of items).
fn group_starts(groups: usize, keys: impl Iterator<Item = usize>) -> Vec<usize> {
    let mut start = vec![0usize; groups + 1];
    for k in keys {
        start[k + 1] += 1;
    }
    for i in 1..start.len() {
        start[i] += start[i - 1];
    }
    start
}

/// The children's half of `link_all`: each child's bookings and live months, in booking order (a
/// counting sort by child).
fn link_children(bookings: &[Booking], children: &mut [Child]) {
    let n = bookings.len();
    let start = group_starts(children.len(), bookings.iter().map(|bk| bk.child as usize));
    let mut next = start.clone();
    // (booking, day, minutes counted, live)
    let mut by_child = vec![(0u32, 0 as Jd, 0u32, false); n];
    for (b, bk) in bookings.iter().enumerate() {
        let at = &mut next[bk.child as usize];
        by_child[*at] = (b as u32, bk.day, bk.counted_minutes(), bk.status != Status::Cancelled);
        *at += 1;
    }
    for (ci, c) in children.iter_mut().enumerate() {
        let list = &by_child[start[ci]..start[ci + 1]];
        c.bookings.reserve_exact(list.len());
        for &(b, day, counted, live) in list {
            c.bookings.push(b);
            if live {
                let m = c.live.entry(crate::clock::Month::key_of_jd(day)).or_default();
                m.list.push((day, b));
                m.counted += counted;
            }
        }
    }
}

/// The days' half of `link_all`: each day's bookings (by facility, day and booking), held places and
/// age classes' places (`bounds`: each child's, by index).
fn link_days(bookings: &[Booking], bounds: &[ClassBounds], facilities: &mut [Facility]) {
    // By facility first, a counting sort (stable: each facility's bookings stay in booking order),
    // then each facility's few hundred by day, in cache.
    let start = group_starts(facilities.len(), bookings.iter().map(|bk| bk.facility as usize));
    let mut next = start.clone();
    // (facility, day, booking, band, quota held or NO_CLASS, age class or NO_CLASS)
    let mut by_day: Vec<(u32, Jd, u32, Band, u8, u8)> =
        vec![(0, 0, 0, Band { from: 0, to: 0 }, NO_CLASS, NO_CLASS); bookings.len()];
    for (b, bk) in bookings.iter().enumerate() {
        let (quota, class) = if bk.holds_quota() {
            let class = bounds[bk.child as usize].class_on(bk.day).unwrap_or(NO_CLASS);
            (bk.kind.usage().expect("usage").quota() as u8, class)
        } else {
            (NO_CLASS, NO_CLASS)
        };
        let at = &mut next[bk.facility as usize];
        by_day[*at] = (bk.facility, bk.day, b as u32, bk.band, quota, class);
        *at += 1;
    }
    for f in 0..facilities.len() {
        by_day[start[f]..start[f + 1]].sort_by_key(|t| t.1);
    }
    for group in by_day.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)) {
        let load = facilities[group[0].0 as usize].loads.get_or_insert_with(group[0].1, DayLoad::new);
        load.bookings.extend(group.iter().map(|t| t.2));
        for &(_, _, _, band, quota, class) in group {
            if quota == NO_CLASS {
                continue;
            }
            let q = quota as usize;
            for s in band.slots() {
                load.held[q][s] = load.held[q][s].saturating_add(1);
                if class != NO_CLASS {
                    let h = &mut load.by_class[q][class as usize][s];
                    *h = h.saturating_add(1);
                }
            }
        }
    }
}

/// The k of an occurrence id `series#k`: digits without a leading zero, from 1.
pub(crate) fn occurrence_number(k: &str) -> Option<u32> {
    if k.starts_with('0') {
        return None;
    }
    let mut n: u32 = 0;
    for c in k.bytes() {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        n = n.checked_mul(10)?.checked_add(u32::from(d))?;
    }
    (n > 0).then_some(n)
}

/// When a child reaches ages 1, 2 and 3 (day numbers).
#[derive(Clone, Copy, Debug)]
pub(crate) struct ClassBounds([Jd; 3]);

impl ClassBounds {
    /// The age class on a day, as `age_class` gives it.
    #[inline]
    pub(crate) fn class_on(self, day: Jd) -> Option<u8> {
        self.0.iter().position(|reached| day < *reached).map(|k| k as u8)
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Booking {
    /// The id of a single booking; empty for an occurrence of a series (its id, `series#k`, is made
    /// from `occurrence` when asked for: a series stores one id, not one per week).
    pub id: Box<str>,
    /// The series and the number (from 1) of an occurrence.
    pub occurrence: Option<(u32, u32)>,
    pub child: u32,
    pub facility: u32,
    pub kind: Kind,
    pub day: Jd,
    pub band: Band,
    pub status: Status,
    pub check_in: Option<Clock>,
    pub check_out: Option<Clock>,
}

impl Booking {
    /// A booking from its record, with its references resolved.
    pub(crate) fn from_record(
        b: &crate::snapshot::RecordIn<'_>,
        child: u32,
        facility: u32,
        band: Band,
        occurrence: Option<(u32, u32)>,
    ) -> Booking {
        Booking {
            id: if occurrence.is_some() { Box::default() } else { (*b.id).into() },
            occurrence,
            child,
            facility,
            kind: b.kind,
            day: jd(b.date),
            band,
            status: b.status,
            check_in: b.check_in,
            check_out: b.check_out,
        }
    }

    /// True while this booking holds places in a usage quota.
    pub(crate) fn holds_quota(&self) -> bool {
        self.kind != Kind::Interview && self.status.holds_place()
    }

    /// The minutes this booking counts against the child's monthly cap now.
    #[inline]
    pub(crate) fn counted_minutes(&self) -> u32 {
        if self.kind != Kind::Interview && self.status.counts_in_cap() { self.band.minutes() } else { 0 }
    }

    /// True while this booking is active for overlap.
    pub(crate) fn is_active(&self) -> bool {
        match self.kind {
            Kind::Interview => matches!(self.status, Status::Provisional | Status::Confirmed),
            _ => self.status.usage_active(),
        }
    }
}

#[derive(Clone)]
pub(crate) struct Series {
    pub id: Box<str>,
    pub occurrences: Vec<u32>,
}

/// What an id names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IdRef {
    Booking(u32),
    Series(u32),
}

/// A whole world: the setup, every booking with its state, and "now". The engine's one entry point.
///
/// # Example
/// ```
/// use tsuen::{World, Now};
/// let world = World::new(Now::parse("2026-01-13T09:00").unwrap());
/// assert_eq!(world.now().to_string(), "2026-01-13T09:00");
/// ```
#[derive(Clone)]
pub struct World {
    pub(crate) now: Now,
    pub(crate) municipalities: Vec<Municipality>,
    pub(crate) muni_index: Index,
    pub(crate) facilities: Vec<Facility>,
    pub(crate) facility_index: Index,
    pub(crate) children: Vec<Child>,
    pub(crate) child_index: Index,
    pub(crate) bookings: Vec<Booking>,
    pub(crate) series: Vec<Series>,
    pub(crate) ids: BookingIds,
    pub(crate) search: SearchIndex,
}

impl World {
    /// An empty world at `now`.
    pub fn new(now: Now) -> World {
        World {
            now,
            municipalities: Vec::new(),
            muni_index: Index::default(),
            facilities: Vec::new(),
            facility_index: Index::default(),
            children: Vec::new(),
            child_index: Index::default(),
            bookings: Vec::new(),
            series: Vec::new(),
            ids: BookingIds::default(),
            search: SearchIndex::default(),
        }
    }

    /// Now.
    pub fn now(&self) -> Now {
        self.now
    }

    /// Moves the clock (to any time: the caller decides whether it may go back).
    pub fn set_now(&mut self, now: Now) {
        self.now = now;
    }

    /// Adds a municipality, or replaces the one with that code (its facilities and children follow the
    /// new rules).
    ///
    /// # Errors
    /// `invalid_request` when a field is wrong (which one, and why).
    pub fn put_municipality(&mut self, spec: MunicipalitySpec) -> Result<(), Error> {
        if spec.code.is_empty() {
            return Err(Error::invalid("code: must not be empty"));
        }
        spec.rules.validate().map_err(|e| Error::invalid(format!("rules.{e}")))?;
        let rules = spec.rules.resolve();
        match self.muni_index.get(&spec.code) {
            Some(i) => self.municipalities[i as usize] = Municipality { spec, rules },
            None => {
                self.muni_index.push(&spec.code);
                self.municipalities.push(Municipality { spec, rules });
            }
        }
        Ok(())
    }

    /// Adds a facility, or replaces the one with that id. Bookings stand.
    ///
    /// # Errors
    /// `invalid_request` when a field is wrong (which one and why, an unknown municipality included).
    pub fn put_facility(&mut self, spec: FacilitySpec) -> Result<(), Error> {
        if spec.id.is_empty() {
            return Err(Error::invalid("id: must not be empty"));
        }
        let muni = self
            .muni_index
            .get(&spec.municipality)
            .ok_or_else(|| Error::invalid(format!("municipality: unknown municipality {:?}", spec.municipality)))?;
        let plan = Plan::compile(&spec).map_err(Error::invalid)?;
        let fi = match self.facility_index.get(&spec.id) {
            Some(i) => {
                let f = &mut self.facilities[i as usize];
                f.spec = spec;
                f.plan = plan;
                f.muni = muni;
                i
            }
            None => {
                let i = self.facilities.len() as u32;
                self.facility_index.push(&spec.id);
                self.facilities.push(Facility { spec, plan, muni, loads: DayMap::default() });
                i
            }
        };
        self.search.facility_changed(&self.facilities, fi);
        Ok(())
    }

    /// Adds a child, or replaces the one with that id. Bookings stand; approvals and last uses are
    /// kept unless given anew (an approval given for a facility replaces the one held there).
    ///
    /// # Errors
    /// `invalid_request` when a field is wrong (an unknown municipality or facility included).
    pub fn put_child(&mut self, mut spec: ChildSpec) -> Result<(), Error> {
        if spec.id.is_empty() {
            return Err(Error::invalid("id: must not be empty"));
        }
        let muni = self
            .muni_index
            .get(&spec.municipality)
            .ok_or_else(|| Error::invalid(format!("municipality: unknown municipality {:?}", spec.municipality)))?;
        let cert = match spec.certified {
            Some([a, b]) if a > b => {
                return Err(Error::invalid("certified: from must not be after to"));
            }
            Some([a, b]) => Some((jd(a), jd(b))),
            None => None,
        };
        let given = spec.approvals.take().map(|list| self.approvals_of(&list)).transpose()?;
        match self.child_lookup(&spec.id) {
            Some(ci) => {
                let old_birth = self.children[ci as usize].spec.birth_date;
                let moves = old_birth != spec.birth_date;
                if moves {
                    self.rehold_child(ci, false);
                }
                let c = &mut self.children[ci as usize];
                c.set_spec(spec);
                c.muni = muni;
                c.cert = cert;
                if let Some(given) = given {
                    for a in given {
                        match c.approvals.iter_mut().find(|x| x.facility == a.facility) {
                            Some(x) => *x = a,
                            None => c.approvals.push(a),
                        }
                    }
                }
                if moves {
                    self.rehold_child(ci, true);
                }
            }
            None => {
                let ci = self.child_index.push(&spec.id);
                debug_assert_eq!(ci as usize, self.children.len());
                self.children.push(Child::new(spec, muni, cert, given.unwrap_or_default()));
            }
        }
        Ok(())
    }

    fn approvals_of(&self, list: &[ApprovalSpec]) -> Result<Vec<Approval>, Error> {
        let mut out: Vec<Approval> = Vec::with_capacity(list.len());
        for (i, a) in list.iter().enumerate() {
            let facility = self
                .facility_index
                .get(&a.facility)
                .ok_or_else(|| Error::invalid(format!("approvals[{i}].facility: unknown facility {:?}", a.facility)))?;
            if out.iter().any(|x| x.facility == facility) {
                return Err(Error::invalid(format!("approvals[{i}].facility: {:?} is listed twice", a.facility)));
            }
            let months = self.facility_rules(facility).interview_valid_months;
            out.push(Approval::new(facility, a.interview_date, a.last_use, months));
        }
        Ok(out)
    }

    /// Removes (`add == false`) or adds back the age-class holds of a child's bookings: used when its
    /// birth date changes.
    fn rehold_child(&mut self, ci: u32, add: bool) {
        let list = self.children[ci as usize].bookings.clone();
        for b in list {
            if self.bookings[b as usize].holds_quota() {
                self.hold_by_class(b, add);
            }
        }
    }

    pub(crate) fn hold_by_class(&mut self, b: u32, add: bool) {
        let bk = &self.bookings[b as usize];
        let Some(class) = self.children[bk.child as usize].class_on(bk.day) else {
            return;
        };
        let quota = bk.kind.usage().expect("usage booking").quota();
        let load = self.facilities[bk.facility as usize].loads.get_mut(bk.day).expect("load of a booking");
        for s in bk.band.slots() {
            let c = &mut load.by_class[quota][class as usize][s];
            *c = if add { c.saturating_add(1) } else { c.saturating_sub(1) };
        }
    }

    /// Adds or removes the places a usage booking holds (quota and age class).
    pub(crate) fn hold(&mut self, b: u32, add: bool) {
        self.count_hold(b, add);
        let bk = &self.bookings[b as usize];
        let quota = bk.kind.usage().expect("usage booking").quota();
        self.search.load_changed(&self.facilities, bk.facility, bk.day, quota, bk.band);
    }

    /// `hold` without telling the search index (a restore builds the index once, at the end).
    pub(crate) fn count_hold(&mut self, b: u32, add: bool) {
        let bk = &self.bookings[b as usize];
        let quota = bk.kind.usage().expect("usage booking").quota();
        let class = self.children[bk.child as usize].class_on(bk.day);
        let load = self.facilities[bk.facility as usize].loads.get_mut(bk.day).expect("load of a booking");
        let bump = |c: &mut u16| *c = if add { c.saturating_add(1) } else { c.saturating_sub(1) };
        for s in bk.band.slots() {
            bump(&mut load.held[quota][s]);
            if let Some(class) = class {
                bump(&mut load.by_class[quota][class as usize][s]);
            }
        }
    }

    /// Stores a new booking (already judged, or restored) and, if it holds places, its holds.
    pub(crate) fn insert_booking(&mut self, bk: Booking) -> u32 {
        let holds = bk.holds_quota();
        let b = self.insert_booking_held(bk);
        if holds {
            self.hold(b, true);
        }
        b
    }

    /// Stores a booking whose places are already counted.
    pub(crate) fn insert_booking_held(&mut self, bk: Booking) -> u32 {
        let single = bk.occurrence.is_none();
        let b = self.store_booking(bk);
        if single {
            self.ids.insert(&self.bookings[b as usize].id, IdRef::Booking(b));
        }
        b
    }

    /// Stores a booking (not its id) in the lists of its child and its day.
    pub(crate) fn store_booking(&mut self, bk: Booking) -> u32 {
        let b = self.bookings.len() as u32;
        let (child, fi, day) = (bk.child, bk.facility, bk.day);
        let (live, counted) = (bk.status != Status::Cancelled, bk.counted_minutes());
        self.bookings.push(bk);
        let c = &mut self.children[child as usize];
        c.bookings.push(b);
        if live {
            let m = c.live.entry(crate::clock::Month::key_of_jd(day)).or_default();
            m.list.push((day, b));
            m.counted += counted;
        }
        self.facilities[fi as usize].loads.get_or_insert_with(day, DayLoad::new).bookings.push(b);
        b
    }

    /// Makes, for a world whose bookings were pushed without them (a restore), every child's list
    /// and live months and every day's list and held places, and builds the search index.
    ///
    /// Booking by booking this is a few cache misses each (a random child, a random day); here the
    /// bookings are grouped by child, then by facility and day, so that each child and each day is
    /// visited once, in order. The children's half and the days' half touch different parts of the
    /// world and run on two threads where threads exist (the days' half reads a copy of the
    /// children's birthdays for the age classes' places).
    pub(crate) fn link_all(&mut self) {
        let World { bookings, children, facilities, search, .. } = self;
        let bookings: &[Booking] = bookings;
        // The days' half counts the age classes' places too: it reads the children's birthdays here
        // (the children's half changes the children meanwhile).
        let bounds: Vec<ClassBounds> = children.iter().map(|c| c.bounds).collect();
        let bounds = &bounds;
        let days_half = |facilities: &mut Vec<Facility>, search: &mut SearchIndex| {
            link_days(bookings, bounds, facilities);
            search.rebuild_loads(facilities);
        };
        std::thread::scope(|scope| {
            // The days' half gets its part of the world once its thread is running; without threads
            // (WebAssembly) it runs here, after the children's half.
            let (give, take) = std::sync::mpsc::sync_channel::<(&mut Vec<Facility>, &mut SearchIndex)>(1);
            let spawned = std::thread::Builder::new()
                .name("tsuen-link".into())
                .spawn_scoped(scope, move || take.recv().ok().map(|(f, s)| days_half(f, s)));
            let mut inline = Some((facilities, search));
            if spawned.is_ok() {
                give.send(inline.take().expect("given once")).expect("the thread waits for its part");
            }
            link_children(bookings, children);
            match (spawned, inline) {
                (Ok(handle), _) => handle.join().unwrap_or_else(|p| std::panic::resume_unwind(p)).expect("given"),
                (Err(_), Some((f, s))) => days_half(f, s),
                (Err(_), None) => unreachable!("the part is given only to a running thread"),
            }
        });
    }

    /// Recomputes every list and count derived from the bookings (the children's lists, live months
    /// and minutes, the days' lists and held places, the ids) and says where the kept ones differ.
    /// For tests: a world built booking by booking and a restored one must both pass. (Not for a
    /// household's view, whose held places come from the server.)
    #[doc(hidden)]
    pub fn check_indexes(&self) -> Result<(), String> {
        /// Per month: the live (day, booking) list and the minutes counted.
        type Months = std::collections::BTreeMap<i32, (Vec<(Jd, u32)>, u32)>;
        let mut children: Vec<(Vec<u32>, Months)> = (0..self.children.len()).map(|_| Default::default()).collect();
        let mut days: std::collections::BTreeMap<(u32, Jd), (Vec<u32>, DayLoad)> = Default::default();
        for (b, bk) in self.bookings.iter().enumerate() {
            let b = b as u32;
            let c = &mut children[bk.child as usize];
            c.0.push(b);
            if bk.status != Status::Cancelled {
                let m = c.1.entry(crate::clock::Month::key_of_jd(bk.day)).or_default();
                m.0.push((bk.day, b));
                m.1 += bk.counted_minutes();
            }
            let d = days.entry((bk.facility, bk.day)).or_insert_with(|| (Vec::new(), DayLoad::new()));
            d.0.push(b);
            if bk.holds_quota() {
                let quota = bk.kind.usage().expect("usage").quota();
                let class = self.children[bk.child as usize].class_on(bk.day);
                for s in bk.band.slots() {
                    d.1.held[quota][s] += 1;
                    if let Some(class) = class {
                        d.1.by_class[quota][class as usize][s] += 1;
                    }
                }
            }
            let id = self.booking_id(b);
            if self.id_ref(&id).ok() != Some(IdRef::Booking(b)) {
                return Err(format!("booking {b}: its id {id:?} does not find it"));
            }
        }
        for (ci, (list, months)) in children.iter().enumerate() {
            let c = &self.children[ci];
            if c.bookings != *list {
                return Err(format!("child {ci}: bookings {:?}, expected {list:?}", c.bookings));
            }
            let kept: Months = c
                .live
                .iter()
                .filter(|(_, m)| !m.list.is_empty() || m.counted != 0)
                .map(|(k, m)| (*k, (m.list.clone(), m.counted)))
                .collect();
            if kept != *months {
                return Err(format!("child {ci}: live months {kept:?}, expected {months:?}"));
            }
        }
        for (fi, f) in self.facilities.iter().enumerate() {
            for (day, load) in f.loads.iter() {
                let Some((list, counts)) = days.remove(&(fi as u32, day)) else {
                    if load.bookings.is_empty() && load.held.iter().flatten().all(|h| *h == 0) {
                        continue;
                    }
                    return Err(format!("facility {fi} day {day}: a load without bookings"));
                };
                if load.bookings != list {
                    return Err(format!("facility {fi} day {day}: bookings {:?}, expected {list:?}", load.bookings));
                }
                if load.held != counts.held || load.by_class != counts.by_class {
                    return Err(format!("facility {fi} day {day}: held places differ from a recount"));
                }
            }
        }
        if let Some(((fi, day), _)) = days.into_iter().next() {
            return Err(format!("facility {fi} day {day}: bookings without a load"));
        }
        for (s, series) in self.series.iter().enumerate() {
            if self.lookup(&series.id) != Some(IdRef::Series(s as u32)) {
                return Err(format!("series {:?} is not found by its id", series.id));
            }
        }
        Ok(())
    }

    /// Changes a booking's status, releasing or taking places as the status says.
    pub(crate) fn set_status(&mut self, b: u32, status: Status) {
        let bk = &mut self.bookings[b as usize];
        let (before, counted_before, was_live) =
            (bk.holds_quota(), bk.counted_minutes(), bk.status != Status::Cancelled);
        bk.status = status;
        let (after, counted_after, live) = (bk.holds_quota(), bk.counted_minutes(), bk.status != Status::Cancelled);
        let month = crate::clock::Month::key_of_jd(bk.day);
        let c = &mut self.children[bk.child as usize];
        if let Some(m) = c.live.get_mut(&month) {
            m.counted = m.counted - counted_before + counted_after;
            if was_live && !live {
                m.list.retain(|x| x.1 != b);
            }
        }
        debug_assert!(was_live == live || !live, "a cancelled booking does not come back");
        if before != after {
            self.hold(b, after);
        }
    }

    pub(crate) fn facility_rules(&self, fi: u32) -> &Rules {
        &self.municipalities[self.facilities[fi as usize].muni as usize].rules
    }

    pub(crate) fn child_rules(&self, ci: u32) -> &Rules {
        &self.municipalities[self.children[ci as usize].muni as usize].rules
    }

    pub(crate) fn facility_ix(&self, id: &str) -> Result<u32, Error> {
        self.facility_index.get(id).ok_or_else(|| Error::with_detail(Code::UnknownFacility, format!("facility {id:?}")))
    }

    pub(crate) fn child_ix(&self, id: &str) -> Result<u32, Error> {
        self.child_lookup(id).ok_or_else(|| Error::with_detail(Code::UnknownChild, format!("child {id:?}")))
    }

    /// The index of the child with that id.
    #[inline]
    pub(crate) fn child_lookup(&self, id: &str) -> Option<u32> {
        self.child_index.get(id)
    }

    /// What an id of a single booking or a series names (not an occurrence's `series#k`).
    #[inline]
    pub(crate) fn lookup(&self, id: &str) -> Option<IdRef> {
        self.ids.get(id, &self.bookings, &self.series)
    }

    pub(crate) fn id_ref(&self, id: &str) -> Result<IdRef, Error> {
        let unknown = || Error::with_detail(Code::UnknownBooking, format!("booking {id:?}"));
        match id.split_once('#') {
            None => self.lookup(id).ok_or_else(unknown),
            Some((sid, k)) => {
                let Some(IdRef::Series(s)) = self.lookup(sid) else { return Err(unknown()) };
                let Some(k) = occurrence_number(k) else { return Err(unknown()) };
                let occurrences = &self.series[s as usize].occurrences;
                let is = |b: &u32| self.bookings[*b as usize].occurrence.is_some_and(|o| o.1 == k);
                // Occurrence k is usually at k - 1 (a household's view may hold only some of them).
                let at = occurrences.get(k as usize - 1);
                at.filter(|b| is(b))
                    .or_else(|| occurrences.iter().find(|b| is(b)))
                    .map(|b| IdRef::Booking(*b))
                    .ok_or_else(unknown)
            }
        }
    }

    /// One booking (not a series).
    pub(crate) fn booking_ix(&self, id: &str) -> Result<u32, Error> {
        match self.id_ref(id)? {
            IdRef::Booking(b) => Ok(b),
            IdRef::Series(_) => Err(Error::with_detail(
                Code::UnknownBooking,
                format!("{id:?} is a series: name one occurrence ({id}#1, …)"),
            )),
        }
    }

    /// The record of a booking: its whole state.
    ///
    /// # Errors
    /// `unknown_booking` (a series id included).
    pub fn booking(&self, id: &str) -> Result<BookingRecord, Error> {
        Ok(self.record(self.booking_ix(id)?))
    }

    /// A booking's id (an occurrence's is `series#k`).
    pub(crate) fn booking_id(&self, b: u32) -> String {
        let bk = &self.bookings[b as usize];
        match bk.occurrence {
            Some((s, k)) => format!("{}#{k}", self.series[s as usize].id),
            None => bk.id.to_string(),
        }
    }

    pub(crate) fn record(&self, b: u32) -> BookingRecord {
        let bk = &self.bookings[b as usize];
        BookingRecord {
            id: self.booking_id(b),
            child: self.children[bk.child as usize].spec.id.clone(),
            facility: self.facilities[bk.facility as usize].spec.id.clone(),
            kind: bk.kind,
            date: crate::clock::date_of(bk.day),
            from: Clock::from_slot(bk.band.from),
            to: Clock::from_slot(bk.band.to),
            status: bk.status,
            check_in: bk.check_in,
            check_out: bk.check_out,
        }
    }

    /// The status of a booking.
    ///
    /// # Errors
    /// `unknown_booking` (a series id included).
    pub fn status(&self, id: &str) -> Result<Status, Error> {
        Ok(self.bookings[self.booking_ix(id)? as usize].status)
    }

    /// The occurrence ids of a series, in order.
    ///
    /// # Errors
    /// `unknown_booking` when `id` is not a series.
    pub fn series_occurrences(&self, id: &str) -> Result<Vec<String>, Error> {
        match self.id_ref(id)? {
            IdRef::Series(s) => Ok(self.series[s as usize].occurrences.iter().map(|b| self.booking_id(*b)).collect()),
            IdRef::Booking(_) => Err(Error::with_detail(Code::UnknownBooking, format!("{id:?} is not a series"))),
        }
    }

    /// The municipality setups.
    pub fn municipalities(&self) -> impl Iterator<Item = &MunicipalitySpec> {
        self.municipalities.iter().map(|m| &m.spec)
    }

    /// The facility setups (with the days closed at short notice).
    pub fn facilities(&self) -> impl Iterator<Item = &FacilitySpec> {
        self.facilities.iter().map(|f| &f.spec)
    }

    /// A facility's setup.
    ///
    /// # Errors
    /// `unknown_facility`.
    pub fn facility(&self, id: &str) -> Result<&FacilitySpec, Error> {
        Ok(&self.facilities[self.facility_ix(id)? as usize].spec)
    }

    /// A child's setup with its current approvals and last uses.
    ///
    /// # Errors
    /// `unknown_child`.
    pub fn child(&self, id: &str) -> Result<ChildSpec, Error> {
        Ok(self.child_spec(self.child_ix(id)?))
    }

    /// Every child's setup (with current approvals), in the order they were added.
    pub fn children(&self) -> impl Iterator<Item = ChildSpec> + '_ {
        (0..self.children.len() as u32).map(|c| self.child_spec(c))
    }

    /// The children of one household (`parent`), in the order they were added.
    pub fn children_of(&self, parent: &str) -> Vec<ChildSpec> {
        (0..self.children.len() as u32)
            .filter(|c| self.children[*c as usize].spec.parent.as_deref() == Some(parent))
            .map(|c| self.child_spec(c))
            .collect()
    }

    pub(crate) fn child_spec(&self, ci: u32) -> ChildSpec {
        let c = &self.children[ci as usize];
        let mut spec = (*c.spec).clone();
        let mut approvals: Vec<ApprovalSpec> = c
            .approvals
            .iter()
            .map(|a| ApprovalSpec {
                facility: self.facilities[a.facility as usize].spec.id.clone(),
                interview_date: a.interview,
                last_use: a.last_use,
            })
            .collect();
        approvals.sort_by(|a, b| a.facility.cmp(&b.facility));
        spec.approvals = (!approvals.is_empty()).then_some(approvals);
        spec
    }

    /// The number of bookings (occurrences count one each), every status.
    pub fn booking_count(&self) -> usize {
        self.bookings.len()
    }

    /// Every booking's record, in the order they were made.
    pub fn bookings(&self) -> impl Iterator<Item = BookingRecord> + '_ {
        (0..self.bookings.len() as u32).map(|b| self.record(b))
    }

    /// The bookings of a child, in the order they were made.
    ///
    /// # Errors
    /// `unknown_child`.
    pub fn bookings_of_child(&self, child: &str) -> Result<Vec<BookingRecord>, Error> {
        let ci = self.child_ix(child)?;
        Ok(self.children[ci as usize].bookings.iter().map(|b| self.record(*b)).collect())
    }

    /// The bookings of a facility, by day then in the order they were made (every status).
    ///
    /// # Errors
    /// `unknown_facility`.
    pub fn bookings_of_facility(&self, facility: &str) -> Result<Vec<BookingRecord>, Error> {
        let fi = self.facility_ix(facility)?;
        Ok(self.facilities[fi as usize]
            .loads
            .iter()
            .flat_map(|(_, l)| l.bookings.iter().map(|b| self.record(*b)))
            .collect())
    }

    /// True when a usage on `date` at the facility needs an interview first (no approval there, or
    /// six months (the facility's rule) have passed since the interview or the last use).
    ///
    /// # Errors
    /// `unknown_child`, `unknown_facility`.
    pub fn needs_interview(&self, child: &str, facility: &str, date: Date) -> Result<bool, Error> {
        let (ci, fi) = (self.child_ix(child)?, self.facility_ix(facility)?);
        let months = self.facility_rules(fi).interview_valid_months;
        Ok(!self.children[ci as usize].approval(fi).is_some_and(|a| a.valid_on(jd(date), months)))
    }

    /// The bookings of a facility on a day (every status).
    ///
    /// # Errors
    /// `unknown_facility`.
    pub fn bookings_of_day(&self, facility: &str, date: Date) -> Result<Vec<BookingRecord>, Error> {
        let fi = self.facility_ix(facility)?;
        Ok(self.facilities[fi as usize]
            .loads
            .get(jd(date))
            .map(|l| l.bookings.iter().map(|b| self.record(*b)).collect())
            .unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_bounds_agree_with_age_class() {
        for birth in ["2024-02-29", "2025-08-31", "2024-05-01", "2023-12-31"] {
            let birth = crate::clock::parse_date(birth).unwrap();
            let spec: ChildSpec = serde_json::from_value(serde_json::json!({"id": "c", "name": "c",
                "birth_date": crate::clock::format_date(birth), "municipality": "m"}))
            .unwrap();
            let child = Child::new(spec, 0, None, Vec::new());
            let bounds = child.class_bounds();
            for day in jd(birth) - 3..jd(birth) + 4 * 366 {
                let date = crate::clock::date_of(day);
                assert_eq!(bounds.class_on(day), crate::clock::age_class(birth, date), "{birth} {day}");
                assert_eq!(child.age_eligible(day), crate::clock::age_eligible(birth, date), "{birth} {day}");
            }
        }
    }
}
