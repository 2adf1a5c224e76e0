//! Property tests (bounded, part of the normal test run): decoding arbitrary
//! bytes and arbitrary JSON into every response type and error body never
//! panics, and attributes survive decoding without loss. `fuzz/` runs the
//! same decoders under libFuzzer for longer.

use jumpcloud_graph::fuzzing::{decode_associations, decode_bound_objects, parse_error};
use jumpcloud_graph::{Attributes, ObjectId};
use jumpcloud_graph_openapi::types;
use proptest::prelude::*;
use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::{Map, Value};

const USER: &str = "5f1b0c2e9c1a4b0012345678";

/// Keys that real bodies use, so random objects often hit real code paths.
const KEYS: &[&str] = &[
    "id",
    "type",
    "paths",
    "to",
    "from",
    "attributes",
    "compiledAttributes",
    "sudo",
    "enabled",
    "withoutPassword",
    "ldapGroups",
    "posixGroups",
    "radius",
    "reply",
    "name",
    "value",
    "sambaEnabled",
    "externalId",
    "syncStatus",
    "message",
    "error",
    "code",
    "status",
];

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::sample::select(KEYS).prop_map(str::to_string),
        1 => "\\PC{0,8}",
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-1e9f64..1e9).prop_map(Value::from),
        "[0-9a-f]{24}".prop_map(Value::String),
        "\\PC{0,12}".prop_map(Value::String),
        proptest::sample::select(&["system", "user_group", "system_group", "a_type_from_2030"][..])
            .prop_map(|s| Value::String(s.into())),
    ]
}

/// Arbitrary JSON, biased towards the shapes of JumpCloud's bodies.
fn json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((key(), inner), 0..6)
                .prop_map(|fields| Value::Object(fields.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn json_object() -> impl Strategy<Value = Value> {
    proptest::collection::vec((key(), json()), 0..8)
        .prop_map(|fields| Value::Object(fields.into_iter().collect()))
}

fn user() -> ObjectId {
    ObjectId::parse(USER).unwrap()
}

/// Feeds `body` to every decoder the client uses; none may panic.
fn decode_everything(body: &[u8]) {
    let _ = decode_bound_objects(user(), body, 100);
    let _ = decode_associations(user(), body, 100);
    let _ = serde_json::from_slice::<Vec<types::GraphObjectWithPaths>>(body);
    let _ = serde_json::from_slice::<Vec<types::GraphConnection>>(body);
    let _ = serde_json::from_slice::<types::Error>(body);
    let mut headers = HeaderMap::new();
    headers.insert(
        "retry-after",
        HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
    );
    for status in [400, 401, 404, 409, 429, 502] {
        let error = parse_error(status, &headers, body);
        assert!(
            error.body().chars().count() <= 513,
            "the excerpt is bounded"
        );
    }
}

/// The keys of `sent` other than `known`, as sent.
fn unmodelled(sent: &Value, known: &[&str]) -> Map<String, Value> {
    sent.as_object()
        .into_iter()
        .flatten()
        .filter(|(key, _)| !known.contains(&key.as_str()))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(body in proptest::collection::vec(any::<u8>(), 0..1024)) {
        decode_everything(&body);
    }

    #[test]
    fn arbitrary_json_never_panics(value in json()) {
        decode_everything(&serde_json::to_vec(&value).unwrap());
    }

    #[test]
    fn arbitrary_arrays_of_objects_never_panic(items in proptest::collection::vec(json_object(), 0..6)) {
        decode_everything(&serde_json::to_vec(&items).unwrap());
    }

    #[test]
    fn a_decoded_page_keeps_every_item(items in proptest::collection::vec(json_object(), 0..6)) {
        let body = serde_json::to_vec(&items).unwrap();
        if let Ok(page) = decode_bound_objects(user(), &body, 100) {
            prop_assert_eq!(page.len(), items.len());
        }
        if let Ok(page) = decode_associations(user(), &body, 100) {
            prop_assert_eq!(page.len(), items.len());
        }
    }

    #[test]
    fn attributes_decode_without_loss(value in json_object()) {
        prop_assert_eq!(Attributes::from_json(value.clone()).to_json(), value);
    }

    #[test]
    fn every_key_an_item_does_not_model_is_in_other_and_no_other(
        items in proptest::collection::vec(json_object(), 0..6),
    ) {
        const BOUND: &[&str] = &["id", "type", "paths", "compiledAttributes", "externalId", "syncStatus"];
        const EDGE: &[&str] = &["from", "to", "attributes"];
        let body = serde_json::to_vec(&items).unwrap();
        if let Ok(page) = decode_bound_objects(user(), &body, 100) {
            for (item, sent) in page.iter().zip(&items) {
                prop_assert_eq!(item.other(), &unmodelled(sent, BOUND));
            }
        }
        if let Ok(page) = decode_associations(user(), &body, 100) {
            for (item, sent) in page.iter().zip(&items) {
                prop_assert_eq!(item.other(), &unmodelled(sent, EDGE));
                prop_assert_eq!(item.edge().to_other(), &unmodelled(&sent["to"], &["id", "type", "attributes"]));
            }
        }
    }

    // Printable text (not category C, and not the line and paragraph
    // separators U+2028/U+2029, which messages show escaped: see
    // `shown_escaped`) is kept as sent.
    #[test]
    fn error_bodies_keep_their_message(
        message in "[^\\p{C}\u{2028}\u{2029}]{0,40}",
        with_error in any::<bool>(),
    ) {
        let mut body = serde_json::json!({"message": message});
        if with_error {
            body["error"] = Value::String("Unauthorized".into());
        }
        let parsed = parse_error(401, &HeaderMap::new(), &serde_json::to_vec(&body).unwrap());
        prop_assert_eq!(parsed.message(), Some(message.trim()));
        prop_assert_eq!(parsed.error().is_some(), with_error);
    }
}
