//! The two renderings of JumpCloud's v2 spec a maintainer actually finds
//! (shared reference, user-graph-spec-facts.md §0 and
//! upstream-spec-snippets.md §8-9), rebuilt from the test upstream of
//! upstream.rs with each renderer's quirks:
//!
//! - [`baton23`]: OpenAPI 3.0.1 by openapi-generator (ConductorOne's
//!   baton-jumpcloud, 2023): every parameter inline (the `trait:`
//!   components unreferenced), `user_id` in each operation, `required`
//!   left out, array defaults as the text `"[]"`, inline models moved to
//!   `*_allOf` / `*_sudo` components, `GraphAttributes` copied where it is
//!   used, `x-examples: {}` on `Error`, `content: {}` on 204, and the 2023
//!   content (eight targets, 13 graph types, no `syncStatus`).
//! - [`ps26`]: Swagger 2.0 JSON after JumpCloud's PowerShell transform
//!   (jcapi-powershell, 2026): operationIds renamed, `x-org-id` stripped,
//!   success responses only, `targets` one string with `enum` and
//!   `x-ms-enum`, `x-ms-enum` on enums, `additionalProperties: true` on
//!   property-less objects, no `tags` or `x-scopes`, `basePath: /api/v2/`.
//!
//! Both define the thirteenth traversal, `/users/{user_id}/activedirectories`,
//! and a user endpoint that is not a graph operation
//! (`/users/{user_id}/pushendpoints`).

#![allow(dead_code)]

use serde_json::{Map, Value, json};

use super::upstream::{fragment_tree, to_swagger, upstream_openapi};

const ACTIVE_DIRECTORIES: &str = "/users/{user_id}/activedirectories";
const PUSH_ENDPOINTS: &str = "/users/{user_id}/pushendpoints";
/// The values of the 2024 and 2025 additions to the user targets.
const NEWER_TARGETS: [&str; 2] = ["idp_routing_policy", "password_manager_item"];

/// The BATON23-like rendering (OpenAPI 3.0.1) of a fragment's upstream.
pub fn baton23(fragment_text: &str) -> Value {
    let mut doc = modern_upstream(fragment_text);
    content_2023(&mut doc);
    openapi_generator(&mut doc);
    doc
}

/// The PS26-like rendering (Swagger 2.0) of a fragment's upstream.
pub fn ps26(fragment_text: &str) -> Value {
    let mut doc = to_swagger(&modern_upstream(fragment_text));
    powershell_transform(&mut doc);
    doc
}

/// Upstream since 2021: no Content-Type/Accept parameters, with the
/// active-directory traversal and the push endpoints.
fn modern_upstream(fragment_text: &str) -> Value {
    let mut doc = upstream_openapi(&fragment_tree(fragment_text));
    for item in doc["paths"].as_object_mut().unwrap().values_mut() {
        for op in item.as_object_mut().unwrap().values_mut() {
            if let Some(Value::Array(params)) = op.get_mut("parameters") {
                params.retain(|p| p["name"] != "Content-Type" && p["name"] != "Accept");
            }
        }
    }
    add_active_directories(&mut doc);
    add_push_endpoints(&mut doc);
    doc
}

/// `GET /users/{user_id}/activedirectories`, shaped as the other
/// traversals (BATON23 and PS26 both have it).
fn add_active_directories(doc: &mut Value) {
    if doc["paths"].get(ACTIVE_DIRECTORIES).is_some() {
        return;
    }
    let mut item = doc["paths"]["/users/{user_id}/systems"].clone();
    let op = &mut item["get"];
    op["operationId"] = json!("graph_userTraverseActiveDirectory");
    op["summary"] = json!("List the Active Directory instances bound to a User");
    op["x-scopes"] = json!(["directories", "directories.readonly"]);
    op["description"] = json!(
        "This endpoint will return all Active Directory Instances bound to a User, either directly or indirectly, essentially traversing the JumpCloud Graph for your Organization.\n\nEach element will contain the type, id, attributes and paths.\n\nThe `attributes` object is a key/value hash of compiled graph attributes for all paths followed.\n\nThe `paths` array enumerates each path from this User to the corresponding Active Directory instance; this array represents all grouping and/or associations that would have to be removed to deprovision the Active Directory instance from this User.\n\nSee `/members` and `/associations` endpoints to manage those collections.\n\n#### Sample Request\n```\ncurl -X GET https://console.jumpcloud.com/api/v2/users/{UserID}/activedirectories \\\n  -H 'Accept: application/json' \\\n  -H 'Content-Type: application/json' \\\n  -H 'x-api-key: {API_KEY}'\n```"
    );
    item["x-functionalities-tags"] = json!(["active-directory"]);
    doc["paths"][ACTIVE_DIRECTORIES] = item;
}

/// `GET /users/{user_id}/pushendpoints` (`pushEndpoints_list`): a user
/// endpoint that is not a graph operation.
fn add_push_endpoints(doc: &mut Value) {
    doc["paths"][PUSH_ENDPOINTS] = json!({ "get": {
        "operationId": "pushEndpoints_list",
        "summary": "List Push Endpoints associated with a User",
        "description": "This endpoint returns the list of push endpoints associated with a user.",
        "tags": ["Users"],
        "security": [{ "x-api-key": [] }],
        "x-scopes": ["users", "users.readonly"],
        "parameters": [
            { "in": "path", "name": "user_id", "required": true, "schema": { "type": "string" } },
            { "$ref": "#/components/parameters/trait:multiTenantRequestHeaders:x-org-id" }
        ],
        "responses": {
            "200": { "description": "OK", "content": { "application/json": { "schema": {
                "type": "array", "items": { "$ref": "#/components/schemas/PushEndpointResponse" }
            } } } },
            "400": { "$ref": "#/components/responses/trait:standardErrors:400" }
        }
    } });
    doc["components"]["schemas"]["PushEndpointResponse"] = json!({
        "type": "object",
        "properties": {
            "id": { "type": "string" },
            "name": { "type": "string" },
            "state": { "type": "string", "enum": ["active", "inactive"] }
        }
    });
}

/// What upstream published from 2021 to early 2024 (BATON23's content).
fn content_2023(doc: &mut Value) {
    let older = |values: &mut Value| {
        values
            .as_array_mut()
            .unwrap()
            .retain(|v| !NEWER_TARGETS.contains(&v.as_str().unwrap()));
    };
    let params = &mut doc["components"]["parameters"];
    older(&mut params["trait:graphTargetsUser:targets"]["schema"]["items"]["enum"]);
    params
        .as_object_mut()
        .unwrap()
        .remove("trait:filter:filterUserMemberOf");
    let schemas = &mut doc["components"]["schemas"];
    older(&mut schemas["GraphOperation-User"]["allOf"][1]["properties"]["type"]["enum"]);
    older(&mut schemas["GraphType"]["enum"]);
    let with_paths = schemas["GraphObjectWithPaths"]["properties"]
        .as_object_mut()
        .unwrap();
    with_paths.remove("externalId");
    with_paths.remove("syncStatus");
    schemas.as_object_mut().unwrap().remove("SyncStatus");
    super::upstream::rewrite(
        doc,
        "#/components/parameters/trait:filter:filterUserMemberOf",
        "#/components/parameters/trait:filter:filter",
    );
}

/// openapi-generator 6.6's OpenAPI 3 output, as in BATON23.
fn openapi_generator(doc: &mut Value) {
    doc["openapi"] = json!("3.0.1");
    let parameters = doc["components"]["parameters"].clone();
    for item in doc["paths"].as_object_mut().unwrap().values_mut() {
        let item = item.as_object_mut().unwrap();
        let shared = item.remove("parameters").unwrap_or_else(|| json!([]));
        for (method, op) in item.iter_mut() {
            if !["get", "post"].contains(&method.as_str()) {
                continue;
            }
            let mut params = shared.as_array().unwrap().clone();
            params.extend(op["parameters"].as_array().cloned().unwrap_or_default());
            for p in &mut params {
                if let Some(r) = p["$ref"].as_str() {
                    *p = parameters[r.rsplit('/').next().unwrap()].clone();
                }
                generator_parameter(p);
            }
            op["parameters"] = Value::Array(params);
            if let Some(r) = op["responses"].get_mut("204") {
                r["content"] = json!({});
            }
            if op.get("requestBody").is_some() {
                op["x-codegen-request-body-name"] = json!("body");
            }
        }
    }
    for p in doc["components"]["parameters"]
        .as_object_mut()
        .unwrap()
        .values_mut()
    {
        generator_parameter(p);
    }
    generator_models(&mut doc["components"]["schemas"]);
    doc["components"]["responses"]["trait:standardErrors:400"]["description"] = json!("");
}

/// `required` only when true; array defaults as text.
fn generator_parameter(p: &mut Value) {
    let p = p.as_object_mut().unwrap();
    if p.get("required") == Some(&json!(false)) {
        p.remove("required");
    }
    if let Some(default) = p.get_mut("schema").and_then(|s| s.get_mut("default"))
        && default.is_array()
    {
        *default = json!(default.to_string());
    }
}

/// Inline objects moved into components, `GraphAttributes` copied where it
/// is used, placeholder examples, `x-examples` on `Error`.
fn generator_models(schemas: &mut Value) {
    let attributes = schemas["GraphAttributes"].clone();
    for (schema, property) in [
        ("GraphConnection", "attributes"),
        ("GraphObject", "attributes"),
        ("GraphObjectWithPaths", "compiledAttributes"),
    ] {
        schemas[schema]["properties"][property] = attributes.clone();
    }
    let mut user_part = schemas["GraphOperation-User"]["allOf"][1].take();
    let mut attributes_part = user_part["properties"]["attributes"].take();
    attributes_part["type"] = json!("object");
    user_part["properties"]["attributes"] =
        json!({ "$ref": "#/components/schemas/GraphOperation_System_allOf_attributes" });
    user_part["example"] = Value::Null;
    schemas["GraphOperation_System_allOf_attributes"] = attributes_part;
    schemas["GraphOperation_User_allOf"] = user_part;
    schemas["GraphOperation-User"]["allOf"][1] =
        json!({ "$ref": "#/components/schemas/GraphOperation_User_allOf" });
    schemas["GraphAttribute_Sudo_sudo"] =
        schemas["GraphAttribute-Sudo"]["properties"]["sudo"].take();
    schemas["GraphAttribute-Sudo"]["properties"]["sudo"] =
        json!({ "$ref": "#/components/schemas/GraphAttribute_Sudo_sudo" });
    schemas["Error"]["description"] = json!("");
    schemas["Error"]["x-examples"] = json!({});
    schemas["GraphObject"]["example"] = json!({ "attributes": "{}", "id": "id", "type": "type" });
    let details = schemas["ErrorDetails"]["allOf"][1].take();
    schemas["ErrorDetails_allOf"] = details;
    schemas["ErrorDetails"]["allOf"][1] =
        json!({ "$ref": "#/components/schemas/ErrorDetails_allOf" });
}

/// JumpCloud's ApiTransform.ps1, the parts that touch these operations.
fn powershell_transform(doc: &mut Value) {
    let org_id = json!({ "$ref": "#/parameters/trait:multiTenantRequestHeaders:x-org-id" });
    let paths = doc["paths"].as_object_mut().unwrap();
    for item in paths.values_mut() {
        let item = item.as_object_mut().unwrap();
        if let Some(Value::Array(params)) = item.get_mut("parameters") {
            params.retain(|p| *p != org_id);
        }
        item.retain(|key, op| !is_method(key) || powershell_operation(op, &org_id));
    }
    let targets = &mut doc["parameters"]["trait:graphTargetsUser:targets"];
    let values = targets["items"]["enum"].take();
    let targets = targets.as_object_mut().unwrap();
    targets.remove("items");
    targets.insert("type".into(), json!("string"));
    targets.insert(
        "x-ms-enum".into(),
        ms_enum("graphTargetsUser-Targets5", &values),
    );
    targets.insert("enum".into(), values);
    for schema in doc["definitions"].as_object_mut().unwrap().values_mut() {
        autorest_schema(schema, "");
    }
    doc["definitions"]["Error"]["description"] = json!("");
    doc["definitions"]["Error"]["x-examples"] = json!({});
    doc["basePath"] = json!("/api/v2/");
    doc["x-ms-parameterized-host"] = json!({
        "hostTemplate": "{host}.jumpcloud.com",
        "parameters": [{ "name": "host", "in": "path", "required": true, "type": "string", "enum": ["console", "console.eu"] }]
    });
}

fn is_method(key: &str) -> bool {
    ["get", "put", "post", "delete", "patch"].contains(&key)
}

/// Renames the operationId (`false` deletes the operation, as the
/// transform does for ids it does not map), strips `x-org-id`, non-2xx
/// responses, `tags` and `x-scopes`.
fn powershell_operation(op: &mut Value, org_id: &Value) -> bool {
    let id = op["operationId"].as_str().unwrap().to_string();
    let renamed = match id.as_str() {
        "graph_userAssociationsList" => "UserAssociation_Get".to_string(),
        "graph_userAssociationsPost" => "UserAssociation_Set".to_string(),
        "graph_userMemberOf" => "UserMember_Get".to_string(),
        "pushEndpoints_list" => "PushEndpoint_List".to_string(),
        other => match other.strip_prefix("graph_userTraverse") {
            Some(kind) => format!("UserTraverse{kind}_Get"),
            None => return false,
        },
    };
    op["operationId"] = json!(renamed);
    let op = op.as_object_mut().unwrap();
    if let Some(Value::Array(params)) = op.get_mut("parameters") {
        params.retain(|p| p != org_id);
    }
    if let Some(Value::Object(responses)) = op.get_mut("responses") {
        responses.retain(|status, _| status.starts_with('2'));
    }
    op.remove("tags");
    op.remove("x-scopes");
    true
}

/// `x-ms-enum` on enums; `additionalProperties: true` on objects without
/// properties.
fn autorest_schema(schema: &mut Value, name: &str) {
    let Value::Object(map) = schema else { return };
    if let Some(values) = map.get("enum").cloned() {
        map.insert("x-ms-enum".into(), ms_enum(name, &values));
    }
    let bare = ["properties", "allOf", "additionalProperties"]
        .iter()
        .all(|k| !map.contains_key(*k));
    if map.get("type") == Some(&json!("object")) && bare {
        map.insert("additionalProperties".into(), json!(true));
    }
    for (key, value) in map.iter_mut() {
        match key.as_str() {
            "properties" => {
                for (property, p) in value.as_object_mut().unwrap().iter_mut() {
                    autorest_schema(p, property);
                }
            }
            "items" | "additionalProperties" => autorest_schema(value, name),
            "allOf" => value
                .as_array_mut()
                .unwrap()
                .iter_mut()
                .for_each(|part| autorest_schema(part, name)),
            _ => {}
        }
    }
}

fn ms_enum(name: &str, values: &Value) -> Value {
    let values: Vec<Value> = values
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            let shown = match v.as_str().unwrap() {
                "system" => "systems",
                "system_group" => "systems_group",
                other => other,
            };
            json!({ "name": shown, "value": v })
        })
        .collect();
    let mut out = Map::new();
    out.insert("name".into(), json!(name));
    out.insert("values".into(), Value::Array(values));
    Value::Object(out)
}
