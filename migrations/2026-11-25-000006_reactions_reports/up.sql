-- Likes (favourites) and Lemmy's dislikes of posts, local or remote.
CREATE TABLE reactions (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    status_id BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('Like', 'Dislike')),
    -- The Like/Dislike activity's id, so an Undo can name it.
    ap_id TEXT NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (account_id, status_id, kind)
);
CREATE INDEX reactions_status_idx ON reactions (status_id, kind);

-- Boosts (Announce by a person) of posts.
CREATE TABLE reblogs (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    status_id BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    ap_id TEXT NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (account_id, status_id)
);
CREATE INDEX reblogs_status_idx ON reblogs (status_id);

-- Reports (Flag) about local accounts and posts, for moderators.
CREATE TABLE reports (
    id BIGSERIAL PRIMARY KEY,
    reporter_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    target_account_id BIGINT REFERENCES accounts (id) ON DELETE CASCADE,
    status_ids BIGINT[] NOT NULL DEFAULT '{}',
    comment TEXT NOT NULL DEFAULT '',
    ap_id TEXT UNIQUE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
