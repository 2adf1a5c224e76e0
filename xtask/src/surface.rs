//! A readable summary of the generated public surface, for insta snapshots:
//! every operation (method, path, parameters with their Rust setter types,
//! body, success type) and every generated type with its fields.
//!
//! A spec change that alters the surface changes this text, so the snapshot
//! test fails until someone reviews and accepts it (`cargo insta review`).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use heck::ToSnakeCase;
use openapiv3::{Parameter, ReferenceOr};
use quote::ToTokens;

use crate::{GenerateError, Spec};

/// Describes the public surface of `generated` (the generated source) for
/// `spec`. The result is stable: the same inputs give the same text.
pub fn surface_summary(spec: &Spec, generated: &str) -> Result<String, GenerateError> {
    let file = syn::parse_file(generated).map_err(|e| GenerateError::InvalidOutput {
        path: spec.path().to_path_buf(),
        message: e.to_string(),
    })?;
    let code = Code::read(&file);
    let mut out = String::new();
    let info = &spec.document().info;
    let _ = writeln!(out, "API: {} (version {})", info.title, info.version);
    let _ = writeln!(out, "Servers:");
    for server in &spec.document().servers {
        let _ = writeln!(out, "  {}", server.url);
    }
    write_client(&mut out, &code);
    write_operations(&mut out, spec, &code);
    write_types(&mut out, &code);
    Ok(out)
}

/// What the summary needs from the generated file.
#[derive(Default)]
struct Code<'a> {
    /// `impl Client` methods: name -> (doc text, signature).
    client_methods: Vec<(String, String, String)>,
    /// Operation builders: name -> fields.
    builders: BTreeMap<String, Vec<(String, syn::Type)>>,
    /// Operation builders: name -> `send` success type.
    send_types: BTreeMap<String, String>,
    /// Items of `mod types`.
    types: Vec<&'a syn::Item>,
}

impl<'a> Code<'a> {
    fn read(file: &'a syn::File) -> Self {
        let mut code = Code::default();
        for item in &file.items {
            match item {
                syn::Item::Impl(block) if is_client_impl(block) => {
                    for entry in &block.items {
                        if let syn::ImplItem::Fn(f) = entry
                            && matches!(f.vis, syn::Visibility::Public(_))
                        {
                            code.client_methods.push((
                                f.sig.ident.to_string(),
                                doc_text(&f.attrs),
                                signature(&f.sig),
                            ));
                        }
                    }
                }
                syn::Item::Mod(m) if m.ident == "types" => {
                    if let Some((_, items)) = &m.content {
                        code.types = items
                            .iter()
                            .filter(|i| matches!(i, syn::Item::Struct(_) | syn::Item::Enum(_)))
                            .collect();
                    }
                }
                syn::Item::Mod(m) if m.ident == "builder" => {
                    for entry in m.content.iter().flat_map(|(_, items)| items) {
                        code.read_builder_item(entry);
                    }
                }
                _ => {}
            }
        }
        code
    }

    fn read_builder_item(&mut self, item: &syn::Item) {
        match item {
            syn::Item::Struct(s) => {
                let fields = s
                    .fields
                    .iter()
                    .filter_map(|f| Some((f.ident.as_ref()?.to_string(), f.ty.clone())))
                    .filter(|(name, _)| name != "client")
                    .collect();
                self.builders.insert(s.ident.to_string(), fields);
            }
            syn::Item::Impl(block) => {
                let Some(name) = type_name(&block.self_ty) else {
                    return;
                };
                for entry in &block.items {
                    if let syn::ImplItem::Fn(f) = entry
                        && f.sig.ident == "send"
                        && let syn::ReturnType::Type(_, ty) = &f.sig.output
                    {
                        let success = generic_args(ty)
                            .first()
                            .map(|ok| generic_args(ok).first().map(render).unwrap_or_default())
                            .unwrap_or_default();
                        self.send_types.insert(name.clone(), success);
                    }
                }
            }
            _ => {}
        }
    }
}

fn write_client(out: &mut String, code: &Code<'_>) {
    let _ = writeln!(out, "\n== Client ==");
    for (_, doc, sig) in code
        .client_methods
        .iter()
        .filter(|(_, doc, _)| !doc.contains("request to `"))
    {
        let _ = writeln!(out, "  {sig}");
        let _ = doc;
    }
}

fn write_operations(out: &mut String, spec: &Spec, code: &Code<'_>) {
    let _ = writeln!(out, "\n== Operations ==");
    let document = spec.document();
    for (route, item) in document.paths.iter() {
        let Some(item) = item.as_item() else { continue };
        for (method, op) in item.iter() {
            write_operation(
                out,
                document,
                code,
                (route, &method.to_uppercase()),
                item,
                op,
            );
        }
    }
}

/// One operation at `route` (path, upper-case method): its client method,
/// parameters with their setters, body and responses.
fn write_operation(
    out: &mut String,
    document: &openapiv3::OpenAPI,
    code: &Code<'_>,
    (route, method): (&str, &str),
    item: &openapiv3::PathItem,
    op: &openapiv3::Operation,
) {
    let id = op.operation_id.as_deref().unwrap_or("?");
    let _ = writeln!(out, "\n{id}: {method} {route}");
    let marker = format!("Sends a `{method}` request to `{route}`");
    let Some((fn_name, _, sig)) = code
        .client_methods
        .iter()
        .find(|(_, doc, _)| doc.contains(&marker))
    else {
        let _ = writeln!(out, "  (no generated method found)");
        return;
    };
    let _ = writeln!(out, "  Client::{fn_name}: {sig}");
    let builder_name = sig.rsplit("builder::").next().unwrap_or_default();
    let builder_name = builder_name.split('<').next().unwrap_or_default();
    let fields = code.builders.get(builder_name).cloned().unwrap_or_default();
    let setter_type = |name: &str| {
        fields
            .iter()
            .find(|(field, _)| field == name)
            .map(|(_, ty)| setter_type(ty))
            .unwrap_or_else(|| "(no setter)".into())
    };

    // Operation parameters override path-item ones of the same name.
    let mut params: Vec<&Parameter> = Vec::new();
    for p in item.parameters.iter().chain(&op.parameters) {
        if let Some(p) = resolve_parameter(document, p) {
            let data = p.parameter_data_ref();
            params.retain(|q: &&Parameter| q.parameter_data_ref().name != data.name);
            params.push(p);
        }
    }
    for p in params {
        write_parameter(out, document, p, &setter_type);
    }
    if let Some(body) = &op.request_body {
        let required = match body {
            ReferenceOr::Item(b) if b.required => "required",
            _ => "optional",
        };
        let _ = writeln!(out, "  body ({required}): .body({})", setter_type("body"));
    }
    let statuses: Vec<String> = op
        .responses
        .responses
        .keys()
        .map(|status| status.to_string())
        .collect();
    let success = code
        .send_types
        .get(builder_name)
        .cloned()
        .unwrap_or_default();
    let _ = writeln!(out, "  responses {}: {success}", statuses.join(", "));
}

/// One parameter: where it goes, whether it is required, its builder
/// setter (`setter_type` gives the setter's argument type by field name),
/// schema, style and description.
fn write_parameter(
    out: &mut String,
    document: &openapiv3::OpenAPI,
    p: &Parameter,
    setter_type: &dyn Fn(&str) -> String,
) {
    let data = p.parameter_data_ref();
    let location = match p {
        Parameter::Query { .. } => "query",
        Parameter::Header { .. } => "header",
        Parameter::Path { .. } => "path",
        Parameter::Cookie { .. } => "cookie",
    };
    let setter = data.name.to_snake_case();
    let required = if data.required {
        "required"
    } else {
        "optional"
    };
    let _ = writeln!(
        out,
        "  param {} ({location}, {required}): .{setter}({})",
        data.name,
        setter_type(&setter)
    );
    if let Some(schema) = parameter_schema(document, &data.format) {
        let _ = writeln!(out, "    schema: {schema}");
    }
    if let Some(style) = parameter_style(p) {
        let explode = data.explode.map_or("unset".to_string(), |e| e.to_string());
        let _ = writeln!(out, "    style: {style}, explode: {explode}");
    }
    if let Some(description) = &data.description {
        let _ = writeln!(
            out,
            "    doc: {}",
            indent_continuation(description, "         ")
        );
    }
}

fn write_types(out: &mut String, code: &Code<'_>) {
    let _ = writeln!(out, "\n== Types ==");
    for item in &code.types {
        match item {
            syn::Item::Struct(s) => {
                let derives = derives(&s.attrs);
                match &s.fields {
                    syn::Fields::Named(named) => {
                        let _ = writeln!(out, "\nstruct {} [{derives}]", s.ident);
                        for field in &named.named {
                            let name = field
                                .ident
                                .as_ref()
                                .map(|i| i.to_string())
                                .unwrap_or_default();
                            let wire = serde_rename(&field.attrs).unwrap_or_else(|| name.clone());
                            let wire = if wire == name {
                                String::new()
                            } else {
                                format!(" (json \"{wire}\")")
                            };
                            let _ = writeln!(out, "  {name}: {}{wire}", render(&field.ty));
                        }
                    }
                    fields => {
                        let inner: Vec<String> = fields.iter().map(|f| render(&f.ty)).collect();
                        let _ = writeln!(
                            out,
                            "\nstruct {}({}) [{derives}]",
                            s.ident,
                            inner.join(", ")
                        );
                    }
                }
            }
            syn::Item::Enum(e) => {
                let _ = writeln!(out, "\nenum {} [{}]", e.ident, derives(&e.attrs));
                for variant in &e.variants {
                    let wire = serde_rename(&variant.attrs)
                        .map(|w| format!(" (json \"{w}\")"))
                        .unwrap_or_default();
                    let fields: Vec<String> =
                        variant.fields.iter().map(|f| render(&f.ty)).collect();
                    let fields = if fields.is_empty() {
                        String::new()
                    } else {
                        format!("({})", fields.join(", "))
                    };
                    let _ = writeln!(out, "  {}{fields}{wire}", variant.ident);
                }
            }
            _ => {}
        }
    }
}

fn resolve_parameter<'d>(
    document: &'d openapiv3::OpenAPI,
    p: &'d ReferenceOr<Parameter>,
) -> Option<&'d Parameter> {
    match p {
        ReferenceOr::Item(p) => Some(p),
        ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix("#/components/parameters/")?;
            match document.components.as_ref()?.parameters.get(name)? {
                ReferenceOr::Item(p) => Some(p),
                ReferenceOr::Reference { .. } => None,
            }
        }
    }
}

/// The parameter's schema as compact JSON (references resolved one level).
fn parameter_schema(
    document: &openapiv3::OpenAPI,
    format: &openapiv3::ParameterSchemaOrContent,
) -> Option<String> {
    let openapiv3::ParameterSchemaOrContent::Schema(schema) = format else {
        return None;
    };
    let schema = match schema {
        ReferenceOr::Item(s) => s,
        ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix("#/components/schemas/")?;
            document.components.as_ref()?.schemas.get(name)?.as_item()?
        }
    };
    serde_json::to_string(schema).ok()
}

/// The declared style of a query parameter, when it is not the default.
fn parameter_style(p: &Parameter) -> Option<String> {
    match p {
        Parameter::Query { style, .. } if *style != openapiv3::QueryStyle::Form => {
            Some(format!("{style:?}"))
        }
        Parameter::Query { parameter_data, .. } if parameter_data.explode.is_some() => {
            Some("Form".into())
        }
        _ => None,
    }
}

fn is_client_impl(block: &syn::ItemImpl) -> bool {
    block.trait_.is_none() && type_name(&block.self_ty).as_deref() == Some("Client")
}

fn type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// The generic arguments of the last path segment of `ty`.
fn generic_args(ty: &syn::Type) -> Vec<syn::Type> {
    let syn::Type::Path(p) = ty else {
        return Vec::new();
    };
    let Some(last) = p.path.segments.last() else {
        return Vec::new();
    };
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return Vec::new();
    };
    args.args
        .iter()
        .filter_map(|a| match a {
            syn::GenericArgument::Type(t) => Some(t.clone()),
            _ => None,
        })
        .collect()
}

/// A builder field is `Result<T, String>` or `Result<Option<T>, String>`;
/// the setter takes anything convertible into `T`.
fn setter_type(field: &syn::Type) -> String {
    let Some(inner) = generic_args(field).into_iter().next() else {
        return render(field);
    };
    if type_name(&inner).as_deref() == Some("Option")
        && let Some(t) = generic_args(&inner).first()
    {
        return render(t);
    }
    render(&inner)
}

fn signature(sig: &syn::Signature) -> String {
    let inputs: Vec<String> = sig
        .inputs
        .iter()
        .map(|arg| squash(&arg.to_token_stream().to_string()))
        .collect();
    let output = match &sig.output {
        syn::ReturnType::Default => String::new(),
        syn::ReturnType::Type(_, ty) => format!(" -> {}", render(ty)),
    };
    format!("fn {}({}){output}", sig.ident, inputs.join(", "))
}

/// A type as a short, readable string: `Option<Vec<GraphConnection>>`.
fn render(ty: &syn::Type) -> String {
    squash(&ty.to_token_stream().to_string())
}

fn squash(tokens: &str) -> String {
    let mut s = tokens
        .replace(" :: ", "::")
        .replace(" : ", ": ")
        .replace(":: ", "::")
        .replace(" < ", "<")
        .replace(" <", "<")
        .replace("< ", "<")
        .replace(" >", ">")
        .replace(" ,", ",")
        .replace("& ", "&")
        .replace("' _", "'_");
    for prefix in [
        "::std::option::",
        "::std::vec::",
        "::std::string::",
        "::std::collections::",
        "::serde_json::",
        "::chrono::offset::",
        "::chrono::",
        "::reqwest::",
        "std::convert::",
        "super::",
        "types::",
    ] {
        s = s.replace(prefix, "");
    }
    s
}

fn doc_text(attrs: &[syn::Attribute]) -> String {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn derives(attrs: &[syn::Attribute]) -> String {
    let mut names: Vec<String> = attrs
        .iter()
        .filter(|a| a.path().is_ident("derive"))
        .flat_map(|a| {
            let tokens = match &a.meta {
                syn::Meta::List(list) => list.tokens.to_string(),
                _ => String::new(),
            };
            tokens
                .split(',')
                .map(|d| {
                    squash(d.trim())
                        .rsplit("::")
                        .next()
                        .unwrap_or_default()
                        .trim()
                        .to_string()
                })
                .filter(|d| !d.is_empty())
                .collect::<Vec<_>>()
        })
        .collect();
    names.sort();
    names.join(", ")
}

fn serde_rename(attrs: &[syn::Attribute]) -> Option<String> {
    let mut rename = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let value: syn::LitStr = meta.value()?.parse()?;
                rename = Some(value.value());
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
    }
    rename
}

/// A multi-line description with its continuation lines indented.
fn indent_continuation(description: &str, indent: &str) -> String {
    description
        .trim_end()
        .lines()
        .enumerate()
        .map(|(i, line)| {
            if i == 0 {
                line.to_string()
            } else {
                format!("{indent}{line}").trim_end().to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}
