//! Text for nodes, grants, sudo and warnings, with names where the
//! directory knows them.

use jumpcloud_graph::{
    AccessWarning, AssociationTarget, Edge, Explanation, Grant, GrantPath, GraphNode, GraphType,
    Sudo,
};

use crate::directory::Directory;
use crate::table::{Column, Table};

/// `system web-01` in the sandbox, `system 653…` against JumpCloud.
pub fn node(directory: &Directory, node: &GraphNode) -> String {
    node.display_with(directory).to_string()
}

/// `user ada -> user_group ops`.
pub fn edge(directory: &Directory, edge: &Edge) -> String {
    edge.display_with(directory).to_string()
}

/// How a path grants: `direct`, `via user_group ops`, `via user_group
/// engineering then system_group production-servers`.
pub fn grant(directory: &Directory, grant: &Grant) -> String {
    let name = |n: &GraphNode| node(directory, n);
    match grant {
        Grant::Direct => "direct".to_string(),
        Grant::UserGroup(group) | Grant::SystemGroup(group) => format!("via {}", name(group)),
        Grant::UserGroupThenSystemGroup {
            user_group,
            system_group,
        } => format!("via {} then {}", name(user_group), name(system_group)),
        Grant::Hops(hops) => format!(
            "via {}",
            hops.iter().map(name).collect::<Vec<_>>().join(" -> ")
        ),
        // A shape newer than this tool: the client's own words.
        other => other.to_string(),
    }
}

/// Every path's grant, `; `-separated.
pub fn grants(directory: &Directory, paths: &[GrantPath]) -> String {
    if paths.is_empty() {
        return "-".to_string();
    }
    paths
        .iter()
        .map(|p| grant(directory, &p.kind()))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Whether sudo means anything on objects of this type (devices and device
/// groups): the client's rule for association targets.
pub fn takes_sudo(kind: &GraphType) -> bool {
    AssociationTarget::for_type(kind).is_some_and(|target| target.takes_sudo())
}

/// The SUDO cell of an explained object: its effective sudo on devices and
/// device groups, `-` elsewhere.
pub fn sudo_cell(explanation: &Explanation) -> String {
    if takes_sudo(explanation.node().kind()) {
        explanation.effective_sudo().to_string()
    } else {
        "-".to_string()
    }
}

/// A path's own sudo, `-` when it carries none.
pub fn path_sudo(sudo: Option<Sudo>) -> String {
    sudo.map_or_else(|| "-".to_string(), |s| s.to_string())
}

/// A warning's sentence, with names for the edges left to an administrator.
pub fn warning(directory: &Directory, warning: &AccessWarning) -> String {
    match warning {
        AccessWarning::AccessRemains { left_to_admin, .. } if !left_to_admin.is_empty() => {
            format!(
                "access remains after the steps jcgraph can run; left to an administrator: {}",
                left_to_admin
                    .iter()
                    .map(|e| edge(directory, e))
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        }
        other => other.to_string(),
    }
}

/// The columns that name an object: TYPE, NAME (in the sandbox) and ID
/// (dropped first when the sandbox shows names and the row is too wide).
pub fn object_columns(directory: &Directory) -> Vec<Column> {
    if directory.has_names() {
        vec![
            Column::new("TYPE"),
            Column::new("NAME"),
            Column::new("ID").droppable(1),
        ]
    } else {
        vec![Column::new("TYPE"), Column::new("ID")]
    }
}

/// The cells for [`object_columns`].
pub fn object_cells(directory: &Directory, node: &GraphNode) -> Vec<String> {
    let mut cells = vec![node.kind().to_string()];
    if directory.has_names() {
        cells.push(directory.name(node).unwrap_or_else(|| "?".to_string()));
    }
    cells.push(node.id().to_string());
    cells
}

/// A table whose rows start with an object's cells.
pub fn object_table(directory: &Directory, more: Vec<Column>) -> Table {
    let mut columns = object_columns(directory);
    columns.extend(more);
    Table::new(columns)
}

/// `1 path`, `2 paths`.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}
