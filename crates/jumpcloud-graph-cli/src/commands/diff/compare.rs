//! Reading two reviews and what changed between them, user by user.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::path::Path;

use jumpcloud_graph::{GraphType, Sudo};
use serde::Serialize;

use crate::error::CliError;
use crate::render;
use crate::review_file::{Header, Line, Lines, Node, is_blank};

/// What one review says about one user.
#[derive(Debug, Default)]
pub struct Access {
    /// Objects, with their effective sudo where they take sudo.
    objects: BTreeMap<Node, Option<Sudo>>,
    /// Groups.
    groups: BTreeSet<Node>,
}

/// A review read back: users in the file's order, by id.
#[derive(Debug, Default)]
pub struct Review {
    /// The header, when the file has one (an `--out` file).
    pub header: Option<Header>,
    /// Each user's access; the latest line wins (a retried user).
    pub users: HashMap<String, (usize, Node, Access)>,
    /// Users that failed: their input (their latest line is a failure).
    pub failed: BTreeMap<usize, String>,
}

impl Review {
    /// Reads a review's output: ndjson lines (with or without a header).
    pub fn read(path: &Path) -> Result<Self, CliError> {
        let mut lines = Lines::open(path)?;
        let mut review = Review::default();
        while let Some(read) = lines.next_line()? {
            // A last line without its `\n` (a review being written, or cut
            // by a kill) is left out.
            if is_blank(read.text) || !read.complete {
                continue;
            }
            let line: Line = serde_json::from_slice(read.text).map_err(|e| lines.invalid(&e))?;
            let number = line.line.unwrap_or(lines.number);
            if let Some(header) = line.header {
                review.header = Some(header);
            } else if let Some(user) = line.user {
                review.failed.remove(&number);
                let access = Access {
                    objects: line
                        .objects
                        .into_iter()
                        .map(|entry| {
                            let sudo = takes_sudo(&entry.object)
                                .then(|| entry.effective_sudo.and_then(|s| s.parse().ok()))
                                .flatten();
                            (entry.object, sudo)
                        })
                        .collect(),
                    groups: line.groups.into_iter().map(|entry| entry.object).collect(),
                };
                review.users.insert(user.id.clone(), (number, user, access));
            } else if line.error.is_some() {
                review.failed.insert(number, line.input.unwrap_or_default());
            } else {
                return Err(lines.invalid(&"neither a report, a failure nor a header"));
            }
        }
        Ok(review)
    }
}

/// Whether sudo applies to objects of this type (devices and device groups).
fn takes_sudo(node: &Node) -> bool {
    render::takes_sudo(&GraphType::from_wire(&node.kind))
}

/// What changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// An object the user did not reach before.
    Gained,
    /// An object the user no longer reaches.
    Lost,
    /// More permissive effective sudo.
    SudoRaised,
    /// Less permissive effective sudo.
    SudoLowered,
    /// A group the user joined.
    Joined,
    /// A group the user left.
    Left,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Gained => "gained",
            Kind::Lost => "lost",
            Kind::SudoRaised => "sudo_raised",
            Kind::SudoLowered => "sudo_lowered",
            Kind::Joined => "joined",
            Kind::Left => "left",
        })
    }
}

/// One change: `{"user", "object", "change", "before", "after"}`.
#[derive(Clone, Debug, Serialize)]
pub struct Change {
    /// The user.
    pub user: NodeOut,
    /// The object or group.
    pub object: NodeOut,
    /// What changed.
    pub change: Kind,
    /// The effective sudo before (devices and device groups the user
    /// reached), else null.
    pub before: Option<Sudo>,
    /// The effective sudo after, likewise.
    pub after: Option<Sudo>,
}

/// A node as changes give it: `{"id", "type"}`.
#[derive(Clone, Debug, Serialize)]
pub struct NodeOut {
    /// The id.
    pub id: String,
    /// The type.
    #[serde(rename = "type")]
    pub kind: String,
}

impl From<&Node> for NodeOut {
    fn from(node: &Node) -> Self {
        Self {
            id: node.id.clone(),
            kind: node.kind.clone(),
        }
    }
}

/// The changes from `old` to `new` for one user (either may be absent:
/// a user in one review only is compared with nothing).
pub fn changes(user: &Node, old: Option<&Access>, new: Option<&Access>) -> Vec<Change> {
    let empty = Access::default();
    let (old, new) = (old.unwrap_or(&empty), new.unwrap_or(&empty));
    let change = |object: &Node, change, before, after| Change {
        user: user.into(),
        object: object.into(),
        change,
        before,
        after,
    };
    let mut changes = Vec::new();
    let objects: BTreeSet<&Node> = old.objects.keys().chain(new.objects.keys()).collect();
    for object in objects {
        match (old.objects.get(object), new.objects.get(object)) {
            (None, Some(after)) => changes.push(change(object, Kind::Gained, None, *after)),
            (Some(before), None) => changes.push(change(object, Kind::Lost, *before, None)),
            (Some(before), Some(after)) if before != after => {
                let kind = if after > before {
                    Kind::SudoRaised
                } else {
                    Kind::SudoLowered
                };
                changes.push(change(object, kind, *before, *after));
            }
            _ => {}
        }
    }
    for group in new.groups.difference(&old.groups) {
        changes.push(change(group, Kind::Joined, None, None));
    }
    for group in old.groups.difference(&new.groups) {
        changes.push(change(group, Kind::Left, None, None));
    }
    changes
}

/// Whether two reviews covered the same kinds and sudo filter (a file
/// without a header is a full review).
pub fn comparable(old: Option<&Header>, new: Option<&Header>) -> Result<(), String> {
    let scope = |header: Option<&Header>| {
        header.map_or((None, true, None), |h| {
            (Some(h.kinds.clone()), h.groups, h.sudo.clone())
        })
    };
    let full: Vec<String> = jumpcloud_graph::TraversalKind::ALL
        .iter()
        .map(|k| k.name().to_string())
        .collect();
    let normal = |(kinds, groups, sudo): (Option<Vec<String>>, bool, Option<String>)| {
        (kinds.unwrap_or_else(|| full.clone()), groups, sudo)
    };
    let (old, new) = (normal(scope(old)), normal(scope(new)));
    if old == new {
        Ok(())
    } else {
        Err(format!(
            "the reviews covered different things (OLD: {}; NEW: {}): compare reviews made \
             with the same --kind and --sudo",
            describe(&old),
            describe(&new)
        ))
    }
}

fn describe((kinds, groups, sudo): &(Vec<String>, bool, Option<String>)) -> String {
    let mut text = kinds.join(", ");
    if *groups {
        text.push_str(", groups");
    }
    if let Some(sudo) = sudo {
        text.push_str(&format!(" with --sudo {sudo}"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: &str, kind: &str) -> Node {
        Node {
            id: id.into(),
            kind: kind.into(),
        }
    }

    #[test]
    fn gains_losses_sudo_and_groups_are_told_apart() {
        let user = node("u", "user");
        let mut old = Access::default();
        old.objects
            .insert(node("s1", "system"), Some(Sudo::WithPassword));
        old.objects
            .insert(node("s2", "system"), Some(Sudo::WithoutPassword));
        old.objects.insert(node("app", "application"), None);
        old.groups.insert(node("g1", "user_group"));
        let mut new = Access::default();
        new.objects
            .insert(node("s1", "system"), Some(Sudo::WithoutPassword));
        new.objects
            .insert(node("s2", "system"), Some(Sudo::Disabled));
        new.objects
            .insert(node("s3", "system"), Some(Sudo::WithPassword));
        new.groups.insert(node("g2", "user_group"));
        let found: Vec<(String, Kind, Option<Sudo>, Option<Sudo>)> =
            changes(&user, Some(&old), Some(&new))
                .into_iter()
                .map(|c| (c.object.id, c.change, c.before, c.after))
                .collect();
        assert_eq!(
            found,
            [
                ("app".into(), Kind::Lost, None, None),
                (
                    "s1".into(),
                    Kind::SudoRaised,
                    Some(Sudo::WithPassword),
                    Some(Sudo::WithoutPassword)
                ),
                (
                    "s2".into(),
                    Kind::SudoLowered,
                    Some(Sudo::WithoutPassword),
                    Some(Sudo::Disabled)
                ),
                ("s3".into(), Kind::Gained, None, Some(Sudo::WithPassword)),
                ("g2".into(), Kind::Joined, None, None),
                ("g1".into(), Kind::Left, None, None),
            ]
        );
        assert!(changes(&user, Some(&old), Some(&old)).is_empty());
        assert_eq!(changes(&user, None, Some(&new)).len(), 4);
    }
}
