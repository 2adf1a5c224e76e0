//! Turning rustdoc's JSON for one crate into the public-API listing: one
//! line per public item, reachable from the crate root through public
//! modules and `pub use`, with its kind and signature.
//!
//! Types are written as rustdoc's HTML shows them (last path segment plus
//! generic arguments), so refactoring imports changes nothing while any
//! change of a signature does. Trait impls are listed except those that
//! follow from the others: auto traits (`Send`, `Sync`, ...) and blanket
//! impls (`impl<T> From<T> for T`, ...).

use std::collections::{BTreeSet, HashSet};

use rustdoc_types::{
    Abi, AssocItemConstraint, AssocItemConstraintKind, Attribute, Crate, FunctionHeader,
    FunctionSignature, GenericArg, GenericArgs, GenericBound, GenericParamDef, GenericParamDefKind,
    Generics, Id, Impl, Item, ItemEnum, ItemKind, Path, PreciseCapturingArg, StructKind, Term,
    TraitBoundModifier, Type, VariantKind, Visibility, WherePredicate,
};

/// Deeper than any real module tree; stops a pathological `pub use` cycle.
const MAX_DEPTH: usize = 32;

/// The listing for `krate`: sorted lines, each ending in a newline.
pub(super) fn listing(krate: &Crate) -> String {
    let mut walker = Walker {
        krate,
        lines: BTreeSet::new(),
        visited: HashSet::new(),
        types: Types::new(krate),
    };
    if let Some(root) = krate.index.get(&krate.root) {
        let name = root.name.clone().unwrap_or_default();
        walker.module(root, &name, 0);
    }
    // A BTreeSet: already in order.
    walker
        .lines
        .into_iter()
        .fold(String::new(), |mut out, (_, line)| {
            out.push_str(&line);
            out.push('\n');
            out
        })
}

struct Walker<'a> {
    krate: &'a Crate,
    /// (sort key, line): items sort by their path, so a type's fields,
    /// methods and impls follow it.
    lines: BTreeSet<(String, String)>,
    /// (item, public path) pairs already listed.
    visited: HashSet<(Id, String)>,
    types: Types<'a>,
}

impl Walker<'_> {
    fn emit(&mut self, path: &str, rank: u8, line: String) {
        self.lines.insert((format!("{path} {rank} {line}"), line));
    }

    fn module(&mut self, module: &Item, path: &str, depth: usize) {
        let ItemEnum::Module(inner) = &module.inner else {
            return;
        };
        if depth > MAX_DEPTH || !self.visited.insert((module.id, path.to_string())) {
            return;
        }
        if depth > 0 {
            self.emit(path, 0, format!("mod {path}"));
        }
        for id in &inner.items {
            let Some(item) = self.krate.index.get(id) else {
                continue;
            };
            if !matches!(item.visibility, Visibility::Public) {
                continue;
            }
            self.item(item, path, depth);
        }
    }

    /// An item found in the module at `parent`.
    fn item(&mut self, item: &Item, parent: &str, depth: usize) {
        match &item.inner {
            ItemEnum::Use(use_) => {
                let target = use_.id.and_then(|id| self.krate.index.get(&id));
                match target {
                    Some(target) if use_.is_glob => {
                        // `pub use module::*`: its public items appear here.
                        if let ItemEnum::Module(inner) = &target.inner {
                            for id in &inner.items {
                                if let Some(item) = self.krate.index.get(id)
                                    && matches!(item.visibility, Visibility::Public)
                                {
                                    self.item(item, parent, depth + 1);
                                }
                            }
                        }
                    }
                    Some(target) => {
                        let path = format!("{parent}::{}", use_.name);
                        self.named(target, &path, depth + 1);
                    }
                    None => {
                        // Another crate's item, not documented here.
                        let path = format!("{parent}::{}", use_.name);
                        let glob = if use_.is_glob { "::*" } else { "" };
                        self.emit(&path, 0, format!("use {path} = {}{glob}", use_.source));
                    }
                }
            }
            _ => {
                let Some(name) = &item.name else { return };
                self.named(item, &format!("{parent}::{name}"), depth);
            }
        }
    }

    /// An item whose public path is `path`.
    fn named(&mut self, item: &Item, path: &str, depth: usize) {
        let attrs = attributes(item);
        match &item.inner {
            ItemEnum::Module(_) => self.module(item, path, depth + 1),
            ItemEnum::ExternCrate { name, .. } => {
                self.emit(path, 0, format!("extern crate {path} = {name}"));
            }
            ItemEnum::Use(_) => self.item(item, path, depth + 1),
            ItemEnum::Struct(s) => {
                let generics = self.types.generic_params(&s.generics);
                let shape = match &s.kind {
                    StructKind::Unit => String::new(),
                    StructKind::Tuple(fields) => format!("({})", self.tuple_fields(fields)),
                    StructKind::Plain { .. } => String::new(),
                };
                let line = format!(
                    "{attrs}struct {path}{generics}{shape}{}",
                    self.types.where_clause(&s.generics)
                );
                self.emit(path, 0, line);
                if let StructKind::Plain { fields, .. } = &s.kind {
                    self.fields(fields, path);
                }
                self.impls(&s.impls, item.id, path);
            }
            ItemEnum::Union(u) => {
                let line = format!(
                    "{attrs}union {path}{}{}",
                    self.types.generic_params(&u.generics),
                    self.types.where_clause(&u.generics)
                );
                self.emit(path, 0, line);
                self.fields(&u.fields, path);
                self.impls(&u.impls, item.id, path);
            }
            ItemEnum::Enum(e) => {
                let line = format!(
                    "{attrs}enum {path}{}{}",
                    self.types.generic_params(&e.generics),
                    self.types.where_clause(&e.generics)
                );
                self.emit(path, 0, line);
                for id in &e.variants {
                    if let Some(variant) = self.krate.index.get(id) {
                        self.variant(variant, path);
                    }
                }
                self.impls(&e.impls, item.id, path);
            }
            ItemEnum::Function(f) => {
                let line = format!(
                    "{attrs}{}",
                    self.types.function(path, &f.header, &f.generics, &f.sig)
                );
                self.emit(path, 0, line);
            }
            ItemEnum::Trait(t) => {
                let unsafety = if t.is_unsafe { "unsafe " } else { "" };
                let auto = if t.is_auto { "auto " } else { "" };
                let bounds = if t.bounds.is_empty() {
                    String::new()
                } else {
                    format!(": {}", self.types.bounds(&t.bounds))
                };
                let line = format!(
                    "{attrs}{unsafety}{auto}trait {path}{}{bounds}{}",
                    self.types.generic_params(&t.generics),
                    self.types.where_clause(&t.generics)
                );
                self.emit(path, 0, line);
                for id in &t.items {
                    if let Some(member) = self.krate.index.get(id) {
                        self.associated(member, path);
                    }
                }
            }
            ItemEnum::TraitAlias(t) => {
                let line = format!(
                    "trait {path}{} = {}",
                    self.types.generic_params(&t.generics),
                    self.types.bounds(&t.params)
                );
                self.emit(path, 0, line);
            }
            ItemEnum::TypeAlias(t) => {
                let line = format!(
                    "{attrs}type {path}{} = {}{}",
                    self.types.generic_params(&t.generics),
                    self.types.ty(&t.type_),
                    self.types.where_clause(&t.generics)
                );
                self.emit(path, 0, line);
            }
            ItemEnum::Constant { type_, const_ } => {
                let line = format!("const {path}: {} = {}", self.types.ty(type_), const_.expr);
                self.emit(path, 0, line);
            }
            ItemEnum::Static(s) => {
                let mutability = if s.is_mutable { "mut " } else { "" };
                let line = format!("static {mutability}{path}: {}", self.types.ty(&s.type_));
                self.emit(path, 0, line);
            }
            ItemEnum::Macro(_) => self.emit(path, 0, format!("macro {path}!")),
            ItemEnum::ProcMacro(m) => {
                self.emit(path, 0, format!("proc macro {path} ({:?})", m.kind));
            }
            ItemEnum::ExternType => self.emit(path, 0, format!("extern type {path}")),
            ItemEnum::Primitive(_)
            | ItemEnum::StructField(_)
            | ItemEnum::Variant(_)
            | ItemEnum::Impl(_)
            | ItemEnum::AssocConst { .. }
            | ItemEnum::AssocType { .. } => {}
        }
    }

    fn tuple_fields(&self, fields: &[Option<Id>]) -> String {
        fields
            .iter()
            .map(|field| {
                let field = field.and_then(|id| self.krate.index.get(&id));
                match field.map(|f| &f.inner) {
                    Some(ItemEnum::StructField(t)) => format!("pub {}", self.types.ty(t)),
                    _ => "_".to_string(),
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn fields(&mut self, fields: &[Id], parent: &str) {
        for id in fields {
            let Some(field) = self.krate.index.get(id) else {
                continue;
            };
            if let (ItemEnum::StructField(t), Some(name)) = (&field.inner, &field.name) {
                let path = format!("{parent}::{name}");
                self.emit(&path, 1, format!("field {path}: {}", self.types.ty(t)));
            }
        }
    }

    fn variant(&mut self, variant: &Item, parent: &str) {
        let (ItemEnum::Variant(v), Some(name)) = (&variant.inner, &variant.name) else {
            return;
        };
        let path = format!("{parent}::{name}");
        let shape = match &v.kind {
            VariantKind::Plain => String::new(),
            VariantKind::Tuple(fields) => {
                format!("({})", self.tuple_fields(fields).replace("pub ", ""))
            }
            VariantKind::Struct {
                fields,
                has_stripped_fields,
            } => {
                let mut named: Vec<String> = fields
                    .iter()
                    .filter_map(|id| self.krate.index.get(id))
                    .filter_map(|f| match (&f.inner, &f.name) {
                        (ItemEnum::StructField(t), Some(n)) => {
                            Some(format!("{n}: {}", self.types.ty(t)))
                        }
                        _ => None,
                    })
                    .collect();
                if *has_stripped_fields {
                    named.push("..".into());
                }
                format!(" {{ {} }}", named.join(", "))
            }
        };
        let discriminant = v
            .discriminant
            .as_ref()
            .map(|d| format!(" = {}", d.expr))
            .unwrap_or_default();
        let attrs = attributes(variant);
        self.emit(
            &path,
            1,
            format!("{attrs}variant {path}{shape}{discriminant}"),
        );
    }

    /// A method, associated constant or type of a trait or inherent impl.
    fn associated(&mut self, member: &Item, parent: &str) {
        let Some(name) = &member.name else { return };
        let path = format!("{parent}::{name}");
        let attrs = attributes(member);
        let line = match &member.inner {
            ItemEnum::Function(f) => self.types.function(&path, &f.header, &f.generics, &f.sig),
            ItemEnum::AssocConst { type_, value } => {
                let value = value
                    .as_ref()
                    .map(|v| format!(" = {v}"))
                    .unwrap_or_default();
                format!("const {path}: {}{value}", self.types.ty(type_))
            }
            ItemEnum::AssocType {
                generics,
                bounds: b,
                type_,
            } => {
                let b = if b.is_empty() {
                    String::new()
                } else {
                    format!(": {}", self.types.bounds(b))
                };
                let default = type_
                    .as_ref()
                    .map(|t| format!(" = {}", self.types.ty(t)))
                    .unwrap_or_default();
                format!(
                    "type {path}{}{b}{default}",
                    self.types.generic_params(generics)
                )
            }
            _ => return,
        };
        self.emit(&path, 2, format!("{attrs}{line}"));
    }

    fn impls(&mut self, impls: &[Id], self_id: Id, path: &str) {
        for id in impls {
            let Some(item) = self.krate.index.get(id) else {
                continue;
            };
            let ItemEnum::Impl(imp) = &item.inner else {
                continue;
            };
            // Auto traits and blanket impls follow from the rest.
            if imp.is_synthetic || imp.blanket_impl.is_some() || is_marker(imp) {
                continue;
            }
            match &imp.trait_ {
                None => {
                    for member in &imp.items {
                        if let Some(member) = self.krate.index.get(member)
                            && matches!(member.visibility, Visibility::Public)
                        {
                            self.associated(member, path);
                        }
                    }
                }
                Some(trait_) => {
                    let line = self.trait_impl(imp, trait_, self_id, path);
                    self.emit(path, 3, line);
                }
            }
        }
    }

    fn trait_impl(&self, imp: &Impl, trait_: &Path, self_id: Id, path: &str) -> String {
        let negative = if imp.is_negative { "!" } else { "" };
        let unsafety = if imp.is_unsafe { "unsafe " } else { "" };
        let for_ = match &imp.for_ {
            Type::ResolvedPath(p) if p.id == self_id => {
                format!(
                    "{path}{}",
                    p.args
                        .as_deref()
                        .map(|a| self.types.generic_args(a))
                        .unwrap_or_default()
                )
            }
            other => self.types.ty(other),
        };
        // Associated types say what an impl produces (`IntoFuture::Output`,
        // `Stream::Item`, `TryFrom::Error`), so they are part of the line.
        let assoc: Vec<String> = imp
            .items
            .iter()
            .filter_map(|id| self.krate.index.get(id))
            .filter_map(|member| match (&member.inner, &member.name) {
                (ItemEnum::AssocType { type_: Some(t), .. }, Some(name)) => {
                    Some(format!("type {name} = {}", self.types.ty(t)))
                }
                _ => None,
            })
            .collect();
        let assoc = if assoc.is_empty() {
            String::new()
        } else {
            format!(" {{ {} }}", assoc.join("; "))
        };
        format!(
            "{unsafety}impl{} {negative}{} for {for_}{}{assoc}",
            self.types.generic_params(&imp.generics),
            self.types.path_ty(trait_),
            self.types.where_clause(&imp.generics)
        )
    }
}

/// `#[non_exhaustive]` and `#[must_use]`, the attributes that change what
/// callers may write.
fn attributes(item: &Item) -> String {
    let mut out = String::new();
    for attr in &item.attrs {
        match attr {
            Attribute::NonExhaustive => out.push_str("#[non_exhaustive] "),
            Attribute::MustUse { .. } => out.push_str("#[must_use] "),
            _ => {}
        }
    }
    if item.deprecation.is_some() {
        out.push_str("#[deprecated] ");
    }
    out
}

fn abi(abi: &Abi) -> Option<String> {
    Some(match abi {
        Abi::Rust => return None,
        Abi::C { .. } => "C".into(),
        Abi::Cdecl { .. } => "cdecl".into(),
        Abi::Stdcall { .. } => "stdcall".into(),
        Abi::Fastcall { .. } => "fastcall".into(),
        Abi::Aapcs { .. } => "aapcs".into(),
        Abi::Win64 { .. } => "win64".into(),
        Abi::SysV64 { .. } => "sysv64".into(),
        Abi::System { .. } => "system".into(),
        Abi::Other(name) => name.clone(),
    })
}

/// `StructuralPartialEq` comes with every derived `PartialEq` and is not
/// nameable on stable Rust.
fn is_marker(imp: &Impl) -> bool {
    imp.trait_
        .as_ref()
        .is_some_and(|t| t.path.rsplit("::").next() == Some("StructuralPartialEq"))
}

/// Renders types and signatures; knows the crate's own item names, so
/// another crate's type of the same name is written with its full path.
struct Types<'a> {
    krate: &'a Crate,
    local_names: HashSet<&'a str>,
}

impl<'a> Types<'a> {
    fn new(krate: &'a Crate) -> Self {
        let local_names = krate
            .paths
            .values()
            .filter(|summary| {
                summary.crate_id == 0
                    && matches!(
                        summary.kind,
                        ItemKind::Struct
                            | ItemKind::Enum
                            | ItemKind::Union
                            | ItemKind::Trait
                            | ItemKind::TraitAlias
                            | ItemKind::TypeAlias
                    )
            })
            .filter_map(|summary| summary.path.last().map(String::as_str))
            .collect();
        Self { krate, local_names }
    }

    fn function(
        &self,
        path: &str,
        header: &FunctionHeader,
        generics: &Generics,
        sig: &FunctionSignature,
    ) -> String {
        let mut prefix = String::new();
        if header.is_const {
            prefix.push_str("const ");
        }
        if header.is_async {
            prefix.push_str("async ");
        }
        if header.is_unsafe {
            prefix.push_str("unsafe ");
        }
        if let Some(abi) = abi(&header.abi) {
            prefix.push_str(&format!("extern \"{abi}\" "));
        }
        let inputs: Vec<String> = sig
            .inputs
            .iter()
            .map(|(name, t)| self.parameter(name, t))
            .collect();
        let variadic = if sig.is_c_variadic { ", ..." } else { "" };
        let output = sig
            .output
            .as_ref()
            .map(|t| format!(" -> {}", self.ty(t)))
            .unwrap_or_default();
        format!(
            "{prefix}fn {path}{}({}{variadic}){output}{}",
            self.generic_params(generics),
            inputs.join(", "),
            self.where_clause(generics)
        )
    }

    fn parameter(&self, name: &str, t: &Type) -> String {
        if name == "self" {
            match t {
                Type::Generic(s) if s == "Self" => return "self".into(),
                Type::BorrowedRef {
                    lifetime,
                    is_mutable,
                    type_,
                } if matches!(type_.as_ref(), Type::Generic(s) if s == "Self") => {
                    let lifetime = lifetime
                        .as_ref()
                        .map(|l| format!("{l} "))
                        .unwrap_or_default();
                    let mutability = if *is_mutable { "mut " } else { "" };
                    return format!("&{lifetime}{mutability}self");
                }
                _ => return format!("self: {}", self.ty(t)),
            }
        }
        format!("{name}: {}", self.ty(t))
    }

    fn generic_params(&self, generics: &Generics) -> String {
        let params: Vec<String> = generics
            .params
            .iter()
            .filter(|p| {
                !matches!(
                    p.kind,
                    GenericParamDefKind::Type {
                        is_synthetic: true,
                        ..
                    }
                )
            })
            .map(|x| self.generic_param(x))
            .collect();
        if params.is_empty() {
            String::new()
        } else {
            format!("<{}>", params.join(", "))
        }
    }

    fn generic_param(&self, param: &GenericParamDef) -> String {
        match &param.kind {
            GenericParamDefKind::Lifetime { outlives } => {
                if outlives.is_empty() {
                    param.name.clone()
                } else {
                    format!("{}: {}", param.name, outlives.join(" + "))
                }
            }
            GenericParamDefKind::Type {
                bounds: b, default, ..
            } => {
                let b = if b.is_empty() {
                    String::new()
                } else {
                    format!(": {}", self.bounds(b))
                };
                let default = default
                    .as_ref()
                    .map(|t| format!(" = {}", self.ty(t)))
                    .unwrap_or_default();
                format!("{}{b}{default}", param.name)
            }
            GenericParamDefKind::Const { type_, default } => {
                let default = default
                    .as_ref()
                    .map(|d| format!(" = {d}"))
                    .unwrap_or_default();
                format!("const {}: {}{default}", param.name, self.ty(type_))
            }
        }
    }

    fn where_clause(&self, generics: &Generics) -> String {
        let predicates: Vec<String> = generics
            .where_predicates
            .iter()
            .map(|p| match p {
                WherePredicate::BoundPredicate {
                    type_,
                    bounds: b,
                    generic_params,
                } => format!(
                    "{}{}: {}",
                    self.higher_ranked(generic_params),
                    self.ty(type_),
                    self.bounds(b)
                ),
                WherePredicate::LifetimePredicate { lifetime, outlives } => {
                    format!("{lifetime}: {}", outlives.join(" + "))
                }
                WherePredicate::EqPredicate { lhs, rhs } => {
                    format!("{} = {}", self.ty(lhs), self.term(rhs))
                }
            })
            .collect();
        if predicates.is_empty() {
            String::new()
        } else {
            format!(" where {}", predicates.join(", "))
        }
    }

    fn higher_ranked(&self, params: &[GenericParamDef]) -> String {
        if params.is_empty() {
            String::new()
        } else {
            let names: Vec<String> = params.iter().map(|x| self.generic_param(x)).collect();
            format!("for<{}> ", names.join(", "))
        }
    }

    fn bounds(&self, bounds: &[GenericBound]) -> String {
        bounds
            .iter()
            .map(|x| self.bound(x))
            .collect::<Vec<_>>()
            .join(" + ")
    }

    fn bound(&self, bound: &GenericBound) -> String {
        match bound {
            GenericBound::TraitBound {
                trait_,
                generic_params,
                modifier,
            } => {
                let modifier = match modifier {
                    TraitBoundModifier::None => "",
                    TraitBoundModifier::Maybe => "?",
                    TraitBoundModifier::MaybeConst => "~const ",
                };
                format!(
                    "{}{modifier}{}",
                    self.higher_ranked(generic_params),
                    self.path_ty(trait_)
                )
            }
            GenericBound::Outlives(lifetime) => lifetime.clone(),
            GenericBound::Use(args) => {
                let args: Vec<&str> = args
                    .iter()
                    .map(|a| match a {
                        PreciseCapturingArg::Lifetime(l) | PreciseCapturingArg::Param(l) => {
                            l.as_str()
                        }
                    })
                    .collect();
                format!("use<{}>", args.join(", "))
            }
        }
    }

    /// A path as rustdoc's HTML shows it, the last segment and its
    /// arguments; another crate's item that shares its name with one of
    /// this crate's (`std::io::Error` beside `Error`) gets its full path.
    fn path_ty(&self, path: &Path) -> String {
        let name = path.path.rsplit("::").next().unwrap_or(&path.path);
        let args = path
            .args
            .as_deref()
            .map(|a| self.generic_args(a))
            .unwrap_or_default();
        match self.krate.paths.get(&path.id) {
            Some(summary) if summary.crate_id != 0 && self.local_names.contains(name) => {
                format!("{}{args}", summary.path.join("::"))
            }
            _ => format!("{name}{args}"),
        }
    }

    fn generic_args(&self, args: &GenericArgs) -> String {
        match args {
            GenericArgs::AngleBracketed { args, constraints } => {
                let mut all: Vec<String> = args.iter().map(|x| self.generic_arg(x)).collect();
                all.extend(constraints.iter().map(|x| self.constraint(x)));
                if all.is_empty() {
                    String::new()
                } else {
                    format!("<{}>", all.join(", "))
                }
            }
            GenericArgs::Parenthesized { inputs, output } => {
                let inputs: Vec<String> = inputs.iter().map(|x| self.ty(x)).collect();
                let output = output
                    .as_ref()
                    .map(|t| format!(" -> {}", self.ty(t)))
                    .unwrap_or_default();
                format!("({}){output}", inputs.join(", "))
            }
            GenericArgs::ReturnTypeNotation => "(..)".into(),
        }
    }

    fn generic_arg(&self, arg: &GenericArg) -> String {
        match arg {
            GenericArg::Lifetime(l) => l.clone(),
            GenericArg::Type(t) => self.ty(t),
            GenericArg::Const(c) => c.expr.clone(),
            GenericArg::Infer => "_".into(),
        }
    }

    fn constraint(&self, c: &AssocItemConstraint) -> String {
        let args = c
            .args
            .as_deref()
            .map(|x| self.generic_args(x))
            .unwrap_or_default();
        match &c.binding {
            AssocItemConstraintKind::Equality(t) => format!("{}{args} = {}", c.name, self.term(t)),
            AssocItemConstraintKind::Constraint(b) => {
                format!("{}{args}: {}", c.name, self.bounds(b))
            }
        }
    }

    fn term(&self, t: &Term) -> String {
        match t {
            Term::Type(t) => self.ty(t),
            Term::Constant(c) => c.expr.clone(),
        }
    }

    fn ty(&self, t: &Type) -> String {
        match t {
            Type::ResolvedPath(p) => self.path_ty(p),
            Type::DynTrait(d) => {
                let mut parts: Vec<String> = d
                    .traits
                    .iter()
                    .map(|p| {
                        format!(
                            "{}{}",
                            self.higher_ranked(&p.generic_params),
                            self.path_ty(&p.trait_)
                        )
                    })
                    .collect();
                parts.extend(d.lifetime.clone());
                format!("dyn {}", parts.join(" + "))
            }
            Type::Generic(name) | Type::Primitive(name) => name.clone(),
            Type::FunctionPointer(f) => {
                let inputs: Vec<String> = f.sig.inputs.iter().map(|(_, t)| self.ty(t)).collect();
                let output = f
                    .sig
                    .output
                    .as_ref()
                    .map(|t| format!(" -> {}", self.ty(t)))
                    .unwrap_or_default();
                let unsafety = if f.header.is_unsafe { "unsafe " } else { "" };
                let abi = abi(&f.header.abi)
                    .map(|a| format!("extern \"{a}\" "))
                    .unwrap_or_default();
                format!(
                    "{}{unsafety}{abi}fn({}){output}",
                    self.higher_ranked(&f.generic_params),
                    inputs.join(", ")
                )
            }
            Type::Tuple(items) => match items.as_slice() {
                [one] => format!("({},)", self.ty(one)),
                _ => format!(
                    "({})",
                    items
                        .iter()
                        .map(|x| self.ty(x))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            },
            Type::Slice(t) => format!("[{}]", self.ty(t)),
            Type::Array { type_, len } => format!("[{}; {len}]", self.ty(type_)),
            Type::Pat { type_, .. } => self.ty(type_),
            Type::ImplTrait(b) => format!("impl {}", self.bounds(b)),
            Type::Infer => "_".into(),
            Type::RawPointer { is_mutable, type_ } => {
                format!(
                    "*{} {}",
                    if *is_mutable { "mut" } else { "const" },
                    self.ty(type_)
                )
            }
            Type::BorrowedRef {
                lifetime,
                is_mutable,
                type_,
            } => {
                let lifetime = lifetime
                    .as_ref()
                    .map(|l| format!("{l} "))
                    .unwrap_or_default();
                let mutability = if *is_mutable { "mut " } else { "" };
                format!("&{lifetime}{mutability}{}", self.ty(type_))
            }
            Type::QualifiedPath {
                name,
                args,
                self_type,
                trait_,
            } => {
                let args = args
                    .as_deref()
                    .map(|x| self.generic_args(x))
                    .unwrap_or_default();
                match trait_ {
                    Some(t) if !t.path.is_empty() => {
                        format!(
                            "<{} as {}>::{name}{args}",
                            self.ty(self_type),
                            self.path_ty(t)
                        )
                    }
                    _ => format!("{}::{name}{args}", self.ty(self_type)),
                }
            }
        }
    }
}
