//! The demo organisation's salary-talk round: rolled out to the whole organisation, with the
//! demo manager's talks in every status (not started, started, waiting on OK, completed) and
//! some scheduled today and in the coming days. Demo only.
use super::{
    access::{load, Talk},
    moves::Move,
    rounds::{self, NewRound},
    talk::{self, By},
    templates, TalkError,
};
use crate::{
    core::{clock::Clock, logbook::Actor, tenancy::Tenant},
    model::{
        format::iso_date,
        lang::Lang,
        talks::{Answer, Note, Preparation, Side},
    },
};

fn by(person: &str) -> By {
    // The demo writes no private notes, so no account is needed.
    By { actor: Actor::System, origin: Default::default(), person: person.to_string(), user: String::new() }
}

fn answers(t: &Talk, side: Side, words: &str, rating: u8) -> Preparation {
    t.body
        .questions()
        .filter(|q| q.answered_by.includes(side))
        .map(|q| {
            let rating = q.scale.as_ref().map(|_| rating);
            (q.id.clone(), Answer { text: words.to_string(), rating })
        })
        .collect()
}

/// Rolls out the demo round over the top unit and moves `manager`'s talks through the statuses.
pub async fn populate(tenant: &Tenant, clock: &dyn Clock, manager: &str) -> Result<(), TalkError> {
    templates::ensure_shipped(tenant, clock, Lang::Sv).await?;
    let (top_unit,): (String,) =
        sqlx::query_as("SELECT id FROM org_units WHERE parent_id IS NULL ORDER BY created_at, id LIMIT 1")
            .fetch_optional(tenant.db().pool())
            .await?
            .ok_or(TalkError::NoSuchUnit)?;
    let salary = templates::list(tenant).await?.into_iter().find(|t| t.shipped && t.title == "Lönesamtal");
    let salary = salary.ok_or(TalkError::NoSuchTemplate)?;
    let now = clock.now_ms() / 1000;
    let new = NewRound {
        title: "Lönesamtal 2026".into(),
        template_id: salary.id,
        unit_id: top_unit,
        starts_on: iso_date(now - 14 * 86_400),
        ends_on: iso_date(now + 30 * 86_400),
    };
    let round = rounds::roll_out(tenant, clock, Actor::System, Default::default(), &new, &iso_date(now)).await?;
    let ids: Vec<(String, String)> = sqlx::query_as(
        "SELECT t.id, t.person_id FROM talks t JOIN persons p ON p.id = t.person_id \
         WHERE t.round_id = $1 AND t.manager_person_id = $2 ORDER BY p.name_key",
    )
    .bind(&round.round_id)
    .bind(manager)
    .fetch_all(tenant.db().pool())
    .await?;
    let (m, hour) = (by(manager), 3_600);
    let today_10 = now - now.rem_euclid(86_400) + 9 * hour;
    for (i, (id, employee)) in ids.iter().enumerate() {
        let e = by(employee);
        let t = load(tenant, id).await?;
        // 0: not started, scheduled in a week; 1: started, today; 2: waiting; 3: completed.
        match i % 4 {
            0 => talk::schedule(tenant, clock, &m, &t, Some((today_10 + 7 * 86_400, 60))).await?,
            1 => {
                talk::schedule(tenant, clock, &m, &t, Some((today_10 + (i as i64 % 3) * hour, 45))).await?;
                talk::save_preparation(
                    tenant,
                    clock,
                    &e,
                    &t,
                    Side::Employee,
                    0,
                    answers(&t, Side::Employee, "Jag har drivit två stora kundprojekt i mål.", 3),
                    true,
                )
                .await?;
            }
            _ => {
                talk::schedule(tenant, clock, &m, &t, Some((today_10 - 3 * 86_400, 60))).await?;
                talk::save_preparation(
                    tenant,
                    clock,
                    &e,
                    &t,
                    Side::Employee,
                    0,
                    answers(&t, Side::Employee, "Ett bra år med nya kunder.", 3),
                    true,
                )
                .await?;
                talk::save_preparation(
                    tenant,
                    clock,
                    &m,
                    &t,
                    Side::Manager,
                    0,
                    answers(&t, Side::Manager, "Stark insats under året.", 3),
                    true,
                )
                .await?;
                talk::save_note(tenant, clock, &m, &t, Note::Notes, 0, "Vi gick igenom året och lönekriterierna.")
                    .await?;
                talk::save_note(tenant, clock, &m, &t, Note::Actions, 0, "Kurs i förhandlingsteknik under våren.")
                    .await?;
                let t = load(tenant, id).await?;
                talk::make_move(tenant, clock, &m, &t, Move::AskForOk, t.version, None).await?;
                if i % 4 == 3 {
                    let t = load(tenant, id).await?;
                    talk::make_move(tenant, clock, &e, &t, Move::SignOff, t.version, Some("Stämmer bra.")).await?;
                }
            }
        }
    }
    Ok(())
}
