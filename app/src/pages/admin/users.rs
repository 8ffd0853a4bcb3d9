use leptos::{html, prelude::*};
use leptos_meta::Title;

use crate::{
    api::admin::{
        change_role, end_sessions, invite_user, list_users, password_policy, reset_link, set_password_policy,
        set_user_enabled,
    },
    components::{
        auth::{use_auth, Gate},
        form::{selected, value_of, Outcome, OutcomeText},
    },
    model::auth::{Role, UserView},
};

const ROLES: [Role; 3] = [Role::Employee, Role::Manager, Role::Admin];

#[component]
pub fn UsersPage() -> impl IntoView {
    view! {
        <Title text="Users" />
        <Gate role=Role::Admin>
            <UsersAdmin />
        </Gate>
    }
}

#[component]
fn UsersAdmin() -> impl IntoView {
    let version = RwSignal::new(0u32);
    let users = Resource::new(move || version.get(), |_| list_users());
    let me = use_auth().me.get_untracked().and_then(|r| r.ok().flatten()).map(|m| m.user_id);
    let me = StoredValue::new(me);
    view! {
        <h1>"Users"</h1>
        <Invite on_done=move || version.update(|v| *v += 1) />
        <section class="card" aria-labelledby="users-title">
            <h2 id="users-title">"Accounts"</h2>
            <Transition fallback=|| view! { <p role="status">"Loading…"</p> }>
                {move || users.get().map(|r| match r {
                    Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="rows" id="users">
                            {list.into_iter().map(|u| {
                                let own = me.with_value(|m| m.as_deref() == Some(u.id.as_str()));
                                view! { <UserRow user=u own on_change=move || version.update(|v| *v += 1) /> }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                })}
            </Transition>
        </section>
        <PasswordPolicy />
    }
}

/// Invites a person: the account is created and a one-time link shown to hand over.
#[component]
fn Invite(on_done: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let email = NodeRef::<html::Input>::new();
    let name = NodeRef::<html::Input>::new();
    let role = NodeRef::<html::Select>::new();
    let outcome = Outcome::new();
    let link = RwSignal::new(None::<String>);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let r = Role::parse(&selected(&role)).unwrap_or(Role::Employee);
        link.set(None);
        outcome.run(invite_user(value_of(&email), value_of(&name), r), move |issued| {
            link.set(issued.path.as_deref().map(full_link));
            on_done();
            Some(handed_out("Invited.", issued.emailed))
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
                <button type="submit" class="button" id="invite-submit" disabled=move || outcome.busy.get()>"Invite"</button>
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

#[component]
fn UserRow(user: UserView, own: bool, on_change: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let role = NodeRef::<html::Select>::new();
    let outcome = Outcome::new();
    let link = RwSignal::new(None::<String>);
    let id = StoredValue::new(user.id.clone());
    let select_id = format!("role-{}", user.id);
    let status = if !user.active {
        "Disabled"
    } else if user.has_password {
        "Active"
    } else {
        "Invited"
    };
    let save_role = move |_| {
        let r = Role::parse(&selected(&role)).unwrap_or(Role::Employee);
        outcome.run(change_role(id.get_value(), r), move |()| {
            on_change();
            Some("Role changed; their sessions ended.".into())
        });
    };
    let active = user.active;
    let toggle = move |_| {
        outcome.run(set_user_enabled(id.get_value(), !active), move |()| {
            on_change();
            None
        });
    };
    let reset = move |_| {
        outcome.run(reset_link(id.get_value()), move |issued| {
            link.set(issued.path.as_deref().map(full_link));
            Some(handed_out("Reset link made; earlier links of this account stop working.", issued.emailed))
        });
    };
    let sign_out = move |_| {
        outcome.run(end_sessions(id.get_value()), move |n| {
            Some(match n {
                0 => "They had no open sessions.".to_string(),
                1 => "Signed out: 1 session ended.".to_string(),
                n => format!("Signed out: {n} sessions ended."),
            })
        });
    };
    let email = user.email.clone();
    view! {
        <li class="row" data-email=email>
            <span class="row-main"><strong>{user.display_name}</strong> " " <span class="badge">{status}</span></span>
            <span class="row-meta">{user.email}</span>
            {if own {
                view! { <span class="row-meta">{user.role.label()} " (you)"</span> }.into_any()
            } else {
                let link_id = format!("link-{}", id.get_value());
                view! {
                    <div class="row-actions">
                        <label for=select_id.clone() class="visually-hidden">"Role"</label>
                        <select id=select_id node_ref=role>
                            {ROLES.map(|r| view! { <option value=r.as_str() selected=r == user.role>{r.label()}</option> })}
                        </select>
                        <button type="button" class="button secondary" on:click=save_role disabled=move || outcome.busy.get()>"Save role"</button>
                        <button type="button" class="button secondary toggle" on:click=toggle disabled=move || outcome.busy.get()>
                            {if active { "Disable" } else { "Enable" }}
                        </button>
                        <button type="button" class="button secondary reset" on:click=reset disabled=move || outcome.busy.get()>"Reset link"</button>
                        <button type="button" class="button secondary end-sessions" on:click=sign_out disabled=move || outcome.busy.get()>"Sign out everywhere"</button>
                    </div>
                    <OutcomeText outcome />
                    <OneTimeLink link id=link_id />
                }.into_any()
            }}
        </li>
    }
}

/// The organisation's minimum password length.
#[component]
fn PasswordPolicy() -> impl IntoView {
    let current = Resource::new(|| (), |_| password_policy());
    let input = NodeRef::<html::Input>::new();
    let outcome = Outcome::new();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(n) = value_of(&input).trim().parse::<u32>() else {
            outcome.error.set(Some("Enter a number from 12 to 64.".into()));
            return;
        };
        outcome.run(set_password_policy(n), move |()| Some(format!("New passwords need at least {n} characters.")));
    };
    view! {
        <section class="card" aria-labelledby="policy-title">
            <h2 id="policy-title">"Password rules"</h2>
            <Transition fallback=|| ()>
                {move || current.get().map(|r| r.map(|n| view! {
                    <form class="form" on:submit=on_submit>
                        <label for="min-password-len">"Minimum length (12–64 characters)"</label>
                        <input id="min-password-len" type="number" min="12" max="64" required
                            value=n.to_string() node_ref=input />
                        <p class="hint">"Applies to the next password anyone sets. Long passphrases beat rules about symbols, so there are none."</p>
                        <button type="submit" class="button" disabled=move || outcome.busy.get()>"Save"</button>
                        <OutcomeText outcome id="policy-result" />
                    </form>
                }))}
            </Transition>
        </section>
    }
}
