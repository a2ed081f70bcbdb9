//! spatia-decode: from a query, the scene and its 3-D tokens to an [`Answer`] — short text,
//! a typed value, the objects it is about, the evidence (measurements, relation margins,
//! fits, sources) and a confidence.
//!
//! [`Grounded`] is the default decoder: it needs no weights, executes the query, and
//! measures lengths from the tokens each object was given, so that the allocation decides
//! how fine a measurement can be. [`answer`] runs the whole path: the query's phrases are
//! resolved ([`plan`]), the budget is allocated by relevance, the tokens are cut, and the
//! decoder answers.
//!
//! ```
//! use spatia_decode::{Grounded, Options, Value, answer};
//! use spatia_reason::{Lexicon, parse};
//! use spatia_scene::{Scene, SceneConfig};
//!
//! let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/tabletop");
//! let scene = Scene::from_dir(&dir, &Default::default(), &SceneConfig::default())?;
//! let q = "How many things are on the table?";
//! let a = answer(&Grounded, q, &parse(q, &Lexicon::default())?, &scene, &[], &Options::default())?;
//! assert_eq!(a.value, Value::Count(2));
//! println!("{}", a.text); // "Two: the yellow box and the pink cylinder."
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Confidence starts at 1 and falls when a relation's margin is within a scale of its
//! threshold (0.5 at the threshold), when a size or position word had to pick one of
//! several objects, when the object is mostly hidden, near ties, and for metric answers
//! when depth came from a model or the intrinsics were assumed.
#![warn(missing_docs)]

mod answer;
mod grounded;
mod llm;
mod measure;
mod plan;
mod words;

pub use answer::{Answer, Evidence, EvidenceKind, Value};
pub use grounded::Grounded;
pub use llm::{Llm, PROMPT, SCENE_TOKENS, describe};
pub use measure::{MIN_FIT_TOKENS, Measured, measure};
pub use plan::{Plan, camera_distance, camera_position, plan};
use spatia_reason::{Allocation, ParseError, Query, ResolveError, Strategy, Token, allocate};
use spatia_scene::Scene;

/// Why there is no answer.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The question could not be read.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// A phrase names no object, or several.
    #[error(transparent)]
    Resolve(#[from] ResolveError),
    /// The question has no answer in this scene.
    #[error("{0}")]
    NoAnswer(String),
    /// The decoder failed (a model error).
    #[error("decoder: {0}")]
    Decoder(String),
}

impl Error {
    /// A short stable name for records: parse, not_found, ambiguous, no_antecedent,
    /// no_answer, decoder.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Parse(_) => "parse",
            Error::Resolve(ResolveError::NotFound { .. }) => "not_found",
            Error::Resolve(ResolveError::Ambiguous { .. }) => "ambiguous",
            Error::Resolve(ResolveError::NoAntecedent(_)) => "no_antecedent",
            Error::NoAnswer(_) => "no_answer",
            Error::Decoder(_) => "decoder",
        }
    }
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The 3-D tokens of an allocation, cut per object when first asked for: a decoder that
/// measures two objects does not pay for cutting the other twenty. With a [`TokenCache`],
/// an object cut the same way for an earlier question (same scene, same tokens per leaf)
/// is not cut again.
#[derive(Debug)]
pub struct Tokens<'a> {
    scene: &'a Scene,
    allocation: &'a Allocation,
    cache: Option<&'a TokenCache>,
    cells: Vec<std::sync::OnceLock<std::sync::Arc<Vec<Token>>>>,
}

impl<'a> Tokens<'a> {
    /// The (not yet cut) tokens of `allocation` over `scene`.
    pub fn new(scene: &'a Scene, allocation: &'a Allocation) -> Self {
        Tokens { scene, allocation, cache: None, cells: (0..scene.objects.len()).map(|_| std::sync::OnceLock::new()).collect() }
    }

    /// The same, sharing cut objects through `cache`.
    pub fn cached(scene: &'a Scene, allocation: &'a Allocation, cache: &'a TokenCache) -> Self {
        Tokens { cache: Some(cache), ..Self::new(scene, allocation) }
    }

    /// The tokens of object `id` (all its parts); empty for an unknown id.
    pub fn of(&self, id: u16) -> &[Token] {
        let k = (id as usize).wrapping_sub(1);
        match (self.cells.get(k), self.scene.objects.get(k)) {
            (Some(cell), Some(o)) => cell.get_or_init(|| match self.cache {
                Some(c) => c.get_or_cut(self.scene, o, self.allocation),
                None => std::sync::Arc::new(spatia_reason::object_tokens(o, self.allocation)),
            }),
            _ => &[],
        }
    }

    /// Every token, scene order.
    pub fn all(&self) -> Vec<&Token> {
        self.scene.objects.iter().flat_map(|o| self.of(o.id)).collect()
    }
}

/// Key of a cut object: scene uid, object id, tokens of each leaf.
type CutKey = (u64, u16, Vec<usize>);

/// The cached cuts with their last use, the use clock, and the tokens held.
type CutMap = (std::collections::HashMap<CutKey, (std::sync::Arc<Vec<Token>>, u64)>, u64, usize);

/// Cut objects kept across questions: key (scene uid, object id, tokens of each leaf),
/// least recently used dropped first once more than `cap` tokens are held.
#[derive(Debug)]
pub struct TokenCache {
    inner: std::sync::Mutex<CutMap>,
    cap: usize,
}

/// Default [`TokenCache`] capacity in tokens (~80 bytes each).
pub const TOKEN_CACHE_TOKENS: usize = 1 << 18;

impl Default for TokenCache {
    fn default() -> Self {
        Self::new(TOKEN_CACHE_TOKENS)
    }
}

impl TokenCache {
    /// A cache holding at most `cap` tokens.
    pub fn new(cap: usize) -> Self {
        TokenCache { inner: std::sync::Mutex::new((Default::default(), 0, 0)), cap }
    }

    fn get_or_cut(&self, scene: &Scene, o: &spatia_scene::Object, alloc: &Allocation) -> std::sync::Arc<Vec<Token>> {
        let leaves: Vec<usize> = if o.parts.is_empty() {
            vec![alloc.tokens(spatia_reason::NodeId::Object(o.id))]
        } else {
            (0..o.parts.len()).map(|j| alloc.tokens(spatia_reason::NodeId::Part(o.id, j))).collect()
        };
        let key = (scene.uid, o.id, leaves);
        {
            let mut g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
            g.1 += 1;
            let now = g.1;
            if let Some(e) = g.0.get_mut(&key) {
                e.1 = now;
                return e.0.clone();
            }
        }
        // Cut outside the lock: other questions go on meanwhile.
        let t = std::sync::Arc::new(spatia_reason::object_tokens(o, alloc));
        let mut g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        g.1 += 1;
        let now = g.1;
        g.2 += t.len();
        g.0.insert(key, (t.clone(), now));
        while g.2 > self.cap && g.0.len() > 1 {
            let Some(oldest) = g.0.iter().min_by_key(|(_, v)| v.1).map(|(k, _)| k.clone()) else { break };
            if let Some((v, _)) = g.0.remove(&oldest) {
                g.2 -= v.len();
            }
        }
        t
    }
}

/// What a decoder answers from.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// The question as asked.
    pub question: &'a str,
    /// The resolved query.
    pub plan: &'a Plan,
    /// The scene.
    pub scene: &'a Scene,
    /// Where the budget went.
    pub allocation: &'a Allocation,
    /// The 3-D tokens.
    pub tokens: &'a Tokens<'a>,
}

/// Turns a resolved query, the scene and its tokens into an answer.
pub trait Decoder: Send + Sync {
    /// Short name ("grounded").
    fn name(&self) -> &str;
    /// The answer.
    fn answer(&self, input: &Input<'_>) -> Result<Answer>;

    /// The answer, its text passed to `on_text` piece by piece as it is written (a
    /// decoder that writes all at once passes it whole).
    fn answer_streaming(&self, input: &Input<'_>, on_text: &mut dyn FnMut(&str)) -> Result<Answer> {
        let a = self.answer(input)?;
        on_text(&a.text);
        Ok(a)
    }
}

/// Budget and allocation rule.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Options {
    /// Tokens the decoder sees.
    pub budget: usize,
    /// How the budget follows relevance.
    pub strategy: Strategy,
}

/// The default budget of DESIGN.md.
pub const DEFAULT_BUDGET: usize = 2048;

impl Default for Options {
    fn default() -> Self {
        Options { budget: DEFAULT_BUDGET, strategy: Strategy::R2 }
    }
}

/// The whole path for one question: resolve, allocate, cut tokens, decode. `previous`
/// holds the last answer's referents (for "it").
pub fn answer(decoder: &dyn Decoder, question: &str, query: &Query, scene: &Scene, previous: &[u16], opts: &Options) -> Result<Answer> {
    answer_streaming(decoder, question, query, scene, previous, opts, None, None)
}

/// [`answer`], sharing cut tokens across questions through `cache` and passing the text
/// to `on_text` as the decoder writes it.
#[allow(clippy::too_many_arguments)]
pub fn answer_streaming(
    decoder: &dyn Decoder,
    question: &str,
    query: &Query,
    scene: &Scene,
    previous: &[u16],
    opts: &Options,
    cache: Option<&TokenCache>,
    on_text: Option<&mut dyn FnMut(&str)>,
) -> Result<Answer> {
    let plan = plan(query, scene, previous)?;
    let allocation = allocate(scene, &plan.focus, opts.budget, opts.strategy);
    let tokens = match cache {
        Some(c) => Tokens::cached(scene, &allocation, c),
        None => Tokens::new(scene, &allocation),
    };
    let input = Input { question, plan: &plan, scene, allocation: &allocation, tokens: &tokens };
    match on_text {
        Some(f) => decoder.answer_streaming(&input, f),
        None => decoder.answer(&input),
    }
}
