//! Security headers on every response, and the per-request CSP nonce that lets the Leptos
//! hydration script run without allowing any other inline script.
use axum::{
    extract::Request,
    http::{header, HeaderMap, HeaderName, HeaderValue},
    middleware::Next,
    response::Response,
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};

/// 128 random bits, base64url; a fresh one for every request.
#[derive(Clone, Debug)]
pub struct CspNonce(pub String);

impl CspNonce {
    pub fn generate() -> Option<Self> {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).ok()?;
        Some(Self(URL_SAFE_NO_PAD.encode(bytes)))
    }
}

/// The Content-Security-Policy for a response. Scripts: our own files, the nonce'd hydration
/// script, and wasm compilation ('wasm-unsafe-eval' allows WebAssembly only, not JS eval).
pub fn content_security_policy(nonce: Option<&CspNonce>) -> String {
    let script = match nonce {
        Some(n) => format!("script-src 'self' 'nonce-{}' 'wasm-unsafe-eval'", n.0),
        None => "script-src 'self' 'wasm-unsafe-eval'".to_string(),
    };
    // `cargo leptos watch` reloads the page over a websocket on port 3001 in debug builds only.
    let connect = if cfg!(debug_assertions) {
        "connect-src 'self' ws://127.0.0.1:3001 ws://localhost:3001"
    } else {
        "connect-src 'self'"
    };
    format!(
        "default-src 'self'; {script}; style-src 'self'; img-src 'self' data:; font-src 'self'; \
         {connect}; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

const STATIC_PREFIXES: &[&str] = &["/pkg/", "/favicon"];

pub async fn headers(mut req: Request, next: Next) -> Response {
    let nonce = CspNonce::generate();
    if nonce.is_none() {
        // Without a nonce the page renders but will not hydrate; the strict policy still holds.
        tracing::error!("operating system random source failed; serving without CSP nonce");
    }
    if let Some(n) = &nonce {
        req.extensions_mut().insert(n.clone());
    }
    let is_static = STATIC_PREFIXES.iter().any(|p| req.uri().path().starts_with(p));
    let mut res = next.run(req).await;
    apply(res.headers_mut(), nonce.as_ref(), is_static);
    res
}

fn apply(h: &mut HeaderMap, nonce: Option<&CspNonce>, is_static: bool) {
    if let Ok(v) = HeaderValue::from_str(&content_security_policy(nonce)) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    let fixed: [(HeaderName, &'static str); 7] = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::STRICT_TRANSPORT_SECURITY, "max-age=63072000; includeSubDomains"),
        (HeaderName::from_static("cross-origin-opener-policy"), "same-origin"),
        (HeaderName::from_static("cross-origin-resource-policy"), "same-origin"),
        (HeaderName::from_static("permissions-policy"), "camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
    ];
    for (name, value) in fixed {
        h.insert(name, HeaderValue::from_static(value));
    }
    // Pages can show personal data: never store them in shared or browser caches. The bundle
    // is public and revalidated by Last-Modified, so a new build is picked up at once.
    if !h.contains_key(header::CACHE_CONTROL) {
        let policy = if is_static { "no-cache" } else { "no-store" };
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    // The bundle is sent br, gzip or plain by what the browser accepts; a cache must keep them apart.
    if is_static || h.contains_key(header::CONTENT_ENCODING) {
        h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonces_are_fresh_and_long_enough() {
        let a = CspNonce::generate().expect("random");
        let b = CspNonce::generate().expect("random");
        assert_ne!(a.0, b.0);
        assert_eq!(a.0.len(), 22);
    }

    #[test]
    fn policy_allows_no_inline_script_without_the_nonce() {
        let p = content_security_policy(None);
        assert!(!p.contains("unsafe-inline"));
        assert!(p.contains("frame-ancestors 'none'"));
        let n = CspNonce("abc".into());
        assert!(content_security_policy(Some(&n)).contains("'nonce-abc'"));
    }
}
