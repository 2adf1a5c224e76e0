//! OpenAPI 3.0 validation of the fragment before it is written: the
//! checks that matter for a document progenitor reads. No maintained Rust
//! crate validates OpenAPI 3.0 documents (openapiv3 only deserializes, oas3
//! targets 3.1), so these are the rules of the 3.0.3 specification the
//! fragment could break: component names, references that resolve to the
//! right kind and form no cycle, parameter objects (location, style,
//! `schema` or `content`, path parameters required and in the template),
//! responses with descriptions, request bodies with content, and schemas
//! (known keywords only, `items` on arrays, defaults and enum values of the
//! schema's type, no `x-` keys, which typify may read).

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::tree::{METHODS, component_ref};

/// The keywords of an OpenAPI 3.0 Schema Object.
const SCHEMA_KEYWORDS: [&str; 33] = [
    "title",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxProperties",
    "minProperties",
    "required",
    "enum",
    "type",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "items",
    "properties",
    "additionalProperties",
    "description",
    "format",
    "default",
    "nullable",
    "discriminator",
    "readOnly",
    "writeOnly",
    "example",
    "deprecated",
];
const SCHEMA_TYPES: [&str; 6] = ["string", "number", "integer", "boolean", "array", "object"];
const OPERATION_KEYS: [&str; 12] = [
    "tags",
    "summary",
    "description",
    "externalDocs",
    "operationId",
    "parameters",
    "requestBody",
    "responses",
    "callbacks",
    "deprecated",
    "security",
    "servers",
];
const LOCATIONS: [&str; 4] = ["query", "header", "path", "cookie"];

/// Every rule `doc` breaks, each naming where.
pub(crate) fn problems(doc: &Value) -> Vec<String> {
    let mut v = Validator {
        doc,
        out: Vec::new(),
    };
    v.top_level();
    v.components();
    v.paths();
    let cycles = crate::refs::cycles(&doc["components"], None);
    if !cycles.is_empty() {
        v.out.push(crate::refs::describe(&cycles));
    }
    v.out
}

struct Validator<'d> {
    doc: &'d Value,
    out: Vec<String>,
}

impl<'d> Validator<'d> {
    fn fail(&mut self, at: &str, problem: impl std::fmt::Display) {
        self.out.push(format!("{at}: {problem}"));
    }

    fn top_level(&mut self) {
        let doc = self.doc;
        if !doc["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.0."))
        {
            self.fail("openapi", "must be 3.0.x");
        }
        for key in ["title", "version"] {
            if !doc["info"][key].is_string() {
                self.fail(&format!("info.{key}"), "must be a string");
            }
        }
        for (i, server) in doc["servers"].as_array().into_iter().flatten().enumerate() {
            if !server["url"].is_string() {
                self.fail(&format!("servers[{i}].url"), "must be a string");
            }
        }
        if !doc["paths"].is_object() {
            self.fail("paths", "must be an object");
        }
    }

    fn components(&mut self) {
        let doc = self.doc;
        for (kind, section) in doc["components"].as_object().into_iter().flatten() {
            for (name, value) in section.as_object().into_iter().flatten() {
                let at = format!("components.{kind}.{name}");
                if !name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
                {
                    self.fail(
                        &at,
                        "component names may hold only letters, digits, `.`, `-` and `_`",
                    );
                }
                match kind.as_str() {
                    "schemas" => self.schema(&at, value),
                    "parameters" => self.parameter(&at, value, None),
                    "requestBodies" => self.request_body(&at, value),
                    "responses" => self.response(&at, value),
                    "securitySchemes" => self.security_scheme(&at, value),
                    _ => {}
                }
            }
        }
    }

    fn paths(&mut self) {
        let doc = self.doc;
        let mut ids = BTreeSet::new();
        for (route, item) in doc["paths"].as_object().into_iter().flatten() {
            if !route.starts_with('/') {
                self.fail(&format!("paths.{route}"), "a path must start with `/`");
            }
            let shared = item["parameters"].as_array().cloned().unwrap_or_default();
            for (i, p) in shared.iter().enumerate() {
                self.parameter(&format!("paths.{route}.parameters[{i}]"), p, Some(route));
            }
            for method in METHODS {
                if let Some(op) = item.get(method) {
                    let at = format!("paths.{route}.{method}");
                    self.operation(&at, op, route, &shared, &mut ids);
                }
            }
        }
    }

    fn operation(
        &mut self,
        at: &str,
        op: &Value,
        route: &str,
        shared: &[Value],
        ids: &mut BTreeSet<String>,
    ) {
        for key in op.as_object().into_iter().flatten().map(|(k, _)| k) {
            if !OPERATION_KEYS.contains(&key.as_str()) && !key.starts_with("x-") {
                self.fail(at, format!("`{key}` is not a field of an operation"));
            }
        }
        match op["operationId"].as_str() {
            Some(id) if !id.is_empty() => {
                if !ids.insert(id.to_string()) {
                    self.fail(at, format!("operationId `{id}` is used twice"));
                }
            }
            _ => self.fail(at, "has no operationId"),
        }
        let own = op["parameters"].as_array().cloned().unwrap_or_default();
        for (i, p) in own.iter().enumerate() {
            self.parameter(&format!("{at}.parameters[{i}]"), p, Some(route));
        }
        self.parameter_set(at, route, shared, &own);
        if let Some(body) = op.get("requestBody") {
            self.request_body(&format!("{at}.requestBody"), body);
        }
        self.responses(at, &op["responses"]);
        self.security(at, &op["security"]);
    }

    /// No parameter twice in one list; every `{name}` of the path has a
    /// path parameter (an operation's own may override the path item's).
    fn parameter_set(&mut self, at: &str, route: &str, shared: &[Value], own: &[Value]) {
        let mut in_path = BTreeSet::new();
        for list in [shared, own] {
            let mut seen = BTreeSet::new();
            for p in list {
                let p = self.resolve(p, "parameters");
                let name = p["name"].as_str().unwrap_or_default().to_string();
                let location = p["in"].as_str().unwrap_or_default().to_string();
                if location == "path" {
                    in_path.insert(name.clone());
                }
                if !seen.insert((name.clone(), location.clone())) {
                    self.fail(
                        at,
                        format!("parameter `{name}` ({location}) is listed twice"),
                    );
                }
            }
        }
        for name in template_names(route) {
            if !in_path.contains(&name) {
                self.fail(at, format!("the path's `{{{name}}}` has no path parameter"));
            }
        }
    }

    fn resolve(&self, value: &'d Value, kind: &str) -> &'d Value {
        match value["$ref"].as_str().and_then(component_ref) {
            Some((k, name)) if k == kind => &self.doc["components"][k][name],
            _ => value,
        }
    }

    /// A `$ref` must point at a component of `kind` that exists.
    fn reference(&mut self, at: &str, value: &Value, kind: &str) -> bool {
        let Some(reference) = value.get("$ref") else {
            return false;
        };
        match reference.as_str().and_then(component_ref) {
            Some((k, name)) if k == kind && self.doc["components"][k].get(name).is_some() => {}
            _ => self.fail(
                at,
                format!("`$ref: {reference}` is not a {kind} component of this document"),
            ),
        }
        true
    }

    fn parameter(&mut self, at: &str, p: &Value, route: Option<&str>) {
        if self.reference(at, p, "parameters") {
            return;
        }
        let name = p["name"].as_str().unwrap_or_default();
        let location = p["in"].as_str().unwrap_or_default();
        if name.is_empty() {
            self.fail(at, "a parameter needs a `name`");
        }
        if !LOCATIONS.contains(&location) {
            self.fail(
                at,
                format!("`in: {}` is not query, header, path or cookie", p["in"]),
            );
        }
        if location == "path" {
            if p["required"] != true {
                self.fail(at, "a path parameter must be `required: true`");
            }
            if route.is_some_and(|r| !template_names(r).contains(&name.to_string())) {
                self.fail(at, format!("the path has no `{{{name}}}`"));
            }
        }
        if !p["required"].is_null() && !p["required"].is_boolean() {
            self.fail(at, "`required` must be true or false");
        }
        self.style(at, p, location);
        match (p.get("schema"), p.get("content")) {
            (Some(schema), None) => self.schema(&format!("{at}.schema"), schema),
            (None, Some(content)) => self.content(&format!("{at}.content"), content),
            _ => self.fail(
                at,
                "a parameter needs exactly one of `schema` and `content`",
            ),
        }
    }

    fn style(&mut self, at: &str, p: &Value, location: &str) {
        if let Some(style) = p.get("style") {
            let allowed: &[&str] = match location {
                "path" => &["matrix", "label", "simple"],
                "query" => &["form", "spaceDelimited", "pipeDelimited", "deepObject"],
                "header" => &["simple"],
                _ => &["form"],
            };
            if !style.as_str().is_some_and(|s| allowed.contains(&s)) {
                self.fail(at, format!("`style: {style}` is not allowed in {location}"));
            }
        }
        if p.get("explode").is_some_and(|e| !e.is_boolean()) {
            self.fail(at, "`explode` must be true or false");
        }
    }

    fn request_body(&mut self, at: &str, body: &Value) {
        if self.reference(at, body, "requestBodies") {
            return;
        }
        match body.get("content") {
            Some(content) if content.as_object().is_some_and(|c| !c.is_empty()) => {
                self.content(&format!("{at}.content"), content);
            }
            _ => self.fail(at, "a request body needs `content`"),
        }
    }

    fn responses(&mut self, at: &str, responses: &Value) {
        let Some(responses) = responses.as_object().filter(|r| !r.is_empty()) else {
            self.fail(at, "an operation needs at least one response");
            return;
        };
        for (status, r) in responses {
            let valid = status == "default"
                || (status.len() == 3
                    && status.starts_with(['1', '2', '3', '4', '5'])
                    && (status[1..].chars().all(|c| c.is_ascii_digit()) || &status[1..] == "XX"));
            if !valid {
                self.fail(at, format!("`{status}` is not a response status"));
            }
            self.response(&format!("{at}.responses.{status}"), r);
        }
    }

    fn response(&mut self, at: &str, r: &Value) {
        if self.reference(at, r, "responses") {
            return;
        }
        if !r["description"].is_string() {
            self.fail(at, "a response needs a `description`");
        }
        if let Some(content) = r.get("content") {
            self.content(&format!("{at}.content"), content);
        }
    }

    fn content(&mut self, at: &str, content: &Value) {
        for (media, m) in content.as_object().into_iter().flatten() {
            if let Some(schema) = m.get("schema") {
                self.schema(&format!("{at}.{media}.schema"), schema);
            }
        }
    }

    fn security(&mut self, at: &str, security: &Value) {
        let schemes = &self.doc["components"]["securitySchemes"];
        for requirement in security.as_array().into_iter().flatten() {
            for name in requirement
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, _)| k)
            {
                if schemes.get(name).is_none() {
                    self.fail(at, format!("security scheme `{name}` is not defined"));
                }
            }
        }
    }

    fn security_scheme(&mut self, at: &str, s: &Value) {
        let kind = s["type"].as_str().unwrap_or_default();
        if !["apiKey", "http", "oauth2", "openIdConnect"].contains(&kind) {
            self.fail(
                at,
                format!("`type: {}` is not a security scheme type", s["type"]),
            );
        }
        if kind == "apiKey" && (!s["name"].is_string() || !s["in"].is_string()) {
            self.fail(at, "an apiKey scheme needs `name` and `in`");
        }
    }

    fn schema(&mut self, at: &str, schema: &Value) {
        if self.reference(at, schema, "schemas") {
            if schema.as_object().is_some_and(|m| m.len() > 1) {
                self.fail(
                    at,
                    "a `$ref` schema may not have other keys (OpenAPI 3.0 ignores them)",
                );
            }
            return;
        }
        let Some(map) = schema.as_object() else {
            self.fail(at, "a schema must be an object");
            return;
        };
        for key in map.keys() {
            if key.starts_with("x-") {
                self.fail(
                    at,
                    format!(
                        "`{key}` in a schema (extensions stay out of what the generator reads)"
                    ),
                );
            } else if !SCHEMA_KEYWORDS.contains(&key.as_str()) {
                self.fail(at, format!("`{key}` is not an OpenAPI 3.0 schema keyword"));
            }
        }
        self.schema_type(at, map);
        self.nested_schemas(at, map);
    }

    fn schema_type(&mut self, at: &str, map: &Map<String, Value>) {
        let kind = map.get("type").and_then(Value::as_str);
        if let Some(t) = map.get("type")
            && !t.as_str().is_some_and(|t| SCHEMA_TYPES.contains(&t))
        {
            self.fail(at, format!("`type: {t}` is not an OpenAPI 3.0 type"));
        }
        if kind == Some("array") && !map.contains_key("items") {
            self.fail(at, "an array schema needs `items`");
        }
        let nullable = map.get("nullable") == Some(&Value::Bool(true));
        if let Some(default) = map.get("default")
            && !fits(default, kind, nullable)
        {
            self.fail(
                at,
                format!(
                    "`default: {default}` is not of type {}",
                    kind.unwrap_or("?")
                ),
            );
        }
        for value in map
            .get("enum")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if !fits(value, kind, nullable) {
                self.fail(
                    at,
                    format!("enum value {value} is not of type {}", kind.unwrap_or("?")),
                );
            }
        }
        if let Some(required) = map.get("required")
            && !required
                .as_array()
                .is_some_and(|r| r.iter().all(Value::is_string))
        {
            self.fail(at, "`required` must be a list of property names");
        }
        for flag in [
            "nullable",
            "readOnly",
            "writeOnly",
            "deprecated",
            "uniqueItems",
        ] {
            if map.get(flag).is_some_and(|f| !f.is_boolean()) {
                self.fail(at, format!("`{flag}` must be true or false"));
            }
        }
    }

    fn nested_schemas(&mut self, at: &str, map: &Map<String, Value>) {
        for (name, p) in map
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            self.schema(&format!("{at}.properties.{name}"), p);
        }
        for key in ["items", "not"] {
            if let Some(s) = map.get(key) {
                self.schema(&format!("{at}.{key}"), s);
            }
        }
        match map.get("additionalProperties") {
            None | Some(Value::Bool(_)) => {}
            Some(s) => self.schema(&format!("{at}.additionalProperties"), s),
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            let Some(parts) = map.get(key) else { continue };
            match parts.as_array().filter(|p| !p.is_empty()) {
                Some(parts) => {
                    for (i, part) in parts.iter().enumerate() {
                        self.schema(&format!("{at}.{key}[{i}]"), part);
                    }
                }
                None => self.fail(at, format!("`{key}` must be a non-empty list")),
            }
        }
    }
}

/// Whether `value` is of the schema type `kind` (any when unknown).
fn fits(value: &Value, kind: Option<&str>, nullable: bool) -> bool {
    match (value, kind) {
        (Value::Null, _) => nullable,
        (_, None) => true,
        (Value::String(_), Some("string")) | (Value::Bool(_), Some("boolean")) => true,
        (Value::Array(_), Some("array")) | (Value::Object(_), Some("object")) => true,
        (Value::Number(n), Some("integer")) => n.is_i64() || n.is_u64(),
        (Value::Number(_), Some("number")) => true,
        _ => false,
    }
}

/// The parameter names of a path template: `{user_id}` gives `user_id`.
fn template_names(route: &str) -> Vec<String> {
    route
        .split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_rules_a_rendering_could_break_are_reported() {
        let doc = json!({
            "openapi": "3.0.3",
            "info": { "title": "t", "version": "1" },
            "paths": { "/users/{user_id}/x": { "get": {
                "operationId": "x",
                "parameters": [
                    { "name": "filter", "in": "query", "schema": { "type": "array", "items": { "type": "string" }, "default": "[]" } },
                    { "name": "q", "in": "body", "schema": { "type": "string" } },
                    { "$ref": "#/components/parameters/missing" }
                ],
                "responses": { "200": { "content": {} } }
            } } },
            "components": { "schemas": {
                "trait:a": { "type": "object", "x-examples": {} },
                "B": { "type": "list" }
            } }
        });
        let found = problems(&doc).join("\n");
        for expected in [
            "`default: \"[]\"` is not of type array",
            "`in: \"body\"` is not query, header, path or cookie",
            "`$ref: \"#/components/parameters/missing\"` is not a parameters component",
            "the path's `{user_id}` has no path parameter",
            "a response needs a `description`",
            "component names may hold only",
            "`x-examples` in a schema",
            "`type: \"list\"` is not an OpenAPI 3.0 type",
        ] {
            assert!(found.contains(expected), "{expected:?} not in:\n{found}");
        }
    }
}
