//! `spatia eval` on the small CI suite (issue 6): generated from its spec, answered,
//! scored; the run fails (exit 1) when overall accuracy falls below the spec's floor.

use serde_json::Value as Json;

use crate::util::{TempDir, repo_root, spatia, stderr, stdout};

#[test]
fn the_ci_suite_holds_its_accuracy_floor_and_writes_its_report() {
    let out = TempDir::new("eval");
    let spec = repo_root().join("eval/suites/ci.json");
    let o = spatia(["eval", "--spec", &spec.display().to_string(), "--out", &out.0.display().to_string()]);
    assert_eq!(o.status.code(), Some(0), "{}\n{}", stdout(&o), stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("overall") && text.contains("consistency over"), "{text}");
    let report: Json = serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    let floor = report["spec"]["floor"].as_f64().unwrap();
    assert!(report["accuracy"].as_f64().unwrap() >= floor);
    assert!(report["questions"].as_u64().unwrap() >= 500, "{}", report["questions"]);
    assert!(report["consistency"].as_f64().unwrap() >= 0.9, "{}", report["consistency"]);
    for family in ["is_rel", "count", "exists", "distance", "size", "support", "compare", "describe", "what_rel", "where"] {
        assert!(report["families"][family]["questions"].as_u64().unwrap_or(0) > 0, "{family} missing");
    }
    // The ablation: every strategy at every budget of the spec.
    for s in ["r2", "r1", "uniform"] {
        assert_eq!(report["ablation"][s].as_array().unwrap().len(), 2, "{s}");
    }
    assert!(std::fs::metadata(out.join("report.png")).unwrap().len() > 2000);
    assert!(std::fs::read_to_string(out.join("report.svg")).unwrap().contains("<svg"));
    // The suite's questions are the batch input format.
    let q = std::fs::read_to_string(repo_root().join("eval/generated/ci/questions.jsonl")).unwrap();
    let first: Json = serde_json::from_str(q.lines().next().unwrap()).unwrap();
    assert!(first["id"].is_string() && first["scene"].is_string() && first["question"].is_string());
}
