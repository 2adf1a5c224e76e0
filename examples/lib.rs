//! The package of the README's runnable examples (`quickstart.rs`,
//! `revoke.rs`); the library is empty apart from the test that keeps the
//! examples' build cheap after `jcgraph`'s.
//!
//! ```sh
//! cargo run -p jumpcloud-graph-cli -- access ada
//! cargo run -p jumpcloud-graph-examples --example quickstart
//! cargo run -p jumpcloud-graph-examples --example revoke
//! ```
//!
//! The second and third commands compile only this package when every crate
//! they share with the first resolves with the same features. The test
//! below compares the feature sets with `cargo tree` (no build needed).

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::Path;
    use std::process::Command;

    /// Each crate in `package`'s build (dev-dependencies excluded, as
    /// `cargo run` excludes them), with every feature set it is built with.
    fn feature_sets(package: &str) -> BTreeMap<String, BTreeSet<String>> {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml");
        let output = Command::new(cargo)
            .args(["tree", "--locked", "--offline", "-e", "normal,build"])
            .args(["--prefix", "none", "--format", "{p}|{f}", "-p", package])
            .arg("--manifest-path")
            .arg(manifest)
            .output()
            .expect("cargo tree runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "cargo tree -p {package} failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let mut sets: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for line in stdout.lines() {
            let Some((package, features)) = line.split_once('|') else {
                continue;
            };
            let name = package.split(" (").next().unwrap_or(package).trim();
            let features = features.trim_end_matches(" (*)").trim();
            sets.entry(name.to_string())
                .or_default()
                .insert(features.to_string());
        }
        assert!(!sets.is_empty(), "cargo tree printed nothing:\n{stdout}");
        sets
    }

    /// After `cargo run -p jumpcloud-graph-cli`, the examples reuse every
    /// crate they share with it: the same crates with the same features.
    #[test]
    fn examples_build_with_the_feature_sets_of_jcgraph() {
        let cli = feature_sets("jumpcloud-graph-cli");
        let examples = feature_sets("jumpcloud-graph-examples");
        let differing: Vec<String> = examples
            .iter()
            .filter(|(name, _)| !name.starts_with("jumpcloud-graph-examples "))
            .filter_map(|(name, features)| match cli.get(name) {
                Some(theirs) if theirs == features => None,
                Some(theirs) => Some(format!("{name}: examples {features:?}, jcgraph {theirs:?}")),
                None => Some(format!("{name}: built for the examples only")),
            })
            .collect();
        assert!(
            differing.is_empty(),
            "the examples would rebuild these crates after jcgraph:\n{}",
            differing.join("\n")
        );
        for shared in [
            "tokio ",
            "reqwest ",
            "hyper ",
            "jumpcloud-graph ",
            "jumpcloud-graph-sandbox ",
        ] {
            assert!(
                examples.keys().any(|name| name.starts_with(shared)),
                "{shared}is not in the examples' build"
            );
        }
    }
}
