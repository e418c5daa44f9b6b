-- Earlier versions of edited posts, local or remote: a post's history is
-- these, oldest first, then the post as it is now.
CREATE TABLE status_edits (
    id BIGSERIAL PRIMARY KEY,
    status_id BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    content TEXT NOT NULL,
    spoiler_text TEXT NOT NULL,
    sensitive BOOLEAN NOT NULL,
    -- When this version was made (the post's creation or an earlier edit).
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX status_edits_status_idx ON status_edits (status_id, id);

-- People who favourited or boosted a post are told when it is edited.
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('mention', 'follow', 'follow_request', 'favourite', 'reblog', 'update'));
