DROP TRIGGER reblogs_stream ON reblogs;
DROP FUNCTION moot_stream_boost();
DELETE FROM reblogs WHERE ap_id LIKE 'urn:moot:group-share:%';
DROP INDEX reblogs_account_idx;
CREATE SEQUENCE reblogs_id_seq OWNED BY reblogs.id;
SELECT setval('reblogs_id_seq', coalesce((SELECT max(id) FROM reblogs), 0) + 1, false);
ALTER TABLE reblogs ALTER COLUMN id SET DEFAULT nextval('reblogs_id_seq');
