//! One Rust type for what versions share. Each version of an event type is
//! lowered on its own, so a nested object every version defines the same
//! way (`Detail`, a line item, an address written inline) becomes one type
//! per version. Here such types are found and all but the oldest become
//! re-exports of it (`pub use super::v1_0_0::Detail;`): the same paths for
//! users, one definition to read and to compile. A type is shared only when
//! everything about it is the same: name, docs, fields and their types
//! (transitively), and the checks its schema makes, so its `Deserialize`
//! validates the same way whichever version it is reached from.

use std::collections::{BTreeMap, BTreeSet};

use super::types::{Extra, Ty, TypeDef, TypeGraph, TypeId, TypeKind};

/// Makes every type equal to an older one a re-export of it
/// (`TypeDef::same_as`) and points every reference at the one kept.
/// `roots` are the version roots (each stays its own type: it carries its
/// version); `checks` gives a key of the validation a type's schema makes
/// (equal keys, equal checks).
pub fn share_across_versions(
    types: &mut TypeGraph,
    roots: &BTreeSet<TypeId>,
    checks: impl Fn(TypeId) -> Option<String>,
) {
    // Candidates: types of a version module ([source, event, version]).
    let candidates: Vec<TypeId> = (0..types.types.len())
        .filter(|id| types.types[*id].module.len() == 3 && !roots.contains(id))
        .collect();
    if candidates.is_empty() {
        return;
    }
    let is_candidate: BTreeSet<TypeId> = candidates.iter().copied().collect();
    // Partition refinement: start from everything but the referenced
    // candidates' classes, then split until references agree too.
    let mut class: BTreeMap<TypeId, usize> = BTreeMap::new();
    let mut keys: BTreeMap<String, usize> = BTreeMap::new();
    for &id in &candidates {
        let Some(check_key) = checks(id) else {
            // Unknown checks: never shared (a class of its own).
            let n = keys.len();
            keys.insert(format!("#{id}"), n);
            class.insert(id, n);
            continue;
        };
        let key = format!("{}\n{check_key}", shallow(&types.types[id], &is_candidate));
        let n = keys.len();
        class.insert(id, *keys.entry(key).or_insert(n));
    }
    loop {
        let mut next: BTreeMap<TypeId, usize> = BTreeMap::new();
        let mut keys: BTreeMap<(usize, Vec<usize>), usize> = BTreeMap::new();
        for &id in &candidates {
            let refs = referenced(&types.types[id])
                .into_iter()
                .filter_map(|r| class.get(&r).copied())
                .collect::<Vec<_>>();
            let n = keys.len();
            next.insert(id, *keys.entry((class[&id], refs)).or_insert(n));
        }
        let stable = next.values().collect::<BTreeSet<_>>().len()
            == class.values().collect::<BTreeSet<_>>().len();
        class = next;
        if stable {
            break;
        }
    }
    // The representative of a class: its oldest member (lowest id: versions
    // are lowered oldest first).
    let mut first: BTreeMap<usize, TypeId> = BTreeMap::new();
    let mut replace: BTreeMap<TypeId, TypeId> = BTreeMap::new();
    for &id in &candidates {
        let keep = *first.entry(class[&id]).or_insert(id);
        if keep != id {
            replace.insert(id, keep);
        }
    }
    if replace.is_empty() {
        return;
    }
    for (id, keep) in &replace {
        types.types[*id].same_as = Some(*keep);
    }
    for def in &mut types.types {
        repoint_kind(&mut def.kind, &replace);
    }
}

/// Points every `Named` reference in `ty` at the kept type.
pub fn repoint(ty: &mut Ty, replace: &BTreeMap<TypeId, TypeId>) {
    match ty {
        Ty::Named(id) => {
            if let Some(keep) = replace.get(id) {
                *id = *keep;
            }
        }
        Ty::Map(inner) | Ty::Vec(inner) | Ty::Nullable(inner) | Ty::Boxed(inner) => {
            repoint(inner, replace);
        }
        _ => {}
    }
}

fn repoint_kind(kind: &mut TypeKind, replace: &BTreeMap<TypeId, TypeId>) {
    match kind {
        TypeKind::Struct { fields, extra } => {
            for f in fields {
                repoint(&mut f.ty, replace);
            }
            if let Extra::Keep(ty) = extra {
                repoint(ty, replace);
            }
        }
        TypeKind::Tagged { variants, .. } => {
            for (_, _, ty) in variants {
                repoint(ty, replace);
            }
        }
        TypeKind::StringEnum { .. } => {}
    }
}

/// The named types a type's fields and variants refer to, in order.
fn referenced(def: &TypeDef) -> Vec<TypeId> {
    fn walk(ty: &Ty, out: &mut Vec<TypeId>) {
        match ty {
            Ty::Named(id) => out.push(*id),
            Ty::Map(inner) | Ty::Vec(inner) | Ty::Nullable(inner) | Ty::Boxed(inner) => {
                walk(inner, out);
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    match &def.kind {
        TypeKind::Struct { fields, extra } => {
            for f in fields {
                walk(&f.ty, &mut out);
            }
            if let Extra::Keep(ty) = extra {
                walk(ty, &mut out);
            }
        }
        TypeKind::Tagged { variants, .. } => {
            for (_, _, ty) in variants {
                walk(ty, &mut out);
            }
        }
        TypeKind::StringEnum { .. } => {}
    }
    out
}

/// Everything about a type but the candidates it refers to (those are
/// compared by class): written so equal types give equal text.
fn shallow(def: &TypeDef, candidates: &BTreeSet<TypeId>) -> String {
    let ty = |t: &Ty| shape(t, candidates);
    let event_module = &def.module[..2];
    let body = match &def.kind {
        TypeKind::Struct { fields, extra } => {
            let fields: Vec<String> = fields
                .iter()
                .map(|f| {
                    format!(
                        "{}|{}|{:?}|{:?}|{}|{}",
                        f.json_name,
                        f.rust_name,
                        f.presence,
                        f.doc,
                        f.deprecated,
                        ty(&f.ty)
                    )
                })
                .collect();
            let extra = match extra {
                Extra::None => "closed".to_owned(),
                Extra::Keep(t) => ty(t),
            };
            format!("struct {fields:?} {extra}")
        }
        TypeKind::StringEnum { variants } => format!("enum {variants:?}"),
        TypeKind::Tagged { tag, variants } => {
            let v: Vec<String> = variants
                .iter()
                .map(|(name, value, t)| format!("{name}|{value}|{}", ty(t)))
                .collect();
            format!("tagged {tag} {v:?}")
        }
    };
    format!(
        "{event_module:?} {} {:?} {} {body}",
        def.name, def.doc, def.deprecated
    )
}

/// A type written with candidates as a placeholder and other named types
/// by id (those are already one type each).
fn shape(ty: &Ty, candidates: &BTreeSet<TypeId>) -> String {
    match ty {
        Ty::Named(id) if candidates.contains(id) => "Named(?)".to_owned(),
        Ty::Map(inner) => format!("Map({})", shape(inner, candidates)),
        Ty::Vec(inner) => format!("Vec({})", shape(inner, candidates)),
        Ty::Nullable(inner) => format!("Nullable({})", shape(inner, candidates)),
        Ty::Boxed(inner) => format!("Boxed({})", shape(inner, candidates)),
        other => format!("{other:?}"),
    }
}
