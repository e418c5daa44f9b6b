DELETE FROM notifications WHERE kind = 'status';
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('mention', 'follow', 'follow_request', 'favourite', 'reblog', 'update'));
ALTER TABLE follows DROP COLUMN notify;
DROP TABLE status_pins;
