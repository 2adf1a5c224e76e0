//! The writes, as one builder: [`Write<Op>`](Write), where `Op` is the
//! write (an association change in one of five modes, or the activation
//! email). Send it with `.send()` or `.await`.
//!
//! A plain add or remove is sent once: if its response is lost after the
//! server applied it, a repeat would answer 409 or 404 (or act twice), so
//! retrying is the caller's decision. The `ensure_*` forms treat 409 (for an
//! add) and 404 (for a removal) as success, which makes a repeat harmless,
//! so they retry under the client's policy, and so does `update`.

use std::future::IntoFuture;
use std::time::Duration;

use futures::FutureExt;
use futures::future::BoxFuture;
use jumpcloud_graph_openapi::{self as openapi, types};

use crate::ops::operations;
use crate::options::{Checked, RequestOptions};
use crate::{AssociationTarget, Error, ObjectId, OrgId, RetryPolicy, Sudo, User};

/// A write to the user graph, ready to send; made by [`User::associate`],
/// [`User::dissociate`], [`User::update`], [`User::ensure_associated`],
/// [`User::ensure_dissociated`] and [`User::send_activation_email`]. The
/// friendly names are aliases: [`Associate`], [`Dissociate`],
/// [`UpdateAssociation`], [`EnsureAssociated`], [`EnsureDissociated`],
/// [`ActivationEmail`].
///
/// ```no_run
/// # async fn demo(user: jumpcloud_graph::User) -> Result<(), jumpcloud_graph::Error> {
/// use jumpcloud_graph::{AssociationTarget, Sudo};
///
/// user.associate(AssociationTarget::SystemGroup, "60aa11bb22cc33dd44ee55ff")?
///     .sudo(Sudo::WithPassword)
///     .await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
#[must_use = "a write does nothing until sent or awaited"]
pub struct Write<Op> {
    user: User,
    op: Op,
    options: RequestOptions,
}

/// Binds a user directly to an object (`op: add`).
pub type Associate = Write<op::Add>;
/// Removes a direct association (`op: remove`).
pub type Dissociate = Write<op::Remove>;
/// Changes the attributes of an existing direct association (`op: update`).
pub type UpdateAssociation = Write<op::Update>;
/// Makes sure a direct association exists.
pub type EnsureAssociated = Write<op::EnsureAdded>;
/// Makes sure a direct association is gone.
pub type EnsureDissociated = Write<op::EnsureRemoved>;
/// Sends a user the activation email.
pub type ActivationEmail = Write<op::SendActivation>;

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

/// The writes [`Write`] is parameterised by.
pub mod op {
    use crate::{AssociationTarget, ObjectId, Sudo};

    /// The parts every association change has.
    #[derive(Clone, Debug)]
    pub struct Change {
        pub(crate) target: AssociationTarget,
        pub(crate) id: ObjectId,
        pub(crate) sudo: Option<Sudo>,
    }

    /// `op: add`, sent once.
    #[derive(Clone, Debug)]
    pub struct Add(pub(crate) Change);
    /// `op: remove`, sent once.
    #[derive(Clone, Debug)]
    pub struct Remove(pub(crate) Change);
    /// `op: update`, retried (repeating it is harmless).
    #[derive(Clone, Debug)]
    pub struct Update(pub(crate) Change);
    /// `op: add`, where 409 counts as done; retried.
    #[derive(Clone, Debug)]
    pub struct EnsureAdded(pub(crate) Change);
    /// `op: remove`, where 404 counts as done; retried.
    #[derive(Clone, Debug)]
    pub struct EnsureRemoved(pub(crate) Change);
    /// `POST /users/{id}/emails` with `emailType: activation`, sent once.
    #[derive(Clone, Debug)]
    pub struct SendActivation;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::op::Add {}
    impl Sealed for super::op::Remove {}
    impl Sealed for super::op::Update {}
    impl Sealed for super::op::EnsureAdded {}
    impl Sealed for super::op::EnsureRemoved {}
    impl Sealed for super::op::SendActivation {}
}

/// A write of the user graph; implemented by the types in [`op`](crate::op)
/// only. Its
/// hidden method is how [`Write`] sends; it is not part of the public API.
pub trait WriteOperation: sealed::Sealed + Send + 'static {
    /// What a successful write returns.
    type Output: Send + 'static;

    /// Sends the write.
    #[doc(hidden)]
    fn send(self, user: User, options: Checked) -> BoxFuture<'static, Result<Self::Output, Error>>;
}

/// The writes that take sudo rights: add, update and ensure-added.
pub trait TakesSudo: WriteOperation {
    /// Sets the sudo rights to send.
    #[doc(hidden)]
    fn set_sudo(&mut self, sudo: Sudo);
}

impl op::Change {
    pub(crate) fn new(target: AssociationTarget, id: ObjectId) -> Result<Self, Error> {
        target.to_wire_operation_type()?;
        Ok(Self {
            target,
            id,
            sudo: None,
        })
    }

    /// Checks the change and returns the body to send.
    fn body(&self, op: types::GraphOperationUserOp) -> Result<types::GraphOperationUser, Error> {
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
            id: self.id.to_string(),
            op,
            type_,
        })
    }

    /// Sends one association change; `idempotent` lets the client's retry
    /// policy apply.
    async fn send(
        &self,
        user: &User,
        op: types::GraphOperationUserOp,
        options: &Checked,
        idempotent: bool,
    ) -> Result<(), Error> {
        let body = self.body(op)?;
        let client = user.client();
        let call = crate::ops::call(
            operations::GRAPH_USER_ASSOCIATIONS_POST,
            *user.id(),
            idempotent,
        );
        let org = options.org_header();
        let request = client.build_request(|low: &openapi::Client| {
            let request = low
                .graph_user_associations_post()
                .user_id(user.id().to_string())
                .body(body);
            match org {
                Some(org) => request.x_org_id(org).send().boxed_local(),
                None => request.send().boxed_local(),
            }
        })?;
        client.execute(&call, request, options).await.map(|_| ())
    }
}

impl op::Change {
    /// Sends the change once (a plain add or remove), as a future.
    fn send_once(
        self,
        user: User,
        op: types::GraphOperationUserOp,
        options: Checked,
    ) -> BoxFuture<'static, Result<(), Error>> {
        async move { self.send(&user, op, &options, false).await }.boxed()
    }
}

impl WriteOperation for op::Add {
    type Output = ();
    fn send(self, user: User, options: Checked) -> BoxFuture<'static, Result<(), Error>> {
        self.0
            .send_once(user, types::GraphOperationUserOp::Add, options)
    }
}

impl WriteOperation for op::Remove {
    type Output = ();
    fn send(self, user: User, options: Checked) -> BoxFuture<'static, Result<(), Error>> {
        self.0
            .send_once(user, types::GraphOperationUserOp::Remove, options)
    }
}

impl WriteOperation for op::Update {
    type Output = ();
    fn send(self, user: User, options: Checked) -> BoxFuture<'static, Result<(), Error>> {
        async move {
            if self.0.sudo.is_none() {
                return Err(Error::invalid("update", "nothing to update: set .sudo(..)"));
            }
            self.0
                .send(&user, types::GraphOperationUserOp::Update, &options, true)
                .await
        }
        .boxed()
    }
}

impl WriteOperation for op::EnsureAdded {
    type Output = Ensured;
    /// Adds the association; a 409 means it exists, and then, if sudo was
    /// given, its attributes are set with an update so the result matches
    /// what was asked.
    fn send(self, user: User, options: Checked) -> BoxFuture<'static, Result<Ensured, Error>> {
        async move {
            let add = types::GraphOperationUserOp::Add;
            match self.0.send(&user, add, &options, true).await {
                Ok(()) => Ok(Ensured::Created),
                Err(error) if error.is_conflict() => match self.0.sudo {
                    Some(_) => {
                        let update = types::GraphOperationUserOp::Update;
                        self.0.send(&user, update, &options, true).await?;
                        Ok(Ensured::Updated)
                    }
                    None => Ok(Ensured::AlreadyAssociated),
                },
                Err(error) => Err(error),
            }
        }
        .boxed()
    }
}

impl WriteOperation for op::EnsureRemoved {
    type Output = Ensured;
    /// Removes the association; a 404 means it is already gone. (JumpCloud
    /// also answers 404 for an unknown user, which this cannot tell apart.)
    fn send(self, user: User, options: Checked) -> BoxFuture<'static, Result<Ensured, Error>> {
        async move {
            let remove = types::GraphOperationUserOp::Remove;
            match self.0.send(&user, remove, &options, true).await {
                Ok(()) => Ok(Ensured::Removed),
                Err(error) if error.is_not_found() => Ok(Ensured::AlreadyAbsent),
                Err(error) => Err(error),
            }
        }
        .boxed()
    }
}

impl WriteOperation for op::SendActivation {
    type Output = ();
    fn send(self, user: User, options: Checked) -> BoxFuture<'static, Result<(), Error>> {
        async move {
            let client = user.client();
            let call = crate::ops::call(operations::USERS_SEND_EMAILS, *user.id(), false);
            let org = options.org_header();
            let request = client.build_request(|low: &openapi::Client| {
                let body = types::Emailrequest {
                    email_type: Some(types::EmailrequestEmailType::Activation),
                };
                let request = low
                    .users_send_emails()
                    .user_id(user.id().to_string())
                    .body(body);
                match org {
                    Some(org) => request.x_org_id(org).send().boxed_local(),
                    None => request.send().boxed_local(),
                }
            })?;
            client.execute(&call, request, &options).await.map(|_| ())
        }
        .boxed()
    }
}

impl TakesSudo for op::Add {
    fn set_sudo(&mut self, sudo: Sudo) {
        self.0.sudo = Some(sudo);
    }
}

impl TakesSudo for op::Update {
    fn set_sudo(&mut self, sudo: Sudo) {
        self.0.sudo = Some(sudo);
    }
}

impl TakesSudo for op::EnsureAdded {
    fn set_sudo(&mut self, sudo: Sudo) {
        self.0.sudo = Some(sudo);
    }
}

impl<Op: WriteOperation> Write<Op> {
    pub(crate) fn new(user: User, op: Op) -> Self {
        Self {
            user,
            op,
            options: RequestOptions::default(),
        }
    }

    /// Sends `x-org-id` with this organization instead of the client's
    /// default. An invalid id is an invalid-input error when the write is
    /// sent, before anything goes out.
    pub fn org_id<O>(mut self, org: O) -> Self
    where
        O: TryInto<OrgId>,
        O::Error: Into<Error>,
    {
        self.options.set_org(org);
        self
    }

    /// Sends no `x-org-id`, even if the client has a default.
    pub fn without_org_id(mut self) -> Self {
        self.options.omit_org();
        self
    }

    /// The retry policy for this write. A plain add, remove or activation
    /// email is otherwise sent exactly once, because a response lost after
    /// the server applied it would make a repeat fail (409 for an add, 404
    /// for a removal) or act twice: prefer the `ensure_*` writes, which
    /// retry safely under the client's policy (as `update` does).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.options.set_retry(policy);
        self
    }

    /// The time one attempt may take, headers and body, instead of the
    /// client's timeout (longer or shorter).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.set_timeout(timeout);
        self
    }

    /// Sends the write. Plain writes fail with the server's error (409 for
    /// an existing association, [`Error::is_conflict`]; 404 for a missing
    /// one, [`Error::is_not_found`]); `ensure_*` writes say what they found.
    pub async fn send(self) -> Result<Op::Output, Error> {
        let options = self.options.check(self.user.client())?;
        self.op.send(self.user, options).await
    }
}

impl<Op: TakesSudo> Write<Op> {
    /// Sudo rights on the device (system and system group associations
    /// only; anything else is an invalid-input error before sending).
    pub fn sudo(mut self, sudo: Sudo) -> Self {
        self.op.set_sudo(sudo);
        self
    }
}

impl<Op: WriteOperation> IntoFuture for Write<Op> {
    type Output = Result<Op::Output, Error>;
    type IntoFuture = BoxFuture<'static, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        self.send().boxed()
    }
}
