//! [`ActivationEmail`]: `POST /users/{id}/emails` with
//! `emailType: activation`.

use jumpcloud_graph_openapi::types::{Emailrequest, EmailrequestEmailType};

use super::{WriteCore, write_settings};
use crate::ops::{operations, requests};
use crate::{Error, RetryPolicy};

/// Sends a user the activation email; made by
/// [`User::send_activation_email`](crate::User::send_activation_email).
/// Sent once unless you opt into retries.
///
/// ```no_run
/// # async fn demo(user: jumpcloud_graph::User) -> Result<(), jumpcloud_graph::Error> {
/// user.send_activation_email().await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
#[must_use = "a write does nothing until sent or awaited"]
pub struct ActivationEmail {
    core: WriteCore,
}

impl ActivationEmail {
    pub(crate) fn new(core: WriteCore) -> Self {
        Self { core }
    }

    /// The retry policy for this email. It is otherwise sent exactly once:
    /// were its response lost after the server sent the email, a repeat
    /// would send another.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.core.options.set_retry(policy);
        self
    }

    /// Sends the request for the email.
    pub async fn send(self) -> Result<(), Error> {
        let options = self.core.checked()?;
        let body = Emailrequest {
            email_type: Some(EmailrequestEmailType::Activation),
        };
        let operation = operations::USERS_SEND_EMAILS;
        self.core
            .send(operation, false, &options, |base_url, user, org| {
                requests::users_send_emails(base_url, user, org, &body)
            })
            .await
    }
}

write_settings!(ActivationEmail -> ());
