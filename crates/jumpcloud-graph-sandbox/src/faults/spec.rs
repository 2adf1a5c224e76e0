//! Fault rules written as text: `--fault` on the command line, the admin
//! endpoint and [`FaultPlan::parse`](super::FaultPlan::parse). A rule that
//! could not be honoured (a date past what HTTP can say, a trigger that can
//! never fire) is refused here, so that the sandbox says so at startup
//! instead of failing on every request.

use std::str::FromStr;

use super::kinds::{Fault, RetryAfter, parse_fault};
use super::{FaultRule, Trigger};

/// The options part of `--help`.
pub(crate) const OPTIONS_HELP: &str = "\
Options:
  every=<n> | first=<n> | at=<n>|<n>|... | p=<probability>
            the trigger (default: every matching request); n counts the
            requests the rule matches, from 1; p is seeded by the plan's seed
  method=<METHOD>, path=<substring>
            restrict the rule (the token route's path is /oauth2/token)
  retry-after=<seconds>, retry-after-date=<seconds from now, at most a year>
            on a status fault
";

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
            // Request numbers and counts start at 1: 0 would never fire.
            let count = |v: &str| match v.parse::<u64>() {
                Ok(0) => Err(error(format!("{key}=0 never fires; counts start at 1"))),
                Ok(n) => Ok(n),
                Err(_) => Err(error(format!("{key}={v}: not a whole number"))),
            };
            let new_trigger = match key {
                "every" => Some(Trigger::EveryNth(count(value)?)),
                "first" => Some(Trigger::FirstN(count(value)?)),
                "at" => Some(Trigger::At(
                    value.split('|').map(count).collect::<Result<_, _>>()?,
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
                    if !matches!(fault, Fault::Status { .. }) {
                        return Err(error(format!("{key} only applies to a status fault")));
                    }
                    let seconds = value
                        .parse::<u64>()
                        .map_err(|_| error(format!("{key}={value}: not a whole number")))?;
                    let retry_after = if key == "retry-after" {
                        RetryAfter::Seconds(seconds)
                    } else if seconds <= RetryAfter::MAX_DATE_SECONDS {
                        RetryAfter::HttpDate(seconds)
                    } else {
                        return Err(error(format!(
                            "retry-after-date={value}: more than a year ({} seconds) from now",
                            RetryAfter::MAX_DATE_SECONDS
                        )));
                    };
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
        let mut rule = FaultRule::new(trigger.unwrap_or(Trigger::EveryNth(1)), fault);
        rule.method = method;
        rule.path_contains = path;
        Ok(rule)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_round_trip_through_text() {
        for spec in [
            "429,every=3,retry-after=2",
            "429,retry-after-date=5",
            "429,retry-after=18446744073709551615",
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
            "503,path=/oauth2/token",
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
    fn a_retry_after_date_past_a_year_is_refused() {
        let year = RetryAfter::MAX_DATE_SECONDS;
        assert!(
            format!("429,retry-after-date={year}")
                .parse::<FaultRule>()
                .is_ok()
        );
        for seconds in [
            (year + 1).to_string(),
            "300000000000".to_owned(),
            u64::MAX.to_string(),
        ] {
            let err = format!("429,retry-after-date={seconds}")
                .parse::<FaultRule>()
                .expect_err(&seconds);
            assert!(err.to_string().contains("more than a year"), "{err}");
        }
        assert!(
            "429,retry-after-date=18446744073709551616"
                .parse::<FaultRule>()
                .is_err()
        );
    }

    #[test]
    fn triggers_that_never_fire_are_refused() {
        for spec in ["429,every=0", "429,first=0", "429,at=0", "429,at=3|0"] {
            let err = spec.parse::<FaultRule>().expect_err(spec);
            assert!(err.to_string().contains("never fires"), "{spec}: {err}");
        }
    }
}
