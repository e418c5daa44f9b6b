-- Events, in a group or on a person's profile. The organizer's node keeps
-- the answers (RSVPs) and the counts; other nodes keep a copy of the event
-- as published, with the counts as its node last gave them.
CREATE TABLE events (
    id BIGSERIAL PRIMARY KEY,
    ap_id TEXT NOT NULL UNIQUE,
    organizer_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    group_id BIGINT REFERENCES accounts (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    -- Markdown for local events; the sanitized HTML is what is shown.
    description_source TEXT NOT NULL DEFAULT '',
    description_html TEXT NOT NULL DEFAULT '',
    starts_at TIMESTAMPTZ NOT NULL,
    ends_at TIMESTAMPTZ,
    -- An IANA time zone name, as the organizer gave it.
    timezone TEXT NOT NULL DEFAULT 'UTC',
    place_name TEXT,
    place_address TEXT,
    online_url TEXT,
    status TEXT NOT NULL DEFAULT 'confirmed' CHECK (status IN ('confirmed', 'tentative', 'cancelled')),
    -- Remote events: the counts their node published last.
    going_count INTEGER NOT NULL DEFAULT 0,
    maybe_count INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    deleted_at TIMESTAMPTZ
);
CREATE INDEX events_group_idx ON events (group_id, starts_at) WHERE group_id IS NOT NULL;
CREATE INDEX events_organizer_idx ON events (organizer_id, starts_at);

-- Who answered, and how. For a remote event, the row is this node's
-- record of what its person sent.
CREATE TABLE event_rsvps (
    event_id BIGINT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    answer TEXT NOT NULL CHECK (answer IN ('going', 'maybe', 'not_going')),
    -- The activity that carried the answer.
    ap_id TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (event_id, account_id)
);
