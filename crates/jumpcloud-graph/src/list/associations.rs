//! [`AssociationList`]: a user's direct associations with objects of some
//! types (`GET /users/{id}/associations?targets=..`).

use super::{ListCore, Listing, list_settings};
use crate::ops::{operations, requests};
use crate::{Association, AssociationTarget, Client, Error, ObjectId};

/// A user's *direct* associations with objects of the given types; made by
/// [`User::associations`](crate::User::associations). The stream promises
/// what [`Items`](crate::Items) says.
///
/// One listing per target: JumpCloud's spec declares `targets` a
/// comma-joined array and its own clients send one target per call;
/// neither form is verified for several values, so several targets are
/// several requests, read one after another in the order given (a target
/// given twice is read once). No target, or one this version of the crate
/// cannot send, is an invalid-input error as the stream's first item,
/// before any request.
///
/// ```no_run
/// # async fn demo(user: jumpcloud_graph::User) -> Result<(), jumpcloud_graph::Error> {
/// use jumpcloud_graph::AssociationTarget;
///
/// let direct = user
///     .associations([AssociationTarget::System, AssociationTarget::SystemGroup])
///     .try_collect()
///     .await?;
/// for association in direct {
///     println!("{} {:?}", association.target(), association.attributes().sudo());
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
#[must_use = "a list does nothing until streamed or collected"]
pub struct AssociationList {
    core: ListCore,
    targets: Vec<AssociationTarget>,
}

impl AssociationList {
    pub(crate) fn new(client: Client, user: ObjectId, targets: Vec<AssociationTarget>) -> Self {
        Self {
            core: ListCore::new(client, user),
            targets,
        }
    }

    list_settings!(Association);

    fn listings(&self) -> Result<Vec<Listing>, Error> {
        if self.targets.is_empty() {
            return Err(Error::invalid(
                "targets",
                "name at least one association target (JumpCloud requires `targets`)",
            ));
        }
        let mut targets: Vec<&AssociationTarget> = Vec::new();
        for target in &self.targets {
            target.to_wire_target()?;
            if !targets.contains(&target) {
                targets.push(target);
            }
        }
        targets
            .into_iter()
            .map(|target| {
                let wire = [target.to_wire_target()?];
                let operation = operations::GRAPH_USER_ASSOCIATIONS_LIST;
                Ok(Listing::new(operation, move |page| {
                    requests::graph_user_associations_list(
                        page.base_url,
                        page.user,
                        Some(i64::from(page.limit)),
                        Some(page.skip),
                        &wire,
                        page.org,
                    )
                }))
            })
            .collect()
    }
}
