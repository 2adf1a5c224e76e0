//! A read the facade does not wrap, sent through its one request path: a
//! caller builds it with `jumpcloud_graph_openapi`'s `requests` functions
//! (the user graph's, or a directory lookup's in `directory::{v1, v2}`) and
//! the client adds what every request gets (the credential, limits and
//! adaptive rate, timeout, retries, errors). jcgraph's review uses it to ask
//! which kinds an org has before it traverses them.

use crate::credentials::Endpoint;
use crate::ids::OrgId;
use crate::options::Checked;
use crate::transport::Call;
use crate::{Client, Error};

/// The header the generated requests carry the organization in.
const ORG_HEADER: &str = "x-org-id";

impl Client {
    /// Sends `request`, a `GET` built by one of `jumpcloud_graph_openapi`'s
    /// `requests` functions for `operation` (its operationId, for spans and
    /// errors), as this client sends its own reads, and returns the body of
    /// the success.
    ///
    /// The request goes only to this client's origin (the scheme, host and
    /// port of [`base_url`](Client::base_url), so v1's `/api` too): the
    /// credential never reaches another. Without an `x-org-id` header, the
    /// client's default organization is sent, as with every read; its
    /// requests share that organization's adaptive rate.
    ///
    /// ```no_run
    /// # async fn run(client: jumpcloud_graph::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// use jumpcloud_graph_openapi::directory::{v1, v1_base_url};
    ///
    /// let v1_base = v1_base_url(client.base_url())?;
    /// let request = v1::requests::applications_list(&v1_base, None, None, Some(1), None, None, None)?;
    /// let body = client
    ///     .send_read(v1::operations::APPLICATIONS_LIST.operation_id, request)
    ///     .await?;
    /// let page: serde_json::Value = serde_json::from_slice(&body)?;
    /// println!("{} applications", page["totalCount"]);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput), nothing
    /// sent, for a request that is not a `GET`, goes to another origin or
    /// names an organization that is not an id; otherwise what any read
    /// fails with.
    pub async fn send_read(
        &self,
        operation: &'static str,
        mut request: reqwest::Request,
    ) -> Result<Vec<u8>, Error> {
        if request.method() != reqwest::Method::GET {
            return Err(Error::invalid(
                "request",
                format!("send_read sends reads only, not {}", request.method()),
            ));
        }
        let ours = reqwest::Url::parse(self.base_url()).map(|url| url.origin());
        if ours.ok().as_ref() != Some(&request.url().origin()) {
            return Err(Error::invalid(
                "request",
                "send_read sends only to the client's own origin (its base URL's scheme, host \
                 and port)",
            ));
        }
        let org = match request.headers().get(ORG_HEADER) {
            Some(value) => Some(OrgId::parse(value.to_str().unwrap_or_default())?),
            None => self.org_id().cloned(),
        };
        if let (Some(org), false) = (&org, request.headers().contains_key(ORG_HEADER)) {
            let value = http::HeaderValue::from_str(org.as_str())
                .map_err(|_| Error::invalid("org id", "not a header value"))?;
            request.headers_mut().insert(ORG_HEADER, value);
        }
        let call = Call {
            operation,
            method: "GET",
            path: request.url().path().to_string(),
            idempotent: true,
            endpoint: Endpoint::Api,
        };
        let options = Checked {
            org,
            ..Checked::default()
        };
        let reply = self.execute(&call, request, &options).await?;
        Ok(reply.body.to_vec())
    }
}
