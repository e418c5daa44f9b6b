-- ActivityPub relays this node subscribes to (the Mastodon/LitePub relay
-- protocol): a Follow of the public collection sent to the relay's inbox;
-- once accepted, the node's public posts go there and the relay's
-- Announces of other nodes' posts come in.
CREATE TABLE relays (
    id BIGSERIAL PRIMARY KEY,
    inbox TEXT NOT NULL UNIQUE,
    -- The relay's actor, learnt from its Accept.
    actor_uri TEXT,
    follow_id TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected')),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
