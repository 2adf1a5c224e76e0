//! The fragment describes exactly the thirteen operations, with their upstream
//! operationIds, methods and paths, and the parameter facts the facade
//! relies on.

use std::collections::BTreeSet;

use openapiv3::{OpenAPI, Parameter, ReferenceOr};

fn fragment() -> OpenAPI {
    fragment_of(&xtask::USER_GRAPH)
}

fn fragment_of(fragment: &xtask::Fragment) -> OpenAPI {
    let ws = xtask::Workspace::locate().unwrap();
    xtask::Spec::load(&ws.fragment_spec(fragment))
        .expect("the checked-in fragment is valid")
        .document()
        .clone()
}

fn fragment_text(fragment: &xtask::Fragment) -> String {
    let ws = xtask::Workspace::locate().unwrap();
    std::fs::read_to_string(ws.fragment_spec(fragment)).unwrap()
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
    for fragment in &xtask::FRAGMENTS {
        requires_the_api_key_and_takes_an_org_id_header(&fragment_of(fragment));
    }
}

fn requires_the_api_key_and_takes_an_org_id_header(spec: &OpenAPI) {
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
            let params = parameters(spec, &item.parameters, &op.parameters);
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

// The directory lookups: two hand-written fragments (see their headers).

#[test]
fn the_directory_fragments_hold_exactly_the_lookups() {
    let v1 = [
        ("applications_list", "GET", "/applications"),
        ("radius_servers_list", "GET", "/radiusservers"),
        ("search_systems_post", "POST", "/search/systems"),
        ("search_systemusers_post", "POST", "/search/systemusers"),
        ("systems_list", "GET", "/systems"),
        ("systemusers_get", "GET", "/systemusers/{id}"),
        ("systemusers_list", "GET", "/systemusers"),
    ];
    let v2 = [
        ("activedirectories_list", "GET", "/activedirectories"),
        ("directories_list", "GET", "/directories"),
        ("groups_system_list", "GET", "/systemgroups"),
        ("groups_user_list", "GET", "/usergroups"),
        ("gsuites_get", "GET", "/gsuites/{id}"),
        ("ldapservers_list", "GET", "/ldapservers"),
        ("office365s_get", "GET", "/office365s/{office365_id}"),
    ];
    for (fragment, expected) in [(xtask::DIRECTORY_V1, v1), (xtask::DIRECTORY_V2, v2)] {
        let expected: Vec<(String, String, String)> = expected
            .iter()
            .map(|(id, m, p)| (id.to_string(), m.to_string(), p.to_string()))
            .collect();
        assert_eq!(
            operations(&fragment_of(&fragment)),
            expected,
            "{}",
            fragment.spec
        );
    }
}

#[test]
fn the_directory_fragments_live_under_the_v1_and_v2_base_paths() {
    for (fragment, base) in [
        (xtask::DIRECTORY_V1, "/api"),
        (xtask::DIRECTORY_V2, "/api/v2"),
    ] {
        let urls: Vec<String> = fragment_of(&fragment)
            .servers
            .iter()
            .map(|s| s.url.clone())
            .collect();
        let expected: Vec<String> = ["console", "console.eu", "console.in"]
            .iter()
            .map(|host| format!("https://{host}.jumpcloud.com{base}"))
            .collect();
        assert_eq!(urls, expected);
    }
    assert_eq!(fragment_of(&xtask::DIRECTORY_V1).info.version, "1.0");
    assert_eq!(fragment_of(&xtask::DIRECTORY_V2).info.version, "2.0");
}

#[test]
fn every_lookup_list_pages_by_at_most_100_with_fields() {
    for fragment in [xtask::DIRECTORY_V1, xtask::DIRECTORY_V2] {
        let spec = fragment_of(&fragment);
        for (path, item) in spec.paths.iter() {
            let item = item.as_item().unwrap();
            for (method, op) in item.iter() {
                let params = parameters(&spec, &item.parameters, &op.parameters);
                let find = |name: &str| {
                    params
                        .iter()
                        .find(|p| p.parameter_data_ref().name == name)
                        .map(|p| serde_json::to_value(&p.parameter_data_ref().format).unwrap())
                };
                if path.contains('{') {
                    assert!(
                        find("limit").is_none(),
                        "{method} {path} returns one record"
                    );
                    continue;
                }
                let limit = find("limit").unwrap_or_else(|| panic!("{method} {path}: limit"));
                assert_eq!(limit["schema"]["default"], 10, "{method} {path}");
                let skip = find("skip").unwrap_or_else(|| panic!("{method} {path}: skip"));
                assert_eq!(skip["schema"]["minimum"], 0, "{method} {path}");
                let fields = find("fields").unwrap_or_else(|| panic!("{method} {path}: fields"));
                assert_eq!(
                    fields["schema"]["type"], "string",
                    "{method} {path}: one string"
                );
            }
        }
    }
}

#[test]
fn the_v2_filter_is_repeated_and_the_v1_filter_one_string() {
    let v2 = fragment_of(&xtask::DIRECTORY_V2);
    let v2_filter =
        serde_json::to_value(&v2.components.as_ref().unwrap().parameters["filter"]).unwrap();
    assert_eq!(v2_filter["explode"], true);
    assert_eq!(v2_filter["schema"]["type"], "array");
    let v1 = fragment_of(&xtask::DIRECTORY_V1);
    let v1_filter =
        serde_json::to_value(&v1.components.as_ref().unwrap().parameters["filter"]).unwrap();
    assert_eq!(v1_filter["schema"]["type"], "string");
}

#[test]
fn no_lookup_record_requires_a_property_that_fields_can_leave_out() {
    for fragment in [xtask::DIRECTORY_V1, xtask::DIRECTORY_V2] {
        let text = fragment_text(&fragment);
        let tree: serde_json::Value = serde_yaml::from_str(&text).unwrap();
        for (name, schema) in tree["components"]["schemas"].as_object().unwrap() {
            assert!(
                schema.get("required").is_none(),
                "{}: {name}",
                fragment.spec
            );
        }
    }
}

#[test]
fn every_lookup_keeps_its_oauth_scopes() {
    for fragment in [xtask::DIRECTORY_V1, xtask::DIRECTORY_V2] {
        let spec = fragment_of(&fragment);
        for (path, item) in spec.paths.iter() {
            for (method, op) in item.as_item().unwrap().iter() {
                let scopes: Vec<String> =
                    serde_json::from_value(op.extensions["x-scopes"].clone()).unwrap();
                assert!(
                    scopes.iter().any(|s| s.ends_with(".readonly")),
                    "{method} {path}: a read-only scope reaches every lookup: {scopes:?}"
                );
            }
        }
    }
}

/// The names a fragment's header declares under "Deliberate differences",
/// and those its `DIFFERS (name)` marks use.
fn declared_and_used_differences(text: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let header: Vec<&str> = text.lines().take_while(|l| l.starts_with('#')).collect();
    let start = header
        .iter()
        .position(|l| l.starts_with("# Deliberate differences"))
        .expect("a list of deliberate differences");
    // The list ends where the next paragraph of the header starts.
    let mut declared = BTreeSet::new();
    for line in &header[start + 1..] {
        if let Some(item) = line.strip_prefix("#  - ") {
            declared.extend(item.split_once(':').map(|(name, _)| name.to_string()));
        } else if !declared.is_empty() && line.starts_with("# ") && !line.starts_with("#  ") {
            break;
        }
    }
    let used = text
        .match_indices("DIFFERS (")
        .filter_map(|(at, _)| text[at + 9..].split_once(')').map(|(n, _)| n.to_string()))
        .filter(|name| name != "name")
        .collect();
    (declared, used)
}

#[test]
fn every_difference_a_fragment_declares_is_marked_where_it_is_made_and_no_other() {
    for fragment in &xtask::FRAGMENTS {
        let (declared, used) = declared_and_used_differences(&fragment_text(fragment));
        assert!(!declared.is_empty(), "{}", fragment.spec);
        assert_eq!(declared, used, "{}: declared vs marked", fragment.spec);
    }
}

#[test]
fn the_directory_fragments_say_they_are_pinned_and_which_lookups_are_assumed() {
    for fragment in [xtask::DIRECTORY_V1, xtask::DIRECTORY_V2] {
        let text = fragment_text(&fragment);
        assert!(
            text.contains("# Pinned: `cargo xtask sync` does not produce this file"),
            "{}",
            fragment.spec
        );
        assert!(
            text.contains("DOCUMENTED") && text.contains("ASSUMED"),
            "{}",
            fragment.spec
        );
        assert!(
            text.contains("at most 100 values a request"),
            "{}",
            fragment.spec
        );
    }
}
