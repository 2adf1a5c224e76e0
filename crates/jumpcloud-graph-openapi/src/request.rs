//! What the generated [`requests`](crate::requests) functions build their
//! requests with: a `reqwest::Request` assembled part by part, without a
//! client, exactly as the generated [`Client`](crate::Client)'s builders
//! assemble theirs (the workspace's `tests/` compare the two for every
//! operation), and the one error building can end with.

use std::fmt::Display;

use reqwest::header::{CONTENT_TYPE, HeaderName, HeaderValue};

/// Why a request could not be built: a base URL that does not make a URL
/// with the path, a header value that cannot be sent (e.g. with a
/// newline), or a body that does not serialize. Nothing was sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestError {
    part: &'static str,
    reason: String,
}

impl RequestError {
    pub(crate) fn new(part: &'static str, reason: impl Into<String>) -> Self {
        Self {
            part,
            reason: reason.into(),
        }
    }

    /// Which part of the request was wrong: `url`, `header` or `body`.
    pub fn part(&self) -> &'static str {
        self.part
    }

    /// What was wrong with it.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl std::fmt::Display for RequestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "cannot build the request's {}: {}",
            self.part, self.reason
        )
    }
}

impl std::error::Error for RequestError {}

/// A request being built: the URL (path already filled in), then query
/// parameters, headers and the body, each added the way the generated
/// client's builders add them.
pub(crate) struct RequestParts {
    request: reqwest::Request,
}

impl RequestParts {
    /// Starts a request to `url` (the base URL joined with the encoded
    /// path), which must parse and have a host, as reqwest requires.
    pub(crate) fn new(method: reqwest::Method, url: String) -> Result<Self, RequestError> {
        let parsed = reqwest::Url::parse(&url)
            .map_err(|error| RequestError::new("url", format!("{url:?} is not a URL: {error}")))?;
        if !parsed.has_host() {
            return Err(RequestError::new("url", format!("{url:?} has no host")));
        }
        Ok(Self {
            request: reqwest::Request::new(method, parsed),
        })
    }

    /// One `name=value` pair, form-encoded (the encoder reqwest's `query`
    /// uses; values are written with `Display`, as serde writes strings,
    /// integers and the generated string enums).
    pub(crate) fn query(&mut self, name: &str, value: impl Display) {
        self.request
            .url_mut()
            .query_pairs_mut()
            .append_pair(name, &value.to_string());
    }

    /// An array in form style with `explode: true`: one pair per value
    /// (`name=a&name=b`); none for an empty array.
    pub(crate) fn query_each<T: Display>(&mut self, name: &str, values: &[T]) {
        for value in values {
            self.query(name, value);
        }
    }

    /// An array in form style with `explode: false`: one pair with the
    /// values comma-joined (`name=a,b`, the comma encoded); none for an
    /// empty array.
    // The generated code calls it for arrays the fragment declares with
    // `explode: false`; today's fragment has none (see its deviations).
    #[allow(dead_code)]
    pub(crate) fn query_joined<T: Display>(&mut self, name: &str, values: &[T]) {
        if values.is_empty() {
            return;
        }
        let joined = values
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(",");
        self.query(name, joined);
    }

    /// Appends a header. `name` is lower case (the generator writes it so).
    pub(crate) fn header(&mut self, name: &str, value: impl Display) -> Result<(), RequestError> {
        let header = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| RequestError::new("header", format!("{name:?} is not a header name")))?;
        let value = HeaderValue::try_from(value.to_string()).map_err(|_| {
            RequestError::new(
                "header",
                format!("the value of {name} is not a header value"),
            )
        })?;
        self.request.headers_mut().append(header, value);
        Ok(())
    }

    /// A JSON body, with `content-type: application/json` unless one is
    /// set, as reqwest's `json` does.
    pub(crate) fn json<T: serde::Serialize>(&mut self, body: &T) -> Result<(), RequestError> {
        let bytes = serde_json::to_vec(body)
            .map_err(|error| RequestError::new("body", error.to_string()))?;
        self.request
            .headers_mut()
            .entry(CONTENT_TYPE)
            .or_insert_with(|| HeaderValue::from_static("application/json"));
        *self.request.body_mut() = Some(bytes.into());
        Ok(())
    }

    /// The request; a query left empty is dropped (`/path`, not `/path?`),
    /// as reqwest drops it.
    pub(crate) fn finish(mut self) -> reqwest::Request {
        if self.request.url().query() == Some("") {
            self.request.url_mut().set_query(None);
        }
        self.request
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts() -> RequestParts {
        RequestParts::new(
            reqwest::Method::GET,
            "https://example.com/api/v2/users/u1/memberof".into(),
        )
        .unwrap()
    }

    #[test]
    fn query_values_are_form_encoded_in_the_order_added() {
        let mut request = parts();
        request.query_each("filter", &["type:eq:user_group", "name:search:a b"]);
        request.query("limit", 100);
        request.query_joined("sort", &["-name", "type"]);
        request.query_each::<&str>("none", &[]);
        request.query_joined::<&str>("none", &[]);
        let request = request.finish();
        assert_eq!(
            request.url().query(),
            Some(
                "filter=type%3Aeq%3Auser_group&filter=name%3Asearch%3Aa+b&limit=100&sort=-name%2Ctype"
            )
        );
    }

    #[test]
    fn no_query_parameters_leave_no_question_mark() {
        let request = parts().finish();
        assert_eq!(
            request.url().as_str(),
            "https://example.com/api/v2/users/u1/memberof"
        );
    }

    #[test]
    fn a_json_body_sets_its_content_type() {
        let mut request = parts();
        request.json(&serde_json::json!({"op": "add"})).unwrap();
        let request = request.finish();
        assert_eq!(request.headers()[CONTENT_TYPE], "application/json");
        let body = request.body().and_then(reqwest::Body::as_bytes).unwrap();
        assert_eq!(body, br#"{"op":"add"}"#);
    }

    #[test]
    fn unusable_parts_are_errors_not_panics() {
        let url = RequestParts::new(reqwest::Method::GET, "not a url/users".into());
        assert_eq!(url.err().map(|e| e.part()), Some("url"));
        let mut request = parts();
        let header = request.header("x-org-id", "a\nb").unwrap_err();
        assert_eq!(header.part(), "header");
        assert!(request.header("Not A Name", "v").is_err());
    }
}
