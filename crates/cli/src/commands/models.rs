//! `spatia models`: what models spatia knows, whether and where they are installed.

use std::io::Write;
use std::process::ExitCode;

use anyhow::bail;
use spatia::models::{MODELS, hub_cache, resolve};

use crate::args::{ModelsArgs, ModelsCommand};

/// Runs `spatia models`.
pub fn run(a: ModelsArgs) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    match a.command {
        ModelsCommand::List { json } => {
            let rows: Vec<serde_json::Value> = MODELS
                .iter()
                .map(|m| {
                    let found = resolve(*m, None);
                    serde_json::json!({
                        "name": m.name,
                        "role": m.role,
                        "repo": m.repo,
                        "files": m.files,
                        "installed": found.is_ok(),
                        "path": found.as_ref().ok().and_then(|f| f.paths.first().and_then(|p| p.parent()).map(|p| p.display().to_string())),
                        "bytes": found.as_ref().map_or(0, |f| f.bytes()),
                    })
                })
                .collect();
            if json {
                writeln!(out, "{}", serde_json::json!({"cache": hub_cache().display().to_string(), "models": rows}))?;
            } else {
                writeln!(out, "hub cache: {}", hub_cache().display())?;
                for r in &rows {
                    let state = if r["installed"] == true {
                        format!("installed, {:.1} MB, {}", r["bytes"].as_u64().unwrap_or(0) as f64 / 1e6, r["path"].as_str().unwrap_or(""))
                    } else {
                        format!("not installed (scripts/setup.sh or `spatia models pull {}` installs it)", r["name"].as_str().unwrap_or(""))
                    };
                    writeln!(
                        out,
                        "{:<8} {:<45} {}\n         {state}",
                        r["name"].as_str().unwrap_or(""),
                        r["repo"].as_str().unwrap_or(""),
                        r["role"].as_str().unwrap_or("")
                    )?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        ModelsCommand::Pull { name, endpoint } => {
            let Some(m) = MODELS.iter().find(|m| m.name == name) else {
                let known: Vec<&str> = MODELS.iter().map(|m| m.name).collect();
                bail!("no model called {name}; spatia knows: {}", known.join(", "));
            };
            if let Ok(f) = resolve(*m, None) {
                writeln!(out, "{} is already installed: {}", m.name, f.paths.first().map_or(String::new(), |p| p.display().to_string()))?;
                return Ok(ExitCode::SUCCESS);
            }
            pull(*m, endpoint.as_deref(), &mut out)
        }
    }
}

/// Downloads through hf-hub into the hub cache, with a progress bar on a terminal.
#[cfg(feature = "pull")]
fn pull(m: spatia::models::ModelSpec, endpoint: Option<&str>, out: &mut impl Write) -> anyhow::Result<ExitCode> {
    use std::io::IsTerminal;
    let cache = hub_cache();
    writeln!(out, "downloading {} ({}) from {} into {}", m.name, m.repo, endpoint.unwrap_or("the hub"), cache.display())?;
    let f = spatia::models::pull(m, &cache, endpoint, std::io::stderr().is_terminal())?;
    writeln!(
        out,
        "{} installed: {:.1} MB in {}",
        m.name,
        f.bytes() as f64 / 1e6,
        f.paths.first().and_then(|p| p.parent()).map_or(String::new(), |p| p.display().to_string())
    )?;
    Ok(ExitCode::SUCCESS)
}

/// This build has no downloader: say where the files are.
#[cfg(not(feature = "pull"))]
fn pull(m: spatia::models::ModelSpec, _endpoint: Option<&str>, _out: &mut impl Write) -> anyhow::Result<ExitCode> {
    let urls: Vec<String> = m.files.iter().map(|f| format!("https://huggingface.co/{}/resolve/main/{f}", m.repo)).collect();
    bail!(
        "this spatia was built without the `pull` feature (it never touches the network); fetch {} into {} with any Hugging Face tool (e.g. `huggingface-cli download {} {}`), or run scripts/setup.sh, which installs the registry-shipped copies",
        urls.join(" and "),
        hub_cache().display(),
        m.repo,
        m.files.join(" ")
    )
}
