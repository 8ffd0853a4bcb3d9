//! Samtal's application: pages, components, server functions and the types both sides share.
//! The server-side core lives in [`core`] and only exists with the `ssr` feature.
#![forbid(unsafe_code)]

pub mod api;
pub mod components;
#[cfg(feature = "ssr")]
pub mod core;
pub mod error;
pub mod model;
pub mod pages;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path,
};

use crate::components::{auth::provide_auth, layout::Layout};
use crate::pages::{
    account::AccountPage,
    admin::{logbook::LogbookPage, users::UsersPage},
    home::HomePage,
    not_found::NotFound,
    set_password::SetPasswordPage,
    sign_in::SignInPage,
};

/// The HTML document the server renders around [`App`].
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_auth();
    view! {
        <Stylesheet id="samtal-css" href="/pkg/samtal.css" />
        <Title formatter=|page: String| {
            if page.is_empty() { "Samtal".to_string() } else { format!("{page} · Samtal") }
        } />
        <Router>
            <Layout>
                <Routes fallback=NotFound>
                    <Route path=path!("") view=HomePage />
                    <Route path=path!("sign-in") view=SignInPage />
                    <Route path=path!("set-password") view=SetPasswordPage />
                    <Route path=path!("account") view=AccountPage />
                    <Route path=path!("admin/users") view=UsersPage />
                    <Route path=path!("admin/logbook") view=LogbookPage />
                </Routes>
            </Layout>
        </Router>
    }
}
