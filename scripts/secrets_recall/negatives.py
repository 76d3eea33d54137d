"""Look-alikes a careful reviewer would not call secrets.

`ASSIGNMENTS` are (kind, name, value) planted through every syntax; `code_reads` are
expressions reading a secret from the environment; `RAW_LINES` are whole lines per syntax;
`negative_files` are whole files (lockfiles, minified bundles, vendor headers, prose…).
"""

import base64
import json

from .gen import ALNUM, LALNUM

SECRET_NAMES = ["API_KEY", "GITHUB_TOKEN", "DB_PASSWORD", "STRIPE_SECRET_KEY", "CLIENT_SECRET",
                "AUTH_TOKEN", "SLACK_WEBHOOK_URL", "NPM_TOKEN", "JWT_SECRET", "ACCESS_KEY"]

PLACEHOLDERS = ["changeme", "<your-token>", "your-api-key-here", "xxxxxxxxxxxxxxxxxxxxxxxx",
                "REPLACE_ME", "********", "<redacted>", "TODO", "dummy", "example-token",
                "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "sk_live_XXXXXXXXXXXXXXXXXXXXXXXX",
                "<INSERT_PASSWORD_HERE>", "placeholder", "null", "your_password"]

REFERENCES = ["${GITHUB_TOKEN}", "$DB_PASSWORD", "$(cat /run/secrets/db_password)",
              "{{ .Values.db.password }}", "${{ secrets.NPM_TOKEN }}", "%(db_password)s",
              "#{VAULT_TOKEN}", "${env:API_KEY}", "${ssm:/prod/api/key}",
              "{{ lookup('env', 'API_TOKEN') }}", "${var.db_password}", "@Microsoft.KeyVault(SecretUri=https://acme-kv.vault.azure.net/secrets/db-password/)"]

DOCUMENTED = [("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"),
              ("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
              ("STRIPE_SECRET_KEY", "sk_test_4eC39HqLyjWDarjtT1zdp7dc")]


def assignments(g):
    """(kind, name, value) look-alikes; values are fresh per call where they are random."""
    out = []
    for _ in range(3):
        out.append(("placeholder", g.choice(SECRET_NAMES), g.choice(PLACEHOLDERS)))
    for _ in range(3):
        out.append(("reference", g.choice(SECRET_NAMES), g.choice(REFERENCES)))
    out.append(("documented-example", *g.choice(DOCUMENTED)))
    out.append(("public-by-design", "STRIPE_PUBLISHABLE_KEY", "pk_live_51" + g.alnum(97)))
    out += [
        ("secret-named-setting", *g.choice([
            ("PASSWORD_MIN_LENGTH", "12"), ("TOKEN_EXPIRY_SECONDS", "3600"),
            ("SECRET_NAME", "prod/db/credentials"), ("API_KEY_HEADER", "X-Api-Key"),
            ("TOKEN_URL", "https://auth.acme.io/oauth/token"),
            ("PASSWORD_RESET_PATH", "/account/password/reset"),
            ("AUTH_TOKEN_FILE", "/run/secrets/auth_token"), ("PASSWORD_HASHER", "argon2id"),
            ("API_KEY_ENABLED", "true"), ("TOKEN_ISSUER", "https://login.acme.io/"),
            ("SSH_KEY_PATH", "/home/deploy/.ssh/id_ed25519"), ("SECRET_VERSION", "7"),
            ("PASSWORD_POLICY", "strong"), ("KEY_ROTATION_DAYS", "90")])),
        ("secret-named-setting", "SECRET_ARN",
         f"arn:aws:secretsmanager:eu-west-1:{g.digits(12)}:secret:prod/db-{g.alnum(6)}"),
        ("secret-named-setting", "KMS_KEY_ID", f"arn:aws:kms:eu-west-1:{g.digits(12)}:key/{g.uuid()}"),
        ("identifier", "GPG_KEY_FINGERPRINT", g.hexs(40).upper()),
        ("identifier", g.choice(["REQUEST_ID", "TENANT_ID", "CORRELATION_ID"]), g.uuid()),
        ("identifier", g.choice(["GIT_COMMIT", "BUILD_SHA", "SOURCE_VERSION"]), g.hexs(40)),
        ("identifier", "IMAGE_DIGEST", "sha256:" + g.hexs(64)),
        ("identifier", "DEPLOYMENT_ID", f"cmp{g.between(1, 9)}-qat-{g.digits(10)}"),
        ("identifier", "TRACE_ID", g.hexs(32)),
        ("random-identifier", g.choice(["INSTANCE_ID", "AMI_ID", "SUBNET_ID", "VPC_ID"]),
         g.choice(["i-", "ami-", "subnet-", "vpc-"]) + g.hexs(17)),
        ("random-identifier", g.choice(["CONTENT_HASH", "ARTIFACT_SHA256", "CHECKSUM"]), g.hexs(64)),
        ("random-identifier", "ETAG", g.hexs(32)),
        ("random-identifier", "BUILD_NUMBER", g.digits(8)),
        ("public-identifier", *g.choice([
            ("OAUTH_CLIENT_ID", g.uuid()),
            ("GOOGLE_CLIENT_ID", f"{g.digits(12)}-{g.s(LALNUM, 32)}.apps.googleusercontent.com"),
            ("SIGNING_PUBLIC_KEY", g.b64bytes(32)),
            ("RECAPTCHA_SITE_KEY", "6L" + g.s(ALNUM + "-_", 38)),
            ("ALGOLIA_APP_ID", g.s("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 10)),
            ("AWS_ACCESS_KEY_ID_SSM_PATH", "/prod/app/aws_access_key_id")])),
        ("key-file-path", g.choice(["SECRET_KEY_FILE", "TLS_KEY_PATH", "PASSWORD_FILE", "GOOGLE_APPLICATION_CREDENTIALS"]),
         g.choice(["/etc/app/secret.key", "/run/secrets/db_password", "/var/run/secrets/tls/tls.key", "./keys/service-account.json"])),
        ("empty", g.choice(SECRET_NAMES), ""),
        ("hashed-asset", "LOGO_URL", f"/static/img/logo-{g.hexs(32)}.png"),
        ("hashed-asset", "BUNDLE_PATH", f"/assets/main.{g.hexs(20)}.js"),
        ("url-path", "CALLBACK_URL", f"https://app.acme.io/oauth2/callback/{g.s(LALNUM, 8)}/complete"),
        ("url-path", "DOCS_URL", "https://docs.acme.io/guides/authentication/api-keys/rotating-tokens"),
    ]
    return out


CODE_READS = {
    "shell": lambda n: f'"${{{n}:?{n} is required}}"',
    "powershell": lambda n: f"$env:{n}",
    "go-var": lambda n: f'os.Getenv("{n}")',
    "go-short": lambda n: f'os.Getenv("{n}")',
    "go-backtick": lambda n: f'os.Getenv("{n}")',
    "java-setproperty": lambda n: f'System.getenv("{n}")',
    "java-string": lambda n: f'System.getenv("{n}")',
    "php": lambda n: f"getenv('{n}')",
    "python": lambda n: f'os.environ.get("{n}", "")',
    "ruby": lambda n: f"ENV.fetch('{n}')",
    "javascript": lambda n: f"process.env.{n}",
    "typescript": lambda n: f'process.env.{n} ?? ""',
    "kotlin": lambda n: f'System.getenv("{n}")',
    "csharp": lambda n: f'Environment.GetEnvironmentVariable("{n}")',
    "swift": lambda n: f'ProcessInfo.processInfo.environment["{n}"] ?? ""',
    "rust": lambda n: f'std::env::var("{n}").unwrap_or_default()',
    "scala": lambda n: f'sys.env.getOrElse("{n}", "")',
    "c-header": lambda n: f'getenv("{n}")',
    "groovy": lambda n: f"credentials('{n.lower().replace('_', '-')}')",
}

RAW_LINES = {
    "shell": [
        ("basic-auth-reference", 'curl -fsS -u "deploy:${DEPLOY_PASSWORD}" https://nexus.acme.io/service/rest/v1/status'),
        ("basic-auth-no-password", 'curl --user "$CI_USER" -O https://artifacts.acme.io/tool.tar.gz'),
        ("prompt", 'read -rsp "Password: " DB_PASSWORD'),
        ("stdin-login", 'echo "$REGISTRY_TOKEN" | docker login ghcr.io -u "$GITHUB_ACTOR" --password-stdin'),
        ("escaped-reference", 'echo "//registry.npmjs.org/:_authToken=\\${NPM_TOKEN}" > .npmrc'),
    ],
    "dockerfile-run": [
        ("secret-mount", "RUN --mount=type=secret,id=npm,env=NPM_TOKEN npm ci --omit=dev"),
        ("basic-auth-reference", 'RUN curl -fsSL -u "ci:${CI_PASSWORD}" -o /tmp/agent.tgz https://repo.acme.io/agent.tgz'),
        ("escaped-reference", 'RUN echo "//registry.npmjs.org/:_authToken=\\${NODE_AUTH_TOKEN}" >> /root/.npmrc'),
        ("secret-mount", "RUN --mount=type=secret,id=pip_conf,target=/etc/pip.conf pip install -r requirements.txt"),
    ],
    "python": [
        ("prompt", 'password = getpass.getpass("Password: ")'),
        ("keyring", 'token = keyring.get_password("acme-cli", username)'),
        ("error-message", 'raise RuntimeError("API key missing: set ACME_API_KEY or pass --api-key")'),
        ("hash-compare", "if not hmac.compare_digest(expected_signature, signature):"),
    ],
    "javascript": [
        ("error-message", "throw new Error('Invalid token: expected a Bearer token in the Authorization header');"),
        ("form-field", "  password: { type: 'password', label: t('auth.password'), required: true },"),
    ],
    "json": [
        ("i18n", '    "passwordLabel": "Enter your password"'),
        ("i18n", '    "tokenExpired": "Your session token has expired, please sign in again"'),
    ],
    "yaml": [
        ("i18n", "  password_hint: Passwords must be at least 12 characters long"),
        ("i18n", '  api_key_help: "Create an API key under Settings, then paste it here"'),
    ],
    "properties-eq": [
        ("i18n", "login.password.hint=Passwords must contain a digit and a symbol"),
        ("i18n", "error.token.invalid=The access token you entered is not valid"),
    ],
    "k8s-env": [
        ("secret-ref", "            - name: DB_PASSWORD\n              valueFrom:\n                secretKeyRef:\n                  name: db-credentials\n                  key: password"),
    ],
    "compose-env": [
        ("reference", "      - POSTGRES_PASSWORD_FILE=/run/secrets/postgres_password"),
    ],
    "dotenv": [
        ("empty-then-next", "GITHUB_API_KEY=\nGITHUB_API_URL=https://api.github.com"),
        ("empty-then-next", "SMTP_PASSWORD=\nSMTP_HOST=smtp.acme.io"),
    ],
    "ini": [("empty-then-next", "password =\nhost = db.acme.local")],
    "properties-colon": [("empty-then-next", "db.password:\ndb.url: jdbc:postgresql://db:5432/app")],
    "hcl": [("reference", '  password = random_password.db.result'),
            ("reference", '  token    = data.vault_generic_secret.ci.data["token"]')],
    "csharp": [("attribute", '        [JsonPropertyName("access_token")] public string AccessToken { get; set; }')],
    "go-short": [("struct-tag", '\ttype creds struct { Token string `json:"token" yaml:"token"` }')],
}


def _integrity(g):
    return "sha512-" + g.b64bytes(64)


def negative_files(g):
    """(kind, path, text) whole files with nothing secret in them."""
    files = []
    pkgs = ["lodash", "react", "express", "debug", "ms", "chalk", "semver", "ws", "yaml", "zod"]
    lock = {"name": "web", "version": "1.0.0", "lockfileVersion": 3, "requires": True, "packages": {}}
    for p in pkgs:
        lock["packages"][f"node_modules/{p}"] = {
            "version": f"{g.between(1, 9)}.{g.between(0, 20)}.{g.between(0, 9)}",
            "resolved": f"https://registry.npmjs.org/{p}/-/{p}-1.0.0.tgz",
            "integrity": _integrity(g), "license": "MIT"}
    files.append(("lockfile", "web/package-lock.json", json.dumps(lock, indent=2) + "\n"))
    files.append(("lockfile", "web/yarn.lock", "".join(
        f'\n"{p}@^1.0.0":\n  version "1.0.0"\n  resolved "https://registry.yarnpkg.com/{p}/-/{p}-1.0.0.tgz#{g.hexs(40)}"\n  integrity {_integrity(g)}\n'
        for p in pkgs)))
    files.append(("lockfile", "svc/go.sum", "".join(
        f"github.com/acme/{p} v1.{i}.0 h1:{g.b64bytes(32)}\ngithub.com/acme/{p} v1.{i}.0/go.mod h1:{g.b64bytes(32)}\n"
        for i, p in enumerate(pkgs))))
    files.append(("lockfile", "tool/Cargo.lock", "version = 3\n" + "".join(
        f'\n[[package]]\nname = "{p}"\nversion = "0.{i}.1"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\nchecksum = "{g.hexs(64)}"\n'
        for i, p in enumerate(pkgs))))
    files.append(("lockfile", "app/requirements.txt", "".join(
        f"{p}==1.{i}.0 \\\n    --hash=sha256:{g.hexs(64)} \\\n    --hash=sha256:{g.hexs(64)}\n"
        for i, p in enumerate(["requests", "urllib3", "idna", "certifi", "charset-normalizer"]))))
    # a minified bundle: long identifiers, a token-ish vocabulary, hashes of chunks
    chunks = ",".join(f'{i}:"{g.hexs(20)}"' for i in range(30))
    minified = ("!function(e){var t={};function n(r){if(t[r])return t[r].exports;var o=t[r]={i:r,l:!1,exports:{}};"
                "return e[r].call(o.exports,o,o.exports,n),o.l=!0,o.exports}n.p=\"/static/\";n.u=function(e){return\"js/\"+e+\".\"+{"
                + chunks + "}[e]+\".chunk.js\"};var csrfToken=document.querySelector('meta[name=csrf-token]').content,"
                "getToken=function(){return localStorage.getItem(\"access_token\")},setPassword=function(e,t){return fetch(\"/api/users/\"+e+\"/password\",{method:\"PUT\",body:JSON.stringify({password:t})})}}([]);\n")
    files.append(("minified-js", f"web/dist/js/main.{g.hexs(8)}.js", minified))
    font = base64.b64encode(bytes(g.rng.getrandbits(8) for _ in range(600))).decode()
    png = base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(g.rng.getrandbits(8) for _ in range(300))).decode()
    files.append(("base64-asset", "web/dist/css/app.css",
                  f"@font-face{{font-family:Inter;src:url(data:font/woff2;base64,{font}) format(\"woff2\")}}\n"
                  f".logo{{background:url(data:image/png;base64,{png}) no-repeat}}\n"
                  f".hero{{background-image:url(/static/media/hero.{g.hexs(8)}.jpg)}}\n"))
    files.append(("hashed-asset", "web/dist/index.html",
                  f'<!doctype html><html><head><link href="/static/css/main.{g.hexs(8)}.css" rel="stylesheet">'
                  f'<meta name="csrf-param" content="authenticity_token"></head><body>'
                  f'<img src="/static/media/logo-{g.hexs(32)}.png"><script src="/static/js/runtime.{g.hexs(20)}.js"></script></body></html>\n'))
    files.append(("vendor-header", "third_party/include/stop_token.h",
                  "// Vendor header (excerpt-like, written for this benchmark)\n#pragma once\nnamespace std {\n"
                  "  class stop_token {\n  public:\n    stop_token() noexcept = default;\n"
                  "    [[nodiscard]] bool stop_requested() const noexcept { return _M_token_state != nullptr; }\n"
                  "  private:\n    struct _Stop_state_t* _M_token_state = nullptr;\n  };\n"
                  "  using token_type = unsigned long long;\n  constexpr token_type kInvalidToken = 0xffffffffffffffffULL;\n}\n"))
    files.append(("vendor-source", "third_party/perl/HTTP/Credentials.pm",
                  "package HTTP::Credentials;\nuse strict;\n\nsub new {\n    my ($class, %args) = @_;\n"
                  "    my $self = { realm => $args{realm}, user => $args{user}, password => $args{password} };\n"
                  "    return bless $self, $class;\n}\n\nsub password { my $self = shift; return $self->{password}; }\n1;\n"))
    files.append(("prose", "docs/authentication.md",
                  "# Authentication\n\nSet `GITHUB_TOKEN` to a personal access token with the `repo` scope.\n"
                  "Tokens look like `ghp_` followed by 36 characters; never commit them.\n\n"
                  "The password must be at least 12 characters. To rotate the API key, open Settings → API keys\n"
                  "and press *Regenerate*; the old key stops working after 24 hours.\n\n"
                  "```bash\nexport GITHUB_TOKEN=<your-token>\nacme login --token \"$GITHUB_TOKEN\"\n```\n"))
    files.append(("i18n", "web/locales/de.json", json.dumps({
        "auth": {"password": "Passwort", "password_forgot": "Passwort vergessen?",
                 "token_invalid": "Das Zugriffstoken ist ungültig oder abgelaufen.",
                 "api_key_created": "Ihr neuer API-Schlüssel wurde erstellt."}}, indent=2, ensure_ascii=False) + "\n"))
    files.append(("sql-schema", "db/migrations/0001_users.sql",
                  "CREATE TABLE users (\n  id BIGSERIAL PRIMARY KEY,\n  email TEXT NOT NULL UNIQUE,\n"
                  "  password_hash VARCHAR(255) NOT NULL,\n  api_token_digest CHAR(64),\n"
                  "  reset_token_expires_at TIMESTAMPTZ\n);\n"))
    files.append(("openapi", "api/openapi.yaml",
                  "openapi: 3.0.3\ninfo:\n  title: Orders\n  version: 1.0.0\ncomponents:\n  securitySchemes:\n"
                  "    ApiKeyAuth:\n      type: apiKey\n      in: header\n      name: X-API-Key\n"
                  "    bearerAuth:\n      type: http\n      scheme: bearer\n      bearerFormat: JWT\n"))
    # encrypted material is not a leaked secret: Ansible Vault, SOPS, Sealed Secrets, PGP
    vault_hex = "\n".join("          " + g.hexs(80) for _ in range(5))
    files.append(("encrypted-ansible-vault", "ansible/group_vars/prod/vault.yml",
                  "db_password: !vault |\n          $ANSIBLE_VAULT;1.1;AES256\n" + vault_hex + "\n"))
    sops = lambda: f"ENC[AES256_GCM,data:{g.b64bytes(24)},iv:{g.b64bytes(32)},tag:{g.b64bytes(16)},type:str]"  # noqa: E731
    files.append(("encrypted-sops", "deploy/secrets.enc.yaml",
                  f"db:\n    password: {sops()}\n    api_token: {sops()}\nsops:\n    age:\n"
                  f"        - recipient: age1{g.s('qpzry9x8gf2tvdw0s3jn54khce6mua7l', 58)}\n"
                  "          enc: |\n            -----BEGIN AGE ENCRYPTED FILE-----\n"
                  + "".join(f"            {g.b64bytes(48)}\n" for _ in range(4))
                  + "            -----END AGE ENCRYPTED FILE-----\n"
                  f"    lastmodified: \"2026-11-02T10:11:12Z\"\n    mac: {sops()}\n    version: 3.9.0\n"))
    files.append(("encrypted-sealed-secret", "k8s/sealed-db.yaml",
                  "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: db\n  namespace: shop\n"
                  f"spec:\n  encryptedData:\n    password: Ag{g.s(ALNUM + '+/', 700)}==\n"
                  f"    username: Ag{g.s(ALNUM + '+/', 690)}=\n"))
    files.append(("encrypted-pgp-message", "secrets/backup-pass.txt.asc",
                  "-----BEGIN PGP MESSAGE-----\n\n" + "".join(g.s(ALNUM + "+/", 64) + "\n" for _ in range(6))
                  + "=" + g.s(ALNUM + "+/", 4) + "\n-----END PGP MESSAGE-----\n"))
    files.append(("identifiers", "src/ids.py",
                  f'BUILD_ID = "cmp2-qat-{g.digits(10)}"\nEXPERIMENT = "exp_2024_checkout_v{g.between(2, 9)}"\n'
                  f'ROUTE = "/api/v2/tokens/{{token_id}}/revoke"\nSCHEMA_VERSION = "{g.hexs(12)}"\n'))
    return files
