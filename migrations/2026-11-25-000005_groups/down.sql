ALTER TABLE statuses DROP COLUMN group_id;
DROP TABLE group_bans;
DROP TABLE group_roles;
DROP TABLE groups;
