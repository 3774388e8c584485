//! Building a world from a setup (the scenario format's and the save format's), naming where a setup
//! is wrong.

use crate::clock::Now;
use crate::error::Error;
use crate::model::{ChildSpec, FacilitySpec, MunicipalitySpec};
use crate::world::World;

/// Parses a JSON value into `T`, naming the path of the first wrong field.
pub(crate) fn parse_at<T: serde::de::DeserializeOwned>(v: &serde_json::Value, at: &str) -> Result<T, String> {
    serde_path_to_error::deserialize(v).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        let sep = if at.is_empty() || path.is_empty() { "" } else { "." };
        format!("{at}{sep}{path}: {}", e.into_inner())
    })
}

pub(crate) fn invalid_file(msg: impl Into<String>) -> Error {
    Error::invalid(msg)
}

/// Builds a world from a setup, naming where a setup is wrong.
///
/// # Errors
/// `invalid_request` with where and why.
pub(crate) fn world_from_setup(
    today: Now,
    municipalities: &[MunicipalitySpec],
    facilities: &[FacilitySpec],
    children: &[ChildSpec],
) -> Result<World, Error> {
    world_from_parts(today, municipalities.to_vec(), facilities.to_vec(), children.to_vec())
}

/// `world_from_setup` taking the setups (no copies).
pub(crate) fn world_from_parts(
    today: Now,
    municipalities: Vec<MunicipalitySpec>,
    facilities: Vec<FacilitySpec>,
    children: Vec<ChildSpec>,
) -> Result<World, Error> {
    let mut w = world_without_children(today, municipalities, facilities)?;
    for (i, c) in children.into_iter().enumerate() {
        add_child(&mut w, i, c)?;
    }
    Ok(w)
}

/// The first part of `world_from_parts`: the municipalities and the facilities.
pub(crate) fn world_without_children(
    today: Now,
    municipalities: Vec<MunicipalitySpec>,
    facilities: Vec<FacilitySpec>,
) -> Result<World, Error> {
    let mut w = World::new(today);
    for (i, m) in municipalities.into_iter().enumerate() {
        if w.muni_index.get(&m.code).is_some() {
            return Err(invalid_file(format!("municipalities[{i}].code: {:?} is listed twice", m.code)));
        }
        w.put_municipality(m).map_err(|e| invalid_file(format!("municipalities[{i}].{}", detail(&e))))?;
    }
    for (i, f) in facilities.into_iter().enumerate() {
        if w.facility_index.get(&f.id).is_some() {
            return Err(invalid_file(format!("facilities[{i}].id: {:?} is listed twice", f.id)));
        }
        w.put_facility(f).map_err(|e| invalid_file(format!("facilities[{i}].{}", detail(&e))))?;
    }
    Ok(w)
}

/// The rest of `world_from_parts`: child number `i` of the setup.
pub(crate) fn add_child(w: &mut World, i: usize, c: ChildSpec) -> Result<(), Error> {
    if w.child_lookup(&c.id).is_some() {
        return Err(invalid_file(format!("children[{i}].id: {:?} is listed twice", c.id)));
    }
    w.put_child(c).map_err(|e| invalid_file(format!("children[{i}].{}", detail(&e))))
}

fn detail(e: &Error) -> String {
    e.detail().map(str::to_owned).unwrap_or_else(|| e.to_string())
}

/// A world's setup, as at the top of a scenario file: now, municipalities, facilities, children.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Setup {
    /// Now, at the start (`YYYY-MM-DD` or `YYYY-MM-DDTHH:MM`).
    pub today: Now,
    /// Municipalities.
    pub municipalities: Vec<MunicipalitySpec>,
    /// Facilities.
    pub facilities: Vec<FacilitySpec>,
    /// Children.
    pub children: Vec<ChildSpec>,
}

impl World {
    /// A world from a setup.
    ///
    /// # Errors
    /// `invalid_request` saying where and why (e.g. `facilities[0].capacity[1]: 07:15–09:00: times
    /// must be on :00 or :30`).
    pub fn from_setup(setup: &Setup) -> Result<World, Error> {
        world_from_setup(setup.today, &setup.municipalities, &setup.facilities, &setup.children)
    }

    /// A world from a setup's JSON.
    ///
    /// # Errors
    /// As [`World::from_setup`], and when the text is not a setup (which field, and why).
    pub fn from_setup_json(text: &str) -> Result<World, Error> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| Error::invalid(format!("not valid JSON: {e}")))?;
        let setup: Setup = parse_at(&value, "").map_err(Error::invalid)?;
        World::from_setup(&setup)
    }
}
