//! Segmentation on the pixel grid: structure (floor, walls, ceiling), support surfaces,
//! then objects grown over pixel adjacency with depth, colour and contact edges, and the
//! pieces of one object (a table's top, its edge and its legs) brought together.

use spatia_geom::math::{Vec3, v3};
use spatia_geom::{DetectedPlane, GridSurface, GroundSource, RgbImage, SceneFrame, convex_hull, math::Vec2};

use crate::colour::{CHROMA_FLOOR, CHROMA_NOISE, compatible, one_paint_apart};
use crate::config::{SceneConfig, scaled_pixels};

/// What a pixel shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// No depth.
    Unknown,
    /// The floor.
    Floor,
    /// A wall (index into the scene's planes).
    Wall(u16),
    /// The ceiling.
    Ceiling,
    /// A large up-facing support surface (table top, shelf); the patch number. (Two bytes
    /// keep a class in four, where four made it eight: the passes over every pixel move half
    /// the bytes.)
    Top(u16),
    /// Anything else: objects.
    Free,
}

/// The result of segmentation: a component per pixel (0 = none) and the pixel classes.
pub struct Segmentation {
    pub classes: Vec<Class>,
    /// Object number per pixel, 1-based; 0 for structure, unknown and dropped noise.
    pub objects: Vec<u32>,
    /// Scene-frame points per pixel.
    pub points: Vec<[f32; 3]>,
    /// Smoothed scene-frame normals per pixel.
    pub normals: Vec<[f32; 3]>,
    /// Heights of the support patches, by patch number.
    pub top_heights: Vec<f32>,
}

/// Neighbouring smoothed normals more than 12 degrees apart mark a rim (a 5x5 smoothing
/// spreads a right-angled edge over five pixels; a wider window, under noise, over more,
/// and the angle shrinks in proportion).
const CONVEX_EDGE_DEG: f32 = 12.0;

/// Neighbouring pixels across a rim are at most this many pixel spacings apart (a face seen
/// at 70 degrees spreads a pixel over three spacings).
const RIM_SPACINGS: f32 = 4.0;

/// Normals whose up components differ by more than this across a rim tell its upper side
/// from its lower one (across a vertical edge they do not differ).
const RIM_TILT: f32 = 0.1;

/// A component with at least this share of its pixels on the floor, a wall or the ceiling
/// is a piece of them.
const STRUCTURE_SHARE: f32 = 0.7;

/// A leg from the floor whose upper end, in the photo, meets a nearer support patch (at
/// least this many of its pixels have the patch within three rows above them)...
const LEG_UNDER_TOP_PIXELS: usize = 3;
/// ...joins it up to this far (metres) beyond the patch's outline: the top's far part may
/// not be found, and a table is rarely deeper than twice this.
const LEG_BEHIND_TOP: f32 = 0.5;

/// Widest hole without depth (pixels) that growing an object steps across.
pub const HOLE_BRIDGE: usize = 2;

/// A pixel of the floor's chromaticity is of its paint only if at least this share of the
/// brightness of the floor's darkest pixels (its 1st percentile): a black or dark gray thing
/// low and far away on a lighter gray floor is as gray as the floor (generated seed 26 with
/// noise: a black box 10 cm tall at 4.7 m, a tenth of the floor's brightness). A shadow on
/// the floor darker than this is not asked to be floor by its paint either; it is dropped
/// as floor by its height (see [`segment`]).
const FLOOR_SHADE: f32 = 0.25;

/// Largest floor-plane diagonal of a piece that can be a table leg, metres.
pub const LEG_SPAN: f32 = 0.25;

/// Narrower pieces under a top, of its paint, are bits of legs whatever their height (noise
/// and dropout cut thin legs into short stacks). Spans are measured less the sensor's noise
/// (see `denoised_span`); what noise leaves of it widens this allowance by one sigma, and
/// that of a whole leg by two.
const LEG_PIECE_SPAN: f32 = 0.12;

/// A whole leg is at least this many times as tall as it is wide (a ball under a table,
/// as wide as it is tall, is not one).
pub(crate) const LEG_SLENDERNESS: f32 = 1.5;

pub(crate) struct Dsu(pub(crate) Vec<u32>);

impl Dsu {
    pub(crate) fn find(&mut self, mut a: u32) -> u32 {
        while self.0[a as usize] != a {
            let p = self.0[a as usize];
            self.0[a as usize] = self.0[p as usize];
            a = p;
        }
        a
    }

    /// The pixels of each set (among those `keep` accepts), by root. A dense slot per root
    /// rather than a hash-map entry per pixel: this runs over every pixel.
    fn components(&mut self, keep: impl Fn(usize) -> bool) -> std::collections::HashMap<u32, Vec<usize>> {
        let mut slot = vec![u32::MAX; self.0.len()];
        let (mut roots, mut lists): (Vec<u32>, Vec<Vec<usize>>) = (Vec::new(), Vec::new());
        for i in 0..self.0.len() {
            if !keep(i) {
                continue;
            }
            let r = self.find(i as u32) as usize;
            if slot[r] == u32::MAX {
                slot[r] = lists.len() as u32;
                roots.push(r as u32);
                lists.push(Vec::new());
            }
            lists[slot[r] as usize].push(i);
        }
        roots.into_iter().zip(lists).collect()
    }

    pub(crate) fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.0[ra.max(rb) as usize] = ra.min(rb);
        }
    }
}

/// The surface's (already smoothed, see [`crate::noise`]) normals in the scene frame.
fn scene_normals(surface: &GridSurface, frame: &SceneFrame) -> Vec<[f32; 3]> {
    let rot = frame.cam_to_scene.rotation;
    surface
        .normals
        .iter()
        .map(|n| {
            let s = rot * v3(*n);
            [s.x, s.y, s.z]
        })
        .collect()
}

/// A grown component: its root pixel, support patch, height range, floor-plane centre and
/// extent, mean colour and range.
struct Stat {
    root: u32,
    top: Option<u32>,
    zmin: f32,
    zmax: f32,
    centre: Vec2,
    mean: [u8; 3],
    span: f32,
    // Mean range from the camera, for the noise allowance.
    range: f32,
}

/// The floor-plane extent of a component from the spread of its points (`sum`, `second`:
/// sums of x, y and of x^2, y^2, xy over `n` points) less the sensor's noise: a uniform
/// spread of length L has variance L^2 / 12, noise adds sigma^2. At 5 m a Kinect-like
/// sensor scatters a 5 cm leg's points over 25 cm along the line of sight, where the box
/// of its points would call it a slab.
pub(crate) fn denoised_span(sum: Vec2, second: Vec3, n: usize, sigma: f32) -> f32 {
    if n < 2 {
        return 0.0;
    }
    let n = n as f32;
    let m = sum / n;
    let (xx, yy, xy) = (second.x / n - m.x * m.x, second.y / n - m.y * m.y, second.z / n - m.x * m.y);
    let (t, d) = ((xx + yy) / 2.0, (((xx - yy) / 2.0).powi(2) + xy * xy).sqrt());
    let var = sigma * sigma;
    (12.0 * ((t + d - var).max(0.0) + (t - d - var).max(0.0))).sqrt()
}

/// Tables whose top a low camera sees edge-on (or not at all) have no support surface for
/// their legs to join. A leg (narrow, from the floor, at least 15 cm tall) whose top reaches
/// the underside of a component floating at least 25 cm above the floor, under that
/// component's outline and of its paint, joins it (the best-matching paint when several
/// qualify); then narrower pieces of legs under a top that has a leg join it too.
fn merge_legs_under_slabs(
    stats: &[Stat],
    comp: &std::collections::HashMap<u32, Vec<usize>>,
    points: &[[f32; 3]],
    owner: &mut std::collections::HashMap<u32, u32>,
    cfg: &SceneConfig,
    sigma: &dyn Fn(f32) -> f32,
) {
    let free = |s: &Stat, owner: &std::collections::HashMap<u32, u32>| s.top.is_none() && owner[&s.root] == s.root;
    let leg = |s: &Stat| {
        s.span <= LEG_SPAN + 2.0 * sigma(s.range)
            && s.zmin < 0.05 + 2.0 * sigma(s.range)
            && s.zmax - s.zmin >= 0.15
            && s.zmax - s.zmin >= LEG_SLENDERNESS * s.span
    };
    let piece = |s: &Stat| s.span <= LEG_PIECE_SPAN + sigma(s.range) && !leg(s);
    let slabs: Vec<(&Stat, Vec<Vec2>)> = stats
        .iter()
        .filter(|t| t.top.is_none() && !leg(t) && !piece(t) && t.zmax >= 0.3 && comp[&t.root].len() >= scaled_pixels(50, points.len()))
        .filter_map(|t| {
            let h = hull_of(points, comp[&t.root].iter().copied());
            (polygon_area(&h) >= cfg.support_min_area / 2.0).then_some((t, h))
        })
        .collect();
    let colour_gap = |a: [u8; 3], b: [u8; 3]| (0..3).map(|k| (a[k] as f32 - b[k] as f32).abs()).sum::<f32>();
    let mut tables: std::collections::HashSet<u32> = Default::default();
    for pass in 0..2 {
        let movable: Vec<&Stat> = stats.iter().filter(|s| free(s, owner) && if pass == 0 { leg(s) } else { piece(s) }).collect();
        for s in movable {
            let mut best: Option<(f32, u32)> = None;
            for (t, hull) in slabs.iter().filter(|(t, _)| t.root != s.root) {
                let target = owner[&t.root];
                if pass == 1 && !tables.contains(&target) {
                    continue;
                }
                let reaches = s.zmax >= t.zmax - 0.15 - 2.0 * sigma(s.range) && s.zmax <= t.zmax + 0.03 + 2.0 * sigma(s.range);
                if !reaches || !one_paint_apart(s.mean, t.mean, cfg.max_chroma) {
                    continue;
                }
                if !inside(hull, s.centre, if pass == 0 { 0.2 } else { 0.3 }) {
                    continue;
                }
                let gap = colour_gap(s.mean, t.mean);
                if best.is_none_or(|(g, _)| gap < g) {
                    best = Some((gap, target));
                }
            }
            if let Some((_, target)) = best {
                owner.insert(s.root, target);
                tables.insert(target);
            }
        }
    }
}

/// Which of the vertical `planes` (scene-frame normal and offset) bound the room: next to
/// nothing is seen through them. A vertical plane through a large curved object close to
/// the camera (a tangent strip of a cylinder holds two percent of the pixels) has the table
/// and the real walls behind it. At most 2 % of the (sampled) pixels may lie beyond a
/// plane, farther than its tolerance. (One pass over the sample for all the planes: the
/// sample touches most of the frame's memory.)
fn bound_the_room(
    points: &[[f32; 3]],
    cam: &[[f32; 3]],
    planes: &[(Vec3, f32)],
    frame: &SceneFrame,
    tol: &impl Fn(usize) -> f32,
    stride: usize,
) -> Vec<bool> {
    let eye = frame.to_scene(&Vec3::zeros());
    let sides: Vec<f32> = planes.iter().map(|(n, d)| (n.dot(&eye) + d).signum()).collect();
    let (mut seen, mut beyond) = (0usize, vec![0usize; planes.len()]);
    for i in (0..points.len()).step_by(stride.max(1) * 3 + 1) {
        if cam[i][2] <= 0.0 {
            continue;
        }
        seen += 1;
        let (p, far) = (v3(points[i]), -3.0 * tol(i));
        for (((n, d), side), count) in planes.iter().zip(&sides).zip(beyond.iter_mut()) {
            if (n.dot(&p) + d) * side < far {
                *count += 1;
            }
        }
    }
    beyond.into_iter().map(|b| (b as f32) <= 0.02 * seen as f32).collect()
}

/// Segments a frame whose geometry, planes and scene frame are known.
/// `fx` is the focal length in pixels (the spacing of neighbouring pixels at range z is z / fx).
#[allow(clippy::too_many_arguments)]
pub fn segment(
    surface: &GridSurface,
    rgb: &RgbImage,
    frame: &SceneFrame,
    planes: &[DetectedPlane],
    cfg: &SceneConfig,
    sigma: &impl Fn(f32) -> f32,
    fx: f32,
    level: Option<&[[f32; 3]]>,
) -> Segmentation {
    let (w, h) = (surface.points.width(), surface.points.height());
    let n_px = w * h;
    let cam = surface.points.as_slice();
    let points: Vec<[f32; 3]> = cam
        .iter()
        .map(|p| {
            let q = frame.to_scene(&v3(*p));
            [q.x, q.y, q.z]
        })
        .collect();
    let normals = scene_normals(surface, frame);
    let colour = |i: usize| {
        let p = rgb.as_raw();
        [p[3 * i], p[3 * i + 1], p[3 * i + 2]]
    };
    let cos_plane = cfg.plane_normal_deg.to_radians().cos();
    let cos_up = cfg.up_deg.to_radians().cos();
    // Within the plane tolerance (growing with the range: a wall's plane, from fewer and
    // farther points, is known less well) or 2.5 sigma of the sensor's noise, whichever is
    // larger. The floor's plane, from most of the photo, is known to millimetres: its
    // tolerance does not grow with the range, or a flat thing 8 cm tall at 6 m would be
    // taken for floor.
    // (Both once per pixel: they are asked several times for most. Each in a pass of its
    // own, which runs in vector lanes, as a pass that makes both does not.)
    let noise = |p: &[f32; 3]| 2.5 * sigma(p[2]);
    let tols: Vec<f32> = cam.iter().map(|p| (cfg.plane_tol + cfg.plane_tol_per_m2 * p[2] * p[2]).max(noise(p))).collect();
    let floor_tols: Vec<f32> = cam.iter().map(|p| cfg.plane_tol.max(noise(p))).collect();
    let tol = |i: usize| tols[i];
    let floor_tol = |i: usize| floor_tols[i];

    // Walls and ceiling: large vertical planes, and horizontal ones facing down above the camera.
    // Plane inliers come from a sample of every `stride`-th pixel and row.
    let stride = cfg.ransac.stride(w, surface.points.height());
    let valid_count = ((0..n_px).filter(|&i| surface.points.valid(i)).count() / (stride * stride)).max(1);
    let rot = frame.cam_to_scene.rotation;
    let mut walls: Vec<(u16, Vec3, f32)> = Vec::new();
    let mut ceilings: Vec<(Vec3, f32)> = Vec::new();
    // Each plane's scene-frame normal and centroid, and whether it is large.
    let scene_planes: Vec<(Vec3, Vec3, bool)> = planes
        .iter()
        .map(|p| {
            let big = p.inliers.len() as f32 >= cfg.wall_min_fraction * valid_count as f32;
            (rot * p.plane.normal, frame.to_scene(&p.centroid), big)
        })
        .collect();
    let upright = |&(n, _, big): &(Vec3, Vec3, bool)| big && n.z.abs() < 0.25;
    let candidates: Vec<(Vec3, f32)> = scene_planes.iter().filter(|p| upright(p)).map(|&(n, c, _)| (n, -n.dot(&c))).collect();
    // (In step with the planes that are candidates: each of those takes its answer in turn.)
    let mut bounding = bound_the_room(&points, cam, &candidates, frame, &tol, stride).into_iter();
    for (k, p) in scene_planes.iter().enumerate() {
        let (n, c, big) = *p;
        if upright(p) && bounding.next().unwrap_or(false) {
            walls.push((k as u16, n, -n.dot(&c)));
        } else if big && n.z < -0.9 && c.z > frame.camera_height {
            ceilings.push((n, -n.dot(&c)));
        }
    }

    // The floor's paint: the median chromaticity of the pixels on the floor's plane (by
    // distance and normal), and how far a pixel may stray from it (three robust standard
    // deviations of those pixels' own spread, at least the paint tolerance). A low thing at
    // range under noise lies within the floor's tolerance; its paint, where it differs,
    // tells it apart. Where the depth is clean enough to tell (a tolerance within the lowest
    // thing kept, `min_object_height`), the paint is not asked: a floor of two paints (a rug,
    // a mat) stays floor.
    let chroma = |i: usize| {
        let c = colour(i);
        let sum = c[0] as f32 + c[1] as f32 + c[2] as f32 + 3.0 * CHROMA_FLOOR;
        ([0, 1, 2].map(|k| (c[k] as f32 + CHROMA_FLOOR) / sum), sum)
    };
    let on_floor_plane = |i: usize| {
        frame.ground == GroundSource::Floor && surface.points.valid(i) && points[i][2].abs() < floor_tol(i) && normals[i][2] > cos_plane
    };
    // Only pixels by the floor's plane are asked, and only where the depth cannot tell a low
    // thing from the floor (its tolerance there beyond the lowest thing kept): in a clean
    // frame none is, and the paint is not measured.
    let asked = |i: usize| surface.points.valid(i) && points[i][2].abs() < floor_tol(i) && floor_tol(i) > cfg.min_object_height;
    // (Empty where every pixel's paint passes.)
    let floor_paint: Vec<bool> = {
        // (Each pixel is asked only where some tolerance is that wide: one pass over them.)
        let wide = floor_tols.iter().map(|&t| (t > cfg.min_object_height) as u32).sum::<u32>() > 0;
        let sample: Vec<usize> =
            if wide && (0..n_px).any(asked) { (0..n_px).step_by(5).filter(|&i| on_floor_plane(i)).collect() } else { Vec::new() };
        if sample.len() < 100 {
            Vec::new()
        } else {
            let sampled: Vec<([f32; 3], f32)> = sample.iter().map(|&i| chroma(i)).collect();
            let med = [0, 1, 2].map(|k| crate::shape::median(sampled.iter().map(|(c, _)| c[k]).collect()));
            // Distance of a chromaticity from the floor's.
            let dist = |c: [f32; 3]| (0..3).map(|k| (c[k] - med[k]).abs()).fold(0.0f32, f32::max);
            let spread = 1.4826 * crate::shape::median(sampled.iter().map(|&(c, _)| dist(c)).collect());
            let limit = cfg.max_chroma.max(3.0 * spread);
            // Nor is a pixel far darker than the floor's darkest (its 1st percentile of
            // brightness, shade and all): a black box is as gray as a gray floor.
            let dark = FLOOR_SHADE * crate::shape::quantile(&mut sampled.iter().map(|&(_, sum)| sum).collect::<Vec<f32>>(), 0.01);
            (0..n_px)
                .map(|i| {
                    !asked(i) || {
                        let (c, sum) = chroma(i);
                        dist(c) <= limit + CHROMA_NOISE / sum && sum >= dark
                    }
                })
                .collect()
        }
    };

    let floor_paint = |i: usize| floor_paint.is_empty() || floor_paint[i];

    // On a structural plane by distance alone (normals at range can be all noise).
    let near_structure = |i: usize| {
        let p = v3(points[i]);
        (frame.ground == GroundSource::Floor && p.z.abs() < floor_tol(i))
            || walls.iter().any(|(_, wn, d)| (wn.dot(&p) + d).abs() < tol(i))
            || ceilings.iter().any(|(cn, d)| (cn.dot(&p) + d).abs() < tol(i))
    };

    let mut classes = vec![Class::Unknown; n_px];
    for i in 0..n_px {
        if !surface.points.valid(i) {
            continue;
        }
        let p = v3(points[i]);
        let n = v3(normals[i]);
        classes[i] = if frame.ground == GroundSource::Floor && p.z.abs() < floor_tol(i) && n.z > cos_plane && floor_paint(i) {
            Class::Floor
        } else if let Some(&(k, _, _)) = walls.iter().find(|(_, wn, d)| (wn.dot(&p) + d).abs() < tol(i) && wn.dot(&n).abs() > cos_plane) {
            Class::Wall(k)
        } else if ceilings.iter().any(|(cn, d)| (cn.dot(&p) + d).abs() < tol(i) && cn.dot(&n) > cos_plane) {
            Class::Ceiling
        } else {
            Class::Free
        };
    }

    // Up-facing patches large enough to hold things are support surfaces: by the smoothed
    // normals, or, with noisy depth, by the plane through the noise's wider window
    // (`noise::normals`: a far top seen at a grazing angle).
    let up = |i: usize| normals[i][2] > cos_up;
    let level_up: Option<Vec<bool>> = level.map(|l| l.iter().map(|n| (rot * v3(*n)).z > cos_up).collect());
    let flat = |i: usize| up(i) || level_up.as_ref().is_some_and(|l| l[i]);
    // A point's height is known far better than its range where the ray is near level: the
    // depth's noise moves it along its ray, which changes its height by the ray's slope.
    let eye = frame.to_scene(&Vec3::zeros());
    let height_sigma = |i: usize| {
        let ray = v3(points[i]) - eye;
        sigma(cam[i][2]) * (ray.z / ray.norm()).abs()
    };
    // How far the heights of two neighbours on one level may differ: 2 cm, or three standard
    // deviations of the difference of their heights.
    let level_tol = |i: usize| 0.02f32.max(3.0 * std::f32::consts::SQRT_2 * height_sigma(i));
    // Neighbours are joined by height alone (two flat pixels at one height are one surface
    // whatever step in range lies between them, which at a grazing angle under noise breaks
    // the depth edges of a far top into pieces); where the noise is what sets the tolerance,
    // also across a pixel or two that are not flat or have no depth.
    const NEAR: [(isize, usize); 10] = [(1, 0), (2, 0), (-2, 1), (-1, 1), (0, 1), (1, 1), (2, 1), (-1, 2), (0, 2), (1, 2)];
    let mut dsu = Dsu((0..n_px as u32).collect());
    for y in 0..h {
        for x in 0..w {
            let i = y * w + x;
            if classes[i] != Class::Free || !flat(i) {
                continue;
            }
            let tol_z = level_tol(i);
            let offsets = if tol_z > 0.02 { &NEAR[..] } else { &[(1, 0), (0, 1)][..] };
            for &(dx, dy) in offsets {
                let (xx, yy) = (x as isize + dx, y + dy);
                if xx < 0 || xx as usize >= w || yy >= h {
                    continue;
                }
                let j = yy * w + xx as usize;
                if classes[j] == Class::Free && flat(j) && (points[i][2] - points[j][2]).abs() < tol_z {
                    dsu.union(i as u32, j as u32);
                }
            }
        }
    }
    let groups = dsu.components(|i| classes[i] == Class::Free && flat(i));
    let mut top_heights: Vec<f32> = Vec::new();
    let mut top_hulls: Vec<Vec<Vec2>> = Vec::new();
    let mut roots: Vec<u32> = groups.keys().copied().collect();
    roots.sort_unstable();
    let mut small: Vec<u32> = Vec::new();
    for r in roots {
        let px = &groups[&r];
        if px.len() < scaled_pixels(50, n_px) {
            small.push(r);
            continue;
        }
        let mut zs: Vec<f32> = px.iter().map(|&i| points[i][2]).collect();
        zs.sort_by(f32::total_cmp);
        let height = zs[zs.len() / 2];
        // Steps within the tolerance can chain down from the level (a rim, a leg): the
        // support keeps the pixels at its level, with noisy depth within three standard
        // deviations of their height's noise (millimetres at a grazing angle, where the wide
        // window straddles the top and its rim a few centimetres lower, whose pixels' rays
        // would meet the top's plane decimetres in front of its edge).
        let px: Vec<usize> = px
            .iter()
            .copied()
            .filter(|&i| {
                let dz = (points[i][2] - height).abs();
                if level.is_none() { dz < level_tol(i) } else { dz < 0.001f32.max(3.0 * height_sigma(i)) }
            })
            .collect();
        let hull = hull_of(&points, px.iter().copied());
        // A support stands clear of the floor (a patch of another floor paint does not).
        let clear = frame.ground != GroundSource::Floor || height > cfg.min_object_height.max(floor_tol(px[0]));
        // (Patches past the 65,535th, which no photo holds, are left as pieces.)
        if clear
            && polygon_area(&hull) >= cfg.support_min_area
            && let Ok(k) = u16::try_from(top_heights.len())
        {
            top_heights.push(height);
            top_hulls.push(hull);
            for &i in &px {
                classes[i] = Class::Top(k);
            }
        } else {
            small.push(r);
        }
    }
    // Things standing on a support cut its visible top into pieces: pieces at its height
    // and within its outline belong to it.
    for r in small {
        let px = &groups[&r];
        let n = px.len() as f32;
        let c = px.iter().fold(Vec2::zeros(), |a, &i| a + Vec2::new(points[i][0], points[i][1])) / n;
        let z = px.iter().map(|&i| points[i][2]).sum::<f32>() / n;
        if let Some(k) = (0..top_heights.len()).find(|&k| (top_heights[k] - z).abs() < 0.02 && inside(&top_hulls[k], c, 0.6)) {
            for &i in px {
                classes[i] = Class::Top(k as u16);
            }
        }
    }
    // The outline of each support, pieces and all.
    let mut top_px: Vec<Vec<usize>> = vec![Vec::new(); top_heights.len()];
    for (i, c) in classes.iter().enumerate() {
        if let Class::Top(k) = c {
            top_px[*k as usize].push(i);
        }
    }
    // Each top's paint, from all its pixels: a leg is told by it, not by the piece of the top
    // it meets (a piece can be a pixel, its colour the noise's).
    let top_paint: Vec<[u8; 3]> = top_px.iter().map(|px| crate::colour::mean(rgb.as_raw(), px.iter().copied()).unwrap_or([0; 3])).collect();
    let top_hulls: Vec<Vec<Vec2>> = top_px.into_iter().map(|px| hull_of(&points, px.into_iter())).collect();

    // Objects: grow over neighbours of one class that share a surface and a material, and
    // are not a contact crease (a face rising from an up-facing surface below it).
    let mut dsu = Dsu((0..n_px as u32).collect());
    let growable = |c: Class| matches!(c, Class::Free | Class::Top(_));
    let crease = |a: usize, b: usize| {
        let (ua, ub) = (up(a), up(b));
        let rising = |lo: usize, hi: usize| normals[hi][2] < 0.5 && points[hi][2] > points[lo][2] + 0.005;
        (ua && !ub && rising(a, b)) || (ub && !ua && rising(b, a))
    };
    // Across a convex edge (a box's or a cylinder's rim) the light changes abruptly while
    // the paint does not: allow a larger change of brightness there.
    // A rim is one surface folding: its two sides' neighbouring pixels are close in space
    // (a few pixel spacings, the noise allowing). Where one thing stands back above another
    // seen edge-on (a cylinder on a box at eye height), the step between them is not a rim.
    let convex = |a: usize, b: usize| {
        let (na, nb) = (v3(normals[a]), v3(normals[b]));
        let step = v3(points[b]) - v3(points[a]);
        let z = cam[a][2].max(cam[b][2]);
        // The smoothing spreads a rim's turn over its window: the wider the window, the
        // smaller the turn from one pixel to the next.
        let window = 2 * crate::noise::radius(z, sigma(z), fx) + 1;
        let turn = (CONVEX_EDGE_DEG * 5.0 / window as f32).to_radians().cos();
        // A rim falls away from its more up-facing side (a box's top to its sides); where the
        // less up-facing side rises above it, a face stands on a top (a crease seen obliquely,
        // its normals blurred by the smoothing so that it passes the turn test).
        let (upper, lower) = if na.z >= nb.z { (a, b) } else { (b, a) };
        let rises = na.z.max(nb.z) - na.z.min(nb.z) > RIM_TILT && points[lower][2] > points[upper][2] + 2.0 * sigma(z);
        na.dot(&nb) < turn && (na - nb).dot(&step) < 0.0 && step.norm() <= RIM_SPACINGS * z / fx + 3.0 * sigma(z) && !rises
    };
    // One surface: neighbours of one class, no depth step, no contact crease. Islands of
    // such links are things touching in space; colour then cuts them into objects.
    let touching = |a: usize, b: usize| classes[a] == classes[b] && growable(classes[a]) && !crease(a, b);
    let plain = |a: usize, b: usize| compatible(colour(a), colour(b), cfg.max_chroma, cfg.max_brightness_ratio);
    let rim = |a: usize, b: usize| convex(a, b) && compatible(colour(a), colour(b), cfg.max_chroma, cfg.max_edge_brightness_ratio);
    let material = |a: usize, b: usize| plain(a, b) || rim(a, b);
    // Links of one surface that are one material only by the rim's allowance (see
    // `rim_share`), and those of one surface that are not one material.
    let (mut rim_links, mut other_links) = (Vec::<(u32, u32)>::new(), Vec::<(u32, u32)>::new());
    let mut link = |dsu: &mut Dsu, a: usize, b: usize| {
        if plain(a, b) {
            dsu.union(a as u32, b as u32);
        } else if rim(a, b) {
            rim_links.push((a as u32, b as u32));
        } else {
            other_links.push((a as u32, b as u32));
        }
    };
    let mut islands = Dsu((0..n_px as u32).collect());
    for y in 0..h {
        for x in 0..w {
            let i = y * w + x;
            // (Both links ask for a growable class: most pixels, the room's, go no further.)
            if !growable(classes[i]) {
                continue;
            }
            if x + 1 < w && surface.edges.right_ok(x, y) && touching(i, i + 1) {
                islands.union(i as u32, i as u32 + 1);
                link(&mut dsu, i, i + 1);
            }
            if y + 1 < h && surface.edges.down_ok(x, y) && touching(i, i + w) {
                islands.union(i as u32, (i + w) as u32);
                link(&mut dsu, i, i + w);
            }
        }
    }
    // Across a hole of up to `HOLE_BRIDGE` pixels without depth (sensors drop pixels where
    // a surface is seen at a grazing angle, such as a far table's top, as well as at
    // silhouettes), the pixels on either side are neighbours when their depths agree
    // within the noise allowance of one step. Not on the floor, a wall or the ceiling (by
    // distance: at range their normals are noise and some of their pixels are free), where
    // chains of such pixels would join what stands on the floor to the room.
    let bridgeable = |a: usize, b: usize| {
        touching(a, b) && !cfg.mesh.jump.broken(0.0, cam[a][2], cam[b][2], 0.0) && !near_structure(a) && !near_structure(b)
    };
    // The first pixel with depth past a hole that starts right after `i`, stepping by
    // `stride` with `room` steps left before the image's edge.
    let past_hole = |i: usize, stride: usize, room: usize| {
        (1..=HOLE_BRIDGE.min(room.saturating_sub(1)))
            .take_while(|&gap| classes[i + gap * stride] == Class::Unknown)
            .map(|gap| i + (gap + 1) * stride)
            .find(|&j| classes[j] != Class::Unknown)
    };
    for y in 0..h {
        for x in 0..w {
            let i = y * w + x;
            if !growable(classes[i]) {
                continue;
            }
            for j in [past_hole(i, 1, w - 1 - x), past_hole(i, w, h - 1 - y)].into_iter().flatten() {
                if bridgeable(i, j) {
                    if material(i, j) {
                        islands.union(i as u32, j as u32);
                    }
                    link(&mut dsu, i, j);
                }
            }
        }
    }
    let part_px = (cfg.rim_vote_pixels * n_px).div_ceil(crate::config::REFERENCE_PIXELS);
    join_across_rims(&mut dsu, &rim_links, &other_links, |i| growable(classes[i]), |i| points[i][2], part_px, cfg.rim_share);

    // Components, their statistics, and the merge of table parts into their top.
    let comp = dsu.components(|i| growable(classes[i]));
    let min_px = scaled_pixels(cfg.min_object_pixels, n_px).max((cfg.min_object_fraction * n_px as f32) as usize);
    let mut keys: Vec<u32> = comp.keys().copied().collect();
    keys.sort_unstable();
    let mut stats: Vec<Stat> = Vec::new();
    for k in &keys {
        let px = &comp[k];
        let (mut zmin, mut zmax, mut c, mut rgb_sum) = (f32::MAX, f32::MIN, Vec2::zeros(), [0u64; 3]);
        let (mut lo, mut hi) = (Vec2::repeat(f32::MAX), Vec2::repeat(f32::MIN));
        // The floor-plane extent and centre from the pixels off the floor: floor beside a leg's foot,
        // its normals disturbed by the leg, can join the leg (peeled off later), and under noise
        // can outnumber the foot.
        let lifted = px.iter().filter(|&&i| points[i][2] > floor_tol(i)).count() * 4 >= px.len();
        let (mut nc, mut second) = (0usize, Vec3::zeros());
        for &i in px {
            let q = Vec2::new(points[i][0], points[i][1]);
            if !lifted || points[i][2] > floor_tol(i) {
                lo = lo.inf(&q);
                hi = hi.sup(&q);
                c += q;
                nc += 1;
                second += Vec3::new(q.x * q.x, q.y * q.y, q.x * q.y);
            }
            zmin = zmin.min(points[i][2]);
            zmax = zmax.max(points[i][2]);
            let col = colour(i);
            for j in 0..3 {
                rgb_sum[j] += col[j] as u64;
            }
        }
        let n = px.len() as f32;
        let range = px.iter().map(|&i| cam[i][2]).sum::<f32>() / n;
        let top = match classes[px[0]] {
            Class::Top(t) => Some(u32::from(t)),
            _ => None,
        };
        stats.push(Stat {
            root: *k,
            top,
            zmin,
            zmax,
            centre: c / nc.max(1) as f32,
            mean: rgb_sum.map(|s| (s as f32 / n) as u8),
            span: (hi - lo).norm().min(denoised_span(c, second, nc, sigma(range))),
            range,
        });
    }
    let mut owner: std::collections::HashMap<u32, u32> = stats.iter().map(|s| (s.root, s.root)).collect();
    // Pieces of one support surface, cut apart by what stands on it, are one object.
    let mut first_of_top: std::collections::HashMap<u32, u32> = Default::default();
    for s in &stats {
        if let Some(t) = s.top {
            let first = *first_of_top.entry(t).or_insert(s.root);
            owner.insert(s.root, first);
        }
    }
    // A back leg's upper end is hidden behind the top it holds up, and the top's far part
    // (seen at a grazing angle, its depth noisy or lost) may not be found as part of the
    // support: such a leg ends, at its upper end in the photo, against the nearer top.
    // Number of a component's pixels with, at most three rows above, a nearer pixel of a
    // top (at its height and over its outline: its side or its surface).
    let under_top = |px: &[usize], height: f32, hull: &[Vec2]| {
        px.iter()
            .filter(|&&i| {
                (1..=3).any(|k| {
                    let j = i.wrapping_sub(k * w);
                    if i < k * w || cam[j][2] <= 0.0 || cam[j][2] >= cam[i][2] - 0.05 {
                        return false;
                    }
                    let near = 0.1 + 2.0 * sigma(cam[j][2]);
                    (points[j][2] - height).abs() < near && inside(hull, Vec2::new(points[j][0], points[j][1]), near)
                })
            })
            .count()
    };
    // A piece standing on a thing of another paint (a ball on a stack under a table, seed
    // 222; a cylinder of the table's gray on another, seed 204 with noise) is neither a leg
    // nor a leg's piece: its lowest point is off the floor, at the top of an object-sized
    // component that stands from at least 5 cm below it, their centres within their spans.
    let things: Vec<&Stat> = stats.iter().filter(|c| c.top.is_none() && comp[&c.root].len() >= min_px).collect();
    let rests_on_a_thing = |s: &Stat| {
        let tol = 0.02 + 2.0 * sigma(s.range);
        s.zmin > tol
            && things.iter().any(|c| {
                c.root != s.root
                    && c.zmin < s.zmin - 0.05
                    && (c.zmax - s.zmin).abs() <= tol
                    && (c.centre - s.centre).norm() <= 0.5 * (c.span + s.span)
                    && !one_paint_apart(c.mean, s.mean, cfg.max_chroma)
            })
    };
    // Each support once, by its first piece (a match asks only for the support, and all its
    // pieces have one owner): noise cuts a top into hundreds of pieces, and leaves thousands
    // of small pieces to match against them.
    let mut seen = vec![false; top_heights.len()];
    let tops: Vec<&Stat> = stats.iter().filter(|t| t.top.is_some_and(|k| !std::mem::replace(&mut seen[k as usize], true))).collect();
    for s in stats.iter().filter(|s| s.top.is_none()) {
        let resting = rests_on_a_thing(s);
        // Under a top's outline; failing that, a leg behind the top, of its paint.
        let matches = |t: &&Stat, behind: bool| {
            let height = top_heights[t.top.unwrap_or(0) as usize];
            let paint = top_paint[t.top.unwrap_or(0) as usize];
            // A leg: tall, from the floor up under the top. A rim: a band just under the top.
            // Of the table's paint under its top: legs (narrow, whole or cut up by occlusion
            // and dropout), and anything that reaches up to the top (its rim, with or without
            // legs attached).
            let leg = ((s.span <= LEG_SPAN + 2.0 * sigma(s.range)
                && s.zmax - s.zmin >= 0.25 * height
                && s.zmax - s.zmin >= LEG_SLENDERNESS * s.span
                && s.zmin < 0.5 * height)
                || s.span <= LEG_PIECE_SPAN + sigma(s.range))
                && !resting;
            let rim = s.zmax > height - 0.06;
            let hull = &top_hulls[t.top.unwrap_or(0) as usize];
            let placed = || {
                if behind {
                    leg && s.zmin < 0.05 + 2.0 * sigma(s.range)
                        && inside(hull, s.centre, LEG_BEHIND_TOP)
                        && compatible(s.mean, paint, cfg.max_chroma, cfg.max_brightness_ratio)
                        && under_top(&comp[&s.root], height, hull) >= LEG_UNDER_TOP_PIXELS
                } else {
                    inside(hull, s.centre, if s.span <= LEG_PIECE_SPAN + sigma(s.range) { 0.3 } else { 0.1 })
                }
            };
            // (A leg goes on up, asked last: it looks at the photo.)
            s.zmax <= height + 0.03
                && (leg || rim)
                && one_paint_apart(s.mean, paint, cfg.max_chroma)
                && placed()
                && ((rim && !behind) || goes_on_up(comp[&s.root].iter().copied(), w, cam, &colour, paint, cfg.max_chroma, sigma))
        };
        let from_floor = s.zmin < 0.05 + 2.0 * sigma(s.range) && s.span <= LEG_SPAN + 2.0 * sigma(s.range);
        let target =
            tops.iter().find(|t| matches(t, false)).or_else(|| if from_floor { tops.iter().find(|t| matches(t, true)) } else { None });
        if let Some(t) = target {
            owner.insert(s.root, owner[&t.root]);
        }
    }
    merge_legs_under_slabs(&stats, &comp, &points, &mut owner, cfg, sigma);
    merge_textured_islands(&mut islands, &classes, &comp, &mut owner, min_px, cfg.textured_pieces);
    // Pieces of floor or wall that noise kept from being classified: mostly on a plane.
    // A strip of ceiling too small to be found as a plane (at the top of the photo) is
    // flat, faces down and is above the camera.
    let overhead = |i: usize| normals[i][2] < -cos_plane && points[i][2] > frame.camera_height;
    for k in &keys {
        let px = &comp[k];
        if matches!(classes[px[0]], Class::Free) && owner[k] == *k {
            let ceiling = crate::shape::median(px.iter().filter(|&&i| overhead(i)).map(|&i| points[i][2]).collect());
            let on = px.iter().filter(|&&i| near_structure(i) || (overhead(i) && (points[i][2] - ceiling).abs() < tol(i))).count();
            // A low thing at range lies within the floor's tolerance; of another paint than
            // the floor's (mostly) and standing clear of it (its mean height over three
            // standard errors of the noise and a centimetre), it is kept. A rug or a patch of
            // another floor paint has a mean height of zero.
            let standing = || {
                let n = px.len() as f32;
                let other = px.iter().filter(|&&i| !floor_paint(i)).count() as f32 >= 0.5 * n;
                let mean = px.iter().map(|&i| points[i][2]).sum::<f32>() / n;
                let noise = sigma(px.iter().map(|&i| cam[i][2]).sum::<f32>() / n);
                other && mean > 0.01 + 3.0 * noise / n.sqrt()
            };
            if on as f32 >= STRUCTURE_SHARE * px.len() as f32 && !standing() {
                owner.insert(*k, u32::MAX);
            }
        }
    }
    let mut sizes: std::collections::HashMap<u32, usize> = Default::default();
    for (k, px) in &comp {
        *sizes.entry(owner[k]).or_default() += px.len();
    }
    let mut ids: std::collections::HashMap<u32, u32> = Default::default();
    let mut count = 0;
    let mut objects = vec![0u32; n_px];
    for k in &keys {
        let o = owner[k];
        if o == u32::MAX || sizes[&o] < min_px {
            continue;
        }
        let id = *ids.entry(o).or_insert_with(|| {
            count += 1;
            count
        });
        for &i in &comp[k] {
            objects[i] = id;
        }
    }
    if frame.ground == GroundSource::Floor {
        let margin = |i: usize| 0.02 + 2.0 * sigma(cam[i][2]);
        peel_floor_spill(&mut objects, &mut classes, &points, count as usize, &floor_tol, &margin);
    }
    join_occluded(&mut objects, count as usize, (w, h), cam, &points, &colour, cfg, sigma, &|_, _| true);
    Segmentation { classes, objects, points, normals, top_heights }
}

/// Joins the regions of one material (`dsu`, grown over links of matching colour) across
/// the links that a rim's allowance makes one material (`rim`: a box's lit top and its side
/// in shade), where at least `share` of all the links between two regions (those and the
/// `other` links of one surface that are not one material) are rim links, or where either
/// region (of `keep`ing pixels) is under `min_px` pixels (a fragment of noisy colour).
///
/// Joining on any one rim link, as region growing does, let one chance pair join two
/// things: under noise a thing standing on another at range meets it along a boundary
/// whose neighbours' normals and steps are noise, and a few of its links pass for a rim
/// (generated seeds 41 and 53 with noise: 3 of 20 and 3 of 34 links, a gray cylinder on a
/// white box and a gray box on a black one). Along a rim of one thing more pass: a fifth to
/// all of them on the generated scenes' object-sized parts, noisy or not (the pieces of a
/// table that fall short are joined again by the table repairs, see [`crate::tables`]).
///
/// Nor are two regions joined where one stands on the other: its lower tenth of heights no
/// lower than the other's top ([`STANDS_ON_BELOW`] allowed), its median well above it
/// ([`STANDS_ON_ABOVE`]). A rim falls away from a thing's top; what rises above a top stands
/// on it. Under noise, at range, the normals of a top seen at a grazing angle face the line
/// of sight, and a thing's foot on it passes for a rim as often as not (generated seed 183
/// with noise: a gray cylinder on a black table, 6 of 15 links).
fn join_across_rims(
    dsu: &mut Dsu,
    rim: &[(u32, u32)],
    other: &[(u32, u32)],
    keep: impl Fn(usize) -> bool,
    height: impl Fn(usize) -> f32,
    min_px: usize,
    share: f32,
) {
    if rim.is_empty() {
        return;
    }
    // (rim links, all links) between each pair of regions, by their roots.
    let mut pairs: std::collections::BTreeMap<(u32, u32), (u32, u32)> = Default::default();
    for (links, is_rim) in [(rim, 1), (other, 0)] {
        for &(a, b) in links {
            let (ra, rb) = (dsu.find(a), dsu.find(b));
            if ra != rb {
                let e = pairs.entry((ra.min(rb), ra.max(rb))).or_default();
                (e.0, e.1) = (e.0 + is_rim, e.1 + 1);
            }
        }
    }
    pairs.retain(|_, (rims, _)| *rims > 0);
    if pairs.is_empty() {
        return;
    }
    // The sizes of all regions, and the heights of those the rim links may join (by a slot
    // per root).
    let mut slot = vec![u32::MAX; dsu.0.len()];
    let mut heights: Vec<Vec<f32>> = Vec::new();
    for &(a, b) in pairs.keys() {
        for r in [a, b] {
            if slot[r as usize] == u32::MAX {
                slot[r as usize] = heights.len() as u32;
                heights.push(Vec::new());
            }
        }
    }
    let mut size = vec![0u32; dsu.0.len()];
    for i in 0..dsu.0.len() {
        if keep(i) {
            let r = dsu.find(i as u32) as usize;
            size[r] += 1;
            if slot[r] != u32::MAX {
                heights[slot[r] as usize].push(height(i));
            }
        }
    }
    // The pairs the links would join; each region's 10th, 50th and 95th percentiles of
    // height.
    pairs.retain(|&(a, b), &mut (rims, all)| {
        (size[a as usize].min(size[b as usize]) as usize) < min_px || rims as f32 >= share * all as f32
    });
    let levels: Vec<Option<[f32; 3]>> =
        heights.into_iter().map(|mut z| (!z.is_empty()).then(|| [0.1, 0.5, 0.95].map(|q| crate::shape::quantile(&mut z, q)))).collect();
    let stands_on = |a: u32, b: u32| match (levels[slot[a as usize] as usize], levels[slot[b as usize] as usize]) {
        (Some([lo, mid, _]), Some([_, _, top])) => lo >= top - STANDS_ON_BELOW && mid >= top + STANDS_ON_ABOVE,
        _ => false,
    };
    for (a, b) in pairs.into_keys() {
        if !stands_on(a, b) && !stands_on(b, a) {
            dsu.union(a, b);
        }
    }
}

/// How far below another region's top (its 95th percentile of heights) the lower tenth of
/// a region standing on it may reach, metres (see [`join_across_rims`]): the noise of
/// heights at a grazing angle, a few millimetres, and a centimetre more.
const STANDS_ON_BELOW: f32 = 0.02;

/// How far above another region's top the median height of a region standing on it is at
/// least, metres (see [`join_across_rims`]).
const STANDS_ON_ABOVE: f32 = 0.03;

/// Things touching in space (an island of `touching` links) that colour cuts into at least
/// `pieces` pieces of an object's size are one textured or many-coloured thing (a machine, a
/// printed carton, a plant): its colour edges are detail, not the outlines of objects, and
/// all its pieces become the largest one's. Painted things that touch (a stack, a cluster)
/// cut into a handful of pieces and keep them.
fn merge_textured_islands(
    islands: &mut Dsu,
    classes: &[Class],
    comp: &std::collections::HashMap<u32, Vec<usize>>,
    owner: &mut std::collections::HashMap<u32, u32>,
    min_px: usize,
    pieces: usize,
) {
    let mut per_island: std::collections::HashMap<u32, Vec<u32>> = Default::default();
    let mut roots: Vec<u32> = comp.keys().copied().collect();
    roots.sort_unstable();
    for r in roots {
        let px = &comp[&r];
        if classes[px[0]] == Class::Free {
            per_island.entry(islands.find(px[0] as u32)).or_default().push(r);
        }
    }
    for members in per_island.values() {
        if members.iter().filter(|r| comp[r].len() >= min_px).count() < pieces {
            continue;
        }
        let Some(largest) = members.iter().max_by_key(|r| comp[r].len()) else { continue };
        let target = owner[largest];
        for r in members {
            owner.insert(*r, target);
        }
    }
}

/// Whether a piece (pixels `px` of a `w`-wide photo) goes on up as a piece of a table's leg
/// does: over most of the columns of its upper end (its highest three rows in the photo),
/// the first pixel with depth within three rows above it is nearer (something hides the
/// rest of the leg) or of the top's `paint` at about its range (3 cm and three times the
/// noise: more of the leg, or the top it holds up). Above a thing on the floor beside a
/// leg, or before the table, lies what is beyond it (generated seeds 590, 596, 597 with
/// noise: a gray box, a white sphere and a black cylinder taken into a table of their
/// paint as its legs' pieces). Not every column's highest pixel: a leg slanting in the
/// photo has floor above one side.
fn goes_on_up(
    px: impl Iterator<Item = usize> + Clone,
    w: usize,
    cam: &[[f32; 3]],
    colour: &impl Fn(usize) -> [u8; 3],
    paint: [u8; 3],
    max_chroma: f32,
    sigma: &(impl Fn(f32) -> f32 + ?Sized),
) -> bool {
    let first = px.clone().map(|i| i / w).min().unwrap_or(0);
    // Each column's highest pixel in those rows.
    let mut tops: Vec<usize> = px.filter(|&i| i / w <= first + 2).collect();
    tops.sort_unstable_by_key(|&i| (i % w, i));
    tops.dedup_by_key(|i| *i % w);
    let (mut asked, mut on) = (0, 0);
    for &i in &tops {
        let z = cam[i][2];
        let Some(j) = (1..=3).filter_map(|k| i.checked_sub(k * w)).find(|&j| cam[j][2] > 0.0) else { continue };
        let allowed = 0.03 + 3.0 * sigma(z);
        asked += 1;
        on += (cam[j][2] < z - allowed || ((cam[j][2] - z).abs() <= allowed && one_paint_apart(colour(j), paint, max_chroma))) as usize;
    }
    2 * on >= asked
}

/// One object seen in two pieces, cut by something in front of it (a table leg before a
/// box): two objects of one paint (see [`crate::colour::one_paint_shaded`]: a lit top and a
/// side in shade, generated seed 149) whose boxes in the room touch (within 3 cm and the
/// noise) are one when, along most rows (or columns) they share, every pixel between them
/// is nearer than both by 3 cm or has no depth, and something stands there: a nearer
/// pixel, one without depth of another paint, or, down a column, a farther lower piece
/// (under the upper one). Lines whose gap is all dropout of the pieces' paint count where
/// the pieces' ends across them meet in range (the median of their misses within 3 cm and
/// twice the noise). Only pairs that `may_join` are looked at.
/// Ids are renumbered 1..=n after.
#[allow(clippy::too_many_arguments)]
pub(crate) fn join_occluded(
    objects: &mut [u32],
    count: usize,
    (w, h): (usize, usize),
    cam: &[[f32; 3]],
    points: &[[f32; 3]],
    colours: &impl Fn(usize) -> [u8; 3],
    cfg: &SceneConfig,
    sigma: &(impl Fn(f32) -> f32 + ?Sized),
    may_join: &impl Fn(usize, usize) -> bool,
) {
    if count < 2 {
        return;
    }
    #[derive(Clone)]
    struct Obj {
        lo: [f32; 3],
        hi: [f32; 3],
        rgb: [u64; 4],
        range: f32,
        // Per row: leftmost and rightmost column; per column: top and bottom row.
        rows: Vec<(u32, u32)>,
        cols: Vec<(u32, u32)>,
    }
    let empty =
        Obj { lo: [f32::MAX; 3], hi: [f32::MIN; 3], rgb: [0; 4], range: 0.0, rows: vec![(u32::MAX, 0); h], cols: vec![(u32::MAX, 0); w] };
    let mut objs = vec![empty; count + 1];
    for (i, &o) in objects.iter().enumerate() {
        if o == 0 {
            continue;
        }
        let b = &mut objs[o as usize];
        let rgb = colours(i);
        for k in 0..3 {
            b.lo[k] = b.lo[k].min(points[i][k]);
            b.hi[k] = b.hi[k].max(points[i][k]);
            b.rgb[k] += rgb[k] as u64;
        }
        b.rgb[3] += 1;
        b.range += cam[i][2];
        let (x, y) = ((i % w) as u32, (i / w) as u32);
        let r = &mut b.rows[y as usize];
        *r = (r.0.min(x), r.1.max(x));
        let c = &mut b.cols[x as usize];
        *c = (c.0.min(y), c.1.max(y));
    }
    let mean = |b: &Obj| [0, 1, 2].map(|k| (b.rgb[k] / b.rgb[3].max(1)) as u8);
    // Along lines (rows when `by_row`) both pieces cross: whether on most of them the gap
    // between the pieces is all occluder or holes, and the widest such gap across the line
    // of sight at the pieces' range, metres.
    let occluded_between = |a: &Obj, b: &Obj, by_row: bool| -> Option<f32> {
        let paints = [mean(a), mean(b)];
        let (la, lb) = if by_row { (&a.rows, &b.rows) } else { (&a.cols, &b.cols) };
        let (mut lines, mut hidden, mut widest) = (0, 0, 0.0f32);
        // Lines whose gap is all without depth and of the pieces' paint: how much further
        // apart in range their ends are than the noise allows, and the widest such gap.
        let (mut dropped, mut widest_dropped) = (Vec::new(), 0.0f32);
        let axis = if by_row { 0 } else { 1 };
        for (line, (ra, rb)) in la.iter().zip(lb).enumerate() {
            if ra.0 == u32::MAX || rb.0 == u32::MAX {
                continue;
            }
            let (from, to) = if ra.1 < rb.0 {
                (ra.1, rb.0)
            } else if rb.1 < ra.0 {
                (rb.1, ra.0)
            } else {
                continue;
            };
            lines += 1;
            if to - from > 60 {
                continue;
            }
            let at = |t: u32| if by_row { line * w + t as usize } else { t as usize * w + line };
            let (p, q) = (cam[at(from)], cam[at(to)]);
            let near = p[2].min(q[2]);
            let nearer = |t: u32| cam[at(t)][2] > 0.0 && cam[at(t)][2] < near - 0.03;
            if to <= from + 1 || !(from + 1..to).all(|t| cam[at(t)][2] <= 0.0 || nearer(t)) {
                continue;
            }
            let gap = (q[axis] / q[2] - p[axis] / p[2]).abs() * p[2].max(q[2]);
            // Something stands between them: nearer, or without depth and of another paint
            // than the pieces'.
            let occluder = |t: u32| {
                nearer(t)
                    || !paints.iter().any(|&m| crate::colour::one_paint_shaded(colours(at(t)), m, cfg.max_chroma, cfg.max_brightness_ratio))
            };
            // Or, down a column, the lower end is the farther: what is seen below a nearer
            // thing, beyond it, is under it (a table's back leg under its top's near edge),
            // and the gap is the nearer thing's lower edge.
            let allowed = 0.03 + 2.0 * sigma(p[2].max(q[2]));
            if (from + 1..to).any(occluder) || (!by_row && q[2] > p[2] + allowed) {
                hidden += 1;
                widest = widest.max(gap);
            } else {
                dropped.push((p[2] - q[2]).abs() - allowed);
                widest_dropped = widest_dropped.max(gap);
            }
        }
        // A gap of the pieces' own paint without depth is the sensor's dropout: within one
        // thing (pixels lost beside a silhouette), or along the silhouette between two
        // things of one paint, one in front of the other (a box and a cylinder beside it,
        // generated seed 505 with noise). The pieces' ends across such gaps meet in range,
        // within the noise, only in the first case.
        if !dropped.is_empty() && crate::shape::median(dropped.clone()) <= 0.0 {
            hidden += dropped.len();
            widest = widest.max(widest_dropped);
        }
        (lines >= 3 && hidden * 3 >= lines * 2).then_some(widest)
    };
    let mut dsu = Dsu((0..=count as u32).collect());
    for a in 1..=count {
        for b in a + 1..=count {
            let (oa, ob) = (&objs[a], &objs[b]);
            if oa.rgb[3] == 0 || ob.rgb[3] == 0 || !may_join(a, b) {
                continue;
            }
            let (ma, mb) = (mean(oa), mean(ob));
            if !crate::colour::one_paint_shaded(ma, mb, cfg.max_chroma, cfg.max_brightness_ratio) {
                continue;
            }
            let Some(hidden) = occluded_between(oa, ob, true).or_else(|| occluded_between(oa, ob, false)) else { continue };
            // Their boxes in the room are no further apart than what the occluder hides.
            let range = (oa.range / oa.rgb[3] as f32).max(ob.range / ob.rgb[3] as f32);
            let slack = 0.03 + 2.0 * sigma(range) + hidden;
            if (0..3).all(|k| oa.lo[k] <= ob.hi[k] + slack && ob.lo[k] <= oa.hi[k] + slack) {
                dsu.union(a as u32, b as u32);
            }
        }
    }
    let mut id = vec![0u32; count + 1];
    let mut next = 0;
    for o in 1..=count {
        let r = dsu.find(o as u32) as usize;
        if id[r] == 0 {
            next += 1;
            id[r] = next;
        }
        id[o] = id[r];
    }
    for o in objects.iter_mut() {
        *o = id[*o as usize];
    }
}

/// Floor pixels whose normals the object beside them disturbed (at the foot of a far table
/// leg) are left unclassified and grow into that object, stretching its footprint by
/// decimetres. An object's pixels on the floor plane are kept only under the footprint of
/// its pixels above it (grown by 2 cm and the sensor's noise); the rest go back to the floor.
fn peel_floor_spill(
    objects: &mut [u32],
    classes: &mut [Class],
    points: &[[f32; 3]],
    count: usize,
    tol: &impl Fn(usize) -> f32,
    margin: &impl Fn(usize) -> f32,
) {
    let mut above: Vec<Vec<usize>> = vec![Vec::new(); count + 1];
    let mut low: Vec<Vec<usize>> = vec![Vec::new(); count + 1];
    for (i, &o) in objects.iter().enumerate() {
        if o != 0 {
            if points[i][2].abs() < tol(i) { low[o as usize].push(i) } else { above[o as usize].push(i) }
        }
    }
    for o in 1..=count {
        // An object all at floor height (a flat mat, or noise at range) keeps its pixels.
        if low[o].is_empty() || above[o].len() < low[o].len() {
            continue;
        }
        let hull = hull_of(points, above[o].iter().copied());
        for &i in &low[o] {
            let p = Vec2::new(points[i][0], points[i][1]);
            if !inside(&hull, p, margin(i)) {
                objects[i] = 0;
                classes[i] = Class::Floor;
            }
        }
    }
}

/// Convex hull of the floor-plane positions of (at most about 4000 of) the pixels `px`.
fn hull_of(points: &[[f32; 3]], px: impl ExactSizeIterator<Item = usize>) -> Vec<Vec2> {
    let step = (px.len() / 4000).max(1);
    convex_hull(px.step_by(step).map(|i| Vec2::new(points[i][0], points[i][1])).collect())
}

/// Area of a convex polygon.
pub fn polygon_area(poly: &[Vec2]) -> f32 {
    let n = poly.len();
    if n < 3 {
        return 0.0;
    }
    (0..n).map(|i| poly[i].x * poly[(i + 1) % n].y - poly[(i + 1) % n].x * poly[i].y).sum::<f32>().abs() / 2.0
}

/// Whether a point is inside a counter-clockwise convex polygon grown by `margin`.
pub fn inside(poly: &[Vec2], p: Vec2, margin: f32) -> bool {
    let n = poly.len();
    if n < 3 {
        return false;
    }
    (0..n).all(|i| {
        let (a, b) = (poly[i], poly[(i + 1) % n]);
        let e = b - a;
        let len = e.norm().max(1e-9);
        (e.x * (p.y - a.y) - e.y * (p.x - a.x)) / len >= -margin
    })
}

/// How far (pixels) a pixel without depth may be from one with depth to be claimed.
pub const CLAIM_REACH: usize = 3;

/// Largest RGB distance between a pixel without depth and the neighbour whose owner it takes.
pub const CLAIM_COLOUR: f32 = 48.0;

/// Gives pixels without depth the owner (`map`: object id, 0 for none or structure) of their
/// neighbour of closest colour. Sensors lose depth beside depth edges, on both sides of them;
/// the photo still shows which side such a pixel is on. Rounds of 4-neighbour claims reach up
/// to [`CLAIM_REACH`] pixels in from pixels with depth (`known`), each only across a colour
/// step of at most [`CLAIM_COLOUR`]: a wide hole (a shadow of the projector, a window) stays
/// unowned beyond its rim.
pub fn claim_depthless(map: &mut [u16], known: &[bool], rgb: &[u8], width: usize) {
    let mut known = known.to_vec();
    let mut open: Vec<usize> = (0..known.len()).filter(|&i| !known[i]).collect();
    let colour = |i: usize| [rgb[3 * i] as f32, rgb[3 * i + 1] as f32, rgb[3 * i + 2] as f32];
    let n = map.len();
    for _ in 0..CLAIM_REACH {
        let mut claims = Vec::new();
        open.retain(|&i| {
            let c = colour(i);
            let (x, y) = (i % width, i / width);
            let neighbours =
                [(x > 0).then(|| i - 1), (x + 1 < width).then(|| i + 1), (y > 0).then(|| i - width), (i + width < n).then(|| i + width)];
            let mut best = (CLAIM_COLOUR * CLAIM_COLOUR, None);
            for j in neighbours.into_iter().flatten().filter(|&j| known[j]) {
                let d = colour(j);
                let d2 = (c[0] - d[0]).powi(2) + (c[1] - d[1]).powi(2) + (c[2] - d[2]).powi(2);
                if d2 <= best.0 {
                    best = (d2, Some(map[j]));
                }
            }
            match best.1 {
                Some(owner) => {
                    claims.push((i, owner));
                    false
                }
                None => true,
            }
        });
        if claims.is_empty() {
            break;
        }
        for (i, owner) in claims {
            map[i] = owner;
            known[i] = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two pieces of one paint on a 20 x 12 grid, split by a gap of two pixels without
    /// depth (columns 8-9 across, or rows 5-6 down): piece 1 left of (or above) the gap at
    /// range `first`, piece 2 right of (or below) it at `second`, the gap's pixels of `gap`'s
    /// colour. Their boxes in the room touch. Whether `join_occluded` makes them one.
    fn joined_across(first: f32, second: f32, gap: [u8; 3], across: bool) -> bool {
        let (w, h, blue) = (20usize, 12usize, [30u8, 50, 200]);
        let side = |x: usize, y: usize| if across { (x < 8, x >= 10) } else { (y < 5, y >= 7) };
        let mut objects = vec![0u32; w * h];
        let (mut cam, mut points, mut rgb) = (vec![[0.0f32; 3]; w * h], vec![[0.0f32; 3]; w * h], vec![gap; w * h]);
        for y in 0..h {
            for x in 0..w {
                let i = y * w + x;
                let z = match side(x, y) {
                    (true, _) => first,
                    (_, true) => second,
                    _ => continue,
                };
                objects[i] = if side(x, y).0 { 1 } else { 2 };
                cam[i] = [x as f32 * z / 500.0, y as f32 * z / 500.0, z];
                points[i] = [x as f32 * 0.01, 3.0, 0.5 - y as f32 * 0.01];
                rgb[i] = blue;
            }
        }
        let sigma = |z: f32| 0.0012 + 0.0019 * (z - 0.4).powi(2);
        join_occluded(&mut objects, 2, (w, h), &cam, &points, &|i| rgb[i], &SceneConfig::default(), &sigma, &|_, _| true);
        objects[0] == objects[w * h - 1]
    }

    #[test]
    fn a_piece_of_a_leg_goes_on_up_and_a_thing_on_the_floor_does_not() {
        // A 10 x 12 grid; the piece is columns 3-5 (or slanting one column right per two rows
        // down), rows 6-11, at 3 m, black. Above it, rows 0-5, what `above` says.
        let (w, h, black) = (10usize, 12usize, [20u8, 20, 20]);
        let sigma = |z: f32| 0.0012 + 0.0019 * (z - 0.4).powi(2);
        let on_up = |above: (f32, [u8; 3]), slant: bool| {
            let (mut cam, mut rgb, mut px) = (vec![[0.0f32; 3]; w * h], vec![[0u8; 3]; w * h], Vec::new());
            for y in 0..h {
                for x in 0..w {
                    let i = y * w + x;
                    let shift = if slant { (y.saturating_sub(6)) / 2 } else { 0 };
                    if y >= 6 && (3 + shift..=5 + shift).contains(&x) {
                        (cam[i], rgb[i]) = ([0.0, 0.0, 3.0], black);
                        px.push(i);
                    } else {
                        (cam[i], rgb[i]) = if y < 6 { ([0.0, 0.0, above.0], above.1) } else { ([0.0, 0.0, 4.0], [150, 140, 130]) };
                    }
                }
            }
            goes_on_up(px.into_iter(), w, &cam, &|i| rgb[i], black, SceneConfig::default().max_chroma, &sigma)
        };
        // More of the leg above, or the top's rim nearer.
        assert!(on_up((3.01, black), false));
        assert!(on_up((2.9, [150, 150, 150]), false));
        // Issue 3 (generated seeds 590, 596, 597 with noise): floor beyond, or a leg of the
        // table's paint 10 cm behind.
        assert!(!on_up((4.0, [150, 140, 130]), false));
        assert!(!on_up((3.1, black), false));
        // A leg slanting in the photo: its upper end is what counts.
        assert!(on_up((3.01, black), true));
    }

    #[test]
    fn a_gap_without_depth_of_the_pieces_paint_joins_only_what_meets_across_it() {
        // Issue 3 (generated seeds 505, 533, 543 with noise): a blue cylinder in front of a
        // blue box, the sensor's dropout along the silhouette between them, were one thing
        // seen in two pieces.
        let gray = [120u8, 120, 120];
        let blue = [30u8, 50, 200];
        assert!(!joined_across(3.0, 3.3, blue, true));
        assert!(!joined_across(3.3, 3.0, blue, false), "what stands up behind a nearer thing");
        // Within one thing, its ends across the gap meet in range.
        assert!(joined_across(3.0, 3.02, blue, true));
        // Something of another paint that lost its depth hides what lies between.
        assert!(joined_across(3.0, 3.3, gray, true));
        // Below a nearer thing and beyond it: under it (a table's back leg under its top).
        assert!(joined_across(3.0, 3.6, blue, false));
    }

    // One row of 12 pixels: a red object (id 1) on pixels 0-2, pixels 3-10 without depth,
    // gray structure (0) on pixel 11. The photo shows red on 3-4 and gray on 9-10, and blue
    // (neither) on 5-8.
    #[test]
    fn pixels_without_depth_take_the_owner_of_their_colour() {
        let (red, gray, blue) = ([200u8, 30, 30], [120u8, 120, 120], [20u8, 40, 220]);
        let colours = [red, red, red, red, red, blue, blue, blue, blue, gray, gray, gray];
        let rgb: Vec<u8> = colours.iter().flatten().copied().collect();
        let known: Vec<bool> = (0..12).map(|i| i < 3 || i == 11).collect();
        let mut map = vec![1, 1, 1, 9, 9, 9, 9, 9, 9, 9, 9, 0];
        for (i, m) in map.iter_mut().enumerate() {
            if !known[i] {
                *m = 0;
            }
        }
        claim_depthless(&mut map, &known, &rgb, 12);
        assert_eq!(map, vec![1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]);
        // Beyond the reach a red hole stays unowned.
        let rgb: Vec<u8> = std::iter::repeat_n(red, 12).flatten().collect();
        let mut map = vec![1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        let known: Vec<bool> = (0..12).map(|i| i < 3).collect();
        claim_depthless(&mut map, &known, &rgb, 12);
        assert_eq!(map, vec![1; 3 + CLAIM_REACH].into_iter().chain(vec![0; 9 - CLAIM_REACH]).collect::<Vec<u16>>());
    }
}
