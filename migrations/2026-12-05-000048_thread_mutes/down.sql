DROP FUNCTION thread_muted(BIGINT, BIGINT);
DROP TABLE thread_mutes;
