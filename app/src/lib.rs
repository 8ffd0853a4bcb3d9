//! Samtal's application: pages, components, server functions and the types both sides share.
//! The server-side core lives in [`core`] and only exists with the `ssr` feature.
#![forbid(unsafe_code)]

pub mod api;
pub mod components;
#[cfg(feature = "ssr")]
pub mod core;
pub mod error;
pub mod i18n;
pub mod model;
pub mod pages;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

use crate::components::layout::Layout;
use crate::pages::{
    account::AccountPage,
    admin::{
        erasures::{ErasurePage, ErasuresPage},
        logbook::LogbookPage,
        organisation::OrganisationPage,
        users::UsersPage,
    },
    home::HomePage,
    not_found::NotFound,
    people::{ImportPage, NewPersonPage, PeopleListPage, PersonPage, UnitsPage},
    set_password::SetPasswordPage,
    sign_in::SignInPage,
    talks::{
        MyTalksPage, PrivateNotesPage, RoundPage, RoundsPage, TalkPage, TalkSummaryPage, TemplatePage, TemplatesPage,
    },
};

/// The browser entry point (the `frontend` crate builds this source for wasm32): hydrates the
/// islands of the server-rendered page. Everything outside an `#[island]` stays server HTML.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // Panic messages in the console cost some 700 B gzip of formatting code on every page; a
    // panic still shows as an error without them. `--features panic-hook` brings them back.
    #[cfg(feature = "panic-hook")]
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    // Lets end-to-end tests (and curious people) tell server HTML from a page whose islands
    // have taken over.
    let app = web_sys::window().and_then(|w| w.document()).and_then(|d| d.query_selector(".app").ok().flatten());
    if let Some(app) = app {
        let _ = app.set_attribute("data-hydrated", "true");
    }
}

/// The HTML document the server renders around [`App`]. Everything here is a server component;
/// the browser bundle holds only the `#[island]`s (see docs/architecture.md, "How a page is
/// made").
pub fn shell(options: LeptosOptions) -> impl IntoView {
    announce_bundle(&options);
    view! {
        <!DOCTYPE html>
        <html lang=crate::i18n::use_lang().code()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <AutoReload options=options.clone() />
                <HydrationScripts options islands=true />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Names the style sheet and the bundle in the page's response headers (`Link: rel=preload`),
/// so a browser starts fetching them when the headers arrive instead of after parsing the head:
/// on a slow phone that parse is a tenth of a second. The same links are in the head as well.
fn announce_bundle(options: &LeptosOptions) {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        let pkg = format!("/{}/{}", options.site_pkg_dir, options.output_name);
        let links = format!(
            "<{pkg}.css>; rel=preload; as=style, <{pkg}.js>; rel=modulepreload, \
             <{pkg}.wasm>; rel=preload; as=fetch; type=\"application/wasm\"; crossorigin"
        );
        if let Ok(v) = http::HeaderValue::from_str(&links) {
            res.append_header(http::header::LINK, v);
        }
    }
    #[cfg(not(feature = "ssr"))]
    let _ = options;
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="samtal-css" href="/pkg/samtal.css" />
        <Title formatter=|page: String| {
            if page.is_empty() { "Samtal".to_string() } else { format!("{page} · Samtal") }
        } />
        <Router>
            <Layout>
                // In order: a page's loaded parts are streamed in place, so they show without any
                // script (out-of-order chunks need one to be swapped in).
                <Routes fallback=NotFound>
                    <Route path=path!("") view=HomePage ssr=SsrMode::InOrder />
                    <Route path=path!("sign-in") view=SignInPage ssr=SsrMode::InOrder />
                    <Route path=path!("set-password") view=SetPasswordPage ssr=SsrMode::InOrder />
                    <Route path=path!("account") view=AccountPage ssr=SsrMode::InOrder />
                    <Route path=path!("admin/users") view=UsersPage ssr=SsrMode::InOrder />
                    <Route path=path!("admin/logbook") view=LogbookPage ssr=SsrMode::InOrder />
                    <Route path=path!("admin/organisation") view=OrganisationPage ssr=SsrMode::InOrder />
                    <Route path=path!("admin/units") view=UnitsPage ssr=SsrMode::InOrder />
                    <Route path=path!("people") view=PeopleListPage ssr=SsrMode::InOrder />
                    <Route path=path!("people/new") view=NewPersonPage ssr=SsrMode::InOrder />
                    <Route path=path!("people/import") view=ImportPage ssr=SsrMode::InOrder />
                    <Route path=path!("people/:id") view=PersonPage ssr=SsrMode::InOrder />
                    <Route path=path!("talks") view=MyTalksPage ssr=SsrMode::InOrder />
                    <Route path=path!("talks/:id") view=TalkPage ssr=SsrMode::InOrder />
                    <Route path=path!("talks/:id/summary") view=TalkSummaryPage ssr=SsrMode::InOrder />
                    <Route path=path!("talks/:id/private") view=PrivateNotesPage ssr=SsrMode::InOrder />
                    <Route path=path!("admin/talk-templates") view=TemplatesPage ssr=SsrMode::InOrder />
                    <Route path=path!("admin/talk-templates/:id") view=TemplatePage ssr=SsrMode::InOrder />
                    <Route path=path!("admin/rounds") view=RoundsPage ssr=SsrMode::InOrder />
                    <Route path=path!("admin/rounds/:id") view=RoundPage ssr=SsrMode::InOrder />
                    <Route path=path!("admin/erasures") view=ErasuresPage ssr=SsrMode::InOrder />
                    <Route path=path!("admin/erasures/:id") view=ErasurePage ssr=SsrMode::InOrder />
                </Routes>
            </Layout>
        </Router>
    }
}
