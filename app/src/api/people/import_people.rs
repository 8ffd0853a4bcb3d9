use leptos::prelude::*;

use crate::{
    error::AppError,
    model::people::{ImportDone, ImportPreviewView},
};

/// Takes a CSV file of employees for checking: it waits sealed (it holds personnummer) as this
/// admin's one draft, for at most an hour; nothing is imported yet. Admins only.
#[server(endpoint = "people/import_upload")]
pub async fn import_upload(csv: String) -> Result<(), AppError> {
    use crate::core::{
        auth::{guard::Need, Role},
        clock::SystemClock,
        people::import,
    };
    let result = async {
        let (tenant, admin) = crate::api::require(Need::Role(Role::Admin)).await?;
        import::save_draft(&tenant, &SystemClock, &admin.id, &csv).await.map_err(super::people_error)
    };
    crate::api::answer_form_to(result.await, "/people/import?step=check", "/people/import")
}

/// Every row of this admin's draft checked against the register, writing nothing; `None`
/// without a draft. Admins only.
#[server(endpoint = "people/import_check")]
pub async fn import_check() -> Result<Option<ImportPreviewView>, AppError> {
    use crate::core::auth::{guard::Need, Role};
    let (tenant, admin) = crate::api::require(Need::Role(Role::Admin)).await?;
    Ok(server::check_draft(&tenant, &admin.id).await?.map(|(view, _)| view))
}

/// Chooses the file's column for each field (a column number, empty for none). Admins only.
#[server(endpoint = "people/import_remap")]
#[allow(clippy::too_many_arguments)]
pub async fn import_remap(
    personnummer: Option<String>,
    given_name: Option<String>,
    family_name: Option<String>,
    email: Option<String>,
    employee_number: Option<String>,
    gender: Option<String>,
    unit: Option<String>,
    job_title: Option<String>,
    manager_personnummer: Option<String>,
    start_date: Option<String>,
    end_date: Option<String>,
    rate: Option<String>,
    monthly_salary: Option<String>,
) -> Result<(), AppError> {
    use crate::core::{
        auth::{guard::Need, Role},
        people::import::{self, Mapping, Target, MAX_COLUMNS},
    };
    let result = async {
        let (tenant, admin) = crate::api::require(Need::Role(Role::Admin)).await?;
        let chosen = [
            (Target::Personnummer, personnummer),
            (Target::GivenName, given_name),
            (Target::FamilyName, family_name),
            (Target::Email, email),
            (Target::EmployeeNumber, employee_number),
            (Target::Gender, gender),
            (Target::Unit, unit),
            (Target::JobTitle, job_title),
            (Target::ManagerPersonnummer, manager_personnummer),
            (Target::StartDate, start_date),
            (Target::EndDate, end_date),
            (Target::Rate, rate),
            (Target::MonthlySalary, monthly_salary),
        ];
        let mut mapping = Vec::new();
        for (target, column) in chosen {
            if let Some(c) = column.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
                let c: usize = c.parse().map_err(|_| AppError::BadRequest)?;
                if c >= MAX_COLUMNS {
                    return Err(AppError::BadRequest);
                }
                mapping.push((target, c));
            }
        }
        import::set_draft_mapping(&tenant, &admin.id, &Mapping(mapping)).await.map_err(super::people_error)
    };
    crate::api::answer_form_to(result.await, "/people/import?step=check", "/people/import?step=check")
}

/// Imports this admin's draft in one transaction — only if it is still what the admin checked
/// (`digest`: the same file and mapping) and no row has a problem; then the draft is deleted.
/// `save_mapping` = `yes` keeps the mapping as the organisation's default. Admins only.
#[server(endpoint = "people/import_apply")]
pub async fn import_apply(digest: String, save_mapping: Option<String>) -> Result<ImportDone, AppError> {
    use crate::{
        core::{
            auth::{guard::Need, Role},
            clock::SystemClock,
            people::import,
        },
        error::Problem,
    };
    let result = async {
        let (tenant, admin) = crate::api::require(Need::Role(Role::Admin)).await?;
        let Some((view, checked)) = server::check_draft(&tenant, &admin.id).await? else {
            return Err(AppError::Invalid(Problem::ImportChanged));
        };
        if view.digest != digest {
            return Err(AppError::Invalid(Problem::ImportChanged));
        }
        let Some((preview, mapping)) = checked else {
            return Err(AppError::Invalid(Problem::ImportFile));
        };
        if !preview.is_clean() {
            return Err(AppError::Invalid(Problem::ImportNotClean));
        }
        if save_mapping.as_deref() == Some("yes") {
            import::save_mapping(&tenant, &SystemClock, &mapping).await.map_err(super::people_error)?;
        }
        let report = import::apply(&tenant, &SystemClock, admin.actor(), crate::api::origin(), preview, |_, _| {})
            .await
            .map_err(super::people_error)?;
        import::discard_draft(&tenant, &admin.id).await.map_err(super::people_error)?;
        let n = |x: usize| u32::try_from(x).unwrap_or(u32::MAX);
        Ok(ImportDone {
            created: n(report.created),
            updated: n(report.updated),
            units_created: n(report.units_created),
        })
    }
    .await;
    match &result {
        Ok(done) => crate::api::redirect_form_post(&format!(
            "/people/import?done=imported&created={}&updated={}",
            done.created, done.updated
        )),
        Err(e) => crate::api::redirect_form_post(&format!("/people/import?step=check&{}", e.to_query())),
    }
    result
}

/// Throws this admin's draft away. Admins only.
#[server(endpoint = "people/import_discard")]
pub async fn import_discard() -> Result<(), AppError> {
    use crate::core::{
        auth::{guard::Need, Role},
        people::import,
    };
    let result = async {
        let (tenant, admin) = crate::api::require(Need::Role(Role::Admin)).await?;
        import::discard_draft(&tenant, &admin.id).await.map_err(super::people_error)
    };
    crate::api::answer_form_to(result.await, "/people/import", "/people/import")
}

#[cfg(feature = "ssr")]
mod server {
    use sha2::{Digest, Sha256};

    use crate::{
        core::{
            clock::SystemClock,
            people::import::{self, FileProblem, Mapping, Preview, RowAction, RowProblem},
            tenancy::Tenant,
        },
        error::AppError,
        model::people::{ImportPreviewView, ImportProblem, ImportRowView},
    };

    fn file_code(p: &FileProblem) -> &'static str {
        match p {
            FileProblem::Empty => "empty",
            FileProblem::TooLarge => "too_large",
            FileProblem::NotUtf8(_) => "not_utf8",
            FileProblem::TooManyRows => "too_many_rows",
            FileProblem::TooManyColumns => "too_many_columns",
            FileProblem::CellTooLong(_) => "cell_too_long",
            FileProblem::Malformed(_) => "malformed",
            FileProblem::NoPersonnummerColumn => "no_pnr_column",
            FileProblem::NoNameColumns => "no_name_columns",
        }
    }

    fn problem(p: &RowProblem) -> ImportProblem {
        let (code, detail): (&str, Option<String>) = match p {
            RowProblem::Personnummer(e) => ("pnr", Some(pnr_code(*e).into())),
            RowProblem::ManagerPersonnummer(e) => ("manager_pnr", Some(pnr_code(*e).into())),
            RowProblem::GivenName => ("given_name", None),
            RowProblem::FamilyName => ("family_name", None),
            RowProblem::Email => ("email", None),
            RowProblem::EmployeeNumber => ("employee_number", None),
            RowProblem::Gender => ("gender", None),
            RowProblem::Repeated(line) => ("repeated", Some(line.to_string())),
            RowProblem::EmploymentIncomplete(t) => ("incomplete", Some(t.as_str().into())),
            RowProblem::UnitName => ("unit", None),
            RowProblem::JobTitle => ("job_title", None),
            RowProblem::UnknownManager => ("unknown_manager", None),
            RowProblem::OwnManager => ("own_manager", None),
            RowProblem::StartDate => ("start_date", None),
            RowProblem::EndDate => ("end_date", None),
            RowProblem::EndBeforeStart => ("end_before_start", None),
            RowProblem::Rate => ("rate", None),
            RowProblem::Salary => ("salary", None),
        };
        ImportProblem { code: code.into(), detail }
    }

    fn pnr_code(e: crate::model::personnummer::PersonnummerError) -> &'static str {
        use crate::model::personnummer::PersonnummerError as E;
        match e {
            E::Empty => "empty",
            E::Characters => "characters",
            E::Length => "length",
            E::Separator => "separator",
            E::PlusWithCentury => "plus",
            E::Month => "month",
            E::Day => "day",
            E::Future => "future",
            E::CheckDigit => "check_digit",
        }
    }

    fn digest(csv: &str, mapping: &Mapping) -> String {
        let d = Sha256::new()
            .chain_update(b"samtal import v1\0")
            .chain_update(mapping.encode().as_bytes())
            .chain_update(b"\0")
            .chain_update(csv.as_bytes())
            .finalize();
        d.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// This admin's draft, read and checked; `None` without one.
    #[allow(clippy::type_complexity)]
    pub(super) async fn check_draft(
        tenant: &Tenant,
        user_id: &str,
    ) -> Result<Option<(ImportPreviewView, Option<(Preview, Mapping)>)>, AppError> {
        match import::draft(tenant, &SystemClock, user_id).await {
            Ok(None) => Ok(None),
            Ok(Some((csv, mapping))) => check(tenant, &csv, mapping).await.map(Some),
            Err(e) => Err(super::super::people_error(e)),
        }
    }

    /// Reads and checks `csv`; the preview is there when the file could be read and mapped.
    #[allow(clippy::type_complexity)]
    async fn check(
        tenant: &Tenant,
        csv: &str,
        mapping: Option<Mapping>,
    ) -> Result<(ImportPreviewView, Option<(Preview, Mapping)>), AppError> {
        let n = |x: usize| u32::try_from(x).unwrap_or(u32::MAX);
        let empty = |headers: Vec<String>, mapping: String, p: &FileProblem, digest: String| ImportPreviewView {
            headers,
            mapping,
            file_problem: Some(file_code(p).into()),
            rows: Vec::new(),
            new: 0,
            updated: 0,
            problem_rows: 0,
            digest,
        };
        let file = match import::read(csv.as_bytes()) {
            Ok(f) => f,
            Err(p) => return Ok((empty(Vec::new(), String::new(), &p, String::new()), None)),
        };
        let mapping = match mapping {
            Some(m) => m,
            None => {
                let saved = import::saved_mapping(tenant).await.map_err(super::super::people_error)?;
                Mapping::for_file(saved.as_ref(), &file.headers)
            }
        };
        let sum = digest(csv, &mapping);
        let preview =
            import::preview(tenant, &SystemClock, &file, &mapping).await.map_err(super::super::people_error)?;
        let preview = match preview {
            Ok(p) => p,
            Err(p) => return Ok((empty(file.headers, mapping.encode(), &p, sum), None)),
        };
        let view = ImportPreviewView {
            headers: file.headers,
            mapping: mapping.encode(),
            file_problem: None,
            rows: preview
                .rows
                .iter()
                .map(|r| ImportRowView {
                    line: n(r.line),
                    name: r.name.clone(),
                    update: r.action == RowAction::Update,
                    problems: r.problems.iter().map(problem).collect(),
                })
                .collect(),
            new: n(preview.new),
            updated: n(preview.updated),
            problem_rows: n(preview.problem_rows()),
            digest: sum,
        };
        Ok((view, Some((preview, mapping))))
    }
}
