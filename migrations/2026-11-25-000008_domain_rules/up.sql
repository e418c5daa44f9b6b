-- Whom this node federates with. Rules name a domain (covering its
-- subdomains) or one host:port. Local rules are the admins' own; rules from
-- subscribed lists live beside them with their subscription's id, and a
-- local rule for the same domain wins.

-- The run-time federation mode; no row means the configured mode.
CREATE TABLE federation_state (
    id BOOLEAN PRIMARY KEY DEFAULT true CHECK (id),
    mode TEXT NOT NULL CHECK (mode IN ('blocklist', 'allowlist')),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Lists published at a URL, fetched on a schedule.
CREATE TABLE domain_subscriptions (
    id BIGSERIAL PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    -- What the list's entries are: domains to allow, or to block (a CSV
    -- in Mastodon's block format may carry its own severities).
    kind TEXT NOT NULL CHECK (kind IN ('allow', 'block')),
    refresh_hours INTEGER NOT NULL CHECK (refresh_hours BETWEEN 1 AND 8760),
    last_fetched_at TIMESTAMPTZ,
    last_error TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE domain_allows (
    id BIGSERIAL PRIMARY KEY,
    domain TEXT NOT NULL,
    subscription_id BIGINT REFERENCES domain_subscriptions (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX domain_allows_local_key ON domain_allows (domain) WHERE subscription_id IS NULL;
CREATE UNIQUE INDEX domain_allows_subscribed_key ON domain_allows (subscription_id, domain)
    WHERE subscription_id IS NOT NULL;

CREATE TABLE domain_blocks (
    id BIGSERIAL PRIMARY KEY,
    domain TEXT NOT NULL,
    subscription_id BIGINT REFERENCES domain_subscriptions (id) ON DELETE CASCADE,
    severity TEXT NOT NULL CHECK (severity IN ('suspend', 'silence', 'noop')),
    reject_media BOOLEAN NOT NULL DEFAULT false,
    reject_reports BOOLEAN NOT NULL DEFAULT false,
    public_comment TEXT NOT NULL DEFAULT '',
    private_comment TEXT NOT NULL DEFAULT '',
    -- Show the domain partly hidden in the public list.
    obfuscate BOOLEAN NOT NULL DEFAULT false,
    expires_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX domain_blocks_local_key ON domain_blocks (domain) WHERE subscription_id IS NULL;
CREATE UNIQUE INDEX domain_blocks_subscribed_key ON domain_blocks (subscription_id, domain)
    WHERE subscription_id IS NOT NULL;

-- Who changed what, when and why.
CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    -- "@name" for a person through the API, "cli:user" for the command line,
    -- "subscription:url" for a list refresh.
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    details JSONB NOT NULL DEFAULT '{}',
    reason TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_created_idx ON audit_log (created_at DESC);
