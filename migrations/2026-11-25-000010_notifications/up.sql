-- What happened to local people: mentions, follows, follow requests,
-- favourites, boosts. One row per event; repeated deliveries add nothing.
CREATE TABLE notifications (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('mention', 'follow', 'follow_request', 'favourite', 'reblog')),
    from_account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    status_id BIGINT REFERENCES statuses (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX notifications_event_key
    ON notifications (account_id, kind, from_account_id, COALESCE(status_id, 0));
CREATE INDEX notifications_account_idx ON notifications (account_id, id DESC);
