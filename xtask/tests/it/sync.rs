//! `cargo xtask sync`: the fragment is reproduced from upstream documents
//! built from the fragment itself (support/upstream.rs un-applies the
//! deviations and adds upstream's quirks), in both formats; upstream changes
//! show in the `--check` report and the output; pinned operations; patches
//! that no longer apply; unusable input.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::{Value, json};
use support::upstream::{to_swagger, upstream_openapi, with_upstream_emails};
use xtask::Workspace;
use xtask::sync::{Deviations, SyncError, Synced, describe_changes, read_upstream, sync};

fn real() -> Workspace {
    Workspace::locate().expect("cargo test runs inside the workspace")
}

fn fragment_text() -> String {
    std::fs::read_to_string(real().spec_path()).unwrap()
}

fn deviations() -> Deviations {
    xtask::sync::load_deviations(&real().root().join(xtask::sync::DEVIATIONS)).unwrap()
}

/// Upstream as JumpCloud publishes it today, as OpenAPI 3.0.
fn upstream() -> Value {
    upstream_openapi(&support::upstream::fragment_tree(&fragment_text()))
}

/// The checked-in fragment as a tree: where our operations are.
fn checked_in() -> Value {
    read_upstream(&fragment_text(), Path::new("fragment.yaml")).unwrap()
}

fn sync_value(upstream: &Value) -> Result<Synced, SyncError> {
    let text = serde_json::to_string_pretty(upstream).unwrap();
    let read = read_upstream(&text, Path::new("upstream.json"))?;
    sync(&read, &deviations(), Some(&checked_in()))
}

fn synced(upstream: &Value) -> Synced {
    sync_value(upstream).unwrap_or_else(|e| panic!("sync failed: {e}"))
}

/// The `--check` report lines between the checked-in fragment and `new`.
fn report(new: &Synced) -> Vec<String> {
    describe_changes(&checked_in(), &new.document)
}

fn assert_reported(lines: &[String], expected: &str) {
    assert!(
        lines.iter().any(|l| l == expected),
        "expected {expected:?} in the report:\n{}",
        lines.join("\n")
    );
}

#[test]
fn round_trip_from_openapi_3_reproduces_the_fragment_byte_for_byte() {
    if let Ok(dump) = std::env::var("SYNC_DUMP_UPSTREAM") {
        std::fs::write(dump, serde_json::to_string_pretty(&upstream()).unwrap()).unwrap();
    }
    let out = synced(&upstream());
    if out.text != fragment_text() {
        let diff = xtask::diff_texts(
            &fragment_text(),
            &out.text,
            "openapi/jumpcloud-user-graph.yaml",
        );
        panic!("sync does not reproduce the checked-in fragment:\n{diff}");
    }
    assert!(report(&out).is_empty());
}

#[test]
fn swagger_2_and_openapi_3_renderings_give_the_same_fragment_in_json_and_yaml() {
    let oas3 = upstream();
    let swagger = to_swagger(&oas3);
    for (name, text) in [
        (
            "upstream.json",
            serde_json::to_string_pretty(&swagger).unwrap(),
        ),
        ("upstream.yaml", serde_yaml::to_string(&swagger).unwrap()),
        ("upstream-oas3.yaml", serde_yaml::to_string(&oas3).unwrap()),
    ] {
        let read = read_upstream(&text, Path::new(name)).unwrap();
        let out = sync(&read, &deviations(), Some(&checked_in())).unwrap();
        assert!(out.text == fragment_text(), "{name} gives another fragment");
    }
}

#[test]
fn swagger_arrays_are_comma_joined_unless_multi() {
    let swagger = to_swagger(&upstream());
    let filter = &swagger["parameters"]["trait:filter:filter"];
    assert_eq!(filter["type"], "array");
    assert!(
        filter.get("collectionFormat").is_none(),
        "csv is Swagger's default"
    );
    let read = read_upstream(&swagger.to_string(), Path::new("upstream.json")).unwrap();
    let converted = &read["components"]["parameters"]["trait:filter:filter"];
    assert_eq!(converted["style"], "form");
    assert_eq!(converted["explode"], false);
    assert_eq!(converted["schema"]["items"]["type"], "string");
    let mut multi = swagger.clone();
    multi["parameters"]["trait:filter:filter"]["collectionFormat"] = json!("multi");
    let read = read_upstream(&multi.to_string(), Path::new("upstream.json")).unwrap();
    assert_eq!(
        read["components"]["parameters"]["trait:filter:filter"]["explode"],
        true
    );
}

#[test]
fn swagger_body_parameters_and_responses_become_openapi_3() {
    let swagger = to_swagger(&upstream());
    let read = read_upstream(&swagger.to_string(), Path::new("upstream.json")).unwrap();
    let post = &read["paths"]["/users/{user_id}/associations"]["post"];
    assert_eq!(post["requestBody"]["required"], false);
    assert_eq!(
        post["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/GraphOperation-User"
    );
    assert!(
        post["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["in"] != "body")
    );
    let get = &read["paths"]["/users/{user_id}/systems"]["get"];
    assert_eq!(
        get["responses"]["200"]["content"]["application/json"]["schema"]["items"]["$ref"],
        "#/components/schemas/GraphObjectWithPaths"
    );
    assert_eq!(read["servers"][0]["url"], support::upstream::US);
    assert_eq!(
        read["components"]["securitySchemes"]["x-api-key"]["in"],
        "header"
    );
}

#[test]
fn a_new_target_value_shows_in_the_report_and_the_output() {
    let mut up = upstream();
    up["components"]["parameters"]["trait:graphTargetsUser:targets"]["schema"]["items"]["enum"]
        .as_array_mut()
        .unwrap()
        .push(json!("user_group"));
    let out = synced(&up);
    assert_reported(
        &report(&out),
        r#"graph_userAssociationsList: parameter `targets (query)` items: enum value "user_group" added"#,
    );
    assert!(
        out.text
            .contains("            - system_group\n            - user_group\n")
    );
}

#[test]
fn a_new_optional_parameter_shows_in_the_report_and_the_output() {
    let mut up = upstream();
    up["paths"]["/users/{user_id}/memberof"]["get"]["parameters"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "name": "fields", "in": "query", "description": "Fields to return.", "schema": { "type": "string" } }));
    let out = synced(&up);
    assert_reported(
        &report(&out),
        "graph_userMemberOf: parameter `fields (query)` added, optional",
    );
    assert!(
        out.text
            .contains("        - name: fields\n          in: query\n")
    );
}

#[test]
fn a_removed_parameter_shows_in_the_report_and_the_output() {
    let mut up = upstream();
    let params = up["paths"]["/users/{user_id}/memberof"]["get"]["parameters"]
        .as_array_mut()
        .unwrap();
    params.retain(|p| p["$ref"] != "#/components/parameters/trait:sort:sort");
    // The patches for `sort` now have nothing to patch: that is reported,
    // by name, as not needed (an error naming the patch before issue 19).
    let out = synced(&up);
    assert_reported(
        &report(&out),
        "graph_userMemberOf: parameter `sort (query)` removed",
    );
    assert_eq!(
        out.not_needed,
        [
            "component-names: partly not needed for this input: no operation of this input \
             refers to `trait:sort:sort` (parameters) (the rendering writes them inline, or \
             upstream no longer has them)",
            "sort-as-one-string: not needed for this input: no operation has a query \
             parameter `sort`",
        ]
    );

    let mut up = upstream();
    let params = up["paths"]["/users/{user_id}/systems"]["get"]["parameters"]
        .as_array_mut()
        .unwrap();
    params.retain(|p| p["$ref"] != "#/components/parameters/trait:filter:filter");
    let out = synced(&up);
    assert_reported(
        &report(&out),
        "graph_userTraverseSystem: parameter `filter (query)` removed",
    );
    let systems = out.document["paths"]["/users/{user_id}/systems"]["get"]["parameters"].clone();
    assert!(
        !systems.to_string().contains("parameters/filter\""),
        "{systems}"
    );
}

#[test]
fn a_changed_response_schema_shows_in_the_report_and_the_output() {
    let mut up = upstream();
    up["components"]["schemas"]["GraphObjectWithPaths"]["properties"]["department"] =
        json!({ "type": "string", "description": "The department." });
    let out = synced(&up);
    // Nine operations return it: the change is one line, under the schema
    // (it was one line per operation before issue 19).
    assert_eq!(
        report(&out),
        ["components: schema `GraphObjectWithPaths`: property `department` added"]
    );
    assert!(
        out.text
            .contains("        department:\n          description: The department.\n")
    );
}

#[test]
fn emails_are_pinned_while_upstream_lacks_them_and_the_report_says_so() {
    let out = synced(&upstream());
    assert!(
        out.notes.iter().any(|n| n.starts_with(
            "users_sendEmails: upstream defines no such operation; the pinned definition"
        )),
        "{:?}",
        out.notes
    );
    assert!(out.text.contains("    # PINNED (users_sendEmails):"));
    assert!(out.text.contains("      # Assumed: upstream never listed scopes for this operation.\n      x-scopes: [users]\n"));
}

#[test]
fn emails_are_taken_from_upstream_when_it_defines_them() {
    let up = with_upstream_emails(&upstream(), "Send User Emails (upstream)");
    let out = synced(&up);
    assert!(
        out.notes
            .iter()
            .any(|n| n.starts_with("users_sendEmails: taken from upstream")),
        "{:?}",
        out.notes
    );
    assert!(!out.text.contains("PINNED (users_sendEmails)"));
    assert!(
        out.text
            .contains("      summary: Send User Emails (upstream)\n")
    );
    // Upstream's Content-Type parameter is removed by its patch, the rest kept.
    let op = &out.document["paths"]["/users/{user_id}/emails"]["post"];
    let params = op["parameters"].to_string();
    assert!(
        !params.contains("Content-Type") && params.contains("x-org-id"),
        "{params}"
    );
    let lines = report(&out);
    assert_reported(
        &lines,
        r#"users_sendEmails: request body (emailrequest): property `emailType`: enum value "welcome" added"#,
    );
}

#[test]
fn a_deviation_that_no_longer_applies_fails_with_its_name() {
    // Upstream starts sending filters as repeated parameters itself: that
    // part of the patch is not needed for this input (issue 19 made this a
    // report line instead of an error), the rest still applies.
    let mut up = upstream();
    up["components"]["parameters"]["trait:filter:filter"]["explode"] = json!(true);
    let out = synced(&up);
    assert_eq!(
        out.not_needed,
        [
            "repeated-filter-and-targets: partly not needed for this input: upstream already \
          sends `filter` as repeated parameters (explode: true) at \
          `#/components/parameters/filter`"
        ]
    );
    assert!(report(&out).is_empty(), "{:?}", report(&out));

    // Upstream makes `attributes` an inline object instead of a `$ref`.
    let mut up = upstream();
    up["components"]["schemas"]["GraphObject"]["properties"]["attributes"] =
        json!({ "type": "object" });
    let error = sync_value(&up).unwrap_err().to_string();
    assert!(
        error.starts_with("deviation `nullable-attributes` no longer applies")
            && error.contains("GraphObject.attributes"),
        "{error}"
    );

    // Upstream rewrites the traversal descriptions.
    let mut up = upstream();
    up["paths"]["/users/{user_id}/systems"]["get"]["description"] = json!("Lists systems.");
    let error = sync_value(&up).unwrap_err().to_string();
    assert!(
        error.starts_with("deviation `shared-traversal-description` no longer applies")
            && error.contains("graph_userTraverseSystem"),
        "{error}"
    );
}

#[test]
fn an_upstream_missing_one_of_the_operations_is_an_error_naming_it() {
    let mut up = upstream();
    up["paths"]["/users/{user_id}/memberof"]
        .as_object_mut()
        .unwrap()
        .remove("get");
    let error = sync_value(&up).unwrap_err();
    assert!(
        matches!(error, SyncError::MissingOperations { ref ids } if ids == &["graph_userMemberOf"])
    );
    assert_eq!(
        error.to_string(),
        "upstream defines no operation `graph_userMemberOf`"
    );
}

// The command line: exit codes, --check, --out.

fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("openapi")).unwrap();
    for file in [
        "openapi/jumpcloud-user-graph.yaml",
        "openapi/deviations.yaml",
    ] {
        std::fs::copy(real().root().join(file), dir.path().join(file)).unwrap();
    }
    dir
}

fn write_upstream(dir: &Path, name: &str, doc: &Value) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string_pretty(doc).unwrap()).unwrap();
    path
}

fn xtask_sync(root: &Path, args: &[&str]) -> Output {
    support::xtask(root, &[&["sync"], args].concat())
}

#[test]
fn check_exits_0_when_the_fragment_matches_and_1_with_a_report_when_not() {
    let dir = scratch();
    let same = write_upstream(dir.path(), "same.json", &to_swagger(&upstream()));
    let out = xtask_sync(dir.path(), &["--check", "--from", same.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("is up to date"));

    let mut up = upstream();
    up["components"]["schemas"]["GraphType"]["enum"]
        .as_array_mut()
        .unwrap()
        .push(json!("device_group"));
    let changed = write_upstream(dir.path(), "changed.json", &up);
    let before = std::fs::read(dir.path().join("openapi/jumpcloud-user-graph.yaml")).unwrap();
    let out = xtask_sync(
        dir.path(),
        &["--check", "--from", changed.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(r#"  components: schema `GraphType`: enum value "device_group" added"#),
        "{stdout}"
    );
    assert!(stdout.contains("+        - device_group"), "{stdout}");
    assert!(
        stdout.contains("--- a/openapi/jumpcloud-user-graph.yaml"),
        "{stdout}"
    );
    assert_eq!(
        std::fs::read(dir.path().join("openapi/jumpcloud-user-graph.yaml")).unwrap(),
        before,
        "--check writes nothing"
    );
}

#[test]
fn check_against_a_missing_file_prints_a_diff_that_creates_it() {
    // Fails on the old code, whose diff came from `a/<name>`, which
    // `git apply` refuses for a file that does not exist.
    let dir = scratch();
    let from = write_upstream(dir.path(), "same.json", &to_swagger(&upstream()));
    let missing = dir.path().join("openapi/new.yaml");
    let out = xtask_sync(
        dir.path(),
        &[
            "--check",
            "--from",
            from.to_str().unwrap(),
            "--out",
            missing.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("--- /dev/null\n+++ b/openapi/new.yaml"),
        "{stdout}"
    );
}

#[test]
fn sync_writes_the_fragment_or_the_out_file() {
    let dir = scratch();
    let mut up = upstream();
    up["paths"]["/users/{user_id}/memberof"]["get"]["summary"] = json!("List the groups of a User");
    let from = write_upstream(dir.path(), "up.json", &up);
    let fragment = dir.path().join("openapi/jumpcloud-user-graph.yaml");
    let before = std::fs::read_to_string(&fragment).unwrap();

    let elsewhere = dir.path().join("elsewhere.yaml");
    let out = xtask_sync(
        dir.path(),
        &[
            "--from",
            from.to_str().unwrap(),
            "--out",
            elsewhere.to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read_to_string(&fragment).unwrap(), before);
    assert!(
        std::fs::read_to_string(&elsewhere)
            .unwrap()
            .contains("summary: List the groups of a User")
    );

    let out = xtask_sync(dir.path(), &["--from", from.to_str().unwrap()]);
    assert!(out.status.success());
    assert!(
        std::fs::read_to_string(&fragment)
            .unwrap()
            .contains("summary: List the groups of a User")
    );
    let again = xtask_sync(dir.path(), &["--check", "--from", from.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(0), "sync is idempotent");
}

#[test]
fn unusable_input_exits_2_with_the_reason() {
    let dir = scratch();
    let cases: [(&str, String, &str); 4] = [
        (
            "broken.yaml",
            "openapi: [unclosed".into(),
            "not valid YAML or JSON",
        ),
        (
            "v31.json",
            json!({ "openapi": "3.1.0", "paths": {} }).to_string(),
            "OpenAPI 3.1.0 is not supported",
        ),
        (
            "nothing.json",
            json!({ "hello": 1 }).to_string(),
            "not an API description",
        ),
        (
            "missing.json",
            json!({ "swagger": "2.0", "paths": {} }).to_string(),
            "upstream defines no operation `graph_userAssociationsList`",
        ),
    ];
    for (name, text, expected) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let out = xtask_sync(dir.path(), &["--check", "--from", path.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        assert!(stderr.contains(expected), "{name}: {stderr}");
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
    }
    let mut broken = upstream();
    broken["components"]["parameters"]["trait:sort:sort"]["schema"] = json!({ "type": "string" });
    let path = write_upstream(dir.path(), "sort.json", &broken);
    let out = xtask_sync(dir.path(), &["--check", "--from", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("deviation `sort-as-one-string` no longer applies")
    );
}

#[test]
fn a_misspelt_or_extra_key_in_a_patch_is_an_error_naming_it() {
    let text = std::fs::read_to_string(real().root().join(xtask::sync::DEVIATIONS)).unwrap();
    let extra = text.replacen(
        "    array-to-string: [sort]\n",
        "    array-to-string: [sort]\n    explode: false\n",
        1,
    );
    assert_ne!(extra, text, "the edit must apply");
    let error = Deviations::parse(&extra).unwrap_err();
    assert!(
        error.contains("patch `sort-as-one-string` must have exactly one action"),
        "{error}"
    );

    let misspelt = text.replacen(
        "    array-to-string: [sort]\n",
        "    array-to-strings: [sort]\n",
        1,
    );
    assert!(Deviations::parse(&misspelt).is_err());
    assert!(Deviations::parse(&text).is_ok());
}

#[test]
fn openapi_generator_quirks_give_the_same_fragment() {
    // openapi-generator writes `content: {}` on bodiless responses and
    // `x-codegen-request-body-name` on operations with a body.
    let mut up = upstream();
    let post = &mut up["paths"]["/users/{user_id}/associations"]["post"];
    post["responses"]["204"]["content"] = json!({});
    post["x-codegen-request-body-name"] = json!("body");
    assert!(synced(&up).text == fragment_text());
}

// Real renderings (issue 19): BATON23-like OpenAPI 3.0.1 from
// openapi-generator, PS26-like Swagger 2.0 from JumpCloud's PowerShell
// transform; see support/renderings.rs.

/// Reads `doc` as a file of that rendering would be read.
fn read_rendering(doc: &Value, name: &str) -> Value {
    let text = serde_json::to_string_pretty(doc).unwrap();
    read_upstream(&text, Path::new(name)).unwrap()
}

fn sync_rendering(doc: &Value) -> Synced {
    let read = read_rendering(doc, "rendering.json");
    sync(&read, &deviations(), Some(&checked_in())).unwrap_or_else(|e| panic!("{e}"))
}

/// The generated items the workspace's code uses that `out` would change.
fn facade_impacts(out: &Synced) -> Vec<xtask::Impact> {
    let spec = xtask::Spec::parse(&out.text, &real().spec_path()).unwrap();
    let candidate = xtask::render(&spec).unwrap();
    let current = std::fs::read_to_string(real().generated_path()).unwrap();
    xtask::facade_impact(&current, &candidate, &xtask::workspace_sources(&real())).unwrap()
}

/// What `new_members` must say about the active-directory traversal:
/// listed while `operations` in deviations.yaml does not hold it.
fn assert_active_directories_listed_unless_held(out: &Synced) {
    let lines: Vec<String> = out.new_members.iter().map(|m| m.line()).collect();
    let held = deviations()
        .operations
        .iter()
        .any(|id| id == "graph_userTraverseActiveDirectory");
    let listed = lines
        .iter()
        .any(|l| l.starts_with("GET /users/{user_id}/activedirectories (upstream id "));
    assert_eq!(listed, !held, "{lines:?}");
    assert!(
        lines.iter().all(|l| !l.contains("pushendpoints")),
        "{lines:?}"
    );
    assert_eq!(lines.len(), usize::from(!held), "{lines:?}");
}

#[test]
fn a_powershell_rendering_gives_the_fragment_but_for_what_its_transform_drops() {
    let out = sync_rendering(&support::renderings::ps26(&fragment_text()));
    assert!(
        out.renamed.contains(
            &"upstream calls graph_userTraverseSystem UserTraverseSystem_Get (GET \
          /users/{user_id}/systems); the fragment keeps graph_userTraverseSystem"
                .to_string()
        )
    );
    // Every operation but the pinned users_sendEmails, which PS26 lacks.
    assert_eq!(out.renamed.len(), 12, "{:?}", out.renamed);
    let normalised = out.normalised.join("\n");
    for rule in [
        "`targets` (query) as one string",
        "`x-ms-` extensions",
        "`additionalProperties: true`",
    ] {
        assert!(normalised.contains(rule), "{rule}: {normalised}");
    }
    assert!(
        out.notes
            .iter()
            .any(|n| n.starts_with("x-org-id (header): this input lacks it on every operation")),
        "{:?}",
        out.notes
    );
    // The transform drops scopes; nothing else changes in meaning, and the
    // facade's generated types stay as they are.
    let lines = report(&out);
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert!(lines[0].ends_with(": `x-scopes` removed"), "{lines:?}");
    assert_eq!(facade_impacts(&out), []);
    assert_active_directories_listed_unless_held(&out);
}

#[test]
fn an_openapi_generator_rendering_that_inlines_everything_syncs_with_each_difference_reported() {
    let out = sync_rendering(&support::renderings::baton23(&fragment_text()));
    assert!(
        out.not_needed.iter().any(|l| l.starts_with(
            "component-names: not needed for this input: no operation of this input refers to \
             `trait:filter:filter` (parameters)"
        )),
        "{:?}",
        out.not_needed
    );
    let normalised = out.normalised.join("\n");
    for rule in [
        "defaults written as JSON text",
        "openapi-generator's inline models put back where they are used: \
         GraphAttribute_Sudo_sudo, GraphOperation_System_allOf_attributes, \
         GraphOperation_User_allOf",
        "inline copies of the schema `GraphAttributes` written as references to it (3)",
        "`required: false` written",
    ] {
        assert!(normalised.contains(rule), "{rule}: {normalised}");
    }
    assert!(!out.text.contains("x-examples") && !out.text.contains("'[]'"));
    // The 2023 content: the two targets added since, as changes in meaning.
    let lines = report(&out);
    assert_reported(
        &lines,
        r#"graph_userAssociationsList: parameter `targets (query)` items: enum value "idp_routing_policy" removed"#,
    );
    assert_reported(
        &lines,
        "components: schema `GraphObjectWithPaths`: property `syncStatus` removed",
    );
    assert!(lines.len() <= 16, "{lines:#?}");
    // Which the facade notices: the target enums lose variants it maps to.
    let impacts: Vec<String> = facade_impacts(&out).iter().map(|i| i.line()).collect();
    assert!(
        impacts.iter().any(|l| l.starts_with(
            "types::GraphUserAssociationsListTargetsItem: variant `IdpRoutingPolicy` removed"
        ) && l.contains("crates/jumpcloud-graph/src/targets.rs")),
        "{impacts:#?}"
    );
    // The body type and the `sort` setter stay as they are.
    assert!(
        impacts
            .iter()
            .all(|l| !l.starts_with("types::GraphOperationUser:") && !l.contains("`sort`")),
        "{impacts:#?}"
    );
    assert_active_directories_listed_unless_held(&out);
}

/// A scratch workspace with the generated file and the facade's sources,
/// for the check of generated items in use.
fn scratch_with_code() -> tempfile::TempDir {
    let dir = scratch();
    let generated = Workspace::at(dir.path()).generated_path();
    std::fs::create_dir_all(generated.parent().unwrap()).unwrap();
    std::fs::copy(real().generated_path(), &generated).unwrap();
    let src = dir.path().join("crates/jumpcloud-graph/src");
    std::fs::create_dir_all(&src).unwrap();
    let targets = real().root().join("crates/jumpcloud-graph/src/targets.rs");
    std::fs::copy(targets, src.join("targets.rs")).unwrap();
    dir
}

#[test]
fn sync_writes_nothing_when_generated_items_in_use_would_change_unless_accepted() {
    let dir = scratch_with_code();
    let from = write_upstream(
        dir.path(),
        "baton.json",
        &support::renderings::baton23(&fragment_text()),
    );
    let fragment = dir.path().join("openapi/jumpcloud-user-graph.yaml");
    let before = std::fs::read(&fragment).unwrap();
    let out = xtask_sync(dir.path(), &["--from", from.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains(
            "  types::GraphUserAssociationsListTargetsItem: variant `IdpRoutingPolicy` removed"
        ),
        "{stdout}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("not written"));
    assert_eq!(std::fs::read(&fragment).unwrap(), before);

    let out = xtask_sync(dir.path(), &["--accept", "--from", from.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let written = std::fs::read_to_string(&fragment).unwrap();
    assert!(!written.contains("idp_routing_policy"));
    // What was written generates.
    let spec = xtask::Spec::parse(&written, &fragment).unwrap();
    xtask::render(&spec).unwrap();
}

#[test]
fn check_lists_new_members_of_the_family_and_not_other_user_endpoints() {
    let dir = scratch();
    let from = write_upstream(
        dir.path(),
        "ps.json",
        &support::renderings::ps26(&fragment_text()),
    );
    let out = xtask_sync(dir.path(), &["--check", "--from", from.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let held = deviations()
        .operations
        .iter()
        .any(|id| id == "graph_userTraverseActiveDirectory");
    let line = "  GET /users/{user_id}/activedirectories (upstream id \
                UserTraverseActiveDirectory_Get): a traversal the fragment does not hold";
    assert_eq!(stdout.contains(line), !held, "{stdout}");
    assert!(!stdout.contains("pushendpoints"), "{stdout}");
    assert!(stdout.contains("\nsummary: "), "{stdout}");
}

#[test]
fn every_problem_is_reported_in_one_run() {
    let mut up = upstream();
    up["paths"]["/users/{user_id}/memberof"]
        .as_object_mut()
        .unwrap()
        .remove("get");
    up["paths"]["/users/{user_id}/systems"]["get"]["description"] = json!("Lists systems.");
    up["components"]["parameters"]["trait:sort:sort"]["schema"] = json!({ "type": "integer" });
    up["components"]["schemas"]["GraphObject"]["properties"]["attributes"] =
        json!({ "type": "object" });
    let error = sync_value(&up).unwrap_err();
    let SyncError::Several(problems) = &error else {
        panic!("{error}");
    };
    let text = error.to_string();
    assert_eq!(problems.len(), 3, "{text}");
    assert!(
        text.starts_with("3 problems:\n  - upstream defines no operation `graph_userMemberOf`"),
        "{text}"
    );
    assert!(
        text.contains("  - deviation `nullable-attributes` no longer applies"),
        "{text}"
    );
    assert!(
        text.contains("  - deviation `shared-traversal-description` no longer applies"),
        "{text}"
    );
}

#[test]
fn a_ref_cycle_in_upstream_exits_2_naming_it_in_both_formats() {
    // Sync accepted these and wrote them into the fragment.
    let dir = scratch();
    let mut alias = to_swagger(&upstream());
    alias["definitions"]["GraphAttributes"] = json!({ "$ref": "#/definitions/Loop" });
    alias["definitions"]["Loop"] = json!({ "$ref": "#/definitions/GraphAttributes" });
    let mut parameter = upstream();
    parameter["components"]["parameters"]["trait:skip:skip"] =
        json!({ "$ref": "#/components/parameters/trait:skip:skip" });
    for (name, doc, cycle) in [
        (
            "alias.json",
            alias,
            "#/components/schemas/GraphAttributes -> #/components/schemas/Loop -> #/components/schemas/GraphAttributes",
        ),
        (
            "parameter.json",
            parameter,
            "#/components/parameters/trait:skip:skip -> #/components/parameters/trait:skip:skip",
        ),
    ] {
        let from = write_upstream(dir.path(), name, &doc);
        let out = xtask_sync(dir.path(), &["--check", "--from", from.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        assert!(
            stderr.contains("`$ref` cycle") && stderr.contains(cycle),
            "{name}: {stderr}"
        );
    }
}

#[test]
fn an_oversize_upstream_exits_2_without_being_read() {
    let dir = scratch();
    let from = dir.path().join("huge.yaml");
    std::fs::File::create(&from)
        .unwrap()
        .set_len(40 * 1024 * 1024)
        .unwrap();
    let out = xtask_sync(dir.path(), &["--check", "--from", from.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("is more than the 33554432 bytes (32 MiB)"),
        "{stderr}"
    );
}
