//! What a lookup request selects, from the v1 query string's `filter`
//! (`<field>:$<op>:<value>`) and the v1 search body's `filter` (`{"or": [...]}`,
//! `{"and": [...]}`, an array, or one query expression) and `searchFilter`
//! (`{"searchTerm", "fields"}`), as conditions over a record's values.
//! Every field named must be one the collection knows, and every operator
//! one the sandbox models: anything else is a 400 naming it, so that a
//! client never reads a silently unfiltered page as a filtered one.

use jumpcloud_graph::FilterOp as Op;
use serde_json::{Map, Value};

use super::Collection;
use crate::errors::ApiError;
use crate::query::{Filter, value_text};
use crate::wire::SearchBody;

/// The most query expressions and listed values (`$in` values, search
/// terms) one request may carry: the sandbox's own cap, well above the 100
/// a lookup needs, so that a hostile request cannot make every record
/// compare against millions of values.
pub(crate) const MAX_TERMS: usize = 1_000;

/// A condition over one record: `value_of` gives the record's value of a
/// field.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Condition {
    /// `field <op> value`, compared as the v2 filters compare.
    Compare(Filter),
    /// The field's value is one of these (`$in`).
    OneOf { field: String, values: Vec<String> },
    /// One of the fields contains one of the terms, ignoring case
    /// (`searchFilter`).
    Contains {
        fields: Vec<String>,
        terms: Vec<String>,
    },
    /// Every condition holds (and none: true).
    All(Vec<Condition>),
    /// Some condition holds (and none: false).
    Any(Vec<Condition>),
}

impl Condition {
    /// Whether the record whose values `value_of` gives meets the condition.
    pub(crate) fn holds(&self, value_of: &dyn Fn(&str) -> Option<Value>) -> bool {
        match self {
            Condition::Compare(filter) => filter.matches(value_of(&filter.field)),
            Condition::OneOf { field, values } => value_of(field)
                .map(|value| value_text(&value))
                .is_some_and(|text| values.contains(&text)),
            Condition::Contains { fields, terms } => fields.iter().any(|field| {
                value_of(field).is_some_and(|value| {
                    let text = value_text(&value).to_lowercase();
                    terms.iter().any(|term| text.contains(&term.to_lowercase()))
                })
            }),
            Condition::All(all) => all.iter().all(|c| c.holds(value_of)),
            Condition::Any(any) => any.iter().any(|c| c.holds(value_of)),
        }
    }
}

/// Counts the expressions and values a request carries against
/// [`MAX_TERMS`].
struct Budget(usize);

impl Budget {
    fn spend(&mut self, n: usize) -> Result<(), ApiError> {
        self.0 = self.0.saturating_add(n);
        if self.0 > MAX_TERMS {
            return Err(ApiError::bad_request(format!(
                "the request carries more than {MAX_TERMS} filter expressions and values"
            )));
        }
        Ok(())
    }
}

/// The query pairs named `name`, decoded, in order.
pub(crate) fn query_values<'a>(
    pairs: &'a [(String, String)],
    name: &'a str,
) -> impl Iterator<Item = &'a str> {
    pairs
        .iter()
        .filter(move |(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

/// The v1 query string's `filter`s, AND-ed (a repeated `filter` is
/// ASSUMED to AND, as the v2 filters do). Upstream's indexed form
/// (`filter[0]=`, `filter[or][0]=`) is refused rather than ignored.
pub(crate) fn v1_query_filters(
    pairs: &[(String, String)],
    collection: Collection,
) -> Result<Vec<Condition>, ApiError> {
    if let Some((key, _)) = pairs.iter().find(|(key, _)| key.starts_with("filter[")) {
        return Err(ApiError::bad_request(format!(
            "request parameter \"{key}\": indexed filters are not supported by the sandbox; \
             send one filter per `filter` parameter, or use a /search route"
        )));
    }
    let mut budget = Budget(0);
    query_values(pairs, "filter")
        .filter(|text| !text.is_empty())
        .map(|text| v1_filter(text, collection, &mut budget))
        .collect()
}

/// One v1 `<field>:$<op>:<value>`: the documented `$eq $ne $gt $gte $lt
/// $lte`, and `$in` with `|`-separated values (ASSUMED).
fn v1_filter(
    text: &str,
    collection: Collection,
    budget: &mut Budget,
) -> Result<Condition, ApiError> {
    let invalid =
        |problem: &str| ApiError::bad_request(format!("invalid filter \"{text}\": {problem}"));
    let mut parts = text.splitn(3, ':');
    let (Some(field), Some(op), Some(value)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(invalid("expected <field>:<operator>:<value>"));
    };
    known_field(field, collection).map_err(|problem| invalid(&problem))?;
    budget.spend(1)?;
    let op = match op {
        "$in" => {
            let values: Vec<String> = value.split('|').map(str::to_owned).collect();
            budget.spend(values.len())?;
            let field = field.to_owned();
            return Ok(Condition::OneOf { field, values });
        }
        other => match comparison(other) {
            Some(op) => op,
            None if !other.starts_with('$') => {
                return Err(invalid(&format!(
                    "v1 operators start with `$` (`${other}`); without it JumpCloud's behaviour is undefined"
                )));
            }
            None => {
                return Err(invalid(&format!(
                    "unknown operator \"{other}\" (supported: $eq, $ne, $gt, $gte, $lt, $lte, $in)"
                )));
            }
        },
    };
    let (field, value) = (field.to_owned(), value.to_owned());
    Ok(Condition::Compare(Filter { field, op, value }))
}

/// v1's comparison operators, in the query string's filters and in search
/// bodies alike.
fn comparison(op: &str) -> Option<Op> {
    Some(match op {
        "$eq" => Op::Eq,
        "$ne" => Op::Ne,
        "$gt" => Op::Gt,
        "$gte" => Op::Ge,
        "$lt" => Op::Lt,
        "$lte" => Op::Le,
        _ => return None,
    })
}

/// `Err(problem)` when a filter may not name `field`.
fn known_field(field: &str, collection: Collection) -> Result<(), String> {
    if field.is_empty() {
        return Err("the field is empty".to_owned());
    }
    if collection.knows(field) {
        Ok(())
    } else {
        Err(format!("unknown field \"{field}\""))
    }
}

/// What a v1 search body selects: its `filter` and `searchFilter`, AND-ed
/// (either may be absent).
pub(crate) fn search_condition(
    body: &SearchBody,
    collection: Collection,
) -> Result<Condition, ApiError> {
    let mut budget = Budget(0);
    let mut all = Vec::new();
    if let Some(filter) = &body.filter {
        all.push(body_filter(filter, collection, &mut budget)?);
    }
    if let Some(search) = &body.search_filter {
        all.extend(search_filter(search, collection, &mut budget)?);
    }
    Ok(Condition::All(all))
}

/// A search body's `filter`: `{"or": [...]}` or `{"and": [...]}` over query
/// expressions (DOCUMENTED), or one query expression. (Upstream's first
/// sample sends an array of expressions, which its own schema, an object,
/// does not allow; `SearchBody` refuses it.)
fn body_filter(
    filter: &Map<String, Value>,
    collection: Collection,
    budget: &mut Budget,
) -> Result<Condition, ApiError> {
    let combined = match (filter.len(), filter.get("or"), filter.get("and")) {
        (1, Some(items), None) => Some(("or", items)),
        (1, None, Some(items)) => Some(("and", items)),
        _ => None,
    };
    let Some((key, items)) = combined else {
        return expression(filter, collection, budget);
    };
    let Value::Array(items) = items else {
        return Err(bad_filter(&format!(
            "\"{key}\" takes an array of query expressions"
        )));
    };
    let conditions = items
        .iter()
        .map(|item| match item {
            Value::Object(map) => expression(map, collection, budget),
            _ => Err(bad_filter(
                "a query expression is an object of fields and values",
            )),
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(if key == "or" {
        Condition::Any(conditions)
    } else {
        Condition::All(conditions)
    })
}

fn bad_filter(problem: &str) -> ApiError {
    ApiError::bad_request(format!("invalid search filter: {problem}"))
}

/// One query expression: `{"<field>": <value>, ...}`, every field matching;
/// a value is compared as text, or is `{"$in": [...]}` (ASSUMED, MongoDB's
/// operator) or `{"$<op>": <value>}` with a v1 operator.
fn expression(
    map: &Map<String, Value>,
    collection: Collection,
    budget: &mut Budget,
) -> Result<Condition, ApiError> {
    if map.is_empty() {
        return Err(bad_filter("a query expression names no field"));
    }
    budget.spend(map.len())?;
    let mut all = Vec::with_capacity(map.len());
    for (field, wanted) in map {
        known_field(field, collection).map_err(|problem| bad_filter(&problem))?;
        all.push(field_condition(field, wanted, budget)?);
    }
    Ok(Condition::All(all))
}

/// `field` compared with `wanted`: a scalar (equality) or one operator.
fn field_condition(
    field: &str,
    wanted: &Value,
    budget: &mut Budget,
) -> Result<Condition, ApiError> {
    let Value::Object(operator) = wanted else {
        if wanted.is_array() {
            return Err(bad_filter(&format!(
                "\"{field}\": use {{\"$in\": [...]}} for several values"
            )));
        }
        let filter = Filter {
            field: field.to_owned(),
            op: Op::Eq,
            value: value_text(wanted),
        };
        return Ok(Condition::Compare(filter));
    };
    let [(name, operand)] = operator.iter().collect::<Vec<_>>()[..] else {
        return Err(bad_filter(&format!("\"{field}\": one operator per field")));
    };
    let op = match name.as_str() {
        "$in" => {
            let Value::Array(values) = operand else {
                return Err(bad_filter(&format!("\"{field}\": $in takes an array")));
            };
            budget.spend(values.len())?;
            let values = values.iter().map(value_text).collect();
            return Ok(Condition::OneOf {
                field: field.to_owned(),
                values,
            });
        }
        other => comparison(other).ok_or_else(|| {
            bad_filter(&format!(
                "\"{field}\": operator \"{other}\" is not modelled by the sandbox \
                 (supported: $eq, $ne, $gt, $gte, $lt, $lte, $in)"
            ))
        })?,
    };
    let filter = Filter {
        field: field.to_owned(),
        op,
        value: value_text(operand),
    };
    Ok(Condition::Compare(filter))
}

/// A search body's `searchFilter`: `{"searchTerm": <text or texts>,
/// "fields": [<field>, ...]}` (DOCUMENTED), records where one of the fields
/// contains one of the terms (case-insensitive: ASSUMED). An empty object
/// selects everything.
fn search_filter(
    map: &Map<String, Value>,
    collection: Collection,
    budget: &mut Budget,
) -> Result<Option<Condition>, ApiError> {
    let bad = |problem: &str| ApiError::bad_request(format!("invalid searchFilter: {problem}"));
    if map.is_empty() {
        return Ok(None);
    }
    let terms: Vec<String> = match map.get("searchTerm") {
        Some(Value::String(term)) => vec![term.clone()],
        Some(Value::Array(terms)) if terms.iter().all(Value::is_string) => {
            terms.iter().map(value_text).collect()
        }
        _ => {
            return Err(bad(
                "\"searchTerm\" must be a string or an array of strings",
            ));
        }
    };
    let fields: Vec<String> = match map.get("fields") {
        Some(Value::Array(fields)) if !fields.is_empty() && fields.iter().all(Value::is_string) => {
            fields.iter().map(value_text).collect()
        }
        _ => return Err(bad("\"fields\" must be a non-empty array of field names")),
    };
    for field in &fields {
        known_field(field, collection).map_err(|problem| bad(&problem))?;
    }
    budget.spend(terms.len().saturating_add(fields.len()))?;
    Ok(Some(Condition::Contains { fields, terms }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pairs(query: &str) -> Vec<(String, String)> {
        form_urlencoded::parse(query.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }

    fn ada(field: &str) -> Option<Value> {
        let record = json!({"_id": "651000000000000000000001", "email": "ada@acme.example",
            "username": "ada", "activated": true});
        record.get(field).cloned()
    }

    fn search(body: Value) -> Result<Condition, ApiError> {
        let body = SearchBody::parse(body.to_string().as_bytes())
            .map_err(|crate::wire::BadBody(detail)| ApiError::bad_request(detail))?;
        search_condition(&body, Collection::Users)
    }

    fn message(result: Result<impl std::fmt::Debug, ApiError>) -> String {
        result.expect_err("refused").message().to_owned()
    }

    #[test]
    fn v1_filters_take_the_documented_operators_and_in() {
        let filters = v1_query_filters(
            &pairs("filter=email:$eq:ada@acme.example&filter=_id:$in:x|651000000000000000000001"),
            Collection::Users,
        )
        .expect("valid");
        assert!(Condition::All(filters).holds(&ada));
        let other = v1_query_filters(&pairs("filter=username:$ne:ada"), Collection::Users);
        assert!(!Condition::All(other.expect("valid")).holds(&ada));
    }

    #[test]
    fn v1_filters_name_what_is_wrong() {
        let cases = [
            ("filter=email:eq:x", "start with `$`"),
            ("filter=email:$like:x", "unknown operator \"$like\""),
            ("filter=shoe_size:$eq:9", "unknown field \"shoe_size\""),
            ("filter=email", "expected <field>:<operator>:<value>"),
            ("filter[or][0]=email:$eq:x", "indexed filters"),
        ];
        for (query, wanted) in cases {
            let text = message(v1_query_filters(&pairs(query), Collection::Users));
            assert!(text.starts_with("Bad Request: "), "{text}");
            assert!(text.contains(wanted), "{query}: {text}");
        }
    }

    #[test]
    fn a_search_body_ors_or_ands_its_query_expressions() {
        let or =
            search(json!({"filter": {"or": [{"_id": "nope"}, {"email": "ada@acme.example"}]}}));
        assert!(or.expect("valid").holds(&ada));
        let and =
            search(json!({"filter": {"and": [{"_id": "nope"}, {"email": "ada@acme.example"}]}}));
        assert!(!and.expect("valid").holds(&ada));
        let one_expression = search(json!({"filter": {"username": "ada", "activated": true}}));
        assert!(one_expression.expect("valid").holds(&ada));
        let one = search(json!({"filter": {"username": {"$in": ["ken", "ada"]}}}));
        assert!(one.expect("valid").holds(&ada));
        assert!(search(json!({})).expect("an empty search").holds(&ada));
    }

    #[test]
    fn search_terms_match_any_field_ignoring_case() {
        let found =
            search(json!({"searchFilter": {"searchTerm": ["LOVE", "ADA@"], "fields": ["email"]}}));
        assert!(found.expect("valid").holds(&ada));
        let missed = search(
            json!({"searchFilter": {"searchTerm": "grace", "fields": ["email", "username"]}}),
        );
        assert!(!missed.expect("valid").holds(&ada));
    }

    #[test]
    fn a_search_body_names_what_is_wrong() {
        let cases = [
            (json!({"filter": "email:$eq:x"}), "must be an object"),
            (
                json!({"filter": [{"username": "ada"}]}),
                "must be an object",
            ),
            (json!({"filter": {"or": {"email": "x"}}}), "takes an array"),
            (
                json!({"filter": {"or": [{"shoe": 9}]}}),
                "unknown field \"shoe\"",
            ),
            (json!({"filter": {"or": [{}]}}), "names no field"),
            (
                json!({"filter": {"email": {"$regex": "a"}}}),
                "\"$regex\" is not modelled",
            ),
            (json!({"filter": {"email": ["a", "b"]}}), "use {\"$in\""),
            (
                json!({"searchFilter": {"searchTerm": "a"}}),
                "\"fields\" must be",
            ),
            (
                json!({"searchFilter": {"searchTerm": 1, "fields": ["email"]}}),
                "\"searchTerm\" must be",
            ),
        ];
        for (body, wanted) in cases {
            let text = message(search(body.clone()));
            assert!(text.contains(wanted), "{body}: {text}");
        }
    }

    #[test]
    fn more_than_the_cap_of_expressions_and_values_is_refused() {
        let ids: Vec<Value> = (0..=MAX_TERMS)
            .map(|i| json!({"_id": i.to_string()}))
            .collect();
        let text = message(search(json!({"filter": {"or": ids}})));
        assert!(text.contains("more than 1000"), "{text}");
        let many = vec!["x"; MAX_TERMS].join("|");
        let text = message(v1_query_filters(
            &pairs(&format!("filter=_id:$in:{many}")),
            Collection::Users,
        ));
        assert!(text.contains("more than 1000"), "{text}");
        let fine = vec!["x"; 100].join("|");
        assert!(
            v1_query_filters(&pairs(&format!("filter=_id:$in:{fine}")), Collection::Users).is_ok()
        );
    }
}
