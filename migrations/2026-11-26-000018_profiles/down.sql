DROP TABLE account_notes;
ALTER TABLE accounts DROP COLUMN avatar_url, DROP COLUMN header_url, DROP COLUMN note_source;
