//! The one error type of spatia-geom.

use std::path::PathBuf;

/// Everything that can go wrong while reading, validating or processing geometry.
///
/// Each variant carries the file or the numbers involved and, where there is one,
/// the fix.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be opened, read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file involved.
        path: PathBuf,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },
    /// An image file could not be decoded (corrupt, truncated or an unsupported format).
    #[error("{path}: cannot decode image: {reason}")]
    Image {
        /// The file involved.
        path: PathBuf,
        /// What the decoder said.
        reason: String,
    },
    /// An image is larger than the configured pixel limit; refused before decoding.
    #[error(
        "{path}: image is {width}x{height} = {pixels} pixels, over the limit of {limit} pixels (raise the limit if the file is trusted)"
    )]
    TooLarge {
        /// The file involved.
        path: PathBuf,
        /// Width claimed by the header.
        width: u64,
        /// Height claimed by the header.
        height: u64,
        /// width x height.
        pixels: u64,
        /// The limit in force.
        limit: u64,
    },
    /// A depth map has a pixel format spatia cannot interpret as depth.
    #[error("{path}: depth PNG must be 16-bit single-channel (uint16 units), found {found}")]
    DepthFormat {
        /// The file involved.
        path: PathBuf,
        /// The colour type found.
        found: String,
    },
    /// A `.npy` file is malformed or holds something other than a 2-D float32 array.
    #[error("{path}: {reason}")]
    Npy {
        /// The file involved.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// Depth values that cannot be a distance.
    #[error("depth has {count} invalid value(s) ({kind}), first at pixel ({x}, {y}); unknown depth must be 0")]
    InvalidDepth {
        /// "NaN", "infinite" or "negative".
        kind: &'static str,
        /// How many such values.
        count: usize,
        /// Column of the first one.
        x: usize,
        /// Row of the first one.
        y: usize,
    },
    /// Every depth pixel is unknown (0).
    #[error("depth map of {width}x{height} has no known depth (every pixel is 0)")]
    NoDepth {
        /// Width.
        width: usize,
        /// Height.
        height: usize,
    },
    /// Two images that must line up pixel for pixel do not.
    #[error("size mismatch: {what_a} is {wa}x{ha} but {what_b} is {wb}x{hb}; they must be the same size")]
    SizeMismatch {
        /// First image.
        what_a: &'static str,
        /// Its width.
        wa: usize,
        /// Its height.
        ha: usize,
        /// Second image.
        what_b: &'static str,
        /// Its width.
        wb: usize,
        /// Its height.
        hb: usize,
    },
    /// Camera intrinsics that cannot describe a camera.
    #[error("invalid camera: {0}")]
    Camera(String),
    /// A JSON file that does not parse into what it should hold.
    #[error("{path}: {reason}")]
    Json {
        /// The file involved.
        path: PathBuf,
        /// What serde said.
        reason: String,
    },
    /// A scene directory lacks a required file.
    #[error("{dir}: no {what} found (expected {expected})")]
    Missing {
        /// The directory searched.
        dir: PathBuf,
        /// What is missing.
        what: &'static str,
        /// The file names that would satisfy it.
        expected: &'static str,
    },
    /// A request that cannot be met with the given data (budget too small, too few points...).
    #[error("{0}")]
    Request(String),
    /// An export format spatia does not write.
    #[error("{path}: unknown mesh format (use .ply, .obj or .glb)")]
    Format {
        /// The output path.
        path: PathBuf,
    },
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A failed read or write of `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io { path: path.into(), source }
    }
}
