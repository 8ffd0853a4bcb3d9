//! A per-key budget of actions in a fixed window, in this process: how many times one account
//! may do something costly (each text save writes a sealed row and a logbook event) before it
//! is asked to wait. Signed-in callers only, so the keys are bounded by the accounts; the map is
//! still capped, and expired windows are dropped when it fills.
use std::{
    collections::HashMap,
    sync::{Mutex, PoisonError},
    time::{Duration, Instant},
};

pub struct Budget {
    max: u32,
    window: Duration,
    cap: usize,
    used: Mutex<HashMap<String, (Instant, u32)>>,
}

impl Budget {
    pub fn new(max: u32, window: Duration, cap: usize) -> Self {
        Self { max, window, cap, used: Mutex::new(HashMap::new()) }
    }

    /// Takes one from `key`'s budget, or says how long until its window ends.
    pub fn take(&self, key: &str, now: Instant) -> Result<(), Duration> {
        let mut used = self.used.lock().unwrap_or_else(PoisonError::into_inner);
        if used.len() >= self.cap && !used.contains_key(key) {
            let window = self.window;
            used.retain(|_, (start, _)| now.duration_since(*start) < window);
            if used.len() >= self.cap {
                return Err(window);
            }
        }
        let entry = used.entry(key.to_string()).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        if entry.1 >= self.max {
            return Err(self.window.saturating_sub(now.duration_since(entry.0)));
        }
        entry.1 += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_gets_its_budget_per_window_and_the_map_stays_bounded() {
        let b = Budget::new(3, Duration::from_secs(60), 2);
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(b.take("a", t0).is_ok());
        }
        let wait = b.take("a", t0 + Duration::from_secs(10)).expect_err("over budget");
        assert_eq!(wait, Duration::from_secs(50));
        assert!(b.take("b", t0).is_ok(), "another key has its own");
        assert!(b.take("c", t0).is_err(), "full of live windows: a new key waits");
        assert!(b.take("a", t0 + Duration::from_secs(61)).is_ok(), "a new window");
        assert!(b.take("c", t0 + Duration::from_secs(61)).is_ok(), "expired windows make room");
    }
}
