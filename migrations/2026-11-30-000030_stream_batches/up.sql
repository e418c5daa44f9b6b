-- New posts are announced to streaming listeners once per statement, not
-- once per row: received posts are inserted in batches, and every
-- notifying transaction takes a turn on one queue lock at commit.
-- Edits and deletions stay announced row by row.
CREATE FUNCTION moot_stream_new_statuses() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids BIGINT[];
BEGIN
    -- A notification's payload is limited to 8000 bytes: 500 ids at most.
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

DROP TRIGGER statuses_stream ON statuses;
CREATE TRIGGER statuses_stream AFTER UPDATE ON statuses
    FOR EACH ROW EXECUTE FUNCTION moot_stream_status();
CREATE TRIGGER statuses_stream_new AFTER INSERT ON statuses
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION moot_stream_new_statuses();
