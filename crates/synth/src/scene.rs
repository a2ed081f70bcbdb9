//! Procedural tabletop scenes: a room, tables, boxes, spheres and cylinders, some stacked,
//! and a camera that looks at them; all deterministic from a seed.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use spatia_geom::math::{Mat3, Vec3};

use crate::palette::Colour;

/// Smallest object side or diameter, metres.
pub const MIN_SIZE: f32 = 0.05;
/// Largest object side or diameter, metres.
pub const MAX_SIZE: f32 = 0.40;
/// Free space kept between neighbouring objects' footprints, metres.
pub const CLEARANCE: f32 = 0.03;

/// What an object is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ShapeKind {
    /// A box (cuboid) standing on one face, turned about the vertical.
    Box,
    /// A sphere.
    Sphere,
    /// A cylinder standing upright.
    Cylinder,
    /// A table: a slab top on four legs.
    Table,
    /// A chair: a seat on four legs with an upright back along one edge (see
    /// [`chair_parts`]). Generated only where [`SceneParams::chairs`] asks for them.
    Chair,
}

/// One object of a scene, in the world frame (z up, floor at z = 0, metres).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Object {
    /// Instance id (1-based; the value in `instances.png`).
    pub id: u16,
    /// Shape.
    pub shape: ShapeKind,
    /// Colour.
    pub colour: Colour,
    /// Centre of the bounding box.
    pub centre: [f32; 3],
    /// Width (along the object's own x), depth (own y) and height, metres. For spheres and
    /// cylinders width = depth = diameter.
    pub size: [f32; 3],
    /// Rotation about the vertical, degrees.
    pub yaw_deg: f32,
    /// The object it rests on; `None` is the floor.
    pub on: Option<u16>,
}

impl Object {
    /// Bottom height.
    pub fn bottom(&self) -> f32 {
        self.centre[2] - self.size[2] / 2.0
    }

    /// Top height.
    pub fn top(&self) -> f32 {
        self.centre[2] + self.size[2] / 2.0
    }

    /// Radius of a circle holding the footprint.
    pub fn footprint_radius(&self) -> f32 {
        match self.shape {
            ShapeKind::Sphere | ShapeKind::Cylinder => self.size[0] / 2.0,
            _ => (self.size[0].powi(2) + self.size[1].powi(2)).sqrt() / 2.0,
        }
    }
}

/// The camera: intrinsics and pose.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CameraPose {
    /// Image width, pixels.
    pub width: usize,
    /// Image height, pixels.
    pub height: usize,
    /// Focal length x, pixels.
    pub fx: f32,
    /// Focal length y, pixels.
    pub fy: f32,
    /// Principal point x.
    pub cx: f32,
    /// Principal point y.
    pub cy: f32,
    /// Camera centre in the world frame.
    pub position: [f32; 3],
    /// Heading about the vertical, degrees.
    pub yaw_deg: f32,
    /// Pitch, degrees (negative looking down).
    pub pitch_deg: f32,
    /// Roll, degrees (positive when the camera's right side is raised).
    pub roll_deg: f32,
    /// Camera-to-world rotation, rows (columns are the camera's x, y, z axes in the world).
    pub rotation: [[f32; 3]; 3],
}

impl CameraPose {
    /// A camera at `position` with the given heading, pitch and roll (degrees).
    #[allow(clippy::too_many_arguments)]
    pub fn new(width: usize, height: usize, hfov_deg: f32, position: [f32; 3], yaw: f32, pitch: f32, roll: f32) -> Self {
        let k = spatia_geom::Intrinsics::from_hfov(width, height, hfov_deg);
        let (ys, ps, rs) = (yaw.to_radians(), pitch.to_radians(), roll.to_radians());
        let f = Vec3::new(ps.cos() * ys.cos(), ps.cos() * ys.sin(), ps.sin());
        let r0 = f.cross(&Vec3::z()).normalize();
        let d0 = f.cross(&r0);
        let r = r0 * rs.cos() - d0 * rs.sin();
        let d = f.cross(&r);
        let m = Mat3::from_columns(&[r, d, f]);
        let rotation = [0, 1, 2].map(|i| [m[(i, 0)], m[(i, 1)], m[(i, 2)]]);
        CameraPose {
            width,
            height,
            fx: k.fx,
            fy: k.fy,
            cx: k.cx,
            cy: k.cy,
            position,
            yaw_deg: yaw,
            pitch_deg: pitch,
            roll_deg: roll,
            rotation,
        }
    }

    /// Camera-to-world rotation matrix.
    pub fn rot(&self) -> Mat3 {
        Mat3::from_fn(|i, j| self.rotation[i][j])
    }

    /// A world point in the camera frame (OpenCV axes).
    pub fn world_to_camera(&self, p: [f32; 3]) -> [f32; 3] {
        let q = self.rot().transpose() * (Vec3::from(p) - Vec3::from(self.position));
        [q.x, q.y, q.z]
    }

    /// The intrinsics.
    pub fn intrinsics(&self) -> spatia_geom::Intrinsics {
        spatia_geom::Intrinsics { fx: self.fx, fy: self.fy, cx: self.cx, cy: self.cy }
    }

    /// A world point in spatia's scene frame: z up, origin on the floor below the camera,
    /// y the camera's forward direction projected on the floor.
    pub fn world_to_scene(&self, p: [f32; 3]) -> [f32; 3] {
        let fwd = self.rot().column(2).into_owned();
        let y = Vec3::new(fwd.x, fwd.y, 0.0).try_normalize(1e-6).unwrap_or_else(|| {
            let up = -self.rot().column(1).into_owned();
            Vec3::new(up.x, up.y, 0.0).normalize()
        });
        let x = y.cross(&Vec3::z());
        let d = Vec3::new(p[0] - self.position[0], p[1] - self.position[1], p[2]);
        [d.dot(&x), d.dot(&y), d.z]
    }
}

/// The room around the scene: a floor, four walls and a ceiling.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Room {
    /// Half the side of the square room, metres.
    pub half_size: f32,
    /// Ceiling height, metres.
    pub height: f32,
    /// Floor albedo.
    pub floor_rgb: [u8; 3],
    /// Wall albedo.
    pub wall_rgb: [u8; 3],
}

/// A generated scene.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scene {
    /// The seed it came from.
    pub seed: u64,
    /// The room.
    pub room: Room,
    /// Objects, ids 1..=n in order.
    pub objects: Vec<Object>,
    /// The camera.
    pub camera: CameraPose,
    /// Direction toward the light (world frame, unit).
    pub light: [f32; 3],
}

/// What to generate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SceneParams {
    /// Image width, pixels.
    pub width: usize,
    /// Image height, pixels.
    pub height: usize,
    /// Tables, at least one.
    pub tables: std::ops::RangeInclusive<usize>,
    /// Small objects (boxes, spheres, cylinders).
    pub objects: std::ops::RangeInclusive<usize>,
    /// Chance that an object is stacked on a box or cylinder when one can hold it.
    pub stack_chance: f32,
    /// Chance that an object goes on a table rather than the floor.
    pub table_chance: f32,
    /// Chairs on the floor (none by default: the scenes of a seed stay as they were).
    #[serde(default = "no_chairs")]
    pub chairs: std::ops::RangeInclusive<usize>,
}

fn no_chairs() -> std::ops::RangeInclusive<usize> {
    0..=0
}

impl Default for SceneParams {
    fn default() -> Self {
        SceneParams { width: 640, height: 480, tables: 1..=2, objects: 3..=7, stack_chance: 0.25, table_chance: 0.6, chairs: no_chairs() }
    }
}

/// Thickness of a table top, metres.
pub const TABLE_TOP: f32 = 0.04;
/// Side of a table's square legs, metres.
pub const TABLE_LEG: f32 = 0.05;
/// How far the legs stand in from the top's edges, metres.
pub const TABLE_LEG_INSET: f32 = 0.04;

/// A box primitive: centre, half-extents along the box's own axes, yaw in radians.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoxPart {
    /// Centre (world).
    pub centre: Vec3,
    /// Half-extents (own x, own y, z).
    pub half: Vec3,
    /// Rotation about z, radians.
    pub yaw: f32,
}

/// The top and four legs of a table.
pub fn table_parts(o: &Object) -> [BoxPart; 5] {
    let yaw = o.yaw_deg.to_radians();
    let (s, c) = yaw.sin_cos();
    let h = o.size[2];
    let top = BoxPart {
        centre: Vec3::new(o.centre[0], o.centre[1], h - TABLE_TOP / 2.0),
        half: Vec3::new(o.size[0] / 2.0, o.size[1] / 2.0, TABLE_TOP / 2.0),
        yaw,
    };
    let (lu, lv) = (o.size[0] / 2.0 - TABLE_LEG_INSET - TABLE_LEG / 2.0, o.size[1] / 2.0 - TABLE_LEG_INSET - TABLE_LEG / 2.0);
    let leg = |su: f32, sv: f32| BoxPart {
        centre: Vec3::new(o.centre[0] + c * su * lu - s * sv * lv, o.centre[1] + s * su * lu + c * sv * lv, (h - TABLE_TOP) / 2.0),
        half: Vec3::new(TABLE_LEG / 2.0, TABLE_LEG / 2.0, (h - TABLE_TOP) / 2.0),
        yaw,
    };
    [top, leg(-1.0, -1.0), leg(1.0, -1.0), leg(-1.0, 1.0), leg(1.0, 1.0)]
}

/// Thickness of a chair's seat and back, metres.
pub const CHAIR_SLAB: f32 = 0.04;
/// Side of a chair's square legs, metres.
pub const CHAIR_LEG: f32 = 0.04;

/// The seat, four legs and back of a chair whose seat is at `seat_height` (its top): the
/// back stands on the seat's edge at the object's own -y, as wide as the seat and up to the
/// chair's full height; the chair faces its own +y.
pub fn chair_parts(o: &Object, seat_height: f32) -> [BoxPart; 6] {
    let yaw = o.yaw_deg.to_radians();
    let (s, c) = yaw.sin_cos();
    let at = |u: f32, v: f32, z: f32| Vec3::new(o.centre[0] + c * u - s * v, o.centre[1] + s * u + c * v, z);
    let (hw, hd) = (o.size[0] / 2.0, o.size[1] / 2.0);
    let seat = BoxPart { centre: at(0.0, 0.0, seat_height - CHAIR_SLAB / 2.0), half: Vec3::new(hw, hd, CHAIR_SLAB / 2.0), yaw };
    let leg_h = seat_height - CHAIR_SLAB;
    let (lu, lv) = (hw - CHAIR_LEG / 2.0, hd - CHAIR_LEG / 2.0);
    let leg = |su: f32, sv: f32| BoxPart {
        centre: at(su * lu, sv * lv, leg_h / 2.0),
        half: Vec3::new(CHAIR_LEG / 2.0, CHAIR_LEG / 2.0, leg_h / 2.0),
        yaw,
    };
    let back_h = o.size[2] - seat_height;
    let back = BoxPart {
        centre: at(0.0, -hd + CHAIR_SLAB / 2.0, seat_height + back_h / 2.0),
        half: Vec3::new(hw, CHAIR_SLAB / 2.0, back_h / 2.0),
        yaw,
    };
    [seat, leg(-1.0, -1.0), leg(1.0, -1.0), leg(-1.0, 1.0), leg(1.0, 1.0), back]
}

/// Height of a generated chair's seat, metres: a fixed share of its full height (the
/// generator's chairs are 0.75-0.95 m tall with seats at 0.43-0.54 m).
pub fn chair_seat_height(o: &Object) -> f32 {
    0.57 * o.size[2]
}

fn dist2d(a: [f32; 3], b: Vec3) -> f32 {
    ((a[0] - b.x).powi(2) + (a[1] - b.y).powi(2)).sqrt()
}

/// Whether `probe` can stand where it is without touching anything but its support.
fn free(objects: &[Object], probe: &Object) -> bool {
    let r = probe.footprint_radius();
    objects.iter().all(|o| {
        if Some(o.id) == probe.on || probe.bottom() >= o.top() - 1e-4 || o.bottom() >= probe.top() - 1e-4 {
            return true;
        }
        if o.shape == ShapeKind::Table {
            let parts = table_parts(o);
            let legs_clear = parts[1..].iter().all(|l| dist2d(probe.centre, l.centre) > r + TABLE_LEG + CLEARANCE);
            // Under the top: only what stays clear of its underside.
            let under_top = probe.top() > o.top() - TABLE_TOP - CLEARANCE
                && dist2d(probe.centre, Vec3::from(o.centre)) < o.footprint_radius() + r + CLEARANCE;
            legs_clear && !under_top
        } else {
            dist2d(probe.centre, Vec3::from(o.centre)) > o.footprint_radius() + r + CLEARANCE
        }
    })
}

/// Generates a scene from a seed. The same seed and parameters always give the same scene.
pub fn generate(seed: u64, params: &SceneParams) -> Scene {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let room_half = rng.random_range(3.5..5.0f32);
    let grey = rng.random_range(150..185u8);
    let room = Room {
        half_size: room_half,
        height: rng.random_range(2.6..3.2f32),
        floor_rgb: [grey, grey.saturating_sub(12), grey.saturating_sub(28)],
        wall_rgb: [rng.random_range(205..225u8), rng.random_range(205..220u8), rng.random_range(195..210u8)],
    };
    let mut objects: Vec<Object> = Vec::new();

    let n_tables = rng.random_range(params.tables.clone()).max(1);
    let mut tries = 0;
    while objects.iter().filter(|o| o.shape == ShapeKind::Table).count() < n_tables && tries < 200 {
        tries += 1;
        let w = rng.random_range(0.8..1.5f32);
        let d = rng.random_range(0.55..0.9f32);
        let h = rng.random_range(0.6..0.8f32);
        let c = [rng.random_range(-1.2..1.2f32), rng.random_range(-1.2..1.2f32)];
        let r = (w * w + d * d).sqrt() / 2.0;
        let clear =
            objects.iter().all(|o| ((o.centre[0] - c[0]).powi(2) + (o.centre[1] - c[1]).powi(2)).sqrt() > o.footprint_radius() + r + 0.3);
        if !clear {
            continue;
        }
        let colour = Colour::TABLE[rng.random_range(0..Colour::TABLE.len())];
        let id = objects.len() as u16 + 1;
        let yaw = rng.random_range(0.0..180.0f32);
        objects.push(Object {
            id,
            shape: ShapeKind::Table,
            colour,
            centre: [c[0], c[1], h / 2.0],
            size: [w, d, h],
            yaw_deg: yaw,
            on: None,
        });
    }

    let n_small = rng.random_range(params.objects.clone());
    let mut placed = 0;
    let mut tries = 0;
    while placed < n_small && tries < 400 {
        tries += 1;
        let shape = [ShapeKind::Box, ShapeKind::Sphere, ShapeKind::Cylinder][rng.random_range(0..3)];
        let mut size = match shape {
            ShapeKind::Sphere => {
                let dia = rng.random_range(MIN_SIZE + 0.03..MAX_SIZE);
                [dia, dia, dia]
            }
            ShapeKind::Cylinder => {
                let dia = rng.random_range(MIN_SIZE + 0.03..MAX_SIZE * 0.75);
                [dia, dia, rng.random_range(MIN_SIZE + 0.03..MAX_SIZE)]
            }
            _ => [
                rng.random_range(MIN_SIZE + 0.03..MAX_SIZE),
                rng.random_range(MIN_SIZE + 0.03..MAX_SIZE),
                rng.random_range(MIN_SIZE + 0.03..MAX_SIZE),
            ],
        };
        // Choose a support: a box or cylinder top, a table top, or the floor.
        let stackable: Vec<usize> = objects
            .iter()
            .enumerate()
            .filter(|(_, o)| matches!(o.shape, ShapeKind::Box | ShapeKind::Cylinder) && o.top() < 1.3)
            .map(|(i, _)| i)
            .collect();
        let tables: Vec<usize> = objects.iter().enumerate().filter(|(_, o)| o.shape == ShapeKind::Table).map(|(i, _)| i).collect();
        let roll: f32 = rng.random();
        let support = if roll < params.stack_chance && !stackable.is_empty() {
            Some(stackable[rng.random_range(0..stackable.len())])
        } else if rng.random::<f32>() < params.table_chance {
            Some(tables[rng.random_range(0..tables.len())])
        } else {
            None
        };
        let (base, centre_xy, on) = match support {
            Some(si) => {
                let s = objects[si].clone();
                if s.shape != ShapeKind::Table {
                    // Stacked: the object must be smaller than the top it stands on.
                    let top_r = s.size[0].min(s.size[1]) / 2.0;
                    let scale = (top_r * 0.9 / (Object { size, shape, ..s.clone() }).footprint_radius()).min(1.0);
                    if scale < 0.999 {
                        size = [size[0] * scale, size[1] * scale, if shape == ShapeKind::Sphere { size[2] * scale } else { size[2] }];
                    }
                    if size[0].min(size[1]) < MIN_SIZE {
                        continue;
                    }
                    (s.top(), [s.centre[0], s.centre[1]], Some(s.id))
                } else {
                    let r = (Object { size, shape, ..s.clone() }).footprint_radius();
                    let (ys, yc) = (s.yaw_deg.to_radians().sin(), s.yaw_deg.to_radians().cos());
                    let (hu, hv) = (s.size[0] / 2.0 - r - 0.03, s.size[1] / 2.0 - r - 0.03);
                    if hu <= 0.0 || hv <= 0.0 {
                        continue;
                    }
                    let (u, v) = (rng.random_range(-hu..hu), rng.random_range(-hv..hv));
                    (s.top(), [s.centre[0] + yc * u - ys * v, s.centre[1] + ys * u + yc * v], Some(s.id))
                }
            }
            None => (0.0, [rng.random_range(-1.8..1.8f32), rng.random_range(-1.8..1.8f32)], None),
        };
        let probe = Object {
            id: objects.len() as u16 + 1,
            shape,
            colour: Colour::Red,
            centre: [centre_xy[0], centre_xy[1], base + size[2] / 2.0],
            size,
            yaw_deg: if shape == ShapeKind::Box { rng.random_range(0.0..90.0f32) } else { 0.0 },
            on,
        };
        if !free(&objects, &probe) {
            continue;
        }
        let below = on.map(|sid| objects[sid as usize - 1].colour);
        let colour = loop {
            let c = Colour::OBJECT[rng.random_range(0..Colour::OBJECT.len())];
            if Some(c) != below {
                break c;
            }
        };
        objects.push(Object { colour, ..probe });
        placed += 1;
    }

    // Chairs on the floor, clear of everything (asked for only: the random draws of a seed's
    // scene without chairs are unchanged).
    if *params.chairs.end() > 0 {
        let n_chairs = rng.random_range(params.chairs.clone());
        let (mut placed, mut tries) = (0, 0);
        while placed < n_chairs && tries < 200 {
            tries += 1;
            let (w, d, h) = (rng.random_range(0.4..0.5f32), rng.random_range(0.4..0.5f32), rng.random_range(0.75..0.95f32));
            let c = [rng.random_range(-1.8..1.8f32), rng.random_range(-1.8..1.8f32)];
            let probe = Object {
                id: objects.len() as u16 + 1,
                shape: ShapeKind::Chair,
                colour: Colour::TABLE[rng.random_range(0..Colour::TABLE.len())],
                centre: [c[0], c[1], h / 2.0],
                size: [w, d, h],
                yaw_deg: rng.random_range(0.0..360.0f32),
                on: None,
            };
            let r = probe.footprint_radius();
            if objects.iter().all(|o| dist2d(o.centre, Vec3::new(c[0], c[1], 0.0)) > o.footprint_radius() + r + 0.2) {
                objects.push(probe);
                placed += 1;
            }
        }
    }

    // The camera looks at the middle of the arrangement from outside it.
    let (mut cx, mut cy, mut cz) = (0.0, 0.0, 0.0);
    for o in &objects {
        cx += o.centre[0];
        cy += o.centre[1];
        cz += o.centre[2];
    }
    let n = objects.len().max(1) as f32;
    let target = Vec3::new(cx / n, cy / n, cz / n * 0.8);
    let spread = objects
        .iter()
        .map(|o| ((o.centre[0] - target.x).powi(2) + (o.centre[1] - target.y).powi(2)).sqrt() + o.footprint_radius())
        .fold(0.5f32, f32::max);
    let hfov = rng.random_range(55.0..70.0f32);
    let want = (spread / (hfov.to_radians() / 2.0).tan() * 1.1).max(1.6) + rng.random_range(0.0..0.6);
    // A heading from which the camera fits inside the room at (nearly) the wanted distance.
    let inner = room_half - 0.3;
    let room_for = |h: f32| {
        let (s, c) = h.sin_cos();
        let lim = |t: f32, d: f32| {
            if d > 1e-6 {
                (t + inner) / d
            } else if d < -1e-6 {
                (inner - t) / -d
            } else {
                f32::INFINITY
            }
        };
        lim(target.x, c).min(lim(target.y, s))
    };
    let mut hr = rng.random_range(0.0..std::f32::consts::TAU);
    for _ in 0..32 {
        if room_for(hr) >= want {
            break;
        }
        hr = rng.random_range(0.0..std::f32::consts::TAU);
    }
    let dist = want.min(room_for(hr));
    let height = rng.random_range(1.0..2.0f32);
    let pos = Vec3::new(target.x - dist * hr.cos(), target.y - dist * hr.sin(), height);
    let to = target - pos;
    let pitch = to.z.atan2((to.x * to.x + to.y * to.y).sqrt()).to_degrees() + rng.random_range(-4.0..4.0f32);
    let yaw = to.y.atan2(to.x).to_degrees() + rng.random_range(-4.0..4.0f32);
    let roll = rng.random_range(-5.0..5.0f32);
    let camera = CameraPose::new(params.width, params.height, hfov, [pos.x, pos.y, pos.z], yaw, pitch, roll);
    let light = Vec3::new(rng.random_range(-0.5..0.5f32), rng.random_range(-0.5..0.5f32), 1.0).normalize();
    Scene { seed, room, objects, camera, light: [light.x, light.y, light.z] }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_scene_and_objects_rest_on_something() {
        for seed in 0..40 {
            let a = generate(seed, &SceneParams::default());
            assert_eq!(a, generate(seed, &SceneParams::default()));
            assert!(a.objects.iter().any(|o| o.shape == ShapeKind::Table));
            for o in &a.objects {
                let base = o.on.map_or(0.0, |s| a.objects[s as usize - 1].top());
                assert!((o.bottom() - base).abs() < 1e-5, "seed {seed}: {o:?}");
                assert!(o.size.iter().all(|&s| s >= MIN_SIZE - 1e-6));
                if o.shape != ShapeKind::Table {
                    assert!(o.size.iter().all(|&s| s <= MAX_SIZE + 1e-6));
                }
            }
        }
    }

    #[test]
    fn chairs_stand_on_the_floor_and_leave_the_rest_of_the_scene_as_it_was() {
        for seed in 0..20 {
            let plain = generate(seed, &SceneParams::default());
            let with = generate(seed, &SceneParams { chairs: 1..=1, ..SceneParams::default() });
            let chairs: Vec<&Object> = with.objects.iter().filter(|o| o.shape == ShapeKind::Chair).collect();
            assert_eq!(chairs.len(), 1, "seed {seed}");
            assert!(chairs[0].on.is_none() && chairs[0].bottom().abs() < 1e-5);
            assert_eq!(&with.objects[..plain.objects.len()], &plain.objects[..], "seed {seed}");
            // The seat is a slab at the seat's height; the back rises from it to the top.
            let parts = chair_parts(chairs[0], chair_seat_height(chairs[0]));
            assert!((parts[0].centre.z + parts[0].half.z - chair_seat_height(chairs[0])).abs() < 1e-5);
            assert!((parts[5].centre.z + parts[5].half.z - chairs[0].top()).abs() < 1e-5);
        }
    }

    #[test]
    fn camera_axes_match_pitch_and_roll() {
        let c = CameraPose::new(640, 480, 60.0, [0.0, 0.0, 1.5], 30.0, -25.0, 4.0);
        let m = c.rot();
        // Camera forward points 25 degrees below the horizon.
        assert!((m.column(2).z - (-25.0f32).to_radians().sin()).abs() < 1e-5);
        // Columns are orthonormal and right-handed.
        assert!((m.determinant() - 1.0).abs() < 1e-5);
        // The camera's up in its own frame gives back pitch and roll as SceneFrame defines them.
        let up = m.transpose() * Vec3::z();
        let f = spatia_geom::SceneFrame::from_up(up, 1.5, spatia_geom::GroundSource::Floor);
        assert!((f.pitch_deg + 25.0).abs() < 1e-3, "{}", f.pitch_deg);
        assert!((f.roll_deg - 4.0).abs() < 1e-3, "{}", f.roll_deg);
    }
}
