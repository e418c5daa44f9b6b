-- How a person's posts from apps are written when the app does not say:
-- plain text (as Mastodon apps send it) or Markdown.
ALTER TABLE users
    ADD COLUMN post_format TEXT NOT NULL DEFAULT 'text/plain'
    CHECK (post_format IN ('text/plain', 'text/markdown'));
