-- Files people upload: attachments of posts (and, later, library items).
-- The file itself is in the node's storage under `file_key`, a name the node
-- chooses; nothing of the uploader's file name reaches the disk.
CREATE TABLE media_attachments (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    -- NULL until a post uses it.
    status_id BIGINT REFERENCES statuses (id) ON DELETE CASCADE,
    file_key TEXT NOT NULL UNIQUE,
    -- The media type found in the file's content (not the one claimed).
    content_type TEXT NOT NULL,
    -- Mastodon's attachment type: image, video, audio or unknown (documents).
    kind TEXT NOT NULL,
    file_size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    -- Alt text, or a document's description.
    description TEXT NOT NULL DEFAULT '',
    -- The name the uploader gave the file, shown as a label only.
    original_name TEXT,
    focus_x REAL,
    focus_y REAL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX media_attachments_status_idx ON media_attachments (status_id, id);
CREATE INDEX media_attachments_unattached_idx ON media_attachments (account_id, id)
    WHERE status_id IS NULL;
