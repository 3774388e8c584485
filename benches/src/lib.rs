//! Benchmark support: deterministic generators of worlds (and of scenario files) for tsuen.
//!
//! Everything is seeded (splitmix64, no dependency) and every booking goes **through the engine's
//! rules** (`World::book`). The generator plans bookings that it expects to be accepted ("lanes": in
//! each quota, lane `k` is one place; bookings in a lane never overlap and a lane exists at a slot
//! only where the quota has more than `k` places there, so no slot is ever over-booked), assigns
//! each to a child of the facility's pool who is free that day (one booking per child and day,
//! age-class limits respected), shuffles them and books them in that random order. Refusals are
//! counted and reported (they should be 0).
//!
//! The standard world: 20 municipalities (Tokyo's wards), 2,000 facilities (Mon–Fri 07:00–19:00 or
//! a little shorter, 30 % also Sat 08:00–13:00; regular 2–5 and flexible 3–10 places, 30 % with a
//! busier midday band; 25 % with an age-0 limit; Tue/Thu interview slots; 80 % closed on
//! holidays; a few closed days and overrides), a 62-day window starting at today + lead_days
//! (Golden Week included), about 60 % of the regular and flexible places held.

use std::collections::BTreeMap;
use std::time::Instant;

use tsuen::{
    AgeLimits, ApprovalSpec, BookRequest, CapacityBand, CapacityOverride, ChildSpec, ClassLimits, Clock, Date,
    FacilitySpec, FeeClass, Hours, InterviewSlot, Kind, MunicipalitySpec, Now, RulesSpec, UsageKind, Weekday, World,
};

pub mod scenario_gen;

/// Slots per day.
pub const SLOTS: usize = 48;

/// Now in every generated world.
pub const TODAY: &str = "2026-04-20T09:00";

/// The window of booked days starts this many days after today (the default `lead_days`).
pub const LEAD_DAYS: i32 = 7;

/// Real municipality codes (Tokyo's 23 wards, the first 20).
pub const MUNICIPALITIES: [(&str, &str); 20] = [
    ("131016", "千代田区"),
    ("131024", "中央区"),
    ("131032", "港区"),
    ("131041", "新宿区"),
    ("131059", "文京区"),
    ("131067", "台東区"),
    ("131075", "墨田区"),
    ("131083", "江東区"),
    ("131091", "品川区"),
    ("131105", "目黒区"),
    ("131113", "大田区"),
    ("131121", "世田谷区"),
    ("131130", "渋谷区"),
    ("131148", "中野区"),
    ("131156", "杉並区"),
    ("131164", "豊島区"),
    ("131172", "北区"),
    ("131181", "荒川区"),
    ("131199", "板橋区"),
    ("131202", "練馬区"),
];

/// splitmix64: small, fast, good enough for test data.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.below((hi - lo + 1) as usize) as u32
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }

    /// One element.
    pub fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }

    /// Fisher–Yates.
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i + 1);
            v.swap(i, j);
        }
    }
}

/// How many children a world has.
#[derive(Clone, Copy, Debug)]
pub enum Children {
    /// Per facility: this many times the bookings it expects per open day (so a child books on
    /// about 1/x of the days).
    PerDailyBooking(f64),
    /// About this many in all, spread over the facilities by their size.
    Total(usize),
}

/// What to generate.
#[derive(Clone, Debug)]
pub struct Config {
    /// The seed.
    pub seed: u64,
    /// Municipalities (1 to 20); facilities are spread over them unevenly (the first is the largest).
    pub municipalities: usize,
    /// Facilities.
    pub facilities: usize,
    /// Days in the booked window (at most 64).
    pub days: u32,
    /// Calibrates the fill: in a lane, the gap before each booking is uniform in `0..=gap_max` or
    /// `0..=gap_max + 1` slots (even odds; bookings are 2 to 8 slots): 5 gives about 60 %.
    pub gap_max: u32,
    /// Children.
    pub children: Children,
    /// The municipalities' `monthly_cap_minutes`.
    pub monthly_cap_minutes: u32,
    /// The chance that an interview slot gets one interview booking.
    pub interview_share: f64,
    /// Keep only the first requests (after shuffling) up to this many booking records.
    pub max_records: Option<usize>,
}

impl Config {
    /// The standard benchmark world: 20 municipalities, 2,000 facilities, 62 days, ~60 % held.
    pub fn standard() -> Config {
        Config {
            seed: 0x7473_7565_6e00_0001,
            municipalities: 20,
            facilities: 2_000,
            days: 62,
            gap_max: 5,
            children: Children::PerDailyBooking(3.0),
            monthly_cap_minutes: 6_000,
            interview_share: 0.3,
            max_records: None,
        }
    }

    /// The standard world with every facility in one municipality (for the search benchmark).
    pub fn one_municipality() -> Config {
        Config { municipalities: 1, ..Config::standard() }
    }

    /// A small world for smoke runs (`cargo bench -- --test`).
    pub fn small() -> Config {
        Config { facilities: 200, ..Config::standard() }
    }
}

/// A facility as the generator knows it (its compiled plan, for planning bookings).
#[derive(Clone, Debug)]
pub struct FacMeta {
    /// Its id.
    pub id: String,
    /// Index of its municipality.
    pub muni: usize,
    /// Opening hours per weekday (0 = Monday) as slots.
    pub hours: [Option<(u8, u8)>; 7],
    /// Places per weekday, quota (0 regular, 1 flexible) and slot.
    pub template: Box<[[[u16; SLOTS]; 2]; 7]>,
    /// Flexible overrides: (julian day, from slot, to slot, places).
    pub overrides: Vec<(i32, u8, u8, u16)>,
    /// Closed days (julian).
    pub closed: Vec<i32>,
    /// Closes on national holidays.
    pub closed_on_holidays: bool,
    /// Kinds offered (regular, flexible).
    pub kinds: [bool; 2],
    /// Age-class limits per quota.
    pub age_limits: [[Option<u16>; 3]; 2],
    /// Days with interview slots (julian; each 10:00–11:00, 2 places).
    pub interview_days: Vec<i32>,
    /// Children approved here.
    pub pool: Vec<u32>,
}

impl FacMeta {
    /// The opening hours on a julian day, or `None` when closed.
    pub fn open(&self, day: i32) -> Option<(u8, u8)> {
        let h = self.hours[weekday(day)]?;
        if self.closed.contains(&day) || (self.closed_on_holidays && tsuen::is_holiday(date(day))) {
            return None;
        }
        Some(h)
    }

    /// Places per quota and slot on an open day (overrides applied).
    pub fn caps(&self, day: i32) -> [[u16; SLOTS]; 2] {
        let mut c = self.template[weekday(day)];
        for &(d, from, to, places) in &self.overrides {
            if d == day {
                for s in from..to {
                    c[1][s as usize] = places;
                }
            }
        }
        c
    }
}

/// A child as the generator knows it.
#[derive(Clone, Debug)]
pub struct ChildMeta {
    /// Its id.
    pub id: String,
    /// The julian days on which it reaches 12, 24 and 36 months.
    pub reached: [i32; 3],
    /// Facilities where it is approved.
    pub facilities: Vec<u32>,
}

impl ChildMeta {
    /// Age class on a julian day.
    pub fn class_on(&self, day: i32) -> Option<u8> {
        if day >= self.reached[2] {
            None
        } else if day >= self.reached[1] {
            Some(2)
        } else if day >= self.reached[0] {
            Some(1)
        } else {
            Some(0)
        }
    }
}

/// A world's setup.
#[derive(Clone, Debug)]
pub struct Setup {
    /// Now.
    pub now: Now,
    /// Municipalities.
    pub municipalities: Vec<MunicipalitySpec>,
    /// Facilities.
    pub facilities: Vec<FacilitySpec>,
    /// Children.
    pub children: Vec<ChildSpec>,
}

impl Setup {
    /// A world with this setup and no bookings.
    pub fn world(&self) -> World {
        let mut w = World::new(self.now);
        for m in &self.municipalities {
            w.put_municipality(m.clone()).expect("generated municipality");
        }
        for f in &self.facilities {
            w.put_facility(f.clone()).expect("generated facility");
        }
        for c in &self.children {
            w.put_child(c.clone()).expect("generated child");
        }
        w
    }
}

/// What the generator knows about a world.
#[derive(Clone, Debug)]
pub struct Meta {
    /// The first day of the window (julian).
    pub window_start: i32,
    /// Days in the window.
    pub days: u32,
    /// Municipality codes.
    pub muni_codes: Vec<String>,
    /// Facilities.
    pub facilities: Vec<FacMeta>,
    /// Children.
    pub children: Vec<ChildMeta>,
    /// Per child, the window days (bits) it has a planned booking on.
    pub busy: Vec<u64>,
}

/// A planned request.
#[derive(Clone, Debug)]
pub struct Planned {
    /// The request.
    pub req: BookRequest,
    /// Its quota (0 regular, 1 flexible), `None` for an interview.
    pub quota: Option<usize>,
    /// Slot-places it holds (slots × occurrences).
    pub slot_places: u64,
    /// Booking records it makes.
    pub records: u32,
}

impl std::borrow::Borrow<BookRequest> for Planned {
    fn borrow(&self) -> &BookRequest {
        &self.req
    }
}

/// A generated setup with its planned requests.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The setup.
    pub setup: Setup,
    /// What the generator knows.
    pub meta: Meta,
    /// The requests, in booking order.
    pub requests: Vec<Planned>,
    /// Slot-places of the window per quota (open days and hours, kinds offered).
    pub capacity: [u64; 2],
}

/// Statistics of a built world.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    /// Requests made.
    pub requests: usize,
    /// Requests by kind: flexible, regular series, interviews.
    pub by_kind: [usize; 3],
    /// Requests accepted.
    pub accepted: usize,
    /// Refusals by code list.
    pub refused: BTreeMap<String, usize>,
    /// Booking records in the world.
    pub records: usize,
    /// Children.
    pub children: usize,
    /// Facilities.
    pub facilities: usize,
    /// Share of slot-places held per quota (regular, flexible).
    pub held: [f64; 2],
    /// Seconds to generate the plan.
    pub plan_secs: f64,
    /// Seconds to set up the world (municipalities, facilities, children).
    pub setup_secs: f64,
    /// Seconds to make the bookings.
    pub book_secs: f64,
}

impl std::fmt::Display for Stats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} facilities, {} children, {} requests ({} flexible, {} regular series, {} interviews; {} accepted, \
             refused {:?}), {} booking records, held {:.1} % regular / {:.1} % flexible; plan {:.2} s, setup {:.2} s, \
             booking {:.2} s",
            self.facilities,
            self.children,
            self.requests,
            self.by_kind[0],
            self.by_kind[1],
            self.by_kind[2],
            self.accepted,
            self.refused,
            self.records,
            self.held[0] * 100.0,
            self.held[1] * 100.0,
            self.plan_secs,
            self.setup_secs,
            self.book_secs
        )
    }
}

/// A built world with what the generator knows about it.
pub struct Built {
    /// The world.
    pub world: World,
    /// What the generator knows.
    pub meta: Meta,
    /// Statistics.
    pub stats: Stats,
}

/// The julian day of a date.
pub fn jd(d: Date) -> i32 {
    d.to_julian_day()
}

/// The date of a julian day.
pub fn date(day: i32) -> Date {
    Date::from_julian_day(day).expect("day in range")
}

/// Weekday, 0 = Monday.
pub fn weekday(day: i32) -> usize {
    date(day).weekday().number_days_from_monday() as usize
}

/// The generator's today.
pub fn today() -> Now {
    Now::parse(TODAY).expect("TODAY parses")
}

fn slot(s: u8) -> Clock {
    Clock::from_slot(s)
}

const WEEKDAYS: [Weekday; 5] = [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri];

/// Generates the setup (municipalities, facilities, children) and what the generator knows.
pub fn gen_setup(cfg: &Config, rng: &mut Rng) -> (Setup, Meta) {
    assert!((1..=20).contains(&cfg.municipalities) && cfg.days <= 64);
    let now = today();
    let window_start = jd(now.date()) + LEAD_DAYS;
    let window_end = window_start + cfg.days as i32;
    let munis = &MUNICIPALITIES[..cfg.municipalities];
    let municipalities: Vec<MunicipalitySpec> = munis
        .iter()
        .enumerate()
        .map(|(i, (code, name))| MunicipalitySpec {
            code: (*code).into(),
            name: (*name).into(),
            prefecture: "東京都".into(),
            online: i % 5 != 4,
            rules: RulesSpec {
                // The window runs to today + 7 + days: the horizon covers it.
                horizon_days: Some((LEAD_DAYS as u32 + cfg.days).max(62)),
                monthly_cap_minutes: Some(cfg.monthly_cap_minutes),
                cutoff_time: (i % 3 == 1).then(|| Clock::parse("17:00").expect("time")),
                fee_per_hour_yen: (i % 4 == 2).then_some(350),
                ..RulesSpec::default()
            },
        })
        .collect();

    // Facilities, spread unevenly: municipality i has weight (n - i).
    let n = cfg.municipalities;
    let weights: Vec<usize> = (0..n).map(|i| n - i).collect();
    let total_w: usize = weights.iter().sum();
    let mut facilities = Vec::with_capacity(cfg.facilities);
    let mut metas: Vec<FacMeta> = Vec::with_capacity(cfg.facilities);
    for i in 0..cfg.facilities {
        let mut x = rng.below(total_w);
        let mut muni = 0;
        while x >= weights[muni] {
            x -= weights[muni];
            muni += 1;
        }
        let (spec, meta) = gen_facility(i, muni, munis[muni], window_start, window_end, rng);
        facilities.push(spec);
        metas.push(meta);
    }
    let mut by_muni: Vec<Vec<u32>> = vec![Vec::new(); n];
    for (i, f) in metas.iter().enumerate() {
        by_muni[f.muni].push(i as u32);
    }

    // Children: a pool per facility.
    let expected: Vec<f64> = metas.iter().map(expected_daily_bookings).collect();
    let factor = match cfg.children {
        Children::PerDailyBooking(x) => x,
        Children::Total(t) => t as f64 / expected.iter().sum::<f64>(),
    };
    let birth_lo = jd(tsuen::clock::parse_date("2023-09-01").expect("date"));
    let birth_hi = jd(tsuen::clock::parse_date("2025-10-20").expect("date"));
    let cert =
        [tsuen::clock::parse_date("2026-04-01").expect("date"), tsuen::clock::parse_date("2027-03-31").expect("date")];
    let mut children = Vec::new();
    let mut cmetas: Vec<ChildMeta> = Vec::new();
    for fi in 0..metas.len() {
        let size = ((expected[fi] * factor).round() as usize).max(1);
        for _ in 0..size {
            let ci = cmetas.len() as u32;
            let id = format!("c{ci:06}");
            let birth = date(birth_lo + rng.below((birth_hi - birth_lo) as usize) as i32);
            let muni = if rng.chance(0.9) { metas[fi].muni } else { rng.below(n) };
            let mut approved = vec![fi as u32];
            let same = &by_muni[metas[fi].muni];
            if same.len() > 1 && rng.chance(0.2) {
                let other = *rng.pick(same);
                if other != fi as u32 {
                    approved.push(other);
                }
            }
            let approvals = approved
                .iter()
                .map(|&f| ApprovalSpec {
                    facility: metas[f as usize].id.clone(),
                    interview_date: date(jd(now.date()) - rng.range(20, 80) as i32),
                    last_use: rng.chance(0.5).then(|| date(jd(now.date()) - rng.range(1, 19) as i32)),
                })
                .collect();
            let fee_class = match rng.below(20) {
                0 => FeeClass::Welfare,
                1 | 2 => FeeClass::TaxExempt,
                3 | 4 => FeeClass::LowIncome,
                5 => FeeClass::SupportNeeded,
                _ => FeeClass::Standard,
            };
            for &f in &approved {
                metas[f as usize].pool.push(ci);
            }
            children.push(ChildSpec {
                id: id.clone(),
                parent: Some(format!("p{:06}", ci / 2)),
                name: format!("こども{ci}"),
                birth_date: birth,
                municipality: munis[muni].0.into(),
                certified: Some(cert),
                fee_class,
                approvals: Some(approvals),
            });
            let r = |m| jd(tsuen::clock::reached(birth, m));
            cmetas.push(ChildMeta { id, reached: [r(12), r(24), r(36)], facilities: approved });
        }
    }
    let busy = vec![0; cmetas.len()];
    let meta = Meta {
        window_start,
        days: cfg.days,
        muni_codes: munis.iter().map(|(c, _)| (*c).to_owned()).collect(),
        facilities: metas,
        children: cmetas,
        busy,
    };
    (Setup { now, municipalities, facilities, children }, meta)
}

fn expected_daily_bookings(f: &FacMeta) -> f64 {
    let mut places = 0u64;
    let mut days = 0;
    for wd in 0..7 {
        if let Some((a, b)) = f.hours[wd] {
            days += 1;
            for q in 0..2 {
                if f.kinds[q] {
                    places += (a..b).map(|s| u64::from(f.template[wd][q][s as usize])).sum::<u64>();
                }
            }
        }
    }
    // ~60 % held, bookings of 5 slots on average.
    places as f64 / f64::from(days.max(1)) * 0.6 / 5.0
}

fn gen_facility(
    i: usize,
    muni: usize,
    (code, muni_name): (&str, &str),
    window_start: i32,
    window_end: i32,
    rng: &mut Rng,
) -> (FacilitySpec, FacMeta) {
    let id = format!("f{i:05}");
    let (open, close) = match rng.below(10) {
        0..=6 => (14u8, 38u8),
        7 | 8 => (15, 37),
        _ => (16, 36),
    };
    let sat = rng.chance(0.3);
    let flexible_only = rng.chance(0.1);
    let r = rng.range(2, 5);
    let fx = rng.range(3, 10);
    let mut hours = Hours::default();
    let h = Some([slot(open), slot(close)]);
    hours.mon = h;
    hours.tue = h;
    hours.wed = h;
    hours.thu = h;
    hours.fri = h;
    if sat {
        hours.sat = Some([slot(16), slot(26)]);
    }
    let regular = (!flexible_only).then_some(r);
    let mut capacity =
        vec![CapacityBand { days: WEEKDAYS.to_vec(), from: slot(open), to: slot(close), regular, flexible: Some(fx) }];
    if rng.chance(0.3) {
        capacity.push(CapacityBand {
            days: WEEKDAYS.to_vec(),
            from: slot(20),
            to: slot(30),
            regular,
            flexible: Some(fx + 2),
        });
    }
    if sat {
        capacity.push(CapacityBand {
            days: vec![Weekday::Sat],
            from: slot(16),
            to: slot(26),
            regular: None,
            flexible: Some(rng.range(2, 4)),
        });
    }
    let days = (window_end - window_start) as usize;
    let closed_on_holidays = rng.chance(0.8);
    let closed: Vec<i32> = if rng.chance(0.1) { vec![window_start + rng.below(days) as i32] } else { vec![] };
    let overrides: Vec<(i32, u8, u8, u16)> =
        if rng.chance(0.1) { vec![(window_start + rng.below(days) as i32, 26, 30, 1)] } else { vec![] };
    let mut age_limits = AgeLimits::default();
    let mut limits = [[None; 3]; 2];
    if rng.chance(0.25) {
        let l = rng.range(1, 2);
        age_limits.flexible = Some(ClassLimits { age0: Some(l), ..ClassLimits::default() });
        limits[1][0] = Some(l as u16);
    }
    if !flexible_only && rng.chance(0.05) {
        age_limits.regular = Some(ClassLimits { age0: Some(1), ..ClassLimits::default() });
        limits[0][0] = Some(1);
    }
    let interview_days: Vec<i32> = (window_start..window_end).filter(|&d| matches!(weekday(d), 1 | 3)).collect();
    let interview_slots = interview_days
        .iter()
        .map(|&d| InterviewSlot { date: date(d), from: slot(20), to: slot(22), places: 2 })
        .collect();
    let fee = if rng.chance(0.3) { Some(*rng.pick(&[250, 350, 400])) } else { None };
    let max_booking_minutes = rng.chance(0.2).then_some(480);
    let auto_confirm = rng.chance(0.5);

    // The compiled template, as the engine compiles it: later bands replace earlier ones.
    let mut template = Box::new([[[0u16; SLOTS]; 2]; 7]);
    for band in &capacity {
        for d in &band.days {
            for s in band.from.slot()..band.to.slot() {
                template[d.index()][0][s as usize] = band.regular.unwrap_or(0) as u16;
                template[d.index()][1][s as usize] = band.flexible.unwrap_or(0) as u16;
            }
        }
    }
    let mut hours_slots = [None; 7];
    for (wd, h) in hours.by_index().iter().enumerate() {
        hours_slots[wd] = h.map(|[a, b]| (a.slot(), b.slot()));
    }
    let spec = FacilitySpec {
        id: id.clone(),
        name: format!("{muni_name}こども園{i}"),
        municipality: code.into(),
        kinds: if flexible_only { vec![UsageKind::Flexible] } else { vec![UsageKind::Regular, UsageKind::Flexible] },
        hours,
        closed: closed.iter().map(|&d| date(d)).collect(),
        closed_on_holidays,
        fee_per_hour_yen: fee,
        capacity,
        capacity_overrides: overrides
            .iter()
            .map(|&(d, a, b, p)| CapacityOverride {
                date: date(d),
                from: slot(a),
                to: slot(b),
                regular: None,
                flexible: Some(u32::from(p)),
            })
            .collect(),
        age_limits,
        interview_slots,
        auto_confirm,
        max_booking_minutes,
    };
    let meta = FacMeta {
        id,
        muni,
        hours: hours_slots,
        template,
        overrides,
        closed,
        closed_on_holidays,
        kinds: [!flexible_only, true],
        age_limits: limits,
        interview_days,
        pool: Vec::new(),
    };
    (spec, meta)
}

/// Per (day, quota) counts of places held by age class and slot, for facilities with limits.
type ClassCounts = BTreeMap<(i32, usize), [[u16; SLOTS]; 3]>;

struct Planner<'a> {
    rng: &'a mut Rng,
    meta: &'a mut Meta,
    out: Vec<Planned>,
    capacity: [u64; 2],
    next_id: usize,
    gap_max: u32,
}

impl Planner<'_> {
    fn bit(&self, day: i32) -> u64 {
        1u64 << (day - self.meta.window_start)
    }

    /// A child of the pool free on every day of `days` whose age class fits the limits there.
    fn pick_child(&mut self, fi: usize, q: usize, days: &[i32], band: (u8, u8), counts: &ClassCounts) -> Option<u32> {
        let f = &self.meta.facilities[fi];
        let pool = &f.pool;
        if pool.is_empty() {
            return None;
        }
        let need: u64 = days.iter().map(|&d| self.bit(d)).fold(0, |a, b| a | b);
        let start = self.rng.below(pool.len());
        for k in 0..pool.len() {
            let c = pool[(start + k) % pool.len()];
            if self.meta.busy[c as usize] & need != 0 {
                continue;
            }
            let child = &self.meta.children[c as usize];
            let fits = days.iter().all(|&d| match child.class_on(d) {
                Some(class) => match f.age_limits[q][class as usize] {
                    Some(l) => {
                        let held = counts.get(&(d, q)).map(|c| &c[class as usize]);
                        (band.0..band.1).all(|s| held.map_or(0, |h| h[s as usize]) < l)
                    }
                    None => true,
                },
                None => true,
            });
            if fits {
                return Some(c);
            }
        }
        None
    }

    fn take(&mut self, fi: usize, c: u32, q: usize, days: &[i32], band: (u8, u8), counts: &mut ClassCounts) {
        for &d in days {
            self.meta.busy[c as usize] |= self.bit(d);
            if let Some(class) = self.meta.children[c as usize].class_on(d)
                && self.meta.facilities[fi].age_limits[q][class as usize].is_some()
            {
                let e = counts.entry((d, q)).or_insert([[0; SLOTS]; 3]);
                for s in band.0..band.1 {
                    e[class as usize][s as usize] += 1;
                }
            }
        }
    }

    /// Intervals of one lane: where the lane exists (`caps[s] > lane`) inside the hours, random
    /// gaps then bookings of 2 to 8 slots.
    fn lane(&mut self, caps: &[u16; SLOTS], lane: u16, open: (u8, u8)) -> Vec<(u8, u8)> {
        let mut out = Vec::new();
        let mut pos = open.0;
        while pos < open.1 {
            while pos < open.1 && caps[pos as usize] <= lane {
                pos += 1;
            }
            let mut end = pos;
            while end < open.1 && caps[end as usize] > lane {
                end += 1;
            }
            let mut p = pos;
            loop {
                let max = self.gap_max + u32::from(self.rng.chance(0.5));
                p += self.rng.range(0, max) as u8;
                let len = self.rng.range(2, 8) as u8;
                if p + 2 > end {
                    break;
                }
                let to = (p + len).min(end);
                out.push((p, to));
                p = to;
            }
            pos = end;
        }
        out
    }

    fn push(&mut self, fi: usize, c: u32, kind: Kind, day: i32, band: (u8, u8), weeks: Option<u32>) {
        let prefix = match kind {
            Kind::Regular => 'r',
            Kind::Flexible => 'b',
            Kind::Interview => 'i',
        };
        let id = format!("{prefix}{}", self.next_id);
        self.next_id += 1;
        let occurrences = weeks.unwrap_or(1);
        self.out.push(Planned {
            req: BookRequest {
                id,
                child: self.meta.children[c as usize].id.clone(),
                facility: self.meta.facilities[fi].id.clone(),
                kind,
                date: date(day),
                from: slot(band.0),
                to: slot(band.1),
                weeks,
            },
            quota: kind.usage().map(|k| if k == UsageKind::Regular { 0 } else { 1 }),
            slot_places: u64::from(band.1 - band.0) * u64::from(occurrences),
            records: occurrences,
        });
    }

    fn facility(&mut self, fi: usize, interview_share: f64) {
        let start = self.meta.window_start;
        let end = start + self.meta.days as i32;
        let mut counts = ClassCounts::new();
        // Regular: per weekday, runs of consecutive open weeks (at most 13), one series per lane
        // interval and run.
        if self.meta.facilities[fi].kinds[0] {
            for wd in 0..7 {
                let Some(open) = self.meta.facilities[fi].hours[wd] else {
                    continue;
                };
                let caps = self.meta.facilities[fi].template[wd][0];
                let mut runs: Vec<Vec<i32>> = vec![Vec::new()];
                for d in (start..end).filter(|&d| weekday(d) == wd) {
                    if self.meta.facilities[fi].open(d).is_some() && runs.last().is_some_and(|r| r.len() < 13) {
                        runs.last_mut().expect("run").push(d);
                    } else {
                        runs.push(Vec::new());
                        if self.meta.facilities[fi].open(d).is_some() {
                            runs.last_mut().expect("run").push(d);
                        }
                    }
                }
                for run in runs.into_iter().filter(|r| !r.is_empty()) {
                    self.capacity[0] +=
                        run.len() as u64 * (open.0..open.1).map(|s| u64::from(caps[s as usize])).sum::<u64>();
                    let max = (open.0..open.1).map(|s| caps[s as usize]).max().unwrap_or(0);
                    for lane in 0..max {
                        for band in self.lane(&caps, lane, open) {
                            if let Some(c) = self.pick_child(fi, 0, &run, band, &counts) {
                                self.take(fi, c, 0, &run, band, &mut counts);
                                self.push(fi, c, Kind::Regular, run[0], band, Some(run.len() as u32));
                            }
                        }
                    }
                }
            }
        }
        // Flexible: per open day, lanes.
        for d in start..end {
            let Some(open) = self.meta.facilities[fi].open(d) else {
                continue;
            };
            let caps = self.meta.facilities[fi].caps(d)[1];
            self.capacity[1] += (open.0..open.1).map(|s| u64::from(caps[s as usize])).sum::<u64>();
            let max = (open.0..open.1).map(|s| caps[s as usize]).max().unwrap_or(0);
            for lane in 0..max {
                for band in self.lane(&caps, lane, open) {
                    if let Some(c) = self.pick_child(fi, 1, &[d], band, &counts) {
                        self.take(fi, c, 1, &[d], band, &mut counts);
                        self.push(fi, c, Kind::Flexible, d, band, None);
                    }
                }
            }
        }
        // Interviews: some slots get one, by a child of the pool free that day.
        let days = self.meta.facilities[fi].interview_days.clone();
        for d in days {
            if self.rng.chance(interview_share)
                && let Some(c) = self.pick_child(fi, 1, &[d], (20, 22), &ClassCounts::new())
            {
                self.meta.busy[c as usize] |= self.bit(d);
                self.push(fi, c, Kind::Interview, d, (20, 22), None);
            }
        }
    }
}

/// Generates a setup and the bookings to make, in booking (random) order.
pub fn plan(cfg: &Config) -> Plan {
    let mut rng = Rng::new(cfg.seed);
    let (setup, mut meta) = gen_setup(cfg, &mut rng);
    let mut p =
        Planner { rng: &mut rng, meta: &mut meta, out: Vec::new(), capacity: [0; 2], next_id: 1, gap_max: cfg.gap_max };
    for fi in 0..p.meta.facilities.len() {
        p.facility(fi, cfg.interview_share);
    }
    let (mut requests, capacity) = (std::mem::take(&mut p.out), p.capacity);
    rng.shuffle(&mut requests);
    if let Some(max) = cfg.max_records {
        let mut total = 0usize;
        let keep = requests
            .iter()
            .position(|r| {
                total += r.records as usize;
                total > max
            })
            .unwrap_or(requests.len());
        requests.truncate(keep);
    }
    // The requests' strings were allocated in the order planned; a caller reads requests in the
    // order they arrive (off the network, or from a file), each fresh in memory. Copy them in the
    // booking order, so that reading the input does not cost cache misses no real caller has.
    let requests = requests.to_vec();
    Plan { setup, meta, requests, capacity }
}

/// Books planned requests into a world; returns (accepted, refusals by codes, slot-places held per
/// quota).
pub fn book_all(world: &mut World, requests: &[Planned]) -> (usize, BTreeMap<String, usize>, [u64; 2]) {
    let mut accepted = 0;
    let mut refused = BTreeMap::new();
    let mut held = [0u64; 2];
    let results = if std::env::var_os("TSUEN_BULK_ONE_BY_ONE").is_some() {
        requests.iter().map(|p| world.book(&p.req)).collect::<Vec<_>>()
    } else {
        world.book_many(requests)
    };
    for (p, result) in requests.iter().zip(results) {
        match result {
            Ok(_) => {
                accepted += 1;
                if let Some(q) = p.quota {
                    held[q] += p.slot_places;
                }
            }
            Err(e) => {
                let codes: Vec<&str> = e.codes().iter().map(|c| c.as_str()).collect();
                *refused.entry(codes.join(",")).or_insert(0) += 1;
            }
        }
    }
    (accepted, refused, held)
}

/// Generates and builds a world, booking through the engine's rules.
pub fn build(cfg: &Config) -> Built {
    let t = Instant::now();
    let plan = plan(cfg);
    let plan_secs = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let mut world = plan.setup.world();
    let setup_secs = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let (accepted, refused, held) = book_all(&mut world, &plan.requests);
    let book_secs = t.elapsed().as_secs_f64();
    let mut by_kind = [0; 3];
    for p in &plan.requests {
        by_kind[match p.req.kind {
            Kind::Flexible => 0,
            Kind::Regular => 1,
            Kind::Interview => 2,
        }] += 1;
    }
    let stats = Stats {
        requests: plan.requests.len(),
        by_kind,
        accepted,
        refused,
        records: world.booking_count(),
        children: plan.meta.children.len(),
        facilities: plan.meta.facilities.len(),
        held: [held[0] as f64 / plan.capacity[0].max(1) as f64, held[1] as f64 / plan.capacity[1].max(1) as f64],
        plan_secs,
        setup_secs,
        book_secs,
    };
    Built { world, meta: plan.meta, stats }
}

/// Peak resident set size of this process in bytes (`VmHWM`), where /proc tells it.
#[repr(C)]
struct Timespec {
    tv_sec: i64,
    tv_nsec: i64,
}

unsafe extern "C" {
    fn clock_gettime(clock: i32, ts: *mut Timespec) -> i32;
}

/// The calling thread's CPU time in nanoseconds (`CLOCK_THREAD_CPUTIME_ID`): on a shared machine it
/// leaves out the time the thread waits for a core (not the cache misses other processes cause).
pub fn thread_cpu_ns() -> u64 {
    const CLOCK_THREAD_CPUTIME_ID: i32 = 3;
    let mut ts = Timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes one timespec (two 64-bit fields on 64-bit Linux) into `ts`.
    let rc = unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

/// Seconds of the calling thread's CPU time since `start` (a `thread_cpu_ns()` value).
pub fn cpu_secs_since(start: u64) -> f64 {
    (thread_cpu_ns() - start) as f64 / 1e9
}

pub fn peak_rss_bytes() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

impl Built {
    /// The date of window day `i`.
    pub fn day(&self, i: i32) -> Date {
        date(self.meta.window_start + i)
    }

    /// Children in a scattered but fixed order.
    fn child_order(&self) -> impl Iterator<Item = usize> + '_ {
        let n = self.meta.children.len();
        // A stride coprime with n visits every child once.
        let mut stride = 7919 % n.max(1);
        while stride == 0 || gcd(stride, n) != 1 {
            stride += 1;
        }
        (0..n).map(move |k| (k * stride + 13) % n)
    }

    /// Up to `n` flexible requests the world accepts (a dry run says so), one per child, over the
    /// window's days, for the band `from..to`.
    pub fn flexible_candidates(&self, n: usize, from: &str, to: &str) -> Vec<BookRequest> {
        let (from, to) = (Clock::parse(from).expect("time"), Clock::parse(to).expect("time"));
        let mut out = Vec::new();
        for (k, c) in self.child_order().enumerate() {
            if out.len() >= n {
                break;
            }
            let child = &self.meta.children[c];
            let f = &self.meta.facilities[child.facilities[k % child.facilities.len()] as usize];
            for t in 0..self.meta.days as i32 {
                let d = (k as i32 * 5 + t) % self.meta.days as i32;
                let req = BookRequest {
                    id: format!("cand{k}"),
                    child: child.id.clone(),
                    facility: f.id.clone(),
                    kind: Kind::Flexible,
                    date: self.day(d),
                    from,
                    to,
                    weeks: None,
                };
                if self.world.check(&req).is_ok() {
                    out.push(req);
                    break;
                }
            }
        }
        out
    }

    /// Up to `n` regular series of `weeks` weeks starting in the window's first week that the world
    /// accepts, one per child.
    pub fn regular_candidates(&self, n: usize, weeks: u32) -> Vec<BookRequest> {
        let bands = [("13:00", "15:00"), ("15:00", "17:00"), ("09:00", "11:00"), ("17:00", "18:00")];
        let mut out = Vec::new();
        for (k, c) in self.child_order().enumerate() {
            if out.len() >= n {
                break;
            }
            let child = &self.meta.children[c];
            let f = &self.meta.facilities[child.facilities[0] as usize];
            'found: for d in 0..7 {
                for (from, to) in bands {
                    let req = BookRequest {
                        id: format!("rcand{k}"),
                        child: child.id.clone(),
                        facility: f.id.clone(),
                        kind: Kind::Regular,
                        date: self.day(d),
                        from: Clock::parse(from).expect("time"),
                        to: Clock::parse(to).expect("time"),
                        weeks: Some(weeks),
                    };
                    if self.world.check(&req).is_ok() {
                        out.push(req);
                        break 'found;
                    }
                }
            }
        }
        out
    }

    /// A flexible request refused with `no_capacity` alone: one slot where the quota is full.
    pub fn no_capacity_request(&self) -> Option<BookRequest> {
        let mut cells = Vec::new();
        for f in &self.meta.facilities {
            self.world
                .calendar_into(&f.id, self.day(0), self.meta.days, None, &mut cells)
                .expect("calendar of a known facility");
            for d in 0..self.meta.days as usize {
                for s in 0..SLOTS {
                    if cells[d * SLOTS + s] != 0 {
                        continue;
                    }
                    for &c in &f.pool {
                        let req = BookRequest {
                            id: "full".into(),
                            child: self.meta.children[c as usize].id.clone(),
                            facility: f.id.clone(),
                            kind: Kind::Flexible,
                            date: self.day(d as i32),
                            from: slot(s as u8),
                            to: slot(s as u8 + 1),
                            weeks: None,
                        };
                        if let Err(e) = self.world.check(&req)
                            && e.codes() == [tsuen::Code::NoCapacity]
                        {
                            return Some(req);
                        }
                    }
                }
            }
        }
        None
    }

    /// The code of the municipality with the most facilities, and how many it has.
    pub fn largest_municipality(&self) -> (String, usize) {
        let mut n = vec![0usize; self.meta.muni_codes.len()];
        for f in &self.meta.facilities {
            n[f.muni] += 1;
        }
        let (i, k) = n.iter().enumerate().max_by_key(|(_, k)| **k).expect("a municipality");
        (self.meta.muni_codes[i].clone(), *k)
    }

    /// A facility open on Saturdays with an age limit (the busiest shape for a calendar), and a
    /// child approved there.
    pub fn calendar_facility(&self) -> (String, String) {
        let f = self
            .meta
            .facilities
            .iter()
            .find(|f| f.hours[5].is_some() && f.age_limits[1][0].is_some() && !f.pool.is_empty())
            .or_else(|| self.meta.facilities.iter().find(|f| !f.pool.is_empty()))
            .expect("a facility");
        let young = f
            .pool
            .iter()
            .find(|&&c| self.meta.children[c as usize].class_on(self.meta.window_start + 14) == Some(0))
            .unwrap_or(&f.pool[0]);
        (f.id.clone(), self.meta.children[*young as usize].id.clone())
    }

    /// The first Monday of the window, from the second week on (the first holds Golden Week's
    /// start) — a window day index.
    pub fn a_monday(&self) -> i32 {
        (7..14).find(|&d| weekday(self.meta.window_start + d) == 0).expect("a Monday")
    }
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 { a } else { gcd(b, a % b) }
}
