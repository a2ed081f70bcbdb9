//! spatia: spatial questions about photos, answered from their 3-D geometry.
//!
//! An [`Agent`] perceives a scene (a scene directory, a photo with its depth, or a frame
//! in memory), keeps it cached by content, and answers questions about it with an
//! [`Answer`]: text, a typed value, the objects it is about, the evidence and a confidence.
//!
//! ```
//! use spatia::{Agent, Value};
//!
//! let agent = Agent::builder().budget(2048).build()?;
//! let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/tabletop");
//! let scene = agent.perceive(dir.as_path())?;
//! let answer = agent.ask(&scene, "What is on top of the table?")?;
//! assert_eq!(answer.value, Value::Names(vec!["yellow box".into(), "pink cylinder".into()]));
//!
//! // A conversation remembers what "it" was.
//! let mut talk = agent.conversation(scene);
//! talk.ask("Where is the brown sphere?")?;
//! let a = talk.ask("How tall is it?")?;
//! assert!(matches!(a.value, Value::Metres(h) if h > 0.05 && h < 0.5));
//! # Ok::<(), spatia::Error>(())
//! ```
//!
//! The crates below are re-exported whole: [`geom`] (depth, meshes, planes, frames),
//! [`scene`] (objects, parts, attributes, support), [`reason`] (queries, relations,
//! relevance, allocation, tokens) and [`decode`] (decoders and the answer contract).
#![warn(missing_docs)]

mod agent;
mod cache;
mod fallback;
mod observation;

pub use agent::{Agent, AgentBuilder, CacheStats, Config, Conversation, DEFAULT_CACHE_BYTES, DecoderKind, PhraseMatching};
pub use cache::{SceneCache, scene_bytes};
pub use fallback::{Match, NOUN_THRESHOLD, PhraseMatcher, RELATION_THRESHOLD, repair_nouns, repair_question};
pub use observation::Observation;
pub use spatia_decode as decode;
pub use spatia_decode::{Answer, Decoder, Evidence, EvidenceKind, Grounded, Value};
pub use spatia_geom as geom;
pub use spatia_geom::{Mesh, MeshConfig, RgbdFrame, SceneFrame};
pub use spatia_models as models;
pub use spatia_reason as reason;
pub use spatia_reason::{Query, Strategy};
pub use spatia_scene as scene;
pub use spatia_scene::{Object, Scene, SceneConfig};

/// What can go wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading the photo, depth or camera.
    #[error(transparent)]
    Input(#[from] spatia_geom::Error),
    /// Building the scene.
    #[error(transparent)]
    Scene(#[from] spatia_scene::Error),
    /// No answer: the question could not be read or names nothing in the scene.
    #[error(transparent)]
    Answer(#[from] spatia_decode::Error),
    /// A bad setting.
    #[error("configuration: {0}")]
    Config(String),
    /// A model is missing or failed.
    #[error(transparent)]
    Model(#[from] spatia_models::Error),
}

impl Error {
    /// Whether the question had no answer (as opposed to a failure): exit status 1.
    pub fn is_no_answer(&self) -> bool {
        matches!(self, Error::Answer(e) if e.kind() != "decoder")
    }

    /// A short stable name: input, scene, config, or the decoder's kinds (parse,
    /// not_found, ambiguous, no_antecedent, no_answer, decoder).
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Input(_) => "input",
            Error::Scene(_) => "scene",
            Error::Answer(e) => e.kind(),
            Error::Config(_) => "config",
            Error::Model(_) => "model",
        }
    }
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
