//! The OpenAPI 3 document, made from the route table (so every route of the router is in it).

use axum::Json;
use serde_json::{Map, Value, json};

use super::routes;

fn error_schema() -> Value {
    json!({
        "type": "object",
        "required": ["error", "message", "message_ja"],
        "properties": {
            "error": {"type": "string", "description": "invalid_request, refused, unauthorized, forbidden, csrf, not_found, …"},
            "codes": {"type": "array", "items": {"type": "string"}, "description": "The engine's codes (SPEC.md), in order"},
            "field": {"type": "string", "description": "The field that is wrong"},
            "message": {"type": "string"},
            "message_ja": {"type": "string"}
        }
    })
}

/// The document.
pub(crate) fn document() -> Value {
    let mut paths: Map<String, Value> = Map::new();
    let mut schemas: Map<String, Value> = Map::new();
    schemas.insert("Error".into(), error_schema());
    for r in routes() {
        let mut op = json!({
            "summary": r.summary,
            "x-roles": r.roles.iter().map(|x| x.as_str()).collect::<Vec<_>>(),
            "responses": {
                "200": {"description": "OK", "content": {"application/json": {"schema": {"type": "object"}}}},
                "default": {"description": "An error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
            }
        });
        if r.path == "/healthz" {
            op["responses"]["200"] =
                json!({"description": "ready", "content": {"text/plain": {"schema": {"type": "string"}}}});
        }
        if !r.roles.is_empty() {
            op["security"] = json!([{"session": []}]);
        }
        if let Some(body) = r.body {
            schemas.entry(body.to_owned()).or_insert_with(|| json!({"type": "object"}));
            op["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{body}")}}}});
        }
        let params: Vec<Value> = r
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
            .collect();
        if !params.is_empty() {
            op["parameters"] = Value::Array(params);
        }
        let entry = paths.entry(r.path.to_owned()).or_insert_with(|| json!({}));
        entry[r.method.to_lowercase()] = op;
    }
    json!({
        "openapi": "3.0.3",
        "info": {"title": "tsuen portal API", "version": env!("CARGO_PKG_VERSION"),
                 "description": "The reference portal of こども誰でも通園制度 on the tsuen engine."},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": crate::serve::auth::COOKIE}}
        }
    })
}

pub(super) async fn serve() -> Json<Value> {
    Json(document())
}
