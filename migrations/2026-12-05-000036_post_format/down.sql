ALTER TABLE users DROP COLUMN post_format;
