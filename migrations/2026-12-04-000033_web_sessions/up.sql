-- Browser sessions of the web app. The cookie holds a random secret; only
-- its SHA-256 is stored, so a copy of the database signs nobody in.
CREATE TABLE web_sessions (
    id BIGSERIAL PRIMARY KEY,
    token_sha256 BYTEA NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- Every form of this session carries this token (see moot_web::csrf).
    csrf_token TEXT NOT NULL,
    user_agent TEXT NOT NULL DEFAULT '',
    ip TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_seen_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX web_sessions_by_user ON web_sessions (user_id, last_seen_at DESC);
