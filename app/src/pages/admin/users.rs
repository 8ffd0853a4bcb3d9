use leptos::{prelude::*, server_fn::ServerFn};
use leptos_meta::Title;

use crate::{
    api::admin::{
        list_users, password_policy, ChangeRole, EndSessions, InviteUser, ResetLink, SetPasswordPolicy, SetUserEnabled,
    },
    components::{auth::use_frame, auth::Gate, notice::Notice},
    i18n::{use_lang, use_texts, words},
    model::auth::{Handover, Role, UserView},
};

const ROLES: [Role; 3] = [Role::Employee, Role::Manager, Role::Admin];

/// Accounts, invitations and the password rule: server HTML with plain forms and no island.
/// A one-time link made by a form here comes back to this page sealed in a cookie (never in the
/// address) and is shown once (`core::auth::handover`).
#[component]
pub fn UsersPage() -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    // Read before anything streams, in a store: the `Gate`'s children may render more than once.
    let new_link = StoredValue::new(take_new_link());
    view! {
        <Title text=t.users.title />
        <Gate role=Role::Admin>
            <h1>{t.users.title}</h1>
            <Notice />
            <Suspense fallback=move || view! { <p role="status">{t.frame.loading}</p> }>
                {Suspend::new(async move {
                    match (list_users().await, password_policy().await) {
                        (Ok(users), Ok(min_len)) => view! {
                            <NewLink link=new_link.get_value() users=&users />
                            <Invite />
                            <Accounts users />
                            <PasswordPolicy min_len />
                        }.into_any(),
                        (Err(e), _) | (_, Err(e)) => {
                            view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any()
                        }
                    }
                })}
            </Suspense>
        </Gate>
    }
}

/// The link a form post just made, if this request carries it sealed for the signed-in admin;
/// the cookie ends with this response either way. Read before anything streams, so the
/// `Set-Cookie` goes out with the page's headers.
fn take_new_link() -> Option<Handover> {
    #[cfg(feature = "ssr")]
    {
        use crate::core::{
            auth::handover::{self, Holder},
            clock::SystemClock,
            tenancy::Tenant,
        };
        let parts = use_context::<http::request::Parts>()?;
        let mut values = parts
            .headers
            .get_all(http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(handover::from_cookie_header)
            .peekable();
        values.peek()?;
        crate::api::set_cookie(&handover::clear_cookie());
        let me = use_frame().me?;
        let session = crate::api::session()?.cookie;
        let tenant = use_context::<Tenant>()?;
        let holder = Holder { admin_id: &me.user_id, session: &session };
        values.find_map(|v| handover::open(&tenant, &SystemClock, holder, v))
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}

/// The link just made, in a read-only field that is easy to select and copy, with whom it is
/// for. Shown once; a reload has no cookie left to open.
#[component]
fn NewLink<'a>(link: Option<Handover>, users: &'a [UserView]) -> impl IntoView {
    let t = &use_texts().users;
    link.map(|link| {
        let name = users.iter().find(|u| u.id == link.user_id).map(|u| u.display_name.clone()).unwrap_or_default();
        let full = format!("{}{}", use_frame().site, link.path);
        view! {
            <section class="card handover" aria-labelledby="new-link-title" id="new-link">
                <h2 id="new-link-title">{t.link_title}</h2>
                <p>{(t.link_for)(&name)} " " {t.link_hand_over}</p>
                <div class="form">
                    <label for="new-link-value">{t.one_time_link}</label>
                    <input id="new-link-value" type="text" readonly value=full />
                </div>
            </section>
        }
    })
}

#[component]
fn Accounts(users: Vec<UserView>) -> impl IntoView {
    let me = use_frame().me.map(|m| m.user_id).unwrap_or_default();
    view! {
        <section class="card" aria-labelledby="users-title">
            <h2 id="users-title">{use_texts().users.accounts_title}</h2>
            <ul class="rows" id="users">
                {users.into_iter().map(|u| {
                    let own = u.id == me;
                    view! { <UserRow user=u own /> }
                }).collect_view()}
            </ul>
        </section>
    }
}

/// Invites a person: a plain form; the page it comes back to shows the new link.
#[component]
fn Invite() -> impl IntoView {
    let lang = use_lang();
    let (t, w) = (&use_texts().users, words(lang));
    view! {
        <section class="card" aria-labelledby="invite-title">
            <h2 id="invite-title">{t.invite_title}</h2>
            <form class="form" method="post" action=InviteUser::url()>
                <label for="invite-email">{w.email}</label>
                <input id="invite-email" name="email" type="email" required maxlength="254" autocomplete="off" />
                <label for="invite-name">{w.name}</label>
                <input id="invite-name" name="display_name" type="text" required maxlength="200" autocomplete="off" />
                <label for="invite-role">{w.role}</label>
                <select id="invite-role" name="role">
                    {ROLES.map(|r| view! { <option value=r.as_str() selected=r == Role::Employee>{r.label(lang)}</option> })}
                </select>
                <button type="submit" class="button" id="invite-submit">{t.invite}</button>
            </form>
        </section>
    }
}

/// One account: server HTML; its changes are plain forms (the server answers with this page).
#[component]
fn UserRow(user: UserView, own: bool) -> impl IntoView {
    let lang = use_lang();
    let t = &use_texts().users;
    let status = if !user.active {
        t.disabled
    } else if user.has_password {
        t.active
    } else {
        t.invited
    };
    let email = user.email.clone();
    let id = user.id.clone();
    view! {
        <li class="row" data-email=email>
            <span class="row-main"><strong>{user.display_name}</strong> " " <span class="badge">{status}</span></span>
            <span class="row-meta">{user.email}</span>
            {if own {
                view! { <span class="row-meta">{user.role.label(lang)} {t.you}</span> }.into_any()
            } else {
                let select_id = format!("role-{id}");
                view! {
                    <div class="row-actions">
                        <form method="post" action=ChangeRole::url() class="inline-form">
                            <input type="hidden" name="user_id" value=id.clone() />
                            <label for=select_id.clone() class="visually-hidden">{words(lang).role}</label>
                            <select id=select_id name="role">
                                {ROLES.map(|r| view! { <option value=r.as_str() selected=r == user.role>{r.label(lang)}</option> })}
                            </select>
                            <button type="submit" class="button secondary">{t.save_role}</button>
                        </form>
                        <form method="post" action=SetUserEnabled::url()>
                            <input type="hidden" name="user_id" value=id.clone() />
                            <input type="hidden" name="enabled" value=if user.active { "false" } else { "true" } />
                            <button type="submit" class="button secondary toggle">
                                {if user.active { t.disable } else { t.enable }}
                            </button>
                        </form>
                        <form method="post" action=EndSessions::url()>
                            <input type="hidden" name="user_id" value=id.clone() />
                            <button type="submit" class="button secondary end-sessions">{t.end_sessions}</button>
                        </form>
                        <form method="post" action=ResetLink::url()>
                            <input type="hidden" name="user_id" value=id.clone() />
                            <button type="submit" class="button secondary reset">{t.reset_link}</button>
                        </form>
                    </div>
                }.into_any()
            }}
        </li>
    }
}

/// The organisation's minimum password length: a plain form.
#[component]
fn PasswordPolicy(min_len: u32) -> impl IntoView {
    let t = &use_texts().users;
    view! {
        <section class="card" aria-labelledby="policy-title">
            <h2 id="policy-title">{t.policy_title}</h2>
            <form class="form" method="post" action=SetPasswordPolicy::url()>
                <label for="min-password-len">{t.min_len_label}</label>
                <input id="min-password-len" name="min_len" type="number" min="12" max="64" required
                    value=min_len.to_string() />
                <p class="hint">{t.policy_hint}</p>
                <button type="submit" class="button">{t.save}</button>
            </form>
        </section>
    }
}
