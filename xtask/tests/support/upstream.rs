//! Upstream documents for the sync tests, built from the checked-in
//! fragment by un-applying the deviations: what JumpCloud's published spec
//! looks like for the thirteen operations, with its quirks (`trait:` parameter
//! names, comma-joined arrays, Content-Type/Accept parameters, `x-scopes`,
//! per-operation sample requests and `x-codeSamples`, placeholder
//! examples), plus operations and components the fragment must leave out.
//! [`to_swagger`] renders the same content as Swagger 2.0.

#![allow(dead_code)]

use serde_json::{Map, Value, json};

pub const US: &str = "https://console.jumpcloud.com/api/v2";

/// Upstream's names for the fragment's parameter components.
pub const TRAIT_NAMES: [(&str, &str); 7] = [
    ("graphTargetsUser", "trait:graphTargetsUser:targets"),
    ("limit", "trait:limit:limit"),
    ("skip", "trait:skip:skip"),
    ("filter", "trait:filter:filter"),
    ("filterUserMemberOf", "trait:filter:filterUserMemberOf"),
    ("sort", "trait:sort:sort"),
    ("xOrgId", "trait:multiTenantRequestHeaders:x-org-id"),
];

/// Upstream's per-kind traversal wording: (operationId, plural noun).
const TRAVERSALS: [(&str, &str); 9] = [
    (
        "graph_userTraverseActiveDirectory",
        "Active Directory instances",
    ),
    ("graph_userTraverseApplication", "Applications"),
    ("graph_userTraverseDirectory", "Directories"),
    ("graph_userTraverseGSuite", "G Suite instances"),
    ("graph_userTraverseLdapServer", "LDAP Servers"),
    ("graph_userTraverseOffice365", "Office 365 instances"),
    ("graph_userTraverseRadiusServer", "RADIUS Servers"),
    ("graph_userTraverseSystem", "Systems"),
    ("graph_userTraverseSystemGroup", "System Groups"),
];

/// The fragment as a JSON tree (anchors and merges resolved).
pub fn fragment_tree(text: &str) -> Value {
    let yaml: serde_yaml::Value = serde_yaml::from_str(text).unwrap();
    serde_json::to_value(yaml).unwrap()
}

/// What upstream publishes today (as OpenAPI 3.0) for a fragment with this
/// content: the emails operation absent (its path kept empty, as upstream
/// does), everything else with upstream's shape and quirks.
pub fn upstream_openapi(fragment: &Value) -> Value {
    let mut doc = fragment.clone();
    doc["openapi"] = json!("3.0.1");
    doc["info"] = json!({
        "title": "JumpCloud API",
        "description": "# Overview\n\nJumpCloud's V2 API. Customers using the EU Data Center should use `https://console.eu.jumpcloud.com` in the endpoint URLs.",
        "version": "2.0"
    });
    doc["servers"] = json!([{ "url": US }]);

    // Structure: path-level user_id inline, response components inline.
    let components = doc["components"].clone();
    inline_component_refs(&mut doc["paths"], &components, "responses");
    if let Some(Value::Object(paths)) = doc.get_mut("paths") {
        for item in paths.values_mut() {
            if let Some(Value::Array(params)) = item.get_mut("parameters") {
                for p in params.iter_mut() {
                    if p["$ref"] == "#/components/parameters/userId" {
                        *p = components["parameters"]["userId"].clone();
                    }
                }
            }
        }
    }
    if let Some(Value::Object(c)) = doc.get_mut("components") {
        c.remove("responses");
        if let Some(Value::Object(params)) = c.get_mut("parameters") {
            params.remove("userId");
        }
    }

    // Deviations, undone.
    let parameters = &mut doc["components"]["parameters"];
    for name in ["graphTargetsUser", "filter", "filterUserMemberOf"] {
        parameters[name]["explode"] = json!(false);
    }
    parameters["sort"]["schema"] =
        json!({ "type": "array", "items": { "type": "string" }, "default": [] });
    parameters["sort"]["style"] = json!("form");
    parameters["sort"]["explode"] = json!(false);
    let schemas = &mut doc["components"]["schemas"];
    for (schema, property) in [
        ("GraphConnection", "attributes"),
        ("GraphObject", "attributes"),
        ("GraphObjectWithPaths", "compiledAttributes"),
    ] {
        schemas[schema]["properties"][property] =
            json!({ "$ref": "#/components/schemas/GraphAttributes" });
    }
    schemas["GraphObjectWithPaths"]["properties"]["type"] =
        json!({ "$ref": "#/components/schemas/GraphType" });
    schemas["GraphObject"]["example"] = json!({ "id": "id", "type": "type" });
    schemas.as_object_mut().unwrap().remove("emailrequest");
    schemas["ErrorDetails"] = json!({
        "allOf": [
            { "$ref": "#/components/schemas/Error" },
            { "type": "object", "properties": { "details": { "type": "array", "items": { "type": "object" } } } }
        ]
    });
    doc["components"]["responses"] = json!({
        "trait:standardErrors:400": {
            "description": "Bad Request",
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ErrorDetails" } } }
        }
    });

    let mut emails_path = None;
    let paths = doc["paths"].as_object_mut().unwrap();
    for (route, item) in paths.iter_mut() {
        let item = item.as_object_mut().unwrap();
        item.insert("x-functionalities-tags".into(), json!(["users"]));
        for (method, op) in item.iter_mut() {
            if !["get", "post"].contains(&method.as_str()) {
                continue;
            }
            let id = op["operationId"].as_str().unwrap().to_string();
            if id == "users_sendEmails" {
                emails_path = Some(route.clone());
                continue;
            }
            if let Some((_, noun)) = TRAVERSALS.iter().find(|(t, _)| *t == id) {
                op["description"] = json!(traversal_description(noun));
            }
            let description = op["description"].as_str().unwrap().to_string();
            op["description"] = json!(format!(
                "{description}\n\n#### Sample Request\n```\ncurl -X {} https://console.jumpcloud.com/api/v2{route} \\\n  -H 'Accept: application/json' \\\n  -H 'Content-Type: application/json' \\\n  -H 'x-api-key: {{API_KEY}}'\n```",
                method.to_uppercase()
            ));
            op["x-codeSamples"] = json!([{ "lang": "Shell", "source": format!("curl --request {} --url '{US}{route}'", method.to_uppercase()) }]);
            let params = op
                .as_object_mut()
                .unwrap()
                .entry("parameters")
                .or_insert_with(|| json!([]));
            let params = params.as_array_mut().unwrap();
            params.push(json!({ "name": "Content-Type", "in": "header", "required": true, "schema": { "type": "string", "default": "application/json" } }));
            params.push(json!({ "name": "Accept", "in": "header", "required": true, "schema": { "type": "string", "default": "application/json" } }));
        }
    }
    if let Some(route) = emails_path {
        // Upstream keeps the path with its parameter and no operation.
        let item = paths[&route].as_object_mut().unwrap();
        item.remove("post");
        item.insert("x-functionalities-tags".into(), json!(["directory"]));
    }
    // An operation and components the fragment must leave out.
    paths.insert(
        "/systems/{system_id}".into(),
        json!({ "get": {
            "operationId": "systems_get",
            "parameters": [{ "$ref": "#/components/parameters/trait:limit:limit" }],
            "responses": { "200": { "description": "OK", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/System" } } } } }
        }}),
    );
    doc["components"]["schemas"]["System"] =
        json!({ "type": "object", "properties": { "id": { "type": "string" } } });

    rename_parameters(&mut doc, true);
    doc
}

/// Upstream with its own (2019-style) emails operation: inline parameters,
/// Content-Type/Accept, an empty x-org-id description, no x-scopes.
pub fn with_upstream_emails(upstream: &Value, summary: &str) -> Value {
    let mut doc = upstream.clone();
    let route = "/users/{user_id}/emails";
    doc["paths"][route]["post"] = json!({
        "operationId": "users_sendEmails",
        "summary": summary,
        "description": "This endpoint allows you to send a specific email to a user without waiting for or triggering a workflow.",
        "tags": ["Users"],
        "security": [{ "x-api-key": [] }],
        "parameters": [
            { "name": "Content-Type", "in": "header", "required": true, "schema": { "type": "string", "default": "application/json" } },
            { "name": "x-org-id", "in": "header", "description": "", "schema": { "type": "string" } }
        ],
        "requestBody": { "required": false, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/emailrequest" } } } },
        "responses": { "204": { "description": "OK" } }
    });
    doc["components"]["schemas"]["emailrequest"] = json!({
        "title": "EmailRequest",
        "type": "object",
        "properties": { "emailType": { "type": "string", "enum": ["activation", "welcome"] } }
    });
    doc
}

fn traversal_description(noun: &str) -> String {
    format!(
        "This endpoint will return all {noun} bound to a User, either directly or indirectly, essentially traversing the JumpCloud Graph for your Organization.\n\nEach element will contain the type, id, attributes and paths.\n\nThe `attributes` object is a key/value hash of compiled graph attributes for all paths followed.\n\nThe `paths` array enumerates each path from this User to the corresponding {noun}; this array represents all grouping and/or associations that would have to be removed to deprovision the {noun} from this User.\n\nSee `/members` and `/associations` endpoints to manage those collections."
    )
}

fn inline_component_refs(value: &mut Value, components: &Value, kind: &str) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref")
                && let Some(name) = r.strip_prefix(&format!("#/components/{kind}/"))
            {
                *value = components[kind][name].clone();
                return;
            }
            map.values_mut()
                .for_each(|v| inline_component_refs(v, components, kind));
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|v| inline_component_refs(v, components, kind)),
        _ => {}
    }
}

/// Renames the fragment's parameter components to upstream's `trait:`
/// names (`to_upstream`) or back.
pub fn rename_parameters(doc: &mut Value, to_upstream: bool) {
    for (ours, theirs) in TRAIT_NAMES {
        let (from, to) = if to_upstream {
            (ours, theirs)
        } else {
            (theirs, ours)
        };
        let params = doc["components"]["parameters"].as_object_mut().unwrap();
        if let Some(p) = params.remove(from) {
            params.insert(to.to_string(), p);
        }
        rewrite(
            doc,
            &format!("#/components/parameters/{from}"),
            &format!("#/components/parameters/{to}"),
        );
    }
}

/// Replaces every `$ref: from` with `$ref: to`.
pub fn rewrite(value: &mut Value, from: &str, to: &str) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if key == "$ref" && v == from {
                    *v = json!(to);
                } else {
                    rewrite(v, from, to);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite(v, from, to)),
        _ => {}
    }
}

/// The same content as Swagger 2.0, as JumpCloud publishes it: `host` and
/// `basePath`, `definitions`, top-level `parameters` and `responses`, body
/// parameters, and arrays without `collectionFormat` (csv, comma-joined)
/// unless they are repeated (`multi`).
pub fn to_swagger(openapi: &Value) -> Value {
    let mut doc = Map::new();
    doc.insert("swagger".into(), json!("2.0"));
    doc.insert("info".into(), openapi["info"].clone());
    doc.insert("host".into(), json!("console.jumpcloud.com"));
    doc.insert("basePath".into(), json!("/api/v2"));
    doc.insert("schemes".into(), json!(["https"]));
    doc.insert("consumes".into(), json!(["application/json"]));
    doc.insert("produces".into(), json!(["application/json"]));
    let mut paths = Map::new();
    for (route, item) in openapi["paths"].as_object().unwrap() {
        let mut converted = Map::new();
        for (key, v) in item.as_object().unwrap() {
            match key.as_str() {
                "parameters" => {
                    converted.insert(
                        key.clone(),
                        Value::Array(v.as_array().unwrap().iter().map(parameter).collect()),
                    );
                }
                "get" | "post" => {
                    converted.insert(key.clone(), operation(v));
                }
                _ => {
                    converted.insert(key.clone(), v.clone());
                }
            }
        }
        paths.insert(route.clone(), Value::Object(converted));
    }
    doc.insert("paths".into(), Value::Object(paths));
    let components = &openapi["components"];
    doc.insert("definitions".into(), components["schemas"].clone());
    let params: Map<String, Value> = components["parameters"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), parameter(v)))
        .collect();
    doc.insert("parameters".into(), Value::Object(params));
    let responses: Map<String, Value> = components["responses"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), response(v)))
        .collect();
    doc.insert("responses".into(), Value::Object(responses));
    doc.insert(
        "securityDefinitions".into(),
        components["securitySchemes"].clone(),
    );
    let mut doc = Value::Object(doc);
    rewrite_prefix(&mut doc, "#/components/schemas/", "#/definitions/");
    rewrite_prefix(&mut doc, "#/components/parameters/", "#/parameters/");
    rewrite_prefix(&mut doc, "#/components/responses/", "#/responses/");
    doc
}

fn rewrite_prefix(value: &mut Value, from: &str, to: &str) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                match v {
                    Value::String(s) if key == "$ref" && s.starts_with(from) => {
                        *s = format!("{to}{}", &s[from.len()..]);
                    }
                    _ => rewrite_prefix(v, from, to),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite_prefix(v, from, to)),
        _ => {}
    }
}

fn operation(op: &Value) -> Value {
    let mut out = op.as_object().unwrap().clone();
    let mut params: Vec<Value> = out
        .remove("parameters")
        .and_then(|p| p.as_array().cloned())
        .unwrap_or_default()
        .iter()
        .map(parameter)
        .collect();
    if let Some(body) = out.remove("requestBody") {
        let mut p = json!({ "in": "body", "name": "body", "schema": body["content"]["application/json"]["schema"] });
        if body["required"] == true {
            p["required"] = json!(true);
        }
        params.push(p);
    }
    if !params.is_empty() {
        out.insert("parameters".into(), Value::Array(params));
    }
    if let Some(Value::Object(responses)) = out.get_mut("responses") {
        for r in responses.values_mut() {
            *r = response(r);
        }
    }
    Value::Object(out)
}

fn response(r: &Value) -> Value {
    let mut out = json!({ "description": r["description"] });
    if let Some(schema) = r
        .get("content")
        .and_then(|c| c.get("application/json"))
        .map(|m| &m["schema"])
    {
        out["schema"] = schema.clone();
    }
    out
}

fn parameter(p: &Value) -> Value {
    if p.get("$ref").is_some() {
        return p.clone();
    }
    let mut out = p.as_object().unwrap().clone();
    let schema = out.remove("schema").unwrap_or_else(|| json!({}));
    let style = out.remove("style");
    let explode = out.remove("explode");
    for (k, v) in schema.as_object().unwrap() {
        out.insert(k.clone(), v.clone());
    }
    if schema["type"] == "array" && style.is_some() && explode == Some(json!(true)) {
        out.insert("collectionFormat".into(), json!("multi"));
    }
    Value::Object(out)
}
