DROP TRIGGER notifications_queue_pushes ON notifications;
DROP FUNCTION queue_pushes();
DROP TABLE push_deliveries;
DROP TABLE push_subscriptions;
ALTER TABLE site DROP COLUMN vapid_private_pem;
