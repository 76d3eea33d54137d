"""Credential files with a fixed layout (tool config files) and real private keys.

Keys are generated at run time with `openssl`/`ssh-keygen` when installed (skipped, and said
so, otherwise); public keys and certificates made the same way are the matching negatives.
"""

import base64
import hashlib
import os
import shutil
import subprocess
import tempfile

from .gen import B64, LALNUM, crc32_base62_token, url_pw

CRYPT64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


class Doc:
    """Lines of one file plus labels on them (1-based line numbers)."""

    def __init__(self, path):
        self.path, self.lines, self.labels = path, [], []

    def add(self, text, label=None, value_offset=0):
        start = len(self.lines) + 1
        self.lines.extend(text.split("\n"))
        if label:
            end = len(self.lines)
            # a whole-range label accepts a finding on any of its lines (a PEM block, a key
            # line plus its block-scalar value)
            whole = label.get("whole")
            lab = dict(label, path=self.path, line=start if whole else start + value_offset,
                       end_line=end if whole else start + value_offset)
            lab.pop("whole", None)
            self.labels.append(lab)

    def text(self):
        return "\n".join(self.lines) + "\n"


def pos(provider, family, syntax, whole=False):
    return {"kind": "pos", "provider": provider, "family": family, "syntax": syntax, "whole": whole}


def ignore(syntax):
    """A line a finding may fairly land on (a key id beside its secret): neither scored nor stray."""
    return {"kind": "ignore", "syntax": syntax}


def neg(kind, syntax, whole=False):
    return {"kind": "neg", "negative": kind, "syntax": syntax, "whole": whole}


def _crypt_hash(g, prefix, n):
    return f"{prefix}{g.s(CRYPT64, 16)}${g.s(CRYPT64, n)}"


def credential_files(g):
    docs = []
    ghp = lambda: crc32_base62_token(g, "ghp_")  # noqa: E731
    npm = lambda: crc32_base62_token(g, "npm_")  # noqa: E731

    d = Doc(".docker/config.json")
    d.add('{\n  "auths": {')
    d.add(f'    "ghcr.io": {{\n      "auth": "{base64.b64encode(("octocat:" + ghp()).encode()).decode()}"\n    }},',
          pos("docker-config-auth", "container-registry", "docker-config"), 1)
    d.add(f'    "registry.gitlab.com": {{\n      "auth": "{base64.b64encode(("deployer:" + g.password()).encode()).decode()}"\n    }},',
          pos("docker-config-auth", "container-registry", "docker-config"), 1)
    ecr = "eyJwYXlsb2FkIjoi" + g.s(B64, 1200)
    d.add(f'    "{g.digits(12)}.dkr.ecr.eu-west-1.amazonaws.com": {{\n      "auth": "{base64.b64encode(("AWS:" + ecr).encode()).decode()}"\n    }},',
          pos("docker-config-auth", "container-registry", "docker-config"), 1)
    d.add(f'    "https://index.docker.io/v1/": {{\n      "identitytoken": "{g.s(B64, 40)}"\n    }}',
          pos("docker-config-identity-token", "container-registry", "docker-config"), 1)
    d.add('  },\n  "credsStore": "desktop",\n  "currentContext": "default"\n}')
    docs.append(d)

    d = Doc(".docker/config.helper.json")
    d.add('{\n  "credHelpers": {\n    "gcr.io": "gcloud",\n    "public.ecr.aws": "ecr-login"\n  },',
          neg("credential-helper", "docker-config", whole=True))
    d.add('  "auths": {\n    "quay.io": {}\n  }\n}')
    docs.append(d)

    d = Doc("web/.npmrc")
    d.add("registry=https://registry.npmjs.org/")
    d.add(f"//registry.npmjs.org/:_authToken={npm()}", pos("npmrc-auth-token", "package-registry", "npmrc"))
    d.add(f"//npm.pkg.github.com/:_authToken={ghp()}", pos("npmrc-auth-token", "package-registry", "npmrc"))
    d.add(f"//nexus.acme.io/repository/npm-private/:_password={base64.b64encode(g.password().encode()).decode()}",
          pos("npmrc-password", "package-registry", "npmrc"))
    d.add("//nexus.acme.io/repository/npm-private/:username=ci-bot")
    d.add(f"_auth={base64.b64encode(('ci-bot:' + g.password()).encode()).decode()}",
          pos("npmrc-auth", "package-registry", "npmrc"))
    d.add("//registry.npmjs.org/:_authToken=${NPM_TOKEN}", neg("reference", "npmrc"))
    d.add(f"//registry.yarnpkg.com/:_authToken={g.uuid()}", pos("npmrc-legacy-uuid-token", "package-registry", "npmrc"))
    d.add("always-auth=true")
    docs.append(d)

    d = Doc("home/dev/.pypirc")
    d.add("[distutils]\nindex-servers =\n    pypi\n    internal\n\n[pypi]\nusername = __token__")
    d.add("password = pypi-AgEIcHlwaS5vcmcCJD" + g.s(B64.replace("+", "-").replace("/", "_"), 150),
          pos("pypirc-password", "package-registry", "pypirc"))
    d.add("\n[internal]\nrepository = https://pypi.acme.io/simple/\nusername = release")
    d.add(f"password = {g.password()}", pos("pypirc-password", "package-registry", "pypirc"))
    docs.append(d)

    d = Doc("home/dev/.netrc")
    d.add(f"machine github.com login octocat password {ghp()}", pos("netrc-password", "source-hosting", "netrc"))
    d.add(f"machine ftp.acme.io\n  login deploy\n  password {g.password()}",
          pos("netrc-password", "database", "netrc"), 2)
    d.add("machine api.heroku.com\n  login ops@acme.io")
    d.add(f"  password {g.uuid()}", pos("netrc-password", "cloud", "netrc"))
    docs.append(d)

    d = Doc("home/dev/.git-credentials")
    d.add(f"https://octocat:{ghp()}@github.com", pos("git-credentials", "source-hosting", "git-credentials"))
    d.add(f"https://oauth2:glpat-{g.s(LALNUM, 20)}@gitlab.com", pos("git-credentials", "source-hosting", "git-credentials"))
    d.add(f"https://x-token-auth:{url_pw(g.password())}@bitbucket.org", pos("git-credentials", "source-hosting", "git-credentials"))
    docs.append(d)

    d = Doc("etc/nginx/.htpasswd")
    d.add(f"admin:$apr1${g.s(CRYPT64, 8)}${g.s(CRYPT64, 22)}", pos("htpasswd-hash", "password-hash", "htpasswd"))
    d.add(f"metrics:$2y$10${g.s(CRYPT64, 53)}", pos("htpasswd-hash", "password-hash", "htpasswd"))
    d.add(f"legacy:{{SHA}}{base64.b64encode(hashlib.sha1(g.password().encode()).digest()).decode()}",
          pos("htpasswd-hash", "password-hash", "htpasswd"))
    docs.append(d)

    d = Doc("backup/etc/shadow")
    d.add("root:*:19700:0:99999:7:::\ndaemon:*:19700:0:99999:7:::\nnobody:!:19700::::::",
          neg("locked-accounts", "shadow", whole=True))
    d.add(f"deploy:{_crypt_hash(g, '$6$', 86)}:19800:0:99999:7:::", pos("shadow-hash", "password-hash", "shadow"))
    d.add(f"app:$y$j9T${g.s(CRYPT64, 22)}${g.s(CRYPT64, 43)}:19810:0:99999:7:::", pos("shadow-hash", "password-hash", "shadow"))
    docs.append(d)

    d = Doc("config/app-hashes.yml")
    d.add("admin_users:\n  - name: ops")
    d.add(f"    password_hash: \"$argon2id$v=19$m=65536,t=3,p=4${g.s(B64.replace('+', '').replace('/', ''), 22)}${g.s(B64.replace('+', '').replace('/', ''), 43)}\"",
          pos("argon2-hash", "password-hash", "yaml"))
    d.add(f"  - name: backup\n    password_hash: \"{_crypt_hash(g, '$5$', 43)}\"", pos("crypt-hash", "password-hash", "yaml"), 1)
    d.add(f"  - name: legacy\n    password_hash: \"$1${g.s(CRYPT64, 8)}${g.s(CRYPT64, 22)}\"", pos("crypt-hash", "password-hash", "yaml"), 1)
    docs.append(d)

    d = Doc("home/dev/.pgpass")
    d.add(f"db.acme.local:5432:*:app_rw:{g.password()}", pos("pgpass-entry", "database", "pgpass"))
    d.add(f"*:*:reporting:analyst:{g.password()}", pos("pgpass-entry", "database", "pgpass"))
    docs.append(d)

    d = Doc("home/dev/.aws/credentials")
    d.add(f"[default]\naws_access_key_id = AKIA{g.s('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}", ignore("aws-credentials"), 1)
    d.add(f"aws_secret_access_key = {g.s(B64[:-2] + '/+', 40)}", pos("aws-credentials-file", "cloud", "aws-credentials"))
    d.add(f"\n[ci]\naws_access_key_id = ASIA{g.s('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}", ignore("aws-credentials"), 2)
    d.add(f"aws_secret_access_key = {g.s(B64[:-2] + '/+', 40)}", pos("aws-credentials-file", "cloud", "aws-credentials"))
    d.add(f"aws_session_token = IQoJb3JpZ2luX2VjE{g.s(B64, 300)}==", pos("aws-session-token", "cloud", "aws-credentials"))
    docs.append(d)

    d = Doc("home/dev/.m2/settings.xml")
    d.add("<settings>\n  <servers>\n    <server>\n      <id>acme-releases</id>\n      <username>deployer</username>")
    d.add(f"      <password>{g.password()}</password>", pos("maven-settings-password", "package-registry", "maven-settings"))
    d.add("    </server>\n    <server>\n      <id>central</id>\n      <username>${env.CENTRAL_USER}</username>")
    d.add("      <password>${env.CENTRAL_PASSWORD}</password>", neg("reference", "maven-settings"))
    d.add("    </server>\n  </servers>\n</settings>")
    docs.append(d)

    d = Doc("src/NuGet.Config")
    d.add('<?xml version="1.0" encoding="utf-8"?>\n<configuration>\n  <packageSourceCredentials>\n    <acme>\n      <add key="Username" value="build" />')
    d.add(f'      <add key="ClearTextPassword" value="{g.password()}" />', pos("nuget-cleartext-password", "package-registry", "nuget-config"))
    d.add("    </acme>\n  </packageSourceCredentials>\n</configuration>")
    docs.append(d)

    d = Doc("home/dev/.gem/credentials")
    d.add(f"---\n:rubygems_api_key: rubygems_{g.hexs(48)}", pos("rubygems-credentials", "package-registry", "gem-credentials"), 1)
    docs.append(d)

    d = Doc("home/dev/.cargo/credentials.toml")
    d.add("[registry]")
    d.add(f'token = "cio{g.alnum(32)}"', pos("cargo-credentials", "package-registry", "cargo-credentials"))
    docs.append(d)

    d = Doc("web/auth.json")
    d.add('{\n    "github-oauth": {')
    d.add(f'        "github.com": "{ghp()}"', pos("composer-auth", "source-hosting", "composer-auth"))
    d.add('    },\n    "http-basic": {\n        "repo.packagist.com": {\n            "username": "token",')
    d.add(f'            "password": "{g.hexs(40)}"', pos("composer-auth", "package-registry", "composer-auth"))
    d.add("        }\n    }\n}")
    docs.append(d)

    d = Doc("etc/wireguard/wg0.conf")
    d.add("[Interface]\nAddress = 10.8.0.2/24")
    d.add(f"PrivateKey = {g.b64bytes(32)}", pos("wireguard-private-key", "private-key", "wireguard"))
    d.add(f"\n[Peer]\nPublicKey = {g.b64bytes(32)}\nEndpoint = vpn.acme.io:51820\nAllowedIPs = 0.0.0.0/0")
    docs.append(d)

    d = Doc("etc/openvpn/ta.key")
    d.add("#\n# 2048 bit OpenVPN static key\n#")
    d.add("-----BEGIN OpenVPN Static key V1-----\n" + "\n".join(g.hexs(32) for _ in range(16))
          + "\n-----END OpenVPN Static key V1-----", pos("openvpn-static-key", "private-key", "openvpn", whole=True))
    docs.append(d)

    d = Doc("home/dev/.s3cfg")
    d.add("[default]\naccess_key = AKIA" + g.s("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16), ignore("s3cfg"), 1)
    d.add(f"secret_key = {g.s(B64[:-2] + '/+', 40)}", pos("s3cfg-secret", "cloud", "s3cfg"))
    d.add("host_base = s3.amazonaws.com\nuse_https = True")
    docs.append(d)

    d = Doc("home/dev/.edgerc")
    d.add("[default]\nhost = akab-" + g.s(LALNUM, 16) + "-" + g.s(LALNUM, 16) + ".luna.akamaiapis.net")
    d.add(f"client_secret = {g.b64bytes(33)}", pos("akamai-edgerc", "cdn", "edgerc"))
    d.add(f"access_token = akab-{g.s(LALNUM, 16)}-{g.s(LALNUM, 16)}", ignore("edgerc"))
    d.add(f"client_token = akab-{g.s(LALNUM, 16)}-{g.s(LALNUM, 16)}", ignore("edgerc"))
    docs.append(d)

    # Dockerfile places a secret hides in besides ENV/ARG/RUN assignments
    d = Doc("docker/hidden/Dockerfile")
    d.add("# syntax=docker/dockerfile:1\nFROM node:20-bookworm-slim\nWORKDIR /app\nCOPY <<EOF /root/.npmrc")
    d.add(f"//registry.npmjs.org/:_authToken={npm()}", pos("npm-access-token", "package-registry", "dockerfile-heredoc"))
    d.add("EOF\nCOPY <<-'CONF' /app/config/prod.yaml\n\tdatabase:")
    d.add(f"\t  url: postgres://shop:{url_pw(g.password())}@db.internal:5432/shop", pos("postgres-url", "database", "dockerfile-heredoc"))
    d.add("CONF\nRUN <<SCRIPT\nset -e")
    d.add(f'curl -fsS -H "Authorization: Bearer {ghp()}" -o /tmp/a.tgz https://api.github.com/repos/acme/x/tarball',
          pos("github-pat-classic", "source-hosting", "dockerfile-heredoc"))
    d.add("SCRIPT")
    d.add(f"HEALTHCHECK --interval=30s CMD curl -fsS https://monitor:{url_pw(g.password())}@127.0.0.1:8443/health || exit 1",
          pos("basic-auth-url", "database", "dockerfile-healthcheck"))
    d.add(f'CMD ["node", "server.js", "--api-key", "sk_live_51{g.alnum(97)}"]',
          pos("stripe-live-secret", "payments", "dockerfile-exec-form"))
    docs.append(d)
    d = Doc("docker/windows/Dockerfile")
    d.add("# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL [\"powershell\", \"-Command\"]")
    d.add(f"RUN Invoke-WebRequest -Uri https://artifacts.acme.io/agent.zip -OutFile agent.zip `\n    -Headers @{{Authorization='Bearer {crc32_base62_token(g, 'ghp_')}'}}",
          pos("github-pat-classic", "source-hosting", "dockerfile-powershell", whole=True))
    d.add(f"ENV AGENT_TOKEN={g.alnum(40)} `\n    AGENT_MODE=service", pos("generic-api-token", "generic", "dockerfile-backtick-escape", whole=True))
    d.add("RUN $env:NPM_TOKEN | Out-Null", neg("reference", "dockerfile-powershell"))
    docs.append(d)
    d = Doc("docker/escaped/Dockerfile")
    d.add("FROM node:20-bookworm-slim")
    d.add('RUN echo "//registry.npmjs.org/:_authToken=\\${NODE_AUTH_TOKEN}" >> /root/.npmrc',
          neg("escaped-reference", "dockerfile-run"))
    d.add('RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci', neg("secret-mount", "dockerfile-run"))
    d.add('RUN curl -fsS --user "ci" https://artifacts.acme.io/tool.tgz -o /tmp/tool.tgz', neg("basic-auth-no-password", "dockerfile-run"))
    docs.append(d)

    # HTTP headers: base64 user:password and bearer tokens
    d = Doc("api/requests.http")
    d.add("### health\nGET https://api.acme.io/v1/health\n\n### orders\nGET https://api.acme.io/v1/orders")
    d.add(f"Authorization: Basic {base64.b64encode(('svc-orders:' + g.password()).encode()).decode()}",
          pos("http-basic-auth", "generic", "http-header"))
    d.add("\n### admin\nGET https://api.acme.io/v1/admin")
    d.add(f"Authorization: Bearer {g.s(B64.replace('+', '').replace('/', ''), 48)}", pos("http-bearer", "generic", "http-header"))
    d.add("\n### templated\nGET https://api.acme.io/v1/me\nAuthorization: Bearer {{token}}")
    docs.append(d)
    d = Doc("etc/nginx/conf.d/upstream.conf")
    d.add("location /billing/ {\n    proxy_pass https://billing.internal/;")
    d.add(f'    proxy_set_header Authorization "Basic {base64.b64encode(("nginx:" + g.password()).encode()).decode()}";',
          pos("http-basic-auth", "generic", "nginx-conf"))
    d.add('    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n}')
    docs.append(d)
    d = Doc("ops/notify.sh")
    d.add("#!/bin/sh")
    d.add(f'curl -X POST -d @payload.json http://hooks.slack.com/services/T{g.s("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 8)}/B{g.s("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 10)}/{g.alnum(24)}',
          pos("slack-webhook-http", "chat", "shell"))
    d.add(f'SLACK_TOKEN="xoxb-{g.digits(12)}-{g.digits(13)}-{g.alnum(32)}"', pos("slack-bot-token-long", "chat", "shell"))
    d.add(f'VAULT_ADDR=https://vault.acme.io VAULT_TOKEN=s.{g.alnum(24)} vault kv get secret/app',
          pos("vault-legacy-token", "infrastructure", "shell"))
    docs.append(d)
    return docs


# ------------------------------------------------------------------------------ keys

def _run(cmd, cwd):
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def generate_keys():
    """Real keys of each common PEM/OpenSSH kind, plus public keys and a certificate."""
    keys, public = {}, {}
    if not shutil.which("openssl"):
        return keys, public, ["openssl not installed: PEM private-key cases skipped"]
    notes = []
    with tempfile.TemporaryDirectory() as t:
        cmds = {
            "rsa-pkcs1": ["openssl", "genrsa", "-traditional", "-out", "k", "2048"],
            "rsa-pkcs8": ["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "k"],
            "ec-sec1": ["openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "k"],
            "ed25519-pkcs8": ["openssl", "genpkey", "-algorithm", "ED25519", "-out", "k"],
            "encrypted-pkcs8": ["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                                "-aes-256-cbc", "-pass", "pass:benchmark-pass", "-out", "k"],
            "dsa": ["sh", "-c", "openssl dsaparam -out p 1024 2>/dev/null && openssl gendsa -out k p"],
        }
        for kind, cmd in cmds.items():
            try:
                _run(cmd, t)
                with open(os.path.join(t, "k")) as f:
                    keys[kind] = f.read()
            except (subprocess.CalledProcessError, OSError):
                notes.append(f"could not generate {kind} key")
        try:
            _run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ck", "-out", "cert",
                  "-days", "30", "-subj", "/CN=bench.acme.io"], t)
            with open(os.path.join(t, "cert")) as f:
                public["certificate"] = f.read()
            _run(["sh", "-c", "openssl pkey -in ck -pubout -out pub"], t)
            with open(os.path.join(t, "pub")) as f:
                public["pem-public-key"] = f.read()
        except (subprocess.CalledProcessError, OSError):
            notes.append("could not generate a certificate")
        if shutil.which("ssh-keygen"):
            try:
                _run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "deploy@ci", "-f", "id"], t)
                with open(os.path.join(t, "id")) as f:
                    keys["openssh-ed25519"] = f.read()
                with open(os.path.join(t, "id.pub")) as f:
                    public["ssh-public-key"] = f.read()
                _run(["ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-N", "", "-f", "idr"], t)
                with open(os.path.join(t, "idr")) as f:
                    keys["openssh-rsa"] = f.read()
            except (subprocess.CalledProcessError, OSError):
                notes.append("could not generate OpenSSH keys")
        else:
            notes.append("ssh-keygen not installed: OpenSSH key cases skipped")
    return keys, public, notes


def key_docs(g, keys, public):
    """Each key kind planted as its own file and embedded in the usual carriers."""
    docs = []
    places = {
        "rsa-pkcs1": "home/dev/.ssh/id_rsa_legacy", "rsa-pkcs8": "certs/server.key",
        "ec-sec1": "certs/ec.key", "ed25519-pkcs8": "secrets/signing-ed25519.pem",
        "encrypted-pkcs8": "certs/encrypted.key", "dsa": "legacy/dsa.pem",
        "openssh-ed25519": "home/dev/.ssh/id_ed25519", "openssh-rsa": "deploy/keys/deploy_rsa",
    }
    for kind, pem in keys.items():
        pem = pem.strip()
        d = Doc(places[kind])
        d.add(pem, pos("private-key-" + kind, "private-key", "pem-file", whole=True))
        docs.append(d)
    base = keys.get("rsa-pkcs8") or next(iter(keys.values()), None)
    if base:
        base = base.strip()
        esc = base.replace("\n", "\\n") + "\\n"
        d = Doc("deploy/gcp/service-account.json")
        # one credential: a finding anywhere in the object counts
        d.add('{\n  "type": "service_account",\n  "project_id": "acme-prod-391207",\n'
              f'  "private_key_id": "{g.hexs(40)}",\n  "private_key": "{esc}",\n'
              '  "client_email": "ci-deployer@acme-prod-391207.iam.gserviceaccount.com",\n  "client_id": "'
              + g.digits(21) + '",\n  "token_uri": "https://oauth2.googleapis.com/token"\n}',
              pos("gcp-service-account-key", "private-key", "json-escaped-pem", whole=True))
        docs.append(d)
        d = Doc("k8s/tls-secret.yaml")
        d.add("apiVersion: v1\nkind: Secret\nmetadata:\n  name: ingress-tls\ntype: kubernetes.io/tls\ndata:")
        if "certificate" in public:
            d.add(f"  tls.crt: {base64.b64encode(public['certificate'].encode()).decode()}",
                  neg("certificate", "k8s-data-base64"))
        d.add(f"  tls.key: {base64.b64encode((base + chr(10)).encode()).decode()}",
              pos("private-key-base64", "private-key", "k8s-data-base64"))
        docs.append(d)
        d = Doc("helm/values-tls.yaml")
        d.add("ingress:\n  tls:\n    key: |")
        d.add("\n".join("      " + ln for ln in base.split("\n")), pos("private-key-yaml-block", "private-key", "yaml-block", whole=True))
        docs.append(d)
        d = Doc("services/signer/.env")
        d.add("SIGNER_MODE=rs256")
        d.add(f'SIGNING_PRIVATE_KEY="{esc}"', pos("private-key-env-escaped", "private-key", "dotenv"))
        docs.append(d)
        d = Doc("infra/tls.tf")
        d.add('resource "kubernetes_secret" "tls" {\n  metadata { name = "tls" }\n  data = {\n    "tls.key" = <<-EOT')
        d.add("\n".join("      " + ln for ln in base.split("\n")), pos("private-key-heredoc", "private-key", "hcl", whole=True))
        d.add("    EOT\n  }\n}")
        docs.append(d)
    for kind, text in public.items():
        path = {"certificate": "certs/server.crt", "pem-public-key": "certs/signing.pub.pem",
                "ssh-public-key": "home/dev/.ssh/id_ed25519.pub"}[kind]
        d = Doc(path)
        d.add(text.strip(), neg(kind, "public-key", whole=True))
        docs.append(d)
    if "ssh-public-key" in public:
        d = Doc("home/deploy/.ssh/authorized_keys")
        d.add(public["ssh-public-key"].strip() + "\n" + public["ssh-public-key"].strip().replace("deploy@ci", "ops@laptop"),
              neg("authorized-keys", "public-key", whole=True))
        docs.append(d)
    d = Doc("home/deploy/.ssh/known_hosts")
    d.add(f"github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{g.s(B64, 43)}\n"
          f"|1|{g.b64bytes(20)}|{g.b64bytes(20)} ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBB{g.s(B64, 86)}=",
          neg("known-hosts", "public-key", whole=True))
    docs.append(d)
    return docs

