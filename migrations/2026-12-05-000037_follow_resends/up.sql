-- A follow of someone on another node that is still waiting for an answer
-- is sent again, with back-off: a peer may have lost its answer.
ALTER TABLE follows
    ADD COLUMN resent_at TIMESTAMPTZ,
    ADD COLUMN resends INT NOT NULL DEFAULT 0;
CREATE INDEX follows_waiting ON follows (created_at) WHERE NOT accepted;
