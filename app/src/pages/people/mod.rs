//! The people register's pages: server components with plain forms (they ship no WebAssembly),
//! and two small islands where the browser must act (revealing a personnummer in place, reading
//! a chosen CSV file into the import form).
mod detail;
mod import;
mod list;
mod new;
mod units;

pub use detail::PersonPage;
pub use import::ImportPage;
pub use list::PeopleListPage;
pub use new::NewPersonPage;
pub use units::UnitsPage;

use leptos::prelude::*;

use crate::i18n::PeopleTexts;

/// The gender choices of a form, `""` meaning "as the personnummer says".
pub(crate) fn gender_options(t: &'static PeopleTexts, chosen: &str) -> impl IntoView {
    [("", t.gender_from_pnr), ("female", t.female), ("male", t.male), ("other", t.other)]
        .map(|(v, label)| view! { <option value=v selected=v == chosen>{label}</option> })
}

pub(crate) fn gender_word(t: &'static PeopleTexts, g: &str) -> &'static str {
    match g {
        "female" => t.female,
        "male" => t.male,
        _ => t.other,
    }
}
