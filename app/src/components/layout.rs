use leptos::{prelude::*, server_fn::ServerFn};
use leptos_router::hooks::use_location;

use crate::{
    api::{auth::SignOut, preferences::SetLanguage},
    components::auth::use_frame,
    i18n::{texts, FrameTexts, Lang},
    model::auth::{Me, Role},
};

/// Page frame: skip link, header, the main navigation for the signed-in person's role, main
/// landmark, footer with the language switch. A server component: it ships no WebAssembly.
/// `data-hydrated` flips to `true` once the islands have taken over (set by the browser entry
/// point), which lets end-to-end tests tell server HTML from a live page.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let frame = use_frame();
    let t = &texts(frame.lang).frame;
    let location = use_location();
    let path = location.pathname.get_untracked();
    let search = location.search.get_untracked();
    view! {
        <div class="app" data-hydrated="false">
            <a class="skip-link" href="#main">{t.skip_link}</a>
            <header class="site-header">
                <a class="brand" href="/">"Samtal"</a>
                <span class="org-name" id="org-name">{frame.org_name}</span>
                <AccountNav me=frame.me.clone() t />
            </header>
            {frame.me.map(|me| view! { <MainNav me path=path.clone() t /> })}
            <main id="main" tabindex="-1">{children()}</main>
            <footer class="site-footer">
                <p>{t.footer}</p>
                <LanguageSwitch current=frame.lang back=back_to(&path, &search) t />
            </footer>
        </div>
    }
}

/// Where the person may go, for their role only (the server checks every page and call again).
/// One list: a bar along the top on a desktop, a bar at the bottom edge on a phone, where a
/// thumb reaches it.
#[component]
fn MainNav(me: Me, path: String, t: &'static FrameTexts) -> impl IntoView {
    let mut links = vec![("/", t.start, "nav-start")];
    if me.role == Role::Admin {
        links.extend([
            ("/people", t.people, "nav-people"),
            ("/admin/rounds", t.rounds, "nav-rounds"),
            ("/admin/users", t.users, "nav-users"),
            ("/admin/logbook", t.logbook, "nav-logbook"),
            ("/admin/organisation", t.organisation, "nav-organisation"),
        ]);
    } else {
        links.push(("/talks", t.talks, "nav-talks"));
        if me.role == Role::Manager {
            links.push(("/people", t.people, "nav-people"));
        }
        links.push(("/account", t.account, "nav-account"));
    }
    view! {
        <nav class="main-nav" aria-label=t.main_nav>
            <ul>
                {links.into_iter().map(|(href, label, id)| {
                    let current = (path == href).then_some("page");
                    view! { <li><a href=href id=id aria-current=current>{label}</a></li> }
                }).collect_view()}
            </ul>
        </nav>
    }
}

/// The signed-in person's account link and sign-out, or a sign-in link.
#[component]
fn AccountNav(me: Option<Me>, t: &'static FrameTexts) -> impl IntoView {
    view! {
        <div class="account-nav">
            {match me {
                Some(me) => view! {
                    <a href="/account" id="account-link">{me.display_name}</a>
                    <SignOutButton label=t.sign_out />
                }.into_any(),
                None => view! { <a href="/sign-in" id="sign-in-link">{t.sign_in}</a> }.into_any(),
            }}
        </div>
    }
}

/// A plain form: it works before, after and without any script. The server function answers a
/// form post with a redirect to the sign-in page.
#[component]
fn SignOutButton(label: &'static str) -> impl IntoView {
    view! {
        <form class="inline" method="post" action=SignOut::url()>
            <button type="submit" class="link-button" id="sign-out">{label}</button>
        </form>
    }
}

/// Two buttons in a plain form: the server keeps the choice in a cookie and sends the person
/// back to this page. Each language is named in itself.
#[component]
fn LanguageSwitch(current: Lang, back: String, t: &'static FrameTexts) -> impl IntoView {
    view! {
        <form class="lang-switch" method="post" action=SetLanguage::url()>
            <input type="hidden" name="back" value=back />
            <fieldset>
                <legend>{t.language}</legend>
                {Lang::ALL.map(|l| view! {
                    <button type="submit" name="lang" value=l.code() lang=l.code() id=format!("lang-{}", l.code())
                        class="button secondary" aria-pressed=if l == current { "true" } else { "false" }>
                        {l.own_name()}
                    </button>
                })}
            </fieldset>
        </form>
    }
}

/// This page's address without a form's outcome (`done`, `error`, …), to come back to after
/// switching language.
fn back_to(path: &str, search: &str) -> String {
    let kept: Vec<&str> = search
        .trim_start_matches('?')
        .split('&')
        .filter(|kv| !kv.is_empty())
        .filter(|kv| !matches!(kv.split('=').next(), Some("done" | "error" | "wait" | "why" | "signed_out")))
        .collect();
    if kept.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", kept.join("&"))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn coming_back_drops_the_outcome_and_keeps_the_rest() {
        assert_eq!(super::back_to("/admin/logbook", "?page=2&done=x&action=a"), "/admin/logbook?page=2&action=a");
        assert_eq!(super::back_to("/account", "?error=invalid&why=weak"), "/account");
        assert_eq!(super::back_to("/", ""), "/");
    }
}
