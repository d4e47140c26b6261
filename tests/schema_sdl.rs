//! `schema.graphql` is the exported SDL of the built schema.

#[test]
fn schema_graphql_matches_the_built_schema() {
    let built = coachql::build_schema(&coachql::config::Config::default())
        .unwrap()
        .schema
        .sdl();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql");
    if std::env::var("UPDATE_SCHEMA").is_ok() {
        std::fs::write(path, &built).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == built,
        "schema.graphql is out of date: run `cargo run -- schema > schema.graphql` \
         (or UPDATE_SCHEMA=1 cargo test --test schema_sdl)"
    );
}

/// The schema speaks to its users: no description sends a client developer
/// to the sources it was built from (source data models, migrations, design
/// notes). That provenance lives in docs/SCHEMA_MAP.md.
#[test]
fn descriptions_cite_no_sources() {
    let sdl = coachql::build_schema(&coachql::config::Config::default())
        .unwrap()
        .schema
        .sdl();
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql")).unwrap();
    for (what, text) in [("built schema", &sdl), ("schema.graphql", &committed)] {
        let mut found = vec![];
        for (n, line) in text.lines().enumerate() {
            let lower = line.to_lowercase();
            let bytes = lower.as_bytes();
            let word_at = |i: usize| i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
            // "seed", "Seed 001", "seeds'" (not `CourseEdge`).
            let seed = lower.match_indices("seed").any(|(i, _)| word_at(i));
            // A migration's name: `m` and four digits, e.g. m0011.
            let migration = (0..bytes.len().saturating_sub(4)).any(|i| {
                bytes[i] == b'm' && word_at(i) && bytes[i + 1..i + 5].iter().all(u8::is_ascii_digit)
            });
            let cited = ["design.md", "design brief", "§", "(m00"]
                .iter()
                .any(|s| lower.contains(s));
            if seed || cited || migration {
                found.push(format!("{}: {}", n + 1, line.trim()));
            }
        }
        assert!(
            found.is_empty(),
            "{what} cites sources a client cannot follow (move provenance to \
             docs/SCHEMA_MAP.md):\n{}",
            found.join("\n")
        );
    }
}

/// GraphiQL's docs pane explains everything: every type, field, argument,
/// input field and enum value of the schema has a description.
#[tokio::test]
async fn every_type_field_and_argument_is_described() {
    let schema = coachql::build_schema(&coachql::config::Config::default())
        .unwrap()
        .schema;
    let q = r#"{ __schema { types { name description
        fields { name description args { name description } }
        inputFields { name description }
        enumValues { name description } } } }"#;
    let resp = schema.execute(q).await;
    assert!(resp.errors.is_empty(), "{:?}", resp.errors);
    let data = resp.data.into_json().unwrap();
    let blank = |v: &serde_json::Value| {
        v["description"]
            .as_str()
            .is_none_or(|d| d.trim().is_empty())
    };
    let mut missing = vec![];
    for t in data["__schema"]["types"].as_array().unwrap() {
        let name = t["name"].as_str().unwrap();
        if name.starts_with("__") {
            continue;
        }
        if blank(t) && !["String", "Int", "Float", "Boolean", "ID"].contains(&name) {
            missing.push(name.to_owned());
        }
        for f in t["fields"].as_array().into_iter().flatten() {
            let fname = f["name"].as_str().unwrap();
            if blank(f) {
                missing.push(format!("{name}.{fname}"));
            }
            for a in f["args"].as_array().into_iter().flatten() {
                if blank(a) {
                    missing.push(format!("{name}.{fname}({})", a["name"].as_str().unwrap()));
                }
            }
        }
        for key in ["inputFields", "enumValues"] {
            for f in t[key].as_array().into_iter().flatten() {
                if blank(f) {
                    missing.push(format!("{name}.{}", f["name"].as_str().unwrap()));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "{} undescribed: {missing:#?}",
        missing.len()
    );
}

/// Every default value can be printed by graphql-js (`printSchema`,
/// `astFromValue`, GraphiQL's docs): it cannot print an object or a list as
/// a value of a scalar, so no default holds one for `JSON` (or any scalar),
/// at any depth of lists and input objects.
#[test]
fn every_default_value_is_printable_by_graphql_js() {
    use async_graphql::{
        Name, Positioned, Value,
        parser::types::{BaseType, InputValueDefinition, Type, TypeKind, TypeSystemDefinition},
    };
    use std::collections::HashMap;
    type Fields = Vec<Positioned<InputValueDefinition>>;

    let sdl = coachql::build_schema(&coachql::config::Config::default())
        .unwrap()
        .schema
        .sdl();
    let doc = async_graphql::parser::parse_schema(&sdl).unwrap();
    let mut inputs: HashMap<Name, &Fields> = HashMap::new();
    let mut values: Vec<(String, &InputValueDefinition)> = vec![];
    for def in &doc.definitions {
        let TypeSystemDefinition::Type(t) = def else {
            continue;
        };
        let name = &t.node.name.node;
        match &t.node.kind {
            TypeKind::Object(o) => {
                for f in &o.fields {
                    for a in &f.node.arguments {
                        let at = format!("{name}.{}({})", f.node.name.node, a.node.name.node);
                        values.push((at, &a.node));
                    }
                }
            }
            TypeKind::Interface(o) => {
                for f in &o.fields {
                    for a in &f.node.arguments {
                        let at = format!("{name}.{}({})", f.node.name.node, a.node.name.node);
                        values.push((at, &a.node));
                    }
                }
            }
            TypeKind::InputObject(o) => {
                inputs.insert(name.clone(), &o.fields);
                for f in &o.fields {
                    values.push((format!("{name}.{}", f.node.name.node), &f.node));
                }
            }
            _ => {}
        }
    }
    fn printable(v: &Value, ty: &Type, inputs: &HashMap<Name, &Fields>) -> bool {
        match (&ty.base, v) {
            (_, Value::Null) => true,
            (BaseType::List(item), Value::List(items)) => {
                items.iter().all(|i| printable(i, item, inputs))
            }
            (BaseType::List(item), v) => printable(v, item, inputs),
            (BaseType::Named(n), Value::Object(m)) if inputs.contains_key(n) => {
                m.iter().all(|(k, x)| {
                    inputs[n]
                        .iter()
                        .find(|f| f.node.name.node == *k)
                        .is_some_and(|f| printable(x, &f.node.ty.node, inputs))
                })
            }
            // A scalar (`JSON`, …) or enum holding an object or a list.
            (BaseType::Named(_), Value::Object(_) | Value::List(_)) => false,
            _ => true,
        }
    }
    let bad: Vec<String> = values
        .iter()
        .filter(|(_, v)| {
            v.default_value
                .as_ref()
                .is_some_and(|d| !printable(&d.node, &v.ty.node, &inputs))
        })
        .map(|(at, v)| {
            format!(
                "{at}: {} = {}",
                v.ty.node,
                v.default_value.as_ref().unwrap().node
            )
        })
        .collect();
    assert!(bad.is_empty(), "defaults graphql-js cannot print: {bad:#?}");
    // The check sees defaults at all.
    assert!(values.iter().any(|(_, v)| v.default_value.is_some()));
}
