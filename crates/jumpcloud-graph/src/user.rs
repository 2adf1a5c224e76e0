//! A handle on one user: every operation of the user graph starts here.

use crate::access;
use crate::list::{AssociationList, MemberOf, Traversal};
use crate::write::{
    ActivationEmail, Associate, Change, Dissociate, EnsureAssociated, EnsureDissociated,
    UpdateAssociation, WriteCore,
};
use crate::{
    AccessReport, AssociationTarget, Client, Error, Explanation, GraphNode, NodeId, ObjectId,
    RevokePlan, TraversalKind,
};

/// The nine named traversals, each `traverse(TraversalKind::…)` with its
/// own doc (written where the macro is used, so the docs read in source).
macro_rules! named_traversals {
    ($($(#[$doc:meta])* $name:ident => $kind:ident,)*) => {$(
        $(#[$doc])*
        pub fn $name(&self) -> Traversal {
            self.traverse(TraversalKind::$kind)
        }
    )*};
}

/// The association writes: each checks the target and id at once and
/// makes its write type; docs are written where the macro is used.
macro_rules! association_writes {
    ($($(#[$doc:meta])* $name:ident => $builder:ident;)*) => {$(
        $(#[$doc])*
        pub fn $name<I>(&self, target: AssociationTarget, id: I) -> Result<$builder, Error>
        where
            I: TryInto<ObjectId>,
            I::Error: Into<Error>,
        {
            let (core, change) = self.association_change(target, id)?;
            Ok($builder::new(core, change))
        }
    )*};
}

/// One user, by id, with a client to ask about it. Cheap to clone.
///
/// ```no_run
/// # async fn demo(client: jumpcloud_graph::Client) -> Result<(), jumpcloud_graph::Error> {
/// use futures::TryStreamExt;
/// use jumpcloud_graph::{AssociationTarget, Filter, Sort, Sudo};
///
/// let user = client.user("5f1b0c2e9c1a4b0012345678")?;
///
/// // Everything bound to the user, with the paths that grant it.
/// let mut systems = user.systems().filter(Filter::eq("os", "Ubuntu")).stream();
/// while let Some(system) = systems.try_next().await? {
///     println!("{} {:?} {:?}", system.id(), system.grants(), system.sudo());
/// }
///
/// // The user's groups, and direct associations.
/// let groups = user.member_of().sort(Sort::asc("name")).try_collect().await?;
/// let direct = user
///     .associations([AssociationTarget::System, AssociationTarget::SystemGroup])
///     .try_collect()
///     .await?;
///
/// // Writes: ids are checked when the write is made.
/// user.associate(AssociationTarget::SystemGroup, "60aa11bb22cc33dd44ee55ff")?
///     .sudo(Sudo::WithPassword)
///     .await?;
/// user.dissociate(AssociationTarget::System, "60aa11bb22cc33dd44ee5500")?.await?;
/// user.send_activation_email().await?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct User {
    client: Client,
    id: ObjectId,
}

impl Client {
    /// A handle on one user. The id must be an ObjectID (24 hexadecimal
    /// digits).
    ///
    /// # Errors
    ///
    /// An invalid-input error naming the `user id`, at once; nothing is
    /// sent.
    ///
    /// ```
    /// # let client = jumpcloud_graph::Client::builder().api_key("0123456789abcdef0123").build()?;
    /// assert!(client.user("5f1b0c2e9c1a4b0012345678").is_ok());
    /// assert_eq!(client.user("jdoe").unwrap_err().field(), Some("user id"));
    /// # Ok::<(), jumpcloud_graph::Error>(())
    /// ```
    pub fn user<I>(&self, id: I) -> Result<User, Error>
    where
        I: TryInto<ObjectId>,
        I::Error: Into<Error>,
    {
        let id = id.try_into().map_err(|e| e.into().for_field("user id"))?;
        Ok(User {
            client: self.clone(),
            id,
        })
    }
}

impl User {
    /// The user's id.
    pub fn id(&self) -> &ObjectId {
        &self.id
    }

    /// The user as a graph node (where every path starts).
    pub fn node(&self) -> GraphNode {
        crate::model::user_node(self.id)
    }

    /// The client this handle uses.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Everything of `kind` bound to the user, directly or through groups
    /// (`GET /users/{id}/<kind>`).
    pub fn traverse(&self, kind: TraversalKind) -> Traversal {
        Traversal::new(self.client.clone(), self.id, kind)
    }

    named_traversals! {
        /// SSO applications bound to the user (`graph_userTraverseApplication`).
        applications => Application,
        /// Directories (Active Directory, G Suite, Office 365, LDAP) bound to
        /// the user (`graph_userTraverseDirectory`).
        directories => Directory,
        /// Google Workspace instances bound to the user (`graph_userTraverseGSuite`).
        gsuites => GSuite,
        /// LDAP servers bound to the user (`graph_userTraverseLdapServer`).
        ldap_servers => LdapServer,
        /// Microsoft 365 instances bound to the user (`graph_userTraverseOffice365`).
        office365s => Office365,
        /// RADIUS servers bound to the user (`graph_userTraverseRadiusServer`).
        radius_servers => RadiusServer,
        /// Devices bound to the user, directly, through user groups or through
        /// device groups (`graph_userTraverseSystem`).
        systems => System,
        /// Device groups bound to the user (`graph_userTraverseSystemGroup`).
        system_groups => SystemGroup,
        /// Active Directory instances bound to the user
        /// (`graph_userTraverseActiveDirectory`); `directories()` lists them
        /// too, among the other directories.
        active_directories => ActiveDirectory,
    }

    /// The user groups the user is a member of (`graph_userMemberOf`).
    pub fn member_of(&self) -> MemberOf {
        MemberOf::new(self.client.clone(), self.id)
    }

    /// The user's *direct* associations with objects of the given types
    /// (`graph_userAssociationsList`), one request per target, merged in the
    /// order given. At least one target is required.
    pub fn associations<I>(&self, targets: I) -> AssociationList
    where
        I: IntoIterator<Item = AssociationTarget>,
    {
        AssociationList::new(self.client.clone(), self.id, targets.into_iter().collect())
    }

    association_writes! {
        /// Binds the user directly to an object (`op: add`). Sent once unless
        /// you opt into retries; 409 if the association exists.
        ///
        /// # Errors
        ///
        /// An invalid-input error, at once, when `id` is not an ObjectID or the
        /// target cannot be sent by this version of the crate.
        associate => Associate;
        /// Removes a direct association (`op: remove`). Sent once unless you opt
        /// into retries; 404 if there is none.
        ///
        /// # Errors
        ///
        /// As for [`associate`](Self::associate).
        dissociate => Dissociate;
        /// Changes the attributes (sudo) of an existing direct association
        /// (`op: update`); safe to repeat, so it retries.
        ///
        /// # Errors
        ///
        /// As for [`associate`](Self::associate).
        update_association => UpdateAssociation;
        /// Makes sure the association exists: 409 counts as done, so this is
        /// safe to retry and retries under the client's policy.
        ///
        /// # Errors
        ///
        /// As for [`associate`](Self::associate).
        ensure_associated => EnsureAssociated;
        /// Makes sure the association is gone: 404 counts as done, so this is
        /// safe to retry and retries under the client's policy.
        ///
        /// # Errors
        ///
        /// As for [`associate`](Self::associate).
        ensure_dissociated => EnsureDissociated;
    }

    /// Sends the user an activation email (`users_sendEmails`).
    ///
    /// JumpCloud no longer lists this operation in its public API
    /// documentation (the 2019 spec marked it non-public and later specs
    /// keep only its path), so it may change without notice. Sent once
    /// unless you opt into retries.
    pub fn send_activation_email(&self) -> ActivationEmail {
        ActivationEmail::new(WriteCore::new(self.client.clone(), self.id))
    }

    /// Why the user reaches the object `id` that the `kind` traversal
    /// lists: every path with its classification and its own sudo, the
    /// effective sudo under JumpCloud's documented rules and the path
    /// that decides it, and the server's `compiledAttributes`
    /// ([`Explanation`]). `None` when the object is not bound to the user.
    ///
    /// Reads the traversal until the object is found.
    ///
    /// ```no_run
    /// # async fn demo(user: jumpcloud_graph::User) -> Result<(), jumpcloud_graph::Error> {
    /// use jumpcloud_graph::TraversalKind;
    ///
    /// let ex = user.explain(TraversalKind::System, "653000000000000000000004").await?.expect("bound");
    /// println!("{ex}"); // every path, the deciding one marked
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// An invalid-input error, before any request, when `id` is not an
    /// ObjectID; otherwise the traversal's errors.
    pub fn explain<I>(
        &self,
        kind: TraversalKind,
        id: I,
    ) -> impl Future<Output = Result<Option<Explanation>, Error>> + Send + 'static
    where
        I: TryInto<ObjectId>,
        I::Error: Into<Error>,
    {
        self.about(object_id(id), move |user, id| async move {
            access::find_bound(&user, kind, &id).await
        })
    }

    /// Every object of `kind` bound to the user, each explained as
    /// [`explain`](Self::explain) would (paths, their sudo, the effective
    /// sudo and the deciding path), from one traversal.
    ///
    /// ```no_run
    /// # async fn demo(user: jumpcloud_graph::User) -> Result<(), jumpcloud_graph::Error> {
    /// use jumpcloud_graph::TraversalKind;
    ///
    /// for explained in user.explain_all(TraversalKind::System).await? {
    ///     println!("{}: {}", explained.id(), explained.effective_sudo());
    /// }
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// The traversal's errors.
    pub fn explain_all(
        &self,
        kind: TraversalKind,
    ) -> impl Future<Output = Result<Vec<Explanation>, Error>> + Send + 'static {
        let user = self.clone();
        async move { access::explain_all(&user, kind).await }
    }

    /// A plan that takes the object `id` (listed by the `kind` traversal)
    /// away from the user completely: a smallest set of edges whose removal
    /// leaves no path granting it, preferring edges this crate can remove,
    /// each with the JumpCloud operation that removes it and what else the
    /// user would lose ([`RevokePlan`]). Nothing is changed until
    /// [`RevokePlan::apply`]. An object the user does not reach gives an
    /// empty plan.
    ///
    /// Reads the user's whole [access report](Self::access_report) (ten
    /// lists, concurrently) to compute what else each step takes away.
    ///
    /// ```no_run
    /// # async fn demo(user: jumpcloud_graph::User) -> Result<(), jumpcloud_graph::Error> {
    /// use jumpcloud_graph::TraversalKind;
    ///
    /// let plan = user.revoke_plan(TraversalKind::System, "653000000000000000000004").await?;
    /// println!("{plan}"); // steps, what remains after apply, warnings
    /// let done = plan.apply().await?;
    /// assert_eq!(done.still_granted(), plan.still_granted_after_apply());
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// As for [`explain`](Self::explain).
    pub fn revoke_plan<I>(
        &self,
        kind: TraversalKind,
        id: I,
    ) -> impl Future<Output = Result<RevokePlan, Error>> + Send + 'static
    where
        I: TryInto<ObjectId>,
        I::Error: Into<Error>,
    {
        self.about(object_id(id), move |user, id| async move {
            let report = AccessReport::fetch(&user).await?;
            Ok(RevokePlan::new(user, kind, id, &report))
        })
    }

    /// Everything bound to the user across the nine traversals, and the
    /// user's groups, each with its paths, their classification and the
    /// effective sudo ([`AccessReport`]). The ten lists are fetched
    /// concurrently, within the client's `max_in_flight` and `rate_limit`.
    ///
    /// ```no_run
    /// # async fn demo(user: jumpcloud_graph::User) -> Result<(), jumpcloud_graph::Error> {
    /// let report = user.access_report().await?;
    /// println!("{report}"); // one line per object: sudo and how it is granted
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// The first error of the ten lists.
    pub fn access_report(
        &self,
    ) -> impl Future<Output = Result<AccessReport, Error>> + Send + 'static {
        let user = self.clone();
        async move { AccessReport::fetch(&user).await }
    }
}

/// An object id, checked now; the error names the field.
/// `id` as an ObjectID, or the invalid-input error that names it.
fn object_id<I>(id: I) -> Result<ObjectId, Error>
where
    I: TryInto<ObjectId>,
    I::Error: Into<Error>,
{
    id.try_into().map_err(|e| e.into().for_field("object id"))
}

impl User {
    /// Runs `then` with this user and `id` as a graph node's, once `id`
    /// (checked by the caller, before any request) is known to be valid.
    fn about<T, F, Fut>(
        &self,
        id: Result<ObjectId, Error>,
        then: F,
    ) -> impl Future<Output = Result<T, Error>> + Send + 'static
    where
        F: FnOnce(User, NodeId) -> Fut + Send + 'static,
        Fut: Future<Output = Result<T, Error>> + Send,
    {
        let user = self.clone();
        async move { then(user, NodeId::from(id?)).await }
    }

    /// The core and the change of an association write, the id and the
    /// target checked now.
    fn association_change<I>(
        &self,
        target: AssociationTarget,
        id: I,
    ) -> Result<(WriteCore, Change), Error>
    where
        I: TryInto<ObjectId>,
        I::Error: Into<Error>,
    {
        let id = id.try_into().map_err(|e| e.into().for_field("target id"))?;
        let change = Change::new(target, id)?;
        Ok((WriteCore::new(self.client.clone(), self.id), change))
    }
}
