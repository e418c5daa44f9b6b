DO $$
DECLARE
    t RECORD;
BEGIN
    FOR t IN SELECT tgname, tgrelid::regclass AS tbl FROM pg_trigger
              WHERE tgname LIKE '%\_changed\_insert' OR tgname LIKE '%\_changed\_update'
                 OR tgname LIKE '%\_changed\_delete'
    LOOP
        EXECUTE format('DROP TRIGGER %I ON %s', t.tgname, t.tbl);
    END LOOP;
    FOR t IN SELECT proname FROM pg_proc WHERE proname LIKE 'moot\_changed\_%'
    LOOP
        EXECUTE format('DROP FUNCTION %I()', t.proname);
    END LOOP;
END $$;
DROP FUNCTION moot_watch_changes(regclass, TEXT, TEXT);
DROP FUNCTION moot_local_followers(BIGINT[]);
DROP FUNCTION moot_announce_change(BIGINT[], BIGINT[]);
