use leptos::{prelude::*, server_fn::ServerFn};

use crate::{
    api::{auth::SignOut, organisation::organisation_name},
    components::auth::{reload_to, use_auth},
    model::auth::Role,
};

/// Page frame: skip link, header, main landmark, footer. `data-hydrated` flips to `true` once the
/// wasm has taken over, which lets end-to-end tests (and curious people) tell SSR from hydrated.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let hydrated = RwSignal::new(false);
    // Effects run only in the browser, so this marks hydration and nothing else.
    Effect::new(move || hydrated.set(true));
    view! {
        <div class="app" data-hydrated=move || if hydrated.get() { "true" } else { "false" }>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <header class="site-header">
                <a class="brand" href="/">"Samtal"</a>
                <OrganisationName />
                <AccountNav />
            </header>
            <main id="main" tabindex="-1">{children()}</main>
            <footer class="site-footer">
                <p>"Samtal keeps your personal data encrypted and in your organisation's own database."</p>
            </footer>
        </div>
    }
}

/// The organisation's name from its own database, rendered on the server and kept on hydration.
#[component]
fn OrganisationName() -> impl IntoView {
    let name = Resource::new(|| (), |_| organisation_name());
    view! {
        <Suspense fallback=|| view! { <span class="tagline">"\u{a0}"</span> }>
            <span class="tagline" id="org-name">
                {move || name.get().map(|r| r.unwrap_or_default())}
            </span>
        </Suspense>
    }
}

/// Links for the signed-in person (admin links only for admins; the server checks again) and
/// sign-out, or a sign-in link.
#[component]
fn AccountNav() -> impl IntoView {
    let auth = use_auth();
    view! {
        <nav class="account-nav" aria-label="Account">
            <Suspense fallback=|| ()>
                {move || auth.me.get().map(|r| match r.ok().flatten() {
                    Some(me) => view! {
                        {(me.role == Role::Admin).then(|| view! {
                            <a href="/admin/users">"Users"</a>
                            <a href="/admin/logbook">"Logbook"</a>
                        })}
                        <a href="/account" id="account-link">{me.display_name}</a>
                        <SignOutButton />
                    }.into_any(),
                    None => view! { <a href="/sign-in" id="sign-in-link">"Sign in"</a> }.into_any(),
                })}
            </Suspense>
        </nav>
    }
}

#[component]
fn SignOutButton() -> impl IntoView {
    let busy = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        leptos::task::spawn_local(async move {
            // Signed out on the server or not, a fresh page shows the truth.
            let _ = crate::api::auth::sign_out().await;
            reload_to("/sign-in?signed_out=1");
        });
    };
    view! {
        <form class="inline" method="post" action=SignOut::url() on:submit=on_submit>
            <button type="submit" class="link-button" id="sign-out" disabled=move || busy.get()>"Sign out"</button>
        </form>
    }
}
