//! Parts: the third level of the scene tree. Each object splits where its geometry allows.

use serde::{Deserialize, Serialize};

use crate::shape::ShapeClass;

/// A part of an object: a name and the pixels it covers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Part {
    /// "top", "leg", "top face", "sides", "side", or a height band "top"/"middle"/"bottom".
    pub name: String,
    /// Row-major pixel indices.
    #[serde(skip)]
    pub pixel_ids: Vec<u32>,
    /// Number of pixels.
    pub pixels: usize,
    /// Centre of its visible points, scene frame.
    pub centre: [f32; 3],
}

/// Splits an object's pixels into parts. `is_table` marks a table and `seat` a chair's seat
/// height; `is_top` marks support-surface pixels (a table's top), `up` up-facing pixels;
/// `points` are scene-frame points by pixel.
#[allow(clippy::too_many_arguments)]
pub fn split(
    class: ShapeClass,
    is_table: bool,
    seat: Option<f32>,
    pixel_ids: &[u32],
    points: &[[f32; 3]],
    is_top: &impl Fn(u32) -> bool,
    up: &impl Fn(u32) -> bool,
    width: usize,
) -> Vec<Part> {
    let make = |name: &str, ids: Vec<u32>| {
        let n = ids.len().max(1) as f32;
        let mut c = [0.0f32; 3];
        for &i in &ids {
            for k in 0..3 {
                c[k] += points[i as usize][k] / n;
            }
        }
        Part { name: name.to_string(), pixels: ids.len(), pixel_ids: ids, centre: c }
    };
    let mut parts = Vec::new();
    if let Some(h) = seat {
        // A chair: its back above the seat, the seat (its top and edge, 10 cm down), and
        // the legs: the pieces under the seat.
        let (back, rest): (Vec<u32>, Vec<u32>) = pixel_ids.iter().partition(|&&i| points[i as usize][2] > h + SEAT_EDGE);
        let (mut seat_px, under): (Vec<u32>, Vec<u32>) = rest.iter().partition(|&&i| points[i as usize][2] >= h - 0.1);
        let legs = legs(&under, points, width, &mut seat_px);
        for (name, ids) in [("seat", seat_px), ("back", back)] {
            if !ids.is_empty() {
                parts.push(make(name, ids));
            }
        }
        for leg in legs {
            parts.push(make("leg", leg));
        }
        return parts;
    }
    if is_table {
        // The top: its support surface, and anything within 10 cm of the table's top (its
        // edge, or the whole top when it was seen edge-on and never became a support).
        let zmax = pixel_ids.iter().map(|&i| points[i as usize][2]).fold(f32::MIN, f32::max);
        let (mut top, rest): (Vec<u32>, Vec<u32>) = pixel_ids.iter().partition(|&&i| is_top(i) || points[i as usize][2] >= zmax - 0.1);
        // Legs are the pieces below the top that reach down; the top's edge joins the top.
        let legs = legs(&rest, points, width, &mut top);
        parts.push(make("top", top));
        for leg in legs {
            parts.push(make("leg", leg));
        }
        return parts;
    }
    match class {
        ShapeClass::Box | ShapeClass::Cube | ShapeClass::Cylinder => {
            let (top, rest): (Vec<u32>, Vec<u32>) = pixel_ids.iter().partition(|&&i| up(i));
            if !top.is_empty() {
                parts.push(make(if class == ShapeClass::Cylinder { "top" } else { "top face" }, top));
            }
            if !rest.is_empty() {
                parts.push(make(if class == ShapeClass::Cylinder { "side" } else { "sides" }, rest));
            }
        }
        _ => {
            let (zmin, zmax) =
                pixel_ids.iter().fold((f32::MAX, f32::MIN), |(a, b), &i| (a.min(points[i as usize][2]), b.max(points[i as usize][2])));
            let third = (zmax - zmin) / 3.0;
            let mut bands: [Vec<u32>; 3] = Default::default();
            for &i in pixel_ids {
                let k = (((points[i as usize][2] - zmin) / third.max(1e-6)) as usize).min(2);
                bands[k].push(i);
            }
            let [bottom, middle, top] = bands;
            for (name, ids) in [("top", top), ("middle", middle), ("bottom", bottom)] {
                if !ids.is_empty() {
                    parts.push(make(name, ids));
                }
            }
        }
    }
    parts
}

/// The legs among the pixels `ids` under a top or seat: their pieces (see [`pieces`]) that
/// reach down over 15 cm, largest first; the other pieces go to `rest`.
fn legs(ids: &[u32], points: &[[f32; 3]], width: usize, rest: &mut Vec<u32>) -> Vec<Vec<u32>> {
    let mut legs = Vec::new();
    for piece in pieces(ids, width) {
        let (zmin, zmax) =
            piece.iter().fold((f32::MAX, f32::MIN), |(a, b), &i| (a.min(points[i as usize][2]), b.max(points[i as usize][2])));
        if zmax - zmin > 0.15 {
            legs.push(piece);
        } else {
            rest.extend(piece);
        }
    }
    legs.sort_by_key(|l| std::cmp::Reverse(l.len()));
    legs
}

/// How far above a chair's seat height its back begins, metres (the seat's own points
/// spread a little above it).
const SEAT_EDGE: f32 = 0.03;

/// The 4-connected pieces of the pixels `ids` (row-major indices, `width` a row), each in
/// the order a depth-first walk from its first pixel in `ids` meets them.
fn pieces(ids: &[u32], width: usize) -> Vec<Vec<u32>> {
    // Membership and visits by pixel, over the span of `ids` (a table over the pixels' range
    // rather than hash sets: this runs over every table's and chair's pixels).
    let Some(lo) = ids.iter().min().copied() else { return Vec::new() };
    let hi = ids.iter().max().copied().unwrap_or(lo);
    let mut state = vec![0u8; (hi - lo) as usize + 1]; // 1: in `ids`, 2: seen
    for &i in ids {
        state[(i - lo) as usize] = 1;
    }
    let mut visit = |i: u32| {
        let k = i.wrapping_sub(lo) as usize;
        let fresh = k < state.len() && state[k] == 1;
        if fresh {
            state[k] = 2;
        }
        fresh
    };
    let mut out = Vec::new();
    for &s in ids {
        if !visit(s) {
            continue;
        }
        let mut stack = vec![s];
        let mut piece = Vec::new();
        while let Some(i) = stack.pop() {
            piece.push(i);
            let (x, y) = (i as usize % width, i as usize / width);
            let mut nb = vec![i + 1, i + width as u32];
            if x > 0 {
                nb.push(i - 1);
            }
            if y > 0 {
                nb.push(i - width as u32);
            }
            for j in nb {
                if (j as usize % width).abs_diff(x) <= 1 && visit(j) {
                    stack.push(j);
                }
            }
        }
        out.push(piece);
    }
    out
}
