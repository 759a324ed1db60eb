//! The core's layering, as the crate documentation states it (`src/lib.rs`, "Layers"), checked against the
//! source: every module imports (`crate::<module>`, outside comments and `#[cfg(test)]` modules) only modules of
//! earlier layers, and every module of the crate is in exactly one layer.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The layer of each module, from the numbered list of the crate documentation (`//! 3. [`handles`]: ...`).
fn documented_layers() -> BTreeMap<String, usize> {
    let lib = fs::read_to_string(src().join("lib.rs")).expect("src/lib.rs");
    let mut layers = BTreeMap::new();
    for line in lib.lines() {
        let Some(item) = line.strip_prefix("//! ") else {
            continue;
        };
        let Some((number, rest)) = item.split_once(". ") else {
            continue;
        };
        let Ok(layer) = number.parse::<usize>() else {
            continue;
        };
        let (names, _) = rest
            .split_once(':')
            .expect("a layer line names its modules before ':'");
        for name in names.split(", ") {
            let module = name
                .strip_prefix("[`")
                .and_then(|n| n.strip_suffix("`]"))
                .unwrap_or_else(|| panic!("layer {layer}: {name:?} is not a [`module`] link"));
            assert!(
                layers.insert(module.to_string(), layer).is_none(),
                "{module} is listed twice"
            );
        }
    }
    layers
}

/// The modules declared in `src/lib.rs` (`pub mod x;`).
fn declared_modules() -> Vec<String> {
    let lib = fs::read_to_string(src().join("lib.rs")).expect("src/lib.rs");
    lib.lines()
        .filter_map(|line| line.strip_prefix("pub mod ")?.strip_suffix(';'))
        .map(str::to_string)
        .collect()
}

/// Every `.rs` file of a module: `src/<module>.rs`, or every file under `src/<module>/`.
fn module_files(module: &str) -> Vec<PathBuf> {
    let file = src().join(format!("{module}.rs"));
    if file.exists() {
        return vec![file];
    }
    let mut files = Vec::new();
    let mut folders = vec![src().join(module)];
    while let Some(folder) = folders.pop() {
        for entry in fs::read_dir(&folder).expect("module folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    assert!(!files.is_empty(), "no source for module {module}");
    files
}

/// The source without `//` comments and without `#[cfg(test)] mod ... { ... }` blocks.
fn code_outside_tests(text: &str) -> String {
    let mut code = String::with_capacity(text.len());
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "#[cfg(test)]" {
            // The attribute's item: a test module is skipped to its closing brace.
            let mut depth = 0usize;
            for skipped in lines.by_ref() {
                depth += skipped.matches('{').count();
                depth = depth.saturating_sub(skipped.matches('}').count());
                if depth == 0 && (skipped.contains('}') || skipped.ends_with(';')) {
                    break;
                }
            }
            continue;
        }
        let line = line.split("//").next().unwrap_or_default();
        code.push_str(line);
        code.push('\n');
    }
    code
}

/// The crate modules a module's code names: `crate::x` paths and `use crate::{x::..., y}` groups.
fn imports(module: &str, modules: &[String]) -> Vec<String> {
    let mut found: Vec<String> = module_files(module)
        .iter()
        .flat_map(|file| {
            let text = fs::read_to_string(file).expect("source file");
            named_modules(&code_outside_tests(&text), module, modules)
        })
        .collect();
    found.sort();
    found.dedup();
    found
}

/// The modules of `modules` (other than `own`) that `code` names after `crate::`.
fn named_modules(code: &str, own: &str, modules: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        let names: Vec<&str> = if let Some(group) = rest.strip_prefix('{') {
            let group = &group[..group.find('}').unwrap_or(group.len())];
            group
                .split(',')
                .map(|part| part.trim().split("::").next().unwrap_or_default())
                .collect()
        } else {
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            vec![&rest[..end]]
        };
        for name in names {
            if name != own && modules.iter().any(|m| m == name) {
                found.push(name.to_string());
            }
        }
    }
    found
}

#[test]
fn every_module_is_in_one_documented_layer() {
    let layers = documented_layers();
    let mut declared = declared_modules();
    declared.sort();
    let documented: Vec<String> = layers.keys().cloned().collect();
    assert_eq!(documented, declared, "lib.rs's layer list and its modules");
}

#[test]
fn modules_import_only_earlier_layers() {
    let layers = documented_layers();
    let modules = declared_modules();
    let mut violations = Vec::new();
    for module in &modules {
        for target in imports(module, &modules) {
            if layers[&target] >= layers[module] {
                violations.push(format!(
                    "{module} (layer {}) imports {target} (layer {})",
                    layers[module], layers[&target]
                ));
            }
        }
    }
    assert!(violations.is_empty(), "{violations:#?}");
}

#[test]
fn the_import_reader_sees_paths_and_groups_but_not_comments_or_tests() {
    let modules: Vec<String> = ["a", "b", "c", "d", "e"].map(String::from).to_vec();
    let code = "use crate::{b::X, c};\nfn f() -> crate::e::Y { todo!() } // crate::d\n\
                #[cfg(test)]\nmod tests {\n    use crate::d;\n}\nuse crate::a::Z;\n";
    let mut named = named_modules(&code_outside_tests(code), "a", &modules);
    named.sort();
    assert_eq!(named, ["b", "c", "e"]);
}
