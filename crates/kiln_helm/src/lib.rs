//! kiln_helm
