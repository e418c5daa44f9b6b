DROP VIEW hidden_accounts; DROP TABLE mutes; DROP TABLE blocks;
