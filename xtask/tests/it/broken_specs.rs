//! A broken spec gets a clear message naming the file and the problem,
//! never a raw panic.

use std::path::Path;

use xtask::{GenerateError, Spec, render};

const NAME: &str = "openapi/broken.yaml";

fn parse(text: &str) -> Result<Spec, GenerateError> {
    Spec::parse(text, Path::new(NAME))
}

/// A minimal valid document with one operation whose responses are given.
fn with_responses(responses: &str) -> String {
    format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /things:\n    get:\n      operationId: list_things\n      responses:\n{responses}\ncomponents:\n  schemas:\n    Thing: {{type: object, properties: {{id: {{type: string}}}}}}\n"
    )
}

#[test]
fn unparseable_yaml_names_the_file_and_the_position() {
    let error = parse("openapi: 3.0.3\npaths: [unclosed\n").unwrap_err();
    let message = error.to_string();
    assert!(message.starts_with(NAME), "{message}");
    assert!(message.contains("not valid YAML"), "{message}");
    assert!(message.contains("line"), "{message}");
}

#[test]
fn unparseable_json_is_reported_as_json() {
    let error = Spec::parse("{\"openapi\": ", Path::new("openapi/spec.json")).unwrap_err();
    assert!(error.to_string().contains("not valid JSON"), "{error}");
}

#[test]
fn openapi_3_1_is_refused() {
    let error = parse("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n").unwrap_err();
    assert!(
        matches!(error, GenerateError::UnsupportedVersion { ref found, .. } if found == "OpenAPI 3.1.0")
    );
    assert!(
        error
            .to_string()
            .contains("convert the document to `openapi: 3.0.3`")
    );
}

#[test]
fn swagger_2_is_refused() {
    let error = parse("swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n").unwrap_err();
    assert!(
        error.to_string().contains("Swagger 2.0 is not supported"),
        "{error}"
    );
}

#[test]
fn a_missing_operation_id_names_the_operation() {
    let error = parse(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /things:\n    post:\n      responses: {'204': {description: ok}}\n",
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!("{NAME}: POST /things has no operationId")
    );
}

#[test]
fn a_duplicate_operation_id_names_both_operations() {
    let error = parse(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get: {operationId: same, responses: {'204': {description: ok}}}\n  /b:\n    get: {operationId: same, responses: {'204': {description: ok}}}\n",
    )
    .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("`same` is used by both GET /a and GET /b"),
        "{error}"
    );
}

#[test]
fn a_document_that_is_not_openapi_is_explained() {
    let error = parse("openapi: 3.0.3\ninfo: 42\npaths: {}\n").unwrap_err();
    assert!(
        matches!(error, GenerateError::InvalidDocument { .. }),
        "{error:?}"
    );
    assert!(error.to_string().starts_with(NAME));
}

#[test]
fn two_success_shapes_are_explained_not_panicked() {
    let spec = parse(&with_responses(
        "        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}}\n        '204': {description: empty}",
    ))
    .unwrap();
    let error = render(&spec).unwrap_err();
    let message = error.to_string();
    assert!(
        matches!(error, GenerateError::GeneratorPanic { .. }),
        "{error:?}"
    );
    assert!(
        message.contains("operation `list_things` (GET /things)"),
        "{message}"
    );
    assert!(
        message.contains("hint: an operation may have at most one response body shape"),
        "{message}"
    );
}

#[test]
fn a_default_response_beside_a_typed_200_is_explained() {
    let spec = parse(&with_responses(
        "        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}}\n        default: {description: err, content: {application/json: {schema: {type: object, properties: {message: {type: string}}}}}}",
    ))
    .unwrap();
    let message = render(&spec).unwrap_err().to_string();
    assert!(message.contains("list_things"), "{message}");
}

#[test]
fn a_valid_minimal_document_generates() {
    let spec = parse(&with_responses(
        "        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}}",
    ))
    .unwrap();
    let code = render(&spec).unwrap();
    assert!(code.contains("pub fn list_things"));
}

/// A minimal document whose one operation takes `parameter` (YAML flow).
fn with_parameter(parameter: &str) -> String {
    format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /things:\n    get:\n      operationId: list_things\n      parameters:\n        - {parameter}\n      responses:\n        '204': {{description: empty}}\n"
    )
}

#[test]
fn parameters_the_request_builders_cannot_reproduce_are_refused_by_name() {
    for (parameter, what) in [
        (
            "{name: x-tags, in: header, schema: {type: array, items: {type: string}}}",
            "only query parameters may be arrays",
        ),
        (
            "{name: q, in: query, allowReserved: true, schema: {type: string}}",
            "`allowReserved`",
        ),
    ] {
        let spec = parse(&with_parameter(parameter)).unwrap();
        let error = render(&spec).unwrap_err();
        assert!(
            matches!(error, GenerateError::RequestBuilder { .. }),
            "{parameter}: {error:?}"
        );
        let message = error.to_string();
        assert!(
            message.starts_with(&format!(
                "{NAME}: cannot build requests for operation `list_things`"
            )),
            "{message}"
        );
        assert!(message.contains(what), "{message}");
    }
}

#[test]
fn query_arrays_follow_their_explode_setting() {
    let repeated = "{name: tag, in: query, schema: {type: array, items: {type: string}}}";
    let joined =
        "{name: tag, in: query, explode: false, schema: {type: array, items: {type: string}}}";
    let code = render(&parse(&with_parameter(repeated)).unwrap()).unwrap();
    assert!(
        code.contains("request.query_each(\"tag\", value);"),
        "{code}"
    );
    let code = render(&parse(&with_parameter(joined)).unwrap()).unwrap();
    assert!(
        code.contains("request.query_joined(\"tag\", value);"),
        "{code}"
    );
}
