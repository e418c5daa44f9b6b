-- Polls (ActivityPub `Question`s): a post with options. The poll's node
-- keeps the votes and publishes the totals; other nodes keep the totals as
-- published, and the votes their own people sent.
CREATE TABLE polls (
    status_id BIGINT PRIMARY KEY REFERENCES statuses (id) ON DELETE CASCADE,
    options TEXT[] NOT NULL,
    multiple BOOLEAN NOT NULL DEFAULT false,
    expires_at TIMESTAMPTZ,
    -- For a remote poll: the votes per option and the voters, as its node
    -- last published them.
    remote_counts INTEGER[],
    remote_voters INTEGER
);

CREATE TABLE poll_votes (
    status_id BIGINT NOT NULL REFERENCES polls (status_id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    choice INTEGER NOT NULL,
    -- The vote as it travelled (a Note with the option's name), if it did.
    ap_id TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (status_id, account_id, choice)
);
