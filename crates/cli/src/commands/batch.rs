//! `spatia batch`: JSON Lines of questions in, one line of answer or error out per line in,
//! in input order. Each scene is perceived once however its questions are interleaved;
//! scenes and questions run in parallel; every finished line is written at once, so a
//! run killed at any moment and started again resumes where its output ends.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{IsTerminal, Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::Instant;

use anyhow::{Context, bail};
use rayon::prelude::*;
use serde::Deserialize;
use serde_json::{Value as Json, json};

use crate::args::BatchArgs;

/// One input line as DESIGN.md gives it; other fields are ignored.
#[derive(Debug, Deserialize)]
struct Line {
    id: Json,
    scene: String,
    question: String,
}

/// An input line, read.
enum Item {
    /// A question about a scene (resolved path, or why the path is refused).
    Ask { id: Json, scene: Result<PathBuf, String>, question: String },
    /// A line that is not a question.
    Bad { id: Json, message: String },
}

/// An output line: `{"id","answer"}` or `{"id","error":{"kind","message"}}`, id first.
#[derive(serde::Serialize)]
struct Out<'a> {
    id: &'a Json,
    #[serde(skip_serializing_if = "Option::is_none")]
    answer: Option<&'a spatia::Answer>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<ErrorRecord<'a>>,
}

#[derive(serde::Serialize)]
struct ErrorRecord<'a> {
    kind: &'a str,
    message: &'a str,
}

fn error_line(id: &Json, kind: &str, message: &str) -> String {
    serde_json::to_string(&Out { id, answer: None, error: Some(ErrorRecord { kind, message }) }).unwrap_or_default()
}

fn answer_line(id: &Json, a: &spatia::Answer) -> String {
    serde_json::to_string(&Out { id, answer: Some(a), error: None }).unwrap_or_default()
}

/// Resolves a scene path against the input's folder, refusing to leave it unless allowed.
fn scene_path(base: &Path, scene: &str, allow_outside: bool) -> Result<PathBuf, String> {
    let p = base.join(scene);
    let canon = p.canonicalize().map_err(|e| format!("scene {}: {e}", p.display()))?;
    if !allow_outside && !canon.starts_with(base) {
        return Err(format!("scene {scene} is outside the input file's folder {} (allow it with --allow-outside)", base.display()));
    }
    Ok(canon)
}

fn read_items(text: &str, base: &Path, allow_outside: bool) -> Vec<Item> {
    text.lines()
        .enumerate()
        .map(|(n, raw)| match serde_json::from_str::<Line>(raw) {
            Ok(l) => Item::Ask { scene: scene_path(base, &l.scene, allow_outside), id: l.id, question: l.question },
            Err(e) => {
                let id = serde_json::from_str::<Json>(raw).ok().and_then(|v| v.get("id").cloned()).unwrap_or(Json::Null);
                let what = if raw.trim().is_empty() { "an empty line".to_string() } else { e.to_string() };
                Item::Bad { id, message: format!("line {}: {what} (expected {{\"id\", \"scene\", \"question\"}})", n + 1) }
            }
        })
        .collect()
}

fn item_id(i: &Item) -> &Json {
    match i {
        Item::Ask { id, .. } | Item::Bad { id, .. } => id,
    }
}

/// Lines already answered in `out`: checks they answer the first lines of this input,
/// and cuts off a line left half-written by a kill. Returns how many to skip.
fn resume(out: &Path, items: &[Item]) -> anyhow::Result<usize> {
    let mut f = OpenOptions::new().read(true).write(true).open(out).with_context(|| format!("opening {}", out.display()))?;
    let mut text = String::new();
    f.read_to_string(&mut text).with_context(|| format!("reading {}", out.display()))?;
    let mut done = 0;
    let mut keep = 0u64;
    for line in text.split_inclusive('\n') {
        if !line.ends_with('\n') {
            break; // half-written: answered again
        }
        let Ok(v) = serde_json::from_str::<Json>(line) else { break };
        let Some(item) = items.get(done) else {
            bail!("{} has more lines than {} has questions: it is the output of another input (use --restart)", out.display(), "the input");
        };
        if v.get("id") != Some(item_id(item)) {
            bail!(
                "{} line {} answers id {}, but input line {} has id {}: it is the output of another input (use --restart to start over)",
                out.display(),
                done + 1,
                v.get("id").unwrap_or(&Json::Null),
                done + 1,
                item_id(item)
            );
        }
        done += 1;
        keep += line.len() as u64;
    }
    f.set_len(keep)?;
    f.seek(std::io::SeekFrom::End(0))?;
    Ok(done)
}

/// Runs `spatia batch`.
pub fn run(a: BatchArgs) -> anyhow::Result<ExitCode> {
    let t0 = Instant::now();
    let text = std::fs::read_to_string(&a.input).with_context(|| format!("reading {}", a.input.display()))?;
    let base = a
        .input
        .canonicalize()
        .with_context(|| format!("resolving {}", a.input.display()))?
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let items = read_items(&text, &base, a.allow_outside);
    let skip = if a.output.exists() && !a.restart { resume(&a.output, &items)? } else { 0 };
    let mut out: File = if skip > 0 || (a.output.exists() && !a.restart) {
        OpenOptions::new().append(true).open(&a.output)
    } else {
        File::create(&a.output)
    }
    .with_context(|| format!("opening {}", a.output.display()))?;

    let agent = super::agent(&a.agent, None)?;
    // Questions grouped by scene, in order of first appearance.
    let mut groups: Vec<(PathBuf, Vec<usize>)> = Vec::new();
    let mut ready: BTreeMap<usize, (String, bool)> = BTreeMap::new();
    for (k, item) in items.iter().enumerate().skip(skip) {
        match item {
            Item::Bad { id, message } => {
                ready.insert(k, (error_line(id, "input", message), true));
            }
            Item::Ask { id, scene: Err(m), .. } => {
                ready.insert(k, (error_line(id, "scene", m), true));
            }
            Item::Ask { scene: Ok(p), .. } => match groups.iter_mut().find(|g| &g.0 == p) {
                Some(g) => g.1.push(k),
                None => groups.push((p.clone(), vec![k])),
            },
        }
    }
    let todo = items.len() - skip;
    let bar = if std::io::stderr().is_terminal() && todo > 0 {
        let b = indicatif::ProgressBar::new(todo as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} questions, {per_sec}, eta {eta}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Some(b)
    } else {
        None
    };
    let pool = rayon::ThreadPoolBuilder::new().num_threads(a.jobs.unwrap_or(0)).build()?;
    let (tx, rx) = mpsc::channel::<(usize, (String, bool))>();
    let mut errors = 0usize;
    let mut next = skip;
    let mut peak_cache = 0usize;
    let mut write_ready = |ready: &mut BTreeMap<usize, (String, bool)>, next: &mut usize, errors: &mut usize| -> anyhow::Result<()> {
        while let Some((line, failed)) = ready.remove(next) {
            *errors += usize::from(failed);
            // One write a line: a kill leaves at most a half line, which a rerun cuts off.
            out.write_all(format!("{line}\n").as_bytes()).with_context(|| format!("writing {}", a.output.display()))?;
            *next += 1;
            if let Some(b) = &bar {
                b.inc(1);
            }
        }
        Ok(())
    };
    write_ready(&mut ready, &mut next, &mut errors)?;
    let scenes = groups.len();
    std::thread::scope(|s| -> anyhow::Result<()> {
        let agent = &agent;
        let items = &items;
        let groups = &groups;
        s.spawn(move || {
            pool.install(|| {
                groups.par_iter().for_each(|(path, idx)| {
                    let scene = agent.perceive(path.as_path());
                    idx.par_iter().for_each(|&k| {
                        let Item::Ask { id, question, .. } = &items[k] else { return };
                        let line = match &scene {
                            Err(e) => (error_line(id, "scene", &format!("{}: {e}", path.display())), true),
                            Ok(sc) => match agent.ask(sc, question) {
                                Ok(ans) => (answer_line(id, &ans), false),
                                Err(e) => (error_line(id, e.kind(), &e.to_string()), true),
                            },
                        };
                        // The receiver only stops on a write failure; then the rest is moot.
                        let _ = tx.send((k, line));
                    });
                });
            });
            drop(tx);
        });
        for (k, line) in rx {
            ready.insert(k, line);
            write_ready(&mut ready, &mut next, &mut errors)?;
            peak_cache = peak_cache.max(agent.cache_stats().bytes);
        }
        Ok(())
    })?;
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let secs = t0.elapsed().as_secs_f64();
    let answered = next - skip;
    let stats = agent.cache_stats();
    let summary = json!({
        "lines": items.len(),
        "answered": answered - errors,
        "errors": errors,
        "resumed_after": skip,
        "scenes": scenes,
        "seconds": secs,
        "questions_per_second": answered as f64 / secs.max(1e-9),
        "peak_cache_bytes": peak_cache,
        "evictions": stats.evictions,
    });
    if a.json {
        writeln!(std::io::stdout().lock(), "{summary}")?;
    } else {
        eprintln!(
            "spatia batch: {} lines: {} answered, {errors} error records{}; {scenes} scene(s) in {secs:.2} s ({:.0} questions/s); scene cache peak {:.1} MB",
            items.len(),
            answered - errors,
            if skip > 0 { format!(", {skip} already done") } else { String::new() },
            answered as f64 / secs.max(1e-9),
            peak_cache as f64 / 1e6
        );
    }
    Ok(ExitCode::SUCCESS)
}
