//! The ray-cast renderer: exact depth, instance ids and Lambert-shaded colour per pixel,
//! rows in parallel; optional sensor noise applied afterwards with its own seed.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use spatia_geom::math::Vec3;

use crate::scene::{BoxPart, Scene, ShapeKind, chair_parts, chair_seat_height, table_parts};

/// A rendered view: colour, depth (metres along the camera z, 0 = none) and instance ids
/// (0 = floor, walls, ceiling or nothing).
#[derive(Debug, Clone)]
pub struct Render {
    /// Width, pixels.
    pub width: usize,
    /// Height, pixels.
    pub height: usize,
    /// Row-major RGB.
    pub rgb: Vec<[u8; 3]>,
    /// Row-major depth, metres.
    pub depth: Vec<f32>,
    /// Row-major instance ids.
    pub instances: Vec<u16>,
}

/// Depth-sensor and colour noise, as structured-light sensors show it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Noise {
    /// Depth noise standard deviation at `z`: `sigma0 + sigma2 * (z - 0.4)^2` metres
    /// (the Kinect model of Nguyen et al.).
    pub sigma0: f32,
    /// See `sigma0`.
    pub sigma2: f32,
    /// Depth quantisation step, metres (1 mm: what a uint16 millimetre PNG keeps anyway).
    pub quantum: f32,
    /// Chance that a pixel next to a depth edge loses its depth.
    pub edge_dropout: f32,
    /// Depth jump that makes an edge for `edge_dropout`, metres.
    pub edge_jump: f32,
    /// Chance that any pixel loses its depth.
    pub random_dropout: f32,
    /// Colour noise standard deviation, 8-bit levels.
    pub rgb_sigma: f32,
    /// Seed of the noise.
    pub seed: u64,
}

impl Default for Noise {
    fn default() -> Self {
        Noise {
            sigma0: 0.0012,
            sigma2: 0.0019,
            quantum: 0.001,
            edge_dropout: 0.5,
            edge_jump: 0.05,
            random_dropout: 0.005,
            rgb_sigma: 4.0,
            seed: 0,
        }
    }
}

#[derive(Clone, Copy)]
enum Prim {
    Plane { n: Vec3, d: f32, id: u16, rgb: [u8; 3], floor: bool },
    Box { b: BoxPart, id: u16, rgb: [u8; 3] },
    Sphere { c: Vec3, r: f32, id: u16, rgb: [u8; 3] },
    Cylinder { c: Vec3, r: f32, z0: f32, z1: f32, id: u16, rgb: [u8; 3] },
}

const EPS: f32 = 1e-6;

impl Prim {
    /// Nearest hit along `o + t d` with `t > tmin`: distance parameter and outward normal.
    fn hit(&self, o: &Vec3, d: &Vec3) -> Option<(f32, Vec3)> {
        match *self {
            Prim::Plane { n, d: off, .. } => {
                let den = n.dot(d);
                if den.abs() < EPS {
                    return None;
                }
                let t = -(n.dot(o) + off) / den;
                (t > EPS).then_some((t, n))
            }
            Prim::Sphere { c, r, .. } => {
                let oc = o - c;
                let a = d.dot(d);
                let b = oc.dot(d);
                let disc = b * b - a * (oc.dot(&oc) - r * r);
                if disc < 0.0 {
                    return None;
                }
                let t = (-b - disc.sqrt()) / a;
                (t > EPS).then(|| (t, (o + d * t - c) / r))
            }
            Prim::Cylinder { c, r, z0, z1, .. } => {
                let mut best: Option<(f32, Vec3)> = None;
                let (ox, oy, dx, dy) = (o.x - c.x, o.y - c.y, d.x, d.y);
                let a = dx * dx + dy * dy;
                if a > EPS {
                    let b = ox * dx + oy * dy;
                    let disc = b * b - a * (ox * ox + oy * oy - r * r);
                    if disc >= 0.0 {
                        let t = (-b - disc.sqrt()) / a;
                        let z = o.z + d.z * t;
                        if t > EPS && z >= z0 && z <= z1 {
                            best = Some((t, Vec3::new(ox + dx * t, oy + dy * t, 0.0) / r));
                        }
                    }
                }
                for (zc, nz) in [(z1, 1.0f32), (z0, -1.0)] {
                    if d.z.abs() > EPS {
                        let t = (zc - o.z) / d.z;
                        let (px, py) = (ox + dx * t, oy + dy * t);
                        if t > EPS && px * px + py * py <= r * r && best.is_none_or(|(bt, _)| t < bt) {
                            best = Some((t, Vec3::new(0.0, 0.0, nz)));
                        }
                    }
                }
                best
            }
            Prim::Box { b, .. } => {
                let (s, cs) = b.yaw.sin_cos();
                // Into the box's frame.
                let to = |v: Vec3| Vec3::new(cs * v.x + s * v.y, -s * v.x + cs * v.y, v.z);
                let lo = to(o - b.centre);
                let ld = to(*d);
                let (mut tmin, mut tmax) = (f32::NEG_INFINITY, f32::INFINITY);
                let mut axis = 0;
                let mut sign = 1.0;
                for k in 0..3 {
                    if ld[k].abs() < EPS {
                        if lo[k].abs() > b.half[k] {
                            return None;
                        }
                        continue;
                    }
                    let t1 = (-b.half[k] - lo[k]) / ld[k];
                    let t2 = (b.half[k] - lo[k]) / ld[k];
                    let (near, far, sg) = if t1 < t2 { (t1, t2, -1.0) } else { (t2, t1, 1.0) };
                    if near > tmin {
                        tmin = near;
                        axis = k;
                        sign = sg;
                    }
                    tmax = tmax.min(far);
                }
                if tmin > tmax || tmin <= EPS {
                    return None;
                }
                let mut ln = Vec3::zeros();
                ln[axis] = sign;
                // Back to the world frame.
                let n = Vec3::new(cs * ln.x - s * ln.y, s * ln.x + cs * ln.y, ln.z);
                Some((tmin, n))
            }
        }
    }

    fn id_rgb(&self) -> (u16, [u8; 3]) {
        match *self {
            Prim::Plane { id, rgb, .. } | Prim::Box { id, rgb, .. } | Prim::Sphere { id, rgb, .. } | Prim::Cylinder { id, rgb, .. } => {
                (id, rgb)
            }
        }
    }
}

fn primitives(scene: &Scene) -> Vec<Prim> {
    let r = &scene.room;
    let mut out = vec![
        Prim::Plane { n: Vec3::z(), d: 0.0, id: 0, rgb: r.floor_rgb, floor: true },
        Prim::Plane { n: -Vec3::z(), d: r.height, id: 0, rgb: r.wall_rgb, floor: false },
    ];
    for (n, d) in [(Vec3::x(), r.half_size), (-Vec3::x(), r.half_size), (Vec3::y(), r.half_size), (-Vec3::y(), r.half_size)] {
        out.push(Prim::Plane { n, d, id: 0, rgb: r.wall_rgb, floor: false });
    }
    for o in &scene.objects {
        let rgb = o.colour.rgb();
        let c = Vec3::from(o.centre);
        match o.shape {
            ShapeKind::Table => {
                out.extend(table_parts(o).map(|b| Prim::Box { b, id: o.id, rgb }));
            }
            ShapeKind::Chair => {
                out.extend(chair_parts(o, chair_seat_height(o)).map(|b| Prim::Box { b, id: o.id, rgb }));
            }
            ShapeKind::Box => {
                out.push(Prim::Box { b: BoxPart { centre: c, half: Vec3::from(o.size) / 2.0, yaw: o.yaw_deg.to_radians() }, id: o.id, rgb })
            }
            ShapeKind::Sphere => out.push(Prim::Sphere { c, r: o.size[0] / 2.0, id: o.id, rgb }),
            ShapeKind::Cylinder => out.push(Prim::Cylinder { c, r: o.size[0] / 2.0, z0: o.bottom(), z1: o.top(), id: o.id, rgb }),
        }
    }
    out
}

/// Renders the scene without noise.
pub fn render(scene: &Scene) -> Render {
    let cam = &scene.camera;
    let (w, h) = (cam.width, cam.height);
    let rot = cam.rot();
    let origin = Vec3::from(cam.position);
    let prims = primitives(scene);
    let light = Vec3::from(scene.light);
    let rows: Vec<Vec<([u8; 3], f32, u16)>> = (0..h)
        .into_par_iter()
        .map(|v| {
            (0..w)
                .map(|u| {
                    // With the camera-frame direction's z = 1, the hit parameter is the depth.
                    let dc = Vec3::new((u as f32 - cam.cx) / cam.fx, (v as f32 - cam.cy) / cam.fy, 1.0);
                    let d = rot * dc;
                    let mut best: Option<(f32, Vec3, &Prim)> = None;
                    for p in &prims {
                        if let Some((t, n)) = p.hit(&origin, &d) {
                            if best.is_none_or(|(bt, _, _)| t < bt) {
                                best = Some((t, n, p));
                            }
                        }
                    }
                    match best {
                        None => ([0, 0, 0], 0.0, 0),
                        Some((t, n, p)) => {
                            let (id, mut rgb) = p.id_rgb();
                            if let Prim::Plane { floor: true, .. } = p {
                                // A faint 0.5 m checker keeps the floor from being featureless.
                                let hp = origin + d * t;
                                let check = ((hp.x / 0.5).floor() as i64 + (hp.y / 0.5).floor() as i64).rem_euclid(2);
                                rgb = rgb.map(|c| c.saturating_sub(if check == 0 { 0 } else { 10 }));
                            }
                            let n = if n.dot(&d) > 0.0 { -n } else { n };
                            let shade = 0.5 + 0.5 * n.dot(&light).max(0.0);
                            (rgb.map(|c| (c as f32 * shade).round().clamp(0.0, 255.0) as u8), t, id)
                        }
                    }
                })
                .collect()
        })
        .collect();
    let mut out = Render {
        width: w,
        height: h,
        rgb: Vec::with_capacity(w * h),
        depth: Vec::with_capacity(w * h),
        instances: Vec::with_capacity(w * h),
    };
    for row in rows {
        for (c, z, id) in row {
            out.rgb.push(c);
            out.depth.push(z);
            out.instances.push(id);
        }
    }
    out
}

impl Render {
    /// Applies sensor noise (see [`Noise`]); deterministic for `noise.seed`.
    pub fn with_noise(mut self, noise: &Noise) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(noise.seed);
        let (w, h) = (self.width, self.height);
        let clean = self.depth.clone();
        for i in 0..w * h {
            let z = clean[i];
            if z <= 0.0 {
                continue;
            }
            let (x, y) = (i % w, i / w);
            let near_edge = [(1i64, 0i64), (-1, 0), (0, 1), (0, -1)].iter().any(|(dx, dy)| {
                let (nx, ny) = (x as i64 + dx, y as i64 + dy);
                nx >= 0 && ny >= 0 && (nx as usize) < w && (ny as usize) < h && {
                    let zn = clean[ny as usize * w + nx as usize];
                    zn > 0.0 && (zn - z).abs() > noise.edge_jump
                }
            });
            let drop = rng.random::<f32>() < noise.random_dropout || (near_edge && rng.random::<f32>() < noise.edge_dropout);
            let sigma = noise.sigma0 + noise.sigma2 * (z - 0.4).powi(2);
            let zn = z + sigma * rng.sample::<f32, _>(StandardNormal);
            self.depth[i] = if drop { 0.0 } else { ((zn / noise.quantum).round() * noise.quantum).max(0.0) };
        }
        if noise.rgb_sigma > 0.0 {
            for c in &mut self.rgb {
                for v in c.iter_mut() {
                    *v = (*v as f32 + noise.rgb_sigma * rng.sample::<f32, _>(StandardNormal)).round().clamp(0.0, 255.0) as u8;
                }
            }
        }
        self
    }

    /// Pixels of each instance id (index = id).
    pub fn pixel_counts(&self, max_id: u16) -> Vec<usize> {
        let mut counts = vec![0; max_id as usize + 1];
        for &id in &self.instances {
            if (id as usize) < counts.len() {
                counts[id as usize] += 1;
            }
        }
        counts
    }
}
