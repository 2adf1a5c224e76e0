//! Finding users and objects by what administrators call them: a user by
//! email or username, an object by its unique name, every user of the org.

use std::sync::Arc;

use super::lookup::{Lookup, Page, Record, Select};
use super::{CHUNK, Names, fetch, fetch_page};
use crate::pagination::{Cursor, Keyed, RawPage};
use crate::{Client, Error, GraphNode, GraphType, NodeId, ObjectId, User};

/// The longest email, username or name accepted (JumpCloud's own limit on
/// names is 1024).
const MAX_TEXT_CHARS: usize = 1024;

/// Pages of users read at most by [`Names::users`] (100 each): a server
/// that never ends the list must not loop.
const MAX_USER_PAGES: u64 = 10_000;

impl Client {
    /// The user whose email is `email` (compared ignoring ASCII case), in
    /// one request (`POST /api/search/systemusers`, `limit=2`).
    ///
    /// ```no_run
    /// # async fn demo(client: jumpcloud_graph::Client) -> Result<(), jumpcloud_graph::Error> {
    /// let ada = client.user_by_email("ada@acme.example").await?;
    /// println!("{}", ada.id());
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) before
    /// any request for an empty or over-long text, control characters, or
    /// no `@`; [`ErrorKind::NoUniqueMatch`](crate::ErrorKind::NoUniqueMatch)
    /// when no user or several have it ([`Error::matches`] lists them,
    /// [`Error::is_not_found`] is true for none); the request's own errors.
    pub async fn user_by_email(&self, email: &str) -> Result<User, Error> {
        let email = checked("email", email)?;
        if !email.contains('@') {
            return Err(Error::invalid("email", "an email has an `@`"));
        }
        self.user_by("email", email, "user with email").await
    }

    /// The user whose username is `username` (compared ignoring ASCII
    /// case), in one request, as [`user_by_email`](Self::user_by_email).
    ///
    /// # Errors
    ///
    /// As [`user_by_email`](Self::user_by_email), without the `@` rule.
    pub async fn user_by_username(&self, username: &str) -> Result<User, Error> {
        let username = checked("username", username)?;
        self.user_by("username", username, "user with username")
            .await
    }

    async fn user_by(
        &self,
        field: &'static str,
        value: &str,
        what: &'static str,
    ) -> Result<User, Error> {
        let fields = [field];
        let select = Select::Named {
            fields: &fields,
            value,
        };
        let records = fetch(self, Lookup::Users, select, (0, 2)).await?;
        let found = unique(records, &fields, value, what)?;
        let user = self.user(found.id.as_str())?;
        self.shared
            .names
            .insert(user.node(), found.name.map(Arc::from));
        Ok(user)
    }
}

impl Names {
    /// The objects of `kind` whose name is `name` (ignoring ASCII case):
    /// users by username or email, devices by display name or hostname,
    /// the others by name, in one request (the directories' list for G
    /// Suite and Office 365). Each found object's name is cached.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) for a
    /// kind without a lookup or a text as [`Client::user_by_email`]
    /// refuses; [`ErrorKind::NoUniqueMatch`](crate::ErrorKind::NoUniqueMatch)
    /// for none or several; the request's own errors.
    pub async fn find(&self, kind: &GraphType, name: &str) -> Result<GraphNode, Error> {
        let name = checked("name", name)?;
        let lookup = Lookup::of(kind).ok_or_else(|| {
            Error::invalid("kind", format!("{kind} objects have no lookup by name"))
        })?;
        let fields = lookup.name_fields();
        let select = Select::Named {
            fields,
            value: name,
        };
        let records = fetch(&self.client, lookup, select, (0, CHUNK as i64)).await?;
        let what = match lookup {
            Lookup::Users => "user named",
            Lookup::Systems => "device named",
            _ => "object named",
        };
        let found = unique(records, fields, name, what)?;
        let node = GraphNode::new(NodeId::from_server(&found.id), kind.clone());
        self.client
            .shared
            .names
            .insert(node.clone(), found.name.map(Arc::from));
        Ok(node)
    }

    /// Up to five names of `kind` close to `text` (ignoring case: names
    /// that contain it or are contained in it, or within a few edits),
    /// closest first, from the kind's first 100 records (one request): what
    /// to suggest when [`find`](Self::find) matched nothing. A larger org's
    /// later records are not considered.
    ///
    /// # Errors
    ///
    /// As [`find`](Self::find), without the match errors.
    pub async fn suggest(&self, kind: &GraphType, text: &str) -> Result<Vec<String>, Error> {
        let text = checked("name", text)?.to_lowercase();
        let lookup = Lookup::of(kind).ok_or_else(|| {
            Error::invalid("kind", format!("{kind} objects have no lookup by name"))
        })?;
        let records = fetch(&self.client, lookup, Select::All, (0, CHUNK as i64)).await?;
        let allowed = (text.chars().count() / 3).max(2);
        let mut close: Vec<(usize, String)> = records
            .into_iter()
            .filter_map(|record| {
                // The closest of the record's naming properties (a device's
                // hostname as well as its display name).
                let distance = record
                    .values
                    .values()
                    .filter_map(|value| value.as_str())
                    .map(|value| distance_to(&value.to_lowercase(), &text))
                    .min()?;
                (distance <= allowed).then_some((distance, record.name?))
            })
            .collect();
        close.sort();
        close.dedup_by(|a, b| a.1 == b.1);
        Ok(close.into_iter().take(5).map(|(_, name)| name).collect())
    }

    /// Every user of the organization with its username, a page of 100 at
    /// a time (`GET /api/systemusers`), in the server's order; a user
    /// repeated across pages is listed once. The pages go through the
    /// listing cursor the traversals use, so a short page, a gap or a
    /// shrinking `totalCount` loses no one.
    ///
    /// # Errors
    ///
    /// A page's error ends the list (a list with a hole would silently
    /// skip users); so does a list that ends with fewer users than its
    /// `totalCount`, or with a record whose id is not an ObjectID
    /// ([`Error::is_pagination`]).
    pub async fn users(&self) -> Result<Vec<(ObjectId, Option<String>)>, Error> {
        let path = "/api/systemusers";
        let mut cursor = Cursor::new(path.to_owned(), CHUNK as u32);
        let mut users = Vec::new();
        for _ in 0..MAX_USER_PAGES {
            let Some(skip) = cursor.next_request() else {
                break;
            };
            let window = (skip, CHUNK as i64);
            let page = fetch_page(&self.client, Lookup::Users, Select::All, window).await?;
            // Records that are not users end the list: it would lack them.
            let expected = page
                .total
                .unwrap_or(0)
                .max(skip.saturating_add(page.items as u64));
            let listed = users.len() as u64;
            let unreadable = || Error::incomplete(path.to_owned(), expected, listed);
            let raw = user_rows(page).ok_or_else(unreadable)?;
            let (fresh, _) = cursor.accept(skip, raw)?;
            for row in fresh.into_items() {
                let Ok(id) = ObjectId::parse(&row.node.id().as_sent()) else {
                    return Err(unreadable());
                };
                let name = row.name.clone().map(Arc::from);
                self.client.shared.names.insert(row.node, name);
                users.push((id, row.name));
            }
        }
        cursor.finish()?;
        Ok(users)
    }
}

/// A user as the listing cursor keys it: by (type, id).
struct UserRow {
    node: GraphNode,
    name: Option<String>,
}

impl Keyed for UserRow {
    fn key(&self) -> &GraphNode {
        &self.node
    }
}

/// A page of users for the cursor; `None` when a record of it is not a
/// user (no id), which would otherwise shorten the page unseen.
fn user_rows(page: Page) -> Option<RawPage<UserRow>> {
    if page.records.len() != page.items {
        return None;
    }
    let items = page
        .records
        .into_iter()
        .map(|record| UserRow {
            node: GraphNode::new(NodeId::from_server(&record.id), GraphType::User),
            name: record.name,
        })
        .collect();
    Some(RawPage {
        items,
        total: page.total,
    })
}

/// 0 when one text contains the other, else their edit distance.
fn distance_to(name: &str, text: &str) -> usize {
    if name.contains(text) || text.contains(name) {
        0
    } else {
        edit_distance(name, text)
    }
}

/// Levenshtein's distance between `a` and `b`, by characters; both are
/// at most [`MAX_TEXT_CHARS`] and 256 characters (names are capped), so the
/// table stays small.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

/// `text` trimmed, or why it cannot be looked up.
fn checked<'a>(field: &'static str, text: &'a str) -> Result<&'a str, Error> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Error::invalid(field, "it is empty"));
    }
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(Error::invalid(
            field,
            format!("it is longer than {MAX_TEXT_CHARS} characters"),
        ));
    }
    if text.chars().any(crate::shown_escaped) {
        return Err(Error::invalid(
            field,
            "it has control or invisible characters",
        ));
    }
    Ok(text)
}

/// The one record whose `fields` hold `value` (the server's filter is
/// checked, not trusted), or the typed error for none or several.
fn unique(
    records: Vec<Record>,
    fields: &[&str],
    value: &str,
    what: &'static str,
) -> Result<Record, Error> {
    let mut matching: Vec<Record> = records
        .into_iter()
        .filter(|record| record.has(fields, value))
        .collect();
    match matching.len() {
        1 => Ok(matching.remove(0)),
        _ => Err(Error::no_unique_match(
            what,
            value,
            matching
                .iter()
                .map(|record| format!("{} ({})", record.name.as_deref().unwrap_or("?"), record.id))
                .collect(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: &str, name: &str) -> Record {
        let mut values = serde_json::Map::new();
        values.insert("name".into(), name.into());
        Record {
            id: id.into(),
            name: Some(name.into()),
            values,
        }
    }

    #[test]
    fn one_match_is_chosen_and_none_or_several_are_typed_errors() {
        let fields = ["name"];
        let found = unique(
            vec![record("1", "Ops"), record("2", "Opsy")],
            &fields,
            "ops",
            "x",
        );
        assert_eq!(found.unwrap().id, "1");
        let several = unique(
            vec![record("1", "Ops"), record("2", "OPS")],
            &fields,
            "ops",
            "x",
        );
        let error = several.unwrap_err();
        assert_eq!(error.matches().map(<[String]>::len), Some(2), "{error}");
        assert!(!error.is_not_found());
        let none = unique(vec![record("1", "Dev")], &fields, "ops", "x").unwrap_err();
        assert!(none.is_not_found(), "{none}");
    }

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("web-01", "web-01"), 0);
        assert_eq!(edit_distance("web-01", "web-02"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
