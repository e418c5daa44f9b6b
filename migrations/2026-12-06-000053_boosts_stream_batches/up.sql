-- New boosts are announced to streaming listeners once per statement, as
-- new posts are (2026-11-30-000030): every post received into a group is
-- shared by the group, so boosts come in the same batches as posts, and a
-- row trigger cost each one a function call and a notification. One
-- function now serves both tables; the trigger names the kind.
CREATE FUNCTION moot_stream_new_rows() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids BIGINT[];
BEGIN
    -- A notification's payload is limited to 8000 bytes: 500 ids at most.
    FOR ids IN
        SELECT array_agg(id) FROM (
            SELECT id, (row_number() OVER ()) / 500 AS chunk FROM new_rows
        ) numbered GROUP BY chunk
    LOOP
        PERFORM pg_notify('moot_stream', json_build_object(
            'kind', TG_ARGV[0], 'op', 'create', 'ids', ids)::text);
    END LOOP;
    RETURN NULL;
END $$;

DROP TRIGGER statuses_stream_new ON statuses;
DROP FUNCTION moot_stream_new_statuses();
CREATE TRIGGER statuses_stream_new AFTER INSERT ON statuses
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION moot_stream_new_rows('status');

DROP TRIGGER reblogs_stream ON reblogs;
DROP FUNCTION moot_stream_boost();
CREATE TRIGGER reblogs_stream_new AFTER INSERT ON reblogs
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION moot_stream_new_rows('boost');
