use leptos::prelude::*;
use leptos_meta::Title;

/// Shown for any path no route matches; the server answers it with status 404.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page not found" />
        <section class="card" aria-labelledby="nf-title">
            <h1 id="nf-title">"Page not found"</h1>
            <p>
                "There is no page at this address. It may have moved, or the link may be mistyped."
            </p>
            <p><a href="/">"Go to the start page"</a></p>
        </section>
    }
}
