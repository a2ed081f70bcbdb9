//! spatia: spatial questions about photos, answered from their 3-D geometry.
//!
//! This facade re-exports what users need from the pipeline's crates, so applications
//! depend on `spatia` alone. Today it carries the geometry stage (reading an RGB-D scene
//! directory, lifting it to a mesh, planes and the gravity-aligned scene frame) and scene
//! understanding (objects, parts, attributes, support): [`geom`] and [`scene`]; and the
//! reasoning core (relations, relevance, token allocation, 3-D tokens): [`reason`].
//!
//! ```
//! use spatia::geom::{DepthMap, Intrinsics, IntrinsicsSource, MeshConfig, RgbdFrame};
//!
//! let depth = DepthMap::from_metres(32, 24, vec![1.2; 32 * 24])?;
//! let rgb = spatia::geom::image::RgbImage::new(32, 24);
//! let frame = RgbdFrame::new(rgb, depth, Intrinsics::default_for(32, 24), IntrinsicsSource::DefaultFov)?;
//! let mesh = frame.to_adaptive_mesh(100, None, &MeshConfig::default())?;
//! assert_eq!(mesh.vertex_count(), 100);
//! # Ok::<(), spatia::geom::Error>(())
//! ```
#![warn(missing_docs)]

pub use spatia_geom as geom;
pub use spatia_geom::{Mesh, MeshConfig, RgbdFrame, SceneFrame};
pub use spatia_reason as reason;
pub use spatia_scene as scene;
pub use spatia_scene::{Object, Scene, SceneConfig};
