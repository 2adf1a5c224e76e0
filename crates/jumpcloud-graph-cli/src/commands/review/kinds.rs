//! Which optional kinds the org has, learned before a review (issue 23,
//! item 3): one cheap directory lookup per kind (`limit=1`; one page of
//! `/directories` for G Suite, Office 365 and LDAP), so that a kind the org
//! has none of is not traversed for every user. At 0.5-2 s and a rate
//! budget per request, each kind skipped saves a request per user.
//!
//! Skipping is conservative: a lookup that fails, or answers in a shape
//! this does not know, skips nothing (the review traverses as if the kind
//! were there), and a directory page that is full is not taken as the
//! whole list. Devices and device groups are always traversed.

use std::collections::BTreeSet;

use futures::future::join_all;
use jumpcloud_graph::{Client, TraversalKind};
use jumpcloud_graph_openapi::RequestError;
use jumpcloud_graph_openapi::directory::{v1, v1_base_url, v2};

use crate::output::{note, one_line};

/// `/directories` records a page (JumpCloud's largest page).
const DIRECTORY_PAGE: i64 = 100;

/// One lookup.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Lookup {
    /// v2 `/directories`: G Suite, Office 365 and LDAP, with their types.
    Directories,
    /// v2 `/activedirectories`.
    ActiveDirectories,
    /// v1 `/applications`.
    Applications,
    /// v1 `/radiusservers`.
    RadiusServers,
}

impl Lookup {
    /// The lookups that tell whether the org has `kind`.
    fn for_kind(kind: TraversalKind) -> &'static [Lookup] {
        match kind {
            TraversalKind::Application => &[Lookup::Applications],
            TraversalKind::RadiusServer => &[Lookup::RadiusServers],
            TraversalKind::ActiveDirectory => &[Lookup::ActiveDirectories],
            TraversalKind::GSuite | TraversalKind::Office365 | TraversalKind::LdapServer => {
                &[Lookup::Directories]
            }
            TraversalKind::Directory => &[Lookup::Directories, Lookup::ActiveDirectories],
            _ => &[],
        }
    }

    /// What the review says when it cannot tell.
    fn name(self) -> &'static str {
        match self {
            Lookup::Directories => "directories",
            Lookup::ActiveDirectories => "Active Directory domains",
            Lookup::Applications => "applications",
            Lookup::RadiusServers => "RADIUS servers",
        }
    }

    /// Sends it (one record, or a page of directories) through the
    /// client's request path: the body of the answer, or why there is none.
    async fn send(self, client: &Client) -> Result<Vec<u8>, String> {
        let org = client.org_id().map(|org| org.as_str().to_owned());
        let org = org.as_deref();
        let v2_base = client.base_url();
        let v1_base = || v1_base_url(v2_base);
        let built = match self {
            Lookup::Directories => (
                v2::operations::DIRECTORIES_LIST.operation_id,
                v2::requests::directories_list(
                    v2_base,
                    None,
                    Some(DIRECTORY_PAGE),
                    None,
                    None,
                    org,
                ),
            ),
            Lookup::ActiveDirectories => (
                v2::operations::ACTIVEDIRECTORIES_LIST.operation_id,
                v2::requests::activedirectories_list(v2_base, None, None, Some(1), None, None, org),
            ),
            Lookup::Applications => (
                v1::operations::APPLICATIONS_LIST.operation_id,
                v1_base().and_then(|base| {
                    v1::requests::applications_list(&base, None, None, Some(1), None, None, org)
                }),
            ),
            Lookup::RadiusServers => (
                v1::operations::RADIUS_SERVERS_LIST.operation_id,
                v1_base().and_then(|base| {
                    v1::requests::radius_servers_list(&base, None, None, Some(1), None, None, org)
                }),
            ),
        };
        let (operation, request) = built;
        let request = request.map_err(|error: RequestError| error.to_string())?;
        client
            .send_read(operation, request)
            .await
            .map_err(|error| error.to_string())
    }
}

/// What a lookup found: its records' `type`s (empty strings where a record
/// has none), or nothing known.
type Found = Option<Vec<String>>;

/// The kinds of `wanted` the org has none of, by one lookup per kind (a
/// few requests in all, whatever the number of users). A lookup that
/// fails is named on stderr and skips nothing.
pub async fn absent(client: &Client, wanted: &[TraversalKind]) -> BTreeSet<TraversalKind> {
    let lookups: BTreeSet<Lookup> = wanted
        .iter()
        .flat_map(|kind| Lookup::for_kind(*kind))
        .copied()
        .collect();
    let found = join_all(lookups.iter().map(|lookup| find(client, *lookup))).await;
    let found: Vec<(Lookup, Found)> = lookups.into_iter().zip(found).collect();
    wanted
        .iter()
        .copied()
        .filter(|kind| is_absent(*kind, &found))
        .collect()
}

/// Sends one lookup and reads its records' types.
async fn find(client: &Client, lookup: Lookup) -> Found {
    let sent = lookup.send(client).await;
    let found = sent.as_deref().ok().and_then(record_types);
    if found.is_none() {
        let why = match &sent {
            Err(error) => one_line(error),
            Ok(_) => "an answer of an unknown shape".to_string(),
        };
        note(&format!(
            "jcgraph: could not learn whether the org has {} ({why}): reviewing them anyway",
            lookup.name()
        ));
    }
    found
}

/// The `type` of each record of a page: v2's pages are arrays, v1's
/// `{"totalCount", "results"}`. `None` for anything else.
fn record_types(body: &[u8]) -> Found {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let records = match &value {
        serde_json::Value::Array(records) => records,
        serde_json::Value::Object(page) => page.get("results")?.as_array()?,
        _ => return None,
    };
    Some(
        records
            .iter()
            .map(|record| record["type"].as_str().unwrap_or_default().to_owned())
            .collect(),
    )
}

/// Whether `found` shows the org has no `kind` (`false` when it cannot
/// tell).
fn is_absent(kind: TraversalKind, found: &[(Lookup, Found)]) -> bool {
    let of = |lookup: Lookup| -> Option<&Vec<String>> {
        found
            .iter()
            .find(|(l, _)| *l == lookup)
            .and_then(|(_, found)| found.as_ref())
    };
    let none = |lookup: Lookup| of(lookup).is_some_and(Vec::is_empty);
    // A full page of directories may not be all of them.
    let directory_absent = |type_name: &str| {
        of(Lookup::Directories).is_some_and(|types| {
            types.len() < DIRECTORY_PAGE as usize && !types.iter().any(|t| t == type_name)
        })
    };
    match kind {
        TraversalKind::Application => none(Lookup::Applications),
        TraversalKind::RadiusServer => none(Lookup::RadiusServers),
        TraversalKind::ActiveDirectory => none(Lookup::ActiveDirectories),
        TraversalKind::GSuite => directory_absent("g_suite"),
        TraversalKind::Office365 => directory_absent("office_365"),
        TraversalKind::LdapServer => directory_absent("ldap_server"),
        TraversalKind::Directory => none(Lookup::Directories) && none(Lookup::ActiveDirectories),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(entries: &[(Lookup, Option<&[&str]>)]) -> Vec<(Lookup, Found)> {
        entries
            .iter()
            .map(|(l, types)| {
                let types = types.map(|t| t.iter().map(|s| (*s).to_owned()).collect());
                (*l, types)
            })
            .collect()
    }

    #[test]
    fn only_what_a_lookup_shows_missing_is_skipped() {
        let some = found(&[
            (Lookup::Directories, Some(&["g_suite", "surprise"])),
            (Lookup::ActiveDirectories, Some(&[])),
            (Lookup::Applications, None),
            (Lookup::RadiusServers, Some(&[])),
        ]);
        let skipped = [
            TraversalKind::LdapServer,
            TraversalKind::Office365,
            TraversalKind::RadiusServer,
            TraversalKind::ActiveDirectory,
        ];
        for kind in TraversalKind::ALL {
            assert_eq!(is_absent(kind, &some), skipped.contains(&kind), "{kind:?}");
        }
    }

    #[test]
    fn a_full_page_of_directories_skips_none_of_them() {
        let full: Vec<&str> = vec!["g_suite"; 100];
        let found = found(&[
            (Lookup::Directories, Some(&full)),
            (Lookup::ActiveDirectories, Some(&[])),
        ]);
        for kind in [
            TraversalKind::Office365,
            TraversalKind::LdapServer,
            TraversalKind::Directory,
        ] {
            assert!(!is_absent(kind, &found), "{kind:?}");
        }
    }

    #[test]
    fn pages_of_either_version_are_read_and_others_are_not() {
        assert_eq!(
            record_types(br#"[{"id": "a", "type": "ldap_server"}, {"id": "b"}]"#),
            Some(vec!["ldap_server".to_owned(), String::new()])
        );
        assert_eq!(
            record_types(br#"{"totalCount": 0, "results": []}"#),
            Some(vec![])
        );
        assert_eq!(record_types(br#"{"totalCount": 0}"#), None);
        assert_eq!(record_types(b"<html>"), None);
    }
}
