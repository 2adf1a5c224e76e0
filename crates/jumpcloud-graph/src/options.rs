//! Per-request options every operation builder holds: the organization
//! header, the retry policy and the timeout, kept as set and checked when
//! the request is sent, and the organization and timeout setters every
//! list and write builder shares.

use std::time::Duration;

use crate::{Client, Error, OrgId, RetryPolicy};

/// The organization and timeout setters of a list or write builder (a type
/// with a `core` field whose `options` are [`RequestOptions`]), one text for
/// both: `$sent` says when an invalid id is reported, `$attempt` what one
/// attempt is.
macro_rules! org_and_timeout_setters {
    (sent: $sent:literal, attempt: $attempt:literal $(,)?) => {
        #[doc = concat!(
                            "Sends `x-org-id` with this organization instead of the client's\n",
                            "default. An invalid id is an invalid-input error when ", $sent, ",\n",
                            "before anything goes out."
                        )]
        pub fn org_id<O>(mut self, org: O) -> Self
        where
            O: TryInto<crate::OrgId>,
            O::Error: Into<crate::Error>,
        {
            self.core.options.set_org(org);
            self
        }

        /// Sends no `x-org-id`, even if the client has a default (some routes
        /// answer 403 when it is present).
        pub fn without_org_id(mut self) -> Self {
            self.core.options.omit_org();
            self
        }

        #[doc = concat!(
                            "The time ", $attempt, " may take, headers and body, instead of\n",
                            "the client's timeout (longer or shorter). Zero is an invalid-input\n",
                            "error."
                        )]
        pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
            self.core.options.set_timeout(timeout);
            self
        }
    };
}
pub(crate) use org_and_timeout_setters;

/// Which `x-org-id` a request sends.
#[derive(Clone, Debug, Default)]
enum OrgChoice {
    /// The client's default, if it has one.
    #[default]
    ClientDefault,
    /// This organization.
    Use(OrgId),
    /// No header, even if the client has a default.
    Omit,
}

/// Options set on one request's builder; the first invalid one is kept and
/// reported when the request is sent, before anything goes out.
#[derive(Clone, Debug, Default)]
pub(crate) struct RequestOptions {
    org: OrgChoice,
    retry: Option<RetryPolicy>,
    timeout: Option<Duration>,
    invalid: Option<(&'static str, String)>,
}

impl RequestOptions {
    pub(crate) fn set_org<O>(&mut self, org: O)
    where
        O: TryInto<OrgId>,
        O::Error: Into<Error>,
    {
        match org.try_into() {
            Ok(org) => self.org = OrgChoice::Use(org),
            Err(error) => {
                let error = error.into();
                let parts = error
                    .invalid_parts()
                    .unwrap_or(("organization id", error.to_string()));
                self.reject(parts);
            }
        }
    }

    pub(crate) fn omit_org(&mut self) {
        self.org = OrgChoice::Omit;
    }

    pub(crate) fn set_retry(&mut self, policy: RetryPolicy) {
        self.retry = Some(policy);
    }

    pub(crate) fn set_timeout(&mut self, timeout: Duration) {
        if timeout.is_zero() {
            self.reject(("timeout", "a request timeout must be above zero".into()));
        } else {
            self.timeout = Some(timeout);
        }
    }

    fn reject(&mut self, invalid: (&'static str, String)) {
        self.invalid.get_or_insert(invalid);
    }

    /// The options to send with, or the first invalid one.
    pub(crate) fn check(&self, client: &Client) -> Result<Checked, Error> {
        if let Some((field, reason)) = &self.invalid {
            return Err(Error::invalid(field, reason.clone()));
        }
        let org = match &self.org {
            OrgChoice::ClientDefault => client.shared.org_id.clone(),
            OrgChoice::Use(org) => Some(org.clone()),
            OrgChoice::Omit => None,
        };
        Ok(Checked {
            org,
            retry: self.retry.clone(),
            timeout: self.timeout,
        })
    }
}

/// Validated options, with the organization resolved.
#[derive(Clone, Debug, Default)]
pub(crate) struct Checked {
    pub(crate) org: Option<OrgId>,
    pub(crate) retry: Option<RetryPolicy>,
    pub(crate) timeout: Option<Duration>,
}

impl Checked {
    /// The `x-org-id` value to send, if any.
    pub(crate) fn org_header(&self) -> Option<String> {
        self.org.as_ref().map(ToString::to_string)
    }
}
