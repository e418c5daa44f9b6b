ALTER TABLE accounts DROP COLUMN discoverable;
