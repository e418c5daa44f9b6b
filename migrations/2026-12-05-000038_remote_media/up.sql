-- Files on posts received from other servers, shown to apps as the post's
-- media. They stay on their own server: `remote_url` is where, `file_key`
-- names the row only ("remote/<post id>#<n>") and no file is stored here.
ALTER TABLE media_attachments
    ADD COLUMN remote_url TEXT,
    ADD COLUMN remote_preview_url TEXT,
    ADD COLUMN blurhash TEXT,
    ADD COLUMN width INT,
    ADD COLUMN height INT;
