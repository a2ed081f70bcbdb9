//! The coarse-to-fine adaptive mesher: an exact vertex budget spent where the depth is
//! complex, optionally where a query says it matters.
//!
//! # How it works
//! The image is covered by square tiles of `n = 2^k` pixels whose corners form the coarsest
//! mesh. Inside, vertices form a right-triangulated irregular network (RTIN): every
//! candidate vertex is the midpoint of the hypotenuse shared by two right triangles (a
//! *diamond*), and it may be inserted only after the two vertices at the diamond's other
//! corners (its *parents*). Inserting one vertex splits both triangles of its diamond, so
//!
//! * **each step adds exactly one vertex**, which is how the budget is met exactly, and the
//!   meshes at 512, 1024 and 2048 vertices are nested (each is a prefix of the next: the
//!   output lists vertices in the order they were inserted). The tiles depend on the image
//!   size alone (at most 128 corners), so nesting holds for every budget above that;
//! * **there are no cracks between levels**: a triangle and its neighbour across a
//!   hypotenuse always split together at the same midpoint, so no vertex ever lies on the
//!   inside of another triangle's edge (no T-junctions), within a tile and across tile
//!   borders alike, without any stitching pass.
//!
//! A vertex's priority is the largest weighted error in the region it refines: for every
//! grid point, the difference between its depth and the depth of the flat triangle it would
//! split (interpolated in inverse depth, which is exact for planes seen in perspective),
//! plus [`LENGTH_ERROR`] per metre of the edge it splits, propagated to its ancestors by
//! taking the maximum. Unknown depth next to known depth
//! counts as [`HOLE_ERROR`], so holes get outlined. Ties prefer coarser vertices, so a
//! perfectly flat scene is refined evenly. Grid points past the image's right and bottom
//! edges are clamped onto the border; the degenerate triangles this makes are dropped and a
//! vertex is only counted (and emitted) once per pixel of known depth.
//!
//! Triangles whose edges cross a depth discontinuity (see [`crate::JumpRule`]) are dropped,
//! as in the full mesh.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::frame::RgbdFrame;
use crate::math::v3;
use crate::mesh::{GridSurface, Mesh, MeshConfig};
use crate::{Error, Result};

/// Error assigned where known depth meets unknown depth, metres.
pub const HOLE_ERROR: f32 = 1.0;

/// Error charged per metre of the edge a vertex would split, so that flat but large
/// triangles are refined too (and relevance weights can ask for density, not only accuracy).
pub const LENGTH_ERROR: f32 = 0.02;

/// Smallest tile side tried, pixels.
const MIN_TILE: usize = 8;

/// Most vertices in the coarsest level (the tile corners).
const COARSE_VERTICES: usize = 128;

#[derive(Clone, Copy)]
enum Kind {
    Corner,
    /// Centre of a square of half-size `s`.
    Centre(usize),
    /// Midpoint of a horizontal edge of half-length `s`.
    Horizontal(usize),
    /// Midpoint of a vertical edge of half-length `s`.
    Vertical(usize),
}

/// The two ends of the hypotenuse a vertex halves, and its (up to two) parents.
type Diamond = ([(usize, usize); 2], [Option<(usize, usize)>; 2]);

struct Grid {
    n: usize,
    gw: usize,
    gh: usize,
    w: usize,
    h: usize,
}

impl Grid {
    fn new(w: usize, h: usize, n: usize) -> Self {
        let tiles = |len: usize| ((len.saturating_sub(1)).div_ceil(n)).max(1);
        Grid { n, gw: tiles(w) * n + 1, gh: tiles(h) * n + 1, w, h }
    }

    #[inline]
    fn kind(&self, x: usize, y: usize) -> Kind {
        let tz = |v: usize| if v == 0 { usize::BITS } else { v.trailing_zeros() };
        let (lx, ly) = (tz(x), tz(y));
        let l = self.n.trailing_zeros();
        if lx >= l && ly >= l {
            Kind::Corner
        } else if lx == ly {
            Kind::Centre(1 << lx)
        } else if lx < ly {
            Kind::Horizontal(1 << lx)
        } else {
            Kind::Vertical(1 << ly)
        }
    }

    #[inline]
    fn pixel(&self, x: usize, y: usize) -> usize {
        y.min(self.h - 1) * self.w + x.min(self.w - 1)
    }

    /// The two ends of the hypotenuse this vertex halves and its (up to two) parents.
    fn diamond(&self, x: usize, y: usize) -> Option<Diamond> {
        let inside =
            |x: isize, y: isize| (x >= 0 && y >= 0 && (x as usize) < self.gw && (y as usize) < self.gh).then_some((x as usize, y as usize));
        let (xi, yi) = (x as isize, y as isize);
        match self.kind(x, y) {
            Kind::Corner => None,
            Kind::Horizontal(s) => {
                let s = s as isize;
                Some(([(x - s as usize, y), (x + s as usize, y)], [inside(xi, yi - s), inside(xi, yi + s)]))
            }
            Kind::Vertical(s) => {
                let s = s as isize;
                Some(([(x, y - s as usize), (x, y + s as usize)], [inside(xi - s, yi), inside(xi + s, yi)]))
            }
            Kind::Centre(s) => {
                let si = s as isize;
                let mut ends = [(0, 0); 2];
                let mut parents = [None; 2];
                let (mut ne, mut np) = (0, 0);
                for (dx, dy) in [(-1, -1), (1, -1), (-1, 1), (1, 1)] {
                    let (cx, cy) = ((xi + dx * si) as usize, (yi + dy * si) as usize);
                    if (cx / (2 * s)) % 2 == (cy / (2 * s)) % 2 {
                        ends[ne] = (cx, cy);
                        ne += 1;
                    } else {
                        parents[np] = Some((cx, cy));
                        np += 1;
                    }
                }
                Some((ends, parents))
            }
        }
    }

    /// Vertices that list `(x, y)` among their parents.
    fn children(&self, x: usize, y: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
        let cands: [(isize, isize); 4] = match self.kind(x, y) {
            Kind::Centre(s) => {
                let s = s as isize;
                [(0, -s), (0, s), (-s, 0), (s, 0)]
            }
            Kind::Horizontal(s) | Kind::Vertical(s) if s >= 2 => {
                let h = (s / 2) as isize;
                [(-h, -h), (h, -h), (-h, h), (h, h)]
            }
            Kind::Corner => {
                let h = (self.n / 2) as isize;
                [(-h, -h), (h, -h), (-h, h), (h, h)]
            }
            _ => [(0, 0); 4],
        };
        cands.into_iter().filter_map(move |(dx, dy)| {
            if (dx, dy) == (0, 0) {
                return None;
            }
            let (cx, cy) = (x as isize + dx, y as isize + dy);
            if cx < 0 || cy < 0 || cx as usize >= self.gw || cy as usize >= self.gh {
                return None;
            }
            let c = (cx as usize, cy as usize);
            let (_, parents) = self.diamond(c.0, c.1)?;
            parents.contains(&Some((x, y))).then_some(c)
        })
    }
}

#[derive(PartialEq)]
struct Cand {
    err: f32,
    level: usize,
    at: u32,
}

impl Eq for Cand {}

impl Ord for Cand {
    fn cmp(&self, o: &Self) -> Ordering {
        self.err.total_cmp(&o.err).then(self.level.cmp(&o.level)).then(o.at.cmp(&self.at))
    }
}

impl PartialOrd for Cand {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

impl GridSurface {
    /// The adaptive mesh of exactly `budget` vertices (see the module docs). `weights`, one
    /// non-negative value per pixel, multiplies the error there: a relevance map from a query
    /// sends the budget where the question is.
    pub fn adaptive_mesh(&self, rgb: &image::RgbImage, budget: usize, weights: Option<&[f32]>) -> Result<Mesh> {
        let (w, h) = (self.points.width(), self.points.height());
        let pts = self.points.as_slice();
        let valid = pts.iter().filter(|p| p[2] > 0.0).count();
        if budget > valid {
            return Err(Error::Request(format!("vertex budget {budget} exceeds the {valid} pixels of known depth; use the full mesh")));
        }
        if budget < 3 {
            return Err(Error::Request(format!("vertex budget {budget} is too small for a mesh (at least 3)")));
        }
        if let Some(wt) = weights {
            if wt.len() != w * h {
                return Err(Error::Request(format!("weight map has {} values for {}x{} pixels", wt.len(), w, h)));
            }
            if let Some(bad) = wt.iter().find(|v| !(v.is_finite() && **v >= 0.0)) {
                return Err(Error::Request(format!("weight map values must be finite and >= 0, found {bad}")));
            }
        }
        let z = |p: usize| pts[p][2];

        // Tiles depend on the image alone, so meshes of different budgets share their coarse
        // level and nest; only a budget below that level gets larger tiles.
        let corners = |n: usize| {
            let g = Grid::new(w, h, n);
            ((g.gw - 1) / n + 1) * ((g.gh - 1) / n + 1)
        };
        let mut n = MIN_TILE;
        while n < w.max(h) && (corners(n) > COARSE_VERTICES || corners(n) > budget) {
            n *= 2;
        }
        let g = Grid::new(w, h, n);
        let idx = |x: usize, y: usize| y * g.gw + x;

        // Errors, finest level first, each propagated to the parents as a maximum.
        let mut err = Vec::new();
        err.resize(g.gw * g.gh, 0.0f32);
        let mut s = 1;
        while s < n {
            for pass in 0..2 {
                let mut visit = |x: usize, y: usize| {
                    let Some((ends, parents)) = g.diamond(x, y) else { return };
                    let pm = g.pixel(x, y);
                    let zm = z(pm);
                    let own = if zm <= 0.0 {
                        0.0
                    } else {
                        let (pa, pb) = (g.pixel(ends[0].0, ends[0].1), g.pixel(ends[1].0, ends[1].1));
                        let (za, zb) = (z(pa), z(pb));
                        let e = if za <= 0.0 || zb <= 0.0 {
                            HOLE_ERROR
                        } else {
                            let length = (v3(pts[pa]) - v3(pts[pb])).norm();
                            (zm - 2.0 / (1.0 / za + 1.0 / zb)).abs() + LENGTH_ERROR * length
                        };
                        e * weights.map_or(1.0, |wt| wt[pm])
                    };
                    let i = idx(x, y);
                    let e = err[i].max(own);
                    err[i] = e;
                    for p in parents.into_iter().flatten() {
                        let j = idx(p.0, p.1);
                        if err[j] < e {
                            err[j] = e;
                        }
                    }
                };
                if pass == 0 {
                    // Edge midpoints of half-length s.
                    for y in (0..g.gh).step_by(s) {
                        for x in (0..g.gw).step_by(s) {
                            if matches!(g.kind(x, y), Kind::Horizontal(t) | Kind::Vertical(t) if t == s) {
                                visit(x, y);
                            }
                        }
                    }
                } else {
                    // Square centres of half-size s.
                    for y in (s..g.gh).step_by(2 * s) {
                        for x in (s..g.gw).step_by(2 * s) {
                            visit(x, y);
                        }
                    }
                }
            }
            s *= 2;
        }

        // Greedy insertion, one vertex a step.
        const QUEUED: u8 = 1;
        const SELECTED: u8 = 2;
        let mut state = vec![0u8; g.gw * g.gh];
        let mut owner = vec![u32::MAX; w * h];
        let mut order: Vec<usize> = Vec::with_capacity(budget);
        let mut heap = BinaryHeap::new();
        let mut take = |x: usize, y: usize, state: &mut [u8], order: &mut Vec<usize>| {
            state[idx(x, y)] = SELECTED;
            let p = g.pixel(x, y);
            if z(p) > 0.0 && owner[p] == u32::MAX {
                owner[p] = order.len() as u32;
                order.push(p);
            }
        };
        for y in (0..g.gh).step_by(n) {
            for x in (0..g.gw).step_by(n) {
                take(x, y, &mut state, &mut order);
            }
        }
        let level = |x: usize, y: usize| match g.kind(x, y) {
            Kind::Centre(s) => 2 * s,
            Kind::Horizontal(s) | Kind::Vertical(s) => 2 * s - 1,
            Kind::Corner => usize::MAX,
        };
        let offer = |x: usize, y: usize, state: &mut [u8], heap: &mut BinaryHeap<Cand>| {
            for (cx, cy) in g.children(x, y) {
                let i = idx(cx, cy);
                if state[i] != 0 {
                    continue;
                }
                let ready = g.diamond(cx, cy).is_some_and(|(_, ps)| ps.iter().flatten().all(|p| state[idx(p.0, p.1)] == SELECTED));
                if ready {
                    state[i] = QUEUED;
                    heap.push(Cand { err: err[i], level: level(cx, cy), at: i as u32 });
                }
            }
        };
        for y in (0..g.gh).step_by(n) {
            for x in (0..g.gw).step_by(n) {
                offer(x, y, &mut state, &mut heap);
            }
        }
        if order.len() > budget {
            return Err(Error::Request(format!("vertex budget {budget} is below the {} coarsest vertices", order.len())));
        }
        while order.len() < budget {
            let Some(c) = heap.pop() else { break };
            let (x, y) = (c.at as usize % g.gw, c.at as usize / g.gw);
            take(x, y, &mut state, &mut order);
            offer(x, y, &mut state, &mut heap);
        }

        // Triangulate: walk each tile's two root triangles down to the inserted vertices.
        let mut mesh = Mesh::default();
        let raw = rgb.as_raw();
        for &p in &order {
            mesh.positions.push(pts[p]);
            mesh.normals.push(self.normals[p]);
            mesh.colours.push([raw[3 * p], raw[3 * p + 1], raw[3 * p + 2]]);
            mesh.pixels.push([(p % w) as u32, (p / w) as u32]);
        }
        let mut stack: Vec<[(usize, usize); 3]> = Vec::new();
        for ty in (0..g.gh - 1).step_by(n) {
            for tx in (0..g.gw - 1).step_by(n) {
                let c = (tx + n / 2, ty + n / 2);
                if let Some((ends, parents)) = g.diamond(c.0, c.1) {
                    for p in parents.into_iter().flatten() {
                        stack.push([ends[0], ends[1], p]);
                    }
                }
            }
        }
        while let Some([a, b, c]) = stack.pop() {
            let (sx, sy) = (a.0 + b.0, a.1 + b.1);
            if sx % 2 == 0 && sy % 2 == 0 {
                let m = (sx / 2, sy / 2);
                if state[idx(m.0, m.1)] == SELECTED {
                    stack.push([a, c, m]);
                    stack.push([c, b, m]);
                    continue;
                }
            }
            let px = [g.pixel(a.0, a.1), g.pixel(b.0, b.1), g.pixel(c.0, c.1)];
            let ids = px.map(|p| owner[p]);
            if ids.contains(&u32::MAX) {
                continue;
            }
            let xy = px.map(|p| ((p % w) as i64, (p / w) as i64));
            let cross = (xy[1].0 - xy[0].0) * (xy[2].1 - xy[0].1) - (xy[1].1 - xy[0].1) * (xy[2].0 - xy[0].0);
            if cross == 0 {
                continue;
            }
            let on_surface =
                |i: usize, j: usize| self.edges.path_ok((xy[i].0 as usize, xy[i].1 as usize), (xy[j].0 as usize, xy[j].1 as usize));
            if !(on_surface(0, 1) && on_surface(1, 2) && on_surface(2, 0)) {
                continue;
            }
            // Counter-clockwise seen from the camera is a negative cross product with y down.
            mesh.triangles.push(if cross < 0 { ids } else { [ids[0], ids[2], ids[1]] });
        }
        Ok(mesh)
    }
}

impl RgbdFrame {
    /// The adaptive mesh of exactly `budget` vertices (see [`GridSurface::adaptive_mesh`]).
    pub fn to_adaptive_mesh(&self, budget: usize, weights: Option<&[f32]>, cfg: &MeshConfig) -> Result<Mesh> {
        GridSurface::from_frame(self, cfg).adaptive_mesh(&self.rgb, budget, weights)
    }
}

/// How well a mesh reproduces a depth map, measured over the pixels its triangles cover.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct DepthError {
    /// Largest absolute depth difference, metres.
    pub max: f32,
    /// Mean absolute depth difference, metres.
    pub mean: f32,
    /// Fraction of the pixels of known depth that lie under a triangle.
    pub coverage: f32,
}

/// Rasterises the mesh in the image (by the vertices' pixels), interpolates inverse depth
/// inside each triangle (exact for a flat triangle in perspective) and compares it with
/// the depth map.
pub fn depth_error(mesh: &Mesh, depth: &crate::DepthMap) -> DepthError {
    let (w, h) = (depth.width(), depth.height());
    let mut covered = vec![false; w * h];
    let (mut max, mut sum, mut n) = (0.0f32, 0.0f64, 0usize);
    for t in &mesh.triangles {
        let v = t.map(|i| {
            let p = mesh.pixels[i as usize];
            (p[0] as f32, p[1] as f32, 1.0 / mesh.positions[i as usize][2])
        });
        let area = (v[1].0 - v[0].0) * (v[2].1 - v[0].1) - (v[1].1 - v[0].1) * (v[2].0 - v[0].0);
        if area == 0.0 {
            continue;
        }
        let x0 = v.iter().map(|p| p.0).fold(f32::MAX, f32::min).max(0.0) as usize;
        let x1 = (v.iter().map(|p| p.0).fold(f32::MIN, f32::max) as usize).min(w - 1);
        let y0 = v.iter().map(|p| p.1).fold(f32::MAX, f32::min).max(0.0) as usize;
        let y1 = (v.iter().map(|p| p.1).fold(f32::MIN, f32::max) as usize).min(h - 1);
        for y in y0..=y1 {
            for x in x0..=x1 {
                let (px, py) = (x as f32, y as f32);
                let b0 = ((v[1].0 - px) * (v[2].1 - py) - (v[1].1 - py) * (v[2].0 - px)) / area;
                let b1 = ((v[2].0 - px) * (v[0].1 - py) - (v[2].1 - py) * (v[0].0 - px)) / area;
                let b2 = 1.0 - b0 - b1;
                if b0 < -1e-6 || b1 < -1e-6 || b2 < -1e-6 {
                    continue;
                }
                let i = y * w + x;
                let zt = depth.as_slice()[i];
                if covered[i] || zt <= 0.0 {
                    continue;
                }
                covered[i] = true;
                let zm = 1.0 / (b0 * v[0].2 + b1 * v[1].2 + b2 * v[2].2);
                let e = (zm - zt).abs();
                max = max.max(e);
                sum += e as f64;
                n += 1;
            }
        }
    }
    let known = depth.known().max(1);
    DepthError { max, mean: if n > 0 { (sum / n as f64) as f32 } else { 0.0 }, coverage: n as f32 / known as f32 }
}
