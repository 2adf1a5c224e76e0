//! Orgs: one organisation's objects and the edges between them, indexed
//! for the traversal (edges by source, memberships backwards), and the only
//! place edges are added, changed or removed.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Index;

use super::edge::{normalise, validate_attributes};
use super::{Attributes, EdgeError, EdgeRole, Kind, Object, OrgEdge, is_object_id};

/// One JumpCloud organisation: its objects and the edges between them.
#[derive(Clone, Debug)]
pub struct Org {
    id: String,
    handle: String,
    name: String,
    /// Objects by id, hashed: a traversal looks one up for every edge it
    /// walks (`ids` keeps their order, for listings).
    objects: HashMap<String, Object>,
    ids: BTreeSet<String>,
    handles: HashMap<String, String>,
    /// from id → to id → attributes: lookups by `&str` allocate nothing,
    /// which matters when one user has 10,000 edges.
    edges: BTreeMap<String, BTreeMap<String, Option<Attributes>>>,
    /// to id → from id → attributes (a copy of `edges`' own), for walking
    /// system-group memberships backwards without a lookup per member.
    inn: HashMap<String, BTreeMap<String, Option<Attributes>>>,
}

impl Org {
    pub(crate) fn new(handle: String, id: String, name: String) -> Self {
        Org {
            id,
            handle,
            name,
            objects: HashMap::new(),
            ids: BTreeSet::new(),
            handles: HashMap::new(),
            edges: BTreeMap::new(),
            inn: HashMap::new(),
        }
    }

    /// The org's id, which `x-org-id` carries.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The fixture's readable name for the org (e.g. `acme`).
    pub fn handle(&self) -> &str {
        &self.handle
    }

    /// The org's display name (e.g. `Acme Robotics`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The object with this handle or id.
    pub fn object(&self, handle_or_id: &str) -> Option<&Object> {
        match self.handles.get(handle_or_id) {
            Some(id) => self.objects.get(id),
            None => self.objects.get(handle_or_id),
        }
    }

    /// The object with this id (ids only, never handles: request paths
    /// carry ids).
    pub(crate) fn object_by_id(&self, id: &str) -> Option<&Object> {
        self.objects.get(id)
    }

    /// The id of the object with this handle (or id).
    ///
    /// # Panics
    ///
    /// When the org has no such object: this is a test helper, where a typo
    /// should fail loudly.
    pub fn id_of(&self, handle: &str) -> &str {
        self[handle].id()
    }

    /// Every object, ordered by id.
    pub fn objects(&self) -> impl Iterator<Item = &Object> {
        self.ids.iter().filter_map(|id| self.objects.get(id))
    }

    /// The objects of one kind, ordered by id.
    pub fn objects_of(&self, kind: Kind) -> impl Iterator<Item = &Object> {
        self.objects().filter(move |o| o.kind() == kind)
    }

    /// Every edge, ordered by (from id, to id).
    pub fn edges(&self) -> Vec<OrgEdge> {
        self.edges
            .keys()
            .flat_map(|from| self.edges_from(from))
            .collect()
    }

    /// The edges that start at the object with this handle or id, e.g. a
    /// user's memberships and direct bindings.
    pub fn edges_from(&self, handle_or_id: &str) -> Vec<OrgEdge> {
        let Some(from) = self.object(handle_or_id) else {
            return Vec::new();
        };
        self.edges
            .get(from.id())
            .into_iter()
            .flatten()
            .filter_map(|(to, attributes)| {
                Some(OrgEdge {
                    from: from.to_ref(),
                    to: self.objects.get(to)?.to_ref(),
                    attributes: attributes.clone(),
                })
            })
            .collect()
    }

    /// The attributes of the edge `from` → `to` (ids): `None` when there is
    /// no such edge, `Some(None)` when it has no attributes.
    #[cfg(test)]
    pub(crate) fn edge_attributes(&self, from: &str, to: &str) -> Option<Option<&Attributes>> {
        self.edges.get(from)?.get(to).map(Option::as_ref)
    }

    /// The objects `id` has an edge to, with the edge's attributes, ordered
    /// by id.
    pub(crate) fn out_edges(
        &self,
        id: &str,
    ) -> impl Iterator<Item = (&Object, Option<&Attributes>)> {
        self.edges
            .get(id)
            .into_iter()
            .flatten()
            .filter_map(|(to, attributes)| Some((self.objects.get(to)?, attributes.as_ref())))
    }

    /// The objects that have an edge to `id`, with the edge's attributes,
    /// ordered by id.
    pub(crate) fn in_edges(
        &self,
        id: &str,
    ) -> impl Iterator<Item = (&Object, Option<&Attributes>)> {
        self.inn
            .get(id)
            .into_iter()
            .flatten()
            .filter_map(|(from, attributes)| Some((self.objects.get(from)?, attributes.as_ref())))
    }

    /// Adds an object; the id and the handle must be new to the org, and its
    /// own attributes obey the rules of edge attributes (a `sudo` is
    /// `{"enabled", "withoutPassword"}`).
    pub(crate) fn insert_object(&mut self, object: Object) -> Result<(), String> {
        if !is_object_id(object.id()) {
            return Err(format!(
                "{:?} has id {:?}, which is not an ObjectID (24 hex digits)",
                object.handle(),
                object.id()
            ));
        }
        if self.objects.contains_key(object.id()) {
            return Err(format!("the id {:?} is used twice", object.id()));
        }
        if self.handles.contains_key(object.handle()) {
            return Err(format!("the handle {:?} is used twice", object.handle()));
        }
        validate_attributes(object.attributes()).map_err(|problem| {
            format!("{:?} has invalid attributes: {problem}", object.handle())
        })?;
        self.handles
            .insert(object.handle().to_owned(), object.id().to_owned());
        self.ids.insert(object.id().to_owned());
        self.objects.insert(object.id().to_owned(), object);
        Ok(())
    }

    /// Adds the edge `from` → `to` (ids), checking that JumpCloud's graph
    /// allows it and that its attributes are valid.
    pub(crate) fn insert_edge(
        &mut self,
        from: &str,
        to: &str,
        attributes: Option<Attributes>,
    ) -> Result<(), EdgeError> {
        self.check_edge(from, to)?;
        validate_attributes(attributes.as_ref()).map_err(EdgeError::Attributes)?;
        let targets = self.edges.entry(from.to_owned()).or_default();
        if targets.contains_key(to) {
            return Err(EdgeError::Exists);
        }
        let attributes = normalise(attributes);
        targets.insert(to.to_owned(), attributes.clone());
        self.inn
            .entry(to.to_owned())
            .or_default()
            .insert(from.to_owned(), attributes);
        Ok(())
    }

    /// Replaces the attributes of the existing edge `from` → `to`.
    pub(crate) fn update_edge(
        &mut self,
        from: &str,
        to: &str,
        attributes: Option<Attributes>,
    ) -> Result<(), EdgeError> {
        validate_attributes(attributes.as_ref()).map_err(EdgeError::Attributes)?;
        let slot = self
            .edges
            .get_mut(from)
            .and_then(|targets| targets.get_mut(to))
            .ok_or(EdgeError::Missing)?;
        let attributes = normalise(attributes);
        *slot = attributes.clone();
        if let Some(back) = self
            .inn
            .get_mut(to)
            .and_then(|sources| sources.get_mut(from))
        {
            *back = attributes;
        }
        Ok(())
    }

    /// Removes the edge `from` → `to`.
    pub(crate) fn remove_edge(&mut self, from: &str, to: &str) -> Result<(), EdgeError> {
        self.edges
            .get_mut(from)
            .and_then(|targets| targets.remove(to))
            .ok_or(EdgeError::Missing)?;
        if let Some(sources) = self.inn.get_mut(to) {
            sources.remove(from);
        }
        Ok(())
    }

    fn check_edge(&self, from: &str, to: &str) -> Result<EdgeRole, EdgeError> {
        let from_object = self
            .objects
            .get(from)
            .ok_or_else(|| EdgeError::UnknownObject(from.to_owned()))?;
        let to_object = self
            .objects
            .get(to)
            .ok_or_else(|| EdgeError::UnknownObject(to.to_owned()))?;
        if from == to {
            return Err(EdgeError::SelfLoop);
        }
        EdgeRole::of(from_object.kind(), to_object.kind()).ok_or(EdgeError::NotAllowed {
            from: from_object.kind(),
            to: to_object.kind(),
        })
    }
}

impl Index<&str> for Org {
    type Output = Object;

    /// The object with this handle or id; panics when there is none (a test
    /// helper, where a typo should fail loudly).
    fn index(&self, handle_or_id: &str) -> &Object {
        match self.object(handle_or_id) {
            Some(object) => object,
            None => panic!(
                "org {:?} has no object with handle or id {handle_or_id:?}",
                self.handle
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn attrs(value: serde_json::Value) -> Attributes {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn edges_are_added_updated_and_removed_once() {
        let mut org = Org::new("o".into(), "650000000000000000000001".into(), "O".into());
        let user = Object::new(
            "651000000000000000000001".into(),
            Kind::User,
            "u".into(),
            Attributes::new(),
        );
        let system = Object::new(
            "653000000000000000000001".into(),
            Kind::System,
            "s".into(),
            Attributes::new(),
        );
        let (u, s) = (user.id().to_owned(), system.id().to_owned());
        assert!(org.insert_object(user).is_ok());
        assert!(org.insert_object(system).is_ok());
        assert_eq!(org.insert_edge(&u, &s, None), Ok(()));
        assert_eq!(org.insert_edge(&u, &s, None), Err(EdgeError::Exists));
        assert_eq!(
            org.insert_edge(&s, &u, None),
            Err(EdgeError::NotAllowed {
                from: Kind::System,
                to: Kind::User
            })
        );
        let sudo = attrs(json!({"sudo": {"enabled": true, "withoutPassword": false}}));
        assert_eq!(org.update_edge(&u, &s, Some(sudo.clone())), Ok(()));
        assert_eq!(org.edge_attributes(&u, &s), Some(Some(&sudo)));
        assert_eq!(org.remove_edge(&u, &s), Ok(()));
        assert_eq!(org.remove_edge(&u, &s), Err(EdgeError::Missing));
        assert_eq!(org.out_edges(&u).count(), 0);
    }

    #[test]
    fn walking_memberships_backwards_sees_each_write() {
        let mut org = Org::new("o".into(), "650000000000000000000001".into(), "O".into());
        let object = |id: &str, kind| Object::new(id.into(), kind, id.into(), Attributes::new());
        let (s1, s2, g) = (
            "653000000000000000000001",
            "653000000000000000000002",
            "654000000000000000000001",
        );
        for added in [
            object(s2, Kind::System),
            object(s1, Kind::System),
            object(g, Kind::SystemGroup),
        ] {
            assert!(org.insert_object(added).is_ok());
        }
        let tag = attrs(json!({"tag": 1}));
        assert_eq!(org.insert_edge(s2, g, Some(tag.clone())), Ok(()));
        assert_eq!(org.insert_edge(s1, g, None), Ok(()));
        let members = |org: &Org| -> Vec<(String, Option<Attributes>)> {
            org.in_edges(g)
                .map(|(member, attributes)| (member.id().to_owned(), attributes.cloned()))
                .collect()
        };
        assert_eq!(
            members(&org),
            [(s1.to_owned(), None), (s2.to_owned(), Some(tag))],
            "ordered by id, each with its edge's attributes"
        );
        let other = attrs(json!({"tag": 2}));
        assert_eq!(org.update_edge(s1, g, Some(other.clone())), Ok(()));
        assert_eq!(org.remove_edge(s2, g), Ok(()));
        assert_eq!(members(&org), [(s1.to_owned(), Some(other))]);
    }
}
