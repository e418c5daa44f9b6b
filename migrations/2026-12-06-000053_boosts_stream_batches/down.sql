-- Back to 2026-11-30-000030's statement trigger for posts and
-- 2026-11-26-000016's row trigger for boosts.
DROP TRIGGER reblogs_stream_new ON reblogs;
DROP TRIGGER statuses_stream_new ON statuses;
DROP FUNCTION moot_stream_new_rows();

CREATE FUNCTION moot_stream_new_statuses() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids BIGINT[];
BEGIN
    FOR ids IN
        SELECT array_agg(id) FROM (
            SELECT id, (row_number() OVER ()) / 500 AS chunk FROM new_rows
        ) numbered GROUP BY chunk
    LOOP
        PERFORM pg_notify('moot_stream',
            json_build_object('kind', 'status', 'op', 'create', 'ids', ids)::text);
    END LOOP;
    RETURN NULL;
END $$;
CREATE TRIGGER statuses_stream_new AFTER INSERT ON statuses
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION moot_stream_new_statuses();

CREATE FUNCTION moot_stream_boost() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('moot_stream', json_build_object('kind', 'boost', 'id', NEW.id)::text);
    RETURN NULL;
END $$;
CREATE TRIGGER reblogs_stream AFTER INSERT ON reblogs
    FOR EACH ROW EXECUTE FUNCTION moot_stream_boost();
