ALTER TABLE peers DROP COLUMN last_success_at;
DROP INDEX audit_log_action;
DROP INDEX audit_log_actor;
DROP TABLE thread_locks;
DROP TABLE node_documents;
DROP TABLE node_rules;
DROP TABLE password_resets;
ALTER TABLE users DROP COLUMN invite_id, DROP COLUMN sign_up_reason;
DROP TABLE invites;
DELETE FROM notifications WHERE kind = 'moderation_warning';
DROP INDEX notifications_event_key;
CREATE UNIQUE INDEX notifications_event_key
    ON notifications (account_id, kind, from_account_id, COALESCE(status_id, 0));
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('mention', 'status', 'follow', 'follow_request', 'favourite', 'reblog', 'update'));
ALTER TABLE notifications DROP COLUMN warning_id;
DROP TABLE account_warnings;
ALTER TABLE accounts DROP COLUMN sensitized_at, DROP COLUMN silenced_at,
    DROP COLUMN suspension_origin, DROP COLUMN suspended_at;
