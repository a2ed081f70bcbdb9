//! The language model: a tiny random-weight llama written as GGUF (with a byte-level BPE
//! vocabulary and merges in its metadata) loads and generates through the production path;
//! the real SmolLM2 that scripts/setup.sh installs tokenizes and answers (issue 7).

use candle_core::quantized::{GgmlDType, QTensor, gguf_file};
use candle_core::{Device, Tensor};
use spatia_models::{Generation, LanguageModel, SMOLLM2, resolve};

/// GPT-2's byte-to-character table: the alphabet of byte-level BPE.
fn byte_chars() -> Vec<String> {
    let mut bs: Vec<u32> = (33..=126).chain(161..=172).chain(174..=255).collect();
    let mut cs = bs.clone();
    let mut n = 0;
    for b in 0..256u32 {
        if !bs.contains(&b) {
            bs.push(b);
            cs.push(256 + n);
            n += 1;
        }
    }
    let mut pairs: Vec<(u32, u32)> = bs.into_iter().zip(cs).collect();
    pairs.sort();
    pairs.into_iter().map(|(_, c)| char::from_u32(c).unwrap().to_string()).collect()
}

fn tiny_gguf(path: &std::path::Path) {
    let dev = Device::Cpu;
    let mut tokens: Vec<String> = vec!["<|endoftext|>".into(), "<|im_start|>".into(), "<|im_end|>".into()];
    tokens.extend(byte_chars());
    let merges = ["h e", "l l", "he ll", "Ġ t", "Ġt he"];
    for m in merges {
        tokens.push(m.replace(' ', ""));
    }
    let n = tokens.len();
    let mut types = vec![3i32; 3];
    types.extend(std::iter::repeat_n(1, n - 3));
    let (h, kv, ff) = (8usize, 4usize, 16usize);
    let mut seed = 1u64;
    let mut rnd = |shape: &[usize]| {
        let count: usize = shape.iter().product();
        let v: Vec<f32> = (0..count)
            .map(|_| {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                ((seed >> 33) as f32 / (1u64 << 31) as f32 - 0.5) * 0.5
            })
            .collect();
        QTensor::quantize(&Tensor::from_vec(v, shape, &dev).unwrap(), GgmlDType::F32).unwrap()
    };
    let ones = |k: usize| QTensor::quantize(&Tensor::ones(k, candle_core::DType::F32, &dev).unwrap(), GgmlDType::F32).unwrap();
    let tensors: Vec<(String, QTensor)> = vec![
        ("token_embd.weight".into(), rnd(&[n, h])),
        ("output_norm.weight".into(), ones(h)),
        ("output.weight".into(), rnd(&[n, h])),
        ("blk.0.attn_norm.weight".into(), ones(h)),
        ("blk.0.ffn_norm.weight".into(), ones(h)),
        ("blk.0.attn_q.weight".into(), rnd(&[h, h])),
        ("blk.0.attn_k.weight".into(), rnd(&[kv, h])),
        ("blk.0.attn_v.weight".into(), rnd(&[kv, h])),
        ("blk.0.attn_output.weight".into(), rnd(&[h, h])),
        ("blk.0.ffn_gate.weight".into(), rnd(&[ff, h])),
        ("blk.0.ffn_up.weight".into(), rnd(&[ff, h])),
        ("blk.0.ffn_down.weight".into(), rnd(&[h, ff])),
    ];
    use gguf_file::Value as V;
    let md: Vec<(&str, V)> = vec![
        ("general.architecture", V::String("llama".into())),
        ("llama.attention.head_count", V::U32(2)),
        ("llama.attention.head_count_kv", V::U32(1)),
        ("llama.block_count", V::U32(1)),
        ("llama.embedding_length", V::U32(h as u32)),
        ("llama.rope.dimension_count", V::U32(4)),
        ("llama.attention.layer_norm_rms_epsilon", V::F32(1e-5)),
        ("tokenizer.ggml.model", V::String("gpt2".into())),
        ("tokenizer.ggml.tokens", V::Array(tokens.iter().map(|t| V::String(t.clone())).collect())),
        ("tokenizer.ggml.token_type", V::Array(types.into_iter().map(V::I32).collect())),
        ("tokenizer.ggml.merges", V::Array(merges.iter().map(|m| V::String(m.to_string())).collect())),
        ("tokenizer.ggml.eos_token_id", V::U32(2)),
    ];
    let md_refs: Vec<(&str, &V)> = md.iter().map(|(k, v)| (*k, v)).collect();
    let t_refs: Vec<(&str, &QTensor)> = tensors.iter().map(|(k, v)| (k.as_str(), v)).collect();
    let mut f = std::fs::File::create(path).unwrap();
    gguf_file::write(&mut f, &md_refs, &t_refs).unwrap();
}

/// The prompt pass (one batch, f32 weights) and the token pass (one token at a time over
/// the cache, 8-bit weights) give the same next-token logits for the same text.
fn passes_agree(lm: &mut LanguageModel, text: &str, tolerance: f32) {
    let ids = lm.tokenizer().encode(text, false).unwrap().get_ids().to_vec();
    let whole = lm.logits(&ids, &[]).unwrap().remove(0);
    let split = lm.logits(&ids[..2], &ids[2..]).unwrap().pop().unwrap();
    let scale = whole.iter().fold(0f32, |m, v| m.max(v.abs()));
    let worst = whole.iter().zip(&split).fold(0f32, |m, (a, b)| m.max((a - b).abs()));
    assert!(worst <= tolerance * scale, "logits differ by {worst} (largest {scale})");
    let argmax = |v: &[f32]| v.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)).unwrap().0;
    assert_eq!(argmax(&whole), argmax(&split));
}

#[test]
fn a_tiny_llama_gguf_loads_tokenizes_and_generates() {
    let dir = std::env::temp_dir().join(format!("spatia-llm-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("tiny.gguf");
    tiny_gguf(&path);
    let mut lm = LanguageModel::load(&path).unwrap();
    // Merges apply ("hell" is one token) and chat markers are single tokens.
    let enc = lm.tokenizer().encode("hello the", false).unwrap();
    assert!(enc.get_tokens().iter().any(|t| t == "hell"), "{:?}", enc.get_tokens());
    assert_eq!(lm.count_tokens("<|im_start|>"), 1);
    assert_eq!(lm.tokenizer().decode(enc.get_ids(), true).unwrap(), "hello the");
    let prompt = "<|im_start|>user\nhello<|im_end|>\n<|im_start|>assistant\n";
    let g = Generation { max_tokens: 6, stop: Vec::new(), ..Generation::default() };
    let mut streamed = String::new();
    let a = lm.generate(prompt, &g, &mut |t| streamed.push_str(t)).unwrap();
    assert!(a.tokens <= 6 && a.prompt_tokens == lm.count_tokens(prompt));
    assert_eq!(streamed, a.text, "the stream adds up to the text");
    let b = lm.generate(prompt, &g, &mut |_| {}).unwrap();
    assert_eq!(a.text, b.text, "greedy generation is deterministic");
    passes_agree(&mut lm, prompt, 0.02);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn smollm2_tokenizes_like_its_own_tokenizer_and_answers() {
    let files = resolve(SMOLLM2, None).unwrap_or_else(|e| panic!("run scripts/setup.sh first: {e}"));
    let mut lm = LanguageModel::load(&files.paths[0]).unwrap();
    // Digits one by one, byte-level spaces, chat markers whole.
    let enc = lm.tokenizer().encode("<|im_start|>user 2048 tokens", false).unwrap();
    let toks = enc.get_tokens();
    assert_eq!(toks[0], "<|im_start|>");
    assert!(toks.iter().filter(|t| t.len() == 1 && t.chars().all(|c| c.is_ascii_digit())).count() == 4, "{toks:?}");
    let prompt = "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nWhat is 2 + 2? Answer with a number.<|im_end|>\n<|im_start|>assistant\n";
    let g = lm.generate(prompt, &Generation { max_tokens: 12, ..Generation::default() }, &mut |_| {}).unwrap();
    assert!(!g.text.trim().is_empty(), "{g:?}");
    assert!(g.text.contains('4') || g.text.to_lowercase().contains("four"), "{g:?}");
    passes_agree(&mut lm, prompt, 0.05);
}
