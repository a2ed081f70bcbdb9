//! spatia-synth: procedural tabletop scenes rendered to RGB-D with exact ground truth.
//!
//! A seed gives a room, one or more tables, boxes, spheres and cylinders (some stacked),
//! named colours and a camera with varied heading, distance, height, pitch and a little
//! roll. The ray caster renders colour, depth and instance ids; [`Noise`] adds what a
//! depth sensor does. [`write_dir`] stores a spatia scene directory with `truth.json`.
//!
//! ```
//! use spatia_synth::{SceneParams, generate, render};
//!
//! let params = SceneParams { width: 160, height: 120, ..SceneParams::default() };
//! let scene = generate(7, &params);
//! let view = render(&scene);
//! assert_eq!(view.depth.len(), 160 * 120);
//! // Every pixel sees the room or an object: depth is known everywhere.
//! assert!(view.depth.iter().all(|&z| z > 0.0));
//! ```
#![warn(missing_docs)]

mod palette;
mod questions;
mod render;
mod scene;
mod write;

pub use palette::Colour;
pub use questions::{BALANCE, CAMERA_BAND, DIRECTION_BAND, HEIGHT_RATIO, MIN_PIXELS, Question, balance, questions, tolerance};
pub use render::{Noise, Render, render};
pub use scene::{
    BoxPart, CHAIR_LEG, CHAIR_SLAB, CLEARANCE, CameraPose, MAX_SIZE, MIN_SIZE, Object, Room, Scene, SceneParams, ShapeKind, TABLE_LEG,
    TABLE_LEG_INSET, TABLE_TOP, chair_parts, chair_seat_height, generate, table_parts,
};
pub use write::{DEPTH_SCALE, Truth, TruthObject, names, shape_word, truth, write_dir};

use std::path::PathBuf;

/// What can go wrong while generating or writing a scene.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be written or read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The reason.
        #[source]
        source: std::io::Error,
    },
    /// A JSON file did not parse.
    #[error("{path}: {reason}")]
    Json {
        /// The file.
        path: PathBuf,
        /// What serde said.
        reason: String,
    },
    /// The renderer produced something unusable.
    #[error("render failed: {0}")]
    Render(String),
    /// A geometry error (writing depth or the camera).
    #[error(transparent)]
    Geom(#[from] spatia_geom::Error),
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
