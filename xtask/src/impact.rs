//! What a new fragment would change in the generated items the
//! hand-written crates use: the generated code is rendered from the
//! candidate fragment and its public items (types with their fields and
//! variants, operation builders with their setters, client methods) are
//! compared with the checked-in generated file; each changed item is
//! looked up in the workspace's hand-written sources. `sync` writes
//! nothing while such a change is pending unless told to (`--accept`).

use std::collections::BTreeMap;
use std::path::Path;

use quote::ToTokens;

use crate::Workspace;

/// A generated item the hand-written code uses, and how it would change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Impact {
    /// `types::GraphOperationUser`, `builder::GraphUserMemberOf`, ...
    pub item: String,
    /// What changes, e.g. ``setter `sort` takes `Vec<String>` (was `String`)``.
    pub changes: Vec<String>,
    /// The workspace files that use it, relative to the root.
    pub files: Vec<String>,
}

impl Impact {
    /// One report line.
    pub fn line(&self) -> String {
        format!(
            "{}: {} (used in {})",
            self.item,
            self.changes.join("; "),
            self.files.join(", ")
        )
    }
}

/// The changes from `current` to `candidate` (both generated files) to
/// items that `sources` (path, text) use.
pub fn facade_impact(
    current: &str,
    candidate: &str,
    sources: &[(String, String)],
) -> Result<Vec<Impact>, String> {
    let before = Surface::read(current)?;
    let after = Surface::read(candidate)?;
    let mut by_owner: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (key, old) in &before.items {
        let change = match after.items.get(key) {
            None => Some(removed(key)),
            Some(new) if new != old => Some(changed(key, old, new)),
            Some(_) => None,
        };
        if let Some(change) = change {
            by_owner.entry(owner(key)).or_default().push(change);
        }
    }
    for key in after
        .items
        .keys()
        .filter(|k| !before.items.contains_key(*k))
    {
        // A struct gaining a field breaks every struct literal of it.
        if let Some((ty, field)) = key.split_once('.')
            && before.items.contains_key(ty)
        {
            by_owner
                .entry(ty.to_string())
                .or_default()
                .push(format!("field `{field}` added"));
        }
    }
    let mut impacts = Vec::new();
    for (item, mut changes) in by_owner {
        // A type that goes away takes its fields and variants with it.
        if changes.iter().any(|c| c == "removed") {
            changes = vec!["removed".to_string()];
        }
        let word = before.search_word(&item);
        let is_type = item.starts_with("types::");
        let files: Vec<String> = sources
            .iter()
            .filter(|(_, text)| {
                if is_type {
                    uses_generated_type(text, &word)
                } else {
                    contains_word(text, &word)
                }
            })
            .map(|(path, _)| path.clone())
            .collect();
        if !files.is_empty() {
            impacts.push(Impact {
                item,
                changes,
                files,
            });
        }
    }
    Ok(impacts)
}

/// The hand-written Rust files of the workspace (every crate's sources,
/// tests, examples and benches, and `tests/`), generated code excepted.
pub fn workspace_sources(workspace: &Workspace) -> Vec<(String, String)> {
    let mut dirs = vec![workspace.root().join("tests")];
    let crates = std::fs::read_dir(workspace.root().join("crates"));
    for entry in crates.into_iter().flatten().flatten() {
        for sub in ["src", "tests", "examples", "benches"] {
            dirs.push(entry.path().join(sub));
        }
    }
    let mut files = Vec::new();
    for dir in dirs {
        collect_rust(&dir, &mut files);
    }
    let generated: Vec<_> = crate::FRAGMENTS
        .iter()
        .map(|fragment| workspace.fragment_generated(fragment))
        .collect();
    files
        .into_iter()
        .filter(|path| !generated.contains(path))
        .filter_map(|path| {
            let text = std::fs::read_to_string(&path).ok()?;
            Some((workspace.display(&path), text))
        })
        .collect()
}

fn collect_rust(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
}

/// Whether `text` names the generated type `name`: as `types::Name`, or
/// imported from the generated crate's `types` (the hand-written crates
/// have types of the same names, `GraphType` say, of their own).
fn uses_generated_type(text: &str, name: &str) -> bool {
    if contains_word(text, &format!("types::{name}")) {
        return true;
    }
    text.match_indices("jumpcloud_graph_openapi::types::")
        .any(|(at, _)| {
            let rest = &text[at..];
            let statement = rest.split(';').next().unwrap_or(rest);
            contains_word(statement, name)
        })
}

/// Whether `text` has `word` as a whole identifier.
fn contains_word(text: &str, word: &str) -> bool {
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
    })
}

/// The item a key belongs to: `types::S.field` and `types::E::V` to the
/// type, `builder::B::setter` to the builder.
fn owner(key: &str) -> String {
    let key = key.split_once('.').map_or(key, |(ty, _)| ty);
    let parts: Vec<&str> = key.split("::").collect();
    parts[..parts.len().min(2)].join("::")
}

fn removed(key: &str) -> String {
    let last = key.rsplit(['.', ':']).next().unwrap_or(key);
    if key.contains('.') {
        format!("field `{last}` removed")
    } else if key.matches("::").count() == 2 && key.starts_with("types::") {
        format!("variant `{last}` removed")
    } else if key.matches("::").count() == 2 {
        format!("setter `{last}` removed")
    } else {
        "removed".to_string()
    }
}

fn changed(key: &str, old: &str, new: &str) -> String {
    let last = key.rsplit(['.', ':']).next().unwrap_or(key);
    if key.contains('.') {
        format!("field `{last}` is `{new}` (was `{old}`)")
    } else if key.matches("::").count() == 2 && key.starts_with("types::") {
        format!("variant `{last}` holds `{new}` (was `{old}`)")
    } else if key.matches("::").count() == 2 {
        format!("setter `{last}` takes `{new}` (was `{old}`)")
    } else {
        format!("now `{new}` (was `{old}`)")
    }
}

/// The public items of a generated file, by key, with a comparable text.
struct Surface {
    items: BTreeMap<String, String>,
    /// Builder name to the client method that starts it.
    starters: BTreeMap<String, String>,
}

impl Surface {
    fn read(code: &str) -> Result<Self, String> {
        let file = syn::parse_file(code).map_err(|e| e.to_string())?;
        let mut surface = Surface {
            items: BTreeMap::new(),
            starters: BTreeMap::new(),
        };
        for item in &file.items {
            match item {
                syn::Item::Mod(m) if m.ident == "types" => {
                    for item in m.content.iter().flat_map(|(_, items)| items) {
                        surface.read_type(item);
                    }
                }
                syn::Item::Mod(m) if m.ident == "builder" => {
                    for item in m.content.iter().flat_map(|(_, items)| items) {
                        surface.read_builder(item);
                    }
                }
                syn::Item::Impl(block) if is_client(&block.self_ty) => surface.read_client(block),
                _ => {}
            }
        }
        Ok(surface)
    }

    /// The identifier that shows an item is used: the type's name, or the
    /// client method that starts a builder.
    fn search_word(&self, item: &str) -> String {
        let name = item.rsplit("::").next().unwrap_or(item);
        match item.strip_prefix("builder::") {
            Some(builder) => self
                .starters
                .get(builder)
                .cloned()
                .unwrap_or_else(|| name.into()),
            None => name.to_string(),
        }
    }

    fn read_type(&mut self, item: &syn::Item) {
        match item {
            syn::Item::Struct(s) => {
                let name = format!("types::{}", s.ident);
                match &s.fields {
                    syn::Fields::Named(fields) => {
                        self.items.insert(name.clone(), "struct".into());
                        for field in &fields.named {
                            let Some(ident) = &field.ident else { continue };
                            self.items
                                .insert(format!("{name}.{ident}"), tidy(&field.ty));
                        }
                    }
                    other => {
                        self.items.insert(name, tidy(other));
                    }
                }
            }
            syn::Item::Enum(e) => {
                let name = format!("types::{}", e.ident);
                self.items.insert(name.clone(), "enum".into());
                for variant in &e.variants {
                    self.items
                        .insert(format!("{name}::{}", variant.ident), tidy(&variant.fields));
                }
            }
            _ => {}
        }
    }

    fn read_builder(&mut self, item: &syn::Item) {
        let syn::Item::Impl(block) = item else { return };
        let syn::Type::Path(ty) = &*block.self_ty else {
            return;
        };
        let Some(name) = ty.path.segments.last().map(|s| s.ident.to_string()) else {
            return;
        };
        for entry in &block.items {
            if let syn::ImplItem::Fn(f) = entry
                && matches!(f.vis, syn::Visibility::Public(_))
                && f.sig.ident != "send"
            {
                let taken = setter_type(&f.sig).unwrap_or_else(|| tidy(&f.sig));
                self.items
                    .insert(format!("builder::{name}::{}", f.sig.ident), taken);
            }
        }
    }

    fn read_client(&mut self, block: &syn::ItemImpl) {
        for entry in &block.items {
            let syn::ImplItem::Fn(f) = entry else {
                continue;
            };
            if !matches!(f.vis, syn::Visibility::Public(_)) {
                continue;
            }
            if let syn::ReturnType::Type(_, ty) = &f.sig.output
                && let syn::Type::Path(path) = &**ty
                && let Some(last) = path.path.segments.last()
            {
                self.starters
                    .insert(last.ident.to_string(), f.sig.ident.to_string());
            }
            self.items
                .insert(format!("Client::{}", f.sig.ident), tidy(&f.sig));
        }
    }
}

fn is_client(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.is_ident("Client"))
}

/// A builder setter's value type: `T` of its `V: TryInto<T>` bound.
fn setter_type(sig: &syn::Signature) -> Option<String> {
    let clause = sig.generics.where_clause.as_ref()?;
    for predicate in &clause.predicates {
        let syn::WherePredicate::Type(bound) = predicate else {
            continue;
        };
        for b in &bound.bounds {
            let syn::TypeParamBound::Trait(t) = b else {
                continue;
            };
            let last = t.path.segments.last()?;
            if last.ident == "TryInto"
                && let syn::PathArguments::AngleBracketed(args) = &last.arguments
            {
                return args.args.first().map(tidy);
            }
        }
    }
    None
}

/// Tokens as compact text, without the `::std::...::` paths.
fn tidy(tokens: &impl ToTokens) -> String {
    let mut text = tokens.to_token_stream().to_string().replace(' ', "");
    for path in [
        "::std::string::",
        "::std::vec::",
        "::std::option::",
        "::std::boxed::",
        "::std::collections::",
        "::serde_json::",
        "super::",
    ] {
        text = text.replace(path, "");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_words_only() {
        assert!(contains_word("x.sort(y)", "sort"));
        assert!(!contains_word("GraphOperationUserOp", "GraphOperationUser"));
        assert!(contains_word(
            "types::GraphOperationUser {",
            "GraphOperationUser"
        ));
    }

    #[test]
    fn a_changed_setter_and_a_removed_variant_are_named_with_the_files_using_them() {
        let before = "pub mod types { pub enum T { A, B } pub struct S { pub x: i64 } }
            pub mod builder { impl<'a> Op<'a> { pub fn sort<V>(self, v: V) -> Self where V: std::convert::TryInto<::std::string::String> { self } } }
            impl Client { pub fn op(&self) -> builder::Op<'_> { todo!() } }";
        let after = "pub mod types { pub enum T { A } pub struct S { pub x: i64, pub y: i64 } }
            pub mod builder { impl<'a> Op<'a> { pub fn sort<V>(self, v: V) -> Self where V: std::convert::TryInto<::std::vec::Vec<::std::string::String>> { self } } }
            impl Client { pub fn op(&self) -> builder::Op<'_> { todo!() } }";
        let sources = vec![
            (
                "a.rs".to_string(),
                "low.op().sort(s); types::T::try_from(x)".to_string(),
            ),
            (
                "b.rs".to_string(),
                "use jumpcloud_graph_openapi::types::{\n R,\n S,\n};\nS { x: 1 }".to_string(),
            ),
            ("c.rs".to_string(), "enum T { Own }".to_string()),
        ];
        let lines: Vec<String> = facade_impact(before, after, &sources)
            .unwrap()
            .iter()
            .map(Impact::line)
            .collect();
        assert_eq!(
            lines,
            [
                "builder::Op: setter `sort` takes `Vec<String>` (was `String`) (used in a.rs)",
                "types::S: field `y` added (used in b.rs)",
                "types::T: variant `B` removed (used in a.rs)",
            ]
        );
    }
}
