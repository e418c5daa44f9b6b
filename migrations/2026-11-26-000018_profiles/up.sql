-- Profiles: pictures (local ones are uploads served from /media, remote
-- ones the actor's icon and image), and what a local person wrote as
-- their bio, for editing (`summary` is its rendered HTML).
ALTER TABLE accounts
    ADD COLUMN avatar_url TEXT,
    ADD COLUMN header_url TEXT,
    ADD COLUMN note_source TEXT;

-- Private notes a person keeps about another account.
CREATE TABLE account_notes (
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    target_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    comment TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, target_id)
);
