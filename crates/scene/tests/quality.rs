//! Segmentation, attributes, sizes and support on generated scenes, with and without noise.

use spatia_scene::{Object, ShapeClass};
use spatia_synth::{Colour, ShapeKind};

use crate::util::{Case, case, case_sized, case_with, glimpsed_pixels, matched, matches, visible_pixels};

fn shape_ok(truth: ShapeKind, got: ShapeClass, label: &str) -> bool {
    match truth {
        ShapeKind::Table => label == "table",
        ShapeKind::Chair => label == "chair",
        ShapeKind::Box => matches!(got, ShapeClass::Box | ShapeClass::Cube),
        ShapeKind::Sphere => got == ShapeClass::Sphere,
        ShapeKind::Cylinder => got == ShapeClass::Cylinder,
    }
}

fn colour_ok(truth: Colour, got: spatia_scene::ColourName) -> bool {
    truth.name() == got.as_str()
}

/// Scene-level and object-level agreement with the ground truth over a range of seeds.
#[derive(Debug, Default)]
pub struct Stats {
    pub scenes: usize,
    pub count_exact: usize,
    pub iou_sum: f32,
    pub objects: usize,
    pub matched: usize,
    pub shape_ok: usize,
    pub colour_ok: usize,
    pub size_ok: usize,
    pub support_ok: usize,
}

impl Stats {
    pub fn rate(&self, n: usize) -> f32 {
        n as f32 / self.matched.max(1) as f32
    }

    pub fn mean_iou(&self) -> f32 {
        self.iou_sum / self.objects.max(1) as f32
    }
}

pub fn evaluate(noise: bool, seeds: std::ops::Range<u64>, verbose: bool) -> Stats {
    let mut st = Stats::default();
    {
        for seed in seeds {
            let c = case(seed, noise);
            let m = matches(&c, visible_pixels(&c));
            // Objects seen on 150 pixels or more (at 640x480) must be found; those on fewer
            // (down to the segmenter's 40-pixel floor) may be found or not.
            let visible = m.len();
            let glimpsed = c.truth.objects.iter().filter(|t| t.pixels >= glimpsed_pixels(&c)).count();
            let count_ok = (visible..=glimpsed).contains(&c.scene.objects.len());
            st.scenes += 1;
            st.count_exact += count_ok as usize;
            for (ti, pi, iou) in &m {
                let t = &c.truth.objects[*ti];
                st.iou_sum += iou;
                st.objects += 1;
                let Some(pi) = pi else {
                    if verbose {
                        eprintln!("seed {seed} noise {noise}: missed {}", t.name);
                    }
                    continue;
                };
                let p = &c.scene.objects[*pi];
                let sh = shape_ok(t.shape, p.shape, &p.label);
                let co = colour_ok(t.colour, p.colour);
                let size_ok = (0..3).all(|k| {
                    let (want, got) = if matches!(t.shape, ShapeKind::Box | ShapeKind::Table) {
                        let mut a = [t.size[0], t.size[1]];
                        let mut b = [p.size[0], p.size[1]];
                        a.sort_by(f32::total_cmp);
                        b.sort_by(f32::total_cmp);
                        if k < 2 { (a[k], b[k]) } else { (t.size[2], p.size[2]) }
                    } else {
                        (t.size[k], p.size[k])
                    };
                    (got - want).abs() <= (0.1 * want).max(0.01)
                });
                let centre_err = (0..3).map(|k| (p.centre[k] - t.centre[k]).powi(2)).sum::<f32>().sqrt();
                let centre_ok = centre_err <= (0.1 * t.size.iter().cloned().fold(0.0, f32::max)).max(0.01);
                let want_on = t.on.and_then(|id| {
                    m.iter().find(|(tj, _, _)| c.truth.objects[*tj].id == id).and_then(|(_, pj, _)| pj.map(|pj| c.scene.objects[pj].id))
                });
                let on_ok = p.on == want_on;
                st.shape_ok += sh as usize;
                st.colour_ok += co as usize;
                st.size_ok += (size_ok && centre_ok) as usize;
                st.support_ok += on_ok as usize;
                st.matched += 1;
                if verbose
                    && (std::env::var_os("SPATIA_QUALITY_ALL").is_some() || !(sh && co && size_ok && centre_ok && on_ok) || *iou < 0.9)
                {
                    eprintln!(
                        "seed {seed} noise {noise}: {} -> {} iou {iou:.2} shape {:?}{} colour {:?}{} size {:?} vs {:?} centre err {centre_err:.3} on {:?} want {:?}",
                        t.name,
                        p.name,
                        p.shape,
                        if sh { "" } else { "!" },
                        p.colour,
                        if co { "" } else { "!" },
                        p.size,
                        t.size,
                        p.on,
                        want_on
                    );
                }
            }
            if verbose && !count_ok {
                eprintln!(
                    "seed {seed} noise {noise}: {} objects, {} visible: {:?}",
                    c.scene.objects.len(),
                    visible,
                    c.scene.objects.iter().map(|o| &o.name).collect::<Vec<_>>()
                );
            }
        }
    }
    eprintln!(
        "noise {noise}: scenes {} count exact {}, mean IoU {:.3}, shape {:.3}, colour {:.3}, size+centre {:.3}, support {:.3}",
        st.scenes,
        st.count_exact,
        st.mean_iou(),
        st.rate(st.shape_ok),
        st.rate(st.colour_ok),
        st.rate(st.size_ok),
        st.rate(st.support_ok)
    );
    st
}

// Without noise the targets hold (issue 3: IoU 0.97, count exact on 95 % of scenes,
// shape and colour 98 %, sizes and centres 95 %, support 98 %). With noise the floors are
// what the segmenter reaches today over these seeds: they guard against regressions and
// rise as it improves.

#[test]
fn noise_free_scenes_match_the_truth() {
    let st = evaluate(false, 0..20, false);
    assert!(st.mean_iou() >= 0.97, "mean IoU {}", st.mean_iou());
    assert!(st.count_exact >= 19, "object count exact in {} of 20 scenes", st.count_exact);
    assert!(st.rate(st.shape_ok) >= 0.98, "shape {}", st.rate(st.shape_ok));
    assert!(st.rate(st.colour_ok) >= 0.98, "colour {}", st.rate(st.colour_ok));
    assert!(st.rate(st.size_ok) >= 0.95, "size and centre {}", st.rate(st.size_ok));
    assert!(st.rate(st.support_ok) >= 0.98, "support {}", st.rate(st.support_ok));
}

#[test]
fn noisy_scenes_match_the_truth() {
    let st = evaluate(true, 0..20, false);
    // Masks include the pixels whose depth the sensor lost beside depth edges, and growing
    // steps across small holes (issue 3: 0.88 without either).
    assert!(st.mean_iou() >= 0.96, "mean IoU {}", st.mean_iou());
    assert!(st.count_exact >= 18, "object count exact in {} of 20 scenes", st.count_exact);
    // The light from the fitted shapes' normals (issue 3: 0.971 from the noisy normals).
    assert!(st.rate(st.colour_ok) >= 0.98, "colour {}", st.rate(st.colour_ok));
    assert!(st.rate(st.support_ok) >= 0.98, "support {}", st.rate(st.support_ok));
    assert!(st.rate(st.shape_ok) >= 0.94, "shape {}", st.rate(st.shape_ok));
    // Heights from supports and mask edges, tables' tops without their rims, found by
    // height where they were not supports and held over their legs, boxes seen on two
    // faces from the faces' lines, faces hidden at an end reaching as far as the top
    // (issue 3: 0.69 from the highest and lowest points; 0.923 now).
    assert!(st.rate(st.size_ok) >= 0.90, "size and centre {}", st.rate(st.size_ok));
}

#[test]
#[ignore = "prints every disagreement with the ground truth (every object with SPATIA_QUALITY_ALL=1): [SPATIA_QUALITY_SEEDS=A..B] cargo test --release -p spatia-scene -- --ignored --nocapture"]
fn report() {
    // SPATIA_QUALITY_SEEDS=20..60 reports on other seeds.
    let seeds = std::env::var("SPATIA_QUALITY_SEEDS").ok().and_then(|s| {
        let (a, b) = s.split_once("..")?;
        Some(a.parse::<u64>().ok()?..b.parse::<u64>().ok()?)
    });
    let seeds = seeds.unwrap_or(0..20);
    evaluate(false, seeds.clone(), true);
    evaluate(true, seeds, true);
}

// Regression (issue 3): a small gray box standing on a black box, seen from above at 3.4 m:
// the black top beside the gray box's sides has normals blurred toward them, and the step
// up onto the gray side had passed for a rim (where brighter faces may join darker ones).
#[test]
fn a_box_standing_on_a_darker_box_is_its_own_object() {
    let c = case(53, false);
    let names: Vec<&str> = c.scene.objects.iter().map(|o| o.name.as_str()).collect();
    let gray = c.scene.objects.iter().find(|o| o.colour.as_str() == "gray" && o.pixels < 1_000 && o.centre[2] > 1.0);
    let gray = gray.unwrap_or_else(|| panic!("no small gray box up on the black box: {names:?}"));
    let black = c.scene.objects.iter().find(|o| o.name == "black box").unwrap_or_else(|| panic!("no black box: {names:?}"));
    assert_eq!(gray.on, Some(black.id), "{names:?}");
    assert_eq!(black.pixels, c.truth.objects.iter().find(|t| t.name == "black box").map(|t| t.pixels).unwrap_or(0));
}

// Regression (issue 3): a strip of ceiling at the top of the photo, too small to be found as
// a plane, joined to the corner of two walls (whose normals the smoothing blends) had become
// a 2 m "gray box" above the camera.
#[test]
fn a_strip_of_ceiling_is_not_an_object() {
    let c = case(31, false);
    let names: Vec<&str> = c.scene.objects.iter().map(|o| o.name.as_str()).collect();
    assert!(c.scene.objects.iter().all(|o| o.centre[2] < 1.5), "{names:?}");
    assert_eq!(c.scene.objects.len(), c.truth.objects.len(), "{names:?}");
}

/// The colour of the scene's object whose centre is within `within` metres of that of the
/// truth object named `truth` (over the first `dims` coordinates: 2 on the floor plane, 3
/// in space) on seed `seed` (with sensor noise where `noise`), with the scene's object names
/// for messages.
fn colour_near(seed: u64, noise: bool, truth: &str, dims: usize, within: f32) -> (String, Vec<String>) {
    let c = case(seed, noise);
    let names: Vec<String> = c.scene.objects.iter().map(|o| o.name.clone()).collect();
    let t = c.truth.objects.iter().find(|t| t.name.contains(truth)).unwrap_or_else(|| panic!("truth has no {truth}"));
    let near = |o: &&spatia_scene::Object| (0..dims).map(|k| (o.centre[k] - t.centre[k]).powi(2)).sum::<f32>().sqrt() < within;
    let o = c.scene.objects.iter().find(near).unwrap_or_else(|| panic!("not found: {names:?}"));
    (o.colour.as_str().to_string(), names)
}

// Regression (issue 3): an orange cylinder with no face toward the light is lit by the
// ambient light alone (half its paint) and had been named brown; the scene's light, estimated
// from how every object's brightness follows its normals, names it by its paint.
#[test]
fn an_orange_cylinder_in_shadow_is_orange() {
    let (colour, names) = colour_near(4, false, "orange cylinder", 3, 0.05);
    assert_eq!(colour, "orange", "{names:?}");
}

// Regression (issue 3): a flat cylinder 8 cm tall 6 m away, seen under a table, lay within
// the floor's tolerance (which grew with the square of the range) and was taken for floor.
#[test]
fn a_low_cylinder_far_away_is_not_floor() {
    let (colour, names) = colour_near(47, false, "orange cylinder", 2, 0.1);
    assert_eq!(colour, "orange", "{names:?}");
}

// Regression (issue 3): a white cylinder whose lit side is just out of view (the light only
// grazes what the camera sees) had been named gray.
#[test]
fn a_white_cylinder_the_light_only_grazes_is_white() {
    let (colour, names) = colour_near(41, false, "white cylinder", 3, 0.05);
    assert_eq!(colour, "white", "{names:?}");
}

// Regression (issue 3): a white table at 4-5 m, its top seen on a few rows at a grazing
// angle and its legs in their own shade filling most of its pixels, had been named gray,
// with noisy depth (seed 33) and without (seed 183). A table is named by its top's paint.
#[test]
fn a_far_white_table_is_named_by_its_top() {
    for (seed, noise) in [(33, true), (183, false)] {
        let (colour, names) = colour_near(seed, noise, "white table", 3, 0.2);
        assert_eq!(colour, "white", "seed {seed} noise {noise}: {names:?}");
    }
}

// Regression (issue 3): with Kinect-like noise the smoothed normals of things at 4-6 m are
// tens of degrees off, the light's model explained a quarter to two thirds of how their
// brightness varies, and was not used: a white box or cylinder in shade was named gray, an
// orange one brown. The normals of the fitted shapes where the pixels' rays meet them
// (tables, without a fitted shape, left out) bring it to 70-100 %.
#[test]
fn noisy_things_in_shade_are_named_by_their_paint() {
    assert_noisy_paints(&[
        (27, "white cylinder", "white"),
        (68, "white box", "white"),
        (31, "orange box", "orange"),
        (61, "orange cylinder", "orange"),
    ]);
}

/// Asserts that with noise each (seed, truth object, paint) is named by that paint.
fn assert_noisy_paints(cases: &[(u64, &str, &str)]) {
    for &(seed, truth, paint) in cases {
        let (colour, names) = colour_near(seed, true, truth, 3, 0.1);
        assert_eq!(colour, paint, "seed {seed} {truth}: {names:?}");
    }
}

// Regression (issue 3): with noise, scenes whose fitted shapes show tops and fronts only fix
// the light's ratio of brightness between them, not the light: one from behind at 10-30
// degrees above level with little ambient light explained them as well as the true one,
// and named the tops lit by it in shade: gray boxes white, a black box gray. A name is
// changed only where every light that explains the photo about as well agrees.
#[test]
fn a_light_the_photo_leaves_open_renames_nothing() {
    assert_noisy_paints(&[(6, "gray box", "gray"), (140, "gray box", "gray"), (188, "black box", "black"), (188, "gray cylinder", "gray")]);
}

// Regression (issue 3): a table's top seen exactly edge-on, its lit surface a single row of
// pixels apart from the table's darker sides, had become a flat "white object".
#[test]
fn a_table_top_seen_edge_on_is_not_an_object_of_its_own() {
    let c = case(90, false);
    let names: Vec<&str> = c.scene.objects.iter().map(|o| o.name.as_str()).collect();
    assert!(c.scene.objects.iter().all(|o| o.visible_size[2] > 0.01 || o.visible_size[0].min(o.visible_size[1]) > 0.01), "{names:?}");
    assert_eq!(c.scene.objects.len(), c.truth.objects.len(), "{names:?}");
}

/// The scene's object that best overlaps the truth object named `truth`, their IoU, and
/// the scene's object names for messages; panics where no object overlaps it.
fn found<'a>(c: &'a Case, truth: &str) -> (&'a Object, f32, Vec<&'a str>) {
    let names: Vec<&str> = c.scene.objects.iter().map(|o| o.name.as_str()).collect();
    let (_, pi, iou) = matched(c, truth);
    let pi = pi.unwrap_or_else(|| panic!("{truth} not found: {names:?}"));
    (&c.scene.objects[pi], iou, names)
}

/// That the truth object named `truth` of case `c` (of seed `seed`) is found as a table
/// overlapping it by `min_iou` or more.
fn assert_found_table(c: &Case, seed: u64, truth: &str, min_iou: f32) {
    let (o, iou, names) = found(c, truth);
    assert_eq!(o.label, "table", "seed {seed}: {names:?}");
    assert!(iou >= min_iou, "seed {seed}: IoU {iou}: {names:?}");
}

/// That the truth object named `truth` on seed `seed` is found as one object of `shape`
/// overlapping it by `min_iou` or more, and the scene's object count is right.
fn assert_found_whole(seed: u64, noise: bool, truth: &str, shape: ShapeClass, min_iou: f32) {
    let c = case(seed, noise);
    let (o, iou, names) = found(&c, truth);
    assert_eq!(o.shape, shape, "seed {seed} noise {noise}: {names:?}");
    assert!(iou >= min_iou, "seed {seed} noise {noise}: IoU {iou}: {names:?}");
    assert_count(seed, noise);
}

/// The object of case `c` (of seed `seed`) that best overlaps the truth object named
/// `truth`, asserting an IoU of at least `min_iou` and the scene's object count.
fn assert_found_in<'a>(c: &'a Case, seed: u64, truth: &str, min_iou: f32) -> &'a Object {
    let (o, iou, names) = found(c, truth);
    assert!(iou >= min_iou, "seed {seed}: {truth} IoU {iou}: {names:?}");
    assert_count_of(c, seed);
    o
}

/// The shape of the scene's object that best overlaps the truth object named `truth` on
/// seed `seed` with sensor noise, with the scene's object names for messages.
fn noisy_shape(seed: u64, truth: &str) -> (ShapeClass, Vec<String>) {
    let c = case(seed, true);
    let (o, _, names) = found(&c, truth);
    (o.shape, names.into_iter().map(String::from).collect())
}

/// With noise, the thing `truth` of generated scene `seed` is of shape `class` and its
/// footprint within 10 % of the truth's.
fn assert_noisy_shape_and_footprint(seed: u64, truth: &str, class: ShapeClass) {
    let (shape, names) = noisy_shape(seed, truth);
    assert_eq!(shape, class, "seed {seed} {truth}: {names:?}");
    assert_footprint(seed, truth, true);
}

// Regression (issue 3): a cyan box under Kinect-like noise fitted a sphere best, and its
// shading did not tell; the outline of its mask, with corners and straight sides, does.
#[test]
fn a_noisy_box_whose_outline_is_no_circle_is_not_a_sphere() {
    let (shape, names) = noisy_shape(16, "cyan box");
    assert!(matches!(shape, ShapeClass::Box | ShapeClass::Cube), "{shape:?} {names:?}");
}

// Regression (issue 3): a small white sphere lit from above, whose noisy mask's outline is
// ragged, stays a sphere: its brightness drifts down its columns, as no prism's does.
#[test]
fn a_noisy_sphere_lit_from_above_with_a_ragged_outline_stays_a_sphere() {
    let (shape, names) = noisy_shape(88, "small white sphere");
    assert_eq!(shape, ShapeClass::Sphere, "{names:?}");
}

// Regression (issue 3): a green sphere 4 m away under Kinect-like noise fitted a box as well
// as a sphere; its brightness drifts down the image columns, which no upright prism's does.
#[test]
fn a_noisy_sphere_whose_shading_drifts_down_its_columns_is_a_sphere() {
    let (shape, names) = noisy_shape(38, "green sphere");
    assert_eq!(shape, ShapeClass::Sphere, "{names:?}");
}

// Regression (issue 3): small spheres under noise that depth fitted no better than a prism
// and whose shading did not tell (in shade, or 16-19 pixels across) were taken for prisms:
// a red sphere on a table (seed 79, a "red box"), a green one on the floor 6 m away (seed
// 115, a "green cube"), a red one half behind a table's leg (seed 4). Their silhouettes are
// circles to a fifth of a pixel; a cylinder whose silhouette comes as near a circle by its
// share of the radius (a pink one, seed 223) strays by 0.4 px, and stays a cylinder.
#[test]
fn a_small_noisy_sphere_in_shade_is_round_by_its_silhouette() {
    for (seed, name) in [(4, "red sphere"), (79, "red sphere"), (115, "green sphere")] {
        assert_noisy_shape_and_footprint(seed, name, ShapeClass::Sphere);
    }
    let (shape, names) = noisy_shape(223, "pink cylinder");
    assert_eq!(shape, ShapeClass::Cylinder, "{names:?}");
}

// Regression (issue 3): small cylinders 4-6 m away under noise, whose depth told no
// cross-section and whose side normals no squareness (a white one, seed 134; a purple one,
// seed 160; a yellow one beside another, seed 193), were taken for boxes, and so was a
// magenta one whose sides' depth looked cornered (seed 345). Their tops, brighter than
// their sides, span rows that fall off towards the silhouette's ends as the ellipse of its
// width does, which no box's quadrilateral follows as well.
#[test]
fn a_small_noisy_cylinder_is_told_by_the_ellipse_of_its_top() {
    for (seed, name) in [(134, "white cylinder"), (160, "purple cylinder"), (193, "left yellow cylinder"), (345, "magenta cylinder")] {
        assert_noisy_shape_and_footprint(seed, name, ShapeClass::Cylinder);
    }
}

// Regression (issue 3): a gray cylinder under noise had been taken for a sphere; its
// brightness drifts across its rows and keeps level down its columns.
#[test]
fn a_noisy_cylinder_lit_from_the_side_is_not_a_sphere() {
    let (shape, names) = noisy_shape(80, "gray cylinder");
    assert_ne!(shape, ShapeClass::Sphere, "{names:?}");
}

// Regression (issue 3): under noise the sensor loses half the depth of a far table's top,
// seen at a grazing angle; the top fell apart into crumbs and the table into pieces (a
// "brown cylinder" and boxes). Growing now steps across holes of up to two pixels.
#[test]
fn a_far_table_whose_top_lost_half_its_depth_is_one_table() {
    assert_found_table(&case(14, true), 14, "brown table", 0.8);
}

// Regression (issue 3): under noise a far table's legs can all come apart from its top (a
// black table 4.5 m away behind a nearer one, its legs in two pieces: seed 177 at 640x480,
// seed 28 at 320x240); the top alone, level and wide, was dropped as a piece of structure and
// the legs stayed things of their own. Legs of its paint under such a top now join it, and
// the three are one table.
#[test]
fn a_noisy_table_whose_legs_all_came_apart_is_one_table() {
    for (c, seed, name) in [(case(177, true), 177, "black table"), (case_sized(28, true, (320, 240)), 28, "brown table")] {
        assert_found_table(&c, seed, name, 0.7);
    }
    assert_count(177, true);
}

// Regression (issue 3): under noise, at range, the normals of a table's top seen at a grazing
// angle face the line of sight, and a thing's foot on it passed for a rim (a gray cylinder on
// a black table, seed 183: 6 of 15 links), so the two grew into one "gray sphere" 1.5 m
// across. What stands on another region (its heights from the other's top up) is not joined
// to it across a rim.
#[test]
fn a_noisy_thing_on_a_far_table_does_not_grow_into_it() {
    assert_found_whole(183, true, "gray cylinder", ShapeClass::Cylinder, 0.9);
}

// Regression (issue 3): a white ball 10 cm across on a red cylinder on a brown box, under a
// gray table (seed 222): the ball's shaded white passed for the table's gray and its span
// for a leg piece's, so it joined the table. A small piece resting on a thing of another
// paint (its lowest point at that thing's top, their centres close) is no leg piece.
#[test]
fn a_small_ball_on_a_stack_under_a_table_is_not_a_leg_piece() {
    for noise in [false, true] {
        assert_found_whole(222, noise, "white sphere", ShapeClass::Sphere, 0.8);
    }
}

// Regression (issue 3): under noise, a gray cylinder 15 cm across on a cyan one, seen
// between the legs of a gray table (seed 204), was slender enough to pass for one of its
// legs and joined the table. What rests on a thing of another paint is no leg either.
#[test]
fn a_noisy_thing_of_the_tables_paint_on_another_under_it_is_no_leg() {
    assert_found_whole(204, true, "gray cylinder", ShapeClass::Cylinder, 0.8);
}

// Regression (issue 3): a black box 9 cm tall by a black table's leg at 6 m under noise
// (seed 10; the noise there is 7 cm) did not stand clear of the floor by its upper tenth of
// heights, so it stayed part of the table. Its mean height does stand clear, where its
// paint cannot be the floor's in shade: the floor under a table, lifted by noise, has as
// high a mean (1280x960 seeds 14 and 28 with noise split off such "gray boxes").
#[test]
fn a_noisy_low_box_by_a_far_tables_leg_is_split_off() {
    let c = case(10, true);
    let (table, iou, names) = found(&c, "black table");
    assert!(iou >= 0.9, "table IoU {iou}: {names:?}");
    let (b, iou, names) = found(&c, "black box");
    assert!(!std::ptr::eq(b, table) && iou >= 0.3, "box IoU {iou}: {names:?}");
    for seed in [14, 28] {
        assert_count_of(&case_sized(seed, true, (1280, 960)), seed);
    }
}

// Regression (issue 3): a black box behind a black table's leg, cut in two by it in the
// photo, one piece grown into the table and split off again after the pieces were joined:
// two boxes, each a part of the box (seed 10 noise-free; at 640x360 the second piece is
// large enough to count). The split-off piece joins its other piece across the leg.
#[test]
fn a_box_cut_by_a_leg_of_its_paint_is_one_box() {
    for c in [case(10, false), case_sized(10, false, (640, 360))] {
        let b = assert_found_in(&c, 10, "black box", 0.95);
        assert_eq!(b.shape, ShapeClass::Box);
    }
}

// Regression (issue 3): a far table's top cut along its rim by noise, the far part of the
// top with a back leg's piece in one group, the rim and the other legs in another: the top
// part had no legs when table halves were merged, so it was no table then, and was a
// table by the time pieces of tops joined theirs: two "tables" (seed 20 at 848x480 with
// noise, IoU 0.56). A bare top merges with a table along a seam as a table does.
#[test]
fn a_noisy_far_tables_top_cut_along_its_rim_is_one_table() {
    let c = case_sized(20, true, (848, 480));
    let t = assert_found_in(&c, 20, "gray table", 0.9);
    assert!((t.size[0].max(t.size[1]) - 1.41).abs() < 0.1, "table size {:?}", t.size);
}

// Regression (issue 3): the lower 27 cm of a brown table's back leg, its upper part hidden
// behind the top's near edge, at the corner of the table's rectangle but beyond the outline
// of the top seen (a large box on the top hides its far part), stood as a "brown box" of
// its own (seed 133, noise-free). A slender, thin piece of the table's paint from the floor
// within a leg's reach of the rectangle's edge is a leg's.
#[test]
fn a_back_legs_lower_part_beyond_the_tops_seen_outline_is_the_tables() {
    assert_found_whole(133, false, "brown table", ShapeClass::Other, 0.99);
}

// Regression (issue 3): a red cylinder behind a black table's corner, cut by the top's edge
// into its lit top (mean (165, 24, 24)) and its side in shade ((104, 15, 15)): brightness
// 1.6 times apart, beyond the tolerance of one paint, and so two things, a "red box" and a
// "red object" (seed 149, noise-free). Two pieces of one clear hue may be three times apart.
#[test]
fn a_cylinder_cut_by_a_tables_edge_into_lit_and_shaded_pieces_is_one() {
    assert_found_whole(149, false, "red cylinder", ShapeClass::Cylinder, 0.85);
}

// Regression (issue 3): a yellow box 10 cm tall at 6 m under noise (6 cm there), kept by
// segmentation as of another paint than the floor and clear of it by its mean height, was
// then dropped as a ripple of the floor: its heights spanned less than twice the noise
// (seed 244 with noise). A ripple of the floor's own paint or at its height still goes.
#[test]
fn a_noisy_low_box_of_another_paint_than_the_floor_is_no_ripple() {
    assert_found_whole(244, true, "yellow box", ShapeClass::Box, 0.85);
}

// Regression (issue 3): pixels that noise cut out of a black cylinder's face and outline,
// with some floor by its foot, gathered into a "gray sphere" of 55 pixels inside the
// cylinder's outline (seed 14 at 848x480 with noise). A speckle beside one larger thing
// and within its box in the room joins it.
#[test]
fn a_noisy_speckle_inside_a_things_outline_joins_it() {
    assert_found_in(&case_sized(14, true, (848, 480)), 14, "black cylinder", 0.95);
}

// Regression (issue 3): a purple cylinder behind a black table's back leg (seed 26 at 848x480
// with noise) and a pink sphere by a table's leg at 6 m (seed 211 with noise) were taken for
// the tables' legs: the pieces of a top they were measured against included one of a single
// pixel, whose colour, the noise's, passed for the table's paint. A leg is now told by the
// paint of all its top's pixels.
#[test]
fn a_thing_of_another_paint_by_a_tables_leg_is_no_leg() {
    assert_found_in(&case_sized(26, true, (848, 480)), 26, "purple cylinder", 0.8);
    assert_found_whole(211, true, "right pink sphere", ShapeClass::Sphere, 0.8);
}

// Regression (issue 3): a black box 10 cm tall at 4.7 m under noise lies within the floor's
// tolerance by depth, and its paint, as gray as the gray floor's, counted as the floor's: the
// box was lost (seed 26). A pixel far darker than the floor's darkest is not of its paint.
#[test]
fn a_low_black_box_far_on_a_gray_floor_is_found() {
    let c = case(26, true);
    let (_, iou, names) = found(&c, "black box");
    assert!(iou >= 0.9, "IoU {iou}: {names:?}");
}

// Regression (issue 3): a side wall that shows a few columns at the photo's edge (0.3-0.7 m
// of it, 686-2,417 pixels) is too small for the plane search, and was kept as a "white box"
// 1 cm thick (seeds 136 and 184, noise-free; seed 26 at 320x240). An upright sheet at the
// photo's border with nothing behind it is a piece of wall.
#[test]
fn a_strip_of_wall_at_the_photos_edge_is_not_an_object() {
    for seed in [136, 184] {
        assert_count(seed, false);
    }
    assert_count_of(&case_sized(26, false, (320, 240)), 26);
}

// Regression (issue 3): under noise the upper half of a black table's leg, hanging from its
// top, came apart from the table and its lower half was lost to the noise (seeds 208 and
// 243, 245 and 533 pixels): a "black box" the table lacked. A slender piece of the table's
// paint, within its rectangle, from its top down 40 % of its height or more, joins it.
#[test]
fn a_noisy_table_legs_upper_half_apart_joins_the_table() {
    for seed in [208, 243] {
        assert_count(seed, true);
    }
}

// Regression (issue 3): a red box on a far gray table hides most of the line where the
// table's two pieces (its top cut by the box's outline) meet in the photo: 3 neighbouring
// pixel pairs, short of the seam asked for, and the table came out two (seed 205,
// noise-free). The seam is looked for across a thing in front of the top too.
#[test]
fn a_table_whose_seam_a_thing_on_it_hides_is_one_table() {
    assert_count(205, false);
}

// Regression (issue 3): a black table 5 m away, its top seen at a grazing angle under
// noise and not found as a support, came apart into a "small table" and a "large table"
// with two legs each; pieces of one paint and height, whose tops meet along a seam in the
// photo, with four legs between them, are one table.
#[test]
fn a_noisy_table_split_down_its_top_is_one_table() {
    let c = case(99, true);
    let names: Vec<&str> = c.scene.objects.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(c.scene.objects.iter().filter(|o| o.label == "table").count(), 1, "{names:?}");
    let (_, _, iou) = matched(&c, "table");
    assert!(iou >= 0.9, "IoU {iou}: {names:?}");
}

// Regression (issue 3): a gray sphere on the floor by a gray table's leg, 5 m away under
// noise, grew into the table (their depths agree within the noise); what stands lower than
// the legs' band, away from every leg, wider than a leg and not of the floor's paint is a
// thing of its own.
#[test]
fn a_noisy_sphere_by_a_table_leg_is_not_part_of_the_table() {
    let (shape, names) = noisy_shape(96, "gray sphere");
    assert_eq!(shape, ShapeClass::Sphere, "{names:?}");
    let c = case(96, true);
    let (_, _, iou) = matched(&c, "gray sphere");
    assert!(iou >= 0.7, "IoU {iou}: {names:?}");
}

// Regression (issue 3): a low cyan box far away under noise lay within the floor's
// tolerance and was taken for floor; its paint is not the floor's, and its mean height
// stands clear of the floor.
#[test]
fn a_low_box_of_another_paint_than_the_floor_is_found_under_noise() {
    let c = case(35, true);
    let names: Vec<&str> = c.scene.objects.iter().map(|o| o.name.as_str()).collect();
    let (_, pi, iou) = matched(&c, "cyan box");
    let found = &c.scene.objects[pi.unwrap_or_else(|| panic!("no cyan box: {names:?}"))];
    assert_eq!(found.colour.as_str(), "cyan", "{names:?}");
    assert!(iou >= 0.8, "IoU {iou}: {names:?}");
}

// Regression (issue 3): a black table's leg 4 m away under noise stood apart from its table
// as a 0.75 m "black box"; a thin upright thing of the table's paint, from the floor up to
// no higher than the top, under the top's outline, joins the table.
#[test]
fn a_noisy_table_leg_left_apart_joins_its_table() {
    let c = case(36, true);
    let names: Vec<&str> = c.scene.objects.iter().map(|o| o.name.as_str()).collect();
    let legs = c.scene.objects.iter().filter(|o| o.label != "table" && o.size[2] > 0.5 && o.size[0].max(o.size[1]) < 0.15);
    assert_eq!(legs.count(), 0, "{names:?}");
    assert_eq!(c.scene.objects.iter().filter(|o| o.label == "table").count(), 2, "{names:?}");
}

// Regression (issue 3): a table's back legs, whose upper ends its top hides, stood beyond
// the part of the top found as a support (its far part, seen at a grazing angle under
// noise, was not) and became two "brown boxes". A leg from the floor whose upper end meets
// the nearer top in the photo joins it.
#[test]
fn back_legs_hidden_under_a_noisy_top_belong_to_the_table() {
    let c = case(34, true);
    let names: Vec<&str> = c.scene.objects.iter().map(|o| o.name.as_str()).collect();
    assert!(!names.iter().any(|n| n.contains("brown box")), "{names:?}");
    let (_, pi, iou) = matched(&c, "table");
    assert!(pi.is_some_and(|p| c.scene.objects[p].label == "table") && iou >= 0.8, "IoU {iou}: {names:?}");
}

// Regression (issue 3): a pink cylinder standing on an orange one hides the orange one's
// top; the surface it rests on was read from the orange one's side points under it (a few
// centimetres low), and the pink cylinder, refitted down to it, came out 16 % too tall.
#[test]
fn a_cylinder_on_a_cylinder_reaches_down_to_its_top_not_below() {
    let c = case(61, false);
    let names: Vec<&str> = c.scene.objects.iter().map(|o| o.name.as_str()).collect();
    let pink = c.scene.objects.iter().find(|o| o.name == "pink cylinder").unwrap_or_else(|| panic!("{names:?}"));
    let truth = c.truth.objects.iter().find(|t| t.name == "pink cylinder").expect("truth");
    assert!((pink.size[2] - truth.size[2]).abs() <= 0.1 * truth.size[2], "height {} vs {}", pink.size[2], truth.size[2]);
}

/// The fitted height of the object matched to the truth's `truth`, and the true height.
fn noisy_height(seed: u64, truth: &str) -> (f32, f32) {
    fitted_size(seed, true, truth, 2)
}

/// Size `k` (0 and 1 across, 2 the height) of the object matched to the truth's `truth` on
/// seed `seed`, and the true one.
fn fitted_size(seed: u64, noise: bool, truth: &str, k: usize) -> (f32, f32) {
    let c = case(seed, noise);
    let (ti, pi, _) = matched(&c, truth);
    (c.scene.objects[pi.expect("found")].size[k], c.truth.objects[ti].size[k])
}

// Regression (issue 3): under noise a red cylinder on the floor 5 m away had points of its
// foot 4.6 cm below the floor, and it was completed down to them, not to the floor (19 % too
// tall); a magenta cylinder on a table above a leg rested on the leg's points under it, 5 cm
// below the top (13 % too tall); an orange cylinder and a black box whose tops are not seen
// face-on took their heights from their highest points, which noise raises (11 and 15 % too
// tall); a green box on a purple cylinder rested on the cylinder's top before that was
// lowered to its outline's edge (18 % too short).
#[test]
fn noisy_boxes_and_cylinders_stand_on_their_support_and_reach_their_top() {
    for (seed, name) in [(3, "red cylinder"), (1, "magenta cylinder"), (49, "orange cylinder"), (5, "black box"), (78, "green box")] {
        let (got, want) = noisy_height(seed, name);
        assert!((got - want).abs() <= 0.1 * want, "seed {seed} {name}: height {got} vs {want}");
    }
}

// Regression (issue 3): under noise a box's face whose end a nearer thing hides was taken to
// end there (a gray box 13 cm deep instead of 17 on seed 4, a red box 11 instead of 15 on
// seed 238); a box's narrow face, five columns wide, was measured from a line that the
// column across the corner pulled along the wide face (9 cm sides 10 and 10.3 cm long on
// seeds 5 and 61).
#[test]
fn noisy_boxes_hidden_at_an_end_or_seen_on_a_narrow_face_are_sized() {
    for (seed, name) in [(4, "gray box"), (238, "red box"), (5, "orange box"), (61, "green box")] {
        assert_noisy_footprint(seed, name);
    }
}

// Regression (issue 3): a ball on a cylinder hides most of its top; the few pixels of the
// top's rim beside the ball have normals that lean out, passed for the side's, and pulled the
// side's circle in: 11-13 % too narrow (noise-free seeds 173, 184, 242).
#[test]
fn a_cylinder_under_a_ball_is_as_wide_as_its_side() {
    for (seed, name) in [(173, "brown cylinder"), (184, "orange cylinder"), (242, "purple cylinder")] {
        let (got, want) = fitted_size(seed, false, name, 0);
        assert!((got - want).abs() <= 0.05 * want, "seed {seed} {name}: diameter {got} vs {want}");
    }
}

// Regression (issue 3): under noise a thing standing on another of a different paint met
// it along a boundary where a few neighbours' normals and steps passed for a rim by chance,
// and one such pair joined the two (a gray cylinder on a white box, a gray box on a black
// one: 3 of 20 and 3 of 34 links). Regions that only the rim allowance joins now need a
// fifth of the links between them to pass it. The cylinder, at eye height and seen as an
// upright sheet, had then been taken for a piece of the room above the camera.
#[test]
fn a_noisy_thing_on_another_of_other_paint_is_not_joined_to_it_by_a_few_chance_links() {
    for (seed, upper) in [(41, "gray cylinder"), (53, "small gray box")] {
        let c = case(seed, true);
        let names: Vec<&str> = c.scene.objects.iter().map(|o| o.name.as_str()).collect();
        let (_, _, iou) = matched(&c, upper);
        assert!(iou > 0.8, "seed {seed}: {upper} IoU {iou} {names:?}");
        assert_count_of(&c, seed);
    }
}

/// The object count is right: every object seen on 150 pixels or more, and none beyond
/// those seen on 40 or more.
fn assert_count(seed: u64, noise: bool) {
    assert_count_of(&case(seed, noise), seed);
}

// Regression (issue 3): the pixel counts that stand for a thing's size (a support's patch,
// a piece split off a table, the smallest object) were set at 640x480; at 320x240 a far
// table's top or a small box covers a quarter of those pixels, and a box under a table and
// a purple box on the floor were lost (seeds 10 and 27, noise-free). They now scale with
// the image below 640x480.
#[test]
fn at_320x240_small_and_far_things_are_found() {
    for seed in [10, 27] {
        assert_count_of(&case_sized(seed, false, (320, 240)), seed);
    }
}

// Regression (issue 3): at 1280x960 a noisy far table came apart into its top with the back
// legs and its rim with the front legs; the two were not joined, as a few pixels of each
// front leg had gone with the top (counted piece by piece, 4 + 2 legs) and the rim in shade
// is half as bright as the lit top. The legs are now counted together, and the paint as
// loosely as a leg's and its top's.
#[test]
fn a_far_noisy_table_whose_rim_and_front_legs_came_apart_is_one_table() {
    assert_count_of(&case_sized(27, true, (1280, 960)), 27);
}

// Regression (issue 3): at 1280x960 the far wall's noisy pixels beyond its tolerance (at
// 8.4 m, 12 cm of noise) gathered into a "table" 1.4 m wide; half its points lay behind the
// wall, as no thing's do.
#[test]
fn noise_about_a_far_wall_is_not_a_table() {
    assert_count_of(&case_sized(18, true, (1280, 960)), 18);
}

fn assert_count_of(c: &Case, seed: u64) {
    let visible = matches(c, visible_pixels(c)).len();
    let glimpsed = c.truth.objects.iter().filter(|t| t.pixels >= glimpsed_pixels(c)).count();
    let names: Vec<&str> = c.scene.objects.iter().map(|o| o.name.as_str()).collect();
    assert!((visible..=glimpsed).contains(&c.scene.objects.len()), "seed {seed}: {visible}-{glimpsed} objects, found {names:?}");
}

/// Asserts that the noisy scene of `seed` measures the footprint of the object matched to
/// `name` within 10 % on both sides (in either order).
fn assert_noisy_footprint(seed: u64, name: &str) {
    assert_footprint(seed, name, true);
}

fn assert_footprint(seed: u64, name: &str, noise: bool) {
    let c = case(seed, noise);
    let (ti, pi, _) = matched(&c, name);
    let p = &c.scene.objects[pi.expect("found")];
    let t = &c.truth.objects[ti];
    let (mut got, mut want) = ([p.size[0], p.size[1]], [t.size[0], t.size[1]]);
    got.sort_by(f32::total_cmp);
    want.sort_by(f32::total_cmp);
    for k in 0..2 {
        assert!((got[k] - want[k]).abs() <= 0.1 * want[k], "seed {seed} {name}: footprint {got:?} vs {want:?}");
    }
}

// Regression (issue 3): a box's top seen at a shallow slope had each ray kept or not by its
// own slope (0.1 or more), and where that limit fell across the top only its near rows
// measured the box's depth: a pink box on a table 0.11 m deep for 0.17 with noise, 0.15
// without (seed 183); a magenta one 0.19 m for 0.22 with noise (seed 239). The top's rays
// are now taken all or none, by their median slope.
#[test]
fn a_box_top_seen_at_a_shallow_slope_is_measured_whole() {
    for (seed, name, noise) in [(183, "pink box", true), (183, "pink box", false), (239, "magenta box", true)] {
        assert_footprint(seed, name, noise);
    }
}

// Regression (issue 3): under noise the side faces of a table's top (4 cm thick) lie within
// noise of its plane; their rays meet the plane short of the near edge, and the top's
// outline reached 6-14 cm towards the camera (a right table 4.6 m away: 0.66 m deep for
// 0.60 m). The rim found up the image columns from the top's lower edge is left out.
#[test]
fn a_noisy_table_top_does_not_reach_past_its_near_edge() {
    for (seed, name) in [(30, "right table"), (27, "black table"), (84, "gray table")] {
        assert_noisy_footprint(seed, name);
    }
}

// Regression (issue 3): a table's top 4-5.5 m away under noise, seen at a grazing angle,
// was not found as a support: half its depth lost, its smoothed normals (averages of unit
// normals, those of isolated pixels facing the camera) faced up on 46 of its 508 pixels
// (seed 80), and the rest broke apart at noisy depth steps. The table then became a "gray
// box" with the cylinder on it (seed 80), or its footprint came from its noisy points
// (seeds 1, 34, 62). Found now from the plane of summed tangents and joined by height, its
// outline is the top's.
#[test]
fn a_far_noisy_table_top_is_found_as_a_support() {
    let c = case(80, true);
    let (_, table, _) = matched(&c, "table");
    let table = &c.scene.objects[table.expect("table found")];
    assert_eq!(table.label, "table");
    let (_, on_it, _) = matched(&c, "gray cylinder");
    assert_eq!(c.scene.objects[on_it.expect("found")].on, Some(table.id), "{}", table.name);
    for (seed, name) in [(1, "table"), (34, "table"), (62, "right table")] {
        assert_noisy_footprint(seed, name);
    }
}

// Regression (issue 3): a table 4.5-5 m away whose top the segmentation did not find as a
// support under noise (24 of 142 tables on seeds 0-99) was measured by the box of its
// points, which the noise along the line of sight widens by 10-20 cm (seeds 20, 31, 71).
// Its top's pixels are found by height now; where the things on it hide most of the top,
// its legs show how far it reaches (seed 28: 0.89 m long for 1.39).
#[test]
fn a_noisy_table_whose_top_was_not_a_support_is_measured_by_its_top_and_legs() {
    for (seed, name) in [(20, "gray table"), (31, "gray table"), (71, "large table"), (28, "brown table")] {
        assert_noisy_footprint(seed, name);
    }
}

// Regression (issue 3): a noisy box 3-5 m away was sized by fitting its points, whose
// noise along the line of sight (3-5 cm) is half its depth: 20-40 % off on its short side
// (seeds 9, 30, 55, 68). Seen on two faces, its footprint comes from the faces' lines
// through the column means and from its outline's rays.
#[test]
fn a_noisy_box_seen_on_two_faces_is_measured_by_their_lines() {
    for (seed, name) in [(9, "yellow box"), (30, "black box"), (55, "yellow box"), (68, "magenta box")] {
        assert_noisy_footprint(seed, name);
    }
}

// Regression (issue 3): under noise the lower part of a table's leg, 4-5 m away, stood apart
// from its table (its upper part lost to noise) and was reported as a thin box on the floor
// (seeds 57 and 66); a leg's lower part, thin both ways, under the band of the top's
// outline where legs stand, joins the table. A box beside
// a table's leg, seen on its narrow face without noise, stays a box (seed 76).
#[test]
fn the_lower_part_of_a_noisy_table_leg_is_not_an_object() {
    for (seed, noise) in [(57, true), (66, true), (76, false)] {
        assert_count(seed, noise);
    }
}

// Regression (issue 3): under noise the foot of a black ball on the floor fell within the
// floor's tolerance (its paint the floor's kind), and the mask's lower edge, cut there,
// counted as outline: the balls came out 11-15 % small (seeds 28, 30). The outline is
// taken only where the background stands clearly farther.
#[test]
fn a_noisy_black_ball_on_the_floor_keeps_its_size() {
    for seed in [28, 30] {
        let (got, want) = noisy_height(seed, "black sphere");
        assert!((got - want).abs() <= 0.1 * want, "seed {seed}: diameter {got} vs {want}");
    }
}

// Regression (issue 3): under noise a cylinder's width comes from its outline's two
// edges; where something nearer hides one (a thinner cylinder in front, seed 62; a table's
// leg, 98; another cylinder, 160) no edge was used and the fit to the noisy points kept it
// 19-35 % narrow. The one edge seen fixes a tangent, and the points' distances the rest.
#[test]
fn a_noisy_cylinder_half_hidden_keeps_its_width() {
    for (seed, name) in [(62, "blue cylinder"), (98, "magenta cylinder"), (160, "blue cylinder")] {
        let (got, want) = fitted_size(seed, true, name, 0);
        assert!((got - want).abs() <= 0.1 * want, "seed {seed} {name}: diameter {got} vs {want}");
    }
}

// Regression (issue 3): the width a half-hidden noisy cylinder's one edge gives was taken
// only up to twice the radius fitted to its points, which saw part of its width: a gray
// cylinder behind a magenta one stayed 5 cm across for 14 (seed 258), and others 45-64 %
// narrow (136, 139, 142). With one edge it may give up to three times.
#[test]
fn a_noisy_cylinder_behind_another_is_as_wide_as_its_edge_and_depths_say() {
    for (seed, name) in [(258, "gray cylinder"), (136, "purple cylinder"), (139, "purple cylinder"), (142, "large black cylinder")] {
        let c = case(seed, true);
        let (o, _, names) = found(&c, name);
        let want = c.truth.objects.iter().find(|t| t.name == name).expect("in truth").size[0];
        assert!((o.size[0] - want).abs() <= 0.1 * want, "seed {seed} {name}: diameter {} vs {want}: {names:?}", o.size[0]);
    }
}

// Regression (issue 3): a dark ball on the floor under noise: the floor takes its foot (its
// paint the floor's kind), and the mask's lower edge, cut there, had counted as outline in
// the test of how round the outline is; the ball passed for a prism and came out a
// cylinder. The outline is taken where the background stands clearly farther too.
#[test]
fn a_dark_noisy_ball_whose_foot_the_floor_took_is_a_ball() {
    for seed in [83, 112, 141, 186] {
        let (shape, names) = noisy_shape(seed, "black sphere");
        assert_eq!(shape, ShapeClass::Sphere, "seed {seed}: {names:?}");
    }
}

// Regression (issue 3): the cross-section of a small noisy cylinder, 12-27 column means,
// was fitted by a circle and a box's corner across the surface, where the noise lies along
// the lines of sight: at the cylinder's edges a sight nearly grazes it, and a circle that
// misses those columns by millimetres across misses them by centimetres along the sight.
// The corner explained them better and the cylinders came out boxes. Fitted along the
// sight, the circle wins.
#[test]
fn a_small_noisy_cylinder_is_no_box_by_its_cross_section() {
    for (seed, name) in [(13, "pink cylinder"), (48, "blue cylinder"), (92, "red cylinder"), (152, "brown cylinder")] {
        let (shape, names) = noisy_shape(seed, name);
        assert_eq!(shape, ShapeClass::Cylinder, "seed {seed} {name}: {names:?}");
    }
}

// Regression (issue 3): small cylinders 3.3-5.4 m away under noise, 9-13 image columns
// wide, whose fits were cylinders, had been turned into boxes by their cross-sections, the
// corner fitting by 4 to 16 (chi-square) better than the circle: no more than its best-placed
// split gains on noise alone. A corner must now win by 10 at least.
#[test]
fn a_corner_that_fits_a_few_noisy_columns_a_little_better_is_no_box() {
    for (seed, name) in [(1, "red cylinder"), (1, "brown cylinder"), (68, "brown cylinder"), (232, "brown cylinder")] {
        let (shape, names) = noisy_shape(seed, name);
        assert_eq!(shape, ShapeClass::Cylinder, "seed {seed} {name}: {names:?}");
    }
}

// Regression (issue 3): a narrow cylinder under noise (a normal window a third of its width
// or more) had side normals all averaged into one direction, which read as a box's face:
// the side normals' squareness is asked only of things two windows wide or more.
#[test]
fn a_narrow_noisy_cylinder_is_not_a_box() {
    for (seed, name) in [(26, "purple cylinder"), (99, "red cylinder")] {
        let (shape, names) = noisy_shape(seed, name);
        assert_eq!(shape, ShapeClass::Cylinder, "seed {seed} {name}: {names:?}");
    }
}

// Regression (issue 3): with depth noise, a strip of far wall that the table steps gathered
// into a "table" (1.7 m tall at 9.6 m: seeds 69 and 171), and the lower part of a back leg
// that the nearer top hides (12-22 cm of it, split off the table: seeds 134 and 160), were
// counted as objects of their own.
#[test]
fn noisy_wall_strips_and_back_leg_stubs_are_not_objects() {
    for seed in [69, 171, 134, 160] {
        assert_count(seed, true);
    }
}

// Regression (issue 3): with depth noise, a piece of a thing's top cut off along a rim (the
// far part of a table's top seen at a grazing angle: seed 102; a cylinder's top face: seed
// 110) was an object of its own.
#[test]
fn noisy_pieces_of_a_top_are_not_objects() {
    for seed in [102, 110] {
        assert_count(seed, true);
    }
}

// Regression (issue 3): a far table whose legs a nearer table's top hides below their upper
// parts, its own top not found as a support under noise, was a "brown box" (seed 175; seed
// 176's tables likewise): legs are counted below the top's band, down into the lower half;
// one whose legs but one it hides was a "white box" (seed 141).
#[test]
fn a_noisy_table_whose_legs_are_mostly_hidden_stands_on_legs() {
    assert_count(176, true);
    let is_table = |c: &Case, seed: u64, table: &str| {
        let (_, found, _) = matched(c, table);
        let o = &c.scene.objects[found.unwrap_or_else(|| panic!("seed {seed}: the {table} is found"))];
        assert_eq!(o.shape, ShapeClass::Other, "seed {seed}: {}", o.name);
        assert!(o.name.contains("table"), "seed {seed}: {}", o.name);
    };
    let c = case(175, true);
    assert_count_of(&c, 175);
    is_table(&c, 175, "brown table");
    // Seed 141: a nearer table hides all but one leg of the white table behind it.
    is_table(&case(141, true), 141, "white table");
}

// Regression (issue 3): with clean depth a box fitted to its points stops where they do: a
// far face seen on a few rows, or not at all, left footprints 14-56 % short (seeds 5, 52,
// 133, 177). The fit is grown to cover the sides' measure (faces' lines, the outline's and
// the top's rays).
#[test]
fn a_clean_box_reaches_as_far_as_its_outline_and_top_rays() {
    for (seed, name) in [(5, "black box"), (52, "brown box"), (133, "right gray box"), (177, "yellow box")] {
        assert_footprint(seed, name, false);
    }
}

// Regression (issue 3): a box seen face-on, its top edge-on or hidden behind a ball that
// stands on it, was measured short along the view (seed 153: 0.10 m deep for 0.12; seed
// 191: 0.07-0.11 m for 0.15). Its top reaches on its far side as far as what rests on it.
#[test]
fn a_box_seen_face_on_reaches_under_what_rests_on_it() {
    for (seed, name) in [(153, "purple box"), (191, "gray box")] {
        assert_footprint(seed, name, false);
        assert_footprint(seed, name, true);
    }
}

// Regression (issue 3): with depth noise, a table's leg whose lower end a nearer thing
// hides was not "from the floor" and stayed an object of its own (seeds 141, 144, 190); a
// corner leg of a table whose top the things on it hide lay outside the top's outline
// (seed 146: the white table 11 % short). A ball half hidden by a table's leg stays apart
// (noise-free seed 118).
#[test]
fn legs_with_hidden_feet_or_beyond_a_hidden_top_join_their_tables() {
    for seed in [141, 144, 190] {
        assert_count(seed, true);
    }
    assert_footprint(146, "white table", true);
    let c = case(118, false);
    let (_, found, iou) = matched(&c, "gray sphere");
    assert!(found.is_some_and(|p| c.scene.objects[p].shape == ShapeClass::Sphere) && iou > 0.8, "iou {iou}");
}

// Regression (issue 3): at 320x240 with noise, a table's back legs stood behind the part of
// its top that is seen (the rest hidden by what stands on it) and came out as gray
// cylinders and brown boxes (seeds 1 and 29: the tables' IoU 0.63 and 0.59). A leg may
// stand up to 0.3 m behind the seen top, away from the camera.
#[test]
fn back_legs_behind_the_seen_part_of_a_top_join_their_table() {
    for seed in [1, 29] {
        assert_found_in(&case_sized(seed, true, (320, 240)), seed, "table", 0.8);
    }
}

// Regression (issue 3): under noise a box's fit can collapse onto the floor round its foot
// (a box 4 mm tall); its top was then looked for above that middle, among the floor's
// up-facing points (seed 102's green box 1 cm tall for 26 cm, seed 112's orange box).
#[test]
fn a_noisy_box_whose_fit_collapsed_keeps_its_height() {
    for (seed, name) in [(102, "green box"), (112, "orange box")] {
        let c = case(seed, true);
        let (ti, pi, _) = matched(&c, name);
        let (p, t) = (&c.scene.objects[pi.expect("found")], &c.truth.objects[ti]);
        assert!((p.size[2] - t.size[2]).abs() <= 0.1 * t.size[2], "seed {seed} {name}: height {} vs {}", p.size[2], t.size[2]);
    }
}

/// The scene's object that best overlaps the chair of a generated scene with one chair,
/// the chair's truth, and the scene's names for messages.
fn chair_case(seed: u64, noise: bool) -> (Case, usize, Option<usize>, f32) {
    let params = spatia_synth::SceneParams { chairs: 1..=1, ..Default::default() };
    let c = case_with(seed, noise, &params);
    let ti = c.truth.objects.iter().position(|t| t.shape == ShapeKind::Chair).expect("a chair was placed");
    let (_, pi, iou) = matches(&c, 0).into_iter().find(|m| m.0 == ti).expect("the chair is matched");
    (c, ti, pi, iou)
}

// Chairs (issue 3: a chair-like object's parts are its seat, back and legs): the back meets
// the seat at a crease that growing does not cross and thin legs come away, so a chair came
// out as a box (its back), a box or cylinder (its seat) and cylinders (legs). The pieces of
// one paint that stand as a back and legs stand on a seat are one chair.
#[test]
fn a_chair_is_one_object_with_its_seat_back_and_legs_and_its_true_size() {
    for seed in [1, 7, 11, 13, 20] {
        let (c, ti, pi, iou) = chair_case(seed, false);
        let names: Vec<&str> = c.scene.objects.iter().map(|o| o.name.as_str()).collect();
        let o = &c.scene.objects[pi.unwrap_or_else(|| panic!("seed {seed}: no chair {names:?}"))];
        assert_eq!(o.label, "chair", "seed {seed}: {names:?}");
        assert!(iou > 0.9, "seed {seed}: IoU {iou}");
        let parts: Vec<&str> = o.parts.iter().map(|p| p.name.as_str()).collect();
        assert!(["seat", "back", "leg"].iter().all(|n| parts.contains(n)), "seed {seed}: {parts:?}");
        let t = &c.truth.objects[ti];
        let (mut got, mut want) = ([o.size[0], o.size[1]], [t.size[0], t.size[1]]);
        got.sort_by(f32::total_cmp);
        want.sort_by(f32::total_cmp);
        for (g, w) in got.iter().chain([&o.size[2]]).zip(want.iter().chain([&t.size[2]])) {
            assert!((g - w).abs() <= 0.1 * w, "seed {seed}: size {:?} vs {:?}", o.size, t.size);
        }
        // The back is above the seat.
        let (seat, back) = (o.parts.iter().find(|p| p.name == "seat").unwrap(), o.parts.iter().find(|p| p.name == "back").unwrap());
        assert!(back.centre[2] > seat.centre[2] + 0.1, "seed {seed}: {:?} {:?}", seat.centre, back.centre);
    }
}

#[test]
fn a_noisy_chair_is_one_chair() {
    for seed in [12, 16, 22] {
        let (c, _, pi, iou) = chair_case(seed, true);
        let names: Vec<&str> = c.scene.objects.iter().map(|o| o.name.as_str()).collect();
        assert!(pi.is_some_and(|pi| c.scene.objects[pi].label == "chair") && iou > 0.9, "seed {seed}: IoU {iou} {names:?}");
    }
}

// What sits on a chair's seat rests on the chair, though the chair's back rises above it.
#[test]
fn a_ball_on_a_chairs_seat_is_on_the_chair() {
    use spatia_synth::{Noise, Object, chair_seat_height, render, write_dir};
    for seed in [7, 13] {
        let mut s = spatia_synth::generate(seed, &spatia_synth::SceneParams { chairs: 1..=1, ..Default::default() });
        let chair = s.objects.iter().find(|o| o.shape == ShapeKind::Chair).unwrap().clone();
        // A ball of 0.2 m on the seat, a little forward of its middle (away from the back).
        let yaw = chair.yaw_deg.to_radians();
        let (fx, fy) = (-yaw.sin() * 0.05, yaw.cos() * 0.05);
        let ball = Object {
            id: s.objects.len() as u16 + 1,
            shape: ShapeKind::Sphere,
            colour: Colour::Red,
            centre: [chair.centre[0] + fx, chair.centre[1] + fy, chair_seat_height(&chair) + 0.1],
            size: [0.2; 3],
            yaw_deg: 0.0,
            on: Some(chair.id),
        };
        s.objects.push(ball);
        let view = render(&s);
        let dir = crate::util::TempDir::new("chair-ball");
        let truth = write_dir(&dir.0, &s, &view, None::<&Noise>).unwrap();
        let scene =
            spatia_scene::Scene::from_dir(&dir.0, &spatia_geom::LoadOptions::default(), &spatia_scene::SceneConfig::default()).unwrap();
        let c = Case { truth, render: view, scene, dir };
        let names: Vec<&str> = c.scene.objects.iter().map(|o| o.name.as_str()).collect();
        let (_, ball, _) = matched(&c, "red sphere");
        let (_, seat, _) = matched(&c, "chair");
        let (ball, seat) = (&c.scene.objects[ball.expect("ball found")], &c.scene.objects[seat.expect("chair found")]);
        assert_eq!(seat.label, "chair", "seed {seed}: {names:?}");
        assert_eq!(ball.on, Some(seat.id), "seed {seed}: {names:?}");
    }
}

// A chair whose legs a nearer thing hides (a table's top before them) is still a chair: its
// seat and back show, and what is below them in the photo is nearer.
#[test]
fn a_chair_whose_legs_are_hidden_is_still_a_chair() {
    for seed in [4, 19] {
        let (c, ti, pi, iou) = chair_case(seed, false);
        let names: Vec<&str> = c.scene.objects.iter().map(|o| o.name.as_str()).collect();
        let o = &c.scene.objects[pi.unwrap_or_else(|| panic!("seed {seed}: no chair {names:?}"))];
        assert!(o.label == "chair" && iou > 0.9, "seed {seed}: IoU {iou} {names:?}");
        let (got, want) = (o.size[2], c.truth.objects[ti].size[2]);
        assert!((got - want).abs() <= 0.1 * want, "seed {seed}: height {got} vs {want}");
    }
}

// Regression (issue 3): a table is given no sphere, cylinder or box fit (its shape is its
// footprint up to its top); its residual is its points' median distance from that box.
#[test]
fn a_tables_residual_is_its_points_distance_from_its_box() {
    let c = case(3, false);
    let table = c.scene.objects.iter().find(|o| o.label == "table").expect("seed 3 has a table");
    let (s, co) = table.yaw_deg.to_radians().sin_cos();
    let mut d: Vec<f32> = table
        .points
        .iter()
        .map(|p| {
            let r = [p[0] - table.centre[0], p[1] - table.centre[1], p[2] - table.centre[2]];
            let along = [(r[0] * co + r[1] * s).abs(), (-r[0] * s + r[1] * co).abs(), r[2].abs()];
            let q: Vec<f32> = (0..3).map(|k| along[k] - table.size[k] / 2.0).collect();
            let outside = q.iter().map(|v| v.max(0.0).powi(2)).sum::<f32>().sqrt();
            outside + q.iter().copied().fold(f32::MIN, f32::max).min(0.0).abs()
        })
        .collect();
    d.sort_by(f32::total_cmp);
    let median = d[d.len() / 2];
    assert!((table.fit_residual - median).abs() < 1e-4 && median < 0.01, "{} against {median}", table.fit_residual);
}

// Regression (issue 3): with depth noise, a cylinder whose outline shows one edge (a nearer
// thing hides the other) had the angle it spans from its side pixels' depths alone, 10-23 %
// off across (seed 158: a magenta cylinder behind a table's leg, 0.18 m for 0.24; seed 210:
// an orange one behind a ball, 0.24 m for 0.27; seeds 26 and 219, 13 % too wide). The far
// rim of its top, the outline's upper edge met with the top's plane, takes part.
#[test]
fn a_noisy_cylinder_seen_by_one_edge_is_sized_by_its_top_rim() {
    for (seed, name) in [(26, "purple cylinder"), (158, "magenta cylinder"), (210, "orange cylinder"), (219, "right gray cylinder")] {
        assert_footprint(seed, name, true);
    }
}

// Regression (issue 3): with depth noise, a cylinder whose side a nearer thing hides below
// its top on one side (seed 48: a blue cylinder behind a table's top) has that edge of its
// outline on the top's curve only, inside the side, and was 11 % narrow (0.27 m for 0.30)
// from both edges. Either edge alone is tried with the top's rim, and taken where it
// explains the side and the rim clearly better.
#[test]
fn a_noisy_cylinder_whose_one_edge_follows_its_top_is_sized_by_the_other() {
    assert_footprint(48, "blue cylinder", true);
}

// Regression (issue 3): under noise a far table's top, not found as a support, is found by
// height from its highest pixels, 5 to 12 mm above it; their rays were met with the plane
// at those pixels' own median height, which fell short by 1-2 % of the range: the table
// 6-10 cm nearer the camera than it stands, and its height a centimetre high (seeds 15,
// 35, 218). They are met at the top's height now.
#[test]
fn a_far_table_top_found_by_height_is_placed_where_it_stands() {
    for (seed, name) in [(15, "table"), (35, "table"), (218, "white table")] {
        let c = case(seed, true);
        let (ti, pi, _) = matched(&c, name);
        let (p, t) = (&c.scene.objects[pi.expect("found")], &c.truth.objects[ti]);
        let miss = (0..3).map(|k| (p.centre[k] - t.centre[k]).powi(2)).sum::<f32>().sqrt();
        assert!(miss <= 0.04, "seed {seed} {name}: centre {:?} vs {:?}", p.centre, t.centre);
        assert!((p.size[2] - t.size[2]).abs() <= 0.005, "seed {seed} {name}: height {} vs {}", p.size[2], t.size[2]);
    }
}

// Regression (issue 3): a far table behind a nearer table and the things on it showed only
// in pieces that meet nowhere in the photo (an end of its top with a leg, the other end);
// each piece alone was no table, and they were named boxes (seeds 22, 229, 240). Pieces of
// one paint whose tops stand at one height, near each other, hidden in part, that stand on
// legs together are one table now.
#[test]
fn a_far_table_seen_in_pieces_behind_a_nearer_one_is_one_table() {
    for (seed, noise, min_iou) in [(22, false, 0.65), (22, true, 0.65), (229, true, 0.85), (240, true, 0.8)] {
        assert_found_table(&case(seed, noise), seed, "white table", min_iou);
    }
    // The legs seen under the nearer table's top, their upper parts hidden, join it too.
    assert_count(22, true);
    // Pieces of a far table that touch join though nothing hides them.
    assert_count(133, true);
}

// Regression (issue 3): a thing in front of another of its paint is parted from it along
// the silhouette by the sensor's dropout, and a gap without depth was taken for something
// hiding one thing seen in two pieces: a blue cylinder before a blue box came out as one
// blue sphere (seed 505 with noise), two brown boxes as one cylinder (533), a pink cylinder
// behind a pink box as one box (543). Such a gap joins pieces only where their ends meet in
// range across it, or where the farther lies below the nearer in the photo (a table's
// back leg under its top's edge: seeds 398 and 569 keep their counts).
#[test]
fn things_of_one_paint_parted_by_the_sensors_dropout_stay_apart() {
    for (seed, truth, shape) in
        [(505, "blue box", ShapeClass::Box), (505, "blue cylinder", ShapeClass::Cylinder), (533, "large brown box", ShapeClass::Box)]
    {
        assert_found_whole(seed, true, truth, shape, 0.8);
    }
    for seed in [543, 398, 569] {
        assert_count(seed, true);
    }
}

// Regression (issue 3): a thing on the floor before a table or beside its leg, of the
// table's paint and no wider than a leg, was taken into the table as a piece of a leg: a
// gray box (seed 590 with noise), a white sphere (596), a black cylinder (597), a gray
// sphere (416, with and without noise). A leg's piece goes on up (more of the leg above
// it, the top it holds, or something nearer hiding the rest); above those lies the floor.
#[test]
fn a_thing_beside_a_tables_leg_is_no_piece_of_it() {
    assert_found_whole(597, true, "black cylinder", ShapeClass::Cylinder, 0.8);
    assert_found_whole(596, true, "white sphere", ShapeClass::Sphere, 0.7);
    assert_count(590, true);
    assert_count(416, false);
}

// Regression (issue 3): under noise a far leg's foot, where the smoothing window takes in
// the floor, is cut from the rest of it; the foot joined the table as a leg's lower part,
// and the rest, standing on it, was neither from the floor nor hanging from the top: a
// "black box" or "black cylinder" beside a black table (seeds 442 and 529 with noise).
// Pieces stacked one on another are asked as one leg.
#[test]
fn a_legs_pieces_stacked_one_on_another_join_its_table() {
    assert_count(442, true);
    assert_found_table(&case(529, true), 529, "table", 0.8);
}

// Regression (issue 3): a pink cylinder in shade under a gray table's end, 4.7 m away,
// passed the loose paint test of a leg's pieces and joined the table as a lost leg (seed
// 560 with noise). A lost leg's chromaticity is held to the tolerance of region growing.
#[test]
fn a_thing_of_another_hue_in_shade_is_no_lost_leg() {
    assert_found_whole(560, true, "pink cylinder", ShapeClass::Cylinder, 0.7);
}
