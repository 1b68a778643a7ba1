//! kiln_argocd
