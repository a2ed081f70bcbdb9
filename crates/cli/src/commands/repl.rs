//! `spatia repl`: a conversation about one scene. On a terminal: line editing, history,
//! tab completion of object names, Ctrl-C cancels the line, Ctrl-D leaves. From a pipe:
//! one question (or command) a line, one answer a line.

use std::collections::BTreeMap;
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use rustyline::completion::Completer;
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::validate::Validator;
use rustyline::{Context, Helper};
use spatia::{Answer, Conversation, Scene};

use crate::args::ReplArgs;

const HELP: &str = "Ask a question about the scene (\"What is on top of the table?\", \"How far is it from the box?\"), or:
  :objects      the objects, with ids, sizes and supports
  :alloc        where the last answer's token budget went (relevance and tokens per node)
  :mesh PATH    write the mesh (.ply/.obj/.glb); :mesh PATH N for N vertices, refined where the last question looked
  :show PATH    write the photo with the objects outlined and the last answer's relevance as a heat overlay
  :help         this help
  :quit         leave (or Ctrl-D)";

/// Completes object names and commands.
struct Names {
    words: Vec<String>,
}

impl Completer for Names {
    type Candidate = String;

    fn complete(&self, line: &str, pos: usize, _: &Context<'_>) -> rustyline::Result<(usize, Vec<String>)> {
        let head = &line[..pos];
        // Complete the longest tail of the line that starts a name ("the bl" -> "black box").
        let starts: Vec<usize> = std::iter::once(0).chain(head.char_indices().filter(|(_, c)| *c == ' ').map(|(i, _)| i + 1)).collect();
        for s in starts {
            let tail = head[s..].to_lowercase();
            if tail.is_empty() {
                continue;
            }
            let c: Vec<String> = self.words.iter().filter(|w| w.starts_with(&tail) && w.len() > tail.len()).cloned().collect();
            if !c.is_empty() {
                return Ok((s, c));
            }
        }
        Ok((pos, Vec::new()))
    }
}

impl Hinter for Names {
    type Hint = String;
}
impl Highlighter for Names {}
impl Validator for Names {}
impl Helper for Names {}

fn history_path(a: &ReplArgs) -> Option<PathBuf> {
    if let Some(p) = &a.history {
        return Some(p.clone());
    }
    let base = std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))?;
    Some(base.join("spatia").join("history"))
}

/// Runs `spatia repl`.
pub fn run(a: ReplArgs) -> anyhow::Result<ExitCode> {
    let (agent, scene) = super::agent_and_scene(&a.input, &a.agent)?;
    let streaming = std::io::stdout().is_terminal() && agent.decoder_name() == "llm";
    let mut session = Session { a: &a, talk: agent.conversation(scene.clone()), json: a.json, streaming };
    if !std::io::stdin().is_terminal() {
        let stdin = std::io::stdin().lock();
        for line in stdin.lines() {
            let line = line.context("reading standard input")?;
            if !session.line(line.trim())? {
                break;
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    let mut rl: rustyline::Editor<Names, rustyline::history::DefaultHistory> = rustyline::Editor::new()?;
    let mut words: Vec<String> = scene.objects.iter().map(|o| o.name.clone()).collect();
    words.extend([":objects", ":alloc", ":mesh", ":show", ":help", ":quit"].map(String::from));
    rl.set_helper(Some(Names { words }));
    let history = history_path(&a);
    if let Some(h) = &history {
        // A first session has no history yet.
        let _ = rl.load_history(h);
    }
    println!("spatia: {} objects in {}. Ask a question, or :help.", scene.objects.len(), a.input.path.display());
    loop {
        match rl.readline("spatia> ") {
            Ok(line) => {
                let line = line.trim().to_string();
                if line.is_empty() {
                    continue;
                }
                let _ = rl.add_history_entry(line.as_str());
                if !session.line(&line)? {
                    break;
                }
            }
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(e.into()),
        }
    }
    if let Some(h) = &history {
        if let Some(dir) = h.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        if let Err(e) = rl.save_history(h) {
            eprintln!("spatia: could not save the history to {}: {e}", h.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

struct Session<'a> {
    a: &'a ReplArgs,
    talk: Conversation<'a>,
    json: bool,
    /// Print answers as they are written (a terminal with the language-model decoder).
    streaming: bool,
}

impl Session<'_> {
    /// Handles one line; false to leave.
    fn line(&mut self, line: &str) -> anyhow::Result<bool> {
        let mut out = std::io::stdout().lock();
        if line.is_empty() {
            return Ok(true);
        }
        if let Some(cmd) = line.strip_prefix(':') {
            let mut parts = cmd.split_whitespace();
            let name = parts.next().unwrap_or("");
            let arg = parts.next();
            match (name, arg) {
                ("q" | "quit" | "exit", _) => return Ok(false),
                ("help" | "h" | "?", _) => writeln!(out, "{HELP}")?,
                ("objects" | "o", _) => objects(&mut out, self.talk.scene())?,
                ("alloc" | "a", _) => match self.talk.last() {
                    Some(ans) => alloc(&mut out, ans)?,
                    None => writeln!(out, "No question asked yet.")?,
                },
                ("mesh", Some(path)) => {
                    let n = parts.next().map(str::parse::<usize>).transpose().context("the vertex count must be a number")?;
                    match self.mesh(path, n) {
                        Ok(msg) => writeln!(out, "{msg}")?,
                        Err(e) => writeln!(out, "Could not write the mesh: {e:#}")?,
                    }
                }
                ("show", Some(path)) => match self.show(path) {
                    Ok(()) => writeln!(out, "Wrote {path}.")?,
                    Err(e) => writeln!(out, "Could not write the picture: {e:#}")?,
                },
                ("mesh" | "show", None) => {
                    writeln!(out, ":{name} needs a file name, e.g. :{name} out.{}", if name == "mesh" { "ply" } else { "png" })?
                }
                _ => writeln!(out, "Unknown command :{name}. Try :help.")?,
            }
            return Ok(true);
        }
        // On a terminal the language model's words appear as they are written.
        let stream = !self.json && self.streaming;
        let result = if stream {
            drop(out);
            let mut printed = false;
            let r = self.talk.ask_streaming(
                line,
                Some(&mut |t: &str| {
                    let mut o = std::io::stdout().lock();
                    let _ = write!(o, "{t}");
                    let _ = o.flush();
                    printed = true;
                }),
            );
            out = std::io::stdout().lock();
            if printed && r.is_ok() {
                writeln!(out)?;
            }
            r.map(|a| (a, printed))
        } else {
            self.talk.ask(line).map(|a| (a, false))
        };
        match result {
            Ok((_, true)) => {}
            Ok((ans, false)) if self.json => writeln!(out, "{}", serde_json::to_string(&ans)?)?,
            Ok((ans, false)) => writeln!(out, "{}", ans.text)?,
            Err(e) if e.is_no_answer() => {
                if self.json {
                    writeln!(out, "{}", serde_json::json!({"question": line, "error": {"kind": e.kind(), "message": e.to_string()}}))?;
                } else {
                    writeln!(out, "{}", super::ask::sentence(&e.to_string()))?;
                }
            }
            Err(e) => return Err(e.into()),
        }
        Ok(true)
    }

    /// Relevance per object of the last answer.
    fn relevance(&self) -> BTreeMap<u16, f32> {
        let mut m = BTreeMap::new();
        if let Some(ans) = self.talk.last() {
            for n in &ans.allocation.nodes {
                if let (spatia::reason::Level::Object, Ok(id)) = (n.level, n.id.parse::<u16>()) {
                    m.insert(id, n.relevance);
                }
            }
        }
        m
    }

    fn mesh(&self, path: &str, vertices: Option<usize>) -> anyhow::Result<String> {
        let frame = super::load_frame(&self.a.input)?;
        let cfg = spatia::MeshConfig::default();
        let mesh = match vertices {
            None => frame.to_mesh(&cfg),
            Some(n) => {
                let rel = self.relevance();
                let scene = self.talk.scene();
                let weights: Option<Vec<f32>> = (!rel.is_empty()).then(|| {
                    let floor = spatia::reason::R_MIN * spatia::reason::FALLOFF_FLOOR;
                    scene.object_map.iter().map(|id| rel.get(id).copied().unwrap_or(floor).powi(2)).collect()
                });
                frame.to_adaptive_mesh(n, weights.as_deref(), &cfg)?
            }
        };
        mesh.save(std::path::Path::new(path), spatia::geom::Axes::Camera)?;
        Ok(format!("Wrote {path}: {} vertices, {} triangles.", mesh.vertex_count(), mesh.triangles.len()))
    }

    fn show(&self, path: &str) -> anyhow::Result<()> {
        let frame = super::load_frame(&self.a.input)?;
        let scene = self.talk.scene();
        let mut img = super::show::outlines(&frame.rgb, scene);
        super::show::heat(&mut img, scene, &self.relevance());
        img.save(path).with_context(|| format!("writing {path}"))?;
        Ok(())
    }
}

fn objects(out: &mut impl Write, s: &Scene) -> std::io::Result<()> {
    writeln!(out, "{:>3}  {:<24} {:<8} {:<9} {:>20}  on", "id", "name", "colour", "shape", "w x d x h (m)")?;
    for o in &s.objects {
        let on = o.on.and_then(|i| s.object(i)).map_or("floor".to_string(), |x| x.name.clone());
        let size = format!("{:.2} x {:.2} x {:.2}", o.size[0], o.size[1], o.size[2]);
        writeln!(out, "{:>3}  {:<24} {:<8} {:<9} {:>20}  {on}", o.id, o.name, o.colour.as_str(), o.shape.noun(), size)?;
    }
    Ok(())
}

fn alloc(out: &mut impl Write, ans: &Answer) -> std::io::Result<()> {
    writeln!(out, "budget {} tokens for \"{}\"", ans.allocation.budget, ans.question)?;
    for n in &ans.allocation.nodes {
        let indent = match n.level {
            spatia::reason::Level::Scene => "",
            spatia::reason::Level::Object => "  ",
            spatia::reason::Level::Part => "      ",
        };
        writeln!(out, "{indent}{:<6} {:<30} relevance {:.3}  tokens {:>5}", n.id, n.name, n.relevance, n.tokens)?;
    }
    Ok(())
}
