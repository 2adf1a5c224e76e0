//! The kinds of fault, and [`KINDS`]: one entry per kind with its name,
//! how its text is read and written, and its line of `--help`. Adding a
//! kind is a variant of [`Fault`], an entry in [`KINDS`], and its behaviour
//! in the server's `inject::answer` (which the compiler asks for).

use std::fmt;
use std::time::{Duration, SystemTime};

/// What goes wrong with a request. Each kind's text form (for `--fault`,
/// the admin endpoint and [`Stats::by_fault`](crate::Stats::by_fault)) is
/// listed by [`FaultRule::syntax_help`](crate::FaultRule::syntax_help).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Answer this status with a JumpCloud-style JSON error body (and
    /// `Retry-After` when given), without touching the graph. Covers 408,
    /// 429, 500, 502, 503, 504 and anything else.
    Status {
        /// The HTTP status.
        status: u16,
        /// The `Retry-After` header to send, if any.
        retry_after: Option<RetryAfter>,
    },
    /// Reset the connection (TCP RST) without answering; the graph is not
    /// touched.
    ConnectionReset,
    /// Close the connection (TCP FIN) without answering; the graph is not
    /// touched.
    ConnectionClosed,
    /// Answer this status with a `text/html` gateway error page, as a proxy
    /// in front of the API would.
    HtmlErrorPage {
        /// The HTTP status.
        status: u16,
    },
    /// Answer 200 with an empty body.
    EmptyBody,
    /// Answer 200 with `text/plain` and a body that is not JSON.
    WrongContentType,
    /// Send 200 and JSON headers, then a body that never completes (until
    /// the sandbox stops), so that only a client timeout ends the request;
    /// the graph is not touched.
    StalledBody,
    /// Serve the request, then cut its body in half (still valid HTTP: the
    /// `content-length` is the cut length).
    TruncatedBody,
    /// Serve the request, then drop the last item of a JSON list body; the
    /// `x-total-count` stays, so the page is short without being the last.
    ShortPage,
    /// Serve the request (a write is applied to the graph), then lose the
    /// response: reset the connection (`status: None`) or answer `status`
    /// instead (e.g. 502). A retried `add` then sees 409.
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

/// How a kind's name takes a status argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Argument {
    /// The bare name (`reset`).
    None,
    /// The name, optionally with `:<status>` (`html`, `html:504`).
    OptionalStatus,
    /// The text is the status itself (`429`).
    IsStatus,
}

/// One kind of fault as text.
pub(crate) struct FaultKind {
    /// How the kind is written, as `--help` shows it.
    name: &'static str,
    argument: Argument,
    /// Its line of `--help`.
    help: &'static str,
    /// The fault, from the status argument when one was written.
    build: fn(Option<u16>) -> Fault,
    /// For a fault of this kind, the status argument to write (`None` for
    /// none); `None` for a fault of another kind.
    argument_of: fn(&Fault) -> Option<Option<u16>>,
}

/// Every kind of fault, in `--help` order.
pub(crate) const KINDS: &[FaultKind] = &[
    FaultKind {
        name: "<status>",
        argument: Argument::IsStatus,
        help: "that status (408, 429, 500, 502, 503, 504, ...) with a JSON error body",
        build: |status| Fault::status(status.unwrap_or(500)),
        argument_of: |fault| match fault {
            Fault::Status { status, .. } => Some(Some(*status)),
            _ => None,
        },
    },
    FaultKind {
        name: "reset",
        argument: Argument::None,
        help: "TCP RST, no answer",
        build: |_| Fault::ConnectionReset,
        argument_of: |fault| matches!(fault, Fault::ConnectionReset).then_some(None),
    },
    FaultKind {
        name: "close",
        argument: Argument::None,
        help: "TCP FIN, no answer",
        build: |_| Fault::ConnectionClosed,
        argument_of: |fault| matches!(fault, Fault::ConnectionClosed).then_some(None),
    },
    FaultKind {
        name: "html",
        argument: Argument::OptionalStatus,
        help: "a text/html gateway page (default status 502)",
        build: |status| Fault::HtmlErrorPage {
            status: status.unwrap_or(502),
        },
        argument_of: |fault| match fault {
            Fault::HtmlErrorPage { status } => Some(Some(*status)),
            _ => None,
        },
    },
    FaultKind {
        name: "empty",
        argument: Argument::None,
        help: "200 with an empty body",
        build: |_| Fault::EmptyBody,
        argument_of: |fault| matches!(fault, Fault::EmptyBody).then_some(None),
    },
    FaultKind {
        name: "text",
        argument: Argument::None,
        help: "200, text/plain, not JSON",
        build: |_| Fault::WrongContentType,
        argument_of: |fault| matches!(fault, Fault::WrongContentType).then_some(None),
    },
    FaultKind {
        name: "stall",
        argument: Argument::None,
        help: "200 and headers, then a body that never ends",
        build: |_| Fault::StalledBody,
        argument_of: |fault| matches!(fault, Fault::StalledBody).then_some(None),
    },
    FaultKind {
        name: "truncate",
        argument: Argument::None,
        help: "the real body cut in half",
        build: |_| Fault::TruncatedBody,
        argument_of: |fault| matches!(fault, Fault::TruncatedBody).then_some(None),
    },
    FaultKind {
        name: "short-page",
        argument: Argument::None,
        help: "the real list minus its last item, same x-total-count",
        build: |_| Fault::ShortPage,
        argument_of: |fault| matches!(fault, Fault::ShortPage).then_some(None),
    },
    FaultKind {
        name: "lost",
        argument: Argument::OptionalStatus,
        help: "the request is applied, then the connection is reset (or <status> answered)",
        build: |status| Fault::LostResponse { status },
        argument_of: |fault| match fault {
            Fault::LostResponse { status } => Some(*status),
            _ => None,
        },
    },
];

impl FaultKind {
    /// How `--help` writes the kind: `reset`, `html[:<status>]`, `<status>`.
    fn syntax(&self) -> String {
        match self.argument {
            Argument::OptionalStatus => format!("{}[:<status>]", self.name),
            Argument::None | Argument::IsStatus => self.name.to_owned(),
        }
    }
}

/// Reads a fault's head (`429`, `reset`, `lost:502`).
pub(crate) fn parse_fault(head: &str) -> Result<Fault, String> {
    let (name, argument) = match head.split_once(':') {
        Some((name, argument)) => (name, Some(argument)),
        None => (head, None),
    };
    let is_status = !name.is_empty() && name.bytes().all(|b| b.is_ascii_digit());
    let kind = KINDS.iter().find(|kind| match kind.argument {
        Argument::IsStatus => is_status,
        Argument::None | Argument::OptionalStatus => kind.name == name,
    });
    let Some(kind) = kind else {
        let names: Vec<String> = KINDS.iter().map(FaultKind::syntax).collect();
        return Err(format!(
            "unknown fault {head:?}; expected one of {}",
            names.join(", ")
        ));
    };
    let status = match (kind.argument, argument) {
        (Argument::IsStatus, None) => Some(parse_status(name)?),
        (Argument::OptionalStatus, Some(code)) => Some(parse_status(code)?),
        (Argument::OptionalStatus | Argument::None, None) => None,
        (Argument::IsStatus | Argument::None, Some(_)) => {
            return Err(format!("{head:?}: {} takes no argument", kind.syntax()));
        }
    };
    Ok((kind.build)(status))
}

fn parse_status(text: &str) -> Result<u16, String> {
    match text.parse::<u16>() {
        Ok(code) if (200..=599).contains(&code) => Ok(code),
        _ => Err(format!(
            "{text:?} is not an HTTP status for an answer (200 to 599)"
        )),
    }
}

/// The `<fault>` part of the rule syntax, one kind a line, for `--help`.
pub(crate) fn kinds_help() -> String {
    let width = KINDS.iter().map(|k| k.syntax().len()).max().unwrap_or(0);
    KINDS
        .iter()
        .map(|kind| format!("{:width$}  {}\n", kind.syntax(), kind.help))
        .collect()
}

impl fmt::Display for Fault {
    /// The fault as its spec text, which is also its name in
    /// [`Stats::by_fault`](crate::Stats::by_fault) and
    /// [`RecordedRequest::fault`](crate::RecordedRequest::fault).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let found = KINDS
            .iter()
            .find_map(|kind| (kind.argument_of)(self).map(|argument| (kind, argument)));
        match found {
            Some((kind, Some(status))) if kind.argument == Argument::IsStatus => {
                write!(f, "{status}")?;
            }
            Some((kind, Some(status))) => write!(f, "{}:{status}", kind.name)?,
            Some((kind, None)) => f.write_str(kind.name)?,
            // A variant without an entry in `KINDS`: the table test catches it.
            None => f.write_str("unknown")?,
        }
        if let Fault::Status {
            retry_after: Some(retry_after),
            ..
        } = self
        {
            match retry_after {
                RetryAfter::Seconds(s) => write!(f, ",retry-after={s}")?,
                RetryAfter::HttpDate(s) => write!(f, ",retry-after-date={s}")?,
            }
        }
        Ok(())
    }
}

/// The value of a `Retry-After` header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryAfter {
    /// `Retry-After: <seconds>`, any number (a client must cope with huge
    /// ones).
    Seconds(u64),
    /// `Retry-After: <HTTP date>`, this many whole seconds after the response
    /// is sent (the current time rounded up to a whole second, plus this), at
    /// most [`RetryAfter::MAX_DATE_SECONDS`]: the text form refuses more, and
    /// a larger value set from Rust is sent as that maximum.
    HttpDate(u64),
}

impl RetryAfter {
    /// The furthest a `Retry-After` date can be: one year.
    pub const MAX_DATE_SECONDS: u64 = 365 * 24 * 60 * 60;

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
                let whole = since_epoch
                    .as_secs()
                    .saturating_add(u64::from(since_epoch.subsec_nanos() > 0));
                let offset = s.min(RetryAfter::MAX_DATE_SECONDS);
                // Saturates rather than panics, whatever the clock says.
                let at = SystemTime::UNIX_EPOCH
                    .checked_add(Duration::from_secs(whole.saturating_add(offset)))
                    .unwrap_or(now);
                httpdate::HttpDate::from(at).to_string()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One fault of every variant. The match makes adding a variant fail to
    /// compile here until it is listed, and the test below then checks that
    /// `KINDS` has its entry.
    fn one_of_each() -> Vec<Fault> {
        let all = vec![
            Fault::status(429),
            Fault::ConnectionReset,
            Fault::ConnectionClosed,
            Fault::HtmlErrorPage { status: 504 },
            Fault::EmptyBody,
            Fault::WrongContentType,
            Fault::StalledBody,
            Fault::TruncatedBody,
            Fault::ShortPage,
            Fault::LostResponse { status: Some(502) },
        ];
        for fault in &all {
            match fault {
                Fault::Status { .. }
                | Fault::ConnectionReset
                | Fault::ConnectionClosed
                | Fault::HtmlErrorPage { .. }
                | Fault::EmptyBody
                | Fault::WrongContentType
                | Fault::StalledBody
                | Fault::TruncatedBody
                | Fault::ShortPage
                | Fault::LostResponse { .. } => {}
            }
        }
        all
    }

    #[test]
    fn every_fault_has_exactly_one_kind_and_round_trips_through_text() {
        for fault in one_of_each() {
            let kinds = KINDS
                .iter()
                .filter(|kind| (kind.argument_of)(&fault).is_some())
                .count();
            assert_eq!(kinds, 1, "{fault:?}");
            assert_eq!(parse_fault(&fault.to_string()), Ok(fault.clone()));
        }
    }

    #[test]
    fn every_kind_is_in_the_help_and_the_unknown_fault_message() {
        let help = kinds_help();
        let unknown = parse_fault("teapot").expect_err("not a fault");
        for kind in KINDS {
            assert!(help.contains(&kind.syntax()), "{}", kind.name);
            assert!(unknown.contains(&kind.syntax()), "{}", kind.name);
        }
    }

    #[test]
    fn arguments_are_checked() {
        assert_eq!(
            parse_fault("html"),
            Ok(Fault::HtmlErrorPage { status: 502 })
        );
        assert_eq!(
            parse_fault("lost"),
            Ok(Fault::LostResponse { status: None })
        );
        assert!(parse_fault("reset:500").is_err());
        assert!(parse_fault("429:1").is_err());
        assert!(parse_fault("html:99").is_err());
        assert!(parse_fault("999").is_err());
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

    #[test]
    fn a_far_retry_after_date_is_capped_at_a_year() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        for seconds in [RetryAfter::MAX_DATE_SECONDS, 300_000_000_000, u64::MAX] {
            let value = RetryAfter::HttpDate(seconds).header_value(now);
            let at = httpdate::parse_http_date(&value).expect("an HTTP date");
            assert_eq!(
                at.duration_since(now).map(|d| d.as_secs()).ok(),
                Some(RetryAfter::MAX_DATE_SECONDS),
                "{seconds}"
            );
        }
    }
}
