//! Writing a rendered scene as a spatia scene directory plus its ground truth.

use std::path::Path;

use serde::{Deserialize, Serialize};
use spatia_geom::{CameraFile, DepthMap};

use crate::palette::Colour;
use crate::render::{Noise, Render};
use crate::scene::{CameraPose, Room, Scene, ShapeKind};
use crate::{Error, Result};

/// Depth PNG units per metre written by the generator (millimetres).
pub const DEPTH_SCALE: f64 = 1000.0;

/// One object in `truth.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TruthObject {
    /// Instance id, as in `instances.png`.
    pub id: u16,
    /// A unique name a person would use ("red sphere", "left red sphere", "table").
    pub name: String,
    /// Shape class.
    pub shape: ShapeKind,
    /// Colour name.
    pub colour: Colour,
    /// Albedo, 8-bit sRGB.
    pub rgb: [u8; 3],
    /// Width, depth and height, metres (width = depth = diameter for round shapes).
    pub size: [f32; 3],
    /// Rotation about the vertical, degrees.
    pub yaw_deg: f32,
    /// Centre in the world frame (z up, floor z = 0).
    pub centre_world: [f32; 3],
    /// Centre in the camera frame (OpenCV).
    pub centre_cam: [f32; 3],
    /// Centre in spatia's scene frame (z up, origin below the camera, y forward).
    pub centre: [f32; 3],
    /// Id of what it rests on; `null` is the floor.
    pub on: Option<u16>,
    /// Visible pixels.
    pub pixels: usize,
}

/// The whole `truth.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Truth {
    /// Generator seed.
    pub seed: u64,
    /// Camera intrinsics and pose.
    pub camera: CameraPose,
    /// Camera height above the floor, metres.
    pub camera_height: f32,
    /// The room.
    pub room: Room,
    /// Every object, visible or not.
    pub objects: Vec<TruthObject>,
    /// The noise applied, if any.
    pub noise: Option<Noise>,
}

impl Truth {
    /// Reads a `truth.json`.
    pub fn from_path(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::Io { path: path.into(), source: e })?;
        serde_json::from_str(&text).map_err(|e| Error::Json { path: path.into(), reason: e.to_string() })
    }
}

/// Human names, unique within the scene: "red sphere", then told apart by
/// [`spatia_geom::disambiguate`] (size, then position as the camera sees them).
pub fn names(scene: &Scene) -> Vec<String> {
    let base = |o: &crate::scene::Object| match o.shape {
        ShapeKind::Table => "table".to_string(),
        ShapeKind::Chair => "chair".to_string(),
        s => format!("{} {}", o.colour.name(), shape_word(s)),
    };
    let objs = &scene.objects;
    let mut out: Vec<String> = objs.iter().map(base).collect();
    // Attributes before positions: two tables of different colours are "white table" and
    // "black table" (the rule spatia-scene names its objects by).
    let mut groups: std::collections::BTreeMap<String, Vec<usize>> = Default::default();
    for (i, n) in out.iter().enumerate() {
        groups.entry(n.clone()).or_default().push(i);
    }
    for g in groups.into_values().filter(|g| g.len() > 1) {
        let colours: std::collections::BTreeSet<&str> = g.iter().map(|&i| objs[i].colour.name()).collect();
        if colours.len() == g.len() && matches!(objs[g[0]].shape, ShapeKind::Table | ShapeKind::Chair) {
            for &i in &g {
                out[i] = format!("{} {}", objs[i].colour.name(), out[i]);
            }
        }
    }
    let volumes: Vec<f32> = objs.iter().map(|o| o.size.iter().product()).collect();
    let xs: Vec<f32> = objs.iter().map(|o| scene.camera.world_to_camera(o.centre)[0]).collect();
    spatia_geom::disambiguate(&mut out, &volumes, &xs);
    out
}

/// The noun used for a shape.
pub fn shape_word(s: ShapeKind) -> &'static str {
    match s {
        ShapeKind::Box => "box",
        ShapeKind::Sphere => "sphere",
        ShapeKind::Cylinder => "cylinder",
        ShapeKind::Table => "table",
        ShapeKind::Chair => "chair",
    }
}

/// Builds the ground truth of a rendered scene.
pub fn truth(scene: &Scene, render: &Render, noise: Option<&Noise>) -> Truth {
    let counts = render.pixel_counts(scene.objects.len() as u16);
    let names = names(scene);
    let objects = scene
        .objects
        .iter()
        .zip(names)
        .map(|(o, name)| TruthObject {
            id: o.id,
            name,
            shape: o.shape,
            colour: o.colour,
            rgb: o.colour.rgb(),
            size: o.size,
            yaw_deg: o.yaw_deg,
            centre_world: o.centre,
            centre_cam: scene.camera.world_to_camera(o.centre),
            centre: scene.camera.world_to_scene(o.centre),
            on: o.on,
            pixels: counts[o.id as usize],
        })
        .collect();
    Truth {
        seed: scene.seed,
        camera: scene.camera.clone(),
        camera_height: scene.camera.position[2],
        room: scene.room.clone(),
        objects,
        noise: noise.copied(),
    }
}

/// Writes `rgb.png`, `depth.png` (uint16 mm), `camera.json`, `instances.png` (uint16 ids) and
/// `truth.json` into `dir` (created if needed). No `labels.json` is written, so spatia
/// segments the scene itself rather than taking the ground truth as user masks.
pub fn write_dir(dir: &Path, scene: &Scene, render: &Render, noise: Option<&Noise>) -> Result<Truth> {
    std::fs::create_dir_all(dir).map_err(|e| Error::Io { path: dir.into(), source: e })?;
    let (w, h) = (render.width as u32, render.height as u32);
    let img_err = |p: &Path, e: spatia_geom::image::ImageError| Error::Io { path: p.into(), source: std::io::Error::other(e) };
    let rgb_path = dir.join("rgb.png");
    let raw: Vec<u8> = render.rgb.iter().flatten().copied().collect();
    spatia_geom::image::RgbImage::from_raw(w, h, raw)
        .ok_or_else(|| Error::Render("colour buffer has the wrong size".into()))?
        .save(&rgb_path)
        .map_err(|e| img_err(&rgb_path, e))?;
    let inst_path = dir.join("instances.png");
    spatia_geom::image::ImageBuffer::<spatia_geom::image::Luma<u16>, _>::from_raw(w, h, render.instances.clone())
        .ok_or_else(|| Error::Render("instance buffer has the wrong size".into()))?
        .save(&inst_path)
        .map_err(|e| img_err(&inst_path, e))?;
    // Depth is written without validation: a noisy render may legitimately lose pixels.
    let depth = DepthMap::from_metres(render.width, render.height, render.depth.clone())?;
    depth.to_png(&dir.join("depth.png"), DEPTH_SCALE)?;
    let cam = &scene.camera;
    CameraFile { fx: cam.fx, fy: cam.fy, cx: cam.cx, cy: cam.cy, depth_scale: Some(DEPTH_SCALE) }.to_path(&dir.join("camera.json"))?;
    let t = truth(scene, render, noise);
    let path = dir.join("truth.json");
    let text = serde_json::to_string_pretty(&t).map_err(|e| Error::Json { path: path.clone(), reason: e.to_string() })?;
    std::fs::write(&path, text + "\n").map_err(|e| Error::Io { path, source: e })?;
    Ok(t)
}
