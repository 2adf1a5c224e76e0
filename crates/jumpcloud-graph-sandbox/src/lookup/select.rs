//! Answering a lookup: the records of a collection that a request selects
//! (its filters and, for a search, its body), ordered by id or by `sort`,
//! paged by `limit` (at most 100, JumpCloud's 400 above) and `skip`, and
//! projected by `fields`, which always keeps the id (ASSUMED, as MongoDB
//! projections keep `_id`).

use super::conditions::{Condition, query_values, search_condition, v1_query_filters};
use super::{Api, Collection};
use crate::errors::ApiError;
use crate::model::{Object, Org, is_object_id};
use crate::query::{Accepts, Filter, ListQuery, SortKey};
use crate::wire::{Record, SearchBody};
use jumpcloud_graph::FilterOp as Op;

/// A lookup request, read and checked: paging and the v2 filters and sort
/// in `query`, the v1 filters and a search body's selection in
/// `conditions`, the projection in `fields`.
#[derive(Clone, Debug)]
pub(crate) struct Request {
    query: ListQuery,
    conditions: Vec<Condition>,
    fields: Option<Vec<String>>,
}

/// A page of records and how many the request selects in all.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Answer {
    pub(crate) total: usize,
    pub(crate) records: Vec<Record>,
}

impl Request {
    /// A list: `fields`, `filter`, `limit`, `skip` and `sort` in the
    /// collection's API's syntax. Parameters an operation does not declare
    /// are ignored, as JumpCloud ignores them (`directories_list` takes no
    /// `filter`).
    pub(crate) fn list(raw: Option<&str>, collection: Collection) -> Result<Request, ApiError> {
        let pairs = pairs(raw);
        let fields = fields(&pairs);
        match collection.api() {
            Api::V1 => {
                let mut query = ListQuery::parse(raw, Accepts::default())?;
                query.sort = v1_sort(&pairs);
                let conditions = v1_query_filters(&pairs, collection)?;
                Ok(Request {
                    query,
                    conditions,
                    fields,
                })
            }
            Api::V2 => {
                let accepts = Accepts {
                    filter: collection != Collection::Directories,
                    sort: true,
                    targets: false,
                };
                let query = ListQuery::parse(raw, accepts)?;
                if let Some(filter) = query.filters.iter().find(|f| !collection.knows(&f.field)) {
                    return Err(ApiError::bad_request(format!(
                        "invalid filter on \"{}\": unknown field \"{}\"",
                        filter.field, filter.field
                    )));
                }
                Ok(Request {
                    query,
                    conditions: Vec::new(),
                    fields,
                })
            }
        }
    }

    /// A v1 search: a list whose body's `filter` and `searchFilter` select
    /// too, and whose body's `fields` win over the query string's.
    pub(crate) fn search(
        raw: Option<&str>,
        body: &SearchBody,
        collection: Collection,
    ) -> Result<Request, ApiError> {
        let mut request = Request::list(raw, collection)?;
        request.conditions.push(search_condition(body, collection)?);
        if let Some(fields) = &body.fields {
            request.fields = split_fields(fields);
        }
        Ok(request)
    }

    /// One record: v1 `fields` and `filter` (a record the filter excludes
    /// is not found); the v2 gets take neither.
    pub(crate) fn get(raw: Option<&str>, collection: Collection) -> Result<Request, ApiError> {
        match collection.api() {
            Api::V1 => Request::list(raw, collection),
            Api::V2 => Ok(Request {
                query: ListQuery::parse(None, Accepts::default())?,
                conditions: Vec::new(),
                fields: None,
            }),
        }
    }

    /// The ids a record must have to be selected, when a condition or a
    /// filter pins the id to a few values (`_id:$in:…`, `id:in:…`, an id's
    /// `$eq`: what name lookups send); the fewest such ids when several do.
    /// Every condition and filter must hold, so only these can pass.
    fn pinned_ids(&self, collection: Collection) -> Option<Vec<&str>> {
        let id_key = collection.api().id_key();
        let from_conditions = self
            .conditions
            .iter()
            .filter_map(|condition| pinned_by(condition, id_key));
        let from_filters = self.query.filters.iter().filter_map(|f| ids_of(f, id_key));
        from_conditions.chain(from_filters).min_by_key(Vec::len)
    }

    fn selects(&self, collection: Collection, object: &Object) -> bool {
        let value_of = |field: &str| collection.value_of(object, field);
        self.conditions.iter().all(|c| c.holds(&value_of))
    }

    /// `object`'s record with the fields asked for (and the id).
    fn record(&self, collection: Collection, object: &Object) -> Record {
        let mut record = collection.record(object);
        if let Some(fields) = &self.fields {
            let id_key = collection.api().id_key();
            record.retain(|name, _| name == id_key || fields.iter().any(|f| f == name));
        }
        record
    }
}

/// The page of `collection` in `org` that `request` selects.
pub(crate) fn answer_list(org: &Org, collection: Collection, request: &Request) -> Answer {
    let mut objects: Vec<&Object> = candidates(org, collection, request)
        .into_iter()
        .filter(|object| request.selects(collection, object))
        .collect();
    // Each kind comes in id order; several kinds (or pinned ids) are merged.
    objects.sort_unstable_by(|a, b| a.id().cmp(b.id()));
    objects.dedup_by(|a, b| a.id() == b.id());
    let (total, page) = request.query.page(
        &objects,
        |object| object.id(),
        |object, field| collection.value_of(object, field),
    );
    let records = page
        .into_iter()
        .map(|object| request.record(collection, object))
        .collect();
    Answer { total, records }
}

/// The objects `request` may select: those of its pinned ids, found by id
/// (a name lookup of 100 ids reads 100 objects, not the whole org), or
/// else every object of the collection's kinds.
fn candidates<'a>(org: &'a Org, collection: Collection, request: &Request) -> Vec<&'a Object> {
    match request.pinned_ids(collection) {
        Some(ids) => ids
            .into_iter()
            .filter_map(|id| org.object_by_id(id))
            .filter(|object| collection.holds(object))
            .collect(),
        None => collection
            .kinds()
            .iter()
            .flat_map(|kind| org.objects_of(*kind))
            .collect(),
    }
}

/// The ids `condition` pins the field `id_key` to: `$in`'s, an id
/// filter's, every alternative's of an `or` whose alternatives all pin it
/// (a v1 search's `{"or": [{"_id": …}, …]}`), the fewest of an `and`'s.
fn pinned_by<'a>(condition: &'a Condition, id_key: &str) -> Option<Vec<&'a str>> {
    match condition {
        Condition::OneOf { field, values } if field == id_key => {
            Some(values.iter().map(String::as_str).collect())
        }
        Condition::Compare(filter) => ids_of(filter, id_key),
        Condition::Any(any) => any.iter().try_fold(Vec::new(), |mut ids, alternative| {
            ids.extend(pinned_by(alternative, id_key)?);
            Some(ids)
        }),
        Condition::All(all) => all
            .iter()
            .filter_map(|c| pinned_by(c, id_key))
            .min_by_key(Vec::len),
        _ => None,
    }
}

/// The ids `filter` pins the field `id_key` to: `eq`'s one, `in`'s
/// `|`-separated ones; `None` for any other filter.
fn ids_of<'a>(filter: &'a Filter, id_key: &str) -> Option<Vec<&'a str>> {
    if filter.field != id_key {
        return None;
    }
    match filter.op {
        Op::Eq => Some(vec![filter.value.as_str()]),
        Op::In => Some(filter.value.split('|').collect()),
        _ => None,
    }
}

/// The record of `collection` with this id: 400 for an id that is not an
/// ObjectID, 404 for one the org does not hold (or the filter excludes).
pub(crate) fn answer_get(
    org: &Org,
    collection: Collection,
    id: &str,
    request: &Request,
) -> Result<Record, ApiError> {
    if !is_object_id(id) {
        return Err(ApiError::bad_request(format!("invalid object id \"{id}\"")));
    }
    let id = id.to_ascii_lowercase();
    org.object_by_id(&id)
        .filter(|object| collection.holds(object) && request.selects(collection, object))
        .map(|object| request.record(collection, object))
        .ok_or_else(|| {
            let kind = collection
                .kinds()
                .first()
                .map_or("object", |kind| kind.as_str());
            ApiError::not_found(format!("{kind} {id} not found"))
        })
}

fn pairs(raw: Option<&str>) -> Vec<(String, String)> {
    form_urlencoded::parse(raw.unwrap_or("").as_bytes())
        .map(|(key, value)| (key.into_owned(), value.into_owned()))
        .collect()
}

/// The last `fields` parameter's names; none (no projection) when it is
/// absent or empty.
fn fields(pairs: &[(String, String)]) -> Option<Vec<String>> {
    query_values(pairs, "fields").last().and_then(split_fields)
}

/// Field names separated by spaces (v1, DOCUMENTED) or commas (v2,
/// DOCUMENTED); the sandbox takes either in both (ASSUMED).
fn split_fields(text: &str) -> Option<Vec<String>> {
    let names: Vec<String> = text
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|name| !name.is_empty())
        .map(str::to_owned)
        .collect();
    (!names.is_empty()).then_some(names)
}

/// The last v1 `sort`: keys separated by spaces (or commas), `-` for
/// descending.
fn v1_sort(pairs: &[(String, String)]) -> Vec<SortKey> {
    let Some(text) = query_values(pairs, "sort").last() else {
        return Vec::new();
    };
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter_map(SortKey::parse)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::Fixture;
    use serde_json::{Value, json};

    fn acme() -> Org {
        Fixture::demo()["acme"].clone()
    }

    fn list(query: &str, collection: Collection) -> Answer {
        let request = Request::list(Some(query), collection).expect("a valid request");
        answer_list(&acme(), collection, &request)
    }

    fn names(answer: &Answer, field: &str) -> Vec<Value> {
        answer.records.iter().map(|r| r[field].clone()).collect()
    }

    #[test]
    fn a_v1_list_pages_sorts_and_projects_keeping_the_id() {
        let answer = list(
            "fields=email&sort=-username&limit=2&skip=1",
            Collection::Users,
        );
        assert_eq!(answer.total, 5);
        assert_eq!(
            names(&answer, "email"),
            [json!("ken@acme.example"), json!("katherine@acme.example")]
        );
        for record in &answer.records {
            let keys: Vec<&String> = record.keys().collect();
            assert_eq!(keys, ["_id", "email"]);
        }
    }

    #[test]
    fn v2_filters_by_ids_in_one_request_and_counts_what_they_select() {
        let answer = list(
            "filter=id:in:652000000000000000000001|652000000000000000000003|652000000000000000000999",
            Collection::UserGroups,
        );
        assert_eq!(answer.total, 2);
        assert_eq!(
            names(&answer, "name"),
            [json!("Engineering"), json!("Finance")]
        );
    }

    /// Ids pinned by a filter are looked up rather than scanned for: the
    /// answer is the scan's, whatever the ids (repeated, of another kind,
    /// unknown, out of order) and whatever else the request asks.
    #[test]
    fn ids_pinned_by_a_filter_select_what_a_scan_selects() {
        let ids = "651000000000000000000003|652000000000000000000001|651000000000000000000001|651000000000000000000003|651000000000000000000999";
        let scan = |query: &str| {
            let request = Request::list(Some(query), Collection::Users).expect("valid");
            let every = Request::list(Some("limit=100"), Collection::Users).expect("valid");
            let org = acme();
            let selected: Vec<Record> = answer_list(&org, Collection::Users, &every)
                .records
                .into_iter()
                .filter(|record| {
                    let id = record["_id"].as_str().expect("an id");
                    org.object_by_id(id)
                        .is_some_and(|object| request.selects(Collection::Users, object))
                })
                .collect();
            (selected.len(), selected)
        };
        for query in [
            format!("filter=_id:$in:{ids}&limit=100"),
            format!("filter=_id:$in:{ids}&filter=username:$ne:ada&limit=100"),
            "filter=_id:$eq:651000000000000000000001&limit=100".to_owned(),
            "filter=_id:$in:&limit=100".to_owned(),
        ] {
            let answer = list(&query, Collection::Users);
            let (total, records) = scan(&query);
            assert_eq!((answer.total, answer.records), (total, records), "{query}");
        }
        for filter in [
            json!({"or": [{"_id": "651000000000000000000003"}, {"_id": "652000000000000000000001"}, {"_id": "651000000000000000000001"}]}),
            json!({"or": [{"_id": "651000000000000000000003"}, {"email": "ada@acme.example"}]}),
            json!({"and": [{"_id": {"$in": ["651000000000000000000001", "651000000000000000000002"]}}, {"username": "ada"}]}),
            json!({"or": []}),
        ] {
            let body = SearchBody::parse(json!({"filter": filter}).to_string().as_bytes())
                .expect("a body");
            let request =
                Request::search(Some("limit=100"), &body, Collection::Users).expect("valid");
            let org = acme();
            let answer = answer_list(&org, Collection::Users, &request);
            let every = Request::list(Some("limit=100"), Collection::Users).expect("valid");
            let scanned: Vec<Record> = answer_list(&org, Collection::Users, &every)
                .records
                .into_iter()
                .filter(|record| {
                    let id = record["_id"].as_str().expect("an id");
                    org.object_by_id(id)
                        .is_some_and(|object| request.selects(Collection::Users, object))
                })
                .collect();
            assert_eq!(answer.records, scanned, "{filter}");
        }
        let pinned = list(
            &format!("filter=_id:$in:{ids}&limit=100"),
            Collection::Users,
        );
        assert_eq!(
            names(&pinned, "username"),
            [json!("ada"), json!("linus")],
            "once each, in id order, users only"
        );
        let v2 = list(
            "filter=id:in:652000000000000000000003|651000000000000000000001|652000000000000000000001&sort=-name",
            Collection::UserGroups,
        );
        assert_eq!(names(&v2, "name"), [json!("Finance"), json!("Engineering")]);
    }

    #[test]
    fn directories_list_every_directory_but_active_directory_in_id_order() {
        let answer = list("limit=100", Collection::Directories);
        let types = names(&answer, "type");
        assert_eq!(
            types,
            [json!("g_suite"), json!("office_365"), json!("ldap_server")]
        );
        let filtered = list("filter=type:eq:g_suite", Collection::Directories);
        assert_eq!(
            filtered.total, 3,
            "directories_list takes no filter: it is ignored"
        );
    }

    #[test]
    fn a_v2_filter_on_an_unknown_field_is_refused() {
        let error = Request::list(Some("filter=members:eq:3"), Collection::SystemGroups)
            .expect_err("an unknown field");
        assert!(
            error.message().contains("unknown field \"members\""),
            "{}",
            error.message()
        );
        let limit = Request::list(Some("limit=101"), Collection::Users).expect_err("too many");
        assert_eq!(
            limit.message(),
            "Bad Request: request parameter \"limit\" exceeds maximum value of 100"
        );
    }

    #[test]
    fn a_search_selects_with_its_body_and_its_fields_win() {
        let body = SearchBody::parse(
            json!({
                "fields": "username",
                "filter": {"or": [{"_id": "651000000000000000000003"}, {"email": "ada@acme.example"}]}
            })
            .to_string()
            .as_bytes(),
        )
        .expect("a body");
        let request = Request::search(Some("fields=email&limit=100"), &body, Collection::Users)
            .expect("valid");
        let answer = answer_list(&acme(), Collection::Users, &request);
        assert_eq!(answer.total, 2);
        assert_eq!(names(&answer, "username"), [json!("ada"), json!("linus")]);
        assert!(answer.records.iter().all(|r| !r.contains_key("email")));
    }

    #[test]
    fn get_finds_one_record_of_its_kind_or_says_not_found() {
        let org = acme();
        let request = Request::get(Some("fields=username"), Collection::Users).expect("valid");
        let ada = answer_get(
            &org,
            Collection::Users,
            "651000000000000000000001",
            &request,
        );
        assert_eq!(
            Value::Object(ada.expect("ada")),
            json!({"_id": "651000000000000000000001", "username": "ada"})
        );
        let group = answer_get(
            &org,
            Collection::Users,
            "652000000000000000000001",
            &request,
        );
        assert_eq!(
            group.expect_err("a group is no user").message(),
            "Not Found: user 652000000000000000000001 not found"
        );
        let malformed = answer_get(&org, Collection::Users, "ada", &request);
        assert!(
            malformed
                .expect_err("not an id")
                .message()
                .contains("invalid object id")
        );
        let excluded =
            Request::get(Some("filter=activated:$eq:false"), Collection::Users).expect("valid");
        assert!(
            answer_get(
                &org,
                Collection::Users,
                "651000000000000000000001",
                &excluded
            )
            .is_err()
        );
    }
}
