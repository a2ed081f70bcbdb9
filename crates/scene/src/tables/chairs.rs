//! Chairs: a seat, level and small, at sitting height, an upright back rising from one of
//! its edges, and legs under it. Region growing leaves their pieces apart: the back meets
//! the seat at a crease (a face rising from an up-facing surface, which growing does not
//! cross), and thin legs come away as they do from tables. Pieces of one paint are
//! gathered onto the seat by where they stand: the back on the seat's outline, starting at
//! its height; legs under the outline, reaching down from it. The group is a chair when,
//! together, what rises above the seat is a thin upright sheet along one edge, about as
//! wide as the seat, and what is under it is open (legs, not a box's side).

use std::collections::{BTreeMap, HashMap};

use spatia_geom::math::Vec2;

use super::{Groups, Pieces, move_group};
use crate::colour;
use crate::segment::{self, inside, polygon_area};

/// Heights a seat may have, metres (a low stool to a bar stool).
const SEAT_HEIGHTS: std::ops::RangeInclusive<f32> = 0.25..=0.85;
/// Largest seat, square metres (a bench is not a chair; a table's top is larger).
const MAX_SEAT_AREA: f32 = 0.45;
/// Longest side of a seat's outline, metres.
const MAX_SEAT_SIDE: f32 = 0.7;
/// Smallest seat seen, square metres (seen from behind, the back hides most of it).
const MIN_SEAT_AREA: f32 = 0.01;
/// Up-facing pixels a seat needs.
const SEAT_PIXELS: usize = 20;
/// The back rises at least this far above the seat, metres.
const MIN_BACK_RISE: f32 = 0.15;
/// ...and at most this far.
const MAX_BACK_RISE: f32 = 0.9;
/// How far beyond the seat's outline a back or a leg may stand, metres (a back leans out,
/// a leg splays; the outline is seen from one side).
const OUTLINE_MARGIN: f32 = 0.08;
/// A back is at most this thick, metres (noise allowed besides).
const MAX_BACK_THICKNESS: f32 = 0.08;
/// A back spans at least this share of the seat across.
const MIN_BACK_SPAN: f32 = 0.5;

/// A candidate seat: its height, its outline, and the outline of all that is at its height
/// or above (seat and back: seen from behind, the back hides most of the seat).
struct Seat {
    height: f32,
    outline: Vec<Vec2>,
    upper: Vec<Vec2>,
}

/// The seat of the pixels `ids`: the median height of their up-facing pixels, if at sitting
/// height, and the outline of those within 3 cm of it (noise allowing), if of a seat's size;
/// and the outline of those from 3 cm under it up.
fn seat(ids: &[u32], p: &Pieces) -> Option<Seat> {
    let cos_up = p.cfg.up_deg.to_radians().cos();
    let tol = 0.03 + 2.0 * p.noise(ids);
    let mut up: Vec<[f32; 3]> = ids.iter().filter(|&&i| p.seg.normals[i as usize][2] > cos_up).map(|&i| p.seg.points[i as usize]).collect();
    if up.len() < SEAT_PIXELS {
        // Under noise a small seat's smoothed normals take in its back and edges: the seat
        // is then where the points crowd at one height.
        up = crowded_level(ids, p)?;
    }
    let height = crate::shape::median(up.iter().map(|q| q[2]).collect());
    if !SEAT_HEIGHTS.contains(&height) {
        return None;
    }
    let level: Vec<Vec2> = up.iter().filter(|q| (q[2] - height).abs() <= tol).map(|q| Vec2::new(q[0], q[1])).collect();
    if level.len() < SEAT_PIXELS {
        return None;
    }
    // (A rectangle with sides of at most `MAX_SEAT_SIDE` spans at most that times the root
    // of two along either axis: a table's top is ruled out before its outline is found.)
    let (lo, hi) = level.iter().fold((Vec2::repeat(f32::MAX), Vec2::repeat(f32::MIN)), |(lo, hi), v| (lo.inf(v), hi.sup(v)));
    if (hi - lo).max() > std::f32::consts::SQRT_2 * MAX_SEAT_SIDE {
        return None;
    }
    let outline = spatia_geom::convex_hull(level);
    let area = polygon_area(&outline);
    let side = 2.0 * spatia_geom::min_area_rect(&outline).2.max();
    if !(MIN_SEAT_AREA..=MAX_SEAT_AREA).contains(&area) || side > MAX_SEAT_SIDE {
        return None;
    }
    let upper = spatia_geom::convex_hull(
        ids.iter().map(|&i| p.seg.points[i as usize]).filter(|q| q[2] >= height - tol).map(|q| Vec2::new(q[0], q[1])).collect(),
    );
    Some(Seat { height, outline, upper })
}

/// Bins of height for [`crowded_level`], metres.
const LEVEL_BIN: f32 = 0.02;

/// The points of the pixels `ids` within two bins of the 2 cm band of sitting height
/// ([`SEAT_HEIGHTS`]) that holds most of them, where it holds at least three times their
/// mean share per band over the heights they span (a level surface seen from above; the
/// sides of a box or a cylinder spread evenly).
fn crowded_level(ids: &[u32], p: &Pieces) -> Option<Vec<[f32; 3]>> {
    let pts: Vec<[f32; 3]> = ids.iter().map(|&i| p.seg.points[i as usize]).collect();
    let (zmin, zmax) = pts.iter().fold((f32::MAX, f32::MIN), |(a, b), q| (a.min(q[2]), b.max(q[2])));
    let (lo, hi) = (*SEAT_HEIGHTS.start(), *SEAT_HEIGHTS.end());
    let n_bins = ((hi - lo) / LEVEL_BIN).ceil() as usize;
    let mut bins = vec![0usize; n_bins];
    for q in &pts {
        if (lo..hi).contains(&q[2]) {
            bins[(((q[2] - lo) / LEVEL_BIN) as usize).min(n_bins - 1)] += 1;
        }
    }
    let (k, &most) = bins.iter().enumerate().max_by_key(|&(k, &n)| (n, std::cmp::Reverse(k)))?;
    let mean = pts.len() as f32 / ((zmax - zmin) / LEVEL_BIN).max(1.0);
    if (most as f32) < 3.0 * mean || most < SEAT_PIXELS {
        return None;
    }
    let centre = lo + (k as f32 + 0.5) * LEVEL_BIN;
    Some(pts.into_iter().filter(|q| (q[2] - centre).abs() <= 2.0 * LEVEL_BIN).collect())
}

/// Whether most (four fifths) of the points `pts` stand within the outline of the seat and
/// what is above it, `margin` beyond it allowed.
fn over(seat: &Seat, pts: &[[f32; 3]], margin: f32) -> bool {
    let n = pts.iter().filter(|q| inside(&seat.upper, Vec2::new(q[0], q[1]), margin)).count();
    n * 5 >= pts.len() * 4
}

/// Gathers the pieces of each chair onto its seat's group and returns the chairs' keys with
/// their seat heights; groups taken for tables that prove chairs are tables no more.
pub(super) fn assemble(groups: &mut Groups, tables: &mut HashMap<u32, bool>, p: &Pieces) -> BTreeMap<u32, f32> {
    let min_px = p.pixels(p.cfg.min_object_pixels);
    let seats: Vec<(u32, Seat)> =
        groups.iter().filter(|(_, ids)| ids.len() >= min_px).filter_map(|(&k, ids)| Some((k, seat(ids, p)?))).collect();
    let mut chairs = BTreeMap::new();
    for (key, s) in seats {
        let Some(ids) = groups.get(&key) else { continue };
        let paint = p.group_paint(ids);
        let noise = p.noise(ids);
        let margin = OUTLINE_MARGIN + 2.0 * noise;
        // Pieces of its paint that stand as a back or legs stand.
        let partners: Vec<u32> = groups
            .iter()
            .filter(|&(&k, o)| k != key && !o.is_empty())
            .filter(|(_, o)| colour::one_paint_apart(p.group_paint(o), paint, p.cfg.max_chroma))
            .filter(|(_, o)| {
                let pts: Vec<[f32; 3]> = o.iter().map(|&i| p.seg.points[i as usize]).collect();
                let (zmin, zmax) = pts.iter().fold((f32::MAX, f32::MIN), |(a, b), q| (a.min(q[2]), b.max(q[2])));
                // A back starts at the seat, or comes up from the floor with the back legs
                // as one upright sheet.
                let back = (zmin >= s.height - 0.06 - 2.0 * noise || sheet(&pts).thickness <= MAX_BACK_THICKNESS + 2.0 * noise)
                    && zmax >= s.height + MIN_BACK_RISE
                    && zmax <= s.height + MAX_BACK_RISE;
                let leg = zmax <= s.height + 0.02 + 2.0 * noise && zmin <= 0.5 * s.height && span(&pts) <= segment::LEG_SPAN + 2.0 * noise;
                (back || leg) && over(&s, &pts, margin)
            })
            .map(|(&k, _)| k)
            .collect();
        let mut ids: Vec<u32> = groups[&key].clone();
        for k in &partners {
            ids.extend(&groups[k]);
        }
        if !chair_like(&ids, &s, noise, p) {
            continue;
        }
        for k in partners {
            move_group(groups, tables, k, key);
        }
        tables.insert(key, false);
        chairs.insert(key, s.height);
    }
    chairs
}

/// The groups that are chairs as they stand, with their seat heights.
pub(super) fn among(groups: &Groups, p: &Pieces) -> BTreeMap<u32, f32> {
    let min_px = p.pixels(p.cfg.min_object_pixels);
    groups
        .iter()
        .filter(|(_, ids)| ids.len() >= min_px)
        .filter_map(|(&k, ids)| {
            let s = seat(ids, p)?;
            chair_like(ids, &s, p.noise(ids), p).then_some((k, s.height))
        })
        .collect()
}

/// The widest horizontal extent of points, metres.
fn span(pts: &[[f32; 3]]) -> f32 {
    let (lo, hi) = pts.iter().fold((Vec2::repeat(f32::MAX), Vec2::repeat(f32::MIN)), |(lo, hi), q| {
        let v = Vec2::new(q[0], q[1]);
        (lo.inf(&v), hi.sup(&v))
    });
    (hi - lo).norm()
}

/// Whether the pixels `ids` over the seat `s` make a chair: what rises above the seat is an
/// upright sheet, thin, about as wide as the seat, along one of its edges (not a thing
/// standing in its middle), and what stands under the seat is legs, not a broad side.
fn chair_like(ids: &[u32], s: &Seat, noise: f32, p: &Pieces) -> bool {
    let pts: Vec<[f32; 3]> = ids.iter().map(|&i| p.seg.points[i as usize]).collect();
    let above: Vec<[f32; 3]> = pts.iter().filter(|q| q[2] > s.height + 0.05 + 2.0 * noise).copied().collect();
    if above.len() < p.pixels(p.cfg.min_object_pixels) {
        return false;
    }
    let top = above.iter().map(|q| q[2]).fold(f32::MIN, f32::max);
    if top < s.height + MIN_BACK_RISE || top > s.height + MAX_BACK_RISE {
        return false;
    }
    let Sheet { thickness, width, along, mean } = sheet(&above);
    if thickness > MAX_BACK_THICKNESS + 2.0 * noise {
        return false;
    }
    let seat_across = {
        let proj: Vec<f32> = s.outline.iter().map(|v| v.dot(&along)).collect();
        proj.iter().cloned().fold(f32::MIN, f32::max) - proj.iter().cloned().fold(f32::MAX, f32::min)
    };
    if width < MIN_BACK_SPAN * seat_across {
        return false;
    }
    // Along an edge: the sheet's centre lies in the outer half of the seat across it.
    let middle = s.outline.iter().sum::<Vec2>() / s.outline.len().max(1) as f32;
    let normal = Vec2::new(-along.y, along.x);
    let reach = s.outline.iter().map(|v| (v - middle).dot(&normal).abs()).fold(0.0f32, f32::max);
    if (mean - middle).dot(&normal).abs() < 0.5 * reach {
        return false;
    }
    let under: Vec<[f32; 3]> = pts.iter().filter(|q| q[2] < s.height - 0.08 - 2.0 * noise && q[2] > 0.03 + 2.0 * noise).copied().collect();
    // Open underneath: legs, narrow pieces of which one at least reaches down (or whose
    // lower parts a nearer thing hides), and nothing broad between the floor and the seat.
    let clusters = super::clusters(&under);
    let broad = clusters.iter().any(|c| (c.hi - c.lo).norm() > segment::LEG_SPAN + 4.0 * noise);
    let legs = clusters.iter().filter(|c| c.zlo < 0.5 * s.height).count();
    !broad && (legs >= 1 || hidden_below(ids, noise, p))
}

/// Whether a nearer thing hides what is below the pixels `ids` in the photo: under most of
/// their columns' lowest pixels, the next pixel down is nearer by 5 cm or more (noise
/// allowing).
fn hidden_below(ids: &[u32], noise: f32, p: &Pieces) -> bool {
    let w = p.w;
    let mut lowest: BTreeMap<usize, usize> = BTreeMap::new();
    for &i in ids {
        let i = i as usize;
        let e = lowest.entry(i % w).or_insert(i);
        *e = (*e).max(i);
    }
    let n = p.cam.len();
    let hidden = lowest
        .values()
        .filter(|&&i| {
            let j = i + w;
            j < n && p.cam[j][2] > 0.0 && p.cam[j][2] < p.cam[i][2] - 0.05 - 3.0 * noise
        })
        .count();
    hidden * 2 > lowest.len()
}

/// Points across the floor plane as a sheet: its thickness and width (the widths of even
/// spreads with the points' standard deviations across and along their principal
/// directions), its direction and its middle.
struct Sheet {
    thickness: f32,
    width: f32,
    along: Vec2,
    mean: Vec2,
}

fn sheet(pts: &[[f32; 3]]) -> Sheet {
    let n = pts.len().max(1) as f32;
    let mean = pts.iter().fold(Vec2::zeros(), |a, q| a + Vec2::new(q[0], q[1])) / n;
    let (mut xx, mut yy, mut xy) = (0.0f32, 0.0f32, 0.0f32);
    for q in pts {
        let d = Vec2::new(q[0], q[1]) - mean;
        (xx, yy, xy) = (xx + d.x * d.x, yy + d.y * d.y, xy + d.x * d.y);
    }
    let (xx, yy, xy) = (xx / n, yy / n, xy / n);
    let (t, d) = ((xx + yy) / 2.0, (((xx - yy) / 2.0).powi(2) + xy * xy).sqrt());
    let angle = 0.5 * (2.0 * xy).atan2(xx - yy);
    // 3.46 standard deviations: the width of an even spread.
    Sheet { thickness: 3.46 * (t - d).max(0.0).sqrt(), width: 3.46 * (t + d).sqrt(), along: Vec2::new(angle.cos(), angle.sin()), mean }
}
