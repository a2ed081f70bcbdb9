//! Repairs of tables' pieces before objects are fitted. Under noise a far table's top,
//! seen at a grazing angle, is often not found as a support surface, and growing then goes
//! wrong in three ways that the pieces' geometry tells apart: a table comes apart into two
//! halves ([`merge_table_halves`]), a thing of its paint beside a leg grows into it
//! ([`split_off_things_under_tables`]), or a leg, or all of them, stays apart from it
//! ([`join_lost_legs`]).
//! A piece of a top cut off along a rim, a table's or any thing's, joins the thing
//! ([`join_top_pieces`]), and so does a speckle of a thing that noise cut out of it
//! ([`absorb_speckles`]).
//! Also whether a group of pixels is a table at all ([`table_like`], [`stands_on_legs`]).

use std::collections::{BTreeMap, HashMap, HashSet};

use spatia_geom::Obb;
use spatia_geom::math::{Vec2, Vec3, v3};

use crate::config::{SceneConfig, scaled_pixels};
use crate::segment::{self, Segmentation, inside};
use crate::{colour, shape};

mod chairs;

/// Object groups by key: the pixel indices of each, ascending.
type Groups = BTreeMap<u32, Vec<u32>>;

/// What the repairs read: the segmentation, the camera-frame points, the photo (RGB bytes,
/// width, focal length in pixels), the settings and the depth noise by range.
struct Pieces<'a> {
    seg: &'a Segmentation,
    /// The camera's position in the scene frame.
    eye: Vec3,
    cam: &'a [[f32; 3]],
    rgb: &'a [u8],
    w: usize,
    fx: f32,
    cfg: &'a SceneConfig,
    sigma: &'a dyn Fn(f32) -> f32,
}

impl Pieces<'_> {
    /// The depth noise at the mean range of the pixels `ids`.
    fn noise(&self, ids: &[u32]) -> f32 {
        (self.sigma)(ids.iter().map(|&i| self.cam[i as usize][2]).sum::<f32>() / ids.len().max(1) as f32)
    }

    /// A pixel count that stands for a thing's size, set at 640x480, for this image (see
    /// [`scaled_pixels`]).
    fn pixels(&self, count: usize) -> usize {
        scaled_pixels(count, self.seg.classes.len())
    }

    /// The mean colour of a group's pixels `ids` (black for none).
    fn group_paint(&self, ids: &[u32]) -> [u8; 3] {
        self.paint(ids.iter().map(|&i| i as usize)).unwrap_or_default()
    }

    /// The mean colour of pixels, None for none.
    fn paint(&self, px: impl IntoIterator<Item = usize>) -> Option<[u8; 3]> {
        colour::mean(self.rgb, px)
    }

    /// A table's top height: the 95th percentile of its points' heights.
    fn top_height(&self, ids: &[u32]) -> f32 {
        let mut z: Vec<f32> = ids.iter().map(|&i| self.seg.points[i as usize][2]).collect();
        let k = (z.len() - 1) * 95 / 100;
        *z.select_nth_unstable_by(k, f32::total_cmp).1
    }

    /// The floor-plane outline of a table's points within 10 cm of its top `height`.
    fn top_outline(&self, ids: &[u32], height: f32) -> Vec<Vec2> {
        let upper = ids.iter().map(|&i| self.seg.points[i as usize]).filter(|p| p[2] >= height - 0.1);
        spatia_geom::convex_hull(upper.map(|p| Vec2::new(p[0], p[1])).collect())
    }
}

/// Runs the repairs on the groups (`masks` absent: the segmentation's) and keeps the
/// segmentation's object numbers in step with them; returns whether each group is a table,
/// and the chairs (see [`chairs`]) with their seat heights.
pub(crate) fn repair(
    groups: &mut Groups,
    seg: &mut Segmentation,
    eye: Vec3,
    cam: &[[f32; 3]],
    (rgb, w, fx): (&[u8], usize, f32),
    cfg: &SceneConfig,
    sigma: &dyn Fn(f32) -> f32,
) -> (HashMap<u32, bool>, BTreeMap<u32, f32>) {
    let mut tables = HashMap::new();
    let pieces = Pieces { seg, eye, cam, rgb, w, fx, cfg, sigma };
    let split = split_off_things_under_tables(groups, &mut tables, &pieces);
    join_split_pieces(groups, &mut tables, &split, &pieces);
    // The seams between tables are looked for in the object numbers.
    sync(groups, &mut seg.objects);
    let pieces = Pieces { seg, eye, cam, rgb, w, fx, cfg, sigma };
    merge_table_halves(groups, &mut tables, &pieces);
    join_lost_legs(groups, &mut tables, &pieces);
    join_top_pieces(groups, &mut tables, &pieces);
    let chairs = chairs::assemble(groups, &mut tables, &pieces);
    sync(groups, &mut seg.objects);
    let pieces = Pieces { seg, eye, cam, rgb, w, fx, cfg, sigma };
    if join_hidden_table_pieces(groups, &mut tables, &pieces) {
        // (Legs under the table so made, their upper parts hidden, join it.)
        sync(groups, &mut seg.objects);
        let pieces = Pieces { seg, eye, cam, rgb, w, fx, cfg, sigma };
        join_lost_legs(groups, &mut tables, &pieces);
        sync(groups, &mut seg.objects);
    }
    let pieces = Pieces { seg, eye, cam, rgb, w, fx, cfg, sigma };
    if absorb_speckles(groups, &mut tables, &pieces) {
        sync(groups, &mut seg.objects);
    }
    (tables, chairs)
}

/// Fewer pixels than this (at 640x480, see [`scaled_pixels`]) can be a speckle of another
/// thing (see [`absorb_speckles`]).
const SPECKLE_PIXELS: usize = 100;

/// A speckle has at least this share of its pixels beside the thing it belongs to.
const SPECKLE_BESIDE: f32 = 0.75;

/// Pixels that noise cut out of a thing (scattered over its face and outline, with the
/// floor by its foot) can gather into a group of their own: a "gray sphere" 55 pixels
/// across inside a black cylinder's outline (generated seed 14 at 848x480 with noise). A
/// group of fewer than [`SPECKLE_PIXELS`], with [`SPECKLE_BESIDE`] of its pixels or more
/// beside one other group four times its size or more, whose points lie within that
/// group's box in the room (3 cm and twice the noise allowed), joins it. A thing seen
/// beside another at another depth (a sliver behind it) is outside its box and stays.
/// Whether any joined.
fn absorb_speckles(groups: &mut Groups, tables: &mut HashMap<u32, bool>, pc: &Pieces) -> bool {
    let &Pieces { seg, w, .. } = pc;
    let n = seg.objects.len();
    let mut moves = Vec::new();
    for (&key, ids) in groups.iter().filter(|(_, ids)| ids.len() < pc.pixels(SPECKLE_PIXELS)) {
        let mut beside: BTreeMap<u32, usize> = Default::default();
        for &i in ids {
            let i = i as usize;
            let mut seen = [0u32; 4];
            let neighbours =
                [(!i.is_multiple_of(w)).then(|| i - 1), (i % w + 1 < w).then(|| i + 1), i.checked_sub(w), (i + w < n).then(|| i + w)];
            for (k, j) in neighbours.into_iter().flatten().enumerate() {
                let o = seg.objects[j];
                if o != 0 && o != key && !seen[..k].contains(&o) {
                    seen[k] = o;
                    *beside.entry(o).or_default() += 1;
                }
            }
        }
        let Some((&other, &count)) = beside.iter().max_by_key(|(_, c)| **c) else { continue };
        let Some(big) = groups.get(&other) else { continue };
        if (count as f32) < SPECKLE_BESIDE * ids.len() as f32 || big.len() < 4 * ids.len() {
            continue;
        }
        let (mut lo, mut hi) = ([f32::MAX; 3], [f32::MIN; 3]);
        for &i in big {
            let p = seg.points[i as usize];
            for k in 0..3 {
                lo[k] = lo[k].min(p[k]);
                hi[k] = hi[k].max(p[k]);
            }
        }
        let margin = 0.03 + 2.0 * pc.noise(ids);
        let within = ids.iter().all(|&i| (0..3).all(|k| (lo[k] - margin..=hi[k] + margin).contains(&seg.points[i as usize][k])));
        if within {
            moves.push((key, other));
        }
    }
    let moved = !moves.is_empty();
    let from: HashSet<u32> = moves.iter().map(|m| m.0).collect();
    for (key, other) in moves {
        if !from.contains(&other) {
            // (A speckle does not make or unmake a table: what was found of the larger group
            // stands.)
            let table = tables.get(&other).copied();
            move_group(groups, tables, key, other);
            if let Some(t) = table {
                tables.insert(other, t);
            }
        }
    }
    moved
}

/// Which of the groups (the user's objects, as given) are chairs, with their seat heights
/// (see [`chairs`]); nothing is joined or split.
pub(crate) fn chairs_among(
    groups: &Groups,
    seg: &Segmentation,
    eye: Vec3,
    cam: &[[f32; 3]],
    (rgb, w, fx): (&[u8], usize, f32),
    cfg: &SceneConfig,
    sigma: &dyn Fn(f32) -> f32,
) -> BTreeMap<u32, f32> {
    chairs::among(groups, &Pieces { seg, eye, cam, rgb, w, fx, cfg, sigma })
}

/// Each group's pixels take its key.
fn sync(groups: &Groups, objects: &mut [u32]) {
    for (&key, ids) in groups {
        for &i in ids {
            objects[i as usize] = key;
        }
    }
}

/// Moves the group `from` into `to`, its pixels ascending; `to`'s table-ness is found again.
fn move_group(groups: &mut Groups, tables: &mut HashMap<u32, bool>, from: u32, to: u32) {
    if let Some(ids) = groups.remove(&from) {
        let t = groups.entry(to).or_default();
        t.extend(ids);
        t.sort_unstable();
    }
    tables.remove(&to);
}

/// Whether the pixels `ids` are a table (cached in `tables`, see [`table_like`]).
fn is_table(tables: &mut HashMap<u32, bool>, key: u32, ids: &[u32], p: &Pieces) -> bool {
    *tables.entry(key).or_insert_with(|| table_like(ids, p.seg, p.cam, p.cfg, p.sigma))
}

/// Whether the pixels `ids` are a table: a fifth or more of them on a support surface, or
/// a top on legs (see [`stands_on_legs`]); `cam` the camera-frame points, for the noise.
fn table_like(ids: &[u32], seg: &Segmentation, cam: &[[f32; 3]], cfg: &SceneConfig, sigma: &dyn Fn(f32) -> f32) -> bool {
    let top_px = ids.iter().filter(|&&i| matches!(seg.classes[i as usize], segment::Class::Top(_))).count();
    if top_px > 0 && top_px * 5 >= ids.len() {
        return true;
    }
    let points: Vec<[f32; 3]> = ids.iter().map(|&i| seg.points[i as usize]).collect();
    let zc = ids.iter().map(|&i| cam[i as usize][2]).sum::<f32>() / ids.len().max(1) as f32;
    stands_on_legs(&points, cfg, sigma(zc))
}

/// Pixels a thing split off a table needs (see [`split_off_things_under_tables`]).
const SPLIT_PIXELS: usize = 50;

/// A piece under a table at most this wide across the line of sight (metres) may be the
/// lower part of a leg, not a thing of its own: half the widest leg piece's diagonal.
const SPLIT_WIDTH: f32 = segment::LEG_SPAN / 2.0;

/// Under noise a thing on the floor beside a table's leg, of the table's paint, grows into
/// the table (their depths agree within the noise). A table's legs are what stands in the
/// band from 40 % of its height to just under its top (its top height the 95th percentile
/// of its points' heights, the band ending 10 cm and twice the noise below it); the table's
/// points lower than that band and farther from every leg than 3 cm and twice the noise
/// (in the floor plane), standing clear of the floor (the 90th percentile of their
/// heights over 5 cm and three times the noise), connected in the floor plane, wider than a leg ([`SPLIT_WIDTH`]), not of the
/// floor's paint around them and [`SPLIT_PIXELS`] or more, are a thing of their own:
/// new groups (fresh keys, taken out of their table's group). `tables` caches which groups
/// are tables; groups that lose pixels are dropped from it.
fn split_off_things_under_tables(groups: &mut Groups, tables: &mut HashMap<u32, bool>, pc: &Pieces) -> Vec<u32> {
    let &Pieces { seg, cam, w, fx, cfg, .. } = pc;
    let mut next = groups.keys().max().map_or(1, |&k| k + 1);
    let mut split = Vec::new();
    let keys: Vec<u32> = groups
        .iter()
        .filter(|(k, ids)| ids.len() >= 2 * pc.pixels(SPLIT_PIXELS) && is_table(tables, **k, ids, pc))
        .map(|(k, _)| *k)
        .collect();
    for key in keys {
        let ids = &groups[&key];
        let p = |i: u32| seg.points[i as usize];
        let height = pc.top_height(ids);
        let noise = pc.noise(ids);
        let (lo, hi) = (0.4 * height, height - 0.1 - 2.0 * noise);
        if hi <= lo {
            continue;
        }
        // The legs' points on a grid of the reach.
        let reach = 0.03 + 2.0 * noise;
        let cell = |q: [f32; 3]| ((q[0] / reach).floor() as i64, (q[1] / reach).floor() as i64);
        let mut legs: HashMap<(i64, i64), Vec<Vec2>> = Default::default();
        for &i in ids.iter().filter(|&&i| (lo..hi).contains(&p(i)[2])) {
            legs.entry(cell(p(i))).or_default().push(Vec2::new(p(i)[0], p(i)[1]));
        }
        if legs.is_empty() {
            continue;
        }
        let near_leg = |q: [f32; 3]| {
            let (cx, cy) = cell(q);
            let v = Vec2::new(q[0], q[1]);
            // (Its own cell first: most points asked are a leg's.)
            const AROUND: [(i64, i64); 9] = [(0, 0), (-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)];
            AROUND.iter().any(|(dx, dy)| legs.get(&(cx + dx, cy + dy)).is_some_and(|c| c.iter().any(|l| (l - v).norm() <= reach)))
        };
        let apart: Vec<u32> = ids.iter().copied().filter(|&i| p(i)[2] < lo && !near_leg(p(i))).collect();
        if apart.len() < pc.pixels(SPLIT_PIXELS) {
            continue;
        }
        // Connected in the floor plane (cells of the reach, 8-neighbours: a thing cut in two
        // in the photo by a leg in front of it stays whole), each piece on its own.
        let mut cells: HashMap<(i64, i64), Vec<u32>> = Default::default();
        for &i in &apart {
            cells.entry(cell(p(i))).or_default().push(i);
        }
        let mut seen: HashSet<(i64, i64)> = Default::default();
        let mut pieces: Vec<Vec<u32>> = Vec::new();
        let mut starts: Vec<(i64, i64)> = cells.keys().copied().collect();
        starts.sort_unstable();
        for start in starts {
            if !seen.insert(start) {
                continue;
            }
            let (mut stack, mut piece) = (vec![start], Vec::new());
            while let Some(c) = stack.pop() {
                piece.extend_from_slice(&cells[&c]);
                for dx in -1..=1 {
                    for dy in -1..=1 {
                        let nb = (c.0 + dx, c.1 + dy);
                        if cells.contains_key(&nb) && seen.insert(nb) {
                            stack.push(nb);
                        }
                    }
                }
            }
            if piece.len() < pc.pixels(SPLIT_PIXELS) {
                continue;
            }
            // Standing clear of the floor, and wider across the line of sight (in the photo,
            // where the depth's noise does not widen it) than a leg can be: the lower part
            // of a leg whose middle is hidden (behind the top, seen from above) stays. Clear
            // of the floor: its upper tenth of heights beyond 5 cm and three times the noise,
            // or, where its paint cannot be the floor's in shade (see below), its mean height
            // beyond a centimetre and three standard errors of the noise (a black box 9 cm
            // tall by a black table's leg at 6 m, seed 10 with noise, where the noise is 7 cm;
            // the floor in a table's shade, kept from the floor by noise that lifted it, has
            // as high a mean: 1280x960 seed 14).
            let mut hz: Vec<f32> = piece.iter().map(|&i| p(i)[2]).collect();
            let k = hz.len() * 9 / 10;
            let mean = hz.iter().sum::<f32>() / hz.len() as f32;
            let high = *hz.select_nth_unstable_by(k, f32::total_cmp).1 > 0.05 + 3.0 * noise;
            let lifted = mean > 0.01 + 3.0 * noise / (hz.len() as f32).sqrt();
            let (c0, c1) = piece.iter().fold((usize::MAX, 0), |(a, b), &i| (a.min(i as usize % w), b.max(i as usize % w)));
            let range = piece.iter().map(|&i| cam[i as usize][2]).sum::<f32>() / piece.len() as f32;
            let wide = (c1 + 1 - c0) as f32 * range / fx > SPLIT_WIDTH;
            // Not the floor's paint (crumbs of noisy floor by a leg's foot): the piece's
            // mean colour against the floor's around it, in its box in the photo widened by
            // ten pixels.
            let paint = pc.paint(piece.iter().map(|&i| i as usize));
            let around = colour::floor_around(pc.rgb, &piece, (w, seg.classes.len() / w), 10, |i| seg.classes[i] == segment::Class::Floor);
            let (floorlike, shaded_floor) = match (paint, around) {
                (Some(a), Some(b)) => {
                    (colour::compatible(a, b, cfg.max_chroma, cfg.max_brightness_ratio), colour::one_paint_apart(a, b, cfg.max_chroma))
                }
                _ => (false, true),
            };
            let standing = high || (lifted && !shaded_floor);
            if standing && wide && !floorlike {
                piece.sort_unstable();
                pieces.push(piece);
            }
        }
        if pieces.is_empty() {
            continue;
        }
        let taken: HashSet<u32> = pieces.iter().flatten().copied().collect();
        if let Some(g) = groups.get_mut(&key) {
            g.retain(|i| !taken.contains(i));
        }
        tables.remove(&key);
        for piece in pieces {
            groups.insert(next, piece);
            split.push(next);
            next += 1;
        }
    }
    split
}

/// A thing cut in two in the photo by a leg of its own paint in front of it, one piece
/// grown into the table and split off again ([`split_off_things_under_tables`]), joins its
/// other piece as [`segment`] joins pieces cut by a nearer thing
/// ([`segment::join_occluded`]): only pairs with a piece split off, neither of them a table
/// (generated seed 10 at 640x360 and 848x480: a black box behind a black table's leg).
fn join_split_pieces(groups: &mut Groups, tables: &mut HashMap<u32, bool>, split: &[u32], pc: &Pieces) {
    if split.is_empty() {
        return;
    }
    let &Pieces { seg, cam, rgb, w, cfg, sigma, .. } = pc;
    // The pieces, and the groups of a piece's paint that are no tables, numbered from 1.
    let paints: Vec<[u8; 3]> = split.iter().map(|k| pc.group_paint(&groups[k])).collect();
    let all: Vec<u32> = groups.keys().copied().collect();
    let mut keys = Vec::new();
    for k in all {
        let ids = &groups[&k];
        let paint = pc.group_paint(ids);
        if split.contains(&k)
            || (paints.iter().any(|&p| colour::one_paint_shaded(p, paint, cfg.max_chroma, cfg.max_brightness_ratio))
                && !(ids.len() >= 2 * pc.pixels(SPLIT_PIXELS) && is_table(tables, k, ids, pc)))
        {
            keys.push(k);
        }
    }
    let mut labels = vec![0u32; seg.objects.len()];
    for (n, k) in keys.iter().enumerate() {
        for &i in &groups[k] {
            labels[i as usize] = n as u32 + 1;
        }
    }
    let is_split: Vec<bool> = std::iter::once(false).chain(keys.iter().map(|k| split.contains(k))).collect();
    let colour = |i: usize| [rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2]];
    let pair = |a: usize, b: usize| is_split[a] || is_split[b];
    let h = labels.len() / w;
    segment::join_occluded(&mut labels, keys.len(), (w, h), cam, &seg.points, &colour, cfg, sigma, &pair);
    // The groups renumbered alike are one: the first of them takes the others.
    let mut first: HashMap<u32, u32> = HashMap::new();
    let mut moves = Vec::new();
    for &k in &keys {
        let Some(&i) = groups[&k].first() else { continue };
        match first.get(&labels[i as usize]) {
            Some(&to) => moves.push((k, to)),
            None => {
                first.insert(labels[i as usize], k);
            }
        }
    }
    for (from, to) in moves {
        move_group(groups, tables, from, to);
    }
}

/// A table's leg that noise (or its top, hiding its upper end) kept apart from the table
/// stands as a thin upright thing under the table: from the floor (its lowest point within
/// 5 cm and twice the noise of it, or its lower end hidden behind something nearer: the
/// first pixels with depth under most of its columns lie 10 cm and twice the noise in
/// front of it, generated seeds 141, 144, 190) but no higher than its top (3 cm and twice
/// the noise allowed), no wider across the line of sight than a leg ([`SPLIT_WIDTH`], the
/// median over its rows in the photo), of the table's paint (its chromaticity within
/// [`SceneConfig::max_chroma`], its brightness within three times: the looser chromaticity
/// of [`segment`]'s leg matching let a pink cylinder in shade join a gray table, generated
/// seed 560 with noise); and either up to 60 % of the table's height or more and
/// [`LEG_SLENDERNESS`] times as tall as wide, its centre within the rectangle of the
/// table's points (10 cm and twice the noise allowed: a top that the things on it hide
/// leaves a corner leg outside its own outline, generated seed 146), or, as the lower part
/// of a leg (what noise or the nearer top left of it: 12-22 cm of back legs at 3-4 m on
/// generated seeds 134 and 160), its centre within the outline of the top (as allowed)
/// but not within [`LEG_RIM`] of its edge, [`segment::LEG_SLENDERNESS`] times as tall as
/// wide and no wider on the floor than a leg by the spread of its points less the noise
/// (as [`segment`] measures leg pieces; a ball half hidden by a leg, near the outline's
/// rectangle but not the outline, stays apart, generated seed 118); or, a leg's lower part
/// beyond the top's outline seen (a thing on the top hides its far part), upright as above
/// and as thin, its centre within the rectangle but not within [`LEG_RIM`] of its edge
/// (generated seed 133: a back leg's lower 27 cm at the rectangle's corner). Such a group
/// is merged into the table's. So is a leg's upper part whose lower part noise took: hanging
/// from the top (its highest point within 3 cm and twice the noise of the top's height),
/// [`LEG_HANGING`] of the table's height long or more, [`LEG_SLENDERNESS`] times as tall
/// as wide, within the table's rectangle (generated seeds 208 and 243 with noise). The
/// rectangle is the top's seen part, and a leg may stand up to [`LEG_BEHIND_TOP`] behind it
/// from the camera (320x240 seeds 1 and 29 with noise: the top's far part hidden). A top
/// that lost all its legs so ([`bare_top`]) takes them as a table does, and is one then.
/// Pieces stacked one on another (one paint, one place on the floor, heights that meet),
/// one of them no leg alone, are asked together as one leg.
/// `tables` caches which groups are tables.
fn join_lost_legs(groups: &mut Groups, tables: &mut HashMap<u32, bool>, pc: &Pieces) {
    let &Pieces { seg, cam, w, fx, cfg, .. } = pc;
    let range = |ids: &[u32]| ids.iter().map(|&i| cam[i as usize][2]).sum::<f32>() / ids.len().max(1) as f32;
    // Each table's top: its height, its outline, the rectangle of its points and its paint.
    struct Top {
        key: u32,
        height: f32,
        hull: Vec<Vec2>,
        rect: Vec<Vec2>,
        paint: [u8; 3],
    }
    let keys: Vec<u32> = groups
        .iter()
        .filter(|(k, ids)| ids.len() >= pc.pixels(50) && (is_table(tables, **k, ids, pc) || bare_top(ids, pc)))
        .map(|(k, _)| *k)
        .collect();
    if keys.is_empty() {
        return;
    }
    // (Taken when a piece first passes for a leg by its own shape: most frames have none.)
    let tops = std::cell::OnceCell::new();
    let tops = || -> &Vec<Top> {
        tops.get_or_init(|| {
            keys.iter()
                .map(|&key| {
                    let ids = &groups[&key];
                    let height = pc.top_height(ids);
                    let hull = pc.top_outline(ids, height);
                    let pts: Vec<[f32; 3]> = ids.iter().map(|&i| seg.points[i as usize]).filter(|p| p[2] > 0.1 * height).collect();
                    let rect = Obb::gravity_aligned(&pts).map_or_else(|| hull.clone(), |b| b.footprint().to_vec());
                    Top { key, height, hull, rect, paint: pc.group_paint(ids) }
                })
                .collect()
        })
    };
    // The table whose leg the pixels `ids` are, if any.
    let leg_of = |ids: &[u32]| -> Option<u32> {
        let noise = pc.noise(ids);
        let (mut zlo, mut zhi) = (f32::MAX, f32::MIN);
        let mut centre = Vec2::zeros();
        for &i in ids {
            let p = seg.points[i as usize];
            zlo = zlo.min(p[2]);
            zhi = zhi.max(p[2]);
            centre += Vec2::new(p[0], p[1]);
        }
        centre /= ids.len() as f32;
        // Its width across the line of sight: the median over its rows in the photo (a
        // strip of the top's rim may hang on a leg's upper end).
        let mut rows: BTreeMap<usize, (usize, usize)> = Default::default();
        for &i in ids {
            let (x, y) = (i as usize % w, i as usize / w);
            let e = rows.entry(y).or_insert((x, x));
            *e = (e.0.min(x), e.1.max(x));
        }
        let row_width = shape::median(rows.values().map(|(a, b)| (b + 1 - a) as f32).collect());
        let width = row_width * range(ids) / fx;
        let slender = |k: f32| zhi - zlo >= k * width;
        // Its foot on the floor, or its lower end hidden behind something nearer: the
        // pixels under most of its columns' lowest show a thing well in front of it.
        let foot_hidden = || {
            let mut lowest: BTreeMap<usize, usize> = Default::default();
            for &i in ids {
                let e = lowest.entry(i as usize % w).or_insert(i as usize);
                *e = (*e).max(i as usize);
            }
            let hidden = lowest
                .values()
                .filter(|&&i| {
                    // The first pixel with depth within three rows below (the sensor drops
                    // depth beside silhouettes).
                    let below = (1..=3).map(|k| i + k * w).take_while(|&j| j < cam.len()).find(|&j| cam[j][2] > 0.0);
                    below.is_some_and(|j| cam[j][2] < cam[i][2] - 0.1 - 2.0 * noise)
                })
                .count();
            2 * hidden > lowest.len()
        };
        if width > SPLIT_WIDTH || !slender(segment::LEG_SLENDERNESS) {
            return None;
        }
        let grounded = zlo <= 0.05 + 2.0 * noise || foot_hidden();
        let own = pc.group_paint(ids);
        // Or a leg's lower part, its upper part lost to noise or hidden by the top: under
        // the band of the top's outline where legs stand, and thin both ways on the floor
        // (a box seen on its narrow face is deep), less the noise along the line of sight.
        let thin = || {
            let (mut sum, mut second) = (Vec2::zeros(), Vec3::zeros());
            for &i in ids {
                let p = seg.points[i as usize];
                sum += Vec2::new(p[0], p[1]);
                second += Vec3::new(p[0] * p[0], p[1] * p[1], p[0] * p[1]);
            }
            segment::denoised_span(sum, second, ids.len(), noise) <= segment::LEG_SPAN + 2.0 * noise
        };
        // Within the top's rectangle, or behind it from the camera by up to
        // [`LEG_BEHIND_TOP`]: the far part of a top is often hidden by what stands on it
        // (or lost to noise), and its back legs stand under what is not seen.
        let sight = (centre - pc.eye.xy()).try_normalize(1e-9).unwrap_or(Vec2::y());
        let under = |rect: &[Vec2]| {
            let steps = (LEG_BEHIND_TOP / LEG_BEHIND_STEP).round() as usize;
            (0..=steps).any(|s| inside(rect, centre - sight * (s as f32 * LEG_BEHIND_STEP), 0.1 + 2.0 * noise))
        };
        let table = tops().iter().find(|t| {
            let upright = slender(LEG_SLENDERNESS) && under(&t.rect);
            zhi <= t.height + 0.03 + 2.0 * noise
                && colour::compatible(own, t.paint, cfg.max_chroma, 3.0)
                && if grounded {
                    (zhi >= 0.6 * t.height && upright)
                        || (inside(&t.hull, centre, 0.1 + 2.0 * noise) && !inside(&t.hull, centre, -LEG_RIM) && thin())
                        || (upright && !inside(&t.rect, centre, -LEG_RIM) && thin())
                } else {
                    // A leg's upper part, hanging from the top, its lower part lost to noise.
                    zhi >= t.height - 0.03 - 2.0 * noise && zhi - zlo >= LEG_HANGING * t.height && upright
                }
        });
        table.map(|t| t.key)
    };
    let mut joined = Vec::new();
    // The pieces asked, in order, and whether each joined alone.
    let (mut rest, mut alone): (Vec<u32>, Vec<bool>) = (Vec::new(), Vec::new());
    for (key, ids) in groups.iter() {
        if ids.len() < pc.pixels(20) || tables.get(key).copied().unwrap_or(false) || keys.contains(key) {
            continue;
        }
        let leg = leg_of(ids);
        if let Some(t) = leg {
            joined.push((*key, t));
        }
        rest.push(*key);
        alone.push(leg.is_some());
    }
    // A leg cut across into pieces one above the other (by noise, or where the smoothing
    // window at its foot takes in the floor and its normals turn up: generated seed 529 with
    // noise, a black table's legs cut 20 cm up, their feet joined as legs' lower parts and
    // the rest left standing on them): pieces of one paint whose centres on the floor lie
    // within 5 cm and the noise of each other and whose heights meet (5 cm and twice
    // the noise allowed) are asked together, where one of them is no leg alone.
    if alone.contains(&false) && rest.len() >= 2 && !keys.is_empty() {
        let span = |ids: &[u32]| {
            let (mut lo, mut hi, mut c) = (f32::MAX, f32::MIN, Vec2::zeros());
            for &i in ids {
                let p = seg.points[i as usize];
                (lo, hi) = (lo.min(p[2]), hi.max(p[2]));
                c += Vec2::new(p[0], p[1]);
            }
            (lo, hi, c / ids.len().max(1) as f32, pc.group_paint(ids), pc.noise(ids))
        };
        let spans: Vec<_> = rest.iter().map(|k| span(&groups[k])).collect();
        let mut stacks = segment::Dsu((0..rest.len() as u32).collect());
        for a in 0..rest.len() {
            for b in a + 1..rest.len() {
                let ((alo, ahi, ac, ap, an), (blo, bhi, bc, bp, bn)) = (spans[a], spans[b]);
                let noise = an.max(bn);
                let reach = 0.05 + 2.0 * noise;
                if (ac - bc).norm() <= 0.05 + noise
                    && alo <= bhi + reach
                    && blo <= ahi + reach
                    && colour::one_paint_apart(ap, bp, cfg.max_chroma)
                {
                    stacks.union(a as u32, b as u32);
                }
            }
        }
        let mut members: BTreeMap<u32, Vec<usize>> = Default::default();
        for k in 0..rest.len() {
            members.entry(stacks.find(k as u32)).or_default().push(k);
        }
        for members in members.values().filter(|m| m.len() >= 2 && m.iter().any(|&k| !alone[k])) {
            let ids: Vec<u32> = members.iter().flat_map(|&k| groups[&rest[k]].iter().copied()).collect();
            if let Some(t) = leg_of(&ids) {
                // (A piece that joined a table alone keeps it.)
                joined.extend(members.iter().filter(|&&k| !alone[k]).map(|&k| (rest[k], t)));
            }
        }
    }
    for (from, to) in joined {
        move_group(groups, tables, from, to);
        // A top with legs joined is a table, though the legs' pieces may not reach as far
        // down or out as a table's legs are counted (see [`legs`]).
        tables.insert(to, true);
    }
}

/// Whether the pixels `ids` are a table's top alone, all its legs lost to noise or hidden
/// (generated seed 177 with noise: a far table behind a nearer one, its legs two pieces
/// apart): a top half a support's area across with nothing standing under it (see
/// [`legs`]), below the camera. Alone such a piece is taken for a piece of structure; legs
/// of its paint under it make it a table.
fn bare_top(ids: &[u32], pc: &Pieces) -> bool {
    let points: Vec<[f32; 3]> = ids.iter().map(|&i| pc.seg.points[i as usize]).collect();
    let zmax = points.iter().map(|p| p[2]).fold(f32::MIN, f32::max);
    zmax < pc.eye.z && legs(&points, pc.cfg, pc.noise(ids)).is_some_and(|(n, _)| n == 0)
}

/// A piece of a thing's top that noise cut off along a rim (the far part of a table's top
/// seen at a grazing angle, a cylinder's top face; generated seeds 102 and 110) is a group
/// of its own: level (its heights' 10th to 90th percentiles within a centimetre and three
/// times their noise), at the height of the top of a larger group (that group's 95th
/// percentile of heights, 2 cm and twice the noise allowed), its centre over that group's
/// outline on the floor (5 cm and twice the depth noise allowed), of its paint (the leg
/// tolerance: a top is lit apart from its sides). It joins that group. (Something that
/// thin of the same paint lying on a top is not told from it by depth either.)
fn join_top_pieces(groups: &mut Groups, tables: &mut HashMap<u32, bool>, pc: &Pieces) {
    let &Pieces { seg, eye, cfg, .. } = pc;
    let floor_xy = |i: u32| Vec2::new(seg.points[i as usize][0], seg.points[i as usize][1]);
    // Each group's heights: the 10th, 50th, 90th and 95th percentiles and their noise.
    let levels: HashMap<u32, ([f32; 4], f32)> = groups
        .iter()
        .filter(|(_, ids)| ids.len() >= 2)
        .map(|(&key, ids)| {
            let mut z: Vec<f32> = ids.iter().map(|&i| seg.points[i as usize][2]).collect();
            let q = [0.1, 0.5, 0.9, 0.95].map(|q| shape::quantile(&mut z, q));
            (key, (q, shape::height_noise(ids.iter().map(|&i| v3(seg.points[i as usize])), eye, pc.noise(ids))))
        })
        .collect();
    // The level pieces: (key, pixels, median height, height noise, centre, paint).
    let pieces: Vec<(u32, usize, f32, f32, Vec2, [u8; 3])> = groups
        .iter()
        .filter(|(key, _)| !tables.get(key).copied().unwrap_or(false))
        .filter_map(|(&key, ids)| {
            let &([lo, mid, hi, _], noise_h) = levels.get(&key)?;
            let centre = ids.iter().fold(Vec2::zeros(), |a, &i| a + floor_xy(i)) / ids.len() as f32;
            (hi - lo <= 0.01 + 3.0 * noise_h).then(|| (key, ids.len(), mid, noise_h, centre, pc.group_paint(ids)))
        })
        .collect();
    let Some(smallest) = pieces.iter().map(|p| p.1).min() else { return };
    // The top of each group that may hold a piece: its height, its outline on the floor,
    // its paint and its noise.
    struct Top {
        key: u32,
        pixels: usize,
        height: f32,
        hull: Vec<Vec2>,
        paint: [u8; 3],
        noise: f32,
        noise_h: f32,
    }
    let tops: Vec<Top> = groups
        .iter()
        .filter(|(_, ids)| ids.len() > smallest)
        .map(|(&key, ids)| Top {
            key,
            pixels: ids.len(),
            height: levels[&key].0[3],
            hull: spatia_geom::convex_hull(ids.iter().map(|&i| floor_xy(i)).collect()),
            paint: pc.group_paint(ids),
            noise: pc.noise(ids),
            noise_h: levels[&key].1,
        })
        .collect();
    let mut joined = Vec::new();
    for (key, pixels, mid, noise_h, centre, own) in pieces {
        let under = tops.iter().filter(|t| t.key != key && t.pixels > pixels).find(|t| {
            (mid - t.height).abs() <= 0.02 + 2.0 * noise_h.max(t.noise_h)
                && inside(&t.hull, centre, 0.05 + 2.0 * t.noise)
                && colour::one_paint_apart(own, t.paint, cfg.max_chroma)
        });
        if let Some(t) = under {
            joined.push((key, t.key));
        }
    }
    for (from, to) in joined {
        if groups.contains_key(&to) {
            move_group(groups, tables, from, to);
        }
    }
}

/// The least share of its table's height a leg's upper part hanging from the top and
/// standing apart spans (see [`join_lost_legs`]).
const LEG_HANGING: f32 = 0.4;

/// See [`join_lost_legs`]: how far behind its top's seen rectangle a leg may stand, and in
/// what steps that is looked along, metres.
const LEG_BEHIND_TOP: f32 = 0.3;
/// See [`LEG_BEHIND_TOP`].
const LEG_BEHIND_STEP: f32 = 0.05;

/// A table's top and its rim (apron) lie within this of its highest point, metres.
const LEG_BELOW_TOP: f32 = 0.15;

/// Legs stand within this of the edge of a table's top (metres; see [`join_lost_legs`]).
const LEG_RIM: f32 = 0.15;

/// How many times as tall as it is wide a leg left apart from its table is at least (see
/// [`join_lost_legs`]); a box on the floor seen on its narrow face is less.
const LEG_SLENDERNESS: f32 = 3.0;

/// The most pixels of a thing in front of a table's top that a seam between two of its
/// pieces is looked for across (see [`merge_table_halves`]).
const TABLE_SEAM_HIDDEN: usize = 40;

/// Pixel pairs along the seam of two pieces of one table (see [`merge_table_halves`]).
const TABLE_SEAM_PIXELS: usize = 5;

/// A table whose top was not found as a support surface (far, seen at a grazing angle
/// through noise) can come apart into two pieces, each a top on legs. Pieces that are both
/// tables, with four legs or fewer between them (counted together), of one paint (as
/// loosely as a leg and its top: one piece may be a rim and legs in shade), whose tops stand at one height (within 3 cm and the noise), whose
/// tops' outlines meet (within 5 cm and the noise) and whose tops meet in the photo along a
/// seam (at least [`TABLE_SEAM_PIXELS`] neighbouring pixel pairs, across at most two pixels
/// without depth or up to [`TABLE_SEAM_HIDDEN`] of a thing in front, such as a box on the
/// top, at one depth within the noise) are one table: merged into the group of
/// the lower key. A top that lost its legs ([`bare_top`]) counts as a table here: the far
/// part of a top cut off along its rim, the legs with the rim (generated seed 20 at 848x480
/// with noise). `tables` is filled with whether each group is a table.
fn merge_table_halves(groups: &mut Groups, tables: &mut HashMap<u32, bool>, pc: &Pieces) {
    let &Pieces { seg, cam, w, cfg, sigma, .. } = pc;
    for (key, ids) in groups.iter() {
        is_table(tables, *key, ids, pc);
    }
    // Each table's top height (the 95th percentile of its points' heights) by key: a dense
    // table, as the seams are looked for over every pixel; NaN for what is not a table.
    let mut heights = vec![f32::NAN; groups.keys().max().map_or(0, |&k| k as usize + 1)];
    let mut count = 0;
    for (key, ids) in groups.iter().filter(|(key, ids)| ids.len() >= pc.pixels(50) && (tables[key] || bare_top(ids, pc))) {
        heights[*key as usize] = pc.top_height(ids);
        count += 1;
    }
    if count < 2 {
        return;
    }
    // Pixel pairs of two tables' tops side by side in the photo (along a row or a column,
    // across at most two pixels without depth, both within 10 cm of their top's height)
    // whose depths agree within the noise.
    let n = cam.len();
    let high = |key: u32, i: usize| heights.get(key as usize).is_some_and(|&h| seg.points[i][2] >= h - 0.1);
    let mut seams: BTreeMap<(u32, u32), usize> = Default::default();
    // (Over the tables' pixels: the object numbers are theirs, see `sync`.)
    let table_px = groups.iter().filter(|(k, _)| !heights[**k as usize].is_nan()).flat_map(|(_, ids)| ids.iter().map(|&i| i as usize));
    for i in table_px {
        let a = seg.objects[i];
        if !high(a, i) {
            continue;
        }
        let agree = 0.02 + 3.0 * sigma(cam[i][2]);
        for step in [1, w] {
            for gap in 1..=TABLE_SEAM_HIDDEN {
                let j = i + gap * step;
                if j >= n || (step == 1 && j / w != i / w) {
                    break;
                }
                let b = seg.objects[j];
                // (Most pixels: the next one is of the same top.)
                if b == a && cam[j][2] > 0.0 {
                    break;
                }
                // Across pixels without depth (at most two) or of a thing in front (on the
                // top, hiding the seam).
                let near = cam[i][2] - cam[j][2] > agree && b != a;
                if cam[j][2] <= 0.0 && gap <= 3 || cam[j][2] > 0.0 && near {
                    continue;
                }
                if b != a && high(b, j) && (cam[i][2] - cam[j][2]).abs() <= agree {
                    *seams.entry((a.min(b), a.max(b))).or_default() += 1;
                }
                break;
            }
        }
    }
    // The rest only for tables along a seam: the outline of the top, paint, noise and legs.
    struct Top {
        hull: Vec<Vec2>,
        paint: [u8; 3],
        noise: f32,
        points: Vec<[f32; 3]>,
    }
    let seams: Vec<(u32, u32)> = seams.into_iter().filter(|&(_, pairs)| pairs >= TABLE_SEAM_PIXELS).map(|(k, _)| k).collect();
    let mut facts: HashMap<u32, Top> = Default::default();
    for key in seams.iter().flat_map(|&(a, b)| [a, b]) {
        facts.entry(key).or_insert_with(|| {
            let ids = &groups[&key];
            let points: Vec<[f32; 3]> = ids.iter().map(|&i| seg.points[i as usize]).collect();
            let noise = pc.noise(ids);
            Top { hull: pc.top_outline(ids, heights[key as usize]), paint: pc.group_paint(ids), noise, points }
        });
    }
    let mut into: BTreeMap<u32, u32> = Default::default();
    for (ka, kb) in seams {
        let (a, b) = (&facts[&ka], &facts[&kb]);
        let noise = a.noise.max(b.noise);
        let margin = 0.05 + 2.0 * noise;
        let meet = a.hull.iter().any(|&v| inside(&b.hull, v, margin)) || b.hull.iter().any(|&v| inside(&a.hull, v, margin));
        // The legs of both together: a few pixels of a leg can fall to the other piece,
        // and counted piece by piece the leg counts twice (generated seed 27 at 1280x960:
        // 4 + 2 legs for a table of four).
        let both: Vec<[f32; 3]> = a.points.iter().chain(&b.points).copied().collect();
        if meet
            && legs(&both, cfg, noise).map_or(0, |l| l.0) <= 4
            && (heights[ka as usize] - heights[kb as usize]).abs() <= 0.03 + 2.0 * noise
            && colour::one_paint_apart(a.paint, b.paint, cfg.max_chroma)
        {
            let root = |mut k: u32| {
                while let Some(&n) = into.get(&k) {
                    k = n;
                }
                k
            };
            let (ra, rb) = (root(ka), root(kb));
            if ra != rb {
                into.insert(ra.max(rb), ra.min(rb));
            }
        }
    }
    for key in into.keys().rev().copied().collect::<Vec<_>>() {
        let mut target = into[&key];
        while let Some(&n) = into.get(&target) {
            target = n;
        }
        move_group(groups, tables, key, target);
    }
}

/// Farthest apart (metres, in the floor plane) two pieces of one hidden table may lie (see
/// [`join_hidden_table_pieces`]): a large table's half-diagonal and more.
const HIDDEN_TABLE_REACH: f32 = 1.0;

/// Share of a piece's outline that must meet something nearer for it to be taken as part of
/// a thing hidden in part (see [`join_hidden_table_pieces`]).
const HIDDEN_OUTLINE: f32 = 0.05;

/// A far table behind a nearer table and the things on it shows only in pieces that meet
/// nowhere in the photo: an end of its top with a leg, the other end, a leg between the
/// nearer table's legs (generated seeds 22, 229, 240). Two pieces, at most one of them a
/// table already, of one paint (as loosely as in [`merge_table_halves`]), whose tops stand
/// at one height (3 cm and twice their heights' noise), within [`HIDDEN_TABLE_REACH`] of
/// each other in the floor plane, one of them (the table, where one is) with
/// [`HIDDEN_OUTLINE`] or more of its outline on something nearer, or the two touching (5 cm
/// and twice the noise: pieces of a far dark table whose depth the sensor partly lost,
/// generated seed 6 with 2-3 tables), and that stand together on four legs or fewer
/// (counted as [`stands_on_legs`] counts them), are one table: merged into the lower key,
/// nearest pairs first. Two things of one paint and height standing free apart are hidden
/// by nothing; a whole table nearer by does not reach out for a piece of what stands
/// behind it. Whether any joined.
fn join_hidden_table_pieces(groups: &mut Groups, tables: &mut HashMap<u32, bool>, pc: &Pieces) -> bool {
    let &Pieces { seg, cam, w, cfg, .. } = pc;
    struct Piece {
        key: u32,
        table: bool,
        height: f32,
        paint: [u8; 3],
        noise: f32,
    }
    let mut pieces = Vec::new();
    let keys: Vec<u32> = groups.keys().copied().collect();
    for key in keys {
        let ids = &groups[&key];
        if ids.len() < pc.pixels(50) {
            continue;
        }
        let table = is_table(tables, key, ids, pc);
        let height = pc.top_height(ids);
        if height >= 0.3 {
            pieces.push(Piece { key, table, height, paint: pc.group_paint(ids), noise: pc.noise(ids) });
        }
    }
    // The outline of a piece's top and its heights' noise, for the pairs that get so far.
    let mut tops: HashMap<u32, (Vec<Vec2>, f32)> = Default::default();
    let mut top = |p: &Piece| {
        tops.entry(p.key)
            .or_insert_with(|| {
                let ids = &groups[&p.key];
                let upper = ids.iter().map(|&i| v3(seg.points[i as usize])).filter(|q| q.z >= p.height - 0.1);
                (pc.top_outline(ids, p.height), shape::height_noise(upper, pc.eye, p.noise))
            })
            .clone()
    };
    let distance = |a: &[Vec2], b: &[Vec2]| a.iter().flat_map(|p| b.iter().map(move |q| (p - q).norm())).fold(f32::INFINITY, f32::min);
    let mut pairs = Vec::new();
    for (i, a) in pieces.iter().enumerate() {
        for b in &pieces[i + 1..] {
            // (The depth noise bounds the heights' noise.)
            if a.table && b.table
                || (a.height - b.height).abs() > 0.03 + 2.0 * a.noise.max(b.noise)
                || !colour::one_paint_apart(a.paint, b.paint, cfg.max_chroma)
            {
                continue;
            }
            let ((hull_a, noise_a), (hull_b, noise_b)) = (top(a), top(b));
            let d = distance(&hull_a, &hull_b);
            if d <= HIDDEN_TABLE_REACH && (a.height - b.height).abs() <= 0.03 + 2.0 * noise_a.max(noise_b) {
                pairs.push((d, a, b));
            }
        }
    }
    if pairs.is_empty() {
        return false;
    }
    // Whether a group is hidden in part: of its outline's pixels (a 4-neighbour outside
    // it), the share where, that way, the first pixel with depth within three (the sensor
    // loses depth beside depth edges) stands nearer (by 10 cm and twice the noise).
    let n = cam.len();
    let h = (n / w) as isize;
    let hidden = |p: &Piece| {
        let (mut edge, mut nearer) = (0usize, 0usize);
        for &i in &groups[&p.key] {
            let i = i as usize;
            let (x, y) = ((i % w) as isize, (i / w) as isize);
            let (mut out, mut front) = (false, false);
            for (dx, dy) in [(-1, 0), (1, 0), (0, -1), (0, 1)] {
                let at = |k: isize| {
                    let (u, v) = (x + dx * k, y + dy * k);
                    (u >= 0 && v >= 0 && u < w as isize && v < h).then(|| (v * w as isize + u) as usize)
                };
                let Some(j) = at(1) else { continue };
                if seg.objects[j] == p.key {
                    continue;
                }
                out = true;
                if let Some(j) = (1..=3).filter_map(at).find(|&j| cam[j][2] > 0.0) {
                    front |= seg.objects[j] != p.key && cam[j][2] < cam[i][2] - 0.1 - 2.0 * p.noise;
                }
            }
            edge += out as usize;
            nearer += front as usize;
        }
        nearer as f32 >= HIDDEN_OUTLINE * edge as f32
    };
    let mut seen: HashMap<u32, bool> = Default::default();
    let mut is_hidden = |p: &Piece| *seen.entry(p.key).or_insert_with(|| hidden(p));
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut into: BTreeMap<u32, u32> = Default::default();
    let root = |into: &BTreeMap<u32, u32>, mut k: u32| {
        while let Some(&n) = into.get(&k) {
            k = n;
        }
        k
    };
    for (d, a, b) in pairs {
        let (ra, rb) = (root(&into, a.key), root(&into, b.key));
        if ra == rb {
            continue;
        }
        let touching = d <= 0.05 + 2.0 * a.noise.max(b.noise);
        let hidden = touching
            || match (a.table, b.table) {
                (true, _) => is_hidden(a),
                (_, true) => is_hidden(b),
                _ => is_hidden(a) || is_hidden(b),
            };
        if !hidden {
            continue;
        }
        let members = |r: u32| groups.keys().copied().filter(|&k| root(&into, k) == r).collect::<Vec<_>>();
        let points: Vec<[f32; 3]> =
            members(ra).into_iter().chain(members(rb)).flat_map(|k| groups[&k].iter().map(|&i| seg.points[i as usize])).collect();
        let noise = a.noise.max(b.noise);
        if legs(&points, cfg, noise).is_some_and(|(n, area)| n <= 4 && enough_legs(n, area, cfg)) {
            into.insert(ra.max(rb), ra.min(rb));
        }
    }
    for key in into.keys().rev().copied().collect::<Vec<_>>() {
        let target = root(&into, key);
        move_group(groups, tables, key, target);
        tables.insert(target, true);
    }
    !into.is_empty()
}

/// Whether an object is a top on legs, though its top was not seen as a support surface (a
/// low camera sees it edge-on): its points below the top's band ([`LEG_BELOW_TOP`] under
/// its highest point, twice the noise allowed) stand in two or more narrow clusters (legs,
/// at most [`segment::LEG_SPAN`] across, noise allowing) that reach down into its lower
/// half, under a top at least half a support's area across; or one such leg under a top
/// of a support's area or more (no small thing has one): a nearer table may hide all but
/// one leg of a far table (generated seed 141). (Legs are not asked to show in the lower
/// half alone: a nearer table's top may hide all but the upper parts of a far table's
/// legs, generated seed 175.)
pub(crate) fn stands_on_legs(points: &[[f32; 3]], cfg: &SceneConfig, sigma: f32) -> bool {
    legs(points, cfg, sigma).is_some_and(|(n, area)| enough_legs(n, area, cfg))
}

/// Whether `n` legs under a top of `area` (see [`legs`]) make a table (see
/// [`stands_on_legs`]).
fn enough_legs(n: usize, area: f32, cfg: &SceneConfig) -> bool {
    n >= 2 || (n == 1 && area >= cfg.support_min_area)
}

/// The legs under a top (see [`stands_on_legs`]): the number of narrow clusters of lower
/// points under its outline, and the top's area; None where there is no top half a
/// support's area across, or something broad stands under it.
fn legs(points: &[[f32; 3]], cfg: &SceneConfig, sigma: f32) -> Option<(usize, f32)> {
    let zmax = points.iter().map(|p| p[2]).fold(f32::MIN, f32::max);
    if zmax < 0.3 {
        return None;
    }
    let upper: Vec<Vec2> = points.iter().filter(|p| p[2] >= zmax - 0.1).map(|p| Vec2::new(p[0], p[1])).collect();
    let hull = spatia_geom::convex_hull(upper);
    let area = segment::polygon_area(&hull);
    if area < cfg.support_min_area / 2.0 {
        return None;
    }
    let below: Vec<[f32; 3]> =
        points.iter().filter(|p| p[2] < zmax - LEG_BELOW_TOP - 2.0 * sigma && p[2] > 0.02 + 2.0 * sigma).copied().collect();
    let mut legs = 0;
    for c in clusters(&below) {
        // Something broad under the top (a box's side, a cabinet): not a table.
        if (c.hi - c.lo).norm() > segment::LEG_SPAN + 4.0 * sigma {
            return None;
        }
        // A leg reaches down into the lower half (what hangs from a top, or a thing's
        // lower part on a table under it, does not); one beyond the top's visible outline
        // (a back leg under a top seen edge-on, whose far part is hidden) is not counted,
        // nor does it rule the table out.
        if c.zlo < 0.5 * zmax && inside(&hull, (c.lo + c.hi) / 2.0, 0.1) {
            legs += 1;
        }
    }
    Some((legs, area))
}

/// A cluster of points (see [`clusters`]): its lowest height and its floor-plane box.
struct Cluster {
    zlo: f32,
    lo: Vec2,
    hi: Vec2,
}

/// Points on a 3 cm grid of the floor plane, clustered by 8-neighbourhood of cells; those
/// of at least 10 points.
fn clusters(points: &[[f32; 3]]) -> Vec<Cluster> {
    const CELL: f32 = 0.03;
    // Each cell: its points and their lowest height.
    let mut cells: HashMap<(i32, i32), (usize, f32)> = Default::default();
    for p in points {
        let c = cells.entry(((p[0] / CELL).floor() as i32, (p[1] / CELL).floor() as i32)).or_insert((0, f32::MAX));
        *c = (c.0 + 1, c.1.min(p[2]));
    }
    let mut seen: HashSet<(i32, i32)> = Default::default();
    let mut out = Vec::new();
    for &start in cells.keys() {
        if !seen.insert(start) {
            continue;
        }
        let (mut stack, mut n, mut zlo, mut lo, mut hi) = (vec![start], 0, f32::MAX, Vec2::repeat(f32::MAX), Vec2::repeat(f32::MIN));
        while let Some(c) = stack.pop() {
            n += cells[&c].0;
            zlo = zlo.min(cells[&c].1);
            let q = Vec2::new(c.0 as f32, c.1 as f32) * CELL;
            lo = lo.inf(&q);
            hi = hi.sup(&(q + Vec2::repeat(CELL)));
            for dx in -1..=1 {
                for dy in -1..=1 {
                    let nb = (c.0 + dx, c.1 + dy);
                    if cells.contains_key(&nb) && seen.insert(nb) {
                        stack.push(nb);
                    }
                }
            }
        }
        if n >= 10 {
            out.push(Cluster { zlo, lo, hi });
        }
    }
    out
}

/// The pixels of a table's top, found by height, for a table whose top the segmentation
/// did not find as a support (under noise, far away and seen at a grazing angle, its
/// normals face the line of sight). The top is the table's highest level; its pixels'
/// heights spread by `sigma_h`, the depth noise times the slope of their rays (millimetres
/// where the depth noise is centimetres), the rim under it spans heights down to its
/// thickness, the legs lower still. The top's height `h` is taken a band of 2.5 `sigma_h`
/// under the 98th percentile, then twice as the median within the band. Only pixels from
/// `h + sigma_h` to the band's top are returned: a rim pixel just under the top falls
/// within a band about `h` as often as a top pixel does, and its ray meets the plane short
/// of the near edge (by its depth under the top over the ray's slope, decimetres); a rim
/// pixel `d` under the top reaches `h + sigma_h` only with noise beyond `d + sigma_h`,
/// while the top's pixels that high (a sixth of them) still cover all of the top (from
/// `h` up, 2 of 142 tables on seeds 0-99 stayed 10-12 % too deep). `group` are the table's
/// pixels, `points` the scene-frame points, `camera` the camera's position in the scene
/// frame and `sigma` the depth noise. Returns the pixels and the top's height `h` (their
/// own median is higher, by about one and a half `sigma_h`: the plane their rays are met
/// with is `h`'s); none and 0 for a group of fewer than 30 pixels.
pub fn top_by_height(group: &[u32], points: &[[f32; 3]], camera: Vec3, sigma: f32) -> (Vec<u32>, f32) {
    if group.len() < 30 {
        return (Vec::new(), 0.0);
    }
    let mut z: Vec<f32> = group.iter().map(|&i| points[i as usize][2]).collect();
    let high = shape::quantile(&mut z, 0.98);
    let sigma_h = shape::height_noise(group.iter().map(|&i| v3(points[i as usize])).filter(|p| p.z >= high - 0.1), camera, sigma);
    let band = 2.5 * sigma_h;
    let mut h = high - band;
    for _ in 0..2 {
        h = shape::median(z.iter().copied().filter(|v| (v - h).abs() <= band).collect());
    }
    (group.iter().copied().filter(|&i| (sigma_h..=band).contains(&(points[i as usize][2] - h))).collect(), h)
}

/// A table's top outline grown to cover its legs: a top stands over its legs, so where
/// the things on a top hide part of it (its visible pixels, met by their rays, span less
/// than the table) the legs still show how far it reaches. Each leg is placed at the
/// median of its upper half (the floor beside a far leg's foot can join the leg); the
/// outline's sides move out to hold every leg, never in. `top` is the outline (upright),
/// `legs` the legs' scene-frame points.
pub fn cover_legs(top: Obb, legs: &[Vec<Vec3>]) -> Obb {
    let (u, v) = (top.axes[0].xy(), top.axes[1].xy());
    let c = top.centre.xy();
    let (mut lo, mut hi) = (-top.half.xy(), top.half.xy());
    for leg in legs {
        let zmax = leg.iter().map(|p| p.z).fold(f32::MIN, f32::max);
        let zmin = leg.iter().map(|p| p.z).fold(f32::MAX, f32::min);
        let upper: Vec<&Vec3> = leg.iter().filter(|p| p.z >= (zmin + zmax) / 2.0).collect();
        if upper.is_empty() {
            continue;
        }
        let at = Vec2::new(
            shape::median(upper.iter().map(|p| (p.xy() - c).dot(&u)).collect()),
            shape::median(upper.iter().map(|p| (p.xy() - c).dot(&v)).collect()),
        );
        lo = lo.inf(&at);
        hi = hi.sup(&at);
    }
    let mid = (lo + hi) / 2.0;
    Obb::upright(u, c + u * mid.x + v * mid.y, (hi - lo) / 2.0, top.centre.z - top.half.z, top.centre.z + top.half.z)
}

/// Depth below a table's top within which its edge's side face (the top's thickness, an
/// apron) is looked for, metres.
const RIM_DEPTH: f32 = 0.15;

/// The pixels of a table's top face without its rim: the side faces of the top (its
/// thickness, an apron) lie under the top's near edges, within noise of its plane where
/// depth is noisy, and their rays meet the plane short of the edge, so a top measured
/// through its pixels' rays (see [`shape::top_face`]) would reach towards the camera by
/// the thickness over the tangent of the view's slope. In each image column where the
/// group's run of pixels under the top ends on farther background within [`RIM_DEPTH`] of
/// the top, that end is the rim's lower edge; the rim's height in the image (in metres at
/// each pixel's range) is where the heights up the columns from there reach the top's
/// (their medians over all such columns, in centimetre steps, within noise). Top pixels
/// that high above the lower edge, or above the lowest top pixel where a leg goes on
/// down, are dropped; where something nearer hides the edge, none. `top` are the top's
/// pixels, `group` all the table's (ascending), `cam` the camera-frame points and
/// `points` the scene-frame ones, `w` the image width, `fx` the focal length in pixels
/// and `noise` the depth noise.
pub fn top_without_rim(top: &[u32], group: &[u32], cam: &[[f32; 3]], points: &[[f32; 3]], w: usize, fx: f32, noise: f32) -> Vec<u32> {
    if top.len() < 30 {
        return top.to_vec();
    }
    let height = shape::median(top.iter().map(|&i| points[i as usize][2]).collect());
    let member = |i: usize| group.binary_search(&(i as u32)).is_ok();
    let range = |i: usize| v3(cam[i]).norm();
    // The lowest top pixel of each column.
    let mut lowest: BTreeMap<usize, usize> = BTreeMap::new();
    for &i in top {
        let i = i as usize;
        let e = lowest.entry(i % w).or_insert(i);
        *e = (*e).max(i);
    }
    let below = |i: usize| Some(i + w).filter(|&j| j < cam.len());
    // Per column: Some(lower edge) where the rim's foot is seen, None where a leg goes on.
    let mut feet: BTreeMap<usize, Option<usize>> = BTreeMap::new();
    for (&x, &b) in &lowest {
        let mut end = b;
        while let Some(j) = below(end).filter(|&j| member(j) && points[j][2] > height - RIM_DEPTH) {
            end = j;
        }
        match below(end) {
            Some(j) if member(j) => {
                feet.insert(x, None);
            }
            Some(j) if cam[j][2] > 0.0 && range(j) < range(end) - 2.0 * noise => {} // hidden by something nearer
            _ => {
                feet.insert(x, Some(end));
            }
        }
    }
    // Median height against the height in the image above the rim's foot.
    const STEP: f32 = 0.01;
    let bins = (RIM_DEPTH / STEP) as usize * 2;
    let mut profile: Vec<Vec<f32>> = vec![Vec::new(); bins];
    for &foot in feet.values().flatten() {
        let mut i = foot;
        loop {
            let u = (foot / w - i / w) as f32 * range(i) / fx;
            let b = (u / STEP) as usize;
            if b >= bins {
                break;
            }
            if cam[i][2] > 0.0 {
                profile[b].push(points[i][2] - height);
            }
            if i < w || !member(i - w) {
                break;
            }
            i -= w;
        }
    }
    // The spread of heights on the face itself, from the upper half of the profile.
    let far: Vec<f32> = profile[bins / 2..].iter().flatten().copied().collect();
    if far.len() < 10 {
        return top.to_vec();
    }
    let spread = 1.4826 * shape::median(far.iter().map(|d| d.abs()).collect());
    let mut rim = 0.0;
    for (b, dz) in profile.iter().enumerate().take(bins / 2) {
        if dz.len() < 5 {
            break;
        }
        let tol = (2.5 * spread / (dz.len() as f32).sqrt()).max(0.005);
        if shape::median(dz.clone()) >= -tol {
            break;
        }
        rim = (b + 1) as f32 * STEP;
    }
    if rim == 0.0 {
        return top.to_vec();
    }
    top.iter()
        .copied()
        .filter(|&i| {
            let i = i as usize;
            let (x, y) = (i % w, i / w);
            let from = match feet.get(&x) {
                Some(Some(foot)) => foot / w,
                Some(None) => lowest[&x] / w,
                None => return true,
            };
            (from - y) as f32 * range(i) / fx >= rim
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    // A leg's column of points from the floor to just under the top, at (x, y).
    fn leg(x: f32, y: f32) -> Vec<Vec3> {
        (0..30).map(|k| Vec3::new(x + 0.01 * (k % 3) as f32, y, 0.7 * k as f32 / 30.0)).collect()
    }

    #[test]
    fn a_top_outline_grows_to_hold_its_legs_and_never_shrinks() {
        // A top seen 0.6 x 0.4 m about (1, 2), turned 30 degrees; the things on it hid the rest.
        let u = Vec2::new(30f32.to_radians().cos(), 30f32.to_radians().sin());
        let v = Vec2::new(-u.y, u.x);
        let c = Vec2::new(1.0, 2.0);
        let top = Obb::upright(u, c, Vec2::new(0.3, 0.2), 0.7, 0.7);
        let at = |a: f32, b: f32| c + u * a + v * b;
        // Legs 0.55 m out along the long side on both ends, one inside the outline.
        let legs: Vec<Vec<Vec3>> = [at(0.55, 0.15), at(-0.55, 0.15), at(0.0, -0.1)].iter().map(|p| leg(p.x, p.y)).collect();
        let grown = cover_legs(top, &legs);
        let e = grown.extents();
        let (long, short) = (e.x.max(e.y), e.x.min(e.y));
        assert!((long - 1.11).abs() < 0.02, "long side {long}");
        assert!((short - 0.4).abs() < 1e-4, "short side {short}");
        assert!((grown.centre.xy() - at(0.0, 0.0)).norm() < 0.02, "centre {:?}", grown.centre);
        assert!((grown.centre.z - 0.7).abs() < 1e-6);
        // Legs within the outline leave it as it was.
        let same = cover_legs(top, &[leg(at(0.1, 0.1).x, at(0.1, 0.1).y)]);
        assert!((same.extents() - top.extents()).norm() < 1e-5 && (same.centre - top.centre).norm() < 1e-5);
    }

    #[test]
    fn a_top_is_found_by_height_above_its_rim_and_legs() {
        // A top at 0.7 m, 4.5 m away, its heights spread by 5 mm (the rays' slope times
        // the depth noise); a 4 cm rim under its near edge and legs below. Seeded noise.
        let camera = Vec3::new(0.0, 0.0, 1.3);
        let mut gauss = crate::shape::tests::normal_noise(7);
        let sigma = 0.04; // depth noise at 4.5 m; the rays' slope is about 0.13
        let mut points = Vec::new();
        let mut kinds = Vec::new();
        for k in 0..600 {
            let (x, y) = (-0.5 + (k % 30) as f32 / 30.0, 4.2 + (k / 30) as f32 * 0.03);
            points.push([x, y, 0.7 + 0.005 * gauss()]);
            kinds.push('t');
        }
        for k in 0..300 {
            points.push([-0.5 + (k % 30) as f32 / 30.0, 4.19, 0.7 - 0.04 * (k / 30) as f32 / 10.0 + 0.005 * gauss()]);
            kinds.push('r');
        }
        for k in 0..200 {
            points.push([if k % 2 == 0 { -0.45 } else { 0.45 }, 4.2, 0.66 * (k / 2) as f32 / 100.0]);
            kinds.push('l');
        }
        let group: Vec<u32> = (0..points.len() as u32).collect();
        let (top, h) = top_by_height(&group, &points, camera, sigma);
        assert!((h - 0.7).abs() < 0.002, "height {h}");
        let count = |c: char| top.iter().filter(|&&i| kinds[i as usize] == c).count();
        // A sixth of the top's 600 pixels, few of the rim's: its upper centimetre at most,
        // whose rays meet the plane within 8 cm of the edge.
        assert!(count('t') >= 70, "top pixels {}", count('t'));
        assert!(count('r') * 20 <= count('t'), "rim {} of {}", count('r'), count('t'));
        let deepest =
            top.iter().filter(|&&i| kinds[i as usize] == 'r').map(|&i| 0.04 * ((i as usize - 600) / 30) as f32 / 10.0).fold(0.0, f32::max);
        assert!(deepest <= 0.012, "rim pixels {deepest} m under the top");
        assert_eq!(count('l'), 0);
        // They span the whole top, near edge to far edge.
        let ys: Vec<f32> = top.iter().filter(|&&i| kinds[i as usize] == 't').map(|&i| points[i as usize][1]).collect();
        let (lo, hi) = ys.iter().fold((f32::MAX, f32::MIN), |(a, b), &y| (a.min(y), b.max(y)));
        assert!(lo < 4.23 && hi > 4.74, "{lo}..{hi}");
    }
}
