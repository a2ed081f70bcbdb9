//! The `spatia` command: spatial questions about photos, from the terminal.

mod args;
mod commands;

use std::process::ExitCode;

use clap::Parser;

/// Exit status when a command ran but has no answer to give.
pub const EXIT_NO_ANSWER: u8 = 1;
/// Exit status on an error.
pub const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(err) => {
            // A closed pipe (`spatia ... | head`) is not a failure.
            if err.chain().any(|c| c.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)) {
                return ExitCode::SUCCESS;
            }
            eprintln!("spatia: {err:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn run() -> anyhow::Result<ExitCode> {
    let cli = args::Cli::parse();
    // Batches, eval suites and the REPL build scene after scene: keep the memory of one for
    // the next rather than have the kernel hand it back zeroed (17-28 % of a scene's time).
    spatia::scene::memory::keep_freed_memory();
    match cli.command {
        args::Command::Mesh(a) => commands::mesh::run(a),
        args::Command::Synth(a) => commands::synth::run(a),
        args::Command::Scene(a) => commands::scene::run(a),
        args::Command::Ask(a) => commands::ask::run(a),
        args::Command::Repl(a) => commands::repl::run(a),
        args::Command::Batch(a) => commands::batch::run(a),
        args::Command::Eval(a) => commands::eval::run(a),
        args::Command::Models(a) => commands::models::run(a),
    }
}
