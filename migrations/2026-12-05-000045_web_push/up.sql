-- Web Push: apps' subscriptions (one per access token, as Mastodon has it)
-- and a durable queue of pushes to send, filled by the database itself
-- whenever a notification is stored, so no write path can forget it.

-- The node's VAPID key (RFC 8292): an EC P-256 private key, PKCS#8 PEM,
-- made on first use.
ALTER TABLE site ADD COLUMN vapid_private_pem TEXT;

CREATE TABLE push_subscriptions (
    id BIGSERIAL PRIMARY KEY,
    token_id BIGINT NOT NULL UNIQUE REFERENCES access_tokens (id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    -- The token itself: Mastodon's push payload names it, and apps signed in
    -- to several accounts find the account by it. Only tokens with a push
    -- subscription are kept in clear, and only here; the row goes with the
    -- token.
    access_token TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    -- The app's P-256 public key (65 bytes) and auth secret (16 bytes).
    p256dh BYTEA NOT NULL,
    auth BYTEA NOT NULL,
    -- RFC 8291 `aes128gcm` when true, the older `aesgcm` draft otherwise.
    standard BOOLEAN NOT NULL DEFAULT FALSE,
    -- Notification kinds wanted (`mention`, `favourite`, ...).
    alerts TEXT[] NOT NULL DEFAULT '{}',
    policy TEXT NOT NULL DEFAULT 'all'
        CHECK (policy IN ('all', 'followed', 'follower', 'none')),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX push_subscriptions_account ON push_subscriptions (account_id);

CREATE TABLE push_deliveries (
    id BIGSERIAL PRIMARY KEY,
    subscription_id BIGINT NOT NULL REFERENCES push_subscriptions (id) ON DELETE CASCADE,
    notification_id BIGINT NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
    attempts INT NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX push_deliveries_due ON push_deliveries (next_attempt_at);
CREATE INDEX push_deliveries_notification ON push_deliveries (notification_id);

-- Once per statement: queue a push for every subscription that wants the
-- notification's kind from that sender, and wake the senders.
CREATE FUNCTION queue_pushes() RETURNS trigger AS $$
BEGIN
    INSERT INTO push_deliveries (subscription_id, notification_id)
    SELECT s.id, n.id
      FROM added n
      JOIN push_subscriptions s ON s.account_id = n.account_id
     WHERE n.kind = ANY (s.alerts)
       AND (s.policy = 'all'
            OR (s.policy = 'followed' AND EXISTS (
                  SELECT 1 FROM follows f
                   WHERE f.follower_id = n.account_id AND f.target_id = n.from_account_id
                     AND f.accepted))
            OR (s.policy = 'follower' AND EXISTS (
                  SELECT 1 FROM follows f
                   WHERE f.follower_id = n.from_account_id AND f.target_id = n.account_id
                     AND f.accepted)));
    IF FOUND THEN
        PERFORM pg_notify('moot_push', '');
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER notifications_queue_pushes
    AFTER INSERT ON notifications
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION queue_pushes();
