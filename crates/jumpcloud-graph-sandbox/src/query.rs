//! Query parameters: `limit`, `skip`, `filter`, `sort` and `targets`, parsed
//! and validated the way JumpCloud does, and the one helper that filters,
//! sorts and pages a list.

use std::cmp::Ordering;

// The operator vocabulary is the API's, so the client's enum names it; the
// sandbox parses and evaluates operators itself (below), so that a client
// bug in either is not mirrored here.
use jumpcloud_graph::FilterOp as Op;
use serde_json::Value;

use crate::errors::ApiError;
use crate::model::Kind;

/// JumpCloud's page size when `limit` is not sent.
pub(crate) const DEFAULT_LIMIT: usize = 10;
/// JumpCloud's largest page.
pub(crate) const MAX_LIMIT: usize = 100;

/// A list request's parameters, validated.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ListQuery {
    pub(crate) limit: usize,
    pub(crate) skip: usize,
    pub(crate) filters: Vec<Filter>,
    pub(crate) sort: Vec<SortKey>,
    pub(crate) targets: Vec<Kind>,
}

/// Which parameters an operation reads; the others are ignored, as
/// JumpCloud ignores parameters an operation does not declare.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Accepts {
    pub(crate) filter: bool,
    pub(crate) sort: bool,
    pub(crate) targets: bool,
}

impl ListQuery {
    /// Parses a raw query string (`None` when the URL has none).
    pub(crate) fn parse(raw: Option<&str>, accepts: Accepts) -> Result<ListQuery, ApiError> {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(raw.unwrap_or("").as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        // Repeated scalar parameters: the last one counts.
        let last = |name: &str| {
            pairs
                .iter()
                .rev()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let all = |name: &'static str| {
            pairs
                .iter()
                .filter(move |(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };

        let limit = match last("limit") {
            None => DEFAULT_LIMIT,
            Some(value) => match parse_integer(value) {
                None => return Err(bad_parameter("limit", "must be an integer")),
                Some(n) if n > MAX_LIMIT as i128 => {
                    return Err(bad_parameter(
                        "limit",
                        &format!("exceeds maximum value of {MAX_LIMIT}"),
                    ));
                }
                Some(n) if n < 1 => {
                    return Err(bad_parameter("limit", "is below minimum value of 1"));
                }
                Some(n) => n as usize,
            },
        };
        let skip = match last("skip") {
            None => 0,
            Some(value) => match parse_integer(value) {
                None => return Err(bad_parameter("skip", "must be an integer")),
                Some(n) if n < 0 => {
                    return Err(bad_parameter("skip", "is below minimum value of 0"));
                }
                Some(n) => usize::try_from(n).unwrap_or(usize::MAX),
            },
        };
        let filters = if accepts.filter {
            all("filter")
                .filter(|f| !f.is_empty())
                .map(Filter::parse)
                .collect::<Result<_, _>>()?
        } else {
            Vec::new()
        };
        let sort = match (accepts.sort, last("sort")) {
            (true, Some(value)) => SortKey::parse_list(value),
            _ => Vec::new(),
        };
        let targets = if accepts.targets {
            parse_targets(all("targets"))?
        } else {
            Vec::new()
        };
        Ok(ListQuery {
            limit,
            skip,
            filters,
            sort,
            targets,
        })
    }

    /// Filters, sorts (by the `sort` keys, then by id) and pages `items`,
    /// which must be ordered by id; returns the total after filtering (for
    /// `x-total-count`) and the page. `value_of` gives an item's value for a
    /// field name.
    pub(crate) fn page<'a, T>(
        &self,
        items: &'a [T],
        id_of: impl Fn(&T) -> &str,
        value_of: impl Fn(&T, &str) -> Option<Value>,
    ) -> (usize, Vec<&'a T>) {
        debug_assert!(items.is_sorted_by(|a, b| id_of(a) <= id_of(b)));
        if self.filters.is_empty() && self.sort.is_empty() {
            // Already in order: a page is a slice, whatever the list's size.
            let page = items.iter().skip(self.skip).take(self.limit).collect();
            return (items.len(), page);
        }
        let mut selected: Vec<&T> = items
            .iter()
            .filter(|item| {
                self.filters
                    .iter()
                    .all(|f| f.matches(value_of(item, &f.field)))
            })
            .collect();
        if !self.sort.is_empty() {
            // Stable: items that compare equal stay in id order.
            selected.sort_by(|a, b| {
                self.sort
                    .iter()
                    .map(|key| {
                        let ordering = compare_values(
                            value_of(a, &key.field).as_ref(),
                            value_of(b, &key.field).as_ref(),
                        );
                        if key.descending {
                            ordering.reverse()
                        } else {
                            ordering
                        }
                    })
                    .find(|o| o.is_ne())
                    .unwrap_or(Ordering::Equal)
            });
        }
        let total = selected.len();
        let page = selected
            .into_iter()
            .skip(self.skip)
            .take(self.limit)
            .collect();
        (total, page)
    }
}

/// An integer query value; out-of-range integers saturate so that a huge
/// `limit` still reads as "exceeds maximum".
fn parse_integer(value: &str) -> Option<i128> {
    let value = value.trim();
    let digits = value.strip_prefix('-').unwrap_or(value);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(value.parse::<i128>().unwrap_or(if value.starts_with('-') {
        i128::MIN
    } else {
        i128::MAX
    }))
}

fn bad_parameter(name: &str, problem: &str) -> ApiError {
    ApiError::bad_request(format!("request parameter \"{name}\" {problem}"))
}

/// `targets`, repeated (`targets=a&targets=b`) or comma-joined
/// (`targets=a,b`); required, and each must be a user target.
fn parse_targets<'a>(values: impl Iterator<Item = &'a str>) -> Result<Vec<Kind>, ApiError> {
    let mut targets = Vec::new();
    for name in values.flat_map(|v| v.split(',')).map(str::trim) {
        if name.is_empty() {
            continue;
        }
        let kind = name
            .parse::<Kind>()
            .ok()
            .filter(|k| k.is_user_target())
            .ok_or_else(|| {
                let allowed: Vec<&str> = Kind::USER_TARGETS.iter().map(|k| k.as_str()).collect();
                ApiError::bad_request(format!(
                    "request parameter \"targets\" has invalid value \"{name}\"; allowed values are {}",
                    allowed.join(", ")
                ))
            })?;
        if !targets.contains(&kind) {
            targets.push(kind);
        }
    }
    if targets.is_empty() {
        return Err(ApiError::bad_request(
            "request parameter \"targets\" is required",
        ));
    }
    Ok(targets)
}

/// One `filter=<field>:<op>:<value>`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Filter {
    pub(crate) field: String,
    pub(crate) op: Op,
    pub(crate) value: String,
}

impl Filter {
    /// Parses `<field>:<op>:<value>`; the value may itself contain colons.
    pub(crate) fn parse(text: &str) -> Result<Filter, ApiError> {
        let mut parts = text.splitn(3, ':');
        let (Some(field), Some(op), Some(value)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(ApiError::bad_request(format!(
                "invalid filter \"{text}\": expected <field>:<operator>:<value>"
            )));
        };
        if field.is_empty() {
            return Err(ApiError::bad_request(format!(
                "invalid filter \"{text}\": the field is empty"
            )));
        }
        let op = match op {
            "eq" => Op::Eq,
            "ne" => Op::Ne,
            "gt" => Op::Gt,
            "ge" => Op::Ge,
            "lt" => Op::Lt,
            "le" => Op::Le,
            "search" => Op::Search,
            "in" => Op::In,
            "between" => Op::Between,
            other => {
                return Err(ApiError::bad_request(format!(
                    "invalid filter \"{text}\": unknown operator \"{other}\" (supported: eq, ne, gt, ge, lt, le, between, search, in)"
                )));
            }
        };
        if op == Op::Between && !value.contains(',') {
            return Err(ApiError::bad_request(format!(
                "invalid filter \"{text}\": between takes <low>,<high>"
            )));
        }
        Ok(Filter {
            field: field.to_owned(),
            op,
            value: value.to_owned(),
        })
    }

    /// Whether an item whose field has `actual` (`None` when it lacks the
    /// field) passes. Comparisons are numeric when both sides are numbers,
    /// textual otherwise; a missing field only passes `ne`.
    pub(crate) fn matches(&self, actual: Option<Value>) -> bool {
        let Some(actual) = actual else {
            return self.op == Op::Ne;
        };
        let text = value_text(&actual);
        match self.op {
            Op::Eq => text == self.value,
            Op::Ne => text != self.value,
            Op::Search => text.to_lowercase().contains(&self.value.to_lowercase()),
            Op::In => self.value.split('|').any(|candidate| candidate == text),
            Op::Between => {
                let (low, high) = self.value.split_once(',').unwrap_or((&self.value, ""));
                compare_text(&text, low).is_ge() && compare_text(&text, high).is_le()
            }
            Op::Gt => compare_text(&text, &self.value).is_gt(),
            Op::Ge => compare_text(&text, &self.value).is_ge(),
            Op::Lt => compare_text(&text, &self.value).is_lt(),
            Op::Le => compare_text(&text, &self.value).is_le(),
            // Operators a later client knows; `parse` never makes them.
            _ => false,
        }
    }
}

/// Compares a field's text with a filter's: numerically when both are
/// numbers, by bytes otherwise.
fn compare_text(actual: &str, wanted: &str) -> Ordering {
    match (actual.parse::<f64>(), wanted.parse::<f64>()) {
        (Ok(a), Ok(b)) => a.partial_cmp(&b).unwrap_or(Ordering::Equal),
        _ => actual.cmp(wanted),
    }
}

/// A field value as text, for comparing with a filter's value.
pub(crate) fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// One key of `sort=name,-id`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SortKey {
    pub(crate) field: String,
    pub(crate) descending: bool,
}

impl SortKey {
    fn parse_list(text: &str) -> Vec<SortKey> {
        text.split(',').filter_map(SortKey::parse).collect()
    }

    /// One key, `field` or `-field` (descending); `None` for an empty key
    /// or a bare `-`.
    pub(crate) fn parse(key: &str) -> Option<SortKey> {
        let key = key.trim();
        if key.is_empty() || key == "-" {
            return None;
        }
        Some(match key.strip_prefix('-') {
            Some(field) => SortKey {
                field: field.to_owned(),
                descending: true,
            },
            None => SortKey {
                field: key.to_owned(),
                descending: false,
            },
        })
    }
}

/// Orders field values: missing first, then numbers before text, numbers
/// numerically, text by bytes (as MongoDB does).
fn compare_values(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(Value::Number(x)), Some(Value::Number(y))) => x
            .as_f64()
            .partial_cmp(&y.as_f64())
            .unwrap_or(Ordering::Equal),
        (Some(Value::Number(_)), Some(_)) => Ordering::Less,
        (Some(_), Some(Value::Number(_))) => Ordering::Greater,
        (Some(x), Some(y)) => value_text(x).cmp(&value_text(y)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const LIST: Accepts = Accepts {
        filter: true,
        sort: true,
        targets: false,
    };

    fn message(result: Result<ListQuery, ApiError>) -> String {
        result.expect_err("should be rejected").message().to_owned()
    }

    #[test]
    fn defaults_are_limit_10_skip_0() {
        let q = ListQuery::parse(None, LIST).expect("valid");
        assert_eq!((q.limit, q.skip), (10, 0));
    }

    #[test]
    fn limit_above_100_is_jumpclouds_message() {
        assert_eq!(
            message(ListQuery::parse(Some("limit=101"), LIST)),
            "Bad Request: request parameter \"limit\" exceeds maximum value of 100"
        );
        assert_eq!(
            message(ListQuery::parse(
                Some("limit=99999999999999999999999999999999999999999"),
                LIST
            )),
            "Bad Request: request parameter \"limit\" exceeds maximum value of 100"
        );
    }

    #[test]
    fn limit_must_be_a_positive_integer() {
        assert!(message(ListQuery::parse(Some("limit=ten"), LIST)).contains("must be an integer"));
        assert!(message(ListQuery::parse(Some("limit=0"), LIST)).contains("minimum value of 1"));
        assert!(message(ListQuery::parse(Some("limit=1.5"), LIST)).contains("must be an integer"));
    }

    #[test]
    fn skip_must_be_non_negative() {
        assert!(message(ListQuery::parse(Some("skip=-1"), LIST)).contains("minimum value of 0"));
        assert_eq!(
            ListQuery::parse(Some("skip=25"), LIST).map(|q| q.skip).ok(),
            Some(25)
        );
    }

    #[test]
    fn filters_parse_field_op_value_with_colons_in_the_value() {
        let q = ListQuery::parse(
            Some("filter=name:eq:a:b&filter=os:in:Ubuntu%7CFedora"),
            LIST,
        )
        .expect("valid");
        assert_eq!(q.filters[0].value, "a:b");
        assert_eq!(q.filters[1].op, Op::In);
        assert!(q.filters[1].matches(Some(json!("Fedora"))));
    }

    #[test]
    fn unknown_filter_operator_is_rejected() {
        assert!(
            message(ListQuery::parse(Some("filter=name:like:x"), LIST))
                .contains("unknown operator")
        );
        assert!(
            message(ListQuery::parse(Some("filter=name"), LIST))
                .contains("<field>:<operator>:<value>")
        );
    }

    #[test]
    fn filter_operators_compare_as_documented() {
        let f = |text: &str| Filter::parse(text).expect("valid filter");
        assert!(f("n:search:WEB").matches(Some(json!("web-01"))));
        assert!(f("n:ne:x").matches(None));
        assert!(!f("n:eq:x").matches(None));
        assert!(f("n:gt:9").matches(Some(json!(10))));
        assert!(f("n:le:b").matches(Some(json!("a"))));
        assert!(f("activated:eq:true").matches(Some(json!(true))));
        assert!(f("n:between:2,10").matches(Some(json!(10))));
        assert!(!f("n:between:2,10").matches(Some(json!(11))));
        assert!(f("d:between:2024-01-01,2024-12-31").matches(Some(json!("2024-06-30"))));
        assert!(!f("d:between:2024-01-01,2024-12-31").matches(Some(json!("2025-01-01"))));
    }

    #[test]
    fn between_needs_a_low_and_a_high() {
        assert!(
            message(ListQuery::parse(Some("filter=n:between:5"), LIST)).contains("<low>,<high>")
        );
    }

    #[test]
    fn targets_accept_repeated_and_comma_joined_values() {
        let accepts = Accepts {
            targets: true,
            ..Accepts::default()
        };
        let repeated = ListQuery::parse(Some("targets=system&targets=system_group"), accepts);
        let joined = ListQuery::parse(Some("targets=system,system_group"), accepts);
        assert_eq!(
            repeated.map(|q| q.targets).ok(),
            Some(vec![Kind::System, Kind::SystemGroup])
        );
        assert_eq!(
            joined.map(|q| q.targets).ok(),
            Some(vec![Kind::System, Kind::SystemGroup])
        );
        assert!(
            message(ListQuery::parse(Some("targets=user_group"), accepts)).contains("user_group")
        );
        assert!(message(ListQuery::parse(None, accepts)).contains("required"));
    }

    fn items() -> Vec<(String, Value)> {
        ["c", "a", "b", "d", "a"]
            .iter()
            .enumerate()
            .map(|(i, name)| (format!("{i}"), json!(name)))
            .collect()
    }

    fn names(query: &str) -> (usize, Vec<String>) {
        let q = ListQuery::parse(Some(query), LIST).expect("valid");
        let items = items();
        let (total, page) = q.page(
            &items,
            |(id, _)| id,
            |(id, name), field| match field {
                "name" => Some(name.clone()),
                "id" => Some(json!(id)),
                _ => None,
            },
        );
        let page = page
            .iter()
            .map(|(id, name)| format!("{id}:{}", name.as_str().unwrap_or_default()))
            .collect();
        (total, page)
    }

    #[test]
    fn page_filters_then_sorts_then_pages() {
        assert_eq!(
            names("filter=name:ne:d&sort=-name&limit=2&skip=1"),
            (4, vec!["2:b".to_owned(), "1:a".to_owned()])
        );
    }

    #[test]
    fn equal_sort_keys_keep_id_order() {
        assert_eq!(
            names("sort=name&limit=2").1,
            ["1:a".to_owned(), "4:a".to_owned()]
        );
    }

    #[test]
    fn without_filter_or_sort_a_page_is_a_slice_of_the_id_order() {
        assert_eq!(
            names("limit=2&skip=3"),
            (5, vec!["3:d".to_owned(), "4:a".to_owned()])
        );
        assert_eq!(names("skip=99999999999999999999"), (5, Vec::new()));
    }
}
