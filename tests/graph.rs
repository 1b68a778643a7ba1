//! `kiln graph` draws root → ApplicationSets → Applications → objects per cluster.

mod common;

use common::*;

#[test]
fn graph_json_of_example() {
    let o = kiln(&["graph", "--format", "json"], &repo_root());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let clusters = j["clusters"].as_array().unwrap();
    assert_eq!(clusters.len(), 2);
    let home = &clusters[0];
    assert_eq!(home["cluster"], "home");
    let edges = home["edges"].as_array().unwrap();
    assert!(edges
        .iter()
        .any(|e| e["from"] == "Application/openshift-gitops/cluster-home"
            && e["to"] == "ApplicationSet/openshift-gitops/home-ai"));
    assert!(edges
        .iter()
        .any(|e| e["from"] == "ApplicationSet/openshift-gitops/home-ai"
            && e["to"] == "Application/openshift-gitops/ollama"));
    // Objects hang off their Application.
    assert!(edges
        .iter()
        .any(|e| e["from"] == "Application/openshift-gitops/ollama"
            && e["to"].as_str().unwrap().contains("/Deployment/")));
    for fmt in ["dot", "mermaid"] {
        let o = kiln(&["graph", "--format", fmt], &repo_root());
        assert!(o.status.success());
        assert!(String::from_utf8_lossy(&o.stdout).contains("ollama"));
    }
}
