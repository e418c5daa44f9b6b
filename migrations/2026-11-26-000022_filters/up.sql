-- A person's filters (Mastodon's filters v2): keywords or particular
-- posts that, in the chosen contexts, are shown behind a warning or hidden.
CREATE TABLE filters (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    context TEXT[] NOT NULL,
    action TEXT NOT NULL DEFAULT 'warn' CHECK (action IN ('warn', 'hide', 'blur')),
    expires_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX filters_account_idx ON filters (account_id);

CREATE TABLE filter_keywords (
    id BIGSERIAL PRIMARY KEY,
    filter_id BIGINT NOT NULL REFERENCES filters (id) ON DELETE CASCADE,
    keyword TEXT NOT NULL,
    whole_word BOOLEAN NOT NULL DEFAULT true
);
CREATE INDEX filter_keywords_filter_idx ON filter_keywords (filter_id);

CREATE TABLE filter_statuses (
    id BIGSERIAL PRIMARY KEY,
    filter_id BIGINT NOT NULL REFERENCES filters (id) ON DELETE CASCADE,
    status_id BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    UNIQUE (filter_id, status_id)
);
