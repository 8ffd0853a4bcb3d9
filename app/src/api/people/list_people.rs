use leptos::prelude::*;

use crate::{error::AppError, model::people::PeoplePage};

/// A page of the people list, cut to what the signed-in account reaches (admins everyone,
/// managers their reporting line, employees themselves), filtered by the name search this
/// browser carries in its sealed search cookie.
#[server(endpoint = "people/list")]
pub async fn list_people(page: u32, sort: String) -> Result<PeoplePage, AppError> {
    use crate::core::{
        auth::{guard::Need, Role},
        people::{
            access,
            register::{self, ListQuery, SortBy},
        },
    };
    let (tenant, user) = crate::api::require(Need::SignedIn).await?;
    let lens = access::lens(&tenant, &user).await.map_err(crate::api::internal)?;
    let search = super::search_people::current_search();
    let query = ListQuery { name: search.clone(), sort: SortBy::parse(&sort), page };
    let found = register::list(&tenant, &lens, &query, &super::today()).await.map_err(super::people_error)?;
    Ok(PeoplePage {
        rows: found
            .rows
            .into_iter()
            .map(|r| crate::model::people::PersonListRow {
                id: r.id,
                name: format!("{} {}", r.given_name, r.family_name),
                employee_number: r.employee_number,
                job_title: r.job_title,
                unit: r.unit,
            })
            .collect(),
        total: found.total,
        page: found.page,
        pages: found.pages,
        sort: query.sort.as_str().to_string(),
        search,
        can_edit: user.role == Role::Admin,
    })
}
