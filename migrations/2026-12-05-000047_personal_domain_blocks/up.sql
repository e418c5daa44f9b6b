-- Domains a person hides from themself (Mastodon's per-user domain
-- blocks): everything of that node's accounts is kept out of their
-- timelines and notifications, through the one `hidden_accounts` rule.
CREATE TABLE account_domain_blocks (
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    domain TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    id BIGSERIAL UNIQUE,
    PRIMARY KEY (account_id, domain)
);
CREATE INDEX accounts_domain ON accounts (domain) WHERE domain IS NOT NULL;

CREATE OR REPLACE VIEW hidden_accounts AS
    SELECT account_id, target_id, true AS notifications FROM blocks
    UNION ALL
    SELECT account_id, target_id, notifications FROM mutes
     WHERE expires_at IS NULL OR expires_at > now()
    UNION ALL
    SELECT b.account_id, a.id AS target_id, true AS notifications
      FROM account_domain_blocks b JOIN accounts a ON a.domain = b.domain;
