//! `spatia ask`: one question, one answer.

use std::io::Write;
use std::process::ExitCode;

use crate::EXIT_NO_ANSWER;
use crate::args::AskArgs;

/// Runs `spatia ask`.
pub fn run(a: AskArgs) -> anyhow::Result<ExitCode> {
    let (agent, scene) = super::agent_and_scene(&a.input, &a.agent)?;
    let mut out = std::io::stdout().lock();
    match agent.ask(&scene, &a.question) {
        Ok(ans) => {
            if a.json {
                writeln!(out, "{}", serde_json::to_string(&ans)?)?;
            } else {
                writeln!(out, "{}", ans.text)?;
                if a.evidence {
                    print_evidence(&mut out, &ans)?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) if e.is_no_answer() => {
            if a.json {
                let rec = serde_json::json!({"question": a.question, "error": {"kind": e.kind(), "message": e.to_string()}});
                writeln!(out, "{rec}")?;
            } else {
                writeln!(out, "{}", sentence(&e.to_string()))?;
            }
            Ok(ExitCode::from(EXIT_NO_ANSWER))
        }
        Err(e) => Err(e.into()),
    }
}

/// A message as a sentence: capital first letter, a full stop.
pub fn sentence(s: &str) -> String {
    let mut c = s.chars();
    let mut out: String = match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    };
    if !out.ends_with(['.', '?', '!']) {
        out.push('.');
    }
    out
}

/// Evidence lines under an answer: "  measurement  surface gap ...: 0.42".
pub fn print_evidence(out: &mut impl Write, ans: &spatia::Answer) -> std::io::Result<()> {
    for e in &ans.evidence {
        let kind = serde_json::to_value(e.kind).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default();
        match e.value {
            Some(v) => writeln!(out, "  {kind:<11} {}: {v:.3}", e.text)?,
            None => writeln!(out, "  {kind:<11} {}", e.text)?,
        }
    }
    writeln!(out, "  confidence  {:.2}", ans.confidence)
}
