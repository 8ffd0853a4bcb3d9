use leptos::{prelude::*, server_fn::ServerFn};

use crate::{
    api::auth::SignOut,
    components::auth::use_frame,
    model::auth::{Me, Role},
};

/// Page frame: skip link, header, main landmark, footer. A server component: it ships no
/// WebAssembly. `data-hydrated` flips to `true` once the islands have taken over (set by the
/// browser entry point), which lets end-to-end tests tell server HTML from a live page.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let frame = use_frame();
    view! {
        <div class="app" data-hydrated="false">
            <a class="skip-link" href="#main">"Skip to content"</a>
            <header class="site-header">
                <a class="brand" href="/">"Samtal"</a>
                <span class="tagline" id="org-name">{frame.org_name}</span>
                <AccountNav me=frame.me />
            </header>
            <main id="main" tabindex="-1">{children()}</main>
            <footer class="site-footer">
                <p>"Samtal keeps each organisation's data in a database of its own."</p>
            </footer>
        </div>
    }
}

/// Links for the signed-in person (admin links only for admins; the server checks again) and
/// sign-out, or a sign-in link.
#[component]
fn AccountNav(me: Option<Me>) -> impl IntoView {
    view! {
        <nav class="account-nav" aria-label="Account">
            {match me {
                Some(me) => view! {
                    {(me.role == Role::Admin).then(|| view! {
                        <a href="/admin/users">"Users"</a>
                        <a href="/admin/logbook">"Logbook"</a>
                    })}
                    <a href="/account" id="account-link">{me.display_name}</a>
                    <SignOutButton />
                }.into_any(),
                None => view! { <a href="/sign-in" id="sign-in-link">"Sign in"</a> }.into_any(),
            }}
        </nav>
    }
}

/// A plain form: it works before, after and without any script. The server function answers a
/// form post with a redirect to the sign-in page.
#[component]
fn SignOutButton() -> impl IntoView {
    view! {
        <form class="inline" method="post" action=SignOut::url()>
            <button type="submit" class="link-button" id="sign-out">"Sign out"</button>
        </form>
    }
}
