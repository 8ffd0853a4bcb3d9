//! The core's modules form layers: a lower module never names a higher one. This reads the
//! sources and fails on any import circle between `core` modules (for example the logbook
//! naming tenancy's `Tenant` while tenancy writes to the logbook).
use std::{
    collections::{BTreeMap, BTreeSet},
    path::Path,
};

const CORE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src/core");

/// The `core` modules a source text names through `crate::core::…`.
fn named_modules(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(i) = rest.find("crate::core::") {
        rest = &rest[i + "crate::core::".len()..];
        if let Some(block) = rest.strip_prefix('{') {
            // `crate::core::{a, b::{..}, c}`: the names at the block's top level.
            let mut depth = 0;
            let mut word = String::new();
            let mut at_top_start = true;
            for c in block.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => at_top_start = true,
                    c if depth == 0 && at_top_start && (c.is_alphanumeric() || c == '_') => word.push(c),
                    _ if depth == 0 && !word.is_empty() => {
                        out.insert(std::mem::take(&mut word));
                        at_top_start = false;
                    }
                    _ => {}
                }
            }
            if !word.is_empty() {
                out.insert(word);
            }
        } else {
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            out.insert(name);
        }
    }
    out
}

fn sources(path: &Path, into: &mut String) {
    if path.is_dir() {
        for entry in std::fs::read_dir(path).expect("read dir") {
            sources(&entry.expect("entry").path(), into);
        }
    } else if path.extension().is_some_and(|e| e == "rs") {
        into.push_str(&std::fs::read_to_string(path).expect("read"));
    }
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let mut g = BTreeMap::new();
    for entry in std::fs::read_dir(CORE).expect("core") {
        let path = entry.expect("entry").path();
        let name = path.file_stem().and_then(|s| s.to_str()).expect("name").to_string();
        if name == "mod" || name == "testkit" {
            continue;
        }
        let mut text = String::new();
        sources(&path, &mut text);
        let mut uses = named_modules(&text);
        uses.remove(&name);
        g.entry(name).or_insert_with(BTreeSet::new).extend(uses);
    }
    g
}

fn cycle_from(g: &BTreeMap<String, BTreeSet<String>>, start: &str) -> Option<Vec<String>> {
    fn walk(
        g: &BTreeMap<String, BTreeSet<String>>,
        at: &str,
        start: &str,
        path: &mut Vec<String>,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        for next in g.get(at).into_iter().flatten() {
            if next == start {
                path.push(next.clone());
                return true;
            }
            if seen.insert(next.clone()) {
                path.push(next.clone());
                if walk(g, next, start, path, seen) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    let mut path = vec![start.to_string()];
    walk(g, start, start, &mut path, &mut BTreeSet::new()).then_some(path)
}

#[test]
fn the_parser_reads_both_import_forms() {
    let text = "use crate::core::{\n    clock::Clock,\n    db::{Db, DbError},\n    logbook,\n};\nlet x = crate::core::files::private_dir(p);";
    let names: Vec<_> = named_modules(text).into_iter().collect();
    assert_eq!(names, ["clock", "db", "files", "logbook"]);
}

#[test]
fn core_modules_have_no_import_circles() {
    let g = graph();
    assert!(g.contains_key("logbook") && g.contains_key("tenancy"), "{g:?}");
    for module in g.keys() {
        if let Some(circle) = cycle_from(&g, module) {
            panic!("import circle in app/src/core: {}", circle.join(" -> "));
        }
    }
    // The two layers the logbook sits between.
    assert!(!g["logbook"].contains("tenancy"), "the logbook names tenancy");
    assert!(g["tenancy"].contains("logbook"), "tenancy writes tenant events to the logbook");
}
