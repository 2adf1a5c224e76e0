//! Every generated type derives `schemars::JsonSchema`; random valid
//! instances built from those schemas survive a serde round trip unchanged.

use std::collections::BTreeSet;

use jumpcloud_graph_openapi::types;
use jumpcloud_graph_tests::json_mock::JsonMock;
use serde::Serialize;
use serde::de::DeserializeOwned;

const CASES: u64 = 200;

/// Decodes random schema-valid JSON into `T`, encodes it again and decodes
/// that: both values must be equal, and encoding must be stable.
fn round_trip<T>(name: &str)
where
    T: schemars::JsonSchema + Serialize + DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let schema = schemars::schema_for!(T);
    for seed in 0..CASES {
        let value = JsonMock::new(&schema, seed).value();
        let decoded: T = serde_json::from_value(value.clone()).unwrap_or_else(|e| {
            panic!("{name} seed {seed}: schema-valid {value} must decode: {e}")
        });
        let encoded = serde_json::to_value(&decoded).unwrap();
        let again: T = serde_json::from_value(encoded.clone()).unwrap_or_else(|e| {
            panic!("{name} seed {seed}: re-encoded {encoded} must decode: {e}")
        });
        assert_eq!(
            decoded, again,
            "{name} seed {seed}: changed by a round trip"
        );
        assert_eq!(
            encoded,
            serde_json::to_value(&again).unwrap(),
            "{name} seed {seed}"
        );
    }
}

macro_rules! round_trips {
    ($($ty:ident),+ $(,)?) => {
        /// The types this test covers, to compare with what was generated.
        const COVERED: &[&str] = &[$(stringify!($ty)),+];
        $(
            #[test]
            #[allow(non_snake_case)]
            fn $ty() {
                round_trip::<types::$ty>(stringify!($ty));
            }
        )+
    };
}

round_trips!(
    Emailrequest,
    EmailrequestEmailType,
    Error,
    GraphAttributeSudo,
    GraphAttributeSudoSudo,
    GraphAttributes,
    GraphConnection,
    GraphObject,
    GraphObjectWithPaths,
    GraphOperation,
    GraphOperationOp,
    GraphOperationUser,
    GraphOperationUserOp,
    GraphOperationUserType,
    GraphType,
    GraphUserAssociationsListTargetsItem,
    SyncStatus,
);

/// The generated types, as listed by the reviewed surface snapshot (which
/// xtask's own tests keep equal to the generated code); read as a file so
/// that this crate does not build the generator.
#[test]
fn every_generated_type_is_covered() {
    let snapshot = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../xtask/tests/it/snapshots/it__surface__generated_surface.snap"
    );
    let summary = std::fs::read_to_string(snapshot).unwrap();
    let generated: BTreeSet<&str> = summary
        .lines()
        .filter_map(|l| {
            l.strip_prefix("struct ")
                .or_else(|| l.strip_prefix("enum "))
        })
        .filter_map(|l| l.split([' ', '(']).next())
        .collect();
    let covered: BTreeSet<&str> = COVERED.iter().copied().collect();
    assert_eq!(
        generated, covered,
        "add new generated types to round_trips!"
    );
}
