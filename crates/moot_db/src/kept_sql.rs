//! Raw SQL that PostgreSQL keeps prepared.
//!
//! diesel never reuses a `sql_query` statement (it cannot know the text is
//! fixed), so PostgreSQL parses and plans it on every run: for the home
//! timeline, as long as running it. A `KeptSql` is raw SQL with `$n`
//! parameters that diesel's statement cache keeps, per connection, keyed
//! by its text; each `$n` becomes a placeholder of its own bound to the
//! n-th value. The text must hold no other `$`.

use std::marker::PhantomData;

use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::result::Error;
use diesel::serialize::ToSql;
use diesel::sql_types::{HasSqlType, Untyped};
use diesel::QueryResult;

/// `sql`, to be given its parameters with `bind`.
pub fn kept_sql(sql: impl Into<String>) -> KeptSql {
    KeptSql {
        sql: sql.into(),
        values: Vec::new(),
    }
}

pub struct KeptSql {
    sql: String,
    values: Vec<Box<dyn Value>>,
}

impl KeptSql {
    /// Binds the next parameter (`$1`, then `$2` ...) to `value`.
    pub fn bind<ST, V>(mut self, value: V) -> Self
    where
        Pg: HasSqlType<ST>,
        V: ToSql<ST, Pg> + Send + Sync + 'static,
        ST: 'static,
    {
        self.values
            .push(Box::new(Typed(value, PhantomData::<fn() -> ST>)));
        self
    }
}

/// A parameter's value with its SQL type.
trait Value: Send + Sync {
    fn push<'b>(&'b self, out: &mut AstPass<'_, 'b, Pg>) -> QueryResult<()>;
}

struct Typed<ST, V>(V, PhantomData<fn() -> ST>);

impl<ST, V> Value for Typed<ST, V>
where
    Pg: HasSqlType<ST>,
    V: ToSql<ST, Pg> + Send + Sync,
{
    fn push<'b>(&'b self, out: &mut AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_bind_param::<ST, V>(&self.0)
    }
}

impl QueryFragment<Pg> for KeptSql {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        let mut rest = self.sql.as_str();
        while let Some(at) = rest.find('$') {
            out.push_sql(&rest[..at]);
            let digits = rest[at + 1..]
                .bytes()
                .take_while(u8::is_ascii_digit)
                .count();
            let n: usize = rest[at + 1..at + 1 + digits].parse().unwrap_or(0);
            let value = n
                .checked_sub(1)
                .and_then(|i| self.values.get(i))
                .ok_or_else(|| Error::QueryBuilderError(format!("no value for `${n}`").into()))?;
            value.push(&mut out)?;
            rest = &rest[at + 1 + digits..];
        }
        out.push_sql(rest);
        Ok(())
    }
}

impl QueryId for KeptSql {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for KeptSql {
    type SqlType = Untyped;
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::sql_types::{BigInt, Text};

    #[test]
    fn each_use_of_a_parameter_gets_a_placeholder_of_its_own() {
        let query = kept_sql("SELECT $1 WHERE a = $2 OR b = $1")
            .bind::<BigInt, _>(7_i64)
            .bind::<Text, _>("x".to_owned());
        let sql = diesel::debug_query::<Pg, _>(&query).to_string();
        assert!(sql.starts_with("SELECT $1 WHERE a = $2 OR b = $3"), "{sql}");
        assert!(sql.contains("[7, \"x\", 7]"), "{sql}");
    }

    #[test]
    fn a_parameter_without_a_value_is_an_error_not_a_panic() {
        let query = kept_sql("SELECT $2").bind::<BigInt, _>(7_i64);
        let mut builder = diesel::pg::PgQueryBuilder::default();
        let built = QueryFragment::<Pg>::to_sql(&query, &mut builder, &Pg);
        assert!(built.is_err());
    }
}
