use leptos::prelude::*;

use crate::api::organisation::organisation_name;

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
