//! The five writes of a user's direct association with an object
//! (`POST /users/{id}/associations`): [`Associate`] (`op: add`),
//! [`Dissociate`] (`op: remove`), [`UpdateAssociation`] (`op: update`), and
//! the idempotent [`EnsureAssociated`] and [`EnsureDissociated`].

use jumpcloud_graph_openapi::types::{
    GraphAttributeSudo, GraphAttributeSudoSudo, GraphOperationUser, GraphOperationUserOp as Op,
};

use super::{Ensured, WriteCore, write_settings};
use crate::ops::{operations, requests};
use crate::options::Checked;
use crate::{AssociationTarget, Error, ObjectId, RetryPolicy, Sudo};

/// The parts every association change has.
#[derive(Clone, Debug)]
pub(crate) struct Change {
    target: AssociationTarget,
    id: ObjectId,
    sudo: Option<Sudo>,
}

impl Change {
    /// A change of the association with object `id` of type `target`;
    /// an invalid-input error when this version cannot send the target.
    pub(crate) fn new(target: AssociationTarget, id: ObjectId) -> Result<Self, Error> {
        target.to_wire_operation_type()?;
        Ok(Self {
            target,
            id,
            sudo: None,
        })
    }

    /// Checks the change and returns the body to send.
    fn body(&self, op: Op) -> Result<GraphOperationUser, Error> {
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
        let attributes = self.sudo.map(|sudo| GraphAttributeSudo {
            sudo: Some(GraphAttributeSudoSudo {
                enabled: sudo.enabled(),
                without_password: sudo.without_password(),
            }),
        });
        Ok(GraphOperationUser {
            attributes,
            id: self.id.to_string(),
            op,
            type_,
        })
    }

    /// Sends the change as `op`; `idempotent` lets the client's retry
    /// policy apply.
    async fn send(
        &self,
        core: &WriteCore,
        op: Op,
        options: &Checked,
        idempotent: bool,
    ) -> Result<(), Error> {
        let body = self.body(op)?;
        let operation = operations::GRAPH_USER_ASSOCIATIONS_POST;
        core.send(operation, idempotent, options, |base_url, user, org| {
            requests::graph_user_associations_post(base_url, user, org, &body)
        })
        .await
    }

    /// Sends an idempotent form of the change: `Ok(true)` when the server
    /// applied it, `Ok(false)` when it answered with the error that means
    /// it was already so (`already`: 409 for an add, 404 for a removal).
    async fn send_unless_already(
        &self,
        core: &WriteCore,
        op: Op,
        options: &Checked,
        already: fn(&Error) -> bool,
    ) -> Result<bool, Error> {
        match self.send(core, op, options, true).await {
            Ok(()) => Ok(true),
            Err(error) if already(&error) => Ok(false),
            Err(error) => Err(error),
        }
    }

    /// `op: update`, which needs something to update; retried.
    async fn update(&self, core: &WriteCore, options: &Checked) -> Result<(), Error> {
        if self.sudo.is_none() {
            return Err(Error::invalid("update", "nothing to update: set .sudo(..)"));
        }
        self.send(core, Op::Update, options, true).await
    }

    /// Adds the association; a 409 means it exists, and then, if sudo was
    /// given, its attributes are set with an update so the result matches
    /// what was asked.
    async fn ensure_added(&self, core: &WriteCore, options: &Checked) -> Result<Ensured, Error> {
        if self
            .send_unless_already(core, Op::Add, options, Error::is_conflict)
            .await?
        {
            Ok(Ensured::Created)
        } else if self.sudo.is_none() {
            Ok(Ensured::AlreadyAssociated)
        } else {
            self.update(core, options).await?;
            Ok(Ensured::Updated)
        }
    }

    /// Removes the association; a 404 means it is already gone. (JumpCloud
    /// also answers 404 for an unknown user, which this cannot tell apart.)
    async fn ensure_removed(&self, core: &WriteCore, options: &Checked) -> Result<Ensured, Error> {
        if self
            .send_unless_already(core, Op::Remove, options, Error::is_not_found)
            .await?
        {
            Ok(Ensured::Removed)
        } else {
            Ok(Ensured::AlreadyAbsent)
        }
    }
}

/// The `sudo` setter of the writes that send attributes, one text for all
/// three.
macro_rules! sudo_setter {
    () => {
        /// Sudo rights on the device (system and system group associations
        /// only; anything else is an invalid-input error before sending).
        pub fn sudo(mut self, sudo: Sudo) -> Self {
            self.change.sudo = Some(sudo);
            self
        }
    };
}

/// Binds a user directly to an object (`op: add`); made by
/// [`User::associate`](crate::User::associate). Sent once unless you opt
/// into retries.
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
pub struct Associate {
    core: WriteCore,
    change: Change,
}

impl Associate {
    pub(crate) fn new(core: WriteCore, change: Change) -> Self {
        Self { core, change }
    }

    sudo_setter!();

    /// The retry policy for this add. It is otherwise sent exactly once:
    /// were its response lost after the server applied it, a repeat would
    /// answer 409. [`User::ensure_associated`](crate::User::ensure_associated)
    /// retries safely instead.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.core.options.set_retry(policy);
        self
    }

    /// Sends the add. 409 if the association exists
    /// ([`Error::is_conflict`]).
    pub async fn send(self) -> Result<(), Error> {
        let options = self.core.checked()?;
        self.change.send(&self.core, Op::Add, &options, false).await
    }
}

write_settings!(Associate -> ());

/// Removes a user's direct association with an object (`op: remove`);
/// made by [`User::dissociate`](crate::User::dissociate). Sent once unless
/// you opt into retries.
#[derive(Debug)]
#[must_use = "a write does nothing until sent or awaited"]
pub struct Dissociate {
    core: WriteCore,
    change: Change,
}

impl Dissociate {
    pub(crate) fn new(core: WriteCore, change: Change) -> Self {
        Self { core, change }
    }

    /// The retry policy for this removal. It is otherwise sent exactly
    /// once: were its response lost after the server applied it, a repeat
    /// would answer 404.
    /// [`User::ensure_dissociated`](crate::User::ensure_dissociated)
    /// retries safely instead.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.core.options.set_retry(policy);
        self
    }

    /// Sends the removal. 404 if there is no such association
    /// ([`Error::is_not_found`]).
    pub async fn send(self) -> Result<(), Error> {
        let options = self.core.checked()?;
        self.change
            .send(&self.core, Op::Remove, &options, false)
            .await
    }
}

write_settings!(Dissociate -> ());

/// Changes the attributes (sudo) of a user's existing direct association
/// (`op: update`); made by
/// [`User::update_association`](crate::User::update_association). Safe to
/// repeat, so it retries under the client's policy.
///
/// ```no_run
/// # async fn demo(user: jumpcloud_graph::User) -> Result<(), jumpcloud_graph::Error> {
/// use jumpcloud_graph::{AssociationTarget, Sudo};
///
/// user.update_association(AssociationTarget::System, "60aa11bb22cc33dd44ee5500")?
///     .sudo(Sudo::WithoutPassword)
///     .await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
#[must_use = "a write does nothing until sent or awaited"]
pub struct UpdateAssociation {
    core: WriteCore,
    change: Change,
}

impl UpdateAssociation {
    pub(crate) fn new(core: WriteCore, change: Change) -> Self {
        Self { core, change }
    }

    sudo_setter!();

    /// The retry policy for this update instead of the client's (under
    /// which it retries: repeating it is harmless).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.core.options.set_retry(policy);
        self
    }

    /// Sends the update. Without [`sudo`](Self::sudo) there is nothing to
    /// update: an invalid-input error, before anything is sent.
    pub async fn send(self) -> Result<(), Error> {
        let options = self.core.checked()?;
        self.change.update(&self.core, &options).await
    }
}

write_settings!(UpdateAssociation -> ());

/// Makes sure a user's direct association with an object exists; made by
/// [`User::ensure_associated`](crate::User::ensure_associated). A 409
/// counts as done, so it is safe to retry and retries under the client's
/// policy.
#[derive(Debug)]
#[must_use = "a write does nothing until sent or awaited"]
pub struct EnsureAssociated {
    core: WriteCore,
    change: Change,
}

impl EnsureAssociated {
    pub(crate) fn new(core: WriteCore, change: Change) -> Self {
        Self { core, change }
    }

    sudo_setter!();

    /// The retry policy for this write instead of the client's (under
    /// which it retries: repeating it is harmless).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.core.options.set_retry(policy);
        self
    }

    /// Sends the add, and says what it found: [`Ensured::Created`], or,
    /// when the association existed, [`Ensured::AlreadyAssociated`], or
    /// [`Ensured::Updated`] once the sudo given was set on it.
    pub async fn send(self) -> Result<Ensured, Error> {
        let options = self.core.checked()?;
        self.change.ensure_added(&self.core, &options).await
    }
}

write_settings!(EnsureAssociated -> Ensured);

/// Makes sure a user's direct association with an object is gone; made by
/// [`User::ensure_dissociated`](crate::User::ensure_dissociated). A 404
/// counts as done, so it is safe to retry and retries under the client's
/// policy.
#[derive(Debug)]
#[must_use = "a write does nothing until sent or awaited"]
pub struct EnsureDissociated {
    core: WriteCore,
    change: Change,
}

impl EnsureDissociated {
    pub(crate) fn new(core: WriteCore, change: Change) -> Self {
        Self { core, change }
    }

    /// The retry policy for this write instead of the client's (under
    /// which it retries: repeating it is harmless).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.core.options.set_retry(policy);
        self
    }

    /// Sends the removal, and says what it found: [`Ensured::Removed`], or
    /// [`Ensured::AlreadyAbsent`] when JumpCloud answered 404 (which it
    /// also does for an unknown user).
    pub async fn send(self) -> Result<Ensured, Error> {
        let options = self.core.checked()?;
        self.change.ensure_removed(&self.core, &options).await
    }
}

write_settings!(EnsureDissociated -> Ensured);
