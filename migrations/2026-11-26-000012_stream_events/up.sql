-- Streaming: every process serving clients hears, at commit, of new,
-- edited and deleted posts and of new notifications, whichever process or
-- node path wrote them. The payload names the row; listeners read it.
CREATE FUNCTION moot_stream_status() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    op TEXT;
BEGIN
    IF TG_OP = 'INSERT' THEN
        op := 'create';
    ELSIF NEW.deleted_at IS NOT NULL AND OLD.deleted_at IS NULL THEN
        op := 'delete';
    ELSIF NEW.edited_at IS DISTINCT FROM OLD.edited_at THEN
        op := 'edit';
    ELSE
        RETURN NULL;
    END IF;
    PERFORM pg_notify('moot_stream', json_build_object('kind', 'status', 'op', op, 'id', NEW.id)::text);
    RETURN NULL;
END $$;

CREATE TRIGGER statuses_stream AFTER INSERT OR UPDATE ON statuses
    FOR EACH ROW EXECUTE FUNCTION moot_stream_status();

CREATE FUNCTION moot_stream_notification() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('moot_stream', json_build_object('kind', 'notification', 'id', NEW.id)::text);
    RETURN NULL;
END $$;

CREATE TRIGGER notifications_stream AFTER INSERT ON notifications
    FOR EACH ROW EXECUTE FUNCTION moot_stream_notification();
