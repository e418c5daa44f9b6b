-- An uploaded picture's small copy (what apps show first), kept beside the
-- file under its own key, and its size. The picture's own size and
-- blurhash go in `width`, `height` and `blurhash`.
ALTER TABLE media_attachments
    ADD COLUMN preview_key TEXT UNIQUE,
    ADD COLUMN small_width INT,
    ADD COLUMN small_height INT;
