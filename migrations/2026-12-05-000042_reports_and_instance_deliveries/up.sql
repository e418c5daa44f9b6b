-- Activities the node sends as itself (its instance actor: forwarded
-- reports, later peering) have no account: their actor_id is NULL.
ALTER TABLE outbox ALTER COLUMN actor_id DROP NOT NULL;

-- Reports as Mastodon keeps them: a category, the node rules broken,
-- whether it was forwarded to the reported account's node, and who acted
-- on it and when.
ALTER TABLE reports
    ADD COLUMN category TEXT NOT NULL DEFAULT 'other'
        CHECK (category IN ('spam', 'legal', 'violation', 'other')),
    ADD COLUMN rule_ids BIGINT[] NOT NULL DEFAULT '{}',
    ADD COLUMN forwarded BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN action_taken_at TIMESTAMPTZ,
    ADD COLUMN action_taken_by_id BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    ADD COLUMN updated_at TIMESTAMPTZ NOT NULL DEFAULT now();
CREATE INDEX reports_open ON reports (created_at DESC) WHERE action_taken_at IS NULL;
