//! Why a user can reach an object: every path, and the one that decides sudo.

use std::fmt;

use super::precedence::{self, SudoDecision};
use super::{AccessWarning, assumption};
use crate::model::NameTable;
use crate::{
    AssociationTarget, Assumption, Attributes, BoundObject, GrantPath, GraphNode, GraphType,
    NodeId, Resolved, Sudo,
};

/// Why a user is bound to one object: every path that grants it with its
/// classification and its own sudo, the effective sudo under JumpCloud's
/// documented rules (and the assumptions where they are silent) and the
/// path that decides it, and what the server
/// compiled (`compiledAttributes`). Made by
/// [`User::explain`](crate::User::explain) and found in an
/// [`AccessReport`](crate::AccessReport).
///
/// ```no_run
/// # async fn demo(user: jumpcloud_graph::User) -> Result<(), jumpcloud_graph::Error> {
/// use jumpcloud_graph::TraversalKind;
///
/// let ex = user
///     .explain(TraversalKind::System, "653000000000000000000004")
///     .await?
///     .expect("bound");
/// for path in ex.paths() {
///     println!("{}: {path}, sudo {:?}", path.kind(), path.sudo());
/// }
/// println!("effective sudo {} decided by {:?}", ex.effective_sudo(), ex.deciding_path());
/// if !ex.agrees_with_server() {
///     println!("but the server compiled {:?}", ex.compiled_sudo());
/// }
/// # Ok(())
/// # }
/// ```
///
/// # Sudo
///
/// A path's own sudo ([`GrantPath::sudo`]) is the own setting of a user
/// group on it, when one is on (JumpCloud: "Permissions set at the user
/// group level supersede any permissions previously set on the user
/// group's bind to a device group"), and otherwise the sudo attribute of
/// the edge nearest the object that has one; a path with neither does not
/// decide sudo. The effective sudo is decided by the paths of the strongest
/// [`Precedence`](crate::Precedence) that carry sudo ("Permissions that are
/// granted directly on a user supersede permissions granted at a user group
/// level"); among those, the most permissive wins. No path with sudo means
/// [`Sudo::Disabled`]. Where JumpCloud's documentation is silent the
/// explanation follows the README's "What explanations assume";
/// [`assumptions`](Self::assumptions) says which of those this one relied
/// on.
///
/// The user's global sudo flag (`sudo` / `passwordless_sudo` on the v1 user
/// record, outside the user graph's thirteen operations) can grant sudo on
/// every device the user reaches; an explanation of a device carries
/// [`AccessWarning::GlobalSudoNotVisible`] to say so.
///
/// # JSON
///
/// `{"user": node, "object": node, "paths": [path, ..], "effective_sudo":
/// sudo, "deciding_path": index | null, "compiled_attributes": {..} | null,
/// "compiled_sudo": sudo | null, "agrees_with_server": bool, "warnings":
/// [warning, ..]}`; `deciding_path` indexes `paths`, from 0;
/// `compiled_attributes` is `null` when the server sent `null` or none (the
/// bound object itself keeps the difference). Nodes, paths and
/// warnings are described on [`GraphNode`], [`GrantPath`] (in the crate's
/// JSON section) and [`AccessWarning`].
#[derive(Clone, Debug, PartialEq)]
pub struct Explanation {
    user: GraphNode,
    object: BoundObject,
    decision: SudoDecision,
    assumptions: Vec<Assumption>,
    warnings: Vec<AccessWarning>,
    /// Names for the JSON, when [`with_names`](Self::with_names) set them.
    names: Option<NameTable>,
}

impl Explanation {
    /// Explains `object` as traversed for `user`. `caveat` adds the global
    /// sudo warning to an explanation of a device.
    pub(crate) fn new(user: GraphNode, object: BoundObject, caveat: bool) -> Self {
        let decision = precedence::decide(object.paths());
        let assumptions = assumption::relied_on(object.paths(), &decision);
        let mut warnings = Vec::new();
        let server = object.sudo();
        if decision.sudo != server.unwrap_or(Sudo::Disabled) {
            warnings.push(AccessWarning::PrecedenceDisagrees {
                object: object.node().clone(),
                client: decision.sudo,
                server,
                assumptions: assumptions.clone(),
            });
        }
        if caveat && takes_sudo(object.kind()) {
            warnings.push(AccessWarning::GlobalSudoNotVisible);
        }
        Self {
            user,
            object,
            decision,
            assumptions,
            warnings,
            names: None,
        }
    }

    /// The explanation carrying `names`: its JSON then has `"name"` on
    /// every node the resolver named (the user, the object, each path's
    /// nodes), and [`name`](Self::name) answers.
    ///
    /// ```no_run
    /// # async fn demo(user: jumpcloud_graph::User) -> Result<(), jumpcloud_graph::Error> {
    /// use jumpcloud_graph::TraversalKind;
    ///
    /// for explanation in user.explain_all(TraversalKind::System).await? {
    ///     let nodes = explanation.paths().iter().flat_map(|p| p.nodes());
    ///     let names = user.client().names().resolve(nodes).await;
    ///     let explanation = explanation.with_names(&names);
    ///     println!("{}", explanation.name().unwrap_or("(unnamed)"));
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn with_names(mut self, names: &Resolved) -> Self {
        self.names = Some(names.table().clone());
        self
    }

    pub(crate) fn set_names(&mut self, names: &NameTable) {
        self.names = Some(names.clone());
    }

    /// The object's name, when [`with_names`](Self::with_names) gave one.
    pub fn name(&self) -> Option<&str> {
        self.names.as_ref()?.get(self.node())
    }

    /// The user the paths start at.
    pub fn user(&self) -> &GraphNode {
        &self.user
    }

    /// The object explained.
    pub fn node(&self) -> &GraphNode {
        self.object.node()
    }

    /// The object's id.
    pub fn id(&self) -> &NodeId {
        self.object.id()
    }

    /// The object as the traversal returned it.
    pub fn object(&self) -> &BoundObject {
        &self.object
    }

    /// Every path that grants the object, in the server's order; each has
    /// its [`kind`](GrantPath::kind) and its own [`sudo`](GrantPath::sudo).
    pub fn paths(&self) -> &[GrantPath] {
        self.object.paths()
    }

    /// The effective sudo under JumpCloud's documented rules and the
    /// README's assumptions (see the type's docs); [`Sudo::Disabled`] when
    /// no path carries sudo.
    pub fn effective_sudo(&self) -> Sudo {
        self.decision.sudo
    }

    /// The path that decides the effective sudo, or `None` when no path
    /// carries sudo.
    pub fn deciding_path(&self) -> Option<&GrantPath> {
        self.decision.deciding.and_then(|i| self.paths().get(i))
    }

    /// The index in [`paths`](Self::paths) of the deciding path.
    pub fn deciding_index(&self) -> Option<usize> {
        self.decision.deciding
    }

    /// The rules JumpCloud does not document that the effective sudo
    /// relied on: those that, read otherwise, could have given another
    /// sudo (see [`Assumption`] and the README's "What explanations
    /// assume"). Empty when the documented rules alone decide.
    pub fn assumptions(&self) -> &[Assumption] {
        &self.assumptions
    }

    /// What the server compiled over all paths (`compiledAttributes`).
    pub fn compiled_attributes(&self) -> &Attributes {
        self.object.attributes()
    }

    /// The sudo in `compiledAttributes`, when they have one.
    pub fn compiled_sudo(&self) -> Option<Sudo> {
        self.object.sudo()
    }

    /// Whether the client's rules give the sudo the server compiled (an
    /// absent sudo counts as [`Sudo::Disabled`]). When it does not, the
    /// server's [`compiled_sudo`](Self::compiled_sudo) is what the user has,
    /// and [`warnings`](Self::warnings) hold
    /// [`AccessWarning::PrecedenceDisagrees`].
    pub fn agrees_with_server(&self) -> bool {
        !self
            .warnings
            .iter()
            .any(|w| matches!(w, AccessWarning::PrecedenceDisagrees { .. }))
    }

    /// What to know about this explanation: a disagreement with the server,
    /// and for devices that the user's global sudo flag is not visible here.
    pub fn warnings(&self) -> &[AccessWarning] {
        &self.warnings
    }
}

/// Whether sudo applies to objects of this type (devices and device
/// groups): the association targets' own rule.
pub(crate) fn takes_sudo(kind: &GraphType) -> bool {
    AssociationTarget::for_type(kind).is_some_and(|target| target.takes_sudo())
}

impl fmt::Display for Explanation {
    /// Several lines: the object and its effective sudo, then each path
    /// with its classification and sudo (the deciding one marked), then the
    /// warnings.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} for {}: granted by {}, effective sudo {}",
            self.node(),
            self.user,
            super::warning::plural(self.paths().len(), "path", "paths"),
            self.effective_sudo()
        )?;
        if let Some(sudo) = self.compiled_sudo() {
            write!(f, " (compiledAttributes: {sudo})")?;
        }
        for (i, path) in self.paths().iter().enumerate() {
            write!(f, "\n  {}. {}: {path}", i + 1, path.kind())?;
            match (path.sudo(), path.sudo_group()) {
                (Some(sudo), Some(group)) => {
                    write!(f, ", sudo {sudo} (the group-level setting of {group})")?;
                }
                (Some(sudo), None) => write!(f, ", sudo {sudo}")?,
                (None, _) => f.write_str(", no sudo")?,
            }
            if self.decision.deciding == Some(i) {
                f.write_str("  <- decides sudo")?;
            }
        }
        for warning in &self.warnings {
            write!(f, "\n  warning: {warning}")?;
        }
        Ok(())
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Explanation {
    /// The shape documented on the type; with names (see
    /// [`with_names`](Self::with_names)), each named node also has `"name"`.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        crate::model::with_names_in_json(self.names.as_ref(), || {
            Unnamed(self).serialize(serializer)
        })
    }
}

/// An explanation's JSON without names.
#[cfg(feature = "serde")]
struct Unnamed<'a>(&'a Explanation);

#[cfg(feature = "serde")]
impl serde::Serialize for Unnamed<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let Unnamed(this) = self;
        let mut map = serializer.serialize_map(Some(9))?;
        map.serialize_entry("user", &this.user)?;
        map.serialize_entry("object", this.node())?;
        map.serialize_entry("paths", this.paths())?;
        map.serialize_entry("effective_sudo", &this.effective_sudo())?;
        map.serialize_entry("deciding_path", &this.decision.deciding)?;
        map.serialize_entry("compiled_attributes", this.compiled_attributes())?;
        map.serialize_entry("compiled_sudo", &this.compiled_sudo())?;
        map.serialize_entry("agrees_with_server", &this.agrees_with_server())?;
        map.serialize_entry("warnings", &this.warnings)?;
        map.end()
    }
}
