//! Every decoder the client runs on a response body, fed arbitrary bytes:
//! none may panic, and attributes must decode without loss.
#![no_main]

use jumpcloud_graph::jumpcloud_graph_openapi::types;
use jumpcloud_graph::{ApiError, Association, Attributes, BoundObject, ObjectId};
use libfuzzer_sys::fuzz_target;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

fuzz_target!(|body: &[u8]| {
    let user = ObjectId::parse("5f1b0c2e9c1a4b0012345678").expect("valid id");
    let _ = BoundObject::decode_page(&user, body);
    let _ = Association::decode_page(&user, body);
    let _ = serde_json::from_slice::<Vec<types::GraphObjectWithPaths>>(body);
    let _ = serde_json::from_slice::<Vec<types::GraphConnection>>(body);
    for status in [StatusCode::UNAUTHORIZED, StatusCode::TOO_MANY_REQUESTS, StatusCode::BAD_GATEWAY] {
        let _ = ApiError::from_response_parts(status, &HeaderMap::new(), body);
    }
    if let Ok(value @ serde_json::Value::Object(_)) = serde_json::from_slice(body) {
        assert_eq!(Attributes::from_json(value.clone()).to_json(), value);
    }
});
