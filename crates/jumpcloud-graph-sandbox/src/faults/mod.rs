//! Fault injection: which requests go wrong, and how. A [`FaultPlan`] is a
//! list of [`FaultRule`]s; each rule pairs a [`Trigger`] (every n-th, the
//! first n, specific request numbers, or a seeded probability) and an
//! optional method / path filter with the [`Fault`] to inject.
//!
//! Decisions are deterministic: each rule numbers the requests its filter
//! matches, 1, 2, 3, ... in arrival order, from the moment the plan is set;
//! probabilities come from a generator keyed by (seed, rule, number), so they
//! do not depend on timing. The first rule that fires decides the request's
//! fault; every matching rule still counts the request.
//!
//! The same rules can be written as text, for the command line
//! (`--fault`) and the admin endpoint: see [`FaultRule`]'s `FromStr`
//! (in `spec.rs`). The kinds of fault and their text are one table, in
//! `kinds.rs`.

mod kinds;
mod spec;

use std::collections::BTreeSet;
use std::fmt;

pub use kinds::{Fault, RetryAfter};
pub use spec::FaultSpecError;

/// The faults to inject, and the seed for probabilistic rules.
///
/// ```
/// use jumpcloud_graph_sandbox::{Fault, FaultPlan, FaultRule, RetryAfter};
///
/// let plan = FaultPlan::new()
///     .seed(42)
///     // One 429 in every 3 requests, telling the client to wait 2 s.
///     .rule(FaultRule::every_nth(3, Fault::status(429).retry_after(RetryAfter::Seconds(2))))
///     // The first POST is applied, but its response is lost.
///     .rule(FaultRule::first(1, Fault::LostResponse { status: None }).method("POST"))
///     // 10 % of /systems requests get a 503.
///     .rule(FaultRule::with_probability(0.1, Fault::status(503)).path_contains("/systems"));
///
/// // The same, as text (the CLI's `--fault` syntax):
/// let parsed = FaultPlan::parse(["429,every=3,retry-after=2", "lost,first=1,method=POST"])?;
/// assert_eq!(parsed.rules().len(), 2);
/// # Ok::<(), jumpcloud_graph_sandbox::FaultSpecError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct FaultPlan {
    seed: u64,
    rules: Vec<FaultRule>,
}

impl Default for FaultPlan {
    fn default() -> Self {
        FaultPlan {
            seed: crate::DEFAULT_SEED,
            rules: Vec::new(),
        }
    }
}

impl FaultPlan {
    /// A plan with no rules and seed [`DEFAULT_SEED`](crate::DEFAULT_SEED).
    pub fn new() -> Self {
        FaultPlan::default()
    }

    /// Sets the seed of probabilistic rules.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Adds a rule; earlier rules win when several fire on one request.
    pub fn rule(mut self, rule: FaultRule) -> Self {
        self.rules.push(rule);
        self
    }

    /// The rules, in order.
    pub fn rules(&self) -> &[FaultRule] {
        &self.rules
    }

    /// Whether the plan injects nothing.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Parses rules written as text (see [`FaultRule`]'s `FromStr`), seed
    /// [`DEFAULT_SEED`](crate::DEFAULT_SEED).
    ///
    /// # Errors
    ///
    /// [`FaultSpecError`] naming the first rule that does not parse.
    pub fn parse<S: AsRef<str>>(
        specs: impl IntoIterator<Item = S>,
    ) -> Result<FaultPlan, FaultSpecError> {
        specs
            .into_iter()
            .map(|spec| spec.as_ref().parse::<FaultRule>())
            .collect()
    }
}

impl From<FaultRule> for FaultPlan {
    fn from(rule: FaultRule) -> Self {
        FaultPlan::new().rule(rule)
    }
}

impl FromIterator<FaultRule> for FaultPlan {
    fn from_iter<I: IntoIterator<Item = FaultRule>>(rules: I) -> Self {
        FaultPlan {
            seed: crate::DEFAULT_SEED,
            rules: rules.into_iter().collect(),
        }
    }
}

/// When a rule fires, counting only the requests its filter matches.
///
/// The text form refuses triggers that can never fire (`every=0`,
/// `first=0`, `at=0`); built from Rust they are accepted and never fire.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Trigger {
    /// Requests n, 2n, 3n, ... (`every=3`: the 3rd, 6th, 9th ...).
    EveryNth(u64),
    /// The first n requests (`first=2`).
    FirstN(u64),
    /// These request numbers, counting from 1 (`at=2|5`).
    At(BTreeSet<u64>),
    /// Each request with this probability (0.0 to 1.0), decided by a
    /// generator seeded with the plan's seed, the rule's position and the
    /// request's number (`p=0.25`).
    Probability(f64),
}

impl Trigger {
    fn fires(&self, number: u64, seed: u64, rule_index: usize) -> bool {
        match self {
            Trigger::EveryNth(n) => *n > 0 && number.is_multiple_of(*n),
            Trigger::FirstN(n) => number <= *n,
            Trigger::At(numbers) => numbers.contains(&number),
            Trigger::Probability(p) => {
                let key = mix(mix(seed ^ mix(rule_index as u64)) ^ number);
                fastrand::Rng::with_seed(key).f64() < *p
            }
        }
    }
}

/// SplitMix64's finaliser: spreads nearby keys far apart.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// One rule of a [`FaultPlan`].
///
/// As text (`--fault` on the command line, the admin endpoint, and
/// [`FaultPlan::parse`]): `<fault>[,<option>]...`, where `<fault>` is one of
/// the kinds [`FaultRule::syntax_help`] lists (a status code, `reset`,
/// `html:504`, `lost`, ...) and the options are
///
/// * a trigger: `every=<n>`, `first=<n>`, `at=<n>|<n>|...` (n from 1) or
///   `p=<probability>`; without one the rule fires on every request it
///   matches;
/// * `method=<METHOD>` and `path=<substring>` to restrict the rule;
/// * `retry-after=<seconds>` or `retry-after-date=<seconds>` (at most
///   [`RetryAfter::MAX_DATE_SECONDS`]) on a status fault.
///
/// For example `429,every=3,retry-after=2`, `503,p=0.1,path=/systems`,
/// `lost:502,first=1,method=POST`, `stall,at=4`,
/// `503,first=1,path=/oauth2/token` (the token route counts like any other).
#[derive(Clone, Debug, PartialEq)]
pub struct FaultRule {
    trigger: Trigger,
    fault: Fault,
    method: Option<String>,
    path_contains: Option<String>,
}

impl FaultRule {
    /// A rule for every request its filter matches.
    pub fn new(trigger: Trigger, fault: Fault) -> Self {
        FaultRule {
            trigger,
            fault,
            method: None,
            path_contains: None,
        }
    }

    /// Fires on every request (that the filter matches).
    pub fn always(fault: Fault) -> Self {
        FaultRule::new(Trigger::EveryNth(1), fault)
    }

    /// Fires on the n-th, 2n-th, 3n-th ... request.
    pub fn every_nth(n: u64, fault: Fault) -> Self {
        FaultRule::new(Trigger::EveryNth(n), fault)
    }

    /// Fires on the first n requests.
    pub fn first(n: u64, fault: Fault) -> Self {
        FaultRule::new(Trigger::FirstN(n), fault)
    }

    /// Fires on these request numbers (counting from 1).
    pub fn at(numbers: impl IntoIterator<Item = u64>, fault: Fault) -> Self {
        FaultRule::new(Trigger::At(numbers.into_iter().collect()), fault)
    }

    /// Fires with probability `p` (0.0 to 1.0), deterministically for the
    /// plan's seed.
    pub fn with_probability(p: f64, fault: Fault) -> Self {
        FaultRule::new(Trigger::Probability(p), fault)
    }

    /// Restricts the rule to one HTTP method (case-insensitive).
    pub fn method(mut self, method: &str) -> Self {
        self.method = Some(method.to_ascii_uppercase());
        self
    }

    /// Restricts the rule to paths containing `fragment` (e.g. `/systems`).
    pub fn path_contains(mut self, fragment: &str) -> Self {
        self.path_contains = Some(fragment.to_owned());
        self
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        self.method
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case(method))
            && self
                .path_contains
                .as_deref()
                .is_none_or(|fragment| path.contains(fragment))
    }
}

impl FaultRule {
    /// The text syntax of a rule, every kind of fault with one line each,
    /// for `--help` and error messages.
    pub fn syntax_help() -> String {
        format!(
            "<fault>[,<option>]...\n\n<fault> is one of:\n{}\n{}",
            indent(&kinds::kinds_help()),
            spec::OPTIONS_HELP
        )
    }
}

fn indent(text: &str) -> String {
    text.lines().map(|line| format!("  {line}\n")).collect()
}

impl fmt::Display for FaultRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.fault)?;
        match &self.trigger {
            Trigger::EveryNth(1) => {}
            Trigger::EveryNth(n) => write!(f, ",every={n}")?,
            Trigger::FirstN(n) => write!(f, ",first={n}")?,
            Trigger::At(numbers) => {
                let list: Vec<String> = numbers.iter().map(u64::to_string).collect();
                write!(f, ",at={}", list.join("|"))?;
            }
            Trigger::Probability(p) => write!(f, ",p={p}")?,
        }
        if let Some(method) = &self.method {
            write!(f, ",method={method}")?;
        }
        if let Some(path) = &self.path_contains {
            write!(f, ",path={path}")?;
        }
        Ok(())
    }
}

/// A plan in force, with each rule's count of matching requests.
#[derive(Debug, Default)]
pub(crate) struct FaultState {
    plan: FaultPlan,
    matched: Vec<u64>,
}

impl FaultState {
    pub(crate) fn new(plan: FaultPlan) -> Self {
        let matched = vec![0; plan.rules.len()];
        FaultState { plan, matched }
    }

    /// Counts the request against every rule that matches it and returns the
    /// fault of the first rule that fires.
    pub(crate) fn decide(&mut self, method: &str, path: &str) -> Option<Fault> {
        let mut chosen = None;
        for (index, rule) in self.plan.rules.iter().enumerate() {
            if !rule.matches(method, path) {
                continue;
            }
            self.matched[index] += 1;
            if chosen.is_none()
                && rule
                    .trigger
                    .fires(self.matched[index], self.plan.seed, index)
            {
                chosen = Some(rule.fault.clone());
            }
        }
        chosen
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decisions(plan: FaultPlan, requests: &[(&str, &str)]) -> Vec<Option<String>> {
        let mut state = FaultState::new(plan);
        requests
            .iter()
            .map(|(method, path)| state.decide(method, path).map(|f| f.to_string()))
            .collect()
    }

    #[test]
    fn every_third_request_fires() {
        let plan = FaultPlan::from(FaultRule::every_nth(3, Fault::status(429)));
        let fired: Vec<bool> = decisions(plan, &[("GET", "/"); 9])
            .iter()
            .map(Option::is_some)
            .collect();
        assert_eq!(
            fired,
            [false, false, true, false, false, true, false, false, true]
        );
    }

    #[test]
    fn filters_count_only_matching_requests() {
        let plan = FaultPlan::from(FaultRule::every_nth(2, Fault::status(503)).method("post"));
        let got = decisions(
            plan,
            &[("GET", "/a"), ("POST", "/a"), ("GET", "/a"), ("POST", "/a")],
        );
        assert_eq!(got, [None, None, None, Some("503".to_owned())]);
    }

    #[test]
    fn probability_is_deterministic_for_a_seed() {
        let plan = || FaultPlan::from(FaultRule::with_probability(0.3, Fault::status(500))).seed(9);
        let a = decisions(plan(), &[("GET", "/"); 200]);
        let b = decisions(plan(), &[("GET", "/"); 200]);
        assert_eq!(a, b);
        let fired = a.iter().filter(|d| d.is_some()).count();
        assert!((30..=90).contains(&fired), "fired {fired} of 200 at p=0.3");
        let other_seed = decisions(plan().seed(10), &[("GET", "/"); 200]);
        assert_ne!(a, other_seed);
    }

    #[test]
    fn first_rule_that_fires_wins() {
        let plan = FaultPlan::new()
            .rule(FaultRule::at([2], Fault::ConnectionReset))
            .rule(FaultRule::first(3, Fault::status(500)));
        assert_eq!(
            decisions(plan, &[("GET", "/"); 4]),
            [
                Some("500".to_owned()),
                Some("reset".to_owned()),
                Some("500".to_owned()),
                None
            ]
        );
    }
}
