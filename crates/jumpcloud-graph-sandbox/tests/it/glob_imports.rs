//! The sandbox and the client can be glob-imported together: no name the
//! sandbox exports is also one of the client's. Each sandbox export is named
//! here, so a clash is an "ambiguous name" compile error in this file.
#![allow(unused_imports)]

use jumpcloud_graph::*;
use jumpcloud_graph_sandbox::*;

#[test]
fn every_sandbox_export_resolves_under_both_globs() {
    let names = [
        std::any::type_name::<AdminApiKey>(),
        std::any::type_name::<ClientForError>(),
        std::any::type_name::<CredentialKind>(),
        std::any::type_name::<EdgeRole>(),
        std::any::type_name::<Fault>(),
        std::any::type_name::<FaultPlan>(),
        std::any::type_name::<FaultRule>(),
        std::any::type_name::<FaultSpecError>(),
        std::any::type_name::<Fixture>(),
        std::any::type_name::<FixtureError>(),
        std::any::type_name::<GeneratorConfig>(),
        std::any::type_name::<KeyScope>(),
        std::any::type_name::<Kind>(),
        std::any::type_name::<OAuthClient>(),
        std::any::type_name::<Object>(),
        std::any::type_name::<ObjectRef>(),
        std::any::type_name::<Org>(),
        std::any::type_name::<OrgEdge>(),
        std::any::type_name::<RecordedRequest>(),
        std::any::type_name::<ResponseHold>(),
        std::any::type_name::<RetryAfter>(),
        std::any::type_name::<Sandbox>(),
        std::any::type_name::<SandboxBuilder>(),
        std::any::type_name::<SentEmail>(),
        std::any::type_name::<ServedOperation>(),
        std::any::type_name::<SettingError>(),
        std::any::type_name::<StartError>(),
        std::any::type_name::<Stats>(),
        std::any::type_name::<Trigger>(),
        std::any::type_name::<UnknownKind>(),
    ];
    assert!(
        names
            .iter()
            .all(|name| name.starts_with("jumpcloud_graph_sandbox::"))
    );
    assert_eq!(served_operations().len(), 13 + 14);
    assert_eq!(DEFAULT_SEED, GeneratorConfig::default().seed);
    // The client's names of the kind the sandbox used to clash with.
    assert!(std::any::type_name::<Attributes>().starts_with("jumpcloud_graph::"));
    assert!(std::any::type_name::<Edge>().starts_with("jumpcloud_graph::"));
    assert!(std::any::type_name::<ApiKey>().starts_with("jumpcloud_graph::"));
}
