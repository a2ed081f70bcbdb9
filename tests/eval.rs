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

#[test]
fn clevr_questions_are_answered_from_their_scene_graphs() {
    let tmp = TempDir::new("clevr");
    let scenes = serde_json::json!({"info": {}, "scenes": [{
        "split": "val", "image_index": 0, "image_filename": "CLEVR_val_000000.png",
        "objects": [
            {"color": "red", "size": "large", "shape": "cube", "material": "metal", "3d_coords": [-2.0, 0.0, 0.7], "rotation": 10.0, "pixel_coords": [100, 200, 10.0]},
            {"color": "blue", "size": "small", "shape": "sphere", "material": "rubber", "3d_coords": [1.0, 0.5, 0.35], "rotation": 0.0, "pixel_coords": [250, 180, 11.0]},
            {"color": "green", "size": "large", "shape": "cylinder", "material": "rubber", "3d_coords": [2.5, -2.0, 0.7], "rotation": 0.0, "pixel_coords": [380, 260, 8.0]}
        ],
        "relationships": {"left": [[], [0], [0, 1]], "right": [[1, 2], [2], []], "behind": [[1], [], [0, 1]], "front": [[2], [0, 2], []]},
        "directions": {"right": [1.0, 0.0, 0.0], "left": [-1.0, 0.0, 0.0], "behind": [0.0, 1.0, 0.0], "front": [0.0, -1.0, 0.0], "above": [0.0, 0.0, 1.0], "below": [0.0, 0.0, -1.0]}
    }]});
    let node = |f: &str, inputs: &[usize], v: &[&str]| serde_json::json!({"function": f, "inputs": inputs, "value_inputs": v});
    let questions = serde_json::json!({"info": {}, "questions": [
        {"image_index": 0, "question": "How many things are left of the small blue sphere?", "answer": 1, "program": [
            node("scene", &[], &[]), node("filter_color", &[0], &["blue"]), node("filter_shape", &[1], &["sphere"]), node("unique", &[2], &[]),
            node("relate", &[3], &["left"]), node("count", &[4], &[])]},
        {"image_index": 0, "question": "Is there a cylinder behind the red cube?", "answer": "no", "program": [
            node("scene", &[], &[]), node("filter_color", &[0], &["red"]), node("filter_shape", &[1], &["cube"]), node("unique", &[2], &[]),
            node("relate", &[3], &["behind"]), node("filter_shape", &[4], &["cylinder"]), node("exist", &[5], &[])]},
        {"image_index": 0, "question": "What color is the large rubber thing?", "answer": "green", "program": [
            node("scene", &[], &[]), node("filter_size", &[0], &["large"]), node("filter_material", &[1], &["rubber"]), node("unique", &[2], &[]),
            node("query_color", &[3], &[])]},
        {"image_index": 0, "question": "Are there more spheres than cubes?", "answer": "no", "program": [
            node("scene", &[], &[]), node("filter_shape", &[0], &["sphere"]), node("count", &[1], &[]),
            node("scene", &[], &[]), node("filter_shape", &[3], &["cube"]), node("count", &[4], &[]), node("greater_than", &[2, 5], &[])]},
        {"image_index": 0, "question": "How many things are the same size as the cube?", "answer": "1", "program": [
            {"type": "scene", "inputs": [], "side_inputs": []}, {"type": "filter_shape", "inputs": [0], "side_inputs": ["cube"]},
            {"type": "unique", "inputs": [1], "side_inputs": []}, {"type": "same_size", "inputs": [2], "side_inputs": []},
            {"type": "count", "inputs": [3], "side_inputs": []}]},
        {"image_index": 0, "question": "What is in front of the sphere?", "answer": "yes", "program": [
            node("scene", &[], &[]), node("filter_shape", &[0], &["sphere"]), node("unique", &[1], &[]), node("relate", &[2], &["front"]),
            node("exist", &[3], &[])]}
    ]});
    let (s, q) = (tmp.join("scenes.json"), tmp.join("questions.json"));
    std::fs::write(&s, scenes.to_string()).unwrap();
    std::fs::write(&q, questions.to_string()).unwrap();
    for relations in ["given", "spatia"] {
        let o = spatia([
            "eval",
            "--clevr-scenes",
            &s.display().to_string(),
            "--clevr-questions",
            &q.display().to_string(),
            "--clevr-relations",
            relations,
            "--json",
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let r: Json = serde_json::from_str(stdout(&o).trim()).unwrap();
        assert_eq!(r["questions"], 6);
        assert_eq!(r["accuracy"].as_f64(), Some(1.0), "{relations}: {r}");
    }
}

#[test]
fn both_decoders_answer_a_sample_side_by_side() {
    // Issue 7: the eval reports the grounded and the language-model decoder side by side.
    let dir = TempDir::new("eval-compare");
    std::fs::create_dir_all(dir.join("suites")).unwrap();
    let spec = dir.join("suites/pair.json");
    std::fs::write(&spec, r#"{"name": "pair", "seed": 2100, "scenes": 3, "budgets": [], "max_questions": 60}"#).unwrap();
    let out = dir.join("report");
    let o = spatia(["eval", "--spec", &spec.display().to_string(), "--out", &out.display().to_string(), "--compare", "8", "--no-ablation"]);
    assert_eq!(o.status.code(), Some(0), "{}\n{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("decoders side by side on 8 questions"), "{}", stdout(&o));
    let report: Json = serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    let rows = report["decoders"].as_array().unwrap();
    let names: Vec<&str> = rows.iter().map(|r| r["decoder"].as_str().unwrap()).collect();
    assert_eq!(names, ["grounded", "llm"]);
    for r in rows {
        assert_eq!(r["questions"], 8);
        let (v, t) = (r["value_accuracy"].as_f64().unwrap(), r["text_accuracy"].as_f64().unwrap());
        assert!((0.0..=1.0).contains(&v) && (0.0..=1.0).contains(&t), "{r}");
    }
    // The grounded sentence states the grounded value; the model costs far more time.
    let (g, l) = (&rows[0], &rows[1]);
    assert!(g["text_accuracy"].as_f64().unwrap() >= g["value_accuracy"].as_f64().unwrap() - 0.13, "{g}");
    assert!(l["seconds_per_question"].as_f64().unwrap() > g["seconds_per_question"].as_f64().unwrap());
}
