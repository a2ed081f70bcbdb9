//! all-MiniLM-L6-v2 on the CPU: loading, and one phrase's embedding (needs the model that
//! scripts/setup.sh installs).
#![allow(clippy::expect_used)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use spatia_models::{Embedder, MINILM, resolve};

fn bench(c: &mut Criterion) {
    let files = resolve(MINILM, None).expect("run scripts/setup.sh first");
    let mut g = c.benchmark_group("models/minilm");
    g.sample_size(10).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(3));
    g.bench_function("load", |b| b.iter(|| Embedder::load(black_box(&files)).expect("load")));
    let e = Embedder::load(&files).expect("load");
    g.bench_function("embed_short_phrase", |b| b.iter(|| e.embed(black_box("perched upon")).expect("embed")));
    g.bench_function("embed_question", |b| {
        b.iter(|| e.embed(black_box("Is the yellow box at the rear of the pink cylinder?")).expect("embed"))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
