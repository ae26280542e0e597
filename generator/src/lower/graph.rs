//! Graphs of named types: strongly connected components and cycles, in linear time and
//! without recursion, so that a spec with thousands of schemas in one chain neither takes
//! minutes nor overflows the stack.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// Nodes are names; edges to names that are not nodes are ignored.
pub type Graph = BTreeMap<String, Vec<String>>;

/// The strongly connected component of every node, as an index (Tarjan's algorithm with
/// an explicit stack).
pub fn components(graph: &Graph) -> BTreeMap<&str, usize> {
    let ids: BTreeMap<&str, usize> = graph
        .keys()
        .enumerate()
        .map(|(i, name)| (name.as_str(), i))
        .collect();
    let edges: Vec<Vec<usize>> = graph
        .values()
        .map(|targets| {
            targets
                .iter()
                .filter_map(|t| ids.get(t.as_str()).copied())
                .collect()
        })
        .collect();
    let count = edges.len();
    let mut index = vec![usize::MAX; count];
    let mut low = vec![0usize; count];
    let mut on_stack = vec![false; count];
    let mut stack: Vec<usize> = Vec::new();
    let mut component = vec![usize::MAX; count];
    let mut next_index = 0usize;
    let mut next_component = 0usize;

    for root in 0..count {
        if index.get(root) != Some(&usize::MAX) {
            continue;
        }
        // (node, position of the next edge to follow)
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        while let Some(last) = work.last_mut() {
            let (node, edge) = *last;
            last.1 += 1;
            if edge == 0 && index.get(node) == Some(&usize::MAX) {
                set(&mut index, node, next_index);
                set(&mut low, node, next_index);
                next_index += 1;
                stack.push(node);
                set(&mut on_stack, node, true);
            }
            let next = edges
                .get(node)
                .and_then(|targets| targets.get(edge))
                .copied();
            match next {
                Some(target) if index.get(target) == Some(&usize::MAX) => {
                    work.push((target, 0));
                }
                Some(target) => {
                    if on_stack.get(target) == Some(&true) {
                        let lowest = get(&low, node).min(get(&index, target));
                        set(&mut low, node, lowest);
                    }
                }
                None => {
                    work.pop();
                    if get(&low, node) == get(&index, node) {
                        while let Some(member) = stack.pop() {
                            set(&mut on_stack, member, false);
                            set(&mut component, member, next_component);
                            if member == node {
                                break;
                            }
                        }
                        next_component += 1;
                    }
                    if let Some(&(parent, _)) = work.last() {
                        let lowest = get(&low, parent).min(get(&low, node));
                        set(&mut low, parent, lowest);
                    }
                }
            }
        }
    }
    ids.into_iter()
        .map(|(name, i)| (name, get(&component, i)))
        .collect()
}

fn get(values: &[usize], at: usize) -> usize {
    values.get(at).copied().unwrap_or(usize::MAX)
}

fn set<T>(values: &mut [T], at: usize, value: T) {
    if let Some(slot) = values.get_mut(at) {
        *slot = value;
    }
}

/// The nodes that lie on a cycle: their component has other members, or they point to
/// themselves.
pub fn cyclic<'g>(graph: &'g Graph, components: &BTreeMap<&str, usize>) -> BTreeSet<&'g str> {
    let mut sizes: BTreeMap<usize, usize> = BTreeMap::new();
    for component in components.values() {
        *sizes.entry(*component).or_default() += 1;
    }
    graph
        .iter()
        .filter(|(node, targets)| {
            let size = components
                .get(node.as_str())
                .and_then(|c| sizes.get(c))
                .copied()
                .unwrap_or(0);
            size > 1 || targets.iter().any(|t| t == *node)
        })
        .map(|(node, _)| node.as_str())
        .collect()
}

/// A shortest path from `start` back to itself, as names beginning and ending with
/// `start` (breadth-first, remembering each node's predecessor).
pub fn shortest_cycle(graph: &Graph, start: &str) -> Option<Vec<String>> {
    let mut previous: BTreeMap<&str, &str> = BTreeMap::new();
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut queue: VecDeque<&str> = VecDeque::from([start]);
    while let Some(node) = queue.pop_front() {
        for next in graph.get(node).into_iter().flatten() {
            if next == start {
                let mut path = vec![start.to_string()];
                let mut at = node;
                while at != start {
                    path.push(at.to_string());
                    at = previous.get(at).copied()?;
                }
                path.push(start.to_string());
                path.reverse();
                return Some(path);
            }
            if graph.contains_key(next.as_str()) && seen.insert(next.as_str()) {
                previous.insert(next.as_str(), node);
                queue.push_back(next.as_str());
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(edges: &[(&str, &[&str])]) -> Graph {
        edges
            .iter()
            .map(|(from, to)| {
                (
                    (*from).to_string(),
                    to.iter().map(|t| (*t).to_string()).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn finds_components_and_cycles() {
        let g = graph(&[
            ("A", &["B"]),
            ("B", &["C", "A"]),
            ("C", &["D"]),
            ("D", &[]),
            ("E", &["E"]),
            ("F", &["Missing"]),
        ]);
        let c = components(&g);
        assert_eq!(c.get("A"), c.get("B"));
        assert_ne!(c.get("A"), c.get("C"));
        let on_cycle = cyclic(&g, &c);
        assert_eq!(on_cycle, BTreeSet::from(["A", "B", "E"]));
        assert_eq!(
            shortest_cycle(&g, "A"),
            Some(vec!["A".into(), "B".into(), "A".into()])
        );
        assert_eq!(shortest_cycle(&g, "E"), Some(vec!["E".into(), "E".into()]));
        assert_eq!(shortest_cycle(&g, "C"), None);
    }

    #[test]
    fn a_long_chain_is_linear() {
        let n = 100_000;
        let mut g = Graph::new();
        for i in 0..n {
            g.insert(format!("S{i}"), vec![format!("S{}", (i + 1) % n)]);
        }
        let c = components(&g);
        assert!(c.values().all(|&id| id == 0));
    }
}
