//! Moot's storage: the PostgreSQL schema and queries, the connection pool,
//! the embedded migrations, and the manager of the node's own PostgreSQL.

pub mod accounts;
pub mod embedded;
pub mod pool;
pub mod schema;
pub mod site;

pub use diesel_async::AsyncPgConnection;
pub use pool::{Database, DbError, DbPool, MIGRATIONS};
