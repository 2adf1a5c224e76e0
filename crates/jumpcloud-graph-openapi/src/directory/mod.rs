//! The lookups that turn the user graph's ids into names an administrator
//! reads: users, devices, groups, applications, directories and RADIUS
//! servers, as JumpCloud's v1 API ([`v1`], under `/api`) and v2 API ([`v2`],
//! under `/api/v2`) serve them.
//!
//! Two modules because JumpCloud publishes two specs with two base paths:
//! each is generated from its own fragment (`openapi/jumpcloud-directory-v1.yaml`
//! and `-v2.yaml`) by `cargo xtask generate`, with a [`Client`](v1::Client),
//! [`types`](v1::types), an [`operations`](v1::operations) table and
//! [`requests`](v1::requests) functions, like the user graph at the crate's
//! root. The v2 lookups take the user graph's base URL; the v1 lookups take
//! [`v1_base_url`] of it.
//!
//! How to name many objects in few requests (each fragment's header says
//! which form JumpCloud documents and which is assumed):
//!
//! | kind | operation | batched by |
//! |---|---|---|
//! | users | [`search_systemusers_post`](v1::requests::search_systemusers_post) | body `{"filter": {"or": [{"_id": ..}, {"email": ..}, {"username": ..}]}}` |
//! | devices | [`search_systems_post`](v1::requests::search_systems_post) | body `{"filter": {"or": [{"_id": ..}, {"hostname": ..}]}}` |
//! | applications | [`applications_list`](v1::requests::applications_list) | `filter=_id:$in:<id>\|<id>` |
//! | RADIUS servers | [`radius_servers_list`](v1::requests::radius_servers_list) | `filter=_id:$in:<id>\|<id>` |
//! | user groups | [`groups_user_list`](v2::requests::groups_user_list) | `filter=id:in:<id>\|<id>` |
//! | device groups | [`groups_system_list`](v2::requests::groups_system_list) | `filter=id:in:<id>\|<id>` |
//! | LDAP servers | [`ldapservers_list`](v2::requests::ldapservers_list) | `filter=id:in:<id>\|<id>` |
//! | Active Directory | [`activedirectories_list`](v2::requests::activedirectories_list) | `filter=id:in:<id>\|<id>` |
//! | G Suite, Office 365 | [`directories_list`](v2::requests::directories_list) | none: every directory, with its `type` |
//!
//! Each request carries at most [`MAX_VALUES_PER_REQUEST`] values, and asks
//! for that many records (`limit`), so that one request answers it.

pub mod v1;
pub mod v2;

use crate::RequestError;

/// The most ids (or emails, usernames, hostnames) one lookup request
/// carries: JumpCloud's largest page (`limit` above 100 is a 400), so that
/// one page holds every answer.
pub const MAX_VALUES_PER_REQUEST: usize = 100;

/// The v1 API's base URL for the v2 base URL a client is configured with:
/// `https://console.jumpcloud.com/api/v2` gives
/// `https://console.jumpcloud.com/api`. A trailing slash is ignored.
///
/// ```
/// use jumpcloud_graph_openapi::directory::v1_base_url;
///
/// assert_eq!(
///     v1_base_url("https://console.eu.jumpcloud.com/api/v2").unwrap(),
///     "https://console.eu.jumpcloud.com/api"
/// );
/// assert!(v1_base_url("https://console.jumpcloud.com/api").is_err());
/// ```
///
/// # Errors
///
/// A [`RequestError`] (part `url`) when the URL does not end in `/v2`,
/// which is where both of JumpCloud's APIs, and the sandbox's, put it.
pub fn v1_base_url(v2_base_url: &str) -> Result<String, RequestError> {
    let trimmed = v2_base_url.trim_end_matches('/');
    trimmed
        .strip_suffix("/v2")
        .filter(|base| !base.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| {
            RequestError::new(
                "url",
                format!("{v2_base_url:?} does not end in /v2, so it names no v1 API"),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_v1_base_is_the_v2_base_without_v2() {
        for (v2, v1) in [
            (
                "https://console.jumpcloud.com/api/v2",
                "https://console.jumpcloud.com/api",
            ),
            ("http://127.0.0.1:8080/api/v2/", "http://127.0.0.1:8080/api"),
        ] {
            assert_eq!(v1_base_url(v2).as_deref(), Ok(v1));
        }
    }

    #[test]
    fn a_base_without_v2_is_an_error_naming_it() {
        for url in [
            "https://console.jumpcloud.com/api",
            "/v2",
            "",
            "https://x/api/v20",
        ] {
            let error = v1_base_url(url).unwrap_err();
            assert_eq!(error.part(), "url");
            assert!(error.reason().contains(&format!("{url:?}")), "{error}");
        }
    }
}
