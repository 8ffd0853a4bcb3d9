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
    model::auth::{Role, UserView},
};

const ROLES: [Role; 3] = [Role::Employee, Role::Manager, Role::Admin];

/// Accounts, invitations and the password rule. The list and every change to an account are
/// server HTML with plain forms; only what must show a one-time link in place is an island.
#[component]
pub fn UsersPage() -> impl IntoView {
    view! {
        <Title text="Users" />
        <Gate role=Role::Admin>
            <h1>"Users"</h1>
            <Notice />
            <noscript>
                <p class="hint">"Inviting and reset links need JavaScript: the one-time link is shown on this page, never put in an address. Everything else here works without it."</p>
            </noscript>
            <Invite />
            <Suspense fallback=|| view! { <p role="status">"Loading…"</p> }>
                {Suspend::new(async move {
                    match (list_users().await, password_policy().await) {
                        (Ok(users), Ok(min_len)) => view! {
                            <Accounts users />
                            <PasswordPolicy min_len />
                        }.into_any(),
                        (Err(e), _) | (_, Err(e)) => {
                            view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any()
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
            <h2 id="users-title">"Accounts"</h2>
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
pub fn Invite() -> impl IntoView {
    let email = NodeRef::<html::Input>::new();
    let name = NodeRef::<html::Input>::new();
    let role = NodeRef::<html::Select>::new();
    let outcome = Outcome::new();
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
            Some(handed_out("Invited; the list shows them when you reload the page.", issued.emailed))
        });
    };
    view! {
        <section class="card" aria-labelledby="invite-title">
            <h2 id="invite-title">"Invite a person"</h2>
            <form class="form" on:submit=on_submit>
                <label for="invite-email">"E-mail"</label>
                <input id="invite-email" type="email" required maxlength="254" autocomplete="off" node_ref=email />
                <label for="invite-name">"Name"</label>
                <input id="invite-name" type="text" required maxlength="200" autocomplete="off" node_ref=name />
                <label for="invite-role">"Role"</label>
                <select id="invite-role" node_ref=role>
                    {ROLES.map(|r| view! { <option value=r.as_str() selected=r == Role::Employee>{r.label()}</option> })}
                </select>
                <button type="submit" class="button" id="invite-submit" disabled=move || !ready.get() || outcome.busy.get()>"Invite"</button>
                <OutcomeText outcome id="invite-result" />
            </form>
            <OneTimeLink link id="invite-link" />
        </section>
    }
}

/// A one-time link in a read-only field, easy to select and copy.
#[component]
fn OneTimeLink(link: RwSignal<Option<String>>, #[prop(into)] id: String) -> impl IntoView {
    move || {
        let id = id.clone();
        link.get().map(|l| {
            view! {
                <div class="form">
                    <label for=id.clone()>"One-time link (valid 24 hours, works once)"</label>
                    <input id=id type="text" readonly value=l />
                </div>
            }
        })
    }
}

/// What to tell the admin about a new link.
fn handed_out(done: &str, emailed: bool) -> String {
    if emailed {
        format!("{done} The link was e-mailed to the person; only they can use it.")
    } else {
        format!("{done} Hand over the link below in person or through a channel you trust.")
    }
}

fn full_link(path: &str) -> String {
    format!("{}{path}", window().location().origin().unwrap_or_default())
}

/// One account: server HTML; its changes are plain forms (the server answers with this page).
#[component]
fn UserRow(user: UserView, own: bool) -> impl IntoView {
    let status = if !user.active {
        "Disabled"
    } else if user.has_password {
        "Active"
    } else {
        "Invited"
    };
    let email = user.email.clone();
    let id = user.id.clone();
    view! {
        <li class="row" data-email=email>
            <span class="row-main"><strong>{user.display_name}</strong> " " <span class="badge">{status}</span></span>
            <span class="row-meta">{user.email}</span>
            {if own {
                view! { <span class="row-meta">{user.role.label()} " (you)"</span> }.into_any()
            } else {
                let select_id = format!("role-{id}");
                view! {
                    <div class="row-actions">
                        <form method="post" action=ChangeRole::url() class="inline-form">
                            <input type="hidden" name="user_id" value=id.clone() />
                            <label for=select_id.clone() class="visually-hidden">"Role"</label>
                            <select id=select_id name="role">
                                {ROLES.map(|r| view! { <option value=r.as_str() selected=r == user.role>{r.label()}</option> })}
                            </select>
                            <button type="submit" class="button secondary">"Save role"</button>
                        </form>
                        <form method="post" action=SetUserEnabled::url()>
                            <input type="hidden" name="user_id" value=id.clone() />
                            <input type="hidden" name="enabled" value=if user.active { "false" } else { "true" } />
                            <button type="submit" class="button secondary toggle">
                                {if user.active { "Disable" } else { "Enable" }}
                            </button>
                        </form>
                        <form method="post" action=EndSessions::url()>
                            <input type="hidden" name="user_id" value=id.clone() />
                            <button type="submit" class="button secondary end-sessions">"Sign out everywhere"</button>
                        </form>
                        <ResetLink user_id=id.clone() />
                    </div>
                }.into_any()
            }}
        </li>
    }
}

/// A reset link for one account, shown in place (an island: a link never goes into an address).
#[island]
pub fn ResetLink(user_id: String) -> impl IntoView {
    let outcome = Outcome::new();
    let link = RwSignal::new(None::<String>);
    let link_id = format!("link-{user_id}");
    let id = StoredValue::new(user_id);
    let ready = RwSignal::new(false);
    Effect::new(move || ready.set(true));
    let reset = move |_| {
        outcome.run(reset_link(id.get_value()), move |issued| {
            link.set(issued.path.as_deref().map(full_link));
            Some(handed_out("Reset link made; earlier links of this account stop working.", issued.emailed))
        });
    };
    view! {
        <button type="button" class="button secondary reset" on:click=reset disabled=move || !ready.get() || outcome.busy.get()>"Reset link"</button>
        <OutcomeText outcome />
        <OneTimeLink link id=link_id />
    }
}

/// The organisation's minimum password length: a plain form.
#[component]
fn PasswordPolicy(min_len: u32) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="policy-title">
            <h2 id="policy-title">"Password rules"</h2>
            <form class="form" method="post" action=SetPasswordPolicy::url()>
                <label for="min-password-len">"Minimum length (12–64 characters)"</label>
                <input id="min-password-len" name="min_len" type="number" min="12" max="64" required
                    value=min_len.to_string() />
                <p class="hint">"Applies to the next password anyone sets. Long passphrases beat rules about symbols, so there are none."</p>
                <button type="submit" class="button">"Save"</button>
            </form>
        </section>
    }
}
