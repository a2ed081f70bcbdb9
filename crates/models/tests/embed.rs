//! The loader and the embedder: missing-model messages, a tiny random-weight BERT of the
//! real architecture loaded through the production path, and the real all-MiniLM-L6-v2
//! that scripts/setup.sh installs (issue 7).

use std::path::PathBuf;

use candle_core::{DType, Device, Tensor};
use candle_nn::{VarBuilder, VarMap};
use candle_transformers::models::bert::{BertModel, Config};
use spatia_models::{Embedder, Error, MINILM, install, resolve, resolve_in};

struct Dir(PathBuf);

impl Dir {
    fn new(tag: &str) -> Self {
        let p = std::env::temp_dir().join(format!("spatia-models-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&p).unwrap();
        Dir(p)
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.0).ok();
    }
}

#[test]
fn a_missing_model_says_what_where_and_how_to_fetch_it() {
    let cache = Dir::new("empty");
    let err = resolve_in(MINILM, None, &cache.0).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, Error::Missing { .. }));
    for want in [
        "sentence-transformers/all-MiniLM-L6-v2",
        "model.safetensors",
        "models--sentence-transformers--all-MiniLM-L6-v2",
        "spatia models pull minilm",
        "scripts/setup.sh",
    ] {
        assert!(msg.contains(want), "{want} not in: {msg}");
    }
    let explicit = resolve_in(MINILM, Some(&cache.0), &cache.0).unwrap_err().to_string();
    assert!(explicit.contains(&cache.0.display().to_string()), "{explicit}");
}

const TINY_CONFIG: &str = r#"{"vocab_size": 12, "hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2,
 "intermediate_size": 16, "hidden_act": "gelu", "hidden_dropout_prob": 0.0, "max_position_embeddings": 32,
 "type_vocab_size": 2, "initializer_range": 0.02, "layer_norm_eps": 1e-12, "pad_token_id": 0}"#;

const TINY_TOKENIZER: &str = r#"{"version": "1.0", "truncation": null, "padding": null, "added_tokens": [],
 "normalizer": {"type": "Lowercase"}, "pre_tokenizer": {"type": "Whitespace"}, "post_processor": null, "decoder": null,
 "model": {"type": "WordLevel", "vocab": {"[UNK]": 0, "chair": 1, "armchair": 2, "banana": 3, "the": 4, "on": 5,
 "table": 6, "red": 7, "box": 8, "sofa": 9, "couch": 10, "ball": 11}, "unk_token": "[UNK]"}}"#;

/// Writes a random-weight BERT of the real architecture into a hub-cache layout.
fn tiny_bert(cache: &std::path::Path) {
    let dev = Device::Cpu;
    let varmap = VarMap::new();
    let vb = VarBuilder::from_varmap(&varmap, DType::F32, &dev);
    let cfg: Config = serde_json::from_str(TINY_CONFIG).unwrap();
    BertModel::load(vb, &cfg).unwrap();
    for (k, var) in varmap.data().lock().unwrap().iter() {
        // Seeded by name so the model is the same every run.
        let n = var.elem_count();
        let seed = k.bytes().fold(7u64, |h, b| h.wrapping_mul(31).wrapping_add(b as u64));
        let vals: Vec<f32> = (0..n).map(|i| (((seed + i as u64).wrapping_mul(2654435761) % 1000) as f32 / 1000.0 - 0.5) * 0.4).collect();
        var.set(&Tensor::from_vec(vals, var.shape(), &dev).unwrap()).unwrap();
    }
    let tmp = cache.join("src");
    std::fs::create_dir_all(&tmp).unwrap();
    varmap.save(tmp.join("model.safetensors")).unwrap();
    std::fs::write(tmp.join("config.json"), TINY_CONFIG).unwrap();
    std::fs::write(tmp.join("tokenizer.json"), TINY_TOKENIZER).unwrap();
    let files: Vec<(&str, PathBuf)> = MINILM.files.iter().map(|f| (*f, tmp.join(f))).collect();
    let refs: Vec<(&str, &std::path::Path)> = files.iter().map(|(n, p)| (*n, p.as_path())).collect();
    install(MINILM, &refs, "0123abcd", cache).unwrap();
}

/// candle's BERT on the same files: the reference the embedder's own encoder is held to
/// (attention-masked mean pooling, unit length).
fn candle_embedding(files: &spatia_models::ModelFiles, text: &str) -> Vec<f32> {
    let dev = Device::Cpu;
    let cfg: Config = serde_json::from_str(&std::fs::read_to_string(files.get("config.json").unwrap()).unwrap()).unwrap();
    let vb =
        VarBuilder::from_tensors(candle_core::safetensors::load(files.get("model.safetensors").unwrap(), &dev).unwrap(), DType::F32, &dev);
    let model = BertModel::load(vb, &cfg).unwrap();
    let mut tok = tokenizers::Tokenizer::from_file(files.get("tokenizer.json").unwrap()).unwrap();
    tok.with_padding(None);
    let enc = tok.encode(text, true).unwrap();
    let ids = Tensor::new(enc.get_ids(), &dev).unwrap().unsqueeze(0).unwrap();
    let hidden = model.forward(&ids, &ids.zeros_like().unwrap(), None).unwrap();
    let mean = hidden.mean(1).unwrap().squeeze(0).unwrap().to_vec1::<f32>().unwrap();
    let norm = mean.iter().map(|v| v * v).sum::<f32>().sqrt();
    mean.iter().map(|v| v / norm).collect()
}

/// The embedder's encoder (8-bit weights, plain loops) gives candle's BERT embeddings.
fn agrees_with_candle(files: &spatia_models::ModelFiles, e: &Embedder, texts: &[&str], min_cosine: f32) {
    for t in texts {
        let cos = spatia_models::dot(&e.embed(t).unwrap(), &candle_embedding(files, t));
        assert!(cos >= min_cosine, "{t}: cosine {cos} with candle's BERT");
    }
}

#[test]
fn a_tiny_bert_loads_and_runs_through_the_production_path() {
    let cache = Dir::new("tiny");
    tiny_bert(&cache.0);
    let files = resolve_in(MINILM, None, &cache.0).unwrap();
    assert!(files.paths[0].ends_with("snapshots/0123abcd/model.safetensors"), "{:?}", files.paths);
    let e = Embedder::load(&files).unwrap();
    let a = e.embed("the red box").unwrap();
    assert_eq!(a.len(), 8);
    assert!((a.iter().map(|x| x * x).sum::<f32>() - 1.0).abs() < 1e-4, "unit length");
    assert_eq!(a, e.embed("The red box").unwrap(), "deterministic, and the normaliser ran");
    assert!(e.similarity("the red box", "banana").unwrap() < 0.9999);
    agrees_with_candle(&files, &e, &["the red box", "chair on the table", "ball"], 0.999);
}

/// The real model, as scripts/setup.sh installs it (CI runs the set-up first).
#[test]
fn minilm_orders_sensible_pairs() {
    let files = resolve(MINILM, None).unwrap_or_else(|e| panic!("run scripts/setup.sh first: {e}"));
    let e = Embedder::load(&files).unwrap();
    let near = e.similarity("chair", "armchair").unwrap();
    let far = e.similarity("chair", "banana").unwrap();
    assert!(near > far + 0.1, "chair~armchair {near} vs chair~banana {far}");
    assert!(e.similarity("couch", "sofa").unwrap() > e.similarity("couch", "cylinder").unwrap());
    assert!(e.similarity("ball", "sphere").unwrap() > e.similarity("ball", "table").unwrap());
    let rels: Vec<String> = ["on top of", "left of", "behind", "under"].iter().map(|s| s.to_string()).collect();
    let best = e.best("perched upon", &rels).unwrap().unwrap();
    assert_eq!(best.0, "on top of", "{best:?}");
    agrees_with_candle(&files, &e, &["perched upon", "couch", "What is to the left of the red sphere?"], 0.995);
}
