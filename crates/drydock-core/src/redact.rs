use crate::Evidence;
use sha2::{Digest, Sha256};

/// Whether outputs may contain whole secrets. Default is `Redact`; `--show-secrets` flips it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Redaction {
    #[default]
    Redact,
    Show,
}

/// How many leading characters a redacted value keeps: enough to recognise the token kind
/// (`ghp_`, `AKIA`, `sk_live_`), never enough to use it.
fn visible_prefix(len: usize) -> usize {
    match len {
        0..=7 => 0,
        8..=15 => 2,
        16..=31 => 4,
        _ => 6,
    }
}

/// Build the evidence for a secret value, redacted unless `mode` is `Show`.
pub fn redact(secret: &[u8], mode: Redaction) -> Evidence {
    let text = String::from_utf8_lossy(secret);
    let digest = hex::encode(&Sha256::digest(secret)[..8]);
    let chars: Vec<char> = text.chars().collect();
    let value = match mode {
        Redaction::Show => text.into_owned(),
        Redaction::Redact => {
            let keep: String = chars.iter().take(visible_prefix(chars.len())).collect();
            format!("{keep}…[{} chars, sha256:{}]", chars.len(), &digest[..8])
        }
    };
    Evidence {
        value,
        length: chars.len(),
        sha256: digest,
    }
}

/// Replace every occurrence of `secret` in `text` by its redacted form (for messages and
/// snippets that quote the offending line).
pub fn redact_in(text: &str, secret: &str, mode: Redaction) -> String {
    if mode == Redaction::Show || secret.is_empty() {
        return text.to_string();
    }
    text.replace(secret, &redact(secret.as_bytes(), mode).value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacted_value_never_contains_secret() {
        let s = b"ghp_abcdefghijklmnopqrstuvwxyz0123456789";
        let e = redact(s, Redaction::Redact);
        assert!(!e.value.contains("abcdefghij"));
        assert!(e.value.starts_with("ghp_ab…[40 chars"));
        assert_eq!(e.length, 40);
        assert_eq!(
            redact(s, Redaction::Show).value,
            std::str::from_utf8(s).unwrap()
        );
    }

    #[test]
    fn short_secrets_show_no_prefix() {
        assert!(redact(b"hunter2", Redaction::Redact).value.starts_with('…'));
    }

    #[test]
    fn redact_in_replaces_all() {
        let out = redact_in(
            "a=SECRETVALUE1234 b=SECRETVALUE1234",
            "SECRETVALUE1234",
            Redaction::Redact,
        );
        assert!(!out.contains("SECRETVALUE1234"));
    }
}
