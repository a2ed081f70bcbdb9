//! spatia-reason: how much of the scene the decoder sees, and where. Every node of the
//! scene tree (scene > objects > parts) gets a relevance from the query's focus; a fixed
//! token budget is shared down the tree in proportion to relevance squared (largest
//! remainder, sums exact at every level); each leaf is cut into its tokens by
//! farthest-point sampling, so more tokens mean finer geometry where the question is.
//! The spatial relations (left of, on top of, near, between, closest...) are evaluated on
//! the scene's geometry with their margins.
//!
//! ```
//! use spatia_geom::{LoadOptions, RgbdFrame};
//! use spatia_reason::{Focus, Strategy, allocate, tokens};
//! use spatia_scene::{Scene, SceneConfig};
//!
//! let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/tabletop");
//! let scene = Scene::from_frame(&RgbdFrame::from_dir(&dir, &LoadOptions::default())?, &SceneConfig::default())?;
//! let table = scene.objects.iter().find(|o| o.label == "table").expect("a table").id;
//! let focus = Focus { targets: vec![table], ..Focus::default() };
//! let alloc = allocate(&scene, &focus, 2048, Strategy::R2);
//! // The table takes most of the budget; everything else keeps at least a token.
//! let table_share = alloc.nodes.iter().find(|n| n.id == table.to_string()).unwrap().tokens;
//! assert!(table_share > 1900);
//! assert_eq!(tokens(&scene, &alloc).len(), 2048);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![warn(missing_docs)]

mod allocation;
mod lexicon;
mod query;
mod relations;
mod resolve;
mod tokens;
mod tree;

pub use allocation::{Strategy, split};
pub use lexicon::{BUILTIN as BUILTIN_LEXICON, Dimension, Lexicon, within_one_edit};
pub use query::{Measure, NounPhrase, ParseError, Query, normalise, noun_phrase, parse};
pub use relations::{
    ABOVE_GAP, ABOVE_OVERLAP, BETWEEN_INSIDE, BETWEEN_OVERLAP, CONTACT_GAP, DIRECTION_EPS, Distance, NEAR_FACTOR, NEAR_MIN, ON_OVERLAP,
    Relation, TIE_MARGIN, Verdict, between, distance, rank_by_distance, relate, shape_surface, surface_points,
};
pub use resolve::{ResolveError, resolve};
pub use tokens::{
    ASSIGN_POINTS_PER_TOKEN, FPS_CANDIDATES_PER_TOKEN, FPS_MAX_TOKENS, Token, attention_bias, farthest_points, grid_seeds, object_tokens,
    tokens,
};
pub use tree::{
    ANCHOR_RELEVANCE, Allocation, FALLOFF_FLOOR, FALLOFF_M, Focus, Level, NodeId, NodeShare, R_MIN, TARGET_RELEVANCE, allocate,
    pixel_weights, relevance,
};
