//! Random JSON values that satisfy a type's `schemars` schema, the way
//! oxide.rs's test-common builds fixtures from `JsonSchema` derives.
//!
//! Deterministic for a given seed, so a failing case can be replayed.

use schemars::schema::{
    InstanceType, RootSchema, Schema, SchemaObject, SingleOrVec, SubschemaValidation,
};
use serde_json::{Map, Value, json};

/// Builds random values for one root schema.
pub struct JsonMock<'a> {
    root: &'a RootSchema,
    rng: fastrand::Rng,
}

impl<'a> JsonMock<'a> {
    /// A generator for `root`, seeded with `seed`.
    pub fn new(root: &'a RootSchema, seed: u64) -> Self {
        Self {
            root,
            rng: fastrand::Rng::with_seed(seed),
        }
    }

    /// One random value that the root schema accepts.
    pub fn value(&mut self) -> Value {
        let schema = self.root.schema.clone();
        self.object(&schema, 0)
    }

    fn schema(&mut self, schema: &Schema, depth: usize) -> Value {
        match schema {
            Schema::Bool(_) => self.any(depth),
            Schema::Object(object) => self.object(object, depth),
        }
    }

    fn object(&mut self, schema: &SchemaObject, depth: usize) -> Value {
        if let Some(reference) = &schema.reference {
            let name = reference.trim_start_matches("#/definitions/");
            let target = self
                .root
                .definitions
                .get(name)
                .unwrap_or_else(|| panic!("schema references unknown definition {reference}"))
                .clone();
            return self.schema(&target, depth + 1);
        }
        if let Some(values) = &schema.enum_values {
            return values[self.rng.usize(..values.len())].clone();
        }
        if let Some(constant) = &schema.const_value {
            return constant.clone();
        }
        if let Some(sub) = &schema.subschemas {
            return self.subschemas(sub, schema, depth);
        }
        let instance = match &schema.instance_type {
            None => return self.any(depth),
            Some(SingleOrVec::Single(t)) => **t,
            Some(SingleOrVec::Vec(types)) => {
                // `[T, "null"]` is how schemars writes `Option<T>`.
                let non_null: Vec<_> = types.iter().filter(|t| **t != InstanceType::Null).collect();
                if non_null.is_empty() || self.rng.u8(..4) == 0 {
                    return Value::Null;
                }
                *non_null[self.rng.usize(..non_null.len())]
            }
        };
        match instance {
            InstanceType::Null => Value::Null,
            InstanceType::Boolean => Value::Bool(self.rng.bool()),
            InstanceType::Integer => self.integer(schema),
            InstanceType::Number => json!(self.rng.i32(-1000..1000) as f64 / 4.0),
            InstanceType::String => self.string(schema),
            InstanceType::Array => self.array(schema, depth),
            InstanceType::Object => self.map(schema, depth),
        }
    }

    fn subschemas(
        &mut self,
        sub: &SubschemaValidation,
        schema: &SchemaObject,
        depth: usize,
    ) -> Value {
        if let Some(all) = &sub.all_of {
            // Merge the objects each part produces (schemars uses allOf for a
            // single `$ref` with extra metadata, and for flattened structs).
            let mut merged = Map::new();
            let mut last = Value::Null;
            for part in all {
                match self.schema(part, depth + 1) {
                    Value::Object(map) => merged.extend(map),
                    other => last = other,
                }
            }
            if let Some(object) = &schema.object
                && let Value::Object(map) = self.map_from(object, depth)
            {
                merged.extend(map);
            }
            return if merged.is_empty() {
                last
            } else {
                Value::Object(merged)
            };
        }
        let choices = sub.any_of.as_ref().or(sub.one_of.as_ref());
        match choices {
            Some(choices) if !choices.is_empty() => {
                let pick = choices[self.rng.usize(..choices.len())].clone();
                self.schema(&pick, depth + 1)
            }
            _ => self.any(depth),
        }
    }

    fn integer(&mut self, schema: &SchemaObject) -> Value {
        let number = schema.number.as_deref();
        let min = number
            .and_then(|n| n.minimum)
            .unwrap_or(match schema.format.as_deref() {
                Some(f) if f.starts_with("uint") => 0.0,
                _ => -100_000.0,
            });
        let max = number.and_then(|n| n.maximum).unwrap_or(100_000.0);
        json!(self.rng.i64(min as i64..=max as i64))
    }

    fn string(&mut self, schema: &SchemaObject) -> Value {
        match schema.format.as_deref() {
            Some("date-time") => json!(format!(
                "20{:02}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
                self.rng.u8(10..40),
                self.rng.u8(1..13),
                self.rng.u8(1..29),
                self.rng.u8(..24),
                self.rng.u8(..60),
                self.rng.u8(..60)
            )),
            _ => json!(self.word()),
        }
    }

    fn array(&mut self, schema: &SchemaObject, depth: usize) -> Value {
        let Some(array) = &schema.array else {
            return json!([]);
        };
        let len = if depth > 4 { 0 } else { self.rng.usize(..4) };
        let items: Vec<Value> = (0..len)
            .map(|_| match &array.items {
                Some(SingleOrVec::Single(item)) => self.schema(item, depth + 1),
                Some(SingleOrVec::Vec(items)) if !items.is_empty() => {
                    let pick = items[self.rng.usize(..items.len())].clone();
                    self.schema(&pick, depth + 1)
                }
                _ => self.any(depth + 1),
            })
            .collect();
        Value::Array(items)
    }

    fn map(&mut self, schema: &SchemaObject, depth: usize) -> Value {
        match &schema.object {
            Some(object) => self.map_from(object, depth),
            None => self.free_map(depth),
        }
    }

    fn map_from(&mut self, object: &schemars::schema::ObjectValidation, depth: usize) -> Value {
        let mut map = Map::new();
        for (name, property) in &object.properties {
            // Optional properties are sometimes absent, as on the wire.
            if object.required.contains(name) || self.rng.bool() {
                map.insert(name.clone(), self.schema(property, depth + 1));
            }
        }
        if object.properties.is_empty()
            && let Some(extra) = &object.additional_properties
        {
            for _ in 0..self.rng.usize(..3) {
                let value = self.schema(extra, depth + 1);
                map.insert(self.key(), value);
            }
        }
        Value::Object(map)
    }

    fn free_map(&mut self, depth: usize) -> Value {
        let mut map = Map::new();
        for _ in 0..self.rng.usize(..3) {
            let value = self.any(depth + 1);
            map.insert(self.key(), value);
        }
        Value::Object(map)
    }

    /// Any JSON at all, bounded in depth.
    fn any(&mut self, depth: usize) -> Value {
        let kinds = if depth > 3 { 4 } else { 6 };
        match self.rng.u8(..kinds) {
            0 => Value::Null,
            1 => Value::Bool(self.rng.bool()),
            2 => json!(self.rng.i64(-1_000_000..1_000_000)),
            3 => json!(self.word()),
            4 => Value::Array(
                (0..self.rng.usize(..3))
                    .map(|_| self.any(depth + 1))
                    .collect(),
            ),
            _ => self.free_map(depth),
        }
    }

    fn key(&mut self) -> String {
        // Customer-defined attribute keys look like this in real orgs.
        let prefixes = ["", "acme:", "x-"];
        format!(
            "{}{}",
            prefixes[self.rng.usize(..prefixes.len())],
            self.word()
        )
    }

    fn word(&mut self) -> String {
        const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789_ -:\"\\";
        let len = self.rng.usize(..12);
        let mut word: String = (0..len)
            .map(|_| ALPHABET[self.rng.usize(..ALPHABET.len())] as char)
            .collect();
        if self.rng.u8(..8) == 0 {
            word.push('é');
        }
        word
    }
}
