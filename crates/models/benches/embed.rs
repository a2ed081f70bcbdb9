//! all-MiniLM-L6-v2 on the CPU: loading, and one phrase's embedding (needs the model that
//! scripts/setup.sh installs), with candle's BERT on the same files beside it as the
//! reference.
#![allow(clippy::expect_used)]

use std::hint::black_box;
use std::time::Duration;

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use criterion::{Criterion, criterion_group, criterion_main};
use spatia_models::{Embedder, MINILM, ModelFiles, resolve};

const PHRASE: &str = "perched upon";
const QUESTION: &str = "Is the yellow box at the rear of the pink cylinder?";

/// candle's BERT: load, and a forward pass with mean pooling.
fn candle_bert(files: &ModelFiles) -> (BertModel, tokenizers::Tokenizer) {
    let dev = Device::Cpu;
    let cfg: Config =
        serde_json::from_str(&std::fs::read_to_string(files.get("config.json").expect("config")).expect("read")).expect("config");
    let vb = VarBuilder::from_tensors(
        candle_core::safetensors::load(files.get("model.safetensors").expect("weights"), &dev).expect("load"),
        DType::F32,
        &dev,
    );
    let mut tok = tokenizers::Tokenizer::from_file(files.get("tokenizer.json").expect("tokenizer")).expect("tokenizer");
    tok.with_padding(None);
    (BertModel::load(vb, &cfg).expect("bert"), tok)
}

fn candle_embed(model: &BertModel, tok: &tokenizers::Tokenizer, text: &str) -> Vec<f32> {
    let enc = tok.encode(text, true).expect("encode");
    let ids = Tensor::new(enc.get_ids(), &Device::Cpu).and_then(|t| t.unsqueeze(0)).expect("ids");
    let types = ids.zeros_like().expect("types");
    let h = model.forward(&ids, &types, None).and_then(|h| h.mean(1)).expect("forward");
    h.squeeze(0).and_then(|h| h.to_vec1::<f32>()).expect("vec")
}

fn bench(c: &mut Criterion) {
    let files = resolve(MINILM, None).expect("run scripts/setup.sh first");
    let mut g = c.benchmark_group("models/minilm");
    g.sample_size(10).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(3));
    g.bench_function("load", |b| b.iter(|| Embedder::load(black_box(&files)).expect("load")));
    let e = Embedder::load(&files).expect("load");
    g.bench_function("embed_short_phrase", |b| b.iter(|| e.embed(black_box(PHRASE)).expect("embed")));
    g.bench_function("embed_question", |b| b.iter(|| e.embed(black_box(QUESTION)).expect("embed")));
    g.bench_function("candle_bert_load", |b| b.iter(|| candle_bert(black_box(&files))));
    let (model, tok) = candle_bert(&files);
    g.bench_function("candle_bert_short_phrase", |b| b.iter(|| candle_embed(&model, &tok, black_box(PHRASE))));
    g.bench_function("candle_bert_question", |b| b.iter(|| candle_embed(&model, &tok, black_box(QUESTION))));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
