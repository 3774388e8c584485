//! The JSON schemas of the API's responses (OpenAPI 3.0 flavour of JSON Schema), by name; each
//! route names its own in the route table. The handlers answer with `json!` values, so the schemas
//! are written here by hand with a few builders; the HTTP tests validate every response they get
//! against them, which is what keeps the two in step.
//!
//! Objects the server builds are closed (`additionalProperties: false`): a new field must be
//! documented here. Values the engine serializes (a facility's setup, the household view) are
//! described by the engine's own format (SCENARIOS.md) and left open.

use serde_json::{Map, Value, json};

fn s() -> Value {
    json!({"type": "string"})
}

fn int() -> Value {
    json!({"type": "integer"})
}

fn num() -> Value {
    json!({"type": "number"})
}

fn boolean() -> Value {
    json!({"type": "boolean"})
}

fn arr(items: Value) -> Value {
    json!({"type": "array", "items": items})
}

fn r(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn null(mut v: Value) -> Value {
    v["nullable"] = json!(true);
    v
}

fn one_of(s: &[&str]) -> Value {
    json!({"type": "string", "enum": s})
}

/// An open object: the engine's own format.
fn engine(what: &str) -> Value {
    json!({"type": "object", "description": format!("The engine's {what} (SCENARIOS.md)")})
}

/// A map from keys to values of one schema.
fn map(values: Value) -> Value {
    json!({"type": "object", "additionalProperties": values})
}

/// A closed object; a property named with a leading `?` is optional.
fn obj(props: &[(&str, Value)]) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for (name, schema) in props {
        let name = match name.strip_prefix('?') {
            Some(n) => n,
            None => {
                required.push(json!(name));
                name
            }
        };
        properties.insert(name.to_owned(), schema.clone());
    }
    json!({"type": "object", "required": required, "properties": properties, "additionalProperties": false})
}

/// `base` (a closed object) with more properties.
fn with(base: Value, props: &[(&str, Value)]) -> Value {
    let mut out = base;
    let extra = obj(props);
    for (k, v) in extra["properties"].as_object().expect("properties") {
        out["properties"][k] = v.clone();
    }
    let mut required = out["required"].as_array().cloned().unwrap_or_default();
    for name in extra["required"].as_array().expect("required") {
        if !required.contains(name) {
            required.push(name.clone());
        }
    }
    out["required"] = Value::Array(required);
    out
}

const STATUSES: &[&str] = &[
    "provisional",
    "confirmed",
    "in_use",
    "completed",
    "cancelled",
    "cancelled_late",
    "no_show",
    "approved",
    "declined",
];

fn booking() -> Value {
    obj(&[
        ("number", null(int())),
        ("id", s()),
        ("kind", one_of(&["interview", "regular", "flexible"])),
        ("status", one_of(STATUSES)),
        ("is_today", boolean()),
        ("date", s()),
        ("from", s()),
        ("to", s()),
        ("hours", num()),
        ("facility", s()),
        ("facility_name", s()),
        ("child", s()),
        ("child_name", s()),
        ("fee_yen", null(int())),
        ("check_in", null(s())),
        ("check_out", null(s())),
    ])
}

fn door_booking() -> Value {
    with(booking(), &[("can_start", boolean()), ("can_end", boolean())])
}

fn day() -> Value {
    with(
        booking(),
        &[
            ("fee_yen", int()),
            ("records", arr(obj(&[("id", int()), ("at", s()), ("kind", s()), ("text", s()), ("written_at", s())]))),
            ("extras", arr(obj(&[("item", s()), ("price_yen", int()), ("quantity", int()), ("yen", int())]))),
            ("extras_yen", int()),
            ("total_yen", int()),
            ("payments", arr(obj(&[("amount_yen", int()), ("received_at", s())]))),
            ("paid_yen", int()),
            ("due_yen", int()),
        ],
    )
}

fn batch() -> Value {
    obj(&[(
        "results",
        arr(obj(&[
            ("number", int()),
            ("ok", boolean()),
            ("?status", one_of(STATUSES)),
            ("?error", s()),
            ("?codes", arr(s())),
            ("?message", s()),
            ("?message_ja", s()),
        ])),
    )])
}

fn claim_line() -> Value {
    obj(&[
        ("kind", one_of(&["claim", "correction"])),
        ("for_month", s()),
        ("facility", s()),
        ("facility_name", null(s())),
        ("payer", s()),
        ("payer_name", null(s())),
        ("bookings", int()),
        ("yen", int()),
    ])
}

/// The error every route answers with (4xx, 5xx).
fn error() -> Value {
    let mut e = obj(&[("error", s()), ("?codes", arr(s())), ("?field", s()), ("message", s()), ("message_ja", s())]);
    e["description"] = json!(
        "error: invalid_request, refused, unauthorized, forbidden, csrf, not_found, …; codes: \
                              the engine's codes (SPEC.md) in order; field: the field that is wrong"
    );
    e
}

/// Every response schema by name. `Text` and `Csv` are not JSON (see [`media_type`]).
pub(super) fn all() -> Map<String, Value> {
    let role = || one_of(&["parent", "facility", "municipality"]);
    let list: Vec<(&str, Value)> = vec![
        ("Error", error()),
        ("Text", s()),
        ("Csv", json!({"type": "string", "description": "UTF-8 with BOM, CRLF"})),
        ("Status", obj(&[("status", s())])),
        (
            "Municipalities",
            obj(&[(
                "municipalities",
                arr(obj(&[
                    ("code", s()),
                    ("name", s()),
                    ("prefecture", s()),
                    ("participation", one_of(&["online", "paper", "not_yet"])),
                ])),
            )]),
        ),
        ("RegistrationCreated", obj(&[("registration", int()), ("status", one_of(&["pending"]))])),
        ("SeedDone", obj(&[("accounts", arr(int()))])),
        ("Pragmas", obj(&[("journal_mode", s()), ("synchronous", int())])),
        ("Now", obj(&[("now", s()), ("pruned", obj(&[("sessions", int()), ("tokens", int())]))])),
        ("LoggedIn", obj(&[("role", role()), ("name", s()), ("csrf", s())])),
        (
            "Me",
            obj(&[
                ("id", int()),
                ("email", s()),
                ("role", role()),
                ("name", s()),
                ("facility", null(s())),
                ("municipality", null(s())),
                ("csrf", s()),
            ]),
        ),
        (
            "Facilities",
            obj(&[(
                "facilities",
                arr(obj(&[
                    ("id", s()),
                    ("name", s()),
                    ("municipality", s()),
                    ("kinds", arr(one_of(&["regular", "flexible"]))),
                    ("profile", json!({"type": "object"})),
                    ("interview_required", map(boolean())),
                ])),
            )]),
        ),
        ("Facility", obj(&[("facility", engine("facility")), ("profile", json!({"type": "object"}))])),
        ("FacilitySetup", engine("facility")),
        ("Calendar", obj(&[("from", s()), ("days", int()), ("cells", arr(int())), ("?places", map(map(int())))])),
        ("RegularAvailability", obj(&[("weeks", arr(null(int())))])),
        ("SearchResult", obj(&[("facilities", arr(s()))])),
        ("HouseholdView", engine("household view")),
        ("CheckResult", obj(&[("ok", boolean())])),
        ("Booked", obj(&[("number", int()), ("status", one_of(STATUSES)), ("numbers", arr(int()))])),
        ("Booking", booking()),
        ("Bookings", obj(&[("bookings", arr(r("Booking")))])),
        (
            "BookingDetail",
            json!({"oneOf": [r("Booking"), obj(&[("number", int()), ("series", s()), ("occurrences", arr(r("Booking")))])]}),
        ),
        ("CancelPreview", obj(&[("late", boolean()), ("fee_yen", null(int()))])),
        ("Cancelled", obj(&[("status", null(one_of(STATUSES)))])),
        (
            "Registrations",
            obj(&[(
                "registrations",
                arr(obj(&[
                    ("id", int()),
                    ("email", s()),
                    ("data", null(json!({"type": "object"}))),
                    ("status", one_of(&["pending", "certified", "rejected"])),
                    ("created_at", s()),
                ])),
            )]),
        ),
        ("Certified", obj(&[("status", one_of(&["certified"])), ("account", int())])),
        (
            "Outbox",
            obj(&[(
                "mail",
                arr(obj(&[
                    ("id", int()),
                    ("to", s()),
                    ("subject", s()),
                    ("body", s()),
                    ("created_at", s()),
                    ("sent_at", null(s())),
                ])),
            )]),
        ),
        (
            "RotatingCode",
            obj(&[
                ("code", s()),
                ("url", s()),
                ("facility", s()),
                ("made_at", s()),
                ("refresh_at", s()),
                ("valid_until", s()),
            ]),
        ),
        (
            "StaticCodes",
            obj(&[(
                "codes",
                arr(obj(&[("id", int()), ("label", s()), ("created_at", s()), ("revoked_at", null(s()))])),
            )]),
        ),
        ("StaticCodeCreated", obj(&[("id", int()), ("code", s()), ("url", s())])),
        ("DoorBooking", door_booking()),
        (
            "CheckinPage",
            obj(&[
                ("facility", s()),
                ("facility_name", s()),
                ("code_kind", one_of(&["static", "rotating"])),
                ("date", s()),
                ("bookings", arr(r("DoorBooking"))),
            ]),
        ),
        ("BatchResults", batch()),
        (
            "FacilityDay",
            obj(&[
                ("date", s()),
                ("bookings", arr(r("DoorBooking"))),
                ("still_in_use", arr(r("Booking"))),
                ("no_shows_to_mark", arr(r("Booking"))),
            ]),
        ),
        ("Closed", obj(&[("status", one_of(&["closed"])), ("cancelled", arr(null(int())))])),
        ("BookingDay", day()),
        ("RecordCreated", obj(&[("id", int())])),
        (
            "FacilityClaim",
            obj(&[
                ("month", s()),
                ("facility", s()),
                ("total_yen", int()),
                ("by_municipality", map(int())),
                ("bookings", int()),
                (
                    "lines",
                    arr(obj(&[
                        ("booking", s()),
                        ("number", null(int())),
                        ("child", s()),
                        ("payer", s()),
                        ("date", s()),
                        ("status", one_of(STATUSES)),
                        ("age_class", null(int())),
                        ("minutes", int()),
                        ("yen", int()),
                    ])),
                ),
            ]),
        ),
        (
            "MunicipalityFacilities",
            obj(&[(
                "facilities",
                arr(obj(&[("id", s()), ("name", s()), ("bookings_today", int()), ("setup", engine("facility"))])),
            )]),
        ),
        (
            "Usage",
            obj(&[
                ("month", s()),
                (
                    "rows",
                    arr(obj(&[
                        ("child", s()),
                        ("child_name", s()),
                        ("facility", s()),
                        ("facility_name", s()),
                        ("bookings", int()),
                        ("minutes", int()),
                        ("yen", int()),
                        ("cap_counted_minutes", int()),
                        ("cap_minutes", int()),
                    ])),
                ),
            ]),
        ),
        ("ClaimLine", claim_line()),
        (
            "Claims",
            obj(&[
                ("month", s()),
                ("closed", boolean()),
                ("closed_at", null(s())),
                ("lines", arr(r("ClaimLine"))),
                ("by_facility", map(int())),
                ("total_yen", int()),
            ]),
        ),
        (
            "MonthClosed",
            obj(&[("status", one_of(&["closed"])), ("month", s()), ("total_yen", int()), ("lines", int())]),
        ),
        (
            "Audit",
            obj(&[(
                "entries",
                arr(obj(&[
                    ("id", int()),
                    ("at", s()),
                    ("account", int()),
                    ("name", s()),
                    ("role", role()),
                    ("facility", null(s())),
                    ("action", s()),
                    ("target", s()),
                    ("detail", json!({"nullable": true})),
                ])),
            )]),
        ),
    ];
    list.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

/// Every request body schema by name (the handlers' `deny_unknown_fields` structs: closed objects;
/// a field with a serde default is optional).
pub(super) fn requests() -> Map<String, Value> {
    let extra = || obj(&[("item", s()), ("price_yen", int()), ("?quantity", int())]);
    let list: Vec<(&str, Value)> = vec![
        ("Login", obj(&[("email", s()), ("password", s())])),
        ("SetPassword", obj(&[("token", s()), ("password", s()), ("password_confirmation", s())])),
        ("ResetRequest", obj(&[("email", s()), ("email_confirmation", s())])),
        ("ApplicationRequest", obj(&[("email", s()), ("municipality", s())])),
        (
            "Registration",
            obj(&[
                ("token", s()),
                (
                    "parent",
                    obj(&[("name", s()), ("kana", s()), ("phone", s()), ("address", s()), ("emergency_contact", s())]),
                ),
                ("children", arr(obj(&[("name", s()), ("kana", s()), ("birth_date", s()), ("?notes", s())]))),
            ]),
        ),
        (
            "TestSeed",
            obj(&[
                ("?ops", arr(engine("operation"))),
                (
                    "?accounts",
                    arr(obj(&[
                        ("email", s()),
                        ("password", s()),
                        ("role", one_of(&["parent", "facility", "municipality"])),
                        ("name", s()),
                        ("?facility", null(s())),
                        ("?municipality", null(s())),
                    ])),
                ),
                ("?participation", arr(arr(s()))),
            ]),
        ),
        ("TestNow", obj(&[("now", s())])),
        (
            "BookingRequest",
            obj(&[
                ("child", s()),
                ("facility", s()),
                ("kind", one_of(&["interview", "regular", "flexible"])),
                ("date", s()),
                ("from", s()),
                ("to", s()),
                ("?weeks", null(int())),
            ]),
        ),
        ("InterviewOutcome", obj(&[("approved", boolean())])),
        ("FacilitySpec", engine("facility")),
        ("Certification", obj(&[("from", s()), ("to", s()), ("?fee_class", s())])),
        ("NewStaticCode", obj(&[("?label", s())])),
        ("CodeAttendance", obj(&[("action", one_of(&["start", "end"])), ("numbers", arr(int()))])),
        (
            "StaffAttendance",
            obj(&[
                ("action", one_of(&["check_in", "check_out"])),
                ("?at", null(s())),
                ("items", arr(obj(&[("number", int()), ("?extras", arr(extra()))]))),
            ]),
        ),
        ("Closure", obj(&[("date", s()), ("?reason", s())])),
        ("ActivityRecord", obj(&[("at", s()), ("kind", s()), ("text", s())])),
        ("Extras", obj(&[("extras", arr(extra()))])),
        ("Payment", obj(&[("amount_yen", int())])),
        ("MonthClose", obj(&[("month", s())])),
    ];
    list.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

/// The media type of a response schema.
pub(super) fn media_type(schema: &str) -> &'static str {
    match schema {
        "Text" => "text/plain",
        "Csv" => "text/csv",
        _ => "application/json",
    }
}
