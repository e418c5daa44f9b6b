DROP INDEX reports_open;
ALTER TABLE reports
    DROP COLUMN category,
    DROP COLUMN rule_ids,
    DROP COLUMN forwarded,
    DROP COLUMN action_taken_at,
    DROP COLUMN action_taken_by_id,
    DROP COLUMN updated_at;
DELETE FROM outbox WHERE actor_id IS NULL;
ALTER TABLE outbox ALTER COLUMN actor_id SET NOT NULL;
