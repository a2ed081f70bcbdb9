//! The `spatia scene --json` contract: what other tools parse. Object fields are exactly
//! those of DESIGN.md; additions go to new top-level keys or inside `parts`, `planes`
//! and `frame`.

use serde::{Deserialize, Serialize};
use spatia_geom::{GroundSource, IntrinsicsSource};

use crate::{DepthSource, Scene, SurfaceKind};

/// One part of an object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartJson {
    /// Part name ("top", "leg", "top face", "sides", "side", "middle", "bottom").
    pub name: String,
    /// Visible pixels.
    pub pixels: usize,
    /// Centre of the visible points, scene frame.
    pub centre: [f32; 3],
}

/// One object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectJson {
    /// Id (the value in `--masks`).
    pub id: u16,
    /// Unique human name.
    pub name: String,
    /// Category.
    pub label: String,
    /// Basic colour name.
    pub colour: String,
    /// "box", "cube", "sphere", "cylinder" or "other".
    pub shape: String,
    /// Centre, camera frame (x right, y down, z forward), metres.
    pub centre_cam: [f32; 3],
    /// Centre, scene frame (z up, floor z = 0), metres.
    pub centre: [f32; 3],
    /// Width, depth, height, metres.
    pub size: [f32; 3],
    /// Id of what it rests on; null for the floor.
    pub on: Option<u16>,
    /// Visible pixels.
    pub pixels: usize,
    /// Parts.
    pub parts: Vec<PartJson>,
}

/// A plane: floor, wall, ceiling or support surface.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SurfaceJson {
    /// "floor", "wall", "ceiling" or "support".
    pub kind: SurfaceKind,
    /// Unit normal, scene frame.
    pub normal: [f32; 3],
    /// `normal . p + offset = 0`.
    pub offset: f32,
    /// Pixels on it.
    pub pixels: usize,
    /// For a support surface, its object.
    pub object: Option<u16>,
}

/// The gravity frame and where the inputs came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrameJson {
    /// What z = 0 is.
    pub ground: GroundSource,
    /// Camera height above z = 0, metres.
    pub camera_height: f32,
    /// Camera pitch, degrees (negative looking down).
    pub pitch_deg: f32,
    /// Camera roll, degrees.
    pub roll_deg: f32,
    /// Up in the camera frame.
    pub up_cam: [f32; 3],
    /// Where the intrinsics came from.
    pub intrinsics: IntrinsicsSource,
    /// Where the depth came from.
    pub depth: DepthSource,
    /// Image width and height.
    pub image: [usize; 2],
}

/// `spatia scene --json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SceneJson {
    /// Objects.
    pub objects: Vec<ObjectJson>,
    /// Planes.
    pub planes: Vec<SurfaceJson>,
    /// Frame.
    pub frame: FrameJson,
}

impl Scene {
    /// The JSON form.
    pub fn to_json(&self) -> SceneJson {
        let r3 = |v: [f32; 3]| v.map(|x| (x * 1e4).round() / 1e4);
        SceneJson {
            objects: self
                .objects
                .iter()
                .map(|o| ObjectJson {
                    id: o.id,
                    name: o.name.clone(),
                    label: o.label.clone(),
                    colour: o.colour.as_str().into(),
                    shape: serde_json::to_value(o.shape).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default(),
                    centre_cam: r3(o.centre_cam),
                    centre: r3(o.centre),
                    size: r3(o.size),
                    on: o.on,
                    pixels: o.pixels,
                    parts: o.parts.iter().map(|p| PartJson { name: p.name.clone(), pixels: p.pixels, centre: r3(p.centre) }).collect(),
                })
                .collect(),
            planes: self
                .surfaces
                .iter()
                .map(|p| SurfaceJson {
                    kind: p.kind,
                    normal: r3(p.normal),
                    offset: (p.offset * 1e4).round() / 1e4,
                    pixels: p.pixels,
                    object: p.object,
                })
                .collect(),
            frame: FrameJson {
                ground: self.frame.ground,
                camera_height: self.frame.camera_height,
                pitch_deg: self.frame.pitch_deg,
                roll_deg: self.frame.roll_deg,
                up_cam: [self.frame.up_cam.x, self.frame.up_cam.y, self.frame.up_cam.z],
                intrinsics: self.intrinsics_source,
                depth: self.depth_source,
                image: [self.width, self.height],
            },
        }
    }
}
