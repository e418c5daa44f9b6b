-- Bearer tokens for the client API. Only a SHA-256 of each token is kept:
-- tokens are 256 random bits, so a fast hash is enough and lookups stay cheap.
CREATE TABLE access_tokens (
    id BIGSERIAL PRIMARY KEY,
    token_sha256 BYTEA NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    scopes TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    revoked_at TIMESTAMPTZ
);

-- What we know of remote actors (NULL for local people, whose ids are minted
-- from the node's hostname).
ALTER TABLE accounts
    ADD COLUMN ap_id TEXT,
    ADD COLUMN inbox_url TEXT,
    ADD COLUMN shared_inbox_url TEXT,
    ADD COLUMN followers_url TEXT,
    ADD COLUMN profile_url TEXT,
    ADD COLUMN actor_type TEXT NOT NULL DEFAULT 'Person',
    ADD COLUMN manually_approves_followers BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN fetched_at TIMESTAMPTZ;
CREATE UNIQUE INDEX accounts_ap_id_key ON accounts (ap_id);

-- Who follows whom. A follow counts only once accepted.
CREATE TABLE follows (
    id BIGSERIAL PRIMARY KEY,
    follower_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    target_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    -- The id of the Follow activity, so Accept/Reject/Undo can name it.
    ap_id TEXT NOT NULL UNIQUE,
    accepted BOOLEAN NOT NULL DEFAULT false,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (follower_id, target_id)
);
CREATE INDEX follows_target_idx ON follows (target_id) WHERE accepted;

-- Other nodes we deliver to, each with its own ordered progress.
CREATE TABLE peers (
    id BIGSERIAL PRIMARY KEY,
    domain TEXT NOT NULL UNIQUE,
    -- Every outbox row up to this id has been delivered to this peer.
    last_delivered_id BIGINT NOT NULL DEFAULT 0,
    failing_since TIMESTAMPTZ,
    attempts INT NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ,
    -- A delivery worker owns the peer's stream until then (several processes
    -- may deliver; each peer has one worker at a time, which keeps order).
    lease_until TIMESTAMPTZ
);

-- The transactional outbox: written in the same transaction as the change
-- that causes the activity, read by the delivery workers.
CREATE TABLE outbox (
    id BIGSERIAL PRIMARY KEY,
    ap_id TEXT NOT NULL,
    actor_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Where each outbox row goes: one row per peer inbox (a shared inbox where
-- the peer has one).
CREATE TABLE outbox_deliveries (
    peer_id BIGINT NOT NULL REFERENCES peers (id) ON DELETE CASCADE,
    outbox_id BIGINT NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
    inbox_url TEXT NOT NULL,
    PRIMARY KEY (peer_id, outbox_id, inbox_url)
);

-- Activity ids already processed by the inbox, so a redelivery is a no-op.
CREATE TABLE received_activities (
    ap_id TEXT PRIMARY KEY,
    received_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
