use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    api::admin::list_users,
    components::auth::use_frame,
    i18n::{texts, HomeTexts, Texts},
    model::auth::{Me, Role},
};

/// The start page. Signed in, it is the person's own start for their role: an admin sees what
/// needs attention and where to act; a manager or an employee sees what waits for them. Anyone
/// else sees what Samtal is and the way in. It says only what is built.
#[component]
pub fn HomePage() -> impl IntoView {
    let frame = use_frame();
    let t = texts(frame.lang);
    match frame.me {
        Some(me) => view! { <Start me t /> }.into_any(),
        None => view! {
            <Title text="" />
            <section class="hero" aria-labelledby="hero-title">
                <h1 id="hero-title">{t.home.hero_title}</h1>
                <p class="lead">{t.home.hero_lead}</p>
                <p><a class="button" id="start-sign-in" href="/sign-in">{t.words.sign_in}</a></p>
            </section>
            <section class="card" aria-labelledby="promises-title">
                <h2 id="promises-title">{t.home.promises_title}</h2>
                <ul class="promises">
                    <li>{t.home.promise_own_db}</li>
                    <li>{t.home.promise_passwords}</li>
                    <li>{t.home.promise_logbook}</li>
                </ul>
            </section>
        }
        .into_any(),
    }
}

#[component]
fn Start(me: Me, t: &'static Texts) -> impl IntoView {
    let h = &t.home;
    let lang = use_frame().lang;
    view! {
        <Title text=h.title />
        <h1>{(h.hello)(&me.display_name)}</h1>
        <p class="lead" id="start-role">{(h.your_role)(me.role.label(lang))}</p>
        {match me.role {
            Role::Admin => view! { <Attention h /> }.into_any(),
            Role::Manager => view! { <ForYou h text=h.coming_manager /> }.into_any(),
            Role::Employee => view! { <ForYou h text=h.coming_employee /> }.into_any(),
        }}
        <ul class="start-links" aria-label=h.where_to_go>
            <StartLink href="/talks" title=t.talks.my_title text=t.talks.start_talks />
            {(me.role == Role::Admin).then(|| view! {
                <StartLink href="/admin/rounds" title=t.talks.rounds text=t.talks.start_rounds />
            })}
            {(me.role >= Role::Manager).then(|| {
                let text = if me.role == Role::Admin { h.people_text_admin } else { h.people_text_manager };
                view! { <StartLink href="/people" title=h.people_title text /> }
            })}
            {(me.role == Role::Admin).then(|| view! {
                <StartLink href="/admin/users" title=h.users_title text=h.users_text />
                <StartLink href="/admin/logbook" title=h.logbook_title text=h.logbook_text />
                <StartLink href="/admin/organisation" title=h.organisation_title text=h.organisation_text />
            })}
            <StartLink href="/account" title=h.account_title text=h.account_text />
        </ul>
    }
}

#[component]
fn StartLink(href: &'static str, title: &'static str, text: &'static str) -> impl IntoView {
    view! {
        <li><a class="card start-link" href=href>
            <strong>{title}</strong>
            <span>{text}</span>
        </a></li>
    }
}

/// What an admin should look at: accounts waiting for their owner, accounts turned off.
#[component]
fn Attention(h: &'static HomeTexts) -> impl IntoView {
    let lang = use_frame().lang;
    view! {
        <section class="card attention" aria-labelledby="attention-title" id="attention">
            <h2 id="attention-title">{h.attention_title}</h2>
            <Suspense fallback=move || view! { <p role="status">{texts(lang).frame.loading}</p> }>
                {Suspend::new(async move {
                    match list_users().await {
                        Ok(users) => {
                            let invited = users.iter().filter(|u| u.active && !u.has_password).count();
                            let disabled = users.iter().filter(|u| !u.active).count();
                            let items: Vec<String> = [
                                (invited > 0).then(|| (h.invited_waiting)(invited)),
                                (disabled > 0).then(|| (h.disabled_accounts)(disabled)),
                            ].into_iter().flatten().collect();
                            if items.is_empty() {
                                view! { <p class="empty">{h.nothing_waiting}</p> }.into_any()
                            } else {
                                view! {
                                    <ul>{items.into_iter().map(|i| view! { <li><a href="/admin/users">{i}</a></li> }).collect_view()}</ul>
                                }.into_any()
                            }
                        }
                        Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// A manager's or an employee's own items; nothing is built for them yet but their account,
/// so it says that nothing waits rather than promise what is not there.
#[component]
fn ForYou(h: &'static HomeTexts, text: &'static str) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="for-you-title" id="for-you">
            <h2 id="for-you-title">{h.coming_title}</h2>
            <p class="empty">{text}</p>
        </section>
    }
}
