DROP TRIGGER notifications_stream ON notifications;
DROP FUNCTION moot_stream_notification();
DROP TRIGGER statuses_stream ON statuses;
DROP FUNCTION moot_stream_status();
