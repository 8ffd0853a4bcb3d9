//! The import preview's words: field names and what is wrong with a row, from the codes the
//! server sends (`api::people::import_people`). A code this build does not know reads as the
//! general sentence, never as the code.

pub fn field_sv(code: &str) -> &'static str {
    match code {
        "personnummer" => "Personnummer",
        "given_name" => "Förnamn",
        "family_name" => "Efternamn",
        "email" => "E-post",
        "employee_number" => "Anställningsnummer",
        "gender" => "Kön",
        "unit" => "Enhet",
        "job_title" => "Befattning",
        "manager_personnummer" => "Chefens personnummer",
        "start_date" => "Startdatum",
        "end_date" => "Slutdatum",
        "rate" => "Sysselsättningsgrad",
        "monthly_salary" => "Månadslön",
        _ => "Fält",
    }
}

pub fn field_en(code: &str) -> &'static str {
    match code {
        "personnummer" => "Personal identity number",
        "given_name" => "Given name",
        "family_name" => "Family name",
        "email" => "E-mail",
        "employee_number" => "Employee number",
        "gender" => "Gender",
        "unit" => "Unit",
        "job_title" => "Job title",
        "manager_personnummer" => "Manager's personal identity number",
        "start_date" => "Start date",
        "end_date" => "End date",
        "rate" => "Employment rate",
        "monthly_salary" => "Monthly salary",
        _ => "Field",
    }
}

fn pnr_sv(kind: Option<&str>) -> &'static str {
    match kind {
        Some("empty") => "saknas",
        Some("characters") => "får bara ha siffror och ett ”-” eller ”+”",
        Some("length") => "ska ha 10 eller 12 siffror",
        Some("separator") => "”-” eller ”+” ska stå före de fyra sista siffrorna",
        Some("plus") => "”+” skrivs bara med 10 siffror",
        Some("month") => "har en månad som inte finns",
        Some("day") => "har en dag som inte finns i den månaden",
        Some("future") => "har ett födelsedatum i framtiden",
        Some("check_digit") => "har fel kontrollsiffra – troligen ett skrivfel",
        _ => "är inte giltigt",
    }
}

fn pnr_en(kind: Option<&str>) -> &'static str {
    match kind {
        Some("empty") => "is missing",
        Some("characters") => "may hold only digits and one '-' or '+'",
        Some("length") => "must have 10 or 12 digits",
        Some("separator") => "must have its '-' or '+' before the last four digits",
        Some("plus") => "is written with '+' only with 10 digits",
        Some("month") => "has a month that does not exist",
        Some("day") => "has a day that does not exist in that month",
        Some("future") => "has a birth date in the future",
        Some("check_digit") => "has the wrong check digit, probably a typing error",
        _ => "is not valid",
    }
}

pub fn problem_sv(code: &str, detail: Option<&str>) -> String {
    match code {
        "pnr" => format!("Personnumret {}.", pnr_sv(detail)),
        "manager_pnr" => format!("Chefens personnummer {}.", pnr_sv(detail)),
        "given_name" => "Förnamnet saknas eller är längre än 100 tecken.".into(),
        "family_name" => "Efternamnet saknas eller är längre än 100 tecken.".into(),
        "email" => "E-postadressen är inte giltig.".into(),
        "employee_number" => "Anställningsnumret får vara högst 32 bokstäver, siffror, - eller _.".into(),
        "gender" => "Kön ska vara K, M eller A (kvinna, man, annat) eller lämnas tomt.".into(),
        "repeated" => format!("Samma personnummer finns redan på rad {}.", detail.unwrap_or("?")),
        "incomplete" => format!(
            "{} saknas – en anställning behöver enhet, befattning, startdatum, sysselsättningsgrad och månadslön.",
            field_sv(detail.unwrap_or(""))
        ),
        "unit" => "Enhetens namn är längre än 100 tecken.".into(),
        "job_title" => "Befattningen är längre än 100 tecken.".into(),
        "unknown_manager" => "Chefen finns varken i filen eller i registret.".into(),
        "own_manager" => "En person kan inte vara sin egen chef.".into(),
        "start_date" => "Startdatumet ska skrivas ÅÅÅÅ-MM-DD och finnas i kalendern.".into(),
        "end_date" => "Slutdatumet ska skrivas ÅÅÅÅ-MM-DD och finnas i kalendern.".into(),
        "end_before_start" => "Slutdatumet ligger före startdatumet.".into(),
        "rate" => "Sysselsättningsgraden ska vara ett tal över 0 och högst 100.".into(),
        "salary" => "Månadslönen ska vara ett belopp i kronor, högst 10 000 000.".into(),
        _ => "Raden har ett fel.".into(),
    }
}

pub fn problem_en(code: &str, detail: Option<&str>) -> String {
    match code {
        "pnr" => format!("The personal identity number {}.", pnr_en(detail)),
        "manager_pnr" => format!("The manager's personal identity number {}.", pnr_en(detail)),
        "given_name" => "The given name is missing or longer than 100 characters.".into(),
        "family_name" => "The family name is missing or longer than 100 characters.".into(),
        "email" => "The e-mail address is not valid.".into(),
        "employee_number" => "The employee number may be up to 32 letters, digits, - or _.".into(),
        "gender" => "Gender must be F, M or O (woman, man, other), or left empty.".into(),
        "repeated" => format!("The same personal identity number is already on line {}.", detail.unwrap_or("?")),
        "incomplete" => format!(
            "{} is missing: an employment needs a unit, job title, start date, rate and monthly salary.",
            field_en(detail.unwrap_or(""))
        ),
        "unit" => "The unit's name is longer than 100 characters.".into(),
        "job_title" => "The job title is longer than 100 characters.".into(),
        "unknown_manager" => "The manager is neither in the file nor in the register.".into(),
        "own_manager" => "A person cannot be their own manager.".into(),
        "start_date" => "The start date must be written YYYY-MM-DD and exist in the calendar.".into(),
        "end_date" => "The end date must be written YYYY-MM-DD and exist in the calendar.".into(),
        "end_before_start" => "The end date is before the start date.".into(),
        "rate" => "The employment rate must be a number above 0 and at most 100.".into(),
        "salary" => "The monthly salary must be an amount in SEK, at most 10 000 000.".into(),
        _ => "The row has a problem.".into(),
    }
}

pub fn file_problem_sv(code: &str) -> &'static str {
    match code {
        "empty" => "Filen är tom.",
        "too_large" => "Filen är större än 4 MB.",
        "not_utf8" => "Filen är inte UTF-8-text. Spara den som ”CSV UTF-8” och försök igen.",
        "too_many_rows" => "Filen har fler än 10 000 rader.",
        "too_many_columns" => "Filen har fler än 40 kolumner.",
        "cell_too_long" => "Ett fält i filen är längre än 500 tecken.",
        "malformed" => "Filen går inte att läsa som CSV (kontrollera citattecknen).",
        "no_pnr_column" => "Ingen kolumn är vald för personnumret.",
        "no_name_columns" => "För- och efternamn behöver en kolumn var.",
        _ => "Filen gick inte att läsa.",
    }
}

pub fn file_problem_en(code: &str) -> &'static str {
    match code {
        "empty" => "The file is empty.",
        "too_large" => "The file is larger than 4 MB.",
        "not_utf8" => "The file is not UTF-8 text. Save it as \"CSV UTF-8\" and try again.",
        "too_many_rows" => "The file has more than 10 000 rows.",
        "too_many_columns" => "The file has more than 40 columns.",
        "cell_too_long" => "A field in the file is longer than 500 characters.",
        "malformed" => "The file cannot be read as CSV (check its quotation marks).",
        "no_pnr_column" => "No column is chosen for the personal identity number.",
        "no_name_columns" => "The given and family names need a column each.",
        _ => "The file could not be read.",
    }
}
