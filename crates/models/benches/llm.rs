//! SmolLM2-135M-Instruct (Q4_1 GGUF) on the CPU: load, prompt processing (a ~300-token
//! prompt) and generation (32 tokens). Needs the model scripts/setup.sh installs.
#![allow(clippy::expect_used)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use spatia_models::{Generation, LanguageModel, SMOLLM2, resolve};

fn bench(c: &mut Criterion) {
    let files = resolve(SMOLLM2, None).expect("run scripts/setup.sh first");
    let path = files.paths[0].clone();
    let mut g = c.benchmark_group("models/smollm2");
    g.sample_size(10).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(6));
    g.bench_function("load", |b| b.iter(|| LanguageModel::load(black_box(&path)).expect("load")));
    let mut lm = LanguageModel::load(&path).expect("load");
    let scene: String = (0..24).map(|i| format!("- object {i}: a red box, 0.2 m wide, on the table, 2.{i} m from the camera\n")).collect();
    let long = format!("<|im_start|>user\n{scene}Question: what is on the table?<|im_end|>\n<|im_start|>assistant\n");
    let n = lm.count_tokens(&long);
    g.throughput(Throughput::Elements(n as u64));
    let one = Generation { max_tokens: 1, stop: Vec::new(), ..Generation::default() };
    g.bench_function(format!("prompt_{n}_tokens"), |b| b.iter(|| lm.generate(black_box(&long), &one, &mut |_| {}).expect("run")));
    g.throughput(Throughput::Elements(32));
    let short = "<|im_start|>user\nDescribe a tidy table with a few boxes on it.<|im_end|>\n<|im_start|>assistant\n";
    let gen32 = Generation { max_tokens: 32, stop: Vec::new(), ..Generation::default() };
    g.bench_function("generate_32_tokens", |b| b.iter(|| lm.generate(black_box(short), &gen32, &mut |_| {}).expect("run")));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
