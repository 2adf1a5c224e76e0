//! Names against JumpCloud (and, for JSON, in the sandbox too): users by
//! id, email or username, objects by id or unique name, every user of the
//! org for `review`, and results named by the client's resolver.
//!
//! The lookups are the client's (`Client::user_by_email`, `Names::find`,
//! `Names::resolve`); this module turns their answers into what the tool
//! prints: a usage error (exit 2) for a name that matches nothing or
//! several objects, a note on stderr for names that could not be looked up.

use jumpcloud_graph::{
    AccessReport, Client, ErrorKind, Explanation, GraphNode, GraphType, ObjectId, TraversalKind,
    User,
};

use crate::directory::Directory;
use crate::error::CliError;
use crate::output::note;

/// The kinds an object named on the command line may be, for a traversal.
const NAMED_KINDS: [GraphType; 9] = [
    GraphType::System,
    GraphType::SystemGroup,
    GraphType::Application,
    GraphType::RadiusServer,
    GraphType::LdapServer,
    GraphType::ActiveDirectory,
    GraphType::GSuite,
    GraphType::Office365,
    GraphType::UserGroup,
];

/// The user `text` names: in the sandbox by fixture name (the directory's
/// rule); against JumpCloud an id (24 hex digits), an email (it has an
/// `@`) or a username, each in one request.
pub async fn user(client: &Client, directory: &Directory, text: &str) -> Result<User, CliError> {
    if let Some(id) = user_id_at_hand(directory, text) {
        return Ok(client.user(id?)?);
    }
    let trimmed = text.trim();
    let found = if trimmed.contains('@') {
        client.user_by_email(trimmed).await
    } else {
        client.user_by_username(trimmed).await
    };
    found.map_err(|error| usage_when_ours(error, "user"))
}

/// The id of the user `text` names when it takes no request to know: an
/// id, or in the sandbox a username or email its directory knows (`None`
/// when a lookup must say).
pub fn user_id_at_hand(directory: &Directory, text: &str) -> Option<Result<ObjectId, CliError>> {
    let sandbox = matches!(directory, Directory::Sandbox(_));
    (sandbox || ObjectId::parse(text.trim()).is_ok()).then(|| directory.user(text))
}

/// The object `text` names among what `kind` lists: an id, or against
/// JumpCloud a unique name (one lookup per kind the traversal returns).
pub async fn object(
    client: &Client,
    directory: &Directory,
    kind: TraversalKind,
    text: &str,
) -> Result<ObjectId, CliError> {
    object_of(client, directory, kind.name(), &|t| kind.returns(t), text).await
}

/// The object `text` names among the types `accepts` allows (`what` names
/// them in errors, e.g. `systems`).
pub async fn object_of(
    client: &Client,
    directory: &Directory,
    what: &str,
    accepts: &dyn Fn(&GraphType) -> bool,
    text: &str,
) -> Result<ObjectId, CliError> {
    if matches!(directory, Directory::Sandbox(_)) || ObjectId::parse(text.trim()).is_ok() {
        return directory.object(text, what, accepts);
    }
    let names = client.names();
    let mut found: Vec<GraphNode> = Vec::new();
    for graph_type in NAMED_KINDS.iter().filter(|t| accepts(t)) {
        match names.find(graph_type, text).await {
            Ok(node) => found.push(node),
            Err(error) if error.is_not_found() => {}
            Err(error) => return Err(usage_when_ours(error, what)),
        }
    }
    match found.as_slice() {
        [one] => one.id().object_id().ok_or_else(|| {
            CliError::Failed(format!(
                "{text:?}: JumpCloud sent an id that is not an ObjectID"
            ))
        }),
        [] => Err(CliError::Usage(format!(
            "no {what} named {:?} in JumpCloud (names are matched whole, ignoring case){}",
            text.trim(),
            suggestions(client, what, accepts, text).await
        ))),
        many => Err(CliError::Usage(format!(
            "{:?} names {} {what}: {}; give the id",
            text.trim(),
            many.len(),
            many.iter()
                .map(|n| n.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// `; did you mean "a", "b"?` from each accepted kind's first page of
/// names, or nothing (a failed lookup only loses the suggestion).
async fn suggestions(
    client: &Client,
    what: &str,
    accepts: &dyn Fn(&GraphType) -> bool,
    text: &str,
) -> String {
    let names = client.names();
    let mut close: Vec<String> = Vec::new();
    for graph_type in NAMED_KINDS.iter().filter(|t| accepts(t)) {
        close.extend(names.suggest(graph_type, text).await.unwrap_or_default());
    }
    close.truncate(5);
    if close.is_empty() {
        return format!("; give the id of one of the {what} to be sure");
    }
    let quoted: Vec<String> = close.iter().map(|name| format!("{name:?}")).collect();
    format!("; did you mean {}?", quoted.join(", "))
}

/// Every user of the org, as ids in the server's order (paged by 100).
pub async fn all_users(client: &Client) -> Result<Vec<String>, CliError> {
    let users = client.names().users().await?;
    Ok(users.into_iter().map(|(id, _)| id.to_string()).collect())
}

/// The report with names from the client's resolver (tables learn them);
/// a lookup that failed is a note on stderr, never an error.
pub async fn named_report(
    client: &Client,
    directory: &mut Directory,
    report: AccessReport,
) -> AccessReport {
    let resolved = client.names().resolve(report.nodes()).await;
    warn(&resolved);
    directory.learn(&resolved);
    report.with_names(&resolved)
}

/// The explanations with names, as [`named_report`].
pub async fn named_explanations(
    client: &Client,
    directory: &mut Directory,
    explanations: Vec<Explanation>,
) -> Vec<Explanation> {
    let nodes = explanations.iter().flat_map(|e| {
        [e.user(), e.node()]
            .into_iter()
            .chain(e.paths().iter().flat_map(|p| p.nodes()))
    });
    let resolved = client.names().resolve(nodes).await;
    warn(&resolved);
    directory.learn(&resolved);
    explanations
        .into_iter()
        .map(|e| e.with_names(&resolved))
        .collect()
}

/// With names on (not `--no-names`), looks up `nodes`: tables learn them
/// (against JumpCloud), and JSON written to `out` from now on carries them.
pub async fn learn<'a>(
    client: &Client,
    directory: &mut Directory,
    out: &mut crate::output::Out,
    names: bool,
    nodes: impl IntoIterator<Item = &'a GraphNode>,
) {
    if names {
        let resolved = client.names().resolve(nodes).await;
        warn(&resolved);
        directory.learn(&resolved);
        out.set_names(resolved);
    }
}

fn warn(resolved: &jumpcloud_graph::Resolved) {
    for warning in resolved.warnings() {
        note(&format!("jcgraph: note: {warning}"));
    }
}

/// A lookup's error: bad input or no unique match is the caller's to fix
/// (exit 2); anything else failed on the way (exit 1).
fn usage_when_ours(error: jumpcloud_graph::Error, what: &str) -> CliError {
    match error.kind() {
        ErrorKind::InvalidInput => CliError::Usage(error.to_string()),
        ErrorKind::NoUniqueMatch => {
            CliError::Usage(format!("{error} (give the {what}'s id to be sure)"))
        }
        _ => error.into(),
    }
}
