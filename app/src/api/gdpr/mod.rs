//! GDPR rights' server functions: what the chain holds about a person, erasure with a receipt,
//! the ledger's receipts. Admins only, through the one guard.
mod erasure_preview;
mod erasures;
#[cfg(feature = "ssr")]
mod export_html;
mod person_export;
mod receipt_file;
mod retention;
pub use erasure_preview::*;
pub use erasures::*;
pub use person_export::*;
pub use receipt_file::*;
pub use retention::*;

#[cfg(feature = "ssr")]
pub(crate) use server_side::*;

#[cfg(feature = "ssr")]
mod server_side {
    use crate::{
        core::gdpr::{GdprError, Receipt},
        error::{AppError, Problem},
        model::gdpr::ErasureView,
    };

    pub(crate) fn gdpr_error(e: GdprError) -> AppError {
        match e {
            GdprError::NoSuchPerson => AppError::Invalid(Problem::NoSuchPerson),
            GdprError::ConfirmationMismatch => AppError::Invalid(Problem::ErasureMismatch),
            GdprError::RetentionMonths => AppError::Invalid(Problem::RetentionMonths),
            GdprError::TooManyExports => AppError::Throttled { seconds: 600 },
            GdprError::NoSuchReceipt | GdprError::NotAReceipt => AppError::Invalid(Problem::NoSuchReceipt),
            GdprError::People(p) => crate::api::people::people_error(p),
            GdprError::Crypto(c) if c.is_unreadable() => AppError::Unreadable,
            other => crate::api::internal(other),
        }
    }

    /// The export as the response: a JSON file, or (`html`) a page to read and print. Either way
    /// `no-store`, and a file name that names no one.
    pub(crate) fn send_export(
        export: crate::core::gdpr::PersonExport,
        format: &str,
        lang: &str,
    ) -> Result<leptos::server_fn::codec::TextStream<AppError>, AppError> {
        use http::{header, HeaderValue};
        use leptos::prelude::use_context;
        let html = format == "html";
        let body = if html {
            let lang = crate::model::lang::Lang::parse(lang).unwrap_or_default();
            super::export_html::render(&export, lang)
        } else {
            export.to_json()
        };
        if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
            let (kind, disposition) = if html {
                ("text/html; charset=utf-8", "inline")
            } else {
                ("application/json; charset=utf-8", "attachment; filename=\"samtal-person-data.json\"")
            };
            res.insert_header(header::CONTENT_TYPE, HeaderValue::from_static(kind));
            res.insert_header(header::CONTENT_DISPOSITION, HeaderValue::from_static(disposition));
            res.insert_header(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            res.set_status(http::StatusCode::OK);
        }
        Ok(leptos::server_fn::codec::TextStream::new(futures::stream::once(async move { Ok(body) })))
    }

    /// A receipt's counts in the order the preview shows them (the JSON keeps them sorted).
    fn in_order(counts: &std::collections::BTreeMap<String, i64>, order: &[(&str, i64)]) -> Vec<(String, i64)> {
        let mut out: Vec<(String, i64)> =
            order.iter().filter_map(|(k, _)| counts.get(*k).map(|n| (k.to_string(), *n))).collect();
        out.extend(counts.iter().filter(|(k, _)| !order.iter().any(|(o, _)| o == k)).map(|(k, n)| (k.clone(), *n)));
        out
    }

    pub(crate) fn view_of(r: &Receipt, erased_at_ms: i64, genuine: bool) -> ErasureView {
        ErasureView {
            id: r.id.clone(),
            erased_at: r.erased_at.clone(),
            erased_at_ms,
            erased_by: r.erased_by.clone(),
            reason: r.reason.clone(),
            personnummer_index: r.personnummer_index.clone(),
            erased: in_order(&r.erased, &crate::core::gdpr::Holdings::default().erased()),
            kept: in_order(&r.kept, &crate::core::gdpr::Holdings::default().kept()),
            genuine,
        }
    }
}
