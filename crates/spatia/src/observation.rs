//! What an agent perceives: a scene directory, a photo with its depth, or a frame in memory.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use spatia_geom::RgbdFrame;

/// An input to [`crate::Agent::perceive`].
#[derive(Debug, Clone)]
pub enum Observation {
    /// A scene directory (`rgb.png|jpg`, `depth.png|npy`, `camera.json`, optional
    /// `instances.png` + `labels.json`).
    Dir(PathBuf),
    /// A photo, its depth map and optionally a `camera.json`.
    Files {
        /// The photo.
        rgb: PathBuf,
        /// Depth: uint16 PNG or float32 `.npy` in metres.
        depth: PathBuf,
        /// Intrinsics; without them a 60 degree field of view is assumed (and said).
        camera: Option<PathBuf>,
    },
    /// A frame already in memory.
    Frame(Box<RgbdFrame>),
}

impl Observation {
    /// A scene directory.
    pub fn dir(path: impl Into<PathBuf>) -> Self {
        Observation::Dir(path.into())
    }

    /// The files whose bytes make the scene (what the cache key is made of).
    fn files(&self) -> crate::Result<Vec<PathBuf>> {
        Ok(match self {
            Observation::Dir(d) => {
                let f = spatia_geom::SceneFiles::find(d)?;
                let mut v = vec![f.rgb];
                v.extend(f.depth);
                v.extend(f.camera);
                for extra in ["instances.png", "labels.json"] {
                    let p = d.join(extra);
                    if p.is_file() {
                        v.push(p);
                    }
                }
                v
            }
            Observation::Files { rgb, depth, camera } => {
                let mut v = vec![rgb.clone(), depth.clone()];
                v.extend(camera.clone());
                v
            }
            Observation::Frame(_) => Vec::new(),
        })
    }

    /// A hash of the content (file bytes, or the frame's pixels), so that the same photo
    /// under another path shares a cache entry and an edited file does not.
    pub fn content_hash(&self) -> crate::Result<u64> {
        let mut h = std::hash::DefaultHasher::new();
        match self {
            Observation::Frame(f) => {
                f.rgb.as_raw().hash(&mut h);
                for d in f.depth.as_slice() {
                    d.to_bits().hash(&mut h);
                }
                let k = &f.intrinsics;
                for x in [k.fx, k.fy, k.cx, k.cy] {
                    x.to_bits().hash(&mut h);
                }
            }
            _ => {
                for p in self.files()? {
                    let bytes = std::fs::read(&p).map_err(|e| spatia_geom::Error::io(&p, e))?;
                    p.file_name().hash(&mut h);
                    bytes.hash(&mut h);
                }
            }
        }
        Ok(h.finish())
    }

    /// A short description for messages.
    pub fn describe(&self) -> String {
        match self {
            Observation::Dir(d) => d.display().to_string(),
            Observation::Files { rgb, .. } => rgb.display().to_string(),
            Observation::Frame(f) => format!("a {}x{} frame", f.width(), f.height()),
        }
    }
}

impl From<&Path> for Observation {
    fn from(p: &Path) -> Self {
        Observation::Dir(p.to_path_buf())
    }
}

impl From<PathBuf> for Observation {
    fn from(p: PathBuf) -> Self {
        Observation::Dir(p)
    }
}

impl From<RgbdFrame> for Observation {
    fn from(f: RgbdFrame) -> Self {
        Observation::Frame(Box::new(f))
    }
}
