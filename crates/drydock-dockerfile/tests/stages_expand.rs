//! Variable expansion against BuildKit's own vectors (`frontend/dockerfile/shell/lex_test.go`:
//! `TestProcessWithMatches`, `TestShellParserMandatoryEnvVars`, `TestProcessWithMatchesPlatform`)
//! plus quoting/escaping cases that follow from `lex.go`.

use std::collections::BTreeMap;

use drydock_dockerfile::expand::{expand_full, expand_word, expand_words, ExpandOptions};

struct Case {
    input: &'static str,
    envs: &'static [(&'static str, &'static str)],
    /// `None`: an error is expected.
    expected: Option<&'static str>,
    matches: &'static [&'static str],
    unmatched: &'static [&'static str],
}

const fn ok(
    input: &'static str,
    envs: &'static [(&'static str, &'static str)],
    expected: &'static str,
    matches: &'static [&'static str],
    unmatched: &'static [&'static str],
) -> Case {
    Case {
        input,
        envs,
        expected: Some(expected),
        matches,
        unmatched,
    }
}

const fn err(input: &'static str, envs: &'static [(&'static str, &'static str)]) -> Case {
    Case {
        input,
        envs,
        expected: None,
        matches: &[],
        unmatched: &[],
    }
}

const FB: &[(&str, &str)] = &[("FOO", "xxx"), ("BAR", "")];

const CASES: &[Case] = &[
    ok("x", &[("DUMMY", "dummy")], "x", &[], &[]),
    ok("x ${UNUSED}", &[("DUMMY", "dummy")], "x ", &[], &["UNUSED"]),
    ok("x ${FOO}", &[("FOO", "y")], "x y", &["FOO"], &[]),
    ok(
        "${FOO-aaa} ${BAR-bbb} ${BAZ-ccc}",
        FB,
        "xxx  ccc",
        &["BAR", "FOO"],
        &["BAZ"],
    ),
    ok(
        "${FOO:-aaa} ${BAR:-bbb} ${BAZ:-ccc}",
        FB,
        "xxx bbb ccc",
        &["BAR", "FOO"],
        &["BAZ"],
    ),
    ok("${FOO:-}", FB, "xxx", &["FOO"], &[]),
    ok("${FOO:-}", &[], "", &[], &["FOO"]),
    ok(
        "${FOO+aaa} ${BAR+bbb} ${BAZ+ccc}",
        FB,
        "aaa bbb ",
        &["BAR", "FOO"],
        &["BAZ"],
    ),
    ok(
        "${FOO:+aaa} ${BAR:+bbb} ${BAZ:+ccc}",
        FB,
        "aaa  ",
        &["BAR", "FOO"],
        &["BAZ"],
    ),
    ok("${FOO?aaa}", FB, "xxx", &["FOO"], &[]),
    ok("${BAR?bbb}", FB, "", &["BAR"], &[]),
    err("${BAZ?ccc}", FB),
    ok("${FOO:?aaa}", FB, "xxx", &["FOO"], &[]),
    err("${BAR:?bbb}", FB),
    err("${BAZ:?ccc}", FB),
    err("${BAZ:?}", FB),
    err("${FOO=aaa}", FB),
    err("${FOO=:aaa}", FB),
    err("${FOO=}", &[]),
    ok(
        "${FOO#()[]{\\}^$.\\*\\?|\\\\}",
        &[("FOO", "()[]{}^$.*?|\\x")],
        "x",
        &["FOO"],
        &[],
    ),
    ok("${FOO%%\\**}", &[("FOO", "xx**")], "xx", &["FOO"], &[]),
    ok("${FOO#*x*y}", &[("FOO", "xxyy")], "y", &["FOO"], &[]),
    ok("${FOO#*}", &[("FOO", "xxyy")], "xxyy", &["FOO"], &[]),
    ok(
        "${FOO#$BAR}",
        &[("FOO", "xxyy"), ("BAR", "x")],
        "xyy",
        &["BAR", "FOO"],
        &[],
    ),
    ok(
        "${FOO#$BAR}",
        &[("FOO", "xxyy"), ("BAR", "")],
        "xxyy",
        &["BAR", "FOO"],
        &[],
    ),
    ok("${FOO#}", &[("FOO", "xxyy")], "xxyy", &["FOO"], &[]),
    ok("${FOO##*x}", &[("FOO", "xxyy")], "yy", &["FOO"], &[]),
    ok("${FOO##}", &[("FOO", "xxyy")], "xxyy", &["FOO"], &[]),
    ok("${FOO#?\\?}", &[("FOO", "???y")], "?y", &["FOO"], &[]),
    ok(
        "${ABC:-.}${FOO%x}${ABC:-.}",
        &[("FOO", "xxyy")],
        ".xxyy.",
        &["FOO"],
        &["ABC"],
    ),
    ok("${FOO%%\\**\\*}", &[("FOO", "a***yy*")], "a", &["FOO"], &[]),
    ok("${FOO%}", &[("FOO", "xxyy")], "xxyy", &["FOO"], &[]),
    ok(
        "${FOO%%$BAR}",
        &[("FOO", "xxyy"), ("BAR", "")],
        "xxyy",
        &["BAR", "FOO"],
        &[],
    ),
    ok(
        "${FOO/$NEEDLE/.} - ${FOO//$NEEDLE/.}",
        &[("FOO", "/foo*/*/*.txt"), ("NEEDLE", "\\*/")],
        "/foo.*/*.txt - /foo..*.txt",
        &["FOO", "NEEDLE"],
        &[],
    ),
    ok(
        "${FOO/$NEEDLE/} - ${FOO//$NEEDLE/}",
        &[("FOO", "/tmp/tmp/bar.txt"), ("NEEDLE", "/tmp")],
        "/tmp/bar.txt - /bar.txt",
        &["FOO", "NEEDLE"],
        &[],
    ),
    ok(
        "${FOO/$NEEDLE/$REPLACEMENT} - ${FOO//$NEEDLE/$REPLACEMENT}",
        &[
            ("FOO", "/a/foo/b/c.txt"),
            ("NEEDLE", "/?/"),
            ("REPLACEMENT", "/"),
        ],
        "/foo/b/c.txt - /foo/c.txt",
        &["FOO", "NEEDLE", "REPLACEMENT"],
        &[],
    ),
    ok(
        "${FOO/$NEEDLE/$REPLACEMENT}",
        &[
            ("FOO", "http://google.de"),
            ("NEEDLE", "http://"),
            ("REPLACEMENT", "https://"),
        ],
        "https://google.de",
        &["FOO", "NEEDLE", "REPLACEMENT"],
        &[],
    ),
    ok(
        "${FOO//\\//\\/}",
        &[("FOO", "/tmp/foo.txt")],
        "\\/tmp\\/foo.txt",
        &["FOO"],
        &[],
    ),
    ok(
        "${FOO/$BAR/ww}",
        &[("FOO", "xxyy"), ("BAR", "")],
        "wwxxyy",
        &["BAR", "FOO"],
        &[],
    ),
    err("${FOO//ww}", &[("FOO", "xxyy")]),
    err("${FOO//}", &[("FOO", "xxyy")]),
    ok("${FOO///}", &[("FOO", "xxyy")], "xxyy", &["FOO"], &[]),
    ok("${FOO///}", &[], "", &[], &["FOO"]),
];

fn map(envs: &[(&str, &str)]) -> BTreeMap<String, String> {
    envs.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn buildkit_process_with_matches() {
    for c in CASES {
        let env = map(c.envs);
        let r = expand_full(
            c.input,
            &|k| env.get(k).cloned(),
            '\\',
            ExpandOptions::default(),
        );
        match c.expected {
            None => assert!(r.is_err(), "{:?} should fail, got {r:?}", c.input),
            Some(want) => {
                let r = r.unwrap_or_else(|e| panic!("{:?}: {e}", c.input));
                assert_eq!(r.result, want, "{:?}", c.input);
                assert_eq!(r.matched, c.matches, "matched for {:?}", c.input);
                assert_eq!(r.unresolved, c.unmatched, "unmatched for {:?}", c.input);
            }
        }
    }
}

#[test]
fn buildkit_mandatory_env_vars() {
    let set = map(&[("VAR", "plain"), ("ARG", "x")]);
    let empty = map(&[("VAR", ""), ("ARG", "x")]);
    let unset = map(&[("ARG", "x")]);
    let run = |w: &str, e: &BTreeMap<String, String>| expand_word(w, &|k| e.get(k).cloned(), '\\');
    let no_empty = "${VAR:?message here$ARG}";
    let no_unset = "${VAR?message here$ARG}";
    assert_eq!(run(no_empty, &set).unwrap(), "plain");
    assert!(run(no_empty, &empty)
        .unwrap_err()
        .to_string()
        .contains("message herex"));
    assert!(run(no_empty, &unset)
        .unwrap_err()
        .to_string()
        .contains("message herex"));
    assert_eq!(run(no_unset, &set).unwrap(), "plain");
    assert_eq!(run(no_unset, &empty).unwrap(), "");
    assert!(run(no_unset, &unset)
        .unwrap_err()
        .to_string()
        .contains("message herex"));
}

#[test]
fn buildkit_release_name_pattern() {
    let release =
        "something-${VERSION}.${TARGETOS}-${TARGETARCH}${TARGETVARIANT:+-${TARGETVARIANT}}.tar.gz";
    let env = map(&[
        ("VERSION", "v1.2.3"),
        ("TARGETOS", "linux"),
        ("TARGETARCH", "arm"),
        ("TARGETVARIANT", "v7"),
    ]);
    let r = expand_full(
        release,
        &|k| env.get(k).cloned(),
        '\\',
        ExpandOptions::default(),
    )
    .unwrap();
    assert_eq!(r.result, "something-v1.2.3.linux-arm-v7.tar.gz");
    assert_eq!(
        r.matched,
        ["TARGETARCH", "TARGETOS", "TARGETVARIANT", "VERSION"]
    );
    assert!(r.unresolved.is_empty());
    let env = map(&[
        ("VERSION", "v1.2.3"),
        ("TARGETOS", "linux"),
        ("TARGETARCH", "amd64"),
    ]);
    let r = expand_full(
        release,
        &|k| env.get(k).cloned(),
        '\\',
        ExpandOptions::default(),
    )
    .unwrap();
    assert_eq!(r.result, "something-v1.2.3.linux-amd64.tar.gz");
    assert_eq!(r.unresolved, ["TARGETVARIANT"]);
}

#[test]
fn quoting_and_escapes_follow_lex_go() {
    let env = map(&[("PWD", "/home"), ("KOREAN", "한국어"), ("NULL", "")]);
    let run = |w: &str| expand_word(w, &|k| env.get(k).cloned(), '\\');
    for (input, want) in [
        ("hello", "hello"),
        ("he'll'o", "hello"),
        ("he\\'llo", "he'llo"),
        ("abc\\tdef", "abctdef"),
        ("\"abc\\tdef\"", "abc\\tdef"),
        ("\"abc\\\\tdef\"", "abc\\tdef"),
        ("'abc\\tdef'", "abc\\tdef"),
        ("hello\\", "hello"),
        ("hello\\\\", "hello\\"),
        ("\"hel'lo\"", "hel'lo"),
        ("'hello\\'", "hello\\"),
        ("\"''\"", "''"),
        ("$.", "$."),
        ("he$1x", "hex"),
        ("he$.x", "he$.x"),
        ("he$PWD", "he/home"),
        ("he\\$PWD", "he$PWD"),
        ("he\\\\$PWD", "he\\/home"),
        ("\"he\\$PWD\"", "he$PWD"),
        ("'he$PWD'", "he$PWD"),
        ("${KOREAN}", "한국어"),
        ("안녕${KOREAN}", "안녕한국어"),
        ("x${NULL}y", "xy"),
    ] {
        assert_eq!(run(input).unwrap(), want, "{input:?}");
    }
    for bad in [
        "he'llo",
        "he\\\\'llo",
        "\"hello",
        "\"hello\\\"",
        "'hello",
        "${PWD",
        "${PWD:2}",
    ] {
        assert!(run(bad).is_err(), "{bad:?} should fail");
    }
}

#[test]
fn words_follow_lex_go() {
    let env = map(&[("A", "x y"), ("E", "")]);
    let run = |w: &str| expand_words(w, &|k| env.get(k).cloned(), '\\').unwrap();
    assert_eq!(run("a b  c"), ["a", "b", "c"]);
    assert_eq!(run("'a b' c"), ["a b", "c"]);
    assert_eq!(run("\"$A\" $A"), ["x y", "x", "y"]);
    assert_eq!(run("pre$A"), ["prex", "y"]);
    assert_eq!(run("a\\ b"), ["a b"]);
    assert_eq!(run("$E x"), ["x"]);
    assert_eq!(run("\"\""), Vec::<String>::new());
}

#[test]
fn no_panic_on_arbitrary_input() {
    // A small deterministic fuzz: every byte soup must yield Ok or Err, never panic or hang.
    let alphabet: Vec<char> = "${}:-+?#%/\\'\"` aZ_9*[]().é".chars().collect();
    let env = map(&[("a", "va"), ("Z", "x*y")]);
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..3000 {
        let mut s = String::new();
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let len = (seed % 24) as usize;
        for i in 0..len {
            let k = (seed.rotate_left(i as u32 * 5) as usize) % alphabet.len();
            s.push(alphabet[k]);
        }
        for esc in ['\\', '`'] {
            let _ = expand_full(&s, &|k| env.get(k).cloned(), esc, ExpandOptions::default());
            let _ = expand_full(
                &s,
                &|k| env.get(k).cloned(),
                esc,
                ExpandOptions {
                    raw_quotes: true,
                    raw_escapes: true,
                    skip_process_quotes: true,
                    skip_unset_env: true,
                },
            );
        }
    }
}
