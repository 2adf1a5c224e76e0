//! The fragment describes exactly the thirteen operations, with their upstream
//! operationIds, methods and paths, and the parameter facts the facade
//! relies on.

use std::collections::BTreeSet;

use openapiv3::{OpenAPI, Parameter, ReferenceOr};

fn fragment() -> OpenAPI {
    let ws = xtask::Workspace::locate().unwrap();
    xtask::Spec::load(&ws.spec_path())
        .expect("the checked-in fragment is valid")
        .document()
        .clone()
}

fn operations(spec: &OpenAPI) -> Vec<(String, String, String)> {
    let mut ops = Vec::new();
    for (path, item) in spec.paths.iter() {
        let item = item.as_item().expect("no $ref path items");
        for (method, op) in item.iter() {
            let id = op.operation_id.clone().expect("every operation has an id");
            ops.push((id, method.to_uppercase(), path.clone()));
        }
    }
    ops.sort();
    ops
}

#[test]
fn fragment_is_openapi_3_0_3() {
    assert_eq!(fragment().openapi, "3.0.3");
}

#[test]
fn fragment_has_exactly_the_thirteen_operations() {
    let expected = [
        (
            "graph_userAssociationsList",
            "GET",
            "/users/{user_id}/associations",
        ),
        (
            "graph_userAssociationsPost",
            "POST",
            "/users/{user_id}/associations",
        ),
        ("graph_userMemberOf", "GET", "/users/{user_id}/memberof"),
        (
            "graph_userTraverseActiveDirectory",
            "GET",
            "/users/{user_id}/activedirectories",
        ),
        (
            "graph_userTraverseApplication",
            "GET",
            "/users/{user_id}/applications",
        ),
        (
            "graph_userTraverseDirectory",
            "GET",
            "/users/{user_id}/directories",
        ),
        (
            "graph_userTraverseGSuite",
            "GET",
            "/users/{user_id}/gsuites",
        ),
        (
            "graph_userTraverseLdapServer",
            "GET",
            "/users/{user_id}/ldapservers",
        ),
        (
            "graph_userTraverseOffice365",
            "GET",
            "/users/{user_id}/office365s",
        ),
        (
            "graph_userTraverseRadiusServer",
            "GET",
            "/users/{user_id}/radiusservers",
        ),
        (
            "graph_userTraverseSystem",
            "GET",
            "/users/{user_id}/systems",
        ),
        (
            "graph_userTraverseSystemGroup",
            "GET",
            "/users/{user_id}/systemgroups",
        ),
        ("users_sendEmails", "POST", "/users/{user_id}/emails"),
    ];
    let mut expected: Vec<(String, String, String)> = expected
        .iter()
        .map(|(id, m, p)| (id.to_string(), m.to_string(), p.to_string()))
        .collect();
    expected.sort();
    assert_eq!(operations(&fragment()), expected);
}

#[test]
fn servers_are_the_us_eu_and_in_hosts() {
    let urls: Vec<String> = fragment().servers.iter().map(|s| s.url.clone()).collect();
    assert_eq!(
        urls,
        [
            "https://console.jumpcloud.com/api/v2",
            "https://console.eu.jumpcloud.com/api/v2",
            "https://console.in.jumpcloud.com/api/v2",
        ]
    );
}

#[test]
fn every_operation_requires_the_api_key_and_takes_an_org_id_header() {
    let spec = fragment();
    let scheme = spec
        .components
        .as_ref()
        .unwrap()
        .security_schemes
        .get("x-api-key");
    let Some(ReferenceOr::Item(openapiv3::SecurityScheme::APIKey { location, name, .. })) = scheme
    else {
        panic!("x-api-key security scheme missing: {scheme:?}");
    };
    assert_eq!(*location, openapiv3::APIKeyLocation::Header);
    assert_eq!(name, "x-api-key");
    for (path, item) in spec.paths.iter() {
        let item = item.as_item().unwrap();
        for (method, op) in item.iter() {
            let security = op.security.as_ref().expect("per-operation security");
            assert!(
                security.iter().any(|req| req.contains_key("x-api-key")),
                "{method} {path} must require x-api-key"
            );
            let params = parameters(&spec, &item.parameters, &op.parameters);
            let org = params
                .iter()
                .find(|p| p.parameter_data_ref().name == "x-org-id");
            assert!(
                matches!(org, Some(Parameter::Header { parameter_data, .. }) if !parameter_data.required),
                "{method} {path} must take an optional x-org-id header"
            );
            assert!(
                !params.iter().any(|p| {
                    let name = p.parameter_data_ref().name.to_ascii_lowercase();
                    name == "content-type" || name == "accept"
                }),
                "{method} {path}: Content-Type/Accept are sent by the client, not parameters"
            );
        }
    }
}

#[test]
fn targets_list_the_ten_current_user_targets() {
    let spec = fragment();
    let item = spec.paths.paths["/users/{user_id}/associations"]
        .as_item()
        .unwrap();
    let op = item.get.as_ref().unwrap();
    let params = parameters(&spec, &item.parameters, &op.parameters);
    let targets = params
        .iter()
        .find(|p| p.parameter_data_ref().name == "targets")
        .unwrap();
    assert!(targets.parameter_data_ref().required, "targets is required");
    let schema = serde_json::to_value(&targets.parameter_data_ref().format).unwrap();
    let values: BTreeSet<String> =
        serde_json::from_value(schema["schema"]["items"]["enum"].clone())
            .expect("targets items are an enum");
    let expected: BTreeSet<String> = [
        "active_directory",
        "application",
        "g_suite",
        "idp_routing_policy",
        "ldap_server",
        "office_365",
        "password_manager_item",
        "radius_server",
        "system",
        "system_group",
    ]
    .map(String::from)
    .into();
    assert_eq!(values, expected);
}

#[test]
fn graph_type_lists_fifteen_values() {
    let spec = fragment();
    let schema = &spec.components.as_ref().unwrap().schemas["GraphType"];
    let json = serde_json::to_value(schema).unwrap();
    assert_eq!(json["enum"].as_array().unwrap().len(), 15);
}

#[test]
fn list_operations_page_with_limit_and_skip() {
    let spec = fragment();
    for (path, item) in spec.paths.iter() {
        let item = item.as_item().unwrap();
        let Some(op) = &item.get else { continue };
        let params = parameters(&spec, &item.parameters, &op.parameters);
        let find = |name: &str| {
            params
                .iter()
                .find(|p| p.parameter_data_ref().name == name)
                .map(|p| serde_json::to_value(&p.parameter_data_ref().format).unwrap())
                .unwrap_or_else(|| panic!("GET {path} lacks {name}"))
        };
        assert_eq!(
            find("limit")["schema"]["default"],
            10,
            "GET {path} limit default"
        );
        assert_eq!(
            find("skip")["schema"]["minimum"],
            0,
            "GET {path} skip minimum"
        );
        let has_sort = params.iter().any(|p| p.parameter_data_ref().name == "sort");
        assert_eq!(
            has_sort,
            path.ends_with("/memberof"),
            "only memberof takes sort ({path})"
        );
    }
}

fn parameters<'a>(
    spec: &'a OpenAPI,
    path_level: &'a [ReferenceOr<Parameter>],
    op_level: &'a [ReferenceOr<Parameter>],
) -> Vec<&'a Parameter> {
    path_level
        .iter()
        .chain(op_level)
        .map(|p| match p {
            ReferenceOr::Item(p) => p,
            ReferenceOr::Reference { reference } => {
                let name = reference.trim_start_matches("#/components/parameters/");
                spec.components.as_ref().unwrap().parameters[name]
                    .as_item()
                    .unwrap()
            }
        })
        .collect()
}

#[test]
fn every_operation_keeps_upstreams_oauth_scopes() {
    // Service-account users need to know which scopes an operation needs;
    // the values are upstream's (users_sendEmails: assumed, see the file).
    let expected = [
        ("graph_userAssociationsList", "users,users.readonly"),
        ("graph_userAssociationsPost", "users"),
        ("graph_userMemberOf", "groups,groups.readonly"),
        (
            "graph_userTraverseActiveDirectory",
            "directories,directories.readonly",
        ),
        (
            "graph_userTraverseApplication",
            "applications,applications.readonly",
        ),
        (
            "graph_userTraverseDirectory",
            "directories,directories.readonly",
        ),
        (
            "graph_userTraverseGSuite",
            "directories,directories.readonly",
        ),
        (
            "graph_userTraverseLdapServer",
            "directories,directories.readonly",
        ),
        (
            "graph_userTraverseOffice365",
            "directories,directories.readonly",
        ),
        ("graph_userTraverseRadiusServer", "radius,radius.readonly"),
        ("graph_userTraverseSystem", "systems,systems.readonly"),
        ("graph_userTraverseSystemGroup", "groups,groups.readonly"),
        ("users_sendEmails", "users"),
    ];
    let spec = fragment();
    let mut found = Vec::new();
    for (_, item) in spec.paths.iter() {
        for (_, op) in item.as_item().unwrap().iter() {
            let scopes: Vec<String> =
                serde_json::from_value(op.extensions["x-scopes"].clone()).unwrap();
            found.push((op.operation_id.clone().unwrap(), scopes.join(",")));
        }
    }
    found.sort();
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(id, s)| (id.to_string(), s.to_string()))
        .collect();
    assert_eq!(found, expected);
}

#[test]
fn the_active_directory_traversal_keeps_upstreams_parameter_order_and_description() {
    // Upstream's own shape (see the fragment's notes): the other traversals'
    // parameters in another order, and an empty 200 description.
    let spec = fragment();
    let item = spec.paths.paths["/users/{user_id}/activedirectories"]
        .as_item()
        .unwrap();
    let op = item.get.as_ref().unwrap();
    let names: Vec<&str> = parameters(&spec, &[], &op.parameters)
        .iter()
        .map(|p| p.parameter_data_ref().name.as_str())
        .collect();
    assert_eq!(names, ["filter", "limit", "x-org-id", "skip"]);
    let Some(ReferenceOr::Item(ok)) = op
        .responses
        .responses
        .get(&openapiv3::StatusCode::Code(200))
    else {
        panic!("a 200 response");
    };
    assert_eq!(ok.description, "");
}

#[test]
fn the_fragment_adds_no_top_level_security_or_tags() {
    // Upstream declares security per operation and has no global
    // requirement; the fragment does the same.
    let spec = fragment();
    assert!(spec.security.is_none());
    assert!(spec.tags.is_empty());
}
