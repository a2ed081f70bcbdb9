//! Sentence embeddings with a BERT encoder (all-MiniLM-L6-v2): token embeddings averaged
//! over the real tokens (attention-masked mean pooling; the shipped tokenizer pads to 128,
//! and averaging the padding makes every pair look alike), then L2-normalised, so a dot
//! product is the cosine similarity.

use std::path::Path;

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use tokenizers::Tokenizer;

use crate::loader::ModelFiles;
use crate::{Error, Result};

/// A loaded sentence embedder.
pub struct Embedder {
    model: BertModel,
    tokenizer: Tokenizer,
    device: Device,
}

impl std::fmt::Debug for Embedder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Embedder").finish_non_exhaustive()
    }
}

fn model_err(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::Model { path: path.to_path_buf(), reason: e.to_string() }
}

impl Embedder {
    /// Loads `model.safetensors`, `config.json` and `tokenizer.json` (resolved by the loader).
    pub fn load(files: &ModelFiles) -> Result<Self> {
        let get = |f: &str| files.get(f).ok_or_else(|| Error::Model { path: f.into(), reason: "not among the model's files".into() });
        let (weights, config, tok) = (get("model.safetensors")?, get("config.json")?, get("tokenizer.json")?);
        let text = std::fs::read_to_string(config).map_err(|e| Error::Io { path: config.to_path_buf(), source: e })?;
        let cfg: Config = serde_json::from_str(&text).map_err(|e| model_err(config, e))?;
        let mut tokenizer = Tokenizer::from_file(tok).map_err(|e| model_err(tok, e))?;
        tokenizer.with_padding(None);
        tokenizer.with_truncation(None).map_err(|e| model_err(tok, e))?;
        let device = Device::Cpu;
        // SAFETY: the weights file is memory-mapped read-only and not modified while mapped.
        let vb = unsafe { VarBuilder::from_mmaped_safetensors(&[weights], DType::F32, &device) }.map_err(|e| model_err(weights, e))?;
        let model = BertModel::load(vb, &cfg).map_err(|e| model_err(weights, e))?;
        Ok(Embedder { model, tokenizer, device })
    }

    /// The unit-length embedding of a phrase.
    pub fn embed(&self, text: &str) -> Result<Vec<f32>> {
        let enc = self.tokenizer.encode(text, true).map_err(|e| Error::Run(e.to_string()))?;
        let ids = enc.get_ids();
        let mask = enc.get_attention_mask();
        let run = || -> candle_core::Result<Vec<f32>> {
            let n = ids.len();
            let input = Tensor::new(ids, &self.device)?.reshape((1, n))?;
            let types = input.zeros_like()?;
            let m = Tensor::new(mask, &self.device)?.reshape((1, n))?;
            let hidden = self.model.forward(&input, &types, Some(&m))?; // (1, n, d)
            let mf = m.to_dtype(DType::F32)?.unsqueeze(2)?; // (1, n, 1)
            let sum = hidden.broadcast_mul(&mf)?.sum(1)?; // (1, d)
            let count = mf.sum(1)?.clamp(1e-9, f64::MAX)?; // (1, 1)
            let mean = sum.broadcast_div(&count)?;
            let norm = mean.sqr()?.sum_keepdim(1)?.sqrt()?.clamp(1e-12, f64::MAX)?;
            mean.broadcast_div(&norm)?.squeeze(0)?.to_vec1::<f32>()
        };
        run().map_err(|e| Error::Run(e.to_string()))
    }

    /// Cosine similarity of two phrases.
    pub fn similarity(&self, a: &str, b: &str) -> Result<f32> {
        Ok(dot(&self.embed(a)?, &self.embed(b)?))
    }

    /// The candidate most similar to `phrase`, with its similarity.
    pub fn best<'c>(&self, phrase: &str, candidates: &'c [String]) -> Result<Option<(&'c str, f32)>> {
        let q = self.embed(phrase)?;
        let mut best: Option<(&str, f32)> = None;
        for c in candidates {
            let s = dot(&q, &self.embed(c)?);
            if best.is_none_or(|(_, b)| s > b) {
                best = Some((c.as_str(), s));
            }
        }
        Ok(best)
    }
}

/// Dot product (cosine similarity of unit vectors).
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}
