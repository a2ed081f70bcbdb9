//! The language-model decoder: the grounded decoder computes the answer's value and facts;
//! a small instruction-tuned model (SmolLM2-135M-Instruct, GGUF) writes the sentence from
//! them and from a scene description whose length per object follows the token
//! allocation, measured in the model's own tokens. The value, referents and evidence stay
//! the grounded ones whatever the model writes, so text in a question cannot change them.

use std::path::Path;
use std::sync::Mutex;

use spatia_models::{Generation, LanguageModel};
use spatia_reason::NodeId;

use crate::answer::{Answer, Evidence, EvidenceKind};
use crate::grounded::Grounded;
use crate::{Decoder, Error, Input, Result};

/// The built-in prompt template (`prompts/llm.txt`).
pub const PROMPT: &str = include_str!("../../../prompts/llm.txt");

/// Model tokens the scene description may take in the prompt.
pub const SCENE_TOKENS: usize = 320;

/// The language-model decoder.
pub struct Llm {
    model: Mutex<LanguageModel>,
    template: String,
    generation: Generation,
    scene_tokens: usize,
}

impl std::fmt::Debug for Llm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Llm").field("generation", &self.generation).finish_non_exhaustive()
    }
}

impl Llm {
    /// A decoder over a loaded model, with the built-in prompt and greedy generation.
    pub fn new(model: LanguageModel) -> Self {
        Llm { model: Mutex::new(model), template: PROMPT.to_string(), generation: Generation::default(), scene_tokens: SCENE_TOKENS }
    }

    /// Loads the GGUF model at `path`.
    pub fn load(path: &Path) -> Result<Self> {
        Ok(Self::new(LanguageModel::load(path).map_err(|e| Error::Decoder(e.to_string()))?))
    }

    /// Replaces the prompt template (`{scene}`, `{facts}`, `{question}`).
    pub fn with_template(mut self, template: String) -> Self {
        self.template = template;
        self
    }

    /// Sets how text is generated.
    pub fn with_generation(mut self, g: Generation) -> Self {
        self.generation = g;
        self
    }

    /// The prompt for an input and the grounded answer.
    pub fn prompt(&self, input: &Input<'_>, grounded: &Answer) -> String {
        let model = self.model.lock().unwrap_or_else(|p| p.into_inner());
        let scene = describe(input, self.scene_tokens, &|s| model.count_tokens(s));
        self.template.replace("{scene}", &scene).replace("{facts}", &clean(&grounded.text)).replace("{question}", &clean(input.question))
    }
}

/// A question or fact as plain text: chat markers removed, lines joined, so text in a
/// question cannot open a turn of its own.
fn clean(s: &str) -> String {
    let mut t = s.to_string();
    for m in ["<|im_start|>", "<|im_end|>", "<|endoftext|>"] {
        t = t.replace(m, " ");
    }
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The scene for the prompt: objects by their share of the token budget, each described at
/// the most detail that fits its share of `budget` model tokens (size, support, distance;
/// then name and support; then the name alone); the rest counted.
pub fn describe(input: &Input<'_>, budget: usize, count: &dyn Fn(&str) -> usize) -> String {
    let scene = input.scene;
    let total = input.allocation.budget.max(1);
    let mut objects: Vec<(&spatia_scene::Object, usize)> =
        scene.objects.iter().map(|o| (o, input.allocation.tokens(NodeId::Object(o.id)))).collect();
    objects.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.id.cmp(&b.0.id)));
    let on = |o: &spatia_scene::Object| o.on.and_then(|s| scene.object(s)).map_or("the floor".to_string(), |s| format!("the {}", s.name));
    let mut lines = Vec::new();
    let mut left = 0;
    for (o, tokens) in objects {
        let share = budget * tokens / total;
        let [w, d, h] = o.size;
        let cam = scene.frame.cam_to_scene.translation.vector;
        let dist = ((o.centre[0] - cam.x).powi(2) + (o.centre[1] - cam.y).powi(2) + (o.centre[2] - cam.z).powi(2)).sqrt();
        let parts: Vec<&str> = o.parts.iter().map(|p| p.name.as_str()).collect();
        let options = [
            format!(
                "- {}: {} {}, {w:.2} m wide, {d:.2} m deep, {h:.2} m tall, on {}, {dist:.1} m from the camera; parts: {}",
                o.name,
                o.colour.as_str(),
                o.shape.noun(),
                on(o),
                parts.join(", ")
            ),
            format!("- {}, on {}", o.name, on(o)),
            format!("- {}", o.name),
        ];
        match options.iter().find(|s| count(s) <= share) {
            Some(s) => lines.push(s.clone()),
            None => left += 1,
        }
    }
    if left > 0 {
        lines.push(format!("- and {left} more thing{}", if left == 1 { "" } else { "s" }));
    }
    lines.join("\n")
}

impl Decoder for Llm {
    fn name(&self) -> &str {
        "llm"
    }

    fn answer(&self, input: &Input<'_>) -> Result<Answer> {
        self.answer_streaming(input, &mut |_| {})
    }

    fn answer_streaming(&self, input: &Input<'_>, on_text: &mut dyn FnMut(&str)) -> Result<Answer> {
        let grounded = Grounded.answer(input)?;
        let prompt = self.prompt(input, &grounded);
        let mut model = self.model.lock().unwrap_or_else(|p| p.into_inner());
        let g = model.generate(&prompt, &self.generation, on_text).map_err(|e| Error::Decoder(e.to_string()))?;
        if g.text.trim().is_empty() {
            on_text(&grounded.text);
        }
        let text = g.text.trim();
        let mut a = grounded;
        a.evidence.push(Evidence::note(
            EvidenceKind::Source,
            format!(
                "text by SmolLM2 ({} prompt tokens in {:.2} s, {} generated in {:.2} s); value measured by the grounded decoder",
                g.prompt_tokens, g.prompt_seconds, g.tokens, g.generate_seconds
            ),
            &[],
        ));
        if !text.is_empty() {
            a.text = text.to_string();
        }
        Ok(a)
    }
}
