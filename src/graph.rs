//! `kiln graph`: the tree of each cluster — root Application → ApplicationSets →
//! Applications → objects — as Graphviz DOT, Mermaid or JSON.

use std::fmt::Write;

use kiln_argocd::ClusterResult;

/// Output formats of `kiln graph`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Dot,
    Mermaid,
    Json,
}

/// A node of the graph.
struct Node {
    id: String,
    label: String,
    kind: &'static str,
}

/// Nodes and parent → child edges of one cluster.
fn cluster_graph(r: &ClusterResult, objects: bool) -> (Vec<Node>, Vec<(String, String)>) {
    let mut nodes = Vec::new();
    let mut edges = Vec::new();
    let app_id = |ns: &str, name: &str| format!("Application/{ns}/{name}");
    for s in &r.appsets {
        let id = format!("ApplicationSet/{}/{}", s.namespace, s.name);
        nodes.push(Node {
            label: format!("ApplicationSet {}", s.name),
            id: id.clone(),
            kind: "ApplicationSet",
        });
        if let Some(p) = &s.parent {
            edges.push((p.clone(), id));
        }
    }
    for a in &r.apps {
        let id = app_id(&a.namespace, &a.name);
        nodes.push(Node {
            label: format!("{} ({})", a.name, a.status.as_str()),
            id: id.clone(),
            kind: "Application",
        });
        if let Some(p) = &a.parent {
            edges.push((p.clone(), id.clone()));
        }
        for other in &a.also_produced_by {
            if let Some(p) = &other.parent {
                edges.push((p.clone(), id.clone()));
            }
        }
    }
    if objects {
        for o in &r.objects {
            let kind = o.kind.clone().unwrap_or_default();
            if kind == "Application" || kind == "ApplicationSet" {
                continue;
            }
            let ns = o.namespace.clone().unwrap_or_default();
            let name = o.name.clone().unwrap_or_default();
            let id = format!("{}/{kind}/{ns}/{name}", app_id(&o.app_namespace, &o.app));
            nodes.push(Node {
                label: format!("{kind} {name}"),
                id: id.clone(),
                kind: "object",
            });
            edges.push((app_id(&o.app_namespace, &o.app), id));
        }
    }
    (nodes, edges)
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Renders the graphs of all clusters.
pub fn render(results: &[ClusterResult], format: Format, objects: bool) -> String {
    let mut out = String::new();
    match format {
        Format::Dot => {
            out.push_str(
                "digraph fleet {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n",
            );
            for (i, r) in results.iter().enumerate() {
                let (nodes, edges) = cluster_graph(r, objects);
                let _ = writeln!(
                    out,
                    "  subgraph cluster_{i} {{\n    label={};",
                    quote(&r.facts.name)
                );
                for n in &nodes {
                    let shape = match n.kind {
                        "ApplicationSet" => "component",
                        "object" => "note",
                        _ => "box",
                    };
                    let _ = writeln!(
                        out,
                        "    {} [label={}, shape={shape}];",
                        quote(&format!("{}:{}", r.facts.name, n.id)),
                        quote(&n.label)
                    );
                }
                for (a, b) in &edges {
                    let _ = writeln!(
                        out,
                        "    {} -> {};",
                        quote(&format!("{}:{a}", r.facts.name)),
                        quote(&format!("{}:{b}", r.facts.name))
                    );
                }
                out.push_str("  }\n");
            }
            out.push_str("}\n");
        }
        Format::Mermaid => {
            out.push_str("flowchart LR\n");
            for (i, r) in results.iter().enumerate() {
                let (nodes, edges) = cluster_graph(r, objects);
                let _ = writeln!(out, "  subgraph c{i}[{}]", mermaid_text(&r.facts.name));
                let ids: std::collections::HashMap<&str, String> = nodes
                    .iter()
                    .enumerate()
                    .map(|(j, n)| (n.id.as_str(), format!("c{i}n{j}")))
                    .collect();
                for (j, n) in nodes.iter().enumerate() {
                    let (open, close) = match n.kind {
                        "ApplicationSet" => ("[[", "]]"),
                        "object" => ("(", ")"),
                        _ => ("[", "]"),
                    };
                    let _ = writeln!(
                        out,
                        "    c{i}n{j}{open}\"{}\"{close}",
                        mermaid_text(&n.label)
                    );
                }
                for (a, b) in &edges {
                    if let (Some(x), Some(y)) = (ids.get(a.as_str()), ids.get(b.as_str())) {
                        let _ = writeln!(out, "    {x} --> {y}");
                    }
                }
                out.push_str("  end\n");
            }
        }
        Format::Json => {
            let clusters: Vec<serde_json::Value> = results
                .iter()
                .map(|r| {
                    let (nodes, edges) = cluster_graph(r, objects);
                    serde_json::json!({
                        "cluster": r.facts.name,
                        "nodes": nodes.iter().map(|n| serde_json::json!({"id": n.id, "kind": n.kind, "label": n.label})).collect::<Vec<_>>(),
                        "edges": edges.iter().map(|(a, b)| serde_json::json!({"from": a, "to": b})).collect::<Vec<_>>(),
                    })
                })
                .collect();
            out = serde_json::to_string_pretty(&serde_json::json!({ "clusters": clusters }))
                .unwrap_or_default();
            out.push('\n');
        }
    }
    out
}

fn mermaid_text(s: &str) -> String {
    s.replace('"', "#quot;")
}
