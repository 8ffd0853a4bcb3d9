//! Plain-words error pages for failures that happen outside the Leptos app (panics, oversized
//! bodies). They are static HTML: no script, no details of what went wrong inside.
use app::i18n::{texts, ErrorPageTexts, Lang};
use axum::{
    body::Body,
    http::{header, HeaderValue, Response, StatusCode},
};

/// A page in both languages, Swedish first: these answers come before an organisation (and so
/// its default language) is known, or when the app itself could not run. `pick` chooses the
/// title and message from each language's catalogue.
pub fn html(status: StatusCode, pick: impl Fn(&'static ErrorPageTexts) -> (String, String)) -> Response<Body> {
    let part = |lang: Lang| {
        let t = &texts(lang).error_pages;
        let (title, message) = pick(t);
        (title, message, t.go_start, lang.code())
    };
    let (sv_title, sv_message, sv_start, sv) = part(Lang::Sv);
    let (en_title, en_message, en_start, en) = part(Lang::En);
    let body = format!(
        "<!DOCTYPE html><html lang=\"{sv}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{sv_title} · Samtal</title><link rel=\"stylesheet\" href=\"/pkg/samtal.css\"></head>\
         <body><main class=\"error-page\"><h1>{sv_title}</h1><p>{sv_message}</p>\
         <p><a href=\"/\">{sv_start}</a></p>\
         <section lang=\"{en}\" aria-labelledby=\"in-english\"><h2 id=\"in-english\">{en_title}</h2>\
         <p>{en_message}</p><p><a href=\"/\">{en_start}</a></p></section></main></body></html>"
    );
    let mut res = Response::new(Body::from(body));
    *res.status_mut() = status;
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    res
}

/// Title and message of a fixed pair.
pub fn pair(p: (&'static str, &'static str)) -> (String, String) {
    (p.0.to_string(), p.1.to_string())
}

pub fn internal() -> Response<Body> {
    html(StatusCode::INTERNAL_SERVER_ERROR, |t| pair(t.internal))
}

pub fn too_large(limit: usize) -> Response<Body> {
    html(StatusCode::PAYLOAD_TOO_LARGE, |t| (t.too_large_title.to_string(), (t.too_large)(limit)))
}
