use leptos::prelude::*;

use crate::{error::AppError, model::talks::MyTalksView};

/// The talks the signed-in account holds as manager and its own as employee: names, statuses
/// and dates (no texts, so nothing is logged as viewed).
#[server(endpoint = "talks/mine")]
pub async fn my_talks() -> Result<MyTalksView, AppError> {
    use crate::core::{
        auth::guard::Need,
        clock::{Clock, SystemClock},
        organisation,
        people::access,
        talks::talk,
    };
    let (tenant, user) = crate::api::require(Need::SignedIn).await?;
    let time_zone = organisation::time_zone(&tenant).await.map_err(crate::api::internal)?;
    let today = crate::components::time::local_date(SystemClock.now_ms() / 1000, &time_zone);
    let Some(me) = access::person_of(&tenant, &user.id).await.map_err(crate::api::people::people_error)? else {
        return Ok(MyTalksView { holding: Vec::new(), own: Vec::new(), today, time_zone });
    };
    let (holding, own) = talk::mine(&tenant, &me).await.map_err(super::talk_error)?;
    Ok(MyTalksView { holding, own, today, time_zone })
}
