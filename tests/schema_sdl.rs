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
