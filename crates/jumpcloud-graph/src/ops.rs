//! The twelve operations' descriptors (operationId, method, path template).
//!
//! INTERIM: `cargo xtask generate` is gaining a generated table of these in
//! the generated crate (`jumpcloud_graph_openapi::operations`); this module
//! then becomes a re-export of it.

/// One operation of the fragment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Operation {
    pub(crate) operation_id: &'static str,
    pub(crate) method: &'static str,
    pub(crate) path: &'static str,
}

pub(crate) mod operations {
    use super::Operation;

    macro_rules! ops {
        ($($name:ident = $id:literal $method:literal $path:literal;)+) => {
            $(pub(crate) const $name: Operation = Operation {
                operation_id: $id,
                method: $method,
                path: $path,
            };)+
        };
    }

    ops! {
        GRAPH_USER_ASSOCIATIONS_LIST = "graph_userAssociationsList" "GET" "/users/{user_id}/associations";
        GRAPH_USER_ASSOCIATIONS_POST = "graph_userAssociationsPost" "POST" "/users/{user_id}/associations";
        GRAPH_USER_MEMBER_OF = "graph_userMemberOf" "GET" "/users/{user_id}/memberof";
        GRAPH_USER_TRAVERSE_APPLICATION = "graph_userTraverseApplication" "GET" "/users/{user_id}/applications";
        GRAPH_USER_TRAVERSE_DIRECTORY = "graph_userTraverseDirectory" "GET" "/users/{user_id}/directories";
        GRAPH_USER_TRAVERSE_G_SUITE = "graph_userTraverseGSuite" "GET" "/users/{user_id}/gsuites";
        GRAPH_USER_TRAVERSE_LDAP_SERVER = "graph_userTraverseLdapServer" "GET" "/users/{user_id}/ldapservers";
        GRAPH_USER_TRAVERSE_OFFICE365 = "graph_userTraverseOffice365" "GET" "/users/{user_id}/office365s";
        GRAPH_USER_TRAVERSE_RADIUS_SERVER = "graph_userTraverseRadiusServer" "GET" "/users/{user_id}/radiusservers";
        GRAPH_USER_TRAVERSE_SYSTEM = "graph_userTraverseSystem" "GET" "/users/{user_id}/systems";
        GRAPH_USER_TRAVERSE_SYSTEM_GROUP = "graph_userTraverseSystemGroup" "GET" "/users/{user_id}/systemgroups";
        USERS_SEND_EMAILS = "users_sendEmails" "POST" "/users/{user_id}/emails";
    }
}

impl Operation {
    /// The call for this operation on one user.
    pub(crate) fn call(self, user: crate::ObjectId, idempotent: bool) -> crate::execute::Call {
        crate::execute::Call {
            operation: self.operation_id,
            method: self.method,
            path: self.path.replace("{user_id}", &user.to_string()),
            idempotent,
            endpoint: crate::credentials::Endpoint::Api,
        }
    }
}
