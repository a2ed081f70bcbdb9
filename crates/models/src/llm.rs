//! A llama-architecture language model from a GGUF file (SmolLM2-135M-Instruct, 4-bit),
//! run by [`crate::llama`] (the prompt through candle in f32, each new token over 8-bit
//! weights), with the tokenizer built from the file's own vocabulary and merges
//! (byte-level BPE, digits split one by one, as SmolLM's tokenizer does).

use std::path::{Path, PathBuf};
use std::time::Instant;

use candle_core::quantized::gguf_file;
use candle_core::{Device, Tensor};
use candle_transformers::generation::LogitsProcessor;
use serde::{Deserialize, Serialize};
use tokenizers::Tokenizer;

use crate::llama::Llama;
use crate::{Error, Result};

/// How text is generated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Generation {
    /// Most new tokens.
    pub max_tokens: usize,
    /// Sampling temperature; 0 is greedy (the default: the same prompt, the same text).
    pub temperature: f64,
    /// Nucleus sampling mass, when sampling.
    pub top_p: Option<f64>,
    /// Seed of the sampler.
    pub seed: u64,
    /// Generation stops at any of these texts (they are not returned).
    pub stop: Vec<String>,
}

impl Default for Generation {
    fn default() -> Self {
        Generation { max_tokens: 96, temperature: 0.0, top_p: None, seed: 0, stop: vec!["<|im_end|>".into(), "<|endoftext|>".into()] }
    }
}

/// What a generation produced, with its timings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Generated {
    /// The new text.
    pub text: String,
    /// Tokens in the prompt.
    pub prompt_tokens: usize,
    /// Tokens generated.
    pub tokens: usize,
    /// Seconds spent on the prompt.
    pub prompt_seconds: f64,
    /// Seconds spent generating.
    pub generate_seconds: f64,
}

/// A loaded language model.
pub struct LanguageModel {
    model: Llama,
    tokenizer: Tokenizer,
    eos: Vec<u32>,
    device: Device,
    path: PathBuf,
}

impl std::fmt::Debug for LanguageModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LanguageModel").field("path", &self.path).finish_non_exhaustive()
    }
}

fn err(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::Model { path: path.to_path_buf(), reason: e.to_string() }
}

/// Builds the tokenizer from a GGUF file's `tokenizer.ggml.*` metadata (model `gpt2`:
/// byte-level BPE). Tokens of type "control" (3) become special tokens, so that chat
/// markers such as `<|im_start|>` are single tokens.
pub fn tokenizer_from_gguf(ct: &gguf_file::Content, path: &Path) -> Result<Tokenizer> {
    let md = |k: &str| ct.metadata.get(k).ok_or_else(|| err(path, format!("no {k} in the GGUF metadata")));
    let kind = md("tokenizer.ggml.model")?.to_string().map_err(|e| err(path, e))?;
    if kind != "gpt2" {
        return Err(err(path, format!("tokenizer model {kind} is not supported (byte-level BPE, gpt2, is)")));
    }
    let strings = |k: &str| -> Result<Vec<String>> {
        md(k)?.to_vec().map_err(|e| err(path, e))?.iter().map(|v| v.to_string().cloned().map_err(|e| err(path, e))).collect()
    };
    let tokens = strings("tokenizer.ggml.tokens")?;
    let merges = strings("tokenizer.ggml.merges")?;
    let types: Vec<i64> = match ct.metadata.get("tokenizer.ggml.token_type").map(|v| v.to_vec()) {
        Some(Ok(v)) => v.iter().map(|t| t.to_i32().map(i64::from).unwrap_or(1)).collect(),
        _ => vec![1; tokens.len()],
    };
    let vocab: serde_json::Map<String, serde_json::Value> =
        tokens.iter().enumerate().map(|(i, t)| (t.clone(), serde_json::json!(i))).collect();
    let added: Vec<serde_json::Value> = tokens
        .iter()
        .enumerate()
        .filter(|(i, _)| types.get(*i) == Some(&3))
        .map(|(i, t)| serde_json::json!({"id": i, "content": t, "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true}))
        .collect();
    let json = serde_json::json!({
        "version": "1.0",
        "truncation": null,
        "padding": null,
        "added_tokens": added,
        "normalizer": null,
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "Digits", "individual_digits": true},
            {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true}
        ]},
        "post_processor": null,
        "decoder": {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true},
        "model": {"type": "BPE", "dropout": null, "unk_token": null, "continuing_subword_prefix": null, "end_of_word_suffix": null,
                  "fuse_unk": false, "byte_fallback": false, "vocab": vocab, "merges": merges}
    });
    Tokenizer::from_bytes(json.to_string().as_bytes()).map_err(|e| err(path, e))
}

impl LanguageModel {
    /// Loads a GGUF file (llama architecture, tokenizer inside).
    pub fn load(path: &Path) -> Result<Self> {
        let mut file = std::fs::File::open(path).map_err(|e| Error::Io { path: path.to_path_buf(), source: e })?;
        let ct = gguf_file::Content::read(&mut file).map_err(|e| err(path, e))?;
        let tokenizer = tokenizer_from_gguf(&ct, path)?;
        let mut eos = Vec::new();
        if let Some(id) = ct.metadata.get("tokenizer.ggml.eos_token_id").and_then(|v| v.to_u32().ok()) {
            eos.push(id);
        }
        for s in ["<|im_end|>", "<|endoftext|>"] {
            if let Some(id) = tokenizer.token_to_id(s) {
                eos.push(id);
            }
        }
        let device = Device::Cpu;
        let model = Llama::load(&ct, &mut file).map_err(|e| err(path, e))?;
        Ok(LanguageModel { model, tokenizer, eos, device, path: path.to_path_buf() })
    }

    /// Bytes of weights held in memory (f32 for the prompt pass, 8-bit for the token pass).
    pub fn weight_bytes(&self) -> usize {
        self.model.bytes()
    }

    /// The next-token logits after `prompt` (one batch) and after each token of `then`
    /// (one at a time, over the cache): the first entry is the prompt's. Scores
    /// continuations; both passes of the model agree on the same text.
    pub fn logits(&mut self, prompt: &[u32], then: &[u32]) -> Result<Vec<Vec<f32>>> {
        if prompt.is_empty() {
            return Err(Error::Run("the prompt is empty".into()));
        }
        let mut out = vec![self.model.prompt(prompt).map_err(|e| Error::Run(e.to_string()))?];
        for &t in then {
            out.push(self.model.step(t));
        }
        Ok(out)
    }

    /// The model's tokenizer.
    pub fn tokenizer(&self) -> &Tokenizer {
        &self.tokenizer
    }

    /// Tokens a text takes in this model (special markers count as one).
    pub fn count_tokens(&self, text: &str) -> usize {
        self.tokenizer.encode(text, false).map_or(text.len() / 4, |e| e.len())
    }

    /// Continues `prompt`; `on_text` receives the new text as it comes.
    pub fn generate(&mut self, prompt: &str, g: &Generation, on_text: &mut dyn FnMut(&str)) -> Result<Generated> {
        let enc = self.tokenizer.encode(prompt, false).map_err(|e| Error::Run(e.to_string()))?;
        let ids: Vec<u32> = enc.get_ids().to_vec();
        if ids.is_empty() {
            return Err(Error::Run("the prompt is empty".into()));
        }
        let run = |e: candle_core::Error| Error::Run(e.to_string());
        let mut sampler = LogitsProcessor::new(g.seed, (g.temperature > 0.0).then_some(g.temperature), g.top_p);
        let t0 = Instant::now();
        let logits = self.model.prompt(&ids).map_err(run)?;
        let mut next = sampler.sample(&Tensor::new(logits, &self.device).map_err(run)?).map_err(run)?;
        let prompt_seconds = t0.elapsed().as_secs_f64();
        let t1 = Instant::now();
        let mut out: Vec<u32> = Vec::new();
        let mut text = String::new();
        while out.len() < g.max_tokens && !self.eos.contains(&next) {
            out.push(next);
            let full = self.tokenizer.decode(&out, true).map_err(|e| Error::Run(e.to_string()))?;
            if let Some(k) = g.stop.iter().filter_map(|s| full.find(s.as_str())).min() {
                let fresh = full[..k].get(text.len()..).unwrap_or("").to_string();
                on_text(&fresh);
                text = full[..k].to_string();
                break;
            }
            // Only whole characters go out: a multi-byte one may need the next token.
            if !full.ends_with('\u{fffd}') {
                if let Some(fresh) = full.get(text.len()..) {
                    on_text(fresh);
                }
                text = full;
            }
            let logits = self.model.step(next);
            next = sampler.sample(&Tensor::new(logits, &self.device).map_err(run)?).map_err(run)?;
        }
        Ok(Generated { text, prompt_tokens: ids.len(), tokens: out.len(), prompt_seconds, generate_seconds: t1.elapsed().as_secs_f64() })
    }
}
