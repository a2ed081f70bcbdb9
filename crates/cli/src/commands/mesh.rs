//! `spatia mesh`: the mesh generator alone.

use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use serde::Serialize;
use spatia::geom::{Axes, DepthError, GridSurface, GroundSource, MeshConfig, MeshFormat, RansacConfig, depth_error};

use crate::args::{FrameArg, MeshArgs};

#[derive(Serialize)]
struct PlaneReport {
    normal_cam: [f32; 3],
    offset: f32,
    inlier_fraction: f32,
    rms_m: f32,
}

#[derive(Serialize)]
struct FrameReport {
    ground: GroundSource,
    camera_height_m: f32,
    pitch_deg: f32,
    roll_deg: f32,
}

#[derive(Serialize)]
struct Report {
    output: String,
    mode: &'static str,
    frame: &'static str,
    width: usize,
    height: usize,
    vertices: usize,
    triangles: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    depth_error: Option<DepthError>,
    planes: Vec<PlaneReport>,
    scene_frame: FrameReport,
    millis: f64,
}

/// Runs `spatia mesh`.
pub fn run(a: MeshArgs) -> anyhow::Result<ExitCode> {
    let mut format = MeshFormat::from_path(&a.output)?;
    if a.ascii {
        anyhow::ensure!(format == MeshFormat::PlyBinary, "--ascii applies to .ply output only");
        format = MeshFormat::PlyAscii;
    }
    let frame = super::load_frame(&a.input)?;
    let t0 = Instant::now();
    let surface = GridSurface::from_frame(&frame, &MeshConfig::default());
    let mut mesh = match a.vertices {
        None => surface.full_mesh(&frame.rgb),
        Some(n) => surface.adaptive_mesh(&frame.rgb, n, None)?,
    };
    let millis = t0.elapsed().as_secs_f64() * 1e3;
    let err = a.vertices.map(|_| depth_error(&mesh, &frame.depth));
    let (scene_frame, planes) = surface.scene_frame(&RansacConfig::default());
    let axes = match a.frame {
        FrameArg::Camera => Axes::Camera,
        FrameArg::Scene => {
            mesh.transform(&scene_frame.cam_to_scene);
            Axes::ZUp
        }
    };
    mesh.save_as(&a.output, format, axes).with_context(|| format!("writing {}", a.output.display()))?;
    let known = frame.depth.known().max(1) as f32;
    let report = Report {
        output: a.output.display().to_string(),
        mode: if a.vertices.is_some() { "adaptive" } else { "full" },
        frame: if a.frame == FrameArg::Scene { "scene" } else { "camera" },
        width: frame.width(),
        height: frame.height(),
        vertices: mesh.vertex_count(),
        triangles: mesh.triangles.len(),
        depth_error: err,
        planes: planes
            .iter()
            .map(|p| PlaneReport {
                normal_cam: [p.plane.normal.x, p.plane.normal.y, p.plane.normal.z],
                offset: p.plane.d,
                inlier_fraction: p.inliers.len() as f32 / known,
                rms_m: p.rms,
            })
            .collect(),
        scene_frame: FrameReport {
            ground: scene_frame.ground,
            camera_height_m: scene_frame.camera_height,
            pitch_deg: scene_frame.pitch_deg,
            roll_deg: scene_frame.roll_deg,
        },
        millis,
    };
    let mut out = std::io::stdout().lock();
    if a.json {
        writeln!(out, "{}", serde_json::to_string(&report)?)?;
    } else {
        print_text(&mut out, &report)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn print_text(out: &mut impl Write, r: &Report) -> std::io::Result<()> {
    writeln!(
        out,
        "wrote {}: {} mesh of {}x{}, {} vertices, {} triangles, {} frame ({:.1} ms)",
        r.output, r.mode, r.width, r.height, r.vertices, r.triangles, r.frame, r.millis
    )?;
    if let Some(e) = r.depth_error {
        writeln!(
            out,
            "depth error vs. the depth map: mean {:.1} mm, max {:.0} mm, {:.1}% of known pixels covered",
            e.mean * 1e3,
            e.max * 1e3,
            e.coverage * 100.0
        )?;
    }
    let f = &r.scene_frame;
    let ground = match f.ground {
        GroundSource::Floor => "floor",
        GroundSource::SupportPlane => "support plane (no floor seen)",
        GroundSource::Assumed => "assumed (no horizontal plane; level camera)",
    };
    writeln!(
        out,
        "scene frame: ground = {ground}, camera {:.2} m above it, pitch {:.1} deg, roll {:.1} deg",
        f.camera_height_m, f.pitch_deg, f.roll_deg
    )?;
    writeln!(out, "{} plane(s):", r.planes.len())?;
    for (i, p) in r.planes.iter().enumerate() {
        writeln!(
            out,
            "  {i}: normal ({:+.3}, {:+.3}, {:+.3}), {:.2} m from the camera, {:.1}% of points, rms {:.1} mm",
            p.normal_cam[0],
            p.normal_cam[1],
            p.normal_cam[2],
            p.offset,
            p.inlier_fraction * 100.0,
            p.rms_m * 1e3
        )?;
    }
    Ok(())
}
