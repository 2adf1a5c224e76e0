//! The user graph's writes, each a builder that is sent with `.send()` or
//! `.await`: the five association changes ([`Associate`], [`Dissociate`],
//! [`UpdateAssociation`], [`EnsureAssociated`], [`EnsureDissociated`]) and
//! the [`ActivationEmail`], each with exactly the settings its operation
//! takes (sudo only on the writes that send attributes), over one private
//! core, [`WriteCore`]: the client, the user and the per-request options.
//!
//! A plain add or remove is sent once: if its response is lost after the
//! server applied it, a repeat would answer 409 or 404 (or act twice), so
//! retrying is the caller's decision. The `ensure_*` forms treat 409 (for an
//! add) and 404 (for a removal) as success, which makes a repeat harmless,
//! so they retry under the client's policy, and so does an update.

mod activation;
mod association;

pub use activation::ActivationEmail;
pub(crate) use association::Change;
pub use association::{
    Associate, Dissociate, EnsureAssociated, EnsureDissociated, UpdateAssociation,
};

use crate::ops::{Operation, RequestError};
use crate::options::{Checked, RequestOptions};
use crate::transport::Call;
use crate::{Client, Error, ObjectId};

/// What every write holds besides its operation's own parameters.
#[derive(Debug)]
pub(crate) struct WriteCore {
    client: Client,
    user: ObjectId,
    options: RequestOptions,
}

impl WriteCore {
    pub(crate) fn new(client: Client, user: ObjectId) -> Self {
        Self {
            client,
            user,
            options: RequestOptions::default(),
        }
    }

    /// The options to send with, or the first invalid one.
    fn checked(&self) -> Result<Checked, Error> {
        self.options.check(&self.client)
    }

    /// Sends `operation` on the user, its request built by `build` (a
    /// generated `requests` function given the base URL, the user id and
    /// the organization); `idempotent` lets the client's retry policy apply.
    async fn send(
        &self,
        operation: Operation,
        idempotent: bool,
        options: &Checked,
        build: impl FnOnce(&str, &str, Option<&str>) -> Result<reqwest::Request, RequestError>,
    ) -> Result<(), Error> {
        let org = options.org_header();
        let request = build(
            self.client.base_url(),
            &self.user.to_string(),
            org.as_deref(),
        )
        .map_err(|error| self.client.request_error(&error))?;
        let call = Call::on_user(operation, self.user, idempotent);
        self.client
            .execute(&call, request, options)
            .await
            .map(|_| ())
    }
}

/// The settings every write type has, written once, and its
/// `IntoFuture` (awaiting a write sends it): `$write` has a
/// `core: WriteCore` field and an `async fn send(self) -> Result<$output,
/// Error>`.
macro_rules! write_settings {
    ($write:ident -> $output:ty) => {
        impl $write {
            crate::options::org_and_timeout_setters!(
                sent: "the write is sent",
                attempt: "one attempt",
            );
        }

        impl std::future::IntoFuture for $write {
            type Output = Result<$output, crate::Error>;
            type IntoFuture = futures::future::BoxFuture<'static, Self::Output>;

            /// Sends the write, as [`send`](Self::send).
            fn into_future(self) -> Self::IntoFuture {
                futures::FutureExt::boxed(self.send())
            }
        }
    };
}
use write_settings;

/// What an `ensure_*` call found and did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Ensured {
    /// The association was created.
    Created,
    /// The association already existed (possibly created by an earlier
    /// attempt of this same call whose response was lost).
    AlreadyAssociated,
    /// The association already existed and its attributes were set.
    Updated,
    /// The association was removed.
    Removed,
    /// There was no such association (JumpCloud answered 404).
    AlreadyAbsent,
}

impl Ensured {
    /// Whether this call changed anything.
    pub fn changed(self) -> bool {
        matches!(self, Ensured::Created | Ensured::Updated | Ensured::Removed)
    }

    /// A stable name: `created`, `already_associated`, `updated`,
    /// `removed`, `already_absent`.
    pub fn name(self) -> &'static str {
        match self {
            Ensured::Created => "created",
            Ensured::AlreadyAssociated => "already_associated",
            Ensured::Updated => "updated",
            Ensured::Removed => "removed",
            Ensured::AlreadyAbsent => "already_absent",
        }
    }
}

impl std::fmt::Display for Ensured {
    /// The [`name`](Ensured::name).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Ensured {
    /// The [`name`](Ensured::name), as a string.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}
