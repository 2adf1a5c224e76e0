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
//! (`--fault`) and the admin endpoint: see [`FaultRule`]'s `FromStr`.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;
use std::time::{Duration, SystemTime};

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
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FaultPlan {
    seed: u64,
    rules: Vec<FaultRule>,
}

impl FaultPlan {
    /// A plan with no rules and seed 0.
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

    /// The seed of probabilistic rules.
    pub fn seed_value(&self) -> u64 {
        self.seed
    }

    /// Whether the plan injects nothing.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Parses rules written as text (see [`FaultRule`]'s `FromStr`), seed 0.
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
            seed: 0,
            rules: rules.into_iter().collect(),
        }
    }
}

/// When a rule fires, counting only the requests its filter matches.
#[derive(Clone, Debug, PartialEq)]
pub enum Trigger {
    /// Requests n, 2n, 3n, ... (`every=3`: the 3rd, 6th, 9th ...); 0 never
    /// fires.
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

/// What goes wrong with a request.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Answer this status with a JumpCloud-style JSON error body (and
    /// `Retry-After` when given), without touching the graph. Covers 408,
    /// 429, 500, 502, 503, 504 and anything else. Text: the status code.
    Status {
        /// The HTTP status.
        status: u16,
        /// The `Retry-After` header to send, if any.
        retry_after: Option<RetryAfter>,
    },
    /// Reset the connection (TCP RST) without answering; the graph is not
    /// touched. Text: `reset`.
    ConnectionReset,
    /// Close the connection (TCP FIN) without answering; the graph is not
    /// touched. Text: `close`.
    ConnectionClosed,
    /// Answer this status with a `text/html` gateway error page, as a proxy
    /// in front of the API would. Text: `html` (502) or `html:<status>`.
    HtmlErrorPage {
        /// The HTTP status.
        status: u16,
    },
    /// Answer 200 with an empty body. Text: `empty`.
    EmptyBody,
    /// Answer 200 with `text/plain` and a body that is not JSON. Text: `text`.
    WrongContentType,
    /// Send 200 and JSON headers, then a body that never completes (until
    /// the sandbox stops), so that only a client timeout ends the request;
    /// the graph is not touched. Text: `stall`.
    StalledBody,
    /// Serve the request, then cut its body in half (still valid HTTP: the
    /// `content-length` is the cut length). Text: `truncate`.
    TruncatedBody,
    /// Serve the request, then drop the last item of a JSON list body; the
    /// `x-total-count` stays, so the page is short without being the last.
    /// Text: `short-page`.
    ShortPage,
    /// Serve the request (a write is applied to the graph), then lose the
    /// response: reset the connection (`status: None`) or answer `status`
    /// instead (e.g. 502). A retried `add` then sees 409. Text: `lost`
    /// (reset) or `lost:<status>`.
    LostResponse {
        /// The status to answer instead, or `None` to reset the connection.
        status: Option<u16>,
    },
}

impl Fault {
    /// A status fault without `Retry-After`.
    pub fn status(status: u16) -> Fault {
        Fault::Status {
            status,
            retry_after: None,
        }
    }

    /// Adds `Retry-After` to a status fault (other faults are unchanged).
    pub fn retry_after(self, retry_after: RetryAfter) -> Fault {
        match self {
            Fault::Status { status, .. } => Fault::Status {
                status,
                retry_after: Some(retry_after),
            },
            other => other,
        }
    }
}

impl fmt::Display for Fault {
    /// The fault as its spec text, which is also its name in
    /// [`Stats::by_fault`](crate::Stats::by_fault) and
    /// [`RecordedRequest::fault`](crate::RecordedRequest::fault).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::Status {
                status,
                retry_after,
            } => {
                write!(f, "{status}")?;
                match retry_after {
                    Some(RetryAfter::Seconds(s)) => write!(f, ",retry-after={s}"),
                    Some(RetryAfter::HttpDate(s)) => write!(f, ",retry-after-date={s}"),
                    None => Ok(()),
                }
            }
            Fault::ConnectionReset => f.write_str("reset"),
            Fault::ConnectionClosed => f.write_str("close"),
            Fault::HtmlErrorPage { status } => write!(f, "html:{status}"),
            Fault::EmptyBody => f.write_str("empty"),
            Fault::WrongContentType => f.write_str("text"),
            Fault::StalledBody => f.write_str("stall"),
            Fault::TruncatedBody => f.write_str("truncate"),
            Fault::ShortPage => f.write_str("short-page"),
            Fault::LostResponse { status: None } => f.write_str("lost"),
            Fault::LostResponse {
                status: Some(status),
            } => write!(f, "lost:{status}"),
        }
    }
}

/// The value of a `Retry-After` header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetryAfter {
    /// `Retry-After: <seconds>`.
    Seconds(u64),
    /// `Retry-After: <HTTP date>`, this many whole seconds after the response
    /// is sent (the current time rounded up to a whole second, plus this).
    HttpDate(u64),
}

impl RetryAfter {
    /// The header value, computed when the response is sent.
    pub(crate) fn header_value(self, now: SystemTime) -> String {
        match self {
            RetryAfter::Seconds(s) => s.to_string(),
            RetryAfter::HttpDate(s) => {
                // HTTP dates have whole seconds; round up so the client never
                // waits less than asked.
                let since_epoch = now
                    .duration_since(SystemTime::UNIX_EPOCH)
                    .unwrap_or_default();
                let whole = since_epoch.as_secs() + u64::from(since_epoch.subsec_nanos() > 0);
                let at = SystemTime::UNIX_EPOCH + Duration::from_secs(whole.saturating_add(s));
                httpdate::fmt_http_date(at)
            }
        }
    }
}

/// One rule of a [`FaultPlan`].
///
/// As text (`--fault` on the command line, and [`FaultPlan::parse`]):
/// `<fault>[,<option>]...` where `<fault>` is a status code (`429`, `503`),
/// `reset`, `close`, `html[:<status>]`, `empty`, `text`, `stall`, `truncate`,
/// `short-page` or `lost[:<status>]`, and the options are
///
/// * a trigger: `every=<n>`, `first=<n>`, `at=<n>|<n>|...` or
///   `p=<probability>`; without one the rule fires on every request it
///   matches;
/// * `method=<METHOD>` and `path=<substring>` to restrict the rule;
/// * `retry-after=<seconds>` or `retry-after-date=<seconds>` on a status
///   fault.
///
/// For example `429,every=3,retry-after=2`, `503,p=0.1,path=/systems`,
/// `lost:502,first=1,method=POST`, `stall,at=4`.
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

    /// The trigger.
    pub fn trigger(&self) -> &Trigger {
        &self.trigger
    }

    /// The fault.
    pub fn fault(&self) -> &Fault {
        &self.fault
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

/// A fault rule written as text that does not parse.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid fault {spec:?}: {problem}")]
pub struct FaultSpecError {
    spec: String,
    problem: String,
}

impl FromStr for FaultRule {
    type Err = FaultSpecError;

    fn from_str(spec: &str) -> Result<Self, Self::Err> {
        let error = |problem: String| FaultSpecError {
            spec: spec.to_owned(),
            problem,
        };
        let mut parts = spec.split(',').map(str::trim);
        let head = parts.next().unwrap_or_default();
        let mut fault = parse_fault(head).map_err(error)?;
        let mut trigger = None;
        let mut method = None;
        let mut path = None;
        for option in parts.filter(|p| !p.is_empty()) {
            let (key, value) = option
                .split_once('=')
                .ok_or_else(|| error(format!("option {option:?} is not key=value")))?;
            let number = |v: &str| {
                v.parse::<u64>()
                    .map_err(|_| error(format!("{key}={v}: not a whole number")))
            };
            let new_trigger = match key {
                "every" => Some(Trigger::EveryNth(number(value)?)),
                "first" => Some(Trigger::FirstN(number(value)?)),
                "at" => Some(Trigger::At(
                    value.split('|').map(number).collect::<Result<_, _>>()?,
                )),
                "p" => match value.parse::<f64>() {
                    Ok(p) if (0.0..=1.0).contains(&p) => Some(Trigger::Probability(p)),
                    _ => {
                        return Err(error(format!(
                            "p={value}: not a probability between 0 and 1"
                        )));
                    }
                },
                "method" => {
                    method = Some(value.to_ascii_uppercase());
                    None
                }
                "path" => {
                    path = Some(value.to_owned());
                    None
                }
                "retry-after" | "retry-after-date" => {
                    let seconds = number(value)?;
                    let retry_after = if key == "retry-after" {
                        RetryAfter::Seconds(seconds)
                    } else {
                        RetryAfter::HttpDate(seconds)
                    };
                    if !matches!(fault, Fault::Status { .. }) {
                        return Err(error(format!("{key} only applies to a status fault")));
                    }
                    fault = fault.retry_after(retry_after);
                    None
                }
                other => return Err(error(format!("unknown option {other:?}"))),
            };
            if let Some(new_trigger) = new_trigger {
                if trigger.is_some() {
                    return Err(error("more than one trigger".to_owned()));
                }
                trigger = Some(new_trigger);
            }
        }
        Ok(FaultRule {
            trigger: trigger.unwrap_or(Trigger::EveryNth(1)),
            fault,
            method,
            path_contains: path,
        })
    }
}

fn parse_fault(head: &str) -> Result<Fault, String> {
    let status = |text: &str| match text.parse::<u16>() {
        Ok(code) if (200..=599).contains(&code) => Ok(code),
        _ => Err(format!(
            "{text:?} is not an HTTP status for an answer (200 to 599)"
        )),
    };
    let (name, argument) = match head.split_once(':') {
        Some((name, argument)) => (name, Some(argument)),
        None => (head, None),
    };
    Ok(match (name, argument) {
        ("reset", None) => Fault::ConnectionReset,
        ("close", None) => Fault::ConnectionClosed,
        ("html", None) => Fault::HtmlErrorPage { status: 502 },
        ("html", Some(code)) => Fault::HtmlErrorPage {
            status: status(code)?,
        },
        ("empty", None) => Fault::EmptyBody,
        ("text", None) => Fault::WrongContentType,
        ("stall", None) => Fault::StalledBody,
        ("truncate", None) => Fault::TruncatedBody,
        ("short-page", None) => Fault::ShortPage,
        ("lost", None) => Fault::LostResponse { status: None },
        ("lost", Some(code)) => Fault::LostResponse {
            status: Some(status(code)?),
        },
        (code, None) if code.bytes().all(|b| b.is_ascii_digit()) && !code.is_empty() => {
            Fault::status(status(code)?)
        }
        _ => {
            return Err(format!(
                "unknown fault {head:?}; expected a status code, reset, close, html[:status], empty, text, stall, truncate, short-page or lost[:status]"
            ));
        }
    })
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

    #[test]
    fn specs_round_trip_through_text() {
        for spec in [
            "429,every=3,retry-after=2",
            "429,retry-after-date=5",
            "503,p=0.1,path=/systems",
            "lost:502,first=1,method=POST",
            "lost,at=2|5",
            "html:504",
            "reset",
            "close",
            "empty",
            "text",
            "stall,at=4",
            "truncate,every=2",
            "short-page,first=1",
            "408",
        ] {
            let rule: FaultRule = spec.parse().expect(spec);
            assert_eq!(rule.to_string().parse::<FaultRule>(), Ok(rule), "{spec}");
        }
    }

    #[test]
    fn bad_specs_are_rejected_with_the_reason() {
        for (spec, problem) in [
            ("teapot", "unknown fault"),
            ("429,every=x", "whole number"),
            ("429,p=2", "probability"),
            ("reset,retry-after=1", "status fault"),
            ("500,every=2,first=1", "more than one trigger"),
            ("500,colour=red", "unknown option"),
            ("999", "not an HTTP status"),
        ] {
            let err = spec.parse::<FaultRule>().expect_err(spec);
            assert!(err.to_string().contains(problem), "{spec}: {err}");
        }
    }

    #[test]
    fn retry_after_date_is_whole_seconds_in_the_future() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_millis(1_700_000_000_500);
        let value = RetryAfter::HttpDate(2).header_value(now);
        let at = httpdate::parse_http_date(&value).expect("an HTTP date");
        assert_eq!(
            at.duration_since(SystemTime::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .ok(),
            Some(1_700_000_003)
        );
    }
}
