//! `name_suggests_secret`: does a variable/argument/label/key name say it holds a secret?
//!
//! Names are split into words (on `_ - . /` and camelCase), so `dbPassword`,
//! `DB_PASSWORD` and `com.example.db.password` all read as `DB PASSWORD`.

/// Words that on their own make a name secret-bearing.
const SECRET_WORDS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "PASS",
    "PWD",
    "SECRET",
    "SECRETS",
    "TOKEN",
    "TOKENS",
    "APIKEY",
    "PRIVATEKEY",
    "ACCESSKEY",
    "SECRETKEY",
    "AUTHTOKEN",
    "CREDENTIAL",
    "CREDENTIALS",
    "CREDS",
    "AUTH",
    "COOKIE",
    "DSN",
];

/// `KEY` counts only after one of these (`API_KEY`, `PRIVATE_KEY`), never alone: `GPG_KEY`
/// in official images holds a public fingerprint.
const KEY_QUALIFIERS: &[&str] = &[
    "API",
    "PRIVATE",
    "ACCESS",
    "SECRET",
    "ENCRYPTION",
    "ENCRYPT",
    "SIGNING",
    "MASTER",
    "AUTH",
    "CLIENT",
    "SESSION",
    "LICENSE",
    "SSH",
    "HMAC",
    "SERVICE",
    "ACCOUNT",
    "APP",
    "STORAGE",
];

/// A word after the secret word that makes the name about the secret, not the secret itself
/// (`PASSWORD_FILE`, `TOKEN_URL`, `SECRET_NAME`, `PASSWORD_MIN_LENGTH`).
const NOT_THE_VALUE: &[&str] = &[
    "FILE",
    "FILES",
    "PATH",
    "DIR",
    "DIRECTORY",
    "URL",
    "URI",
    "ENDPOINT",
    "HOST",
    "PORT",
    "ENABLED",
    "ENABLE",
    "DISABLED",
    "DISABLE",
    "LENGTH",
    "LEN",
    "SIZE",
    "MIN",
    "MAX",
    "MINIMUM",
    "MAXIMUM",
    "TTL",
    "TIMEOUT",
    "EXPIRY",
    "EXPIRES",
    "EXPIRATION",
    "LIFETIME",
    "TYPE",
    "NAME",
    "ID",
    "HEADER",
    "PARAM",
    "FIELD",
    "PROMPT",
    "POLICY",
    "REQUIRED",
    "RESET",
    "COUNT",
    "ATTEMPTS",
    "RETRIES",
    "ALGORITHM",
    "ALG",
    "FORMAT",
    "MODE",
    "VERSION",
    "PREFIX",
    "SUFFIX",
    "ROTATION",
    "INTERVAL",
    "STORE",
    "PROVIDER",
    "BACKEND",
    "ENV",
    "VAR",
    "KIND",
    "SCOPE",
    "SCOPES",
    "AUDIENCE",
    "ISSUER",
    "CHARS",
    "REGEX",
    "PATTERN",
    "ENCODING",
    "LOCATION",
    "SOURCE",
    "MANAGER",
    "SOCK",
    "SOCKET",
    "METHOD",
    "HELPER",
    "COMMAND",
    "CMD",
    "LABEL",
    "KEYRING",
    "MOUNT",
    "REF",
    "ARN",
    "HINT",
    "CACHE",
    "LIMIT",
    "REALM",
    "SERVER",
    "TEMPLATE",
    "ENCRYPTION",
    "HASHING",
    "HASHER",
    "HASHERS",
    "ENCODER",
    "ALGO",
    "CIPHER",
    "STRENGTH",
    "COMPLEXITY",
    "QUALITY",
];

/// Words anywhere in the name that make it a switch, not a value
/// (`MYSQL_ALLOW_EMPTY_PASSWORD=yes`, `MYSQL_RANDOM_ROOT_PASSWORD=yes`).
const FLAG_WORDS: &[&str] = &[
    "ALLOW",
    "EMPTY",
    "RANDOM",
    "GENERATE",
    "NO",
    "SKIP",
    "REQUIRE",
    "USE",
    "IS",
    "HAS",
    "ASK",
    "SHOW",
    "CHANGE",
    "FORGOT",
    "RESET",
    "VERIFY",
    "CHECK",
    "VALIDATE",
    "PUBLIC",
    "LOAD",
    "CONDITION",
    "IMPORT",
];

/// Split a name into upper-case words: `dbPassword` → [DB, PASSWORD], `api-key` → [API, KEY].
pub(crate) fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        cur.push(c.to_ascii_uppercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// True when a variable/argument name says it holds a secret (`DB_PASSWORD`, `API_KEY`,
/// `GITHUB_TOKEN`), but not for names that only mention one (`PASSWORD_FILE`, `TOKEN_URL`).
pub fn name_suggests_secret(name: &str) -> bool {
    let w = words(name);
    if w.is_empty() || w.len() > 12 {
        return false;
    }
    // `PWD` alone is the shell's working directory.
    if w.len() == 1 && (w[0] == "PWD" || w[0] == "PASS") {
        return false;
    }
    let mut last_secret = None;
    for (i, word) in w.iter().enumerate() {
        let is_secret = SECRET_WORDS.contains(&word.as_str())
            || ((word == "KEY" || word == "KEYS")
                && i > 0
                && KEY_QUALIFIERS.contains(&w[i - 1].as_str()));
        if is_secret {
            last_secret = Some(i);
        }
    }
    let Some(pos) = last_secret else {
        return false;
    };
    if w.iter().any(|x| FLAG_WORDS.contains(&x.as_str())) {
        return false;
    }
    !w[pos + 1..]
        .iter()
        .any(|x| NOT_THE_VALUE.contains(&x.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        let cases: &[(&str, bool)] = &[
            ("PASSWORD", true),
            ("DB_PASSWORD", true),
            ("POSTGRES_PASSWORD", true),
            ("MYSQL_ROOT_PASSWORD", true),
            ("dbPassword", true),
            ("com.example.db.password", true),
            ("GITHUB_TOKEN", true),
            ("NPM_TOKEN", true),
            ("API_KEY", true),
            ("apiKey", true),
            ("api-key", true),
            ("APIKEY", true),
            ("AWS_SECRET_ACCESS_KEY", true),
            ("AWS_SESSION_TOKEN", true),
            ("PRIVATE_KEY", true),
            ("SSH_PRIVATE_KEY", true),
            ("GOOGLE_APPLICATION_CREDENTIALS_JSON", true),
            ("CREDENTIALS", true),
            ("CLIENT_SECRET", true),
            ("SECRET_KEY_BASE", true),
            ("DJANGO_SECRET_KEY", true),
            ("BASIC_AUTH", true),
            ("COMPOSER_AUTH", true),
            ("SENTRY_DSN", true),
            ("DB_PWD", true),
            ("REDIS_PASS", true),
            ("ENCRYPTION_KEY", true),
            ("PASSWORD_FILE", false),
            ("password_hasher", false),
            ("password.hasher", false),
            ("PASSWORD_HASHERS", false),
            ("passwordEncoder", false),
            ("POSTGRES_PASSWORD_FILE", false),
            ("SECRET_PATH", false),
            ("TOKEN_URL", false),
            ("OAUTH_TOKEN_URL", false),
            ("PASSWORD_MIN_LENGTH", false),
            ("MIN_PASSWORD_LENGTH", false),
            ("TOKEN_ENABLED", false),
            ("PASSWORD_AUTH_ENABLED", false),
            ("ACCESS_TOKEN_LIFETIME", false),
            ("SECRET_NAME", false),
            ("MYSQL_ALLOW_EMPTY_PASSWORD", false),
            ("MYSQL_RANDOM_ROOT_PASSWORD", false),
            ("GPG_KEY", false),
            ("GPG_KEYS", false),
            ("PUBLIC_KEY", false),
            ("PWD", false),
            ("OLDPWD", false),
            ("PATH", false),
            ("HOME", false),
            ("AUTHOR", false),
            ("SSH_AUTH_SOCK", false),
            ("PASSWORD_STORE_DIR", false),
            ("TOKEN_EXPIRY", false),
            ("BYPASS", false),
            ("PASSENGER_VERSION", false),
            ("KEY", false),
            ("password_encryption", false),
            ("LoadCredential", false),
            ("ConditionCredential", false),
            ("", false),
        ];
        for (name, want) in cases {
            assert_eq!(name_suggests_secret(name), *want, "name {name:?}");
        }
    }

    #[test]
    fn word_split() {
        assert_eq!(words("dbPassword"), vec!["DB", "PASSWORD"]);
        assert_eq!(
            words("com.example.db.password"),
            vec!["COM", "EXAMPLE", "DB", "PASSWORD"]
        );
        assert_eq!(words("__API-key__"), vec!["API", "KEY"]);
    }
}
