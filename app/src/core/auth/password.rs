//! Password hashing and policy. Argon2id with the OWASP parameters (m = 19 MiB, t = 2, p = 1) in
//! PHC strings; hashing runs on low-priority threads of its own behind a semaphore sized to the
//! machine, so a sign-in flood queues instead of starving every other request. Unknown accounts are checked
//! against a dummy hash, so time and answer are the same as for a wrong password.
use std::{
    collections::{HashMap, VecDeque},
    sync::{Arc, Condvar, Mutex, OnceLock},
};

use argon2::{
    password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Algorithm, Argon2, Params, Version,
};
use zeroize::Zeroizing;

pub const MIN_LEN: usize = crate::model::auth::MIN_PASSWORD_LEN;
pub const MAX_LEN: usize = crate::model::auth::MAX_PASSWORD_LEN;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("the password must be at least {0} characters long")]
    TooShort(usize),
    #[error("the password must be at most {MAX_LEN} characters long")]
    TooLong,
    /// zxcvbn's estimate is below [`MIN_SCORE`]; with what its feedback says is the reason.
    #[error("this password is too easy to guess ({0:?})")]
    Weak(Weakness),
    #[error("the password must not contain your e-mail address or name")]
    Personal,
    #[error("choose a password you have not used recently")]
    Reused,
}

#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("password hashing failed")]
    Hash,
    #[error("the hashing pool is shut down")]
    Closed,
    /// The queue (or this tenant's lane of it) is full: try again in a moment.
    #[error("too many password checks are waiting")]
    Busy,
}

/// The OWASP-recommended Argon2id configuration.
pub fn params() -> Params {
    // m = 19456 KiB, t = 2, p = 1; the constants are valid, so this cannot fail.
    Params::new(19_456, 2, 1, None).unwrap_or_else(|_| unreachable!())
}

fn argon2() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params())
}

type Job = Box<dyn FnOnce() + Send>;

/// How much hashing work may wait. A full queue answers at once ("busy, retry shortly") instead
/// of growing: an anonymous flood costs bounded memory and never delays work beyond seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueLimits {
    /// Jobs waiting across all tenants.
    pub total: usize,
    /// Jobs waiting for one tenant (one organisation's flood fills only its own lane).
    pub per_lane: usize,
}

impl Default for QueueLimits {
    fn default() -> Self {
        // About 20 ms a hash: a full lane waits well under a second per thread; the total lets
        // eight flooding tenants fill their lanes before anyone else is refused.
        Self { total: 256, per_lane: 32 }
    }
}

/// Jobs a lane may always queue, even when the total is reached.
pub const GUARANTEED_PER_LANE: usize = 2;

/// Waiting jobs in one FIFO lane per tenant, served round-robin: each turn takes the oldest job
/// of the next lane, so a tenant with one sign-in waits behind at most one job of every other
/// tenant, however long their lanes are.
#[derive(Default)]
struct Lanes {
    lanes: HashMap<String, VecDeque<Job>>,
    turn: VecDeque<String>,
    waiting: usize,
    closed: bool,
}

struct Shared {
    lanes: Mutex<Lanes>,
    ready: Condvar,
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, Lanes> {
        self.lanes.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The next job in round-robin order, or `None` once closed and drained.
    fn next(&self) -> Option<Job> {
        let mut l = self.lock();
        loop {
            if let Some(lane) = l.turn.pop_front() {
                let (job, more) = match l.lanes.get_mut(&lane) {
                    Some(q) => (q.pop_front(), !q.is_empty()),
                    None => (None, false),
                };
                if more {
                    l.turn.push_back(lane);
                } else {
                    l.lanes.remove(&lane);
                }
                if let Some(job) = job {
                    l.waiting -= 1;
                    return Some(job);
                }
                continue;
            }
            if l.closed {
                return None;
            }
            l = self.ready.wait(l).unwrap_or_else(|p| p.into_inner());
        }
    }
}

/// Threads of their own for hashing, at a lower CPU priority (nice 10 on Linux): idle, they may
/// use every core; under a sign-in flood the scheduler runs page requests first, so a flood slows
/// sign-ins, not everybody else. They end when the last [`Hasher`] clone is dropped.
struct Pool {
    shared: Arc<Shared>,
    limits: QueueLimits,
}

impl Pool {
    fn start(n: usize, limits: QueueLimits) -> Self {
        let shared = Arc::new(Shared { lanes: Mutex::new(Lanes::default()), ready: Condvar::new() });
        for i in 0..n {
            let shared = shared.clone();
            let spawned = std::thread::Builder::new().name(format!("argon2-{i}")).spawn(move || {
                lower_priority();
                while let Some(job) = shared.next() {
                    // A panicking job must not take the thread with it; its caller sees the
                    // dropped reply channel as an error.
                    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                }
            });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "could not start a password hashing thread");
            }
        }
        Self { shared, limits }
    }

    fn submit(&self, lane: &str, job: Job) -> Result<(), HashError> {
        let mut l = self.shared.lock();
        if l.closed {
            return Err(HashError::Closed);
        }
        let in_lane = l.lanes.get(lane).map_or(0, VecDeque::len);
        // Every lane may always hold a couple of jobs, whatever the others queued: a flood spread
        // over many tenants cannot shut a quiet organisation out. (Lanes exist only for tenants,
        // so the queue stays bounded by total + 2 × tenants.)
        let guaranteed = in_lane < GUARANTEED_PER_LANE;
        if in_lane >= self.limits.per_lane || (l.waiting >= self.limits.total && !guaranteed) {
            return Err(HashError::Busy);
        }
        if in_lane == 0 {
            l.turn.push_back(lane.to_string());
        }
        l.lanes.entry(lane.to_string()).or_default().push_back(job);
        l.waiting += 1;
        drop(l);
        self.shared.ready.notify_one();
        Ok(())
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        self.shared.lock().closed = true;
        self.shared.ready.notify_all();
    }
}

#[cfg(target_os = "linux")]
fn lower_priority() {
    // Raising one's own nice value needs no privilege; it applies to this thread only.
    if let Err(e) = rustix::process::setpriority_process(Some(rustix::thread::gettid()), 10) {
        tracing::debug!(error = %e, "could not lower the hashing thread's priority");
    }
}

#[cfg(not(target_os = "linux"))]
fn lower_priority() {}

/// Hashing is CPU- and memory-heavy: it runs on a few threads of its own, fed from bounded
/// per-tenant lanes.
#[derive(Clone)]
pub struct Hasher {
    pool: Arc<Pool>,
}

impl Hasher {
    pub fn new(concurrency: usize) -> Self {
        Self::with_limits(concurrency, QueueLimits::default())
    }

    pub fn with_limits(concurrency: usize, limits: QueueLimits) -> Self {
        Self { pool: Arc::new(Pool::start(concurrency.max(1), limits)) }
    }

    /// Runs `f` on a hashing thread in `lane`'s turn. Refused at once with [`HashError::Busy`]
    /// when the lane or the whole queue is full. A job whose caller is gone before it starts is
    /// skipped; one that started runs to the end (its thread is busy either way).
    async fn run<T: Send + 'static>(&self, lane: &str, f: impl FnOnce() -> T + Send + 'static) -> Result<T, HashError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.pool.submit(
            lane,
            Box::new(move || {
                if !tx.is_closed() {
                    let _ = tx.send(f());
                }
            }),
        )?;
        rx.await.map_err(|_| HashError::Hash)
    }

    /// One hashing thread per core but one: a core stays free for page requests, so a sign-in
    /// flood costs other people little (measured in `server/benches/signin.rs`).
    pub fn for_this_machine() -> Self {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        Self::new(cores.saturating_sub(1).max(1))
    }

    /// Jobs waiting now, all lanes together.
    pub fn waiting(&self) -> usize {
        self.pool.shared.lock().waiting
    }

    pub async fn hash(&self, password: &str) -> Result<String, HashError> {
        self.hash_for("", password).await
    }

    /// Hashes in `lane` (the tenant's slug).
    pub async fn hash_for(&self, lane: &str, password: &str) -> Result<String, HashError> {
        let password = Zeroizing::new(password.to_string());
        self.run(lane, move || {
            let mut salt = [0u8; 16];
            getrandom::fill(&mut salt).map_err(|_| HashError::Hash)?;
            let salt = SaltString::encode_b64(&salt).map_err(|_| HashError::Hash)?;
            argon2().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|_| HashError::Hash)
        })
        .await?
    }

    pub async fn verify(&self, password: &str, phc: Option<&str>) -> Result<Verified, HashError> {
        self.verify_for("", password, phc).await
    }

    /// Checks `password` against `phc`, or against a dummy hash when there is no account, so
    /// both cost the same. Returns whether it matched and whether the hash should be upgraded.
    pub async fn verify_for(&self, lane: &str, password: &str, phc: Option<&str>) -> Result<Verified, HashError> {
        let password = Zeroizing::new(password.to_string());
        let real = phc.map(str::to_string);
        self.run(lane, move || {
            let stored = real.clone().unwrap_or_else(|| dummy_hash().to_string());
            let Ok(parsed) = PasswordHash::new(&stored) else {
                return Ok(Verified { ok: false, needs_rehash: false });
            };
            let matched = argon2().verify_password(password.as_bytes(), &parsed).is_ok();
            let want = params();
            let current = parsed.algorithm.as_str() == "argon2id"
                && Params::try_from(&parsed).is_ok_and(|p| {
                    (p.m_cost(), p.t_cost(), p.p_cost()) == (want.m_cost(), want.t_cost(), want.p_cost())
                });
            Ok(Verified { ok: matched && real.is_some(), needs_rehash: matched && !current })
        })
        .await?
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verified {
    pub ok: bool,
    pub needs_rehash: bool,
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::encode_b64(b"samtal-dummy-salt").unwrap_or_else(|_| unreachable!());
        argon2().hash_password(b"no account has this password", &salt).map(|h| h.to_string()).unwrap_or_default()
    })
}

/// zxcvbn scores 0–4; 3 is "safely unguessable: moderate protection from offline slow-hash
/// scenario" (about 10^8 guesses or more), which an Argon2id hash makes costly enough.
pub const MIN_SCORE: u8 = 3;

/// NIST 800-63B: length, not composition; refuse what is easy to guess (zxcvbn: dictionaries of
/// common passwords, words and names, keyboard walks, sequences, repeats, dates, and the
/// `personal` inputs — the person's name and e-mail and the organisation's name) and passwords
/// that contain the person's own name or e-mail address.
pub fn check_policy(password: &str, min_len: usize, personal: &[&str]) -> Result<(), PolicyError> {
    let min_len = min_len.max(MIN_LEN);
    let chars = password.chars().count();
    if chars < min_len {
        return Err(PolicyError::TooShort(min_len));
    }
    if chars > MAX_LEN {
        return Err(PolicyError::TooLong);
    }
    let lower = password.to_lowercase();
    let mut inputs: Vec<String> = Vec::new();
    for p in personal {
        let p = p.trim().to_lowercase();
        let local = p.split('@').next().unwrap_or("").to_string();
        if (local.chars().count() >= 4 && lower.contains(&local)) || (p.chars().count() >= 4 && lower.contains(&p)) {
            return Err(PolicyError::Personal);
        }
        inputs.extend(p.split(|c: char| !c.is_alphanumeric()).filter(|w| w.chars().count() >= 3).map(String::from));
        inputs.push(p);
    }
    let inputs: Vec<&str> = inputs.iter().map(String::as_str).collect();
    let estimate = zxcvbn::zxcvbn(password, &inputs);
    if u8::from(estimate.score()) < MIN_SCORE {
        return Err(PolicyError::Weak(weakness(estimate.feedback())));
    }
    Ok(())
}

/// Why zxcvbn finds a password easy to guess, grouped into what a person can act on (the UI
/// says it in their language; zxcvbn's own sentences are English only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weakness {
    Common,
    Pattern,
    Dates,
    Words,
    Unsaid,
}

fn weakness(feedback: Option<&zxcvbn::feedback::Feedback>) -> Weakness {
    use zxcvbn::feedback::Warning as W;
    match feedback.and_then(|f| f.warning()) {
        Some(W::ThisIsATop10Password | W::ThisIsATop100Password | W::ThisIsACommonPassword)
        | Some(W::ThisIsSimilarToACommonlyUsedPassword) => Weakness::Common,
        Some(
            W::StraightRowsOfKeysAreEasyToGuess
            | W::ShortKeyboardPatternsAreEasyToGuess
            | W::RepeatsLikeAaaAreEasyToGuess
            | W::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess
            | W::SequencesLikeAbcAreEasyToGuess,
        ) => Weakness::Pattern,
        Some(W::RecentYearsAreEasyToGuess | W::DatesAreOftenEasyToGuess) => Weakness::Dates,
        Some(
            W::AWordByItselfIsEasyToGuess
            | W::NamesAndSurnamesByThemselvesAreEasyToGuess
            | W::CommonNamesAndSurnamesAreEasyToGuess,
        ) => Weakness::Words,
        None => Weakness::Unsaid,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_is_about_length_and_commonness_not_composition() {
        assert_eq!(check_policy("short", 12, &[]), Err(PolicyError::TooShort(12)));
        assert_eq!(check_policy("elevenchars", 12, &[]), Err(PolicyError::TooShort(12)));
        assert_eq!(check_policy(&"a".repeat(129), 12, &[]), Err(PolicyError::TooLong));
        assert_eq!(check_policy("twelve chars", 16, &[]), Err(PolicyError::TooShort(16)));
        assert_eq!(check_policy("twelve chars", 8, &[]), Ok(()), "tenant minimum never goes below 12");
        assert_eq!(check_policy("correct horse battery staple", 12, &[]), Ok(()));
        assert_eq!(check_policy("ålgräs-mjölk-kaffe", 12, &[]), Ok(()));
        let weak = |p: &str| matches!(check_policy(p, 12, &[]), Err(PolicyError::Weak(_)));
        for p in [
            "Password1234",
            "password12345",
            "qwertyuiopasdf",
            "aaaaaaaaaaaaaaa",
            "abcdefghijklmnop",
            "123456789012",
            "abc123abc123abc123",
            "iloveyou12345",
            "1qaz2wsx3edc4rfv",
            "qwertyuiopåä",
            "football2026!",
            "correcthorse1",
        ] {
            assert!(weak(p), "{p} should be refused");
        }
        // Its feedback's reason reaches the person.
        assert_eq!(check_policy("password12345", 12, &[]), Err(PolicyError::Weak(Weakness::Common)));
        // The organisation's name is a user input too: strong elsewhere, guessable at its owner.
        assert_eq!(check_policy("Kvarnholmsbolaget26", 12, &[]), Ok(()));
        assert!(matches!(
            check_policy("Kvarnholmsbolaget26", 12, &["Kvarnholmsbolaget AB"]),
            Err(PolicyError::Weak(_))
        ));
        assert_eq!(check_policy("anna.svensson-2026!", 12, &["anna.svensson@acme.se"]), Err(PolicyError::Personal));
    }

    #[tokio::test]
    async fn hashes_verify_and_unknown_accounts_never_match() {
        let h = Hasher::new(2);
        let phc = h.hash("correct horse battery staple").await.expect("hash");
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert_ne!(phc, h.hash("correct horse battery staple").await.expect("hash"), "salted");
        assert_eq!(
            h.verify("correct horse battery staple", Some(&phc)).await.expect("v"),
            Verified { ok: true, needs_rehash: false }
        );
        assert!(!h.verify("wrong horse battery staple", Some(&phc)).await.expect("v").ok);
        assert!(!h.verify("no account has this password", None).await.expect("v").ok);
        assert!(!h.verify("anything", Some("not a phc string")).await.expect("v").ok);
    }

    #[tokio::test]
    async fn weaker_hashes_are_flagged_for_upgrade() {
        let weak = Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::new(8192, 1, 1, None).expect("p"));
        let salt = SaltString::encode_b64(b"0123456789abcdef").expect("salt");
        let phc = weak.hash_password(b"correct horse battery staple", &salt).expect("hash").to_string();
        let v = Hasher::new(1).verify("correct horse battery staple", Some(&phc)).await.expect("v");
        assert_eq!(v, Verified { ok: true, needs_rehash: true });
    }

    #[tokio::test]
    async fn lanes_are_bounded_and_served_in_turn() {
        let h = Hasher::with_limits(1, QueueLimits { total: 6, per_lane: 4 });
        // Occupy the one thread, then fill the flooding tenant's lane.
        let (gate_tx, gate_rx) = std::sync::mpsc::channel::<()>();
        let blocker = {
            let h = h.clone();
            tokio::spawn(async move { h.run("flood", move || gate_rx.recv().is_ok()).await })
        };
        while h.waiting() > 0 {
            tokio::task::yield_now().await;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut queued = Vec::new();
        for i in 0..4 {
            let (h, order) = (h.clone(), order.clone());
            queued.push(tokio::spawn(async move {
                h.run("flood", move || order.lock().expect("order").push(format!("flood{i}"))).await
            }));
        }
        while h.waiting() < 4 {
            tokio::task::yield_now().await;
        }
        assert!(matches!(h.run("flood", || ()).await, Err(HashError::Busy)), "the lane is full");
        let other = {
            let (h, order) = (h.clone(), order.clone());
            tokio::spawn(async move { h.run("quiet", move || order.lock().expect("order").push("quiet".into())).await })
        };
        while h.waiting() < 5 {
            tokio::task::yield_now().await;
        }
        let spawn_in = |lane: &'static str, name: &'static str| {
            let (h, order) = (h.clone(), order.clone());
            tokio::spawn(async move { h.run(lane, move || order.lock().expect("order").push(name.into())).await })
        };
        let third = spawn_in("third", "third");
        while h.waiting() < 6 {
            tokio::task::yield_now().await;
        }
        // The total is reached, yet a lane with fewer than two waiting still gets in...
        let fourth = spawn_in("fourth", "fourth");
        let quiet2 = spawn_in("quiet", "quiet2");
        while h.waiting() < 8 {
            tokio::task::yield_now().await;
        }
        // ...and one with two does not.
        assert!(matches!(h.run("quiet", || ()).await, Err(HashError::Busy)), "the whole queue is full");
        gate_tx.send(()).expect("release");
        assert!(blocker.await.expect("join").expect("ran"));
        for q in queued {
            q.await.expect("join").expect("ran");
        }
        for t in [other, third, fourth, quiet2] {
            t.await.expect("join").expect("ran");
        }
        let order = order.lock().expect("order").clone();
        // Round-robin: the quiet tenants ran after one flood job each turn, not after all four.
        assert_eq!(order[..4], ["flood0", "quiet", "third", "fourth"], "{order:?}");
    }
}
