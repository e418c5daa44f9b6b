-- Who a post mentions: they are in its audience, whatever its visibility.
CREATE TABLE status_mentions (
    status_id BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    PRIMARY KEY (status_id, account_id)
);
CREATE INDEX status_mentions_account_idx ON status_mentions (account_id, status_id DESC);
