-- Preview cards of links in posts: what a linked page says about itself,
-- fetched once and kept (a page that gave none is kept as not found, so it
-- is not asked again at once).
CREATE TABLE preview_cards (
    url TEXT PRIMARY KEY,
    found BOOLEAN NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    image_url TEXT,
    provider_name TEXT NOT NULL DEFAULT '',
    fetched_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The card a post shows (for the first link in it).
CREATE TABLE status_cards (
    status_id BIGINT PRIMARY KEY REFERENCES statuses (id) ON DELETE CASCADE,
    url TEXT NOT NULL REFERENCES preview_cards (url) ON DELETE CASCADE
);
CREATE INDEX status_cards_by_url ON status_cards (url);
