//! The inbox load generator's parts: remote actors that sign like real
//! peers (`activities`), the drivers that send at a fixed rate or a fixed
//! concurrency and measure (`drive`), and the raw durable insert rate of
//! the same PostgreSQL to compare with (`baseline`), and what the node's
//! process used (`process`). The binary `inbox_load` puts them together.

pub mod activities;
pub mod baseline;
pub mod drive;
pub mod process;

pub use activities::{Kind, Mix, Prepared, Swarm};
pub use drive::{Outcome, Pace, Work};
