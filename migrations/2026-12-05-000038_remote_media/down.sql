DELETE FROM media_attachments WHERE remote_url IS NOT NULL;
ALTER TABLE media_attachments
    DROP COLUMN remote_url,
    DROP COLUMN remote_preview_url,
    DROP COLUMN blurhash,
    DROP COLUMN width,
    DROP COLUMN height;
