//! 3-D tokens: a node with n tokens is covered by n farthest-point samples of its points,
//! each point joining its nearest sample; a token summarises its cluster.

use serde::{Deserialize, Serialize};
use spatia_geom::VertexIndex;
use spatia_geom::math::{Moments, Vec3, v3};
use spatia_scene::Scene;

use crate::tree::{Allocation, NodeId};

/// One 3-D token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Token {
    /// The node it belongs to ("3" or "3.2").
    pub node: String,
    /// Centroid of its points, scene frame.
    pub centroid: [f32; 3],
    /// Unit normal of its points' best plane, facing the camera side (up if level).
    pub normal: [f32; 3],
    /// Mean colour.
    pub colour: [u8; 3],
    /// Extent of its points along the scene axes, metres.
    pub extent: [f32; 3],
    /// Number of points.
    pub count: usize,
}

/// Farthest-point sampling: `k` indices into `points`, the first the point farthest from
/// the centroid, each next the point farthest from those chosen. Deterministic.
pub fn farthest_points(points: &[[f32; 3]], k: usize) -> Vec<usize> {
    let n = points.len();
    if n == 0 || k == 0 {
        return Vec::new();
    }
    let k = k.min(n);
    let c = points.iter().fold(Vec3::zeros(), |a, p| a + v3(*p)) / n as f32;
    let far = |from: Vec3| {
        (0..n).max_by(|&a, &b| (v3(points[a]) - from).norm_squared().total_cmp(&(v3(points[b]) - from).norm_squared()).then(b.cmp(&a)))
    };
    let first = far(c).unwrap_or(0);
    let mut chosen = vec![first];
    let mut dist: Vec<f32> = points.iter().map(|p| (v3(*p) - v3(points[first])).norm_squared()).collect();
    while chosen.len() < k {
        let (next, _) = dist.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(&a.0))).unwrap_or((0, &0.0));
        chosen.push(next);
        let q = v3(points[next]);
        for (d, p) in dist.iter_mut().zip(points) {
            *d = d.min((v3(*p) - q).norm_squared());
        }
    }
    chosen
}

fn summarise(node: &str, pts: &[[f32; 3]], cols: &[[u8; 3]]) -> Token {
    let mut m = Moments::default();
    let (mut lo, mut hi) = (Vec3::repeat(f32::MAX), Vec3::repeat(f32::MIN));
    let mut rgb = [0u64; 3];
    for (p, c) in pts.iter().zip(cols) {
        m.add(*p);
        lo = lo.inf(&v3(*p));
        hi = hi.sup(&v3(*p));
        for k in 0..3 {
            rgb[k] += c[k] as u64;
        }
    }
    let n = pts.len().max(1);
    let mut normal = if pts.len() >= 3 { m.principal_axes()[0].1 } else { Vec3::z() };
    if normal.z < 0.0 {
        normal = -normal;
    }
    let c = m.mean();
    let e = hi - lo;
    Token {
        node: node.to_string(),
        centroid: [c.x, c.y, c.z],
        normal: [normal.x, normal.y, normal.z],
        colour: rgb.map(|s| (s / n as u64) as u8),
        extent: [e.x.max(0.0), e.y.max(0.0), e.z.max(0.0)],
        count: pts.len(),
    }
}

/// The spatial attention bias between tokens, row-major `n x n`: `-distance / tau`
/// between centroids (metres), so a decoder attends to nearby geometry first.
pub fn attention_bias(tokens: &[Token], tau: f32) -> Vec<f32> {
    let tau = if tau > 0.0 { tau } else { 1.0 };
    let mut out = Vec::with_capacity(tokens.len() * tokens.len());
    for a in tokens {
        for b in tokens {
            out.push(-(v3(a.centroid) - v3(b.centroid)).norm() / tau);
        }
    }
    out
}

/// Points assigned per token at most; larger leaves are thinned evenly before assignment.
pub const ASSIGN_POINTS_PER_TOKEN: usize = 24;

/// Above this many tokens in one leaf, seeds come from a voxel grid ([`grid_seeds`])
/// instead of farthest-point sampling, whose cost grows with the square of the tokens.
pub const FPS_MAX_TOKENS: usize = 64;

/// `k` well-spread seeds in linear time: one point per occupied cell of a voxel grid whose
/// cell size is solved for about `k` occupied cells (points on surfaces: cells grow as
/// 1/size^2), the most populous cells first; cells with many points give a second seed
/// (their point farthest from the first) until there are `k`. Deterministic.
pub fn grid_seeds(points: &[[f32; 3]], k: usize) -> Vec<usize> {
    grid_cells(points, k).0
}

/// The voxel grid behind [`grid_seeds`]: cell keys (sorted) with the seed slot that stands
/// for each, so that points can join their cell's seed without a tree search.
struct Grid {
    lo: Vec3,
    size: f32,
    cells: Vec<(u64, u32)>,
}

impl Grid {
    fn key(lo: &Vec3, size: f32, p: &[f32; 3]) -> u64 {
        let c = |k: usize| (((p[k] - lo[k]) / size).max(0.0) as u64).min(0x1f_ffff);
        (c(0) << 42) | (c(1) << 21) | c(2)
    }

    /// The seed slot of `p`'s cell, if that cell has one.
    fn slot(&self, p: &[f32; 3]) -> Option<usize> {
        let key = Self::key(&self.lo, self.size, p);
        self.cells.binary_search_by_key(&key, |c| c.0).ok().map(|i| self.cells[i].1 as usize)
    }
}

/// Seeds, and the grid when every seed stands for exactly one cell.
fn grid_cells(points: &[[f32; 3]], k: usize) -> (Vec<usize>, Option<Grid>) {
    let n = points.len();
    if k >= n {
        return ((0..n).collect(), None);
    }
    let (mut lo, mut hi) = (Vec3::repeat(f32::MAX), Vec3::repeat(f32::MIN));
    for p in points {
        lo = lo.inf(&v3(*p));
        hi = hi.sup(&v3(*p));
    }
    let e = hi - lo;
    let area = (e.x * e.y + e.y * e.z + e.x * e.z).max(1e-8);
    let mut size = (area / k as f32).sqrt().max(1e-4);
    let cells = |size: f32| -> Vec<(u64, usize)> {
        let mut keys: Vec<(u64, usize)> = points.iter().enumerate().map(|(i, p)| (Grid::key(&lo, size, p), i)).collect();
        keys.sort_unstable();
        keys
    };
    let count = |keys: &[(u64, usize)]| 1 + keys.windows(2).filter(|w| w[0].0 != w[1].0).count();
    let mut keys = cells(size);
    for _ in 0..8 {
        let c = count(&keys) as f32;
        if c >= k as f32 && c <= 1.2 * k as f32 {
            break;
        }
        // Aim a little above k: surplus cells are dropped, the least populous first.
        size *= (c / (1.08 * k as f32)).sqrt().clamp(0.5, 2.0);
        keys = cells(size);
    }
    // Cells as runs of the sorted keys: (population, first index in keys, run end).
    let mut runs: Vec<(usize, usize, usize)> = Vec::new();
    let mut start = 0;
    for i in 1..=keys.len() {
        if i == keys.len() || keys[i].0 != keys[start].0 {
            runs.push((i - start, start, i));
            start = i;
        }
    }
    runs.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut seeds: Vec<usize> = Vec::with_capacity(k);
    let mut grid = Grid { lo, size, cells: Vec::with_capacity(k) };
    for r in runs.iter().take(k) {
        // The member nearest the cell's centroid stands for it.
        let members = &keys[r.1..r.2];
        let c = members.iter().fold(Vec3::zeros(), |a, (_, i)| a + v3(points[*i])) / members.len() as f32;
        if let Some(best) =
            members.iter().min_by(|a, b| (v3(points[a.1]) - c).norm_squared().total_cmp(&(v3(points[b.1]) - c).norm_squared()))
        {
            grid.cells.push((best.0, seeds.len() as u32));
            seeds.push(best.1);
        }
    }
    grid.cells.sort_unstable();
    if seeds.len() >= k {
        return (seeds, Some(grid));
    }
    // Fewer cells than seeds wanted: populous cells give a second seed.
    let mut r = 0;
    while seeds.len() < k && r < runs.len() {
        let members = &keys[runs[r].1..runs[r].2];
        let first = v3(points[seeds[r]]);
        if let Some(far) =
            members.iter().max_by(|a, b| (v3(points[a.1]) - first).norm_squared().total_cmp(&(v3(points[b.1]) - first).norm_squared()))
        {
            if far.1 != seeds[r] {
                seeds.push(far.1);
            }
        }
        r += 1;
    }
    (seeds, None)
}

/// Most candidates farthest-point sampling looks at per token: larger leaves are thinned
/// evenly first (the samples' clusters still take every point).
pub const FPS_CANDIDATES_PER_TOKEN: usize = 4;

/// Cuts every leaf of the tree (each part; an object without parts) into its allocated
/// number of tokens. A node with more tokens than points gets one token a point.
pub fn tokens(scene: &Scene, alloc: &Allocation) -> Vec<Token> {
    scene.objects.iter().flat_map(|o| object_tokens(o, alloc)).collect()
}

/// The tokens of one object's leaves (its parts, or the object itself), as [`tokens`] cuts
/// them: a decoder that measures only some objects cuts only theirs.
pub fn object_tokens(o: &spatia_scene::Object, alloc: &Allocation) -> Vec<Token> {
    let mut out = Vec::new();
    {
        let mut leaves: Vec<(NodeId, Vec<usize>)> = Vec::new();
        if o.parts.is_empty() {
            leaves.push((NodeId::Object(o.id), (0..o.points.len()).collect()));
        } else {
            for (j, p) in o.parts.iter().enumerate() {
                // Part pixels to the object's point indices (pixel ids are sorted).
                let idx: Vec<usize> = p.pixel_ids.iter().filter_map(|px| o.pixel_ids.binary_search(px).ok()).collect();
                leaves.push((NodeId::Part(o.id, j), idx));
            }
        }
        for (id, idx) in leaves {
            let n = alloc.tokens(id);
            if n == 0 || idx.is_empty() {
                continue;
            }
            let pts: Vec<[f32; 3]> = idx.iter().map(|&i| o.points[i]).collect();
            let cols: Vec<[u8; 3]> = idx.iter().map(|&i| o.colours.get(i).copied().unwrap_or([0; 3])).collect();
            // Sample seeds from an even thinning of big leaves: O(points x tokens) would
            // dominate the budget's cost otherwise.
            let step = (pts.len() / (n * FPS_CANDIDATES_PER_TOKEN).max(1)).max(1);
            let cand: Vec<usize> = (0..pts.len()).step_by(step).collect();
            let cand_pts: Vec<[f32; 3]> = cand.iter().map(|&i| pts[i]).collect();
            let (picked, grid) = if n <= FPS_MAX_TOKENS { (farthest_points(&cand_pts, n), None) } else { grid_cells(&cand_pts, n) };
            let seeds: Vec<usize> = picked.into_iter().map(|s| cand[s]).collect();
            let key = id.to_string();
            if seeds.len() == 1 {
                out.push(summarise(&key, &pts, &cols));
                continue;
            }
            let Ok(index) = VertexIndex::new(seeds.iter().map(|&s| pts[s]).collect()) else { continue };
            let mut members: Vec<Vec<usize>> = vec![Vec::new(); seeds.len()];
            // A token's summary needs a few dozen of its points, not thousands: big leaves are
            // thinned evenly (every seed is kept), and counts scaled back.
            let astep = (pts.len() / (n * ASSIGN_POINTS_PER_TOKEN).max(1)).max(1);
            for (i, p) in pts.iter().enumerate().step_by(astep) {
                // A point joins its voxel's seed; points of dropped voxels the nearest seed.
                let slot = grid.as_ref().and_then(|g| g.slot(p)).unwrap_or_else(|| index.nearest(p).index as usize);
                members[slot].push(i);
            }
            for (k, &sd) in seeds.iter().enumerate() {
                if members[k].is_empty() {
                    members[k].push(sd);
                }
            }
            members.retain(|m| !m.is_empty());
            // Counts scaled back to the whole leaf, exactly (largest remainder).
            let counts = crate::allocation::split(pts.len(), &members.iter().map(|m| m.len() as f64).collect::<Vec<_>>());
            for (m, count) in members.iter().zip(counts) {
                let mp: Vec<[f32; 3]> = m.iter().map(|&i| pts[i]).collect();
                let mc: Vec<[u8; 3]> = m.iter().map(|&i| cols[i]).collect();
                let mut t = summarise(&key, &mp, &mc);
                t.count = count;
                out.push(t);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn farthest_points_spread_out() {
        let pts: Vec<[f32; 3]> = (0..100).map(|i| [i as f32 * 0.01, 0.0, 0.0]).collect();
        let s = farthest_points(&pts, 3);
        let mut xs: Vec<f32> = s.iter().map(|&i| pts[i][0]).collect();
        xs.sort_by(f32::total_cmp);
        assert!(xs[0] == 0.0 && (xs[1] - 0.495).abs() < 0.006 && (xs[2] - 0.99).abs() < 1e-6, "{xs:?}");
        assert_eq!(farthest_points(&pts, 500).len(), 100);
    }
}
