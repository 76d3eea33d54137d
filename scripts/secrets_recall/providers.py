"""Credential formats per provider, written from the providers' public token documentation.

Each `P` is one credential kind: the provider, its family (for per-family figures), the
variable name real projects use for it, a generator of a value with the documented shape, and
whether the value is distinctive on its own (a documented prefix or structure), which decides
whether it is also planted without a telling variable name.
"""

import json
from dataclasses import dataclass
from typing import Callable

from .gen import (ALNUM, B64URL, DIGITS, LALNUM, LOWER, UALNUM, UHEX, UPPER, b64, b64url_json,
                  crc32_base62_token, jwt, url_pw)


@dataclass(frozen=True)
class P:
    provider: str
    family: str
    var: object  # a name, or a tuple of the names real projects use (one is picked per plant)
    gen: Callable
    distinctive: bool = True

    def name(self, g):
        return self.var if isinstance(self.var, str) else g.choice(self.var)


def _aws_secret(g):
    return g.s(ALNUM + "/+", 40)


def _azure_storage_conn(g):
    return (f"DefaultEndpointsProtocol=https;AccountName=acme{g.s(LALNUM, 6)};"
            f"AccountKey={g.b64bytes(64)};EndpointSuffix=core.windows.net")


def _cosmos_conn(g):
    return (f"AccountEndpoint=https://acme-{g.s(LALNUM, 5)}.documents.azure.com:443/;"
            f"AccountKey={g.b64bytes(64)};")


def _azure_sas(g):
    sig = g.b64bytes(32).replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")
    return (f"https://acme{g.s(LALNUM, 6)}.blob.core.windows.net/backups?sv=2022-11-02&ss=b&srt=sco"
            f"&sp=rwdlacupiytfx&se=2027-06-30T17:00:00Z&st=2026-01-01T09:00:00Z&spr=https&sig={sig}")


def _azure_ad_secret(g):
    return g.s(ALNUM, 3) + g.choice(DIGITS) + "Q~" + g.s(ALNUM + "_~.-", 34)


def _slack_bot(g):
    return f"xoxb-{g.digits(g.between(10, 13))}-{g.digits(g.between(10, 13))}-{g.alnum(24)}"


def _slack_user(g):
    return f"xoxp-{g.digits(11)}-{g.digits(11)}-{g.digits(13)}-{g.hexs(32)}"


def _discord_bot(g):
    uid = g.digits(18)
    return f"{b64(uid).rstrip('=')}.{g.s(B64URL, 6)}.{g.s(B64URL, 38)}"


def _gcp_sa_json(g):
    # The private key itself is planted by the PEM generators; here the key id/secret pair.
    return g.hexs(40)


def _sentry_org(g):
    payload = {"iat": 1700000000 + g.between(0, 9999999), "url": "https://sentry.io",
               "region_url": "https://us.sentry.io", "org": "acme"}
    return "sntrys_" + b64url_json(payload) + "_" + g.s(ALNUM + "+/", 43)


def _grafana_api_key(g):
    return b64(json.dumps({"k": g.alnum(32), "n": "deploy", "id": g.between(1, 999)},
                          separators=(",", ":"))).rstrip("=")


def _mapbox(g):
    return "sk." + b64url_json({"u": "acme-maps", "a": g.s(LALNUM, 25)}) + "." + g.s(B64URL, 22)


def _k8s_sa_jwt(g):
    return jwt(g, {"iss": "kubernetes/serviceaccount",
                   "kubernetes.io/serviceaccount/namespace": "prod",
                   "kubernetes.io/serviceaccount/secret.name": "deployer-token-" + g.s(LALNUM, 5),
                   "kubernetes.io/serviceaccount/service-account.name": "deployer",
                   "kubernetes.io/serviceaccount/service-account.uid": g.uuid(),
                   "sub": "system:serviceaccount:prod:deployer"}, alg="RS256", sig_bytes=256)


def _generic_jwt(g):
    now = 1760000000 + g.between(0, 9999999)
    return jwt(g, {"sub": g.uuid(), "name": "svc-billing", "iat": now, "exp": now + 31536000,
                   "scope": "read write"})


def _onepassword_sa(g):
    inner = {"signInAddress": "acme.1password.com", "userAuth": {"method": "SRPg-4096",
             "alg": "PBES2g-HS256", "iterations": 650000, "salt": g.s(B64URL, 22)},
             "email": g.s(LALNUM, 12) + "@1passwordserviceaccounts.com", "srpX": g.hexs(64),
             "muk": {"alg": "A256GCM", "ext": True, "k": g.s(B64URL, 43), "key_ops": ["encrypt",
                     "decrypt"], "kty": "oct", "kid": "mp"},
             "secretKey": _op_secret_key(g), "throttleSecret": {"seed": g.hexs(64),
             "deviceUuid": g.s(LALNUM, 26)}, "deviceUuid": g.s(LALNUM, 26)}
    return "ops_" + b64url_json(inner)


def _op_secret_key(g):
    return "A3-" + "-".join(g.s(UALNUM, n) for n in (6, 6, 5, 5, 5, 5, 5))


def _twitter_bearer(g):
    return ("AAAAAAAAAAAAAAAAAAAAA" + g.alnum(10) + "AAAAAA" + g.alnum(20) + "%2B" + g.alnum(12)
            + "%3D" + g.alnum(50))


def _intercom(g):
    return b64(f"tok:{g.uuid()}:1:0").rstrip("=")


def _conn(scheme, port, user="app", path="/app", query=""):
    def make(g):
        enc = url_pw(g.password())
        host = g.choice(["db.internal", "10.0.3.17", "prod-db.acme.io", "mq.acme.local"])
        return f"{scheme}://{user}:{enc}@{host}:{port}{path}{query}"
    return make


def _mongo_srv(g):
    return f"mongodb+srv://svc_orders:{url_pw(g.password())}@cluster0.{g.s(LALNUM, 5)}.mongodb.net/orders?retryWrites=true&w=majority"


def _jdbc(g):
    kind = g.choice(["postgresql", "mysql", "sqlserver"])
    if kind == "sqlserver":
        return f"jdbc:sqlserver://sql.acme.local:1433;databaseName=erp;user=erp_app;password={g.password()};encrypt=true"
    return f"jdbc:{kind}://db.acme.local:5432/erp?user=erp_app&password={url_pw(g.password())}&ssl=true"


def _adonet(g):
    return (f"Server=tcp:acme-sql.database.windows.net,1433;Initial Catalog=orders;"
            f"Persist Security Info=False;User ID=orders_app;Password={g.password()};"
            f"MultipleActiveResultSets=False;Encrypt=True;Connection Timeout=30;")


def _odbc(g):
    return (f"Driver={{ODBC Driver 18 for SQL Server}};Server=sql01.acme.local;Database=ledger;"
            f"Uid=ledger_rw;Pwd={g.password()};")


def _libpq(g):
    return f"host=pg.acme.local port=5432 dbname=billing user=billing password={g.password()} sslmode=require"


def _basic_auth_url(g):
    return f"https://deploy:{url_pw(g.password())}@artifacts.acme.io/repository/releases/"


def _django_secret(g):
    return g.s(LOWER + DIGITS + "!@#$%^&*(-_=+)", 50)


PROVIDERS = [
    # ---- clouds
    P("aws-access-key-id", "cloud", "AWS_ACCESS_KEY_ID", lambda g: "AKIA" + g.s(UPPER + "234567", 16)),
    P("aws-secret-access-key", "cloud", "AWS_SECRET_ACCESS_KEY", _aws_secret, False),
    P("aws-session-token", "cloud", "AWS_SESSION_TOKEN",
      lambda g: "IQoJb3JpZ2luX2VjE" + g.s(ALNUM + "/+", 340) + "=="),
    P("gcp-api-key", "cloud", "GOOGLE_API_KEY", lambda g: "AIza" + g.s(B64URL, 35)),
    P("gcp-oauth-client-secret", "cloud", "GOOGLE_CLIENT_SECRET", lambda g: "GOCSPX-" + g.s(B64URL, 28)),
    P("gcp-oauth-access-token", "cloud", "GOOGLE_ACCESS_TOKEN", lambda g: "ya29.a0" + g.s(B64URL, 160)),
    P("azure-storage-connection-string", "cloud", "AZURE_STORAGE_CONNECTION_STRING", _azure_storage_conn),
    P("azure-storage-account-key", "cloud", "AZURE_STORAGE_KEY", lambda g: g.b64bytes(64), False),
    P("azure-cosmos-connection-string", "cloud", "COSMOS_CONNECTION_STRING", _cosmos_conn),
    P("azure-sas-url", "cloud", "BACKUP_CONTAINER_SAS_URL", _azure_sas),
    P("azure-ad-client-secret", "cloud", "AZURE_CLIENT_SECRET", _azure_ad_secret),
    P("digitalocean-pat", "cloud", "DIGITALOCEAN_ACCESS_TOKEN", lambda g: "dop_v1_" + g.hexs(64)),
    P("digitalocean-oauth", "cloud", "DO_OAUTH_TOKEN", lambda g: "doo_v1_" + g.hexs(64)),
    P("alibaba-access-key-id", "cloud", "ALIBABA_CLOUD_ACCESS_KEY_ID", lambda g: "LTAI5t" + g.alnum(18)),
    P("alibaba-access-key-secret", "cloud", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", lambda g: g.alnum(30), False),
    P("ibm-cloud-api-key", "cloud", "IBMCLOUD_API_KEY", lambda g: g.s(B64URL, 44), False),
    P("heroku-api-key", "cloud", "HEROKU_API_KEY", lambda g: g.uuid(), False),
    P("heroku-api-key-v2", "cloud", "HEROKU_API_KEY", lambda g: "HRKU-AA" + g.s(B64URL, 58)),
    P("linode-token", "cloud", "LINODE_TOKEN", lambda g: g.hexs(64), False),
    P("scaleway-secret-key", "cloud", "SCW_SECRET_KEY", lambda g: g.uuid(), False),
    P("tencent-secret-id", "cloud", "TENCENTCLOUD_SECRET_ID", lambda g: "AKID" + g.alnum(32)),
    P("yandex-api-key", "cloud", "YC_API_KEY", lambda g: "AQVN" + g.s(B64URL, 36)),
    P("yandex-iam-token", "cloud", "YC_IAM_TOKEN", lambda g: "t1.9euelZ" + g.s(B64URL, 150)),
    P("oracle-cloud-auth-token", "cloud", "OCI_AUTH_TOKEN", lambda g: g.s(ALNUM + "()<>:;.-_+", 20), False),
    P("openstack-password", "cloud", "OS_PASSWORD", lambda g: g.password(), False),
    # ---- PaaS / infrastructure
    P("netlify-pat", "infrastructure", "NETLIFY_AUTH_TOKEN", lambda g: "nfp_" + g.alnum(36)),
    P("flyio-token", "infrastructure", "FLY_API_TOKEN", lambda g: "fo1_" + g.s(B64URL, 43)),
    P("vercel-token", "infrastructure", "VERCEL_TOKEN", lambda g: g.alnum(24), False),
    P("supabase-access-token", "infrastructure", "SUPABASE_ACCESS_TOKEN", lambda g: "sbp_" + g.hexs(40)),
    P("supabase-secret-key", "infrastructure", "SUPABASE_SECRET_KEY", lambda g: "sb_secret_" + g.s(B64URL, 31)),
    P("planetscale-token", "database", "PLANETSCALE_SERVICE_TOKEN", lambda g: "pscale_tkn_" + g.s(B64URL, 43)),
    P("planetscale-password", "database", "DATABASE_PASSWORD", lambda g: "pscale_pw_" + g.s(B64URL, 43)),
    P("doppler-service-token", "infrastructure", "DOPPLER_TOKEN", lambda g: "dp.st.prd." + g.alnum(43)),
    P("doppler-personal-token", "infrastructure", "DOPPLER_TOKEN", lambda g: "dp.pt." + g.alnum(43)),
    P("pulumi-token", "infrastructure", "PULUMI_ACCESS_TOKEN", lambda g: "pul-" + g.hexs(40)),
    P("databricks-token", "infrastructure", "DATABRICKS_TOKEN", lambda g: "dapi" + g.hexs(32)),
    P("terraform-cloud-token", "infrastructure", "TFE_TOKEN",
      lambda g: g.alnum(14) + ".atlasv1." + g.s(B64URL, 67)),
    # Vault >= 1.10 service tokens embed a protobuf (`CAES…`) and run to ~95 characters
    P("vault-service-token", "infrastructure", "VAULT_TOKEN", lambda g: "hvs.CAESI" + g.s(B64URL, 86)),
    P("vault-batch-token", "infrastructure", "VAULT_TOKEN", lambda g: "hvb.AAAAAQ" + g.s(B64URL, 134)),
    P("vault-legacy-token", "infrastructure", "VAULT_TOKEN", lambda g: "s." + g.alnum(24)),
    P("hcp-client-secret", "infrastructure", "HCP_CLIENT_SECRET", lambda g: g.s(B64URL, 64), False),
    P("tailscale-auth-key", "infrastructure", "TS_AUTHKEY",
      lambda g: "tskey-auth-k" + g.alnum(10) + "CNTRL-" + g.alnum(33)),
    P("ngrok-authtoken", "infrastructure", "NGROK_AUTHTOKEN",
      lambda g: "2" + g.alnum(26) + "_" + g.alnum(21), False),
    P("docker-swarm-join-token", "infrastructure", "SWARM_JOIN_TOKEN",
      lambda g: "SWMTKN-1-" + g.s(LALNUM, 50) + "-" + g.s(LALNUM, 25)),
    P("k3s-token", "infrastructure", "K3S_TOKEN", lambda g: "K10" + g.hexs(64) + "::server:" + g.hexs(32)),
    P("kubernetes-sa-token", "infrastructure", "KUBE_TOKEN", _k8s_sa_jwt),
    P("age-secret-key", "infrastructure", "SOPS_AGE_KEY",
      lambda g: "AGE-SECRET-KEY-1" + g.s("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58)),
    P("consul-acl-token", "infrastructure", "CONSUL_HTTP_TOKEN", lambda g: g.uuid(), False),
    P("onepassword-sa-token", "identity", "OP_SERVICE_ACCOUNT_TOKEN", _onepassword_sa),
    P("onepassword-secret-key", "identity", "OP_SECRET_KEY", _op_secret_key),
    # ---- source hosting
    P("github-pat-classic", "source-hosting", "GITHUB_TOKEN", lambda g: crc32_base62_token(g, "ghp_")),
    P("github-oauth-token", "source-hosting", "GH_OAUTH_TOKEN", lambda g: crc32_base62_token(g, "gho_")),
    P("github-user-to-server", "source-hosting", "GH_USER_TOKEN", lambda g: crc32_base62_token(g, "ghu_")),
    P("github-server-to-server", "source-hosting", "GH_INSTALLATION_TOKEN", lambda g: crc32_base62_token(g, "ghs_")),
    P("github-refresh-token", "source-hosting", "GH_REFRESH_TOKEN", lambda g: crc32_base62_token(g, "ghr_")),
    P("github-fine-grained-pat", "source-hosting", "GH_PAT",
      lambda g: "github_pat_11" + g.s(UALNUM, 20) + "_" + g.alnum(59)),
    P("github-app-client-secret", "source-hosting", "GITHUB_CLIENT_SECRET", lambda g: g.hexs(40), False),
    P("gitlab-pat", "source-hosting", "GITLAB_TOKEN", lambda g: "glpat-" + g.s(B64URL, 20)),
    P("gitlab-pipeline-trigger", "source-hosting", "GITLAB_TRIGGER_TOKEN", lambda g: "glptt-" + g.hexs(40)),
    P("gitlab-runner-registration", "source-hosting", "RUNNER_REGISTRATION_TOKEN", lambda g: "GR1348941" + g.s(B64URL, 20)),
    P("gitlab-runner-auth", "source-hosting", "CI_RUNNER_TOKEN", lambda g: "glrt-" + g.s(B64URL, 20)),
    P("gitlab-deploy-token", "source-hosting", "GITLAB_DEPLOY_TOKEN", lambda g: "gldt-" + g.s(B64URL, 20)),
    P("gitlab-feed-token", "source-hosting", "GITLAB_FEED_TOKEN", lambda g: "glft-" + g.s(B64URL, 20)),
    P("gitlab-oauth-secret", "source-hosting", "GITLAB_APP_SECRET", lambda g: "gloas-" + g.hexs(64)),
    P("gitlab-agent-token", "source-hosting", "GITLAB_AGENT_TOKEN", lambda g: "glagent-" + g.s(B64URL, 50)),
    P("bitbucket-app-password", "source-hosting", "BITBUCKET_APP_PASSWORD", lambda g: "ATBB" + g.alnum(32)),
    P("gitea-token", "source-hosting", "GITEA_TOKEN", lambda g: g.hexs(40), False),
    P("atlassian-api-token", "source-hosting", "JIRA_API_TOKEN",
      lambda g: "ATATT3xFfGF0" + g.s(B64URL, 170) + "=" + g.s(UHEX, 8)),
    P("azure-devops-pat", "source-hosting", "AZURE_DEVOPS_PAT", lambda g: g.s(LOWER + "234567", 52), False),
    # ---- CI/CD and code quality
    P("circleci-personal-token", "ci-cd", "CIRCLECI_TOKEN", lambda g: "CCIPAT_" + g.alnum(22) + "_" + g.hexs(40)),
    P("circleci-project-token", "ci-cd", "CIRCLE_PROJECT_TOKEN", lambda g: "CCIPRJ_" + g.alnum(22) + "_" + g.hexs(40)),
    P("travis-ci-token", "ci-cd", "TRAVIS_TOKEN", lambda g: g.s(B64URL, 22), False),
    P("jenkins-api-token", "ci-cd", "JENKINS_API_TOKEN", lambda g: "11" + g.hexs(32), False),
    P("buildkite-api-token", "ci-cd", "BUILDKITE_API_TOKEN", lambda g: "bkua_" + g.hexs(40)),
    P("buildkite-agent-token", "ci-cd", "BUILDKITE_AGENT_TOKEN", lambda g: g.s(LALNUM, 50), False),
    P("drone-token", "ci-cd", "DRONE_TOKEN", lambda g: g.alnum(32), False),
    P("sourcegraph-token", "ci-cd", "SRC_ACCESS_TOKEN", lambda g: "sgp_" + g.hexs(16) + "_" + g.hexs(40)),
    P("sonarqube-token", "ci-cd", "SONAR_TOKEN", lambda g: g.choice(["squ_", "sqp_", "sqa_"]) + g.hexs(40)),
    P("codecov-token", "ci-cd", "CODECOV_TOKEN", lambda g: g.uuid(), False),
    P("snyk-token", "ci-cd", "SNYK_TOKEN", lambda g: g.uuid(), False),
    P("octopus-api-key", "ci-cd", "OCTOPUS_API_KEY", lambda g: "API-" + g.s(UALNUM, 27)),
    P("harness-pat", "ci-cd", "HARNESS_API_KEY",
      lambda g: "pat." + g.s(B64URL, 22) + "." + g.hexs(24) + "." + g.alnum(20)),
    # ---- package registries
    P("npm-access-token", "package-registry", "NPM_TOKEN", lambda g: crc32_base62_token(g, "npm_")),
    P("pypi-upload-token", "package-registry", "TWINE_PASSWORD",
      lambda g: "pypi-AgEIcHlwaS5vcmcCJD" + g.s(B64URL, 150)),
    P("testpypi-upload-token", "package-registry", "TEST_PYPI_TOKEN",
      lambda g: "pypi-AgENdGVzdC5weXBpLm9yZwIk" + g.s(B64URL, 150)),
    P("rubygems-api-key", "package-registry", "GEM_HOST_API_KEY", lambda g: "rubygems_" + g.hexs(48)),
    P("nuget-api-key", "package-registry", "NUGET_API_KEY", lambda g: "oy2" + g.s(LALNUM, 43)),
    P("cargo-registry-token", "package-registry", "CARGO_REGISTRY_TOKEN", lambda g: "cio" + g.alnum(32)),
    P("artifactory-api-key", "package-registry", "ARTIFACTORY_API_KEY", lambda g: "AKCp8" + g.alnum(68)),
    P("artifactory-reference-token", "package-registry", "JFROG_ACCESS_TOKEN",
      lambda g: "cmVmdGtuOjAxOj" + g.s(ALNUM, 50)),
    P("packagist-token", "package-registry", "PACKAGIST_TOKEN", lambda g: "packagist_uut_" + g.s(LALNUM, 68), False),
    P("clojars-token", "package-registry", "CLOJARS_PASSWORD", lambda g: "CLOJARS_" + g.hexs(60)),
    P("hex-api-key", "package-registry", "HEX_API_KEY", lambda g: g.hexs(32), False),
    P("gradle-publish-secret", "package-registry", "GRADLE_PUBLISH_SECRET", lambda g: g.alnum(32), False),
    P("anaconda-token", "package-registry", "ANACONDA_API_TOKEN", lambda g: g.s(LALNUM + "-", 30), False),
    # ---- container registries
    P("dockerhub-pat", "container-registry", "DOCKERHUB_TOKEN", lambda g: "dckr_pat_" + g.s(B64URL, 27)),
    P("dockerhub-oat", "container-registry", "DOCKER_ORG_TOKEN", lambda g: "dckr_oat_" + g.s(B64URL, 32)),
    P("quay-robot-token", "container-registry", "QUAY_ROBOT_TOKEN", lambda g: g.s(UALNUM, 64), False),
    P("harbor-robot-secret", "container-registry", "HARBOR_ROBOT_SECRET", lambda g: g.alnum(32), False),
    P("acr-password", "container-registry", "ACR_PASSWORD", lambda g: g.s(ALNUM + "/+", 42) + "+ACRD" + g.alnum(5), False),
    # ---- chat and messaging
    P("slack-bot-token", "chat", "SLACK_BOT_TOKEN", _slack_bot),
    P("slack-user-token", "chat", "SLACK_USER_TOKEN", _slack_user),
    P("slack-app-token", "chat", "SLACK_APP_TOKEN",
      lambda g: f"xapp-1-A{g.s(UALNUM, 10)}-{g.digits(13)}-{g.hexs(64)}"),
    P("slack-webhook", "chat", "SLACK_WEBHOOK_URL",
      lambda g: f"https://hooks.slack.com/services/T{g.s(UALNUM, 8)}/B{g.s(UALNUM, 10)}/{g.alnum(24)}"),
    P("discord-bot-token", "chat", "DISCORD_TOKEN", _discord_bot),
    P("discord-webhook", "chat", "DISCORD_WEBHOOK",
      lambda g: f"https://discord.com/api/webhooks/{g.digits(19)}/{g.s(B64URL, 68)}"),
    P("telegram-bot-token", "chat", "TELEGRAM_BOT_TOKEN", lambda g: f"{g.digits(10)}:AA{g.s(B64URL, 33)}"),
    P("teams-webhook", "chat", "TEAMS_WEBHOOK_URL",
      lambda g: f"https://acme.webhook.office.com/webhookb2/{g.uuid()}@{g.uuid()}/IncomingWebhook/{g.hexs(32)}/{g.uuid()}"),
    P("google-chat-webhook", "chat", "GCHAT_WEBHOOK",
      lambda g: f"https://chat.googleapis.com/v1/spaces/AAAA{g.s(B64URL, 7)}/messages?key=AIza{g.s(B64URL, 35)}&token={g.s(B64URL, 43)}%3D"),
    P("mattermost-token", "chat", "MATTERMOST_TOKEN", lambda g: g.s(LALNUM, 26), False),
    P("zapier-webhook", "chat", "ZAPIER_HOOK_URL",
      lambda g: f"https://hooks.zapier.com/hooks/catch/{g.digits(7)}/{g.s(LALNUM, 6)}/"),
    P("twilio-api-key-secret", "email-sms", "TWILIO_API_SECRET", lambda g: g.alnum(32), False),
    P("twilio-api-key-sid", "email-sms", "TWILIO_API_KEY", lambda g: "SK" + g.hexs(32)),
    P("twilio-auth-token", "email-sms", "TWILIO_AUTH_TOKEN", lambda g: g.hexs(32), False),
    P("vonage-api-secret", "email-sms", "VONAGE_API_SECRET", lambda g: g.alnum(16), False),
    P("plivo-auth-token", "email-sms", "PLIVO_AUTH_TOKEN", lambda g: g.alnum(40), False),
    P("messagebird-key", "email-sms", "MESSAGEBIRD_ACCESS_KEY", lambda g: g.alnum(25), False),
    # ---- email
    P("sendgrid-api-key", "email-sms", "SENDGRID_API_KEY", lambda g: "SG." + g.s(B64URL, 22) + "." + g.s(B64URL, 43)),
    P("mailgun-api-key", "email-sms", "MAILGUN_API_KEY", lambda g: "key-" + g.hexs(32)),
    P("mailgun-api-key-v2", "email-sms", "MAILGUN_API_KEY", lambda g: g.hexs(32) + "-" + g.hexs(8) + "-" + g.hexs(8), False),
    P("mailchimp-api-key", "email-sms", "MAILCHIMP_API_KEY", lambda g: g.hexs(32) + "-us" + str(g.between(1, 21))),
    P("brevo-api-key", "email-sms", "BREVO_API_KEY", lambda g: "xkeysib-" + g.hexs(64) + "-" + g.alnum(16)),
    P("postmark-server-token", "email-sms", "POSTMARK_SERVER_TOKEN", lambda g: g.uuid(), False),
    P("mailjet-secret", "email-sms", "MAILJET_API_SECRET", lambda g: g.hexs(32), False),
    # ---- payments
    P("stripe-live-secret", "payments", "STRIPE_SECRET_KEY", lambda g: "sk_live_51" + g.alnum(97)),
    P("stripe-restricted-key", "payments", "STRIPE_RESTRICTED_KEY", lambda g: "rk_live_51" + g.alnum(97)),
    P("stripe-webhook-secret", "payments", "STRIPE_WEBHOOK_SECRET", lambda g: "whsec_" + g.alnum(32)),
    P("shopify-access-token", "payments", "SHOPIFY_ACCESS_TOKEN", lambda g: "shpat_" + g.hexs(32)),
    P("shopify-shared-secret", "payments", "SHOPIFY_API_SECRET", lambda g: "shpss_" + g.hexs(32)),
    P("shopify-custom-app", "payments", "SHOPIFY_CUSTOM_TOKEN", lambda g: "shpca_" + g.hexs(32)),
    P("square-access-token", "payments", "SQUARE_ACCESS_TOKEN", lambda g: "EAAA" + g.s(B64URL, 60)),
    P("square-oauth-secret", "payments", "SQUARE_APP_SECRET", lambda g: "sq0csp-" + g.s(B64URL, 43)),
    P("braintree-access-token", "payments", "BRAINTREE_ACCESS_TOKEN",
      lambda g: f"access_token$production${g.s(LALNUM, 16)}${g.hexs(32)}"),
    P("paypal-client-secret", "payments", "PAYPAL_CLIENT_SECRET", lambda g: "E" + g.s(B64URL, 79), False),
    P("razorpay-key-secret", "payments", "RAZORPAY_KEY_SECRET", lambda g: g.alnum(24), False),
    P("flutterwave-secret", "payments", "FLW_SECRET_KEY", lambda g: "FLWSECK-" + g.hexs(32) + "-X"),
    P("plaid-access-token", "payments", "PLAID_ACCESS_TOKEN", lambda g: "access-production-" + g.uuid()),
    P("plaid-secret", "payments", "PLAID_SECRET", lambda g: g.hexs(30), False),
    P("adyen-api-key", "payments", "ADYEN_API_KEY", lambda g: "AQE" + g.s(ALNUM + "+/", 120) + "="),
    P("gocardless-token", "payments", "GOCARDLESS_ACCESS_TOKEN", lambda g: "live_" + g.s(B64URL, 40)),
    P("shippo-token", "payments", "SHIPPO_API_TOKEN", lambda g: "shippo_live_" + g.hexs(40)),
    P("easypost-api-key", "payments", "EASYPOST_API_KEY", lambda g: "EZAK" + g.alnum(54)),
    P("duffel-token", "payments", "DUFFEL_ACCESS_TOKEN", lambda g: "duffel_live_" + g.s(B64URL, 43)),
    # ---- crypto exchanges
    P("binance-api-secret", "crypto-exchange", "BINANCE_API_SECRET", lambda g: g.alnum(64), False),
    P("kraken-private-key", "crypto-exchange", "KRAKEN_PRIVATE_KEY", lambda g: g.b64bytes(64), False),
    P("coinbase-api-secret", "crypto-exchange", "COINBASE_API_SECRET", lambda g: g.b64bytes(64), False),
    P("kucoin-api-secret", "crypto-exchange", "KUCOIN_API_SECRET", lambda g: g.uuid(), False),
    P("bitfinex-api-secret", "crypto-exchange", "BITFINEX_API_SECRET", lambda g: g.alnum(43), False),
    # ---- AI APIs
    P("openai-project-key", "ai", "OPENAI_API_KEY",
      lambda g: "sk-proj-" + g.s(B64URL, 74) + "T3BlbkFJ" + g.s(B64URL, 74)),
    P("openai-legacy-key", "ai", "OPENAI_API_KEY", lambda g: "sk-" + g.alnum(20) + "T3BlbkFJ" + g.alnum(20)),
    P("openai-svcacct-key", "ai", "OPENAI_API_KEY",
      lambda g: "sk-svcacct-" + g.s(B64URL, 74) + "T3BlbkFJ" + g.s(B64URL, 74)),
    P("anthropic-api-key", "ai", "ANTHROPIC_API_KEY", lambda g: "sk-ant-api03-" + g.s(B64URL, 93) + "AA"),
    P("anthropic-admin-key", "ai", "ANTHROPIC_ADMIN_KEY", lambda g: "sk-ant-admin01-" + g.s(B64URL, 93) + "AA"),
    P("huggingface-token", "ai", "HF_TOKEN", lambda g: "hf_" + g.s(UPPER + LOWER, 34)),
    P("groq-api-key", "ai", "GROQ_API_KEY", lambda g: "gsk_" + g.alnum(52)),
    P("replicate-token", "ai", "REPLICATE_API_TOKEN", lambda g: "r8_" + g.alnum(37)),
    P("perplexity-key", "ai", "PERPLEXITY_API_KEY", lambda g: "pplx-" + g.alnum(48)),
    P("xai-key", "ai", "XAI_API_KEY", lambda g: "xai-" + g.alnum(80)),
    P("langsmith-key", "ai", "LANGSMITH_API_KEY", lambda g: "lsv2_pt_" + g.hexs(32) + "_" + g.hexs(10)),
    P("cohere-key", "ai", "COHERE_API_KEY", lambda g: g.alnum(40), False),
    P("mistral-key", "ai", "MISTRAL_API_KEY", lambda g: g.alnum(32), False),
    P("pinecone-key", "ai", "PINECONE_API_KEY", lambda g: "pcsk_" + g.alnum(5) + "_" + g.alnum(63)),
    P("wandb-key", "ai", "WANDB_API_KEY", lambda g: g.hexs(40), False),
    P("deepseek-key", "ai", "DEEPSEEK_API_KEY", lambda g: "sk-" + g.hexs(32), False),
    P("gemini-key", "ai", "GEMINI_API_KEY", lambda g: "AIza" + g.s(B64URL, 35)),
    # ---- observability
    P("datadog-api-key", "observability", "DD_API_KEY", lambda g: g.hexs(32), False),
    P("datadog-app-key", "observability", "DD_APP_KEY", lambda g: g.hexs(40), False),
    P("newrelic-user-key", "observability", "NEW_RELIC_API_KEY", lambda g: "NRAK-" + g.s(UALNUM, 27)),
    P("newrelic-license-key", "observability", "NEW_RELIC_LICENSE_KEY", lambda g: g.hexs(36) + "NRAL"),
    P("newrelic-insert-key", "observability", "NEW_RELIC_INSERT_KEY", lambda g: "NRII-" + g.s(B64URL, 32)),
    P("sentry-org-token", "observability", "SENTRY_AUTH_TOKEN", _sentry_org),
    P("sentry-user-token", "observability", "SENTRY_AUTH_TOKEN", lambda g: "sntryu_" + g.hexs(64)),
    P("grafana-api-key", "observability", "GRAFANA_API_KEY", _grafana_api_key),
    P("grafana-cloud-token", "observability", "GRAFANA_CLOUD_TOKEN",
      lambda g: "glc_" + b64url_json({"o": str(g.between(100000, 999999)), "n": "stack-" + g.s(LALNUM, 6) + "-hm-write", "k": g.alnum(24), "m": {"r": "prod-us-east-0"}})),
    P("grafana-sa-token", "observability", "GRAFANA_SERVICE_ACCOUNT_TOKEN",
      lambda g: "glsa_" + g.alnum(32) + "_" + g.hexs(8)),
    P("dynatrace-token", "observability", "DT_API_TOKEN", lambda g: "dt0c01." + g.s(UALNUM, 24) + "." + g.s(UALNUM, 64)),
    P("splunk-hec-token", "observability", "SPLUNK_HEC_TOKEN", lambda g: g.uuid(), False),
    P("honeycomb-key", "observability", "HONEYCOMB_API_KEY", lambda g: g.alnum(22), False),
    P("rollbar-token", "observability", "ROLLBAR_ACCESS_TOKEN", lambda g: g.hexs(32), False),
    P("bugsnag-key", "observability", "BUGSNAG_API_KEY", lambda g: g.hexs(32), False),
    P("pagerduty-key", "observability", "PAGERDUTY_TOKEN", lambda g: "u+" + g.s(B64URL, 18), False),
    P("opsgenie-key", "observability", "OPSGENIE_API_KEY", lambda g: g.uuid(), False),
    P("logzio-token", "observability", "LOGZIO_TOKEN", lambda g: g.s(UPPER + LOWER, 32), False),
    P("sumologic-access-key", "observability", "SUMO_ACCESS_KEY", lambda g: g.alnum(64), False),
    P("elastic-api-key", "observability", "ELASTIC_API_KEY", lambda g: b64(g.s(B64URL, 20) + ":" + g.s(B64URL, 22)), False),
    # ---- CDN / edge
    P("cloudflare-api-token", "cdn", "CLOUDFLARE_API_TOKEN", lambda g: g.s(B64URL, 40), False),
    P("cloudflare-global-key", "cdn", "CLOUDFLARE_API_KEY", lambda g: g.hexs(37), False),
    P("cloudflare-origin-ca-key", "cdn", "CF_ORIGIN_CA_KEY", lambda g: "v1.0-" + g.hexs(24) + "-" + g.hexs(146)),
    P("fastly-token", "cdn", "FASTLY_API_TOKEN", lambda g: g.s(B64URL, 32), False),
    P("akamai-client-secret", "cdn", "AKAMAI_CLIENT_SECRET", lambda g: g.b64bytes(33), False),
    P("akamai-access-token", "cdn", "AKAMAI_ACCESS_TOKEN", lambda g: "akab-" + g.s(LALNUM, 16) + "-" + g.s(LALNUM, 16)),
    P("bunny-api-key", "cdn", "BUNNY_API_KEY", lambda g: g.uuid() + "-" + g.uuid()[:23], False),
    # ---- identity
    P("okta-api-token", "identity", "OKTA_API_TOKEN", lambda g: "00" + g.s(B64URL, 40), False),
    P("auth0-client-secret", "identity", "AUTH0_CLIENT_SECRET", lambda g: g.s(B64URL, 64), False),
    P("keycloak-client-secret", "identity", "KEYCLOAK_CLIENT_SECRET", lambda g: g.alnum(32), False),
    P("jwt-bearer", "identity", "API_JWT", _generic_jwt),
    # ---- productivity / SaaS
    P("linear-api-key", "productivity", "LINEAR_API_KEY", lambda g: "lin_api_" + g.alnum(40)),
    P("notion-token", "productivity", "NOTION_TOKEN", lambda g: "ntn_" + g.digits(11) + g.alnum(35)),
    P("notion-legacy-token", "productivity", "NOTION_TOKEN", lambda g: "secret_" + g.alnum(43)),
    P("asana-pat", "productivity", "ASANA_ACCESS_TOKEN", lambda g: "2/" + g.digits(16) + "/" + g.digits(16) + ":" + g.hexs(32)),
    P("airtable-pat", "productivity", "AIRTABLE_API_KEY", lambda g: "pat" + g.alnum(14) + "." + g.hexs(64)),
    P("hubspot-token", "productivity", "HUBSPOT_ACCESS_TOKEN", lambda g: "pat-na1-" + g.uuid()),
    P("mapbox-secret", "productivity", "MAPBOX_SECRET_TOKEN", _mapbox),
    P("algolia-admin-key", "productivity", "ALGOLIA_ADMIN_API_KEY", lambda g: g.hexs(32), False),
    P("contentful-pat", "productivity", "CONTENTFUL_MANAGEMENT_TOKEN", lambda g: "CFPAT-" + g.s(B64URL, 43)),
    P("dropbox-token", "productivity", "DROPBOX_ACCESS_TOKEN", lambda g: "sl.u." + g.s(B64URL, 140)),
    P("figma-pat", "productivity", "FIGMA_TOKEN", lambda g: "figd_" + g.s(B64URL, 40)),
    P("facebook-access-token", "productivity", "FB_ACCESS_TOKEN", lambda g: "EAAG" + g.alnum(160)),
    P("twitter-bearer", "productivity", "TWITTER_BEARER_TOKEN", _twitter_bearer),
    P("twitter-api-secret", "productivity", "TWITTER_API_SECRET", lambda g: g.alnum(50), False),
    P("postman-api-key", "productivity", "POSTMAN_API_KEY", lambda g: "PMAK-" + g.hexs(24) + "-" + g.hexs(34)),
    P("launchdarkly-token", "productivity", "LD_API_KEY", lambda g: "api-" + g.uuid()),
    P("launchdarkly-sdk-key", "productivity", "LD_SDK_KEY", lambda g: "sdk-" + g.uuid()),
    P("typeform-token", "productivity", "TYPEFORM_TOKEN", lambda g: "tfp_" + g.s(B64URL, 44) + "_" + g.alnum(14)),
    P("zendesk-token", "productivity", "ZENDESK_API_TOKEN", lambda g: g.alnum(40), False),
    P("intercom-token", "productivity", "INTERCOM_ACCESS_TOKEN", _intercom),
    P("readme-key", "productivity", "README_API_KEY", lambda g: "rdme_" + g.hexs(70)),
    P("frameio-token", "productivity", "FRAMEIO_TOKEN", lambda g: "fio-u-" + g.s(B64URL, 64)),
    P("clickhouse-cloud-key", "database", "CLICKHOUSE_KEY_SECRET", lambda g: "4b1d" + g.alnum(38)),
    P("prefect-key", "productivity", "PREFECT_API_KEY", lambda g: "pnu_" + g.alnum(36)),
    P("infracost-key", "ci-cd", "INFRACOST_API_KEY", lambda g: "ico-" + g.alnum(32)),
    P("shodan-key", "productivity", "SHODAN_API_KEY", lambda g: g.alnum(32), False),
    # ---- databases and connection strings
    P("postgres-url", "database", "DATABASE_URL", _conn("postgresql", 5432, "app_rw", "/app")),
    P("mysql-url", "database", "MYSQL_URL", _conn("mysql", 3306, "shop", "/shop", "?charset=utf8mb4")),
    P("mongodb-srv-url", "database", "MONGODB_URI", _mongo_srv),
    P("redis-url", "database", "REDIS_URL", _conn("redis", 6379, "default", "/0")),
    P("amqp-url", "database", "RABBITMQ_URL", _conn("amqps", 5671, "orders", "/prod")),
    P("mssql-url", "database", "MSSQL_URL", _conn("mssql", 1433, "sa", "/erp")),
    P("ldap-url", "database", "LDAP_URL", _conn("ldaps", 636, "cn=admin", "/dc=acme,dc=io")),
    P("smtp-url", "email-sms", "SMTP_URL", _conn("smtps", 465, "mailer", "")),
    P("jdbc-url", "database", "JDBC_URL", _jdbc),
    P("adonet-connection", "database", "ConnectionStrings__Default", _adonet),
    P("odbc-connection", "database", "ODBC_CONNECTION", _odbc),
    P("libpq-connection", "database", "PG_DSN", _libpq),
    P("basic-auth-url", "database", "ARTIFACT_REPO_URL", _basic_auth_url),
    P("mongodb-atlas-private-key", "database", "MONGODB_ATLAS_PRIVATE_KEY", lambda g: g.uuid(), False),
    P("upstash-redis-token", "database", "UPSTASH_REDIS_REST_TOKEN", lambda g: "A" + g.s(B64URL, 63) + "=", False),
    P("neon-api-key", "database", "NEON_API_KEY", lambda g: "napi_" + g.s(LALNUM, 64)),
    P("snowflake-password", "database", "SNOWFLAKE_PASSWORD", lambda g: g.password(), False),
    P("fauna-secret", "database", "FAUNA_SECRET", lambda g: "fnA" + g.s(B64URL, 37)),
    # ---- long tail (formats from the providers' API documentation)
    P("azure-servicebus-connection", "cloud", "SERVICEBUS_CONNECTION_STRING",
      lambda g: f"Endpoint=sb://acme-{g.s(LALNUM, 6)}.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey={g.b64bytes(32)}"),
    P("azure-eventhub-connection", "cloud", "EVENTHUB_CONNECTION_STRING",
      lambda g: f"Endpoint=sb://acme-{g.s(LALNUM, 6)}.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey={g.b64bytes(32)};EntityPath=telemetry"),
    P("azure-app-config-connection", "cloud", "APPCONFIG_CONNECTION_STRING",
      lambda g: f"Endpoint=https://acme-{g.s(LALNUM, 6)}.azconfig.io;Id={g.alnum(4)}-l0-s0:{g.alnum(20)};Secret={g.b64bytes(32)}"),
    P("azure-openai-key", "ai", "AZURE_OPENAI_API_KEY", lambda g: g.hexs(32), False),
    P("aws-appsync-key", "cloud", "APPSYNC_API_KEY", lambda g: "da2-" + g.s(LALNUM, 26)),
    P("gcs-hmac-secret", "cloud", "GCS_HMAC_SECRET", lambda g: g.s(ALNUM + "/+", 40), False),
    P("firebase-fcm-server-key", "cloud", "FCM_SERVER_KEY",
      lambda g: "AAAA" + g.s(B64URL, 7) + ":APA91b" + g.s(B64URL, 134)),
    P("backblaze-b2-key", "cloud", "B2_APPLICATION_KEY", lambda g: "K00" + g.s(ALNUM, 28), False),
    P("cloudinary-url", "cdn", "CLOUDINARY_URL", lambda g: f"cloudinary://{g.digits(15)}:{g.s(B64URL, 27)}@acme-media"),
    P("vultr-api-key", "cloud", "VULTR_API_KEY", lambda g: g.s(UALNUM, 36), False),
    P("hetzner-token", "cloud", "HCLOUD_TOKEN", lambda g: g.alnum(64), False),
    P("exoscale-secret", "cloud", "EXOSCALE_API_SECRET", lambda g: g.s(B64URL, 43), False),
    P("mailersend-token", "email-sms", "MAILERSEND_API_KEY", lambda g: "mlsn." + g.hexs(64)),
    P("resend-key", "email-sms", "RESEND_API_KEY", lambda g: "re_" + g.alnum(8) + "_" + g.alnum(24)),
    P("sparkpost-key", "email-sms", "SPARKPOST_API_KEY", lambda g: g.hexs(40), False),
    P("mandrill-key", "email-sms", "MANDRILL_API_KEY", lambda g: "md-" + g.s(B64URL, 22)),
    P("posthog-personal-key", "observability", "POSTHOG_PERSONAL_API_KEY", lambda g: "phx_" + g.alnum(43)),
    P("mixpanel-secret", "observability", "MIXPANEL_API_SECRET", lambda g: g.hexs(32), False),
    P("axiom-token", "observability", "AXIOM_TOKEN", lambda g: "xaat-" + g.uuid()),
    P("honeybadger-pat", "observability", "HONEYBADGER_PERSONAL_AUTH_TOKEN", lambda g: "hbp_" + g.alnum(36)),
    P("openrouter-key", "ai", "OPENROUTER_API_KEY", lambda g: "sk-or-v1-" + g.hexs(64)),
    P("nvidia-ngc-key", "ai", "NGC_API_KEY", lambda g: "nvapi-" + g.s(B64URL, 64)),
    P("elevenlabs-key", "ai", "ELEVENLABS_API_KEY", lambda g: "sk_" + g.hexs(48)),
    P("together-key", "ai", "TOGETHER_API_KEY", lambda g: g.hexs(64), False),
    P("assemblyai-key", "ai", "ASSEMBLYAI_API_KEY", lambda g: g.hexs(32), False),
    P("deepgram-key", "ai", "DEEPGRAM_API_KEY", lambda g: g.hexs(40), False),
    P("semgrep-token", "ci-cd", "SEMGREP_APP_TOKEN", lambda g: g.hexs(64), False),
    P("cloudsmith-key", "package-registry", "CLOUDSMITH_API_KEY", lambda g: g.hexs(40), False),
    P("sidekiq-enterprise", "package-registry", "BUNDLE_ENTERPRISE__CONTRIBSYS__COM",
      lambda g: g.hexs(8) + ":" + g.hexs(8)),
    P("twitch-client-secret", "productivity", "TWITCH_CLIENT_SECRET", lambda g: g.s(LALNUM, 30), False),
    P("line-channel-token", "chat", "LINE_CHANNEL_ACCESS_TOKEN", lambda g: g.s(ALNUM + "/+", 171) + "=", False),
    P("slack-signing-secret", "chat", "SLACK_SIGNING_SECRET", lambda g: g.hexs(32), False),
    P("discord-client-secret", "chat", "DISCORD_CLIENT_SECRET", lambda g: g.s(B64URL, 32), False),
    P("rapidapi-key", "productivity", "RAPIDAPI_KEY", lambda g: g.s(ALNUM, 50), False),
    P("etherscan-key", "crypto-exchange", "ETHERSCAN_API_KEY", lambda g: g.s(UALNUM, 34), False),
    P("infura-secret", "crypto-exchange", "INFURA_PROJECT_SECRET", lambda g: g.hexs(32), False),
    P("alpaca-secret", "crypto-exchange", "APCA_API_SECRET_KEY", lambda g: g.alnum(40), False),
    P("confluent-secret", "database", "CONFLUENT_CLOUD_API_SECRET", lambda g: g.s(ALNUM + "+/", 64), False),
    P("railway-token", "infrastructure", "RAILWAY_TOKEN", lambda g: g.uuid(), False),
    P("sanity-token", "productivity", "SANITY_AUTH_TOKEN", lambda g: "sk" + g.alnum(80), False),
    # ---- generic: secret-named variables with values of real shapes
    P("generic-password", "generic", ("DB_PASSWORD", "PASSWORD", "DB_PASS", "ADMIN_PWD", "MYSQL_ROOT_PASSWORD", "POSTGRES_PASSWORD", "REDIS_PASS", "LDAP_BIND_PASSWORD", "KEYSTORE_PASSWORD", "PASSWD"), lambda g: g.password(), False),
    P("generic-api-token", "generic", ("API_TOKEN", "API_KEY", "APIKEY", "X_API_KEY", "SERVICE_TOKEN", "AUTH_TOKEN", "ACCESS_TOKEN", "BEARER_TOKEN", "PARTNER_API_KEY", "INTERNAL_API_SECRET"), lambda g: g.alnum(g.between(28, 48)), False),
    P("generic-client-secret", "generic", ("OAUTH_CLIENT_SECRET", "CLIENT_SECRET", "APP_SECRET", "CONSUMER_SECRET", "SSO_CLIENT_SECRET"), lambda g: g.s(B64URL, g.between(32, 48)), False),
    P("generic-hex-secret", "generic", ("SIGNING_SECRET", "HMAC_KEY", "SESSION_SECRET", "COOKIE_SECRET", "SECRET"), lambda g: g.hexs(64), False),
    P("generic-base64-key", "generic", ("ENCRYPTION_KEY", "MASTER_KEY", "AES_KEY", "DATA_KEY", "CIPHER_KEY"), lambda g: g.b64bytes(32), False),
    P("generic-jwt-secret", "generic", "JWT_SECRET", lambda g: g.s(ALNUM + "!@#%^&*", 40), False),
    P("django-secret-key", "generic", "DJANGO_SECRET_KEY", _django_secret, False),
    P("rails-secret-key-base", "generic", "SECRET_KEY_BASE", lambda g: g.hexs(128), False),
    P("laravel-app-key", "generic", "APP_KEY", lambda g: "base64:" + g.b64bytes(32), False),
    P("nextauth-secret", "generic", "NEXTAUTH_SECRET", lambda g: g.b64bytes(32), False),
    P("generic-webhook-secret", "generic", "WEBHOOK_SECRET", lambda g: g.alnum(40), False),
    P("generic-smtp-password", "generic", "SMTP_PASSWORD", lambda g: g.password(), False),
    P("generic-private-token", "generic", ("PRIVATE_TOKEN", "DEPLOY_TOKEN", "REGISTRY_TOKEN", "CI_JOB_SECRET", "CREDENTIALS"), lambda g: g.s(LALNUM, 40), False),
    P("generic-access-key", "generic", "ACCESS_KEY_SECRET", lambda g: g.s(ALNUM + "/+", 40), False),
]

# Paired ids whose secret is meaningless without them: emitted as neutral context lines.
COMPANIONS = {
    "aws-secret-access-key": ("AWS_ACCESS_KEY_ID", lambda g: "AKIA" + g.s(UPPER + "234567", 16)),
    "alibaba-access-key-secret": ("ALIBABA_CLOUD_ACCESS_KEY_ID", lambda g: "LTAI5t" + g.alnum(18)),
    "twilio-auth-token": ("TWILIO_ACCOUNT_SID", lambda g: "AC" + g.hexs(32)),
    "twilio-api-key-secret": ("TWILIO_API_KEY", lambda g: "SK" + g.hexs(32)),
    "akamai-client-secret": ("AKAMAI_CLIENT_TOKEN", lambda g: "akab-" + g.s(LALNUM, 16) + "-" + g.s(LALNUM, 16)),
    "razorpay-key-secret": ("RAZORPAY_KEY_ID", lambda g: "rzp_live_" + g.alnum(14)),
    "plaid-secret": ("PLAID_CLIENT_ID", lambda g: g.hexs(24)),
    "binance-api-secret": ("BINANCE_API_KEY", lambda g: g.alnum(64)),
    "gcs-hmac-secret": ("GCS_HMAC_ACCESS_ID", lambda g: "GOOG1E" + g.s(UALNUM, 57)),
    "backblaze-b2-key": ("B2_APPLICATION_KEY_ID", lambda g: g.hexs(25)),
    "exoscale-secret": ("EXOSCALE_API_KEY", lambda g: "EXO" + g.hexs(24)),
    "alpaca-secret": ("APCA_API_KEY_ID", lambda g: "PK" + g.s(UALNUM, 18)),
    "confluent-secret": ("CONFLUENT_CLOUD_API_KEY", lambda g: g.s(UALNUM, 16)),
}

