//! Command-line arguments, one struct a command plus the option groups they share.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Answers spatial questions about photos from their 3-D geometry.
#[derive(Debug, Parser)]
#[command(name = "spatia", version, about, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lift a photo with depth to a triangle mesh (PLY, OBJ or glTF).
    Mesh(MeshArgs),
    /// Generate a synthetic RGB-D scene with exact ground truth.
    Synth(SynthArgs),
    /// Find the floor, walls, objects and their parts, and what rests on what.
    Scene(SceneArgs),
    /// Answer one question about a scene.
    Ask(AskArgs),
    /// Ask questions about a scene interactively (or one a line from a pipe).
    Repl(ReplArgs),
    /// Answer JSON Lines of questions ({"id","scene","question"}) into JSON Lines of answers.
    Batch(BatchArgs),
    /// Run a spatial-reasoning eval suite: accuracy per family, consistency, the allocation ablation.
    Eval(EvalArgs),
    /// List the models spatia knows and where they are, or download one.
    Models(ModelsArgs),
}

/// `--clevr-relations`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ClevrRelationsArg {
    /// CLEVR's own relationship lists.
    Given,
    /// spatia's left/right/front/behind rule on the objects' coordinates.
    Spatia,
}

/// `spatia eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// A suite folder (scenes/, questions.jsonl, truth.jsonl).
    pub suite: Option<PathBuf>,
    /// A suite spec (eval/suites/*.json): generates the suite into eval/generated/NAME first.
    #[arg(long, value_name = "FILE")]
    pub spec: Option<PathBuf>,
    /// Report folder (default: a new folder under eval/reports/).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Skip the allocation ablation (budgets x strategies).
    #[arg(long)]
    pub no_ablation: bool,
    /// Answer a sample of N questions (spread over every family) with both decoders,
    /// grounded and llm, and report them side by side (default: 40 with --decoder llm, else none).
    #[arg(long, value_name = "N")]
    pub compare: Option<usize>,
    /// CLEVR scenes JSON (e.g. CLEVR_val_scenes.json): answer CLEVR questions from these scene graphs.
    #[arg(long, value_name = "FILE", requires = "clevr_questions")]
    pub clevr_scenes: Option<PathBuf>,
    /// CLEVR questions JSON with functional programs (e.g. CLEVR_val_questions.json).
    #[arg(long, value_name = "FILE", requires = "clevr_scenes")]
    pub clevr_questions: Option<PathBuf>,
    /// How CLEVR's `relate` is decided: its own relationship lists, or spatia's rule on the coordinates.
    #[arg(long, value_enum, default_value_t = ClevrRelationsArg::Spatia)]
    pub clevr_relations: ClevrRelationsArg,
    /// Answer at most this many CLEVR questions.
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Answer settings.
    #[command(flatten)]
    pub agent: AgentArgs,
}

/// Allocation strategy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StrategyArg {
    /// Budget in proportion to relevance squared.
    R2,
    /// Budget in proportion to relevance.
    R1,
    /// The same budget for every node.
    Uniform,
}

impl From<StrategyArg> for spatia::Strategy {
    fn from(s: StrategyArg) -> Self {
        match s {
            StrategyArg::R2 => spatia::Strategy::R2,
            StrategyArg::R1 => spatia::Strategy::R1,
            StrategyArg::Uniform => spatia::Strategy::Uniform,
        }
    }
}

/// How answers are made.
#[derive(Debug, Args)]
pub struct AgentArgs {
    /// Tokens the decoder sees per question.
    #[arg(long, value_name = "N", default_value_t = spatia::decode::DEFAULT_BUDGET)]
    pub budget: usize,
    /// How the budget follows relevance.
    #[arg(long, value_enum, default_value_t = StrategyArg::R2)]
    pub strategy: StrategyArg,
    /// A phrase lexicon replacing the built-in one (prompts/lexicon.tsv format).
    #[arg(long, value_name = "FILE")]
    pub lexicon: Option<PathBuf>,
    /// Match unknown words by meaning with all-MiniLM-L6-v2: when installed (auto), always, or never.
    #[arg(long, value_enum, default_value_t = MatchingArg::Auto)]
    pub phrase_matching: MatchingArg,
    /// Folder with the MiniLM files (default: the Hugging Face hub cache).
    #[arg(long, value_name = "DIR")]
    pub minilm: Option<PathBuf>,
    /// Who writes the answer: computed (grounded) or worded by the SmolLM2 language model (llm).
    #[arg(long, value_enum, default_value_t = DecoderArg::Grounded)]
    pub decoder: DecoderArg,
    /// The language model's GGUF file (default: SmolLM2 in the Hugging Face hub cache).
    #[arg(long, value_name = "FILE")]
    pub lm: Option<PathBuf>,
    /// A prompt template replacing prompts/llm.txt ({scene}, {facts}, {question}).
    #[arg(long, value_name = "FILE")]
    pub prompt: Option<PathBuf>,
    /// Most tokens the language model writes.
    #[arg(long, value_name = "N", default_value_t = 96)]
    pub max_tokens: usize,
    /// Sampling temperature of the language model (0: greedy).
    #[arg(long, value_name = "T", default_value_t = 0.0)]
    pub temperature: f64,
    /// Nucleus sampling mass of the language model.
    #[arg(long, value_name = "P")]
    pub top_p: Option<f64>,
}

/// `--decoder`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DecoderArg {
    /// Computed answers, no weights.
    Grounded,
    /// The grounded value, worded by SmolLM2.
    Llm,
}

/// `--phrase-matching`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MatchingArg {
    /// When the model is installed.
    Auto,
    /// Always (a missing model is an error).
    On,
    /// Never.
    Off,
}

impl From<MatchingArg> for spatia::PhraseMatching {
    fn from(m: MatchingArg) -> Self {
        match m {
            MatchingArg::Auto => spatia::PhraseMatching::Auto,
            MatchingArg::On => spatia::PhraseMatching::On,
            MatchingArg::Off => spatia::PhraseMatching::Off,
        }
    }
}

/// `spatia models`.
#[derive(Debug, Args)]
pub struct ModelsArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: ModelsCommand,
}

/// `spatia models list|pull`.
#[derive(Debug, Subcommand)]
pub enum ModelsCommand {
    /// Every model spatia knows: whether it is installed, where, and its size.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Download a model into the Hugging Face hub cache (needs the network).
    Pull {
        /// The model's short name (see `spatia models list`).
        name: String,
        /// The hub to download from (default: `HF_ENDPOINT`, else https://huggingface.co).
        #[arg(long)]
        endpoint: Option<String>,
    },
}

/// `spatia ask`.
#[derive(Debug, Args)]
pub struct AskArgs {
    /// The input.
    #[command(flatten)]
    pub input: InputArgs,
    /// The question.
    pub question: String,
    /// Print the whole answer as JSON (text, value, referents, evidence, confidence, allocation).
    #[arg(long)]
    pub json: bool,
    /// Print the evidence and confidence under the answer.
    #[arg(long)]
    pub evidence: bool,
    /// Answer settings.
    #[command(flatten)]
    pub agent: AgentArgs,
}

/// `spatia repl`.
#[derive(Debug, Args)]
pub struct ReplArgs {
    /// The input.
    #[command(flatten)]
    pub input: InputArgs,
    /// History file (default: $XDG_STATE_HOME/spatia/history or ~/.local/state/spatia/history).
    #[arg(long, value_name = "FILE")]
    pub history: Option<PathBuf>,
    /// Print each answer as a JSON line.
    #[arg(long)]
    pub json: bool,
    /// Answer settings.
    #[command(flatten)]
    pub agent: AgentArgs,
}

/// `spatia batch`.
#[derive(Debug, Args)]
pub struct BatchArgs {
    /// Questions, one JSON object a line: {"id","scene","question"} (scene relative to this file's folder).
    pub input: PathBuf,
    /// Answers, one line per input line, in input order; an existing file is resumed.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// Worker threads (default: all cores).
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Let scene paths point outside the input file's folder.
    #[arg(long)]
    pub allow_outside: bool,
    /// Start over instead of resuming an existing output file.
    #[arg(long)]
    pub restart: bool,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
    /// Answer settings.
    #[command(flatten)]
    pub agent: AgentArgs,
}

/// `spatia scene`.
#[derive(Debug, Args)]
pub struct SceneArgs {
    /// The input.
    #[command(flatten)]
    pub input: InputArgs,
    /// Print the scene as JSON (objects, planes, frame).
    #[arg(long)]
    pub json: bool,
    /// Write the object id of every pixel as a 16-bit PNG (0 = none).
    #[arg(long, value_name = "FILE")]
    pub masks: Option<PathBuf>,
    /// Write the photo with each object outlined and labelled with its id and name.
    #[arg(long, value_name = "FILE")]
    pub show: Option<PathBuf>,
}

/// Where the photo, its depth and its camera come from.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// A scene directory (rgb.png|jpg, depth.png|npy, camera.json) or a photo.
    pub path: PathBuf,
    /// Depth map for a photo: uint16 PNG (see --depth-scale) or float32 .npy in metres.
    #[arg(long, value_name = "FILE")]
    pub depth: Option<PathBuf>,
    /// Camera intrinsics JSON {"fx","fy","cx","cy","depth_scale"?}; default 60 degree FOV.
    #[arg(long, value_name = "FILE")]
    pub camera: Option<PathBuf>,
    /// Depth PNG units per metre (1000 = mm, 5000 = TUM); overrides camera.json.
    #[arg(long, value_name = "UNITS")]
    pub depth_scale: Option<f64>,
    /// Refuse images larger than this many pixels.
    #[arg(long, value_name = "PIXELS", default_value_t = spatia::geom::DEFAULT_MAX_PIXELS)]
    pub max_pixels: u64,
}

/// Which frame mesh coordinates are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FrameArg {
    /// Camera frame: x right, y down, z forward (OpenCV).
    Camera,
    /// Gravity-aligned scene frame: z up, floor at z = 0, origin below the camera.
    Scene,
}

/// `spatia mesh`.
#[derive(Debug, Args)]
pub struct MeshArgs {
    /// The input.
    #[command(flatten)]
    pub input: InputArgs,
    /// Output file: .ply (binary), .obj or .glb.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// Exact vertex budget for the adaptive mesh; without it, the full-resolution mesh.
    #[arg(long, value_name = "N")]
    pub vertices: Option<usize>,
    /// Coordinate frame of the output.
    #[arg(long, value_enum, default_value_t = FrameArg::Camera)]
    pub frame: FrameArg,
    /// Write ASCII PLY instead of binary.
    #[arg(long)]
    pub ascii: bool,
    /// Print a JSON summary instead of text.
    #[arg(long)]
    pub json: bool,
}

/// `spatia synth`.
#[derive(Debug, Args)]
pub struct SynthArgs {
    /// Seed of the scene (the same seed gives the same scene).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Add depth-sensor and colour noise.
    #[arg(long)]
    pub noise: bool,
    /// Output scene directory (with --count, the parent of one folder a scene).
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
    /// Image width, pixels.
    #[arg(long, default_value_t = 640)]
    pub width: usize,
    /// Image height, pixels.
    #[arg(long, default_value_t = 480)]
    pub height: usize,
    /// Generate this many scenes, seeds SEED, SEED+1, ..., into OUTPUT/scene-SEED.
    #[arg(long)]
    pub count: Option<u64>,
    /// Also place this many chairs on the floor (a seed's scene without chairs is unchanged).
    #[arg(long, default_value_t = 0)]
    pub chairs: usize,
}
