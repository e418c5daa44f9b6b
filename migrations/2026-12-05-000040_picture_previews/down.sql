ALTER TABLE media_attachments
    DROP COLUMN preview_key,
    DROP COLUMN small_width,
    DROP COLUMN small_height;
