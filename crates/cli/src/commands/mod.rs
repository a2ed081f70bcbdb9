//! One module a subcommand.

pub mod ask;
pub mod batch;
pub mod eval;
pub mod mesh;
pub mod models;
pub mod repl;
pub mod scene;
pub mod show;
pub mod synth;

use anyhow::{Context, bail};
use spatia::geom::{LoadOptions, RgbdFrame};

use crate::args::InputArgs;

/// Reads the frame a command works on: a scene directory, or a photo with `--depth`.
pub fn load_frame(input: &InputArgs) -> anyhow::Result<RgbdFrame> {
    load_frame_and_masks(input).map(|(f, _)| f)
}

/// The frame and, for a scene directory with `instances.png` + `labels.json`, the user's masks.
pub fn load_frame_and_masks(input: &InputArgs) -> anyhow::Result<(RgbdFrame, Option<spatia::scene::UserMasks>)> {
    let opts = LoadOptions { max_pixels: input.max_pixels, depth_scale: input.depth_scale };
    match observation(input)? {
        spatia::Observation::Dir(path) => {
            let frame = RgbdFrame::from_dir(&path, &opts).with_context(|| format!("reading scene {}", path.display()))?;
            let masks = spatia::scene::UserMasks::from_dir(&path, frame.width(), frame.height())?;
            Ok((frame, masks))
        }
        spatia::Observation::Files { rgb, depth, camera } => {
            let frame =
                RgbdFrame::from_files(&rgb, &depth, camera.as_deref(), &opts).with_context(|| format!("reading {}", rgb.display()))?;
            Ok((frame, None))
        }
        spatia::Observation::Frame(f) => Ok((*f, None)),
    }
}

/// The agent the answering commands use; `input` sets the image limits.
pub fn agent(a: &crate::args::AgentArgs, input: Option<&InputArgs>) -> anyhow::Result<spatia::Agent> {
    let mut cfg = spatia::Config {
        budget: a.budget,
        strategy: a.strategy.into(),
        lexicon: a.lexicon.clone(),
        phrase_matching: a.phrase_matching.into(),
        minilm: a.minilm.clone(),
        decoder: match a.decoder {
            crate::args::DecoderArg::Grounded => spatia::DecoderKind::Grounded,
            crate::args::DecoderArg::Llm => spatia::DecoderKind::Llm,
        },
        lm: a.lm.clone(),
        prompt: a.prompt.clone(),
        generation: spatia::models::Generation {
            max_tokens: a.max_tokens,
            temperature: a.temperature,
            top_p: a.top_p,
            ..Default::default()
        },
        ..Default::default()
    };
    if let Some(i) = input {
        cfg.max_pixels = i.max_pixels;
        cfg.depth_scale = i.depth_scale;
    }
    Ok(spatia::Agent::builder().config(cfg).build()?)
}

/// What the input arguments point at: a scene directory, or a photo with its depth map.
pub fn observation(input: &InputArgs) -> anyhow::Result<spatia::Observation> {
    let path = &input.path;
    if path.is_dir() {
        if input.depth.is_some() || input.camera.is_some() {
            bail!("{}: --depth and --camera apply to a photo, not a scene directory", path.display());
        }
        return Ok(spatia::Observation::Dir(path.clone()));
    }
    if !path.exists() {
        bail!("{}: no such file or directory", path.display());
    }
    let Some(depth) = &input.depth else {
        bail!(
            "{}: a photo needs a depth map (--depth FILE.png|FILE.npy); estimating depth from the photo alone needs a depth model, which is not installed",
            path.display()
        );
    };
    Ok(spatia::Observation::Files { rgb: path.clone(), depth: depth.clone(), camera: input.camera.clone() })
}

/// Builds the agent and perceives the input.
pub fn agent_and_scene(input: &InputArgs, a: &crate::args::AgentArgs) -> anyhow::Result<(spatia::Agent, std::sync::Arc<spatia::Scene>)> {
    let agent = agent(a, Some(input))?;
    let obs = observation(input)?;
    let what = obs.describe();
    let scene = agent.perceive(obs).with_context(|| format!("reading scene {what}"))?;
    Ok((agent, scene))
}
