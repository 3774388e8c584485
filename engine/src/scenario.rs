//! The scenario runner of SCENARIOS.md: set up a world from a JSON file, run its steps, compare
//! each step's outcome with its `expect`.
//!
//! # Example
//! ```
//! let text = r#"{"name": "empty", "today": "2026-01-13", "municipalities": [], "facilities": [],
//!                "children": [], "steps": [{"status": "nothing", "expect": {"errors": ["unknown_booking"]}}]}"#;
//! let result = tsuen::scenario::run(text).unwrap();
//! assert_eq!((result.passed, result.failed), (1, 0));
//! ```

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::clock::{Clock, Month, Now, SLOTS, format_date, jd};
use crate::error::{Code, Error};
use crate::model::{BookRequest, CalendarQuery, ChildSpec, FacilitySpec, MunicipalitySpec, RegularQuery, SearchQuery};
use crate::op::Op;
use crate::world::World;

/// The result of a scenario, as SCENARIOS.md fixes it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScenarioResult {
    /// The scenario's name.
    pub name: String,
    /// Expectations met.
    pub passed: u32,
    /// Expectations not met.
    pub failed: u32,
    /// One entry per expectation not met.
    pub failures: Vec<Failure>,
}

/// An expectation not met.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Failure {
    /// The step's index, from 0.
    pub step: usize,
    /// The operation.
    pub op: String,
    /// What the file expected.
    pub expected: Value,
    /// What happened.
    pub actual: Value,
}

/// The setup part of a scenario file (also a world's setup).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// A short description.
    pub name: String,
    /// Now, at the start.
    pub today: Now,
    /// Municipalities.
    pub municipalities: Vec<MunicipalitySpec>,
    /// Facilities.
    pub facilities: Vec<FacilitySpec>,
    /// Children.
    pub children: Vec<ChildSpec>,
    /// Steps (each checked when it runs).
    pub steps: Vec<Value>,
}

use crate::setup::{invalid_file, parse_at};

/// Runs a scenario file's text.
///
/// # Errors
/// `invalid_request` when the file is invalid (not JSON, a bad setup, a malformed step), saying where
/// and why.
pub fn run(text: &str) -> Result<ScenarioResult, Error> {
    let value: Value = serde_json::from_str(text).map_err(|e| invalid_file(format!("not valid JSON: {e}")))?;
    let file: ScenarioFile = parse_at(&value, "").map_err(invalid_file)?;
    let mut world = crate::setup::world_from_setup(file.today, &file.municipalities, &file.facilities, &file.children)?;
    let mut result = ScenarioResult { name: file.name.clone(), passed: 0, failed: 0, failures: Vec::new() };
    for (i, step) in file.steps.iter().enumerate() {
        let at = format!("steps[{i}]");
        let obj = step.as_object().ok_or_else(|| invalid_file(format!("{at}: a step must be an object")))?;
        let ops: Vec<&String> = obj.keys().filter(|k| *k != "expect").collect();
        let op = match ops.as_slice() {
            [op] => op.as_str(),
            [] => return Err(invalid_file(format!("{at}: no operation"))),
            _ => {
                return Err(invalid_file(format!("{at}: several operations ({})", join(&ops))));
            }
        };
        let arg = &obj[op];
        let expect = obj.get("expect");
        if op == "today" {
            if expect.is_some() {
                return Err(invalid_file(format!("{at}.expect: a today step has no expect")));
            }
            let now = arg
                .as_str()
                .ok_or_else(|| "must be a string".to_owned())
                .and_then(Now::parse)
                .map_err(|e| invalid_file(format!("{at}.today: {e}")))?;
            if now < world.now() {
                return Err(invalid_file(format!("{at}.today: {now} goes back from {}", world.now())));
            }
            world.set_now(now);
            continue;
        }
        let kind = op_kind(op).ok_or_else(|| invalid_file(format!("{at}: unknown operation {op:?}")))?;
        let expected = expect.map(|e| Expected::parse(e, kind, &format!("{at}.expect"))).transpose()?;
        let outcome = run_op(&mut world, op, arg);
        if let Some(expected) = expected {
            let (ok, actual) = expected.compare(&outcome);
            if ok {
                result.passed += 1;
            } else {
                result.failed += 1;
                result.failures.push(Failure {
                    step: i,
                    op: op.to_owned(),
                    expected: expect.cloned().unwrap_or(Value::Null),
                    actual,
                });
            }
        }
    }
    Ok(result)
}

fn join(keys: &[&String]) -> String {
    keys.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ")
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum OpKind {
    Write,
    Status,
    Number,
    Calendar,
    List,
    Set,
}

fn op_kind(op: &str) -> Option<OpKind> {
    Some(match op {
        "check" | "facility" | "child" | "close_day" | "book" | "confirm" | "cancel" | "interview_result"
        | "check_in" | "check_out" | "no_show" => OpKind::Write,
        "status" => OpKind::Status,
        "fee" | "usage" | "claim" => OpKind::Number,
        "calendar" => OpKind::Calendar,
        "regular_availability" => OpKind::List,
        "search" => OpKind::Set,
        _ => return None,
    })
}

/// What an operation gave: a value (`"ok"` for a write), or an error.
type Outcome = Result<Value, Error>;

fn arg<T: DeserializeOwned>(v: &Value) -> Result<T, Error> {
    parse_at(v, "").map_err(Error::invalid)
}

fn id_arg(v: &Value) -> Result<&str, Error> {
    v.as_str().ok_or_else(|| Error::invalid("expected a booking id (a string)"))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UsageArg {
    child: String,
    month: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClaimArg {
    facility: String,
    month: String,
}

fn month_arg(s: &str) -> Result<Month, Error> {
    Month::parse(s).map_err(|e| Error::invalid(format!("month: {e}")))
}

fn ok(r: Result<impl Sized, Error>) -> Outcome {
    r.map(|_| json!("ok"))
}

fn run_op(w: &mut World, op: &str, v: &Value) -> Outcome {
    match op {
        "check" => ok(w.check(&arg::<BookRequest>(v)?)),
        _ if op_kind(op) == Some(OpKind::Write) => {
            let op: Op = arg(&json!({op: v}))?;
            ok(w.apply(&op))
        }
        "status" => w.status(id_arg(v)?).map(|s| json!(s.as_str())),
        "fee" => w.fee(id_arg(v)?).map(|f| json!(f)),
        "usage" => {
            let a: UsageArg = arg(v)?;
            w.usage(&a.child, month_arg(&a.month)?).map(|u| json!(u.minutes))
        }
        "claim" => {
            let a: ClaimArg = arg(v)?;
            w.claim(&a.facility, month_arg(&a.month)?).map(|c| json!(c.total_yen))
        }
        "calendar" => {
            let q: CalendarQuery = arg(v)?;
            let cal = w.calendar(&q)?;
            let mut out = Map::new();
            for d in 0..cal.days() {
                let date = crate::clock::date_of(jd(q.from) + d as i32);
                let mut day = Map::new();
                for s in 0..SLOTS {
                    day.insert(Clock::from_slot(s as u8).to_string(), json!(cal.places(d, s)));
                }
                out.insert(format_date(date), Value::Object(day));
            }
            Ok(Value::Object(out))
        }
        "regular_availability" => w.regular_availability(&arg::<RegularQuery>(v)?).map(|l| json!(l)),
        "search" => w.search(&arg::<SearchQuery>(v)?).map(|l| json!(l)),
        _ => unreachable!("operation kinds are checked first"),
    }
}

/// A parsed expectation.
enum Expected {
    Errors(Vec<Code>),
    Value(OpKind, Value),
}

fn errors_value(codes: &[Code]) -> Value {
    json!({"errors": codes.iter().map(|c| c.as_str()).collect::<Vec<_>>()})
}

impl Expected {
    fn parse(v: &Value, kind: OpKind, at: &str) -> Result<Expected, Error> {
        if let Some(obj) = v.as_object()
            && obj.len() == 1
            && let Some(errors) = obj.get("errors")
        {
            return Self::parse_errors(errors, at);
        }
        let fits = match kind {
            OpKind::Write => v == "ok",
            OpKind::Status => v.is_string(),
            OpKind::Number => v.is_u64(),
            OpKind::Calendar => v.as_object().is_some_and(|days| {
                days.iter().all(|(d, cells)| {
                    crate::clock::parse_date(d).is_ok()
                        && cells.as_object().is_some_and(|c| {
                            c.iter().all(|(t, p)| {
                                Clock::parse(t).is_ok_and(|t| t.is_on_grid() && t < Clock::END_OF_DAY)
                                    && (p.is_null() || p.is_u64())
                            })
                        })
                })
            }),
            OpKind::List => v.as_array().is_some_and(|l| l.iter().all(|x| x.is_null() || x.is_u64())),
            OpKind::Set => v.as_array().is_some_and(|l| l.iter().all(Value::is_string)),
        };
        if !fits {
            return Err(invalid_file(format!("{at}: {v} is not an expectation this operation can meet")));
        }
        Ok(Expected::Value(kind, v.clone()))
    }

    fn parse_errors(v: &Value, at: &str) -> Result<Expected, Error> {
        let list = v.as_array().ok_or_else(|| invalid_file(format!("{at}.errors: must be a list of codes")))?;
        let mut codes = Vec::new();
        for (i, c) in list.iter().enumerate() {
            let code = c
                .as_str()
                .and_then(Code::parse)
                .ok_or_else(|| invalid_file(format!("{at}.errors[{i}]: {c} is not a code of SPEC.md")))?;
            codes.push(code);
        }
        codes.sort();
        codes.dedup();
        Ok(Expected::Errors(codes))
    }

    /// Whether the outcome meets the expectation, and the outcome in the expectation's shape.
    fn compare(&self, outcome: &Outcome) -> (bool, Value) {
        match (self, outcome) {
            (_, Err(e)) => {
                let actual = errors_value(&e.codes());
                (matches!(self, Expected::Errors(c) if *c == e.codes()), actual)
            }
            (Expected::Errors(_), Ok(v)) => (false, v.clone()),
            (Expected::Value(OpKind::Calendar, exp), Ok(have)) => {
                // Only the cells listed are compared; a cell out of the range asked is no cell.
                let mut shown = Map::new();
                for (d, cells) in exp.as_object().into_iter().flatten() {
                    let got: Map<String, Value> = cells
                        .as_object()
                        .into_iter()
                        .flatten()
                        .map(|(t, _)| (t.clone(), have.get(d).and_then(|x| x.get(t)).cloned().unwrap_or(Value::Null)))
                        .collect();
                    shown.insert(d.clone(), Value::Object(got));
                }
                let shown = Value::Object(shown);
                (shown == *exp, shown)
            }
            (Expected::Value(OpKind::Set, exp), Ok(actual)) => {
                let sorted = |v: &Value| {
                    let mut l: Vec<String> =
                        v.as_array().into_iter().flatten().filter_map(|x| x.as_str().map(str::to_owned)).collect();
                    l.sort_unstable();
                    l.dedup();
                    l
                };
                let have = sorted(actual);
                (sorted(exp) == have, json!(have))
            }
            (Expected::Value(_, exp), Ok(actual)) => (exp == actual, actual.clone()),
        }
    }
}
