//! Password hashing and policy. Argon2id with the OWASP parameters (m = 19 MiB, t = 2, p = 1) in
//! PHC strings; hashing runs on low-priority threads of its own behind a semaphore sized to the
//! machine, so a sign-in flood queues instead of starving every other request. Unknown accounts are checked
//! against a dummy hash, so time and answer are the same as for a wrong password.
use std::sync::{Arc, OnceLock};

use argon2::{
    password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Algorithm, Argon2, Params, Version,
};
use tokio::sync::Semaphore;
use zeroize::Zeroizing;

pub const MIN_LEN: usize = 12;
pub const MAX_LEN: usize = 128;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("the password must be at least {0} characters long")]
    TooShort(usize),
    #[error("the password must be at most {MAX_LEN} characters long")]
    TooLong,
    #[error("this password is too common; choose one that others are unlikely to use")]
    Common,
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

/// Threads of their own for hashing, at a lower CPU priority (nice 10 on Linux): idle, they may
/// use every core; under a sign-in flood the scheduler runs page requests first, so a flood slows
/// sign-ins, not everybody else. They end when the last [`Hasher`] clone is dropped.
struct LowPriorityThreads {
    jobs: std::sync::mpsc::Sender<Job>,
}

impl LowPriorityThreads {
    fn start(n: usize) -> Self {
        let (jobs, rx) = std::sync::mpsc::channel::<Job>();
        let rx = Arc::new(std::sync::Mutex::new(rx));
        for i in 0..n {
            let rx = rx.clone();
            let spawned = std::thread::Builder::new().name(format!("argon2-{i}")).spawn(move || {
                lower_priority();
                loop {
                    let job = match rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    let Ok(job) = job else { return };
                    // A panicking job must not take the thread with it; its caller sees the
                    // dropped reply channel as an error.
                    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                }
            });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "could not start a password hashing thread");
            }
        }
        Self { jobs }
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

/// Hashing is CPU- and memory-heavy: at most this many run at once, on their own threads.
#[derive(Clone)]
pub struct Hasher {
    permits: Arc<Semaphore>,
    threads: Arc<LowPriorityThreads>,
}

impl Hasher {
    pub fn new(concurrency: usize) -> Self {
        let n = concurrency.max(1);
        Self { permits: Arc::new(Semaphore::new(n)), threads: Arc::new(LowPriorityThreads::start(n)) }
    }

    /// Runs `f` on a hashing thread once a permit is free (waiters are served in order). The
    /// permit travels with the job, so a caller that goes away cannot free it while the hash still
    /// runs; a job whose caller is gone before it starts is skipped.
    async fn run<T: Send + 'static>(&self, f: impl FnOnce() -> T + Send + 'static) -> Result<T, HashError> {
        let permit = self.permits.clone().acquire_owned().await.map_err(|_| HashError::Closed)?;
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.threads
            .jobs
            .send(Box::new(move || {
                let _permit = permit;
                if !tx.is_closed() {
                    let _ = tx.send(f());
                }
            }))
            .map_err(|_| HashError::Closed)?;
        rx.await.map_err(|_| HashError::Hash)
    }

    /// One hashing thread per core but one: a core stays free for page requests, so a sign-in
    /// flood costs other people little (measured in `server/benches/signin.rs`).
    pub fn for_this_machine() -> Self {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        Self::new(cores.saturating_sub(1).max(1))
    }

    pub async fn hash(&self, password: &str) -> Result<String, HashError> {
        let password = Zeroizing::new(password.to_string());
        self.run(move || {
            let mut salt = [0u8; 16];
            getrandom::fill(&mut salt).map_err(|_| HashError::Hash)?;
            let salt = SaltString::encode_b64(&salt).map_err(|_| HashError::Hash)?;
            argon2().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|_| HashError::Hash)
        })
        .await?
    }

    /// Checks `password` against `phc`, or against a dummy hash when there is no account, so
    /// both cost the same. Returns whether it matched and whether the hash should be upgraded.
    pub async fn verify(&self, password: &str, phc: Option<&str>) -> Result<Verified, HashError> {
        let password = Zeroizing::new(password.to_string());
        let real = phc.map(str::to_string);
        self.run(move || {
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

/// Common passwords of 12 characters or more (shorter ones fail the length rule anyway).
static COMMON: &str = include_str!("common-passwords.txt");

/// NIST 800-63B: length, not composition; refuse common and personal ones.
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
    if COMMON.lines().any(|c| c == lower) || is_trivial(&lower) {
        return Err(PolicyError::Common);
    }
    for p in personal {
        let p = p.trim().to_lowercase();
        let local = p.split('@').next().unwrap_or("");
        if (local.chars().count() >= 4 && lower.contains(local)) || (!p.is_empty() && lower.contains(&p)) {
            return Err(PolicyError::Personal);
        }
    }
    Ok(())
}

/// One repeated character, a run of the keyboard or alphabet, or a short pattern repeated.
fn is_trivial(p: &str) -> bool {
    let chars: Vec<char> = p.chars().collect();
    let distinct = {
        let mut c = chars.clone();
        c.sort_unstable();
        c.dedup();
        c.len()
    };
    if distinct <= 3 {
        return true;
    }
    let ascending = chars.windows(2).all(|w| (w[1] as u32).wrapping_sub(w[0] as u32) == 1);
    let descending = chars.windows(2).all(|w| (w[0] as u32).wrapping_sub(w[1] as u32) == 1);
    if ascending || descending {
        return true;
    }
    (1..=chars.len() / 2).any(|n| chars.len() % n == 0 && chars.chunks(n).all(|c| c == &chars[..n]))
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
        assert_eq!(check_policy("Password1234", 12, &[]), Err(PolicyError::Common));
        assert_eq!(check_policy("qwertyuiopåä", 12, &[]), Err(PolicyError::Common));
        assert_eq!(check_policy("aaaaaaaaaaaaaaa", 12, &[]), Err(PolicyError::Common));
        assert_eq!(check_policy("abcdefghijklmnop", 12, &[]), Err(PolicyError::Common));
        assert_eq!(check_policy("123456789012", 12, &[]), Err(PolicyError::Common));
        assert_eq!(check_policy("abc123abc123abc123", 12, &[]), Err(PolicyError::Common));
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
}
