//! A deterministic YAML writer for the fragment: OpenAPI's customary key
//! order per object kind, paths in the fragment's operation order, names
//! (properties, components, status codes) sorted, block literals for
//! multi-line text, and comments written above the keys they explain.
//!
//! serde_yaml cannot write comments, and its layout would change with its
//! version; the checked-in fragment must be byte-for-byte what `sync`
//! writes, so the writer is here.

use serde_json::{Map, Value};

use super::deviations::Comments;
use super::tree::Pointer;

/// What kind of OpenAPI object a mapping is, for its key order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Root,
    Info,
    Server,
    Paths,
    PathItem,
    Operation,
    Parameter,
    RequestBody,
    Responses,
    Response,
    Content,
    MediaType,
    Components,
    /// A map of names (component names, property names) to `Kind`.
    Names(NameKind),
    Schema,
    Other,
}

/// What the values of a [`Kind::Names`] map are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NameKind {
    Parameter,
    RequestBody,
    Response,
    Schema,
    Other,
}

impl NameKind {
    fn kind(self) -> Kind {
        match self {
            NameKind::Parameter => Kind::Parameter,
            NameKind::RequestBody => Kind::RequestBody,
            NameKind::Response => Kind::Response,
            NameKind::Schema => Kind::Schema,
            NameKind::Other => Kind::Other,
        }
    }
}

/// The customary order of known keys per [`Kind`] (see [`Kind::order`]).
mod key_order {
    pub(super) const ROOT: &[&str] = &[
        "openapi",
        "info",
        "servers",
        "security",
        "tags",
        "paths",
        "components",
    ];
    pub(super) const INFO: &[&str] = &["title", "description", "termsOfService", "version"];
    pub(super) const SERVER: &[&str] = &["url", "description"];
    pub(super) const PATH_ITEM: &[&str] = &[
        "summary",
        "description",
        "parameters",
        "get",
        "put",
        "post",
        "delete",
        "options",
        "head",
        "patch",
        "trace",
    ];
    pub(super) const OPERATION: &[&str] = &[
        "operationId",
        "summary",
        "description",
        "tags",
        "security",
        "x-scopes",
        "deprecated",
        "parameters",
        "requestBody",
        "responses",
    ];
    pub(super) const PARAMETER: &[&str] = &[
        "$ref",
        "name",
        "in",
        "description",
        "required",
        "deprecated",
        "allowEmptyValue",
        "style",
        "explode",
        "schema",
        "content",
    ];
    pub(super) const REQUEST_BODY: &[&str] = &["$ref", "description", "required", "content"];
    pub(super) const RESPONSE: &[&str] = &["$ref", "description", "headers", "content"];
    pub(super) const MEDIA_TYPE: &[&str] = &["schema"];
    pub(super) const COMPONENTS: &[&str] = &[
        "securitySchemes",
        "parameters",
        "requestBodies",
        "responses",
        "headers",
        "schemas",
    ];
    pub(super) const SCHEMA: &[&str] = &[
        "$ref",
        "title",
        "description",
        "type",
        "format",
        "nullable",
        "required",
        "enum",
        "default",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minLength",
        "maxLength",
        "pattern",
        "minItems",
        "maxItems",
        "uniqueItems",
        "items",
        "properties",
        "additionalProperties",
        "allOf",
        "oneOf",
        "anyOf",
        "not",
    ];
    pub(super) const OTHER: &[&str] = &["type", "description", "name", "in", "scheme"];
}

impl Kind {
    /// The customary order of known keys; others follow alphabetically,
    /// extensions (`x-`) last.
    fn order(self) -> &'static [&'static str] {
        match self {
            Kind::Root => key_order::ROOT,
            Kind::Info => key_order::INFO,
            Kind::Server => key_order::SERVER,
            Kind::PathItem => key_order::PATH_ITEM,
            Kind::Operation => key_order::OPERATION,
            Kind::Parameter => key_order::PARAMETER,
            Kind::RequestBody => key_order::REQUEST_BODY,
            Kind::Response => key_order::RESPONSE,
            Kind::MediaType => key_order::MEDIA_TYPE,
            Kind::Components => key_order::COMPONENTS,
            Kind::Schema => key_order::SCHEMA,
            Kind::Other => key_order::OTHER,
            Kind::Paths | Kind::Responses | Kind::Content | Kind::Names(_) => &[],
        }
    }

    /// The kind of the value under `key`.
    fn child(self, key: &str) -> Kind {
        match (self, key) {
            (Kind::Root, "info") => Kind::Info,
            (Kind::Root, "servers") => Kind::Server,
            (Kind::Root, "paths") => Kind::Paths,
            (Kind::Root, "components") => Kind::Components,
            (Kind::Paths, _) => Kind::PathItem,
            (Kind::PathItem, "parameters") | (Kind::Operation, "parameters") => Kind::Parameter,
            (Kind::PathItem, _) => Kind::Operation,
            (Kind::Operation, "requestBody") => Kind::RequestBody,
            (Kind::Operation, "responses") => Kind::Responses,
            (Kind::Responses, _) => Kind::Response,
            (Kind::Parameter | Kind::RequestBody | Kind::Response, "content") => Kind::Content,
            (Kind::Parameter, "schema") | (Kind::MediaType, "schema") => Kind::Schema,
            (Kind::Response, "headers") => Kind::Names(NameKind::Parameter),
            (Kind::Content, _) => Kind::MediaType,
            (Kind::Components, "parameters" | "headers") => Kind::Names(NameKind::Parameter),
            (Kind::Components, "requestBodies") => Kind::Names(NameKind::RequestBody),
            (Kind::Components, "responses") => Kind::Names(NameKind::Response),
            (Kind::Components, "schemas") => Kind::Names(NameKind::Schema),
            (Kind::Components, _) => Kind::Names(NameKind::Other),
            (Kind::Names(names), _) => names.kind(),
            (Kind::Schema, "properties") => Kind::Names(NameKind::Schema),
            (
                Kind::Schema,
                "items" | "additionalProperties" | "not" | "allOf" | "oneOf" | "anyOf",
            ) => Kind::Schema,
            _ => Kind::Other,
        }
    }
}

/// Writes `doc` with `header` (comment lines without `# `) above it,
/// `comments` above the keys they belong to, and paths in `path_order`.
pub(crate) fn emit(
    doc: &Value,
    comments: &Comments,
    header: &str,
    path_order: &[String],
) -> String {
    let mut writer = Writer {
        out: String::new(),
        comments,
        path_order,
    };
    for line in header.lines() {
        writer.comment_line(0, line);
    }
    if let Value::Object(map) = doc {
        writer.mapping(map, Kind::Root, 0, &mut Vec::new(), None);
    }
    writer.out
}

struct Writer<'a> {
    out: String,
    comments: &'a Comments,
    path_order: &'a [String],
}

/// Lines longer than this are wrapped, in comments only.
const WIDTH: usize = 80;
/// A sequence of short scalars is written on one line when it fits.
const FLOW_WIDTH: usize = 80;

impl Writer<'_> {
    fn comment_line(&mut self, indent: usize, line: &str) {
        let pad = " ".repeat(indent);
        if line.is_empty() {
            self.out.push_str(&format!("{pad}#\n"));
        } else {
            self.out.push_str(&format!("{pad}# {line}\n"));
        }
    }

    /// The comments for `at`, wrapped to the width.
    fn comments_at(&mut self, at: &Pointer, indent: usize) {
        let Some(list) = self.comments.get(at) else {
            return;
        };
        for text in list.clone() {
            for line in wrap(&text, WIDTH.saturating_sub(indent + 2).max(40)) {
                self.comment_line(indent, &line);
            }
        }
    }

    fn ordered_keys<'m>(&self, map: &'m Map<String, Value>, kind: Kind) -> Vec<&'m String> {
        let mut keys: Vec<&String> = map.keys().collect();
        let order = kind.order();
        let path_order = self.path_order;
        keys.sort_by_key(|key| {
            let known = order.iter().position(|k| k == key);
            let by_path = if kind == Kind::Paths {
                path_order.iter().position(|p| p == *key)
            } else {
                None
            };
            (
                by_path.unwrap_or(usize::MAX),
                known.unwrap_or(usize::MAX),
                key.starts_with("x-"),
                (*key).clone(),
            )
        });
        keys
    }

    /// Writes the entries of `map` at `indent`; when `first_prefix` is set,
    /// the first entry goes on the current line (after a `- `).
    fn mapping(
        &mut self,
        map: &Map<String, Value>,
        kind: Kind,
        indent: usize,
        at: &mut Pointer,
        mut first_prefix: Option<&str>,
    ) {
        for key in self.ordered_keys(map, kind) {
            let value = &map[key.as_str()];
            at.push(key.clone());
            let prefix = match first_prefix.take() {
                Some(prefix) => prefix.to_string(),
                None => {
                    self.comments_at(at, indent);
                    " ".repeat(indent)
                }
            };
            let child = kind.child(key);
            let key_text = scalar_key(key);
            self.entry(&prefix, &key_text, value, child, indent, at);
            at.pop();
        }
    }

    /// `prefix` + `key:` + the value.
    fn entry(
        &mut self,
        prefix: &str,
        key: &str,
        value: &Value,
        kind: Kind,
        indent: usize,
        at: &mut Pointer,
    ) {
        match value {
            Value::Object(map) if map.is_empty() => {
                self.out.push_str(&format!("{prefix}{key}: {{}}\n"));
            }
            Value::Object(map) => {
                self.out.push_str(&format!("{prefix}{key}:\n"));
                self.mapping(map, kind, indent + 2, at, None);
            }
            Value::Array(items) if items.is_empty() => {
                self.out.push_str(&format!("{prefix}{key}: []\n"));
            }
            Value::Array(items) => {
                let items = sorted_if_required(key, kind, items);
                let head = format!("{prefix}{key}: ");
                match flow(&items) {
                    Some(flow) if head.len() + flow.len() <= FLOW_WIDTH => {
                        self.out.push_str(&format!("{head}{flow}\n"));
                    }
                    _ => {
                        self.out.push_str(&format!("{prefix}{key}:\n"));
                        self.sequence(&items, kind, indent + 2, at);
                    }
                }
            }
            scalar => {
                let text = scalar_value(scalar, indent + 2);
                self.out.push_str(&format!("{prefix}{key}:{text}\n"));
            }
        }
    }

    fn sequence(&mut self, items: &[Value], kind: Kind, indent: usize, at: &mut Pointer) {
        let pad = " ".repeat(indent);
        for (i, item) in items.iter().enumerate() {
            at.push(i.to_string());
            self.comments_at(at, indent);
            match item {
                Value::Object(map) if !map.is_empty() => {
                    // The first key's comments go above the `- ` line.
                    let first = self.ordered_keys(map, kind).first().map(|k| (*k).clone());
                    if let Some(first) = first {
                        at.push(first);
                        self.comments_at(at, indent);
                        at.pop();
                    }
                    let prefix = format!("{pad}- ");
                    self.mapping(map, kind, indent + 2, at, Some(&prefix));
                }
                Value::Array(inner) if !inner.is_empty() => match flow(inner) {
                    Some(flow) => self.out.push_str(&format!("{pad}- {flow}\n")),
                    None => {
                        self.out.push_str(&format!("{pad}-\n"));
                        self.sequence(inner, kind, indent + 2, at);
                    }
                },
                other => {
                    let text = match other {
                        Value::Object(_) => " {}".to_string(),
                        Value::Array(_) => " []".to_string(),
                        scalar => scalar_value(scalar, indent + 2),
                    };
                    self.out.push_str(&format!("{pad}-{text}\n"));
                }
            }
            at.pop();
        }
    }
}

/// A schema's `required` list is a set; sorted, its order cannot differ
/// between renderings of the same spec.
fn sorted_if_required(key: &str, kind: Kind, items: &[Value]) -> Vec<Value> {
    let mut items = items.to_vec();
    if key == "required" && kind == Kind::Other && items.iter().all(Value::is_string) {
        items.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
    }
    items
}

/// `[a, b]` when every item is a short plain scalar.
fn flow(items: &[Value]) -> Option<String> {
    let mut parts = Vec::with_capacity(items.len());
    for item in items {
        let text = match item {
            Value::String(s) if plain_in_flow(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            _ => return None,
        };
        parts.push(text);
    }
    Some(format!("[{}]", parts.join(", ")))
}

fn plain_in_flow(s: &str) -> bool {
    !s.contains([',', '[', ']', '{', '}']) && is_plain(s)
}

/// A key: plain when YAML reads it back as the same string.
fn scalar_key(key: &str) -> String {
    if is_plain(key) {
        key.to_string()
    } else {
        single_quoted(key).unwrap_or_else(|| double_quoted(key))
    }
}

/// A scalar value, with its leading space; block literals continue on the
/// next lines at `indent`.
fn scalar_value(value: &Value, indent: usize) -> String {
    match value {
        Value::Null => " null".into(),
        Value::Bool(b) => format!(" {b}"),
        Value::Number(n) => format!(" {n}"),
        Value::String(s) if s.contains('\n') => block_literal(s, indent)
            .map(|b| format!(" {b}"))
            .unwrap_or_else(|| format!(" {}", double_quoted(s))),
        Value::String(s) if is_plain(s) => format!(" {s}"),
        Value::String(s) => format!(" {}", single_quoted(s).unwrap_or_else(|| double_quoted(s))),
        other => format!(" {other}"),
    }
}

/// Whether YAML reads `s`, written plain, back as the string `s`.
fn is_plain(s: &str) -> bool {
    if s.is_empty()
        || s.trim() != s
        || s.chars().any(|c| c.is_control())
        || s.starts_with([
            '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%',
            '@', '`',
        ])
        || s.contains(": ")
        || s.contains(" #")
        || s.ends_with(':')
    {
        return false;
    }
    matches!(
        serde_yaml::from_str::<serde_yaml::Value>(&format!("k: {s}")),
        Ok(serde_yaml::Value::Mapping(m)) if m.get("k") == Some(&serde_yaml::Value::String(s.to_string()))
    )
}

fn single_quoted(s: &str) -> Option<String> {
    (!s.chars().any(char::is_control)).then(|| format!("'{}'", s.replace('\'', "''")))
}

fn double_quoted(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

/// `|-` (or `|` / `|+` for trailing newlines) followed by the lines.
fn block_literal(s: &str, indent: usize) -> Option<String> {
    if s.chars().any(|c| c.is_control() && c != '\n') || s.lines().any(|l| l.ends_with(' ')) {
        return None;
    }
    let body = s.trim_end_matches('\n');
    let chomp = match s.len() - body.len() {
        0 => "-",
        1 => "",
        _ => "+",
    };
    // YAML takes a block's indentation from its first non-empty line, so
    // that line decides whether the indentation must be stated.
    let first = body.split('\n').find(|line| !line.is_empty());
    let indicator = if first.is_some_and(|line| line.starts_with(' ')) {
        "2"
    } else {
        ""
    };
    let pad = " ".repeat(indent);
    let mut out = format!("|{indicator}{chomp}");
    for line in body.split('\n') {
        if line.is_empty() {
            out.push('\n');
        } else {
            out.push_str(&format!("\n{pad}{line}"));
        }
    }
    for _ in 1..(s.len() - body.len()) {
        out.push('\n');
    }
    Some(out)
}

/// Words of `text` in lines of at most `width` characters (a longer word
/// stands alone).
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            if !line.is_empty() && line.len() + 1 + word.len() > width {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// Whatever the strings, YAML reads the output back as the input.
    #[test]
    fn tricky_scalars_and_keys_read_back_unchanged() {
        let doc = json!({
            "openapi": "3.0.3",
            "info": {
                "title": "- starts like a list",
                "description": "key: value # not a comment",
                "version": "2.0",
            },
            "paths": {
                "/users/{user_id}/x": {
                    "get": {
                        "operationId": "yes",
                        "summary": "'quoted' and \"double\"",
                        "description": "line one\n\n  indented\nlast   ",
                        "x-scopes": ["a,b", "null", "1", "plain"],
                        "tags": [],
                        "responses": { "200": { "description": "" }, "default": {} },
                    }
                }
            },
            // The first line is empty and the second indented: fails on
            // the old code, which lost the indentation.
            "components": { "schemas": { "A": {
                "description": "\n  indented after an empty line\nlast",
                "enum": [true, 1, "~", "#x", "a b"],
            } } },
        });
        let mut comments = Comments::new();
        comments.insert(
            vec![
                "paths".into(),
                "/users/{user_id}/x".into(),
                "get".into(),
                "summary".into(),
            ],
            vec![
                "a comment long enough to be wrapped onto a second line by the writer, surely"
                    .into(),
            ],
        );
        let text = emit(&doc, &comments, "header line\n\nsecond", &[]);
        let back = super::super::tree::parse_document(&text).unwrap();
        assert_eq!(back, doc, "{text}");
        assert!(text.starts_with("# header line\n#\n# second\n"), "{text}");
        assert!(text.contains("      # a comment long enough"), "{text}");
    }
}
