"""Builds the labelled trees: the syntax matrix and the realistic image file tree."""

import json
import os

from .gen import url_pw
from .credfiles import Doc, credential_files, generate_keys, key_docs, neg, pos
from .negatives import CODE_READS, RAW_LINES, assignments, negative_files
from .providers import COMPANIONS, PROVIDERS
from .syntaxes import SYNTAXES

ENTRIES_PER_FILE = 24


class SyntaxFile:
    """One file of a syntax being filled with labelled entries and filler."""

    def __init__(self, syntax, index, g):
        self.syntax, self.g = syntax, g
        self.doc = Doc(syntax.path(index))
        self.groups = []  # (lines, label-or-None, value index)
        self.count = 0

    def put(self, lines, label, idx):
        self.groups.append((lines, label, idx))
        self.count += 1

    def filler(self):
        self.groups.append((self.syntax.filler(self.g), None, 0))

    def render(self):
        g = self.g
        for ln in self.syntax.header(g):
            self.doc.add(ln)
        n = len(self.groups)
        for i, (lines, label, idx) in enumerate(self.groups):
            lines = list(lines)
            if self.syntax.json_like and i < n - 1:
                lines[-1] += ","
            self.doc.add("\n".join(lines), label, idx)
        for ln in self.syntax.footer(g):
            self.doc.add(ln)
        return self.doc


def syntax_matrix(g):
    """Every provider in every syntax (distinctive ones also in prose), plus look-alikes."""
    docs = []
    for syn in SYNTAXES:
        files, cur = [], None
        items = []
        for p in PROVIDERS:
            if syn.name == "prose" and not p.distinctive:
                continue
            items.append(("pos", p))
        if syn.name != "prose":
            for kind, name, value in assignments(g):
                items.append(("neg", (kind, name, value)))
            if syn.code and syn.name in CODE_READS:
                for name in ("GITHUB_TOKEN", "DB_PASSWORD", "STRIPE_SECRET_KEY"):
                    items.append(("read", name))
        for kind, line in RAW_LINES.get(syn.name, []):
            items.append(("raw", (kind, line)))
        g.rng.shuffle(items)
        for what, item in items:
            if cur is None or cur.count >= ENTRIES_PER_FILE:
                cur = SyntaxFile(syn, len(files), g)
                files.append(cur)
            if g.chance(0.6):
                cur.filler()
            if what == "pos":
                p = item
                if p.provider in COMPANIONS:
                    cname, cgen = COMPANIONS[p.provider]
                    lines, idx = syn.entry(g, cname, cgen(g), False)
                    cur.put(lines, {"kind": "ignore", "syntax": syn.name}, idx)
                lines, idx = syn.entry(g, p.name(g), p.gen(g), False)
                cur.put(lines, {"kind": "pos", "provider": p.provider, "family": p.family,
                                "syntax": syn.name, "whole": len(lines) > 1}, idx)
            elif what == "neg":
                kind, name, value = item
                if syn.name == "k8s-data-base64" and kind in ("reference", "secret-named-setting"):
                    continue  # nobody base64-encodes a template reference into a Secret
                lines, idx = syn.entry(g, name, value, False)
                cur.put(lines, neg(kind, syn.name, whole=len(lines) > 1), idx)
            elif what == "read":
                lines, idx = syn.entry(g, item, CODE_READS[syn.name](item), True)
                cur.put(lines, neg("code-reads-env", syn.name), idx)
            else:
                kind, line = item
                cur.put(line.split("\n"), {**neg(kind, syn.name), "whole": True}, 0)
        for f in files:
            if g.chance(0.5):
                f.filler()
            docs.append(f.render())
    return docs


def file_negatives(g):
    docs = []
    for kind, path, text in negative_files(g):
        d = Doc(path)
        d.add(text.rstrip("\n"), neg(kind, "negative-file", whole=True))
        docs.append(d)
    return docs


def write(root, docs):
    labels = []
    seen = set()
    for d in docs:
        if d.path in seen:
            raise SystemExit(f"generator bug: two documents at {d.path}")
        seen.add(d.path)
        full = os.path.join(root, d.path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as f:
            f.write(d.text())
        labels.extend(d.labels)
    with open(os.path.join(root, "..", os.path.basename(root) + ".labels.jsonl"), "w") as f:
        for lab in labels:
            f.write(json.dumps(lab) + "\n")
    return labels


def matrix_tree(g, root):
    keys, public, notes = generate_keys()
    docs = syntax_matrix(g) + credential_files(g) + key_docs(g, keys, public) + file_negatives(g)
    return write(root, docs), notes, (keys, public)


# ------------------------------------------------------------------ realistic image tree

def rootfs_tree(g, root, keys, public):
    """A small fake root filesystem: OS files, docs, a Node app with its dependencies, and a
    handful of planted secrets where people really leave them."""
    P = lambda prov, fam, syn, whole=False: pos(prov, fam, syn, whole)  # noqa: E731
    docs = []

    def plain(path, text):
        d = Doc(path)
        d.add(text.rstrip("\n"))
        docs.append(d)
        return d

    plain("etc/os-release", 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\nHOME_URL="https://www.debian.org/"')
    plain("etc/passwd", "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nnode:x:1000:1000::/home/node:/bin/bash")
    plain("etc/shadow", "root:*:19700:0:99999:7:::\ndaemon:*:19700:0:99999:7:::\nnode:!:19700:0:99999:7:::")
    plain("etc/group", "root:x:0:\ndaemon:x:1:\nnode:x:1000:")
    plain("etc/apt/sources.list.d/debian.sources", "Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg")
    plain("etc/nginx/conf.d/default.conf", "server {\n    listen 8080;\n    location / { proxy_pass http://127.0.0.1:3000; }\n    auth_basic \"restricted\";\n    auth_basic_user_file /etc/nginx/.htpasswd;\n}")
    plain("etc/ssl/openssl.cnf", "[req]\ndefault_bits = 2048\nprompt = no\nencrypt_key = no\n[ v3_ca ]\nsubjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid:always,issuer")
    if "certificate" in public:
        plain("etc/ssl/certs/ca-certificates.crt", public["certificate"] * 3)
    plain("usr/share/doc/libssl3/copyright", "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\nUpstream-Name: OpenSSL\n\nFiles: *\nCopyright: 1998-2024 The OpenSSL Project Authors\nLicense: Apache-2.0\n The private key and password handling code is licensed under the Apache License.")
    plain("usr/share/doc/git/README.md", "Git credential helpers store a password or token for a remote.\nUse `git credential-cache` to keep it in memory for a while.")
    plain("usr/include/c++/12/stop_token", "// <stop_token> -*- C++ -*-\n#pragma once\nnamespace std {\n  class stop_token {\n    stop_token(const stop_token& __other) noexcept : _M_state(__other._M_state) {}\n    bool stop_requested() const noexcept;\n  };\n}")
    plain("usr/lib/python3/dist-packages/keyring/backend.py", "class KeyringBackend:\n    def get_password(self, service, username):\n        raise NotImplementedError\n    def set_password(self, service, username, password):\n        raise NotImplementedError")
    plain("usr/share/perl5/HTTP/Credentials.pm", "package HTTP::Credentials;\nsub get { my ($self, $realm, $uri) = @_; return @{$self->{$realm}}{qw(user password)}; }\n1;")
    for pkg in ["express", "jsonwebtoken", "passport-local", "bcryptjs", "dotenv"]:
        plain(f"app/node_modules/{pkg}/package.json", json.dumps({
            "name": pkg, "version": f"{g.between(1, 9)}.{g.between(0, 9)}.{g.between(0, 9)}",
            "description": f"{pkg} for node", "main": "index.js", "license": "MIT",
            "repository": {"type": "git", "url": f"git+https://github.com/example/{pkg}.git"},
            "_integrity": "sha512-" + g.b64bytes(64), "_resolved": f"https://registry.npmjs.org/{pkg}/-/{pkg}-1.0.0.tgz",
            "gitHead": g.hexs(40)}, indent=2))
        plain(f"app/node_modules/{pkg}/README.md", f"# {pkg}\n\n```js\nconst secret = process.env.JWT_SECRET;\nconst token = jwt.sign({{ sub: user.id }}, secret);\n// password: 'your-password'\n```")
    plain("app/node_modules/jsonwebtoken/lib/verify.js", "module.exports = function verify(jwtString, secretOrPublicKey, options) {\n  if (!secretOrPublicKey) throw new JsonWebTokenError('secret or public key must be provided');\n  const decodedToken = decode(jwtString, { complete: true });\n};")
    plain("app/node_modules/dotenv/lib/main.js", "const LINE = /(?:^|^)\\s*(?:export\\s+)?([\\w.-]+)(?:\\s*=\\s*?|:\\s+?)(\\s*'(?:\\\\'|[^'])*'|\\s*\"(?:\\\\\"|[^\"])*\"|[^#\\r\\n]+)?/mg\nfunction parse (src) { const obj = {}; return obj }")
    plain("etc/login.defs", "PASS_MAX_DAYS\t99999\nPASS_MIN_DAYS\t0\nPASS_WARN_AGE\t7\nENCRYPT_METHOD YESCRYPT\nUMASK\t\t022")
    plain("etc/pam.d/common-password", "password\t[success=1 default=ignore]\tpam_unix.so obscure yescrypt\npassword\trequisite\t\t\tpam_deny.so\npassword\trequired\t\t\tpam_permit.so")
    plain("etc/ssh/ssh_config", "Host *\n    IdentityFile ~/.ssh/id_ed25519\n    PasswordAuthentication no\n    HashKnownHosts yes\n    SendEnv LANG LC_*")
    plain("etc/default/useradd", "SHELL=/bin/sh\n# The default password expiry policy\nINACTIVE=-1\nEXPIRE=")
    plain("var/lib/dpkg/status", "".join(
        f"Package: {p}\nStatus: install ok installed\nVersion: {v}\nDescription: {d}\n\n"
        for p, v, d in [("passwd", "1:4.13+dfsg1-1", "change and administer password and group data"),
                        ("libsasl2-2", "2.1.28+dfsg-10", "Cyrus SASL - authentication abstraction library"),
                        ("gnupg", "2.2.40-1.1", "GNU privacy guard - a free PGP replacement"),
                        ("ca-certificates", "20230311", "Common CA certificates")]))
    plain("usr/lib/python3/dist-packages/requests/auth.py", "class HTTPBasicAuth(AuthBase):\n    def __init__(self, username, password):\n        self.username = username\n        self.password = password\n\n    def __call__(self, r):\n        r.headers['Authorization'] = _basic_auth_str(self.username, self.password)\n        return r")
    plain("usr/lib/node_modules/npm/docs/content/commands/npm-token.md", "# npm token\n\nManage your authentication tokens.\n\n    npm token list\n    npm token revoke <id|token>\n    npm token create [--read-only] [--cidr=list]\n\nTokens look like `npm_` followed by 36 characters.")
    plain("usr/share/doc/openssh-client/README.Debian", "ssh-agent keeps your private keys in memory; the passphrase is asked once.\nSee ssh-add(1) and the IdentityFile option in ssh_config(5).")
    plain("app/node_modules/bcryptjs/dist/bcrypt.min.js", "!function(t,e){\"object\"==typeof module&&module.exports?module.exports=e():t.bcrypt=e()}(this,function(){var t={},e=null;function r(t){try{return crypto.getRandomValues(new Uint8Array(t))}catch(t){}throw Error(\"Neither WebCryptoAPI nor a crypto module is available\")}t.genSaltSync=function(t){return\"$2a$\"+(t<10?\"0\":\"\")+t+\"$\"};var n=\"./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789\".split(\"\");return t});")
    plain("app/package.json", json.dumps({"name": "shop-api", "version": "3.2.0", "private": True,
                                          "scripts": {"start": "node server.js"},
                                          "dependencies": {"express": "^4.19.2", "jsonwebtoken": "^9.0.2"}}, indent=2))
    plain("app/server.js", "const express = require('express');\nconst jwt = require('jsonwebtoken');\nconst secret = process.env.JWT_SECRET;\nconst app = express();\napp.post('/login', (req, res) => {\n  const { username, password } = req.body;\n  res.json({ token: jwt.sign({ sub: username }, secret) });\n});\napp.listen(process.env.PORT || 3000);")
    plain("app/public/index.html", f'<!doctype html><html><head><script src="/js/app.{g.hexs(8)}.js"></script></head><body><form><input type="password" name="password"></form></body></html>')
    plain("app/.env.example", "JWT_SECRET=<generate with openssl rand -hex 32>\nDATABASE_URL=postgres://user:password@localhost:5432/shop\nSTRIPE_SECRET_KEY=sk_test_...")

    plain("etc/machine-id", g.hexs(32))
    plain("var/lib/dbus/machine-id", g.hexs(32))
    plain("var/lib/dpkg/info/openssl.md5sums", "".join(
        f"{g.hexs(32)}  usr/{p}\n" for p in ["bin/openssl", "lib/ssl/misc/CA.pl", "share/doc/openssl/changelog.gz",
                                             "share/man/man1/openssl.1ssl.gz", "lib/ssl/openssl.cnf"]))
    plain("etc/services", "ssh\t\t22/tcp\nhttps\t\t443/tcp\nkerberos\t88/tcp\t\tkerberos5 krb5 kerberos-sec\n"
          "kpasswd\t\t464/tcp\npostgresql\t5432/tcp\t\tpostgres")
    plain("usr/share/doc/wordpress/examples/wp-config-sample.php",
          "<?php\ndefine( 'DB_NAME', 'database_name_here' );\ndefine( 'DB_USER', 'username_here' );\n"
          "define( 'DB_PASSWORD', 'password_here' );\ndefine( 'AUTH_KEY',         'put your unique phrase here' );\n"
          "define( 'SECURE_AUTH_KEY',  'put your unique phrase here' );")
    plain("app/node_modules/@slack/web-api/README.md",
          "```js\nconst { WebClient } = require('@slack/web-api');\nconst web = new WebClient(process.env.SLACK_TOKEN);\n"
          "// token looks like xoxb-your-token\n```")
    plain("app/node_modules/aws-sdk/README.md",
          "Configure credentials, e.g. `AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE` and\n"
          "`AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY` (the documented example pair).")
    plain(f"app/public/assets/app.{g.hexs(8)}.js",
          "(()=>{var e={};e.t=function(){return document.cookie}})();\n//# sourceMappingURL=data:application/json;base64,"
          + __import__("base64").b64encode(json.dumps({"version": 3, "sources": ["src/app.ts"], "names": ["token", "password"],
                                                      "mappings": "AAAA,SAASA," + g.s("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/,;", 120)}).encode()).decode())
    plain("app/yarn.lock", "".join(
        f'\n"{p}@^4.0.0":\n  version "4.{i}.0"\n  resolved "https://registry.yarnpkg.com/{p}/-/{p}-4.{i}.0.tgz#{g.hexs(40)}"\n  integrity sha512-{g.b64bytes(64)}\n'
        for i, p in enumerate(["express", "jsonwebtoken", "bcryptjs", "passport", "uuid"])))
    if "ssh-public-key" in public:
        plain("etc/ssh/ssh_host_ed25519_key.pub", public["ssh-public-key"].replace("deploy@ci", "root@buildkitsandbox"))
    plain("usr/lib/python3/dist-packages/keyring/tests/test_backend.py",
          "def test_password_set_get(keyring):\n    keyring.set_password('system', 'user', 'pw')\n"
          "    assert keyring.get_password('system', 'user') == 'pw'")

    # planted secrets
    d = Doc("app/.env")
    d.add("NODE_ENV=production\nPORT=3000")
    d.add(f"JWT_SECRET={g.hexs(64)}", P("generic-hex-secret", "generic", "dotenv"))
    d.add(f"DATABASE_URL=postgres://shop:{url_pw(g.password())}@db.internal:5432/shop", P("postgres-url", "database", "dotenv"))
    d.add(f"STRIPE_SECRET_KEY=sk_live_51{g.alnum(97)}", P("stripe-live-secret", "payments", "dotenv"))
    docs.append(d)
    from .gen import crc32_base62_token
    d = Doc("root/.docker/config.json")
    d.add('{\n  "auths": {\n    "ghcr.io": {')
    d.add(f'      "auth": "{__import__("base64").b64encode(("ci:" + crc32_base62_token(g, "ghp_")).encode()).decode()}"',
          P("docker-config-auth", "container-registry", "docker-config"))
    d.add("    }\n  }\n}")
    docs.append(d)
    d = Doc("app/config/production.json")
    d.add('{\n  "mail": {\n    "provider": "sendgrid",')
    d.add(f'    "apiKey": "SG.{g.s("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 22)}.{g.s("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 43)}"',
          P("sendgrid-api-key", "email-sms", "json"))
    d.add('  },\n  "redis": {')
    d.add(f'    "url": "redis://default:{url_pw(g.password())}@cache.internal:6379/0"', P("redis-url", "database", "json"))
    d.add("  }\n}")
    docs.append(d)
    d = Doc("root/.npmrc")
    d.add(f"//registry.npmjs.org/:_authToken={crc32_base62_token(g, 'npm_')}", P("npmrc-auth-token", "package-registry", "npmrc"))
    docs.append(d)
    d = Doc("home/node/.aws/credentials")
    d.add("[default]\naws_access_key_id = AKIA" + g.s("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16),
          {"kind": "ignore", "syntax": "aws-credentials"}, 1)
    d.add(f"aws_secret_access_key = {g.s('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+', 40)}",
          P("aws-credentials-file", "cloud", "aws-credentials"))
    docs.append(d)
    if "openssh-ed25519" in keys:
        d = Doc("root/.ssh/id_ed25519")
        d.add(keys["openssh-ed25519"].strip(), P("private-key-openssh-ed25519", "private-key", "pem-file", True))
        docs.append(d)
    if "rsa-pkcs8" in keys:
        d = Doc("etc/ssl/private/shop.key")
        d.add(keys["rsa-pkcs8"].strip(), P("private-key-rsa-pkcs8", "private-key", "pem-file", True))
        docs.append(d)
    d = Doc("usr/local/bin/docker-entrypoint.sh")
    d.add("#!/bin/sh\nset -e")
    d.add(f'export SLACK_WEBHOOK_URL="https://hooks.slack.com/services/T{g.s("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 8)}/B{g.s("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 10)}/{g.alnum(24)}"',
          P("slack-webhook", "chat", "shell"))
    d.add('exec "$@"')
    docs.append(d)
    d = Doc("app/config/settings.py")
    d.add("import os\nDEBUG = False")
    d.add(f'SECRET_KEY = "{g.s("abcdefghijklmnopqrstuvwxyz0123456789!@#%^&*(-_=+)", 50)}"', P("django-secret-key", "generic", "python"))
    d.add('ALLOWED_HOSTS = ["shop.acme.io"]\nDATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "PASSWORD": os.environ["DB_PASSWORD"]}}')
    docs.append(d)
    d = Doc("root/.bash_history")
    d.add("ls -la\ncd /app\nnpm ci --omit=dev")
    d.add(f"export GITHUB_TOKEN={crc32_base62_token(g, 'ghp_')}", P("github-pat-classic", "source-hosting", "shell-history"))
    d.add("git clone https://github.com/acme/shop-api.git")
    d.add(f"mysql -h db.internal -u root -p'{g.password()}' shop < /tmp/seed.sql", P("mysql-cli-password", "database", "shell-history"))
    d.add("exit")
    docs.append(d)
    d = Doc("root/.config/gh/hosts.yml")
    d.add("github.com:\n    user: ci-bot")
    d.add(f"    oauth_token: {crc32_base62_token(g, 'gho_')}", P("github-oauth-token", "source-hosting", "yaml"))
    d.add("    git_protocol: https")
    docs.append(d)
    d = Doc("app/.git/config")
    d.add('[core]\n\trepositoryformatversion = 0\n\tbare = false\n[remote "origin"]')
    d.add(f"\turl = https://ci-bot:{crc32_base62_token(g, 'ghp_')}@github.com/acme/shop-api.git",
          P("git-remote-credentials", "source-hosting", "gitconfig"))
    d.add("\tfetch = +refs/heads/*:refs/remotes/origin/*")
    docs.append(d)
    d = Doc("var/www/html/wp-config.php")
    d.add("<?php\ndefine( 'DB_NAME', 'wordpress' );\ndefine( 'DB_USER', 'wp' );")
    d.add(f"define( 'DB_PASSWORD', '{g.password()}' );", P("wordpress-db-password", "database", "php"))
    d.add("define( 'DB_HOST', 'db:3306' );")
    salt_alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!@#%^&*()-_[]{}<>~+=,.;:/?|"
    d.add(f"define( 'AUTH_KEY',         '{g.s(salt_alpha, 64)}' );", P("wordpress-salt", "generic", "php"))
    d.add(f"define( 'SECURE_AUTH_KEY',  '{g.s(salt_alpha, 64)}' );", P("wordpress-salt", "generic", "php"))
    docs.append(d)
    d = Doc("etc/apt/auth.conf.d/acme.conf")
    d.add(f"machine apt.acme.io login ci password {g.password()}", P("apt-auth-conf", "package-registry", "netrc"))
    docs.append(d)
    d = Doc("root/.pip/pip.conf")
    d.add("[global]")
    d.add(f"index-url = https://ci:{url_pw(g.password())}@pypi.acme.io/simple/", P("pip-index-credentials", "package-registry", "ini"))
    docs.append(d)
    d = Doc("root/.terraformrc")
    d.add('credentials "app.terraform.io" {')
    d.add(f'  token = "{g.alnum(14)}.atlasv1.{g.s("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 67)}"',
          P("terraform-cloud-token", "infrastructure", "hcl"))
    d.add("}")
    docs.append(d)
    d = Doc("root/.kube/config")
    d.add("apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    server: https://k8s.acme.io:6443\n  name: prod\nusers:\n- name: deployer\n  user:")
    from .providers import _k8s_sa_jwt
    d.add(f"    token: {_k8s_sa_jwt(g)}", P("kubeconfig-token", "infrastructure", "kubeconfig"))
    docs.append(d)
    d = Doc("app/config/database.yml")
    d.add("production:\n  adapter: postgresql\n  database: shop\n  username: shop")
    d.add(f"  password: {g.alnum(24)}", P("rails-database-password", "database", "yaml"))
    d.add("  host: db.internal")
    docs.append(d)
    if "ed25519-pkcs8" in keys:
        d = Doc("etc/ssh/ssh_host_ed25519_key")
        d.add(keys["openssh-ed25519"].strip() if "openssh-ed25519" in keys else keys["ed25519-pkcs8"].strip(),
              P("ssh-host-private-key", "private-key", "pem-file", True))
        docs.append(d)
    d = Doc("etc/mysql/debian.cnf")
    d.add("# Automatically generated for Debian scripts. DO NOT TOUCH!\n[client]\nhost     = localhost\nuser     = debian-sys-maint")
    d.add(f"password = {g.alnum(16)}", P("mysql-debian-cnf", "database", "ini"))
    d.add("socket   = /var/run/mysqld/mysqld.sock")
    docs.append(d)
    d = Doc("etc/nginx/.htpasswd")
    d.add(f"admin:$apr1${g.s('./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', 8)}${g.s('./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', 22)}",
          P("htpasswd-hash", "password-hash", "htpasswd"))
    docs.append(d)
    return write(root, docs)
