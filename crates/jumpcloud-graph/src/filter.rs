//! Typed `filter` and `sort` query values.
//!
//! JumpCloud's v2 filter is `<field>:<operator>:<value>`; several filters
//! are sent as repeated `filter=` parameters, which the server ANDs (the
//! comma-joined and `filter[0]=` forms are not accepted, see
//! jcapi-powershell PRs #57 and #96). Values are case sensitive.

use std::fmt;

use crate::Error;

/// A filter operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FilterOp {
    /// `eq`: equal.
    Eq,
    /// `ne`: not equal.
    Ne,
    /// `gt`: greater than.
    Gt,
    /// `ge`: greater than or equal.
    Ge,
    /// `lt`: less than.
    Lt,
    /// `le`: less than or equal.
    Le,
    /// `between`: within an inclusive range.
    Between,
    /// `search`: the value occurs in the field (wildcards allowed).
    Search,
    /// `in`: equal to one of several values.
    In,
}

impl FilterOp {
    /// The operator as written in the filter.
    pub fn as_str(self) -> &'static str {
        match self {
            FilterOp::Eq => "eq",
            FilterOp::Ne => "ne",
            FilterOp::Gt => "gt",
            FilterOp::Ge => "ge",
            FilterOp::Lt => "lt",
            FilterOp::Le => "le",
            FilterOp::Between => "between",
            FilterOp::Search => "search",
            FilterOp::In => "in",
        }
    }
}

/// One `<field>:<operator>:<value>` filter.
///
/// Constructors never fail; a filter with an empty field, a `:` in the
/// field, or `in` with no values is reported as [invalid input](crate::ErrorKind::InvalidInput)
/// when the request is built, before anything is sent.
///
/// ```
/// use jumpcloud_graph::Filter;
///
/// assert_eq!(Filter::eq("os", "Ubuntu").to_string(), "os:eq:Ubuntu");
/// assert_eq!(Filter::search("hostname", "web").to_string(), "hostname:search:web");
/// assert_eq!(Filter::is_in("os", ["Ubuntu", "Debian"]).to_string(), "os:in:Ubuntu|Debian");
/// assert_eq!(Filter::between("created", "2024-01-01", "2024-12-31").to_string(),
///            "created:between:2024-01-01,2024-12-31");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Filter {
    field: String,
    op: FilterOp,
    value: String,
}

impl Filter {
    /// A filter with any operator and a raw value.
    pub fn new(field: impl Into<String>, op: FilterOp, value: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            op,
            value: value.into(),
        }
    }

    /// `field` equals `value`.
    pub fn eq(field: impl Into<String>, value: impl Into<String>) -> Self {
        Self::new(field, FilterOp::Eq, value)
    }

    /// `field` differs from `value`.
    pub fn ne(field: impl Into<String>, value: impl Into<String>) -> Self {
        Self::new(field, FilterOp::Ne, value)
    }

    /// `field` is greater than `value`.
    pub fn gt(field: impl Into<String>, value: impl Into<String>) -> Self {
        Self::new(field, FilterOp::Gt, value)
    }

    /// `field` is greater than or equal to `value`.
    pub fn ge(field: impl Into<String>, value: impl Into<String>) -> Self {
        Self::new(field, FilterOp::Ge, value)
    }

    /// `field` is less than `value`.
    pub fn lt(field: impl Into<String>, value: impl Into<String>) -> Self {
        Self::new(field, FilterOp::Lt, value)
    }

    /// `field` is less than or equal to `value`.
    pub fn le(field: impl Into<String>, value: impl Into<String>) -> Self {
        Self::new(field, FilterOp::Le, value)
    }

    /// `field` contains `value` (JumpCloud's `search`; wildcards allowed).
    pub fn search(field: impl Into<String>, value: impl Into<String>) -> Self {
        Self::new(field, FilterOp::Search, value)
    }

    /// `field` lies between `low` and `high`, inclusive. JumpCloud does not
    /// document the value's form; this sends `low,high`.
    pub fn between(
        field: impl Into<String>,
        low: impl Into<String>,
        high: impl Into<String>,
    ) -> Self {
        Self::new(
            field,
            FilterOp::Between,
            format!("{},{}", low.into(), high.into()),
        )
    }

    /// `field` equals one of `values`, sent `|`-separated (`os:in:a|b`).
    pub fn is_in<I, V>(field: impl Into<String>, values: I) -> Self
    where
        I: IntoIterator<Item = V>,
        V: Into<String>,
    {
        let values: Vec<String> = values.into_iter().map(Into::into).collect();
        Self::new(field, FilterOp::In, values.join("|"))
    }

    /// The field filtered on.
    pub fn field(&self) -> &str {
        &self.field
    }

    /// The operator.
    pub fn op(&self) -> FilterOp {
        self.op
    }

    /// The value as sent.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// Checks the filter can be sent, and renders it.
    pub(crate) fn to_query(&self) -> Result<String, Error> {
        if self.field.is_empty() {
            return Err(Error::invalid(
                "filter",
                format!("{self}: the field is empty"),
            ));
        }
        if self.field.contains(':') || self.field.chars().any(char::is_control) {
            return Err(Error::invalid(
                "filter",
                format!(
                    "{:?}: a field cannot contain ':' or control characters",
                    self.field
                ),
            ));
        }
        if self.op == FilterOp::In && self.value.is_empty() {
            return Err(Error::invalid(
                "filter",
                format!("{self}: `in` needs at least one value"),
            ));
        }
        Ok(self.to_string())
    }
}

impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.field, self.op.as_str(), self.value)
    }
}

/// One sort key for `memberof` (the only user-graph list that sorts).
///
/// ```
/// use jumpcloud_graph::Sort;
///
/// assert_eq!(Sort::asc("name").to_string(), "name");
/// assert_eq!(Sort::desc("name").to_string(), "-name");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Sort {
    field: String,
    descending: bool,
}

impl Sort {
    /// Ascending by `field`.
    pub fn asc(field: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            descending: false,
        }
    }

    /// Descending by `field`.
    pub fn desc(field: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            descending: true,
        }
    }

    /// The field sorted on.
    pub fn field(&self) -> &str {
        &self.field
    }

    /// Whether the order is descending.
    pub fn is_descending(&self) -> bool {
        self.descending
    }

    /// Renders several keys as JumpCloud's comma-separated `sort` value.
    pub(crate) fn to_query(keys: &[Sort]) -> Result<Option<String>, Error> {
        if keys.is_empty() {
            return Ok(None);
        }
        for key in keys {
            let field = key.field.as_str();
            if field.is_empty() || field.starts_with('-') || field.contains(',') {
                return Err(Error::invalid(
                    "sort",
                    format!(
                        "{field:?}: a sort field must be non-empty, without ',' or a leading '-'"
                    ),
                ));
            }
        }
        Ok(Some(
            keys.iter()
                .map(Sort::to_string)
                .collect::<Vec<_>>()
                .join(","),
        ))
    }
}

impl fmt::Display for Sort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.descending {
            f.write_str("-")?;
        }
        f.write_str(&self.field)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_filters_are_invalid_input() {
        for filter in [
            Filter::eq("", "x"),
            Filter::eq("a:b", "x"),
            Filter::is_in("os", Vec::<String>::new()),
        ] {
            assert_eq!(
                filter.to_query().unwrap_err().field(),
                Some("filter"),
                "{filter}"
            );
        }
    }

    #[test]
    fn a_value_may_contain_colons() {
        assert_eq!(
            Filter::eq("description", "a:b").to_query().unwrap(),
            "description:eq:a:b"
        );
    }

    #[test]
    fn sort_keys_join_with_commas() {
        let keys = [Sort::desc("name"), Sort::asc("type")];
        assert_eq!(
            Sort::to_query(&keys).unwrap().as_deref(),
            Some("-name,type")
        );
        assert_eq!(Sort::to_query(&[]).unwrap(), None);
        assert!(Sort::to_query(&[Sort::asc("a,b")]).is_err());
    }
}
