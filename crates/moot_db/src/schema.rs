//! Diesel's view of the tables in `migrations/`; keep the two in step.

diesel::table! {
    accounts (id) {
        id -> Int8,
        username -> Text,
        domain -> Nullable<Text>,
        display_name -> Text,
        summary -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        public_key_pem -> Text,
        private_key_pem -> Nullable<Text>,
        ap_id -> Nullable<Text>,
        inbox_url -> Nullable<Text>,
        shared_inbox_url -> Nullable<Text>,
        followers_url -> Nullable<Text>,
        profile_url -> Nullable<Text>,
        actor_type -> Text,
        manually_approves_followers -> Bool,
        fetched_at -> Nullable<Timestamptz>,
        avatar_url -> Nullable<Text>,
        header_url -> Nullable<Text>,
        note_source -> Nullable<Text>,
        suspended_at -> Nullable<Timestamptz>,
        suspension_origin -> Nullable<Text>,
        silenced_at -> Nullable<Timestamptz>,
        sensitized_at -> Nullable<Timestamptz>,
        discoverable -> Bool,
    }
}

diesel::table! {
    account_notes (account_id, target_id) {
        account_id -> Int8,
        target_id -> Int8,
        comment -> Text,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    access_tokens (id) {
        id -> Int8,
        token_sha256 -> Bytea,
        user_id -> Nullable<Int8>,
        scopes -> Text,
        created_at -> Timestamptz,
        revoked_at -> Nullable<Timestamptz>,
        app_id -> Nullable<Int8>,
        refresh_sha256 -> Nullable<Bytea>,
    }
}

diesel::table! {
    web_sessions (id) {
        id -> Int8,
        token_sha256 -> Bytea,
        user_id -> Int8,
        csrf_token -> Text,
        user_agent -> Text,
        ip -> Text,
        created_at -> Timestamptz,
        last_seen_at -> Timestamptz,
    }
}

diesel::table! {
    oauth_apps (id) {
        id -> Int8,
        client_id -> Text,
        client_secret_sha256 -> Bytea,
        name -> Text,
        website -> Nullable<Text>,
        redirect_uris -> Text,
        scopes -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    oauth_codes (code_sha256) {
        code_sha256 -> Bytea,
        app_id -> Int8,
        user_id -> Int8,
        redirect_uri -> Text,
        scopes -> Text,
        code_challenge -> Nullable<Text>,
        expires_at -> Timestamptz,
    }
}

diesel::table! {
    follows (id) {
        id -> Int8,
        follower_id -> Int8,
        target_id -> Int8,
        ap_id -> Text,
        accepted -> Bool,
        created_at -> Timestamptz,
        notify -> Bool,
        resent_at -> Nullable<Timestamptz>,
        resends -> Int4,
    }
}

diesel::table! {
    status_pins (account_id, status_id) {
        account_id -> Int8,
        status_id -> Int8,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    peers (id) {
        id -> Int8,
        domain -> Text,
        last_delivered_id -> Int8,
        failing_since -> Nullable<Timestamptz>,
        attempts -> Int4,
        next_attempt_at -> Nullable<Timestamptz>,
        lease_until -> Nullable<Timestamptz>,
        last_success_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    outbox (id) {
        id -> Int8,
        ap_id -> Text,
        actor_id -> Nullable<Int8>,
        body -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    outbox_deliveries (peer_id, outbox_id, inbox_url) {
        peer_id -> Int8,
        outbox_id -> Int8,
        inbox_url -> Text,
    }
}

diesel::table! {
    received_activities (ap_id) {
        ap_id -> Text,
        received_at -> Timestamptz,
    }
}

diesel::table! {
    site (id) {
        id -> Int4,
        public_key_pem -> Text,
        private_key_pem -> Text,
        created_at -> Timestamptz,
        vapid_private_pem -> Nullable<Text>,
    }
}

diesel::table! {
    users (id) {
        id -> Int8,
        account_id -> Int8,
        email -> Text,
        password_hash -> Text,
        is_admin -> Bool,
        approved -> Bool,
        created_at -> Timestamptz,
        post_format -> Text,
        sign_up_reason -> Text,
        invite_id -> Nullable<Int8>,
    }
}

diesel::table! {
    statuses (id) {
        id -> Int8,
        ap_id -> Nullable<Text>,
        account_id -> Int8,
        in_reply_to_id -> Nullable<Int8>,
        in_reply_to_ap_id -> Nullable<Text>,
        kind -> Text,
        content -> Text,
        source -> Nullable<Text>,
        spoiler_text -> Text,
        sensitive -> Bool,
        visibility -> Text,
        language -> Nullable<Text>,
        url -> Nullable<Text>,
        created_at -> Timestamptz,
        edited_at -> Nullable<Timestamptz>,
        deleted_at -> Nullable<Timestamptz>,
        group_id -> Nullable<Int8>,
        quote_ap_id -> Nullable<Text>,
    }
}

diesel::table! {
    preview_cards (url) {
        url -> Text,
        found -> Bool,
        title -> Text,
        description -> Text,
        image_url -> Nullable<Text>,
        provider_name -> Text,
        fetched_at -> Timestamptz,
    }
}

diesel::table! {
    status_cards (status_id) {
        status_id -> Int8,
        url -> Text,
    }
}

diesel::table! {
    status_emojis (status_id, shortcode) {
        status_id -> Int8,
        shortcode -> Text,
        url -> Text,
    }
}

diesel::table! {
    groups (account_id) {
        account_id -> Int8,
        membership_mode -> Text,
        created_at -> Timestamptz,
        wiki_edit_policy -> Text,
    }
}

diesel::table! {
    group_roles (group_id, account_id) {
        group_id -> Int8,
        account_id -> Int8,
        role -> Text,
    }
}

diesel::table! {
    group_bans (group_id, account_id) {
        group_id -> Int8,
        account_id -> Int8,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    reactions (id) {
        id -> Int8,
        account_id -> Int8,
        status_id -> Int8,
        kind -> Text,
        ap_id -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    reblogs (id) {
        id -> Int8,
        account_id -> Int8,
        status_id -> Int8,
        ap_id -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    reports (id) {
        id -> Int8,
        reporter_id -> Int8,
        target_account_id -> Nullable<Int8>,
        status_ids -> Array<Int8>,
        comment -> Text,
        ap_id -> Nullable<Text>,
        created_at -> Timestamptz,
        category -> Text,
        rule_ids -> Array<Int8>,
        forwarded -> Bool,
        action_taken_at -> Nullable<Timestamptz>,
        action_taken_by_id -> Nullable<Int8>,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    status_mentions (status_id, account_id) {
        status_id -> Int8,
        account_id -> Int8,
    }
}

diesel::table! {
    federation_state (id) {
        id -> Bool,
        mode -> Text,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    domain_subscriptions (id) {
        id -> Int8,
        url -> Text,
        kind -> Text,
        refresh_hours -> Int4,
        last_fetched_at -> Nullable<Timestamptz>,
        last_error -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    domain_allows (id) {
        id -> Int8,
        domain -> Text,
        subscription_id -> Nullable<Int8>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    domain_blocks (id) {
        id -> Int8,
        domain -> Text,
        subscription_id -> Nullable<Int8>,
        severity -> Text,
        reject_media -> Bool,
        reject_reports -> Bool,
        public_comment -> Text,
        private_comment -> Text,
        obfuscate -> Bool,
        expires_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    notifications (id) {
        id -> Int8,
        account_id -> Int8,
        kind -> Text,
        from_account_id -> Int8,
        status_id -> Nullable<Int8>,
        created_at -> Timestamptz,
        warning_id -> Nullable<Int8>,
    }
}

diesel::table! {
    account_warnings (id) {
        id -> Int8,
        account_id -> Int8,
        action -> Text,
        text -> Text,
        report_id -> Nullable<Int8>,
        created_by_id -> Nullable<Int8>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    conversations (id) {
        id -> Int8,
        account_id -> Int8,
        root_status_id -> Int8,
        last_status_id -> Int8,
        unread -> Bool,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    invites (id) {
        id -> Int8,
        code -> Text,
        created_by_id -> Nullable<Int8>,
        comment -> Text,
        max_uses -> Nullable<Int4>,
        uses -> Int4,
        expires_at -> Nullable<Timestamptz>,
        revoked_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    password_resets (id) {
        id -> Int8,
        token_sha256 -> Bytea,
        user_id -> Int8,
        created_by_id -> Nullable<Int8>,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
        used_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    node_rules (id) {
        id -> Int8,
        text -> Text,
        hint -> Text,
        position -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    node_documents (kind) {
        kind -> Text,
        source -> Text,
        html -> Text,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    thread_locks (status_id) {
        status_id -> Int8,
        locked_by_id -> Nullable<Int8>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    media_attachments (id) {
        id -> Int8,
        account_id -> Int8,
        status_id -> Nullable<Int8>,
        file_key -> Text,
        content_type -> Text,
        kind -> Text,
        file_size -> Int8,
        sha256 -> Text,
        description -> Text,
        original_name -> Nullable<Text>,
        focus_x -> Nullable<Float4>,
        focus_y -> Nullable<Float4>,
        created_at -> Timestamptz,
        remote_url -> Nullable<Text>,
        remote_preview_url -> Nullable<Text>,
        blurhash -> Nullable<Text>,
        width -> Nullable<Int4>,
        height -> Nullable<Int4>,
        preview_key -> Nullable<Text>,
        small_width -> Nullable<Int4>,
        small_height -> Nullable<Int4>,
    }
}

diesel::table! {
    idempotency_keys (account_id, key) {
        account_id -> Int8,
        key -> Text,
        status_id -> Int8,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    bookmarks (id) {
        id -> Int8,
        account_id -> Int8,
        status_id -> Int8,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    markers (account_id, timeline) {
        account_id -> Int8,
        timeline -> Text,
        last_read_id -> Int8,
        version -> Int4,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    status_edits (id) {
        id -> Int8,
        status_id -> Int8,
        content -> Text,
        spoiler_text -> Text,
        sensitive -> Bool,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    account_endorsements (account_id, target_id) {
        account_id -> Int8,
        target_id -> Int8,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    status_tags (status_id, tag) {
        status_id -> Int8,
        tag -> Text,
    }
}

diesel::table! {
    blocks (id) {
        id -> Int8,
        account_id -> Int8,
        target_id -> Int8,
        ap_id -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    mutes (id) {
        id -> Int8,
        account_id -> Int8,
        target_id -> Int8,
        notifications -> Bool,
        expires_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    /// A view: blocks and mutes in force (see the blocks migration).
    hidden_accounts (account_id, target_id) {
        account_id -> Int8,
        target_id -> Int8,
        notifications -> Bool,
    }
}

diesel::table! {
    lists (id) {
        id -> Int8,
        account_id -> Int8,
        title -> Text,
        replies_policy -> Text,
        exclusive -> Bool,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    list_accounts (list_id, account_id) {
        list_id -> Int8,
        account_id -> Int8,
    }
}

diesel::table! {
    filters (id) {
        id -> Int8,
        account_id -> Int8,
        title -> Text,
        context -> Array<Text>,
        action -> Text,
        expires_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    filter_keywords (id) {
        id -> Int8,
        filter_id -> Int8,
        keyword -> Text,
        whole_word -> Bool,
    }
}

diesel::table! {
    filter_statuses (id) {
        id -> Int8,
        filter_id -> Int8,
        status_id -> Int8,
    }
}

diesel::table! {
    tag_follows (id) {
        id -> Int8,
        account_id -> Int8,
        tag -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    wiki_pages (id) {
        id -> Int8,
        group_id -> Int8,
        ap_id -> Text,
        slug -> Text,
        title -> Text,
        body -> Text,
        content_html -> Text,
        version -> Text,
        edit_policy -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    wiki_revisions (id) {
        id -> Int8,
        page_id -> Int8,
        ap_id -> Text,
        number -> Int4,
        version -> Text,
        previous_version -> Text,
        author_id -> Int8,
        summary -> Text,
        title -> Text,
        body -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    wiki_editors (id) {
        id -> Int8,
        group_id -> Int8,
        page_id -> Nullable<Int8>,
        account_id -> Int8,
    }
}

diesel::table! {
    wiki_submissions (id) {
        id -> Int8,
        page_id -> Nullable<Int8>,
        author_id -> Int8,
        activity_id -> Text,
        ap_id -> Text,
        base_version -> Text,
        summary -> Text,
        title -> Text,
        body -> Text,
        state -> Text,
        reason -> Nullable<Text>,
        created_at -> Timestamptz,
        decided_at -> Nullable<Timestamptz>,
        group_id -> Int8,
    }
}

diesel::table! {
    library_items (id) {
        id -> Int8,
        group_id -> Int8,
        ap_id -> Text,
        uploader_id -> Int8,
        title -> Text,
        description -> Text,
        folder -> Text,
        tags -> Array<Text>,
        current_version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        deleted_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    library_submissions (id) {
        id -> Int8,
        group_id -> Int8,
        item_id -> Nullable<Int8>,
        uploader_id -> Int8,
        media_id -> Int8,
        activity_id -> Text,
        title -> Text,
        state -> Text,
        reason -> Nullable<Text>,
        created_at -> Timestamptz,
        decided_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    library_versions (id) {
        id -> Int8,
        item_id -> Int8,
        number -> Int4,
        ap_id -> Text,
        media_id -> Nullable<Int8>,
        url -> Text,
        media_type -> Text,
        size -> Int8,
        sha256 -> Text,
        file_name -> Nullable<Text>,
        uploader_id -> Int8,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    events (id) {
        id -> Int8,
        ap_id -> Text,
        organizer_id -> Int8,
        group_id -> Nullable<Int8>,
        title -> Text,
        description_source -> Text,
        description_html -> Text,
        starts_at -> Timestamptz,
        ends_at -> Nullable<Timestamptz>,
        timezone -> Text,
        place_name -> Nullable<Text>,
        place_address -> Nullable<Text>,
        online_url -> Nullable<Text>,
        status -> Text,
        going_count -> Int4,
        maybe_count -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        deleted_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    event_rsvps (event_id, account_id) {
        event_id -> Int8,
        account_id -> Int8,
        answer -> Text,
        ap_id -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    polls (status_id) {
        status_id -> Int8,
        options -> Array<Text>,
        multiple -> Bool,
        expires_at -> Nullable<Timestamptz>,
        remote_counts -> Nullable<Array<Int4>>,
        remote_voters -> Nullable<Int4>,
    }
}

diesel::table! {
    poll_votes (status_id, account_id, choice) {
        status_id -> Int8,
        account_id -> Int8,
        choice -> Int4,
        ap_id -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    accepted_answers (question_id) {
        question_id -> Int8,
        answer_id -> Int8,
        chosen_by -> Int8,
        ap_id -> Text,
        created_at -> Timestamptz,
    }
}

diesel::joinable!(users -> accounts (account_id));
diesel::joinable!(password_resets -> users (user_id));
diesel::joinable!(library_versions -> library_items (item_id));
diesel::joinable!(wiki_revisions -> wiki_pages (page_id));
diesel::joinable!(wiki_revisions -> accounts (author_id));
diesel::joinable!(statuses -> accounts (account_id));
diesel::joinable!(groups -> accounts (account_id));
diesel::joinable!(status_emojis -> statuses (status_id));
diesel::joinable!(status_cards -> preview_cards (url));
diesel::joinable!(access_tokens -> users (user_id));
diesel::joinable!(access_tokens -> oauth_apps (app_id));
diesel::joinable!(web_sessions -> users (user_id));
diesel::joinable!(outbox -> accounts (actor_id));
diesel::joinable!(outbox_deliveries -> outbox (outbox_id));
diesel::joinable!(outbox_deliveries -> peers (peer_id));
diesel::allow_tables_to_appear_in_same_query!(
    accounts,
    preview_cards,
    status_cards,
    status_emojis,
    users,
    site,
    access_tokens,
    web_sessions,
    follows,
    peers,
    outbox,
    outbox_deliveries,
    received_activities,
    statuses,
    groups,
    group_roles,
    group_bans,
    reactions,
    reblogs,
    reports,
    status_mentions,
    federation_state,
    account_warnings,
    conversations,
    invites,
    password_resets,
    node_rules,
    node_documents,
    thread_locks,
    domain_subscriptions,
    domain_allows,
    domain_blocks,
    oauth_apps,
    oauth_codes,
    notifications,
    media_attachments,
    idempotency_keys,
    bookmarks,
    markers,
    status_edits,
    status_tags,
    account_notes,
    blocks,
    mutes,
    hidden_accounts,
    status_pins,
    lists,
    list_accounts,
    filters,
    filter_keywords,
    filter_statuses,
    tag_follows,
    wiki_pages,
    wiki_revisions,
    wiki_editors,
    wiki_submissions,
    library_items,
    library_versions,
    library_submissions,
    events,
    event_rsvps,
    polls,
    poll_votes,
    accepted_answers,
    account_endorsements,
);
