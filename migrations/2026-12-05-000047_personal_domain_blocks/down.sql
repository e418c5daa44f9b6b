CREATE OR REPLACE VIEW hidden_accounts AS
    SELECT account_id, target_id, true AS notifications FROM blocks
    UNION ALL
    SELECT account_id, target_id, notifications FROM mutes
     WHERE expires_at IS NULL OR expires_at > now();
DROP INDEX accounts_domain;
DROP TABLE account_domain_blocks;
