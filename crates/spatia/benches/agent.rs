//! Questions on a cached scene (one at a time, and a batch of 1,000 over rayon) and a cold
//! question (perceive from disk + answer) on the bundled example scene.
#![allow(clippy::expect_used)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rayon::prelude::*;
use spatia::Agent;

const QUESTIONS: [&str; 10] = [
    "What is on top of the table?",
    "How tall is the yellow box?",
    "Is the yellow box left of the pink cylinder?",
    "How many cylinders are there?",
    "How far is the brown sphere from the purple cylinder?",
    "What colour is the thing on top of the black box?",
    "Where is the magenta cylinder?",
    "Which is closer to the camera, the black box or the table?",
    "What is the tallest thing on the table?",
    "Describe the table",
];

fn bench(c: &mut Criterion) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/tabletop");
    let agent = Agent::builder().build().expect("agent");
    let scene = agent.perceive(dir.as_path()).expect("scene");
    let mut g = c.benchmark_group("agent/tabletop");
    g.sample_size(20).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(3));
    for (name, q) in [("ask_what_rel", QUESTIONS[0]), ("ask_height", QUESTIONS[1]), ("ask_describe", QUESTIONS[9])] {
        g.bench_function(name, |b| b.iter(|| agent.ask(black_box(&scene), q).expect("answer")));
    }
    g.throughput(Throughput::Elements(1000));
    g.bench_function("batch_1000_cached", |b| {
        b.iter(|| (0..1000).into_par_iter().map(|i| agent.ask(&scene, QUESTIONS[i % QUESTIONS.len()]).map(|a| a.confidence)).count())
    });
    g.throughput(Throughput::Elements(1));
    g.bench_function("ask_cold_perceive_and_answer", |b| {
        b.iter(|| {
            let fresh = Agent::builder().build().expect("agent");
            let s = fresh.perceive(dir.as_path()).expect("scene");
            fresh.ask(&s, QUESTIONS[0]).expect("answer")
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
