//! `spatia scene`: objects, parts, attributes and support, as a table or JSON.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use spatia::geom::image::{ImageBuffer, Luma};
use spatia::scene::{Scene, SceneConfig};

use crate::args::SceneArgs;

/// Runs `spatia scene`.
pub fn run(a: SceneArgs) -> anyhow::Result<ExitCode> {
    let (frame, masks) = super::load_frame_and_masks(&a.input)?;
    let scene = Scene::build(&frame, masks.as_ref(), &SceneConfig::default())?;
    if let Some(path) = &a.masks {
        ImageBuffer::<Luma<u16>, _>::from_raw(scene.width as u32, scene.height as u32, scene.object_map.clone())
            .context("mask buffer size")?
            .save(path)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if let Some(path) = &a.show {
        super::show::outlines(&frame.rgb, &scene).save(path).with_context(|| format!("writing {}", path.display()))?;
    }
    let mut out = std::io::stdout().lock();
    if a.json {
        writeln!(out, "{}", serde_json::to_string(&scene.to_json())?)?;
    } else {
        print_table(&mut out, &scene)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn print_table(out: &mut impl Write, s: &Scene) -> std::io::Result<()> {
    let f = &s.frame;
    let ground = match f.ground {
        spatia::geom::GroundSource::Floor => "the floor",
        spatia::geom::GroundSource::SupportPlane => "the lowest support (no floor seen)",
        spatia::geom::GroundSource::Assumed => "the lowest point (no floor found; camera assumed level)",
    };
    writeln!(
        out,
        "{}x{}, camera {:.2} m above {ground}, pitch {:.1} deg, roll {:.1} deg; {} object(s)",
        s.width,
        s.height,
        f.camera_height,
        f.pitch_deg,
        f.roll_deg,
        s.objects.len()
    )?;
    writeln!(
        out,
        "{:>3}  {:<28} {:<8} {:<9} {:>20}  {:>20}  {:<12} {:>7}",
        "id", "name", "colour", "shape", "centre (m, scene)", "size w x d x h (m)", "on", "pixels"
    )?;
    for o in &s.objects {
        let on = match o.on {
            Some(id) => s.object(id).map_or(format!("#{id}"), |p| p.name.clone()),
            None => "floor".into(),
        };
        writeln!(
            out,
            "{:>3}  {:<28} {:<8} {:<9} {:>6.2} {:>6.2} {:>6.2}  {:>6.2} {:>6.2} {:>6.2}  {:<12} {:>7}",
            o.id,
            o.name,
            o.colour.as_str(),
            o.shape.noun(),
            o.centre[0],
            o.centre[1],
            o.centre[2],
            o.size[0],
            o.size[1],
            o.size[2],
            on,
            o.pixels
        )?;
        let parts: Vec<String> = o.parts.iter().map(|p| format!("{} ({} px)", p.name, p.pixels)).collect();
        writeln!(out, "     parts: {}", parts.join(", "))?;
    }
    for p in &s.surfaces {
        writeln!(out, "plane: {:?}, normal ({:+.2}, {:+.2}, {:+.2}), {} px", p.kind, p.normal[0], p.normal[1], p.normal[2], p.pixels)?;
    }
    Ok(())
}
