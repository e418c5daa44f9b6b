DROP INDEX statuses_account_idx;
CREATE INDEX statuses_account_idx ON statuses (account_id, id DESC);
