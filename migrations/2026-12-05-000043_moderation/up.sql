-- Moderation of accounts, as Mastodon keeps it: when an account was
-- suspended, limited (silenced) or had its media marked sensitive, and
-- whether a suspension was decided here or announced by the account's
-- own node (`remote`, undone only by that node).
ALTER TABLE accounts
    ADD COLUMN suspended_at TIMESTAMPTZ,
    ADD COLUMN suspension_origin TEXT CHECK (suspension_origin IN ('local', 'remote')),
    ADD COLUMN silenced_at TIMESTAMPTZ,
    ADD COLUMN sensitized_at TIMESTAMPTZ;

-- Warnings and other decisions a person is told about.
CREATE TABLE account_warnings (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    action TEXT NOT NULL CHECK (action IN ('none', 'disable', 'mark_statuses_as_sensitive',
        'delete_statuses', 'sensitive', 'silence', 'suspend')),
    text TEXT NOT NULL DEFAULT '',
    report_id BIGINT REFERENCES reports (id) ON DELETE SET NULL,
    created_by_id BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX account_warnings_account ON account_warnings (account_id, id DESC);
-- A warning reaches its person as a `moderation_warning` notification;
-- each warning is an event of its own.
ALTER TABLE notifications ADD COLUMN warning_id BIGINT REFERENCES account_warnings (id) ON DELETE CASCADE;
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('mention', 'status', 'follow', 'follow_request', 'favourite', 'reblog',
                    'update', 'moderation_warning'));
DROP INDEX notifications_event_key;
CREATE UNIQUE INDEX notifications_event_key ON notifications
    (account_id, kind, from_account_id, COALESCE(status_id, 0), COALESCE(warning_id, 0));

-- Invitations to sign up while registration is closed: single or
-- multi-use, with an optional expiry.
CREATE TABLE invites (
    id BIGSERIAL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    created_by_id BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    comment TEXT NOT NULL DEFAULT '',
    max_uses INT CHECK (max_uses IS NULL OR max_uses > 0),
    uses INT NOT NULL DEFAULT 0,
    expires_at TIMESTAMPTZ,
    revoked_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Why a person asked to join (approval mode), and the invitation they used.
ALTER TABLE users
    ADD COLUMN sign_up_reason TEXT NOT NULL DEFAULT '',
    ADD COLUMN invite_id BIGINT REFERENCES invites (id) ON DELETE SET NULL;

-- One-time links an administrator hands to a person to set a new password.
CREATE TABLE password_resets (
    id BIGSERIAL PRIMARY KEY,
    token_sha256 BYTEA NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_by_id BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at TIMESTAMPTZ NOT NULL,
    used_at TIMESTAMPTZ
);

-- The node's rules, in order, and its terms of service and privacy policy.
CREATE TABLE node_rules (
    id BIGSERIAL PRIMARY KEY,
    text TEXT NOT NULL,
    hint TEXT NOT NULL DEFAULT '',
    position INT NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE node_documents (
    kind TEXT PRIMARY KEY CHECK (kind IN ('terms_of_service', 'privacy_policy')),
    source TEXT NOT NULL,
    html TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Threads a group's moderators closed to new replies.
CREATE TABLE thread_locks (
    status_id BIGINT PRIMARY KEY REFERENCES statuses (id) ON DELETE CASCADE,
    locked_by_id BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Finding things in the audit log.
CREATE INDEX audit_log_actor ON audit_log (actor, id DESC);
CREATE INDEX audit_log_action ON audit_log (action, id DESC);

-- When each peer last took a delivery, for the delivery health page.
ALTER TABLE peers ADD COLUMN last_success_at TIMESTAMPTZ;
