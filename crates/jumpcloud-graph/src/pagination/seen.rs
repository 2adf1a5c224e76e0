//! The items a listing has yielded, told apart by type and id in about
//! 12 bytes each, so that a page repeated by the server is never yielded
//! twice.

use std::collections::HashSet;

use crate::{GraphNode, GraphType, ObjectId};

/// The items yielded so far: one set of ObjectIDs per type met (a list
/// holds one type, or a few), so nearly every item costs its 12 bytes and
/// 100,000 items about 2 MiB.
#[derive(Default)]
pub(super) struct Seen {
    by_kind: Vec<(GraphType, HashSet<ObjectId>)>,
    /// Items whose id is not an ObjectID, or of a type met after
    /// [`MAX_KINDS`] others.
    others: HashSet<GraphNode>,
    /// Room to make in the first type's set when it is created.
    reserve: usize,
}

/// The most ids room is made for up front, whatever total the server
/// claims: enough for 262,144 items (about 4 MiB) without a rehash.
const MAX_RESERVED_IDS: u64 = 1 << 18;

/// The most types given a set of their own: a server inventing a type per
/// item costs a lookup per item among these, no more.
const MAX_KINDS: usize = 16;

impl Seen {
    /// Makes room for `total` ids at once (capped), so that the set does
    /// not double, and briefly hold both tables, as it fills.
    pub(super) fn reserve_for(&mut self, total: u64) {
        let wanted = total.min(MAX_RESERVED_IDS) as usize;
        match self.by_kind.first_mut() {
            Some((_, ids)) => ids.reserve(wanted.saturating_sub(ids.len())),
            None => self.reserve = wanted,
        }
    }

    /// Records `node`; false when it was seen before.
    pub(super) fn insert(&mut self, node: &GraphNode) -> bool {
        let Some(id) = node.id().object_id() else {
            return self.others.insert(node.clone());
        };
        if let Some((_, ids)) = self
            .by_kind
            .iter_mut()
            .find(|(kind, _)| kind == node.kind())
        {
            return ids.insert(id);
        }
        if self.by_kind.len() < MAX_KINDS {
            let mut ids = HashSet::with_capacity(std::mem::take(&mut self.reserve));
            ids.insert(id);
            self.by_kind.push((node.kind().clone(), ids));
            return true;
        }
        self.others.insert(node.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NodeId;

    #[test]
    fn ids_that_are_not_object_ids_and_unknown_types_are_told_apart_too() {
        let mut seen = Seen::default();
        let odd = NodeId::from_server("legacy-7");
        let system = GraphNode::new(odd.clone(), GraphType::System);
        assert!(seen.insert(&system));
        assert!(!seen.insert(&system));
        assert!(seen.insert(&GraphNode::new(odd, GraphType::SystemGroup)));
        // More types than get a set of their own still dedupe.
        for n in 0..(MAX_KINDS as u64 + 4) {
            let kind = GraphType::from_wire(&format!("kind_{n}"));
            let node = GraphNode::new(NodeId::from_server(&format!("{n:024x}")), kind);
            assert!(seen.insert(&node));
            assert!(!seen.insert(&node));
        }
        assert_eq!(seen.by_kind.len(), MAX_KINDS);
    }
}
