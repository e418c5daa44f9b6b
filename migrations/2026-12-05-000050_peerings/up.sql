-- Peering between two nodes, decided by both admins. Each side keeps one
-- row per other node: who proposed, where it stands, and the two instance
-- actor follows that carry it on the wire.
CREATE TABLE peerings (
    domain TEXT PRIMARY KEY,
    -- proposed: we asked and wait; received: they asked and our admin has
    -- not answered; active; declined; removed.
    status TEXT NOT NULL CHECK (status IN ('proposed', 'received', 'active', 'declined', 'removed')),
    proposed_by_us BOOLEAN NOT NULL,
    message TEXT NOT NULL DEFAULT '',
    -- Their instance actor and the inbox our node's activities go to.
    actor_uri TEXT,
    inbox TEXT,
    -- The Follow our instance actor sent theirs, and theirs to ours.
    our_follow TEXT,
    their_follow TEXT,
    -- Whether the peering put the domain on our allow-list (so its end
    -- takes it off again).
    allow_added BOOLEAN NOT NULL DEFAULT false,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    active_since TIMESTAMPTZ,
    directory_fetched_at TIMESTAMPTZ,
    directory_error TEXT
);
CREATE INDEX peerings_our_follow ON peerings (our_follow);
CREATE INDEX peerings_their_follow ON peerings (their_follow);

-- The groups (and people who opted in) a peer lists in its directory, as
-- last read from it.
CREATE TABLE peer_directory (
    account_id BIGINT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    peer TEXT NOT NULL REFERENCES peerings (domain) ON DELETE CASCADE,
    topics TEXT[] NOT NULL DEFAULT '{}',
    members INT NOT NULL DEFAULT 0,
    last_active TIMESTAMPTZ,
    listed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX peer_directory_peer ON peer_directory (peer);
