//! Server functions, one per file, grouped by area. Each is thin: authorize, call the core, map
//! errors. Endpoints are named explicitly so their URLs stay stable across builds.
pub mod admin;
pub mod auth;
pub mod gdpr;
pub mod organisation;
pub mod people;
pub mod preferences;
pub mod system;
pub mod talks;

#[cfg(feature = "ssr")]
pub use server_side::*;

#[cfg(feature = "ssr")]
mod server_side {
    use leptos::prelude::*;

    use crate::{
        core::{
            auth::{guard, users::User, CurrentSession},
            clock::SystemClock,
            logbook::{self, Action, Event, Origin, Outcome},
            state::AppState,
            tenancy::Tenant,
        },
        error::{AppError, Problem},
    };

    /// The tenant this request was resolved to. The middleware has already refused requests
    /// without one, so a miss is a server fault.
    pub fn tenant() -> Result<Tenant, AppError> {
        use_context::<Tenant>().ok_or_else(|| {
            tracing::error!("server function called without a resolved tenant");
            AppError::Internal
        })
    }

    pub fn state() -> Result<AppState, AppError> {
        use_context::<AppState>().ok_or(AppError::Internal)
    }

    pub fn session() -> Option<CurrentSession> {
        use_context::<Option<CurrentSession>>().flatten()
    }

    /// This request's tower-sessions handle (present on every tenant request), to start, renew
    /// or end the web session.
    pub fn web_session() -> Result<tower_sessions::Session, AppError> {
        use_context::<http::request::Parts>()
            .and_then(|p| p.extensions.get::<tower_sessions::Session>().cloned())
            .ok_or_else(|| {
                tracing::error!("server function called without the session layer");
                AppError::Internal
            })
    }

    /// Starts a web session for `user` under a new id: whatever session came with the request
    /// ends (a sign-in never keeps an id); the row is written as the response goes out.
    pub async fn start_session(user: &User) -> Result<(), AppError> {
        let session = web_session()?;
        session.cycle_id().await.map_err(internal)?;
        session.insert(crate::core::auth::session_store::USER_KEY, &user.id).await.map_err(internal)
    }

    /// Client IP, user agent and request id for the logbook, as the server's middleware decided
    /// them (the IP behind a trusted proxy, the server's own request id).
    pub fn origin() -> Origin {
        use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<Origin>().cloned())
            .unwrap_or_default()
    }

    /// The guard every server function calls with what it needs. A refusal is logged and changes
    /// nothing; its status (401/403) comes from `AppError::status`, like every error's.
    pub async fn require(need: guard::Need<'_>) -> Result<(Tenant, User), AppError> {
        let tenant = tenant()?;
        let current = session();
        match guard::require(current.as_ref().map(|s| &s.user), need) {
            Ok(user) => Ok((tenant, user.clone())),
            Err(guard::Denied::NotSignedIn) => Err(AppError::NotSignedIn),
            Err(guard::Denied::Forbidden) => {
                let user = current.map(|s| s.user);
                let actor = user.as_ref().map(User::actor).unwrap_or(logbook::Actor::System);
                let event = Event::new(actor, Action::AuthAccessDenied, Outcome::Denied).origin(origin());
                if let Err(e) = logbook::record(&tenant, &SystemClock, &event).await {
                    tracing::error!(error = %e, "could not log a denied request");
                }
                Err(AppError::Forbidden)
            }
        }
    }

    /// A person's record, for a signed-in account whose reach covers it (admins: everyone;
    /// managers: their reporting line; employees: themselves). A refusal is logged with the
    /// person's id and answered 403, like every refusal of the guard.
    pub async fn require_person(person_id: &str) -> Result<(Tenant, User), AppError> {
        use crate::core::{clock::Clock, people::access};
        let (tenant, user) = require(guard::Need::SignedIn).await?;
        let today = crate::model::format::iso_date(SystemClock.now_ms() / 1000);
        let reach = access::reach(&tenant, &user, &today).await.map_err(internal)?;
        match guard::require(Some(&user), guard::Need::Person(person_id, &reach)) {
            Ok(_) => Ok((tenant, user)),
            Err(_) => {
                let mut event = Event::new(user.actor(), Action::AuthAccessDenied, Outcome::Denied).origin(origin());
                if let Ok(id) = logbook::Id::parse(person_id) {
                    event = event.target(logbook::TargetType::Person, id);
                }
                if let Err(e) = logbook::record(&tenant, &SystemClock, &event).await {
                    tracing::error!(error = %e, "could not log a denied request");
                }
                Err(AppError::Forbidden)
            }
        }
    }

    /// The account an admin function acts on: it must exist and must not be the admin's own
    /// (an organisation must not lose its last admin by a slip).
    pub async fn other_account(tenant: &Tenant, admin: &User, user_id: &str) -> Result<User, AppError> {
        if admin.id == user_id {
            return Err(AppError::Invalid(Problem::OwnAccount));
        }
        crate::core::auth::users::by_id(tenant, user_id)
            .await
            .map_err(internal)?
            .ok_or(AppError::Invalid(Problem::NoSuchAccount))
    }

    /// Issues a one-time link for `user` (earlier unused ones stop working), logs it, and delivers
    /// it: e-mailed to the account's owner when SMTP is configured — then the admin does not see
    /// it (least privilege: an admin could otherwise sign in as anyone) — and otherwise returned
    /// for the admin to hand over. A failed e-mail is logged (account id and SMTP code, never the
    /// address) and the link is returned instead.
    pub async fn hand_out_link(
        tenant: &Tenant,
        admin: &User,
        user: &User,
        purpose: crate::core::auth::tokens::Purpose,
    ) -> Result<crate::model::auth::LinkIssued, AppError> {
        use crate::core::auth::tokens::{self, Purpose};
        let token = tokens::issue(tenant, &SystemClock, user, purpose).await.map_err(internal)?;
        let action = match purpose {
            Purpose::Invite => Action::UserInvited,
            Purpose::Reset => Action::AuthResetLinkIssued,
        };
        let event = Event::new(admin.actor(), action, Outcome::Success)
            .target(logbook::TargetType::User, user.log_id())
            .origin(origin());
        logbook::record(tenant, &SystemClock, &event).await.map_err(internal)?;
        let path = crate::model::auth::set_password_path(&token);
        let Some(mailer) = state().ok().and_then(|s| s.mailer) else {
            return Ok(crate::model::auth::LinkIssued { path: Some(path), emailed: false });
        };
        let profile = crate::core::organisation::profile(tenant).await.ok().flatten();
        let (org, lang) = profile.map(|p| (p.name, p.language)).unwrap_or_default();
        let link = mailer.link(tenant.slug().as_str(), &path);
        match mailer.send_link(&user.email, &user.display_name, &org, &link, purpose, lang).await {
            Ok(()) => Ok(crate::model::auth::LinkIssued { path: None, emailed: true }),
            Err(e) => {
                tracing::error!(error = %e, user = %user.id, "could not e-mail a one-time link");
                Ok(crate::model::auth::LinkIssued { path: Some(path), emailed: false })
            }
        }
    }

    /// A password the policy refused, as the person's problem.
    pub fn password_problem(e: crate::core::auth::password::PolicyError) -> AppError {
        use crate::core::auth::password::{PolicyError as P, Weakness, MAX_LEN};
        use crate::error::WeakBecause;
        let n = |len: usize| u32::try_from(len).unwrap_or(u32::MAX);
        AppError::Invalid(match e {
            P::TooShort(min) => Problem::PasswordTooShort { min: n(min) },
            P::TooLong => Problem::PasswordTooLong { max: n(MAX_LEN) },
            P::Weak(w) => Problem::PasswordWeak(match w {
                Weakness::Common => WeakBecause::Common,
                Weakness::Pattern => WeakBecause::Pattern,
                Weakness::Dates => WeakBecause::Dates,
                Weakness::Words => WeakBecause::Words,
                Weakness::Unsaid => WeakBecause::Unsaid,
            }),
            P::Personal => Problem::PasswordPersonal,
            P::Reused => Problem::PasswordReused,
        })
    }

    /// An admin change that would leave no active admin, in words; anything else is internal.
    pub fn last_admin_or_internal(e: crate::core::auth::AuthError) -> AppError {
        match e {
            crate::core::auth::AuthError::LastAdmin => AppError::LastAdmin,
            e => internal(e),
        }
    }

    /// Answers a plain form post with a redirect to `back` saying what happened (`?done=…` or
    /// `?error=…`, codes only); an island's call gets the result as it is.
    pub fn answer_form<T>(result: Result<T, AppError>, back: &str, done: &str) -> Result<T, AppError> {
        answer_form_to(result, &format!("{back}?done={done}"), back)
    }

    /// Like [`answer_form`], for a form whose success leads elsewhere: to `ok_to`, or back to
    /// `err_page` with the error's code.
    pub fn answer_form_to<T>(result: Result<T, AppError>, ok_to: &str, err_page: &str) -> Result<T, AppError> {
        match &result {
            Ok(_) => redirect_form_post(ok_to),
            Err(e) => redirect_form_post(&format!("{err_page}?{}", e.to_query())),
        }
        result
    }

    /// Answers a plain form post that made a one-time link: back to the users page, with the
    /// link sealed in a short-lived cookie that only this admin's next view of that page opens
    /// (`core::auth::handover`), never in the address. `done` names what was made; an e-mailed
    /// link says so instead. Any other caller gets the [`LinkIssued`] as it is.
    ///
    /// [`LinkIssued`]: crate::model::auth::LinkIssued
    pub fn answer_link_form(
        result: Result<(Tenant, User, User, crate::model::auth::LinkIssued), AppError>,
        done: &str,
    ) -> Result<crate::model::auth::LinkIssued, AppError> {
        use crate::core::auth::handover::{self, Handover, Holder};
        let result = result.and_then(|(tenant, admin, user, mut issued)| {
            if let (true, Some(path)) = (is_plain_form(), &issued.path) {
                let session = session().map(|s| s.cookie).unwrap_or_default();
                let holder = Holder { admin_id: &admin.id, session: &session };
                let link = Handover { user_id: user.id.clone(), path: path.clone() };
                let Some(sealed) = handover::seal(&tenant, &SystemClock, holder, &link) else {
                    // The link was made and logged, but cannot be shown: say so (a new reset
                    // link replaces it), never "done" with nothing to hand over.
                    return Err(internal("could not seal a one-time link for its page"));
                };
                set_cookie(&handover::set_cookie(&sealed));
                // The redirect's body is no place for the token either.
                issued.path = None;
            }
            Ok(issued)
        });
        let done = match &result {
            Ok(issued) if issued.emailed => "link_emailed",
            _ => done,
        };
        answer_form(result, handover::PAGE, done)
    }

    /// Adds a `Set-Cookie` header to this response.
    pub fn set_cookie(cookie: &str) {
        if let (Some(res), Ok(v)) = (use_context::<leptos_axum::ResponseOptions>(), http::HeaderValue::from_str(cookie))
        {
            res.append_header(http::header::SET_COOKIE, v);
        }
    }

    /// Whether this request is a plain form post: no script ran, the browser asked for HTML.
    pub(crate) fn is_plain_form() -> bool {
        use_context::<http::request::Parts>().is_some_and(|p| {
            p.headers.get(http::header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"))
        })
    }

    /// Answers a plain form post with a redirect to `path`, one of our own pages. A call from
    /// an island gets its value as usual.
    pub fn redirect_form_post(path: &str) {
        if is_plain_form() {
            leptos_axum::redirect(path);
        }
    }

    /// Ids the register and the talks make are 32 lower-case hexadecimal characters; anything
    /// else is no id of ours (and never goes into a redirect's address): `missing` says so.
    pub(crate) fn checked_id(id: &str, missing: Problem) -> Result<&str, AppError> {
        if id.len() == 32 && id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
            Ok(id)
        } else {
            Err(AppError::Invalid(missing))
        }
    }

    /// Logs and hides an internal error.
    pub fn internal(e: impl std::fmt::Display) -> AppError {
        tracing::error!(error = %e, "server function failed");
        AppError::Internal
    }
}
