-- Conversations a person has muted (Mastodon's `POST /statuses/:id/mute`):
-- no notifications from anything in that thread. A thread is known by
-- its first post, the top of its reply chain.
CREATE TABLE thread_mutes (
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    root_id BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, root_id)
);

-- Whether `who` muted the thread `post` is in: the one rule notifications
-- and the `muted` flag of posts read. Cheap for the many with no mutes.
CREATE FUNCTION thread_muted(who BIGINT, post BIGINT) RETURNS BOOLEAN AS $$
    SELECT EXISTS (SELECT 1 FROM thread_mutes WHERE account_id = who)
       AND EXISTS (
           WITH RECURSIVE up(id, parent, depth) AS (
               SELECT id, in_reply_to_id, 0 FROM statuses WHERE id = post
               UNION ALL
               SELECT s.id, s.in_reply_to_id, up.depth + 1
                 FROM statuses s JOIN up ON s.id = up.parent
                WHERE up.depth < 200)
           SELECT 1 FROM up JOIN thread_mutes m ON m.root_id = up.id AND m.account_id = who)
$$ LANGUAGE sql STABLE;
