//! The TypeScript types of the package (`types.ts`, appended to the generated `.d.ts`) and the JS types
//! that name them in signatures. Every value is the wire format of SPEC.md (snake_case keys).

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = include_str!("types.ts");

macro_rules! js_types {
    ($($rust:ident => $ts:literal),* $(,)?) => {
        #[wasm_bindgen]
        extern "C" {
            $(
                #[doc = concat!("A JS value of the TypeScript type `", $ts, "`.")]
                #[wasm_bindgen(typescript_type = $ts)]
                pub type $rust;
            )*
        }
    };
}

js_types! {
    JsSetup => "Setup",
    JsHouseholdView => "HouseholdView",
    JsViewQuery => "ViewQuery",
    JsSnapshot => "Snapshot",
    JsMunicipalitySpec => "MunicipalitySpec",
    JsMunicipalitySpecArray => "MunicipalitySpec[]",
    JsFacilitySpec => "FacilitySpec",
    JsFacilitySpecArray => "FacilitySpec[]",
    JsChildSpec => "ChildSpec",
    JsBookRequest => "BookRequest",
    JsBookingRecord => "BookingRecord",
    JsBookingRecordArray => "BookingRecord[]",
    JsBookingStatus => "BookingStatus",
    JsCancelBy => "CancelBy",
    JsCancelledArray => "Cancelled[]",
    JsDryRun => "DryRun",
    JsCalendarQuery => "CalendarQuery",
    JsCalendarMap => "CalendarMap",
    JsRegularQuery => "RegularQuery",
    JsPlacesArray => "(number | null)[]",
    JsSearchQuery => "SearchQuery",
    JsUsage => "Usage",
    JsClaim => "Claim",
    JsScenarioResult => "ScenarioResult",
    JsErrorCode => "ErrorCode",
}
