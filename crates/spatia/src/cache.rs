//! Scenes kept by content hash, least recently used evicted first, under a byte cap.

use std::sync::Arc;

use spatia_scene::Scene;

/// Approximate heap bytes of a scene: points, colours, pixel lists, the object map.
pub fn scene_bytes(s: &Scene) -> usize {
    let objects: usize = s
        .objects
        .iter()
        .map(|o| {
            o.points.len() * 12
                + o.colours.len() * 3
                + o.pixel_ids.len() * 4
                + o.parts.iter().map(|p| p.pixel_ids.len() * 4).sum::<usize>()
                + 256
        })
        .sum();
    objects + s.object_map.len() * 2 + std::mem::size_of::<Scene>()
}

/// An LRU of scenes with a size cap. The newest scene always stays, however large.
#[derive(Debug, Default)]
pub struct SceneCache {
    entries: Vec<(u64, Arc<Scene>, usize, u64)>,
    clock: u64,
    cap: usize,
    evictions: u64,
}

impl SceneCache {
    /// An empty cache holding at most `cap` bytes of scenes.
    pub fn new(cap: usize) -> Self {
        SceneCache { cap, ..Default::default() }
    }

    /// The scene under `key`, marked as just used.
    pub fn get(&mut self, key: u64) -> Option<Arc<Scene>> {
        self.clock += 1;
        let now = self.clock;
        self.entries.iter_mut().find(|e| e.0 == key).map(|e| {
            e.3 = now;
            e.1.clone()
        })
    }

    /// Keeps `scene` under `key`, evicting the least recently used over the cap.
    pub fn insert(&mut self, key: u64, scene: Arc<Scene>) {
        self.clock += 1;
        let bytes = scene_bytes(&scene);
        self.entries.retain(|e| e.0 != key);
        self.entries.push((key, scene, bytes, self.clock));
        while self.bytes() > self.cap && self.entries.len() > 1 {
            let Some(oldest) = self.entries.iter().enumerate().min_by_key(|(_, e)| e.3).map(|(i, _)| i) else { break };
            self.entries.remove(oldest);
            self.evictions += 1;
        }
    }

    /// Bytes held.
    pub fn bytes(&self) -> usize {
        self.entries.iter().map(|e| e.2).sum()
    }

    /// Scenes held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Scenes evicted so far.
    pub fn evictions(&self) -> u64 {
        self.evictions
    }
}
