//! Everything a user can reach, with why and with what sudo.

use std::collections::HashMap;
use std::fmt;

use futures::future::{try_join, try_join_all};

use super::AccessWarning;
use super::explain::{Explanation, takes_sudo};
use crate::model::NameTable;
use crate::{BoundObject, Error, GrantPath, GraphNode, Resolved, TraversalKind, User};

/// Everything bound to a user across the nine traversals, and the user's
/// groups, each with its paths, their classification and the effective
/// sudo ([`Explanation`]). Made by
/// [`User::access_report`](crate::User::access_report), which fetches the
/// ten lists concurrently within the client's
/// [`max_in_flight`](crate::ClientBuilder::max_in_flight) and
/// [`rate_limit`](crate::ClientBuilder::rate_limit).
///
/// An object listed by two traversals (an LDAP server is both a directory
/// and an LDAP server, an Active Directory instance both a directory and an
/// Active Directory) appears once, where first listed in
/// [`TraversalKind::ALL`] order; [`listed_by`](Self::listed_by) and
/// [`of_kind`](Self::of_kind) know every traversal that listed it.
///
/// ```no_run
/// # async fn demo(user: jumpcloud_graph::User) -> Result<(), jumpcloud_graph::Error> {
/// use jumpcloud_graph::TraversalKind;
///
/// let report = user.access_report().await?;
/// for system in report.of_kind(TraversalKind::System) {
///     let grants: Vec<String> = system.paths().iter().map(|p| p.kind().to_string()).collect();
///     println!("{}: sudo {} ({})", system.node(), system.effective_sudo(), grants.join("; "));
/// }
/// println!("member of {} groups", report.groups().len());
/// # Ok(())
/// # }
/// ```
///
/// # JSON
///
/// `{"user": node, "objects": [explanation, ..], "groups": [explanation,
/// ..], "warnings": [warning, ..]}` (see [`Explanation`]).
#[derive(Clone, Debug, PartialEq)]
pub struct AccessReport {
    user: GraphNode,
    objects: Vec<Explanation>,
    /// The traversals that listed each object.
    listed_by: Vec<Vec<TraversalKind>>,
    groups: Vec<Explanation>,
    warnings: Vec<AccessWarning>,
    /// Names for the JSON, when [`with_names`](Self::with_names) set them.
    names: Option<NameTable>,
}

impl AccessReport {
    /// Fetches the nine traversals and `memberof` concurrently.
    pub(crate) async fn fetch(user: &User) -> Result<Self, Error> {
        let traversals = try_join_all(
            TraversalKind::ALL
                .into_iter()
                .map(|kind| user.traverse(kind).try_collect()),
        );
        let (traversals, groups) = try_join(traversals, user.member_of().try_collect()).await?;
        Ok(Self::from_lists(
            user.node(),
            TraversalKind::ALL.into_iter().zip(traversals),
            groups,
        ))
    }

    /// The report over lists fetched elsewhere: each traversal's objects
    /// with the kind that listed them, and the user's groups (`memberof`).
    /// [`User::access_report`](crate::User::access_report) fetches all ten
    /// lists and builds its report so; a caller that fetches only some
    /// kinds (a review of devices only, or of an org known to have no
    /// RADIUS servers) builds the same report from what it has. A kind not
    /// given lists nothing.
    ///
    /// ```no_run
    /// # async fn demo(user: jumpcloud_graph::User) -> Result<(), jumpcloud_graph::Error> {
    /// use jumpcloud_graph::{AccessReport, TraversalKind};
    ///
    /// let systems = user.traverse(TraversalKind::System).try_collect().await?;
    /// let groups = user.member_of().try_collect().await?;
    /// let report = AccessReport::from_lists(user.node(), [(TraversalKind::System, systems)], groups);
    /// println!("{report}");
    /// # Ok(())
    /// # }
    /// ```
    pub fn from_lists(
        user: GraphNode,
        traversals: impl IntoIterator<Item = (TraversalKind, Vec<BoundObject>)>,
        groups: Vec<BoundObject>,
    ) -> Self {
        let mut traversals: Vec<(TraversalKind, Vec<BoundObject>)> =
            traversals.into_iter().collect();
        // Report order is traversal order, whatever order they came in.
        traversals.sort_by_key(|(kind, _)| TraversalKind::ALL.iter().position(|k| k == kind));
        let mut position: HashMap<GraphNode, usize> = HashMap::new();
        let mut objects: Vec<Explanation> = Vec::new();
        let mut listed_by: Vec<Vec<TraversalKind>> = Vec::new();
        for (kind, list) in traversals {
            for bound in list {
                match position.get(bound.node()) {
                    Some(&i) => {
                        if !listed_by[i].contains(&kind) {
                            listed_by[i].push(kind);
                        }
                    }
                    None => {
                        position.insert(bound.node().clone(), objects.len());
                        objects.push(Explanation::new(user.clone(), bound, false));
                        listed_by.push(vec![kind]);
                    }
                }
            }
        }
        let groups: Vec<Explanation> = groups
            .into_iter()
            .filter(|bound| position.insert(bound.node().clone(), usize::MAX).is_none())
            .map(|bound| Explanation::new(user.clone(), bound, false))
            .collect();
        let mut warnings = Vec::new();
        if objects.iter().any(|o| takes_sudo(o.node().kind())) {
            warnings.push(AccessWarning::GlobalSudoNotVisible);
        }
        Self {
            user,
            objects,
            listed_by,
            groups,
            warnings,
            names: None,
        }
    }

    /// Every node the report mentions (the user, each object and group,
    /// every node of every path), for [`Names::resolve`](crate::Names::resolve).
    pub fn nodes(&self) -> impl Iterator<Item = &GraphNode> {
        std::iter::once(&self.user).chain(self.all().flat_map(|explanation| {
            std::iter::once(explanation.node())
                .chain(explanation.paths().iter().flat_map(GrantPath::nodes))
        }))
    }

    /// The report carrying `names`: its JSON then has `"name"` on every
    /// node the resolver named, and each explanation's
    /// [`name`](Explanation::name) answers.
    ///
    /// ```no_run
    /// # async fn demo(client: jumpcloud_graph::Client) -> Result<(), jumpcloud_graph::Error> {
    /// let ada = client.user_by_email("ada@acme.example").await?;
    /// let report = ada.access_report().await?;
    /// let names = client.names().resolve(report.nodes()).await;
    /// let report = report.with_names(&names);
    /// for object in report.all() {
    ///     println!("{} {}", object.node().kind(), object.name().unwrap_or("(unnamed)"));
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn with_names(mut self, names: &Resolved) -> Self {
        let table = names.table();
        for explanation in self.objects.iter_mut().chain(self.groups.iter_mut()) {
            explanation.set_names(table);
        }
        self.names = Some(table.clone());
        self
    }

    /// The user's name, when [`with_names`](Self::with_names) gave one.
    pub fn user_name(&self) -> Option<&str> {
        self.names.as_ref()?.get(&self.user)
    }

    /// The user the report is about.
    pub fn user(&self) -> &GraphNode {
        &self.user
    }

    /// Every object the nine traversals list, each once, in traversal order
    /// ([`TraversalKind::ALL`]) and then the server's order.
    pub fn objects(&self) -> &[Explanation] {
        &self.objects
    }

    /// The user groups the user belongs to (`memberof`).
    pub fn groups(&self) -> &[Explanation] {
        &self.groups
    }

    /// The objects the `kind` traversal listed, in report order.
    pub fn of_kind(&self, kind: TraversalKind) -> impl Iterator<Item = &Explanation> {
        self.objects
            .iter()
            .zip(&self.listed_by)
            .filter(move |(_, listed_by)| listed_by.contains(&kind))
            .map(|(object, _)| object)
    }

    /// The traversals that listed an object (empty for a group or an
    /// object the user does not reach).
    pub fn listed_by(&self, node: &GraphNode) -> &[TraversalKind] {
        self.objects
            .iter()
            .position(|object| object.node() == node)
            .map_or(&[], |i| &self.listed_by[i])
    }

    /// The object or group with this node, if the user reaches it.
    pub fn get(&self, node: &GraphNode) -> Option<&Explanation> {
        self.all().find(|entry| entry.node() == node)
    }

    /// Objects and groups together.
    pub fn all(&self) -> impl Iterator<Item = &Explanation> {
        self.objects.iter().chain(&self.groups)
    }

    /// The entries whose sudo by the client's rules differs from
    /// the server's `compiledAttributes`.
    pub fn disagreements(&self) -> impl Iterator<Item = &Explanation> {
        self.all().filter(|entry| !entry.agrees_with_server())
    }

    /// Report-wide warnings: that the user's global sudo flag is not
    /// visible, when the user reaches devices. Each entry has its own
    /// ([`Explanation::warnings`]).
    pub fn warnings(&self) -> &[AccessWarning] {
        &self.warnings
    }
}

impl fmt::Display for AccessReport {
    /// One line per object and group: the node, its effective sudo when a
    /// path carries sudo, and how each path grants it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "access of {}", self.user)?;
        for entry in self.all() {
            write!(f, "\n  {}", entry.node())?;
            if entry.deciding_path().is_some() {
                write!(f, ", sudo {}", entry.effective_sudo())?;
            }
            f.write_str(": ")?;
            for (i, path) in entry.paths().iter().enumerate() {
                if i > 0 {
                    f.write_str("; ")?;
                }
                write!(f, "{}", path.kind())?;
            }
        }
        for warning in self
            .warnings
            .iter()
            .chain(self.all().flat_map(Explanation::warnings))
        {
            write!(f, "\n  warning: {warning}")?;
        }
        Ok(())
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for AccessReport {
    /// The shape documented on the type; with names (see
    /// [`with_names`](Self::with_names)), each named node also has `"name"`.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        crate::model::with_names_in_json(self.names.as_ref(), || {
            let mut map = serializer.serialize_map(Some(4))?;
            map.serialize_entry("user", &self.user)?;
            map.serialize_entry("objects", &self.objects)?;
            map.serialize_entry("groups", &self.groups)?;
            map.serialize_entry("warnings", &self.warnings)?;
            map.end()
        })
    }
}
