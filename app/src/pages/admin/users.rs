use leptos::{html, prelude::*, server_fn::ServerFn};
use leptos_meta::Title;

use crate::{
    api::admin::{
        invite_user, list_users, password_policy, reset_link, ChangeRole, EndSessions, SetPasswordPolicy,
        SetUserEnabled,
    },
    components::{
        auth::{use_frame, Gate},
        form::{selected, value_of, Outcome, OutcomeText},
        notice::Notice,
    },
    i18n::{use_lang, use_texts, words, Lang},
    model::auth::{Role, UserView},
};

const ROLES: [Role; 3] = [Role::Employee, Role::Manager, Role::Admin];

/// Accounts, invitations and the password rule. The list and every change to an account are
/// server HTML with plain forms; only what must show a one-time link in place is an island.
#[component]
pub fn UsersPage() -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    view! {
        <Title text=t.users.title />
        <Gate role=Role::Admin>
            <h1>{t.users.title}</h1>
            <Notice />
            <noscript>
                <p class="hint">{t.users.needs_script}</p>
            </noscript>
            <Invite lang />
            <Suspense fallback=move || view! { <p role="status">{t.frame.loading}</p> }>
                {Suspend::new(async move {
                    match (list_users().await, password_policy().await) {
                        (Ok(users), Ok(min_len)) => view! {
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

/// Invites a person: the account is created and a one-time link shown to hand over. An island:
/// the link must appear in place, never in an address.
#[island]
pub fn Invite(lang: Lang) -> impl IntoView {
    let w = words(lang);
    let email = NodeRef::<html::Input>::new();
    let name = NodeRef::<html::Input>::new();
    let role = NodeRef::<html::Select>::new();
    let outcome = Outcome::new(lang);
    let link = RwSignal::new(None::<String>);
    // Off until the island runs: without it a submit could only reload the page.
    let ready = RwSignal::new(false);
    Effect::new(move || ready.set(true));
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let r = Role::parse(&selected(&role)).unwrap_or(Role::Employee);
        link.set(None);
        outcome.run(invite_user(value_of(&email), value_of(&name), r), move |issued| {
            link.set(issued.path.as_deref().map(full_link));
            Some(handed_out(w.invited, issued.emailed, lang))
        });
    };
    view! {
        <section class="card" aria-labelledby="invite-title">
            <h2 id="invite-title">{w.invite_title}</h2>
            <form class="form" on:submit=on_submit>
                <label for="invite-email">{w.email}</label>
                <input id="invite-email" type="email" required maxlength="254" autocomplete="off" node_ref=email />
                <label for="invite-name">{w.name}</label>
                <input id="invite-name" type="text" required maxlength="200" autocomplete="off" node_ref=name />
                <label for="invite-role">{w.role}</label>
                <select id="invite-role" node_ref=role>
                    {ROLES.map(|r| view! { <option value=r.as_str() selected=r == Role::Employee>{r.label(lang)}</option> })}
                </select>
                <button type="submit" class="button" id="invite-submit" disabled=move || !ready.get() || outcome.busy.get()>{w.invite}</button>
                <OutcomeText outcome id="invite-result" />
            </form>
            <OneTimeLink link id="invite-link" label=w.one_time_link />
        </section>
    }
}

/// A one-time link in a read-only field, easy to select and copy.
#[component]
fn OneTimeLink(link: RwSignal<Option<String>>, #[prop(into)] id: String, label: &'static str) -> impl IntoView {
    move || {
        let id = id.clone();
        link.get().map(|l| {
            view! {
                <div class="form">
                    <label for=id.clone()>{label}</label>
                    <input id=id type="text" readonly value=l />
                </div>
            }
        })
    }
}

/// What to tell the admin about a new link.
fn handed_out(done: &str, emailed: bool, lang: Lang) -> String {
    let w = words(lang);
    format!("{done} {}", if emailed { w.link_emailed } else { w.link_hand_over })
}

fn full_link(path: &str) -> String {
    format!("{}{path}", window().location().origin().unwrap_or_default())
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
                        <ResetLink user_id=id.clone() lang />
                    </div>
                }.into_any()
            }}
        </li>
    }
}

/// A reset link for one account, shown in place (an island: a link never goes into an address).
#[island]
pub fn ResetLink(user_id: String, lang: Lang) -> impl IntoView {
    let w = words(lang);
    let outcome = Outcome::new(lang);
    let link = RwSignal::new(None::<String>);
    let link_id = format!("link-{user_id}");
    let id = StoredValue::new(user_id);
    let ready = RwSignal::new(false);
    Effect::new(move || ready.set(true));
    let reset = move |_| {
        outcome.run(reset_link(id.get_value()), move |issued| {
            link.set(issued.path.as_deref().map(full_link));
            Some(handed_out(w.reset_link_made, issued.emailed, lang))
        });
    };
    view! {
        <button type="button" class="button secondary reset" on:click=reset disabled=move || !ready.get() || outcome.busy.get()>{w.reset_link}</button>
        <OutcomeText outcome />
        <OneTimeLink link id=link_id label=w.one_time_link />
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
