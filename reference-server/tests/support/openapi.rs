//! Every response the tests receive is checked against the server's own OpenAPI document: the
//! operation is found by method and path template, the response by status (else `default`, the
//! `Error` schema), and the body is validated with a small JSON-schema validator (the subset the
//! document uses: `$ref`, `oneOf`, `nullable`, `type`, `enum`, `properties`, `required`,
//! `additionalProperties`, `items`). A few dozen lines instead of a validator crate and its
//! dependency tree (regex engines, URL parsers) compiled into every test binary.

use std::sync::OnceLock;

use serde_json::Value;

use super::Resp;

static DOC: OnceLock<Value> = OnceLock::new();

/// The document (every server of a test run serves the same one: it is made from the code).
fn doc(addr: &str) -> &'static Value {
    DOC.get_or_init(|| {
        let c = super::Client { addr: addr.to_owned(), cookie: None, csrf: None, source: None };
        let r = c.request_unchecked("GET", "/openapi.json", None, b"", &[]);
        assert_eq!(r.status, 200, "GET /openapi.json");
        r.body
    })
}

/// The path template of the document that `path` (without its query) matches, preferring literal
/// segments over parameters (`/api/bookings/check` over `/api/bookings/{number}`).
fn template<'a>(doc: &'a Value, method: &str, path: &str) -> Option<(&'a str, &'a Value)> {
    let path = path.split('?').next().unwrap_or(path);
    let segs: Vec<&str> = path.split('/').collect();
    let mut best: Option<(usize, &str, &Value)> = None;
    for (t, ops) in doc["paths"].as_object()? {
        let Some(op) = ops.get(method.to_lowercase()) else { continue };
        let tsegs: Vec<&str> = t.split('/').collect();
        if tsegs.len() != segs.len() {
            continue;
        }
        let mut params = 0;
        let fits = tsegs.iter().zip(&segs).all(|(a, b)| {
            if a.starts_with('{') && a.ends_with('}') {
                params += 1;
                !b.is_empty()
            } else {
                a == b
            }
        });
        if fits && best.is_none_or(|(p, _, _)| params < p) {
            best = Some((params, t.as_str(), op));
        }
    }
    best.map(|(_, t, op)| (t, op))
}

/// Checks one response against the document, and the JSON body sent when the route took it (a
/// success means the server accepted it: the documented request schema must accept it too); panics
/// with what is wrong.
pub fn check(addr: &str, method: &str, path: &str, sent: &[u8], r: &Resp) {
    if path == "/openapi.json" {
        return;
    }
    let doc = doc(addr);
    let Some((t, op)) = template(doc, method, path) else {
        if !path.starts_with("/api/") {
            return; // not the JSON API (the screens, their assets)
        }
        // Under /api/ but no route of it: axum's own 404/405 must still be the JSON error.
        assert!(r.status >= 400, "{method} {path}: {} from no documented route", r.status);
        let error = doc["components"]["schemas"]["Error"].clone();
        validate(doc, &error, &r.body, "$")
            .unwrap_or_else(|e| panic!("{method} {path} → {}: {e}\n{}", r.status, r.text));
        return;
    };
    if r.status < 300
        && let Some(schema) = op.get("requestBody").map(|b| &b["content"]["application/json"]["schema"])
    {
        let body: Value = serde_json::from_slice(sent).unwrap_or(Value::Null);
        validate(doc, schema, &body, "$")
            .unwrap_or_else(|e| panic!("{method} {t}: accepted a request body the document refuses: {e}"));
    }
    let responses = &op["responses"];
    let declared = responses.get(r.status.to_string()).or_else(|| responses.get("default"));
    let declared = declared.unwrap_or_else(|| panic!("{method} {t}: status {} is not documented", r.status));
    if r.status < 400 && responses.get(r.status.to_string()).is_none() {
        panic!("{method} {t}: success status {} is not the documented one: {}", r.status, r.text);
    }
    let (media, content) = declared["content"].as_object().and_then(|c| c.iter().next()).expect("a media type");
    let got = r.header("content-type").unwrap_or("");
    assert!(got.starts_with(media.as_str()), "{method} {t} → {}: content type {got:?}, documented {media}", r.status);
    if media == "application/json" {
        validate(doc, &content["schema"], &r.body, "$")
            .unwrap_or_else(|e| panic!("{method} {path} ({t}) → {}: {e}\n{}", r.status, r.text));
    }
    // TSUEN_OPENAPI_COVERAGE=FILE lists the checked (method, route, status): which routes' successes
    // the tests have validated.
    if let Ok(file) = std::env::var("TSUEN_OPENAPI_COVERAGE") {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new().create(true).append(true).open(file).unwrap();
        f.write_all(format!("{method} {t} {}\n", r.status).as_bytes()).unwrap(); // one append: no interleaving
    }
}

fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r.strip_prefix("#/components/schemas/").expect("a local $ref");
            resolve(doc, &doc["components"]["schemas"][name])
        }
        None => schema,
    }
}

/// Validates `v` against `schema`; the error names where (`$.bookings[0].status`).
pub fn validate(doc: &Value, schema: &Value, v: &Value, at: &str) -> Result<(), String> {
    let schema = resolve(doc, schema);
    if v.is_null() && schema["nullable"] == true {
        return Ok(());
    }
    if let Some(options) = schema.get("oneOf").and_then(Value::as_array) {
        let fits = options.iter().filter(|o| validate(doc, o, v, at).is_ok()).count();
        return if fits == 1 { Ok(()) } else { Err(format!("{at}: fits {fits} of oneOf, not 1: {v}")) };
    }
    if let Some(t) = schema.get("type").and_then(Value::as_str) {
        let ok = match t {
            "object" => v.is_object(),
            "array" => v.is_array(),
            "string" => v.is_string(),
            "integer" => v.is_i64() || v.is_u64(),
            "number" => v.is_number(),
            "boolean" => v.is_boolean(),
            other => return Err(format!("{at}: unknown type {other} in the schema")),
        };
        if !ok {
            return Err(format!("{at}: expected {t}, got {v}"));
        }
    } else if v.is_null() && schema.get("nullable").is_none() && schema.as_object().is_some_and(|o| !o.is_empty()) {
        return Err(format!("{at}: null"));
    }
    if let Some(e) = schema.get("enum").and_then(Value::as_array)
        && !e.contains(v)
    {
        return Err(format!("{at}: {v} is not one of {}", Value::Array(e.clone())));
    }
    if let Some(items) = schema.get("items")
        && let Some(list) = v.as_array()
    {
        for (i, x) in list.iter().enumerate() {
            validate(doc, items, x, &format!("{at}[{i}]"))?;
        }
    }
    if let Some(obj) = v.as_object() {
        let props = schema.get("properties").and_then(Value::as_object);
        for name in schema.get("required").and_then(Value::as_array).into_iter().flatten() {
            let name = name.as_str().unwrap();
            if !obj.contains_key(name) {
                return Err(format!("{at}: missing {name}"));
            }
        }
        for (k, x) in obj {
            match props.and_then(|p| p.get(k)) {
                Some(s) => validate(doc, s, x, &format!("{at}.{k}"))?,
                None => match schema.get("additionalProperties") {
                    Some(Value::Bool(false)) => return Err(format!("{at}: undocumented property {k}")),
                    Some(s @ Value::Object(_)) => validate(doc, s, x, &format!("{at}.{k}"))?,
                    _ => {}
                },
            }
        }
    }
    Ok(())
}
