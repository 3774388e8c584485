//! Building a world from a setup (the scenario format's and the save format's), naming where a setup
//! is wrong.

use crate::clock::Now;
use crate::error::Error;
use crate::model::{ChildSpec, FacilitySpec, MunicipalitySpec};
use crate::world::World;

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
    let mut w = World::new(today);
    for (i, m) in municipalities.iter().enumerate() {
        if w.muni_index.contains_key(&m.code) {
            return Err(invalid_file(format!("municipalities[{i}].code: {:?} is listed twice", m.code)));
        }
        w.put_municipality(m.clone()).map_err(|e| invalid_file(format!("municipalities[{i}].{}", detail(&e))))?;
    }
    for (i, f) in facilities.iter().enumerate() {
        if w.facility_index.contains_key(&f.id) {
            return Err(invalid_file(format!("facilities[{i}].id: {:?} is listed twice", f.id)));
        }
        w.put_facility(f.clone()).map_err(|e| invalid_file(format!("facilities[{i}].{}", detail(&e))))?;
    }
    for (i, c) in children.iter().enumerate() {
        if w.child_index.contains_key(&c.id) {
            return Err(invalid_file(format!("children[{i}].id: {:?} is listed twice", c.id)));
        }
        w.put_child(c.clone()).map_err(|e| invalid_file(format!("children[{i}].{}", detail(&e))))?;
    }
    Ok(w)
}

fn detail(e: &Error) -> String {
    e.detail().map(str::to_owned).unwrap_or_else(|| e.to_string())
}
