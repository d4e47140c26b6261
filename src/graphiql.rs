//! GraphiQL, served from the binary: production builds compiled in
//! (`assets/graphiql/`, with their licences), a page that names no
//! external URL and runs no inline script, so it works offline and under a
//! strict Content-Security-Policy.

use axum::{
    extract::Path,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};

/// The files under `/graphiql/`: name, media type, bytes.
const ASSETS: &[(&str, &str, &[u8])] = &[
    (
        "graphiql.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/graphiql/graphiql.min.js"),
    ),
    (
        "graphiql.min.css",
        "text/css; charset=utf-8",
        include_bytes!("../assets/graphiql/graphiql.min.css"),
    ),
    (
        "react.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/graphiql/react.production.min.js"),
    ),
    (
        "react-dom.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/graphiql/react-dom.production.min.js"),
    ),
    ("init.js", "text/javascript; charset=utf-8", INIT.as_bytes()),
];

const PAGE: &str = r#"<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>coachql · GraphiQL</title>
  <link rel="stylesheet" href="/graphiql/graphiql.min.css">
  <link rel="stylesheet" href="/graphiql/page.css">
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script src="/graphiql/react.production.min.js"></script>
  <script src="/graphiql/react-dom.production.min.js"></script>
  <script src="/graphiql/graphiql.min.js"></script>
  <script src="/graphiql/init.js"></script>
</body>
</html>
"#;

const PAGE_CSS: &str = "html, body, #graphiql { height: 100%; margin: 0; }\n";

const INIT: &str = r##"(function () {
  "use strict";
  var defaultQuery = [
    "# Welcome to coachql. Every request acts in",
    "# one tenant: in Headers below, send",
    "#   \"X-Tenant\": \"insideout\"   (public data) or",
    "#   \"Authorization\": \"Bearer <token>\"",
    "# Get a token with the login mutation",
    "# (demo password: coachql-demo) or",
    "#   cargo run -- token --tenant insideout \\",
    "#     --email leo@learner.example",
    "",
    "{",
    "  courses(first: 5) {",
    "    totalCount",
    "    nodes { id title }",
    "  }",
    "}",
    ""
  ].join("\n");
  // Subscriptions go over a WebSocket to the same /graphql; the Headers
  // below are sent as connection_init's payload.
  var fetcher = GraphiQL.createFetcher({
    url: window.location.origin + "/graphql",
    subscriptionUrl: window.location.origin.replace(/^http/, "ws") + "/graphql"
  });
  ReactDOM.createRoot(document.getElementById("graphiql")).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: defaultQuery,
      defaultHeaders: "{\n  \"X-Tenant\": \"insideout\"\n}",
      defaultEditorToolsVisibility: "headers",
      shouldPersistHeaders: true
    })
  );
})();
"##;

/// The page. Its policy allows only this server's scripts, styles and
/// requests (GraphiQL sets inline styles; fonts and icons are data URLs).
pub fn page() -> Response {
    let mut resp = ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], PAGE).into_response();
    resp.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
             img-src 'self' data:; font-src 'self' data:; connect-src 'self'; \
             frame-ancestors 'none'",
        ),
    );
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    resp
}

/// `GET /graphiql/{file}`.
pub async fn asset(Path(file): Path<String>) -> Response {
    if file == "page.css" {
        return (
            [
                (header::CONTENT_TYPE, "text/css; charset=utf-8"),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            PAGE_CSS,
        )
            .into_response();
    }
    match ASSETS.iter().find(|(name, ..)| *name == file) {
        Some((_, media, bytes)) => (
            [
                (header::CONTENT_TYPE, *media),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            *bytes,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
