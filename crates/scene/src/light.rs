//! The scene's light, from how the brightness of each object's pixels follows their normals,
//! so that a thing with no face toward the light is named by its paint and not by its shadow
//! (a white box lit only by the room's ambient light looks gray, an orange one brown).
//!
//! The model is one distant light plus ambient light: a pixel of paint `albedo` with unit
//! normal `n` has luminance `albedo (a + (1 - a) max(0, n . l))`, on the encoded (sRGB)
//! scale: a camera's tone curve is near a power law, under which shading stays a factor
//! per pixel, and its shape is what the ambient share `a` absorbs. The
//! direction `l` and the ambient share `a` are shared by the scene; each object has its own
//! albedo. For a candidate (`l`, `a`) each object's albedo has a closed form (least squares)
//! and so does its residual, from six sums over its pixels; the search runs over 400
//! directions, then 300 near the best, and 19 ambient shares (about 1 ms on a generated
//! scene). The light is used only where the model explains most of the brightness
//! variation within objects beyond the photo's own noise (70 %; 75-95 % on generated
//! scenes, where smoothed normals at rims and noise make the rest; with noisy depth the
//! scene gives the normals of the fitted shapes): real photos with several lights, gloss or texture leave
//! it unused (the Motorcycle: 1 %), and colours are named from the pixels as they are.

use spatia_geom::math::Vec3;

/// Share of the within-object brightness variance the model must explain to be used.
pub const MIN_EXPLAINED: f32 = 0.7;

/// Lights that explain within this share of the variance as much as the best one does are
/// about as likely. Where the objects show few directions of face (tops and fronts only,
/// under depth noise the fitted shapes' faces), a family of lights, from high with more
/// ambient light to low from behind with less, gives their faces the same ratios of
/// brightness: one of them is estimated, and which is chance (generated seeds 6, 140 and 188
/// with noise: a light from behind at 10-30 degrees above level, 15-35 % ambient, that
/// turned gray boxes white and a black one gray). The results are the same from 1 % to 10 %.
pub const NEAR_EXPLAINED: f32 = 0.05;

/// Objects whose brightness varies (more than one face or a curved side) needed to fix it.
const MIN_OBJECTS: usize = 3;

/// An object's brightness is uniform when its variance is under this share of its mean
/// square (about 5 % deviation).
pub const UNIFORM: f32 = 0.0025;

/// Pixels sampled per object.
const SAMPLES: usize = 64;

/// The estimated light.
#[derive(Debug, Clone, PartialEq)]
pub struct Light {
    /// Unit direction towards the light, scene frame.
    pub direction: Vec3,
    /// Share of full light that reaches a face turned away from it, linear.
    pub ambient: f32,
    /// Share of the within-object brightness variance the model explains, 0-1.
    pub explained: f32,
    /// The (direction, ambient share) of every light tried that explains it about as well.
    pub near: Vec<(Vec3, f32)>,
}

impl Light {
    /// Relative shading (1 = facing the light) of a face with unit normal `n`.
    pub fn shading(&self, n: Vec3) -> f32 {
        shading(self.direction, self.ambient, n)
    }
}

/// Relative shading of a face with unit normal `n` under a light from `direction` with
/// ambient share `ambient`.
pub fn shading(direction: Vec3, ambient: f32, n: Vec3) -> f32 {
    ambient + (1.0 - ambient) * n.dot(&direction).max(0.0)
}

/// Luminance of an sRGB colour, on the encoded scale (0-1).
pub fn luminance(c: [u8; 3]) -> f32 {
    (0.2126 * c[0] as f32 + 0.7152 * c[1] as f32 + 0.0722 * c[2] as f32) / 255.0
}

/// The variance of some luminances as a share of their mean square (0 for none or black).
pub fn relative_variance(ys: impl Iterator<Item = f32>) -> f32 {
    let (n, sum, sum2) = ys.fold((0.0f32, 0.0f32, 0.0f32), |(n, a, b), y| (n + 1.0, a + y, b + y * y));
    if sum2 <= 0.0 { 0.0 } else { (sum2 - sum * sum / n) / sum2 }
}

/// Estimates the light from objects given as (unit normals, colours) of their pixels; None
/// when too few objects vary in brightness or the model explains too little of it.
/// `photo_noise` is the standard deviation of the photo's luminance noise (0-1 scale,
/// measured on the photo by the scene's steps): the variation it makes is left out of both what the model
/// explains and what there is to explain. No model explains it, and as each object's
/// residual is relative to its brightness, on a dark thing it is most of the variation:
/// 4 levels of noise are a quarter of a black box's relative variance.
pub fn estimate(objects: &[(&[Vec3], &[[u8; 3]])], photo_noise: f32) -> Option<Light> {
    // Samples per object: (normal, luminance).
    let mut samples: Vec<Vec<(Vec3, f32)>> = Vec::new();
    let mut variances: Vec<f32> = Vec::new();
    // The expected residual of photo noise alone, per object, as a share of its mean square.
    let mut noise_share = 0.0f32;
    for (normals, colours) in objects {
        let n = normals.len().min(colours.len());
        if n < 8 {
            continue;
        }
        let step = n.div_ceil(SAMPLES);
        let s: Vec<(Vec3, f32)> = (0..n).step_by(step).map(|i| (normals[i], luminance(colours[i]))).collect();
        let sum2: f32 = s.iter().map(|p| p.1 * p.1).sum();
        let noise = if sum2 > 0.0 { (s.len() - 1) as f32 * photo_noise * photo_noise / sum2 } else { 0.0 };
        let variance = relative_variance(s.iter().map(|p| p.1));
        // Brightness that varies by under 5 % across the object, beyond the photo's noise,
        // says nothing of the light.
        if variance - noise < UNIFORM {
            continue;
        }
        variances.push(variance);
        noise_share += noise;
        samples.push(s);
    }
    if samples.len() < MIN_OBJECTS {
        return None;
    }
    let total_var: f32 = variances.iter().sum();
    let ambients: Vec<f32> = (1..20).map(|k| k as f32 * 0.05).collect();
    // Per object: sums of y, y^2 and the count, whatever the direction.
    let fixed: Vec<[f32; 3]> =
        samples.iter().map(|s| s.iter().fold([0.0f32; 3], |a, (_, y)| [a[0] + y, a[1] + y * y, a[2] + 1.0])).collect();
    // The best (residual, direction, ambient share) over some directions, taken `LANES` at
    // a time in one pass over each object's samples (each direction's sums in the order of
    // its samples, as one at a time).
    const LANES: usize = 8;
    // The lights within the margin of the best so far, for the near ones.
    let margin = NEAR_EXPLAINED * (total_var - noise_share);
    let mut tried: Vec<(f32, Vec3, f32)> = Vec::new();
    let mut search = |dirs: &mut dyn Iterator<Item = Vec3>, mut best: (f32, Vec3, f32)| {
        let dirs: Vec<Vec3> = dirs.collect();
        // Per object and direction: sums of y c, c and c^2, c = max(0, n . l).
        let mut sums = vec![[[0.0f32; 3]; LANES]; samples.len()];
        for chunk in dirs.chunks(LANES) {
            let lx: [f32; LANES] = std::array::from_fn(|k| chunk.get(k).map_or(0.0, |l| l.x));
            let ly: [f32; LANES] = std::array::from_fn(|k| chunk.get(k).map_or(0.0, |l| l.y));
            let lz: [f32; LANES] = std::array::from_fn(|k| chunk.get(k).map_or(0.0, |l| l.z));
            for (acc, s) in sums.iter_mut().zip(&samples) {
                let (mut yc, mut c1, mut c2) = ([0.0f32; LANES], [0.0f32; LANES], [0.0f32; LANES]);
                for (n, y) in s {
                    for k in 0..LANES {
                        let c = (n.x * lx[k] + n.y * ly[k] + n.z * lz[k]).max(0.0);
                        yc[k] += y * c;
                        c1[k] += c;
                        c2[k] += c * c;
                    }
                }
                for k in 0..LANES {
                    acc[k] = [yc[k], c1[k], c2[k]];
                }
            }
            for (k, &l) in chunk.iter().enumerate() {
                for &a in &ambients {
                    let b = 1.0 - a;
                    let mut res = 0.0f32;
                    for (s, f) in sums.iter().zip(&fixed) {
                        let (s, [sy, syy, count]) = (s[k], *f);
                        let ys = a * sy + b * s[0];
                        let ss = a * a * count + 2.0 * a * b * s[1] + b * b * s[2];
                        res += (syy - ys * ys / ss.max(1e-12)).max(0.0) / syy;
                    }
                    if res <= best.0 + margin {
                        tried.push((res, l, a));
                    }
                    if res < best.0 {
                        best = (res, l, a);
                    }
                }
            }
        }
        best
    };
    // Coarse: 400 directions over the sphere (about 10 degrees apart); fine: 300 within
    // 12 degrees of the best.
    let best = search(&mut cap(Vec3::z(), -1.0, 400), (f32::INFINITY, Vec3::z(), 0.5));
    let best = search(&mut cap(best.1, 12f32.to_radians().cos(), 300), best);
    let explained = 1.0 - (best.0 - noise_share).max(0.0) / (total_var - noise_share);
    let near: Vec<(Vec3, f32)> = tried.iter().filter(|t| t.0 <= best.0 + margin).map(|t| (t.1, t.2)).collect();
    (explained >= MIN_EXPLAINED).then_some(Light { direction: best.1, ambient: best.2, explained, near })
}

/// `count` directions spread evenly (a Fibonacci spiral) over the cap of directions whose
/// cosine to `axis` is at least `min_cos` (-1: the whole sphere).
fn cap(axis: Vec3, min_cos: f32, count: usize) -> impl Iterator<Item = Vec3> {
    let golden = std::f32::consts::PI * (3.0 - 5.0f32.sqrt());
    // A frame around the axis.
    let u = if axis.x.abs() < 0.9 { Vec3::x() } else { Vec3::y() };
    let e1 = axis.cross(&u).normalize();
    let e2 = axis.cross(&e1);
    (0..count).map(move |k| {
        let z = 1.0 - (1.0 - min_cos) * (k as f32 + 0.5) / count as f32;
        let r = (1.0 - z * z).max(0.0).sqrt();
        let t = golden * k as f32;
        axis * z + e1 * (r * t.cos()) + e2 * (r * t.sin())
    })
}

/// The colour of the paint under full light, from a colour seen where the relative
/// shading is `shading`: divided by it, though never past the brightest channel's full
/// scale (clamping channels one by one would change the hue: orange would turn yellow).
pub fn unshaded(c: [u8; 3], shading: f32) -> [u8; 3] {
    let top = c.iter().copied().max().unwrap_or(0).max(1) as f32;
    let gain = (1.0 / shading.max(0.05)).min(255.0 / top);
    c.map(|v| (v as f32 * gain).round().clamp(0.0, 255.0) as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Faces of a box (up, front, side) and a cylinder's side rendered under `light`.
    fn scene(light: &Light, paints: &[[u8; 3]]) -> Vec<(Vec<Vec3>, Vec<[u8; 3]>)> {
        let mut out = Vec::new();
        for (k, paint) in paints.iter().enumerate() {
            let mut normals = Vec::new();
            if k % 2 == 0 {
                for n in [Vec3::z(), -Vec3::y(), Vec3::x()] {
                    normals.extend(std::iter::repeat_n(n, 30));
                }
            } else {
                for j in 0..90 {
                    let t = std::f32::consts::PI * (1.0 + j as f32 / 89.0);
                    normals.push(Vec3::new(t.cos(), t.sin(), 0.0));
                }
            }
            let colours = normals.iter().map(|n| paint.map(|v| (v as f32 * light.shading(*n)).round() as u8)).collect();
            out.push((normals, colours));
        }
        out
    }

    #[test]
    fn recovers_a_light_and_the_paint_of_a_face_in_shadow() {
        let truth = Light { direction: Vec3::new(0.3, -0.5, 0.81).normalize(), ambient: 0.3, explained: 1.0, near: Vec::new() };
        let paints = [[250, 250, 250], [230, 120, 20], [40, 90, 200], [200, 30, 30], [128, 128, 128]];
        let objects = scene(&truth, &paints);
        let views: Vec<(&[Vec3], &[[u8; 3]])> = objects.iter().map(|(n, c)| (n.as_slice(), c.as_slice())).collect();
        let light = estimate(&views, 0.0).expect("a light");
        assert!(light.direction.dot(&truth.direction) > 0.99, "{light:?}");
        assert!((light.ambient - 0.3).abs() < 0.03, "{light:?}");
        assert!(light.explained > 0.99, "{light:?}");
        // A white face turned away from the light looks gray; unshaded, it is white again.
        let away = Vec3::new(-0.3, 0.5, -0.81).normalize();
        let seen = [250u8; 3].map(|v| (v as f32 * truth.shading(away)).round() as u8);
        assert!(seen[0] < 160, "{seen:?}");
        let paint = unshaded(seen, light.shading(away));
        assert!(paint.iter().all(|&v| v >= 240), "{paint:?}");
    }

    #[test]
    fn lights_that_explain_faces_seen_from_two_sides_as_well_are_kept_as_near() {
        let truth = Light { direction: Vec3::new(0.1, 0.3, 0.95).normalize(), ambient: 0.5, explained: 1.0, near: Vec::new() };
        let paints = [[250, 250, 250], [230, 120, 20], [40, 90, 200], [200, 30, 30]];
        // Boxes seen on their tops and fronts only: the faces' ratio of brightness is all
        // the photo tells, and lights from higher or lower give it with other ambient shares.
        let objects: Vec<(Vec<Vec3>, Vec<[u8; 3]>)> = paints
            .iter()
            .map(|paint| {
                let normals: Vec<Vec3> = (0..60).map(|j| if j % 2 == 0 { Vec3::z() } else { -Vec3::y() }).collect();
                let colours = normals.iter().map(|n| paint.map(|v| (v as f32 * truth.shading(*n)).round() as u8)).collect();
                (normals, colours)
            })
            .collect();
        let views: Vec<(&[Vec3], &[[u8; 3]])> = objects.iter().map(|(n, c)| (n.as_slice(), c.as_slice())).collect();
        let light = estimate(&views, 0.0).expect("a light");
        let spread = light.near.iter().map(|(d, _)| d.dot(&light.direction)).fold(1.0f32, f32::min);
        assert!(spread < 0.9, "near lights within {} degrees", spread.acos().to_degrees());
        // With faces turned three ways and curved sides the light is fixed: every near light
        // is close to it.
        let truth = Light { direction: Vec3::new(0.3, -0.5, 0.81).normalize(), ..truth };
        let objects = scene(&truth, &paints);
        let views: Vec<(&[Vec3], &[[u8; 3]])> = objects.iter().map(|(n, c)| (n.as_slice(), c.as_slice())).collect();
        let light = estimate(&views, 0.0).expect("a light");
        assert!(light.near.iter().all(|(d, a)| d.dot(&truth.direction) > 0.97 && (a - 0.5).abs() <= 0.1), "{light:?}");
    }

    #[test]
    fn the_photo_noise_is_not_counted_against_the_light() {
        // Dark paints under seeded photo noise of 4 levels: on their low brightness the
        // noise is a large share of the variation, which no light explains.
        let truth = Light { direction: Vec3::new(0.3, -0.5, 0.81).normalize(), ambient: 0.4, explained: 1.0, near: Vec::new() };
        let mut state = 0x9e37_79b9_u32;
        let mut gauss = move || {
            let mut uniform = || {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                (state as f32 + 0.5) / (u32::MAX as f32 + 1.0)
            };
            (-2.0 * uniform().ln()).sqrt() * (std::f32::consts::TAU * uniform()).cos()
        };
        let objects: Vec<(Vec<Vec3>, Vec<[u8; 3]>)> = scene(&truth, &[[40, 40, 40], [60, 30, 20], [20, 30, 70], [50, 20, 20]])
            .into_iter()
            .map(|(n, c)| (n, c.into_iter().map(|c| c.map(|v| (v as f32 + 4.0 * gauss()).round().clamp(0.0, 255.0) as u8)).collect()))
            .collect();
        let views: Vec<(&[Vec3], &[[u8; 3]])> = objects.iter().map(|(n, c)| (n.as_slice(), c.as_slice())).collect();
        let sigma = 4.0 / 255.0 * (0.2126f32.powi(2) + 0.7152f32.powi(2) + 0.0722f32.powi(2)).sqrt();
        let light = estimate(&views, sigma).expect("a light beyond the noise");
        assert!(light.direction.dot(&truth.direction) > 0.97 && light.explained > 0.85, "{light:?}");
        // Counted against it, the noise leaves the model short of the share it needs.
        assert!(estimate(&views, 0.0).is_none());
    }

    #[test]
    fn no_light_where_brightness_does_not_follow_the_normals() {
        // Seeded pseudo-random brightness per pixel: texture, not shading.
        let mut xs = crate::testutil::xorshift(0x2545_f491_u32);
        let mut next = move || (xs() % 200) as u8 + 30;
        let objects: Vec<(Vec<Vec3>, Vec<[u8; 3]>)> = (0..6)
            .map(|_| {
                let normals: Vec<Vec3> = (0..90).map(|j| [Vec3::z(), -Vec3::y(), Vec3::x()][j % 3]).collect();
                let colours = (0..90).map(|_| [next(); 3]).collect();
                (normals, colours)
            })
            .collect();
        let views: Vec<(&[Vec3], &[[u8; 3]])> = objects.iter().map(|(n, c)| (n.as_slice(), c.as_slice())).collect();
        assert!(estimate(&views, 0.0).is_none());
    }
}
