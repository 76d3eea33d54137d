//! `.dockerignore` matching against Docker's own test vectors (moby/patternmatcher
//! `patternmatcher_test.go` and `ignorefile/ignorefile_test.go`), evaluated the way BuildKit's
//! walker does (parents first, `MatchesUsingParentResults`).

use drydock_dockerfile::dockerignore::{read_patterns, DockerIgnore};

#[derive(Clone, Copy, PartialEq, Debug)]
enum Want {
    Fail,
    Exact,
    Inexact,
}
use Want::*;

/// `TestMatches`: (pattern, text, expected). Walker semantics pass for Exact and Inexact.
const MATCHES: &[(&str, &str, Want)] = &[
    ("**", "file", Exact),
    ("**", "file/", Exact),
    ("**/", "file", Exact),
    ("**/", "file/", Exact),
    ("**", "/", Exact),
    ("**/", "/", Exact),
    ("**", "dir/file", Exact),
    ("**/", "dir/file", Exact),
    ("**", "dir/file/", Exact),
    ("**/", "dir/file/", Exact),
    ("**/**", "dir/file", Exact),
    ("**/**", "dir/file/", Exact),
    ("dir/**", "dir/file", Exact),
    ("dir/**", "dir/file/", Exact),
    ("dir/**", "dir/dir2/file", Exact),
    ("dir/**", "dir/dir2/file/", Exact),
    ("**/dir", "dir", Exact),
    ("**/dir", "dir/file", Inexact),
    ("**/dir2/*", "dir/dir2/file", Exact),
    ("**/dir2/*", "dir/dir2/file/", Inexact),
    ("**/dir2/**", "dir/dir2/dir3/file", Exact),
    ("**/dir2/**", "dir/dir2/dir3/file/", Exact),
    ("**file", "file", Exact),
    ("**file", "dir/file", Exact),
    ("**/file", "dir/file", Exact),
    ("**file", "dir/dir/file", Exact),
    ("**/file", "dir/dir/file", Exact),
    ("**/file*", "dir/dir/file", Exact),
    ("**/file*", "dir/dir/file.txt", Exact),
    ("**/file*txt", "dir/dir/file.txt", Exact),
    ("**/file*.txt", "dir/dir/file.txt", Exact),
    ("**/file*.txt*", "dir/dir/file.txt", Exact),
    ("**/**/*.txt", "dir/dir/file.txt", Exact),
    ("**/**/*.txt2", "dir/dir/file.txt", Fail),
    ("**/*.txt", "file.txt", Exact),
    ("**/**/*.txt", "file.txt", Exact),
    ("a**/*.txt", "a/file.txt", Exact),
    ("a**/*.txt", "a/dir/file.txt", Exact),
    ("a**/*.txt", "a/dir/dir/file.txt", Exact),
    ("a/*.txt", "a/dir/file.txt", Fail),
    ("a/*.txt", "a/file.txt", Exact),
    ("a/*.txt**", "a/file.txt", Exact),
    ("a[b-d]e", "ae", Fail),
    ("a[b-d]e", "ace", Exact),
    ("a[b-d]e", "aae", Fail),
    ("a[^b-d]e", "aze", Exact),
    (".*", ".foo", Exact),
    (".*", "foo", Fail),
    ("abc.def", "abcdef", Fail),
    ("abc.def", "abc.def", Exact),
    ("abc.def", "abcZdef", Fail),
    ("abc?def", "abcZdef", Exact),
    ("abc?def", "abcdef", Fail),
    ("**/foo/bar", "foo/bar", Exact),
    ("**/foo/bar", "dir/foo/bar", Exact),
    ("**/foo/bar", "dir/dir2/foo/bar", Exact),
    ("abc/**", "abc", Fail),
    ("abc/**", "abc/def", Exact),
    ("abc/**", "abc/def/ghi", Exact),
    ("**/.foo", ".foo", Exact),
    ("**/.foo", "bar.foo", Fail),
    ("a(b)c/def", "a(b)c/def", Exact),
    ("a(b)c/def", "a(b)c/xyz", Fail),
    ("a.|)$(}+{bc", "a.|)$(}+{bc", Exact),
    (
        "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
        "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
        Exact,
    ),
    (
        "dist/*.whl",
        "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
        Exact,
    ),
    // Unix-only cases.
    ("a\\\\", "a\\", Exact),
    ("a\\*b", "a*b", Exact),
];

/// `multiPatternTests`.
const MULTI: &[(&[&str], &str, Want)] = &[
    (&["**", "!util/docker/web"], "util/docker/web/foo", Fail),
    (
        &["**", "!util/docker/web", "util/docker/web/foo"],
        "util/docker/web/foo",
        Exact,
    ),
    (
        &[
            "**",
            "!dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
        ],
        "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
        Fail,
    ),
    (
        &["**", "!dist/*.whl"],
        "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
        Fail,
    ),
];

#[test]
fn docker_match_vectors() {
    for (pattern, text, want) in MATCHES {
        let di = DockerIgnore::from_patterns(&[pattern]);
        assert!(di.errors().is_empty(), "{pattern}: {:?}", di.errors());
        assert_eq!(
            di.is_excluded(text),
            *want != Fail,
            "pattern={pattern:?} text={text:?}"
        );
    }
}

#[test]
fn docker_multi_pattern_vectors() {
    for (patterns, text, want) in MULTI {
        let di = DockerIgnore::from_patterns(patterns);
        assert_eq!(
            di.is_excluded(text),
            *want != Fail,
            "patterns={patterns:?} text={text:?}"
        );
    }
}

/// `TestMatch` (Go's filepath.Match table run through the pattern matcher).
#[test]
fn docker_filepath_vectors() {
    let ok: &[(&str, &str, bool)] = &[
        ("abc", "abc", true),
        ("*", "abc", true),
        ("*c", "abc", true),
        ("a*", "a", true),
        ("a*", "abc", true),
        ("a*", "ab/c", true),
        ("a*/b", "abc/b", true),
        ("a*/b", "a/c/b", false),
        ("a*b*c*d*e*/f", "axbxcxdxe/f", true),
        ("a*b*c*d*e*/f", "axbxcxdxexxx/f", true),
        ("a*b*c*d*e*/f", "axbxcxdxe/xxx/f", false),
        ("a*b*c*d*e*/f", "axbxcxdxexxx/fff", false),
        ("a*b?c*x", "abxbbxdbxebxczzx", true),
        ("a*b?c*x", "abxbbxdbxebxczzy", false),
        ("ab[c]", "abc", true),
        ("ab[b-d]", "abc", true),
        ("ab[e-g]", "abc", false),
        ("ab[^c]", "abc", false),
        ("ab[^b-d]", "abc", false),
        ("ab[^e-g]", "abc", true),
        ("a\\*b", "a*b", true),
        ("a\\*b", "ab", false),
        ("a?b", "a☺b", true),
        ("a[^a]b", "a☺b", true),
        ("a???b", "a☺b", false),
        ("a[^a][^a][^a]b", "a☺b", false),
        ("[a-ζ]*", "α", true),
        ("*[a-ζ]", "A", false),
        ("a?b", "a/b", false),
        ("a*b", "a/b", false),
        ("[\\]a]", "]", true),
        ("[\\-]", "-", true),
        ("[x\\-]", "x", true),
        ("[x\\-]", "-", true),
        ("[x\\-]", "z", false),
        ("[\\-x]", "x", true),
        ("[\\-x]", "-", true),
        ("[\\-x]", "a", false),
        ("*x", "xxx", true),
    ];
    for (pattern, text, want) in ok {
        let di = DockerIgnore::from_patterns(&[pattern]);
        assert!(di.errors().is_empty(), "{pattern}: {:?}", di.errors());
        assert_eq!(di.is_excluded(text), *want, "Match({pattern:?}, {text:?})");
    }
    let bad = [
        "[]a]", "[-]", "[x-]", "[-x]", "\\", "[a-b-c]", "[", "[^", "[^bc", "a[",
    ];
    for pattern in bad {
        let di = DockerIgnore::from_patterns(&[pattern]);
        assert_eq!(di.errors().len(), 1, "{pattern} should be rejected");
        assert!(!di.is_excluded("a"));
    }
}

#[test]
fn single_exclamation_is_an_error() {
    let di = DockerIgnore::from_patterns(&["!"]);
    assert!(di.errors()[0].contains("illegal exclusion pattern"));
    let di = DockerIgnore::parse("docs\n  !docs/README.md  \n");
    assert!(di.has_exclusions());
    assert!(di.errors().is_empty());
}

#[test]
fn the_context_root_is_never_excluded() {
    let di = DockerIgnore::from_patterns(&["*.go", "**"]);
    assert!(!di.is_excluded("."));
    assert!(!di.is_excluded(""));
    assert!(DockerIgnore::from_patterns::<&str>(&[]).is_empty());
}

#[test]
fn folder_exclusions_with_exceptions() {
    for patterns in [
        &["docs", "!docs/README.md"][..],
        &["docs/", "!docs/README.md"],
        &["docs/*", "!docs/README.md"],
    ] {
        let di = DockerIgnore::from_patterns(patterns);
        assert!(!di.is_excluded("docs/README.md"), "{patterns:?}");
        assert!(di.is_excluded("docs/other.md"), "{patterns:?}");
    }
    let di = DockerIgnore::from_patterns(&["!fileutils.go", "*.go"]);
    assert!(di.is_excluded("fileutils.go"));
    let di = DockerIgnore::from_patterns(&["*.go", "!fileutils.go"]);
    assert!(!di.is_excluded("fileutils.go"));
}

#[test]
fn read_all_like_docker() {
    let content =
        "test1\n/test2\n/a/file/here\n\nlastfile\n# this is a comment\n! /inverted/abs/path\n!\n! ";
    assert_eq!(
        read_patterns(content),
        [
            "test1",
            "test2",
            "a/file/here",
            "lastfile",
            "!inverted/abs/path",
            "!",
            "!"
        ]
    );
    // BOM, CRLF, indented `#` is a pattern (comments only start at column 0), Clean.
    assert_eq!(
        read_patterns("\u{feff}a\r\n  #b\r\nc/../d/./e/\r\n"),
        ["a", "#b", "d/e"]
    );
}

#[test]
fn typical_dockerignore() {
    let di = DockerIgnore::parse(
        "# secrets\n.env\n.env.*\n!.env.example\n**/*.pem\n.git\nnode_modules\n*\n!src\n!package.json\nsrc/**/*.test.js\n",
    );
    assert!(di.errors().is_empty());
    for p in [
        ".env",
        ".env.local",
        "certs/server.pem",
        ".git/config",
        "README.md",
        "node_modules/x/y.js",
        "src/a/b.test.js",
    ] {
        assert!(di.is_excluded(p), "{p} should be excluded");
    }
    for p in ["src/main.js", "src/a/b.js", "package.json"] {
        assert!(!di.is_excluded(p), "{p} should be included");
    }
    // `*` comes after `!.env.example`, so the example file is excluded again.
    assert!(di.is_excluded(".env.example"));
}

#[test]
fn exception_inside_excluded_directory() {
    let di = DockerIgnore::parse("build\n!build/keep/**\n");
    assert!(di.is_excluded("build/tmp/x"));
    assert!(!di.is_excluded("build/keep/a/b"));
    // Matching against the walker's parent results gives the same answers.
    let (_, build) = di.matches_using_parent("build", None);
    let (_, keep) = di.matches_using_parent("build/keep", Some(&build));
    assert!(!di.matches_using_parent("build/keep/a", Some(&keep)).0);
}

#[test]
fn leading_slash_and_dot_slash_in_queries() {
    let di = DockerIgnore::parse("/secrets\n");
    assert!(di.is_excluded("secrets/key"));
    assert!(di.is_excluded("./secrets/key"));
    assert!(di.is_excluded("/secrets"));
    assert!(!di.is_excluded("app/secrets"));
}

#[test]
fn no_panic_on_arbitrary_patterns() {
    // Deterministic fuzz: odd patterns are either accepted or reported, never a panic.
    let alphabet: Vec<char> = "ab/.*?[]^-\\!é\u{30c4} #".chars().collect();
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    // Few iterations: every pattern compiles a regex, slow in debug builds.
    for _ in 0..300 {
        let mut pick = |n: u64| {
            let len = (next() % n) as usize;
            (0..len)
                .map(|_| alphabet[(next() as usize) % alphabet.len()])
                .collect::<String>()
        };
        let text = format!("{}\n{}\n{}", pick(12), pick(12), pick(8));
        let path = pick(16);
        let di = DockerIgnore::parse(&text);
        let _ = di.is_excluded(&path);
        let _ = drydock_dockerfile::dockerignore::filepath_match(&pick(10), &path);
    }
}
