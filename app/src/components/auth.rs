//! Who is signed in, for the UI. The server decides every access on its own (`api::require`);
//! this only chooses what to show.
use leptos::prelude::*;

use crate::{
    api::auth::current_user,
    error::AppError,
    model::auth::{Me, Role},
};

/// The signed-in person, loaded once per page load. Sign-in and sign-out reload the page, so no
/// data of one session stays in browser memory into the next.
#[derive(Clone, Copy)]
pub struct AuthCtx {
    pub me: Resource<Result<Option<Me>, AppError>>,
}

pub fn provide_auth() {
    provide_context(AuthCtx { me: Resource::new(|| (), |_| current_user()) });
}

pub fn use_auth() -> AuthCtx {
    expect_context::<AuthCtx>()
}

/// Loads a new page from the server (not client-side routing): used after sign-in and sign-out.
pub fn reload_to(path: &str) {
    let _ = window().location().set_href(path);
}

/// A path that is safe to go to after sign-in: only one of our own, never `//elsewhere`.
pub fn safe_next(next: Option<String>) -> String {
    // Browsers drop tabs and line breaks from URLs, so "/\t/evil" would become "//evil".
    next.filter(|n| {
        n.starts_with('/')
            && !n.starts_with("//")
            && !n.chars().any(|c| c == '\\' || c.is_whitespace() || c.is_control())
    })
    .unwrap_or_else(|| "/".into())
}

/// Shows `children` to a signed-in person with at least `role`; others get a sign-in prompt or a
/// refusal in plain words.
#[component]
pub fn Gate(#[prop(optional)] role: Option<Role>, children: ChildrenFn) -> impl IntoView {
    let auth = use_auth();
    let children = StoredValue::new(children);
    view! {
        <Transition fallback=|| view! { <p role="status">"Loading…"</p> }>
            {move || auth.me.get().map(|r| match r {
                Ok(Some(me)) if role.is_none_or(|r| me.role >= r) => children.with_value(|c| c()).into_any(),
                Ok(Some(_)) => view! {
                    <h1>"No access"</h1>
                    <p>{AppError::Forbidden.to_string()}</p>
                }.into_any(),
                Ok(None) => {
                    // Back here after signing in.
                    let here = leptos_router::hooks::use_location().pathname.get_untracked();
                    let href = format!("/sign-in?next={}", crate::model::format::percent_encode(&here));
                    view! {
                        <h1>"Sign in"</h1>
                        <p>{AppError::NotSignedIn.to_string()} " " <a href=href id="gate-sign-in">"Go to sign-in"</a></p>
                    }.into_any()
                }
                Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
            })}
        </Transition>
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
    }
}
