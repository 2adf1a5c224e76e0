//! What an explanation, a plan or an outcome wants its reader to know.

use std::fmt;

use crate::{Assumption, Edge, GraphNode, Sudo};

/// Something to know about an [`Explanation`](crate::Explanation), a
/// [`RevokePlan`](crate::RevokePlan), a [`RevokeOutcome`](crate::RevokeOutcome)
/// or an [`AccessReport`](crate::AccessReport). `Display` gives a sentence
/// for people.
///
/// With the `serde` feature each serializes as an object with a `kind` (the
/// [`name`](Self::name)), the variant's fields in snake_case and a
/// `message` (the `Display` text), e.g. `{"kind": "sudo_would_rise",
/// "from": "with-password", "to": "without-password", "message": "..."}`;
/// `precedence_disagrees` adds `readme_section`, the title of the README
/// section its `assumptions` are listed in.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum AccessWarning {
    /// Access remains after the steps this crate can run: these edges are
    /// left to an administrator (their operations are on the plan's steps).
    #[non_exhaustive]
    AccessRemains {
        /// The edges an administrator must remove, in plan order.
        left_to_admin: Vec<Edge>,
    },
    /// Running only the steps this crate can run would raise the user's
    /// effective sudo on the device, because a path of weaker precedence
    /// and more permissive sudo would then decide it.
    #[non_exhaustive]
    SudoWouldRise {
        /// The effective sudo now.
        from: Sudo,
        /// The effective sudo after the executable steps.
        to: Sudo,
    },
    /// The effective sudo rose: the re-traversal after
    /// [`RevokePlan::apply`](crate::RevokePlan::apply) shows more than before.
    #[non_exhaustive]
    SudoRose {
        /// The effective sudo before.
        from: Sudo,
        /// The effective sudo now.
        to: Sudo,
    },
    /// The client's rules (JumpCloud's documented ones, and where it is
    /// silent the [`Assumption`]s) give another sudo than the server's
    /// `compiledAttributes`: the server's value is what the user has now,
    /// and which path decides it is unknown. `assumptions` are the
    /// undocumented rules the client's answer relied on, each listed in
    /// the README's "What explanations assume"; none means the server
    /// departs from the documented rules themselves.
    #[non_exhaustive]
    PrecedenceDisagrees {
        /// The object.
        object: GraphNode,
        /// The sudo by the client's rules.
        client: Sudo,
        /// The sudo in `compiledAttributes` (`None` when it has none).
        server: Option<Sudo>,
        /// The assumptions the client's answer relied on.
        assumptions: Vec<Assumption>,
    },
    /// The user's global sudo flag (`sudo` and `passwordless_sudo` on the
    /// v1 user, `/systemusers/{id}`) also grants sudo on every device the
    /// user can log in to, and is outside the user graph's operations: the
    /// sudo shown here is what the graph grants.
    GlobalSudoNotVisible,
    /// The server's paths do not prove the plan smallest (their edges
    /// form routes the server did not list, so the maximum flow is no
    /// proof), and they were too many for the exact search within its
    /// budget: the plan cuts every path but may not be the smallest.
    #[non_exhaustive]
    SearchTooLarge {
        /// Distinct edges on the paths.
        edges: usize,
        /// Paths to cut.
        paths: usize,
    },
    /// The plan has the fewest steps and, among plans of that size, the
    /// most this crate can run; but there were too many such plans to
    /// compare the rest exactly within the search's budget, so collateral
    /// (what else the user loses) was estimated edge by edge: another plan
    /// of the same size may take less.
    #[non_exhaustive]
    PreferenceEstimated {
        /// Distinct edges on the paths.
        edges: usize,
        /// Paths to cut.
        paths: usize,
    },
    /// The server sent paths without edges, which nothing can cut; they are
    /// left out of the plan.
    #[non_exhaustive]
    EmptyPaths {
        /// How many.
        count: usize,
    },
    /// The re-traversal after
    /// [`RevokePlan::apply`](crate::RevokePlan::apply) differs from what the
    /// plan predicted (the graph changed meanwhile, or the server's rules
    /// differ from the client's).
    #[non_exhaustive]
    UnexpectedOutcome {
        /// Paths the plan predicted would remain.
        predicted_paths: usize,
        /// Paths that remain.
        remaining_paths: usize,
        /// The sudo the plan predicted.
        predicted_sudo: Sudo,
        /// The sudo now.
        sudo: Sudo,
    },
}

impl AccessWarning {
    /// A stable name for the kind of warning: `access_remains`,
    /// `sudo_would_rise`, `sudo_rose`, `precedence_disagrees`,
    /// `global_sudo_not_visible`, `search_too_large`, `preference_estimated`,
    /// `empty_paths`, `unexpected_outcome`.
    pub fn name(&self) -> &'static str {
        match self {
            AccessWarning::AccessRemains { .. } => "access_remains",
            AccessWarning::SudoWouldRise { .. } => "sudo_would_rise",
            AccessWarning::SudoRose { .. } => "sudo_rose",
            AccessWarning::PrecedenceDisagrees { .. } => "precedence_disagrees",
            AccessWarning::GlobalSudoNotVisible => "global_sudo_not_visible",
            AccessWarning::SearchTooLarge { .. } => "search_too_large",
            AccessWarning::PreferenceEstimated { .. } => "preference_estimated",
            AccessWarning::EmptyPaths { .. } => "empty_paths",
            AccessWarning::UnexpectedOutcome { .. } => "unexpected_outcome",
        }
    }
}

impl fmt::Display for AccessWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AccessWarning::AccessRemains { left_to_admin } => access_remains(f, left_to_admin),
            AccessWarning::SudoWouldRise { from, to } => write!(
                f,
                "sudo would rise from {from} to {to} if only the user's own associations were \
                 removed: a path of weaker precedence would then decide it"
            ),
            AccessWarning::SudoRose { from, to } => {
                write!(f, "effective sudo rose from {from} to {to}")
            }
            AccessWarning::PrecedenceDisagrees {
                object,
                client,
                server,
                assumptions,
            } => {
                write!(
                    f,
                    "on {object}, the client's rules give sudo {client} but compiledAttributes say "
                )?;
                match server {
                    Some(sudo) => write!(f, "{sudo}")?,
                    None => f.write_str("nothing")?,
                }
                f.write_str("; the server's value is what the user has, from an unknown path; ")?;
                disagreement_cause(f, assumptions)
            }
            AccessWarning::GlobalSudoNotVisible => f.write_str(
                "the user's global sudo flag (a v1 user field, /systemusers/{id}) can also grant \
                 sudo on every device the user reaches, and is not visible through the user graph",
            ),
            AccessWarning::SearchTooLarge { edges, paths } => write!(
                f,
                "{paths} paths over {edges} edges, with routes the server did not list, are too \
                 many for an exact search: this plan cuts every path but may not be the smallest"
            ),
            AccessWarning::PreferenceEstimated { edges, paths } => write!(
                f,
                "{paths} paths over {edges} edges leave too many smallest plans to compare \
                 exactly: this one has the fewest steps, but another of that size may take less \
                 else away from the user"
            ),
            AccessWarning::EmptyPaths { count } => write!(
                f,
                "the server sent {} without edges; nothing can cut them",
                plural(*count, "path", "paths")
            ),
            AccessWarning::UnexpectedOutcome {
                predicted_paths,
                remaining_paths,
                predicted_sudo,
                sudo,
            } => write!(
                f,
                "the plan predicted {} and sudo {predicted_sudo}; the server now shows {} and \
                 sudo {sudo}",
                plural(*predicted_paths, "remaining path", "remaining paths"),
                plural(*remaining_paths, "path", "paths"),
            ),
        }
    }
}

/// What a disagreement with the server points at: the assumptions the
/// client relied on, or the documented rules themselves.
fn disagreement_cause(f: &mut fmt::Formatter<'_>, assumptions: &[Assumption]) -> fmt::Result {
    if assumptions.is_empty() {
        return f.write_str(
            "the client's answer rests on JumpCloud's documented rules alone, so the server \
             follows some other rule",
        );
    }
    f.write_str("the client's answer relied on ")?;
    for (i, assumption) in assumptions.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{assumption}")?;
    }
    write!(f, " (README: \"{}\")", Assumption::README_SECTION)
}

/// [`AccessWarning::AccessRemains`]'s sentence.
fn access_remains(f: &mut fmt::Formatter<'_>, left_to_admin: &[Edge]) -> fmt::Result {
    if left_to_admin.is_empty() {
        // After `apply`, access can remain with no step left to an
        // administrator: through edges the plan did not see, or a removal
        // JumpCloud has not yet applied.
        return f.write_str(
            "access remains after the user's own associations are removed; \
             no step of the plan is left to an administrator",
        );
    }
    write!(
        f,
        "access remains after the user's own associations are removed; {} left to an administrator: ",
        plural(left_to_admin.len(), "edge is", "edges are")
    )?;
    for (i, edge) in left_to_admin.iter().enumerate() {
        if i > 0 {
            f.write_str("; ")?;
        }
        write!(f, "{edge}")?;
    }
    Ok(())
}

/// `1 edge is`, `2 edges are`.
pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for AccessWarning {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("kind", self.name())?;
        match self {
            AccessWarning::AccessRemains { left_to_admin } => {
                map.serialize_entry("left_to_admin", left_to_admin)?;
            }
            AccessWarning::SudoWouldRise { from, to } | AccessWarning::SudoRose { from, to } => {
                map.serialize_entry("from", from)?;
                map.serialize_entry("to", to)?;
            }
            AccessWarning::PrecedenceDisagrees {
                object,
                client,
                server,
                assumptions,
            } => {
                map.serialize_entry("object", object)?;
                map.serialize_entry("client", client)?;
                map.serialize_entry("server", server)?;
                map.serialize_entry("assumptions", assumptions)?;
                map.serialize_entry("readme_section", Assumption::README_SECTION)?;
            }
            AccessWarning::GlobalSudoNotVisible => {}
            AccessWarning::SearchTooLarge { edges, paths }
            | AccessWarning::PreferenceEstimated { edges, paths } => {
                map.serialize_entry("edges", edges)?;
                map.serialize_entry("paths", paths)?;
            }
            AccessWarning::EmptyPaths { count } => map.serialize_entry("count", count)?,
            AccessWarning::UnexpectedOutcome {
                predicted_paths,
                remaining_paths,
                predicted_sudo,
                sudo,
            } => {
                map.serialize_entry("predicted_paths", predicted_paths)?;
                map.serialize_entry("remaining_paths", remaining_paths)?;
                map.serialize_entry("predicted_sudo", predicted_sudo)?;
                map.serialize_entry("sudo", sudo)?;
            }
        }
        map.serialize_entry("message", &self.to_string())?;
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_remaining_with_no_step_left_to_an_administrator_names_no_empty_list() {
        let text = AccessWarning::AccessRemains {
            left_to_admin: Vec::new(),
        }
        .to_string();
        assert!(!text.contains("0 edges"), "{text}");
        assert!(!text.ends_with(": "), "{text}");
        assert!(text.contains("no step of the plan"), "{text}");
    }
}
