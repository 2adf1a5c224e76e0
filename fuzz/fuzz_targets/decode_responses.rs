//! Every decoder the client runs on a response body, fed arbitrary bytes:
//! none may panic, and attributes (an object or `null`) must decode
//! without loss.
#![no_main]

use jumpcloud_graph::fuzzing::{decode_associations, decode_bound_objects, parse_error};
use jumpcloud_graph::{Attributes, ObjectId};
use jumpcloud_graph_openapi::types;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    let user = ObjectId::parse("5f1b0c2e9c1a4b0012345678").expect("valid id");
    for limit in [1, 100] {
        let _ = decode_bound_objects(user, body, limit);
        let _ = decode_associations(user, body, limit);
    }
    let _ = serde_json::from_slice::<Vec<types::GraphObjectWithPaths>>(body);
    let _ = serde_json::from_slice::<Vec<types::GraphConnection>>(body);
    for status in [401, 429, 502] {
        let _ = parse_error(status, &http::HeaderMap::new(), body);
    }
    if let Ok(value @ (serde_json::Value::Object(_) | serde_json::Value::Null)) =
        serde_json::from_slice(body)
    {
        assert_eq!(Attributes::from_json(value.clone()).to_json(), value);
    }
});
