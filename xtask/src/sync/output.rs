//! The report `sync` prints: what upstream calls our operations, which
//! renderer differences were undone, which patches this input does not
//! need, the changes in meaning, the generated items the hand-written
//! crates use that would change, upstream operations that belong with the
//! fragment, notes, and a one-line summary. Sections with nothing to say
//! are left out.

use super::Synced;
use crate::Impact;

/// The report for `synced`, whose changes in meaning are `changes`, and
/// whose generated code would change `impacts`.
pub fn render_report(synced: &Synced, changes: &[String], impacts: &[Impact]) -> String {
    let mut out = String::new();
    let mut section = |title: &str, lines: &[String]| {
        if !lines.is_empty() {
            out.push_str(title);
            out.push('\n');
            for line in lines {
                out.push_str(&format!("  {line}\n"));
            }
        }
    };
    section(
        "operations upstream names or places differently (the fragment keeps its ids):",
        &synced.renamed,
    );
    section(
        "renderer differences with the same meaning, undone:",
        &synced.normalised,
    );
    section("deviations not needed for this input:", &synced.not_needed);
    section("changes in meaning:", changes);
    let impact_lines: Vec<String> = impacts.iter().map(Impact::line).collect();
    section(
        "generated items the hand-written code uses that would change:",
        &impact_lines,
    );
    let members: Vec<String> = synced.new_members.iter().map(|m| m.line()).collect();
    section(
        "upstream operations that belong with the fragment but are not in it:",
        &members,
    );
    section("notes:", &synced.notes);
    out.push_str(&summary(synced, changes, impacts));
    out
}

fn summary(synced: &Synced, changes: &[String], impacts: &[Impact]) -> String {
    let count =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    format!(
        "summary: {}, {}, {}, {}, {}, {}\n",
        count(changes.len(), "change in meaning", "changes in meaning"),
        count(
            impacts.len(),
            "generated item in use changes",
            "generated items in use change"
        ),
        count(
            synced.renamed.len(),
            "operation renamed or moved upstream",
            "operations renamed or moved upstream"
        ),
        count(
            synced.normalised.len(),
            "renderer difference undone",
            "renderer differences undone"
        ),
        count(
            synced.not_needed.len(),
            "deviation not needed",
            "deviations not needed"
        ),
        count(
            synced.new_members.len(),
            "new operation in the family",
            "new operations in the family"
        ),
    )
}
