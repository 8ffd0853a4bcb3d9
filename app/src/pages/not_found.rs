use leptos::prelude::*;
use leptos_meta::Title;

/// Shown for any path no route matches; the server answers it with status 404.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    let t = &crate::i18n::use_texts().not_found;
    view! {
        <Title text=t.title />
        <section class="card" aria-labelledby="nf-title">
            <h1 id="nf-title">{t.title}</h1>
            <p>{t.text}</p>
            <p><a href="/">{t.go_start}</a></p>
        </section>
    }
}
