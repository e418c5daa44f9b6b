-- Direct conversations as each local participant sees them: one per
-- thread (its first post), with its latest post and whether it is read.
CREATE TABLE conversations (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    root_status_id BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    last_status_id BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    unread BOOLEAN NOT NULL DEFAULT false,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (account_id, root_status_id)
);
CREATE INDEX conversations_by_account ON conversations (account_id, last_status_id DESC);
