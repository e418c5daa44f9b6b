-- Posts: discussions and replies (Note), long-form posts (Article) and
-- group posts as Lemmy sends them (Page), local or remote.
CREATE TABLE statuses (
    id BIGSERIAL PRIMARY KEY,
    -- The ActivityPub id of remote posts; NULL for local ones, whose id is
    -- minted from the node's hostname and this row's id.
    ap_id TEXT UNIQUE,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    in_reply_to_id BIGINT REFERENCES statuses (id) ON DELETE SET NULL,
    -- The parent's ActivityPub id, kept even when the parent is unknown here.
    in_reply_to_ap_id TEXT,
    kind TEXT NOT NULL DEFAULT 'Note',
    -- Sanitized HTML, safe to show.
    content TEXT NOT NULL,
    -- What a local author wrote (Markdown), for editing.
    source TEXT,
    spoiler_text TEXT NOT NULL DEFAULT '',
    sensitive BOOLEAN NOT NULL DEFAULT false,
    -- public, unlisted, private (followers only) or direct.
    visibility TEXT NOT NULL,
    language TEXT,
    url TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    edited_at TIMESTAMPTZ,
    deleted_at TIMESTAMPTZ
);
CREATE INDEX statuses_account_idx ON statuses (account_id, id DESC);
CREATE INDEX statuses_reply_idx ON statuses (in_reply_to_id);
CREATE INDEX statuses_reply_ap_idx ON statuses (in_reply_to_ap_id);
CREATE INDEX statuses_public_idx ON statuses (id DESC) WHERE visibility = 'public' AND deleted_at IS NULL;
