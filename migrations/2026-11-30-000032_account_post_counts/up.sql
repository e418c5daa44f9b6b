-- Every rendered account shows how many posts it has: a count of its
-- living posts, read through this index. With `deleted_at` in the index
-- the count reads the index alone (2.3 ms for a page of 20 authors with
-- 100 posts each, 1.2 ms with it).
DROP INDEX statuses_account_idx;
CREATE INDEX statuses_account_idx ON statuses (account_id, id DESC) INCLUDE (deleted_at);
