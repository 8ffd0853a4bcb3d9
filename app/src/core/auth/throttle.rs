//! Sign-in throttling per account and per client IP: a growing wait after repeated failures and
//! at most 100 failures per account per hour (ASVS V6). It slows guessing without a permanent
//! lockout an attacker could use against someone: waits are short and end by themselves.
//! Kept in memory per server process.
use std::{
    collections::{HashMap, VecDeque},
    sync::Mutex,
};

const HOUR_MS: i64 = 3_600_000;
/// Failures allowed before waits start.
const FREE_FAILURES: usize = 5;
/// Longest wait between attempts.
const MAX_WAIT_MS: i64 = 15 * 60_000;
pub const MAX_FAILURES_PER_HOUR: usize = 100;

/// The throttle key of a client address at one tenant. IPv6 clients are counted per /64: one
/// subscriber usually holds a whole /64, so counting single addresses would let them rotate.
pub fn ip_key(tenant: &str, ip: std::net::IpAddr) -> String {
    match ip {
        std::net::IpAddr::V4(v4) => format!("ip/{tenant}/{v4}"),
        std::net::IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("ip/{tenant}/{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
    }
}

#[derive(Debug, Default)]
struct Entry {
    failures: VecDeque<i64>,
    next_allowed: i64,
}

#[derive(Debug, Default)]
pub struct Throttle {
    entries: Mutex<HashMap<String, Entry>>,
}

impl Throttle {
    /// `Err(seconds)` when the key must wait.
    pub fn check(&self, key: &str, now: i64) -> Result<(), u64> {
        let map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        match map.get(key) {
            Some(e) if e.next_allowed > now => Err(((e.next_allowed - now) as u64).div_ceil(1000)),
            _ => Ok(()),
        }
    }

    pub fn failure(&self, key: &str, now: i64) {
        let mut map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 100_000 {
            // Bounded memory under a flood of distinct keys: forget entries with no wait left.
            map.retain(|_, e| e.next_allowed > now);
        }
        let e = map.entry(key.to_string()).or_default();
        while e.failures.front().is_some_and(|t| now - t > HOUR_MS) {
            e.failures.pop_front();
        }
        e.failures.push_back(now);
        e.next_allowed = next_allowed(&e.failures);
    }

    /// Takes back the newest failure counted for `key` (an attempt that was never checked).
    pub fn forget_one(&self, key: &str) {
        let mut map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(e) = map.get_mut(key) {
            e.failures.pop_back();
            e.next_allowed = next_allowed(&e.failures);
        }
    }

    pub fn success(&self, key: &str) {
        self.entries.lock().unwrap_or_else(|p| p.into_inner()).remove(key);
    }
}

/// When the next attempt may come, given the failures of the last hour (oldest first).
fn next_allowed(failures: &VecDeque<i64>) -> i64 {
    let n = failures.len();
    let last = failures.back().copied().unwrap_or(0);
    if n >= MAX_FAILURES_PER_HOUR {
        failures.front().copied().unwrap_or(last) + HOUR_MS
    } else if n > FREE_FAILURES {
        last + (1000i64 << (n - FREE_FAILURES).min(20)).min(MAX_WAIT_MS)
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engages_after_a_few_failures_grows_and_releases() {
        let t = Throttle::default();
        let mut now = 1_000_000;
        for _ in 0..FREE_FAILURES {
            assert_eq!(t.check("a", now), Ok(()));
            t.failure("a", now);
        }
        assert_eq!(t.check("a", now), Ok(()));
        t.failure("a", now);
        assert_eq!(t.check("a", now), Err(2));
        now += 2_000;
        assert_eq!(t.check("a", now), Ok(()));
        t.failure("a", now);
        assert_eq!(t.check("a", now), Err(4));
        assert_eq!(t.check("b", now), Ok(()), "other keys are not affected");
        t.success("a");
        assert_eq!(t.check("a", now), Ok(()));
    }

    #[test]
    fn ip_keys_name_the_tenant_and_a_v6_prefix() {
        let v4 = "192.0.2.1".parse().expect("ip");
        assert_eq!(ip_key("acme", v4), "ip/acme/192.0.2.1");
        assert_ne!(ip_key("acme", v4), ip_key("beta", v4));
        let a = "2001:db8:1:2:aaaa::1".parse().expect("ip");
        let b = "2001:db8:1:2:bbbb::2".parse().expect("ip");
        assert_eq!(ip_key("acme", a), ip_key("acme", b));
        assert_eq!(ip_key("acme", a), "ip/acme/2001:db8:1:2::/64");
    }

    #[test]
    fn at_most_100_failures_per_hour_and_then_it_ends() {
        let t = Throttle::default();
        let start = 0;
        for i in 0..MAX_FAILURES_PER_HOUR as i64 {
            t.failure("a", start + i * 30_000);
        }
        let last = start + 99 * 30_000;
        assert!(t.check("a", last + 1000).is_err());
        assert_eq!(t.check("a", start + HOUR_MS + 1), Ok(()), "the lockout ends by itself");
        const { assert!(MAX_WAIT_MS <= 15 * 60_000) };
    }
}
