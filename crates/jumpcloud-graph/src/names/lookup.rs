//! Which directory lookup names each kind of node, how its request selects
//! records (by id, or by a field's values), and how its answer reads: the
//! table in `jumpcloud_graph_openapi::directory`'s docs, as code.

use jumpcloud_graph_openapi::RequestError;
use jumpcloud_graph_openapi::directory::{v1, v2};
use serde_json::{Map, Value};

use crate::GraphType;

/// The longest name kept, in characters: a hostile server's megabyte
/// "name" must not fill the cache or a terminal.
pub(crate) const MAX_NAME_CHARS: usize = 256;

/// Pages of `directories_list` read at most (100 directories each): an org
/// has a handful, and a server that never ends a list must not loop.
pub(crate) const MAX_DIRECTORY_PAGES: u64 = 10;

/// One lookup operation, and the kinds it names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Lookup {
    /// v1 `search_systemusers_post`.
    Users,
    /// v1 `search_systems_post`.
    Systems,
    /// v1 `applications_list`.
    Applications,
    /// v1 `radius_servers_list`.
    RadiusServers,
    /// v2 `groups_user_list`.
    UserGroups,
    /// v2 `groups_system_list`.
    SystemGroups,
    /// v2 `ldapservers_list`.
    LdapServers,
    /// v2 `activedirectories_list`.
    ActiveDirectories,
    /// v2 `directories_list`: G Suite and Office 365 (no filter: every
    /// directory of the org).
    Directories,
}

/// Which records a request asks for.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Select<'a> {
    /// These ids (at most 100).
    Ids(&'a [String]),
    /// Records where one of `fields` equals `value` (v1 searches OR the
    /// fields; the query filters use the first).
    Named {
        fields: &'a [&'static str],
        value: &'a str,
    },
    /// Every record, a page at a time (users: `systemusers_list`).
    All,
}

/// One page of an answer: see [`Lookup::page`].
#[derive(Debug)]
pub(crate) struct Page {
    pub(crate) records: Vec<Record>,
    /// Items the page held, records or not (the offset of the next page).
    pub(crate) items: usize,
    pub(crate) total: Option<u64>,
}

/// One record of an answer: its id, the name it is shown by, and its
/// naming properties as sent (to check what a filter matched).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Record {
    pub(crate) id: String,
    pub(crate) name: Option<String>,
    pub(crate) values: Map<String, Value>,
}

impl Record {
    /// Whether one of `fields` is `value`, ignoring ASCII case (emails,
    /// usernames and hostnames are compared so by JumpCloud's console).
    pub(crate) fn has(&self, fields: &[&str], value: &str) -> bool {
        fields.iter().any(|field| {
            self.values
                .get(*field)
                .and_then(Value::as_str)
                .is_some_and(|text| text.trim().eq_ignore_ascii_case(value))
        })
    }
}

impl Lookup {
    /// The lookup that names nodes of `kind`; `None` for kinds JumpCloud
    /// has no batched lookup for here (commands, policies, ...).
    pub(crate) fn of(kind: &GraphType) -> Option<Lookup> {
        Some(match kind {
            GraphType::User => Lookup::Users,
            GraphType::System => Lookup::Systems,
            GraphType::Application => Lookup::Applications,
            GraphType::RadiusServer => Lookup::RadiusServers,
            GraphType::UserGroup => Lookup::UserGroups,
            GraphType::SystemGroup => Lookup::SystemGroups,
            GraphType::LdapServer => Lookup::LdapServers,
            GraphType::ActiveDirectory => Lookup::ActiveDirectories,
            GraphType::GSuite | GraphType::Office365 => Lookup::Directories,
            _ => return None,
        })
    }

    /// JumpCloud's operationId.
    pub(crate) fn operation_id(self) -> &'static str {
        match self {
            Lookup::Users => "search_systemusers_post",
            Lookup::Systems => "search_systems_post",
            Lookup::Applications => "applications_list",
            Lookup::RadiusServers => "radius_servers_list",
            Lookup::UserGroups => "groups_user_list",
            Lookup::SystemGroups => "groups_system_list",
            Lookup::LdapServers => "ldapservers_list",
            Lookup::ActiveDirectories => "activedirectories_list",
            Lookup::Directories => "directories_list",
        }
    }

    /// The HTTP method and the path below the API's base URL (v1's `/api`
    /// or v2's `/api/v2`), for spans and errors.
    pub(crate) fn method_and_path(self) -> (&'static str, &'static str) {
        match self {
            Lookup::Users => ("POST", "/search/systemusers"),
            Lookup::Systems => ("POST", "/search/systems"),
            Lookup::Applications => ("GET", "/applications"),
            Lookup::RadiusServers => ("GET", "/radiusservers"),
            Lookup::UserGroups => ("GET", "/usergroups"),
            Lookup::SystemGroups => ("GET", "/systemgroups"),
            Lookup::LdapServers => ("GET", "/ldapservers"),
            Lookup::ActiveDirectories => ("GET", "/activedirectories"),
            Lookup::Directories => ("GET", "/directories"),
        }
    }

    /// Whether the lookup is one of the v1 API's (base URL `.../api`).
    pub(crate) fn is_v1(self) -> bool {
        matches!(
            self,
            Lookup::Users | Lookup::Systems | Lookup::Applications | Lookup::RadiusServers
        )
    }

    /// The record's properties that name it, preferred first.
    pub(crate) fn name_fields(self) -> &'static [&'static str] {
        match self {
            Lookup::Users => &["username", "email", "displayname"],
            Lookup::Systems => &["displayName", "hostname"],
            Lookup::Applications => &["displayLabel", "displayName", "name"],
            Lookup::ActiveDirectories => &["domain"],
            _ => &["name"],
        }
    }

    /// The `fields` projection: the id and the naming properties.
    fn projection(self) -> String {
        let (id, separator) = if self.is_v1() {
            ("_id", " ")
        } else {
            ("id", ",")
        };
        let mut fields = vec![id];
        fields.extend(self.name_fields());
        fields.join(separator)
    }

    /// The request for `select` at `skip` (only `directories_list` pages;
    /// the others ask for at most 100 values and get one page).
    pub(crate) fn request(
        self,
        base_url: &str,
        select: Select<'_>,
        org: Option<&str>,
        (skip, limit): (u64, i64),
    ) -> Result<reqwest::Request, RequestError> {
        let fields = self.projection();
        let fields = Some(fields.as_str());
        let limit = Some(limit);
        let skip = (skip > 0).then_some(skip);
        match self {
            Lookup::Users if matches!(select, Select::All) => {
                v1::requests::systemusers_list(base_url, fields, None, limit, skip, None, org)
            }
            Lookup::Users | Lookup::Systems => {
                let body = search_body(select, fields);
                let build = if self == Lookup::Users {
                    v1::requests::search_systemusers_post
                } else {
                    v1::requests::search_systems_post
                };
                build(base_url, None, None, limit, skip, org, &body)
            }
            Lookup::Applications | Lookup::RadiusServers => {
                let filter = v1_filter(select);
                let filter = filter.as_deref();
                let build = if self == Lookup::Applications {
                    v1::requests::applications_list
                } else {
                    v1::requests::radius_servers_list
                };
                build(base_url, fields, filter, limit, skip, None, org)
            }
            Lookup::Directories => {
                v2::requests::directories_list(base_url, fields, limit, skip, None, org)
            }
            _ => {
                let filter: Vec<String> = v2_filter(select).into_iter().collect();
                let filter = (!filter.is_empty()).then_some(filter.as_slice());
                let build = match self {
                    Lookup::UserGroups => v2::requests::groups_user_list,
                    Lookup::SystemGroups => v2::requests::groups_system_list,
                    Lookup::LdapServers => v2::requests::ldapservers_list,
                    _ => v2::requests::activedirectories_list,
                };
                build(base_url, fields, filter, limit, skip, None, org)
            }
        }
    }

    /// The records of an answer: v1's `{"results": [..]}` or v2's array.
    /// Records without a string id are skipped; names are cut to
    /// [`MAX_NAME_CHARS`].
    #[cfg(test)]
    pub(crate) fn records(self, body: &[u8]) -> Result<Vec<Record>, serde_json::Error> {
        self.page(body).map(|page| page.records)
    }

    /// An answer read as a page: its records, how many items it held in
    /// all (records or not), and v1's `totalCount` when it is a count.
    pub(crate) fn page(self, body: &[u8]) -> Result<Page, serde_json::Error> {
        let value: Value = serde_json::from_slice(body)?;
        let (items, total) = match value {
            Value::Array(items) => (items, None),
            Value::Object(mut map) => {
                let total = map.get("totalCount").and_then(Value::as_u64);
                match map.remove("results") {
                    Some(Value::Array(items)) => (items, total),
                    _ => (Vec::new(), total),
                }
            }
            _ => (Vec::new(), None),
        };
        let records = items
            .iter()
            .filter_map(Value::as_object)
            .filter_map(|record| self.record(record))
            .collect();
        Ok(Page {
            records,
            items: items.len(),
            total,
        })
    }

    fn record(self, record: &Map<String, Value>) -> Option<Record> {
        let id = ["_id", "id"]
            .iter()
            .find_map(|key| record.get(*key).and_then(Value::as_str))?;
        let name = self
            .name_fields()
            .iter()
            .filter_map(|field| record.get(*field).and_then(Value::as_str))
            .map(str::trim)
            .find(|name| !name.is_empty())
            .map(capped);
        let values = self
            .name_fields()
            .iter()
            .filter_map(|field| Some(((*field).to_owned(), record.get(*field)?.clone())))
            .collect();
        Some(Record {
            id: id.to_owned(),
            name,
            values,
        })
    }
}

/// `name`, cut to [`MAX_NAME_CHARS`] characters (with `…` when cut).
fn capped(name: &str) -> String {
    match name.char_indices().nth(MAX_NAME_CHARS) {
        Some((end, _)) => format!("{}…", &name[..end]),
        None => name.to_owned(),
    }
}

/// A v1 search body: `{"filter": {"or": [{"<field>": "<value>"}, ..]},
/// "fields": ".."}`. Values are JSON strings, so no value can change the
/// filter's meaning.
fn search_body(select: Select<'_>, fields: Option<&str>) -> v1::types::Search {
    let expression = |field: &str, value: &str| {
        let mut expression = Map::new();
        expression.insert(field.to_owned(), Value::String(value.to_owned()));
        Value::Object(expression)
    };
    let expressions: Vec<Value> = match select {
        Select::Ids(ids) => ids.iter().map(|id| expression("_id", id)).collect(),
        Select::Named { fields, value } => fields.iter().map(|f| expression(f, value)).collect(),
        Select::All => Vec::new(),
    };
    let mut filter = Map::new();
    if !expressions.is_empty() {
        filter.insert("or".to_owned(), Value::Array(expressions));
    }
    v1::types::Search {
        fields: fields.map(str::to_owned),
        filter,
        search_filter: Map::new(),
    }
}

/// v1's `_id:$in:<id>|<id>` (ASSUMED form; see the v1 fragment's header),
/// or `<field>:$eq:<value>`.
fn v1_filter(select: Select<'_>) -> Option<String> {
    match select {
        Select::Ids(ids) => Some(format!("_id:$in:{}", ids.join("|"))),
        Select::Named { fields, value } => Some(format!("{}:$eq:{value}", fields.first()?)),
        Select::All => None,
    }
}

/// v2's `id:in:<id>|<id>` (DOCUMENTED operator, ASSUMED separator), or
/// `<field>:eq:<value>`.
fn v2_filter(select: Select<'_>) -> Option<String> {
    match select {
        Select::Ids(ids) => Some(format!("id:in:{}", ids.join("|"))),
        Select::Named { fields, value } => Some(format!("{}:eq:{value}", fields.first()?)),
        Select::All => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_read_both_shapes_skip_idless_ones_and_cap_names() {
        let long = "x".repeat(MAX_NAME_CHARS + 10);
        let v1 = format!(
            r#"{{"totalCount": 3, "results": [{{"_id": "a", "username": " ada "}},
               {{"username": "no id"}}, {{"_id": "b", "username": "{long}"}}]}}"#
        );
        let records = Lookup::Users.records(v1.as_bytes()).unwrap();
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].name.as_deref(), Some("ada"));
        let capped = records[1].name.as_deref().unwrap();
        assert_eq!(capped.chars().count(), MAX_NAME_CHARS + 1);
        let v2 = br#"[{"id": "g", "name": "Ops"}, {"id": "h", "name": ""}, 42]"#;
        let records = Lookup::UserGroups.records(v2).unwrap();
        assert_eq!(records[0].name.as_deref(), Some("Ops"));
        assert_eq!(records[1].name, None);
    }

    #[test]
    fn every_lookup_builds_its_request() {
        let ids = ["653000000000000000000004".to_owned()];
        for lookup in [
            Lookup::Users,
            Lookup::Systems,
            Lookup::Applications,
            Lookup::RadiusServers,
            Lookup::UserGroups,
            Lookup::SystemGroups,
            Lookup::LdapServers,
            Lookup::ActiveDirectories,
            Lookup::Directories,
        ] {
            let base = if lookup.is_v1() {
                "http://h/api"
            } else {
                "http://h/api/v2"
            };
            let request = lookup
                .request(base, Select::Ids(&ids), Some("org"), (0, 100))
                .unwrap();
            let (method, path) = lookup.method_and_path();
            assert_eq!(request.method().as_str(), method);
            assert!(request.url().path().ends_with(path), "{}", request.url());
            let query = request.url().query().unwrap_or_default().to_owned();
            assert!(query.contains("limit=100"), "{query}");
        }
    }
}
