//! The agent: configuration, perception with a scene cache, questions and conversations.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use spatia_decode::{Answer, Decoder, Grounded, Options};
use spatia_geom::LoadOptions;
use spatia_reason::{Lexicon, Query, Strategy};
use spatia_scene::{Scene, SceneConfig, UserMasks};

use crate::cache::SceneCache;
use crate::fallback::{Match, PhraseMatcher, has_unknown_noun, repair_nouns, repair_question};
use crate::observation::Observation;
use crate::{Error, Result};

/// Everything an agent is configured with. Serde, so a caller can keep it in a file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// Tokens the decoder sees per question.
    pub budget: usize,
    /// How the budget follows relevance.
    pub strategy: Strategy,
    /// Thresholds of scene understanding.
    pub scene: SceneConfig,
    /// Refuse images larger than this many pixels.
    pub max_pixels: u64,
    /// Depth PNG units per metre, overriding `camera.json`.
    pub depth_scale: Option<f64>,
    /// A phrase lexicon replacing the built-in one (`prompts/lexicon.tsv` format).
    pub lexicon: Option<PathBuf>,
    /// Bytes of perceived scenes kept in memory (least recently used evicted first).
    pub cache_bytes: usize,
    /// Match unknown words by meaning with all-MiniLM-L6-v2 when it is installed.
    pub phrase_matching: PhraseMatching,
    /// The MiniLM folder (model.safetensors, tokenizer.json, config.json); default: the
    /// Hugging Face hub cache.
    pub minilm: Option<PathBuf>,
    /// Which decoder writes the answers.
    pub decoder: DecoderKind,
    /// The language model's GGUF file; default: SmolLM2 in the Hugging Face hub cache.
    pub lm: Option<PathBuf>,
    /// A prompt template replacing `prompts/llm.txt`.
    pub prompt: Option<PathBuf>,
    /// How the language model generates.
    pub generation: spatia_models::Generation,
}

/// Which decoder writes the answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DecoderKind {
    /// Computed answers, no weights.
    #[default]
    Grounded,
    /// The grounded value, worded by SmolLM2.
    Llm,
}

/// Whether unknown words are matched by meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PhraseMatching {
    /// When the model is installed (a missing model is not an error).
    #[default]
    Auto,
    /// Always: a missing model is an error.
    On,
    /// Never.
    Off,
}

/// Default scene cache: 512 MiB (a 640x480 scene takes 2-4 MB).
pub const DEFAULT_CACHE_BYTES: usize = 512 << 20;

impl Default for Config {
    fn default() -> Self {
        Config {
            budget: spatia_decode::DEFAULT_BUDGET,
            strategy: Strategy::R2,
            scene: SceneConfig::default(),
            max_pixels: spatia_geom::DEFAULT_MAX_PIXELS,
            depth_scale: None,
            lexicon: None,
            cache_bytes: DEFAULT_CACHE_BYTES,
            phrase_matching: PhraseMatching::Auto,
            minilm: None,
            decoder: DecoderKind::Grounded,
            lm: None,
            prompt: None,
            generation: spatia_models::Generation::default(),
        }
    }
}

/// Builds an [`Agent`].
#[must_use]
#[derive(Default)]
pub struct AgentBuilder {
    config: Config,
    decoder: Option<Arc<dyn Decoder>>,
}

impl AgentBuilder {
    /// Starts from a whole configuration.
    pub fn config(mut self, config: Config) -> Self {
        self.config = config;
        self
    }

    /// Token budget per question.
    pub fn budget(mut self, budget: usize) -> Self {
        self.config.budget = budget;
        self
    }

    /// Allocation strategy.
    pub fn strategy(mut self, strategy: Strategy) -> Self {
        self.config.strategy = strategy;
        self
    }

    /// Scene thresholds.
    pub fn scene_config(mut self, cfg: SceneConfig) -> Self {
        self.config.scene = cfg;
        self
    }

    /// Bytes of scenes to keep cached.
    pub fn cache_bytes(mut self, bytes: usize) -> Self {
        self.config.cache_bytes = bytes;
        self
    }

    /// A lexicon file replacing the built-in one.
    pub fn lexicon(mut self, path: impl Into<PathBuf>) -> Self {
        self.config.lexicon = Some(path.into());
        self
    }

    /// The decoder (default: [`Grounded`]).
    pub fn decoder(mut self, decoder: Arc<dyn Decoder>) -> Self {
        self.decoder = Some(decoder);
        self
    }

    /// The agent; fails on an unreadable lexicon or a zero budget.
    pub fn build(self) -> Result<Agent> {
        if self.config.budget == 0 {
            return Err(Error::Config("the token budget must be at least 1".into()));
        }
        let lexicon = match &self.config.lexicon {
            Some(p) => Lexicon::from_path(p).map_err(Error::Config)?,
            None => Lexicon::default(),
        };
        let matcher = std::sync::OnceLock::new();
        if self.config.phrase_matching == PhraseMatching::On {
            let files = spatia_models::resolve(spatia_models::MINILM, self.config.minilm.as_deref())?;
            let _ = matcher.set(Some(Arc::new(PhraseMatcher::new(spatia_models::Embedder::load(&files)?))));
        }
        let decoder: Arc<dyn Decoder> = match (self.decoder, self.config.decoder) {
            (Some(d), _) => d,
            (None, DecoderKind::Grounded) => Arc::new(Grounded),
            (None, DecoderKind::Llm) => {
                let files = spatia_models::resolve(spatia_models::SMOLLM2, self.config.lm.as_deref())?;
                let path = files.paths.first().cloned().unwrap_or_default();
                let mut llm = spatia_decode::Llm::load(&path)?.with_generation(self.config.generation.clone());
                if let Some(p) = &self.config.prompt {
                    let t = std::fs::read_to_string(p).map_err(|e| Error::Config(format!("{}: {e}", p.display())))?;
                    llm = llm.with_template(t);
                }
                Arc::new(llm)
            }
        };
        Ok(Agent {
            matcher,
            cache: Mutex::new(SceneCache::new(self.config.cache_bytes)),
            tokens: spatia_decode::TokenCache::default(),
            config: self.config,
            decoder,
            lexicon,
        })
    }
}

/// Perceives scenes and answers questions about them. Shareable across threads.
pub struct Agent {
    matcher: std::sync::OnceLock<Option<Arc<PhraseMatcher>>>,
    tokens: spatia_decode::TokenCache,
    config: Config,
    decoder: Arc<dyn Decoder>,
    lexicon: Lexicon,
    cache: Mutex<SceneCache>,
}

impl std::fmt::Debug for Agent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Agent").field("config", &self.config).field("decoder", &self.decoder.name()).finish_non_exhaustive()
    }
}

/// Cache counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CacheStats {
    /// Scenes held.
    pub scenes: usize,
    /// Bytes held (approximate).
    pub bytes: usize,
    /// Scenes evicted so far.
    pub evictions: u64,
}

impl Agent {
    /// A builder with the defaults.
    pub fn builder() -> AgentBuilder {
        AgentBuilder::default()
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The decoder's name.
    pub fn decoder_name(&self) -> &str {
        self.decoder.name()
    }

    /// The scene of an observation, from the cache when the same content was seen before.
    pub fn perceive(&self, obs: impl Into<Observation>) -> Result<Arc<Scene>> {
        let obs = obs.into();
        let key = obs.content_hash()?;
        if let Some(s) = self.lock().get(key) {
            return Ok(s);
        }
        let load = LoadOptions { max_pixels: self.config.max_pixels, depth_scale: self.config.depth_scale };
        let scene = match &obs {
            Observation::Dir(d) => Scene::from_dir(d, &load, &self.config.scene)?,
            Observation::Files { rgb, depth, camera } => {
                let frame = spatia_geom::RgbdFrame::from_files(rgb, depth, camera.as_deref(), &load)?;
                Scene::from_frame(&frame, &self.config.scene)?
            }
            Observation::Frame(f) => Scene::build(f, None::<&UserMasks>, &self.config.scene)?,
        };
        let scene = Arc::new(scene);
        self.lock().insert(key, scene.clone());
        Ok(scene)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, SceneCache> {
        // A panic elsewhere cannot leave the cache half-updated: every update is one push or remove.
        self.cache.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Cache counters.
    pub fn cache_stats(&self) -> CacheStats {
        let c = self.lock();
        CacheStats { scenes: c.len(), bytes: c.bytes(), evictions: c.evictions() }
    }

    /// The phrase matcher, loaded on first use when configured and installed.
    pub fn phrase_matcher(&self) -> Option<&PhraseMatcher> {
        self.matcher
            .get_or_init(|| {
                if self.config.phrase_matching == PhraseMatching::Off {
                    return None;
                }
                let files = spatia_models::resolve(spatia_models::MINILM, self.config.minilm.as_deref()).ok()?;
                spatia_models::Embedder::load(&files).ok().map(|e| Arc::new(PhraseMatcher::new(e)))
            })
            .as_deref()
    }

    /// Reads a question into a query.
    pub fn parse(&self, question: &str) -> Result<Query> {
        Ok(self.understand(question)?.0)
    }

    /// Reads a question; an unknown relation phrase is matched by meaning when it can be.
    fn understand(&self, question: &str) -> Result<(Query, Vec<Match>)> {
        match spatia_reason::parse(question, &self.lexicon) {
            Ok(q) => Ok((q, Vec::new())),
            Err(e) => match self.phrase_matcher().and_then(|m| repair_question(question, &self.lexicon, m)) {
                Some((q, m)) => Ok((q, vec![m])),
                None => Err(spatia_decode::Error::from(e).into()),
            },
        }
    }

    /// Answers one question about a scene, with no conversation before it.
    pub fn ask(&self, scene: &Scene, question: &str) -> Result<Answer> {
        let (q, matches) = self.understand(question)?;
        let mut a = self.answer(scene, question, &q, &[])?;
        note_matches(&mut a, &matches);
        Ok(a)
    }

    /// Answers a parsed query; `previous` are the referents "it" stands for. A noun that
    /// names nothing in the scene is first matched by meaning to the scene's words (when
    /// the phrase matcher is on and the match is close enough).
    pub fn answer(&self, scene: &Scene, question: &str, query: &Query, previous: &[u16]) -> Result<Answer> {
        self.answer_streaming(scene, question, query, previous, None)
    }

    /// [`Agent::answer`], passing the text to `on_text` as the decoder writes it (the
    /// language-model decoder writes token by token).
    pub fn answer_streaming(
        &self,
        scene: &Scene,
        question: &str,
        query: &Query,
        previous: &[u16],
        on_text: Option<&mut dyn FnMut(&str)>,
    ) -> Result<Answer> {
        let opts = Options { budget: self.config.budget, strategy: self.config.strategy };
        let mut q = query.clone();
        let matches = if has_unknown_noun(query, scene) {
            self.phrase_matcher().map(|m| repair_nouns(&mut q, scene, previous, m)).unwrap_or_default()
        } else {
            Vec::new()
        };
        let mut a =
            spatia_decode::answer_streaming(self.decoder.as_ref(), question, &q, scene, previous, &opts, Some(&self.tokens), on_text)?;
        note_matches(&mut a, &matches);
        Ok(a)
    }

    /// A conversation about one scene: follow-ups ("what about the blue one?") and
    /// pronouns ("is it left of the box?") refer to the previous turn.
    pub fn conversation(&self, scene: Arc<Scene>) -> Conversation<'_> {
        Conversation { agent: self, scene, last: None }
    }
}

/// Puts word matches into an answer's evidence; each lowers the confidence with its similarity.
fn note_matches(a: &mut Answer, matches: &[Match]) {
    for m in matches {
        a.evidence.push(spatia_decode::Evidence::number(
            spatia_decode::EvidenceKind::Resolution,
            format!("\"{}\" taken for \"{}\" (MiniLM cosine similarity)", m.from, m.to),
            m.similarity,
            &[],
        ));
        a.confidence *= m.similarity.clamp(0.5, 1.0);
    }
}

/// Multi-turn questions about one scene.
#[derive(Debug)]
pub struct Conversation<'a> {
    agent: &'a Agent,
    scene: Arc<Scene>,
    last: Option<(Query, Answer)>,
}

impl Conversation<'_> {
    /// The scene talked about.
    pub fn scene(&self) -> &Arc<Scene> {
        &self.scene
    }

    /// The last answer.
    pub fn last(&self) -> Option<&Answer> {
        self.last.as_ref().map(|(_, a)| a)
    }

    /// Answers the next question. A failed question leaves the conversation as it was.
    pub fn ask(&mut self, question: &str) -> Result<Answer> {
        self.ask_streaming(question, None)
    }

    /// [`Conversation::ask`], passing the text to `on_text` as it is written.
    pub fn ask_streaming(&mut self, question: &str, on_text: Option<&mut dyn FnMut(&str)>) -> Result<Answer> {
        let (mut q, matches) = self.agent.understand(question)?;
        if let (Query::FollowUp { what }, Some((prev, _))) = (&q, &self.last) {
            q = prev.with_subject(what.clone());
        }
        let previous = self.last.as_ref().map(|(_, a)| a.referents.clone()).unwrap_or_default();
        let mut a = self.agent.answer_streaming(&self.scene, question, &q, &previous, on_text)?;
        note_matches(&mut a, &matches);
        self.last = Some((q, a.clone()));
        Ok(a)
    }
}
