//! Per-request options every operation builder shares: the organization
//! header, the retry policy and the timeout.

use std::time::Duration;

use crate::{Error, OrgId, RetryPolicy};

/// Which `x-org-id` a request sends.
#[derive(Clone, Debug, Default)]
pub(crate) enum OrgChoice {
    /// The client's default, if it has one.
    #[default]
    ClientDefault,
    /// This organization.
    Use(OrgId),
    /// No header, even if the client has a default.
    Omit,
}

/// Options set on one request's builder.
#[derive(Debug, Default)]
pub(crate) struct RequestOptions {
    pub(crate) org: OrgChoice,
    pub(crate) retry: Option<RetryPolicy>,
    pub(crate) timeout: Option<Duration>,
    /// The first invalid option given, reported when the request is sent.
    pub(crate) invalid: Option<Error>,
}

impl RequestOptions {
    pub(crate) fn set_org<O>(&mut self, org: O)
    where
        O: TryInto<OrgId>,
        O::Error: Into<Error>,
    {
        match org.try_into() {
            Ok(org) => self.org = OrgChoice::Use(org),
            Err(error) => self.reject(error.into()),
        }
    }

    pub(crate) fn set_timeout(&mut self, timeout: Duration) {
        if timeout.is_zero() {
            self.reject(Error::invalid(
                "timeout",
                "a request timeout must be above zero",
            ));
        } else {
            self.timeout = Some(timeout);
        }
    }

    /// Records `error` unless an earlier one is already recorded.
    pub(crate) fn reject(&mut self, error: Error) {
        self.invalid.get_or_insert(error);
    }

    /// The options to send with, or the first invalid one.
    pub(crate) fn check(self) -> Result<Checked, Error> {
        match self.invalid {
            Some(error) => Err(error),
            None => Ok(Checked {
                org: self.org,
                retry: self.retry,
                timeout: self.timeout,
            }),
        }
    }
}

/// Validated options, cheap to clone into each page request.
#[derive(Clone, Debug)]
pub(crate) struct Checked {
    pub(crate) org: OrgChoice,
    pub(crate) retry: Option<RetryPolicy>,
    pub(crate) timeout: Option<Duration>,
}

/// Adds the shared per-request setters to an operation builder that has an
/// `options: RequestOptions` field. `$retry_doc` documents `retry`, which
/// means different things for reads and writes.
macro_rules! request_options {
    ($builder:ident, $retry_doc:expr) => {
        impl $builder {
            /// Sends `x-org-id` with this organization instead of the
            /// client's default. An invalid id is [`Error::InvalidInput`](crate::Error::InvalidInput)
            /// when the request is sent, before anything goes out.
            pub fn org_id<O>(mut self, org: O) -> Self
            where
                O: TryInto<crate::OrgId>,
                O::Error: Into<crate::Error>,
            {
                self.options.set_org(org);
                self
            }

            /// Sends no `x-org-id`, even if the client has a default (some
            /// routes answer 403 when it is present).
            pub fn without_org_id(mut self) -> Self {
                self.options.org = crate::options::OrgChoice::Omit;
                self
            }

            #[doc = $retry_doc]
            pub fn retry(mut self, policy: crate::RetryPolicy) -> Self {
                self.options.retry = Some(policy);
                self
            }

            /// The time one attempt may take, headers and body, instead of
            /// the client's timeout.
            pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
                self.options.set_timeout(timeout);
                self
            }
        }
    };
}

pub(crate) use request_options;

/// The `retry` documentation for reads.
macro_rules! read_retry_doc {
    () => {
        "The retry policy for this request instead of the client's. Each page \
         of a list is retried on its own, so a retried page neither loses nor \
         repeats items."
    };
}

/// The `retry` documentation for writes that are not idempotent.
macro_rules! write_retry_doc {
    () => {
        "Opts this write into retries with `policy`. Without it the write is \
         sent exactly once, because a response lost after the server applied \
         it would make a repeat fail (409 for an add, 404 for a removal) or \
         act twice. Prefer the `ensure_*` methods, which retry safely."
    };
}

pub(crate) use {read_retry_doc, write_retry_doc};
