//! The OpenAPI 3 document, made from the route table (so every route of the router is in it), with
//! each route's request and response schemas.

use axum::Json;
use serde_json::{Map, Value, json};

use super::{routes, schemas};

/// The document.
pub(crate) fn document() -> Value {
    let mut paths: Map<String, Value> = Map::new();
    let mut schemas = schemas::all();
    let requests = schemas::requests();
    for r in routes() {
        let (status, schema) = r.response;
        assert!(schemas.contains_key(schema), "{} {}: no schema {schema}", r.method, r.path);
        let mut op = json!({
            "summary": r.summary,
            "x-roles": r.roles.iter().map(|x| x.as_str()).collect::<Vec<_>>(),
            "responses": {
                status.to_string(): {"description": "Success",
                    "content": {schemas::media_type(schema): {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}},
                "default": {"description": "An error (4xx, 5xx)",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
            }
        });
        if !r.roles.is_empty() {
            op["security"] = json!([{"session": []}]);
        }
        if let Some(body) = r.body {
            let schema =
                requests.get(body).unwrap_or_else(|| panic!("{} {}: no request schema {body}", r.method, r.path));
            schemas.insert(body.to_owned(), schema.clone());
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
