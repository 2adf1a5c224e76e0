//! The directory lookups (`openapi/jumpcloud-directory-v1.yaml` and
//! `-v2.yaml`): what each lists ([`Collection`]), how its records look (the
//! id, the properties the fragment declares with their JSON types, the
//! object's other fixture fields as they are), and which fields a filter,
//! a sort or a search may name. How a request selects, pages and projects
//! is `select.rs`'s; what the v1 query strings and search bodies mean is
//! `conditions.rs`'s.

mod conditions;
mod select;

use serde_json::{Map, Value};

use crate::model::{Kind, Object};

pub(crate) use select::{Request, answer_get, answer_list};

/// Which of JumpCloud's APIs a lookup belongs to, which decides the id's
/// key and the query syntax.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Api {
    /// `/api`: records keyed `_id`, filters `field:$op:value`, space-separated
    /// `fields` and `sort`, list answers `{"totalCount", "results"}`.
    V1,
    /// `/api/v2`: records keyed `id`, filters `field:op:value`,
    /// comma-separated `fields` and `sort`, list answers as arrays with
    /// `x-total-count`.
    V2,
}

impl Api {
    /// The key of a record's id.
    pub(crate) fn id_key(self) -> &'static str {
        match self {
            Api::V1 => "_id",
            Api::V2 => "id",
        }
    }
}

/// The JSON type of a record's declared property: a fixture value of
/// another type is left out of the record rather than sent against the
/// fragment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Type {
    Text,
    Flag,
}

impl Type {
    fn admits(self, value: &Value) -> bool {
        match self {
            Type::Text => value.is_string(),
            Type::Flag => value.is_boolean(),
        }
    }
}

/// What a lookup reads: the objects of some kinds, as records of one shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Collection {
    /// v1 `systemuserreturn`.
    Users,
    /// v1 `system`.
    Systems,
    /// v1 `application`.
    Applications,
    /// v1 `radiusserver`.
    RadiusServers,
    /// v2 `UserGroup`.
    UserGroups,
    /// v2 `SystemGroup`.
    SystemGroups,
    /// v2 `LdapServer`.
    LdapServers,
    /// v2 `active-directory`.
    ActiveDirectories,
    /// v2 `gsuite`.
    GSuites,
    /// v2 `office365`.
    Office365s,
    /// v2 `Directory`: G Suite, LDAP and Office 365 together ("all active
    /// directories (LDAP, O365 Suite, G-Suite)", upstream says; Active
    /// Directory has its own list).
    Directories,
}

const TEXT: Type = Type::Text;

impl Collection {
    /// The API the collection's lookups belong to.
    pub(crate) fn api(self) -> Api {
        match self {
            Collection::Users
            | Collection::Systems
            | Collection::Applications
            | Collection::RadiusServers => Api::V1,
            _ => Api::V2,
        }
    }

    /// The kinds of object it holds.
    pub(crate) fn kinds(self) -> &'static [Kind] {
        match self {
            Collection::Users => &[Kind::User],
            Collection::Systems => &[Kind::System],
            Collection::Applications => &[Kind::Application],
            Collection::RadiusServers => &[Kind::RadiusServer],
            Collection::UserGroups => &[Kind::UserGroup],
            Collection::SystemGroups => &[Kind::SystemGroup],
            Collection::LdapServers => &[Kind::LdapServer],
            Collection::ActiveDirectories => &[Kind::ActiveDirectory],
            Collection::GSuites => &[Kind::GSuite],
            Collection::Office365s => &[Kind::Office365],
            Collection::Directories => &[Kind::GSuite, Kind::LdapServer, Kind::Office365],
        }
    }

    /// The record's properties besides its id and `type`, as the fragment
    /// declares them.
    fn properties(self) -> &'static [(&'static str, Type)] {
        match self {
            Collection::Users => &[
                ("activated", Type::Flag),
                ("department", TEXT),
                ("displayname", TEXT),
                ("email", TEXT),
                ("firstname", TEXT),
                ("lastname", TEXT),
                ("suspended", Type::Flag),
                ("username", TEXT),
            ],
            Collection::Systems => &[("displayName", TEXT), ("hostname", TEXT), ("os", TEXT)],
            Collection::Applications => &[
                ("displayLabel", TEXT),
                ("displayName", TEXT),
                ("name", TEXT),
            ],
            Collection::RadiusServers => &[("name", TEXT), ("networkSourceIp", TEXT)],
            Collection::UserGroups | Collection::SystemGroups => {
                &[("description", TEXT), ("name", TEXT)]
            }
            Collection::ActiveDirectories => &[("domain", TEXT)],
            Collection::LdapServers
            | Collection::GSuites
            | Collection::Office365s
            | Collection::Directories => &[("name", TEXT)],
        }
    }

    /// Whether records carry a `type`: the groups' (`user_group`,
    /// `system_group`) and the directories' graph type.
    fn typed(self) -> bool {
        matches!(
            self,
            Collection::UserGroups | Collection::SystemGroups | Collection::Directories
        )
    }

    /// Whether a filter, sort or search may name `field`: the id's key,
    /// `type` where records have one, and the declared properties.
    pub(crate) fn knows(self, field: &str) -> bool {
        field == self.api().id_key()
            || (self.typed() && field == "type")
            || self.properties().iter().any(|(name, _)| *name == field)
    }

    /// Whether `object` belongs to the collection.
    pub(crate) fn holds(self, object: &Object) -> bool {
        self.kinds().contains(&object.kind())
    }

    /// The value of `field` in `object`'s record, for filters and sorts;
    /// `None` for a field the record lacks.
    pub(crate) fn value_of(self, object: &Object, field: &str) -> Option<Value> {
        if field == self.api().id_key() {
            return Some(Value::String(object.id().to_owned()));
        }
        if self.typed() && field == "type" {
            return Some(Value::String(object.kind().as_str().to_owned()));
        }
        let declared = self.properties().iter().find(|(name, _)| *name == field);
        let value = object.field(field)?;
        match declared {
            Some((_, ty)) if !ty.admits(value) => None,
            _ => Some(value.clone()),
        }
    }

    /// `object`'s whole record: the id, `type` where records have one, and
    /// the object's fields (a declared property only when its JSON type is
    /// the declared one; the id's key and `type` are the sandbox's).
    pub(crate) fn record(self, object: &Object) -> Map<String, Value> {
        let id_key = self.api().id_key();
        let mut record = Map::new();
        record.insert(id_key.to_owned(), Value::String(object.id().to_owned()));
        if self.typed() {
            record.insert(
                "type".to_owned(),
                Value::String(object.kind().as_str().to_owned()),
            );
        }
        for (name, value) in object.fields() {
            if record.contains_key(name) || name == "id" || name == "_id" || name == "type" {
                continue;
            }
            let declared = self.properties().iter().find(|(field, _)| field == name);
            if declared.is_none_or(|(_, ty)| ty.admits(value)) {
                record.insert(name.clone(), value.clone());
            }
        }
        record
    }
}

/// One lookup operation: what it reads and how it answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Lookup {
    /// A page of the collection (`filter`, `fields`, `sort`, `limit`,
    /// `skip`).
    List(Collection),
    /// One record by the id in the path.
    Get(Collection),
    /// A page of the collection selected by a v1 search body as well.
    Search(Collection),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::Fixture;
    use serde_json::json;

    fn object(handle: &str) -> Object {
        Fixture::demo()["acme"][handle].clone()
    }

    #[test]
    fn a_v1_record_is_keyed_by_underscore_id_and_keeps_the_fixture_fields() {
        let ada = Collection::Users.record(&object("ada"));
        assert_eq!(ada["_id"], "651000000000000000000001");
        assert_eq!(ada["email"], "ada@acme.example");
        assert_eq!(ada["activated"], true);
        assert!(!ada.contains_key("id") && !ada.contains_key("type"));
    }

    #[test]
    fn v2_group_and_directory_records_carry_their_graph_type() {
        let ops = Collection::UserGroups.record(&object("ops"));
        assert_eq!(ops["id"], "652000000000000000000002");
        assert_eq!(ops["type"], "user_group");
        let workspace = Collection::Directories.record(&object("acme-workspace"));
        assert_eq!(workspace["type"], "g_suite");
        assert_eq!(workspace["name"], "acme.example");
    }

    #[test]
    fn a_fixture_value_of_the_wrong_type_is_left_out_of_the_record() {
        let odd = Object::new(
            "651000000000000000000099".into(),
            Kind::User,
            "odd".into(),
            json!({"email": 42, "activated": "yes", "nickname": "o", "_id": "x", "type": "t"})
                .as_object()
                .cloned()
                .unwrap_or_default(),
        );
        let record = Collection::Users.record(&odd);
        assert_eq!(
            Value::Object(record),
            json!({"_id": "651000000000000000000099", "nickname": "o"})
        );
        assert_eq!(Collection::Users.value_of(&odd, "email"), None);
        assert_eq!(
            Collection::Users.value_of(&odd, "nickname"),
            Some(json!("o"))
        );
    }

    #[test]
    fn filters_may_name_the_id_type_and_declared_properties_only() {
        assert!(Collection::Users.knows("_id") && Collection::Users.knows("email"));
        assert!(!Collection::Users.knows("id") && !Collection::Users.knows("type"));
        assert!(Collection::SystemGroups.knows("id") && Collection::SystemGroups.knows("type"));
        assert!(!Collection::SystemGroups.knows("_id"));
        assert!(!Collection::ActiveDirectories.knows("name"));
    }
}
