//! An RGB-D observation and the scene directory it is read from.

use std::path::{Path, PathBuf};

use crate::camera::{CameraFile, Intrinsics};
use crate::depth::DepthMap;
use crate::image_io::{self, DEFAULT_MAX_PIXELS, RgbImage};
use crate::{Error, Result};

/// Where a frame's intrinsics came from; answers report it in their evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IntrinsicsSource {
    /// `camera.json` or an explicit value.
    Given,
    /// Nothing was given: a 60 degree horizontal field of view was assumed.
    DefaultFov,
}

/// Options for reading a scene directory or a photo.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Refuse images (and depth arrays) larger than this many pixels.
    pub max_pixels: u64,
    /// Depth PNG units per metre when `camera.json` gives none.
    pub depth_scale: Option<f64>,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions { max_pixels: DEFAULT_MAX_PIXELS, depth_scale: None }
    }
}

/// A registered colour photo, depth map and camera: the input of the geometry pipeline.
#[derive(Debug, Clone)]
pub struct RgbdFrame {
    /// The photo.
    pub rgb: RgbImage,
    /// Metric depth, same size as the photo.
    pub depth: DepthMap,
    /// The camera.
    pub intrinsics: Intrinsics,
    /// Where the intrinsics came from.
    pub intrinsics_source: IntrinsicsSource,
}

/// The files of a scene directory: `rgb.png|rgb.jpg`, `depth.png|depth.npy`, `camera.json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SceneFiles {
    /// The photo.
    pub rgb: PathBuf,
    /// The depth map, if any.
    pub depth: Option<PathBuf>,
    /// The camera file, if any.
    pub camera: Option<PathBuf>,
}

impl SceneFiles {
    /// Finds the files of a scene directory.
    pub fn find(dir: &Path) -> Result<Self> {
        if !dir.is_dir() {
            return Err(Error::io(dir, std::io::Error::new(std::io::ErrorKind::NotFound, "not a directory")));
        }
        let first = |names: &[&str]| names.iter().map(|n| dir.join(n)).find(|p| p.is_file());
        let rgb = first(&["rgb.png", "rgb.jpg", "rgb.jpeg"]).ok_or_else(|| Error::Missing {
            dir: dir.into(),
            what: "photo",
            expected: "rgb.png, rgb.jpg or rgb.jpeg",
        })?;
        Ok(SceneFiles { rgb, depth: first(&["depth.png", "depth.npy"]), camera: first(&["camera.json"]) })
    }
}

impl RgbdFrame {
    /// Assembles a frame, checking that photo and depth line up and the camera is valid.
    pub fn new(rgb: RgbImage, depth: DepthMap, intrinsics: Intrinsics, source: IntrinsicsSource) -> Result<Self> {
        if rgb.width() as usize != depth.width() || rgb.height() as usize != depth.height() {
            return Err(Error::SizeMismatch {
                what_a: "photo",
                wa: rgb.width() as usize,
                ha: rgb.height() as usize,
                what_b: "depth map",
                wb: depth.width(),
                hb: depth.height(),
            });
        }
        intrinsics.validate()?;
        Ok(RgbdFrame { rgb, depth, intrinsics, intrinsics_source: source })
    }

    /// Reads a scene directory (see [`SceneFiles`]). A depth map is required here; without
    /// `camera.json` the default 60 degree field of view is assumed and recorded.
    pub fn from_dir(dir: &Path, opts: &LoadOptions) -> Result<Self> {
        let files = SceneFiles::find(dir)?;
        let depth = files.depth.clone().ok_or_else(|| Error::Missing {
            dir: dir.into(),
            what: "depth map",
            expected: "depth.png (uint16, depth_scale units per metre) or depth.npy (float32 metres)",
        })?;
        Self::from_files(&files.rgb, &depth, files.camera.as_deref(), opts)
    }

    /// Reads a photo, a depth map (`.png` uint16 or `.npy` float32 metres) and optionally a
    /// `camera.json`.
    pub fn from_files(rgb: &Path, depth: &Path, camera: Option<&Path>, opts: &LoadOptions) -> Result<Self> {
        let cam = camera.map(CameraFile::from_path).transpose()?;
        let rgb_img = image_io::load_rgb(rgb, opts.max_pixels)?;
        let is_npy = depth.extension().is_some_and(|e| e.eq_ignore_ascii_case("npy"));
        let depth_map = if is_npy {
            DepthMap::from_npy(depth, opts.max_pixels)?
        } else {
            let scale = opts.depth_scale.or(cam.and_then(|c| c.depth_scale)).unwrap_or(crate::camera::DEFAULT_DEPTH_SCALE);
            DepthMap::from_png(depth, scale, opts.max_pixels)?
        };
        let (k, source) = match cam {
            Some(c) => (c.intrinsics(), IntrinsicsSource::Given),
            None => (Intrinsics::default_for(depth_map.width(), depth_map.height()), IntrinsicsSource::DefaultFov),
        };
        Self::new(rgb_img, depth_map, k, source)
    }

    /// Width in pixels.
    pub fn width(&self) -> usize {
        self.depth.width()
    }

    /// Height in pixels.
    pub fn height(&self) -> usize {
        self.depth.height()
    }

    /// Colour of pixel `(x, y)`.
    #[inline]
    pub fn colour(&self, x: usize, y: usize) -> [u8; 3] {
        self.rgb.get_pixel(x as u32, y as u32).0
    }
}
