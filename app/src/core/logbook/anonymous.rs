//! Bounds what anonymous clients can make the logbook hold. Every refused anonymous request (a
//! failed or throttled sign-in, a cross-site write) is evidence, but each event is kept at least
//! 90 days and serialises the tenant's writers, so a flood must not turn into a flood of rows.
//!
//! - The first event of a kind from one source (action, outcome, client address, target) is
//!   written at once, in full. Repeats from the same source within [`WINDOW_MS`] are counted, and
//!   when the window closes one summary event with the count (`repeats`) is written.
//! - At most [`CAP_PER_MINUTE`] such first events per tenant per minute; past that, new sources
//!   are counted together into one summary per action (no address).
//!
//! So a tenant's anonymous rows grow by at most about `2 × CAP_PER_MINUTE` plus one per action a
//! minute, however many requests or addresses a flood uses; no count is lost. Events of signed-in
//! people never come here. The pending counts live in memory (bounded the same way) and are
//! written by a job every few seconds and at shutdown.
use std::{collections::HashMap, net::IpAddr, sync::Mutex};

use super::{Action, Event, Id, Origin, Outcome, TargetType};
use crate::model::slug::Slug;

/// How long repeats from one source are gathered into one summary.
pub const WINDOW_MS: i64 = 60_000;
/// First events written per tenant per minute before new sources are lumped together.
pub const CAP_PER_MINUTE: u32 = 20;
/// First events one address (an IPv6 /64) may take of that per minute: one client guessing at
/// many accounts cannot use up the tenant's share and blank everyone else's evidence.
pub const CAP_PER_ADDRESS: u32 = 3;
/// Counts held per tenant; past it, new sources share one count per action (no address).
pub const MAX_PENDING: usize = 64;

/// The address a source is counted under: IPv4 as it is, IPv6 by its /64.
fn prefix(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => {
            let s = v6.segments();
            IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
        }
        v4 => v4,
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Source {
    action: Action,
    outcome: Outcome,
    ip: Option<IpAddr>,
    target: Option<(TargetType, Id)>,
}

#[derive(Debug)]
struct Pending {
    since: i64,
    repeats: i64,
    origin: Origin,
}

#[derive(Debug, Default)]
struct TenantWindow {
    minute_start: i64,
    written: u32,
    /// First events written this minute per address.
    per_address: HashMap<IpAddr, u32>,
    pending: HashMap<Source, Pending>,
}

/// What to do with an anonymous event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admit {
    /// Write it now.
    Write,
    /// Counted into a summary that is written when its window closes.
    Counted,
}

#[derive(Debug, Default)]
pub struct AnonymousEvents {
    tenants: Mutex<HashMap<Slug, TenantWindow>>,
}

impl AnonymousEvents {
    /// Decides whether `event` (anonymous, at `tenant`) is written now or counted.
    pub fn admit(&self, tenant: &Slug, event: &Event, now: i64) -> Admit {
        let mut tenants = self.tenants.lock().unwrap_or_else(|p| p.into_inner());
        let w = tenants.entry(tenant.clone()).or_default();
        if now - w.minute_start >= 60_000 || now < w.minute_start {
            w.minute_start = now;
            w.written = 0;
            w.per_address.clear();
        }
        let address = event.origin.ip.map(prefix);
        let source = Source { action: event.action, outcome: event.outcome, ip: address, target: event.target.clone() };
        // A source stays in its window until `take_due` writes its summary (a job does every few
        // seconds), so no count is dropped between the two.
        if let Some(p) = w.pending.get_mut(&source) {
            p.repeats += 1;
            p.origin.user_agent.clone_from(&event.origin.user_agent);
            p.origin.request_id.clone_from(&event.origin.request_id);
            return Admit::Counted;
        }
        let address_full = address.is_some_and(|a| w.per_address.get(&a).copied().unwrap_or(0) >= CAP_PER_ADDRESS);
        if w.written >= CAP_PER_MINUTE || address_full {
            // Counted, not written: per address while there is room, else one count per action.
            let ip = if w.pending.len() < MAX_PENDING { address } else { None };
            let bucket = Source { action: event.action, outcome: event.outcome, ip, target: None };
            let p = w.pending.entry(bucket).or_insert_with(|| Pending {
                since: now,
                repeats: 0,
                origin: Origin::default(),
            });
            p.repeats += 1;
            return Admit::Counted;
        }
        w.written += 1;
        if let Some(a) = address {
            *w.per_address.entry(a).or_insert(0) += 1;
        }
        w.pending.insert(source, Pending { since: now, repeats: 0, origin: event.origin.clone() });
        Admit::Write
    }

    /// The summaries whose window has closed (all of them with `all`), taken out: one event per
    /// source with its count. Sources without repeats are forgotten.
    pub fn take_due(&self, now: i64, all: bool) -> Vec<(Slug, Event)> {
        let mut tenants = self.tenants.lock().unwrap_or_else(|p| p.into_inner());
        let mut out = Vec::new();
        for (slug, w) in tenants.iter_mut() {
            let due: Vec<Source> =
                w.pending.iter().filter(|(_, p)| all || now - p.since >= WINDOW_MS).map(|(s, _)| s.clone()).collect();
            for source in due {
                let Some(p) = w.pending.remove(&source) else { continue };
                if p.repeats == 0 {
                    continue;
                }
                let mut origin = p.origin;
                // A source's own address (for IPv6 the first one seen); a bucket's is its /64.
                origin.ip = origin.ip.or(source.ip);
                let mut event = Event::new(super::Actor::System, source.action, source.outcome).origin(origin);
                event.target = source.target;
                out.push((slug.clone(), event.repeats(p.repeats)));
            }
        }
        tenants.retain(|_, w| !w.pending.is_empty() || now - w.minute_start < 60_000);
        out
    }

    /// Sources held in memory (for tests and metrics).
    pub fn pending(&self) -> usize {
        self.tenants.lock().unwrap_or_else(|p| p.into_inner()).values().map(|w| w.pending.len()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failed(ip: &str) -> Event {
        Event::new(super::super::Actor::System, Action::AuthSignInFailed, Outcome::Failure).origin(Origin::new(
            ip.parse().ok(),
            Some("ua"),
            None,
        ))
    }

    #[test]
    fn repeats_from_one_source_become_one_summary_with_the_count() {
        let a = AnonymousEvents::default();
        let acme = Slug::parse("acme").expect("slug");
        let t0 = 1_000_000;
        assert_eq!(a.admit(&acme, &failed("192.0.2.1"), t0), Admit::Write);
        for i in 1..300 {
            assert_eq!(a.admit(&acme, &failed("192.0.2.1"), t0 + i), Admit::Counted);
        }
        assert!(a.take_due(t0 + 1000, false).is_empty(), "the window is still open");
        let due = a.take_due(t0 + WINDOW_MS, false);
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].1.repeats, 299);
        assert_eq!(due[0].1.origin.ip, "192.0.2.1".parse().ok());
        assert_eq!(a.pending(), 0);
        // The next window starts with a full event again.
        assert_eq!(a.admit(&acme, &failed("192.0.2.1"), t0 + WINDOW_MS + 1), Admit::Write);
    }

    #[test]
    fn many_sources_are_capped_per_tenant_and_counted_not_lost() {
        let a = AnonymousEvents::default();
        let (acme, beta) = (Slug::parse("acme").expect("slug"), Slug::parse("beta").expect("slug"));
        let t0 = 5_000_000;
        let mut written = 0;
        for i in 0..1000u32 {
            let ip = format!("198.51.{}.{}", i / 250, i % 250);
            if a.admit(&acme, &failed(&ip), t0 + i64::from(i)) == Admit::Write {
                written += 1;
            }
        }
        assert_eq!(written, CAP_PER_MINUTE);
        assert!(a.pending() <= MAX_PENDING + 1, "memory is bounded: {}", a.pending());
        // Another tenant has its own cap.
        assert_eq!(a.admit(&beta, &failed("192.0.2.9"), t0 + 10), Admit::Write);
        let due = a.take_due(t0 + 2 * WINDOW_MS, false);
        let counted: i64 = due.iter().filter(|(s, _)| *s == acme).map(|(_, e)| e.repeats).sum();
        assert_eq!(written as i64 + counted, 1000, "every refusal is accounted for");
        assert!(due.iter().any(|(_, e)| e.origin.ip.is_none() && e.repeats > 900), "the rest share one count");
    }

    #[test]
    fn one_address_guessing_many_accounts_does_not_blank_the_others() {
        let a = AnonymousEvents::default();
        let acme = Slug::parse("acme").expect("slug");
        let t0 = 9_000_000;
        let mut written = 0;
        for i in 0..50 {
            let e = failed("203.0.113.66").target(TargetType::User, Id::from_seq(i));
            if a.admit(&acme, &e, t0 + i) == Admit::Write {
                written += 1;
            }
        }
        assert_eq!(written, CAP_PER_ADDRESS);
        // Others still get their first event written, in full.
        for i in 0..10 {
            assert_eq!(a.admit(&acme, &failed(&format!("192.0.2.{i}")), t0 + 100), Admit::Write);
        }
        // An IPv6 client rotating inside its /64 is one source: one event, the rest counted.
        let mut v6_written = 0;
        for i in 0..10 {
            if a.admit(&acme, &failed(&format!("2001:db8:1:2::{i:x}")), t0 + 200) == Admit::Write {
                v6_written += 1;
            }
        }
        assert_eq!(v6_written, 1);
        let due = a.take_due(t0 + 2 * WINDOW_MS, false);
        let from_66: i64 =
            due.iter().filter(|(_, e)| e.origin.ip == "203.0.113.66".parse().ok()).map(|(_, e)| e.repeats).sum();
        assert_eq!(from_66, 50 - i64::from(CAP_PER_ADDRESS), "its other guesses are counted under its address");
    }
}
