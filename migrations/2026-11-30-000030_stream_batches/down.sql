DROP TRIGGER statuses_stream_new ON statuses;
DROP FUNCTION moot_stream_new_statuses();
DROP TRIGGER statuses_stream ON statuses;
CREATE TRIGGER statuses_stream AFTER INSERT OR UPDATE ON statuses
    FOR EACH ROW EXECUTE FUNCTION moot_stream_status();
