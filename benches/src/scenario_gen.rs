//! A generator of large scenario files (SCENARIOS.md): a generated setup, then a mix of steps whose
//! `expect` values are what the engine answers when the steps are run in order (the file is then
//! run through `tsuen::scenario::run` to confirm that every expectation holds).

use std::fmt::Write as _;

use serde_json::{Value, json};
use tsuen::{BookRequest, CalendarQuery, CancelBy, Clock, Error, Kind, Month, Now, SearchQuery, UsageKind, World};

use crate::{Children, Config, Meta, Rng, date, gen_setup};

/// What to generate.
#[derive(Clone, Debug)]
pub struct ScenarioConfig {
    /// The seed.
    pub seed: u64,
    /// Facilities.
    pub facilities: usize,
    /// Children (about).
    pub children: usize,
    /// Steps.
    pub steps: usize,
}

impl Default for ScenarioConfig {
    fn default() -> ScenarioConfig {
        ScenarioConfig { seed: 0x7473_7565_6e00_0002, facilities: 300, children: 3_000, steps: 20_000 }
    }
}

/// A generated scenario: its text and a count of its steps by operation.
pub struct Generated {
    /// The file's text.
    pub text: String,
    /// Steps by operation.
    pub ops: std::collections::BTreeMap<&'static str, usize>,
    /// Expectations (steps with an `expect`).
    pub expectations: usize,
}

fn outcome<T>(r: Result<T, Error>, f: impl FnOnce(T) -> Value) -> Value {
    match r {
        Ok(v) => f(v),
        Err(e) => json!({"errors": e.codes().iter().map(|c| c.as_str()).collect::<Vec<_>>()}),
    }
}

fn write_outcome<T>(r: Result<T, Error>) -> Value {
    outcome(r, |_| json!("ok"))
}

struct Gen<'a> {
    rng: Rng,
    meta: &'a Meta,
    world: World,
    /// Ids accepted so far: (id, weeks of a series or 0).
    made: Vec<(String, u32)>,
    next_id: usize,
}

impl Gen<'_> {
    fn request(&mut self, kind_regular: bool) -> BookRequest {
        let m = self.meta;
        let c = &m.children[self.rng.below(m.children.len())];
        let f = if self.rng.chance(0.9) {
            &m.facilities[c.facilities[self.rng.below(c.facilities.len())] as usize]
        } else {
            &m.facilities[self.rng.below(m.facilities.len())]
        };
        let r = self.rng.below(100);
        let day = if r < 3 {
            m.window_start - 1 - self.rng.below(5) as i32
        } else if r < 5 {
            m.window_start + m.days as i32 + self.rng.below(10) as i32
        } else {
            // Mostly weekdays, as parents book.
            let mut d = m.window_start + self.rng.below(m.days as usize) as i32;
            if crate::weekday(d) >= 5 && self.rng.chance(0.8) {
                d -= 2;
            }
            d
        };
        let from = self.rng.range(14, 34) as u8;
        let len = self.rng.range(1, 6) as u8;
        self.next_id += 1;
        BookRequest {
            id: format!("s{}", self.next_id),
            child: c.id.clone(),
            facility: f.id.clone(),
            kind: if kind_regular { Kind::Regular } else { Kind::Flexible },
            date: date(day),
            from: Clock::from_slot(from),
            to: Clock::from_slot(from + len),
            weeks: kind_regular.then(|| self.rng.range(2, 14)),
        }
    }

    fn some_made(&mut self) -> Option<(String, u32)> {
        (!self.made.is_empty()).then(|| self.made[self.rng.below(self.made.len())].clone())
    }

    /// A booking id (an occurrence for a series), or an unknown one now and then.
    fn some_booking(&mut self) -> String {
        match self.some_made() {
            Some((id, 0)) => id,
            Some((id, weeks)) => format!("{id}#{}", self.rng.range(1, weeks)),
            None => "nothing".into(),
        }
    }

    fn step(&mut self) -> (&'static str, Value, Option<Value>) {
        let r = self.rng.below(100);
        match r {
            0..=31 => {
                let regular = self.rng.chance(0.15);
                let req = self.request(regular);
                let res = self.world.book(&req);
                if res.is_ok() {
                    self.made.push((req.id.clone(), req.weeks.unwrap_or(0)));
                }
                ("book", serde_json::to_value(&req).expect("request"), Some(write_outcome(res)))
            }
            32..=43 => {
                let regular = self.rng.chance(0.15);
                let req = self.request(regular);
                let res = self.world.check(&req);
                ("check", serde_json::to_value(&req).expect("request"), Some(write_outcome(res)))
            }
            44..=53 => {
                let id = if self.rng.chance(0.7) {
                    self.some_made().map_or("nothing".into(), |(id, _)| id)
                } else {
                    self.some_booking()
                };
                let by = if self.rng.chance(0.7) { CancelBy::Parent } else { CancelBy::Facility };
                let res = self.world.cancel(&id, by);
                let by_s = if by == CancelBy::Parent { "parent" } else { "facility" };
                ("cancel", json!({"booking": id, "by": by_s}), Some(write_outcome(res)))
            }
            54..=61 => {
                let id = self.some_made().map_or("nothing".into(), |(id, _)| id);
                let res = self.world.confirm(&id);
                ("confirm", json!(id), Some(write_outcome(res)))
            }
            62..=71 => {
                let m = self.meta;
                let f = &m.facilities[self.rng.below(m.facilities.len())];
                let from = date(m.window_start + self.rng.below(m.days as usize) as i32);
                let child = (!f.pool.is_empty() && self.rng.chance(0.3))
                    .then(|| m.children[f.pool[self.rng.below(f.pool.len())] as usize].id.clone());
                let q = CalendarQuery { facility: f.id.clone(), from, days: 7, child };
                let cells = ["06:00", "10:00", "17:30"];
                let res = self.world.calendar(&q);
                let expect = outcome(res, |cal| {
                    let mut days = serde_json::Map::new();
                    for d in 0..7 {
                        let mut day = serde_json::Map::new();
                        for t in cells {
                            let s = Clock::parse(t).expect("time").slot() as usize;
                            day.insert(t.into(), json!(cal.places(d, s)));
                        }
                        days.insert(tsuen::clock::format_date(date(crate::jd(from) + d as i32)), Value::Object(day));
                    }
                    Value::Object(days)
                });
                ("calendar", serde_json::to_value(&q).expect("query"), Some(expect))
            }
            72..=79 => {
                let m = self.meta;
                let muni = m.muni_codes[self.rng.below(m.muni_codes.len())].clone();
                let from = self.rng.range(14, 34) as u8;
                let child = self.rng.chance(0.2).then(|| m.children[self.rng.below(m.children.len())].id.clone());
                let q = SearchQuery {
                    municipality: muni,
                    kind: if self.rng.chance(0.7) { UsageKind::Flexible } else { UsageKind::Regular },
                    date: date(m.window_start + self.rng.below(m.days as usize) as i32),
                    from: Clock::from_slot(from),
                    to: Clock::from_slot(from + 4),
                    child,
                };
                let res = self.world.search(&q);
                ("search", serde_json::to_value(&q).expect("query"), Some(outcome(res, |l| json!(l))))
            }
            80..=87 => {
                let m = self.meta;
                let child = m.children[self.rng.below(m.children.len())].id.clone();
                let month = *self.rng.pick(&["2026-04", "2026-05", "2026-06"]);
                let res = self.world.usage(&child, Month::parse(month).expect("month"));
                ("usage", json!({"child": child, "month": month}), Some(outcome(res, |u| json!(u.minutes))))
            }
            88..=95 => {
                let id = self.some_booking();
                let res = self.world.fee(&id);
                ("fee", json!(id), Some(outcome(res, |f| json!(f))))
            }
            _ => {
                let id = self.some_booking();
                let res = self.world.status(&id);
                ("status", json!(id), Some(outcome(res, |s| json!(s.as_str()))))
            }
        }
    }
}

/// Generates a scenario file.
///
/// # Panics
/// When the file does not pass through the engine's scenario runner (a bug of this generator).
pub fn generate(cfg: &ScenarioConfig) -> Generated {
    let wcfg = Config {
        seed: cfg.seed,
        facilities: cfg.facilities,
        children: Children::Total(cfg.children),
        monthly_cap_minutes: 600,
        ..Config::standard()
    };
    let mut rng = Rng::new(cfg.seed);
    let (setup, meta) = gen_setup(&wcfg, &mut rng);
    let world = setup.world();
    let mut g = Gen { rng, meta: &meta, world, made: Vec::new(), next_id: 0 };
    let mut ops = std::collections::BTreeMap::new();
    let mut steps = String::new();
    let mut expectations = 0;
    let start: Now = setup.now;
    for i in 0..cfg.steps {
        if i > 0 && i % 2_500 == 0 {
            // A day passes.
            let now = Now::new(date(crate::jd(start.date()) + (i / 2_500) as i32), start.time()).expect("now");
            g.world.set_now(now);
            let _ = write!(steps, ",\n{}", json!({"today": now.to_string()}));
            *ops.entry("today").or_insert(0) += 1;
            continue;
        }
        let (op, arg, expect) = g.step();
        *ops.entry(op).or_insert(0) += 1;
        let mut step = serde_json::Map::new();
        step.insert(op.into(), arg);
        if let Some(e) = expect {
            step.insert("expect".into(), e);
            expectations += 1;
        }
        let sep = if steps.is_empty() { "\n" } else { ",\n" };
        let _ = write!(steps, "{sep}{}", Value::Object(step));
    }
    let text = format!(
        "{{\"name\": {}, \"today\": {},\n\"municipalities\": {},\n\"facilities\": {},\n\"children\": {},\n\"steps\": [{steps}\n]}}\n",
        json!(format!(
            "generated: {} facilities, {} children, {} steps (seed {:#x})",
            meta.facilities.len(),
            meta.children.len(),
            cfg.steps,
            cfg.seed
        )),
        json!(setup.now.to_string()),
        serde_json::to_string(&setup.municipalities).expect("json"),
        serde_json::to_string(&setup.facilities).expect("json"),
        serde_json::to_string(&setup.children).expect("json"),
    );
    let result = tsuen::scenario::run(&text).expect("the generated scenario is valid");
    assert_eq!(
        (result.failed, result.passed as usize),
        (0, expectations),
        "the generated scenario fails: {:?}",
        result.failures.iter().take(5).collect::<Vec<_>>()
    );
    Generated { text, ops, expectations }
}
