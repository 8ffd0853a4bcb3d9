//! The error type every server function returns. It crosses the wire as JSON, so the browser gets
//! the same typed value the server produced; its `Display` is the plain sentence the UI shows.
use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Something failed on the server; details are in the server log under the request id, never
    /// in the response.
    #[error("Something went wrong on our side. Please try again in a moment.")]
    Internal,
    /// The browser could not reach the server or could not read its answer.
    #[error("Could not reach Samtal. Check your connection and try again.")]
    Unreachable,
    /// The request itself was malformed (bad arguments, wrong encoding).
    #[error("The request could not be understood. Reload the page and try again.")]
    BadRequest,
    #[error("Please sign in to continue.")]
    NotSignedIn,
    #[error("You do not have access to this.")]
    Forbidden,
    /// The same words for an unknown account, a disabled one and a wrong password.
    #[error("E-mail or password is wrong.")]
    InvalidCredentials,
    #[error("Too many attempts. Wait {seconds} seconds and try again.")]
    Throttled { seconds: u64 },
    /// The server is too busy for this right now (nothing was done); it answers at once.
    #[error("Samtal is busy right now. Nothing was changed; try again in {seconds} seconds.")]
    Busy { seconds: u64 },
    /// A problem with what the person typed, in words written for them (never internal text).
    #[error("{0}")]
    Invalid(String),
    #[error("This link is invalid, already used or expired. Ask your HR administrator for a new one.")]
    BadLink,
    #[error("The organisation must keep at least one active admin. Make someone else admin first.")]
    LastAdmin,
}

impl AppError {
    /// The HTTP status this error is answered with (one mapping for every server function).
    pub fn status(&self) -> u16 {
        match self {
            AppError::Internal => 500,
            AppError::Unreachable => 502,
            AppError::BadRequest | AppError::Invalid(_) | AppError::BadLink | AppError::LastAdmin => 400,
            AppError::NotSignedIn | AppError::InvalidCredentials => 401,
            AppError::Forbidden => 403,
            AppError::Throttled { .. } => 429,
            AppError::Busy { .. } => 503,
        }
    }
}

impl AppError {
    /// Seconds for a `Retry-After` header, where the answer has one.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            AppError::Throttled { seconds } | AppError::Busy { seconds } => Some(*seconds),
            _ => None,
        }
    }
}

/// What `Invalid` says after a plain form post, where its own words cannot travel: a query
/// string carries codes only, never text a link could make a page say.
pub const INVALID_AFTER_FORM: &str = "That did not work. Check what you entered and try again.";

impl AppError {
    /// This error as a query string for the redirect that answers a plain form post.
    pub fn to_query(&self) -> String {
        let code = match self {
            AppError::Internal | AppError::Unreachable => "internal",
            AppError::BadRequest => "bad_request",
            AppError::NotSignedIn => "signed_out",
            AppError::Forbidden => "forbidden",
            AppError::InvalidCredentials => "credentials",
            AppError::Throttled { seconds } => return format!("error=throttled&wait={seconds}"),
            AppError::Busy { seconds } => return format!("error=busy&wait={seconds}"),
            AppError::Invalid(_) => "invalid",
            AppError::BadLink => "bad_link",
            AppError::LastAdmin => "last_admin",
        };
        format!("error={code}")
    }

    /// The error a redirect's query names; `None` for anything not one of ours.
    pub fn from_query(code: &str, wait: Option<&str>) -> Option<Self> {
        let wait = || wait.and_then(|w| w.parse::<u64>().ok()).map(|s| s.min(3600));
        Some(match code {
            "internal" => AppError::Internal,
            "bad_request" => AppError::BadRequest,
            "signed_out" => AppError::NotSignedIn,
            "forbidden" => AppError::Forbidden,
            "credentials" => AppError::InvalidCredentials,
            "throttled" => AppError::Throttled { seconds: wait()? },
            "busy" => AppError::Busy { seconds: wait()? },
            "invalid" => AppError::Invalid(INVALID_AFTER_FORM.into()),
            "bad_link" => AppError::BadLink,
            "last_admin" => AppError::LastAdmin,
            _ => return None,
        })
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Deserialization(_) => AppError::Unreachable,
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) | ServerFnErrorErr::Serialization(_) => {
                AppError::BadRequest
            }
            _ => AppError::Internal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_redirect_carries_codes_that_map_back_and_nothing_else() {
        for e in [
            AppError::InvalidCredentials,
            AppError::Throttled { seconds: 30 },
            AppError::Busy { seconds: 1 },
            AppError::BadLink,
            AppError::LastAdmin,
            AppError::NotSignedIn,
        ] {
            let q = e.to_query();
            let code = q.strip_prefix("error=").and_then(|r| r.split('&').next()).expect("code");
            let wait = q.split("&wait=").nth(1);
            assert_eq!(AppError::from_query(code, wait), Some(e.clone()), "{q}");
        }
        // Free text never travels; a made-up code or wait shows nothing (or a bounded wait).
        assert_eq!(AppError::Invalid("Your boss says hi".into()).to_query(), "error=invalid");
        assert_eq!(AppError::from_query("invalid", None), Some(AppError::Invalid(INVALID_AFTER_FORM.into())));
        assert_eq!(AppError::from_query("<script>", None), None);
        assert_eq!(AppError::from_query("throttled", Some("soon")), None);
        assert_eq!(AppError::from_query("throttled", Some("99999999")), Some(AppError::Throttled { seconds: 3600 }));
    }

    #[test]
    fn transport_failures_read_as_unreachable_not_as_server_faults() {
        let e = AppError::from_server_fn_error(ServerFnErrorErr::Request("dns".into()));
        assert_eq!(e, AppError::Unreachable);
        assert!(e.to_string().contains("connection"));
    }

    #[test]
    fn bad_arguments_are_a_bad_request() {
        let e = AppError::from_server_fn_error(ServerFnErrorErr::Args("x".into()));
        assert_eq!(e, AppError::BadRequest);
    }

    #[test]
    fn internal_errors_leak_no_detail() {
        let e = AppError::from_server_fn_error(ServerFnErrorErr::ServerError("secret path /var/lib/x".into()));
        assert!(!e.to_string().contains("/var/lib"));
    }

    #[test]
    fn only_internal_faults_are_500() {
        assert_eq!(AppError::Internal.status(), 500);
        assert_eq!(AppError::Invalid("x".into()).status(), 400);
        assert_eq!(AppError::BadLink.status(), 400);
        assert_eq!(AppError::Forbidden.status(), 403);
        assert_eq!(AppError::Throttled { seconds: 2 }.status(), 429);
        assert_eq!(AppError::Busy { seconds: 1 }.status(), 503);
        assert_eq!(AppError::Busy { seconds: 1 }.retry_after(), Some(1));
    }

    #[test]
    fn round_trips_as_json() {
        let bytes = AppError::BadRequest.ser();
        assert_eq!(AppError::de(bytes), AppError::BadRequest);
    }
}
