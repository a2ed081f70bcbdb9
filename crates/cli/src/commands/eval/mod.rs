//! `spatia eval`: generates a suite from a spec (or reads one), answers it through the
//! agent, scores it against the ground truth, and writes `report.json` with a chart (PNG
//! and SVG): accuracy per family, consistency over twins, and the allocation ablation
//! (metric and describe accuracy against the token budget per strategy).

mod chart;
mod clevr;
mod compare;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, bail};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use spatia::{Agent, Scene, Strategy, Value};

use crate::args::EvalArgs;

/// A suite spec (`eval/suites/*.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// Suite name (the generated folder's name).
    pub name: String,
    /// Seed of the first scene; scene k has seed + k.
    pub seed: u64,
    /// Number of scenes.
    pub scenes: u64,
    /// Sensor noise on the depth and colour.
    #[serde(default)]
    pub noise: bool,
    /// Image size.
    #[serde(default = "default_width")]
    pub width: usize,
    /// Image size.
    #[serde(default = "default_height")]
    pub height: usize,
    /// Families to keep (all when empty).
    #[serde(default)]
    pub families: Vec<String>,
    /// Budgets of the allocation ablation (none: no ablation).
    #[serde(default)]
    pub budgets: Vec<usize>,
    /// Overall accuracy below this fails the run (exit 1).
    #[serde(default)]
    pub floor: Option<f32>,
    /// At most this many questions, evenly spaced over the generated ones (before balancing).
    #[serde(default)]
    pub max_questions: Option<usize>,
}

/// Version of the question generator; a generated suite of another version is regenerated.
const GENERATOR: &str = "2";

fn default_width() -> usize {
    640
}

fn default_height() -> usize {
    480
}

/// One line of `truth.jsonl`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TruthLine {
    id: String,
    family: String,
    kind: String,
    expected: Json,
    #[serde(default)]
    tolerance: Option<f32>,
    #[serde(default)]
    pair: Option<String>,
}

/// One line of `questions.jsonl`.
#[derive(Debug, Clone, Deserialize)]
struct QuestionLine {
    id: String,
    scene: String,
    question: String,
}

/// Writes a suite folder from a spec: scene directories, `questions.jsonl`, `truth.jsonl`.
fn generate(spec: &Spec, dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir.join("scenes")).with_context(|| format!("creating {}", dir.display()))?;
    let params = spatia_synth::SceneParams { width: spec.width, height: spec.height, ..Default::default() };
    let per_scene: Vec<anyhow::Result<Vec<spatia_synth::Question>>> = (0..spec.scenes)
        .into_par_iter()
        .map(|k| {
            let seed = spec.seed + k;
            let s = spatia_synth::generate(seed, &params);
            let noise = spec.noise.then(|| spatia_synth::Noise { seed, ..Default::default() });
            let mut view = spatia_synth::render(&s);
            if let Some(n) = &noise {
                view = view.with_noise(n);
            }
            let rel = format!("scenes/scene-{seed}");
            let truth = spatia_synth::write_dir(&dir.join(&rel), &s, &view, noise.as_ref())?;
            Ok(spatia_synth::questions(&truth, &rel, &format!("s{seed}")))
        })
        .collect();
    let mut all = Vec::new();
    for r in per_scene {
        all.extend(r?);
    }
    if !spec.families.is_empty() {
        all.retain(|q| spec.families.contains(&q.family));
    }
    if let Some(cap) = spec.max_questions.filter(|&c| c > 0 && c < all.len()) {
        // Evenly spaced, twins kept together (they are generated next to each other).
        let mut units: Vec<Vec<spatia_synth::Question>> = Vec::new();
        for q in all {
            match units.last_mut() {
                Some(u) if q.pair.is_some() && u[0].pair == q.pair => u.push(q),
                _ => units.push(vec![q]),
            }
        }
        let (n, total) = (units.len(), units.iter().map(Vec::len).sum::<usize>());
        let keep = (cap * n / total).max(1);
        all = units.into_iter().enumerate().filter(|(i, _)| i * keep / n != (i + 1) * keep / n).flat_map(|(_, u)| u).collect();
    }
    let all = spatia_synth::balance(all);
    let lines = |f: &dyn Fn(&spatia_synth::Question) -> Json| all.iter().map(|q| f(q).to_string() + "\n").collect::<String>();
    std::fs::write(dir.join("questions.jsonl"), lines(&|q| q.input_line()))?;
    std::fs::write(dir.join("truth.jsonl"), lines(&|q| q.truth_line()))?;
    std::fs::write(dir.join("spec.json"), serde_json::to_string_pretty(spec)? + "\n")?;
    std::fs::write(dir.join("generator"), GENERATOR)?;
    Ok(())
}

/// Whether an answer is right, within the 10 % tolerance and within the 25 % band.
fn score(t: &TruthLine, value: &Value, text: &str) -> (bool, bool) {
    let num = |v: &Json| v.as_f64().map(|x| x as f32);
    match (t.kind.as_str(), value) {
        ("metres", Value::Metres(m)) => {
            let e = num(&t.expected).unwrap_or(f32::NAN);
            let err = (m - e).abs();
            (err <= t.tolerance.unwrap_or((0.1 * e).max(0.02)), err <= (0.25 * e).max(0.05))
        }
        ("bool", Value::Bool(b)) => (t.expected.as_bool() == Some(*b), t.expected.as_bool() == Some(*b)),
        ("count", Value::Count(n)) => {
            let ok = t.expected.as_u64() == Some(*n as u64);
            (ok, ok)
        }
        ("names", Value::Names(n)) => {
            let mut want: Vec<String> = serde_json::from_value(t.expected.clone()).unwrap_or_default();
            let mut got = n.clone();
            want.sort();
            got.sort();
            (want == got, want == got)
        }
        ("colour", Value::Colour(c)) | ("name", Value::Name(c)) => {
            let ok = t.expected.as_str() == Some(c.as_str());
            (ok, ok)
        }
        ("shape", Value::Shape(s)) => {
            let norm = |x: &str| if x == "cube" { "box".to_string() } else { x.to_string() };
            let ok = t.expected.as_str().map(norm) == Some(norm(s));
            (ok, ok)
        }
        ("text", Value::Text(_)) => {
            // A description: names the object and states its height (or diameter).
            let name = t.expected["name"].as_str().unwrap_or("");
            let h = num(&t.expected["height"]).unwrap_or(f32::NAN);
            let stated = stated_height(text);
            let named = text.contains(name);
            let ok = |tol: f32| named && stated.is_some_and(|s| (s - h).abs() <= tol);
            (ok(t.tolerance.unwrap_or((0.1 * h).max(0.02))), ok((0.25 * h).max(0.05)))
        }
        _ => (false, false),
    }
}

/// The number before "m tall" (or "m across") in a description.
fn stated_height(text: &str) -> Option<f32> {
    for key in [" m tall", " m across"] {
        if let Some(i) = text.find(key) {
            let head = &text[..i];
            let start = head.rfind(' ').map_or(0, |k| k + 1);
            if let Ok(v) = head[start..].parse::<f32>() {
                return Some(v);
            }
        }
    }
    None
}

/// One answered question.
#[derive(Debug, Clone, Serialize)]
struct Outcome {
    id: String,
    family: String,
    question: String,
    expected: Json,
    given: Option<Json>,
    text: String,
    ok: bool,
    ok25: bool,
    error: Option<String>,
}

struct Suite {
    questions: Vec<QuestionLine>,
    truth: BTreeMap<String, TruthLine>,
    scenes: BTreeMap<String, Result<Arc<Scene>, String>>,
}

fn answer_all(agent: &Agent, suite: &Suite, only: Option<&(dyn Fn(&TruthLine) -> bool + Sync)>) -> Vec<Outcome> {
    suite.questions.par_iter().filter_map(|q| answer_one(agent, suite, q, only)).collect()
}

/// [`answer_all`] one question after another: for a decoder that runs a model, which
/// uses every core itself.
fn answer_in_turn(agent: &Agent, suite: &Suite, only: Option<&(dyn Fn(&TruthLine) -> bool + Sync)>) -> Vec<Outcome> {
    suite.questions.iter().filter_map(|q| answer_one(agent, suite, q, only)).collect()
}

fn answer_one(agent: &Agent, suite: &Suite, q: &QuestionLine, only: Option<&(dyn Fn(&TruthLine) -> bool + Sync)>) -> Option<Outcome> {
    let t = suite.truth.get(&q.id)?;
    if only.is_some_and(|f| !f(t)) {
        return None;
    }
    let mut o = Outcome {
        id: q.id.clone(),
        family: t.family.clone(),
        question: q.question.clone(),
        expected: t.expected.clone(),
        given: None,
        text: String::new(),
        ok: false,
        ok25: false,
        error: None,
    };
    match suite.scenes.get(&q.scene) {
        Some(Ok(scene)) => match agent.ask(scene, &q.question) {
            Ok(a) => {
                (o.ok, o.ok25) = score(t, &a.value, &a.text);
                o.given = serde_json::to_value(&a.value).ok();
                o.text = a.text;
            }
            Err(e) => o.error = Some(e.to_string()),
        },
        Some(Err(e)) => o.error = Some(e.clone()),
        None => o.error = Some(format!("scene {} was not read", q.scene)),
    }
    Some(o)
}

fn read_jsonl<T: for<'de> Deserialize<'de>>(path: &Path) -> anyhow::Result<Vec<T>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, l)| serde_json::from_str(l).with_context(|| format!("{} line {}", path.display(), n + 1)))
        .collect()
}

fn strategy_name(s: Strategy) -> &'static str {
    match s {
        Strategy::R2 => "r2",
        Strategy::R1 => "r1",
        Strategy::Uniform => "uniform",
    }
}

/// Runs `spatia eval`.
pub fn run(a: EvalArgs) -> anyhow::Result<ExitCode> {
    if let (Some(s), Some(q)) = (&a.clevr_scenes, &a.clevr_questions) {
        return run_clevr(&a, s, q);
    }
    let (dir, spec) = match (&a.suite, &a.spec) {
        (Some(d), None) => {
            let spec = std::fs::read_to_string(d.join("spec.json")).ok().and_then(|t| serde_json::from_str::<Spec>(&t).ok());
            (d.clone(), spec)
        }
        (None, Some(p)) => {
            let text = std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
            let spec: Spec = serde_json::from_str(&text).with_context(|| format!("{}: not a suite spec", p.display()))?;
            // eval/suites/x.json -> eval/generated/x
            let root = p.parent().and_then(Path::parent).unwrap_or(Path::new("."));
            let dir = root.join("generated").join(&spec.name);
            let same = std::fs::read_to_string(dir.join("spec.json")).ok().and_then(|t| serde_json::from_str::<Spec>(&t).ok())
                == Some(spec.clone());
            let current = std::fs::read_to_string(dir.join("generator")).is_ok_and(|g| g == GENERATOR);
            if !same || !current || !dir.join("truth.jsonl").is_file() {
                let t = Instant::now();
                if dir.exists() {
                    std::fs::remove_dir_all(&dir).with_context(|| format!("clearing {}", dir.display()))?;
                }
                generate(&spec, &dir)?;
                eprintln!("spatia eval: generated {} ({} scenes) in {:.1} s", dir.display(), spec.scenes, t.elapsed().as_secs_f64());
            }
            (dir, Some(spec))
        }
        _ => bail!("give a suite folder, --spec FILE, or --clevr-scenes with --clevr-questions"),
    };
    if let Some(j) = a.jobs {
        // A second call in one process would fail; the first one wins, which is this one.
        let _ = rayon::ThreadPoolBuilder::new().num_threads(j).build_global();
    }
    let questions: Vec<QuestionLine> = read_jsonl(&dir.join("questions.jsonl"))?;
    let truth: BTreeMap<String, TruthLine> =
        read_jsonl::<TruthLine>(&dir.join("truth.jsonl"))?.into_iter().map(|t| (t.id.clone(), t)).collect();
    let base = super::agent(&a.agent, None)?;
    let t0 = Instant::now();
    let mut names: Vec<String> = questions.iter().map(|q| q.scene.clone()).collect();
    names.sort();
    names.dedup();
    let scenes: BTreeMap<String, Result<Arc<Scene>, String>> =
        names.par_iter().map(|n| (n.clone(), base.perceive(dir.join(n).as_path()).map_err(|e| format!("{n}: {e}")))).collect();
    let perceive_s = t0.elapsed().as_secs_f64();
    let suite = Suite { questions, truth, scenes };
    let t1 = Instant::now();
    let outcomes = answer_all(&base, &suite, None);
    let answer_s = t1.elapsed().as_secs_f64();

    // Per family, overall, consistency.
    let mut fam: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    for o in &outcomes {
        let e = fam.entry(o.family.clone()).or_default();
        e.0 += 1;
        e.1 += usize::from(o.ok);
        e.2 += usize::from(o.ok25);
    }
    let n = outcomes.len().max(1);
    let overall = outcomes.iter().filter(|o| o.ok).count() as f32 / n as f32;
    let overall25 = outcomes.iter().filter(|o| o.ok25).count() as f32 / n as f32;
    let errors = outcomes.iter().filter(|o| o.error.is_some()).count();
    let mut pairs: BTreeMap<String, Vec<&Outcome>> = BTreeMap::new();
    for o in &outcomes {
        if let Some(p) = suite.truth.get(&o.id).and_then(|t| t.pair.clone()) {
            pairs.entry(p).or_default().push(o);
        }
    }
    let consistent = pairs
        .values()
        .filter(|v| {
            v.windows(2).all(|w| match (&w[0].given, &w[1].given) {
                (Some(a), Some(b)) => {
                    let (x, y) = (a["value"].as_f64(), b["value"].as_f64());
                    match (x, y) {
                        (Some(x), Some(y)) if a["kind"] == "metres" => (x - y).abs() <= 0.02_f64.max(0.05 * x.abs()),
                        _ => a == b,
                    }
                }
                _ => false,
            })
        })
        .count();
    let consistency = consistent as f32 / pairs.len().max(1) as f32;

    // The allocation ablation: metric and describe questions at each budget and strategy.
    let budgets: Vec<usize> = if a.no_ablation { Vec::new() } else { spec.as_ref().map(|s| s.budgets.clone()).unwrap_or_default() };
    let metric = |t: &TruthLine| t.kind == "metres" || t.kind == "text";
    let mut curves: Vec<(String, Vec<(usize, f32)>)> = Vec::new();
    for strategy in [Strategy::R2, Strategy::R1, Strategy::Uniform] {
        let mut pts = Vec::new();
        for &b in &budgets {
            let agent = Agent::builder().budget(b).strategy(strategy).build()?;
            let o = answer_all(&agent, &suite, Some(&metric));
            let acc = o.iter().filter(|x| x.ok).count() as f32 / o.len().max(1) as f32;
            pts.push((b, acc));
        }
        if !pts.is_empty() {
            curves.push((strategy_name(strategy).to_string(), pts));
        }
    }

    // The paraphrase family again without the phrase matcher: what matching by meaning adds.
    let is_para = |t: &TruthLine| t.family == "paraphrase";
    let para_without = if base.phrase_matcher().is_some() && suite.truth.values().any(|t| t.family == "paraphrase") {
        let plain =
            Agent::builder().config(spatia::Config { phrase_matching: spatia::PhraseMatching::Off, ..base.config().clone() }).build()?;
        let o = answer_all(&plain, &suite, Some(&is_para));
        Some(o.iter().filter(|x| x.ok).count() as f32 / o.len().max(1) as f32)
    } else {
        None
    };
    let para_with = fam.get("paraphrase").map(|(n, r, _)| *r as f32 / (*n).max(1) as f32);

    // The decoders side by side on a sample (the language model takes ~1 s a question).
    let compare_n = a.compare.unwrap_or(if base.config().decoder == spatia::DecoderKind::Llm { 40 } else { 0 });
    let mut decoders: Vec<compare::DecoderScore> = Vec::new();
    if compare_n > 0 {
        let ids = compare::sample(&suite.truth, compare_n);
        let only = |t: &TruthLine| ids.contains(&t.id);
        for kind in [spatia::DecoderKind::Grounded, spatia::DecoderKind::Llm] {
            let agent = Agent::builder()
                .config(spatia::Config { decoder: kind, ..base.config().clone() })
                .build()
                .context("the side-by-side comparison needs both decoders")?;
            let t = Instant::now();
            let o = if kind == spatia::DecoderKind::Llm {
                answer_in_turn(&agent, &suite, Some(&only))
            } else {
                answer_all(&agent, &suite, Some(&only))
            };
            decoders.push(compare::score(agent.decoder_name(), &o, &suite.truth, t.elapsed().as_secs_f64()));
        }
    }

    // Worst failures: metric ones by relative error, then the rest in order.
    let mut failures: Vec<&Outcome> = outcomes.iter().filter(|o| !o.ok).collect();
    let rel_err = |o: &Outcome| {
        let e = o.expected.as_f64().unwrap_or(0.0);
        o.given.as_ref().and_then(|g| g["value"].as_f64()).map_or(f64::INFINITY, |g| (g - e).abs() / e.abs().max(0.01))
    };
    failures.sort_by(|a, b| rel_err(b).total_cmp(&rel_err(a)));
    let out_dir = match &a.out {
        Some(o) => o.clone(),
        None => {
            let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
            dir.parent()
                .and_then(Path::parent)
                .unwrap_or(Path::new("."))
                .join("reports")
                .join(format!("{}-{stamp}", dir.file_name().map_or("suite".into(), |n| n.to_string_lossy().into_owned())))
        }
    };
    std::fs::create_dir_all(&out_dir).with_context(|| format!("creating {}", out_dir.display()))?;
    let qps = outcomes.len() as f64 / answer_s.max(1e-9);
    let report = serde_json::json!({
        "suite": dir.display().to_string(),
        "spec": spec,
        "decoder": base.decoder_name(),
        "budget": base.config().budget,
        "strategy": strategy_name(base.config().strategy),
        "questions": outcomes.len(),
        "scenes": suite.scenes.len(),
        "accuracy": overall,
        "accuracy_25": overall25,
        "consistency": consistency,
        "pairs": pairs.len(),
        "errors": errors,
        "seconds_perceive": perceive_s,
        "seconds_answer": answer_s,
        "questions_per_second": qps,
        "families": fam.iter().map(|(f, (n, r, r25))| (f.clone(), serde_json::json!({"questions": n, "accuracy": *r as f32 / (*n).max(1) as f32, "accuracy_25": *r25 as f32 / (*n).max(1) as f32}))).collect::<BTreeMap<_, _>>(),
        "ablation": curves.iter().map(|(s, p)| (s.clone(), p.iter().map(|(b, acc)| serde_json::json!({"budget": b, "accuracy": acc})).collect::<Vec<_>>())).collect::<BTreeMap<_, _>>(),
        "decoders": decoders,
        "phrase_matching": {"model": base.phrase_matcher().is_some(), "paraphrase_accuracy": para_with, "paraphrase_accuracy_without": para_without},
        "failures": failures.iter().take(50).collect::<Vec<_>>(),
    });
    std::fs::write(out_dir.join("report.json"), serde_json::to_string_pretty(&report)? + "\n")?;
    let bars: Vec<(String, f32, f32)> =
        fam.iter().map(|(f, (n, r, r25))| (f.clone(), *r as f32 / (*n).max(1) as f32, *r25 as f32 / (*n).max(1) as f32)).collect();
    let canvas = chart::report(&bars, &curves);
    std::fs::write(out_dir.join("report.svg"), canvas.svg())?;
    canvas.png().save(out_dir.join("report.png")).context("writing report.png")?;

    let mut out = std::io::stdout().lock();
    if a.json {
        writeln!(out, "{report}")?;
    } else {
        writeln!(
            out,
            "suite {}: {} questions on {} scenes, decoder {}, budget {} ({})",
            dir.display(),
            outcomes.len(),
            suite.scenes.len(),
            base.decoder_name(),
            base.config().budget,
            strategy_name(base.config().strategy)
        )?;
        writeln!(out, "{:<12} {:>9} {:>9} {:>9}", "family", "questions", "acc 10%", "acc 25%")?;
        for (f, (n, r, r25)) in &fam {
            writeln!(
                out,
                "{f:<12} {n:>9} {:>8.1}% {:>8.1}%",
                100.0 * *r as f32 / (*n).max(1) as f32,
                100.0 * *r25 as f32 / (*n).max(1) as f32
            )?;
        }
        writeln!(out, "{:<12} {:>9} {:>8.1}% {:>8.1}%", "overall", outcomes.len(), 100.0 * overall, 100.0 * overall25)?;
        writeln!(
            out,
            "consistency over {} twin sets: {:.1}%; error records: {errors}; {qps:.0} questions/s (perception {perceive_s:.1} s)",
            pairs.len(),
            100.0 * consistency
        )?;
        if let (Some(w), Some(wo)) = (para_with, para_without) {
            writeln!(
                out,
                "paraphrase (words outside the lexicon): {:.1}% with MiniLM phrase matching, {:.1}% without",
                100.0 * w,
                100.0 * wo
            )?;
        }
        if let Some(first) = decoders.first() {
            writeln!(out, "decoders side by side on {} questions (every family):", first.questions)?;
            writeln!(out, "  {:<10} {:>10} {:>16} {:>12}", "decoder", "value acc", "text states it", "s/question")?;
            for d in &decoders {
                writeln!(
                    out,
                    "  {:<10} {:>9.1}% {:>15.1}% {:>12.3}",
                    d.decoder,
                    100.0 * d.value_accuracy,
                    100.0 * d.text_accuracy,
                    d.seconds_per_question
                )?;
            }
        }
        if !curves.is_empty() {
            writeln!(out, "metric + describe accuracy by budget:")?;
            for (s, pts) in &curves {
                let row: Vec<String> = pts.iter().map(|(b, acc)| format!("{b}: {:.1}%", 100.0 * acc)).collect();
                writeln!(out, "  {s:<8} {}", row.join("  "))?;
            }
        }
        writeln!(out, "worst failures:")?;
        for f in failures.iter().take(8) {
            let given = f.error.clone().unwrap_or_else(|| f.text.clone());
            writeln!(out, "  {} — expected {}, got: {given}", f.question, f.expected)?;
        }
        writeln!(out, "report: {}", out_dir.join("report.json").display())?;
    }
    if let Some(floor) = spec.and_then(|s| s.floor) {
        if overall < floor {
            eprintln!("spatia eval: overall accuracy {:.1}% is below the suite's floor {:.1}%", 100.0 * overall, 100.0 * floor);
            return Ok(ExitCode::from(crate::EXIT_NO_ANSWER));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `spatia eval --clevr-scenes S --clevr-questions Q`.
fn run_clevr(a: &EvalArgs, scenes: &Path, questions: &Path) -> anyhow::Result<ExitCode> {
    let mode = match a.clevr_relations {
        crate::args::ClevrRelationsArg::Given => clevr::Relations::Given,
        crate::args::ClevrRelationsArg::Spatia => clevr::Relations::Spatia,
    };
    let t = Instant::now();
    let rep = clevr::run(scenes, questions, mode, a.limit)?;
    let secs = t.elapsed().as_secs_f64();
    let total: usize = rep.families.values().map(|v| v.0).sum();
    let right: usize = rep.families.values().map(|v| v.1).sum();
    let acc = right as f32 / total.max(1) as f32;
    let report = serde_json::json!({
        "clevr_scenes": scenes.display().to_string(),
        "clevr_questions": questions.display().to_string(),
        "relations": if mode == clevr::Relations::Given { "given" } else { "spatia" },
        "questions": total,
        "accuracy": acc,
        "invalid_programs": rep.invalid,
        "families": rep.families.iter().map(|(f, (n, r))| (f.clone(), serde_json::json!({"questions": n, "accuracy": *r as f32 / (*n).max(1) as f32}))).collect::<BTreeMap<_, _>>(),
        "failures": rep.failures.iter().map(|(q, w, g)| serde_json::json!({"question": q, "expected": w, "given": g})).collect::<Vec<_>>(),
        "seconds": secs,
    });
    if let Some(out) = &a.out {
        std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
        std::fs::write(out.join("report.json"), serde_json::to_string_pretty(&report)? + "\n")?;
    }
    let mut o = std::io::stdout().lock();
    if a.json {
        writeln!(o, "{report}")?;
    } else {
        writeln!(o, "CLEVR: {total} questions, relations {}", report["relations"].as_str().unwrap_or(""))?;
        for (f, (n, r)) in &rep.families {
            writeln!(o, "{f:<16} {n:>7} {:>7.1}%", 100.0 * *r as f32 / (*n).max(1) as f32)?;
        }
        writeln!(o, "{:<16} {total:>7} {:>7.1}%  ({} programs invalid on their scene; {secs:.1} s)", "overall", 100.0 * acc, rep.invalid)?;
        for (q, w, g) in &rep.failures {
            writeln!(o, "  {q} — expected {w}, got {g}")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
