//! An agent embedding spatia: perceive a scene once, then ask it questions, one-off and in
//! a conversation, and use the typed values and evidence rather than the text.
//!
//! cargo run --release -p spatia --example agent -- examples/tabletop

use spatia::{Agent, Value};

fn main() -> anyhow::Result<()> {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "examples/tabletop".into());
    let agent = Agent::builder().budget(2048).build()?;
    let scene = agent.perceive(std::path::Path::new(&dir))?;
    println!("{} objects: {}", scene.objects.len(), scene.objects.iter().map(|o| o.name.as_str()).collect::<Vec<_>>().join(", "));

    // A planner wants what it can put things on, and how much room there is.
    let on_table = agent.ask(&scene, "What is on top of the table?")?;
    if let Value::Names(names) = &on_table.value {
        println!("on the table: {names:?} (confidence {:.2})", on_table.confidence);
    }
    for (q, what) in [("How tall is the table?", "table height"), ("How far is the yellow box from the pink cylinder?", "gap")] {
        match agent.ask(&scene, q) {
            Ok(a) => {
                if let Value::Metres(m) = a.value {
                    println!("{what}: {m:.3} m ({} evidence items)", a.evidence.len());
                }
            }
            // A question about something the scene lacks is an answer too: say so.
            Err(e) if e.is_no_answer() => println!("{what}: {e}"),
            Err(e) => return Err(e.into()),
        }
    }

    // A conversation: "it" and "what about ..." refer back.
    let mut talk = agent.conversation(scene.clone());
    for q in ["Where is the brown sphere?", "How tall is it?", "What about the magenta cylinder?"] {
        match talk.ask(q) {
            Ok(a) => println!("> {q}\n{}", a.text),
            Err(e) => println!("> {q}\n{e}"),
        }
    }
    let stats = agent.cache_stats();
    println!("cache: {} scene(s), {:.1} MB", stats.scenes, stats.bytes as f64 / 1e6);
    Ok(())
}
