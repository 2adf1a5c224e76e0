//! The resolver's cache as a [`NameSource`].

use super::Names;
use crate::{GraphNode, NameSource};

impl NameSource for Names {
    fn name_of(&self, node: &GraphNode) -> Option<String> {
        self.cached(node)
    }
}
