//! The audit log of staff actions: every write a facility's or a municipality's staff makes (certify,
//! reject, confirm, cancel, interview results, check-in/out for a parent, no-shows, closures, setup and
//! quota changes, activity records, extras, payments, check-in codes, month closes): who, when, what.
//! Each entry is written in the same transaction as the action it records; the municipality reads the
//! entries of its own staff and of the staff of its facilities.

use serde_json::Value;

use super::app::ApiError;
use super::auth::{Account, Role};
use super::clock::stamp;
use super::daystore::AuditRow;
use super::writer::Ctx;

/// The municipality an entry belongs to: a facility's (for its staff), else the staff's own.
fn municipality_of(ctx: &Ctx<'_>, who: &Account) -> String {
    let of_facility = who.facility.as_ref().and_then(|f| ctx.world().facility(f).ok().map(|f| f.municipality.clone()));
    if who.role == Role::Facility
        && let Some(m) = of_facility
    {
        return m;
    }
    who.municipality.clone().unwrap_or_default()
}

/// Records a staff action inside the current job (call it before the engine applies: nothing may
/// fail after that).
pub(crate) fn log(ctx: &Ctx<'_>, who: &Account, action: &str, target: &str, detail: Value) -> Result<(), ApiError> {
    let entry = AuditRow {
        id: 0,
        at: stamp(ctx.clock.now()),
        account: who.id,
        name: who.name.clone(),
        role: who.role.as_str().to_owned(),
        municipality: municipality_of(ctx, who),
        facility: who.facility.clone(),
        action: action.to_owned(),
        target: target.to_owned(),
        detail: detail.to_string(),
    };
    ctx.db.insert_audit(&entry)?;
    Ok(())
}
