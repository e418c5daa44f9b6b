-- Blocks: the blocker sees nothing of the blocked, who can no longer
-- follow them or see their posts. A block by or of a remote actor is
-- carried by a `Block` activity, whose id is kept for its `Undo`.
CREATE TABLE blocks (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    target_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    ap_id TEXT NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (account_id, target_id)
);
CREATE INDEX blocks_target_idx ON blocks (target_id);

-- Mutes: a local person's own quiet, never told to anyone; optionally
-- their notifications too, optionally for a while.
CREATE TABLE mutes (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    target_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    notifications BOOLEAN NOT NULL DEFAULT true,
    expires_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (account_id, target_id)
);

-- Whom each person keeps out of their timelines (blocks and mutes in
-- force), and whether notifications from them are kept out too: the one
-- rule timelines and notifications read.
CREATE VIEW hidden_accounts AS
    SELECT account_id, target_id, true AS notifications FROM blocks
    UNION ALL
    SELECT account_id, target_id, notifications FROM mutes
     WHERE expires_at IS NULL OR expires_at > now();
