//! The question parser: every family in several phrasings, refusals, and noun phrases
//! resolved against the example scene.

use spatia_reason::{Dimension, Lexicon, Measure, Query, Relation, ResolveError, parse, resolve};
use spatia_scene::ColourName;

fn q(s: &str) -> Query {
    parse(s, &Lexicon::default()).unwrap_or_else(|e| panic!("{s}: {e}"))
}

#[test]
fn what_is_rel_x() {
    for s in [
        "What is behind the red sphere?",
        "What's behind the red ball",
        "what objects are behind the red sphere",
        "Anything behind the red sphere?",
    ] {
        let Query::WhatRel { rel, anchor } = q(s) else { panic!("{s}: {:?}", q(s)) };
        assert_eq!(rel, Relation::Behind, "{s}");
        assert_eq!((anchor.colour, anchor.noun.as_deref()), (Some(ColourName::Red), Some("sphere")), "{s}");
    }
    let Query::WhatRel { rel, anchor } = q("What is on top of the table?") else { panic!() };
    assert_eq!((rel, anchor.noun.as_deref()), (Relation::OnTopOf, Some("table")));
    let Query::WhatRel { rel, .. } = q("what's to the left side of the blue cube") else { panic!() };
    assert_eq!(rel, Relation::LeftOf);
}

#[test]
fn is_a_rel_b() {
    for (s, want) in [
        ("Is the mug left of the laptop?", Relation::LeftOf),
        ("is the red ball to the right of the cylinder", Relation::RightOf),
        ("Is the green box sitting on the table?", Relation::OnTopOf),
        ("Is the ball in front of the box?", Relation::InFrontOf),
        ("Is the box atop the table", Relation::OnTopOf),
        ("Is the sphere near the cylinder?", Relation::Near),
    ] {
        let Query::IsRel { rel, subject, anchor } = q(s) else { panic!("{s}: {:?}", q(s)) };
        assert_eq!(rel, want, "{s}");
        assert!(subject.noun.is_some() && anchor.noun.is_some(), "{s}");
    }
}

#[test]
fn counting_and_existence() {
    let Query::Count { what, rel } = q("How many balls are on the floor?") else { panic!() };
    assert!(what.plural && what.noun.as_deref() == Some("sphere"));
    assert_eq!(rel.map(|r| (r.0, r.1.noun)), Some((Relation::OnTopOf, Some("floor".to_string()))));
    let Query::Count { what, rel } = q("how many red things are there") else { panic!() };
    assert_eq!((what.colour, rel), (Some(ColourName::Red), None));
    let Query::Exists { what, rel } = q("Is there a cylinder on the table?") else { panic!() };
    assert_eq!((what.noun.as_deref(), rel.map(|r| r.0)), (Some("cylinder"), Some(Relation::OnTopOf)));
    let Query::Exists { what, .. } = q("Are there any blue cubes?") else { panic!() };
    assert_eq!((what.colour, what.noun.as_deref()), (Some(ColourName::Blue), Some("cube")));
}

#[test]
fn distances_and_sizes() {
    for s in [
        "How far is the mug from the laptop?",
        "What is the distance between the mug and the laptop?",
        "how far apart are the mug and the laptop",
    ] {
        let Query::Distance { a, b, centre } = q(s) else { panic!("{s}") };
        assert_eq!((a.noun.as_deref(), b.noun.as_deref(), centre), (Some("mug"), Some("laptop"), false), "{s}");
    }
    let Query::Distance { centre, .. } = q("How far is the mug from the laptop, centre to centre?") else { panic!() };
    assert!(centre);
    let Query::Distance { b, .. } = q("How far away is the box?") else { panic!() };
    assert!(b.camera);
    for (s, d) in [
        ("How tall is the box?", Dimension::Height),
        ("What is the height of the red box?", Dimension::Height),
        ("how wide is the table", Dimension::Width),
        ("What's the diameter of the ball?", Dimension::Diameter),
        ("How big is the yellow cylinder?", Dimension::Size),
    ] {
        let Query::Size { dimension, .. } = q(s) else { panic!("{s}: {:?}", q(s)) };
        assert_eq!(dimension, d, "{s}");
    }
}

#[test]
fn attributes_support_where_between() {
    assert!(matches!(q("What colour is the thing on the left?"), Query::Colour { .. }));
    assert!(matches!(q("What color is the large box?"), Query::Colour { .. }));
    assert!(matches!(q("what shape is the red object"), Query::Shape { .. }));
    for s in ["What is the ball resting on?", "What's the red sphere sitting on?", "What supports the cylinder?"] {
        assert!(matches!(q(s), Query::Support { .. }), "{s}: {:?}", q(s));
    }
    assert!(matches!(q("Where is the red ball?"), Query::Where { .. }));
    let Query::Between { a, b } = q("What is between the box and the ball?") else { panic!() };
    assert_eq!((a.noun.as_deref(), b.noun.as_deref()), (Some("box"), Some("sphere")));
    let Query::WhatRel { rel, .. } = q("What is under the table?") else { panic!() };
    assert_eq!(rel, Relation::Under);
}

#[test]
fn closest_comparisons_superlatives_describe() {
    let Query::Closest { anchor, farthest, .. } = q("What is closest to the box?") else { panic!() };
    assert!(!farthest && anchor.noun.as_deref() == Some("box"));
    let Query::Closest { anchor, farthest, .. } = q("Which object is farthest from the camera?") else { panic!() };
    assert!(farthest && anchor.camera);
    let Query::Compare { a, b, measure, more, which } = q("Which is closer to the camera, the red ball or the blue box?") else { panic!() };
    assert_eq!((measure, more, which), (Measure::Distance, false, true));
    assert_eq!((a.colour, b.colour), (Some(ColourName::Red), Some(ColourName::Blue)));
    let Query::Compare { measure, more, which, .. } = q("Is the red ball bigger than the blue cube?") else { panic!() };
    assert_eq!((measure, more, which), (Measure::Size, true, false));
    let Query::Compare { measure, which, .. } = q("Which is taller, the box or the cylinder?") else { panic!() };
    assert_eq!((measure, which), (Measure::Height, true));
    let Query::Superlative { measure, most, rel, .. } = q("What is the tallest thing on the table?") else { panic!() };
    assert_eq!((measure, most, rel.map(|r| r.0)), (Measure::Height, true, Some(Relation::OnTopOf)));
    let Query::Superlative { what, measure, most, .. } = q("Which is the smallest box?") else { panic!() };
    assert_eq!((what.noun.as_deref(), measure, most), (Some("box"), Measure::Size, false));
    let Query::Describe { what } = q("Describe the table in detail") else { panic!() };
    assert_eq!(what.noun.as_deref(), Some("table"));
    let Query::Describe { what } = q("Tell me about the chair's backrest") else { panic!() };
    assert_eq!((what.noun.as_deref(), what.part.as_deref()), (Some("chair"), Some("backrest")));
    let Query::Describe { what } = q("Describe the legs of the table") else { panic!() };
    assert_eq!((what.noun.as_deref(), what.part.as_deref()), (Some("table"), Some("legs")));
}

#[test]
fn robustness_and_refusals() {
    // Capitals, punctuation, typos within one edit, synonyms.
    let Query::IsRel { subject, anchor, .. } = q("IS THE REd SHPERE ON THE TABEL??") else { panic!() };
    assert_eq!((subject.colour, subject.noun.as_deref(), anchor.noun.as_deref()), (Some(ColourName::Red), Some("sphere"), Some("table")));
    let Query::WhatRel { anchor, .. } = q("whats behind the grey block") else { panic!() };
    assert_eq!((anchor.colour, anchor.noun.as_deref()), (Some(ColourName::Gray), Some("box")));
    for s in ["", "Hello there", "Why?", "sing me a song"] {
        let e = parse(s, &Lexicon::default()).unwrap_err();
        assert!(e.to_string().starts_with("I could not read"), "{s}: {e}");
    }
}

#[test]
fn noun_phrases_resolve_on_the_example_scene() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/tabletop");
    let frame = spatia_geom::RgbdFrame::from_dir(&dir, &spatia_geom::LoadOptions::default()).unwrap();
    let scene = spatia_scene::Scene::from_frame(&frame, &spatia_scene::SceneConfig::default()).unwrap();
    let ids = |s: &str| {
        let Query::Where { what } = q(s) else { panic!("{s}") };
        resolve(&scene, &what, &[])
    };
    let name = |id: u16| scene.object(id).unwrap().name.clone();
    assert_eq!(ids("where is the ball").unwrap().into_iter().map(name).collect::<Vec<_>>(), ["brown sphere"]);
    assert_eq!(ids("where is the orange block").unwrap().into_iter().map(name).collect::<Vec<_>>(), ["orange box"]);
    assert_eq!(ids("where are the cylinders").unwrap().len(), 3);
    assert_eq!(ids("where is the left cylinder").unwrap().into_iter().map(name).collect::<Vec<_>>(), ["purple cylinder"]);
    match ids("where is the chair") {
        Err(ResolveError::NotFound { wanted, seen }) => {
            assert_eq!(wanted, "chair");
            assert!(seen.contains("table") && seen.contains("brown sphere"), "{seen}");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(ids("where is the box"), Err(ResolveError::Ambiguous { .. })));
    // Follow-ups: "it" is the previous turn's referent.
    let Query::Colour { what } = q("what colour is it") else { panic!() };
    assert_eq!(resolve(&scene, &what, &[3]).unwrap(), [3]);
    assert!(matches!(resolve(&scene, &what, &[]), Err(ResolveError::NoAntecedent(_))));
}

#[test]
fn two_hop_noun_phrases() {
    let Query::Colour { what } = q("What colour is the thing on top of the black box?") else { panic!() };
    let rel = what.rel.as_ref().expect("a relation inside the phrase");
    assert_eq!((rel.0, rel.1.colour, rel.1.noun.as_deref()), (Relation::OnTopOf, Some(ColourName::Black), Some("box")));
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/tabletop");
    let frame = spatia_geom::RgbdFrame::from_dir(&dir, &spatia_geom::LoadOptions::default()).unwrap();
    let scene = spatia_scene::Scene::from_frame(&frame, &spatia_scene::SceneConfig::default()).unwrap();
    let ids = resolve(&scene, &what, &[]).unwrap();
    assert_eq!(ids.iter().map(|&i| scene.object(i).unwrap().name.as_str()).collect::<Vec<_>>(), ["orange box"]);
    let Query::Count { what, rel } = q("How many things are on the table?") else { panic!() };
    assert!(rel.is_some() && what.noun.as_deref() == Some("object"));
    let Query::Where { what } = q("Where is the sphere on the purple cylinder?") else { panic!() };
    let ids = resolve(&scene, &what, &[]).unwrap();
    assert_eq!(scene.object(ids[0]).unwrap().name, "brown sphere");
}

#[test]
fn follow_ups_reuse_the_previous_question() {
    let first = q("What colour is the box on the table?");
    let Query::FollowUp { what } = q("What about the blue one?") else { panic!() };
    assert_eq!((what.colour, what.noun.as_deref()), (Some(ColourName::Blue), Some("object")));
    let Query::Colour { what: asked } = first.with_subject(what) else { panic!() };
    assert_eq!(asked.colour, Some(ColourName::Blue));
    let Query::FollowUp { what } = q("and the red ball?") else { panic!() };
    let Query::IsRel { subject, rel, .. } = q("Is the box left of the table?").with_subject(what) else { panic!() };
    assert_eq!((subject.noun.as_deref(), rel), (Some("sphere"), Relation::LeftOf));
    // A full question starting with "and" is not a follow-up.
    assert!(matches!(q("and what is behind the table?"), Query::WhatRel { .. }));
}
