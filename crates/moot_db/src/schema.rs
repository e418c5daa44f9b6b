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
    }
}

diesel::table! {
    site (id) {
        id -> Int4,
        public_key_pem -> Text,
        private_key_pem -> Text,
        created_at -> Timestamptz,
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
    }
}

diesel::joinable!(users -> accounts (account_id));
diesel::allow_tables_to_appear_in_same_query!(accounts, users, site);
