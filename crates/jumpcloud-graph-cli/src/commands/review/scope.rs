//! What a review covers: which traversals, whether the user's groups, and
//! which effective sudo (`--kind`, `--sudo`); how one user's lists are
//! fetched for it; and the review file header that records it.

use std::collections::BTreeSet;

use futures::future::{try_join, try_join_all};
use jumpcloud_graph::{AccessReport, BoundObject, Error, Explanation, TraversalKind, User};

use crate::cli::{ReviewKind, SudoFilter};
use crate::error::CliError;
use crate::render;
use crate::review_file::{Header, UsersSeal, VERSION};

/// The traversals that list devices and device groups, the only objects
/// with sudo: what `--sudo` reviews unless `--kind` says otherwise.
const SUDO_KINDS: [TraversalKind; 2] = [TraversalKind::System, TraversalKind::SystemGroup];

/// What a review covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scope {
    /// The traversals, in the client's order.
    pub kinds: Vec<TraversalKind>,
    /// Whether the user's groups (`memberof`) are listed.
    pub groups: bool,
    /// Only devices and device groups with this effective sudo.
    pub sudo: Option<SudoFilter>,
}

impl Scope {
    /// The scope `--kind` and `--sudo` ask for: everything by default;
    /// with `--sudo`, devices and device groups.
    pub fn new(kinds: &[ReviewKind], sudo: Option<SudoFilter>) -> Result<Self, CliError> {
        let groups = match (kinds.is_empty(), sudo) {
            (true, None) => true,
            (true, Some(_)) => false,
            (false, _) => kinds.contains(&ReviewKind::Groups),
        };
        if groups && sudo.is_some() {
            return Err(CliError::Usage(
                "--kind groups with --sudo: groups carry no sudo; leave one out".into(),
            ));
        }
        let wanted = |kind: &TraversalKind| {
            if kinds.is_empty() {
                sudo.is_none() || SUDO_KINDS.contains(kind)
            } else {
                kinds.contains(&ReviewKind::Traversal(*kind))
            }
        };
        Ok(Self {
            kinds: TraversalKind::ALL.into_iter().filter(wanted).collect(),
            groups,
            sudo,
        })
    }

    /// The header of a review file made with this scope.
    pub fn header(&self, org: String, users: UsersSeal) -> Header {
        Header {
            version: VERSION,
            kinds: self.kinds.iter().map(|k| k.name().to_string()).collect(),
            groups: self.groups,
            sudo: self.sudo.map(|s| s.name().to_string()),
            org,
            users,
        }
    }

    /// Fetches one user's lists and makes the report. A kind in `skip` is
    /// known to list nothing in this org and is not fetched: it is where
    /// skipping the kinds an org does not have plugs in (issue 23, item 3),
    /// once the name-lookup operations can tell which those are.
    pub async fn fetch(
        &self,
        user: &User,
        skip: &BTreeSet<TraversalKind>,
    ) -> Result<AccessReport, Error> {
        let kinds: Vec<TraversalKind> = self
            .kinds
            .iter()
            .copied()
            .filter(|kind| !skip.contains(kind))
            .collect();
        let traversals = try_join_all(kinds.iter().map(|kind| user.traverse(*kind).try_collect()));
        let groups = async {
            if self.groups {
                user.member_of().try_collect().await
            } else {
                Ok(Vec::<BoundObject>::new())
            }
        };
        let (traversals, groups) = try_join(traversals, groups).await?;
        Ok(AccessReport::from_lists(
            user.node(),
            kinds.into_iter().zip(traversals),
            groups,
        ))
    }

    /// Whether an object of a report is listed: every object, or with
    /// `--sudo` only devices and device groups whose effective sudo passes.
    pub fn lists_object(&self, object: &Explanation) -> bool {
        match self.sudo {
            None => true,
            Some(filter) => {
                render::takes_sudo(object.node().kind()) && filter.admits(object.effective_sudo())
            }
        }
    }

    /// The options that differ from a review file's header, in words; empty
    /// when they match.
    pub fn differences(&self, mine: &Header, theirs: &Header) -> Vec<String> {
        let mut differences = Vec::new();
        if theirs.version != mine.version {
            differences.push(format!(
                "it is format version {} (this jcgraph writes {})",
                theirs.version, mine.version
            ));
        }
        if (&theirs.kinds, theirs.groups) != (&mine.kinds, mine.groups) {
            differences.push(format!(
                "it reviewed {} (this run: {})",
                kinds_text(&theirs.kinds, theirs.groups),
                kinds_text(&mine.kinds, mine.groups)
            ));
        }
        if theirs.sudo != mine.sudo {
            differences.push(format!(
                "it was made with --sudo {} (this run: {})",
                theirs.sudo.as_deref().unwrap_or("(none)"),
                mine.sudo.as_deref().unwrap_or("(none)")
            ));
        }
        if theirs.org != mine.org {
            differences.push(format!(
                "it reviewed {} (this run: {})",
                theirs.org, mine.org
            ));
        }
        differences
    }
}

/// `systems, system-groups and groups`.
fn kinds_text(kinds: &[String], groups: bool) -> String {
    let mut names: Vec<&str> = kinds.iter().map(String::as_str).collect();
    if groups {
        names.push("groups");
    }
    if names.is_empty() {
        "nothing".into()
    } else {
        names.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_everything_and_sudo_means_devices() {
        let all = Scope::new(&[], None).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(all.kinds, TraversalKind::ALL.to_vec());
        assert!(all.groups);
        let sudo = Scope::new(&[], Some(SudoFilter::Any)).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(sudo.kinds, SUDO_KINDS.to_vec());
        assert!(!sudo.groups);
        let chosen = [
            ReviewKind::Traversal(TraversalKind::Application),
            ReviewKind::Groups,
            ReviewKind::Traversal(TraversalKind::System),
        ];
        let some = Scope::new(&chosen, None).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            some.kinds,
            [TraversalKind::Application, TraversalKind::System]
        );
        assert!(some.groups);
        assert!(Scope::new(&[ReviewKind::Groups], Some(SudoFilter::Any)).is_err());
    }
}
