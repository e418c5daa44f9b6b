-- Group document libraries. An item is a file with a title, description,
-- tags and a folder; each new upload of it is a version, the old ones kept.
-- The group's node is authoritative; other nodes keep a copy of the items
-- and their versions (linking to the origin's files) as the group
-- publishes them.
CREATE TABLE library_items (
    id BIGSERIAL PRIMARY KEY,
    group_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    ap_id TEXT NOT NULL UNIQUE,
    uploader_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    -- A path of folder names joined by '/', '' for the top.
    folder TEXT NOT NULL DEFAULT '',
    tags TEXT[] NOT NULL DEFAULT '{}',
    -- The number of the newest version (0 until the first one is stored).
    current_version INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    deleted_at TIMESTAMPTZ
);
CREATE INDEX library_items_group_idx ON library_items (group_id, folder, title);

CREATE TABLE library_versions (
    id BIGSERIAL PRIMARY KEY,
    item_id BIGINT NOT NULL REFERENCES library_items (id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    ap_id TEXT NOT NULL UNIQUE,
    -- The stored upload, for an item of one of this node's groups.
    media_id BIGINT REFERENCES media_attachments (id) ON DELETE SET NULL,
    url TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    file_name TEXT,
    uploader_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (item_id, number)
);
