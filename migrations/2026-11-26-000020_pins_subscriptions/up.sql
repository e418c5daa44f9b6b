-- Posts a person (or a group, through its moderators) pins to the top of
-- its profile: the actor's `featured` collection.
CREATE TABLE status_pins (
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    status_id BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, status_id)
);

-- A follower who asked to be told of each new post (Mastodon's bell).
ALTER TABLE follows ADD COLUMN notify BOOLEAN NOT NULL DEFAULT false;

ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('mention', 'status', 'follow', 'follow_request', 'favourite', 'reblog', 'update'));
