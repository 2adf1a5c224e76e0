//! How `jcgraph` behaves as a process: the mode it picks, exit codes,
//! errors as one line, the confirmation prompt, the progress line, broken
//! pipes, completions and help.

mod common;

use std::process::Stdio;

use common::{SANDBOX_LINE, command, jcgraph, one_error_line, run_command};
use jumpcloud_graph_sandbox::{Fault, FaultPlan, FaultRule, Fixture, RetryAfter, Sandbox, Trigger};

const ADA: &str = "651000000000000000000001";

/// A sandbox served by this test process, standing in for JumpCloud: the
/// binary is pointed at it with JUMPCLOUD_BASE_URL and a key, so it runs
/// in its "real API" mode.
struct FakeJumpCloud {
    sandbox: Sandbox,
    _runtime: tokio::runtime::Runtime,
}

impl FakeJumpCloud {
    fn start() -> Self {
        Self::start_with(Fixture::demo())
    }

    fn start_with(fixture: Fixture) -> Self {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let sandbox = runtime.block_on(Sandbox::start(fixture));
        Self {
            sandbox,
            _runtime: runtime,
        }
    }

    /// The demo org, whose traversals show each write `lag` after it.
    fn lagging(lag: std::time::Duration) -> Self {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let sandbox = runtime
            .block_on(Sandbox::builder().association_lag(lag).start())
            .unwrap();
        Self {
            sandbox,
            _runtime: runtime,
        }
    }

    /// `jcgraph args` against it with its key, not started yet (names
    /// looked up).
    fn named_command(&self, args: &[&str]) -> std::process::Command {
        let mut command = command(args);
        command
            .env("JUMPCLOUD_API_KEY", self.sandbox.api_key())
            .env("JUMPCLOUD_BASE_URL", self.sandbox.base_url());
        command
    }

    /// `jcgraph args` against it with `key`.
    fn run_with_key(&self, key: &str, args: &[&str]) -> common::Run {
        let mut command = command(args);
        command
            .env("JUMPCLOUD_API_KEY", key)
            .env("JUMPCLOUD_BASE_URL", self.sandbox.base_url());
        run_command(command, "")
    }

    fn run(&self, args: &[&str]) -> common::Run {
        self.run_with_key(self.sandbox.api_key(), args)
    }
}

#[test]
fn without_a_credential_it_says_it_uses_the_sandbox_in_one_line() {
    let run = jcgraph(&["groups", "ada"]);
    assert_eq!(run.code, 0);
    assert_eq!(run.stderr, format!("{SANDBOX_LINE}\n"));
}

#[test]
fn sandbox_is_forced_over_a_credential() {
    let mut command = command(&["groups", "ada", "--sandbox"]);
    command.env(
        "JUMPCLOUD_API_KEY",
        "a-key-that-must-not-be-used-0123456789",
    );
    let run = run_command(command, "");
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(
        run.stderr
            .contains("(the credential in the environment is not used)"),
        "{run:#?}"
    );
    assert!(!run.stderr.contains("0123456789"));
}

#[test]
fn against_the_api_ids_work_and_give_the_same_answers() {
    let api = FakeJumpCloud::start();
    let run = api.run(&["access", ADA, "--format", "json"]);
    assert_eq!(run.code, 0, "{run:#?}");
    assert_eq!(run.stderr, "", "no sandbox line against the API");
    let sandboxed = jcgraph(&["access", "ada", "--format", "json"]);
    assert_eq!(run.stdout, sandboxed.stdout);

    // With --no-names, tables show types and ids, and nothing is looked up.
    let before = api.sandbox.requests().len();
    let run = api.run(&[
        "why",
        ADA,
        "systems",
        "653000000000000000000004",
        "--no-names",
    ]);
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(
        run.stdout
            .contains("via user_group 652000000000000000000002"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("Ops"), "{}", run.stdout);
    let lookups = api.sandbox.requests()[before..]
        .iter()
        .filter(|r| !r.path.contains("/v2/users/"))
        .count();
    assert_eq!(lookups, 0, "--no-names sends no lookup");
}

/// Lookup requests among `requests`, by path (the graph's own are under
/// `/api/v2/users/`).
fn lookups_by_path(
    requests: &[jumpcloud_graph_sandbox::RecordedRequest],
) -> std::collections::BTreeMap<String, usize> {
    let mut paths = std::collections::BTreeMap::new();
    for request in requests.iter().filter(|r| !r.path.contains("/v2/users/")) {
        *paths.entry(request.path.clone()).or_insert(0) += 1;
    }
    paths
}

#[test]
fn against_the_api_a_user_by_email_shows_names_with_one_lookup_per_kind() {
    let api = FakeJumpCloud::start();
    for format in ["table", "json"] {
        let before = api.sandbox.requests().len();
        let run = api.run(&[
            "access",
            "ada@acme.example",
            "--kind",
            "all",
            "--format",
            format,
        ]);
        assert_eq!(run.code, 0, "{run:#?}");
        for name in ["web-01", "Engineering", "Ops"] {
            assert!(
                run.stdout.contains(name),
                "{format}: no {name}: {}\n{}",
                run.stdout,
                run.stderr
            );
        }
        let lookups = lookups_by_path(&api.sandbox.requests()[before..]);
        assert_eq!(
            lookups.get("/api/search/systemusers"),
            Some(&1),
            "{lookups:?}"
        );
        assert!(lookups.contains_key("/api/search/systems"), "{lookups:?}");
        assert!(
            lookups.values().all(|&n| n == 1),
            "one per kind: {lookups:?}"
        );
        assert!(
            lookups.keys().all(|path| !path.contains("/v2/users")),
            "{lookups:?}"
        );
    }
    let run = api.run(&["access", "ada@acme.example", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["user"]["name"], "ada");
    let named = |list: &str, name: &str| {
        report[list]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["object"]["name"] == name)
    };
    assert!(named("objects", "web-01 (nginx)"), "{report}");
    assert!(
        named("groups", "Engineering") && named("groups", "Ops"),
        "{report}"
    );
    // Objects by unique name, users by username.
    let run = api.run(&["why", "ada", "systems", "web-01"]);
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(run.stdout.contains("via user_group Ops"), "{}", run.stdout);
}

#[test]
fn against_the_api_lists_writes_and_plans_take_and_show_names() {
    let api = FakeJumpCloud::start();
    let run = api.run(&["groups", "grace"]);
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(
        run.stdout.contains("user grace is a member of"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("Engineering"), "{}", run.stdout);
    let run = api.run(&["associate", "ken@acme.example", "system", "db-01"]);
    assert_eq!(run.code, 0, "{run:#?}");
    let run = api.run(&["revoke", "ken", "systems", "db-01"]);
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(run.stdout.contains("user ken"), "{}", run.stdout);
    assert!(
        run.stdout.contains("system db-01 (PostgreSQL)"),
        "{}",
        run.stdout
    );
    let run = api.run(&["associate", "ken", "system", "no-such-host"]);
    assert_eq!(run.code, 2, "{run:#?}");
}

#[test]
fn against_the_api_names_that_match_nothing_are_a_usage_error() {
    let api = FakeJumpCloud::start();
    let run = api.run(&["access", "nobody@acme.example"]);
    assert_eq!(run.code, 2, "{run:#?}");
    let line = one_error_line(&run);
    assert!(line.contains("no user with email"), "{line}");
    let run = api.run(&["why", ADA, "systems", "web-99"]);
    assert_eq!(run.code, 2, "{run:#?}");
    let line = one_error_line(&run);
    assert!(line.contains("no systems named"), "{line}");
    assert!(line.contains("did you mean \"web-01 (nginx)\""), "{line}");
    let before = api.sandbox.requests().len();
    let run = api.run(&["access", "ada\u{7}"]);
    assert_eq!(run.code, 2, "{run:#?}");
    assert_eq!(
        api.sandbox.requests().len(),
        before,
        "bad input sends nothing"
    );
}

#[test]
fn a_rejected_key_is_one_line_with_the_clients_hint_and_exit_1() {
    let api = FakeJumpCloud::start();
    let key = "not-the-sandbox-key-but-long-enough-42";
    let run = api.run_with_key(key, &["access", ADA]);
    assert_eq!(run.code, 1, "{run:#?}");
    let line = one_error_line(&run);
    assert!(line.starts_with("jcgraph: GET /users/"), "{line}");
    assert!(line.contains("401"), "{line}");
    assert!(!line.contains(key), "the key is never shown: {line}");
    assert_eq!(run.stdout, "");
}

#[test]
fn verbose_logs_requests_on_stderr_without_the_key() {
    let api = FakeJumpCloud::start();
    let run = api.run(&["-v", "groups", ADA]);
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(run.stderr.contains("jumpcloud_graph"), "{}", run.stderr);
    assert!(run.stderr.contains("/memberof"), "{}", run.stderr);
    assert!(
        !run.stderr.contains(api.sandbox.api_key()),
        "{}",
        run.stderr
    );
    // Logs go to stderr only: stdout is the table.
    assert!(run.stdout.starts_with("user "), "{}", run.stdout);
}

/// A region that is not one is bad input (exit 2) naming the variable, in
/// sandbox mode (where it would otherwise go unused) and against JumpCloud.
#[test]
fn a_bad_region_is_a_usage_error_that_names_the_variable() {
    let api = FakeJumpCloud::start();
    let mut sandboxed = command(&["groups", "ada"]);
    sandboxed.env("JUMPCLOUD_REGION", "mars");
    let mut against_api = api.named_command(&["groups", ADA]);
    against_api.env("JUMPCLOUD_REGION", "mars");
    for command in [sandboxed, against_api] {
        let run = run_command(command, "");
        assert_eq!(run.code, 2, "{run:#?}");
        assert_eq!(
            run.stderr,
            "jcgraph: JUMPCLOUD_REGION is \"mars\": expected us, eu or in\n"
        );
        assert_eq!(run.stdout, "");
    }
}

/// Nothing listens at the address: the error says which address, and
/// which setting it came from, before the operation's details.
#[test]
fn a_refused_connection_names_the_address_and_its_setting() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let base = format!("http://127.0.0.1:{port}/api/v2");
    let mut by_variable = command(&["groups", ADA]);
    by_variable
        .env(
            "JUMPCLOUD_API_KEY",
            "0123456789abcdef0123456789abcdef01234567",
        )
        .env("JUMPCLOUD_BASE_URL", &base);
    let mut by_flag = command(&["groups", ADA, "--base-url", &base]);
    by_flag.env(
        "JUMPCLOUD_API_KEY",
        "0123456789abcdef0123456789abcdef01234567",
    );
    for (command, source) in [(by_variable, "JUMPCLOUD_BASE_URL"), (by_flag, "--base-url")] {
        let run = run_command(command, "");
        assert_eq!(run.code, 1, "{run:#?}");
        let line = one_error_line(&run);
        let expected = format!("jcgraph: cannot connect to {base} ({source}): ");
        assert!(line.starts_with(&expected), "{line}");
    }
}

/// Plain http to another host, for the API or the token endpoint, is
/// refused before any request, as bad input naming the flag or variable,
/// with advice a command-line user can follow.
#[test]
fn a_plain_http_base_url_is_a_usage_error_naming_its_setting() {
    let key = "0123456789abcdef0123456789abcdef01234567";
    let mut by_flag = command(&["groups", ADA, "--base-url", "http://example.com"]);
    by_flag.env("JUMPCLOUD_API_KEY", key);
    let mut by_variable = command(&["groups", ADA]);
    by_variable
        .env("JUMPCLOUD_API_KEY", key)
        .env("JUMPCLOUD_BASE_URL", "http://example.com/api/v2");
    let mut by_token_url = command(&["groups", ADA]);
    by_token_url
        .env("JUMPCLOUD_CLIENT_ID", "a-client-id")
        .env("JUMPCLOUD_CLIENT_SECRET", "a-client-secret-0123456789")
        .env("JUMPCLOUD_TOKEN_URL", "http://example.com/oauth2/token");
    for (command, source) in [
        (by_flag, "--base-url"),
        (by_variable, "JUMPCLOUD_BASE_URL"),
        (by_token_url, "JUMPCLOUD_TOKEN_URL"),
    ] {
        let run = run_command(command, "");
        assert_eq!(run.code, 2, "{run:#?}");
        let line = one_error_line(&run);
        assert!(
            line.starts_with(&format!("jcgraph: {source} is \"http://example.com")),
            "{line}"
        );
        assert!(line.contains("use https"), "{line}");
        assert!(!line.contains("ClientBuilder"), "{line}");
    }
}

/// With an API key and a service account both set, the service account is
/// used (the client's rule), and `-v` says so on stderr.
#[test]
fn with_both_credentials_the_service_account_is_used_and_v_says_so() {
    let api = FakeJumpCloud::start();
    let account = api.sandbox.service_account().expect("the demo org has one");
    let mut command = command(&["-v", "groups", ADA]);
    command
        .env(
            "JUMPCLOUD_API_KEY",
            "a-wrong-key-that-would-get-a-401-0123456789",
        )
        .env("JUMPCLOUD_CLIENT_ID", account.client_id())
        .env("JUMPCLOUD_CLIENT_SECRET", account.client_secret())
        .env("JUMPCLOUD_TOKEN_URL", api.sandbox.token_url())
        .env("JUMPCLOUD_BASE_URL", api.sandbox.base_url());
    let run = run_command(command, "");
    assert_eq!(run.code, 0, "{run:#?}");
    assert_eq!(api.sandbox.stats().tokens_issued, 1, "{run:#?}");
    let said: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("credential: "))
        .collect();
    assert_eq!(said.len(), 1, "{}", run.stderr);
    assert!(
        said[0].ends_with(
            "credential: the service account (JUMPCLOUD_CLIENT_ID); JUMPCLOUD_API_KEY is set \
             too and not used"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn review_without_users_lists_the_orgs_users_against_the_api() {
    let api = FakeJumpCloud::start();
    let run = api.run(&["review"]);
    assert_eq!(run.code, 0, "{run:#?}");
    let lines = json_lines(&run.stdout);
    assert_eq!(lines.len(), 5, "Acme's five users: {}", run.stdout);
    assert_eq!(lines[0]["user"]["name"], "ada");
    let listed = api
        .sandbox
        .requests()
        .iter()
        .filter(|r| r.path == "/api/systemusers")
        .count();
    assert_eq!(listed, 1, "one page of users");
}

/// A review's table against JumpCloud names its users (the resolver's
/// name in USER, the id beside it), as the sandbox's table does.
#[test]
fn a_review_table_against_the_api_names_its_users() {
    let api = FakeJumpCloud::start();
    let run = api.run(&["review", "--format", "table"]);
    assert_eq!(run.code, 0, "{run:#?}");
    let mut lines = run.stdout.lines();
    let header = lines.next().unwrap_or_default();
    assert!(
        header.starts_with("USER") && header.contains(" ID "),
        "{}",
        run.stdout
    );
    let ada = lines.next().unwrap_or_default();
    let cells: Vec<&str> = ada.split_whitespace().collect();
    assert_eq!(cells.first(), Some(&"ada"), "{}", run.stdout);
    assert!(
        cells.get(1).is_some_and(|id| id.len() == 24),
        "{}",
        run.stdout
    );
}

#[test]
fn why_exits_5_when_the_user_does_not_reach_the_object() {
    let run = jcgraph(&["why", "ken", "systems", "web-01"]);
    assert_eq!(run.code, 5, "{run:#?}");
    assert_eq!(
        run.stdout,
        "user ken does not reach web-01 (653000000000000000000004) among the user's systems\n"
    );
    let run = jcgraph(&["why", "ken", "systems", "web-01", "--format", "json"]);
    assert_eq!((run.code, run.stdout.as_str()), (5, "null\n"));
}

#[test]
fn revoke_apply_refuses_to_prompt_without_a_terminal() {
    let run = jcgraph(&["revoke", "ada", "systems", "web-01", "--apply"]);
    assert_eq!(run.code, 2, "{run:#?}");
    assert!(one_error_line(&run).contains("pass --yes"), "{run:#?}");
    assert_eq!(run.stdout, "", "nothing is planned or printed");
}

#[test]
fn revoke_apply_declined_exits_4_and_changes_nothing() {
    let mut command = command(&["revoke", "ada", "systems", "web-01", "--apply"]);
    command.env("JCGRAPH_ASSUME_TERMINAL", "stdin");
    let run = run_command(command, "n\n");
    assert_eq!(run.code, 4, "{run:#?}");
    assert!(
        run.stderr.contains(
            "Run 1 step against the sandbox's copy of the embedded demo org (Acme Robotics) \
             (gone when jcgraph exits)? [y/N] "
        ),
        "{run:#?}"
    );
    assert!(run.stderr.contains("not applied; nothing was changed"));
    assert!(run.stdout.contains("3 steps"), "the plan was shown");
    assert!(!run.stdout.contains("Applied"), "{}", run.stdout);

    let mut command = command_json_declined();
    command.env("JCGRAPH_ASSUME_TERMINAL", "stdin");
    let run = run_command(command, "\n");
    assert_eq!(run.code, 4, "an empty answer is no: {run:#?}");
    let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(value["outcome"], serde_json::Value::Null);
    assert_eq!(value["plan"]["bound"], true);
}

fn command_json_declined() -> std::process::Command {
    command(&[
        "revoke", "ada", "systems", "web-01", "--apply", "--format", "json",
    ])
}

#[test]
fn revoke_apply_confirmed_runs_the_steps_and_exits_3_when_access_remains() {
    let mut command = command(&["revoke", "ada", "systems", "web-01", "--apply"]);
    command.env("JCGRAPH_ASSUME_TERMINAL", "stdin");
    let run = run_command(command, "yes\n");
    assert_eq!(run.code, 3, "{run:#?}");
    assert!(
        run.stdout
            .contains("Applied: removed user ada -> system web-01"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("warning: effective sudo rose from with-password to without-password"),
        "{}",
        run.stdout
    );
}

#[test]
fn revoke_apply_exits_0_when_access_is_gone() {
    let mut command = command(&[
        "revoke",
        "katherine",
        "systems",
        "katherine-surface",
        "--apply",
    ]);
    command.env("JCGRAPH_ASSUME_TERMINAL", "stdin");
    let run = run_command(command, "y\n");
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(
        run.stdout
            .contains("user katherine no longer reaches system katherine-surface"),
        "{}",
        run.stdout
    );
}

#[test]
fn revoke_apply_without_steps_to_run_does_not_ask() {
    // Grace reaches db-01 only through Engineering's device group: nothing
    // for jcgraph to run, so no question, and access remains.
    let run = jcgraph(&["revoke", "grace", "systems", "db-01", "--apply", "--yes"]);
    assert_eq!(run.code, 3, "{run:#?}");
    assert!(
        run.stdout.contains("Applied: removed nothing"),
        "{}",
        run.stdout
    );
}

#[test]
fn usage_errors_are_one_line_and_exit_2() {
    for args in [
        vec!["acess", "ada"],
        vec!["why", "ada"],
        vec!["access", "ada", "--kind", "printers"],
        vec!["groups", "ada", "--filter", "name"],
        vec!["groups", "ada", "--sort", ""],
        vec!["associate", "ken", "printer", "web-01"],
        vec!["update", "ada", "system", "web-01"],
        vec!["update", "ada", "system", "web-01", "--sudo", "sometimes"],
        vec!["access", "ada", "--timeout", "0"],
        vec!["access", "ada", "--format", "yaml"],
        vec!["review", "--concurrency", "0"],
        vec!["revoke", "ada", "systems", "web-01", "--yes"],
        vec!["access", "nobody"],
        vec!["why", "ada", "applications", "web-01"],
        vec!["access", "ada", "--org-id", "initech"],
        vec![
            "revoke",
            "ada",
            "systems",
            "web-01",
            "--verify-timeout",
            "5",
        ],
        vec![
            "revoke",
            "ada",
            "systems",
            "web-01",
            "--apply",
            "--verify-timeout",
            "-1",
        ],
        vec!["groups", "ada", "--save"],
    ] {
        let run = jcgraph(&args);
        assert_eq!(run.code, 2, "{args:?}: {run:#?}");
        let line = one_error_line(&run);
        assert!(line.starts_with("jcgraph: "), "{args:?}: {line}");
        assert_eq!(run.stdout, "", "{args:?}");
    }
}

#[test]
fn unknown_names_list_the_known_ones() {
    let run = jcgraph(&["access", "nobody"]);
    let line = one_error_line(&run);
    assert_eq!(
        line,
        "jcgraph: no user named \"nobody\" in the sandbox org Acme Robotics (known: ada, grace, \
         katherine, ken, linus)"
    );
}

/// JumpCloud's console says devices, its API systems: both words work.
#[test]
fn devices_is_another_word_for_systems() {
    let systems = jcgraph(&["access", "ada", "--kind", "systems"]);
    for word in ["device", "devices", "Devices"] {
        let run = jcgraph(&["access", "ada", "--kind", word]);
        assert_eq!(
            (run.code, &run.stdout),
            (0, &systems.stdout),
            "{word}: {run:#?}"
        );
    }
    let groups = jcgraph(&["why", "ada", "system-groups", "laptops"]);
    let run = jcgraph(&["why", "ada", "device-groups", "laptops"]);
    assert_eq!((run.code, &run.stdout), (0, &groups.stdout), "{run:#?}");
    let run = jcgraph(&["associations", "ada", "--target", "device"]);
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(run.stdout.contains("web-01"), "{run:#?}");
}

#[test]
fn a_mistyped_name_suggests_the_closest_one() {
    let run = jcgraph(&["why", "ada", "systems", "web01"]);
    assert_eq!(run.code, 2, "{run:#?}");
    let line = one_error_line(&run);
    assert!(
        line.starts_with(
            "jcgraph: no systems named \"web01\" in the sandbox org Acme Robotics (did you \
             mean \"web-01\"? known: "
        ),
        "{line}"
    );
}

/// A hex id one digit short is not an unknown name: the error says what is
/// wrong with it.
#[test]
fn an_id_of_the_wrong_length_is_named_as_such() {
    for (id, digits) in [
        ("65300000000000000000004", 23),
        ("6530000000000000000000040", 25),
    ] {
        let run = jcgraph(&["why", "ada", "systems", id]);
        assert_eq!(run.code, 2, "{run:#?}");
        assert_eq!(
            one_error_line(&run),
            format!("jcgraph: \"{id}\" is not an id: ids are 24 hex digits, this has {digits}")
        );
    }
}

#[test]
fn names_may_be_display_names_in_the_sandbox() {
    let by_handle = jcgraph(&["why", "ada", "systems", "ada-macbook", "--format", "json"]);
    let by_display = jcgraph(&[
        "why",
        "ADA@acme.example",
        "systems",
        "Ada's MacBook Pro",
        "--format",
        "json",
    ]);
    assert_eq!(by_display.code, 0, "{by_display:#?}");
    assert_eq!(by_handle.stdout, by_display.stdout);
}

#[test]
fn plain_writes_are_sent_once_and_fail_as_jumpcloud_answers() {
    let run = jcgraph(&["associate", "ada", "system", "web-01"]);
    assert_eq!(run.code, 1, "{run:#?}");
    let line = one_error_line(&run);
    assert!(line.contains("409"), "{line}");
    assert!(line.contains("Already Exists"), "{line}");

    let run = jcgraph(&["dissociate", "ken", "system", "web-01"]);
    assert_eq!(run.code, 1, "{run:#?}");
    assert!(one_error_line(&run).contains("404"), "{run:#?}");
}

#[test]
fn a_fixture_file_is_served_and_its_names_work() {
    let file = &fixture_file(
        "tiny.yaml",
        r#"
orgs:
  - handle: tiny
    id: "6500000000000000000000aa"
    name: Tiny Co
    users:
      alice: { id: "6510000000000000000000aa", username: alice }
    systems:
      box: { id: "6530000000000000000000aa", hostname: box }
    bindings:
      - from: alice
        to: box
        attributes: { sudo: { enabled: true, withoutPassword: true } }
keys:
  - key: tiny-admin-key-0123456789
    name: Tiny admin
    org: tiny
"#,
    );
    let run = jcgraph(&["why", "alice", "systems", "box", "--org", file]);
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(
        run.stdout.contains("effective sudo: without-password"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr
            .starts_with("jcgraph: sandbox mode: the org \"Tiny Co\" from "),
        "{}",
        run.stderr
    );

    let broken = &fixture_file("broken.yaml", "orgs: [ {");
    let run = jcgraph(&["access", "alice", "--org", broken]);
    assert_eq!(run.code, 2, "bad input: {run:#?}");
    assert!(one_error_line(&run).contains("fixture"), "{run:#?}");
}

#[test]
fn a_fixture_over_the_size_limit_is_a_usage_error_before_it_is_read() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("jcgraph-fixtures");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("huge.yaml");
    // Sparse: 16 MiB and a byte of nothing, on no disk.
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(16 * 1024 * 1024 + 1).unwrap();
    let run = jcgraph(&["access", "alice", "--org", path.to_str().unwrap()]);
    let _ = std::fs::remove_file(&path);
    // Fails on the old code, which read it whole, then failed on its YAML
    // with exit 1.
    assert_eq!(run.code, 2, "{run:#?}");
    let line = one_error_line(&run);
    assert!(line.contains("16 MiB"), "{line}");
}

#[test]
fn a_users_list_over_the_size_limit_is_a_usage_error() {
    // One line of 32 MiB and a byte: no user id is that long.
    let input = "a".repeat(32 * 1024 * 1024 + 1);
    let run = run_command(command(&["review", "--users", "-"]), &input);
    // Fails on the old code, which read it all and looked the line up.
    assert_eq!(
        run.code,
        2,
        "exit {}: {}",
        run.code,
        &run.stderr[..run.stderr.len().min(300)]
    );
    let line = one_error_line(&run);
    assert!(line.contains("32 MiB"), "{line}");
    assert!(run.stdout.is_empty());
    // A file is refused by its size, before it is read (a sparse terabyte).
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("jcgraph-review");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("terabyte.txt");
    std::fs::File::create(&path)
        .unwrap()
        .set_len(1 << 40)
        .unwrap();
    let run = jcgraph(&["review", "--users", path.to_str().unwrap()]);
    let _ = std::fs::remove_file(&path);
    assert_eq!(run.code, 2, "{run:#?}");
    assert!(one_error_line(&run).contains("32 MiB"), "{run:#?}");
}

#[test]
fn another_org_of_the_fixture_is_chosen_with_org_id() {
    let run = jcgraph(&["access", "hank", "--org-id", "globex", "--kind", "systems"]);
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(run.stdout.contains("volcano-01"), "{}", run.stdout);
    assert!(run.stderr.contains("(Globex)"), "{}", run.stderr);
}

#[test]
fn review_reads_names_and_ids_skips_comments_and_keeps_input_order() {
    let input = format!("# the on-call rota\nlinus\n\n{ADA}\n   grace  \n");
    let mut outputs = Vec::new();
    for concurrency in ["1", "16"] {
        let run = run_command(
            command(&["review", "--users", "-", "--concurrency", concurrency]),
            &input,
        );
        assert_eq!(run.code, 0, "{run:#?}");
        let users: Vec<String> = run
            .stdout
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                v["user"]["id"].as_str().unwrap().to_string()
            })
            .collect();
        assert_eq!(
            users,
            ["651000000000000000000003", ADA, "651000000000000000000002"]
        );
        outputs.push(run.stdout);
    }
    assert_eq!(outputs[0], outputs[1]);

    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("jcgraph-review");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("users.txt");
    std::fs::write(&file, &input).unwrap();
    let run = jcgraph(&["review", "--users", file.to_str().unwrap()]);
    assert_eq!(run.stdout, outputs[0]);

    let run = jcgraph(&["review", "--users", "/no/such/file"]);
    assert_eq!(run.code, 1, "{run:#?}");
    assert!(one_error_line(&run).contains("/no/such/file"), "{run:#?}");
}

#[test]
fn review_summary_ends_stderr_and_the_progress_line_is_off_without_a_terminal() {
    // Without names, whose lookups would add to the requests counted.
    let run = jcgraph(&["--no-names", "review"]);
    assert_eq!(run.code, 0, "{run:#?}");
    assert_eq!(run.stdout.lines().count(), 5, "every user of the demo org");
    assert!(
        !run.stderr.contains('\r'),
        "no progress line: {:?}",
        run.stderr
    );
    assert!(
        !run.stderr.contains('\u{1b}'),
        "no escape codes: {:?}",
        run.stderr
    );
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0], SANDBOX_LINE);
    let summary = lines[1];
    assert!(
        summary.starts_with("jcgraph: reviewed 5 users in "),
        "{summary}"
    );
    assert!(
        summary.contains(
            " s: 37 objects, 9 group memberships, 18 bindings with sudo (12 without password); \
             54 requests ("
        ),
        "{summary}"
    );
    // The demo has every kind: four lookups find them all, then ten lists
    // a user.
    assert!(
        summary.ends_with("/s, 10.8 a user), none answered 429"),
        "{summary}"
    );
}

#[test]
fn review_draws_a_progress_line_when_stderr_is_a_terminal() {
    let mut terminal = command(&["review"]);
    terminal.env("JCGRAPH_ASSUME_TERMINAL", "stderr");
    let run = run_command(terminal, "");
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(
        run.stderr.contains("\rreviewing users: 5/5"),
        "{:?}",
        run.stderr
    );
    // The line is cleared before the summary, and stdout is untouched.
    assert!(
        run.stderr.contains("\rjcgraph: reviewed 5 users"),
        "{:?}",
        run.stderr
    );
    assert_eq!(run.stdout, jcgraph(&["review"]).stdout);
}

#[test]
fn a_closed_pipe_ends_quietly() {
    for args in [
        vec!["access", "ada", "--format", "ndjson"],
        vec!["review"],
        vec!["why", "ada", "systems", "web-01"],
        vec!["--help"],
        vec!["completions", "bash"],
    ] {
        let mut child = command(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Close the reading end before jcgraph writes (`| head -0`).
        drop(child.stdout.take());
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(
            !stderr.to_lowercase().contains("broken pipe"),
            "{args:?}: {stderr}"
        );
        assert!(
            stderr
                .lines()
                .all(|l| l.starts_with("jcgraph: sandbox mode")),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn completions_for_bash_zsh_and_fish() {
    for (shell, marker) in [
        ("bash", "complete -F _jcgraph"),
        ("zsh", "#compdef jcgraph"),
        ("fish", "complete -c jcgraph"),
    ] {
        let run = jcgraph(&["completions", shell]);
        assert_eq!(run.code, 0, "{shell}: {run:#?}");
        assert!(run.stdout.contains(marker), "{shell}");
        for word in ["revoke", "send-activation", "format", "system-groups"] {
            assert!(run.stdout.contains(word), "{shell} lacks {word}");
        }
        assert_eq!(run.stderr, "", "completions start no sandbox");
    }
}

/// Every command, as `jcgraph help` names them.
const COMMANDS: [&str; 12] = [
    "access",
    "why",
    "revoke",
    "groups",
    "associations",
    "associate",
    "dissociate",
    "update",
    "send-activation",
    "review",
    "diff",
    "completions",
];

#[test]
fn every_command_has_examples_in_its_help() {
    for name in COMMANDS {
        let run = jcgraph(&["help", name]);
        assert_eq!(run.code, 0, "{name}");
        let examples = run
            .stdout
            .split_once("Examples:\n")
            .unwrap_or_else(|| panic!("{name} has no examples:\n{}", run.stdout))
            .1;
        assert!(
            examples
                .lines()
                .any(|l| l.trim_start().starts_with("jcgraph ")),
            "{name}"
        );
        common::assert_fits(&run.stdout, 100);
    }
    let run = jcgraph(&["--help"]);
    for code in [
        "0 done",
        "2 bad input",
        "3 revoke --apply",
        "4 declined",
        "5 why",
        "6 revoke --apply: not yet visible",
    ] {
        assert!(run.stdout.contains(code), "exit codes documented: {code}");
    }
}

/// Each command's help lists its own options; the global ones are listed
/// once, in `jcgraph --help`, which every command's help points to.
#[test]
fn global_options_are_listed_once() {
    // The lines of a help text that list `option`.
    let listed = |help: &str, option: &str| {
        help.lines()
            .filter(|l| {
                l.trim_start()
                    .trim_start_matches("-v, ")
                    .starts_with(option)
            })
            .count()
    };
    let top = jcgraph(&["--help"]);
    for option in [
        "--format",
        "--sandbox",
        "--org ",
        "--save",
        "--org-id",
        "--region",
        "--base-url",
        "--timeout",
        "--max-in-flight",
        "--rate-limit",
        "--verbose",
    ] {
        assert_eq!(listed(&top.stdout, option), 1, "{option}: {}", top.stdout);
    }
    for name in COMMANDS {
        let run = jcgraph(&["help", name]);
        assert_eq!(run.code, 0, "{name}");
        for option in ["--format", "--sandbox", "--max-in-flight", "--verbose"] {
            assert_eq!(listed(&run.stdout, option), 0, "{name}: {}", run.stdout);
        }
        assert!(
            run.stdout.contains(
                "Global options (--format, --sandbox, --org, -v, ...): see jcgraph --help"
            ),
            "{name}: {}",
            run.stdout
        );
    }
    // Global options still work after the command.
    let run = jcgraph(&["groups", "ada", "--format", "json", "--sandbox", "-v"]);
    assert_eq!(run.code, 0, "{run:#?}");
}

/// On an 80-column terminal no example in any help is wrapped by clap: each
/// line of an Examples section is a command, a `#` comment, or the
/// continuation of a command that ends with `\`.
#[test]
fn examples_are_never_wrapped_mid_expression() {
    for name in COMMANDS {
        let mut command = command(&["help", name]);
        command.env("COLUMNS", "80");
        let run = run_command(command, "");
        assert_eq!(run.code, 0, "{name}");
        let examples = run.stdout.split_once("Examples:\n").map_or("", |(_, e)| e);
        let mut continued = false;
        for line in examples.lines() {
            assert!(line.chars().count() <= 80, "{name}: {line}");
            let starts = ["  jcgraph ", "  jq ", "  # "]
                .iter()
                .any(|p| line.starts_with(p));
            assert!(
                starts || (continued && line.starts_with("      ")),
                "{name}: a wrapped example line:\n{line}\n\n{}",
                run.stdout
            );
            continued = line.ends_with('\\') || (continued && !line.ends_with('\''));
        }
    }
}

/// A server that answers every traversal with one system whose type and
/// path carry terminal escape sequences, and `memberof` with a 403 whose
/// message does: a hostile (or compromised) API, on a thread of its own.
fn hostile_api() -> String {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}/api/v2", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut request_line = String::new();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let _ = reader.read_line(&mut request_line);
            let mut header = String::new();
            while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
                header.clear();
            }
            let (status, body) = if request_line.contains("/memberof") {
                (
                    "403 Forbidden",
                    r#"{"message":"denied \u001b[2J\u001b]0;pwned\u0007 \u009b2J \u202egone\u2069 \u2028x"}"#
                        .to_string(),
                )
            } else if request_line.contains("skip=0") {
                let evil = r#"[{"id":"5f1b0c2e9c1a4b00123456ab","type":"system\u001b[31m",
                    "compiledAttributes":null,"paths":[[
                    {"attributes":null,"to":{"id":"evil\u001b[2Jid","type":"user_group\u0007"}},
                    {"attributes":null,"to":{"id":"\u202eexe.txt\u009b2J","type":"user_group\u2066\u200b\u2028"}},
                    {"attributes":null,"to":{"id":"5f1b0c2e9c1a4b00123456ab","type":"system"}}]]}]"#;
                ("200 OK", evil.to_string())
            } else {
                ("200 OK", "[]".to_string())
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\ncontent-type: application/json\r\nx-total-count: 1\r\n\
                 content-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    base
}

/// `jcgraph args` against the API at `base`, with a key.
fn run_against(base: &str, args: &[&str]) -> common::Run {
    let mut command = command(args);
    command
        .env("JUMPCLOUD_API_KEY", "a-test-key-0123456789")
        .env("JUMPCLOUD_BASE_URL", base);
    run_command(command, "")
}

#[test]
fn text_from_the_server_cannot_drive_the_terminal() {
    let base = hostile_api();
    let run_against = |args: &[&str]| run_against(&base, args);
    let runs = [
        run_against(&["access", "5f1b0c2e9c1a4b0012345678", "--kind", "systems"]),
        run_against(&[
            "why",
            "5f1b0c2e9c1a4b0012345678",
            "systems",
            "5f1b0c2e9c1a4b00123456ab",
        ]),
        run_against(&["groups", "5f1b0c2e9c1a4b0012345678"]),
    ];
    for run in &runs {
        // Fails on the old code, which printed the escapes raw: a server
        // could clear the screen, retitle the window or recolour output.
        let printed = format!("{}{}", run.stdout, run.stderr);
        assert!(
            !printed.contains('\u{1b}') && !printed.contains('\u{7}'),
            "{run:#?}"
        );
        assert!(printed.contains("\\u{1b}"), "shown escaped: {run:#?}");
    }
    assert_eq!(runs[0].code, 0, "{:#?}", runs[0]);
    assert_eq!(runs[2].code, 1, "{:#?}", runs[2]);
    // JSON keeps the values as sent (serde_json escapes them itself).
    let json = run_against(&[
        "access",
        "5f1b0c2e9c1a4b0012345678",
        "--kind",
        "systems",
        "--format",
        "ndjson",
    ]);
    assert!(
        json.stdout.contains(r#""type":"system\u001b[31m""#),
        "{json:#?}"
    );
}

/// Characters beyond C0 that a terminal acts on or does not show: C1
/// controls (U+009B is a CSI on many terminals), bidirectional overrides
/// and isolates, marks, line and paragraph separators, zero-width and other
/// format characters.
const INVISIBLE_OR_ACTIVE: [char; 12] = [
    '\u{85}', '\u{9b}', '\u{200b}', '\u{200e}', '\u{200f}', '\u{2028}', '\u{2029}', '\u{202a}',
    '\u{202e}', '\u{2066}', '\u{2069}', '\u{feff}',
];

#[test]
fn c1_controls_bidi_overrides_and_invisible_characters_are_escaped_too() {
    let base = hostile_api();
    let run_against = |args: &[&str]| run_against(&base, args);
    for args in [
        &["access", "5f1b0c2e9c1a4b0012345678", "--kind", "systems"][..],
        &[
            "why",
            "5f1b0c2e9c1a4b0012345678",
            "systems",
            "5f1b0c2e9c1a4b00123456ab",
        ],
        &["groups", "5f1b0c2e9c1a4b0012345678"],
    ] {
        let run = run_against(args);
        // Fails on the old code, which escaped C0 only: a right-to-left
        // override could make `\u{202e}exe.txt` read `txt.exe`.
        let printed = format!("{}{}", run.stdout, run.stderr);
        let found: Vec<char> = printed
            .chars()
            .filter(|c| INVISIBLE_OR_ACTIVE.contains(c))
            .collect();
        assert!(found.is_empty(), "{args:?} printed {found:?}: {run:#?}");
        assert!(
            printed.contains("\\u{202e}"),
            "{args:?}: shown escaped: {run:#?}"
        );
    }
    // JSON keeps the values as sent.
    let json = run_against(&[
        "why",
        "5f1b0c2e9c1a4b0012345678",
        "systems",
        "5f1b0c2e9c1a4b00123456ab",
        "--format",
        "json",
    ]);
    assert!(json.stdout.contains("\u{202e}exe.txt"), "{json:#?}");
}

#[test]
fn an_org_without_its_own_key_uses_a_multi_tenant_key_that_reaches_it() {
    // `beta` has no key of its own; the first multi-tenant key reaches only
    // `alpha`. Fails on the old code, which took the first multi-tenant key
    // whatever it reached, and so was refused for beta.
    let file = &fixture_file(
        "two-msps.yaml",
        r#"
orgs:
  - handle: alpha
    id: "6500000000000000000000a1"
    name: Alpha
    users:
      ann: { id: "6510000000000000000000a1", username: ann }
  - handle: beta
    id: "6500000000000000000000b1"
    name: Beta
    users:
      bob: { id: "6510000000000000000000b1", username: bob }
    systems:
      box: { id: "6530000000000000000000b1", hostname: box }
    bindings:
      - from: bob
        to: box
keys:
  - key: alpha-admin-key-0123456789
    name: Alpha admin
    org: alpha
  - key: msp-one-key-0123456789ab
    name: MSP one
    orgs: [alpha]
  - key: msp-two-key-0123456789ab
    name: MSP two
    orgs: [alpha, beta]
"#,
    );
    let run = jcgraph(&["access", "bob", "--org", file, "--org-id", "beta"]);
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(run.stdout.contains("box"), "{run:#?}");
}

#[test]
fn an_org_no_key_reaches_is_an_error_that_names_it() {
    let file = &fixture_file(
        "unreached.yaml",
        r#"
orgs:
  - handle: alpha
    id: "6500000000000000000000a1"
    name: Alpha
  - handle: lonely
    id: "6500000000000000000000c1"
    name: Lonely
    users:
      cy: { id: "6510000000000000000000c1", username: cy }
keys:
  - { key: alpha-admin-key-0123456789, org: alpha }
"#,
    );
    let run = jcgraph(&["access", "cy", "--org", file, "--org-id", "lonely"]);
    assert_eq!(run.code, 1, "{run:#?}");
    let line = one_error_line(&run);
    assert!(
        line.contains("no API key or service account for the org \"lonely\""),
        "{run:#?}"
    );
}

/// Writes a fixture file for `--org` under the test's temporary directory;
/// its path.
fn fixture_file(name: &str, yaml: &str) -> String {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("jcgraph-fixtures");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, yaml).unwrap();
    path.to_str().unwrap().to_owned()
}

/// A loopback listener that accepts every connection and closes it at once,
/// counting them: a token endpoint that is up but never answers.
fn closing_listener() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = std::sync::Arc::new(AtomicUsize::new(0));
    let counter = accepted.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            counter.fetch_add(1, Ordering::SeqCst);
            drop(stream);
        }
    });
    (format!("http://{addr}/oauth2/token"), accepted)
}

#[test]
fn an_unreachable_token_endpoint_costs_at_most_two_connections() {
    let (token_url, accepted) = closing_listener();
    let mut command = command(&["access", ADA]);
    command
        .env("JUMPCLOUD_CLIENT_ID", "6f0c1a2b-service-account")
        .env("JUMPCLOUD_CLIENT_SECRET", "a-service-account-secret-0123")
        .env("JUMPCLOUD_BASE_URL", "http://127.0.0.1:9/api/v2")
        .env("JUMPCLOUD_TOKEN_URL", &token_url);
    let run = run_command(command, "");
    let connections = accepted.load(std::sync::atomic::Ordering::SeqCst);
    assert!(
        (1..=2).contains(&connections),
        "{connections} connections to the token endpoint: {run:#?}"
    );
    assert_eq!(run.code, 1, "{run:#?}");
    let line = one_error_line(&run);
    assert!(
        line.contains("could not fetch the service account's token"),
        "{line}"
    );
}

#[test]
fn revoke_apply_never_calls_an_edge_gone_that_the_re_read_still_shows() {
    let api = FakeJumpCloud::start();
    // JumpCloud answers 404 to the removal of Ada's web-01 binding, which
    // stays in place.
    api.sandbox.set_faults(
        FaultPlan::new().rule(
            FaultRule::always(Fault::status(404))
                .method("POST")
                .path_contains("/associations"),
        ),
    );
    let web = "653000000000000000000004";
    let run = api.run(&[
        "revoke",
        ADA,
        "systems",
        web,
        "--apply",
        "--no-names",
        "--yes",
        "--verify-timeout",
        "0.5",
    ]);
    // Read again until the deadline, in case the graph lags behind.
    assert_eq!(run.code, 6, "not yet visible: {run:#?}");
    assert!(!run.stdout.contains("already gone"), "{}", run.stdout);
    assert!(
        run.stdout.contains(
            "Unverified: user 651000000000000000000001 -> system 653000000000000000000004"
        ),
        "{}",
        run.stdout
    );
}

/// A user bound to system s directly and to two device groups that hold
/// it: three steps jcgraph runs itself.
const THREE_STEPS: &str = r#"
orgs:
  - handle: o
    id: "650000000000000000000001"
    name: Three steps
    users: { u: { id: "651000000000000000000001" } }
    systems: { s: { id: "653000000000000000000001" } }
    system_groups:
      sg1: { id: "654000000000000000000001" }
      sg2: { id: "654000000000000000000002" }
    members: { sg1: [s], sg2: [s] }
    bindings:
      - { from: u, to: s }
      - { from: u, to: sg1 }
      - { from: u, to: sg2 }
keys: [{ key: jc-sandbox-three-steps-admin, org: o }]
"#;

/// `jcgraph revoke u systems s --apply --yes ARGS` against THREE_STEPS,
/// where the first removal goes through and every later one gets 503
/// (retried at once, as Retry-After: 0 allows, until the attempts run out).
fn revoke_failing_midway(args: &[&str]) -> common::Run {
    let api = FakeJumpCloud::start_with(Fixture::from_yaml_str(THREE_STEPS).unwrap());
    api.sandbox.set_faults(
        FaultPlan::new().rule(
            FaultRule::new(
                Trigger::At((2..=50).collect()),
                Fault::status(503).retry_after(RetryAfter::Seconds(0)),
            )
            .method("POST"),
        ),
    );
    let mut all = vec![
        "revoke",
        "651000000000000000000001",
        "systems",
        "653000000000000000000001",
        "--apply",
        "--no-names",
        "--yes",
    ];
    all.extend_from_slice(args);
    api.run(&all)
}

#[test]
fn revoke_apply_that_fails_midway_prints_what_changed_and_exits_1() {
    let run = revoke_failing_midway(&["--format", "json"]);
    assert_eq!(run.code, 1, "{run:#?}");
    assert!(
        one_error_line(&run).contains("revoke step 2 of 3 failed"),
        "{run:#?}"
    );
    assert!(one_error_line(&run).contains("503"), "{run:#?}");
    let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let statuses: Vec<&str> = value["outcome"]["steps"]
        .as_array()
        .expect("the outcome so far")
        .iter()
        .map(|s| s["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["removed", "failed", "not_attempted"]);
    assert!(value["error"].as_str().unwrap().contains("503"));
    assert_eq!(value["outcome"]["still_granted"], true);

    let run = revoke_failing_midway(&[]);
    assert_eq!(run.code, 1, "{run:#?}");
    for line in [
        "Applied: removed user 651000000000000000000001 -> system 653000000000000000000001",
        "Failed: user 651000000000000000000001 -> system_group 654000000000000000000001: POST",
        "Not attempted (an earlier step failed): user 651000000000000000000001 -> system_group",
        "Still granted:",
    ] {
        assert!(run.stdout.contains(line), "{line:?} not in\n{}", run.stdout);
    }
}

// --- The org-wide review at JumpCloud's limits: resumable, rate-aware,
// --- partial results, filters, diff. Against a sandbox served over HTTP.

/// A generated org of `users` users, each reaching a few dozen objects.
fn generated(users: usize) -> jumpcloud_graph_sandbox::GeneratorConfig {
    jumpcloud_graph_sandbox::GeneratorConfig {
        users,
        systems: 60,
        user_groups: 10,
        system_groups: 4,
        applications: 5,
        fan_out_user_systems: 0,
        direct_binding_every: 5,
        ..jumpcloud_graph_sandbox::GeneratorConfig::default()
    }
}

impl FakeJumpCloud {
    /// A sandbox serving a generated org, as `configure` sets it up.
    fn generated(
        config: &jumpcloud_graph_sandbox::GeneratorConfig,
        configure: impl FnOnce(
            jumpcloud_graph_sandbox::SandboxBuilder,
        ) -> jumpcloud_graph_sandbox::SandboxBuilder,
    ) -> Self {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let builder = Sandbox::builder().fixture(Fixture::generated(config.clone()));
        let sandbox = runtime.block_on(configure(builder).start()).unwrap();
        Self {
            sandbox,
            _runtime: runtime,
        }
    }

    /// `jcgraph args` against it, not started yet; with `--no-names`,
    /// since these tests count requests (names have tests of their own).
    fn command(&self, args: &[&str]) -> std::process::Command {
        let mut command = command(&[&["--no-names"], args].concat());
        command
            .env("JUMPCLOUD_API_KEY", self.sandbox.api_key())
            .env("JUMPCLOUD_BASE_URL", self.sandbox.base_url());
        command
    }

    /// A file of the org's user ids, one a line.
    fn users_file(&self, name: &str) -> (String, Vec<String>) {
        let org = self.sandbox.fixture().first_org();
        let ids: Vec<String> = org
            .objects_of(jumpcloud_graph_sandbox::Kind::User)
            .map(|user| user.id().to_string())
            .collect();
        (fixture_file(name, &(ids.join("\n") + "\n")), ids)
    }
}

/// Reviews every user of `fake`'s generated org into a file named after
/// `name`, and checks the run completed with one line per user, in order.
fn review_every_user(fake: &FakeJumpCloud, name: &str, users: u64) -> common::Run {
    let (file, _) = fake.users_file(&format!("{name}-users.txt"));
    let out = review_path(&format!("{name}.ndjson"));
    let run = run_command(
        fake.command(&["review", "--users", &file, "--out", &out]),
        "",
    );
    assert_eq!(run.code, 0, "{run:#?}");
    assert_eq!(
        line_numbers(&review_file(&out).1),
        (1..=users).collect::<Vec<_>>()
    );
    run
}

/// A path for a review file, removed if a run before left it.
fn review_path(name: &str) -> String {
    let path = fixture_file(name, "");
    std::fs::remove_file(&path).unwrap();
    path
}

/// Each line of ndjson output, parsed.
fn json_lines(text: &str) -> Vec<serde_json::Value> {
    text.lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

/// A review file's header and user lines, each checked to be JSON.
fn review_file(path: &str) -> (serde_json::Value, Vec<serde_json::Value>) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.ends_with('\n'), "whole lines only");
    let mut lines = text
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap());
    let header = lines.next().expect("a header line");
    assert_eq!(header["jcgraph_review"]["version"], 1, "{header}");
    (header, lines.collect())
}

/// Each user's input line number, sorted: every user exactly once when it
/// is `1..=n`.
fn line_numbers(lines: &[serde_json::Value]) -> Vec<u64> {
    let mut numbers: Vec<u64> = lines.iter().map(|l| l["line"].as_u64().unwrap()).collect();
    numbers.sort_unstable();
    numbers
}

/// Waits (polling the file) until `path` holds at least `n` lines.
fn wait_for_lines(path: &str, n: usize) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while std::fs::read_to_string(path).map_or(0, |t| t.lines().count()) < n {
        assert!(std::time::Instant::now() < deadline, "{path}: no progress");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

#[test]
fn a_killed_review_resumes_with_every_user_once_for_at_most_a_tenth_more_requests() {
    let fake = FakeJumpCloud::generated(&generated(300), |b| {
        b.latency(std::time::Duration::from_millis(10))
    });
    let (users, _) = fake.users_file("resume-users.txt");
    // What one uninterrupted review costs.
    let whole = review_path("resume-whole.ndjson");
    let run = run_command(
        fake.command(&["review", "--users", &users, "--out", &whole]),
        "",
    );
    assert_eq!(run.code, 0, "{run:#?}");
    assert_eq!(
        line_numbers(&review_file(&whole).1),
        (1..=300).collect::<Vec<_>>()
    );
    let one_review = fake.sandbox.stats().requests_total;
    fake.sandbox.reset_stats();

    let out = review_path("resume-killed.ndjson");
    let args = ["review", "--users", users.as_str(), "--out", out.as_str()];
    let mut child = fake.command(&args).stderr(Stdio::null()).spawn().unwrap();
    wait_for_lines(&out, 100);
    // Requests in flight stay in flight: the kill lands mid-review.
    let hold = fake.sandbox.hold_responses();
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    drop(hold);
    let (_, before) = review_file(&out);
    assert!(before.len() < 300, "the kill came too late");

    let resume = [&args[..], &["--resume"]].concat();
    let run = run_command(fake.command(&resume), "");
    assert_eq!(run.code, 0, "{run:#?}");
    let (_, lines) = review_file(&out);
    assert_eq!(line_numbers(&lines), (1..=300).collect::<Vec<_>>());
    let both = fake.sandbox.stats().requests_total;
    assert!(
        both * 10 <= one_review * 11,
        "{both} requests for the killed and resumed review, {one_review} for one review"
    );
}

#[test]
fn a_review_by_ids_names_its_users_a_hundred_to_a_request() {
    let fake = FakeJumpCloud::generated(&generated(250), |b| b);
    let (users, ids) = fake.users_file("named-users.txt");
    let run = run_command(fake.named_command(&["review", "--users", &users]), "");
    assert_eq!(run.code, 0, "{run:#?}");
    let lines = json_lines(&run.stdout);
    assert_eq!(lines.len(), ids.len());
    for line in &lines {
        assert!(line["user"]["name"].is_string(), "{}", line["user"]);
    }
    // Three chunks of at most 100 ids, looked up ahead of the users (a
    // few more only if a user's report is named before its chunk's lookup
    // has started); one a user before.
    let user_lookups = fake
        .sandbox
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/search/systemusers"))
        .count();
    assert!(
        user_lookups <= 10,
        "{user_lookups} user lookups for {} users",
        ids.len()
    );
}

#[test]
fn a_line_cut_short_is_dropped_and_its_user_reviewed_again() {
    let fake = FakeJumpCloud::generated(&generated(20), |b| b);
    let (users, _) = fake.users_file("torn-users.txt");
    let out = review_path("torn.ndjson");
    let args = ["review", "--users", users.as_str(), "--out", out.as_str()];
    assert_eq!(run_command(fake.command(&args), "").code, 0);
    // A kill in the middle of the last write.
    let text = std::fs::read_to_string(&out).unwrap();
    std::fs::write(&out, &text[..text.len() - 40]).unwrap();
    let resume = [&args[..], &["--resume"]].concat();
    let run = run_command(fake.command(&resume), "");
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(run.stderr.contains("cut short"), "{}", run.stderr);
    assert!(
        run.stderr.contains("jcgraph: reviewed 1 user in "),
        "{}",
        run.stderr
    );
    assert_eq!(
        line_numbers(&review_file(&out).1),
        (1..=20).collect::<Vec<_>>()
    );
    // Nothing left: a resume of a complete review sends nothing.
    fake.sandbox.reset_stats();
    assert_eq!(run_command(fake.command(&resume), "").code, 0);
    assert_eq!(fake.sandbox.stats().requests_total, 0);
}

#[test]
fn ctrl_c_or_sigterm_stops_cleanly_and_says_how_to_resume() {
    let fake = FakeJumpCloud::generated(&generated(100), |b| {
        b.latency(std::time::Duration::from_millis(10))
    });
    let (users, _) = fake.users_file("interrupt-users.txt");
    for signal in ["INT", "TERM"] {
        let out = review_path(&format!("interrupted-{signal}.ndjson"));
        let args = ["review", "--users", users.as_str(), "--out", out.as_str()];
        let child = fake
            .command(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        wait_for_lines(&out, 30);
        let hold = fake.sandbox.hold_responses();
        let sent = std::process::Command::new("kill")
            .args([format!("-{signal}"), child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        let output = child.wait_with_output().unwrap();
        drop(hold);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(130), "{signal}: {stderr}");
        let resume = format!(
            "continue with: jcgraph --no-names review --users {users} --out {out} --resume"
        );
        assert!(stderr.contains(&resume), "{signal}: {stderr}");
        let (_, before) = review_file(&out);
        assert!(before.len() < 100, "{signal}: interrupted before the end");
        let run = run_command(fake.command(&[&args[..], &["--resume"]].concat()), "");
        assert_eq!(run.code, 0, "{run:#?}");
        assert_eq!(
            line_numbers(&review_file(&out).1),
            (1..=100).collect::<Vec<_>>()
        );
    }
}

#[test]
fn a_resume_with_other_options_is_refused_before_any_request() {
    let fake = FakeJumpCloud::generated(&generated(5), |b| b);
    let (users, ids) = fake.users_file("options-users.txt");
    let out = review_path("options.ndjson");
    let args = ["review", "--users", users.as_str(), "--out", out.as_str()];
    assert_eq!(run_command(fake.command(&args), "").code, 0);
    let again = run_command(fake.command(&args), "");
    assert_eq!(
        again.code, 2,
        "an existing review is not overwritten: {again:#?}"
    );
    fake.sandbox.reset_stats();
    let other_kind = [&args[..], &["--resume", "--kind", "systems"]].concat();
    let run = run_command(fake.command(&other_kind), "");
    assert_eq!(run.code, 2, "{run:#?}");
    assert!(
        run.stderr.contains("cannot be continued by this run"),
        "{}",
        run.stderr
    );
    let fewer = fixture_file("options-fewer.txt", &ids[..3].join("\n"));
    let other_users = ["review", "--users", &fewer, "--out", &out, "--resume"];
    let run = run_command(fake.command(&other_users), "");
    assert_eq!(run.code, 2, "{run:#?}");
    assert!(run.stderr.contains("another users list"), "{}", run.stderr);
    assert_eq!(fake.sandbox.stats().requests_total, 0);
}

#[test]
fn failed_users_are_listed_kept_and_retried_in_place() {
    let fake = FakeJumpCloud::generated(&generated(10), |b| b);
    let (users, ids) = fake.users_file("retry-users.txt");
    // Every request about two users fails, whatever the retries.
    fake.sandbox.set_faults(
        FaultPlan::new()
            .rule(FaultRule::always(Fault::status(502)).path_contains(&ids[3]))
            .rule(FaultRule::always(Fault::status(502)).path_contains(&ids[7])),
    );
    let out = review_path("retry.ndjson");
    let args = ["review", "--users", users.as_str(), "--out", out.as_str()];
    let run = run_command(fake.command(&args), "");
    assert_eq!(run.code, 1, "{run:#?}");
    assert!(
        run.stderr.contains("2 users failed: line 4 ("),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains(&format!("jcgraph review --retry-failed {out} --out {out}")),
        "{}",
        run.stderr
    );
    let (_, lines) = review_file(&out);
    let mut failed: Vec<u64> = lines
        .iter()
        .filter(|l| l.get("error").is_some())
        .map(|l| l["line"].as_u64().unwrap())
        .collect();
    failed.sort_unstable();
    assert_eq!(lines.len(), 10);
    assert_eq!(failed, [4, 8]);

    fake.sandbox.clear_faults();
    fake.sandbox.reset_stats();
    let retry = [
        "review",
        "--retry-failed",
        out.as_str(),
        "--out",
        out.as_str(),
    ];
    let run = run_command(fake.command(&retry), "");
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(
        run.stderr.contains("jcgraph: reviewed 2 users in "),
        "{}",
        run.stderr
    );
    let (_, lines) = review_file(&out);
    assert_eq!(line_numbers(&lines), (1..=10).collect::<Vec<_>>());
    assert!(lines.iter().all(|l| l.get("error").is_none()));
    // Only the two failed users were reviewed again: the kind lookups,
    // then four lists each (the org has no directories or RADIUS servers).
    assert_eq!(fake.sandbox.stats().requests_total, 4 + 2 * 4);
}

#[test]
fn under_a_per_key_budget_a_review_keeps_429s_under_a_tenth() {
    // 3,000 requests a minute; 750 users at four requests each (the org
    // has no directories or RADIUS servers: six traversals are skipped)
    // are about 3,000 requests.
    let fake = FakeJumpCloud::generated(&generated(750), |b| b.rate_limit_per_key(3_000));
    let run = review_every_user(&fake, "budget", 750);
    let stats = fake.sandbox.stats();
    assert!(
        stats.rate_limited * 10 <= stats.requests_total,
        "{} of {} requests answered 429",
        stats.rate_limited,
        stats.requests_total
    );
    // The review says so itself.
    let summary = run.stderr.lines().last().unwrap_or_default();
    assert!(
        summary.contains(&format!("{} requests (", stats.requests_total))
            && summary.contains(&format!("{} answered 429", stats.rate_limited)),
        "{summary}"
    );
}

#[test]
fn a_review_does_not_traverse_the_kinds_the_org_has_none_of() {
    // Applications, devices, device groups and user groups; no directories
    // of any kind, no RADIUS servers.
    let fake = FakeJumpCloud::generated(&generated(20), |b| b);
    let run = review_every_user(&fake, "kinds", 20);
    let requests = fake.sandbox.requests();
    let traversed: std::collections::BTreeSet<&str> = requests
        .iter()
        .filter(|r| r.path.contains("/users/"))
        .filter_map(|r| r.path.rsplit('/').next())
        .collect();
    assert_eq!(
        traversed,
        ["applications", "memberof", "systemgroups", "systems"].into(),
        "{run:#?}"
    );
    // Four lookups, then four lists a user (each one page here).
    assert_eq!(requests.len(), 4 + 20 * 4, "{requests:#?}");
    assert!(
        run.stderr.contains(
            "the org has no directories, gsuites, ldap-servers, office365s, radius-servers, \
             active-directories: not traversed (6 fewer requests a user)"
        ),
        "{}",
        run.stderr
    );
    let summary = run.stderr.lines().last().unwrap_or_default();
    assert!(summary.contains("84 requests ("), "{summary}");
    assert!(summary.contains("/s, 4.2 a user)"), "{summary}");
}

#[test]
fn kind_and_sudo_filters_fetch_and_list_only_what_they_ask_for() {
    let fake = FakeJumpCloud::start();
    let args = [
        "review",
        "--users",
        "-",
        "--kind",
        "systems",
        "--sudo",
        "without-password",
    ];
    let run = run_command(
        fake.command(&args),
        &format!("{ADA}\n651000000000000000000003\n651000000000000000000005\n"),
    );
    assert_eq!(run.code, 0, "{run:#?}");
    assert_eq!(
        fake.sandbox.stats().requests_total,
        3,
        "one traversal per user"
    );
    let objects: Vec<Vec<String>> = run
        .stdout
        .lines()
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            assert_eq!(v["groups"], serde_json::json!([]));
            v["objects"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| {
                    assert_eq!(o["effective_sudo"], "without-password");
                    o["object"]["id"].as_str().unwrap().to_string()
                })
                .collect()
        })
        .collect();
    // Ada and Linus are in Ops, whose own sudo setting (passwordless)
    // supersedes its bindings' on every device they reach through it;
    // nothing for Ken, who still has his line.
    let ids = |suffixes: &[u8]| -> Vec<String> {
        suffixes
            .iter()
            .map(|n| format!("65300000000000000000000{n}"))
            .collect()
    };
    assert_eq!(objects, [ids(&[1, 2, 3, 6]), ids(&[1, 2, 3, 4, 6]), vec![]]);
}

#[test]
fn diff_refuses_unlike_reviews_and_leaves_failed_users_out() {
    let full = review_path("diff-full.ndjson");
    let systems = review_path("diff-systems.ndjson");
    assert_eq!(jcgraph(&["review", "--out", &full]).code, 0);
    assert_eq!(
        jcgraph(&["review", "--out", &systems, "--kind", "systems"]).code,
        0
    );
    let run = jcgraph(&["diff", &full, &systems]);
    assert_eq!(run.code, 2, "{run:#?}");
    assert!(
        run.stderr.contains("covered different things"),
        "{}",
        run.stderr
    );
    // Stdout without a header counts as a full review.
    let piped = fixture_file("diff-piped.ndjson", &jcgraph(&["review"]).stdout);
    let run = jcgraph(&["diff", &piped, &full]);
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(
        run.stdout.starts_with("0 changes for 0 users"),
        "{}",
        run.stdout
    );
    // Ken failed in the later review: he is not compared, and the exit
    // code says so.
    let text = std::fs::read_to_string(&full).unwrap();
    let failed: String = text
        .lines()
        .map(|line| {
            if line.contains("\"input\":\"651000000000000000000005\"") {
                r#"{"line":5,"input":"651000000000000000000005","error":"502"}"#.to_string()
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let later = fixture_file("diff-failed.ndjson", &(failed + "\n"));
    let run = jcgraph(&["diff", &full, &later]);
    assert_eq!(run.code, 1, "{run:#?}");
    assert!(
        run.stderr
            .contains("1 user not compared (failed in OLD or NEW): 651000000000000000000005"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.starts_with("0 changes"), "{}", run.stdout);
}

#[test]
fn diff_of_two_reviews_around_one_added_sudo_binding_names_exactly_that() {
    let fake = FakeJumpCloud::start();
    let before = review_path("diff-before.ndjson");
    let after = review_path("diff-after.ndjson");
    let ids = fixture_file(
        "diff-ids.txt",
        "651000000000000000000001\n651000000000000000000005\n651000000000000000000002\n",
    );
    let review =
        |out: &str| run_command(fake.command(&["review", "--users", &ids, "--out", out]), "");
    assert_eq!(review(&before).code, 0);
    let run = run_command(
        fake.command(&[
            "associate",
            "651000000000000000000005",
            "system",
            "653000000000000000000004",
            "--sudo",
            "without-password",
        ]),
        "",
    );
    assert_eq!(run.code, 0, "{run:#?}");
    assert_eq!(review(&after).code, 0);
    let run = run_command(
        fake.command(&["diff", &before, &after, "--format", "json"]),
        "",
    );
    assert_eq!(run.code, 0, "{run:#?}");
    let changes: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        changes,
        serde_json::json!([{
            "user": {"id": "651000000000000000000005", "type": "user"},
            "object": {"id": "653000000000000000000004", "type": "system"},
            "change": "gained",
            "before": null,
            "after": "without-password"
        }])
    );
    let run = run_command(
        fake.command(&["diff", &before, &after, "--only", "groups"]),
        "",
    );
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(
        run.stdout.starts_with("0 changes for 0 users"),
        "{}",
        run.stdout
    );
    let run = run_command(
        fake.command(&[
            "diff", &after, &before, "--only", "sudo", "--format", "ndjson",
        ]),
        "",
    );
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
    assert!(run.stdout.contains("\"change\":\"lost\""), "{}", run.stdout);
}

#[test]
fn csv_quotes_hostile_names_and_neutralizes_formulas() {
    let file = &fixture_file(
        "hostile-names.yaml",
        r#"
orgs:
  - handle: tiny
    id: "6500000000000000000000ab"
    name: Tiny Co
    users:
      "@alice": { id: "6510000000000000000000ab", username: alice }
    systems:
      "=HYPERLINK(\"http://evil.example\",\"x\")": { id: "6530000000000000000000ab" }
      "a,\"b\"\nc": { id: "6530000000000000000000ac" }
    bindings:
      - from: "@alice"
        to: "=HYPERLINK(\"http://evil.example\",\"x\")"
      - from: "@alice"
        to: "a,\"b\"\nc"
keys:
  - key: tiny-admin-key-0123456789
    name: Tiny admin
    org: tiny
"#,
    );
    let run = jcgraph(&[
        "access",
        "6510000000000000000000ab",
        "--org",
        file,
        "--format",
        "csv",
    ]);
    assert_eq!(run.code, 0, "{run:#?}");
    let mut reader = csv::Reader::from_reader(run.stdout.as_bytes());
    let names: Vec<(String, String)> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[1].to_string(), r[4].to_string())
        })
        .collect();
    assert_eq!(
        names,
        [
            (
                "'@alice".to_string(),
                "'=HYPERLINK(\"http://evil.example\",\"x\")".to_string()
            ),
            ("'@alice".to_string(), "a,\"b\"\nc".to_string()),
        ]
    );
}

const KATHERINE: &str = "651000000000000000000004";
const SURFACE: &str = "653000000000000000000003";

#[test]
fn revoke_apply_under_association_lag_waits_for_the_removal_and_exits_0() {
    // Traversals show a removal 3 s after it; the first re-read still shows
    // Katherine's binding to her Surface.
    let api = FakeJumpCloud::lagging(std::time::Duration::from_secs(3));
    let run = api.run(&[
        "revoke",
        KATHERINE,
        "systems",
        SURFACE,
        "--apply",
        "--yes",
        "--no-names",
    ]);
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(!run.stdout.contains("Still granted"), "{}", run.stdout);
    assert!(!run.stdout.contains("Unverified"), "{}", run.stdout);
    assert!(run.stdout.contains("Verified after "), "{}", run.stdout);
    assert!(
        run.stdout.contains(&format!(
            "user {KATHERINE} no longer reaches system {SURFACE}"
        )),
        "{}",
        run.stdout
    );
    // One write, then the plan's reads and a few re-reads of one traversal.
    let posts = api
        .sandbox
        .requests()
        .iter()
        .filter(|r| r.method == "POST")
        .count();
    assert_eq!(posts, 1);
    assert!(
        api.sandbox.stats().requests_total <= 10 + 1 + 5,
        "{:?}",
        api.sandbox.stats()
    );
}

#[test]
fn revoke_apply_exits_6_when_a_removal_is_not_yet_visible_by_the_verify_timeout() {
    let api = FakeJumpCloud::lagging(std::time::Duration::from_secs(3600));
    let apply = [
        "revoke",
        KATHERINE,
        "systems",
        SURFACE,
        "--apply",
        "--yes",
        "--no-names",
    ];
    let run = api.run(&[&apply[..], &["--verify-timeout", "1"]].concat());
    assert_eq!(run.code, 6, "{run:#?}");
    for line in [
        "Unverified: user 651000000000000000000004 -> system 653000000000000000000003",
        "Not yet visible after 1.",
        "JumpCloud accepted every removal, but the user graph still shows 1 of them",
        "Run the same command again later to check: it is safe to repeat.",
        "The last re-read still shows:",
    ] {
        // Long lines are wrapped, with continuations indented by two.
        let unwrapped = run.stdout.replace("\n  ", " ");
        assert!(unwrapped.contains(line), "{line:?} not in\n{}", run.stdout);
    }
    assert!(!run.stdout.contains("Still granted"), "{}", run.stdout);

    let run = api.run(&[&apply[..], &["--verify-timeout", "0", "--format", "json"]].concat());
    assert_eq!(run.code, 6, "{run:#?}");
    let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let outcome = &value["outcome"];
    assert_eq!(outcome["verification"], "not_yet_visible", "{outcome}");
    assert_eq!(outcome["rereads"], 1);
    assert_eq!(outcome["steps"][0]["status"], "unverified");
    assert_eq!(
        outcome["steps"][0]["answer"], "already_absent",
        "removed by the first run"
    );
}

/// A copy of the demo fixture under the test's temporary directory.
fn demo_file(name: &str) -> String {
    fixture_file(name, Fixture::demo_yaml())
}

#[test]
fn save_keeps_a_revoke_for_the_next_run() {
    let path = demo_file("saved-revoke.yaml");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    }
    let surface = ["systems", "katherine-surface"];
    let revoke = [
        "--org",
        &path,
        "--save",
        "revoke",
        "katherine",
        surface[0],
        surface[1],
    ];
    let run = jcgraph(&[&revoke[..], &["--apply", "--yes"]].concat());
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(
        run.stderr
            .contains(&format!("jcgraph: saved the changed org to {path}")),
        "{run:#?}"
    );
    // The next run starts from the saved org: Katherine no longer reaches
    // her Surface, and the rest of the org is as it was.
    let why = ["--org", &path, "why", "katherine", surface[0], surface[1]];
    assert_eq!(jcgraph(&why).code, 5, "not reached any more");
    let ada = jcgraph(&["--org", &path, "access", "ada", "--format", "json"]);
    assert_eq!(
        ada.stdout,
        jcgraph(&["access", "ada", "--format", "json"]).stdout
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640, "the file keeps its permissions");
    }
    // A run that changes nothing leaves the file alone.
    let saved = std::fs::read_to_string(&path).unwrap();
    let run = jcgraph(&["--org", &path, "--save", "groups", "ada"]);
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(!run.stderr.contains("saved the changed org"), "{run:#?}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), saved);
    let leftovers: Vec<_> = std::fs::read_dir(std::path::Path::new(&path).parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|name| name.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_revoke_can_be_explored_one_run_at_a_time() {
    let path = demo_file("step-by-step.yaml");
    let org = ["--org", path.as_str(), "--save"];
    let plan = |args: &[&str]| jcgraph(&[&org[..], args].concat());
    let first = plan(&["revoke", "ada", "systems", "web-01", "--format", "json"]);
    let steps = |run: &common::Run| -> usize {
        let plan: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        plan["steps"].as_array().unwrap().len()
    };
    assert_eq!(steps(&first), 3);
    // Run the step jcgraph can run; the next plan holds the other two.
    let run = plan(&["revoke", "ada", "systems", "web-01", "--apply", "--yes"]);
    assert_eq!(run.code, 3, "access remains: {run:#?}");
    let second = plan(&["revoke", "ada", "systems", "web-01", "--format", "json"]);
    assert_eq!(steps(&second), 2);
    // Writes of any command are kept: bind Ada directly again.
    let run = plan(&[
        "associate",
        "ada",
        "system",
        "web-01",
        "--sudo",
        "with-password",
    ]);
    assert_eq!(run.code, 0, "{run:#?}");
    let third = plan(&["revoke", "ada", "systems", "web-01", "--format", "json"]);
    assert_eq!(third.stdout, first.stdout, "back where it started");
}

#[test]
fn save_needs_a_regular_file_and_refuses_before_anything_runs() {
    let run = jcgraph(&[
        "--save", "revoke", "ada", "systems", "web-01", "--apply", "--yes",
    ]);
    assert_eq!(run.code, 2, "never the embedded demo: {run:#?}");
    assert!(one_error_line(&run).contains("--org"), "{run:#?}");
    assert_eq!(run.stdout, "");

    let mut command = command(&[
        "--org",
        "/dev/stdin",
        "--save",
        "revoke",
        "ada",
        "systems",
        "web-01",
        "--apply",
        "--yes",
    ]);
    command.env_remove("JCGRAPH_ASSUME_TERMINAL");
    let run = run_command(command, Fixture::demo_yaml());
    assert_eq!(run.code, 2, "{run:#?}");
    assert!(one_error_line(&run).contains("--save"), "{run:#?}");
    assert_eq!(run.stdout, "", "nothing was planned or applied");
}

#[cfg(unix)]
#[test]
fn save_through_a_symbolic_link_replaces_its_target_and_keeps_the_link() {
    let target = demo_file("linked-target.yaml");
    let link = std::path::Path::new(&target).with_file_name("link-to-target.yaml");
    let _ = std::fs::remove_file(&link);
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let link = link.to_str().unwrap();
    let run = jcgraph(&[
        "--org",
        link,
        "--save",
        "dissociate",
        "katherine",
        "system",
        "katherine-surface",
    ]);
    assert_eq!(run.code, 0, "{run:#?}");
    let meta = std::fs::symlink_metadata(link).unwrap();
    assert!(meta.file_type().is_symlink(), "the link stays a link");
    assert_ne!(
        std::fs::read_to_string(&target).unwrap(),
        Fixture::demo_yaml()
    );
    let why = [
        "--org",
        target.as_str(),
        "why",
        "katherine",
        "systems",
        "katherine-surface",
    ];
    assert_eq!(jcgraph(&why).code, 5, "the target holds the change");
}
