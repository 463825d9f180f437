//! The list of labs and variants, read from `labs.toml` (compiled in).

use serde::Deserialize;

/// Every lab of the workspace, in the order the launcher lists them.
#[derive(Debug, Deserialize)]
pub struct Catalog {
    #[serde(rename = "lab")]
    pub labs: Vec<Lab>,
}

#[derive(Debug, Deserialize)]
pub struct Lab {
    pub name: String,
    pub about: String,
    /// The folder (crate and sheet) of a lab that lives in another lab's
    /// crate: `flags2` is in `flags`. By default, the lab's name.
    #[serde(default)]
    pub dir: Option<String>,
    pub variants: Vec<Entry>,
    /// Binaries of the lab that are not variants: servers, benchmarks.
    #[serde(default)]
    pub tools: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
pub struct Entry {
    pub name: String,
    pub about: String,
}

impl Catalog {
    /// The catalog compiled into this binary from `labs/labs.toml`.
    pub fn load() -> Catalog {
        toml::from_str(include_str!("../labs.toml")).expect("labs/labs.toml is valid (tested)")
    }

    pub fn lab(&self, name: &str) -> Option<&Lab> {
        self.labs.iter().find(|lab| lab.name == name)
    }

    /// Every binary the catalog names, `<lab>-<variant>` and `<lab>-<tool>`.
    pub fn binaries(&self) -> Vec<String> {
        self.labs
            .iter()
            .flat_map(|lab| lab.entries().map(|entry| lab.binary(&entry.name)))
            .collect()
    }
}

impl Lab {
    /// The lab's folder in the workspace: its crate and its sheet.
    pub fn dir(&self) -> &str {
        self.dir.as_deref().unwrap_or(&self.name)
    }

    /// Variants first, then tools.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.variants.iter().chain(&self.tools)
    }

    pub fn entry(&self, name: &str) -> Option<&Entry> {
        self.entries().find(|entry| entry.name == name)
    }

    /// The binary of a variant or tool: `spinner` + `tokio` is `spinner-tokio`.
    pub fn binary(&self, entry: &str) -> String {
        format!("{}-{}", self.name, entry)
    }
}
