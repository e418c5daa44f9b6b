-- OAuth 2 client applications. Secrets, codes and tokens are 256 random
-- bits kept only as SHA-256 digests.
CREATE TABLE oauth_apps (
    id BIGSERIAL PRIMARY KEY,
    client_id TEXT NOT NULL UNIQUE,
    client_secret_sha256 BYTEA NOT NULL,
    name TEXT NOT NULL,
    website TEXT,
    -- One URI a line; urn:ietf:wg:oauth:2.0:oob shows the code on a page.
    redirect_uris TEXT NOT NULL,
    scopes TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Authorization codes: short-lived, used once, bound to the redirect URI
-- and (PKCE) to the client's code challenge.
CREATE TABLE oauth_codes (
    code_sha256 BYTEA PRIMARY KEY,
    app_id BIGINT NOT NULL REFERENCES oauth_apps (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    redirect_uri TEXT NOT NULL,
    scopes TEXT NOT NULL,
    code_challenge TEXT,
    expires_at TIMESTAMPTZ NOT NULL
);

-- Tokens now belong to an app (NULL for tokens made by `moot admin token`),
-- and an app's own client_credentials token has no user.
ALTER TABLE access_tokens
    ALTER COLUMN user_id DROP NOT NULL,
    ADD COLUMN app_id BIGINT REFERENCES oauth_apps (id) ON DELETE CASCADE,
    ADD COLUMN refresh_sha256 BYTEA UNIQUE;
