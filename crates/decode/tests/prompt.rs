//! The language-model prompt's scene description follows the allocation: the focus in
//! full, the rest shorter or only counted, measured in the given token counter (issue 7).

use spatia_decode::{Input, Tokens, describe, plan};
use spatia_reason::{Lexicon, Strategy, allocate, parse};
use spatia_scene::{Scene, SceneConfig};

#[test]
fn the_scene_description_spends_its_length_where_the_budget_went() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/tabletop");
    let scene = Scene::from_dir(&dir, &Default::default(), &SceneConfig::default()).unwrap();
    let q = "How tall is the brown sphere?";
    let p = plan(&parse(q, &Lexicon::default()).unwrap(), &scene, &[]).unwrap();
    let words = |s: &str| s.split_whitespace().count();
    let text_for = |strategy: Strategy| {
        let alloc = allocate(&scene, &p.focus, 2048, strategy);
        let tokens = Tokens::new(&scene, &alloc);
        describe(&Input { question: q, plan: &p, scene: &scene, allocation: &alloc, tokens: &tokens }, 120, &words)
    };
    let r2 = text_for(Strategy::R2);
    let first = r2.lines().next().unwrap();
    assert!(first.starts_with("- brown sphere:") && first.contains("m tall"), "{r2}");
    assert!(r2.lines().skip(1).all(|l| !l.contains("m tall")), "only the focus in full: {r2}");
    assert!(words(&r2) <= 130, "{r2}");
    // Uniform: every object gets the same share, so none is described in full at this length.
    let uni = text_for(Strategy::Uniform);
    assert!(!uni.lines().next().unwrap().contains("m tall"), "{uni}");
    assert!(uni.lines().filter(|l| l.starts_with("- ") && !l.contains("more thing")).count() >= 6, "{uni}");
}
