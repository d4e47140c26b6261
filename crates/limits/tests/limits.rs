use limits::{LimitError, Limits, Stats, check, check_json_value};
use serde_json::{Value, json};

fn defaults() -> Limits {
    Limits::default()
}

fn ok(doc: &str) -> Stats {
    check(doc, &defaults()).unwrap_or_else(|e| panic!("{e} for {doc:?}"))
}

/// `{ x(a: {a:{a:...1}}) }` nesting `depth` brackets in all: the selection
/// set, the argument list, and `depth - 2` object values.
fn nested_objects(depth: usize) -> String {
    let inner = depth - 2;
    format!("{{ x(a: {}1{}) }}", "{a:".repeat(inner), "}".repeat(inner))
}

#[test]
fn deep_object_value_is_too_deep() {
    let doc = nested_objects(1500);
    assert!(doc.len() < 7_000);
    assert_eq!(
        check(&doc, &defaults()),
        Err(LimitError::TooDeep { max: 64 })
    );
}

#[test]
fn nesting_limit_is_inclusive() {
    let stats = ok(&nested_objects(64));
    assert_eq!(stats.nesting, 64);
    assert_eq!(stats.fields, 1);
    assert_eq!(
        check(&nested_objects(65), &defaults()),
        Err(LimitError::TooDeep { max: 64 })
    );
}

#[test]
fn every_bracket_kind_counts_towards_nesting() {
    let limits = Limits {
        max_nesting: 5,
        ..defaults()
    };
    // Selection sets.
    assert_eq!(check("{a{b{c{d{e}}}}}", &limits).unwrap().nesting, 5);
    assert!(check("{a{b{c{d{e{f}}}}}}", &limits).is_err());
    // Lists, in a variable's type and default.
    let doc = "query($v: [[[Int]]] = [[[1]]]) { a }";
    assert_eq!(check(doc, &limits).unwrap().nesting, 4);
    let doc = "query($v: [[[[[Int]]]]]) { a }";
    assert_eq!(check(doc, &limits), Err(LimitError::TooDeep { max: 5 }));
    // Unbalanced closers are ignored, not an underflow.
    assert_eq!(check("}}}])) { a }", &limits).unwrap().nesting, 1);
}

#[test]
fn a_megabyte_of_brackets_is_rejected_without_recursion() {
    let doc = "[".repeat(1 << 20);
    assert_eq!(
        check(&doc, &defaults()),
        Err(LimitError::TooLarge { max: 100_000 })
    );
    let big = Limits {
        max_bytes: 2 << 20,
        max_tokens: usize::MAX,
        ..defaults()
    };
    assert_eq!(check(&doc, &big), Err(LimitError::TooDeep { max: 64 }));

    // With no limit on nesting at all, the whole megabyte is nested: on a
    // thread with a 64 KiB stack this only works if nothing recurses.
    let unbounded = Limits {
        max_bytes: usize::MAX,
        max_nesting: usize::MAX,
        max_tokens: usize::MAX,
        max_list_items: usize::MAX,
        max_fields: usize::MAX,
        max_root_fields: usize::MAX,
        ..defaults()
    };
    let docs = [
        doc,
        "{a".repeat(1 << 19),
        "{ x(a: ".to_owned() + &"{a: ".repeat(1 << 18),
    ];
    let nesting = std::thread::Builder::new()
        .stack_size(64 * 1024)
        .spawn(move || docs.map(|d| check(&d, &unbounded).map(|s| s.nesting)))
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(nesting, [Ok(1 << 20), Ok(1 << 19), Ok((1 << 18) + 2)]);
}

/// `fragment Fi on T { a: f { ...F(i-1) } b: f { ...F(i-1) } }`
fn aliased_bomb(levels: usize) -> String {
    let mut doc = format!("query {{ ...F{levels} }}\nfragment F0 on T {{ a b }}\n");
    for i in 1..=levels {
        let p = i - 1;
        doc += &format!("fragment F{i} on T {{ a: f {{ ...F{p} }} b: f {{ ...F{p} }} }}\n");
    }
    doc
}

/// `fragment Fi on T { ...F(i-1) ...F(i-1) }`
fn plain_bomb(levels: usize) -> String {
    let mut doc = format!("{{ ...F{levels} }}\nfragment F0 on T {{ a b }}\n");
    for i in 1..=levels {
        let p = i - 1;
        doc += &format!("fragment F{i} on T {{ ...F{p} ...F{p} }}\n");
    }
    doc
}

#[test]
fn fragment_bomb_with_aliases() {
    let no_alias_limit = Limits {
        max_aliases: usize::MAX,
        ..defaults()
    };
    // F0 has 2 fields; Fi has 2 of its own and two copies of F(i-1).
    let stats = check(&aliased_bomb(3), &no_alias_limit).unwrap();
    assert_eq!(stats.fields, 30);
    assert_eq!(stats.root_fields, 2);
    assert_eq!(stats.aliases, 6);

    let doc = aliased_bomb(30);
    assert_eq!(
        check(&doc, &no_alias_limit),
        Err(LimitError::TooManyFields { max: 5_000 })
    );
    // Under the defaults its 60 aliases give it away first.
    assert_eq!(
        check(&doc, &defaults()),
        Err(LimitError::TooManyAliases { max: 50 })
    );
}

#[test]
fn fragment_bomb_without_aliases() {
    let stats = ok(&plain_bomb(3));
    assert_eq!(stats.fields, 16);
    assert_eq!(stats.root_fields, 16);
    for levels in [22, 30, 64, 200] {
        assert_eq!(
            check(&plain_bomb(levels), &defaults()),
            Err(LimitError::TooManyFields { max: 5_000 }),
            "{levels} levels"
        );
    }
}

#[test]
fn an_unused_bomb_is_rejected_too() {
    let doc = plain_bomb(30).replacen("...F30", "a", 1);
    assert_eq!(
        check(&doc, &defaults()),
        Err(LimitError::TooManyFields { max: 5_000 })
    );
}

#[test]
fn fields_are_summed_over_operations() {
    let limits = Limits {
        max_fields: 4,
        ..defaults()
    };
    assert_eq!(
        check("query A { a b } query B { c d }", &limits)
            .unwrap()
            .fields,
        4
    );
    assert_eq!(
        check("query A { a b } query B { c d e }", &limits),
        Err(LimitError::TooManyFields { max: 4 })
    );
}

#[test]
fn fragment_cycles() {
    let doc = "query { ...A } fragment A on T { a ...B } fragment B on T { b ...A }";
    assert!(matches!(
        check(doc, &defaults()),
        Err(LimitError::FragmentCycle(name)) if name == "A" || name == "B"
    ));
    let doc = "fragment A on T { a { ...A } } { ...A }";
    assert_eq!(
        check(doc, &defaults()),
        Err(LimitError::FragmentCycle("A".into()))
    );
    // Even in fragments no operation uses.
    let doc = "{ a } fragment A on T { ...B } fragment B on T { ...C } fragment C on T { ...A }";
    assert!(matches!(
        check(doc, &defaults()),
        Err(LimitError::FragmentCycle(_))
    ));
    let long = "F".repeat(200);
    let doc = format!("{{ ...{long} }} fragment {long} on T {{ ...{long} }}");
    assert_eq!(
        check(&doc, &defaults()),
        Err(LimitError::FragmentCycle("F".repeat(64)))
    );
}

#[test]
fn spreads_without_cycles_are_fine() {
    // A diamond: D reached twice, each copy counted.
    let doc = "{ ...A ...B } fragment A on T { a ...D } fragment B on T { b ...D } \
               fragment D on T { d e }";
    let stats = ok(doc);
    assert_eq!(stats.fields, 6);
    assert_eq!(stats.root_fields, 6);
    // Unknown fragments count nothing: validation reports them.
    assert_eq!(ok("{ a ...Nowhere }").fields, 1);
}

#[test]
fn duplicate_fragment_names_are_counted_together() {
    let limits = Limits {
        max_fields: 3,
        ..defaults()
    };
    let doc = "{ ...F } fragment F on T { a b } fragment F on T { c d }";
    assert_eq!(
        check(doc, &limits),
        Err(LimitError::TooManyFields { max: 3 })
    );
}

#[test]
fn aliases() {
    let doc = |n: usize| {
        let sels: Vec<String> = (0..n).map(|i| format!("a{i}: f")).collect();
        format!("{{ {} }}", sels.join(" "))
    };
    let limits = Limits {
        max_root_fields: 100,
        ..defaults()
    };
    let stats = check(&doc(50), &limits).unwrap();
    assert_eq!(
        (stats.aliases, stats.fields, stats.root_fields),
        (50, 50, 50)
    );
    assert_eq!(
        check(&doc(51), &limits),
        Err(LimitError::TooManyAliases { max: 50 })
    );
    // An alias with arguments, directives and a sub-selection; `:` in
    // arguments is not an alias.
    let stats = ok("{ x: f(a: 1, b: {c: 2}) @skip(if: false) { y: g } }");
    assert_eq!((stats.aliases, stats.fields, stats.directives), (2, 2, 1));
}

#[test]
fn directives() {
    let doc = |n: usize| format!("query Q @d {{ a {} }}", "@skip(if: false) ".repeat(n - 1));
    let stats = ok(&doc(50));
    assert_eq!((stats.directives, stats.fields), (50, 1));
    assert_eq!(
        check(&doc(51), &defaults()),
        Err(LimitError::TooManyDirectives { max: 50 })
    );
}

#[test]
fn root_fields_through_fragments() {
    let fields: Vec<String> = (0..50).map(|i| format!("f{i} {{ x y }}")).collect();
    let fragment = format!("fragment F on Query {{ {} }}", fields.join(" "));
    let stats = ok(&format!("query {{ ...F }} {fragment}"));
    assert_eq!((stats.root_fields, stats.fields), (50, 150));
    assert_eq!(
        check(&format!("query {{ a ...F }} {fragment}"), &defaults()),
        Err(LimitError::TooManyRootFields { max: 50 })
    );
    // Spread below the root, the fragment's fields are not root fields.
    assert_eq!(
        ok(&format!("query {{ a {{ ...F }} }} {fragment}")).root_fields,
        1
    );

    // Fragments spread at the root of a root-level fragment, and inline
    // fragments at the root, count; nested fields do not.
    let limits = Limits {
        max_root_fields: 4,
        ..defaults()
    };
    let doc = "{ a ...A ... on Query { b c { d } } } fragment A on Query { e { f } ...B } \
               fragment B on Query { g }";
    assert_eq!(
        check(doc, &limits),
        Err(LimitError::TooManyRootFields { max: 4 })
    );
    let limits = Limits {
        max_root_fields: 5,
        ..limits
    };
    let stats = check(doc, &limits).unwrap();
    assert_eq!((stats.root_fields, stats.fields), (5, 7));

    // Every operation is held to the limit on its own.
    let doc = "query A { a b c } query B { d e f }";
    let limits = Limits {
        max_root_fields: 3,
        ..defaults()
    };
    assert_eq!(check(doc, &limits).unwrap().root_fields, 3);
}

#[test]
fn inline_fragments_and_variables_are_not_fields() {
    let doc = r#"
        query Q($a: Int = 1, $b: [String!]! = ["x", "y"], $c: In = {k: [1]}) @dir(x: 1) {
          ... on Query { a b }
          ... @include(if: $a) { c }
          ... { d }
          e(arg: $a, other: ENUM_VALUE, o: {key: value}) {
            ... on X @skip(if: true) { f }
          }
        }
    "#;
    let stats = ok(doc);
    assert_eq!(stats.fields, 6);
    assert_eq!(stats.root_fields, 5);
    assert_eq!(stats.directives, 3);
    assert_eq!(stats.aliases, 0);
    assert_eq!(stats.nesting, 3);
}

#[test]
fn fragment_headers() {
    let doc = "query { ...F ...F } fragment F on T @dir(a: [1, 2]) { x }";
    let stats = ok(doc);
    assert_eq!(
        (stats.fields, stats.directives, stats.root_fields),
        (2, 1, 2)
    );
    let doc = "query Q($v: Int = 1) @dir(a: 1) { ...F } fragment F($w: [Int]) on T { x y }";
    let stats = ok(doc);
    assert_eq!((stats.fields, stats.root_fields), (2, 2));
    // Brackets in a header do not end the definition.
    let doc = plain_bomb(30).replace(" on T {", " on T @include(if: true) {");
    assert_eq!(
        check(&doc, &defaults()),
        Err(LimitError::TooManyFields { max: 5_000 })
    );
    // A fragment named like a keyword.
    assert_eq!(ok("{ ...query } fragment query on T { x y }").fields, 2);
    // `... on` is always an inline fragment.
    assert_eq!(ok("{ ... on { a } }").fields, 1);
}

#[test]
fn strings_and_comments_do_not_count() {
    let doc = r#"
        # { a: b @c ... [[[ "
        query {
          f(s: "{ a: b @c ... [[[ # \" ((", t: """
            { a: b @c ... [[[ # \""" " ""
          """)  # )))
          # }
        }
    "#;
    let stats = ok(doc);
    assert_eq!(stats.fields, 1);
    assert_eq!(stats.aliases, 0);
    assert_eq!(stats.directives, 0);
    assert_eq!(stats.nesting, 2);
    // `query { f ( s : "…" t : """…""" ) }`
    assert_eq!(stats.tokens, 12);
}

#[test]
fn unterminated_strings_stop_the_scan() {
    for doc in [
        "{ a(s: \"abc",
        "{ a(s: \"abc\n[[[[[[[[[",
        "{ a(s: \"\"\"abc \\\"\"\" [[[[",
        "{ a(s: \"abc\\",
    ] {
        let limits = Limits {
            max_nesting: 3,
            ..defaults()
        };
        assert_eq!(check(doc, &limits).unwrap().fields, 1, "{doc:?}");
    }
    // A limit exceeded before the string still counts.
    assert!(
        check(
            "{ a(s: [[[[\"abc",
            &Limits {
                max_nesting: 3,
                ..defaults()
            }
        )
        .is_err()
    );
}

#[test]
fn syntax_errors_are_not_limit_errors() {
    for doc in [
        "",
        "   ",
        "{",
        "}",
        "query",
        "fragment",
        "fragment {",
        "{ a(: ) }",
        "{ ... }",
        "{ a: }",
        "{ @ }",
        "type Query { a: Int }",
        "{ a(x: [1, 2) }",
        "\u{feff}{ é }",
        "{ a } ..",
        "{ ..F }",
    ] {
        assert!(check(doc, &defaults()).is_ok(), "{doc:?}");
    }
}

#[test]
fn list_items() {
    let list = |n: usize| (0..n).map(|i| i.to_string()).collect::<Vec<_>>().join(", ");
    let stats = ok(&format!("{{ a(x: [{}]) }}", list(1_000)));
    assert_eq!(stats.tokens, 1_000 + 9);
    assert_eq!(
        check(&format!("{{ a(x: [{}]) }}", list(1_001)), &defaults()),
        Err(LimitError::ListTooLong { max: 1_000 })
    );
    let limits = Limits {
        max_list_items: 3,
        ..defaults()
    };
    // Items of every kind, each counted once, nested lists on their own.
    let doc = r#"query($v: Int) { a(x: [$v, ENUM, "s"], y: [[1, 2, 3], {k: [1, 2]}, -1.5]) }"#;
    check(doc, &limits).unwrap();
    let doc = r#"{ a(x: [null, true, """s""", {k: 1}]) }"#;
    assert_eq!(check(doc, &limits), Err(LimitError::ListTooLong { max: 3 }));
    // In a variable's default too.
    let doc = "query($v: [Int] = [1 2 3 4]) { a }";
    assert_eq!(check(doc, &limits), Err(LimitError::ListTooLong { max: 3 }));
}

#[test]
fn size_and_tokens() {
    let doc = format!("{{ {} }}", "a ".repeat(60_000));
    assert_eq!(
        check(&doc, &defaults()),
        Err(LimitError::TooLarge { max: 100_000 })
    );
    let doc = format!("{{ {} }}", "a ".repeat(20_000));
    assert_eq!(
        check(&doc, &defaults()),
        Err(LimitError::TooManyTokens { max: 20_000 })
    );
    let limits = Limits {
        max_tokens: 5,
        ..defaults()
    };
    assert_eq!(check("{ a b c }", &limits).unwrap().tokens, 5);
    assert_eq!(
        check("{ a b c d }", &limits),
        Err(LimitError::TooManyTokens { max: 5 })
    );
    assert_eq!(ok("{ a b c }").bytes, 9);
}

#[test]
fn introspection_query_passes_the_defaults() {
    // graphql-js 16 `getIntrospectionQuery()` with its default options.
    let doc = include_str!("../../../tests/fixtures/introspection.graphql");
    let stats = ok(doc);
    // TypeRef: its own set and nine `ofType` sets.
    assert_eq!(stats.nesting, 10);
    assert_eq!(stats.root_fields, 1);
    // TypeRef 2 + 9 * 3 = 29, InputValue 4 + 29 = 33,
    // FullType 18 + 2 * 33 + 3 * 29 = 171, the operation 13 + 171 + 33.
    assert_eq!(stats.fields, 217);
    assert_eq!((stats.aliases, stats.directives), (0, 0));
}

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn fuzz_limits(rng: &mut Rng) -> Limits {
    if rng.below(2) == 0 {
        return defaults();
    }
    let mut small = || rng.below(20);
    Limits {
        max_bytes: small() * 50,
        max_nesting: small(),
        max_tokens: small() * 10,
        max_fields: small(),
        max_aliases: small(),
        max_directives: small(),
        max_root_fields: small(),
        max_list_items: small(),
    }
}

/// Whatever `check` accepts, it accepted within its limits.
fn assert_within(doc: &str, limits: &Limits) {
    if let Ok(s) = check(doc, limits) {
        assert!(s.bytes <= limits.max_bytes, "{doc:?}");
        assert!(s.tokens <= limits.max_tokens, "{doc:?}");
        assert!(s.nesting <= limits.max_nesting, "{doc:?}");
        assert!(s.fields <= limits.max_fields as u64, "{doc:?}");
        assert!(s.aliases <= limits.max_aliases, "{doc:?}");
        assert!(s.directives <= limits.max_directives, "{doc:?}");
        assert!(s.root_fields <= limits.max_root_fields as u64, "{doc:?}");
    }
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..5_000 {
        let len = rng.below(300);
        // Mostly ASCII, with some of everything.
        let bytes: Vec<u8> = (0..len)
            .map(|_| match rng.below(10) {
                0 => rng.next() as u8,
                1 => b"{}[]()\"\\#.@:$\n"[rng.below(14)],
                _ => 0x20 + rng.below(0x5F) as u8,
            })
            .collect();
        let doc = String::from_utf8_lossy(&bytes);
        let limits = fuzz_limits(&mut rng);
        assert_within(&doc, &limits);
    }
}

#[test]
fn random_token_soup_never_panics() {
    const SOUP: &[&str] = &[
        "{",
        "}",
        "(",
        ")",
        "[",
        "]",
        "...",
        "..",
        ".",
        ":",
        "@",
        "$",
        "=",
        "!",
        "|",
        "&",
        "on",
        "query",
        "mutation",
        "fragment",
        "F",
        "G",
        "a",
        "b",
        "x",
        "1",
        "-2.5e3",
        "-",
        "\"s\"",
        "\"",
        "\"\"\"",
        "\"\"\"b\"\"\"",
        "\\",
        "\\\"\"\"",
        "#",
        "\n",
        ",",
        " ",
        "\u{feff}",
        "é",
        "true",
        "null",
    ];
    let mut rng = Rng(42);
    for _ in 0..5_000 {
        let doc: String = (0..rng.below(120))
            .map(|_| SOUP[rng.below(SOUP.len())])
            .collect::<Vec<_>>()
            .join(if rng.below(2) == 0 { " " } else { "" });
        let limits = fuzz_limits(&mut rng);
        assert_within(&doc, &limits);
    }
}

#[test]
fn random_fragment_graphs_never_panic() {
    // Mostly valid documents: fragments spreading others at random, so there
    // are cycles, diamonds, unknown names and duplicates.
    let mut rng = Rng(7);
    for _ in 0..2_000 {
        let n = 1 + rng.below(8);
        let mut doc = String::from("{ ...F0 }\n");
        for _ in 0..n + 2 {
            let i = rng.below(n + 1);
            doc += &format!("fragment F{i} on T {{ a");
            for _ in 0..rng.below(4) {
                let target = rng.below(n + 2);
                doc += &format!(" ...F{target}");
            }
            doc += " }\n";
        }
        let limits = fuzz_limits(&mut rng);
        assert_within(&doc, &limits);
    }
}

fn nested_json(depth: usize) -> Value {
    let mut v = json!(1);
    for i in 0..depth {
        v = if i % 2 == 0 {
            json!([v])
        } else {
            json!({ "k": v })
        };
    }
    v
}

#[test]
fn json_nesting() {
    let limits = defaults();
    assert_eq!(check_json_value(&json!(1), &limits), Ok(()));
    assert_eq!(check_json_value(&json!({}), &limits), Ok(()));
    assert_eq!(check_json_value(&nested_json(64), &limits), Ok(()));
    assert_eq!(
        check_json_value(&nested_json(65), &limits),
        Err(LimitError::TooDeep { max: 64 })
    );
    assert_eq!(
        check_json_value(&nested_json(1_000), &limits),
        Err(LimitError::TooDeep { max: 64 })
    );
    // Depth is that of the deepest branch, not of the total.
    let wide = json!({ "a": nested_json(63), "b": [nested_json(63)], "c": "x" });
    assert_eq!(
        check_json_value(&wide, &limits),
        Err(LimitError::TooDeep { max: 64 })
    );
    let wide = json!({ "a": nested_json(63), "b": nested_json(63) });
    assert_eq!(check_json_value(&wide, &limits), Ok(()));
}

#[test]
fn json_lists() {
    let limits = defaults();
    let list = |n: usize| Value::Array(vec![json!(0); n]);
    assert_eq!(check_json_value(&list(1_000), &limits), Ok(()));
    assert_eq!(
        check_json_value(&list(1_001), &limits),
        Err(LimitError::ListTooLong { max: 1_000 })
    );
    let nested = json!({ "input": { "ids": [list(10), list(1_001)] } });
    assert_eq!(
        check_json_value(&nested, &limits),
        Err(LimitError::ListTooLong { max: 1_000 })
    );
    // Objects with many keys are not lists.
    let map: serde_json::Map<String, Value> =
        (0..2_000).map(|i| (i.to_string(), json!(i))).collect();
    assert_eq!(check_json_value(&Value::Object(map), &limits), Ok(()));
}

/// async-graphql's grammar matches keywords as literals, with no word
/// boundary after them; the scanner reads such documents the same way.
#[test]
fn glued_keywords_are_read_as_async_graphql_reads_them() {
    // `fragmentF1 on T` defines F1: a bomb written that way is still a bomb.
    let doc = plain_bomb(30).replace("fragment F", "fragmentF");
    assert_eq!(
        check(&doc, &defaults()),
        Err(LimitError::TooManyFields { max: 5_000 })
    );
    assert_eq!(ok("queryQ { a } mutationM { b c }").fields, 3);
    assert_eq!(ok("{ ...F } fragmentF on T { a b }").fields, 2);

    // `true`, `false` and `null` glued together are several list items.
    let limits = Limits {
        max_list_items: 3,
        ..defaults()
    };
    assert!(check("{ a(x: [nullnulltrue]) }", &limits).is_ok());
    assert!(check("{ a(x: [$v nullnull x]) }", &limits).is_err());
    assert_eq!(
        check("{ a(x: [nullfalsetruex]) }", &limits),
        Err(LimitError::ListTooLong { max: 3 })
    );
}

/// async-graphql takes `on` for a type condition only when whitespace and then
/// a name follow it; otherwise `...on` spreads a fragment named `on`.
#[test]
fn spread_of_a_fragment_named_on() {
    let fragment = "fragment on on Query { x y }";
    // An inline fragment: `a` is a root field.
    let stats = ok(&format!("{{ ... on T {{ a }} }} {fragment}"));
    assert_eq!((stats.fields, stats.root_fields), (1, 1));
    // A spread of `on`, then a field `T` selecting `a`.
    for spread in ["...on#c\nT", "... on #c\n T"] {
        let stats = ok(&format!("{{ {spread} {{ a }} }} {fragment}"));
        assert_eq!((stats.fields, stats.root_fields), (4, 3), "{spread:?}");
    }
    // So a bomb cannot hide behind it.
    let mut doc = plain_bomb(30).replace("fragment F0 on", "fragment on on");
    doc = doc.replace("...F0 ", "...on#\n");
    assert_eq!(
        check(&doc, &defaults()),
        Err(LimitError::TooManyFields { max: 5_000 })
    );
}
