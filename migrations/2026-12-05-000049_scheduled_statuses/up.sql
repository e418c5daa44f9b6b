-- Posts written now and published later (Mastodon's `scheduled_at`).
-- `params` is what the app asked for, in Mastodon's `ScheduledStatus`
-- params shape; a publisher claims due rows for a minute at a time.
CREATE TABLE scheduled_statuses (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    scheduled_at TIMESTAMPTZ NOT NULL,
    params JSONB NOT NULL,
    claimed_until TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX scheduled_statuses_due ON scheduled_statuses (scheduled_at);
CREATE INDEX scheduled_statuses_account ON scheduled_statuses (account_id, id);
