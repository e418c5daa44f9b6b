DROP TABLE status_mentions;
