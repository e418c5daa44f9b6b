DROP INDEX follows_waiting;
ALTER TABLE follows DROP COLUMN resent_at, DROP COLUMN resends;
