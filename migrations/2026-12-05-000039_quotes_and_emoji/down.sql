DROP TABLE status_emojis;
ALTER TABLE statuses DROP COLUMN quote_ap_id;
