-- Group wikis. A page belongs to a group (local or remote); the group's node
-- is authoritative for it and decides every revision. Other nodes keep a
-- copy of the page and its history as the origin publishes them.

-- Who may edit a group's pages unless a page says otherwise: every member,
-- moderators only, or the people listed in wiki_editors.
ALTER TABLE groups ADD COLUMN wiki_edit_policy TEXT NOT NULL DEFAULT 'members'
    CHECK (wiki_edit_policy IN ('members', 'moderators', 'editors'));

CREATE TABLE wiki_pages (
    id BIGSERIAL PRIMARY KEY,
    group_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    ap_id TEXT NOT NULL UNIQUE,
    slug TEXT NOT NULL,
    title TEXT NOT NULL,
    -- The current text (Markdown) and its sanitized HTML.
    body TEXT NOT NULL,
    content_html TEXT NOT NULL,
    -- The version of the current revision: an edit names the version it
    -- was based on, and is refused unless that is still the current one.
    version TEXT NOT NULL,
    -- Overrides the group's wiki_edit_policy when set.
    edit_policy TEXT CHECK (edit_policy IN ('members', 'moderators', 'editors')),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (group_id, slug)
);

-- Every accepted edit, with its full text.
CREATE TABLE wiki_revisions (
    id BIGSERIAL PRIMARY KEY,
    page_id BIGINT NOT NULL REFERENCES wiki_pages (id) ON DELETE CASCADE,
    ap_id TEXT NOT NULL UNIQUE,
    -- 1 for the page's first text, then one more for each edit.
    number INTEGER NOT NULL,
    version TEXT NOT NULL,
    previous_version TEXT NOT NULL,
    author_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    summary TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (page_id, number),
    UNIQUE (page_id, version)
);

-- People allowed to edit under the 'editors' policy: for every page of the
-- group (page_id NULL) or for one page.
CREATE TABLE wiki_editors (
    id BIGSERIAL PRIMARY KEY,
    group_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    page_id BIGINT REFERENCES wiki_pages (id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX wiki_editors_unique
    ON wiki_editors (group_id, COALESCE(page_id, 0), account_id);

-- Edits of a remote group's page made here and sent to its node, which
-- accepts (the revision then arrives with the page) or rejects them.
CREATE TABLE wiki_submissions (
    id BIGSERIAL PRIMARY KEY,
    page_id BIGINT NOT NULL REFERENCES wiki_pages (id) ON DELETE CASCADE,
    author_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    -- The Edit activity sent, and the Patch in it.
    activity_id TEXT NOT NULL UNIQUE,
    ap_id TEXT NOT NULL UNIQUE,
    base_version TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'accepted', 'rejected')),
    reason TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    decided_at TIMESTAMPTZ
);
