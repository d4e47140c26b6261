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
