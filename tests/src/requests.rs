//! Requests captured by a wiremock server, rendered as stable text (for
//! snapshots) or exactly (to compare two requests).

use wiremock::Request;

/// Headers whose values are secrets and are shown as `[masked]`.
const SECRET_HEADERS: [&str; 2] = ["x-api-key", "authorization"];
/// Headers that differ between runs (the server's port) and are left out.
const UNSTABLE_HEADERS: [&str; 1] = ["host"];

/// Renders `request` as method, path, exact query string, sorted headers
/// (secrets masked, `host` left out) and pretty-printed JSON body.
pub fn render(request: &Request) -> String {
    let mut out = format!("{} {}\n", request.method, request.url.path());
    match request.url.query() {
        Some(query) => out.push_str(&format!("query: {query}\n")),
        None => out.push_str("query: (none)\n"),
    }
    out.push_str("headers:\n");
    let mut headers: Vec<(String, String)> = request
        .headers
        .iter()
        .filter(|(name, _)| !UNSTABLE_HEADERS.contains(&name.as_str()))
        .map(|(name, value)| {
            let value = if SECRET_HEADERS.contains(&name.as_str()) {
                "[masked]".to_string()
            } else {
                String::from_utf8_lossy(value.as_bytes()).into_owned()
            };
            (name.to_string(), value)
        })
        .collect();
    headers.sort();
    for (name, value) in headers {
        out.push_str(&format!("  {name}: {value}\n"));
    }
    if request.body.is_empty() {
        out.push_str("body: (empty)\n");
    } else {
        let body = match serde_json::from_slice::<serde_json::Value>(&request.body) {
            Ok(json) => serde_json::to_string_pretty(&json).unwrap_or_default(),
            Err(_) => String::from_utf8_lossy(&request.body).into_owned(),
        };
        out.push_str(&format!("body:\n{body}\n"));
    }
    out
}

/// Renders `request` exactly, to compare two requests byte for byte:
/// method, path and raw query string, every header but `host` (which
/// names the server's port) sorted with its value verbatim, and the body
/// bytes as they were sent.
pub fn exact(request: &Request) -> String {
    let mut out = format!("{} {}", request.method, request.url.path());
    if let Some(query) = request.url.query() {
        out.push_str(&format!("?{query}"));
    }
    out.push('\n');
    let mut headers: Vec<(String, String)> = request
        .headers
        .iter()
        .filter(|(name, _)| !UNSTABLE_HEADERS.contains(&name.as_str()))
        .map(|(name, value)| {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            (name.to_string(), value)
        })
        .collect();
    headers.sort();
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\n"));
    }
    out.push_str(&format!(
        "body: {:?}\n",
        String::from_utf8_lossy(&request.body)
    ));
    out
}
