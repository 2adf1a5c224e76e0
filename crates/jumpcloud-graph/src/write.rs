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
use jumpcloud_graph_openapi::types;

use crate::ops::{operations, requests};
use crate::options::{Checked, RequestOptions, org_and_timeout_setters};
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
        let call = crate::transport::Call::on_user(
            operations::GRAPH_USER_ASSOCIATIONS_POST,
            *user.id(),
            idempotent,
        );
        let org = options.org_header();
        let request = requests::graph_user_associations_post(
            client.base_url(),
            &user.id().to_string(),
            org.as_deref(),
            &body,
        )
        .map_err(|error| client.request_error(&error))?;
        client.execute(&call, request, options).await.map(|_| ())
    }
}

impl op::Change {
    /// Sends an idempotent form of the change: `Ok(true)` when the server
    /// applied it, `Ok(false)` when it answered with the error that means
    /// it was already so (`already`: 409 for an add, 404 for a removal).
    async fn send_unless_already(
        &self,
        user: &User,
        op: types::GraphOperationUserOp,
        options: &Checked,
        already: fn(&Error) -> bool,
    ) -> Result<bool, Error> {
        match self.send(user, op, options, true).await {
            Ok(()) => Ok(true),
            Err(error) if already(&error) => Ok(false),
            Err(error) => Err(error),
        }
    }

    /// `op: update`, which needs something to update; retried.
    async fn update(&self, user: &User, options: &Checked) -> Result<(), Error> {
        if self.sudo.is_none() {
            return Err(Error::invalid("update", "nothing to update: set .sudo(..)"));
        }
        self.send(user, types::GraphOperationUserOp::Update, options, true)
            .await
    }

    /// Adds the association; a 409 means it exists, and then, if sudo was
    /// given, its attributes are set with an update so the result matches
    /// what was asked.
    async fn ensure_added(&self, user: &User, options: &Checked) -> Result<Ensured, Error> {
        let add = types::GraphOperationUserOp::Add;
        if self
            .send_unless_already(user, add, options, Error::is_conflict)
            .await?
        {
            Ok(Ensured::Created)
        } else if self.sudo.is_none() {
            Ok(Ensured::AlreadyAssociated)
        } else {
            self.update(user, options).await?;
            Ok(Ensured::Updated)
        }
    }

    /// Removes the association; a 404 means it is already gone. (JumpCloud
    /// also answers 404 for an unknown user, which this cannot tell apart.)
    async fn ensure_removed(&self, user: &User, options: &Checked) -> Result<Ensured, Error> {
        let remove = types::GraphOperationUserOp::Remove;
        if self
            .send_unless_already(user, remove, options, Error::is_not_found)
            .await?
        {
            Ok(Ensured::Removed)
        } else {
            Ok(Ensured::AlreadyAbsent)
        }
    }
}

/// `POST /users/{id}/emails` with `emailType: activation`.
async fn send_activation(user: &User, options: &Checked) -> Result<(), Error> {
    let client = user.client();
    let call = crate::transport::Call::on_user(operations::USERS_SEND_EMAILS, *user.id(), false);
    let org = options.org_header();
    let body = types::Emailrequest {
        email_type: Some(types::EmailrequestEmailType::Activation),
    };
    let request = requests::users_send_emails(
        client.base_url(),
        &user.id().to_string(),
        org.as_deref(),
        &body,
    )
    .map_err(|error| client.request_error(&error))?;
    client.execute(&call, request, options).await.map(|_| ())
}

/// Each write type sends through one of the functions above: `$send` is
/// an expression over the names given for the operation, the user and the
/// options.
macro_rules! write_operations {
    ($($op:ident -> $output:ty = |$this:ident, $user:ident, $options:ident| $send:expr;)*) => {$(
        impl WriteOperation for op::$op {
            type Output = $output;
            fn send(self, user: User, options: Checked) -> BoxFuture<'static, Result<$output, Error>> {
                let ($this, $user, $options) = (self, user, options);
                async move { $send.await }.boxed()
            }
        }
    )*};
}

write_operations! {
    Add -> () = |op, user, options| op.0.send(&user, types::GraphOperationUserOp::Add, &options, false);
    Remove -> () = |op, user, options| op.0.send(&user, types::GraphOperationUserOp::Remove, &options, false);
    Update -> () = |op, user, options| op.0.update(&user, &options);
    EnsureAdded -> Ensured = |op, user, options| op.0.ensure_added(&user, &options);
    EnsureRemoved -> Ensured = |op, user, options| op.0.ensure_removed(&user, &options);
    SendActivation -> () = |_op, user, options| send_activation(&user, &options);
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

    /// The retry policy for this write. A plain add, remove or activation
    /// email is otherwise sent exactly once, because a response lost after
    /// the server applied it would make a repeat fail (409 for an add, 404
    /// for a removal) or act twice: prefer the `ensure_*` writes, which
    /// retry safely under the client's policy (as `update` does).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.options.set_retry(policy);
        self
    }

    org_and_timeout_setters!(
        sent: "the write is sent",
        attempt: "one attempt",
    );

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
