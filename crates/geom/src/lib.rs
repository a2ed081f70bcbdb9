//! spatia-geom: from an RGB-D photo to metric geometry.
//!
//! Cameras and depth maps in, and out: camera-frame points, grid normals, the
//! full-resolution and the coarse-to-fine adaptive mesh, RANSAC planes, the gravity-aligned
//! scene frame (z up, floor at z = 0), oriented boxes, a kiddo k-d index over vertices, and
//! PLY / OBJ / glTF export.
//!
//! ```
//! use spatia_geom::{DepthMap, Intrinsics, IntrinsicsSource, MeshConfig, RgbdFrame};
//!
//! // A 64x48 view of a wall 2 m away with a box 0.5 m in front of it.
//! let (w, h) = (64, 48);
//! let depth: Vec<f32> = (0..w * h)
//!     .map(|i| if (20..40).contains(&(i % w)) && (10..30).contains(&(i / w)) { 1.5 } else { 2.0 })
//!     .collect();
//! let depth = DepthMap::from_metres(w, h, depth)?;
//! let rgb = image::RgbImage::from_pixel(w as u32, h as u32, image::Rgb([180, 40, 40]));
//! let frame = RgbdFrame::new(rgb, depth, Intrinsics::default_for(w, h), IntrinsicsSource::DefaultFov)?;
//!
//! let full = frame.to_mesh(&MeshConfig::default());
//! assert_eq!(full.vertex_count(), w * h);
//! let coarse = frame.to_adaptive_mesh(200, None, &MeshConfig::default())?;
//! assert_eq!(coarse.vertex_count(), 200);
//! // No triangle joins the box to the wall behind it.
//! assert!(coarse.triangles.iter().all(|t| {
//!     let z = t.map(|i| coarse.positions[i as usize][2]);
//!     z.iter().all(|&z| z < 1.75) || z.iter().all(|&z| z > 1.75)
//! }));
//! # Ok::<(), spatia_geom::Error>(())
//! ```
#![warn(missing_docs)]

mod adaptive;
mod camera;
mod depth;
mod edges;
mod error;
mod export;
mod frame;
mod gravity;
mod image_io;
mod index;
pub mod math;
mod mesh;
mod naming;
mod normals;
mod npy;
mod obb;
mod plane;
mod points;
#[cfg(test)]
mod testutil;

pub use adaptive::{DepthError, HOLE_ERROR, LENGTH_ERROR, depth_error};
pub use camera::{CameraFile, DEFAULT_DEPTH_SCALE, DEFAULT_HFOV_DEG, Intrinsics};
pub use depth::DepthMap;
pub use edges::{DEFAULT_JUMP_ABS, DEFAULT_JUMP_PER_M2, DEFAULT_RAMP_REL, DOWN as EDGE_DOWN, DepthEdges, JumpRule, RIGHT as EDGE_RIGHT};
pub use error::{Error, Result};
pub use export::{Axes, MeshFormat};
pub use frame::{IntrinsicsSource, LoadOptions, RgbdFrame, SceneFiles};
pub use gravity::{BELOW_TOLERANCE, GroundSource, MAX_BELOW_FRACTION, MAX_TILT_DEG, SceneFrame};
pub use image;
pub use image_io::{DEFAULT_MAX_PIXELS, RgbImage, checked_dimensions, load_rgb};
pub use index::{ClosestPair, Neighbour, VertexIndex, closest_pair};
pub use mesh::{GridSurface, Mesh, MeshConfig};
pub use naming::{disambiguate, ordinal};
pub use normals::{angle_deg, grid_normals, pixel_tangents};
pub use obb::{Obb, convex_hull, min_area_rect};
pub use plane::{DetectedPlane, PLANE_PIXELS, Plane, RansacConfig, detect_planes};
pub use points::PointGrid;
