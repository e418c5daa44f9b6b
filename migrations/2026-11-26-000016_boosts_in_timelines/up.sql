-- Boosts show in home timelines beside posts, ordered with them: a boost
-- takes its id from the posts' sequence, so one id orders both and a page
-- of either kind has one cursor.
ALTER TABLE reblogs ALTER COLUMN id SET DEFAULT nextval('statuses_id_seq');
UPDATE reblogs SET id = nextval('statuses_id_seq');
DROP SEQUENCE reblogs_id_seq;
CREATE INDEX reblogs_account_idx ON reblogs (account_id, id DESC);

-- A group shares what is posted in it: members see group posts in their
-- home timelines as the group's boosts. Earlier group posts get theirs.
INSERT INTO reblogs (account_id, status_id, ap_id, created_at)
SELECT group_id, id, 'urn:moot:group-share:' || id, created_at
  FROM statuses WHERE group_id IS NOT NULL
ON CONFLICT DO NOTHING;

-- New boosts stream like new posts.
CREATE FUNCTION moot_stream_boost() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('moot_stream', json_build_object('kind', 'boost', 'id', NEW.id)::text);
    RETURN NULL;
END $$;

CREATE TRIGGER reblogs_stream AFTER INSERT ON reblogs
    FOR EACH ROW EXECUTE FUNCTION moot_stream_boost();
