-- People who choose to be listed in the sector directory peers read
-- (Mastodon's `discoverable`); nobody is listed without choosing it.
ALTER TABLE accounts ADD COLUMN discoverable BOOLEAN NOT NULL DEFAULT false;
