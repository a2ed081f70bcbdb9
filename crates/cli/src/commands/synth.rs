//! `spatia synth`: procedural RGB-D scenes with exact ground truth.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use spatia_synth::{Noise, SceneParams, generate, render, write_dir};

use crate::args::SynthArgs;

/// Runs `spatia synth`.
pub fn run(a: SynthArgs) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(a.width >= 16 && a.height >= 16, "images must be at least 16x16 pixels");
    anyhow::ensure!(a.width * a.height <= 16_000_000, "images are limited to 16 megapixels");
    anyhow::ensure!(a.chairs <= 8, "at most 8 chairs");
    let params = SceneParams { width: a.width, height: a.height, chairs: a.chairs..=a.chairs, ..SceneParams::default() };
    let seeds: Vec<u64> = match a.count {
        None => vec![a.seed],
        Some(n) => (0..n).map(|i| a.seed + i).collect(),
    };
    let mut out = std::io::stdout().lock();
    for seed in seeds {
        let dir = if a.count.is_some() { a.output.join(format!("scene-{seed:06}")) } else { a.output.clone() };
        let scene = generate(seed, &params);
        let noise = a.noise.then(|| Noise { seed, ..Noise::default() });
        let mut view = render(&scene);
        if let Some(n) = &noise {
            view = view.with_noise(n);
        }
        let truth = write_dir(&dir, &scene, &view, noise.as_ref()).with_context(|| format!("writing {}", dir.display()))?;
        let visible: Vec<&str> = truth.objects.iter().filter(|o| o.pixels > 0).map(|o| o.name.as_str()).collect();
        writeln!(out, "{}: seed {seed}, {} objects ({})", dir.display(), truth.objects.len(), visible.join(", "))?;
    }
    Ok(ExitCode::SUCCESS)
}
