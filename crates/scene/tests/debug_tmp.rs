use crate::util::case;
#[test]
fn debug_seed() {
    let seed: u64 = std::env::var("SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(1);
    let noise = std::env::var("NOISE").is_ok();
    let c = case(seed, noise);
    for t in &c.truth.objects { eprintln!("T {} {} {:?} px {} size {:?} on {:?}", t.id, t.name, t.shape, t.pixels, t.size, t.on); }
    for o in &c.scene.objects {
        let mut hist = std::collections::BTreeMap::new();
        for &i in &o.pixel_ids { *hist.entry(c.render.instances[i as usize]).or_insert(0) += 1; }
        let (zmin, zmax) = o.points.iter().fold((f32::MAX, f32::MIN), |(a,b),p| (a.min(p[2]), b.max(p[2])));
        eprintln!("P {} {} {:?} rgb {:?} px {} z {:.2}-{:.2} truth {:?} parts {:?} on {:?} gap {:.3}", o.id, o.name, o.shape, o.rgb, o.pixels, zmin, zmax, hist, o.parts.iter().map(|p| (&p.name, p.pixels)).collect::<Vec<_>>(), o.on, o.support_gap);
    }
}
