DELETE FROM notifications WHERE kind = 'update';
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('mention', 'follow', 'follow_request', 'favourite', 'reblog'));
DROP TABLE status_edits;
