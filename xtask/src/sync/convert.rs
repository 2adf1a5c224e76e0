//! Swagger 2.0 to OpenAPI 3.0, faithfully for what JumpCloud's spec uses:
//! `definitions`, `parameters`, `responses` and `securityDefinitions`
//! become components; `in: body` (and `formData`) parameters become request
//! bodies in every media type the operation `consumes`; response schemas
//! are served in every type it `produces`; `collectionFormat` becomes
//! `style`/`explode`; `host`, `basePath` and `schemes` become `servers`.

use serde_json::{Map, Value, json};

use super::tree::{METHODS, object, rewrite_refs};

/// The media type Swagger assumes when `consumes`/`produces` are absent.
const JSON: &str = "application/json";

/// Keywords a Swagger non-body parameter shares with a JSON schema; they
/// move into the OpenAPI parameter's `schema`.
const SCHEMA_KEYWORDS: [&str; 17] = [
    "type",
    "format",
    "items",
    "enum",
    "default",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "multipleOf",
    "x-nullable",
];

/// What every operation's conversion needs from the whole document.
struct Globals {
    consumes: Vec<String>,
    produces: Vec<String>,
    /// Top-level parameters that are bodies (they become request bodies).
    body_params: Map<String, Value>,
}

/// Converts a Swagger 2.0 document to OpenAPI 3.0.3.
pub(crate) fn swagger_to_openapi(doc: &Value) -> Result<Value, String> {
    let globals = Globals {
        consumes: media_types(doc.get("consumes")),
        produces: media_types(doc.get("produces")),
        body_params: doc
            .get("parameters")
            .and_then(Value::as_object)
            .map(|params| {
                params
                    .iter()
                    .filter(|(_, p)| p.get("in").and_then(Value::as_str) == Some("body"))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            })
            .unwrap_or_default(),
    };
    let mut out = Map::new();
    out.insert("openapi".into(), json!("3.0.3"));
    if let Some(info) = doc.get("info") {
        out.insert("info".into(), info.clone());
    }
    if let Some(servers) = servers(doc) {
        out.insert("servers".into(), servers);
    }
    for key in ["security", "tags", "externalDocs"] {
        if let Some(v) = doc.get(key) {
            out.insert(key.into(), v.clone());
        }
    }
    let mut paths = Map::new();
    for (route, item) in doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        paths.insert(route.clone(), path_item(route, item, &globals)?);
    }
    out.insert("paths".into(), Value::Object(paths));
    let components = components(doc, &globals)?;
    if !components.is_empty() {
        out.insert("components".into(), Value::Object(components));
    }
    let mut out = Value::Object(out);
    rewrite_refs(&mut out, &mut |r: &mut String| {
        if let Some(name) = r.strip_prefix("#/definitions/") {
            *r = format!("#/components/schemas/{name}");
        } else if let Some(name) = r.strip_prefix("#/parameters/") {
            let kind = if globals.body_params.contains_key(name) {
                "requestBodies"
            } else {
                "parameters"
            };
            *r = format!("#/components/{kind}/{name}");
        } else if let Some(name) = r.strip_prefix("#/responses/") {
            *r = format!("#/components/responses/{name}");
        }
    });
    Ok(out)
}

fn path_item(route: &str, item: &Value, globals: &Globals) -> Result<Value, String> {
    let Value::Object(item) = item else {
        return Err(format!("path `{route}` is not an object"));
    };
    let mut converted = Map::new();
    // The path's own parameters first: its body parameter belongs to
    // every operation, whatever order the keys come in.
    let mut path_body: Option<Value> = None;
    if let Some(v) = item.get("parameters") {
        let label = format!("path `{route}`");
        let (params, body) = parameters(v, &globals.consumes, &globals.body_params, &label)?;
        if !params.is_empty() {
            converted.insert("parameters".into(), Value::Array(params));
        }
        path_body = body;
    }
    for (key, v) in item {
        match key.as_str() {
            "parameters" => {}
            method if METHODS.contains(&method) => {
                let op = operation(
                    v,
                    &globals.consumes,
                    &globals.produces,
                    &globals.body_params,
                    path_body.as_ref(),
                    &format!("{} {route}", method.to_uppercase()),
                )?;
                converted.insert(key.clone(), op);
            }
            _ => {
                converted.insert(key.clone(), v.clone());
            }
        }
    }
    Ok(Value::Object(converted))
}

/// `definitions`, `parameters`, `responses` and `securityDefinitions` as
/// components.
fn components(doc: &Value, globals: &Globals) -> Result<Map<String, Value>, String> {
    let mut components = Map::new();
    if let Some(defs) = doc.get("definitions").and_then(Value::as_object) {
        let schemas: Map<String, Value> =
            defs.iter().map(|(k, v)| (k.clone(), schema(v))).collect();
        components.insert("schemas".into(), Value::Object(schemas));
    }
    if let Some(params) = doc.get("parameters").and_then(Value::as_object) {
        let mut converted = Map::new();
        let mut bodies = Map::new();
        for (name, p) in params {
            if globals.body_params.contains_key(name) {
                bodies.insert(name.clone(), request_body(p, &globals.consumes));
            } else {
                converted.insert(name.clone(), parameter(p, &format!("parameter `{name}`"))?);
            }
        }
        if !converted.is_empty() {
            components.insert("parameters".into(), Value::Object(converted));
        }
        if !bodies.is_empty() {
            components.insert("requestBodies".into(), Value::Object(bodies));
        }
    }
    if let Some(responses) = doc.get("responses").and_then(Value::as_object) {
        let converted: Map<String, Value> = responses
            .iter()
            .map(|(k, v)| (k.clone(), response(v, &globals.produces)))
            .collect();
        components.insert("responses".into(), Value::Object(converted));
    }
    if let Some(schemes) = doc.get("securityDefinitions").and_then(Value::as_object) {
        let converted: Map<String, Value> = schemes
            .iter()
            .map(|(k, v)| (k.clone(), security_scheme(v)))
            .collect();
        components.insert("securitySchemes".into(), Value::Object(converted));
    }
    Ok(components)
}

fn media_types(value: Option<&Value>) -> Vec<String> {
    let types: Vec<String> = value
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    if types.is_empty() {
        vec![JSON.to_string()]
    } else {
        types
    }
}

fn servers(doc: &Value) -> Option<Value> {
    let host = doc.get("host")?.as_str()?;
    let base = doc.get("basePath").and_then(Value::as_str).unwrap_or("");
    let schemes: Vec<&str> = doc
        .get("schemes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let scheme = if schemes.is_empty() || schemes.contains(&"https") {
        "https"
    } else {
        schemes[0]
    };
    let base = base.trim_end_matches('/');
    Some(json!([{ "url": format!("{scheme}://{host}{base}") }]))
}

fn operation(
    op: &Value,
    global_consumes: &[String],
    global_produces: &[String],
    body_params: &Map<String, Value>,
    path_body: Option<&Value>,
    label: &str,
) -> Result<Value, String> {
    let Value::Object(op) = op else {
        return Err(format!("{label} is not an object"));
    };
    let consumes = op
        .get("consumes")
        .map(|c| media_types(Some(c)))
        .unwrap_or_else(|| global_consumes.to_vec());
    let produces = op
        .get("produces")
        .map(|p| media_types(Some(p)))
        .unwrap_or_else(|| global_produces.to_vec());
    let mut out = Map::new();
    let mut body = path_body.cloned();
    for (key, v) in op {
        match key.as_str() {
            "consumes" | "produces" | "schemes" => {}
            "parameters" => {
                let (params, op_body) = parameters(v, &consumes, body_params, label)?;
                if !params.is_empty() {
                    out.insert(key.clone(), Value::Array(params));
                }
                if op_body.is_some() {
                    body = op_body;
                }
            }
            "responses" => {
                let responses: Map<String, Value> = v
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(status, r)| (status.clone(), response(r, &produces)))
                    .collect();
                out.insert(key.clone(), Value::Object(responses));
            }
            _ => {
                out.insert(key.clone(), v.clone());
            }
        }
    }
    if let Some(body) = body {
        out.insert("requestBody".into(), body);
    }
    Ok(Value::Object(out))
}

/// Non-body parameters, and the request body the body or form parameters
/// make.
fn parameters(
    list: &Value,
    consumes: &[String],
    body_params: &Map<String, Value>,
    label: &str,
) -> Result<(Vec<Value>, Option<Value>), String> {
    let mut params = Vec::new();
    let mut body = None;
    let mut form = Vec::new();
    for p in list.as_array().into_iter().flatten() {
        if let Some(reference) = p.get("$ref").and_then(Value::as_str) {
            let name = reference.strip_prefix("#/parameters/").unwrap_or_default();
            if body_params.contains_key(name) {
                body = Some(json!({ "$ref": format!("#/components/requestBodies/{name}") }));
            } else {
                params.push(p.clone());
            }
            continue;
        }
        match p.get("in").and_then(Value::as_str) {
            Some("body") => body = Some(request_body(p, consumes)),
            Some("formData") => form.push(p.clone()),
            _ => params.push(parameter(p, label)?),
        }
    }
    if !form.is_empty() {
        body = Some(form_body(&form, consumes, label)?);
    }
    Ok((params, body))
}

fn parameter(p: &Value, label: &str) -> Result<Value, String> {
    let Value::Object(p) = p else {
        return Err(format!("{label}: a parameter is not an object"));
    };
    let name = p.get("name").and_then(Value::as_str).unwrap_or("?");
    let location = p.get("in").and_then(Value::as_str).unwrap_or("?");
    let mut out = Map::new();
    let mut schema = Map::new();
    let mut collection = None;
    for (key, v) in p {
        match key.as_str() {
            "collectionFormat" => collection = v.as_str().map(str::to_string),
            k if SCHEMA_KEYWORDS.contains(&k) => {
                schema.insert(key.clone(), v.clone());
            }
            _ => {
                out.insert(key.clone(), v.clone());
            }
        }
    }
    if location == "path" {
        out.insert("required".into(), Value::Bool(true));
    }
    let is_array = schema.get("type").and_then(Value::as_str) == Some("array");
    if is_array {
        let (style, explode) = match (collection.as_deref().unwrap_or("csv"), location) {
            ("csv", "query" | "cookie") => ("form", false),
            ("csv", _) => ("simple", false),
            ("multi", "query" | "cookie") => ("form", true),
            ("ssv", "query") => ("spaceDelimited", false),
            ("pipes", "query") => ("pipeDelimited", false),
            (format, _) => {
                return Err(format!(
                    "{label}: parameter `{name}` ({location}) uses collectionFormat `{format}`, \
                     which OpenAPI 3.0 cannot express"
                ));
            }
        };
        if style != "simple" {
            out.insert("style".into(), json!(style));
            out.insert("explode".into(), json!(explode));
        }
    }
    if !schema.is_empty() {
        out.insert("schema".into(), self::schema(&Value::Object(schema)));
    }
    Ok(Value::Object(out))
}

fn request_body(p: &Value, consumes: &[String]) -> Value {
    let mut out = Map::new();
    if let Some(description) = p.get("description") {
        out.insert("description".into(), description.clone());
    }
    let required = p.get("required").and_then(Value::as_bool).unwrap_or(false);
    out.insert("required".into(), Value::Bool(required));
    let schema = p.get("schema").map(schema).unwrap_or_else(|| json!({}));
    let content: Map<String, Value> = consumes
        .iter()
        .map(|mt| (mt.clone(), json!({ "schema": schema })))
        .collect();
    out.insert("content".into(), Value::Object(content));
    Value::Object(out)
}

fn form_body(params: &[Value], consumes: &[String], label: &str) -> Result<Value, String> {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for p in params {
        let name = p
            .get("name")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("{label}: a formData parameter has no name"))?;
        let converted = parameter(p, label)?;
        let mut property = converted
            .get("schema")
            .cloned()
            .unwrap_or_else(|| json!({}));
        if let (Value::Object(prop), Some(d)) = (&mut property, p.get("description")) {
            prop.insert("description".into(), d.clone());
        }
        if p.get("required").and_then(Value::as_bool) == Some(true) {
            required.push(json!(name));
        }
        properties.insert(name.to_string(), property);
    }
    let mut schema = Map::new();
    schema.insert("type".into(), json!("object"));
    schema.insert("properties".into(), Value::Object(properties));
    if !required.is_empty() {
        schema.insert("required".into(), Value::Array(required));
    }
    let media = consumes
        .iter()
        .find(|mt| mt.starts_with("multipart/") || mt.contains("x-www-form-urlencoded"))
        .cloned()
        .unwrap_or_else(|| "application/x-www-form-urlencoded".to_string());
    Ok(object([(
        "content",
        object([(media.as_str(), object([("schema", Value::Object(schema))]))]),
    )]))
}

fn response(r: &Value, produces: &[String]) -> Value {
    let Value::Object(r) = r else {
        return r.clone();
    };
    let mut out = Map::new();
    for (key, v) in r {
        match key.as_str() {
            "schema" => {
                let schema = schema(v);
                let content: Map<String, Value> = produces
                    .iter()
                    .map(|mt| (mt.clone(), json!({ "schema": schema })))
                    .collect();
                out.insert("content".into(), Value::Object(content));
            }
            "headers" => {
                let headers: Map<String, Value> = v
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(name, h)| {
                        let mut header = Map::new();
                        let mut schema_part = Map::new();
                        for (k, hv) in h.as_object().into_iter().flatten() {
                            if k == "description" || k.starts_with("x-") {
                                header.insert(k.clone(), hv.clone());
                            } else if SCHEMA_KEYWORDS.contains(&k.as_str()) {
                                schema_part.insert(k.clone(), hv.clone());
                            }
                        }
                        header.insert("schema".into(), schema(&Value::Object(schema_part)));
                        (name.clone(), Value::Object(header))
                    })
                    .collect();
                out.insert(key.clone(), Value::Object(headers));
            }
            // Swagger's per-media-type examples have no place without a
            // schema's content; they are sample data, not contract.
            "examples" => {}
            _ => {
                out.insert(key.clone(), v.clone());
            }
        }
    }
    Value::Object(out)
}

fn security_scheme(s: &Value) -> Value {
    match s.get("type").and_then(Value::as_str) {
        Some("basic") => {
            let mut out = json!({ "type": "http", "scheme": "basic" });
            if let Some(d) = s.get("description") {
                out["description"] = d.clone();
            }
            out
        }
        Some("oauth2") => {
            let flow = match s.get("flow").and_then(Value::as_str) {
                Some("application") => "clientCredentials",
                Some("accessCode") => "authorizationCode",
                Some(other) => other,
                None => "implicit",
            };
            let mut details = Map::new();
            for key in ["authorizationUrl", "tokenUrl", "scopes"] {
                if let Some(v) = s.get(key) {
                    details.insert(key.into(), v.clone());
                }
            }
            details.entry("scopes").or_insert_with(|| json!({}));
            let mut out = json!({ "type": "oauth2", "flows": { flow: Value::Object(details) } });
            if let Some(d) = s.get("description") {
                out["description"] = d.clone();
            }
            out
        }
        _ => s.clone(),
    }
}

/// A Swagger schema as an OpenAPI 3.0 schema: `x-nullable` becomes
/// `nullable`, `type: file` a binary string, a string `discriminator` an
/// object; everything below is converted too.
fn schema(s: &Value) -> Value {
    match s {
        Value::Object(map) => {
            let mut out = Map::new();
            for (key, v) in map {
                match key.as_str() {
                    "x-nullable" => {
                        out.insert("nullable".into(), v.clone());
                    }
                    // Only meaningful on parameters, where it became `style`.
                    "collectionFormat" => {}
                    "type" if v == "file" => {
                        out.insert("type".into(), json!("string"));
                        out.insert("format".into(), json!("binary"));
                    }
                    "discriminator" if v.is_string() => {
                        out.insert(key.clone(), json!({ "propertyName": v }));
                    }
                    "properties" => {
                        let props: Map<String, Value> = v
                            .as_object()
                            .into_iter()
                            .flatten()
                            .map(|(name, p)| (name.clone(), schema(p)))
                            .collect();
                        out.insert(key.clone(), Value::Object(props));
                    }
                    "items" | "additionalProperties" | "not" => {
                        out.insert(key.clone(), schema(v));
                    }
                    "allOf" | "anyOf" | "oneOf" => {
                        let parts = v.as_array().into_iter().flatten().map(schema).collect();
                        out.insert(key.clone(), Value::Array(parts));
                    }
                    _ => {
                        out.insert(key.clone(), v.clone());
                    }
                }
            }
            Value::Object(out)
        }
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_level_body_reaches_every_operation_whatever_the_key_order() {
        // `delete` sorts before `parameters`: fails on the old code, which
        // read the path's parameters only when the loop reached them.
        let doc = json!({
            "swagger": "2.0",
            "info": {"title": "t", "version": "1"},
            "paths": {"/x": {
                "parameters": [{"name": "body", "in": "body", "schema": {"type": "object"}}],
                "delete": {"operationId": "d", "responses": {"204": {"description": ""}}},
                "post": {"operationId": "p", "responses": {"204": {"description": ""}}},
            }},
        });
        let out = swagger_to_openapi(&doc).unwrap();
        for method in ["delete", "post"] {
            let body = &out["paths"]["/x"][method]["requestBody"];
            assert!(body["content"][JSON].is_object(), "{method}: {out:#}");
        }
    }
}
