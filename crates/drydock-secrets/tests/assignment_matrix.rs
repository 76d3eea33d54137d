//! The generic assignment detector across file syntaxes: every syntax × secret-named key
//! form × value shape must be found (at low or above) at the value; placeholders, references,
//! empty values and look-alike keys in the same syntaxes must not. Values are generated here
//! (seeded), not copied from anywhere.

use drydock_core::Severity;
use drydock_secrets::{Engine, ScanContext};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn from(&mut self, alphabet: &[u8], n: usize) -> String {
        (0..n)
            .map(|_| alphabet[self.below(alphabet.len())] as char)
            .collect()
    }
}

const UPPER: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LOWER: &[u8] = b"abcdefghijklmnopqrstuvwxyz";
const DIGIT: &[u8] = b"0123456789";
const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const HEX: &[u8] = b"0123456789abcdef";
/// Symbols that need no escaping in any of the syntaxes below (no quotes, `#`, `$`, `<&>`).
const SYMBOLS: &[u8] = b"!%*+-.?@^_~";
const WORDS: &[&str] = &[
    "Velvet", "Orbit", "Canyon", "Maple", "Quartz", "Falcon", "Ember", "Harbor", "Nimbus",
    "Juniper", "Cobalt", "Saffron", "Lantern", "Meadow",
];

#[derive(Clone, Copy, Debug)]
enum Shape {
    Alnum,
    Base64,
    Hex,
    Symbols,
    Passphrase,
}

fn value(r: &mut Rng, shape: Shape) -> String {
    // Every shape starts with a letter and has the character classes of its kind.
    let mut v = match shape {
        Shape::Alnum => {
            let n = 20 + r.below(13);
            format!(
                "{}{}{}{}",
                r.from(UPPER, 1),
                r.from(DIGIT, 1),
                r.from(LOWER, 1),
                r.from(ALNUM, n - 3)
            )
        }
        // Padded or not: `=` must not read as an operator or a type annotation's end.
        Shape::Base64 => format!(
            "{}{}{}{}",
            r.from(UPPER, 1),
            r.from(B64, 37),
            r.from(DIGIT, 1),
            ["", "=", "=="][r.below(3)]
        ),
        Shape::Hex => {
            let n = [32, 40, 64][r.below(3)];
            format!("{}{}", r.from(b"abcdef", 1), r.from(HEX, n - 1))
        }
        Shape::Symbols => {
            let mut s = format!("{}{}", r.from(LOWER, 1), r.from(DIGIT, 1));
            for _ in 0..14 {
                let set = if r.below(4) == 0 { SYMBOLS } else { ALNUM };
                s.push_str(&r.from(set, 1));
            }
            s.push_str(&r.from(SYMBOLS, 1));
            s.push_str(&r.from(UPPER, 1));
            s
        }
        Shape::Passphrase => {
            let sep = ["-", ".", "_"][r.below(3)];
            let mut parts: Vec<String> = (0..3)
                .map(|_| WORDS[r.below(WORDS.len())].to_string())
                .collect();
            parts.push(r.from(DIGIT, 4));
            parts.join(sep)
        }
    };
    v.truncate(80);
    v
}

/// A secret-named key in the naming conventions of the syntaxes.
struct Key {
    words: [&'static str; 2],
}
impl Key {
    fn upper(&self) -> String {
        self.words.map(|w| w.to_ascii_uppercase()).join("_")
    }
    fn snake(&self) -> String {
        self.words.join("_")
    }
    fn camel(&self) -> String {
        format!("{}{}", self.words[0], cap(self.words[1]))
    }
    fn pascal(&self) -> String {
        format!("{}{}", cap(self.words[0]), cap(self.words[1]))
    }
    fn dotted(&self) -> String {
        self.words.join(".")
    }
    fn kebab(&self) -> String {
        self.words.join("-")
    }
}

fn cap(w: &str) -> String {
    let mut c = w.chars();
    c.next()
        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
        .unwrap_or_default()
}

const KEYS: &[Key] = &[
    Key {
        words: ["db", "password"],
    },
    Key {
        words: ["api", "key"],
    },
    Key {
        words: ["auth", "token"],
    },
    Key {
        words: ["client", "secret"],
    },
    Key {
        words: ["smtp", "passwd"],
    },
    Key {
        words: ["signing", "key"],
    },
];

type Template = fn(&Key, &str) -> String;

/// (syntax, path the file would have, template)
fn syntaxes() -> Vec<(&'static str, &'static str, Template)> {
    vec![
        ("env", "app/.env", |k, v| format!("{}={v}\n", k.upper())),
        ("shell export", "run.sh", |k, v| {
            format!("export {}=\"{v}\"\n", k.upper())
        }),
        ("yaml", "config.yaml", |k, v| {
            format!("app:\n  {}: {v}\n", k.snake())
        }),
        ("yaml quoted", "config.yml", |k, v| {
            format!("{}: \"{v}\"\n", k.camel())
        }),
        ("yaml block", "values.yaml", |k, v| {
            format!("db:\n  {}: |-\n    {v}\n", k.snake())
        }),
        ("json", "settings.json", |k, v| {
            format!("{{\n  \"{}\": \"{v}\"\n}}\n", k.camel())
        }),
        ("toml", "config.toml", |k, v| {
            format!("[db]\n{} = \"{v}\"\n", k.snake())
        }),
        ("ini", "app.ini", |k, v| {
            format!("[server]\n{}={v}\n", k.snake())
        }),
        ("windows reg", "settings.reg", |k, v| {
            format!(
                "[HKEY_LOCAL_MACHINE\\Software\\App]\n\"{}\"=\"{v}\"\n",
                k.pascal()
            )
        }),
        ("properties =", "application.properties", |k, v| {
            format!("app.{}={v}\n", k.dotted())
        }),
        ("properties :", "application.properties", |k, v| {
            format!("app.{}:{v}\n", k.dotted())
        }),
        ("properties space", "application.properties", |k, v| {
            format!("app.{} {v}\n", k.dotted())
        }),
        ("xml element", "settings.xml", |k, v| {
            format!("<server>\n  <{0}>{v}</{0}>\n</server>\n", k.camel())
        }),
        ("xml attribute", "web.config", |k, v| {
            format!("<add name=\"db\" {}=\"{v}\" />\n", k.camel())
        }),
        ("go var", "main.go", |k, v| {
            format!("var {} string = \"{v}\"\n", k.camel())
        }),
        ("go := raw", "main.go", |k, v| {
            format!("\t{} := `{v}`\n", k.camel())
        }),
        ("go struct", "main.go", |k, v| {
            format!("cfg := Config{{\n\t{}: \"{v}\",\n}}\n", k.pascal())
        }),
        ("makefile ?=", "Makefile", |k, v| {
            format!("{} ?= {v}\n", k.upper())
        }),
        ("makefile ::=", "Makefile", |k, v| {
            format!("{} ::= {v}\n", k.upper())
        }),
        ("makefile :::=", "Makefile", |k, v| {
            format!("{} :::= {v}\n", k.upper())
        }),
        ("makefile +=", "Makefile", |k, v| {
            format!("{} += {v}\n", k.upper())
        }),
        ("java setProperty", "Main.java", |k, v| {
            format!("System.setProperty(\"{}\", \"{v}\");\n", k.upper())
        }),
        ("java field", "Main.java", |k, v| {
            format!("private static final String {} = \"{v}\";\n", k.upper())
        }),
        ("php var", "index.php", |k, v| {
            format!("${} = '{v}';\n", k.camel())
        }),
        ("php .=", "index.php", |k, v| {
            format!("${} .= \"{v}\";\n", k.camel())
        }),
        ("php define", "config.php", |k, v| {
            format!("define('{}', '{v}');\n", k.upper())
        }),
        ("php array", "config.php", |k, v| {
            format!("return [\n    '{}' => '{v}',\n];\n", k.snake())
        }),
        ("python", "settings.py", |k, v| {
            format!("{} = '{v}'\n", k.snake())
        }),
        ("python annotated", "settings.py", |k, v| {
            format!("{}: str = \"{v}\"\n", k.upper())
        }),
        ("ruby rocket", "config.rb", |k, v| {
            format!("opts = {{ :{} => '{v}' }}\n", k.snake())
        }),
        ("ruby hash", "config.rb", |k, v| {
            format!("opts = {{ {}: '{v}' }}\n", k.snake())
        }),
        ("ruby ENV", "config.rb", |k, v| {
            format!("ENV['{}'] = '{v}'\n", k.upper())
        }),
        ("js const", "index.js", |k, v| {
            format!("const {} = '{v}';\n", k.camel())
        }),
        ("js object", "config.ts", |k, v| {
            format!("export default {{\n  {}: '{v}',\n}};\n", k.camel())
        }),
        ("js template", "index.ts", |k, v| {
            format!("const {} = `{v}`;\n", k.camel())
        }),
        ("kotlin val", "App.kt", |k, v| {
            format!("val {} = \"{v}\"\n", k.camel())
        }),
        ("scala val", "App.scala", |k, v| {
            format!("  val {}: String = \"{v}\"\n", k.camel())
        }),
        ("c# const", "Program.cs", |k, v| {
            format!("const string {} = \"{v}\";\n", k.pascal())
        }),
        ("swift let", "App.swift", |k, v| {
            format!("let {} = \"{v}\"\n", k.camel())
        }),
        ("rust const", "main.rs", |k, v| {
            format!("const {}: &str = \"{v}\";\n", k.upper())
        }),
        ("terraform", "main.tf", |k, v| {
            format!("resource \"x\" \"y\" {{\n  {} = \"{v}\"\n}}\n", k.snake())
        }),
        ("groovy def", "build.gradle", |k, v| {
            format!("def {} = '{v}'\n", k.camel())
        }),
        ("powershell env", "deploy.ps1", |k, v| {
            format!("$env:{} = '{v}'\n", k.upper())
        }),
        ("powershell var", "deploy.ps1", |k, v| {
            format!("${} = \"{v}\"\n", k.camel())
        }),
        ("powershell param", "deploy.ps1", |k, v| {
            format!("Connect-Service -{} '{v}'\n", k.pascal())
        }),
        ("dockerfile ENV =", "Dockerfile", |k, v| {
            format!("FROM alpine\nENV {}={v}\n", k.upper())
        }),
        ("dockerfile ENV space", "Dockerfile", |k, v| {
            format!("FROM alpine\nENV {} {v}\n", k.upper())
        }),
        ("kubernetes secret stringData", "secret.yaml", |k, v| {
            format!("kind: Secret\nstringData:\n  {}: \"{v}\"\n", k.snake())
        }),
        ("app.config add key/value", "web.config", |k, v| {
            format!(
                "<appSettings>\n  <add key=\"{}\" value=\"{v}\" />\n</appSettings>\n",
                k.pascal()
            )
        }),
        ("ecs json name/value", "taskdef.json", |k, v| {
            format!("\"environment\": [\n  {{\n    \"name\": \"{}\",\n    \"value\": \"{v}\"\n  }}\n]\n", k.upper())
        }),
        ("dockerfile ARG", "Dockerfile", |k, v| {
            format!("ARG {}={v}\n", k.upper())
        }),
        ("cli flag =", "run.sh", |k, v| {
            format!("app serve --{}={v} --verbose\n", k.kebab())
        }),
        ("cli flag space", "run.sh", |k, v| {
            format!("app serve --{} {v}\n", k.kebab())
        }),
        ("ruby ||=", "config/initializers/env.rb", |k, v| {
            format!("ENV['{}'] ||= '{v}'\n", k.upper())
        }),
        ("ruby hash rocket", "config/app.rb", |k, v| {
            format!("CONFIG = {{\n  :{} => '{v}',\n}}\n", k.snake())
        }),
        ("ruby symbol key", "config/app.rb", |k, v| {
            format!("Client.new(\n  {}: \"{v}\",\n)\n", k.snake())
        }),
        ("js ??=", "src/config.js", |k, v| {
            format!("config.{} ??= \"{v}\";\n", k.camel())
        }),
        ("c #define", "include/config.h", |k, v| {
            format!("#ifndef CONFIG_H\n#define {} \"{v}\"\n#endif\n", k.upper())
        }),
        ("c array", "src/config.c", |k, v| {
            format!("static const char {}[] = \"{v}\";\n", k.snake())
        }),
        ("c pointer", "src/config.c", |k, v| {
            format!("static const char *{} = \"{v}\";\n", k.snake())
        }),
        ("hcl variable default", "variables.tf", |k, v| {
            format!(
                "variable \"{}\" {{\n  type      = string\n  sensitive = true\n  default   = \"{v}\"\n}}\n",
                k.snake()
            )
        }),
        ("hcl heredoc", "main.tf", |k, v| {
            format!(
                "resource \"x\" \"y\" {{\n  {} = <<-EOT\n    {v}\n  EOT\n}}\n",
                k.snake()
            )
        }),
    ]
}

fn found(text: &str, path: &str, value: &str) -> bool {
    let at = text.find(value).expect("value in text");
    let cx = ScanContext {
        path: Some(path),
        ..Default::default()
    };
    Engine::builtin()
        .scan(text.as_bytes(), &cx)
        .iter()
        .any(|m| {
            m.severity >= Severity::Low && m.secret.start < at + value.len() && at < m.secret.end
        })
}

fn findings(text: &str, path: &str) -> Vec<String> {
    let cx = ScanContext {
        path: Some(path),
        ..Default::default()
    };
    Engine::builtin()
        .scan(text.as_bytes(), &cx)
        .into_iter()
        .filter(|m| m.severity >= Severity::Low)
        .map(|m| format!("{} {:?}", m.rule_id, &text[m.secret.clone()]))
        .collect()
}

#[test]
fn every_syntax_key_and_value_shape_is_found() {
    let mut r = Rng(0x5eed_0011);
    let shapes = [
        Shape::Alnum,
        Shape::Base64,
        Shape::Hex,
        Shape::Symbols,
        Shape::Passphrase,
    ];
    let syn = syntaxes();
    assert!(syn.len() >= 20);
    let mut misses = Vec::new();
    let mut total = 0;
    for (name, path, tpl) in &syn {
        for k in KEYS {
            for &shape in &shapes {
                let v = value(&mut r, shape);
                let text = tpl(k, &v);
                total += 1;
                if !found(&text, path, &v) {
                    misses.push(format!("{name} / {} / {shape:?}: {text:?}", k.snake()));
                }
            }
        }
    }
    assert!(
        misses.is_empty(),
        "{} of {total} missed:\n{}",
        misses.len(),
        misses[..misses.len().min(40)].join("\n")
    );
}

#[test]
fn placeholders_references_and_look_alike_keys_are_not() {
    let placeholders = [
        "changeme",
        "<your-token>",
        "${DB_PASSWORD}",
        "$DB_PASSWORD",
        "%DB_PASSWORD%",
        "{{ .Values.dbPassword }}",
        "xxxxxxxxxxxxxxxxxxxx",
        "REPLACE_WITH_YOUR_TOKEN",
        "os.getenv(DB_PASSWORD)",
        "/run/secrets/db_password",
        "process.env.DB_PASSWORD",
        "settings.DB_PASSWORD",
    ];
    let look_alikes = [
        Key {
            words: ["password", "file"],
        },
        Key {
            words: ["token", "path"],
        },
        Key {
            words: ["password", "length"],
        },
        Key {
            words: ["token", "type"],
        },
        Key {
            words: ["password", "policy"],
        },
        Key {
            words: ["secret", "name"],
        },
        Key {
            words: ["gpg", "key"],
        },
    ];
    let mut r = Rng(0x5eed_0012);
    let mut fps = Vec::new();
    let mut total = 0;
    for (name, path, tpl) in syntaxes() {
        for k in KEYS {
            for p in placeholders {
                let text = tpl(k, p);
                total += 1;
                let f = findings(&text, path);
                if !f.is_empty() {
                    fps.push(format!("{name}: {text:?} → {f:?}"));
                }
            }
            // An empty value: the next line is not its value.
            let text = format!(
                "{}OTHER_SETTING={}\n",
                tpl(k, ""),
                value(&mut r, Shape::Alnum)
            );
            total += 1;
            let f = findings(&text, path);
            if !f.is_empty() {
                fps.push(format!("{name} (empty): {text:?} → {f:?}"));
            }
        }
        for k in &look_alikes {
            let v = value(&mut r, Shape::Alnum);
            let text = tpl(k, &v);
            total += 1;
            let f = findings(&text, path);
            if !f.is_empty() {
                fps.push(format!("{name} (look-alike key): {text:?} → {f:?}"));
            }
        }
    }
    assert!(
        fps.is_empty(),
        "{} of {total} negatives flagged:\n{}",
        fps.len(),
        fps[..fps.len().min(40)].join("\n")
    );
}
