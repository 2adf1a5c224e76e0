//! Every parameter of every generated operation can be set through the
//! facade: openapi/facade-coverage.yaml maps each one (and each field of a
//! request body) to facade methods, and this test checks that map against
//! the generated surface snapshot and the facade's public-API listing.
//!
//! Operations generated ahead of the facade method that will call them (the
//! directory lookups, waiting for the name resolver) are listed under
//! `not-yet-wired` with the reason; the test holds that list to what is
//! generated and unwired.
//!
//! A parameter added to the spec is generated at once but stays invisible
//! to facade users until it is wired in crates/jumpcloud-graph/src/list/ (lists) or src/write/ (writes);
//! this test is what notices.

use std::collections::{BTreeMap, BTreeSet};

use xtask::Workspace;

const MAPPING: &str = "openapi/facade-coverage.yaml";
const SURFACE: &str = "xtask/tests/it/snapshots/it__surface__generated_surface.snap";
/// The directory lookups' surfaces, read beside the user graph's.
const DIRECTORY_SURFACES: [&str; 2] = [
    "xtask/tests/it/snapshots/it__surface__directory_v1_surface.snap",
    "xtask/tests/it/snapshots/it__surface__directory_v2_surface.snap",
];
const PUBLIC_API: &str = "crates/jumpcloud-graph/public-api.txt";

/// What the generated surface says each operation takes: parameter names
/// and `body.<json field>` for the fields of its request body.
fn generated_inputs(surface: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut fields_of: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut current_type: Option<String> = None;
    for line in surface.lines() {
        if let Some(rest) = line.strip_prefix("struct ") {
            current_type = rest.split([' ', '(']).next().map(str::to_string);
            continue;
        }
        match (&current_type, line.strip_prefix("  ")) {
            (Some(ty), Some(field)) if !line.starts_with("   ") => {
                let name = field.split(':').next().unwrap_or_default().trim();
                let json = field
                    .split("(json \"")
                    .nth(1)
                    .and_then(|rest| rest.split('"').next())
                    .unwrap_or(name);
                fields_of
                    .entry(ty.clone())
                    .or_default()
                    .insert(json.to_string());
            }
            _ if line.is_empty() => current_type = None,
            _ => {}
        }
    }

    let mut inputs: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut current: Option<String> = None;
    let operations = surface
        .split("== Operations ==")
        .nth(1)
        .and_then(|rest| rest.split("== Types ==").next())
        .unwrap_or_default();
    for line in operations.lines() {
        if !line.starts_with(' ') && line.contains(": ") {
            let id = line.split(':').next().unwrap_or_default().to_string();
            inputs.entry(id.clone()).or_default();
            current = Some(id);
        } else if let (Some(id), Some(rest)) = (&current, line.strip_prefix("  param ")) {
            let name = rest.split(' ').next().unwrap_or_default();
            inputs
                .entry(id.clone())
                .or_default()
                .insert(name.to_string());
        } else if let (Some(id), Some(rest)) = (&current, line.strip_prefix("  body ")) {
            let ty = rest
                .rsplit("builder::")
                .next()
                .unwrap_or_default()
                .trim_end_matches(')');
            let fields = fields_of.get(ty).cloned().unwrap_or_default();
            assert!(!fields.is_empty(), "{id}: no struct {ty} in the surface");
            let entry = inputs.entry(id.clone()).or_default();
            entry.extend(fields.into_iter().map(|f| format!("body.{f}")));
        }
    }
    inputs
}

/// `Type::method` for every function of the facade's public API: the
/// listing's `pub fn jumpcloud_graph::List<Op>::page_size(self, ...)`
/// without its generic arguments.
fn facade_methods(public_api: &str) -> BTreeSet<String> {
    public_api
        .lines()
        .filter_map(|line| {
            let after = line.split("fn jumpcloud_graph::").nth(1)?;
            let mut path = String::new();
            let mut depth = 0usize;
            for c in after.chars() {
                match c {
                    '<' => depth += 1,
                    '>' => depth = depth.saturating_sub(1),
                    '(' if depth == 0 => break,
                    c if depth == 0 => path.push(c),
                    _ => {}
                }
            }
            Some(path)
        })
        .collect()
}

#[derive(Debug, serde::Deserialize)]
struct Mapping {
    operations: BTreeMap<String, OperationMapping>,
    #[serde(rename = "not-yet-wired", default)]
    not_yet_wired: NotYetWired,
}

/// Generated operations the facade does not call yet, with the reason.
#[derive(Debug, Default, serde::Deserialize)]
struct NotYetWired {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    operations: Vec<String>,
}

#[derive(Debug, serde::Deserialize)]
struct OperationMapping {
    entry: Vec<String>,
    params: BTreeMap<String, Vec<String>>,
    /// Parameters the facade sends fixed or never, each with the reason
    /// (the name resolver's lookups choose their own projection, sort and
    /// filters).
    #[serde(default)]
    unset: BTreeMap<String, String>,
}

fn mapping(text: &str) -> Mapping {
    let mut value: serde_yaml::Value = serde_yaml::from_str(text).expect("valid YAML");
    value.apply_merge().expect("valid merge keys");
    serde_yaml::from_value(value).expect("the mapping's shape")
}

/// What every generated surface says its operations take.
fn inputs_of(surfaces: &[String]) -> BTreeMap<String, BTreeSet<String>> {
    let mut inputs = BTreeMap::new();
    for surface in surfaces {
        for (id, params) in generated_inputs(surface) {
            assert!(
                inputs.insert(id.clone(), params).is_none(),
                "{id} is generated twice"
            );
        }
    }
    inputs
}

/// Everything wrong, one message per problem, each saying what to do.
/// `surfaces` are every generated surface.
fn problems(surfaces: &[String], public_api: &str, mapping_text: &str) -> Vec<String> {
    let inputs = inputs_of(surfaces);
    let methods = facade_methods(public_api);
    let mapping = mapping(mapping_text);
    let mut problems = not_yet_wired_problems(&inputs, &mapping);
    let waiting: BTreeSet<&String> = mapping.not_yet_wired.operations.iter().collect();
    for (id, params) in inputs.iter().filter(|(id, _)| !waiting.contains(id)) {
        let Some(mapped) = mapping.operations.get(id) else {
            problems.push(format!(
                "{id}: the operation has no facade entry point in {MAPPING}; add a method \
                 that calls it in crates/jumpcloud-graph/src/list/ (lists) or src/write/ (writes), regenerate {PUBLIC_API} \
                 with `cargo xtask public-api`, and map it"
            ));
            continue;
        };
        for name in params {
            if let Some(reason) = mapped.unset.get(name) {
                if reason.trim().is_empty() || mapped.params.contains_key(name) {
                    problems.push(format!(
                        "{id}: `{name}` under `unset` needs a reason and no setters"
                    ));
                }
                continue;
            }
            match mapped.params.get(name) {
                None => problems.push(format!(
                    "{id}: parameter `{name}` has no facade setter. Facade users cannot send it \
                     until it is wired in crates/jumpcloud-graph/src/list/ (lists) or src/write/ (writes): add a method that \
                     sets it, regenerate {PUBLIC_API} with `cargo xtask public-api`, and map \
                     `{name}` to that method in {MAPPING}"
                )),
                Some(setters) if setters.is_empty() => {
                    problems.push(format!("{id}: parameter `{name}` maps to no method"));
                }
                Some(_) => {}
            }
        }
        let mapped_names = mapped.params.keys().chain(mapped.unset.keys());
        for name in mapped_names.filter(|name| !params.contains(*name)) {
            problems.push(format!(
                "{id}: {MAPPING} maps `{name}`, which the generated operation no longer \
                 takes; remove the entry (and the facade method, if nothing else uses it)"
            ));
        }
        let listed = mapped.entry.iter().chain(mapped.params.values().flatten());
        for method in listed {
            if !methods.contains(method) {
                problems.push(format!(
                    "{id}: `{method}` is mapped in {MAPPING} but is not in the facade's public \
                     API ({PUBLIC_API}); wire it, or regenerate the listing with `cargo xtask \
                     public-api` if the method exists"
                ));
            }
        }
    }
    for id in mapping
        .operations
        .keys()
        .filter(|id| !inputs.contains_key(*id))
    {
        problems.push(format!(
            "{id}: mapped in {MAPPING} but not generated; remove the entry"
        ));
    }
    problems.sort();
    problems.dedup();
    problems
}

/// The `not-yet-wired` list's own problems: a name that is not generated,
/// one that is also wired, or a list without its reason.
fn not_yet_wired_problems(
    inputs: &BTreeMap<String, BTreeSet<String>>,
    mapping: &Mapping,
) -> Vec<String> {
    let waiting = &mapping.not_yet_wired;
    let mut problems = Vec::new();
    if !waiting.operations.is_empty() && waiting.reason.trim().is_empty() {
        problems.push(format!(
            "{MAPPING}: `not-yet-wired` lists operations without a reason"
        ));
    }
    for id in &waiting.operations {
        if !inputs.contains_key(id) {
            problems.push(format!(
                "{id}: listed as not yet wired in {MAPPING} but not generated; remove it"
            ));
        }
        if mapping.operations.contains_key(id) {
            problems.push(format!(
                "{id}: both wired and not yet wired in {MAPPING}; remove it from `not-yet-wired`"
            ));
        }
    }
    problems
}

/// Every generated surface, the user graph's first.
fn all_surfaces() -> Vec<String> {
    with_user_graph(read(SURFACE))
}

/// `user_graph` as the user graph's surface, beside the checked-in
/// directory surfaces.
fn with_user_graph(user_graph: String) -> Vec<String> {
    let mut surfaces = vec![user_graph];
    surfaces.extend(DIRECTORY_SURFACES.iter().map(|path| read(path)));
    surfaces
}

fn read(path: &str) -> String {
    let root = Workspace::locate().unwrap();
    std::fs::read_to_string(root.root().join(path)).unwrap()
}

#[test]
fn every_generated_parameter_has_a_facade_setter() {
    let problems = problems(&all_surfaces(), &read(PUBLIC_API), &read(MAPPING));
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
}

#[test]
fn the_directory_lookups_are_wired_to_the_resolver_or_waiting() {
    let inputs = inputs_of(&all_surfaces());
    let mapping = mapping(&read(MAPPING));
    let waiting: BTreeSet<String> = mapping.not_yet_wired.operations.into_iter().collect();
    let directory: BTreeSet<String> = DIRECTORY_SURFACES
        .iter()
        .flat_map(|path| generated_inputs(&read(path)).into_keys())
        .collect();
    assert_eq!(directory.len(), 14);
    let wired: BTreeSet<String> = directory
        .iter()
        .filter(|id| mapping.operations.contains_key(*id))
        .cloned()
        .collect();
    assert_eq!(wired.len(), 10, "the resolver's ten lookups: {wired:?}");
    assert_eq!(
        waiting,
        directory.difference(&wired).cloned().collect(),
        "every other lookup, and only the lookups, wait"
    );
    assert_eq!(
        inputs.len(),
        13 + 14,
        "operation ids are unique across fragments"
    );
    assert!(inputs["search_systemusers_post"].contains("body.filter"));
}

#[test]
fn an_unset_parameter_needs_a_reason_and_no_setters() {
    let mapping = read(MAPPING).replacen(
        "      sort: the list is read whole",
        "      sort: \"\"\n      # the list is read whole",
        1,
    );
    let problems = problems(&all_surfaces(), &read(PUBLIC_API), &mapping);
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("directories_list: `sort` under `unset` needs a reason")),
        "{problems:#?}"
    );
}

#[test]
fn a_waiting_operation_that_is_not_generated_fails() {
    let mapping = read(MAPPING).replacen("    - gsuites_get\n", "    - gsuites_list\n", 1);
    let problems = problems(&all_surfaces(), &read(PUBLIC_API), &mapping);
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("gsuites_list: listed as not yet wired")),
        "{problems:#?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("gsuites_get: the operation has no facade entry point")),
        "an operation that is neither wired nor waiting fails: {problems:#?}"
    );
}

#[test]
fn an_operation_both_wired_and_waiting_fails() {
    let mapping = read(MAPPING).replacen(
        "    - systems_list\n",
        "    - graph_userMemberOf\n    - systems_list\n",
        1,
    );
    let problems = problems(&all_surfaces(), &read(PUBLIC_API), &mapping);
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("graph_userMemberOf: both wired and not yet wired")),
        "{problems:#?}"
    );
}

#[test]
fn the_surface_is_read_completely() {
    let inputs = generated_inputs(&read(SURFACE));
    assert_eq!(inputs.len(), 13);
    assert_eq!(
        inputs["graph_userAssociationsPost"],
        [
            "body.attributes",
            "body.id",
            "body.op",
            "body.type",
            "user_id",
            "x-org-id"
        ]
        .map(String::from)
        .into()
    );
    assert!(inputs["graph_userMemberOf"].contains("sort"));
    assert!(inputs["users_sendEmails"].contains("body.emailType"));
}

#[test]
fn a_new_parameter_without_a_setter_fails_with_what_to_wire() {
    let surface = read(SURFACE).replacen(
        "  param sort (query, optional): .sort(String)\n",
        "  param sort (query, optional): .sort(String)\n  param fields (query, optional): .fields(String)\n",
        1,
    );
    let problems = problems(&with_user_graph(surface), &read(PUBLIC_API), &read(MAPPING));
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(
        problems[0].starts_with("graph_userMemberOf: parameter `fields` has no facade setter")
            && problems[0]
                .contains("crates/jumpcloud-graph/src/list/ (lists) or src/write/ (writes)"),
        "{}",
        problems[0]
    );
}

#[test]
fn a_mapped_method_missing_from_the_facade_fails() {
    let public_api: String = read(PUBLIC_API)
        .lines()
        .filter(|line| !line.contains("fn jumpcloud_graph::MemberOf::sort("))
        .map(|line| format!("{line}\n"))
        .collect();
    let problems = problems(&all_surfaces(), &public_api, &read(MAPPING));
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(
        problems[0].contains("`MemberOf::sort` is mapped") && problems[0].contains(PUBLIC_API),
        "{}",
        problems[0]
    );
}

#[test]
fn a_new_body_field_without_a_setter_fails() {
    let surface = read(SURFACE).replacen(
        "  email_type: Option<EmailrequestEmailType> (json \"emailType\")\n",
        "  email_type: Option<EmailrequestEmailType> (json \"emailType\")\n  locale: Option<String>\n",
        1,
    );
    let problems = problems(&with_user_graph(surface), &read(PUBLIC_API), &read(MAPPING));
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(
        problems[0].contains("users_sendEmails: parameter `body.locale`"),
        "{}",
        problems[0]
    );
}

#[test]
fn a_mapping_for_a_removed_parameter_fails() {
    let surface = read(SURFACE).replacen("  param sort (query, optional): .sort(String)\n", "", 1);
    let problems = problems(&with_user_graph(surface), &read(PUBLIC_API), &read(MAPPING));
    assert!(
        problems
            .iter()
            .any(|p| p.contains("maps `sort`, which the generated operation no longer takes")),
        "{problems:#?}"
    );
}
