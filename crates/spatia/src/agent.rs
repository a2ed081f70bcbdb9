//! The agent: configuration, perception with a scene cache, questions and conversations.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use spatia_decode::{Answer, Decoder, Grounded, Options};
use spatia_geom::LoadOptions;
use spatia_reason::{Lexicon, Query, Strategy};
use spatia_scene::{Scene, SceneConfig, UserMasks};

use crate::cache::SceneCache;
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
        Ok(Agent {
            cache: Mutex::new(SceneCache::new(self.config.cache_bytes)),
            config: self.config,
            decoder: self.decoder.unwrap_or_else(|| Arc::new(Grounded)),
            lexicon,
        })
    }
}

/// Perceives scenes and answers questions about them. Shareable across threads.
pub struct Agent {
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

    /// Reads a question into a query.
    pub fn parse(&self, question: &str) -> Result<Query> {
        Ok(spatia_reason::parse(question, &self.lexicon).map_err(spatia_decode::Error::from)?)
    }

    /// Answers one question about a scene, with no conversation before it.
    pub fn ask(&self, scene: &Scene, question: &str) -> Result<Answer> {
        let q = self.parse(question)?;
        self.answer(scene, question, &q, &[])
    }

    /// Answers a parsed query; `previous` are the referents "it" stands for.
    pub fn answer(&self, scene: &Scene, question: &str, query: &Query, previous: &[u16]) -> Result<Answer> {
        let opts = Options { budget: self.config.budget, strategy: self.config.strategy };
        Ok(spatia_decode::answer(self.decoder.as_ref(), question, query, scene, previous, &opts)?)
    }

    /// A conversation about one scene: follow-ups ("what about the blue one?") and
    /// pronouns ("is it left of the box?") refer to the previous turn.
    pub fn conversation(&self, scene: Arc<Scene>) -> Conversation<'_> {
        Conversation { agent: self, scene, last: None }
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
        let mut q = self.agent.parse(question)?;
        if let (Query::FollowUp { what }, Some((prev, _))) = (&q, &self.last) {
            q = prev.with_subject(what.clone());
        }
        let previous = self.last.as_ref().map(|(_, a)| a.referents.clone()).unwrap_or_default();
        let a = self.agent.answer(&self.scene, question, &q, &previous)?;
        self.last = Some((q, a.clone()));
        Ok(a)
    }
}
