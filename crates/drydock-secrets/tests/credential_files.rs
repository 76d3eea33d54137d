//! Tool credential files where people really leave secrets (written from each tool's
//! documented file format), in a tree under their usual paths: `drydock secrets DIR` must
//! report each at medium or above on the secret's line, with the same verdict the engine gives
//! the file under its path from the image root (what an image scan sees). Values are
//! generated here (seeded).

use base64::Engine as _;
use drydock_core::{Location, Severity};
use drydock_secrets::{scan_tree, Engine, ScanContext, TreeScanOptions};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn from(&mut self, alphabet: &[u8], n: usize) -> String {
        (0..n)
            .map(|_| alphabet[(self.next() % alphabet.len() as u64) as usize] as char)
            .collect()
    }
    /// A generated password: letters, digits and a few symbols, starting with a letter.
    fn password(&mut self) -> String {
        format!(
            "{}{}{}{}{}",
            self.from(b"ABCDEFGHJKLMNPQRSTUVWXYZ", 1),
            self.from(ALNUM, 6),
            self.from(b"!%^*-_.+~", 1),
            self.from(b"23456789", 1),
            self.from(ALNUM, 7)
        )
    }
}

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const HEX: &[u8] = b"0123456789abcdef";
const URL: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

/// (path below the root, content, the secret)
fn files(r: &mut Rng) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let mut add = |path: &str, content: String, secret: String| {
        assert!(content.contains(&secret), "{path}");
        out.push((path.to_string(), content, secret));
    };
    let pw = r.password();
    add(
        "root/.netrc",
        format!("machine api.corp.io login ci password {pw}\n"),
        pw,
    );
    let pw = r.password();
    add(
        "home/dev/_netrc",
        format!("machine files.corp.io\n  login deploy\n  password {pw}\n"),
        pw,
    );
    let pw = r.password();
    add(
        "etc/apt/auth.conf.d/corp.conf",
        format!("machine apt.corp.io/debian login reader password {pw}\n"),
        pw,
    );
    let pw = r.password();
    add(
        "etc/apt/auth.conf",
        format!("machine mirror.corp.io\nlogin reader\npassword {pw}\n"),
        pw,
    );
    let pw = r.password();
    add(
        "root/.pgpass",
        format!("db.internal:5432:app:app_rw:{pw}\n"),
        pw,
    );
    let pw = r.password();
    add(
        "root/.my.cnf",
        format!("[client]\nuser=root\npassword=\"{pw}\"\nhost=db.internal\n"),
        pw,
    );
    let sk = r.from(B64, 40);
    add(
        "root/.s3cfg",
        format!(
            "[default]\naccess_key = AKIA{}\nhost_base = s3.amazonaws.com\nsecret_key = {sk}\n",
            r.from(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
        ),
        sk,
    );
    let sk = r.from(B64, 40);
    add(
        "etc/boto.cfg",
        format!(
            "[Credentials]\naws_access_key_id = AKIA{}\naws_secret_access_key = {sk}\n",
            r.from(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
        ),
        sk,
    );
    let sk = r.from(B64, 40);
    add(
        "root/.aws/credentials",
        format!(
            "[default]\naws_access_key_id = AKIA{}\naws_secret_access_key = {sk}\n",
            r.from(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
        ),
        sk,
    );
    let tok = r.from(ALNUM, 36);
    add(
        "home/node/.npmrc",
        format!(
            "registry=https://npm.corp.io/\n//npm.corp.io/:_authToken={tok}\nalways-auth=true\n"
        ),
        tok,
    );
    let tok = r.from(ALNUM, 36);
    add(
        "app/.yarnrc.yml",
        format!("nodeLinker: node-modules\nnpmRegistries:\n  \"//npm.corp.io\":\n    npmAuthToken: {tok}\n"),
        tok,
    );
    let pw = r.password();
    add(
        "root/.pypirc",
        format!("[distutils]\nindex-servers =\n    corp\n\n[corp]\nrepository = https://pypi.corp.io/\nusername = ci\npassword = {pw}\n"),
        pw,
    );
    let pw = r.password();
    add(
        "root/.m2/settings.xml",
        format!("<settings>\n  <servers>\n    <server>\n      <id>corp</id>\n      <username>ci</username>\n      <password>{pw}</password>\n    </server>\n  </servers>\n</settings>\n"),
        pw,
    );
    let tok = format!("rubygems_{}", r.from(HEX, 48));
    add(
        "root/.gem/credentials",
        format!("---\n:rubygems_api_key: {tok}\n"),
        tok,
    );
    let tok = format!("cio{}", r.from(ALNUM, 32));
    add(
        "root/.cargo/credentials.toml",
        format!("[registry]\ntoken = \"{tok}\"\n"),
        tok,
    );
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("ci:{}", r.password()));
    add(
        "root/.docker/config.json",
        format!("{{\n  \"auths\": {{\n    \"registry.corp.io\": {{\n      \"auth\": \"{auth}\"\n    }}\n  }}\n}}\n"),
        auth,
    );
    let tok = r.from(URL, 48);
    add(
        "root/.kube/config",
        format!("apiVersion: v1\nkind: Config\nusers:\n- name: ci\n  user:\n    token: {tok}\n"),
        tok,
    );
    let tok = format!("1//0{}", r.from(URL, 100));
    add(
        "root/.config/gcloud/application_default_credentials.json",
        format!("{{\n  \"client_id\": \"{}-{}.apps.googleusercontent.com\",\n  \"client_secret\": \"{}\",\n  \"refresh_token\": \"{tok}\",\n  \"type\": \"authorized_user\"\n}}\n", r.from(b"0123456789", 12), r.from(b"abcdefghijklmnopqrstuvwxyz0123456789", 32), r.from(URL, 24)),
        tok,
    );
    let tok = format!("{}.atlasv1.{}", r.from(ALNUM, 14), r.from(URL, 67));
    add(
        "root/.terraformrc",
        format!("credentials \"app.terraform.io\" {{\n  token = \"{tok}\"\n}}\n"),
        tok,
    );
    let tok = format!("{}.atlasv1.{}", r.from(ALNUM, 14), r.from(URL, 67));
    add(
        "root/.terraform.d/credentials.tfrc.json",
        format!("{{\n  \"credentials\": {{\n    \"app.terraform.io\": {{\n      \"token\": \"{tok}\"\n    }}\n  }}\n}}\n"),
        tok,
    );
    let tok = format!("hvs.{}", r.from(URL, 91));
    add("root/.vault-token", tok.clone(), tok);
    let pw = r.password();
    add(
        "srv/app/.env.production",
        format!("NODE_ENV=production\nDB_PASSWORD={pw}\n"),
        pw,
    );
    let pw = r.password();
    add(
        "var/www/html/wp-config.php",
        format!("<?php\ndefine( 'DB_NAME', 'wp' );\ndefine( 'DB_PASSWORD', '{pw}' );\n"),
        pw,
    );
    // A WordPress salt as the secret-key service generates it: any printable but quotes.
    let salt: String = r.from(
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!@#%^&*()-_[]{}<>~+=,.;:/?|",
        64,
    );
    add(
        "var/www/html/wp-salts.php",
        format!("<?php\ndefine( 'AUTH_KEY',         '{salt}' );\n"),
        salt,
    );
    let pw = r.password();
    add(
        "app/.git/config",
        format!("[core]\n\tbare = false\n[remote \"origin\"]\n\turl = https://deploy:{pw}@git.corp.io/team/app.git\n"),
        pw,
    );
    out
}

#[test]
fn credential_files_are_found_in_tree_and_image_paths_alike() {
    let mut r = Rng(0x5eed_0201);
    let files = files(&mut r);
    let dir = std::env::temp_dir().join(format!("drydock-credfiles-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (path, content, _) in &files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, content).unwrap();
    }
    let findings = scan_tree(std::slice::from_ref(&dir), &TreeScanOptions::default()).unwrap();
    let mut problems = Vec::new();
    for (path, content, secret) in &files {
        let line = content[..content.find(secret.as_str()).unwrap()]
            .matches('\n')
            .count()
            + 1;
        let tree: Vec<_> = findings
            .iter()
            .filter(|f| match &f.location {
                Location::Source(s) => {
                    s.path.ends_with(path.as_str()) && s.start_line <= line && line <= s.end_line
                }
                _ => false,
            })
            .collect();
        if !tree.iter().any(|f| f.severity >= Severity::Medium) {
            problems.push(format!("{path}: tree scan: {tree:?}"));
            continue;
        }
        // The image walker gives the engine the path from the image root: the same verdict.
        let cx = ScanContext {
            path: Some(path),
            ..Default::default()
        };
        let image = Engine::builtin().scan(content.as_bytes(), &cx);
        let best_tree = tree.iter().map(|f| f.severity).max();
        let best_image = image
            .iter()
            .filter(|m| m.start_line <= line && line <= m.end_line)
            .map(|m| m.severity)
            .max();
        if best_tree != best_image {
            problems.push(format!(
                "{path}: tree {best_tree:?} but image path {best_image:?}"
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
