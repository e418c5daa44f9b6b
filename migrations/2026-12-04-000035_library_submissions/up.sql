-- Files proposed from here to the library of a group on another node, kept
-- until that node answers (the item then arrives with its publication).
CREATE TABLE library_submissions (
    id BIGSERIAL PRIMARY KEY,
    group_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    -- The item a new version is for; NULL for a new item.
    item_id BIGINT REFERENCES library_items (id) ON DELETE CASCADE,
    uploader_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    -- The file, served here until the group's node has fetched it.
    media_id BIGINT NOT NULL REFERENCES media_attachments (id) ON DELETE CASCADE,
    activity_id TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'accepted', 'rejected')),
    reason TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    decided_at TIMESTAMPTZ
);
CREATE INDEX library_submissions_by_uploader ON library_submissions (uploader_id, group_id, created_at DESC);
CREATE INDEX library_submissions_by_media ON library_submissions (media_id);
