//! Argo CD semantics, offline: ApplicationSet expansion ([`appset`], [`template`]),
//! Application sources ([`source`]: Helm charts through `kiln_helm`), and the
//! app-of-apps walk of a cluster from its root Application ([`fleet`]). Every read of
//! the monorepo goes through a [`files::FileTree`]: its working tree, or a Git revision.

pub mod appset;
pub mod cache;
pub mod directory;
pub mod files;
pub mod fleet;
pub mod generators;
pub mod isolate;
pub mod kiln_plugin;
pub mod pyjson;
pub mod repo;
pub mod shard;
pub mod source;
pub mod template;
pub mod tree;

pub use files::{DiskTree, FileError, FileTree, GitTree, RevisionError};
pub use fleet::{compile_cluster, compile_roots, ClusterFacts, ClusterResult, Status};
pub use repo::Repo;
pub use shard::Shard;
