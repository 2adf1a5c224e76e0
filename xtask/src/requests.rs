//! `pub mod requests` in the generated crate: for each operation, one plain
//! function that builds the `reqwest::Request` the generated client's
//! builder would send (path, query string, headers, JSON body), and nothing
//! else: no client, no hooks, no response handling. The facade sends these
//! requests through its own transport and decodes the bytes itself.
//!
//! Two sources, so that the functions cannot disagree with the client:
//! progenitor's output gives each parameter's Rust type and the order the
//! client adds query parameters in (its builder's fields), and whether it
//! asks for JSON (its `send`'s types); the spec gives each parameter's
//! location, whether it is required, and its `style`/`explode`. A shape
//! this module cannot reproduce exactly is an error naming the operation,
//! never a function that sends something else. The workspace's
//! `tests/tests/it/request_shapes.rs` compares the two requests for every
//! operation.

use heck::{ToSnakeCase, ToUpperCamelCase};
use openapiv3::{Parameter, ParameterSchemaOrContent, QueryStyle, ReferenceOr};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::{GenerateError, Spec};

/// The `requests` module for `spec`, from progenitor's output `generated`.
pub(crate) fn request_builders(
    spec: &Spec,
    generated: &syn::File,
) -> Result<TokenStream, GenerateError> {
    let builders = builder_module(generated);
    let version = &spec.document().info.version;
    let base = base_url_doc(spec);
    let mut functions = Vec::new();
    for (route, item) in spec.document().paths.iter() {
        let Some(item) = item.as_item() else { continue };
        for (method, op) in item.iter() {
            let id = op.operation_id.clone().unwrap_or_default();
            let fail = |problem: String| GenerateError::RequestBuilder {
                path: spec.path().to_path_buf(),
                operation: id.clone(),
                problem,
            };
            let mut params = item.parameters.clone();
            params.extend(op.parameters.iter().cloned());
            let operation = Operation {
                id: &id,
                method,
                route,
                params: resolve(spec, &params).map_err(&fail)?,
                has_body: op.request_body.is_some(),
                base: &base,
            };
            functions.push(operation.function(builders, version).map_err(&fail)?);
        }
    }
    Ok(quote! {
        /// Each operation's request, built without a client: a function per
        /// operation that takes the base URL and the operation's parameters
        /// (the types of the builder of the same name on [`Client`](super::Client))
        /// and returns the `reqwest::Request` that builder sends, minus the
        /// client's default headers. The `jumpcloud-graph` facade sends
        /// these with its own transport.
        pub mod requests {
            #[allow(unused_imports)]
            use super::{encode_path, types};
            #(#functions)*
        }
    })
}

/// The request functions' doc line for `base_url`: what it ends in, from
/// the path of the spec's first server (`/api/v2` for
/// `https://console.jumpcloud.com/api/v2`).
fn base_url_doc(spec: &Spec) -> String {
    let path = spec.document().servers.first().and_then(|server| {
        let after_scheme = server.url.split_once("://").map_or("", |(_, rest)| rest);
        after_scheme
            .find('/')
            .map(|slash| after_scheme[slash..].trim_end_matches('/'))
            .filter(|path| !path.is_empty())
    });
    match path {
        Some(path) => format!(" - `base_url`: ends in `{path}`, without a trailing slash."),
        None => " - `base_url`: the server's URL, without a trailing slash.".into(),
    }
}

/// A parameter as the spec declares it, `$ref`s resolved.
struct Param {
    /// The name on the wire.
    name: String,
    /// The Rust name progenitor gives it (its builder field).
    field: String,
    description: Option<String>,
    location: Location,
}

enum Location {
    Path,
    /// A form-style query parameter; `explode: false` joins an array's
    /// values with commas.
    Query {
        explode: bool,
    },
    Header,
}

/// The operation's parameters (path item's, then the operation's, which
/// replace those of the same name and location), each resolved.
fn resolve(spec: &Spec, params: &[ReferenceOr<Parameter>]) -> Result<Vec<Param>, String> {
    let mut resolved: Vec<Param> = Vec::new();
    for param in params {
        let param = match param {
            ReferenceOr::Item(param) => param,
            ReferenceOr::Reference { reference } => component(spec, reference)?,
        };
        let param = read_param(param)?;
        resolved.retain(|p| p.name != param.name || !same_place(&p.location, &param.location));
        resolved.push(param);
    }
    Ok(resolved)
}

fn same_place(a: &Location, b: &Location) -> bool {
    matches!(
        (a, b),
        (Location::Path, Location::Path)
            | (Location::Query { .. }, Location::Query { .. })
            | (Location::Header, Location::Header)
    )
}

/// `#/components/parameters/NAME`.
fn component<'a>(spec: &'a Spec, reference: &str) -> Result<&'a Parameter, String> {
    let name = reference
        .strip_prefix("#/components/parameters/")
        .ok_or_else(|| format!("parameter reference `{reference}` is not to a component"))?;
    let found = spec
        .document()
        .components
        .as_ref()
        .and_then(|components| components.parameters.get(name));
    match found {
        Some(ReferenceOr::Item(param)) => Ok(param),
        Some(ReferenceOr::Reference { .. }) => Err(format!(
            "parameter `{name}` refers to another reference; refer to the parameter itself"
        )),
        None => Err(format!(
            "parameter reference `{reference}` resolves to nothing"
        )),
    }
}

fn read_param(param: &Parameter) -> Result<Param, String> {
    let data = param.parameter_data_ref();
    let unsupported = |what: &str| {
        Err(format!(
            "parameter `{}`: {what} is not supported; the request builders reproduce only \
             path, form-style query and simple header parameters",
            data.name
        ))
    };
    if let ParameterSchemaOrContent::Content(_) = data.format {
        return unsupported("a `content` parameter");
    }
    let location = match param {
        Parameter::Path { .. } => Location::Path,
        Parameter::Header { .. } => Location::Header,
        Parameter::Query {
            style,
            allow_reserved,
            ..
        } => {
            if *allow_reserved {
                return unsupported("`allowReserved`");
            }
            if !matches!(style, QueryStyle::Form) {
                return unsupported("a query style other than `form`");
            }
            Location::Query {
                explode: data.explode.unwrap_or(true),
            }
        }
        Parameter::Cookie { .. } => return unsupported("a cookie parameter"),
    };
    Ok(Param {
        name: data.name.clone(),
        field: field_name(&data.name),
        description: data.description.clone(),
        location,
    })
}

/// The Rust name progenitor gives a parameter or an operation (its
/// `sanitize`: characters that cannot be in a name become word breaks,
/// snake case, `_` after a keyword).
fn field_name(name: &str) -> String {
    let snake = name
        .replace(|c: char| !(c.is_alphanumeric() || c == '_'), "-")
        .to_snake_case();
    if syn::parse_str::<syn::Ident>(&snake).is_ok() {
        snake
    } else {
        format!("{snake}_")
    }
}

/// progenitor's `mod builder`, or nothing (then every operation fails with
/// a message saying its builder is missing).
fn builder_module(file: &syn::File) -> &[syn::Item] {
    file.items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(module) if module.ident == "builder" => {
                module.content.as_ref().map(|(_, items)| items.as_slice())
            }
            _ => None,
        })
        .unwrap_or_default()
}

/// One operation of the spec.
struct Operation<'a> {
    id: &'a str,
    method: &'a str,
    route: &'a str,
    params: Vec<Param>,
    has_body: bool,
    /// The doc line for `base_url`.
    base: &'a str,
}

/// One argument of a request function: a builder field, with what the
/// spec says about it.
struct Argument<'a> {
    ident: syn::Ident,
    /// The type the function takes.
    ty: TokenStream,
    /// `None` for the body.
    param: Option<&'a Param>,
    optional: bool,
    /// Whether it is a `Vec` (an array on the wire).
    array: bool,
    /// Whether it is a `String` (taken as `&str`).
    text: bool,
}

impl Operation<'_> {
    /// The request function.
    fn function(&self, builders: &[syn::Item], version: &str) -> Result<TokenStream, String> {
        let name = field_name(self.id);
        let (fields, send) = builder(builders, &name.to_upper_camel_case())?;
        let arguments = fields
            .iter()
            .map(|(ident, ty)| self.argument(ident, ty))
            .collect::<Result<Vec<_>, String>>()?;
        self.check_all_taken(&arguments)?;
        let url = self.url(&arguments)?;
        let method = format_ident!("{}", self.method.to_uppercase());
        let query = arguments.iter().filter_map(query_statement);
        let body = arguments.iter().filter(|a| a.param.is_none()).map(|a| {
            let ident = &a.ident;
            quote! { request.json(#ident)?; }
        });
        let accept = accepts_json(send)?.then(|| {
            quote! { request.header("accept", "application/json")?; }
        });
        let headers = arguments.iter().filter_map(header_statement);
        let signature = arguments.iter().map(|a| {
            let (ident, ty) = (&a.ident, &a.ty);
            quote! { #ident: #ty }
        });
        let docs = self.docs(&name, &arguments);
        let function = format_ident!("{}", name);
        Ok(quote! {
            #(#[doc = #docs])*
            pub fn #function(
                base_url: &str,
                #(#signature),*
            ) -> Result<reqwest::Request, crate::RequestError> {
                let mut request = crate::request::RequestParts::new(reqwest::Method::#method, #url)?;
                #(#query)*
                #(#body)*
                #accept
                request.header("api-version", #version)?;
                #(#headers)*
                Ok(request.finish())
            }
        })
    }

    /// The argument for builder field `ident` of type `ty`
    /// (`Result<T, String>` or `Result<Option<T>, String>`).
    fn argument<'p>(&'p self, ident: &syn::Ident, ty: &syn::Type) -> Result<Argument<'p>, String> {
        let field = ident.to_string();
        let param = if field == "body" && self.has_body {
            None
        } else {
            let param = self.params.iter().find(|p| p.field == field);
            Some(param.ok_or_else(|| {
                format!("the generated builder has a field `{field}` that no parameter names")
            })?)
        };
        let inner = generic(ty, "Result")
            .ok_or_else(|| format!("the builder field `{field}` is not a `Result`"))?;
        let (inner, optional) = match generic(inner, "Option") {
            Some(inner) => (inner, true),
            None => (inner, false),
        };
        let (taken, array, text) = taken_type(inner, param.is_none());
        let ty = if optional {
            quote! { Option<#taken> }
        } else {
            taken
        };
        Ok(Argument {
            ident: ident.clone(),
            ty,
            param,
            optional,
            array,
            text,
        })
    }

    /// Every parameter of the spec must be a builder field: one that is not
    /// would be dropped from the request.
    fn check_all_taken(&self, arguments: &[Argument<'_>]) -> Result<(), String> {
        for param in &self.params {
            if !arguments.iter().any(|a| a.ident == param.field) {
                return Err(format!(
                    "parameter `{}` has no field in the generated builder",
                    param.name
                ));
            }
            if let Some(argument) = arguments.iter().find(|a| a.ident == param.field)
                && argument.array
                && !matches!(param.location, Location::Query { .. })
            {
                return Err(format!(
                    "parameter `{}` is an array outside the query string; only query \
                     parameters may be arrays",
                    param.name
                ));
            }
        }
        Ok(())
    }

    /// `format!("{}/users/{}/systems", base_url, encode_path(user_id))`.
    fn url(&self, arguments: &[Argument<'_>]) -> Result<TokenStream, String> {
        let mut template = String::from("{}");
        let mut values = Vec::new();
        let mut rest = self.route;
        while let Some(open) = rest.find('{') {
            let close = rest[open..]
                .find('}')
                .map(|i| open + i)
                .ok_or_else(|| format!("the path `{}` has an unclosed `{{`", self.route))?;
            template.push_str(&rest[..open]);
            template.push_str("{}");
            let name = &rest[open + 1..close];
            let argument = arguments
                .iter()
                .find(|a| {
                    a.param
                        .is_some_and(|p| p.name == name && matches!(p.location, Location::Path))
                })
                .ok_or_else(|| format!("the path names `{name}`, which is no path parameter"))?;
            let ident = &argument.ident;
            values.push(if argument.text {
                quote! { encode_path(#ident) }
            } else {
                quote! { encode_path(&#ident.to_string()) }
            });
            rest = &rest[close + 1..];
        }
        if rest.contains('}') {
            return Err(format!("the path `{}` has an unmatched `}}`", self.route));
        }
        template.push_str(rest);
        Ok(quote! { format!(#template, base_url, #(#values),*) })
    }

    /// The function's doc lines.
    fn docs(&self, name: &str, arguments: &[Argument<'_>]) -> Vec<String> {
        let mut docs = vec![
            format!(
                " Builds `{} {}` (`{}`): the request",
                self.method.to_uppercase(),
                self.route,
                self.id
            ),
            format!(" [`Client::{name}`](super::Client::{name}) sends, without the client's"),
            " default headers. Fails only on a base URL that does not make a URL".into(),
            " with the path, or a header value that cannot be sent.".into(),
            String::new(),
            " Arguments:".into(),
            self.base.to_string(),
        ];
        for argument in arguments {
            let text = match argument.param {
                Some(param) => param
                    .description
                    .as_deref()
                    .and_then(|d| d.lines().next())
                    .unwrap_or("")
                    .to_string(),
                None => "the JSON body.".into(),
            };
            docs.push(
                format!(" - `{}`: {}", argument.ident, text.trim())
                    .trim_end()
                    .into(),
            );
        }
        docs
    }
}

/// A builder's fields (but its client), in order.
type Fields = Vec<(syn::Ident, syn::Type)>;

/// The fields of builder struct `name` and the output type of its `send`.
fn builder<'a>(
    items: &'a [syn::Item],
    name: &str,
) -> Result<(Fields, &'a syn::ReturnType), String> {
    let missing = || format!("progenitor generated no builder `{name}`");
    let fields = items
        .iter()
        .find_map(|item| match item {
            syn::Item::Struct(s) if s.ident == name => Some(&s.fields),
            _ => None,
        })
        .ok_or_else(missing)?
        .iter()
        .filter_map(|f| f.ident.clone().map(|ident| (ident, f.ty.clone())))
        .filter(|(ident, _)| ident != "client")
        .collect();
    let send = items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Impl(block) => Some(block),
            _ => None,
        })
        .filter(|block| type_name(&block.self_ty).is_some_and(|ty| ty == name))
        .flat_map(|block| &block.items)
        .find_map(|item| match item {
            syn::ImplItem::Fn(f) if f.sig.ident == "send" => Some(&f.sig.output),
            _ => None,
        })
        .ok_or_else(missing)?;
    Ok((fields, send))
}

fn type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// The first type argument of `ty` when its last segment is `wrapper`.
fn generic<'a>(ty: &'a syn::Type, wrapper: &str) -> Option<&'a syn::Type> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    if last.ident != wrapper {
        return None;
    }
    match &last.arguments {
        syn::PathArguments::AngleBracketed(args) => args.args.iter().find_map(|a| match a {
            syn::GenericArgument::Type(ty) => Some(ty),
            _ => None,
        }),
        _ => None,
    }
}

/// The type a function takes for a field of type `ty`, and whether it is
/// an array and a string: `&str` for a `String`, `&[T]` for a `Vec<T>`,
/// numbers and booleans by value, `&T` otherwise (for the body, the type
/// itself rather than its progenitor builder).
fn taken_type(ty: &syn::Type, body: bool) -> (TokenStream, bool, bool) {
    if let Some(item) = generic(ty, "Vec") {
        return (quote! { &[#item] }, true, false);
    }
    match type_name(ty).as_deref() {
        Some("String") => (quote! { &str }, false, true),
        Some(
            "bool" | "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "f32" | "f64",
        ) => (quote! { #ty }, false, false),
        Some(name) if body => {
            let ident = format_ident!("{}", name);
            (quote! { &types::#ident }, false, false)
        }
        _ => (quote! { &#ty }, false, false),
    }
}

/// The statement that adds a query parameter.
fn query_statement(argument: &Argument<'_>) -> Option<TokenStream> {
    let param = argument.param?;
    let Location::Query { explode } = param.location else {
        return None;
    };
    let name = &param.name;
    Some(bind(argument, |value| match (argument.array, explode) {
        (true, true) => quote! { request.query_each(#name, #value); },
        (true, false) => quote! { request.query_joined(#name, #value); },
        (false, _) => quote! { request.query(#name, #value); },
    }))
}

/// The statement that adds a header parameter.
fn header_statement(argument: &Argument<'_>) -> Option<TokenStream> {
    let param = argument.param?;
    let Location::Header = param.location else {
        return None;
    };
    let name = param.name.to_ascii_lowercase();
    Some(bind(argument, |value| {
        quote! { request.header(#name, #value)?; }
    }))
}

/// `add` applied to the argument, only when it is set if it is optional.
fn bind(argument: &Argument<'_>, add: impl Fn(TokenStream) -> TokenStream) -> TokenStream {
    let ident = &argument.ident;
    if argument.optional {
        let statement = add(quote! { value });
        quote! { if let Some(value) = #ident { #statement } }
    } else {
        add(quote! { #ident })
    }
}

/// Whether progenitor's builder asks for JSON: its success type is a type,
/// or it has none and its error type is one (progenitor's own rule).
fn accepts_json(send: &syn::ReturnType) -> Result<bool, String> {
    let syn::ReturnType::Type(_, ty) = send else {
        return Err("the builder's `send` returns nothing".into());
    };
    let (ok, err) = match ty.as_ref() {
        syn::Type::Path(path) => {
            let last = path.path.segments.last();
            let args: Vec<&syn::Type> = match last.map(|s| &s.arguments) {
                Some(syn::PathArguments::AngleBracketed(args)) => args
                    .args
                    .iter()
                    .filter_map(|a| match a {
                        syn::GenericArgument::Type(ty) => Some(ty),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            match args.as_slice() {
                [ok, err] => (generic(ok, "ResponseValue"), generic(err, "Error")),
                _ => (None, None),
            }
        }
        _ => (None, None),
    };
    let (Some(ok), Some(err)) = (ok, err) else {
        return Err(
            "the builder's `send` does not return `Result<ResponseValue<_>, Error<_>>`".into(),
        );
    };
    let is_type = |ty: &syn::Type| {
        !matches!(ty, syn::Type::Tuple(t) if t.elems.is_empty())
            && type_name(ty).is_none_or(|name| name != "ByteStream")
    };
    Ok(is_type(ok) || (is_unit(ok) && is_type(err)))
}

fn is_unit(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Tuple(t) if t.elems.is_empty())
}
