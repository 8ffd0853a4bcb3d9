//! Plain-words error pages for failures that happen outside the Leptos app (panics, oversized
//! bodies). They are static HTML: no script, no details of what went wrong inside.
use axum::{
    body::Body,
    http::{header, HeaderValue, Response, StatusCode},
};

pub fn html(status: StatusCode, title: &str, message: &str) -> Response<Body> {
    let body = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · Samtal</title><link rel=\"stylesheet\" href=\"/pkg/samtal.css\"></head>\
         <body><main class=\"error-page\"><h1>{title}</h1><p>{message}</p>\
         <p><a href=\"/\">Go to the start page</a></p></main></body></html>"
    );
    let mut res = Response::new(Body::from(body));
    *res.status_mut() = status;
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    res
}

pub fn internal() -> Response<Body> {
    html(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong",
        "Samtal ran into an error and could not finish your request. Nothing was saved from it. \
         Please try again in a moment; if it keeps happening, tell your HR administrator.",
    )
}

pub fn too_large(limit: usize) -> Response<Body> {
    html(
        StatusCode::PAYLOAD_TOO_LARGE,
        "Too much data",
        &format!(
            "The request was larger than Samtal accepts ({limit} bytes). Nothing was saved. \
             Shorten the text or split the upload."
        ),
    )
}
