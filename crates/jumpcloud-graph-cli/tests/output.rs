//! Every command in every format, against the embedded demo org, as insta
//! snapshots. Tables are also checked to fit 100 columns, JSON to parse,
//! and stderr to hold only the sandbox-mode line.

mod common;

use common::{jcgraph, json, table};
use insta::assert_snapshot;

#[test]
fn access_table() {
    assert_snapshot!(table(&["access", "ada"]));
}

#[test]
fn access_one_kind_table() {
    assert_snapshot!(table(&["access", "ada", "--kind", "systems"]));
}

#[test]
fn access_active_directories_table() {
    assert_snapshot!(table(&[
        "access",
        "katherine",
        "--kind",
        "active-directories"
    ]));
}

#[test]
fn why_an_active_directory_in_its_wire_spelling() {
    let run = jcgraph(&["why", "katherine", "active_directory", "acme-ad"]);
    assert_eq!(run.code, 0, "{run:#?}");
    assert_eq!(
        run.stdout,
        table(&["why", "katherine", "active-directories", "acme-ad"])
    );
    assert!(run.stdout.contains("direct"), "{}", run.stdout);
}

#[test]
fn access_json_is_the_access_report() {
    let out = json(&["access", "katherine", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let mut keys: Vec<&str> = report
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(keys, ["groups", "objects", "user", "warnings"]);
    assert_snapshot!(out);
}

#[test]
fn access_one_kind_json_is_an_array_of_explanations() {
    let out = json(&[
        "access",
        "ada",
        "--kind",
        "system-groups",
        "--format",
        "json",
    ]);
    let entries: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(entries.len(), 2);
    assert_snapshot!(out);
}

#[test]
fn access_ndjson_is_one_explanation_per_line() {
    let out = json(&["access", "katherine", "--format", "ndjson"]);
    // Six objects, then two groups.
    assert_eq!(out.lines().count(), 8);
    assert_snapshot!(out);
}

#[test]
fn why_table() {
    assert_snapshot!(table(&["why", "ada", "systems", "web-01"]));
}

#[test]
fn why_table_of_an_application() {
    assert_snapshot!(table(&["why", "grace", "applications", "slack"]));
}

#[test]
fn why_json_is_the_explanation() {
    assert_snapshot!(json(&[
        "why", "ada", "systems", "web-01", "--format", "json"
    ]));
}

#[test]
fn why_ndjson_is_the_explanation_on_one_line() {
    let out = json(&["why", "ada", "systems", "web-01", "--format", "ndjson"]);
    assert_eq!(out.lines().count(), 1);
    let pretty = json(&["why", "ada", "systems", "web-01", "--format", "json"]);
    let a: serde_json::Value = serde_json::from_str(&out).unwrap();
    let b: serde_json::Value = serde_json::from_str(&pretty).unwrap();
    assert_eq!(a, b);
}

#[test]
fn revoke_plan_table() {
    assert_snapshot!(table(&["revoke", "ada", "systems", "web-01"]));
}

#[test]
fn revoke_plan_of_an_object_not_reached() {
    assert_snapshot!(table(&["revoke", "ken", "systems", "web-01"]));
}

#[test]
fn revoke_plan_json_is_the_plan() {
    assert_snapshot!(json(&[
        "revoke", "grace", "systems", "db-01", "--format", "json"
    ]));
}

#[test]
fn revoke_plan_ndjson_is_the_plan_on_one_line() {
    let out = json(&["revoke", "ada", "systems", "web-01", "--format", "ndjson"]);
    assert_eq!(out.lines().count(), 1);
    let plan: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(plan["steps"].as_array().map(Vec::len), Some(3));
}

#[test]
fn revoke_apply_table_when_access_remains() {
    let run = jcgraph(&["revoke", "ada", "systems", "web-01", "--apply", "--yes"]);
    assert_eq!(run.code, 3, "{run:#?}");
    common::assert_fits(&run.stdout, 100);
    common::assert_quiet(&run);
    assert_snapshot!(run.stdout);
}

#[test]
fn revoke_apply_table_when_access_is_gone() {
    let run = jcgraph(&[
        "revoke",
        "katherine",
        "systems",
        "katherine-surface",
        "--apply",
        "--yes",
    ]);
    assert_eq!(run.code, 0, "{run:#?}");
    common::assert_fits(&run.stdout, 100);
    assert_snapshot!(run.stdout);
}

#[test]
fn revoke_apply_json_is_plan_and_outcome() {
    let run = jcgraph(&[
        "revoke",
        "katherine",
        "systems",
        "katherine-surface",
        "--apply",
        "--yes",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{run:#?}");
    let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(value["outcome"]["still_granted"], false);
    assert_snapshot!(run.stdout);
}

#[test]
fn revoke_apply_ndjson_is_the_plan_then_the_outcome() {
    let run = jcgraph(&[
        "revoke", "ada", "systems", "web-01", "--apply", "--yes", "--format", "ndjson",
    ]);
    assert_eq!(run.code, 3, "{run:#?}");
    let lines: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["bound"], true);
    assert_eq!(lines[1]["still_granted"], true);
    assert_eq!(lines[1]["effective_sudo"], "without-password");
}

#[test]
fn groups_table() {
    assert_snapshot!(table(&["groups", "ada"]));
}

#[test]
fn groups_filtered_and_sorted_table() {
    assert_snapshot!(table(&[
        "groups",
        "ada",
        "--filter",
        "name:search:e",
        "--sort",
        "-name"
    ]));
}

#[test]
fn groups_json() {
    assert_snapshot!(json(&["groups", "linus", "--format", "json"]));
}

#[test]
fn groups_ndjson() {
    let out = json(&["groups", "ada", "--format", "ndjson"]);
    assert_eq!(out.lines().count(), 3);
    assert_snapshot!(out);
}

#[test]
fn associations_table() {
    assert_snapshot!(table(&[
        "associations",
        "ada",
        "--target",
        "system,system-group",
        "--target",
        "password_manager_item"
    ]));
}

#[test]
fn associations_json() {
    assert_snapshot!(json(&[
        "associations",
        "katherine",
        "--target",
        "system",
        "--target",
        "active_directory",
        "--format",
        "json"
    ]));
}

#[test]
fn associations_ndjson() {
    let out = json(&["associations", "ada", "-t", "system", "--format", "ndjson"]);
    assert_snapshot!(out);
}

#[test]
fn write_tables() {
    let runs = [
        vec![
            "associate",
            "ken",
            "system-group",
            "laptops",
            "--sudo",
            "with-password",
        ],
        vec!["associate", "ada", "system", "web-01", "--ensure"],
        vec!["dissociate", "ada", "system", "web-01"],
        vec!["dissociate", "ken", "system", "web-01", "--ensure"],
        vec![
            "update",
            "ada",
            "system",
            "web-01",
            "--sudo",
            "without-password",
        ],
        vec!["send-activation", "ken"],
    ];
    let mut all = String::new();
    for args in runs {
        all.push_str(&format!("$ jcgraph {}\n", args.join(" ")));
        all.push_str(&table(&args));
    }
    assert_snapshot!(all);
}

#[test]
fn write_json() {
    let runs = [
        vec![
            "associate",
            "ken",
            "application",
            "github",
            "--format",
            "json",
        ],
        vec![
            "associate",
            "ada",
            "system",
            "web-01",
            "--ensure",
            "--sudo",
            "without-password",
            "--format",
            "ndjson",
        ],
        vec![
            "dissociate",
            "ken",
            "system",
            "web-01",
            "--ensure",
            "--format",
            "ndjson",
        ],
        vec![
            "update",
            "ada",
            "system",
            "ada-macbook",
            "--sudo",
            "disabled",
            "--format",
            "ndjson",
        ],
        vec!["send-activation", "ken", "--format", "ndjson"],
    ];
    let mut all = String::new();
    for args in runs {
        all.push_str(&format!("$ jcgraph {}\n", args.join(" ")));
        all.push_str(&json(&args));
    }
    assert_snapshot!(all);
}

#[test]
fn review_table() {
    let run = jcgraph(&["review", "--format", "table"]);
    assert_eq!(run.code, 0, "{run:#?}");
    common::assert_fits(&run.stdout, 100);
    assert_snapshot!(run.stdout);
}

#[test]
fn review_ndjson_with_a_failure() {
    let run = common::run_command(
        common::command(&["review", "--users", "-"]),
        "# new joiners\nken\n\nnobody\n",
    );
    assert_eq!(run.code, 1, "{run:#?}");
    assert_snapshot!(run.stdout);
}

#[test]
fn review_json_is_an_array_of_reports() {
    let run = common::run_command(
        common::command(&["review", "--users", "-", "--format", "json"]),
        "ken\n651000000000000000000004\n",
    );
    assert_eq!(run.code, 0, "{run:#?}");
    let reports: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(reports.len(), 2);
    assert_eq!(reports[1]["user"]["id"], "651000000000000000000004");
    assert_eq!(reports[1]["objects"].as_array().map(Vec::len), Some(6));
}

#[test]
fn a_narrow_terminal_gets_a_narrower_table() {
    let run = common::run_command(common::on_a_terminal(&["access", "ada"], 60), "");
    assert_eq!(run.code, 0, "{run:#?}");
    common::assert_fits(&run.stdout, 60);
    // Nothing is lost: every object is still there.
    for name in ["web-01", "db-01", "production-servers", "office-wifi"] {
        assert!(run.stdout.contains(name), "{name}: {}", run.stdout);
    }
    assert_snapshot!(run.stdout);
}

/// The JSON's conventions, as the README states them: the client's own
/// keys are snake_case, only the wire's objects (`compiled_attributes`,
/// `attributes`) keep JumpCloud's camelCase, sudo values are kebab-case,
/// and `deciding_path` indexes `paths` from 0 where the table says "path 1".
#[test]
fn json_keys_are_snake_case_and_deciding_path_counts_from_zero() {
    fn walk(value: &serde_json::Value, at: &str, bad: &mut Vec<String>) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, inner) in map {
                    let snake = key
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
                    if !snake {
                        bad.push(format!("{at}.{key}"));
                    }
                    // The wire's own objects, kept as sent.
                    let wire = key.ends_with("attributes") || key.ends_with("other");
                    if !wire {
                        walk(inner, &format!("{at}.{key}"), bad);
                    }
                }
            }
            serde_json::Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(item, &format!("{at}[{i}]"), bad);
                }
            }
            _ => {}
        }
    }
    let mut bad = Vec::new();
    for args in [
        &["access", "ada", "--format", "json"][..],
        &["revoke", "ada", "systems", "web-01", "--format", "json"],
    ] {
        let value: serde_json::Value = serde_json::from_str(&json(args)).unwrap();
        walk(&value, &args.join(" "), &mut bad);
    }
    assert!(bad.is_empty(), "keys not in snake_case: {bad:#?}");

    let why: serde_json::Value = serde_json::from_str(&json(&[
        "why",
        "ada",
        "systems",
        "ada-macbook",
        "--format",
        "json",
    ]))
    .unwrap();
    let index = why["deciding_path"].as_u64().expect("a deciding path");
    let table = table(&["why", "ada", "systems", "ada-macbook"]);
    assert!(
        table.contains(&format!("decided by path {}", index + 1)),
        "JSON {index}, table: {table}"
    );
    assert_eq!(why["effective_sudo"], "without-password");
    let sudo = &why["paths"][index as usize]["sudo"];
    assert!(sudo.as_str().is_some_and(|s| s.contains('-')), "{sudo}");
}

/// `jcgraph access ada > out.txt` keeps the ids: a table written to a file
/// or a pipe is not fitted to any width (every column, one line per row).
#[test]
fn piped_tables_keep_every_column() {
    const WEB_01: &str = "653000000000000000000004";
    let run = jcgraph(&["access", "ada"]);
    assert_eq!(run.code, 0, "{run:#?}");
    let row = run
        .stdout
        .lines()
        .find(|l| l.contains(" web-01 "))
        .unwrap_or_default();
    assert!(
        row.contains(WEB_01) && row.ends_with("production-servers"),
        "one line per row, with its id: {}",
        run.stdout
    );
    // COLUMNS is for terminals: a file gets whole rows all the same.
    let mut narrow = common::command(&["access", "ada"]);
    narrow.env("COLUMNS", "60");
    let narrow = common::run_command(narrow, "");
    assert!(narrow.stdout.lines().any(|l| l == row), "{}", narrow.stdout);
}

/// A revoke step's request body is printed whole on a line of its own,
/// however narrow the terminal: never broken inside a JSON token.
#[test]
fn request_bodies_are_never_broken() {
    let body = r#"{"id":"653000000000000000000004","op":"remove","type":"system"}"#;
    for columns in [30, 40, 60, 100] {
        let command = common::on_a_terminal(&["revoke", "ada", "systems", "web-01"], columns);
        let run = common::run_command(command, "");
        assert_eq!(run.code, 0, "{run:#?}");
        let whole = run.stdout.lines().filter(|l| l.trim() == body).count();
        assert_eq!(whole, 3, "{columns} columns: {}", run.stdout);
    }
}

/// With `COLUMNS=60`, nothing jcgraph writes on stderr (the sandbox banner,
/// notes, warnings, summaries, errors, usage errors) is wider than 60
/// characters, and words are not broken to get there.
#[test]
fn with_columns_60_no_stderr_line_is_longer_than_60() {
    let commands: [(&[&str], &str); 8] = [
        (&["access", "ada"], ""),
        (&["why", "ada", "systems", "web-01"], ""),
        (
            &["revoke", "ada", "systems", "web-01", "--apply", "--yes"],
            "",
        ),
        (&["groups", "nobody-at-all"], ""),
        (&["access", "ada", "--kind", "no-such-kind"], ""),
        (&["why", "ada"], ""),
        (&["review", "--users", "-"], "ada\nnobody\n"),
        (
            &["access", "ada", "--org", "/no/such/directory/org.yaml"],
            "",
        ),
    ];
    for (args, stdin) in commands {
        let mut command = common::command(args);
        command.env("COLUMNS", "60");
        let run = common::run_command(command, stdin);
        assert!(!run.stderr.is_empty(), "{args:?}: {run:#?}");
        for line in run.stderr.lines() {
            assert!(
                line.chars().count() <= 60,
                "{args:?}: a stderr line over 60 characters:\n{line}\n\n{}",
                run.stderr
            );
        }
        assert!(!run.stderr.contains("envir\n"), "{args:?}: {}", run.stderr);
    }
}

/// `jcgraph --help` fits a screen (at most 40 lines); `-h` is shorter.
#[test]
fn the_top_level_help() {
    let run = jcgraph(&["--help"]);
    assert_eq!(run.code, 0);
    common::assert_fits(&run.stdout, 100);
    assert!(run.stdout.lines().count() <= 40, "{}", run.stdout);
    assert_snapshot!(run.stdout);
}

#[test]
fn the_top_level_short_help() {
    let run = jcgraph(&["-h"]);
    assert_eq!(run.code, 0);
    common::assert_fits(&run.stdout, 100);
    let long = jcgraph(&["--help"]).stdout.lines().count();
    assert!(run.stdout.lines().count() < long, "{}", run.stdout);
    assert_snapshot!(run.stdout);
}

/// The grant columns every grant CSV starts with, as documented.
const GRANT_COLUMNS: [&str; 8] = [
    "user_id",
    "user_name",
    "object_type",
    "object_id",
    "object_name",
    "effective_sudo",
    "sudo_granted_by",
    "granted",
];

/// `jcgraph args` that must succeed; its CSV, read back by the `csv`
/// crate: the header and the records.
fn csv_of(args: &[&str]) -> (Vec<String>, Vec<csv::StringRecord>) {
    let run = jcgraph(args);
    assert_eq!(run.code, 0, "{args:?}: {run:#?}");
    assert!(run.stdout.ends_with("\r\n"), "RFC 4180 line ends");
    let mut reader = csv::Reader::from_reader(run.stdout.as_bytes());
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    let records = reader.records().map(Result::unwrap).collect();
    (header, records)
}

#[test]
fn review_csv_parses_with_its_documented_header_one_row_per_grant() {
    let (header, records) = csv_of(&["review", "--format", "csv"]);
    let mut expected: Vec<&str> = GRANT_COLUMNS.to_vec();
    expected.push("error");
    assert_eq!(header, expected);
    // 37 objects and 9 group memberships.
    assert_eq!(records.len(), 46);
    let web_01 = records
        .iter()
        .find(|r| &r[1] == "ada" && &r[4] == "web-01")
        .expect("ada's web-01");
    assert_eq!(&web_01[2], "system");
    assert_eq!(&web_01[3], "653000000000000000000004");
    assert_eq!(&web_01[5], "with-password");
    assert_eq!(&web_01[6], "direct");
    assert_eq!(
        &web_01[7],
        "direct; via user_group ops; via user_group engineering then system_group \
         production-servers"
    );
    let slack = records
        .iter()
        .find(|r| &r[1] == "ada" && &r[4] == "slack")
        .expect("ada's slack");
    assert_eq!((&slack[5], &slack[6]), ("", ""), "no sudo on applications");
    assert!(records.iter().all(|r| r.len() == 9 && r[8].is_empty()));
}

#[test]
fn access_and_groups_csv_have_the_grant_columns() {
    let (header, records) = csv_of(&["access", "ada", "--format", "csv"]);
    assert_eq!(header, GRANT_COLUMNS);
    assert_eq!(records.len(), 16, "13 objects and 3 groups");
    let (header, records) = csv_of(&["groups", "ada", "--format", "csv"]);
    assert_eq!(header, GRANT_COLUMNS);
    let groups: Vec<&str> = records.iter().map(|r| &r[4]).collect();
    assert_eq!(groups, ["engineering", "ops", "everyone"]);
    assert!(
        records
            .iter()
            .all(|r| &r[2] == "user_group" && &r[7] == "direct")
    );
}

#[test]
fn a_failed_user_is_a_csv_row_with_its_error() {
    let run = common::run_command(
        common::command(&["review", "--users", "-", "--format", "csv"]),
        "ken\nnobody\n",
    );
    assert_eq!(run.code, 1, "{run:#?}");
    let mut reader = csv::Reader::from_reader(run.stdout.as_bytes());
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 1, "ken reaches nothing; nobody failed");
    assert_eq!(&records[0][0], "nobody");
    assert!(
        records[0][8].starts_with("line 2: no user named"),
        "{:?}",
        records[0]
    );
}

#[test]
fn csv_is_refused_where_there_are_no_rows() {
    let run = jcgraph(&["why", "ada", "systems", "web-01", "--format", "csv"]);
    assert_eq!(run.code, 2, "{run:#?}");
    assert!(
        run.stderr
            .contains("--format csv is for access, groups, review and diff")
    );
}
