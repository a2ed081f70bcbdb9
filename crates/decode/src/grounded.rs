//! The grounded decoder: executes the query over the scene and its tokens and says the
//! result in a short sentence. Relations are decided on the scene's geometry with their
//! margins; lengths are measured from the tokens each object was given, so the
//! allocation decides how fine they are; a description spends its words where the
//! budget went.

use std::collections::BTreeMap;

use spatia_reason::{Dimension, Measure, Query, Relation, TIE_MARGIN, Token, relate};
use spatia_scene::{DepthSource, Object, Scene, ShapeClass};

use crate::answer::{Answer, Evidence, EvidenceKind, Value};
use crate::measure::{Measured, from_point, gap, measure};
use crate::plan::{Plan, camera_position};
use crate::words::{barely, capital, count_word, list, margin_confidence, margin_scale, metres, relation, the};
use crate::{Decoder, Error, Input, Result};

/// The default decoder: no weights, every value computed.
#[derive(Debug, Clone, Copy, Default)]
pub struct Grounded;

impl Decoder for Grounded {
    fn name(&self) -> &str {
        "grounded"
    }

    fn answer(&self, input: &Input<'_>) -> Result<Answer> {
        let mut x = Exec::new(input);
        let (text, value, referents) = x.run()?;
        let mut evidence = std::mem::take(&mut x.evidence);
        evidence.extend(sources(input.scene, x.metric));
        let mut confidence = x.confidence;
        if x.metric {
            if input.scene.depth_source == DepthSource::Model {
                confidence *= 0.7;
            }
            if input.scene.intrinsics_source == spatia_geom::IntrinsicsSource::DefaultFov {
                confidence *= 0.8;
            }
        }
        Ok(Answer {
            question: input.question.to_string(),
            text,
            value,
            referents,
            evidence,
            confidence: confidence.clamp(0.0, 1.0),
            allocation: input.allocation.clone(),
        })
    }
}

fn sources(scene: &Scene, metric: bool) -> Vec<Evidence> {
    let mut v = vec![Evidence::note(
        EvidenceKind::Source,
        match scene.depth_source {
            DepthSource::Sensor => "depth from a sensor (metric)",
            DepthSource::Model => "depth from a monocular model (scale estimated)",
        },
        &[],
    )];
    if metric && scene.intrinsics_source == spatia_geom::IntrinsicsSource::DefaultFov {
        v.push(Evidence::note(EvidenceKind::Source, "no camera intrinsics: a 60 degree horizontal field of view was assumed", &[]));
    }
    v
}

struct Exec<'a> {
    input: &'a Input<'a>,
    scene: &'a Scene,
    plan: &'a Plan,
    measured: BTreeMap<u16, Measured>,
    quiet: BTreeMap<u16, Measured>,
    evidence: Vec<Evidence>,
    confidence: f32,
    metric: bool,
}

type Out = (String, Value, Vec<u16>);

impl<'a> Exec<'a> {
    fn new(input: &'a Input<'a>) -> Self {
        Exec {
            input,
            scene: input.scene,
            plan: input.plan,
            measured: BTreeMap::new(),
            quiet: BTreeMap::new(),
            evidence: input.plan.notes.clone(),
            confidence: input.plan.certainty,
            metric: false,
        }
    }

    fn obj(&self, id: u16) -> Result<&'a Object> {
        self.scene.object(id).ok_or_else(|| Error::NoAnswer(format!("object {id} is not in the scene")))
    }

    fn name(&self, id: u16) -> String {
        self.scene.object(id).map_or_else(|| format!("object {id}"), |o| the(&o.name))
    }

    fn names(&self, ids: &[u16]) -> Vec<String> {
        ids.iter().map(|&i| self.name(i)).collect()
    }

    fn plain_names(&self, ids: &[u16]) -> Vec<String> {
        ids.iter().filter_map(|&i| self.scene.object(i)).map(|o| o.name.clone()).collect()
    }

    fn first(ids: &[u16], what: &str) -> Result<u16> {
        ids.first().copied().ok_or_else(|| Error::NoAnswer(format!("no {what} to answer about")))
    }

    /// Measures an object from its tokens (once), without a note: for ranking neighbours.
    fn measured(&mut self, id: u16) -> Result<Measured> {
        if let Some(m) = self.measured.get(&id).or_else(|| self.quiet.get(&id)) {
            return Ok(m.clone());
        }
        let o = self.obj(id)?;
        let toks: Vec<&Token> = self.input.tokens.of(id).iter().collect();
        let m = measure(o, &toks);
        self.quiet.insert(id, m.clone());
        Ok(m)
    }

    /// Measures an object from its tokens (once), noting how.
    fn measure(&mut self, id: u16) -> Result<Measured> {
        if let Some(m) = self.measured.get(&id) {
            return Ok(m.clone());
        }
        let o = self.obj(id)?;
        let m = self.measured(id)?;
        self.metric = true;
        self.evidence.push(Evidence::note(EvidenceKind::Fit, format!("{}: {}", o.name, m.method), &[id]));
        // Mostly hidden objects are measured with less certainty.
        let seen = (o.visible_size[0] / o.size[0].max(1e-3)).min(o.visible_size[2] / o.size[2].max(1e-3)).min(1.0);
        if seen < 0.5 {
            self.confidence *= 0.5 + seen;
            self.evidence.push(Evidence::number(EvidenceKind::Fit, format!("{}: share of its extent in view", o.name), seen, &[id]));
        }
        self.measured.insert(id, m.clone());
        Ok(m)
    }

    fn length(&mut self, text: String, value: f32, ids: &[u16]) {
        self.evidence.push(Evidence::number(EvidenceKind::Measurement, text, value, ids));
    }

    /// Records a relation's verdict and lowers the confidence near its threshold.
    fn verdict(&mut self, b: u16, rel: Relation, a: u16) -> Result<spatia_reason::Verdict> {
        let v = relate(self.obj(b)?, rel, self.obj(a)?);
        let text = format!("{} {} {}: margin", self.obj(b)?.name, relation(rel), self.obj(a)?.name);
        self.evidence.push(Evidence::number(EvidenceKind::Relation, text, v.margin, &[b, a]));
        Ok(v)
    }

    /// The confidence of a selection by a relation: the closest call among all candidates.
    fn selection(&mut self, cands: &[u16], rel: Relation, anchors: &[u16]) -> Result<Vec<u16>> {
        let scale = margin_scale(rel);
        let mut close = Vec::new();
        for &c in cands {
            for &a in anchors {
                if a == c {
                    continue;
                }
                let v = relate(self.obj(c)?, rel, self.obj(a)?);
                if v.holds || barely(v.margin, scale) {
                    self.verdict(c, rel, a)?;
                    self.confidence = self.confidence.min(margin_confidence(v.margin, scale));
                }
                if v.holds && barely(v.margin, scale) {
                    close.push(c);
                }
            }
        }
        Ok(close)
    }

    fn run(&mut self) -> Result<Out> {
        let p = self.plan;
        match &p.query {
            Query::WhatRel { rel, .. } => self.what_rel(*rel),
            Query::IsRel { rel, .. } => self.is_rel(*rel),
            Query::Count { what, rel } | Query::Exists { what, rel } => {
                let exists = matches!(p.query, Query::Exists { .. });
                if let Some((r, _)) = rel {
                    let all: Vec<u16> = self.scene.objects.iter().map(|o| o.id).collect();
                    self.selection(&all, *r, &p.anchors)?;
                }
                let n = p.results.len();
                let names = list(&self.names(&p.results));
                let whereabouts =
                    rel.as_ref().map(|(r, _)| format!(" {} {}", relation(*r), list(&self.names(&p.anchors)))).unwrap_or_default();
                if exists {
                    let text = if n == 0 {
                        format!("No, I see no {}{whereabouts}.", what.text.trim_start_matches("the ").trim_start_matches("a "))
                    } else {
                        format!("Yes: {names}.")
                    };
                    Ok((text, Value::Bool(n > 0), p.results.clone()))
                } else {
                    let text = match n {
                        0 => "None.".to_string(),
                        _ => format!("{}: {names}.", capital(&count_word(n))),
                    };
                    Ok((text, Value::Count(n), p.results.clone()))
                }
            }
            Query::Distance { centre, .. } => self.distance(*centre),
            Query::Size { dimension, .. } => self.size(*dimension),
            Query::Colour { .. } => {
                let id = Self::first(&p.subjects, "object")?;
                let o = self.obj(id)?;
                let c = o.colour.as_str();
                Ok((format!("{} is {c}.", capital(&the(&o.name))), Value::Colour(c.to_string()), vec![id]))
            }
            Query::Shape { .. } => {
                let id = Self::first(&p.subjects, "object")?;
                let o = self.obj(id)?;
                let text = match o.shape {
                    ShapeClass::Other => format!("{} has no simple shape (it is a {}).", capital(&the(&o.name)), o.label),
                    s => format!("{} is a {}.", capital(&the(&o.name)), s.noun()),
                };
                Ok((text, Value::Shape(o.shape.noun().to_string()), vec![id]))
            }
            Query::Support { .. } => {
                let id = Self::first(&p.subjects, "object")?;
                let o = self.obj(id)?;
                let chain = self.support_chain(id);
                let value = o.on.and_then(|s| self.scene.object(s)).map_or("floor".to_string(), |s| s.name.clone());
                self.evidence.push(Evidence::number(
                    EvidenceKind::Measurement,
                    format!("{}: gap to its support", o.name),
                    o.support_gap,
                    &[id],
                ));
                Ok((format!("{} rests on {chain}.", capital(&the(&o.name))), Value::Name(value), vec![id]))
            }
            Query::Between { .. } => {
                let text = if p.results.is_empty() {
                    format!("Nothing is between {}.", list(&self.names(&p.anchors)))
                } else {
                    format!("{}.", capital(&list(&self.names(&p.results))))
                };
                Ok((text, Value::Names(self.plain_names(&p.results)), p.results.clone()))
            }
            Query::Where { .. } => self.where_is(),
            Query::Closest { farthest, .. } => self.closest(*farthest),
            Query::Compare { measure, more, which, .. } => self.compare(*measure, *more, *which),
            Query::Superlative { measure, most, .. } => self.superlative(*measure, *most),
            Query::Describe { .. } | Query::FollowUp { .. } => self.describe(),
        }
    }

    fn what_rel(&mut self, rel: Relation) -> Result<Out> {
        let p = self.plan;
        let all: Vec<u16> = self.scene.objects.iter().map(|o| o.id).filter(|i| !p.anchors.contains(i)).collect();
        let close = self.selection(&all, rel, &p.anchors)?;
        let anchor = list(&self.names(&p.anchors));
        if p.results.is_empty() {
            // Support is not transitive: say what rests on the anchor's load instead.
            return Ok((format!("Nothing is {} {anchor}.", relation(rel)), Value::Names(Vec::new()), p.anchors.clone()));
        }
        let parts: Vec<String> = p
            .results
            .iter()
            .map(|&r| {
                let mut s = self.name(r);
                if close.contains(&r) {
                    s.push_str(" (just barely)");
                }
                if rel == Relation::OnTopOf {
                    let load: Vec<u16> = self.scene.objects.iter().filter(|o| o.on == Some(r)).map(|o| o.id).collect();
                    if !load.is_empty() {
                        s.push_str(&format!(", with {} on it", list(&self.names(&load))));
                    }
                }
                s
            })
            .collect();
        Ok((format!("{}.", capital(&list(&parts))), Value::Names(self.plain_names(&p.results)), p.results.clone()))
    }

    fn is_rel(&mut self, rel: Relation) -> Result<Out> {
        let p = self.plan;
        let (s, a) = (Self::first(&p.subjects, "subject")?, Self::first(&p.anchors, "anchor")?);
        let v = self.verdict(s, rel, a)?;
        let scale = margin_scale(rel);
        self.confidence = self.confidence.min(margin_confidence(v.margin, scale));
        let (sn, an) = (self.name(s), self.name(a));
        let text = if v.holds {
            let just = if barely(v.margin, scale) { "just barely " } else { "" };
            format!("Yes — {sn} is {just}{} {an}.", relation(rel))
        } else {
            let (os, oa) = (self.obj(s)?, self.obj(a)?);
            let d = [os.centre[0] - oa.centre[0], os.centre[1] - oa.centre[1]];
            let why = match rel {
                Relation::LeftOf | Relation::RightOf if d[0].abs() <= spatia_reason::DIRECTION_EPS => {
                    format!("{sn} and {an} are level, left to right")
                }
                Relation::LeftOf | Relation::RightOf => {
                    format!("{sn} is {} {an}", if d[0] < 0.0 { "left of" } else { "to the right of" })
                }
                Relation::InFrontOf | Relation::Behind if d[1].abs() <= spatia_reason::DIRECTION_EPS => {
                    format!("{sn} and {an} are equally far back")
                }
                Relation::InFrontOf | Relation::Behind => format!("{sn} is {} {an}", if d[1] < 0.0 { "in front of" } else { "behind" }),
                Relation::OnTopOf => format!("{sn} rests on {}", self.support_chain(s)),
                Relation::Near => {
                    let (ms, ma) = (self.measure(s)?, self.measure(a)?);
                    let (g, _) = gap(&ms, &ma);
                    self.length(format!("surface gap {} - {}", os.name, oa.name), g, &[s, a]);
                    format!("{sn} is {} from {an}", metres(g))
                }
                _ => format!("{sn} is not {} {an}", relation(rel)),
            };
            let just = if barely(v.margin, scale) { ", though only just" } else { "" };
            format!("No — {why}{just}.")
        };
        Ok((text, Value::Bool(v.holds), vec![s]))
    }

    /// "the blue box, which is on the table" / "the floor".
    fn support_chain(&self, id: u16) -> String {
        let mut out = Vec::new();
        let mut cur = self.scene.object(id).and_then(|o| o.on);
        let mut guard = 0;
        while let Some(s) = cur {
            out.push(self.name(s));
            cur = self.scene.object(s).and_then(|o| o.on);
            guard += 1;
            if guard > 8 {
                break;
            }
        }
        match out.len() {
            0 => "the floor".into(),
            1 => out.remove(0),
            _ => {
                let first = out.remove(0);
                format!("{first}, which is on {}", out.join(", which is on "))
            }
        }
    }

    fn distance(&mut self, centre: bool) -> Result<Out> {
        let p = self.plan;
        let a = Self::first(&p.subjects, "object")?;
        let ma = self.measure(a)?;
        let an = self.obj(a)?.name.clone();
        if p.camera {
            let (s, c) = from_point(&ma, camera_position(self.scene));
            self.length(format!("camera to nearest surface of {an}"), s, &[a]);
            self.length(format!("camera to centre of {an}"), c, &[a]);
            let text = if centre {
                format!("About {} from the camera to its centre ({} to its nearest surface).", metres(c), metres(s))
            } else {
                format!("About {} from the camera to its nearest surface ({} to its centre).", metres(s), metres(c))
            };
            return Ok((text, Value::Metres(if centre { c } else { s }), vec![a]));
        }
        let b = Self::first(&p.anchors, "second object")?;
        let mb = self.measure(b)?;
        let bn = self.obj(b)?.name.clone();
        let (s, c) = gap(&ma, &mb);
        let s = s.max(0.0);
        self.length(format!("surface gap {an} - {bn}"), s, &[a, b]);
        self.length(format!("centre to centre {an} - {bn}"), c, &[a, b]);
        let text = if centre {
            format!("About {} centre to centre ({} between their surfaces).", metres(c), metres(s))
        } else if s < 0.01 {
            format!("They touch (0.00 m between their surfaces; {} centre to centre).", metres(c))
        } else {
            format!("About {} between their surfaces ({} centre to centre).", metres(s), metres(c))
        };
        Ok((text, Value::Metres(if centre { c } else { s }), vec![a, b]))
    }

    fn size(&mut self, dim: Dimension) -> Result<Out> {
        let p = self.plan;
        let id = Self::first(&p.subjects, "object")?;
        let m = self.measure(id)?;
        let o = self.obj(id)?;
        let [w, d] = m.viewer_extents();
        let h = m.size[2];
        let round = matches!(o.shape, ShapeClass::Sphere | ShapeClass::Cylinder);
        let (value, text) = match dim {
            Dimension::Height => (h, format!("About {} tall.", metres(h))),
            Dimension::Width => (w, format!("About {} wide.", metres(w))),
            Dimension::Depth => (d, format!("About {} deep.", metres(d))),
            Dimension::Diameter if round => (w, format!("About {} across.", metres(w))),
            Dimension::Diameter => {
                let l = w.max(d);
                (l, format!("It is not round; its longest side is about {}.", metres(l)))
            }
            Dimension::Size if o.shape == ShapeClass::Sphere => (w, format!("About {} across.", metres(w))),
            Dimension::Size => (w.max(d).max(h), format!("About {} wide, {} deep and {} tall.", metres(w), metres(d), metres(h))),
        };
        for (n, v) in [("width", w), ("depth", d), ("height", h)] {
            self.length(format!("{} {n}", o.name), v, &[id]);
        }
        Ok((text, Value::Metres(value), vec![id]))
    }

    fn where_is(&mut self) -> Result<Out> {
        let p = self.plan;
        let id = Self::first(&p.subjects, "object")?;
        let o = self.obj(id)?;
        let support = o.on;
        let on = format!("on {}", support.map_or_else(|| "the floor".to_string(), |s| self.name(s)));
        // Neighbours by the gap between their token-measured boxes: only to choose which two
        // to mention, so a box (not the k-d surface distance) is close enough.
        let me = self.measured(id)?;
        let box_gap = |a: &Measured, b: &Measured| {
            (0..3).map(|k| ((a.centre[k] - b.centre[k]).abs() - (a.size[k] + b.size[k]) / 2.0).max(0.0).powi(2)).sum::<f32>().sqrt()
        };
        let mut ranked: Vec<(&Object, f32)> = Vec::new();
        for x in self.scene.objects.iter().filter(|x| Some(x.id) != support && x.id != id) {
            let m = self.measured(x.id)?;
            ranked.push((x, box_gap(&me, &m)));
        }
        ranked.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.id.cmp(&b.0.id)));
        let mut near = Vec::new();
        for (n, _) in ranked.iter().take(2) {
            let d = [o.centre[0] - n.centre[0], o.centre[1] - n.centre[1]];
            let (rel, margin) = if d[0].abs() >= d[1].abs() {
                (if d[0] < 0.0 { Relation::LeftOf } else { Relation::RightOf }, d[0].abs())
            } else {
                (if d[1] < 0.0 { Relation::InFrontOf } else { Relation::Behind }, d[1].abs())
            };
            if margin > spatia_reason::DIRECTION_EPS {
                self.verdict(id, rel, n.id)?;
                near.push(format!("{} {}", relation(rel), self.name(n.id)));
            }
        }
        let m = self.measure(id)?;
        let (s, _) = from_point(&m, camera_position(self.scene));
        self.length(format!("camera to nearest surface of {}", o.name), s, &[id]);
        let mut text = capital(&on);
        if !near.is_empty() {
            text.push_str(&format!(", {}", list(&near)));
        }
        text.push_str(&format!(", about {} from the camera.", metres(s)));
        let value = support.and_then(|s| self.scene.object(s)).map_or("floor".to_string(), |s| s.name.clone());
        Ok((text, Value::Name(value), vec![id]))
    }

    fn closest(&mut self, farthest: bool) -> Result<Out> {
        let p = self.plan;
        let Some(&w) = p.results.first() else {
            return Err(Error::NoAnswer("there is nothing else in the scene to compare".into()));
        };
        let what = if farthest { "farthest" } else { "closest" };
        let from = if p.camera { "the camera".to_string() } else { list(&self.names(&p.anchors)) };
        let dist = |x: &mut Self, id: u16| -> Result<f32> {
            let m = x.measure(id)?;
            let d = if p.camera {
                from_point(&m, camera_position(x.scene)).0
            } else {
                let a = Self::first(&p.anchors, "anchor")?;
                let ma = x.measure(a)?;
                gap(&m, &ma).0.max(0.0)
            };
            x.length(format!("{} to {from}", x.obj(id)?.name), d, &[id]);
            Ok(d)
        };
        let dw = dist(self, w)?;
        let text = match p.results.get(1) {
            Some(&r) => {
                let dr = dist(self, r)?;
                if (dr - dw).abs() < TIE_MARGIN {
                    self.confidence = self.confidence.min(0.55);
                    format!(
                        "{} and {} are about equally {what} ({} and {}); {} by a little.",
                        capital(&self.name(w)),
                        self.name(r),
                        metres(dw),
                        metres(dr),
                        self.name(w)
                    )
                } else {
                    format!("{} ({} away).", capital(&self.name(w)), metres(dw))
                }
            }
            None => format!("{} ({} away).", capital(&self.name(w)), metres(dw)),
        };
        Ok((text, Value::Name(self.obj(w)?.name.clone()), vec![w]))
    }

    fn measure_of(&mut self, id: u16, measure: Measure) -> Result<f32> {
        let m = self.measure(id)?;
        Ok(match measure {
            Measure::Size => m.volume(),
            Measure::Height => m.size[2],
            Measure::Width => m.viewer_extents()[0],
            Measure::Distance => from_point(&m, camera_position(self.scene)).0,
        })
    }

    fn compare(&mut self, measure: Measure, more: bool, which: bool) -> Result<Out> {
        let p = self.plan;
        let a = Self::first(&p.subjects, "first object")?;
        let b = Self::first(&p.anchors, "second object")?;
        let (va, vb) = (self.measure_of(a, measure)?, self.measure_of(b, measure)?);
        let (word, unit) = word_of(measure, more);
        let fmt = |v: f32| if measure == Measure::Size { format!("{v:.4} m³") } else { metres(v) };
        for (id, v) in [(a, va), (b, vb)] {
            self.length(format!("{} {}", self.obj(id)?.name, unit), v, &[id]);
        }
        let a_wins = if more { va > vb } else { va < vb };
        let (win, vw, vl) = if a_wins { (a, va, vb) } else { (b, vb, va) };
        let rel = (va - vb).abs() / va.abs().max(vb.abs()).max(1e-6);
        let tie = rel < 0.03 || (measure != Measure::Size && (va - vb).abs() < 0.01);
        if tie {
            self.confidence = self.confidence.min(0.55);
        }
        let wn = self.name(win);
        let text = if which {
            if tie {
                format!("They are about the same ({} and {}); {wn} by a hair.", fmt(vw), fmt(vl))
            } else {
                format!("{} ({} vs {}).", capital(&wn), fmt(vw), fmt(vl))
            }
        } else if tie {
            format!("{} — they are about the same ({} and {}).", if a_wins { "Barely" } else { "Not quite" }, fmt(va), fmt(vb))
        } else if a_wins {
            format!("Yes — {} is {word} ({} vs {}).", self.name(a), fmt(va), fmt(vb))
        } else {
            format!("No — {} is {word} ({} vs {}).", self.name(b), fmt(vb), fmt(va))
        };
        let value = if which { Value::Name(self.obj(win)?.name.clone()) } else { Value::Bool(a_wins) };
        Ok((text, value, vec![a, b]))
    }

    fn superlative(&mut self, measure: Measure, most: bool) -> Result<Out> {
        let p = self.plan;
        if p.results.is_empty() {
            return Err(Error::NoAnswer("nothing matches the description".into()));
        }
        let mut vals = Vec::new();
        for &id in &p.results {
            vals.push((id, self.measure_of(id, measure)?));
        }
        vals.sort_by(|x, y| if most { y.1.total_cmp(&x.1) } else { x.1.total_cmp(&y.1) });
        let (w, v) = vals[0];
        let (_, unit) = word_of(measure, most);
        self.length(format!("{} {unit}", self.obj(w)?.name), v, &[w]);
        let fmt = |v: f32| if measure == Measure::Size { format!("{v:.4} m³") } else { metres(v) };
        let mut text = format!("{} ({} {unit}", capital(&self.name(w)), fmt(v));
        if let Some(&(r, vr)) = vals.get(1) {
            if (v - vr).abs() / v.abs().max(1e-6) < 0.03 {
                self.confidence = self.confidence.min(0.55);
                text.push_str(&format!("; {} is close behind at {}", self.name(r), fmt(vr)));
            }
        }
        text.push_str(").");
        Ok((text, Value::Name(self.obj(w)?.name.clone()), vec![w]))
    }

    /// A description whose detail follows the budget: the focus in full (size, shape,
    /// parts, what rests on it, where), well-funded neighbours in a phrase, the rest counted.
    fn describe(&mut self) -> Result<Out> {
        let p = self.plan;
        let budget = self.input.allocation.budget.max(1);
        let tokens_of = |id: u16| self.input.allocation.tokens(spatia_reason::NodeId::Object(id));
        let mut sentences = Vec::new();
        let full: Vec<u16> = if p.subjects.is_empty() {
            // The whole scene: everything resting on the floor, with its load.
            let roots: Vec<u16> = self.scene.objects.iter().filter(|o| o.on.is_none()).map(|o| o.id).collect();
            let n = self.scene.objects.len();
            sentences.push(format!("I see {} thing{}.", count_word(n), if n == 1 { "" } else { "s" }));
            roots
        } else {
            p.subjects.clone()
        };
        let mut told = Vec::new();
        for &id in &full {
            let detailed = !p.subjects.is_empty() || tokens_of(id) * 8 >= budget;
            sentences.push(self.describe_object(id, detailed)?);
            told.push(id);
            told.extend(self.scene.objects.iter().filter(|o| o.on == Some(id)).map(|o| o.id));
        }
        if !p.subjects.is_empty() {
            // Neighbours by budget: named with a relation if funded, counted otherwise.
            let id = p.subjects[0];
            let o = self.obj(id)?;
            let mut rest: Vec<&Object> = self.scene.objects.iter().filter(|x| !told.contains(&x.id) && Some(x.id) != o.on).collect();
            rest.sort_by_key(|x| std::cmp::Reverse(tokens_of(x.id)));
            let funded: Vec<&Object> = rest.iter().copied().filter(|x| tokens_of(x.id) * 100 >= budget).take(3).collect();
            let mut near = Vec::new();
            for x in &funded {
                let d = [x.centre[0] - o.centre[0], x.centre[1] - o.centre[1]];
                let side = if d[0].abs() >= d[1].abs() {
                    if d[0] < 0.0 { "to its left" } else { "to its right" }
                } else if d[1] < 0.0 {
                    "in front of it"
                } else {
                    "behind it"
                };
                near.push(format!("{} {side}", self.name(x.id)));
            }
            let more = rest.len() - funded.len();
            if !near.is_empty() {
                sentences.push(format!(
                    "Around it: {}{}.",
                    list(&near),
                    if more > 0 { format!(", and {} more", count_word(more)) } else { String::new() }
                ));
            } else if more > 0 {
                sentences.push(format!("{} other thing{} in view.", capital(&count_word(more)), if more == 1 { "" } else { "s" }));
            }
        }
        let text = sentences.join(" ");
        Ok((text.clone(), Value::Text(text), full))
    }

    fn describe_object(&mut self, id: u16, detailed: bool) -> Result<String> {
        let o = self.obj(id)?;
        let load: Vec<u16> = self.scene.objects.iter().filter(|x| x.on == Some(id)).map(|x| x.id).collect();
        let mut s = capital(&self.name(id));
        if !detailed {
            if !load.is_empty() {
                s.push_str(&format!(", with {} on it", list(&self.names(&load))));
            }
            s.push('.');
            return Ok(s);
        }
        let m = self.measure(id)?;
        let [w, d] = m.viewer_extents();
        let h = m.size[2];
        let dims = if o.shape == ShapeClass::Sphere {
            format!("{} across", metres(w))
        } else {
            format!("{} wide, {} deep and {} tall", metres(w), metres(d), metres(h))
        };
        // Say the colour and shape only where the name does not already.
        let mut attrs = Vec::new();
        if !o.name.contains(o.colour.as_str()) {
            attrs.push(o.colour.as_str().to_string());
        }
        if o.shape != ShapeClass::Other && !o.name.contains(o.shape.noun()) {
            attrs.push(format!("a {}", o.shape.noun()));
        }
        attrs.push(format!("about {dims}"));
        s.push_str(&format!(": {}", attrs.join(", ")));
        s.push_str(&format!(", on {}", self.support_chain(id)));
        let (cam, _) = from_point(&m, camera_position(self.scene));
        s.push_str(&format!(", {} from the camera.", metres(cam)));
        // Parts: named ones with counts; the asked-about part with its own measurements.
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for p in &o.parts {
            *counts.entry(p.name.as_str()).or_default() += 1;
        }
        if o.parts.len() > 1 {
            let list_parts: Vec<String> =
                counts.iter().map(|(n, c)| if *c == 1 { format!("the {n}") } else { format!("{} {n}s", count_word(*c)) }).collect();
            s.push_str(&format!(" Its parts: {}.", list(&list_parts)));
        }
        for &(pid, k) in &self.plan.parts {
            if pid != id {
                continue;
            }
            let key = spatia_reason::NodeId::Part(id, k).to_string();
            let toks: Vec<&Token> = self.input.tokens.of(id).iter().filter(|t| t.node == key).collect();
            if let Some(part) = o.parts.get(k) {
                let (lo, hi) = toks.iter().fold(([f32::MAX; 3], [f32::MIN; 3]), |(mut lo, mut hi), t| {
                    for j in 0..3 {
                        lo[j] = lo[j].min(t.centroid[j] - t.extent[j] / 2.0);
                        hi[j] = hi[j].max(t.centroid[j] + t.extent[j] / 2.0);
                    }
                    (lo, hi)
                });
                if !toks.is_empty() {
                    let e = [hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]];
                    s.push_str(&format!(
                        " The {} spans about {} by {}, {} high at its top ({} tokens).",
                        part.name,
                        metres(e[0]),
                        metres(e[1]),
                        metres(hi[2]),
                        toks.len()
                    ));
                    self.length(format!("{} {} top height", o.name, part.name), hi[2], &[id]);
                }
            }
        }
        if !load.is_empty() {
            s.push_str(&format!(" On it: {}.", list(&self.names(&load))));
        }
        Ok(s)
    }
}

fn word_of(measure: Measure, more: bool) -> (&'static str, &'static str) {
    match (measure, more) {
        (Measure::Size, true) => ("bigger", "volume"),
        (Measure::Size, false) => ("smaller", "volume"),
        (Measure::Height, true) => ("taller", "tall"),
        (Measure::Height, false) => ("shorter", "tall"),
        (Measure::Width, true) => ("wider", "wide"),
        (Measure::Width, false) => ("narrower", "wide"),
        (Measure::Distance, true) => ("farther from the camera", "from the camera"),
        (Measure::Distance, false) => ("closer to the camera", "from the camera"),
    }
}
