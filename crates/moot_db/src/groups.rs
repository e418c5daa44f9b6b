//! Groups (communities of practice): their mode, roles and bans. Membership
//! is following the group, so it lives in `follows`.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::accounts::Account;
use crate::schema::{accounts, follows, group_bans, group_roles, groups};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = groups)]
pub struct Group {
    pub account_id: i64,
    pub membership_mode: String,
}

/// Stores a new local group account with its mode and owner.
pub async fn insert_local(
    conn: &mut AsyncPgConnection,
    name: &str,
    display_name: &str,
    mode: &str,
    public_key_pem: &str,
    private_key_pem: &str,
    owner_id: i64,
) -> QueryResult<Option<Account>> {
    let inserted: Option<Account> = diesel::insert_into(accounts::table)
        .values((
            accounts::username.eq(name),
            accounts::display_name.eq(display_name),
            accounts::actor_type.eq("Group"),
            accounts::manually_approves_followers.eq(mode != "open"),
            accounts::public_key_pem.eq(public_key_pem),
            accounts::private_key_pem.eq(private_key_pem),
        ))
        .on_conflict_do_nothing()
        .returning(Account::as_returning())
        .get_result(conn)
        .await
        .optional()?;
    let Some(group) = inserted else {
        return Ok(None);
    };
    diesel::insert_into(groups::table)
        .values((
            groups::account_id.eq(group.id),
            groups::membership_mode.eq(mode),
        ))
        .execute(conn)
        .await?;
    diesel::insert_into(group_roles::table)
        .values((
            group_roles::group_id.eq(group.id),
            group_roles::account_id.eq(owner_id),
            group_roles::role.eq("owner"),
        ))
        .execute(conn)
        .await?;
    Ok(Some(group))
}

pub async fn find(conn: &mut AsyncPgConnection, account_id: i64) -> QueryResult<Option<Group>> {
    groups::table
        .find(account_id)
        .select(Group::as_select())
        .first(conn)
        .await
        .optional()
}

/// `owner` or `moderator`, if `account_id` holds a role in the group.
pub async fn role_of(
    conn: &mut AsyncPgConnection,
    group_id: i64,
    account_id: i64,
) -> QueryResult<Option<String>> {
    group_roles::table
        .find((group_id, account_id))
        .select(group_roles::role)
        .first(conn)
        .await
        .optional()
}

pub async fn is_banned(
    conn: &mut AsyncPgConnection,
    group_id: i64,
    account_id: i64,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        group_bans::table.find((group_id, account_id)),
    ))
    .get_result(conn)
    .await
}

pub async fn ban(conn: &mut AsyncPgConnection, group_id: i64, account_id: i64) -> QueryResult<()> {
    diesel::insert_into(group_bans::table)
        .values((
            group_bans::group_id.eq(group_id),
            group_bans::account_id.eq(account_id),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await
        .map(|_| ())
}

/// The people banned from a group, by name.
pub async fn banned(conn: &mut AsyncPgConnection, group_id: i64) -> QueryResult<Vec<Account>> {
    group_bans::table
        .inner_join(accounts::table.on(accounts::id.eq(group_bans::account_id)))
        .filter(group_bans::group_id.eq(group_id))
        .order((accounts::username, accounts::domain))
        .select(Account::as_select())
        .load(conn)
        .await
}

/// Usernames of a group's owner and moderators.
pub async fn moderator_names(
    conn: &mut AsyncPgConnection,
    group_id: i64,
) -> QueryResult<Vec<String>> {
    group_roles::table
        .inner_join(accounts::table.on(accounts::id.eq(group_roles::account_id)))
        .filter(group_roles::group_id.eq(group_id))
        .order(accounts::username.asc())
        .select(accounts::username)
        .load(conn)
        .await
}

/// Records the membership mode a remote group publishes.
pub async fn upsert_mode(
    conn: &mut AsyncPgConnection,
    account_id: i64,
    mode: &str,
) -> QueryResult<()> {
    diesel::insert_into(groups::table)
        .values((
            groups::account_id.eq(account_id),
            groups::membership_mode.eq(mode),
        ))
        .on_conflict(groups::account_id)
        .do_update()
        .set(groups::membership_mode.eq(mode))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Gives `account_id` a role in the group (replacing any other role).
pub async fn set_role(
    conn: &mut AsyncPgConnection,
    group_id: i64,
    account_id: i64,
    role: &str,
) -> QueryResult<()> {
    diesel::insert_into(group_roles::table)
        .values((
            group_roles::group_id.eq(group_id),
            group_roles::account_id.eq(account_id),
            group_roles::role.eq(role),
        ))
        .on_conflict((group_roles::group_id, group_roles::account_id))
        .do_update()
        .set(group_roles::role.eq(role))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Lifts a ban; whether there was one.
pub async fn unban(
    conn: &mut AsyncPgConnection,
    group_id: i64,
    account_id: i64,
) -> QueryResult<bool> {
    diesel::delete(group_bans::table.find((group_id, account_id)))
        .execute(conn)
        .await
        .map(|n| n > 0)
}

/// Takes away `account_id`'s role (not the owner's).
pub async fn remove_moderator(
    conn: &mut AsyncPgConnection,
    group_id: i64,
    account_id: i64,
) -> QueryResult<()> {
    diesel::delete(
        group_roles::table
            .find((group_id, account_id))
            .filter(group_roles::role.eq("moderator")),
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// A group's owner and moderators.
pub async fn moderators(conn: &mut AsyncPgConnection, group_id: i64) -> QueryResult<Vec<Account>> {
    group_roles::table
        .inner_join(accounts::table.on(accounts::id.eq(group_roles::account_id)))
        .filter(group_roles::group_id.eq(group_id))
        .order((group_roles::role.desc(), accounts::username.asc()))
        .select(Account::as_select())
        .load(conn)
        .await
}

/// A page of members, newest first: (membership id, member, role if any).
pub async fn members_page(
    conn: &mut AsyncPgConnection,
    group_id: i64,
    max_id: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<(i64, Account, Option<String>)>> {
    follows::table
        .inner_join(accounts::table.on(accounts::id.eq(follows::follower_id)))
        .left_join(
            group_roles::table.on(group_roles::group_id
                .eq(follows::target_id)
                .and(group_roles::account_id.eq(follows::follower_id))),
        )
        .filter(follows::target_id.eq(group_id))
        .filter(follows::accepted)
        .filter(follows::id.lt(max_id.unwrap_or(i64::MAX)))
        .order(follows::id.desc())
        .limit(limit)
        .select((
            follows::id,
            Account::as_select(),
            group_roles::role.nullable(),
        ))
        .load(conn)
        .await
}

/// Changes a local group's profile and mode (`None` leaves a field).
pub async fn update_local(
    conn: &mut AsyncPgConnection,
    group_id: i64,
    display_name: Option<&str>,
    description: Option<&str>,
    mode: Option<&str>,
) -> QueryResult<()> {
    if let Some(name) = display_name {
        diesel::update(accounts::table.find(group_id))
            .set((
                accounts::display_name.eq(name),
                accounts::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)
            .await?;
    }
    if let Some(description) = description {
        diesel::update(accounts::table.find(group_id))
            .set((
                accounts::summary.eq(description),
                accounts::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)
            .await?;
    }
    if let Some(mode) = mode {
        diesel::update(groups::table.find(group_id))
            .set(groups::membership_mode.eq(mode))
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// Groups this node knows, local first then by name, whose name or
/// description holds `text` (every group when it is empty): each with its
/// membership mode when the node knows it.
pub async fn known(
    conn: &mut AsyncPgConnection,
    text: &str,
    limit: i64,
    offset: i64,
) -> QueryResult<Vec<(Account, Option<String>)>> {
    let mut query = accounts::table
        .left_join(groups::table.on(groups::account_id.eq(accounts::id)))
        .filter(accounts::actor_type.eq("Group"))
        .into_boxed();
    if !text.is_empty() {
        let pattern = format!("%{}%", crate::escape_like(text));
        query = query.filter(
            accounts::username
                .ilike(pattern.clone())
                .or(accounts::display_name.ilike(pattern.clone()))
                .or(accounts::summary.ilike(pattern)),
        );
    }
    query
        .order((
            accounts::domain.is_not_null(),
            accounts::username,
            accounts::domain,
        ))
        .limit(limit)
        .offset(offset)
        .select((Account::as_select(), groups::membership_mode.nullable()))
        .load(conn)
        .await
}

/// The groups a person follows (accepted) or asked to join (not yet),
/// each with its mode (when known) and the person's role in it: one query.
pub async fn of_member(
    conn: &mut AsyncPgConnection,
    person_id: i64,
) -> QueryResult<Vec<(Account, bool, Option<String>, Option<String>)>> {
    follows::table
        .inner_join(accounts::table.on(accounts::id.eq(follows::target_id)))
        .left_join(groups::table.on(groups::account_id.eq(follows::target_id)))
        .left_join(
            group_roles::table.on(group_roles::group_id
                .eq(follows::target_id)
                .and(group_roles::account_id.eq(follows::follower_id))),
        )
        .filter(follows::follower_id.eq(person_id))
        .filter(accounts::actor_type.eq("Group"))
        .order(accounts::username)
        .select((
            Account::as_select(),
            follows::accepted,
            groups::membership_mode.nullable(),
            group_roles::role.nullable(),
        ))
        .load(conn)
        .await
}

/// The membership modes of these groups, where known.
pub async fn modes(
    conn: &mut AsyncPgConnection,
    ids: &[i64],
) -> QueryResult<std::collections::HashMap<i64, String>> {
    Ok(groups::table
        .filter(groups::account_id.eq_any(ids))
        .select((groups::account_id, groups::membership_mode))
        .load::<(i64, String)>(conn)
        .await?
        .into_iter()
        .collect())
}

/// Where a person stands in these groups: (accepted, role) for each group
/// they follow or asked to join.
pub async fn standing_in(
    conn: &mut AsyncPgConnection,
    person_id: i64,
    ids: &[i64],
) -> QueryResult<std::collections::HashMap<i64, (bool, Option<String>)>> {
    Ok(follows::table
        .left_join(
            group_roles::table.on(group_roles::group_id
                .eq(follows::target_id)
                .and(group_roles::account_id.eq(follows::follower_id))),
        )
        .filter(follows::follower_id.eq(person_id))
        .filter(follows::target_id.eq_any(ids))
        .select((
            follows::target_id,
            follows::accepted,
            group_roles::role.nullable(),
        ))
        .load::<(i64, bool, Option<String>)>(conn)
        .await?
        .into_iter()
        .map(|(id, accepted, role)| (id, (accepted, role)))
        .collect())
}

/// Where an author stands in a group.
#[derive(Debug, Clone, Copy, QueryableByName)]
pub struct Standing {
    /// The group is (still) one of this node's groups.
    #[diesel(sql_type = diesel::sql_types::Bool)]
    pub group: bool,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    pub member: bool,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    pub banned: bool,
}

/// Where each author stands in each group, for `(group, author)` pairs, in
/// their order: one query for a batch of received group posts.
pub async fn standings(
    conn: &mut AsyncPgConnection,
    pairs: &[(i64, i64)],
) -> QueryResult<Vec<Standing>> {
    use diesel::sql_types::{Array, BigInt};
    let (groups, authors): (Vec<i64>, Vec<i64>) = pairs.iter().copied().unzip();
    diesel::sql_query(
        "SELECT EXISTS (SELECT 1 FROM groups g WHERE g.account_id = t.g) AS group,
                EXISTS (SELECT 1 FROM follows f
                        WHERE f.follower_id = t.a AND f.target_id = t.g AND f.accepted) AS member,
                EXISTS (SELECT 1 FROM group_bans b
                        WHERE b.group_id = t.g AND b.account_id = t.a) AS banned
         FROM unnest($1::int8[], $2::int8[]) WITH ORDINALITY AS t(g, a, n) ORDER BY t.n",
    )
    .bind::<Array<BigInt>, _>(&groups)
    .bind::<Array<BigInt>, _>(&authors)
    .load(conn)
    .await
}
