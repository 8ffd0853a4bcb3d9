use leptos::{prelude::*, server_fn::codec::StreamingText};

use crate::error::AppError;

/// An erasure's signed receipt as a JSON file (`Cache-Control: no-store`; the file name is the
/// receipt's id, which names no one). Admins only.
#[server(endpoint = "gdpr/receipt", output = StreamingText)]
pub async fn receipt_file(receipt_id: String) -> Result<leptos::server_fn::codec::TextStream<AppError>, AppError> {
    use crate::core::{
        auth::{guard::Need, Role},
        gdpr::ledger,
    };
    let id = crate::api::checked_id(&receipt_id, crate::error::Problem::NoSuchReceipt)?;
    let (tenant, _) = crate::api::require(Need::Role(Role::Admin)).await?;
    let state = crate::api::state()?;
    let e = ledger::get(state.tenancy.catalog(), tenant.slug().as_str(), id).await.map_err(super::gdpr_error)?;
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        use http::{header, HeaderValue};
        res.insert_header(header::CONTENT_TYPE, HeaderValue::from_static("application/json; charset=utf-8"));
        if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"erasure-receipt-{id}.json\"")) {
            res.insert_header(header::CONTENT_DISPOSITION, v);
        }
        res.insert_header(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        res.set_status(http::StatusCode::OK);
    }
    let body = e.receipt;
    Ok(leptos::server_fn::codec::TextStream::new(futures::stream::once(async move { Ok(body) })))
}
