//! Bad input fails with `Error::InvalidInput` before anything is sent: the
//! mock server sees zero requests.

use crate::common;

use common::{USER, object_id, setup};
use futures::TryStreamExt;
use jumpcloud_graph::{AssociationTarget, Error, Filter, Sort, Sudo};
use wiremock::MockServer;

fn invalid_field(error: Error) -> &'static str {
    assert!(
        error.is_invalid_input(),
        "expected invalid input, got {error}"
    );
    error.field().unwrap()
}

async fn assert_nothing_sent(server: &MockServer) {
    assert_eq!(server.received_requests().await.unwrap().len(), 0);
}

#[tokio::test]
async fn malformed_user_ids_are_refused() {
    let (server, client) = setup().await;
    for bad in [
        "",
        "jdoe",
        "5f1b0c2e9c1a4b00123456",
        "5f1b0c2e9c1a4b0012345678aa",
        "zz1b0c2e9c1a4b0012345678",
    ] {
        assert_eq!(
            invalid_field(client.user(bad).unwrap_err()),
            "user id",
            "{bad:?}"
        );
    }
    assert_nothing_sent(&server).await;
}

#[tokio::test]
async fn malformed_target_ids_are_refused_for_every_write() {
    let (server, client) = setup().await;
    let user = client.user(USER).unwrap();
    let target = AssociationTarget::System;
    // Checked when the write is made, as the user id is by `client.user`.
    let errors = [
        user.associate(target.clone(), "bad").unwrap_err(),
        user.dissociate(target.clone(), "bad").unwrap_err(),
        user.update_association(target.clone(), "bad").unwrap_err(),
        user.ensure_associated(target.clone(), "bad").unwrap_err(),
        user.ensure_dissociated(target, "bad").unwrap_err(),
    ];
    for error in errors {
        assert_eq!(invalid_field(error), "target id");
    }
    assert_nothing_sent(&server).await;
}

#[tokio::test]
async fn page_sizes_of_zero_and_above_one_hundred_are_refused() {
    let (server, client) = setup().await;
    let user = client.user(USER).unwrap();
    for size in [0, 101, 1000] {
        let error = user
            .systems()
            .page_size(size)
            .try_collect()
            .await
            .unwrap_err();
        assert_eq!(invalid_field(error), "page size", "{size}");
        let mut pages = user.member_of().page_size(size).pages();
        assert_eq!(
            invalid_field(pages.try_next().await.unwrap_err()),
            "page size"
        );
        assert!(
            pages.try_next().await.unwrap().is_none(),
            "the stream ends after the error"
        );
    }
    assert_nothing_sent(&server).await;
}

#[tokio::test]
async fn an_association_list_needs_at_least_one_target() {
    let (server, client) = setup().await;
    let user = client.user(USER).unwrap();
    let error = user.associations([]).try_collect().await.unwrap_err();
    assert_eq!(invalid_field(error), "targets");
    assert_nothing_sent(&server).await;
}

#[tokio::test]
async fn targets_unknown_to_this_version_cannot_be_sent() {
    let (server, client) = setup().await;
    let user = client.user(USER).unwrap();
    let future = AssociationTarget::from_wire("quantum_device");
    let error = user
        .associations([future.clone()])
        .try_collect()
        .await
        .unwrap_err();
    assert_eq!(invalid_field(error), "association target");
    let error = user.associate(future, object_id(1).as_str()).unwrap_err();
    assert_eq!(invalid_field(error), "association target");
    assert_nothing_sent(&server).await;
}

#[tokio::test]
async fn sudo_without_password_but_without_sudo_is_refused() {
    let error = Sudo::from_flags(false, true).unwrap_err();
    assert_eq!(invalid_field(error), "sudo");
}

#[tokio::test]
async fn sudo_on_a_binding_that_cannot_carry_it_is_refused() {
    let (server, client) = setup().await;
    let user = client.user(USER).unwrap();
    let error = user
        .associate(AssociationTarget::Application, object_id(1).as_str())
        .unwrap()
        .sudo(Sudo::WithPassword)
        .await
        .unwrap_err();
    assert_eq!(invalid_field(error), "sudo");
    assert_nothing_sent(&server).await;
}

#[tokio::test]
async fn an_update_that_sets_nothing_is_refused() {
    let (server, client) = setup().await;
    let user = client.user(USER).unwrap();
    let error = user
        .update_association(AssociationTarget::System, object_id(1).as_str())
        .unwrap()
        .await
        .unwrap_err();
    assert_eq!(invalid_field(error), "update");
    assert_nothing_sent(&server).await;
}

#[tokio::test]
async fn malformed_filters_sorts_and_options_are_refused() {
    let (server, client) = setup().await;
    let user = client.user(USER).unwrap();
    let errors = [
        user.systems()
            .filter(Filter::eq("", "x"))
            .try_collect()
            .await
            .unwrap_err(),
        user.systems()
            .filter(Filter::is_in("os", Vec::<String>::new()))
            .try_collect()
            .await
            .unwrap_err(),
        user.member_of()
            .sort(Sort::asc(""))
            .try_collect()
            .await
            .unwrap_err(),
        user.systems()
            .org_id("not an org")
            .try_collect()
            .await
            .unwrap_err(),
        user.systems()
            .timeout(std::time::Duration::ZERO)
            .try_collect()
            .await
            .unwrap_err(),
        user.send_activation_email()
            .org_id("bad org")
            .await
            .unwrap_err(),
    ];
    let fields: Vec<&str> = errors.into_iter().map(invalid_field).collect();
    assert_eq!(
        fields,
        [
            "filter",
            "filter",
            "sort",
            "organization id",
            "timeout",
            "organization id"
        ]
    );
    assert_nothing_sent(&server).await;
}
