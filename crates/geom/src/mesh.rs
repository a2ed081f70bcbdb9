//! Triangle meshes lifted from RGB-D, and the full-resolution grid mesher.

use crate::edges::{DepthEdges, JumpRule};
use crate::frame::RgbdFrame;
use crate::math::{Iso3, Vec3, arr, v3};
use crate::normals::grid_normals;
use crate::points::PointGrid;

/// A triangle mesh whose vertices remember the pixel they came from.
///
/// Positions are metres in the camera frame (OpenCV: x right, y down, z forward) unless
/// the mesh was moved with [`Mesh::transform`]. Triangles wind counter-clockwise seen from
/// the camera, so their normals face it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Mesh {
    /// Vertex positions.
    pub positions: Vec<[f32; 3]>,
    /// Unit vertex normals.
    pub normals: Vec<[f32; 3]>,
    /// Vertex colours, 8-bit sRGB.
    pub colours: Vec<[u8; 3]>,
    /// The pixel `(x, y)` each vertex came from.
    pub pixels: Vec<[u32; 2]>,
    /// Vertex indices, three a triangle.
    pub triangles: Vec<[u32; 3]>,
}

impl Mesh {
    /// Number of vertices.
    pub fn vertex_count(&self) -> usize {
        self.positions.len()
    }

    /// Applies a rigid transform to positions and normals.
    pub fn transform(&mut self, iso: &Iso3) {
        for p in &mut self.positions {
            *p = arr(&(iso * nalgebra::Point3::from(v3(*p))).coords);
        }
        for n in &mut self.normals {
            *n = arr(&(iso.rotation * v3(*n)));
        }
    }

    /// Axis-aligned bounds `(min, max)` of the vertices, `None` for an empty mesh.
    pub fn bounds(&self) -> Option<(Vec3, Vec3)> {
        let first = v3(*self.positions.first()?);
        Some(self.positions.iter().fold((first, first), |(lo, hi), p| {
            let p = v3(*p);
            (lo.inf(&p), hi.sup(&p))
        }))
    }
}

/// Settings of the meshers.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct MeshConfig {
    /// When two neighbouring pixels are on the same surface.
    pub jump: JumpRule,
}

/// A frame's organised geometry: points, discontinuities and normals on the pixel grid.
/// Compute it once and derive meshes, planes and segments from it.
#[derive(Debug, Clone)]
pub struct GridSurface {
    /// Back-projected points.
    pub points: PointGrid,
    /// Which neighbouring pixels share a surface.
    pub edges: DepthEdges,
    /// Per-pixel unit normals facing the camera.
    pub normals: Vec<[f32; 3]>,
}

impl GridSurface {
    /// Back-projects the frame, classifies its edges and estimates its normals.
    pub fn from_frame(frame: &RgbdFrame, cfg: &MeshConfig) -> Self {
        let points = PointGrid::from_depth(&frame.depth, &frame.intrinsics);
        let edges = DepthEdges::from_depth(&frame.depth, &cfg.jump);
        let normals = grid_normals(&points, &edges);
        GridSurface { points, edges, normals }
    }

    /// The full-resolution mesh: one vertex a pixel of known depth; each 2x2 quad gives two
    /// triangles, split along its flatter diagonal, except that no triangle has an edge
    /// across a depth discontinuity (a quad with one broken edge keeps the one triangle that
    /// avoids it).
    pub fn full_mesh(&self, rgb: &image::RgbImage) -> Mesh {
        let (w, h) = (self.points.width(), self.points.height());
        let pts = self.points.as_slice();
        let valid = pts.iter().filter(|p| p[2] > 0.0).count();
        let mut mesh = Mesh {
            positions: Vec::with_capacity(valid),
            normals: Vec::with_capacity(valid),
            colours: Vec::with_capacity(valid),
            pixels: Vec::with_capacity(valid),
            triangles: Vec::with_capacity(valid * 2),
        };
        let mut id = vec![u32::MAX; w * h];
        let raw = rgb.as_raw();
        for (i, p) in pts.iter().enumerate() {
            if p[2] > 0.0 {
                id[i] = mesh.positions.len() as u32;
                mesh.positions.push(*p);
                mesh.normals.push(self.normals[i]);
                mesh.colours.push([raw[3 * i], raw[3 * i + 1], raw[3 * i + 2]]);
                mesh.pixels.push([(i % w) as u32, (i / w) as u32]);
            }
        }
        let z = |i: usize| pts[i][2];
        for y in 0..h.saturating_sub(1) {
            for x in 0..w.saturating_sub(1) {
                let tl = y * w + x;
                let (tr, bl, br) = (tl + 1, tl + w, tl + w + 1);
                let top = self.edges.right_ok(x, y);
                let bottom = self.edges.right_ok(x, y + 1);
                let left = self.edges.down_ok(x, y);
                let right = self.edges.down_ok(x + 1, y);
                // Corner triangles, each valid when its two axis edges are; counter-clockwise
                // on screen with y down means (a, c, b) order for a right, c below.
                let t_tl = top && left;
                let t_br = bottom && right;
                let t_tr = top && right;
                let t_bl = left && bottom;
                let main_diag = (z(tl) - z(br)).abs() <= (z(tr) - z(bl)).abs();
                let mut emit = |a: usize, b: usize, c: usize| mesh.triangles.push([id[a], id[b], id[c]]);
                if t_tr && t_bl && (main_diag || !(t_tl && t_br)) {
                    emit(tl, br, tr);
                    emit(tl, bl, br);
                } else if t_tl && t_br {
                    emit(tl, bl, tr);
                    emit(tr, bl, br);
                } else if t_tl {
                    emit(tl, bl, tr);
                } else if t_br {
                    emit(tr, bl, br);
                } else if t_tr {
                    emit(tl, br, tr);
                } else if t_bl {
                    emit(tl, bl, br);
                }
            }
        }
        mesh
    }
}

impl RgbdFrame {
    /// The full-resolution mesh of this frame (see [`GridSurface::full_mesh`]).
    pub fn to_mesh(&self, cfg: &MeshConfig) -> Mesh {
        GridSurface::from_frame(self, cfg).full_mesh(&self.rgb)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::camera::Intrinsics;
    use crate::depth::DepthMap;
    use crate::frame::IntrinsicsSource;

    fn frame(w: usize, h: usize, z: impl Fn(usize, usize) -> f32) -> RgbdFrame {
        let data = (0..w * h).map(|i| z(i % w, i / w)).collect();
        let depth = DepthMap::from_metres(w, h, data).unwrap();
        let rgb = image::RgbImage::from_pixel(w as u32, h as u32, image::Rgb([200, 10, 10]));
        RgbdFrame::new(rgb, depth, Intrinsics::default_for(w, h), IntrinsicsSource::DefaultFov).unwrap()
    }

    #[test]
    fn a_plane_meshes_completely_and_faces_the_camera() {
        let f = frame(16, 12, |_, _| 2.0);
        let m = f.to_mesh(&MeshConfig::default());
        assert_eq!(m.vertex_count(), 16 * 12);
        assert_eq!(m.triangles.len(), 15 * 11 * 2);
        for t in &m.triangles {
            let [a, b, c] = t.map(|i| v3(m.positions[i as usize]));
            let n = (b - a).cross(&(c - a));
            assert!(n.z < 0.0, "triangle {t:?} faces away");
        }
        for n in &m.normals {
            assert!((n[2] + 1.0).abs() < 1e-4);
        }
    }

    #[test]
    fn a_step_is_not_bridged() {
        let f = frame(16, 12, |x, _| if x < 8 { 1.0 } else { 3.0 });
        let m = f.to_mesh(&MeshConfig::default());
        for t in &m.triangles {
            let xs = t.map(|i| m.pixels[i as usize][0]);
            assert!(xs.iter().all(|&x| x < 8) || xs.iter().all(|&x| x >= 8), "{xs:?}");
        }
        assert_eq!(m.triangles.len(), 2 * (7 * 11 * 2));
    }

    #[test]
    fn holes_drop_their_triangles() {
        let f = frame(8, 8, |x, y| if (x, y) == (3, 3) { 0.0 } else { 1.5 });
        let m = f.to_mesh(&MeshConfig::default());
        assert_eq!(m.vertex_count(), 63);
        // Each of the four quads around the hole keeps the one triangle that avoids it.
        assert_eq!(m.triangles.len(), 7 * 7 * 2 - 4);
    }
}
