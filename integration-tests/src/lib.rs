//! Test harness for Moot: one embedded PostgreSQL per test process, a fresh
//! database per test (cloned from a migrated template in milliseconds), and
//! real nodes on random ports that tests reach only over HTTP.
//!
//! The cluster runs with durability off (it is thrown away) and is stopped
//! and deleted when the test process exits.

pub mod browser;
pub mod clients;
mod cluster;
pub mod documents;
pub mod load;
mod node;
pub mod openapi;
mod peer;
mod process;
pub mod relay;
pub mod social;
pub mod sse;
pub mod wait;
pub mod web;

pub use cluster::drop_database;
pub use cluster::{fresh_database, TestDatabase};
pub use node::TestNode;
pub use peer::FakePeer;
pub use process::{moot_binary, ChildGuard, ProcessNode};

/// The HTTP client tests talk to nodes with. Idle connections are dropped
/// before the server's keep-alive (5 s) would close them, so a request is
/// never sent on a connection the server is closing at that moment (which
/// fails with "IncompleteMessage" on a slow, busy machine).
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_idle_timeout(std::time::Duration::from_secs(2))
        .build()
        .expect("building the test HTTP client")
}
