//! Bounded exponential backoff for transient registry failures (429, 5xx, resets, timeouts).

use std::time::Duration;

#[derive(Clone, Debug)]
pub struct RetryPolicy {
    /// Retries after the first attempt (0 = try once).
    pub retries: u32,
    /// Delay before the first retry; doubled for each further one.
    pub base_delay: Duration,
    /// No single wait is longer than this, whatever `Retry-After` says.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            retries: 4,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// Wait before retry number `attempt` (0-based). `retry_after` is the server's
    /// `Retry-After` header, honoured (capped) when it is a number of seconds.
    pub fn delay(&self, attempt: u32, retry_after: Option<&str>) -> Duration {
        if let Some(secs) = retry_after.and_then(|v| v.trim().parse::<u64>().ok()) {
            return Duration::from_secs(secs).min(self.max_delay);
        }
        let factor = 1u32.checked_shl(attempt.min(16)).unwrap_or(u32::MAX);
        self.base_delay.saturating_mul(factor).min(self.max_delay)
    }
}

/// Status codes worth another try: throttling and server-side trouble.
pub fn retryable_status(status: u16) -> bool {
    matches!(status, 408 | 429 | 500 | 502 | 503 | 504)
}

/// Transport errors worth another try: the connection broke or stalled, not "wrong host" or
/// "bad certificate" (retrying those only delays the error).
pub fn retryable_transport(err: &ureq::Error) -> bool {
    use std::io::ErrorKind::*;
    match err {
        ureq::Error::Io(e) => matches!(
            e.kind(),
            ConnectionReset
                | ConnectionAborted
                | BrokenPipe
                | UnexpectedEof
                | TimedOut
                | Interrupted
        ),
        ureq::Error::Timeout(_) | ureq::Error::ConnectionFailed | ureq::Error::BodyStalled => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let p = RetryPolicy {
            retries: 5,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
        };
        assert_eq!(p.delay(0, None), Duration::from_millis(100));
        assert_eq!(p.delay(2, None), Duration::from_millis(400));
        assert_eq!(p.delay(10, None), Duration::from_secs(1));
        assert_eq!(p.delay(40, None), Duration::from_secs(1));
        assert_eq!(p.delay(0, Some("0")), Duration::ZERO);
        assert_eq!(p.delay(0, Some(" 120 ")), Duration::from_secs(1));
        // HTTP-date form: fall back to the backoff.
        assert_eq!(
            p.delay(1, Some("Wed, 21 Oct 2015 07:28:00 GMT")),
            Duration::from_millis(200)
        );
        assert!(retryable_status(503) && retryable_status(429) && !retryable_status(404));
    }
}
