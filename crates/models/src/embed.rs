//! Sentence embeddings with a BERT encoder (all-MiniLM-L6-v2): token embeddings averaged
//! over the real tokens (mean pooling over the phrase's own tokens: the shipped tokenizer
//! pads to 128, and averaging the padding makes every pair look alike; padding is off
//! here), then L2-normalised, so a dot product is the cosine similarity.
//!
//! The encoder runs in plain loops over 8-bit weights ([`crate::kernels`]), with the
//! safetensors read through candle: candle's BERT takes ~10 ms for a five-token phrase on
//! 2 cores (per-operation cost on tiny matrices, 42 MB of f32 weights to read), this
//! encoder ~3.5 ms (11 MB of weights, one integer dot product per block of 32). A test
//! holds it to candle's BERT on the tiny and the real model (same embeddings within
//! rounding).

use std::collections::HashMap;
use std::path::Path;

use candle_core::{Device, Tensor};
use candle_transformers::models::bert::Config;
use tokenizers::Tokenizer;

use crate::kernels::{Int8, exp_nonpositive, softmax};
use crate::loader::ModelFiles;
use crate::{Error, Result};

/// A loaded sentence embedder.
pub struct Embedder {
    model: Bert,
    tokenizer: Tokenizer,
}

/// A dense layer: 8-bit weights and an f32 bias.
struct Dense {
    w: Int8,
    b: Vec<f32>,
}

impl Dense {
    /// (n, in) -> (n, out).
    fn forward(&self, x: &[f32], n: usize) -> Vec<f32> {
        let mut y = self.w.matmul(x, n);
        for row in y.chunks_mut(self.b.len()) {
            row.iter_mut().zip(&self.b).for_each(|(a, b)| *a += b);
        }
        y
    }
}

/// Layer normalisation's scale and shift.
struct Norm {
    w: Vec<f32>,
    b: Vec<f32>,
}

impl Norm {
    fn apply(&self, x: &mut [f32], eps: f32) {
        for row in x.chunks_mut(self.w.len()) {
            let n = row.len() as f32;
            let mean = row.iter().sum::<f32>() / n;
            let var = row.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / n;
            let r = 1.0 / (var + eps).sqrt();
            for ((v, w), b) in row.iter_mut().zip(&self.w).zip(&self.b) {
                *v = (*v - mean) * r * w + b;
            }
        }
    }
}

struct BertLayer {
    q: Dense,
    k: Dense,
    v: Dense,
    o: Dense,
    attn_norm: Norm,
    up: Dense,
    down: Dense,
    out_norm: Norm,
}

/// The encoder.
struct Bert {
    /// Word, position and (first) token-type embeddings, f32, row-major.
    word: Tensor,
    position: Vec<f32>,
    token_type: Vec<f32>,
    norm: Norm,
    layers: Vec<BertLayer>,
    heads: usize,
    hidden: usize,
    eps: f32,
}

impl Bert {
    fn load(weights: &Path, cfg: &Config) -> candle_core::Result<Self> {
        let mut w = Weights::read(weights)?;
        let layers = (0..cfg.num_hidden_layers)
            .map(|l| -> candle_core::Result<BertLayer> {
                let p = format!("encoder.layer.{l}");
                Ok(BertLayer {
                    q: w.dense(&format!("{p}.attention.self.query"))?,
                    k: w.dense(&format!("{p}.attention.self.key"))?,
                    v: w.dense(&format!("{p}.attention.self.value"))?,
                    o: w.dense(&format!("{p}.attention.output.dense"))?,
                    attn_norm: w.norm(&format!("{p}.attention.output.LayerNorm"))?,
                    up: w.dense(&format!("{p}.intermediate.dense"))?,
                    down: w.dense(&format!("{p}.output.dense"))?,
                    out_norm: w.norm(&format!("{p}.output.LayerNorm"))?,
                })
            })
            .collect::<candle_core::Result<Vec<_>>>()?;
        let heads = cfg.num_attention_heads;
        if heads == 0 || !cfg.hidden_size.is_multiple_of(heads) {
            candle_core::bail!("{heads} heads do not divide width {}", cfg.hidden_size);
        }
        Ok(Bert {
            word: w.take("embeddings.word_embeddings.weight")?,
            position: w.vec("embeddings.position_embeddings.weight")?,
            token_type: w.take("embeddings.token_type_embeddings.weight")?.get(0)?.to_vec1::<f32>()?,
            norm: w.norm("embeddings.LayerNorm")?,
            layers,
            heads,
            hidden: cfg.hidden_size,
            eps: cfg.layer_norm_eps as f32,
        })
    }

    /// The last hidden states of `ids` (one sequence, every token attended), (n, hidden).
    fn forward(&self, ids: &[u32]) -> candle_core::Result<Vec<f32>> {
        let (n, h) = (ids.len(), self.hidden);
        if n * h > self.position.len() {
            candle_core::bail!("{n} tokens are more than the model's {} positions", self.position.len() / h);
        }
        let ids_t = Tensor::new(ids, &Device::Cpu)?;
        let mut x = self.word.index_select(&ids_t, 0)?.flatten_all()?.to_vec1::<f32>()?;
        for (t, row) in x.chunks_mut(h).enumerate() {
            for ((v, p), tt) in row.iter_mut().zip(&self.position[t * h..(t + 1) * h]).zip(&self.token_type) {
                *v += p + tt;
            }
        }
        self.norm.apply(&mut x, self.eps);
        let (heads, hd) = (self.heads, h / self.heads);
        let scale = 1.0 / (hd as f32).sqrt();
        let mut scores = vec![0f32; n];
        for layer in &self.layers {
            let (q, k, v) = (layer.q.forward(&x, n), layer.k.forward(&x, n), layer.v.forward(&x, n));
            let mut ctx = vec![0f32; n * h];
            for i in 0..n {
                for head in 0..heads {
                    let span = head * hd..(head + 1) * hd;
                    let qi = &q[i * h..(i + 1) * h][span.clone()];
                    for (j, s) in scores.iter_mut().enumerate() {
                        *s = dot(qi, &k[j * h..(j + 1) * h][span.clone()]) * scale;
                    }
                    softmax(&mut scores);
                    let out = &mut ctx[i * h..(i + 1) * h][span.clone()];
                    for (j, &p) in scores.iter().enumerate() {
                        out.iter_mut().zip(&v[j * h..(j + 1) * h][span.clone()]).for_each(|(a, b)| *a += p * b);
                    }
                }
            }
            let attn = layer.o.forward(&ctx, n);
            x.iter_mut().zip(&attn).for_each(|(a, b)| *a += b);
            layer.attn_norm.apply(&mut x, self.eps);
            let mut mid = layer.up.forward(&x, n);
            mid.iter_mut().for_each(|v| *v = gelu(*v));
            let out = layer.down.forward(&mid, n);
            x.iter_mut().zip(&out).for_each(|(a, b)| *a += b);
            layer.out_norm.apply(&mut x, self.eps);
        }
        Ok(x)
    }
}

/// The tensors of a safetensors file, taken by name.
struct Weights {
    tensors: HashMap<String, Tensor>,
    /// Checkpoints name their tensors with or without the model type in front.
    prefix: &'static str,
}

impl Weights {
    fn read(path: &Path) -> candle_core::Result<Self> {
        let tensors: HashMap<String, Tensor> = candle_core::safetensors::load(path, &Device::Cpu)?;
        let prefix = if tensors.contains_key("embeddings.word_embeddings.weight") { "" } else { "bert." };
        Ok(Weights { tensors, prefix })
    }

    fn take(&mut self, name: &str) -> candle_core::Result<Tensor> {
        let key = format!("{}{name}", self.prefix);
        self.tensors.remove(&key).ok_or_else(|| candle_core::Error::Msg(format!("no tensor {key}")))
    }

    fn vec(&mut self, name: &str) -> candle_core::Result<Vec<f32>> {
        self.take(name)?.flatten_all()?.to_vec1::<f32>()
    }

    fn dense(&mut self, name: &str) -> candle_core::Result<Dense> {
        Ok(Dense { w: Int8::from_tensor(&self.take(&format!("{name}.weight"))?)?, b: self.vec(&format!("{name}.bias"))? })
    }

    fn norm(&mut self, name: &str) -> candle_core::Result<Norm> {
        Ok(Norm { w: self.vec(&format!("{name}.weight"))?, b: self.vec(&format!("{name}.bias"))? })
    }
}

/// GELU with the error function (BERT's "gelu").
fn gelu(x: f32) -> f32 {
    0.5 * x * (1.0 + erf(x / std::f32::consts::SQRT_2))
}

/// The error function within 1.5e-7 (Abramowitz and Stegun 7.1.26).
fn erf(x: f32) -> f32 {
    let t = 1.0 / (1.0 + 0.327_591_1 * x.abs());
    let y =
        1.0 - (((((1.061_405_4 * t - 1.453_152_1) * t) + 1.421_413_8) * t - 0.284_496_74) * t + 0.254_829_6) * t * exp_nonpositive(-x * x);
    y.copysign(x)
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
        let model = Bert::load(weights, &cfg).map_err(|e| model_err(weights, e))?;
        Ok(Embedder { model, tokenizer })
    }

    /// The unit-length embedding of a phrase.
    pub fn embed(&self, text: &str) -> Result<Vec<f32>> {
        let enc = self.tokenizer.encode(text, true).map_err(|e| Error::Run(e.to_string()))?;
        let hidden = self.model.forward(enc.get_ids()).map_err(|e| Error::Run(e.to_string()))?;
        // Padding is off: every token is the phrase's own. The sum points where the mean
        // does, and only the direction is kept.
        let h = self.model.hidden;
        let mut pooled = vec![0f32; h];
        for row in hidden.chunks(h) {
            pooled.iter_mut().zip(row).for_each(|(a, b)| *a += b);
        }
        let norm = pooled.iter().map(|v| v * v).sum::<f32>().sqrt().max(1e-12);
        pooled.iter_mut().for_each(|v| *v /= norm);
        Ok(pooled)
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
    crate::kernels::dot(a, b)
}
