-- Communities of practice. A group is an account (actor type Group); joining
-- a group is following it (FEP-1b12), so membership lives in `follows`.
CREATE TABLE groups (
    account_id BIGINT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    -- open: following is joining; approval: a moderator accepts each
    -- request; private: approval, and content is for members only.
    membership_mode TEXT NOT NULL CHECK (membership_mode IN ('open', 'approval', 'private')),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Owners and moderators of local groups (members are accepted followers).
CREATE TABLE group_roles (
    group_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('owner', 'moderator')),
    PRIMARY KEY (group_id, account_id)
);

CREATE TABLE group_bans (
    group_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (group_id, account_id)
);

-- The group a post was made in (its FEP-1b12 audience), if any.
ALTER TABLE statuses ADD COLUMN group_id BIGINT REFERENCES accounts (id) ON DELETE SET NULL;
CREATE INDEX statuses_group_idx ON statuses (group_id, id DESC) WHERE group_id IS NOT NULL;
