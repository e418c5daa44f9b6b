-- The post a received post quotes (FEP-044f `quote`, Misskey's
-- `_misskey_quote`, `quoteUrl`), by its ActivityPub id.
ALTER TABLE statuses ADD COLUMN quote_ap_id TEXT;

-- Custom emoji a received post uses (`Emoji` tags): its `:shortcode:`
-- and the picture on the post's server.
CREATE TABLE status_emojis (
    status_id BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    shortcode TEXT NOT NULL,
    url TEXT NOT NULL,
    PRIMARY KEY (status_id, shortcode)
);
