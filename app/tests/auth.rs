//! Accounts, passwords, sessions, tokens and throttling on real databases, both backends.
use app::on_both_backends;
use std::{sync::Arc, time::Duration};

use app::{
    core::{
        auth::{
            password::PolicyError,
            service::{Auth, SignInError},
            sessions, tokens, users, AuthError, Role, SessionLimits,
        },
        clock::{now_ms, Clock, ManualClock},
        db::Backend,
        logbook::{self, Actor, Filter, Origin},
        tenancy::Tenant,
        testkit::TestEnv,
    },
    model::slug::Slug,
};

on_both_backends!(
    wrong_password_unknown_and_disabled_accounts_look_the_same,
    every_sign_in_gets_a_new_session_id,
    sessions_expire_when_idle_and_at_the_absolute_limit,
    throttling_engages_and_releases,
    disabled_users_and_role_changes_end_sessions,
    tokens_are_single_use_and_expire,
    password_changes_follow_policy_refuse_reuse_and_end_sessions,
    a_session_of_one_tenant_is_nothing_at_another,
    an_account_keeps_at_most_twenty_sessions,
    a_link_used_twice_at_once_sets_exactly_one_password,
    two_admins_demoting_each_other_at_once_leave_one_admin,
    the_last_admin_cannot_be_disabled_or_demoted,
    a_wrong_current_password_is_counted_throttled_and_logged,
    one_client_cannot_pile_up_sign_in_attempts,
);

async fn one_client_cannot_pile_up_sign_in_attempts(b: Backend) {
    let f = fx(b).await;
    let auth = Arc::new(Auth::new(SessionLimits::default()));
    let mut tasks = Vec::new();
    for i in 0..16 {
        let (auth, t, clock) = (auth.clone(), f.t.clone(), f.clock.clone());
        tasks.push(tokio::spawn(async move {
            let email = format!("random{i}@example.se");
            auth.sign_in(&t, clock.as_ref(), &email, "a guess at random", &origin("192.0.2.77")).await
        }));
    }
    let mut refused_at_once = 0;
    for t in tasks {
        match t.await.expect("join") {
            Err(SignInError::Throttled(1)) => refused_at_once += 1,
            Err(SignInError::Invalid) | Err(SignInError::Throttled(_)) => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    assert!(refused_at_once >= 16 - 2 * app::core::auth::service::MAX_IN_FLIGHT_PER_CLIENT, "{refused_at_once}");
    // Another client is not affected.
    assert!(auth.sign_in(&f.t, f.clock.as_ref(), "anna@example.se", PW, &origin("192.0.2.78")).await.is_ok());
    f.env.cleanup().await;
}

async fn a_link_used_twice_at_once_sets_exactly_one_password(b: Backend) {
    let f = fx(b).await;
    let c = f.clock.as_ref();
    let hasher = Arc::new(f.auth.hasher.clone());
    for round in 0..3 {
        let token = tokens::issue(&f.t, c, &f.user, tokens::Purpose::Reset).await.expect("token");
        let pw = [format!("first parallel password {round}"), format!("second parallel password {round}")];
        let run = |pw: String| {
            let (t, clock, h, token) = (f.t.clone(), f.clock.clone(), hasher.clone(), token.clone());
            tokio::spawn(
                async move { users::set_password_from_link(&t, clock.as_ref(), &h, &token, &pw).await.map(|_| pw) },
            )
        };
        let (a, b2) = tokio::join!(run(pw[0].clone()), run(pw[1].clone()));
        let results = [a.expect("join"), b2.expect("join")];
        let won: Vec<&String> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
        assert_eq!(won.len(), 1, "exactly one use succeeds: {results:?}");
        assert!(results.iter().any(|r| matches!(r, Err(AuthError::BadToken))), "the other is told the link is used");
        let user = users::by_id(&f.t, &f.user.id).await.expect("read").expect("user");
        let in_force = f.auth.hasher.verify(won[0], user.password_hash.as_deref()).await.expect("verify");
        assert!(in_force.ok, "the winner's password is the one in force");
        let loser = pw.iter().find(|p| *p != won[0]).expect("loser");
        assert!(!f.auth.hasher.verify(loser, user.password_hash.as_deref()).await.expect("verify").ok);
    }
    f.env.cleanup().await;
}

async fn two_admins_demoting_each_other_at_once_leave_one_admin(b: Backend) {
    let f = fx(b).await;
    let c = f.clock.as_ref();
    for round in 0..3 {
        let mk = |n: &str| format!("admin-{n}-{round}@example.se");
        let a = users::create(&f.t, c, Actor::System, &mk("a"), "Admin A", Role::Admin).await.expect("a");
        let bb = users::create(&f.t, c, Actor::System, &mk("b"), "Admin B", Role::Admin).await.expect("b");
        // Only these two are admins in this round.
        for u in users::list(&f.t).await.expect("list") {
            if u.role == Role::Admin && u.id != a.id && u.id != bb.id {
                users::set_role(&f.t, c, Actor::System, &u, Role::Employee).await.expect("demote old");
            }
        }
        let demote = |by: users::User, whom: users::User, disable: bool| {
            let (t, clock) = (f.t.clone(), f.clock.clone());
            tokio::spawn(async move {
                if disable {
                    users::set_enabled(&t, clock.as_ref(), by.actor(), &whom, false).await
                } else {
                    users::set_role(&t, clock.as_ref(), by.actor(), &whom, Role::Employee).await
                }
            })
        };
        // Round 1 mixes a demotion with a disabling: both take an admin away.
        let (r1, r2) = tokio::join!(demote(a.clone(), bb.clone(), false), demote(bb.clone(), a.clone(), round == 1));
        let results = [r1.expect("join"), r2.expect("join")];
        assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1, "{results:?}");
        assert!(results.iter().any(|r| matches!(r, Err(AuthError::LastAdmin))));
        let admins = users::list(&f.t)
            .await
            .expect("list")
            .into_iter()
            .filter(|u| u.role == Role::Admin && u.status == users::Status::Active)
            .count();
        assert_eq!(admins, 1, "one active admin is left");
    }
    f.env.cleanup().await;
}

async fn the_last_admin_cannot_be_disabled_or_demoted(b: Backend) {
    let f = fx(b).await;
    let c = f.clock.as_ref();
    let admin = users::create(&f.t, c, Actor::System, "hr@example.se", "HR", Role::Admin).await.expect("admin");
    let before = logbook::list(&f.t, &Filter::default()).await.expect("log").len();
    assert!(matches!(users::set_role(&f.t, c, Actor::System, &admin, Role::Manager).await, Err(AuthError::LastAdmin)));
    assert!(matches!(users::set_enabled(&f.t, c, Actor::System, &admin, false).await, Err(AuthError::LastAdmin)));
    let admin_now = users::by_id(&f.t, &admin.id).await.expect("read").expect("admin");
    assert_eq!((admin_now.role, admin_now.status), (Role::Admin, users::Status::Active), "nothing changed");
    assert_eq!(logbook::list(&f.t, &Filter::default()).await.expect("log").len(), before, "nothing logged");
    // Changes to others still work while an admin remains.
    users::set_role(&f.t, c, Actor::System, &f.user, Role::Manager).await.expect("other");
    f.env.cleanup().await;
}

async fn a_wrong_current_password_is_counted_throttled_and_logged(b: Backend) {
    let f = fx(b).await;
    let c = f.clock.as_ref();
    let o = origin("10.0.0.9");
    let mut throttled = None;
    for i in 0..12 {
        match f.auth.check_current_password(&f.t, c, &f.user, "not my password at all", &o).await {
            Err(SignInError::Invalid) => {}
            Err(SignInError::Throttled(s)) => {
                throttled = Some((i, s));
                break;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    let (at, wait) = throttled.expect("guessing is throttled");
    assert!(at <= 6 && wait >= 1, "throttled after {at} guesses, wait {wait}");
    // The wait holds for the right password too, and for sign-in with the same account.
    assert!(matches!(f.auth.check_current_password(&f.t, c, &f.user, PW, &o).await, Err(SignInError::Throttled(_))));
    assert!(matches!(f.auth.sign_in(&f.t, c, "anna@example.se", PW, &o).await, Err(SignInError::Throttled(_))));
    f.clock.set(c.now_ms() + 3_600_000);
    f.auth.check_current_password(&f.t, c, &f.user, PW, &o).await.expect("the right password, later");
    let log = logbook::list(&f.t, &Filter::default()).await.expect("log");
    let failed = log.iter().filter(|e| e.action == "auth.password.check_failed").count();
    assert_eq!(failed, at, "each wrong guess is logged");
    assert!(log.iter().any(|e| e.action == "auth.sign_in.throttled" && e.actor == format!("user:{}", f.user.id)));
    f.env.cleanup().await;
}

async fn an_account_keeps_at_most_twenty_sessions(b: Backend) {
    let f = fx(b).await;
    let c = f.clock.as_ref();
    let mut cookies = Vec::new();
    for _ in 0..25 {
        cookies.push(sessions::create(&f.t, c, &f.user.id, None, Some("test")).await.expect("create"));
        f.clock.set(c.now_ms() + 5);
    }
    let list = sessions::list(&f.t, &f.user.id, None).await.expect("list");
    assert_eq!(list.len() as i64, sessions::MAX_PER_ACCOUNT);
    for (i, cookie) in cookies.iter().enumerate() {
        let alive = sessions::load(&f.t, c, f.auth.limits, cookie).await.expect("load").is_some();
        assert_eq!(alive, i >= 5, "session {i}");
    }
    let log = logbook::list(&f.t, &Filter::default()).await.expect("log");
    let evicted: Vec<_> = log.iter().filter(|e| e.action == "auth.session.evicted").collect();
    assert_eq!(evicted.len(), 5, "each ended session is logged");
    assert!(evicted.iter().all(|e| e.target_id.as_deref() == Some(f.user.id.as_str())));
    f.env.cleanup().await;
}

const PW: &str = "correct horse battery staple";

struct Fx {
    env: TestEnv,
    t: Tenant,
    clock: Arc<ManualClock>,
    auth: Auth,
    user: users::User,
}

async fn fx(b: Backend) -> Fx {
    let clock = Arc::new(ManualClock::at(now_ms()));
    let env = TestEnv::with(b, |c| c.clock = clock.clone()).await;
    let slug = Slug::parse("acme").expect("slug");
    env.tenancy.create_tenant(&slug, "Acme AB", env.target()).await.expect("create");
    let t = env.tenancy.open_active(&slug).await.expect("open");
    let auth = Auth::new(SessionLimits::default());
    let user = users::create(&t, clock.as_ref(), Actor::System, "Anna@Example.se", "Anna Andersson", Role::Employee)
        .await
        .expect("user");
    users::set_password(&t, clock.as_ref(), &auth.hasher, &user, PW).await.expect("password");
    let user = users::by_id(&t, &user.id).await.expect("read").expect("user");
    Fx { env, t, clock, auth, user }
}

fn origin(ip: &str) -> Origin {
    Origin::new(Some(ip.parse().expect("ip")), Some("Mozilla/5.0 test"), Some("req1"))
}

async fn wrong_password_unknown_and_disabled_accounts_look_the_same(b: Backend) {
    let f = fx(b).await;
    let c = f.clock.as_ref();
    let wrong = f.auth.sign_in(&f.t, c, "anna@example.se", "wrong horse battery staple", &origin("10.0.0.1")).await;
    let unknown = f.auth.sign_in(&f.t, c, "nobody@example.se", PW, &origin("10.0.0.2")).await;
    assert!(matches!(wrong, Err(SignInError::Invalid)));
    assert!(matches!(unknown, Err(SignInError::Invalid)));
    assert_eq!(wrong.err().map(|e| e.to_string()), unknown.err().map(|e| e.to_string()));
    // The address is case-insensitive.
    assert!(f.auth.sign_in(&f.t, c, " ANNA@example.SE ", PW, &origin("10.0.0.3")).await.is_ok());
    users::set_enabled(&f.t, c, Actor::System, &f.user, false).await.expect("disable");
    assert!(matches!(
        f.auth.sign_in(&f.t, c, "anna@example.se", PW, &origin("10.0.0.4")).await,
        Err(SignInError::Invalid)
    ));
    let log = logbook::list(&f.t, &Filter::default()).await.expect("log");
    let actions: Vec<_> = log.iter().map(|e| e.action.as_str()).collect();
    assert!(actions.contains(&"auth.sign_in.failed") && actions.contains(&"auth.sign_in.succeeded"), "{actions:?}");
    for e in &log {
        for field in [&e.actor, &e.action, e.target_id.as_ref().unwrap_or(&String::new())] {
            assert!(!field.contains("anna") && !field.contains("horse"), "personal data in the logbook: {e:?}");
        }
    }
    f.env.cleanup().await;
}

async fn every_sign_in_gets_a_new_session_id(b: Backend) {
    let f = fx(b).await;
    let c = f.clock.as_ref();
    let (_, one) = f.auth.sign_in(&f.t, c, "anna@example.se", PW, &origin("10.0.0.1")).await.expect("one");
    let (_, two) = f.auth.sign_in(&f.t, c, "anna@example.se", PW, &origin("10.0.0.1")).await.expect("two");
    assert_ne!(one, two);
    // tower-sessions' id: 128 random bits, base64url.
    assert_eq!(one.len(), 22, "128-bit id: {one}");
    assert!(one.parse::<tower_sessions::session::Id>().is_ok());
    let stored: Vec<String> =
        sqlx::query_scalar("SELECT id_hash FROM sessions").fetch_all(f.t.db().pool()).await.expect("rows");
    assert!(!stored.contains(&one) && !stored.contains(&two), "cookie values are stored in clear");
    f.env.cleanup().await;
}

async fn sessions_expire_when_idle_and_at_the_absolute_limit(b: Backend) {
    let f = fx(b).await;
    let c = f.clock.as_ref();
    let limits = SessionLimits::default();
    let (_, cookie) = f.auth.sign_in(&f.t, c, "anna@example.se", PW, &origin("10.0.0.1")).await.expect("in");
    let start = c.now_ms();
    // Active every 20 minutes: fine until the 12-hour limit.
    let mut now = start;
    while now + 20 * 60_000 < start + 12 * 3_600_000 {
        now += 20 * 60_000;
        f.clock.set(now);
        assert!(sessions::load(&f.t, c, limits, &cookie).await.expect("load").is_some(), "dropped at {}", now - start);
    }
    f.clock.set(start + 12 * 3_600_000 + 1);
    assert!(sessions::load(&f.t, c, limits, &cookie).await.expect("load").is_none(), "absolute limit");
    let (_, idle) = f.auth.sign_in(&f.t, c, "anna@example.se", PW, &origin("10.0.0.1")).await.expect("in");
    f.clock.set(c.now_ms() + 31 * 60_000);
    assert!(sessions::load(&f.t, c, limits, &idle).await.expect("load").is_none(), "idle limit");
    f.env.cleanup().await;
}

async fn throttling_engages_and_releases(b: Backend) {
    let f = fx(b).await;
    let c = f.clock.as_ref();
    for _ in 0..6 {
        let _ = f.auth.sign_in(&f.t, c, "anna@example.se", "wrong horse battery staple", &origin("10.0.0.9")).await;
    }
    // Now even the right password waits, with the wait in the answer.
    match f.auth.sign_in(&f.t, c, "anna@example.se", PW, &origin("10.0.0.9")).await {
        Err(SignInError::Throttled(s)) => assert!((1..=900).contains(&s), "{s}"),
        other => panic!("not throttled: {other:?}"),
    }
    f.clock.set(c.now_ms() + 3_000);
    assert!(f.auth.sign_in(&f.t, c, "anna@example.se", PW, &origin("10.0.0.9")).await.is_ok(), "released");
    let log = logbook::list(&f.t, &Filter::default()).await.expect("log");
    assert!(log.iter().any(|e| e.action == "auth.sign_in.throttled"));
    f.env.cleanup().await;
}

async fn disabled_users_and_role_changes_end_sessions(b: Backend) {
    let f = fx(b).await;
    let c = f.clock.as_ref();
    let limits = f.auth.limits;
    let (_, s1) = f.auth.sign_in(&f.t, c, "anna@example.se", PW, &origin("10.0.0.1")).await.expect("in");
    users::set_role(&f.t, c, Actor::System, &f.user, Role::Manager).await.expect("role");
    assert!(sessions::load(&f.t, c, limits, &s1).await.expect("load").is_none(), "role change keeps the old session");
    let (u, s2) = f.auth.sign_in(&f.t, c, "anna@example.se", PW, &origin("10.0.0.1")).await.expect("in");
    assert_eq!(u.role, Role::Manager);
    users::set_enabled(&f.t, c, Actor::System, &u, false).await.expect("disable");
    assert!(sessions::load(&f.t, c, limits, &s2).await.expect("load").is_none(), "disabled user kept a session");
    f.env.cleanup().await;
}

async fn tokens_are_single_use_and_expire(b: Backend) {
    let f = fx(b).await;
    let c = f.clock.as_ref();
    let token = tokens::issue(&f.t, c, &f.user, tokens::Purpose::Reset).await.expect("issue");
    assert_eq!(tokens::peek(&f.t, c, &token).await.expect("peek"), f.user.id);
    assert_eq!(tokens::consume(&f.t, c, &token).await.expect("use"), f.user.id);
    assert!(matches!(tokens::consume(&f.t, c, &token).await, Err(AuthError::BadToken)), "reused");
    let late = tokens::issue(&f.t, c, &f.user, tokens::Purpose::Reset).await.expect("issue");
    f.clock.set(c.now_ms() + 24 * 3_600_000 + 1);
    assert!(matches!(tokens::consume(&f.t, c, &late).await, Err(AuthError::BadToken)), "expired");
    assert!(matches!(tokens::consume(&f.t, c, "forged-token").await, Err(AuthError::BadToken)));
    // A newer link replaces an older unused one.
    let a = tokens::issue(&f.t, c, &f.user, tokens::Purpose::Reset).await.expect("a");
    let b2 = tokens::issue(&f.t, c, &f.user, tokens::Purpose::Reset).await.expect("b");
    assert!(tokens::peek(&f.t, c, &a).await.is_err());
    assert!(tokens::peek(&f.t, c, &b2).await.is_ok());
    f.env.cleanup().await;
}

async fn password_changes_follow_policy_refuse_reuse_and_end_sessions(b: Backend) {
    let f = fx(b).await;
    let c = f.clock.as_ref();
    let (_, s) = f.auth.sign_in(&f.t, c, "anna@example.se", PW, &origin("10.0.0.1")).await.expect("in");
    let err = users::set_password(&f.t, c, &f.auth.hasher, &f.user, "short").await.expect_err("short");
    assert!(matches!(err, AuthError::Policy(PolicyError::TooShort(12))));
    let err = users::set_password(&f.t, c, &f.auth.hasher, &f.user, PW).await.expect_err("same");
    assert!(matches!(err, AuthError::Policy(PolicyError::Reused)), "{err}");
    let next = "a completely different phrase";
    users::set_password(&f.t, c, &f.auth.hasher, &f.user, next).await.expect("change");
    assert!(sessions::load(&f.t, c, f.auth.limits, &s).await.expect("load").is_none(), "old sessions survive a change");
    let u = users::by_id(&f.t, &f.user.id).await.expect("read").expect("user");
    let err = users::set_password(&f.t, c, &f.auth.hasher, &u, PW).await.expect_err("reuse");
    assert!(matches!(err, AuthError::Policy(PolicyError::Reused)), "{err}");
    f.env.cleanup().await;
}

async fn a_session_of_one_tenant_is_nothing_at_another(b: Backend) {
    let f = fx(b).await;
    let c = f.clock.as_ref();
    let other = Slug::parse("beta").expect("slug");
    f.env.tenancy.create_tenant(&other, "Beta AB", f.env.target()).await.expect("beta");
    let beta = f.env.tenancy.open_active(&other).await.expect("open");
    let (_, cookie) = f.auth.sign_in(&f.t, c, "anna@example.se", PW, &origin("10.0.0.1")).await.expect("in");
    assert!(sessions::load(&beta, c, f.auth.limits, &cookie).await.expect("load").is_none());
    assert!(sessions::load(&f.t, c, f.auth.limits, &cookie).await.expect("load").is_some());
    f.env.cleanup().await;
}

#[test]
fn session_limits_default_to_30_minutes_and_12_hours() {
    let l = SessionLimits::default();
    assert_eq!((l.idle, l.absolute), (Duration::from_secs(1800), Duration::from_secs(43_200)));
}
