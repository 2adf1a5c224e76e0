//! `POST /users/{id}/associations`: adding, removing and updating a user's
//! direct associations, plus the idempotent `ensure_*` forms.
//!
//! A plain add or remove is sent once: if its response is lost after the
//! server applied it, a repeat would answer 409 or 404 (or act twice), so
//! retrying is the caller's decision. The `ensure_*` forms treat 409 (for an
//! add) and 404 (for a removal) as success, which makes a repeat harmless,
//! so they retry under the client's policy.

use futures::FutureExt;
use futures::future::BoxFuture;
use jumpcloud_graph_openapi::types;

use crate::execute::Call;
use crate::options::{Checked, RequestOptions, request_options, write_retry_doc};
use crate::{AssociationTarget, Error, ObjectId, Sudo, User};

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
}

/// The parts every association write has.
#[derive(Debug)]
struct Change {
    user: User,
    target: AssociationTarget,
    id: Result<ObjectId, Error>,
    sudo: Option<Sudo>,
}

impl Change {
    fn new(user: User, target: AssociationTarget, id: Result<ObjectId, Error>) -> Self {
        Self {
            user,
            target,
            id,
            sudo: None,
        }
    }

    /// Checks the input and returns the body to send.
    fn body(&self, op: types::GraphOperationUserOp) -> Result<types::GraphOperationUser, Error> {
        let id = match &self.id {
            Ok(id) => id.clone(),
            Err(error) => {
                return Err(Error::invalid(
                    "target id",
                    match error {
                        Error::InvalidInput { reason, .. } => reason.clone(),
                        other => other.to_string(),
                    },
                ));
            }
        };
        let type_ = self.target.to_wire_operation_type()?;
        if self.sudo.is_some() && !self.target.takes_sudo() {
            return Err(Error::invalid(
                "sudo",
                format!(
                    "sudo applies to system and system_group associations, not {}",
                    self.target
                ),
            ));
        }
        let attributes = self.sudo.map(|sudo| types::GraphAttributeSudo {
            sudo: Some(types::GraphAttributeSudoSudo {
                enabled: sudo.enabled(),
                without_password: sudo.without_password(),
            }),
        });
        Ok(types::GraphOperationUser {
            attributes,
            id: id.to_string(),
            op,
            type_,
        })
    }

    /// Sends one write; `idempotent` lets the client's retry policy apply.
    async fn send(
        &self,
        op: types::GraphOperationUserOp,
        options: &Checked,
        idempotent: bool,
    ) -> Result<(), Error> {
        let body = self.body(op)?;
        let id = self.user.id.to_string();
        let call = Call {
            operation: "graph_userAssociationsPost",
            method: "POST",
            path: format!("/users/{id}/associations"),
            idempotent,
        };
        self.user
            .client
            .execute(&call, options, |low, org| {
                let (id, body) = (id.clone(), body.clone());
                async move {
                    let request = low.graph_user_associations_post().user_id(id).body(body);
                    super::with_org!(request, org).send().await
                }
                .boxed()
            })
            .await
            .map(|_| ())
    }
}

/// Makes `.await` on a builder send it.
macro_rules! await_sends {
    ($builder:ident, $output:ty) => {
        impl std::future::IntoFuture for $builder {
            type Output = Result<$output, Error>;
            type IntoFuture = BoxFuture<'static, Self::Output>;

            fn into_future(self) -> Self::IntoFuture {
                self.send().boxed()
            }
        }
    };
}

/// Adds `.sudo(..)` to a write builder.
macro_rules! sudo_setter {
    ($builder:ident) => {
        impl $builder {
            /// Sudo rights on the device (system and system group
            /// associations only; anything else is
            /// [`Error::InvalidInput`] before sending).
            pub fn sudo(mut self, sudo: Sudo) -> Self {
                self.change.sudo = Some(sudo);
                self
            }
        }
    };
}

/// Defines a write builder: the shared [`Change`] and request options.
macro_rules! write_builder {
    ($(#[$meta:meta])* $builder:ident) => {
        $(#[$meta])*
        #[derive(Debug)]
        #[must_use = "a write does nothing until sent or awaited"]
        pub struct $builder {
            change: Change,
            options: RequestOptions,
        }

        impl $builder {
            pub(crate) fn new(
                user: User,
                target: AssociationTarget,
                id: Result<ObjectId, Error>,
            ) -> Self {
                Self {
                    change: Change::new(user, target, id),
                    options: RequestOptions::default(),
                }
            }
        }
    };
}

write_builder!(
    /// Binds a user directly to an object; made by [`User::associate`].
    /// Send it with `.send()` or `.await`.
    Associate
);
write_builder!(
    /// Removes a direct association; made by [`User::dissociate`].
    Dissociate
);
write_builder!(
    /// Changes the attributes of an existing direct association; made by
    /// [`User::update`].
    UpdateAssociation
);
write_builder!(
    /// Makes sure a direct association exists; made by
    /// [`User::ensure_associated`].
    EnsureAssociated
);
write_builder!(
    /// Makes sure a direct association is gone; made by
    /// [`User::ensure_dissociated`].
    EnsureDissociated
);

impl Associate {
    /// Sends the add. Fails with a 409 [`Error::Api`] if the association
    /// exists ([`Error::is_conflict`]).
    pub async fn send(self) -> Result<(), Error> {
        let options = self.options.check()?;
        self.change
            .send(types::GraphOperationUserOp::Add, &options, false)
            .await
    }
}

impl Dissociate {
    /// Sends the removal. Fails with a 404 [`Error::Api`] if there is no
    /// such association ([`Error::is_not_found`]).
    pub async fn send(self) -> Result<(), Error> {
        let options = self.options.check()?;
        self.change
            .send(types::GraphOperationUserOp::Remove, &options, false)
            .await
    }
}

impl UpdateAssociation {
    /// Sends the update. An update that sets nothing is
    /// [`Error::InvalidInput`]. An update is idempotent, so it retries under
    /// the client's policy.
    pub async fn send(self) -> Result<(), Error> {
        let options = self.options.check()?;
        if self.change.sudo.is_none() {
            return Err(Error::invalid("update", "nothing to update: set .sudo(..)"));
        }
        self.change
            .send(types::GraphOperationUserOp::Update, &options, true)
            .await
    }
}

impl EnsureAssociated {
    /// Adds the association; a 409 means it exists, and then, if
    /// [`sudo`](Self::sudo) was given, its attributes are set with an
    /// update so the result matches what was asked.
    pub async fn send(self) -> Result<Ensured, Error> {
        let options = self.options.check()?;
        match self
            .change
            .send(types::GraphOperationUserOp::Add, &options, true)
            .await
        {
            Ok(()) => Ok(Ensured::Created),
            Err(error) if error.is_conflict() => match self.change.sudo {
                Some(_) => {
                    self.change
                        .send(types::GraphOperationUserOp::Update, &options, true)
                        .await?;
                    Ok(Ensured::Updated)
                }
                None => Ok(Ensured::AlreadyAssociated),
            },
            Err(error) => Err(error),
        }
    }
}

impl EnsureDissociated {
    /// Removes the association; a 404 means it is already gone. (JumpCloud
    /// also answers 404 for an unknown user, which this cannot tell apart.)
    pub async fn send(self) -> Result<Ensured, Error> {
        let options = self.options.check()?;
        match self
            .change
            .send(types::GraphOperationUserOp::Remove, &options, true)
            .await
        {
            Ok(()) => Ok(Ensured::Removed),
            Err(error) if error.is_not_found() => Ok(Ensured::AlreadyAbsent),
            Err(error) => Err(error),
        }
    }
}

sudo_setter!(Associate);
sudo_setter!(UpdateAssociation);
sudo_setter!(EnsureAssociated);
await_sends!(Associate, ());
await_sends!(Dissociate, ());
await_sends!(UpdateAssociation, ());
await_sends!(EnsureAssociated, Ensured);
await_sends!(EnsureDissociated, Ensured);
request_options!(Associate, write_retry_doc!());
request_options!(Dissociate, write_retry_doc!());
request_options!(
    UpdateAssociation,
    "The retry policy for this update instead of the client's (an update is safe to repeat)."
);
request_options!(
    EnsureAssociated,
    "The retry policy for this call instead of the client's (safe to repeat: 409 counts as done)."
);
request_options!(
    EnsureDissociated,
    "The retry policy for this call instead of the client's (safe to repeat: 404 counts as done)."
);
