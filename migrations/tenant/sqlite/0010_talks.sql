-- Salary and development talks. Templates and rounds hold no personal data (question texts an
-- admin wrote, unit and dates). A talk is about its employee (`person_id`, CASCADE) and names
-- its manager (`manager_person_id`, SET NULL); every text of a talk is a sealed field bound to
-- its row (crypto::FIELDS), so whoever administers the database reads none of them.
CREATE TABLE talk_templates (
    id          TEXT PRIMARY KEY,
    title       TEXT NOT NULL,
    -- the sections and questions, JSON (model::talks::TemplateBody), checked by the core
    body        TEXT NOT NULL,
    -- 'salary' or 'development' for the two ready templates, which are copied, never edited
    shipped     TEXT UNIQUE,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);

-- A template rolled out to a unit and the units below it, for a date range. Its questions are
-- fixed at roll-out (`body`), so a later edit of the template changes no running talk.
CREATE TABLE talk_rounds (
    id          TEXT PRIMARY KEY,
    title       TEXT NOT NULL,
    template_id TEXT REFERENCES talk_templates (id) ON DELETE SET NULL,
    body        TEXT NOT NULL,
    unit_id     TEXT NOT NULL REFERENCES org_units (id) ON DELETE RESTRICT,
    starts_on   TEXT NOT NULL,
    ends_on     TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    CHECK (ends_on >= starts_on),
    -- a form sent twice makes one round, not two
    UNIQUE (title, unit_id, starts_on, ends_on)
);

CREATE TABLE talks (
    id                TEXT PRIMARY KEY,
    round_id          TEXT NOT NULL REFERENCES talk_rounds (id) ON DELETE CASCADE,
    person_id         TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    manager_person_id TEXT REFERENCES persons (id) ON DELETE SET NULL,
    -- the employee's unit at roll-out, for the round's progress per unit
    unit_id           TEXT REFERENCES org_units (id) ON DELETE SET NULL,
    status            TEXT NOT NULL CHECK (status IN ('not_started', 'started', 'waiting', 'completed')),
    scheduled_at      BIGINT,
    duration_min      BIGINT,
    employee_ready_at BIGINT,
    -- set when the employee is asked to confirm before marking hers ready: it stays hers, but
    -- can no longer change (she has seen the manager's assessment by then)
    employee_closed_at BIGINT,
    manager_ready_at  BIGINT,
    asked_at          BIGINT,
    signed_at         BIGINT,
    -- a keyed hash of the texts as signed (core::talks::talk::signed_digest)
    signed_digest     TEXT,
    -- bumped by every change of the talk row, so two tabs cannot silently undo each other
    version           BIGINT NOT NULL,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    UNIQUE (round_id, person_id)
);
CREATE INDEX talks_person ON talks (person_id);
CREATE INDEX talks_manager ON talks (manager_person_id, scheduled_at);
CREATE INDEX talks_unit ON talks (unit_id);
CREATE INDEX talk_rounds_unit ON talk_rounds (unit_id);
CREATE INDEX talk_rounds_template ON talk_rounds (template_id);

-- A talk's texts: each side's preparation (answers and ratings, JSON), the shared notes, the
-- agreed actions and the employee's comment at sign-off. One row per kind, versioned.
CREATE TABLE talk_texts (
    id          TEXT PRIMARY KEY,
    talk_id     TEXT NOT NULL REFERENCES talks (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('employee_prep', 'manager_prep', 'notes', 'actions', 'comment')),
    body_sealed BLOB NOT NULL,
    version     BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    UNIQUE (talk_id, kind)
);

-- A manager's private notes on a talk: opened by their author only, the person and the account
-- both (an account later linked to the author's person does not open them).
CREATE TABLE talk_private_notes (
    id               TEXT PRIMARY KEY,
    talk_id          TEXT NOT NULL REFERENCES talks (id) ON DELETE CASCADE,
    author_person_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    author_user_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    body_sealed      BLOB NOT NULL,
    version          BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    UNIQUE (talk_id, author_person_id, author_user_id)
);
CREATE INDEX talk_private_notes_author ON talk_private_notes (author_person_id);

-- Corrections after sign-off: the signed talk never changes, an addendum is added beside it.
CREATE TABLE talk_addenda (
    id               TEXT PRIMARY KEY,
    talk_id          TEXT NOT NULL REFERENCES talks (id) ON DELETE CASCADE,
    author_person_id TEXT REFERENCES persons (id) ON DELETE SET NULL,
    body_sealed      BLOB NOT NULL,
    created_at       BIGINT NOT NULL
);
CREATE INDEX talk_addenda_talk ON talk_addenda (talk_id, created_at);
CREATE INDEX talk_addenda_author ON talk_addenda (author_person_id);
