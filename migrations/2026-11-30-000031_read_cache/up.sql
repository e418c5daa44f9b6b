-- Read caches: every process keeps recently rendered home timeline pages
-- and signed-in sessions in memory, and must hear at commit of every
-- change that could alter one, whichever process, worker or command made
-- it. A statement trigger on each table that feeds them announces, on
-- channel `moot_changes`, the posts and the accounts the change concerns;
-- a process drops whatever it rendered from them. An account is concerned
-- when it is shown (author, booster, mentioned) or when its own timeline
-- or session changes (a new post by someone it follows, its follows,
-- mutes, lists, filters, tokens ...).

-- Announces that a change concerns `statuses` and `accounts` (either may
-- be NULL).
CREATE FUNCTION moot_announce_change(statuses BIGINT[], accounts BIGINT[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    payload TEXT;
BEGIN
    IF statuses IS NULL AND accounts IS NULL THEN
        RETURN;
    END IF;
    payload := json_build_object('statuses', coalesce(statuses, '{}'),
                                 'accounts', coalesce(accounts, '{}'))::text;
    -- A notification's payload is limited to 8000 bytes; past that, every
    -- cached page and session goes.
    IF octet_length(payload) > 7900 THEN
        payload := '{"all":true}';
    END IF;
    PERFORM pg_notify('moot_changes', payload);
END $$;

-- Announces changes to `watched`: `statuses_sql` and `accounts_sql` select
-- the concerned ids from the changed rows, named `changed` (or, with
-- `statuses_sql` 'all', every change concerns everything). The SQL goes
-- into a trigger function of the table's own, so that PostgreSQL plans it
-- once per session rather than on every statement.
CREATE FUNCTION moot_watch_changes(watched regclass, statuses_sql TEXT, accounts_sql TEXT)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    name TEXT := replace(watched::text, '"', '');
    body TEXT;
    event TEXT;
BEGIN
    IF statuses_sql = 'all' THEN
        body := $body$ BEGIN
            PERFORM pg_notify('moot_changes', '{"all":true}');
            RETURN NULL;
        END $body$;
    ELSE
        body := format($body$
            DECLARE
                statuses BIGINT[];
                accounts BIGINT[];
            BEGIN
                SELECT array_agg(DISTINCT k) INTO statuses FROM (%s) x(k) WHERE k IS NOT NULL;
                SELECT array_agg(DISTINCT k) INTO accounts FROM (%s) x(k) WHERE k IS NOT NULL;
                PERFORM moot_announce_change(statuses, accounts);
                RETURN NULL;
            END $body$, statuses_sql, accounts_sql);
    END IF;
    EXECUTE format('CREATE FUNCTION %I() RETURNS trigger LANGUAGE plpgsql AS %L',
                   'moot_changed_' || name, body);
    -- One trigger per kind of statement: a transition table names new
    -- rows (inserted, updated) or old ones (deleted).
    FOREACH event IN ARRAY ARRAY['insert', 'update', 'delete'] LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER %s ON %s REFERENCING %s TABLE AS changed
                        FOR EACH STATEMENT EXECUTE FUNCTION %I()',
                       name || '_changed_' || event, event, watched,
                       CASE event WHEN 'delete' THEN 'OLD' ELSE 'NEW' END,
                       'moot_changed_' || name);
    END LOOP;
END $$;

-- Local people whose home timeline shows what the accounts in `changed`
-- post or boost.
CREATE FUNCTION moot_local_followers(authors BIGINT[]) RETURNS SETOF BIGINT
LANGUAGE sql STABLE AS $$
    SELECT f.follower_id FROM follows f JOIN users u ON u.account_id = f.follower_id
     WHERE f.target_id = ANY(authors) AND f.accepted
$$;

SELECT moot_watch_changes('statuses',
    'SELECT id FROM changed UNION ALL SELECT in_reply_to_id FROM changed',
    'SELECT account_id FROM changed
     UNION ALL SELECT moot_local_followers(ARRAY(SELECT account_id FROM changed))');
SELECT moot_watch_changes('reblogs',
    'SELECT status_id FROM changed',
    'SELECT account_id FROM changed
     UNION ALL SELECT moot_local_followers(ARRAY(SELECT account_id FROM changed))');
SELECT moot_watch_changes('status_mentions',
    'SELECT status_id FROM changed', 'SELECT account_id FROM changed');
SELECT moot_watch_changes('status_tags',
    'SELECT status_id FROM changed',
    'SELECT f.account_id FROM tag_follows f WHERE f.tag IN (SELECT tag FROM changed)');
SELECT moot_watch_changes('reactions', 'SELECT status_id FROM changed', 'SELECT NULL::bigint');
SELECT moot_watch_changes('bookmarks', 'SELECT status_id FROM changed', 'SELECT NULL::bigint');
SELECT moot_watch_changes('status_pins', 'SELECT status_id FROM changed', 'SELECT NULL::bigint');
SELECT moot_watch_changes('media_attachments', 'SELECT status_id FROM changed', 'SELECT NULL::bigint');
SELECT moot_watch_changes('polls', 'SELECT status_id FROM changed', 'SELECT NULL::bigint');
SELECT moot_watch_changes('poll_votes', 'SELECT status_id FROM changed', 'SELECT NULL::bigint');
SELECT moot_watch_changes('accepted_answers',
    'SELECT question_id FROM changed UNION ALL SELECT answer_id FROM changed',
    'SELECT NULL::bigint');
SELECT moot_watch_changes('follows', 'SELECT NULL::bigint',
    'SELECT follower_id FROM changed UNION ALL SELECT target_id FROM changed');
SELECT moot_watch_changes('blocks', 'SELECT NULL::bigint',
    'SELECT account_id FROM changed UNION ALL SELECT target_id FROM changed');
SELECT moot_watch_changes('mutes', 'SELECT NULL::bigint',
    'SELECT account_id FROM changed UNION ALL SELECT target_id FROM changed');
SELECT moot_watch_changes('lists', 'SELECT NULL::bigint', 'SELECT account_id FROM changed');
SELECT moot_watch_changes('list_accounts', 'SELECT NULL::bigint',
    'SELECT l.account_id FROM lists l WHERE l.id IN (SELECT list_id FROM changed)');
SELECT moot_watch_changes('filters', 'SELECT NULL::bigint', 'SELECT account_id FROM changed');
SELECT moot_watch_changes('filter_keywords', 'SELECT NULL::bigint',
    'SELECT f.account_id FROM filters f WHERE f.id IN (SELECT filter_id FROM changed)');
SELECT moot_watch_changes('filter_statuses', 'SELECT NULL::bigint',
    'SELECT f.account_id FROM filters f WHERE f.id IN (SELECT filter_id FROM changed)');
SELECT moot_watch_changes('tag_follows', 'SELECT NULL::bigint', 'SELECT account_id FROM changed');
SELECT moot_watch_changes('accounts', 'SELECT NULL::bigint', 'SELECT id FROM changed');
SELECT moot_watch_changes('users', 'SELECT NULL::bigint', 'SELECT account_id FROM changed');
SELECT moot_watch_changes('access_tokens', 'SELECT NULL::bigint',
    'SELECT u.account_id FROM users u WHERE u.id IN (SELECT user_id FROM changed)');
SELECT moot_watch_changes('groups', 'SELECT NULL::bigint', 'SELECT account_id FROM changed');
SELECT moot_watch_changes('group_roles', 'SELECT NULL::bigint',
    'SELECT group_id FROM changed UNION ALL SELECT account_id FROM changed');
-- Rare and far-reaching: everything goes.
SELECT moot_watch_changes('domain_blocks', 'all', '');
SELECT moot_watch_changes('domain_allows', 'all', '');
