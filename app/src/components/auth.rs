//! Who is signed in, for the UI. The server decides every access on its own (`api::require`);
//! this only chooses what to show.
use leptos::prelude::*;

use crate::{
    error::AppError,
    i18n::texts,
    model::{
        auth::{Me, Role},
        lang::Lang,
    },
};

/// What every page's frame shows: the organisation's name and who is signed in. The server
/// loads it before rendering (`server::frame`), so no page reads it through a resource: Leptos'
/// SSR `<Suspense>` can lose an instantly-ready resource's wake-up (docs/decisions.md).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Frame {
    pub org_name: String,
    /// The page's language: the person's choice (a cookie), else the organisation's default.
    pub lang: Lang,
    pub me: Option<Me>,
    /// The organisation's IANA time zone; pages show times in it (`components::time`).
    pub time_zone: String,
    /// This page's own origin (`https://acme.samtal.se`), for links a person copies from it.
    pub site: String,
}

/// This request's frame; empty outside a tenant request (never a reason to fail a render).
pub fn use_frame() -> Frame {
    use_context::<Frame>().unwrap_or_default()
}

/// Loads a new page from the server (not client-side routing): used after sign-in and sign-out.
pub fn reload_to(path: &str) {
    let _ = window().location().set_href(path);
}

/// A path that is safe to go to after sign-in: only one of our own, never `//elsewhere`, and
/// plain ASCII (it goes into a `Location` header as it is; our paths need nothing else).
pub fn safe_next(next: Option<String>) -> String {
    // Browsers drop tabs and line breaks from URLs, so "/\t/evil" would become "//evil".
    next.filter(|n| {
        n.starts_with('/')
            && !n.starts_with("//")
            && n.len() <= 512
            && n.chars()
                .all(|c| c.is_ascii_graphic() && !matches!(c, '\\' | '"' | '<' | '>' | '`' | '{' | '}' | '|' | '^'))
    })
    .unwrap_or_else(|| "/".into())
}

/// Shows `children` to a signed-in person with at least `role`; others get a sign-in prompt or a
/// refusal in plain words. What the page shows is all this decides: every server function and
/// every server component's data load checks again through `api::require`.
#[component]
pub fn Gate(#[prop(optional)] role: Option<Role>, children: ChildrenFn) -> impl IntoView {
    let frame = use_frame();
    let t = &texts(frame.lang).gate;
    match frame.me {
        Some(me) if role.is_none_or(|r| me.role >= r) => children().into_any(),
        Some(_) => view! {
            <h1>{t.no_access}</h1>
            <p>{AppError::Forbidden.message(frame.lang)}</p>
        }
        .into_any(),
        None => {
            // Back here after signing in.
            let here = leptos_router::hooks::use_location().pathname.get_untracked();
            let href = format!("/sign-in?next={}", crate::model::format::percent_encode(&here));
            view! {
                <h1>{t.sign_in_title}</h1>
                <p>{AppError::NotSignedIn.message(frame.lang)} " " <a href=href id="gate-sign-in">{t.go_to_sign_in}</a></p>
            }
            .into_any()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn after_sign_in_only_our_own_paths() {
        assert_eq!(safe_next(Some("/admin/users".into())), "/admin/users");
        assert_eq!(safe_next(Some("//evil.example/x".into())), "/");
        assert_eq!(safe_next(Some("/\\evil.example".into())), "/");
        assert_eq!(safe_next(Some("https://evil.example".into())), "/");
        assert_eq!(safe_next(Some("/\t/evil.example".into())), "/");
        assert_eq!(safe_next(Some("/\n/evil.example".into())), "/");
        assert_eq!(safe_next(None), "/");
        assert_eq!(safe_next(Some("/admin/logbook?page=2".into())), "/admin/logbook?page=2");
        assert_eq!(safe_next(Some("/k\u{f6}k".into())), "/", "non-ASCII goes into a header as it is");
        assert_eq!(safe_next(Some("/\"><script>".into())), "/");
    }
}
