//! `POST /users/{id}/emails`: the activation email.

use futures::FutureExt;
use futures::future::BoxFuture;
use jumpcloud_graph_openapi::types;

use crate::execute::Call;
use crate::options::{RequestOptions, request_options, write_retry_doc};
use crate::{Error, User};

/// Sends a user the activation email; made by [`User::send_activation_email`].
/// Send it with `.send()` or `.await`.
///
/// JumpCloud no longer lists this operation publicly (it was marked
/// non-public in 2019 and later specs keep only its path), so it may change
/// without notice.
#[derive(Debug)]
#[must_use = "the email is not sent until awaited"]
pub struct ActivationEmail {
    user: User,
    options: RequestOptions,
}

impl ActivationEmail {
    pub(crate) fn new(user: User) -> Self {
        Self {
            user,
            options: RequestOptions::default(),
        }
    }

    /// Sends the email, once unless retries were opted into.
    pub async fn send(self) -> Result<(), Error> {
        let options = self.options.check()?;
        let id = self.user.id.to_string();
        let call = Call {
            operation: "users_sendEmails",
            method: "POST",
            path: format!("/users/{id}/emails"),
            idempotent: false,
        };
        self.user
            .client
            .execute(&call, &options, |low, org| {
                let id = id.clone();
                async move {
                    let body = types::Emailrequest {
                        email_type: Some(types::EmailrequestEmailType::Activation),
                    };
                    let request = low.users_send_emails().user_id(id).body(body);
                    super::with_org!(request, org).send().await
                }
                .boxed()
            })
            .await
            .map(|_| ())
    }
}

impl std::future::IntoFuture for ActivationEmail {
    type Output = Result<(), Error>;
    type IntoFuture = BoxFuture<'static, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        self.send().boxed()
    }
}

request_options!(ActivationEmail, write_retry_doc!());
