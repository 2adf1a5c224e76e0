//! The standalone binary: it prints its URL first, serves the fixture it is
//! given, and applies the faults, latency and association lag from its
//! options; `jcgraph` reaches it over HTTP as it reaches JumpCloud.

mod common;

use std::process::Stdio;

use common::{ACME_KEY, http, id};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const BINARY: &str = env!("CARGO_BIN_EXE_jumpcloud-graph-sandbox");

/// Starts the binary and returns it with the base URL from its first line.
async fn start(args: &[&str]) -> (Child, String) {
    let mut child = Command::new(BINARY)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let first = BufReader::new(stdout)
        .lines()
        .next_line()
        .await
        .expect("readable stdout")
        .expect("a first line");
    let url = first
        .strip_prefix("JumpCloud graph sandbox listening on ")
        .unwrap_or_else(|| panic!("unexpected first line: {first}"))
        .to_owned();
    (child, url)
}

async fn status(url: &str) -> u16 {
    http()
        .get(url)
        .header("x-api-key", ACME_KEY)
        .send()
        .await
        .expect("the binary answers")
        .status()
        .as_u16()
}

#[tokio::test]
async fn binary_serves_the_demo_org_with_its_faults() {
    let (mut child, base) =
        start(&["--port", "0", "--fault", "503,first=1", "--latency-ms", "1"]).await;
    assert!(
        base.starts_with("http://127.0.0.1:") && base.ends_with("/api/v2"),
        "{base}"
    );
    let systems = format!("{base}/users/{}/systems", id("ada"));
    assert_eq!(status(&systems).await, 503);
    assert_eq!(status(&systems).await, 200);
    let stats = admin(&base, "stats").await;
    assert_eq!(stats["requests_total"], 2);
    assert_eq!(stats["by_fault"]["503"], 1);
    child.kill().await.expect("stopped");
}

#[tokio::test]
async fn binary_limits_requests_per_key() {
    // One a minute: the second request, however soon, is refused.
    let (mut child, base) = start(&["--rate-limit-per-key", "1"]).await;
    let systems = format!("{base}/users/{}/systems", id("ada"));
    assert_eq!(status(&systems).await, 200);
    let limited = http()
        .get(&systems)
        .header("x-api-key", ACME_KEY)
        .send()
        .await
        .expect("the binary answers");
    assert_eq!(limited.status(), 429);
    let wait: u64 = limited.headers()["retry-after"]
        .to_str()
        .expect("ASCII")
        .parse()
        .expect("seconds");
    assert!((1..=60).contains(&wait), "{wait}");
    child.kill().await.expect("stopped");
    let stderr = refused(&["--rate-limit-per-key", "0"]).await;
    assert!(stderr.contains("--rate-limit-per-key"), "{stderr}");
}

#[tokio::test]
async fn binary_serves_an_org_from_a_file() {
    let yaml = r#"
orgs:
  - handle: tiny
    id: "650000000000000000000077"
    name: Tiny
    users: { solo: { id: "651000000000000000000077", username: solo } }
keys: [{ key: tiny-key, org: tiny }]
"#;
    let path = std::env::temp_dir().join(format!("sandbox-cli-{}.yaml", std::process::id()));
    std::fs::write(&path, yaml).expect("temp file written");
    let (mut child, base) = start(&["--org", path.to_str().expect("utf-8 path")]).await;
    let response = http()
        .get(format!("{base}/users/651000000000000000000077/systems"))
        .header("x-api-key", "tiny-key")
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-total-count"], "0");
    child.kill().await.expect("stopped");
    let _ = std::fs::remove_file(&path);
}

#[tokio::test]
async fn binary_rejects_an_invalid_fixture_with_the_reason() {
    let path = std::env::temp_dir().join(format!("sandbox-cli-bad-{}.yaml", std::process::id()));
    std::fs::write(&path, "orgs: []\nkeys: []\n").expect("temp file written");
    let output = Command::new(BINARY)
        .args(["--org", path.to_str().expect("utf-8 path")])
        .output()
        .await
        .expect("the binary runs");
    let _ = std::fs::remove_file(&path);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "bad input: {stderr}");
    assert!(stderr.contains("at least one org"), "{stderr}");
}

#[tokio::test]
async fn binary_refuses_a_fixture_over_the_size_limit_with_exit_2() {
    // Through a pipe, whose size is not known before it is read: the
    // limit holds while reading.
    let mut child = Command::new(BINARY)
        .args(["--org", "/dev/stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the binary starts");
    let mut stdin = child.stdin.take().expect("piped stdin");
    let feed = tokio::spawn(async move {
        use tokio::io::AsyncWriteExt;
        let line = format!("# {}\n", "x".repeat(1022));
        for _ in 0..(16 * 1024 + 1) {
            if stdin.write_all(line.as_bytes()).await.is_err() {
                break;
            }
        }
    });
    let output = child.wait_with_output().await.expect("the binary runs");
    let _ = feed.await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    // Fails on the old code, which read it all and failed with exit 1.
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("16 MiB"), "{stderr}");
}

#[tokio::test]
async fn binary_rejects_an_invalid_fault_spec() {
    let output = Command::new(BINARY)
        .args(["--fault", "teapot"])
        .output()
        .await
        .expect("the binary runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("unknown fault"), "{stderr}");
}

/// Runs the binary with `args`, expecting it to refuse to start; returns
/// its stderr. A binary that starts instead is killed after a while and
/// fails the test.
async fn refused(args: &[&str]) -> String {
    let mut command = Command::new(BINARY);
    command.args(args).kill_on_drop(true);
    let output = tokio::time::timeout(std::time::Duration::from_secs(60), command.output())
        .await
        .unwrap_or_else(|_| panic!("the binary started with {args:?} instead of refusing"))
        .expect("the binary runs");
    assert!(!output.status.success(), "{args:?}");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[tokio::test]
async fn binary_refuses_a_retry_after_date_it_cannot_send() {
    for spec in [
        "429,retry-after-date=300000000000",
        "429,retry-after-date=18446744073709551615",
    ] {
        let stderr = refused(&["--fault", spec]).await;
        assert!(stderr.contains("retry-after-date"), "{stderr}");
    }
}

#[tokio::test]
async fn binary_refuses_a_trigger_that_never_fires() {
    let stderr = refused(&["--fault", "429,every=0"]).await;
    assert!(stderr.contains("every=0"), "{stderr}");
}

#[tokio::test]
async fn binary_refuses_a_latency_above_the_cap() {
    let stderr = refused(&["--latency-ms", "18446744073709551615"]).await;
    assert!(stderr.contains("latency"), "{stderr}");
}

#[cfg(unix)]
#[tokio::test]
async fn binary_keeps_serving_and_stops_cleanly_when_its_stdout_is_gone() {
    // A script reads the first line and closes the pipe (`| head -1`): the
    // server must not die on its next line of output.
    let (mut child, base) = start(&[]).await;
    let systems = format!("{base}/users/{}/systems", id("ada"));
    assert_eq!(status(&systems).await, 200);
    // SIGTERM makes it print "Stopping." to the closed pipe.
    let pid = child.id().expect("running").to_string();
    let killed = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .await
        .expect("kill runs");
    assert!(killed.success());
    let exit = tokio::time::timeout(std::time::Duration::from_secs(60), child.wait())
        .await
        .expect("it stops")
        .expect("an exit status");
    assert_eq!(exit.code(), Some(0), "{exit:?}");
}

/// `jcgraph`, which the workspace's tests build next to this binary (CI's
/// `cargo test --workspace` runs before the binary's tests; run alone,
/// `cargo build -p jumpcloud-graph-cli` first).
fn jcgraph() -> std::path::PathBuf {
    let path = std::path::Path::new(BINARY)
        .with_file_name(format!("jcgraph{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.exists(),
        "{} is not built: run `cargo build -p jumpcloud-graph-cli` first",
        path.display()
    );
    path
}

/// `jcgraph args` against the binary at `base` with Acme's key, as it
/// reaches a real org: stdout, stderr and the exit code.
async fn jcgraph_against(base: &str, args: &[&str]) -> (String, String, Option<i32>) {
    let mut command = Command::new(jcgraph());
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy().into_owned();
        if name.starts_with("JUMPCLOUD_") || name.starts_with("JCGRAPH_") {
            command.env_remove(&name);
        }
    }
    command
        .args(args)
        .env("JUMPCLOUD_API_KEY", ACME_KEY)
        .env("JUMPCLOUD_BASE_URL", base)
        .env("COLUMNS", "200")
        .kill_on_drop(true);
    // A guard only: every command ends by itself (revoke's --verify-timeout
    // is 120 s).
    let output = tokio::time::timeout(std::time::Duration::from_secs(300), command.output())
        .await
        .expect("jcgraph ends")
        .expect("jcgraph runs");
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
        output.status.code(),
    )
}

/// The JSON an admin endpoint (`/__sandbox/ROUTE`) of the binary at
/// `base` answers.
async fn admin(base: &str, route: &str) -> Value {
    let root = base.trim_end_matches("/api/v2");
    http()
        .get(format!("{root}/__sandbox/{route}"))
        .send()
        .await
        .expect("admin answers")
        .json()
        .await
        .expect("JSON")
}

/// The sandbox's request log: each request's path.
async fn logged_paths(base: &str) -> Vec<String> {
    admin(base, "requests")
        .await
        .as_array()
        .expect("a list")
        .iter()
        .map(|r| r["path"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn jcgraph_access_by_email_over_http_shows_names_with_one_lookup_per_kind() {
    let (mut child, base) = start(&[]).await;
    let mut seen = 0;
    for format in ["table", "json"] {
        let args = [
            "access",
            "ada@acme.example",
            "--kind",
            "all",
            "--format",
            format,
        ];
        let (stdout, stderr, code) = jcgraph_against(&base, &args).await;
        assert_eq!(code, Some(0), "{stdout}\n{stderr}");
        for name in ["web-01", "Engineering", "Ops"] {
            assert!(stdout.contains(name), "{format}: no {name} in\n{stdout}");
        }
        let paths = logged_paths(&base).await;
        let lookups: Vec<&String> = paths[seen..]
            .iter()
            .filter(|path| !path.contains("/api/v2/users/"))
            .collect();
        seen = paths.len();
        let kinds: std::collections::BTreeSet<&String> = lookups.iter().copied().collect();
        assert_eq!(
            kinds.len(),
            lookups.len(),
            "one request per kind: {lookups:?}"
        );
        assert!(
            kinds.contains(&"/api/search/systemusers".to_owned()),
            "{lookups:?}"
        );
        assert!(
            kinds.contains(&"/api/v2/usergroups".to_owned()),
            "{lookups:?}"
        );
        assert!(
            kinds.len() <= 9,
            "at most one per kind present, and the user: {kinds:?}"
        );
    }
    child.kill().await.expect("stopped");
}

#[tokio::test]
async fn jcgraph_revoke_under_association_lag_over_http_is_verified_and_exits_0() {
    let (mut child, base) = start(&["--association-lag-ms", "3000"]).await;
    let (katherine, surface) = (id("katherine"), id("katherine-surface"));
    let args = [
        "revoke", &katherine, "systems", &surface, "--apply", "--yes",
    ];
    // jcgraph gives up by itself after --verify-timeout (120 s).
    let (stdout, stderr, code) = jcgraph_against(&base, &args).await;
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(!stdout.contains("Still granted"), "{stdout}");
    assert!(stdout.contains("Verified after "), "{stdout}");
    // One removal, and re-reads of one traversal, not whole access reports.
    let requests = admin(&base, "requests").await;
    let sent: Vec<(&str, &str)> = requests
        .as_array()
        .expect("a list")
        .iter()
        .map(|r| {
            let path = r["path"].as_str().unwrap_or_default();
            (
                r["method"].as_str().unwrap_or_default(),
                path.rsplit('/').next().unwrap_or_default(),
            )
        })
        .collect();
    // (The name lookups before it are POSTs too: the write is the first
    // POST to `associations`.)
    let after_write = sent
        .iter()
        .skip_while(|request| **request != ("POST", "associations"))
        .collect::<Vec<_>>();
    assert_eq!(after_write[0], &("POST", "associations"), "{sent:?}");
    let rereads = &after_write[1..];
    assert!((2..=5).contains(&rereads.len()), "{sent:?}");
    assert!(
        rereads.iter().all(|r| **r == ("GET", "systems")),
        "{sent:?}"
    );
    child.kill().await.expect("stopped");
}
