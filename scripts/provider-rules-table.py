# The provider table read by gen-provider-rules.py (exec'd there: pref/ctx/raw/B are its helpers).
# pref(file, id, name, family, severity, prefix, body, ...)  -- prefix-anchored token
# ctx(file, id, name, family, severity, [name regexes], body, ...) -- provider name in the key
# Bodies: B("lit", ("alphabet", n | (min, max)), ("uuid",)).
# ruff: noqa

SEC = r"[A-Za-z0-9_.-]{0,30}?(?:key|token|secret|pat|password|passwd|pwd|credential)"


def svc(n):
    """`<name>` followed by a secret word in the same identifier (`ACME_API_KEY`, `acmeSecret`)."""
    return "(?:" + n + ")" + SEC


BIP39_SOME = ["river", "garden", "cable", "orbit", "zebra", "lunar", "velvet", "pistol", "hunt", "solar", "mango", "wisdom",
              "ticket", "rocket", "violin", "eagle", "forest", "glove", "harvest", "sketch", "tunnel", "walnut", "oyster", "prize"]

# ============================ AI ============================
A = "ai.yaml"
pref(A, "anthropic-oauth-token", "Anthropic Claude OAuth token", "ai", "critical", ["sk-ant-oat01-", "sk-ant-ort01-"], B(("url", 93), "AA"),
     ref="https://docs.anthropic.com/en/api/getting-started", env="CLAUDE_CODE_OAUTH_TOKEN",
     desc="A Claude OAuth access (oat) or refresh (ort) token, e.g. from Claude Code: acts as the signed-in user.")
pref(A, "nvidia-api-key", "NVIDIA NIM / build.nvidia.com API key", "ai", "high", "nvapi-", B(("url", 64)),
     ref="https://docs.api.nvidia.com/nim/docs/api-quickstart")
pref(A, "openrouter-api-key", "OpenRouter API key", "ai", "high", "sk-or-v1-", B(("hex", 64)), ref="https://openrouter.ai/docs/api-keys")
pref(A, "cerebras-api-key", "Cerebras API key", "ai", "high", "csk-", B(("lan", 48)), ref="https://inference-docs.cerebras.ai/")
ctx(A, "fireworks-api-key", "Fireworks AI API key", "ai", "high", ['fireworks'], B('re:(?:fw_)', ("an", 24)), mode="near", env="FIREWORKS_API_KEY", ref="https://docs.fireworks.ai/")

pref(A, "together-api-key", "Together AI API key", "ai", "high", "tgp_v1_", B(("url", 43)), ref="https://docs.together.ai/")
ctx(A, "together-api-key-legacy", "Together AI API key (hex)", "ai", "high", [svc("together(?:ai|_ai|\\.ai)?")], B(("hex", 64)), kw=["together_api", "together-api", "together_key", "togetherai", "together_ai"])
ctx(A, "elevenlabs-api-key", "ElevenLabs API key", "ai", "high", [svc("elevenlabs|eleven_labs|xi"), "xi-api-key"], B("re:(?:sk_)?", ("hex", (32, 48))), kw=["elevenlabs", "eleven_labs", "xi-api-key", "xi_api_key"])
ctx(A, "assemblyai-api-key", "AssemblyAI API key", "ai", "high", [svc("assembly_?ai")], B(("hex", 32)), kw=["assemblyai", "assembly_ai"])
ctx(A, "deepgram-api-key", "Deepgram API key", "ai", "high", [svc("deepgram")], B(("hex", 40)))
ctx(A, "stability-api-key", "Stability AI API key", "ai", "high", [svc("stability(?:_?ai)?")], B("sk-", ("an", 48)), kw=["stability_api", "stability-api", "stability_key", "stabilityai", "stability_ai"])
pref(A, "langfuse-secret-key", "Langfuse secret key", "ai", "high", "sk-lf-", B(("uuid",)), entropy=None, ref="https://langfuse.com/docs/api")
ctx(A, "voyage-api-key", "Voyage AI API key", "ai", "high", [svc("voyage(?:_?ai)?")], B("pa-", ("url", 43)), kw=["voyage"])
pref(A, "jina-api-key", "Jina AI API key", "ai", "high", "jina_", B(("url", (56, 64))), ref="https://jina.ai/")
pref(A, "tavily-api-key", "Tavily API key", "ai", "high", "tvly-", B("re:(?:dev-|prod-)?", ("an", 32)), ref="https://docs.tavily.com/")
ctx(A, "firecrawl-api-key", "Firecrawl API key", "ai", "high", ["firecrawl"], B("fc-", ("hex", 32)), mode="near")
ctx(A, "exa-api-key", "Exa API key", "ai", "high", [svc("exa(?:_?ai)?")], B(("uuid",)), kw=["exa_api", "exa-api", "exaapi", "exa_key", "exa_ai"], entropy=None)
ctx(A, "kagi-api-key", "Kagi API key", "ai", "high", [svc("kagi")], B(("url", 43), ".", ("url", 43)))
pref(A, "e2b-api-key", "E2B API key", "ai", "high", "e2b_", B(("hex", 40)), ref="https://e2b.dev/docs")
pref(A, "browserbase-api-key", "Browserbase API key", "ai", "high", "bb_live_", B(("url", 27)), ref="https://docs.browserbase.com/")
pref(A, "runpod-api-key", "RunPod API key", "ai", "high", "rpa_", B(("uan", 48)), ref="https://docs.runpod.io/")
ctx(A, "baseten-api-key", "Baseten API key", "ai", "high", [svc("baseten")], B(("an", 8), ".", ("an", 32)))
ctx(A, "siliconflow-api-key", "SiliconFlow API key", "ai", "high", [svc("silicon_?flow")], B("sk-", ("la", 48)), kw=["siliconflow", "silicon_flow"], entropy=3.5)
ctx(A, "moonshot-api-key", "Moonshot AI / Kimi API key", "ai", "high", [svc("moonshot|kimi")], B("sk-", ("an", 48)), kw=["moonshot", "kimi_", "kimi-", "kimiapi"])
ctx(A, "zhipu-api-key", "Zhipu AI (BigModel) API key", "ai", "high", [svc("zhipu(?:ai)?|bigmodel|glm")], B(("hex", 32), ".", ("an", 16)), kw=["zhipu", "bigmodel", "glm_api", "glm-api"])
ctx(A, "dify-api-key", "Dify API key", "ai", "high", [svc("dify")], B("re:(?:app|dataset)-", ("an", 24)), kw=["dify_api", "dify-api", "difyapi", "dify_key", "dify_app", "dify_secret"])
ctx(A, "vapi-api-key", "Vapi API key", "ai", "high", [svc("vapi")], B(("uuid",)), entropy=None)
ctx(A, "mem0-api-key", "Mem0 API key", "ai", "high", [svc("mem0")], B("m0-", ("an", 40)))
ctx(A, "cursor-api-key", "Cursor API key", "ai", "high", [svc("cursor")], B("key_", ("hex", 64)), kw=["cursor_api", "cursor-api", "cursorapi", "cursor_key"])
pref(A, "llamacloud-api-key", "LlamaCloud API key", "ai", "high", "llx-", B(("an", 48)), ref="https://docs.cloud.llamaindex.ai/")
ctx(A, "clarifai-api-key", "Clarifai API key / PAT", "ai", "high", [svc("clarifai")], B(("hex", 32)))
ctx(A, "ai21-api-key", "AI21 Studio API key", "ai", "high", [svc("ai21")], B(("an", 32)))
ctx(A, "azure-openai-api-key", "Azure OpenAI API key", "ai", "high", [svc("azure[_.-]?openai"), "aoai" + SEC], B(("re:(?:[a-f0-9]{32}|[A-Za-z0-9]{84})",)) if False else B(("hex", 32)), kw=["azure_openai", "azure-openai", "azureopenai", "aoai_"])
ctx(A, "replicate-api-token-legacy", "Replicate API token (legacy hex)", "ai", "high", [svc("replicate")], B(("hex", 40)))
ctx(A, "openai-api-key-legacy", "OpenAI API key (legacy 48-character)", "ai", "critical", [svc("openai")], B("sk-", ("an", 48)), kw=["openai"])
ctx(A, "hackclub-ai-key", "Hack Club AI API key", "ai", "medium", [svc("hackclub")], B(("hex", 64)))
ctx(A, "upstage-api-key", "Upstage AI API key", "ai", "high", [svc("upstage")], B("up_", ("an", 29)))
ctx(A, "friendli-api-key", "Friendli.ai token", "ai", "high", [svc("friendli")], B("flp_", ("an", (30, 64))))
ctx(A, "retell-api-key", "Retell AI API key", "ai", "high", [svc("retell")], B("key_", ("hex", 26)))

# ============================ Cloud ============================
C = "cloud.yaml"
pref(C, "aws-appsync-api-key", "AWS AppSync API key", "cloud", "medium", "da2-", B(("lan", 26)), ref="https://docs.aws.amazon.com/appsync/latest/devguide/security-authz.html",
     desc="An AWS AppSync API key: lets anyone call the GraphQL API it belongs to until it expires.")
ctx(C, "alibaba-sts-access-key-id", "Alibaba Cloud STS access key ID", "cloud", "medium", ["alibaba|aliyun|alicloud"], B("STS.", ("an", (20, 40))), mode="near", env="ALIBABA_CLOUD_ACCESS_KEY_ID",
     desc="A temporary Alibaba Cloud STS access key ID; the matching secret and security token are usually next to it.")
ctx(C, "alibaba-sts-security-token", "Alibaba Cloud STS security token", "cloud", "high", [svc("alibaba_cloud_security|alicloud_security|security_token")], B("CAIS", ("b64", (100, 1000)), "re:={0,2}"), kw=["security_token", "securitytoken"], env="ALIBABA_CLOUD_SECURITY_TOKEN")
ctx(C, "tencent-cloud-secret-key", "Tencent Cloud SecretKey", "cloud", "critical", [svc("tencent(?:cloud)?[_.-]?secret|tencentcloud|tc_?secret|qcloud[_.-]?secret")], B(("an", 32)), kw=["tencent", "qcloud", "tc_secret"], env="TENCENTCLOUD_SECRET_KEY")
ctx(C, "huawei-cloud-secret-key", "Huawei Cloud secret access key", "cloud", "critical", [svc("huawei(?:cloud)?|hwcloud|hw_?secret|obs_?secret"), "(?:huawei(?:cloud)?|hwcloud|obs)[_.-]?(?:sdk[_.-]?)?sk"], B(("an", 40)), kw=["huawei", "hwcloud", "hw_secret", "obs_secret", "obs_sk"], env="HUAWEICLOUD_SDK_SK")
ctx(C, "huawei-cloud-access-key", "Huawei Cloud access key ID", "cloud", "medium", ["huawei(?:cloud)?[_.-]?(?:sdk[_.-]?)?ak|hw_?access_?key|huawei[_.-]?access[_.-]?key"], B(("uan", 20)), kw=["huawei", "hw_access"], env="HUAWEICLOUD_SDK_AK")
ctx(C, "oracle-oci-secret-key", "Oracle Cloud customer secret key / auth token", "cloud", "high", [svc("oci|oracle[_.-]?cloud|oracle")], B(("b64", 43), "="), kw=["oci_", "oci-", "oracle_cloud", "oracle_secret", "oracle_api", "oracle_key", "oracle-cloud"], env="OCI_SECRET_KEY")
pref(C, "digitalocean-spaces-key-id", "DigitalOcean Spaces access key ID", "cloud", "medium", "DO00", B(("uan", 16)), conf="medium", kw=["do00"],
     desc="A DigitalOcean Spaces (S3-compatible) access key ID; the 43-character secret is usually next to it.")
ctx(C, "digitalocean-spaces-secret", "DigitalOcean Spaces secret key", "cloud", "critical", [svc("spaces|do_spaces|digitalocean_spaces")], B(("b64", 43)), kw=["do_spaces", "spaces_secret", "spaces-secret", "spaces_key", "spaces-key", "spaces_access", "digitalocean_spaces"], env="SPACES_SECRET_KEY", entropy=4.0)
pref(C, "scaleway-access-key", "Scaleway access key ID", "cloud", "medium", "SCW", B(("uan", 17)), conf="medium", kw=["scw"], entropy=3.0,
     desc="A Scaleway access key ID (SCW…); its secret key is a UUID usually found next to it.")
ctx(C, "hetzner-cloud-token", "Hetzner Cloud API token", "cloud", "critical", [svc("hcloud|hetzner")], B(("an", 64)), env="HCLOUD_TOKEN", ref="https://docs.hetzner.cloud/")
ctx(C, "ovh-application-secret", "OVH application secret / consumer key", "cloud", "high", ["ovh[_.-]?(?:application[_.-]?secret|app[_.-]?secret|consumer[_.-]?key|secret)"], B(("an", 32)), kw=["ovh_", "ovh-", "ovh."], env="OVH_APPLICATION_SECRET")
ctx(C, "vultr-api-key", "Vultr API key", "cloud", "critical", [svc("vultr")], B(("uan", 36)), ref="https://www.vultr.com/api/")
ctx(C, "exoscale-api-key", "Exoscale API key", "cloud", "medium", ["exoscale"], B("EXO", ("hex", 24)), mode="near")
ctx(C, "exoscale-api-secret", "Exoscale API secret", "cloud", "critical", [svc("exoscale")], B(("url", 43)))
ctx(C, "civo-api-key", "Civo API key", "cloud", "critical", [svc("civo")], B(("an", 50)))
ctx(C, "equinix-metal-token", "Equinix Metal (Packet) API token", "cloud", "critical", [svc("packet|metal|equinix")], B(("an", 32)), kw=["packet_auth", "packet_api", "packet_token", "metal_auth", "metal_api", "equinix"], env="METAL_AUTH_TOKEN")
ctx(C, "upcloud-password", "UpCloud API token", "cloud", "high", [svc("upcloud")], B("ucat_", ("uan", 26)))
pref(C, "render-api-key", "Render API key", "cloud", "critical", "rnd_", B(("an", 32)), ref="https://render.com/docs/api")
ctx(C, "railway-api-token", "Railway API token", "cloud", "high", [svc("railway")], B(("uuid",)), entropy=None)
pref(C, "vercel-access-token-prefixed", "Vercel access token (vcp_/vci_/vca_/vcr_/vck_)", "cloud", "critical", ["vcp_", "vci_", "vca_", "vcr_", "vck_"], B(("an", (24, 64))), ref="https://vercel.com/docs/rest-api")
ctx(C, "neon-api-key", "Neon API key", "cloud", "critical", ["neon[_.-]?(?:api|key|token|project)"], B("napi_", ("lan", 64)), mode="near", kw=["neon_api", "neon-api", "neonapi", "neon_key", "neon_token", "neon_project"], env="NEON_API_KEY", ref="https://neon.tech/docs/manage/api-keys")
pref(C, "volcengine-access-key-id", "VolcEngine access key ID", "cloud", "medium", "AKLT", B(("url", (40, 60))), kw=["aklt"], conf="medium")
ctx(C, "tigris-access-key-id", "Tigris access key ID", "cloud", "medium", ['tigris'], B('re:(?:tid_)', ("an_", (20, 64))), mode="near", env="TIGRIS_ACCESS_KEY_ID")

pref(C, "tigris-secret-access-key", "Tigris secret access key", "cloud", "critical", "tsec_", B(("an_", (30, 80))))
# B2 application keys are 31 characters from `K0`; the rest is base64-like (the third and fourth
# characters are not always digits).
ctx(C, "backblaze-application-key", "Backblaze B2 application key", "cloud", "critical", [svc("b2|backblaze")], B("K0", ("b64", 29)), kw=["b2_", "b2-", "b2.app", "b2application", "b2appkey", "backblaze"], env="B2_APPLICATION_KEY",
    ref="https://www.backblaze.com/docs/cloud-storage-application-keys")
pref(C, "google-oauth-refresh-token", "Google OAuth refresh token", "cloud", "high", "1//0", B(("url", (40, 200))), kw=["1//0"], conf="medium",
     desc="A Google OAuth 2.0 refresh token: mints access tokens for the user and scopes it was granted.")
pref(C, "firebase-cloud-messaging-server-key", "Firebase Cloud Messaging legacy server key", "cloud", "high", "AAAA", B(("url", 7), ":APA91b", ("url", 134)), kw=[":apa91b"])
pref(C, "akamai-edgegrid-token", "Akamai EdgeGrid client/access token", "cloud", "medium", "akab-", B(("lan", 16), "-", ("lan", 16)), conf="medium")
ctx(C, "akamai-client-secret", "Akamai EdgeGrid client secret", "cloud", "critical", [svc("akamai")], B(("b64", 43), "="), kw=["akamai"], env="AKAMAI_CLIENT_SECRET")
ctx(C, "azure-container-registry-password", "Azure Container Registry password", "cloud", "critical", ["azurecr\\.io"], B(("b64", 52)), kw=["azurecr.io"], mode="near", entropy=4.0, auto=False, ex=["docker login myreg.azurecr.io -u myreg -p PLACE"])
ctx(C, "azure-function-key", "Azure Function key in URL", "cloud", "high", ["azurewebsites\\.net/api/[^\\s?]*\\?(?:[^\\s]*&)?code="], B(("url", (44, 60)), "re:={0,2}"), kw=["azurewebsites.net"], auto=False, mode="direct", ex=["FUNC_URL=https://orders-fn.azurewebsites.net/api/HttpTrigger1?code=PLACE"])
ctx(C, "azure-logic-app-sas-url", "Azure Logic Apps / Power Automate workflow URL with signature", "cloud", "high", ["logic\\.azure\\.com[^\\s]{0,200}?[?&]sig=|powerplatform\\.com[^\\s]{0,200}?[?&]sig="], B(("url", 43)), kw=["logic.azure.com", "powerplatform.com"], auto=False, mode="direct", ex=["WORKFLOW_URL=https://prod-27.westeurope.logic.azure.com:443/workflows/0a1b2c/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=PLACE"])
ctx(C, "azure-apim-subscription-key", "Azure API Management subscription key", "cloud", "high", ["ocp[_-]?apim[_-]?subscription[_-]?key"], B(("hex", 32)), kw=["ocp-apim-subscription-key", "ocp_apim_subscription_key", "ocpapimsubscriptionkey"], env="OCP_APIM_SUBSCRIPTION_KEY")
ctx(C, "azure-cognitive-services-key", "Azure AI / Cognitive Services key (Speech, Translator, Maps, Vision…)", "cloud", "high", [svc("azure[_.-]?(?:speech|translator|cognitive|maps|vision|language|search|ai|document|form[_.-]?recognizer|content[_.-]?safety|face)|speech|translator|cognitive[_.-]?services?")], B(("hex", 32)), kw=["azure_speech", "azure-speech", "speech_key", "speech-key", "speechkey", "translator_key", "translator-key", "cognitive_service", "cognitive-service", "azure_ai", "azure_maps", "azure_vision", "azure_language", "azure_document", "azure_form", "azure_content", "azure_face"], env="AZURE_SPEECH_KEY")
ctx(C, "azure-search-admin-key", "Azure AI Search admin/query key", "cloud", "high", ["search\\.windows\\.net|azure[_.-]?search" + SEC], B(("an", 52)), kw=["search.windows.net", "azure_search", "azure-search", "azuresearch"], mode="near", env="AZURE_SEARCH_KEY")
ctx(C, "azure-batch-key", "Azure Batch account key", "cloud", "critical", ["batch\\.azure\\.com|azure[_.-]?batch" + SEC], B(("b64", 86), "=="), kw=["batch.azure.com", "azure_batch", "azure-batch", "azurebatch"], mode="near", env="AZURE_BATCH_KEY", entropy=4.0)
ctx(C, "azure-access-key-connection-string", "Azure SignalR / Web PubSub / Communication Services connection string", "cloud", "critical", ["(?:signalr\\.net|webpubsub\\.azure\\.com|communication\\.azure\\.com)[^\\s\"']{0,40}?;\\s*accesskey="], B(("b64", 43), "="), kw=["accesskey="], auto=False, mode="direct",
    ex=["Endpoint=https://chat.service.signalr.net;AccessKey=PLACE;Version=1.0;"])
ctx(C, "azure-app-configuration-connection-string", "Azure App Configuration connection string", "cloud", "critical", ["azconfig\\.io[^\\s\"']{0,60}?;\\s*secret="], B(("b64", 43), "="), kw=["azconfig.io"], auto=False, mode="direct", ex=["ConnectionStrings__AppConfig=Endpoint=https://shop-cfg.azconfig.io;Id=K3xq-l9-s0:Zp0q;Secret=PLACE"])
ctx(C, "azure-storage-key-context", "Azure Storage account key (by context)", "cloud", "critical", [svc("azure[_.-]?storage|storage[_.-]?account|azure[_.-]?blob|abs")], B(("b64", 86), "=="), kw=["azure_storage", "azure-storage", "azurestorage", "storage_account", "storageaccount", "azure_blob", "abs_"], entropy=4.0, env="AZURE_STORAGE_KEY")
ctx(C, "aws-secret-access-key-context", "AWS secret access key (next to an access key ID)", "cloud", "critical", ["(?:AKIA|ASIA)[A-Z2-7]{16}[\"',:;\\s]{1,12}"], B(("b64", 40)), kw=["akia", "asia"], mode="assign", entropy=4.0, auto=False,
    ex=["creds = ('AKIAQ7RDKZYL3MPJ2VNB', 'PLACE')"])
ctx(C, "cloudflare-r2-secret", "Cloudflare R2 secret access key", "cloud", "critical", [svc("r2[_.-]?secret|r2|cloudflare[_.-]?r2")], B(("hex", 64)), kw=["r2_", "r2-", "cloudflare_r2"], env="R2_SECRET_ACCESS_KEY")
pref(C, "cloudflare-tunnel-token", "Cloudflare Tunnel token", "cloud", "high", "eyJhIjoi", B(("b64", (80, 300)), "re:={0,2}"), kw=["eyjhijoi"], sample=lambda: base64.b64encode(json.dumps({"a": rand_str("hex", 32), "t": uuid(), "s": base64.b64encode(os.urandom(32) if False else rand_str("an", 32).encode()).decode()}, separators=(",", ":")).encode()).decode().rstrip("="),
     desc="A cloudflared tunnel token (base64 JSON with account, tunnel id and secret): anyone holding it can run the tunnel and receive its traffic.")
ctx(C, "openstack-application-credential-secret", "OpenStack application credential secret", "cloud", "high", ["os_application_credential_secret|application_credential_secret"], B(("url", (40, 100))), kw=["application_credential_secret"], env="OS_APPLICATION_CREDENTIAL_SECRET")

# ============================ Package registries ============================
R = "package-registries.yaml"
ctx(R, "gemfury-token-url", "Gemfury push/deploy token in a repository URL", "package-registries", "high", ["https?://"], B(("url", 20)), kw=["fury.io"], mode="direct", entropy=3.0, auto=False, end=r":?@(?:push|repo|npm|pypi|gem|maven|apt)\.fury\.io", ex=["pip install --extra-index-url https://PLACE@pypi.fury.io/acme/ acme-lib"])
ctx(R, "gemfury-token", "Gemfury token", "package-registries", "high", [svc("gemfury|fury")], B(("url", 20)), kw=["gemfury", "fury_"], env="GEMFURY_TOKEN", entropy=3.0)
ctx(R, "packagecloud-token", "packagecloud API token", "package-registries", "high", [svc("packagecloud")], B(("hex", 48)))
ctx(R, "cloudsmith-api-key", "Cloudsmith API key", "package-registries", "high", [svc("cloudsmith")], B(("hex", 40)))
ctx(R, "harbor-robot-secret", "Harbor robot account secret", "package-registries", "high", ["robot\\$[A-Za-z0-9._+-]{1,80}[\"']?(?:\\s{1,3}(?:-p|--password)\\s{1,3}|[\"',:\\s]{1,8}(?:password|secret|token)?[\"']?\\s{0,3}[:=]?\\s{0,3})"], B(("an", 32)), kw=["robot$"], auto=False, mode="assign",
    ex=["docker login harbor.example.org -u 'robot$ci+push' -p PLACE", "echo PLACE2 | docker login -u robot$builder --password-stdin"] if False else ["docker login harbor.corp.io -u 'robot$ci+push' -p PLACE"])
ctx(R, "nexus-password", "Sonatype Nexus credentials (by context)", "package-registries", "high", ["nexus[_.-]?(?:password|pass|pwd|token|secret)"], B(("url", (12, 64))), kw=["nexus"], env="NEXUS_PASSWORD", entropy=3.0, generic=True)
ctx(R, "artifactory-password-context", "JFrog Artifactory password/token (by context)", "package-registries", "high", ["(?:artifactory|jfrog)[_.-]?(?:password|pass|pwd|token|api[_.-]?key|access[_.-]?token|identity[_.-]?token)"], B(("url", (20, 80))), kw=["artifactory", "jfrog"], env="ARTIFACTORY_PASSWORD", entropy=3.5)
pref(R, "jfrog-identity-token", "JFrog identity/reference token", "package-registries", "critical", "cmVmdGtuOjAxOj", B(("an", (40, 60))), kw=["cmvmdgtuojaxoj"])
ctx(R, "ghcr-token-context", "GitHub Container Registry token (by context)", "package-registries", "high", [svc("ghcr|cr_pat|container_registry")], B("re:gh[pousr]_", ("an", 36)), kw=["ghcr", "cr_pat", "container_registry"], env="GHCR_TOKEN")
ctx(R, "nuget-config-cleartext-password", "NuGet.Config ClearTextPassword", "package-registries", "high", ["key=[\"']ClearTextPassword[\"']\\s{1,4}value"], B(("url", (8, 128))), kw=["cleartextpassword"], auto=False, entropy=2.5,
    ex=['<add key="ClearTextPassword" value="PLACE" />'])
ctx(R, "maven-settings-password", "Maven settings.xml server password", "package-registries", "high", ["<server>[\\s\\S]{0,300}?<password\\b"], B(("url", (10, 100))), kw=["<server>"], auto=False, entropy=3.0, paths=[r"(?:^|/)(?:\.m2/)?settings(?:-security)?\.xml$"],
    ex=["<server>\n  <id>central</id>\n  <username>deploy</username>\n  <password>PLACE</password>\n</server>"],
    neg=["<server><id>x</id><username>u</username><password>${env.MAVEN_PASSWORD}</password></server>", "<server><id>x</id><password>{COQLCE6DU6GtcS5P=}</password></server>"])
ctx(R, "hex-organization-key", "Hex.pm organization/repository key", "package-registries", "high", [svc("hex(?:pm)?[_.-]?(?:organization|org|repo)|hex_?organization")], B(("hex", 32)), kw=["hex_organization", "hex_org", "hexpm", "hex_repo", "hex-org"], env="HEX_ORGANIZATION_KEY")
ctx(R, "gemstash-api-key", "Gemstash API key", "package-registries", "high", [svc("gemstash")], B(("hex", 32)))
ctx(R, "openvsx-token", "Open VSX access token", "package-registries", "high", [svc("ovsx|open_?vsx")], B(("uuid",)), kw=["ovsx", "openvsx", "open_vsx"], entropy=None)
ctx(R, "vsce-pat", "Visual Studio Marketplace (vsce) PAT", "package-registries", "high", [svc("vsce")], B(("b32l", 52)))
ctx(R, "conan-password", "Conan remote password", "package-registries", "high", ["conan[_.-]?(?:password|login[_.-]?password)[_.-]?[a-z0-9_]*"], B(("url", (12, 80))), kw=["conan"], env="CONAN_PASSWORD", entropy=3.0, generic=True)
ctx(R, "bundler-credentials", "Bundler gem source credentials (BUNDLE_<HOST>)", "package-registries", "high", ["bundle_[a-z0-9_]+__[a-z0-9_]+"], B(("url", (3, 64)), ":", ("url", (8, 64))), kw=["bundle_"], env="BUNDLE_GEMS__CONTRIBSYS__COM", entropy=3.0,
    neg=["BUNDLE_PATH__SYSTEM=true", "BUNDLE_JOBS=4"])
ctx(R, "pub-dev-credentials", "Dart pub credentials", "package-registries", "high", ["\"accessToken\"|\"refreshToken\""], B("ya29.", ("url", (40, 200))), kw=["accesstoken", "refreshtoken"], auto=False, mode="assign",
    ex=['{"accessToken": "PLACE", "tokenEndpoint": "https://accounts.google.com/o/oauth2/token"}'])
ctx(R, "helm-repo-password", "Helm repository password (by context)", "package-registries", "high", ["helm[_.-]?(?:repo[_.-]?)?(?:password|pass|token)"], B(("url", (12, 64))), kw=["helm_repo", "helm-repo", "helm_password", "helm_pass", "helm_token", "helmrepo"], env="HELM_REPO_PASSWORD", entropy=3.0, generic=True)

# ============================ Source hosting / CI ============================
S = "source-hosting.yaml"
ctx(S, "atlassian-dc-pat", "Jira / Confluence / Bitbucket Data Center personal access token", "source-hosting", "high", [svc("jira|confluence|bitbucket[_.-]?server|bamboo|atlassian")], B("re:[MNO]", ("b64", 43)), kw=["jira", "confluence", "bitbucket", "bamboo", "atlassian"], entropy=4.0, env="JIRA_TOKEN")
pref(S, "buildkite-agent-token-v2", "Buildkite cluster agent token", "source-hosting", "high", "bkct_", B(("an", (32, 64))))
ctx(S, "bitrise-token", "Bitrise personal access token", "source-hosting", "high", [svc("bitrise")], B(("url", 86)))
ctx(S, "codacy-api-token", "Codacy API / project token", "source-hosting", "high", [svc("codacy(?:[_.-]?project)?")], B(("an", (20, 32))))
ctx(S, "codeclimate-reporter-id", "Code Climate test reporter ID", "source-hosting", "medium", ["cc_test_reporter_id|codeclimate" + SEC], B(("hex", 64)), kw=["cc_test_reporter", "codeclimate"], env="CC_TEST_REPORTER_ID")
ctx(S, "coveralls-repo-token", "Coveralls repo token", "source-hosting", "high", ["coveralls[_.-]?(?:repo[_.-]?)?token|repo_token"], B(("an", (32, 40))), kw=["coveralls", "repo_token"], env="COVERALLS_REPO_TOKEN")
pref(S, "teamcity-token", "TeamCity access token", "source-hosting", "critical", "eyJ0eXAiOiAiVENWMiJ9", B(".", ("url", (36, 48))), kw=["eyj0exaioiaivenwmij9"])
ctx(S, "mergify-api-key", "Mergify application key", "source-hosting", "high", [svc("mergify")], B("mka_", ("an", (32, 64))))
ctx(S, "nx-cloud-token", "Nx Cloud access token", "source-hosting", "high", ["nx[_.-]?cloud[_.-]?(?:access[_.-]?)?token|nxcloudaccesstoken"], B(("b64", (60, 100)), "re:={0,2}"), kw=["nx_cloud", "nx-cloud", "nxcloud"], env="NX_CLOUD_ACCESS_TOKEN")
ctx(S, "cypress-record-key", "Cypress Cloud record key", "source-hosting", "high", ["cypress[_.-]?record[_.-]?key|--record\\s+--key"], B(("uuid",)), kw=["cypress_record", "cypress-record", "cypressrecord", "--record"], entropy=None, env="CYPRESS_RECORD_KEY")
ctx(S, "semgrep-app-token", "Semgrep App token", "source-hosting", "high", [svc("semgrep(?:[_.-]?app)?")], B(("hex", 64)))
ctx(S, "sonarcloud-token", "SonarCloud / SonarQube token (by context)", "source-hosting", "high", [svc("sonar(?:cloud|qube)?")], B(("hex", 40)), kw=["sonar"], env="SONAR_TOKEN")
ctx(S, "woodpecker-token", "Woodpecker / Drone CI token (by context)", "source-hosting", "high", [svc("woodpecker|drone")], B(("an", 32)), kw=["woodpecker", "drone_token", "drone_secret", "drone-token", "drone_api"], env="WOODPECKER_TOKEN")
ctx(S, "gitter-token", "Gitter access token", "source-hosting", "high", [svc("gitter")], B(("hex", 40)))
ctx(S, "jenkins-api-token-context", "Jenkins API token (user:token)", "source-hosting", "high", [svc("jenkins")], B(("hex", 34)), kw=["jenkins"], env="JENKINS_API_TOKEN")
ctx(S, "gitlab-session-cookie", "GitLab session cookie", "source-hosting", "high", ["_gitlab_session="], B(("hex", 32)), kw=["_gitlab_session"], auto=False, mode="direct", ex=["Cookie: _gitlab_session=PLACE; path=/"])
pref(S, "github-app-installation-jwt", "GitHub App installation token (stateless format)", "source-hosting", "critical", "ghs_", B(("url", (120, 500)), ".", ("url", (20, 200))), entropy=4.0, conf="medium",
     neg=["ghs_short.x"])
ctx(S, "azure-devops-pat-context", "Azure DevOps personal access token (by context)", "source-hosting", "critical", [svc("azure[_.-]?devops|ado|azdo|vsts|system_accesstoken")], B(("b32l", 52)), kw=["azure_devops", "azure-devops", "azuredevops", "ado_", "azdo", "vsts", "system_accesstoken"], env="AZURE_DEVOPS_PAT")

# ============================ Chat / messaging ============================
M = "chat.yaml"
pref(M, "slack-bot-token-long", "Slack bot token (long last segment)", "chat", "critical", "xoxb-", B(("dig", (10, 13)), "-", ("dig", (10, 13)), "-", ("an", (25, 64))),
     desc="A Slack bot token whose last segment is longer than the classic 24 characters (newer workspaces): posts and reads as the bot.")
pref(M, "slack-session-token", "Slack session token (xoxc-)", "chat", "critical", "xoxc-", B(("dig", (10, 13)), "-", ("dig", (10, 13)), "-", ("dig", (10, 13)), "-", ("hex", 64)),
     desc="A Slack web/desktop session token: full access as the signed-in user.")
pref(M, "slack-session-cookie", "Slack `d` session cookie (xoxd-)", "chat", "critical", "xoxd-", B(("url", (100, 400)), "re:(?:%3D|=){0,2}"), entropy=4.0)
pref(M, "slack-workflow-token", "Slack workflow / enterprise token (xoxe-/xoxa-)", "chat", "high", ["xoxa-2-", "xoxe-1-"], B(("an-", (100, 200))), entropy=4.0)
ctx(M, "slack-webhook-url-http", "Slack incoming webhook (any scheme)", "chat", "high", ["(?:https?://)?hooks\\.slack\\.com/(?:services|workflows|triggers)/"], B("T", ("uan", (8, 12)), "/", ("uan", (8, 12)), "/", ("an", 24)), kw=["hooks.slack.com"], auto=False, mode="direct",
    ex=["SLACK_URL=http://hooks.slack.com/services/PLACE"], entropy=3.0)
ctx(M, "teams-workflow-webhook", "Microsoft Teams workflow (Power Automate) webhook", "chat", "high", ["(?:logic\\.azure\\.com|environment\\.api\\.powerplatform\\.com)[:/][^\\s\"']{0,200}?/workflows/"], B(("hex", 32), "re:/triggers/manual/paths/invoke\\?[^\\s\"']{0,200}sig=", ("url", 43)), kw=["logic.azure.com", "powerplatform.com"], auto=False, mode="direct", ex=["TEAMS_WEBHOOK=https://prod-12.westus.logic.azure.com:443/workflows/PLACE"])
ctx(M, "telnyx-api-key", "Telnyx API v2 key", "chat", "critical", ["telnyx"], B("KEY", ("HEX", 32), "_", ("an", 22)), mode="near")
pref(M, "pubnub-publish-key", "PubNub publish key", "chat", "medium", "pub-c-", B(("uuid",)), conf="high", entropy=None)
pref(M, "pubnub-secret-key", "PubNub secret key", "chat", "critical", "sec-c-", B(("an", 48)))
ctx(M, "ably-api-key", "Ably API key", "chat", "critical", [svc("ably")], B(("url", 6), ".", ("url", 6), ":", ("url", 43)), kw=["ably_api", "ably-api", "ablyapi", "ably_key", "ably-key", "ably_secret"])
ctx(M, "vonage-api-secret", "Vonage (Nexmo) API secret", "chat", "high", [svc("vonage|nexmo")], B(("an", 16)), kw=["vonage", "nexmo"], entropy=3.0)
ctx(M, "plivo-auth-token", "Plivo auth token", "chat", "high", [svc("plivo")], B(("an", 40)))
ctx(M, "messagebird-api-key", "MessageBird (Bird) API key", "chat", "high", [svc("messagebird|message_bird")], B(("an", 25)), kw=["messagebird", "message_bird"])
ctx(M, "sinch-api-token", "Sinch API token", "chat", "high", [svc("sinch")], B(("hex", 32)))
ctx(M, "pusher-app-secret", "Pusher Channels app secret", "chat", "high", ["pusher[_.-]?(?:app[_.-]?)?secret"], B(("hex", 20)), kw=["pusher"], env="PUSHER_APP_SECRET", entropy=2.5)
ctx(M, "stream-api-secret", "Stream (getstream.io) API secret", "chat", "high", ["(?:getstream|stream[_.-]?(?:io|chat|feeds)?)[_.-]?(?:api[_.-]?)?secret"], B(("lan", 64)), kw=["stream_api_secret", "stream_secret", "getstream", "stream-api-secret", "streamchat", "stream_chat"], env="STREAM_API_SECRET")
ctx(M, "line-channel-access-token", "LINE Messaging API channel access token", "chat", "high", ["line[_.-]?(?:channel|bot|messaging)[_.-]?(?:access[_.-]?)?(?:token|secret)|channel[_.-]?access[_.-]?token"], B(("b64", (160, 180)), "re:={0,2}"), kw=["line_channel", "line-channel", "linechannel", "line_bot", "channel_access_token", "channelaccesstoken"], env="LINE_CHANNEL_ACCESS_TOKEN", entropy=4.0)
ctx(M, "lark-token", "Lark / Feishu access token or app secret", "chat", "high", [svc("lark|feishu")], B("re:(?:t-|u-|a-)?", ("an", 32)), kw=["larksuite", "lark_app", "lark_api", "lark-app", "lark_secret", "lark_token", "feishu"])
ctx(M, "webex-token", "Webex access token / client secret", "chat", "high", [svc("webex|spark")], B(("an", 64)), kw=["webex", "spark_"], env="WEBEX_ACCESS_TOKEN")
ctx(M, "zoom-client-secret", "Zoom OAuth / JWT app secret", "chat", "high", [svc("zoom")], B(("an", 32)), kw=["zoom_client", "zoom_api", "zoom_secret", "zoom_jwt", "zoom-client", "zoomclient", "zoom_oauth", "zoom_sdk", "zoom_token"], env="ZOOM_CLIENT_SECRET")
ctx(M, "pushbullet-token", "Pushbullet access token", "chat", "high", [svc("pushbullet")], B("o.", ("an", 32)))
ctx(M, "pushover-token", "Pushover application token", "chat", "medium", [svc("pushover")], B(("lan", 30)))
ctx(M, "rocketchat-token", "Rocket.Chat personal access token", "chat", "high", ["rocket[_.-]?chat[_.-]?(?:auth[_.-]?)?token|x-auth-token"], B(("url", 43)), kw=["rocketchat", "rocket_chat", "rocket-chat", "x-auth-token"], env="ROCKETCHAT_AUTH_TOKEN")
ctx(M, "discord-client-secret", "Discord application client secret", "chat", "high", ["discord[_.-]?(?:client|app|application)?[_.-]?secret"], B(("url", 32)), kw=["discord"], env="DISCORD_CLIENT_SECRET")
ctx(M, "twitch-token", "Twitch OAuth token / client secret", "chat", "high", [svc("twitch")], B("re:(?:oauth:)?", ("lan", 30)))
ctx(M, "mattermost-webhook", "Mattermost incoming webhook URL", "chat", "medium", ["/hooks/"], B(("lan", 26)), kw=["mattermost"], mode="near", auto=False,
    ex=["MATTERMOST_WEBHOOK_URL=https://chat.corp.net/hooks/PLACE"])

# ============================ Payments ============================
P = "payments.yaml"
ctx(P, "braintree-tokenization-key", "Braintree tokenization key", "payments", "medium", ['braintree|tokenization[_.-]?key'], B('re:(?:production_|sandbox_)', ("lan", 8), "_", ("lan", 16)), mode="near", env="BRAINTREE_TOKENIZATION_KEY", entropy=3.0)

pref(P, "checkout-sandbox-secret-key", "Checkout.com sandbox secret key", "payments", "low", "sk_sbox_", B(("lan", 26)))
ctx(P, "checkout-secret-key", "Checkout.com secret key", "payments", "critical", [svc("checkout(?:_?com)?|cko")], B("sk_", ("lan", 26)), kw=["checkout", "cko_"])
ctx(P, "mollie-api-key", "Mollie API key", "payments", "critical", [svc("mollie")], B("re:(?:live|test)_", ("an", 30)))
pref(P, "midtrans-server-key", "Midtrans server key", "payments", "critical", ["Mid-server-", "SB-Mid-server-"], B(("url", 24)), kw=["mid-server-"])
pref(P, "xendit-secret-key", "Xendit secret key", "payments", "critical", ["xnd_production_", "xnd_development_"], B(("an", (50, 70))))
pref(P, "paddle-api-key", "Paddle API key", "payments", "critical", ["pdl_live_apikey_", "pdl_sdbx_apikey_"], B(("lan", 26), "_", ("an", 22), "_", ("an", 3)))
pref(P, "mercadopago-access-token", "Mercado Pago access token", "payments", "critical", "APP_USR-", B(("dig", 16), "-", ("dig", 6), "-", ("hex", 32), "-", ("dig", (8, 10))), entropy=3.0)
pref(P, "polar-access-token", "Polar access token", "payments", "high", ["polar_oat_", "polar_pat_", "polar_at_u_", "polar_at_o_"], B(("an", (40, 50))))
ctx(P, "plaid-secret", "Plaid secret", "payments", "critical", ["plaid[_.-]?(?:secret|sandbox[_.-]?secret|production[_.-]?secret|development[_.-]?secret)"], B(("hex", 30)), kw=["plaid"], env="PLAID_SECRET")
ctx(P, "dwolla-secret", "Dwolla client secret", "payments", "high", [svc("dwolla")], B(("an", 50)))
ctx(P, "wepay-access-token", "WePay access token", "payments", "high", [svc("wepay")], B("re:(?:PRODUCTION|STAGE)_", ("hex", 64)))
ctx(P, "chargebee-api-key", "Chargebee API key", "payments", "critical", [svc("chargebee")], B("re:(?:live|test)_", ("an", (26, 34))))
ctx(P, "lob-api-key", "Lob API key", "payments", "high", [svc("lob")], B("re:(?:live|test)_", ("hex", 35)), kw=["lob_api", "lob-api", "lob_key", "lob_secret", "lobapi"])
ctx(P, "heartland-api-key", "Heartland (Global Payments) secret API key", "payments", "critical", [svc("heartland|globalpayments|gp_api")], B("skapi_", ("re:(?:prod|cert)_",), ("url", 48)) if False else B("re:skapi_(?:prod|cert)_", ("url", 48)), kw=["heartland", "globalpayments", "gp_api", "skapi_"])
ctx(P, "razorpay-secret-context", "Razorpay key secret (by context)", "payments", "critical", [svc("razorpay|rzp")], B(("an", 24)), kw=["razorpay", "rzp_"], env="RAZORPAY_KEY_SECRET")
ctx(P, "square-application-secret", "Square application secret (sandbox)", "payments", "high", [svc("square")], B("sandbox-sq0csb-", ("url", 43)), env="SQUARE_APPLICATION_SECRET", kw=["square_app", "square_application", "square_secret", "square-app", "squareup"])
ctx(P, "authorize-net-transaction-key", "Authorize.Net transaction key", "payments", "critical", ["(?:authorize[_.-]?net|authnet|anet)[_.-]?(?:transaction[_.-]?key|trans[_.-]?key|signature[_.-]?key)"], B(("an", 16)), kw=["authorize_net", "authorize-net", "authorizenet", "authnet", "anet_"], env="AUTHORIZE_NET_TRANSACTION_KEY", entropy=3.0)
ctx(P, "klarna-api-password", "Klarna API credentials", "payments", "high", [svc("klarna")], B("klarna_(?:live|test)_api_" if False else "re:klarna_(?:live|test)_api_", ("url", (40, 120))))
ctx(P, "shopify-storefront-token", "Shopify Storefront API token", "payments", "medium", ["shopify[_.-]?storefront[_.-]?(?:access[_.-]?)?token|storefront[_.-]?access[_.-]?token"], B(("hex", 32)), kw=["storefront"], env="SHOPIFY_STOREFRONT_ACCESS_TOKEN")
pref(P, "shopify-partner-token", "Shopify Partner API token", "payments", "high", "prtapi_", B(("hex", 32)))
pref(P, "stripe-restricted-test-key", "Stripe restricted key (test mode)", "payments", "low", "rk_test_", B(("an", (24, 99))))
ctx(P, "coinbase-commerce-key", "Coinbase Commerce API key", "payments", "high", [svc("coinbase[_.-]?commerce|cb[_.-]?commerce")], B(("uuid",)), kw=["coinbase", "cb_commerce"], entropy=None)
ctx(P, "gumroad-token", "Gumroad access token", "payments", "high", [svc("gumroad")], B(("url", 43)))
ctx(P, "lemonsqueezy-api-key", "Lemon Squeezy API key", "payments", "high", [svc("lemon[_.-]?squeezy|lmsqueezy|ls")], B("eyJ0eXAiOiJKV1Qi", ("url", (200, 1200)), ".", ("url", (40, 900)), ".", ("url", (40, 700))), kw=["lemonsqueezy", "lemon_squeezy", "lmsqueezy"], entropy=4.0, env="LEMONSQUEEZY_API_KEY")

# ============================ Observability ============================
O = "observability.yaml"
pref(O, "axiom-token", "Axiom API / personal token", "observability", "high", ["xaat-", "xapt-"], B(("uuid",)), entropy=None)
ctx(O, "betterstack-token", "Better Stack (Logtail / Uptime) token", "observability", "high", [svc("betterstack|better_stack|logtail|betteruptime|better_uptime")], B(("an", 24)), kw=["betterstack", "better_stack", "logtail", "betteruptime", "better_uptime"])
ctx(O, "checkly-api-key", "Checkly API key", "observability", "high", [svc("checkly")], B("cu_", ("hex", 32)))
ctx(O, "loggly-token", "Loggly customer token", "observability", "high", [svc("loggly")], B(("uuid",)), entropy=None)
ctx(O, "logdna-ingestion-key", "Mezmo (LogDNA) ingestion key", "observability", "high", [svc("logdna|mezmo")], B(("hex", 32)), kw=["logdna", "mezmo"])
ctx(O, "appoptics-token", "AppOptics / SolarWinds Observability token", "observability", "high", [svc("appoptics|solarwinds|swo")], B(("url", (64, 71))), kw=["appoptics", "solarwinds", "swo_"])
ctx(O, "statuscake-api-key", "StatusCake API key", "observability", "high", [svc("statuscake")], B(("an", 20)))
ctx(O, "statuspage-api-key", "Atlassian Statuspage API key", "observability", "high", [svc("statuspage")], B(("uuid",)), entropy=None)
ctx(O, "uptimerobot-api-key", "UptimeRobot API key", "observability", "high", [svc("uptimerobot|uptime_robot")], B("re:[umr]", ("dig", (6, 9)), "-", ("hex", 24)), kw=["uptimerobot", "uptime_robot"])
ctx(O, "pingdom-token", "Pingdom API token", "observability", "high", [svc("pingdom")], B(("url", 71)))
ctx(O, "amplitude-secret-key", "Amplitude secret key", "observability", "high", [svc("amplitude")], B(("hex", 32)))
ctx(O, "mixpanel-secret", "Mixpanel API secret / service account secret", "observability", "high", [svc("mixpanel")], B(("an", 32)))
pref(O, "segment-public-api-token", "Segment Public API token", "observability", "high", "sgp_", B(("an", 64)))
ctx(O, "segment-write-key", "Segment write key", "observability", "medium", ["segment[_.-]?(?:write[_.-]?key|key)|analytics[_.-]?write[_.-]?key"], B(("an", 32)), kw=["segment_write", "segment-write", "segmentwrite", "segment_key", "segment-key", "analytics_write", "write_key", "writekey"], env="SEGMENT_WRITE_KEY")
pref(O, "posthog-personal-api-key", "PostHog personal API key", "observability", "high", "phx_", B(("an", 43)))
pref(O, "posthog-project-api-key", "PostHog project API key", "observability", "low", "phc_", B(("an", 43)),
     desc="A PostHog project API key: write-only and meant to be embedded in front-end code; reported at low so it is visible, not alarming.")
pref(O, "posthog-feature-flag-key", "PostHog feature flags secure API key", "observability", "high", "phs_", B(("an", 43)))
ctx(O, "fullstory-api-key", "FullStory API key", "observability", "high", [svc("fullstory|fs")], B("re:(?:na1|eu1)\\.", ("b64", (40, 100)), "re:={0,2}"), kw=["fullstory", "fs_api"])
ctx(O, "optimizely-token", "Optimizely personal access token", "observability", "high", [svc("optimizely")], B("2:", ("url", (40, 60))))
ctx(O, "statsig-server-secret", "Statsig server secret key", "observability", "high", ['statsig'], B('re:(?:secret\\-)', ("an", 43)), mode="near", env="STATSIG_SERVER_SECRET")

ctx(O, "configcat-sdk-key", "ConfigCat SDK key", "observability", "medium", [svc("configcat")], B("re:(?:configcat-sdk-1/)?", ("url", 22), "/", ("url", 22)))
ctx(O, "flagsmith-server-key", "Flagsmith server-side environment key", "observability", "high", ["flagsmith"], B("ser.", ("an", 22)), mode="near", entropy=3.0, env="FLAGSMITH_ENVIRONMENT_KEY")
ctx(O, "unleash-api-token", "Unleash API token", "observability", "high", [svc("unleash")], B("re:(?:\\*|[a-z0-9_-]{1,40}):[a-z0-9_-]{1,40}\\.", ("hex", 64)), entropy=3.0)
pref(O, "devcycle-server-key", "DevCycle server/mobile SDK key", "observability", "high", ["dvc_server_", "dvc_mobile_"], B(("url", (36, 64))))
ctx(O, "split-api-key", "Split.io SDK / admin key", "observability", "high", [svc("split(?:io|_io)?")], B(("an", 36)), kw=["splitio", "split_io", "split_api", "split-api", "split_sdk", "split-sdk"], env="SPLIT_API_KEY")
ctx(O, "influxdb-token", "InfluxDB API token", "observability", "critical", [svc("influx(?:db)?")], B(("url", 86), "=="), kw=["influx"], entropy=4.0)
ctx(O, "lacework-api-secret", "Lacework API secret", "observability", "high", [svc("lacework|lw")], B("_", ("hex", 32)), kw=["lacework", "lw_api", "lw_secret"])
ctx(O, "airbrake-user-key", "Airbrake API / project key", "observability", "high", [svc("airbrake")], B(("hex", 32)))
ctx(O, "raygun-api-key", "Raygun API key", "observability", "high", [svc("raygun")], B(("an", 22)))
ctx(O, "instana-token", "Instana API / agent key", "observability", "high", [svc("instana")], B(("url", 22)))
ctx(O, "datadog-rum-client-token", "Datadog RUM / browser client token", "observability", "low", ["datadog|dd[_.-]?client[_.-]?token|clienttoken"], B("pub", ("hex", 32)), kw=["datadog", "dd_client"], mode="near",
    desc="A Datadog client token (pub…): meant for browser/mobile SDKs, it can only send data; reported at low.")
ctx(O, "sentry-dsn", "Sentry DSN", "observability", "low", ["https?://"], B(("hex", 32), "@o", ("dig", (4, 8)), ".ingest.", "re:(?:us\\.|de\\.)?", "sentry.io/", ("dig", (4, 8))), kw=["sentry.io"], mode="near", auto=False, ex=["SENTRY_DSN=https://PLACE"],
    desc="A Sentry DSN: lets anyone send events to the project; client-side by design, reported at low.")
ctx(O, "new-relic-api-key-context", "New Relic REST API key (by context)", "observability", "high", [svc("new[_.-]?relic|nr")], B(("hex", 47)), kw=["newrelic", "new_relic", "new-relic", "nr_api"])
ctx(O, "graylog-token", "Graylog access token", "observability", "high", [svc("graylog")], B(("lan", (50, 80))))
ctx(O, "wakatime-api-key", "WakaTime API key", "observability", "high", [svc("wakatime")], B("re:(?:waka_)?", ("uuid",)), entropy=None)
pref(O, "wakatime-api-key-prefixed", "WakaTime API key", "observability", "high", "waka_", B(("uuid",)), entropy=None)
ctx(O, "newrelic-insights-query-key", "New Relic Insights query key", "observability", "high", [svc("insights")], B("NRIQ-", ("url", 32)), kw=["nriq-"])

# ============================ SaaS ============================
Q = "saas.yaml"
pref(Q, "adafruit-io-key", "Adafruit IO key", "saas", "high", "aio_", B(("an", 28)))
pref(Q, "adobe-client-secret", "Adobe (IMS) client secret", "saas", "critical", "p8e-", B(("url", 32)))
ctx(Q, "adobe-api-key", "Adobe API key / client ID", "saas", "medium", [svc("adobe")], B(("hex", 32)))
ctx(Q, "auth0-client-secret", "Auth0 client secret / management token", "saas", "critical", [svc("auth0")], B(("url", 64)))
pref(Q, "authress-key", "Authress service client access key", "saas", "critical", ["sc_", "ext_", "scauth_", "authress_"], B(("lan", (5, 30)), ".", ("lan", (4, 6)), ".acc", "re:[_-]", ("lan", (10, 32)), ".", ("url", (30, 120))), kw=["authress", ".acc_", ".acc-"], entropy=3.5)
ctx(Q, "beamer-api-key", "Beamer API key", "saas", "high", [svc("beamer")], B("b_", ("url", 43), "="))
ctx(Q, "bitly-token", "Bitly access token", "saas", "high", [svc("bitly")], B(("hex", 40)))
ctx(Q, "box-token", "Box developer/access token", "saas", "high", [svc("box")], B(("an", 32)), kw=["box_"], env="BOX_DEVELOPER_TOKEN")
ctx(Q, "calendly-token", "Calendly personal access token", "saas", "high", [svc("calendly")], B("eyJ", ("url", (30, 60)), ".", ("url", (100, 800)), ".", ("url", (40, 90))))
ctx(Q, "canva-client-secret", "Canva Connect client secret", "saas", "high", [svc("canva")], B("cnvca", ("url", (40, 80))), kw=["canva_client", "canva_secret", "canva-client", "canva_api", "canvaclient"])
ctx(Q, "clickup-token", "ClickUp personal API token", "saas", "high", [svc("clickup")], B("pk_", ("dig", (6, 10)), "_", ("uan", 32)))
ctx(Q, "close-api-key", "Close CRM API key", "saas", "high", [svc("close(?:io|_io|crm)?")], B("api_", ("an", 22), ".", ("an", 22)), kw=["closeio", "close_io", "close_api", "close-api", "closecrm", "close_crm"])
ctx(Q, "contentstack-token", "Contentstack management/delivery token", "saas", "high", [svc("contentstack")], B("cs", ("hex", 32)))
ctx(Q, "buttercms-token", "ButterCMS API token", "saas", "high", [svc("butter(?:cms)?")], B(("hex", 40)), kw=["butter"])
ctx(Q, "storyblok-token", "Storyblok API token", "saas", "high", [svc("storyblok")], B(("an", 22), "re:(?:tt)?"))
ctx(Q, "sanity-token", "Sanity API token", "saas", "high", [svc("sanity")], B("sk", ("an", (78, 190))), kw=["sanity_api", "sanity_token", "sanity_auth", "sanity-token", "sanity_studio", "sanity_write", "sanity_read"])
ctx(Q, "ghost-admin-api-key", "Ghost Admin API key", "saas", "critical", [svc("ghost(?:[_.-]?admin)?")], B(("hex", 24), ":", ("hex", 64)), kw=["ghost_admin", "ghost_api", "ghost_content", "ghost-admin", "ghost-api", "ghostadmin", "ghost_key"])
ctx(Q, "webflow-token", "Webflow API token", "saas", "high", [svc("webflow")], B(("hex", 64)))
ctx(Q, "docusign-secret", "DocuSign secret key", "saas", "high", [svc("docusign")], B(("uuid",)), entropy=None)
ctx(Q, "freshdesk-api-key", "Freshdesk / Freshservice API key", "saas", "high", [svc("fresh(?:desk|service|works|sales)")], B(("an", 20)), kw=["freshdesk", "freshservice", "freshworks", "freshsales"])
ctx(Q, "freshbooks-token", "FreshBooks access token", "saas", "high", [svc("freshbooks")], B(("hex", 64)))
ctx(Q, "fullcontact-api-key", "FullContact API key", "saas", "high", [svc("fullcontact")], B(("an", 32)))
ctx(Q, "helpscout-secret", "Help Scout app secret", "saas", "high", [svc("help[_.-]?scout")], B(("an", 32)), kw=["helpscout", "help_scout", "help-scout"])
ctx(Q, "hubspot-api-key-legacy", "HubSpot legacy API key (hapikey)", "saas", "high", [svc("hubspot"), "hapikey"], B(("uuid",)), kw=["hubspot", "hapikey"], entropy=None)
ctx(Q, "iterable-api-key", "Iterable API key", "saas", "high", [svc("iterable")], B(("hex", 32)), kw=["iterable_api", "iterable-api", "iterableapi", "iterable_key", "iterable_secret"])
ctx(Q, "jotform-api-key", "Jotform API key", "saas", "high", [svc("jotform")], B(("hex", 32)))
ctx(Q, "klaviyo-private-key", "Klaviyo private API key", "saas", "critical", [svc("klaviyo")], B("pk_", ("an", (32, 34))))
ctx(Q, "linkedin-client-secret", "LinkedIn client secret", "saas", "high", [svc("linkedin")], B(("an", 16)), entropy=3.0)
ctx(Q, "mailjet-secret", "Mailjet API secret", "saas", "high", [svc("mailjet|mj[_.-]?apikey")], B(("hex", 32)), kw=["mailjet", "mj_apikey"])
ctx(Q, "mandrill-api-key", "Mandrill API key", "saas", "high", [svc("mandrill")], B(("url", 22)), entropy=3.0)
pref(Q, "mailersend-api-token", "MailerSend API token", "saas", "high", "mlsn.", B(("hex", 64)))
ctx(Q, "resend-api-key", "Resend API key", "saas", "high", [svc("resend")], B("re_", ("an", 8), "_", ("an", 24)))
ctx(Q, "loops-api-key", "Loops API key", "saas", "high", [svc("loops")], B(("hex", 32)), kw=["loops_api", "loops-api", "loopsapi", "loops_key"])
ctx(Q, "sparkpost-api-key", "SparkPost API key", "saas", "high", [svc("sparkpost")], B(("hex", 40)))
ctx(Q, "elasticemail-api-key", "Elastic Email API key", "saas", "high", [svc("elastic[_.-]?email")], B(("HEX", 96)), kw=["elasticemail", "elastic_email", "elastic-email"])
ctx(Q, "pepipost-api-key", "Pepipost (Netcore) API key", "saas", "high", [svc("pepipost|netcore")], B(("hex", 32)), kw=["pepipost", "netcore"])
ctx(Q, "customerio-api-key", "Customer.io API key", "saas", "high", [svc("customer[_.-]?io|cio")], B(("hex", 32)), kw=["customerio", "customer_io", "customer.io", "cio_"])
ctx(Q, "miro-token", "Miro access token", "saas", "high", [svc("miro")], B("eyJtaXJvLm9yaWdpbiI6", ("url", (30, 120))))
ctx(Q, "monday-api-token", "monday.com API token", "saas", "high", [svc("monday")], B("eyJhbGciOiJIUzI1NiJ9.", ("url", (100, 400)), ".", ("url", 43)), kw=["monday_api", "monday-api", "mondayapi", "monday_token"])
ctx(Q, "onelogin-client-secret", "OneLogin client secret", "saas", "high", [svc("onelogin")], B(("hex", 64)))
ctx(Q, "pingone-client-secret", "PingOne client secret", "saas", "high", [svc("ping(?:one|identity|fed)")], B(("url", 64)), kw=["pingone", "pingidentity", "pingfed"])
ctx(Q, "keycloak-client-secret", "Keycloak client secret", "saas", "high", [svc("keycloak|kc[_.-]?client")], B(("an", 32)), kw=["keycloak", "kc_client"])
ctx(Q, "jumpcloud-api-key", "JumpCloud API key", "saas", "critical", [svc("jumpcloud")], B(("hex", 40)))
ctx(Q, "duo-secret-key", "Duo Security secret key", "saas", "critical", ["duo[_.-]?(?:secret|skey|s[_.-]?key|api[_.-]?secret)"], B(("an", 40)), kw=["duo_", "duo-", "duo."], env="DUO_SECRET_KEY")
pref(Q, "stytch-secret", "Stytch project secret", "saas", "critical", ["secret-live-", "secret-test-"], B(("url", 36), "re:={0,2}"))
pref(Q, "ory-api-key", "Ory API key / session token", "saas", "critical", ["ory_pat_", "ory_apikey_", "ory_st_", "ory_at_", "ory_rt_"], B(("url", (32, 64))))
pref(Q, "permit-api-key", "Permit.io API key", "saas", "critical", "permit_key_", B(("an", (90, 100))))
pref(Q, "unkey-root-key", "Unkey root key", "saas", "critical", "unkey_", B(("an", (20, 40))))
pref(Q, "instagram-access-token", "Instagram Graph API access token", "saas", "high", "IGQV", B(("url", (150, 300))), kw=["igqv"])
pref(Q, "pinterest-access-token", "Pinterest access token", "saas", "high", ["pina_", "pinr."], B(("uan", (32, 100))), kw=["pina_", "pinr."])
ctx(Q, "spotify-client-secret", "Spotify client secret", "saas", "high", [svc("spotify")], B(("hex", 32)))
ctx(Q, "strava-token", "Strava access token / client secret", "saas", "high", [svc("strava")], B(("hex", 40)))
ctx(Q, "yelp-api-key", "Yelp Fusion API key", "saas", "high", [svc("yelp")], B(("url", 128)))
ctx(Q, "vimeo-token", "Vimeo access token", "saas", "high", [svc("vimeo")], B(("hex", 32)))
ctx(Q, "reddit-client-secret", "Reddit client secret", "saas", "high", [svc("reddit")], B(("url", 30)))
ctx(Q, "flickr-api-key", "Flickr API key / secret", "saas", "high", [svc("flickr")], B(("hex", 32)))
ctx(Q, "foursquare-secret", "Foursquare client secret / API key", "saas", "high", [svc("foursquare|fsq")], B(("uan", 48)), kw=["foursquare", "fsq"])
ctx(Q, "ebay-client-secret", "eBay client secret (cert ID)", "saas", "critical", [svc("ebay")], B("re:(?:PRD|SBX)-", ("hex", 12), "-", ("hex", 4), "-", ("hex", 4), "-", ("hex", 4), "-", ("hex", 4)))
ctx(Q, "etsy-api-key", "Etsy API key", "saas", "high", [svc("etsy")], B(("lan", 24)))
ctx(Q, "nytimes-api-key", "New York Times API key", "saas", "medium", [svc("nytimes|nyt")], B(("an", 32)), kw=["nytimes", "nyt_"])
ctx(Q, "nasa-api-key", "NASA API key", "saas", "medium", [svc("nasa")], B(("an", 40)))
ctx(Q, "shodan-api-key", "Shodan API key", "saas", "high", [svc("shodan")], B(("an", 32)))
ctx(Q, "virustotal-api-key", "VirusTotal API key", "saas", "high", [svc("virustotal|vt")], B(("hex", 64)), kw=["virustotal", "vt_api", "vt_key"])
ctx(Q, "urlscan-api-key", "urlscan.io API key", "saas", "high", [svc("urlscan")], B(("uuid",)), entropy=None)
ctx(Q, "abuseipdb-api-key", "AbuseIPDB API key", "saas", "high", [svc("abuseipdb")], B(("hex", 80)))
ctx(Q, "censys-api-secret", "Censys API secret", "saas", "high", [svc("censys")], B(("an", 32)))
ctx(Q, "securitytrails-api-key", "SecurityTrails API key", "saas", "high", [svc("securitytrails")], B(("an", 32)))
ctx(Q, "ipinfo-token", "IPinfo access token", "saas", "medium", [svc("ipinfo")], B(("hex", 14)), entropy=2.5)
ctx(Q, "apilayer-api-key", "apilayer API key (ipstack, positionstack, weatherstack, currencylayer, numverify, aviationstack…)", "saas", "medium",
    [svc("apilayer|ipstack|positionstack|weatherstack|currencylayer|numverify|aviationstack|coinlayer|mailboxlayer|pdflayer|fixer|marketstack|serpstack|userstack|languagelayer|screenshotlayer")], B(("hex", 32)),
    kw=["apilayer", "ipstack", "positionstack", "weatherstack", "currencylayer", "numverify", "aviationstack", "coinlayer", "mailboxlayer", "pdflayer", "fixer", "marketstack", "serpstack", "userstack", "languagelayer", "screenshotlayer"])
ctx(Q, "openweather-api-key", "OpenWeather API key", "saas", "medium", [svc("openweather(?:map)?|owm")], B(("hex", 32)), kw=["openweather", "owm_"])
ctx(Q, "weatherapi-key", "WeatherAPI.com key", "saas", "medium", [svc("weatherapi|weather")], B(("hex", 31)), kw=["weatherapi", "weather_api", "weather-api"])
ctx(Q, "newsapi-key", "NewsAPI key", "saas", "medium", [svc("newsapi|news")], B(("hex", 32)), kw=["newsapi", "news_api", "news-api"])
ctx(Q, "rapidapi-key", "RapidAPI key", "saas", "high", [svc("rapidapi|x-rapidapi")], B(("url", 50)), kw=["rapidapi"])
ctx(Q, "serpapi-key", "SerpApi key", "saas", "high", [svc("serp(?:_?api)?")], B(("hex", 64)), kw=["serpapi", "serp_api", "serp-api"])
ctx(Q, "scraperapi-key", "ScraperAPI key", "saas", "high", [svc("scraper(?:_?api)?")], B(("hex", 32)), kw=["scraperapi", "scraper_api", "scraper-api"])
pref(Q, "brave-search-api-key", "Brave Search API key", "saas", "high", "BSA", B(("url", 27)), kw=["bsa"], conf="medium", entropy=3.5)
ctx(Q, "hunter-api-key", "Hunter.io API key", "saas", "high", [svc("hunter(?:io|_io)?")], B(("hex", 40)), kw=["hunter_api", "hunterio", "hunter_io", "hunter-api", "hunter_key"])
ctx(Q, "clearbit-api-key", "Clearbit API key", "saas", "high", [svc("clearbit")], B("sk_", ("hex", 32)))
ctx(Q, "zerobounce-api-key", "ZeroBounce API key", "saas", "high", [svc("zerobounce")], B(("hex", 32)))
ctx(Q, "kickbox-api-key", "Kickbox API key", "saas", "high", [svc("kickbox")], B("live_", ("hex", 56)))
ctx(Q, "here-api-key", "HERE API key", "saas", "high", [svc("here")], B(("url", 43)), kw=["here_api", "here-api", "hereapi", "here_key"])
ctx(Q, "geoapify-api-key", "Geoapify API key", "saas", "medium", [svc("geoapify")], B(("hex", 32)))
ctx(Q, "tomtom-api-key", "TomTom API key", "saas", "medium", [svc("tomtom")], B(("an", 32)))
ctx(Q, "trello-token", "Trello API token", "saas", "high", ["trello"], B("ATTA", ("hex", 64), ("HEX", 8)), mode="near", conf="high", env="TRELLO_TOKEN")
ctx(Q, "trello-api-key", "Trello API key", "saas", "medium", [svc("trello")], B(("hex", 32)))
ctx(Q, "todoist-token", "Todoist API token", "saas", "high", [svc("todoist")], B(("hex", 40)))
ctx(Q, "shortcut-api-token", "Shortcut (Clubhouse) API token", "saas", "high", [svc("shortcut|clubhouse")], B(("uuid",)), kw=["shortcut_api", "shortcut-api", "shortcut_token", "shortcutapi", "clubhouse_api", "clubhouse_token"], entropy=None)
ctx(Q, "smartsheet-token", "Smartsheet access token", "saas", "high", [svc("smartsheet")], B(("an", (26, 37))))
ctx(Q, "toggl-api-token", "Toggl Track API token", "saas", "high", [svc("toggl")], B(("hex", 32)))
ctx(Q, "lokalise-token", "Lokalise API token", "saas", "high", [svc("lokalise")], B(("hex", 40)))
ctx(Q, "crowdin-token", "Crowdin personal access token", "saas", "high", [svc("crowdin")], B(("hex", 80)))
ctx(Q, "transifex-token", "Transifex API token", "saas", "high", [svc("transifex|tx")], B("1/", ("hex", 40)), kw=["transifex", "tx_token"])
pref(Q, "tolgee-api-key", "Tolgee API key / PAT", "saas", "high", ["tgpak_", "tgpat_"], B(("lan", (30, 64))))
ctx(Q, "pandadoc-api-key", "PandaDoc API key", "saas", "high", [svc("pandadoc")], B(("hex", 40)))
ctx(Q, "surveymonkey-token", "SurveyMonkey access token", "saas", "high", [svc("surveymonkey")], B(("url", (60, 80))))
ctx(Q, "zoho-token", "Zoho OAuth token", "saas", "high", [svc("zoho")], B("1000.", ("hex", 32), ".", ("hex", 32)))
ctx(Q, "salesforce-access-token", "Salesforce access / session token", "saas", "critical", ["salesforce|sfdc|force\\.com|sf[_.-]?(?:access[_.-]?token|session)"], B("00D", ("an", (12, 15)), "!", ("re:[A-Za-z0-9._]{96}",)) if False else B("re:00D[A-Za-z0-9]{12,15}![A-Za-z0-9._]{96}", smp=lambda: "00D" + rand_str("an", 15) + "!" + rand_str("an", 96)), kw=["salesforce", "sfdc", "force.com", "sf_access", "sf_session"], mode="near", entropy=None, env="SALESFORCE_ACCESS_TOKEN", ex=[])
ctx(Q, "salesforce-consumer-secret", "Salesforce connected app consumer secret", "saas", "high", ["(?:salesforce|sfdc|sf)[_.-]?(?:consumer|client)[_.-]?secret"], B(("HEX", 64)), kw=["salesforce", "sfdc", "sf_consumer", "sf_client"], env="SALESFORCE_CONSUMER_SECRET")
ctx(Q, "salesloft-api-key", "Salesloft API key", "saas", "high", [svc("salesloft")], B("v2_ak_", ("dig", (3, 8)), "_", ("hex", 64)))
ctx(Q, "pipedrive-api-token", "Pipedrive API token", "saas", "high", [svc("pipedrive")], B(("hex", 40)))
raw(Q, {"id": "twitter-bearer-token", "name": "X / Twitter app bearer token", "category": "saas", "severity": "high", "confidence": "high",
         "keywords": ["aaaaaaaaaaaaaaaaaa"], "pattern": START + r"A{18,22}(?P<secret>[A-Za-z0-9%]{60,120})" + END, "entropy": 3.5,
         "description": "An X (Twitter) app-only bearer token (a run of A, then URL-encoded random text): reads the API as the app.",
         "examples": ["TWITTER_BEARER_TOKEN=" + "A" * 21 + rand_str("an", 50) + "%2F" + rand_str("an", 30),
                     # Base64 of binary ids: runs of `A` (zero bytes) inside the token too.
                     'bearer_token: "' + "A" * 22 + rand_str("an", 12) + "A" * 9 + rand_str("an", 40) + "%3D" + rand_str("an", 20) + '"'],
         "negative_examples": ["TWITTER_BEARER_TOKEN=" + "A" * 21 + rand_str("an", 20), "padding " + "A" * 90]})
ctx(Q, "twitter-access-token", "X / Twitter access token", "saas", "high", [svc("twitter")], B(("dig", (10, 20)), "-", ("an", (40, 50))))
ctx(Q, "mux-token-secret", "Mux access token secret", "saas", "high", [svc("mux")], B(("url", 75)), kw=["mux_token", "mux_secret", "mux-token", "muxtoken", "mux_api"])
# cloudinary://<api key digits>:<api secret>@<cloud name>; cloud names have `-` and `_`.
pref(Q, "cloudinary-url", "Cloudinary URL with API secret", "saas", "critical", "cloudinary://", B(("dig", (12, 18)), ":", ("url", (20, 40)), "@", "re:[A-Za-z0-9_-]{2,64}"), entropy=3.0,
     ref="https://cloudinary.com/documentation/how_to_integrate_cloudinary#configure_the_sdk",
     ex=["CLOUDINARY_URL='PLACE-media'", "cloudinary:\n  url: PLACE_prod"])
ctx(Q, "cloudinary-api-secret", "Cloudinary API secret", "saas", "high", [svc("cloudinary")], B(("url", 27)))
ctx(Q, "imagekit-private-key", "ImageKit private API key", "saas", "critical", [svc("imagekit")], B("private_", ("b64", 27), "="))
ctx(Q, "bunny-api-key", "Bunny.net API key", "saas", "high", [svc("bunny(?:cdn|net)?")], B(("uuid",), ("uuid",)) if False else B(("hex", 8), "-", ("hex", 4), "-", ("hex", 4), "-", ("hex", 4), "-", ("hex", 20), "-", ("hex", 4), "-", ("hex", 4), "-", ("hex", 4), "-", ("hex", 12)), kw=["bunny"], entropy=None)
ctx(Q, "imgur-client-secret", "Imgur client secret", "saas", "high", [svc("imgur")], B(("hex", 40)))
ctx(Q, "giphy-api-key", "Giphy API key", "saas", "medium", [svc("giphy")], B(("an", 32)))
ctx(Q, "unsplash-access-key", "Unsplash access key", "saas", "medium", [svc("unsplash")], B(("url", 43)))
ctx(Q, "shutterstock-token", "Shutterstock OAuth token", "saas", "high", [svc("shutterstock")], B("v2/", ("b64", (100, 300))))
ctx(Q, "pexels-api-key", "Pexels API key", "saas", "medium", [svc("pexels")], B(("an", 56)))
pref(Q, "datastax-astra-token", "DataStax Astra application token", "saas", "critical", "AstraCS:", B(("an", 24), ":", ("hex", 64)), kw=["astracs:"])
pref(Q, "cockroachdb-api-key", "CockroachDB Cloud API key", "saas", "critical", "CCDB1_", B(("an", 22), "_", ("an", 40)), kw=["ccdb1_"])
pref(Q, "xata-api-key", "Xata API key", "saas", "critical", "xau_", B(("an", (32, 40))))
ctx(Q, "fauna-secret", "Fauna database secret", "saas", "critical", [svc("fauna(?:db)?")], B("fn", ("url", 38)))
ctx(Q, "confluent-api-secret", "Confluent Cloud API secret", "saas", "critical", [svc("confluent|kafka[_.-]?(?:api|sasl)|sasl[_.-]?password|cc[_.-]?api")], B(("b64", 64)), kw=["confluent", "kafka", "sasl", "cc_api"], entropy=4.0)
pref(Q, "tinybird-token", "Tinybird token", "saas", "critical", "p.eyJ1Ijo", B(("url", (100, 200)), ".", ("url", 43)), kw=["p.eyj1ijo"])
ctx(Q, "upstash-redis-token", "Upstash Redis REST token", "saas", "critical", ["upstash[_.-]?redis[_.-]?rest[_.-]?token|upstash" + SEC], B("A", ("url", (40, 120)), "re:={0,2}"), kw=["upstash"])
ctx(Q, "mongodb-atlas-private-key", "MongoDB Atlas API private key", "saas", "critical", ["(?:mongodb[_.-]?)?atlas[_.-]?(?:api[_.-]?)?private[_.-]?key|mongodb[_.-]?private[_.-]?key"], B(("uuid",)), kw=["atlas_private", "atlas_api_private", "atlasprivate", "atlas-private", "mongodb_private", "mongodb_atlas", "mongodbatlas"], entropy=None, env="MONGODB_ATLAS_PRIVATE_KEY")
ctx(Q, "couchbase-capella-key", "Couchbase Capella API key", "saas", "critical", [svc("couchbase|capella")], B(("url", (60, 100))), kw=["couchbase", "capella"])
ctx(Q, "aiven-token", "Aiven API token", "saas", "critical", [svc("aiven")], B(("b64", (300, 400)), "re:={0,2}"), entropy=4.0)
ctx(Q, "snowflake-password", "Snowflake password / PAT (by context)", "saas", "critical", ["snowflake[_.-]?(?:password|pwd|pass|token|pat|private[_.-]?key[_.-]?passphrase)|snowsql_pwd"], B(("url", (12, 200))), kw=["snowflake", "snowsql_pwd"], entropy=3.0, env="SNOWFLAKE_PASSWORD", generic=True)
ctx(Q, "airtable-api-key-legacy", "Airtable legacy API key", "saas", "high", [svc("airtable")], B("key", ("an", 14)), entropy=3.0)
ctx(Q, "asana-oauth-secret", "Asana client secret", "saas", "high", [svc("asana")], B(("an", 32)))
ctx(Q, "wistia-token", "Wistia API token", "saas", "high", [svc("wistia")], B(("hex", 64)))
ctx(Q, "eventbrite-token", "Eventbrite private token", "saas", "high", [svc("eventbrite")], B(("uan", 20)))
ctx(Q, "disqus-secret", "Disqus API secret", "saas", "high", [svc("disqus")], B(("an", 64)))
ctx(Q, "nylas-api-key", "Nylas API key", "saas", "high", [svc("nylas")], B("nyk_v0_", ("url", (40, 60))))
ctx(Q, "pendo-integration-key", "Pendo integration key", "saas", "high", [svc("pendo")], B(("uuid",), ".", ("lan", 2)), entropy=None)
ctx(Q, "signifyd-api-key", "Signifyd API key", "saas", "high", [svc("signifyd")], B(("an", 32)))
ctx(Q, "workos-api-key", "WorkOS API key", "saas", "critical", [svc("workos")], B("sk_", ("an", (40, 80))))
ctx(Q, "novu-api-key", "Novu API key", "saas", "high", [svc("novu")], B(("hex", 32)))
ctx(Q, "courier-api-key", "Courier auth token", "saas", "high", [svc("courier")], B("pk_", ("re:(?:prod|test)_",)) if False else B("re:pk_(?:prod|test)_", ("uan", 28)))
ctx(Q, "liveblocks-secret", "Liveblocks secret key", "saas", "high", [svc("liveblocks")], B("sk_", ("re:(?:prod|dev)_",)) if False else B("re:sk_(?:prod|dev)_", ("url", (40, 60))))
ctx(Q, "livekit-api-secret", "LiveKit API secret", "saas", "high", [svc("livekit")], B(("an", (40, 50))))
ctx(Q, "daily-api-key", "Daily.co API key", "saas", "high", ["daily[_.-]?(?:co[_.-]?)?api[_.-]?key"], B(("hex", 64)), kw=["daily_api", "daily-api", "dailyapi", "daily_co"], env="DAILY_API_KEY")
ctx(Q, "agora-app-certificate", "Agora app certificate", "saas", "high", ["agora[_.-]?(?:app[_.-]?)?certificate|agora" + SEC], B(("hex", 32)), kw=["agora"])
ctx(Q, "onesignal-api-key", "OneSignal REST API key", "saas", "high", [svc("onesignal|one_signal")], B("re:(?:os_v2_app_[a-z0-9]{100,120}|[A-Za-z0-9]{48})", smp=lambda: "os_v2_app_" + rand_str("lan", 110)), kw=["onesignal", "one_signal"], entropy=3.5)
ctx(Q, "typeform-token-context", "Typeform token (by context)", "saas", "high", [svc("typeform")], B(("an", 44)))
ctx(Q, "samsara-api-token", "Samsara API token", "saas", "high", [svc("samsara")], B("samsara_api_", ("an", 30)))
ctx(Q, "uber-server-token", "Uber server token", "saas", "high", [svc("uber")], B(("url", 40)), kw=["uber_server", "uber_token", "uber_api", "uber_client", "uber-server", "uber-token"])
ctx(Q, "vkontakte-token", "VKontakte access token", "saas", "high", [svc("vk(?:ontakte)?")], B("vk1.a.", ("url", (150, 250))), kw=["vk_", "vkontakte"])
ctx(Q, "wechat-app-secret", "WeChat app secret", "saas", "high", [svc("wechat|weixin|wx")], B(("hex", 32)), kw=["wechat", "weixin", "wx_app", "wx_secret"])
ctx(Q, "woocommerce-secret", "WooCommerce consumer secret", "saas", "high", [svc("woocommerce|wc[_.-]?consumer")], B("cs_", ("hex", 40)), kw=["woocommerce", "wc_consumer"])
ctx(Q, "wpengine-api-key", "WP Engine API key", "saas", "high", [svc("wpengine|wpe")], B(("url", 32)), kw=["wpengine", "wpe_"])
ctx(Q, "yousign-api-key", "Yousign API key", "saas", "high", [svc("yousign")], B(("an", 32)))
ctx(Q, "zendesk-token-context", "Zendesk API token (by context)", "saas", "high", [svc("zendesk|zd")], B(("an", 40)), kw=["zendesk", "zd_"])
ctx(Q, "zerotier-token", "ZeroTier API token", "saas", "high", [svc("zerotier|zt")], B(("an", 32)), kw=["zerotier", "zt_"])
ctx(Q, "calcom-api-key", "Cal.com API key", "saas", "high", [svc("cal(?:com|_com|\\.com)?")], B("cal_", ("re:(?:live_)?",)) if False else B("re:cal_(?:live_)?", ("hex", 32)), kw=["calcom", "cal_com", "cal.com", "cal_api", "cal-api"])
ctx(Q, "dub-api-key", "Dub.co API key", "saas", "high", [svc("dub")], B("dub_", ("an", 24)), kw=["dub_api", "dub-api", "dub_key", "dubco", "dub_co"])
ctx(Q, "gamma-api-key", "Gamma API key", "saas", "high", [svc("gamma")], B("sk-gamma-", ("an", (30, 50))), kw=["gamma_api", "gamma-api", "gammaapi"])
pref(Q, "linear-oauth-secret", "Linear OAuth access token", "saas", "high", "lin_oauth_", B(("hex", 64)))
ctx(Q, "figma-token-context", "Figma personal access token (by context)", "saas", "high", [svc("figma"), "x-figma-token"], B("re:(?:figd_)?", ("url", 40)), kw=["figma"])
ctx(Q, "dropbox-app-secret", "Dropbox app secret", "saas", "high", [svc("dropbox")], B(("lan", 15)), entropy=3.0)
ctx(Q, "zapier-nla-key", "Zapier API key", "saas", "high", [svc("zapier")], B("sk-ak-", ("an", (30, 50))))
ctx(Q, "make-api-token", "Make (Integromat) API token", "saas", "high", [svc("make|integromat")], B(("uuid",)), kw=["make_api", "make-api", "integromat"], entropy=None)
ctx(Q, "n8n-api-key", "n8n API key", "saas", "high", [svc("n8n")], B("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.", ("url", (60, 300)), ".", ("url", 43)))
ctx(Q, "okta-client-secret", "Okta client secret", "saas", "critical", ["okta[_.-]?(?:oauth2?[_.-]?)?client[_.-]?secret"], B(("url", 40)), kw=["okta"], env="OKTA_CLIENT_SECRET")
ctx(Q, "auth0-management-token-domain", "Auth0 domain with client secret", "saas", "high", ["auth0\\.com[^\\n]{0,120}?(?:client_?secret|secret)"], B(("url", 64)), kw=["auth0.com"], auto=False, mode="assign",
    ex=["domain=tenant.eu.auth0.com client_secret=PLACE"])

# ============================ Infrastructure ============================
I = "infrastructure.yaml"
pref(I, "vault-recovery-token", "HashiCorp Vault recovery token (hvr.)", "infrastructure", "critical", "hvr.", B(("url", (90, 120))))
ctx(I, "vault-legacy-token-context", "HashiCorp Vault token (legacy s./b./r. format, in commands and headers)", "infrastructure", "critical",
    ["x-vault-token|vault[_.-]?(?:root[_.-]?|client[_.-]?)?token|vault login|initial root token|root[_.-]?token"], B("re:[sbr]\\.", ("an", 24)),
    kw=["vault", "root token", "root_token"], env="VAULT_TOKEN", auto=False, ex=["curl -H 'X-Vault-Token: PLACE' https://vault:8200/v1/sys", "vault login PLACE", "Initial Root Token: PLACE"])
ctx(I, "vault-unseal-key", "HashiCorp Vault unseal key", "infrastructure", "critical", ["unseal[_.-]?key(?:[_.-]?\\d)?|unseal key \\d{1,2}"], B(("b64", 43), "="), kw=["unseal"], env="VAULT_UNSEAL_KEY", entropy=4.0, ex=["Unseal Key 1: PLACE"])
ctx(I, "infisical-service-token", "Infisical service token", "infrastructure", "critical", ["infisical"], B("st.", ("uuid",), ".", ("hex", 32), ".", ("hex", 32)), mode="near", env="INFISICAL_TOKEN", entropy=None)
ctx(I, "infisical-universal-auth-secret", "Infisical machine identity client secret", "infrastructure", "critical", [svc("infisical")], B(("hex", 64)))
ctx(I, "portainer-api-token", "Portainer API token", "infrastructure", "critical", ['portainer'], B('re:(?:ptr_)', ("b64", (43, 44)), "re:={0,1}"), mode="near", env="PORTAINER_API_TOKEN")

pref(I, "openshift-oauth-token", "OpenShift OAuth access token", "infrastructure", "critical", "sha256~", B(("url", 43)), ref="https://docs.openshift.com/container-platform/latest/authentication/managing-oauth-access-tokens.html")
ctx(I, "kubernetes-bootstrap-token", "Kubernetes bootstrap token", "infrastructure", "critical", ["kubeadm[^\\n]{0,80}?--token|bootstrap[_.-]?token|token-secret|--discovery-token"], B(("lan", 6), ".", ("lan", 16)), kw=["bootstrap_token", "bootstrap-token", "bootstraptoken", "kubeadm", "token-secret", "discovery-token"], env="BOOTSTRAP_TOKEN", entropy=3.0, ex=["kubeadm join 10.0.0.1:6443 --token PLACE --discovery-token-ca-cert-hash sha256:1234"])
ctx(I, "rancher-api-token", "Rancher API token", "infrastructure", "critical", [svc("rancher|cattle")], B("token-", ("lan", 5), ":", ("lan", 54)), kw=["rancher", "cattle"])
ctx(I, "truenas-api-key", "TrueNAS API key", "infrastructure", "critical", [svc("truenas|freenas")], B(("dig", (1, 4)), "-", ("an", 64)), kw=["truenas", "freenas"])
ctx(I, "nessus-linking-key", "Nessus / Tenable agent linking key", "infrastructure", "high", ["(?:nessus|tenable)[_.-]?(?:agent[_.-]?)?(?:linking[_.-]?)?key|--key"], B(("hex", 64)), kw=["nessus", "tenable"], env="NESSUS_LINKING_KEY")
ctx(I, "tenable-api-keys", "Tenable.io API keys", "infrastructure", "critical", ["secretkey|tenable" + SEC], B(("hex", 64)), kw=["secretkey=", "tenable"], env="TENABLE_SECRET_KEY", ex=["X-ApiKeys: accessKey=0bc4ac2c7a8b1e3f; secretKey=PLACE"])
ctx(I, "wiz-client-secret", "Wiz client secret", "infrastructure", "critical", [svc("wiz")], B(("an", 64)), kw=["wiz_", "wiz-", "wizcli"])
ctx(I, "detectify-api-key", "Detectify API key", "infrastructure", "high", [svc("detectify")], B(("hex", 32)))
pref(I, "stackhawk-api-key", "StackHawk API key", "infrastructure", "high", "hawk.", B(("an", 20), ".", ("an", 20)))
ctx(I, "trendmicro-api-key", "Trend Micro Cloud One / Vision One API key", "infrastructure", "critical", [svc("trend[_.-]?micro|cloud[_.-]?one|c1|vision[_.-]?one|deep[_.-]?security")], B(("url", (30, 60)), ":", ("url", (40, 120))), kw=["trendmicro", "trend_micro", "cloudone", "cloud_one", "c1_", "visionone", "vision_one", "deepsecurity", "deep_security"])
ctx(I, "endorlabs-api-secret", "Endor Labs API secret", "infrastructure", "high", [svc("endor(?:labs)?")], B(("an", (32, 48))), kw=["endorlabs", "endor_labs", "endor-labs", "endor_api", "endor_namespace"])
ctx(I, "aikido-token", "Aikido CI / client secret", "infrastructure", "high", [svc("aikido")], B("re:(?:AIK_CI_)?", ("an", (40, 64))))
pref(I, "dependency-track-api-key", "Dependency-Track API key", "infrastructure", "high", "odt_", B(("an", 32)))
ctx(I, "thycotic-secret-server-credentials", "Thycotic / Delinea Secret Server password", "infrastructure", "high", ["(?:thycotic|delinea|secret[_.-]?server)[_.-]?(?:password|pwd|token|secret)"], B(("url", (12, 64))), kw=["thycotic", "delinea", "secret_server", "secretserver"], env="THYCOTIC_PASSWORD", entropy=3.0, generic=True)
pref(I, "defined-networking-token", "Defined Networking (Nebula) API token", "infrastructure", "high", "dnkey-", B(("url", 26), "-", ("url", 52)))
ctx(I, "ngrok-api-key", "ngrok API key", "infrastructure", "high", [svc("ngrok")], B("2", ("an", 26), "_", ("an", 21)))
ctx(I, "wireguard-preshared-key", "WireGuard preshared key", "infrastructure", "high", ["presharedkey"], B(("b64", 43), "="), kw=["presharedkey"], auto=False, entropy=4.0, ex=["[Peer]\nPresharedKey = PLACE"])
ctx(I, "nebula-private-key", "Nebula host private key", "infrastructure", "critical", ["nebula x25519 private key-----"], B(("b64", 43), "="), kw=["nebula x25519 private key"], mode="near", auto=False, ex=["-----BEGIN NEBULA X25519 PRIVATE KEY-----\nPLACE\n-----END NEBULA X25519 PRIVATE KEY-----"])
ctx(I, "chef-client-key-context", "Chef/Puppet/Salt secret (by context)", "infrastructure", "high", ["(?:chef|puppet|salt)[_.-]?(?:password|secret|token|encrypted[_.-]?data[_.-]?bag[_.-]?secret)"], B(("url", (16, 128))), kw=["chef_password", "chef_secret", "chef_token", "chef_encrypted", "chef-password", "chef-secret", "chef-token", "chef-encrypted", "puppet_password", "puppet_secret", "puppet_token", "puppet_encrypted", "puppet-password", "puppet-secret", "puppet-token", "puppet-encrypted", "salt_password", "salt_secret", "salt_token", "salt_encrypted", "salt-password", "salt-secret", "salt-token", "salt-encrypted"], env="CHEF_PASSWORD", entropy=3.0, generic=True)
ctx(I, "argocd-auth-token", "Argo CD auth token", "infrastructure", "critical", ["argocd[_.-]?(?:auth[_.-]?)?token"], B("eyJ", ("url", (20, 60)), ".", ("url", (40, 600)), ".", ("url", (40, 90))), kw=["argocd"], env="ARGOCD_AUTH_TOKEN")
ctx(I, "spacelift-api-key", "Spacelift API key secret", "infrastructure", "high", [svc("spacelift")], B(("hex", 64)))

# ============================ Crypto / web3 ============================
X = "crypto.yaml"
for ident, nm, names, body in [
    ("binance", "Binance API secret", [svc("binance")], B(("an", 64))),
    ("bittrex", "Bittrex API secret", [svc("bittrex")], B(("hex", 32))),
    ("bitfinex", "Bitfinex API secret", [svc("bitfinex")], B(("an", 43))),
    ("kraken", "Kraken private key", [svc("kraken")], B(("b64", 86), "==")),
    ("kucoin", "KuCoin API secret", [svc("kucoin")], B(("uuid",))),
    ("gemini-exchange", "Gemini exchange API secret", ["gemini[_.-]?(?:api[_.-]?)?secret"], B(("an", 27))),
    ("bitmex", "BitMEX API secret", [svc("bitmex")], B(("url", 48))),
    ("bybit", "Bybit API secret", [svc("bybit")], B(("an", 36))),
    ("okx", "OKX API secret", [svc("okx|okex")], B(("HEX", 32))),
    ("huobi", "HTX (Huobi) API secret", [svc("huobi|htx")], B(("hex", 8), "-", ("hex", 8), "-", ("hex", 8), "-", ("hex", 5))),
    ("bitstamp", "Bitstamp API secret", [svc("bitstamp")], B(("an", 32))),
    ("gateio", "Gate.io API secret", [svc("gateio|gate_io|gate\\.io")], B(("hex", 64))),
    ("poloniex", "Poloniex API secret", [svc("poloniex")], B(("hex", 128))),
    ("alchemy", "Alchemy API key", [svc("alchemy")], B(("url", 32))),
    ("infura", "Infura project secret / key", [svc("infura")], B(("hex", 32))),
    ("etherscan", "Etherscan-family API key (Etherscan, BscScan, PolygonScan…)", [svc("etherscan|bscscan|polygonscan|arbiscan|ftmscan|snowtrace|basescan")], B(("uan", 34))),
    ("moralis", "Moralis API key", [svc("moralis")], B(("an", 64))),
    ("quicknode", "QuickNode endpoint token", ["quiknode\\.pro/"], B(("hex", 40))),
    ("blocknative", "Blocknative API key", [svc("blocknative")], B(("uuid",))),
    ("pinata", "Pinata API secret", [svc("pinata")], B(("hex", 64))),
    ("coinmarketcap", "CoinMarketCap API key", [svc("coinmarketcap|cmc")], B(("uuid",))),
    ("chainstack", "Chainstack API key", [svc("chainstack")], B(("an", 40))),
    ("finnhub", "Finnhub API token", [svc("finnhub")], B(("lan", 20))),
    ("polygon-io", "Polygon.io (Massive) API key", [svc("polygon_?io|polygon\\.io|polygon_api")], B(("url", 32))),
    ("alpaca", "Alpaca API secret", [svc("alpaca|apca")], B(("an", 40))),
    ("databento", "Databento API key", [svc("databento")], B("db-", ("an", 29))),
]:
    q = ident == "quicknode"
    ctx(X, f"{ident}-api-secret", nm, "crypto", "high", names, body,
        kw=["quiknode.pro"] if q else {"alchemy": ["alchemy_api", "alchemy-api", "alchemyapi", "alchemy_key", "alchemy_secret", "alchemy_token"], "gateio": ["gateio", "gate_io", "gate.io", "gate-io"]}.get(ident), entropy=None if body.regex().startswith(UUID_RE) else "auto",
        mode="near" if q else "assign", auto=not q, end=r"(?:/|[^A-Za-z0-9_+=-]|\z)" if q else END,
        ex=["RPC_URL=https://wild-bold-river.quiknode.pro/PLACE/"] if q else [])
ctx(X, "ethereum-private-key", "Ethereum / EVM private key", "crypto", "critical", ["(?:eth|evm|wallet|deployer|signer|web3)[_.-]?(?:priv(?:ate)?[_.-]?)?key"], B("re:(?:0x)?", ("hex", 64)), kw=["eth_priv", "ethpriv", "eth-priv", "wallet_key", "walletkey", "wallet_priv", "walletpriv", "deployer_key", "deployer_priv", "deployerkey", "signer_key", "signerkey", "signer_priv", "evm_priv", "web3_priv", "web3_key"], env="ETH_PRIVATE_KEY", entropy=3.0)
ctx(X, "bip39-mnemonic", "BIP-39 wallet seed phrase", "crypto", "critical", ["mnemonic|seed[_.-]?phrase|recovery[_.-]?phrase|secret[_.-]?recovery[_.-]?phrase"], B("re:(?:[a-z]{3,8} ){11}[a-z]{3,8}(?: [a-z]{3,8}){0,12}", smp=lambda: " ".join(rnd.sample(BIP39_SOME, 12))), kw=["mnemonic", "seed_phrase", "seedphrase", "seed phrase", "recovery_phrase", "recovery phrase"], env="MNEMONIC", entropy=None, mode="assign", ex=[])


# ============================ Password hashes in application config ============================
H = "password-hashes.yaml"
SALT = lambda n: rand_str("an", n).replace("x", ".")
HB = "[./A-Za-z0-9]"
for hid, hname, kws, pat, smp, bad in [
    ("md5crypt", "MD5-crypt ($1$)", ["$1$"], r"\$1\$" + HB + r"{1,8}\$" + HB + "{22}", lambda: "$1$" + SALT(8) + "$" + SALT(22), "$1$" + "abc" + "$" + "Zq9" * 3),
    ("apr1", "Apache MD5 ($apr1$)", ["$apr1$"], r"\$apr1\$" + HB + r"{1,8}\$" + HB + "{22}", lambda: "$apr1$" + SALT(8) + "$" + SALT(22), "$apr1$short"),
    ("sha256crypt", "SHA-256-crypt ($5$)", ["$5$"], r"\$5\$(?:rounds=[0-9]{1,9}\$)?" + HB + r"{1,16}\$" + HB + "{43}", lambda: "$5$" + SALT(16) + "$" + SALT(43), "$5$" + SALT(16) + "$" + SALT(20)),
    ("sha512crypt", "SHA-512-crypt ($6$)", ["$6$"], r"\$6\$(?:rounds=[0-9]{1,9}\$)?" + HB + r"{1,16}\$" + HB + "{86}", lambda: "$6$rounds=656000$" + SALT(16) + "$" + SALT(86), "$6$" + SALT(16) + "$" + SALT(40)),
    ("bcrypt", "bcrypt ($2a$/$2b$/$2y$)", ["$2a$", "$2b$", "$2y$", "$2x$"], r"\$2[abxy]\$[0-9]{2}\$" + HB + "{53}", lambda: "$2b$12$" + SALT(53), "$2b$12$" + SALT(30)),
    ("argon2", "Argon2 ($argon2id$)", ["$argon2"], r"\$argon2(?:id|i|d)\$v=[0-9]{1,3}\$m=[0-9]{1,8},t=[0-9]{1,4},p=[0-9]{1,3}\$[A-Za-z0-9+/]{11,64}\$[A-Za-z0-9+/]{22,128}", lambda: "$argon2id$v=19$m=65536,t=3,p=4$" + rand_str("b64", 22) + "$" + rand_str("b64", 43), "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA"),
    ("yescrypt", "yescrypt ($y$)", ["$y$"], r"\$y\$" + HB + r"{1,8}\$" + HB + r"{1,86}\$" + HB + "{43}", lambda: "$y$j9T$" + SALT(22) + "$" + SALT(43), "$y$j9T$" + SALT(22)),
    ("pbkdf2-django", "Django PBKDF2 (pbkdf2_sha256$)", ["pbkdf2_sha256$", "pbkdf2_sha1$"], r"pbkdf2_sha(?:256|1)\$[0-9]{4,7}\$[A-Za-z0-9]{8,32}\$[A-Za-z0-9+/]{27,44}={0,2}", lambda: "pbkdf2_sha256$870000$" + rand_str("an", 22) + "$" + rand_str("b64", 43) + "=", "pbkdf2_sha256$870000$salt"),
]:
    a, b = smp(), smp()
    raw(H, {"id": f"password-hash-{hid}", "name": f"Password hash in config: {hname}", "category": "password-hash", "severity": "medium", "confidence": "high",
            "keywords": kws, "pattern": r"(?:^|[^A-Za-z0-9_$])(?P<secret>" + pat + r")(?:[^./A-Za-z0-9$+=]|\z)",
            "description": f"A {hname} password hash written into an application config, .env or htpasswd-style file: an offline-crackable copy of a password (and often the login it unlocks). /etc/shadow entries are reported by shadow-password-hash.",
            "references": ["https://man7.org/linux/man-pages/man5/crypt.5.html"],
            "examples": [f"ADMIN_PASSWORD_HASH='{a}'", f'  password_hash: "{b}"', f"admin:{a}"],
            "negative_examples": [f"ADMIN_PASSWORD_HASH='{bad}'", 'echo "$1$2$3"', "hash: $6$"]})

# ============================ Application frameworks ============================
F = "frameworks.yaml"
DJ = "abcdefghijklmnopqrstuvwxyz0123456789!@#%^&*(-_=+)"
djk = lambda: "django-insecure-" + "".join(rnd.choice(DJ) for _ in range(50))
raw(F, {"id": "django-secret-key", "name": "Django SECRET_KEY (startproject default)", "category": "framework", "severity": "high", "confidence": "high",
        "keywords": ["django-insecure-"], "pattern": r"(?P<secret>django-insecure-[a-z0-9!@#$%^&*(\-_=+)]{50})",
        "description": "The SECRET_KEY django-admin startproject writes into settings.py: signs sessions, password-reset tokens and CSRF tokens; anyone holding it can forge them.",
        "references": ["https://docs.djangoproject.com/en/stable/ref/settings/#secret-key"],
        "examples": [f"SECRET_KEY = '{djk()}'", f'DJANGO_SECRET_KEY="{djk()}"'], "negative_examples": ["SECRET_KEY = 'django-insecure-short'", "# django-insecure- prefix means the key is not for production"]})
# Django's get_random_secret_key(): 50 characters of a fixed alphabet (lower case, digits,
# `!@#$%^&*(-_=+)`); generated keys of settings.py and of deployments' DJANGO_SECRET_KEY.
DJ_RE = r"[a-z0-9!@#$%^&*(\-_=+)]{50}"
djr = lambda: "".join(rnd.choice(DJ) for _ in range(50))
raw(F, {"id": "django-secret-key-generated", "name": "Django SECRET_KEY (generated)", "category": "framework", "severity": "high", "confidence": "medium",
        "keywords": ["secret_key", "secret-key", "secretkey"],
        "pattern": r"(?i:(?:django[_.-]?)?secret[_.-]?key)" + ASSIGN + r"(?P<secret>" + DJ_RE + r")(?:[^a-z0-9!@#$%^&*(\-_=+)]|\z)",
        "entropy": 4.0, "require_classes": ["digit", "symbol"],
        "description": "A Django SECRET_KEY of the shape get_random_secret_key() generates (50 characters of lower-case letters, digits and !@#$%^&*(-_=+)): signs sessions, password-reset tokens and CSRF tokens.",
        "references": ["https://docs.djangoproject.com/en/stable/ref/settings/#secret-key"],
        "examples": [f"SECRET_KEY = '{djr()}'", f'DJANGO_SECRET_KEY="{djr()}"', f'    "django_secret_key": "{djr()}",'],
        "negative_examples": [f"SECRET_KEY = '{djr()[:30]}'", "SECRET_KEY = os.environ['DJANGO_SECRET_KEY']", "SECRET_KEY = get_random_secret_key()",
                              "aws_secret_key = " + rand_str("b64", 40)]})
ctx(F, "rails-secret-key-base", "Rails secret_key_base", "framework", "critical", ["secret_key_base"], B(("hex", 128)), kw=["secret_key_base"], env="SECRET_KEY_BASE", conf="high",
    desc="Rails secret_key_base: signs and encrypts cookies and sessions; with it an attacker forges sessions (and, with Marshal cookies, runs code).")
ctx(F, "rails-master-key", "Rails master key", "framework", "critical", ["rails_master_key"], B(("hex", 32)), kw=["rails_master_key"], env="RAILS_MASTER_KEY", conf="high",
    desc="The Rails master key: decrypts config/credentials.yml.enc, i.e. every credential the application has.")
raw(F, {"id": "rails-master-key-file", "name": "Rails master.key file", "category": "framework", "severity": "critical", "confidence": "high", "keywords": [],
        "paths": [r"(?:^|/)config/(?:master|credentials/[a-z0-9_-]+)\.key$"], "pattern": r"\A\s*(?P<secret>[a-f0-9]{32})\s*\z",
        "description": "config/master.key (or a per-environment credentials key): decrypts the encrypted Rails credentials file.",
        "examples": [{"text": rand_str("hex", 32) + "\n", "path": "app/config/master.key"}], "negative_examples": [{"text": "not a key\n", "path": "app/config/master.key"}, {"text": rand_str("hex", 32), "path": "app/config/other.key"}]})
ctx(F, "laravel-app-key", "Laravel APP_KEY", "framework", "critical", ["app_key"], B("base64:", ("b64", 43), "="), kw=["app_key"], env="APP_KEY", conf="high", entropy=4.0,
    desc="Laravel's APP_KEY: encrypts cookies and everything passed to encrypt(); with it an attacker decrypts data and forges signed payloads.")
ctx(F, "symfony-app-secret", "Symfony APP_SECRET", "framework", "high", ["app_secret|kernel\\.secret"], B(("hex", 32)), kw=["app_secret", "kernel.secret"], env="APP_SECRET", conf="high")
raw(F, {"id": "aspnet-machine-key", "name": "ASP.NET machineKey validation/decryption key", "category": "framework", "severity": "critical", "confidence": "high",
        "keywords": ["validationkey", "decryptionkey"], "pattern": r"(?i:(?:validation|decryption)Key)\s*=\s*[\"'](?P<secret>[A-Fa-f0-9]{32,128})[\"']",
        "description": "A fixed <machineKey> in web.config: signs and encrypts ViewState and forms-auth tickets; with it an attacker gets remote code execution through ViewState deserialization.",
        "references": ["https://learn.microsoft.com/en-us/previous-versions/dotnet/netframework-4.0/w8h3skw9(v=vs.100)"],
        "examples": [f'<machineKey validationKey="{rand_str("HEX", 128)}" decryptionKey="{rand_str("HEX", 48)}" validation="SHA1" decryption="AES" />'],
        "negative_examples": ['<machineKey validationKey="AutoGenerate,IsolateApps" decryptionKey="AutoGenerate,IsolateApps" />']})
ctx(F, "fernet-key", "Fernet key (Airflow, Python cryptography)", "framework", "high", [svc("fernet")], B(("url", 43), "="), kw=["fernet"], conf="high", entropy=4.0, env="AIRFLOW__CORE__FERNET_KEY")
ctx(F, "wordpress-auth-salt", "WordPress authentication key / salt", "framework", "high",
    ["define\\(\\s*['\"](?:AUTH|SECURE_AUTH|LOGGED_IN|NONCE)_(?:KEY|SALT)['\"]"], B("re:[^'\"\\s]{64}", smp=lambda: rand_str("b64", 64)), kw=["auth_key", "auth_salt", "logged_in_key", "logged_in_salt", "nonce_key", "nonce_salt"], auto=False, entropy=4.0,
    ex=["define( 'AUTH_KEY', 'PLACE' );", 'define("NONCE_SALT", "PLACE");'], neg=["define( 'AUTH_KEY', 'put your unique phrase here' );"])
ctx(F, "drupal-hash-salt", "Drupal hash_salt", "framework", "high", ["\\$settings\\[['\"]hash_salt['\"]\\]"], B(("url", (43, 80))), kw=["hash_salt"], auto=False, entropy=4.0,
    ex=["$settings['hash_salt'] = 'PLACE';"])
ctx(F, "phpmailer-password", "PHPMailer SMTP password", "framework", "high", ["->password"], B("re:[^'\"\\s;]{6,64}", smp=lambda: rand_str("an", 16)), kw=["->password"], auto=False, entropy=3.0,
    ex=["$mail->Password = 'PLACE';", '$mail->Password   = "PLACE";'], neg=["$mail->Password = getenv('SMTP_PASSWORD');"], generic=True)
ctx(F, "nextauth-secret", "NextAuth / Auth.js secret", "framework", "high", ["(?:next)?auth[_.-]?secret"], B(("b64", (32, 64)), "re:={0,2}"), kw=["auth_secret", "authsecret", "auth-secret"], env="NEXTAUTH_SECRET", entropy=4.0)

# ============================ OS, Windows and network devices ============================
Y = "system.yaml"
def sysrule(id, name, sev, kws, pat, exs, negs, desc, conf="high", ref=None, generic=False):
    r = {"id": id, "name": name, "category": "system", "severity": sev, "confidence": conf, "keywords": kws, "pattern": pat, "description": desc}
    if generic:
        # A free-form password, not a token format: the generic value filter applies.
        r["generic"] = True
    if ref:
        r["references"] = [ref]
    r["examples"] = exs
    r["negative_examples"] = negs
    raw(Y, r)
PW = lambda: rand_str("an", 10) + "!" + rand_str("an", 4)
sysrule("gpp-cpassword", "Group Policy Preferences cpassword", "critical", ["cpassword="], r"(?i:cpassword)=[\"'](?P<secret>[A-Za-z0-9+/]{20,}={0,2})[\"']",
        [f'<Properties action="U" userName="svc_backup" cpassword="{rand_str("b64", 43)}" />'], ['<Properties userName="x" cpassword="" />'],
        "A Group Policy Preferences cpassword: AES-encrypted with a key Microsoft published (MS14-025), so it is the cleartext password to anyone.",
        ref="https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-gppref/2c15cbf0-f086-4c74-8b70-1f2fa45dd4be")
sysrule("windows-unattend-password", "Windows unattend.xml password", "high", ["password>"],
        r"(?i:<(?:AdministratorPassword|Password)>)\s*(?:<PlainText>[^<]*</PlainText>\s*)?(?i:<Value>)(?P<secret>[^<\s*]{4,128})(?i:</Value>)",
        [f"<AutoLogon><Password><Value>{PW()}</Value><PlainText>true</PlainText></Password></AutoLogon>", f"<AdministratorPassword>\n  <Value>{rand_str('b64', 32)}</Value>\n</AdministratorPassword>"],
        ["<AdministratorPassword><Value>*SENSITIVE*DATA*DELETED*</Value></AdministratorPassword>", "<Password><Value></Value></Password>"],
        "A password in a Windows unattend/autounattend answer file (plain or base64-encoded UTF-16, which is not encryption).", generic=True)
sysrule("rdp-saved-password", "RDP file saved password", "high", ["password 51:b:"], r"(?i:password 51:b:)(?P<secret>[0-9A-Fa-f]{100,})",
        [f"full address:s:10.0.0.5\npassword 51:b:{rand_str('HEX', 120)}"], ["password 51:b:00"], "A saved password in an .rdp file (DPAPI blob: decryptable by the user account that saved it).", conf="medium")
sysrule("filezilla-password", "FileZilla saved password", "high", ['<pass encoding="base64">'], r'(?i:<Pass encoding="base64">)(?P<secret>[A-Za-z0-9+/]{4,}={0,2})(?i:</Pass>)',
        [f'<Server><Host>ftp.corp.io</Host><User>deploy</User><Pass encoding="base64">{base64.b64encode(PW().encode()).decode()}</Pass></Server>'], ['<Pass encoding="base64"></Pass>'],
        "A FileZilla sitemanager.xml/recentservers.xml password: base64, i.e. cleartext.")
sysrule("powershell-securestring-plaintext", "PowerShell ConvertTo-SecureString -AsPlainText", "high", ["convertto-securestring"],
        r"(?i:ConvertTo-SecureString)\s+(?:-String\s+)?[\"'](?P<secret>[^\"'$\s]{4,128})[\"']\s+(?i:-AsPlainText)",
        [f"$pw = ConvertTo-SecureString '{PW()}' -AsPlainText -Force", f'$cred = New-Object PSCredential("svc", (ConvertTo-SecureString -String "{PW()}" -AsPlainText -Force))'],
        ["$pw = ConvertTo-SecureString $env:SVC_PASSWORD -AsPlainText -Force", "$pw = Read-Host -AsSecureString"],
        "A literal password turned into a SecureString: the script carries the cleartext password.", generic=True)
sysrule("windows-net-use-password", "Windows `net use` with a password", "high", ["net use"],
        r"(?i:net\s+use)\s+(?:[A-Za-z]:\s+)?\\\\\S+\s+(?:(?i:/user:)\S+\s+)?(?P<secret>[^\s/\\\"*][^\s\"]{3,127})",
        [f"net use \\\\fs01\\share /user:CORP\\svc {PW()}", f"net use Z: \\\\nas\\backup {PW()} /user:backup"], ["net use Z: \\\\nas\\backup /user:backup *", "net use Z: /delete"],
        "A password on a `net use` command line (scripts, scheduled tasks, Dockerfile RUN).", generic=True)
sysrule("windows-cmdkey-password", "Windows cmdkey /pass:", "high", ["/pass:"], r"(?i:cmdkey)[^\n]{0,200}?(?i:/pass:)(?P<secret>[^\s\"]{4,128})",
        [f"cmdkey /generic:TERMSRV/host /user:admin /pass:{PW()}"], ["cmdkey /list", "cmdkey /generic:host /user:admin /pass"], "A password stored through cmdkey on the command line.", generic=True)
sysrule("windows-schtasks-password", "schtasks /RP password", "high", ["/rp "], r"(?i:schtasks)[^\n]{0,300}?(?i:/RP)\s+[\"']?(?P<secret>[^\s\"'*]{4,128})",
        [f"schtasks /Create /TN backup /TR c:\\b.cmd /RU CORP\\svc /RP {PW()}"], ["schtasks /Create /TN backup /RU SYSTEM /RP *"], "A password for a scheduled task's run-as account on the command line.", generic=True)
sysrule("psexec-password", "PsExec -p password", "high", ["psexec"], r"(?i:psexec(?:64)?(?:\.exe)?)[^\n]{0,200}?\s-p\s+[\"']?(?P<secret>[^\s\"']{4,128})",
        [f"psexec \\\\web01 -u CORP\\admin -p {PW()} cmd.exe"], ["psexec \\\\web01 -s cmd.exe"], "A password passed to PsExec on the command line.", generic=True)
sysrule("vmware-connect-viserver-password", "PowerCLI Connect-VIServer -Password", "high", ["connect-viserver"], r"(?i:Connect-VIServer)[^\n]{0,200}?(?i:-Password)\s+[\"']?(?P<secret>[^\s\"'$]{4,128})",
        [f"Connect-VIServer -Server vc01 -User administrator@vsphere.local -Password '{PW()}'"], ["Connect-VIServer -Server vc01 -Credential $cred", "Connect-VIServer -Password $env:VC_PW"], "A vCenter password on a PowerCLI command line.", generic=True)
sysrule("cisco-type7-password", "Cisco type 7 password", "high", ["password 7 ", "key 7 "], r"(?i:(?:password|key|secret) 7) (?P<secret>[01][0-9][0-9A-Fa-f]{4,})(?:\s|\z)",
        ["username admin password 7 " + "0" + "8" + rand_str("HEX", 20), " key 7 " + "1" + "4" + rand_str("HEX", 14)], ["service password-encryption 7", "password 7 XYZ"],
        "A Cisco type 7 password: a reversible encoding, the cleartext is one decode away.", ref="https://www.cisco.com/c/en/us/support/docs/security-vpn/remote-authentication-dial-user-service-radius/107614-64.html")
sysrule("cisco-enable-password", "Cisco enable/username plaintext password", "high", ["enable password ", "password 0 "], r"(?i:enable password|password 0) (?P<secret>[^\s]{4,64})(?:\s|\z)",
        [f"enable password {PW()}", f"username netops privilege 15 password 0 {PW()}"], ["enable secret 9 $9$abc", "enable password 7"], "A plaintext (type 0) password in a Cisco IOS configuration.", generic=True)
sysrule("snmp-community-rw", "SNMP read-write community string", "high", ["snmp-server community"], r"(?i:snmp-server community) (?P<secret>\S{4,64}) (?i:RW)",
        [f"snmp-server community {rand_str('an', 12)} RW 10"], ["snmp-server community public RO", "snmp-server community x RW"], "An SNMP read-write community: lets anyone who can reach the device change its configuration.", conf="medium", generic=True)
sysrule("sql-create-user-password", "SQL CREATE/ALTER USER with a password", "medium", ["identified by", "with password", "password '"],
        r"(?i:(?:create|alter)\s+(?:user|role|login)\s+[^\n;]{1,80}?(?:identified\s+by|with\s+password\s*=?|password))\s*(?:N)?'(?P<secret>[^'\n]{4,128})'",
        [f"CREATE USER 'app'@'%' IDENTIFIED BY '{PW()}';", f"ALTER ROLE reporting WITH PASSWORD '{PW()}';", f"CREATE LOGIN svc WITH PASSWORD = N'{PW()}';"],
        ["CREATE USER app IDENTIFIED BY :password;", "ALTER ROLE reporting WITH PASSWORD NULL;"], "A database account created with a literal password (init scripts, migrations).", generic=True)
sysrule("redis-requirepass", "Redis requirepass / masterauth", "high", ["requirepass", "masterauth"], r"(?m:^\s*(?:requirepass|masterauth)\s+[\"']?(?P<secret>[^\s\"'#]{4,256}))",
        [f"requirepass {PW()}", f"masterauth \"{PW()}\""], ["# requirepass foobared", "requirepass ${REDIS_PASSWORD}"], "A Redis server password in redis.conf.", generic=True)
sysrule("ldap-bind-password", "LDAP bind password in a client config", "high", ["bindpw", "ldap_default_authtok", "rootpw"],
        r"(?m:^\s*(?:bindpw|ldap_default_authtok|rootpw)\s*[=\s]\s*(?P<secret>[^\s#]{4,128}))",
        [f"bindpw {PW()}", f"ldap_default_authtok = {PW()}"], ["bindpw", "rootpw {SSHA}" + rand_str("b64", 32)[:0] + "${LDAP_ROOTPW}"], "The bind password in nslcd.conf / sssd.conf / ldap.conf / slapd.conf.", generic=True)
sysrule("wifi-psk", "Wi-Fi / IPsec pre-shared key", "high", ["psk=", ": psk"], r"(?i:(?:^|\s)psk=|:\s*PSK\s+)\"?(?P<secret>[^\"\s]{8,128})",
        [f'network={{\n  ssid="office"\n  psk="{PW()}"\n}}', f'10.0.0.1 10.0.0.2 : PSK "{PW()}"'], ['psk="short"', "psk=${WIFI_PSK}"], "A pre-shared key in wpa_supplicant, NetworkManager or ipsec.secrets.", generic=True)

# ============================ More long-tail providers (prefix-anchored where the format has one) ============================
pref(Q, "apify-api-token", "Apify API token", "saas", "high", "apify_api_", B(("an", 36)))
_asaas = lambda: "aact_prod_" + rand_str("an", 60)
raw(P, {"id": "asaas-api-key", "name": "Asaas API key", "category": "payments", "severity": "critical", "confidence": "high", "keywords": ["$aact_"],
        "pattern": r"\$(?P<secret>aact_[A-Za-z0-9_:=-]{40,200})(?:[^A-Za-z0-9_+/=:-]|\z)", "entropy": 3.5,
        "description": "An Asaas payments API key ($aact_…); the captured secret leaves out the leading $ so it is not mistaken for a shell variable.",
        "examples": [f"ASAAS_API_KEY='${_asaas()}'", f'"access_token": "${_asaas()}"'], "negative_examples": ["ASAAS_API_KEY=$aact_short", "echo $ASAAS_API_KEY"]})
pref(Q, "branchio-live-key", "Branch.io live key", "saas", "medium", "key_live_", B(("an", 32)))
pref(A, "cartesia-api-key", "Cartesia API key", "ai", "high", "sk_car_", B(("an", (20, 64))))
pref(Q, "cfxre-server-key", "Cfx.re (FiveM) server key", "saas", "medium", "cfxk_", B(("an_", (20, 80))))
pref(Q, "crossmint-server-key", "Crossmint server API key", "saas", "critical", ["sk_production_", "sk_staging_"], B(("an", (40, 200))))
pref(C, "deno-deploy-token", "Deno Deploy access token", "cloud", "critical", ["ddp_", "ddo_"], B(("an", 36)))
pref(Q, "gc-notify-api-key", "GC Notify API key", "saas", "high", "gcntfy-", B("re:[a-z0-9_-]{1,80}-", ("uuid",), "-", ("uuid",)), entropy=None)
pref(Q, "inngest-signing-key", "Inngest signing key", "saas", "critical", ["signkey-prod-", "signkey-test-", "signkey-branch-"], B(("hex", 64)), kw=["signkey-"])
ctx(Q, "ionic-token", "Ionic personal access token", "saas", "high", [svc("ionic")], B("ion_", ("an", 42)), mode="near")
ctx(Q, "lichess-token", "Lichess personal access token", "saas", "medium", ['lichess'], B('re:(?:lip_)', ("an", 20)), mode="near", env="LICHESS_TOKEN")

pref(P, "mercury-api-token", "Mercury banking API token", "payments", "critical", "secret-token:mercury_", B("re:(?:production|sandbox)_(?:wma|rma)_", ("an", (30, 80))))
ctx(Q, "nightfall-api-key", "Nightfall AI API key", "saas", "high", ['nightfall'], B('re:(?:NF\\-)', ("an", (30, 40))), mode="near", env="NIGHTFALL_API_KEY")

pref(Q, "onfido-api-token", "Onfido API token", "saas", "critical", ["api_live.", "api_sandbox."], B(("url", 11), ".", ("url", 32)))
ctx(I, "pangea-token", "Pangea service token", "infrastructure", "high", ['pangea'], B('re:(?:pts_)', ("lan", 32)), mode="near", env="PANGEA_TOKEN")

pref(Q, "persona-api-key", "Persona API key", "saas", "critical", ["persona_production_", "persona_sandbox_"], B(("uuid",)), entropy=None)
pref(Q, "riot-games-api-key", "Riot Games API key", "saas", "medium", "RGAPI-", B(("uuid",)), kw=["rgapi-"], entropy=None)
pref(I, "rootly-api-key", "Rootly API key", "infrastructure", "high", "rootly_", B(("hex", 64)))
pref(C, "saladcloud-api-key", "SaladCloud API key", "cloud", "high", "salad_cloud_user_", B(("an", (30, 80))))
pref(Q, "seam-api-key", "Seam API key", "saas", "high", "seam_", B(("an", 8), "_", ("an", (20, 40))))
pref(S, "testkube-api-key", "Testkube API key", "source-hosting", "high", "tkcapi_", B(("hex", 30)))
ctx(R, "thunderstore-token", "Thunderstore API token", "package-registries", "high", ['thunderstore'], B('re:(?:tss_)', ("an", (30, 64))), mode="near", env="THUNDERSTORE_TOKEN")

pref(S, "triggerdev-secret-key", "Trigger.dev secret key", "source-hosting", "critical", ["tr_dev_", "tr_prod_", "tr_stg_"], B(("an", 20)))
pref(Q, "ubidots-token", "Ubidots API token", "saas", "high", "BBFF-", B(("an", 30)), kw=["bbff-"])
pref(A, "voiceflow-api-key", "Voiceflow API key", "ai", "high", "VF.DM.", B(("hex", 24), ".", ("an", 16)), kw=["vf.dm."])
ctx(Q, "warpstream-api-key", "WarpStream API key", "saas", "high", ['warpstream'], B('re:(?:aks_)', ("hex", 64)), mode="near", env="WARPSTREAM_API_KEY")

pref(Q, "zuplo-api-key", "Zuplo API key", "saas", "high", "zpka_", B(("hex", 32), "_", ("hex", 8)))
pref(S, "settlemint-token", "SettleMint access token", "source-hosting", "high", ["sm_pat_", "sm_aat_", "sm_sat_"], B(("an", 16)))
pref(Q, "intra42-client-secret", "42 Intra OAuth client secret", "saas", "high", ["s-s4t2ud-", "s-s4t2af-"], B(("hex", 64)))
pref(C, "scalingo-api-token", "Scalingo API token", "cloud", "critical", ["tk-us-", "tk-fr-"], B(("url", 48)))
pref(C, "azure-data-factory-ir-key", "Azure Data Factory self-hosted integration runtime key", "cloud", "critical", "IR@", B(("uuid",), "@", ("url", (3, 30)), "@", ("url", (3, 20)), "@", ("b64", 43), "="), kw=["ir@"], entropy=None)
pref(Q, "maxmind-license-key", "MaxMind license key", "saas", "high", "", B(("an", 6), "_", ("an", 29), "_mmk"), kw=["_mmk"], prefix_re="", sample=lambda: rand_str("an", 6) + "_" + rand_str("an", 29) + "_mmk")
ctx(Q, "recaptcha-secret-key", "Google reCAPTCHA secret key", "saas", "high", ["recaptcha[_.-]?(?:v[23][_.-]?)?(?:secret|private)[_.-]?(?:key)?"], B("6L", ("url", 38)), kw=["recaptcha"], env="RECAPTCHA_SECRET_KEY")
ctx(Q, "hcaptcha-secret-key", "hCaptcha secret key", "saas", "high", [svc("hcaptcha")], B("0x", ("Hex", 40)))
ctx(C, "cisco-meraki-api-key", "Cisco Meraki Dashboard API key", "cloud", "critical", [svc("meraki")], B(("hex", 40)))
ctx(Q, "godaddy-api-key", "GoDaddy API key/secret", "saas", "high", [svc("godaddy|gd")], B(("an", (10, 40)), "_", ("an", (20, 24))), kw=["godaddy", "gd_api", "gd_key", "gd_secret"])
ctx(Q, "looker-client-secret", "Looker API client secret", "saas", "high", [svc("looker")], B(("an", 24)))
ctx(P, "finicity-secret", "Finicity app key / client secret", "payments", "high", [svc("finicity")], B(("hex", 32)))
ctx(Q, "freemius-secret-key", "Freemius secret key", "saas", "high", [svc("freemius")], B("sk_", ("url", 29)), kw=["freemius"])
ctx(Q, "blynk-token", "Blynk device / organization token", "saas", "high", [svc("blynk")], B(("url", 32)))
ctx(Q, "particle-token", "Particle.io access token", "saas", "high", [svc("particle")], B(("hex", 40)))
ctx(S, "saucelabs-access-key", "Sauce Labs access key", "source-hosting", "high", [svc("sauce(?:labs)?")], B(("uuid",)), kw=["sauce"], entropy=None)
ctx(Q, "thingsboard-token", "ThingsBoard device access token", "saas", "medium", [svc("thingsboard|tb[_.-]?device")], B(("an", 20)), kw=["thingsboard", "tb_device"])
ctx(S, "gitalk-client-secret", "Gitalk OAuth client secret", "source-hosting", "high", ["gitalk[^\\n]{0,200}?clientsecret"], B(("hex", 40)), kw=["gitalk"], env="GITALK_CLIENTSECRET")
ctx(P, "squarespace-api-key", "Squarespace API key", "payments", "high", [svc("squarespace")], B(("uuid",)), entropy=None)
ctx(Q, "tableau-pat", "Tableau personal access token secret", "saas", "high", [svc("tableau")], B(("b64", 22), "==:", ("an", 32)))
ctx(O, "keen-api-key", "Keen.io API key", "observability", "high", [svc("keen(?:io|_io)?")], B(("HEX", 64)), kw=["keen"])
ctx(Q, "abstractapi-key", "AbstractAPI key", "saas", "medium", [svc("abstract(?:_?api)?")], B(("hex", 32)), kw=["abstractapi", "abstract_api", "abstract-api"])
ctx(S, "appcenter-token", "Visual Studio App Center API token", "source-hosting", "high", [svc("appcenter|app_center")], B(("hex", 40)), kw=["appcenter", "app_center"])
ctx(Q, "apollo-api-key", "Apollo.io / Apollo GraphOS API key", "saas", "high", [svc("apollo")], B("re:(?:service:[A-Za-z0-9_-]{1,40}:)?", ("url", 22)))
ctx(Q, "anypoint-token", "MuleSoft Anypoint client secret / token", "saas", "high", [svc("anypoint|mulesoft")], B(("uuid",)), kw=["anypoint", "mulesoft"], entropy=None)
ctx(O, "chartmogul-api-key", "ChartMogul API key", "observability", "high", [svc("chartmogul")], B(("hex", 32)))
ctx(O, "baremetrics-api-key", "Baremetrics API key", "observability", "high", [svc("baremetrics")], B(("url", 25)))
ctx(Q, "delighted-api-key", "Delighted API key", "saas", "high", [svc("delighted")], B(("an", 32)))
ctx(Q, "diffbot-token", "Diffbot API token", "saas", "medium", [svc("diffbot")], B(("hex", 32)))
ctx(A, "coze-pat", "Coze personal access token", "ai", "high", [svc("coze")], B("pat_", ("an", 64)))
ctx(C, "convex-deploy-key", "Convex deploy key", "cloud", "critical", [svc("convex")], B("re:(?:prod|dev|preview):[a-z0-9-]{3,60}\\|", ("b64", (40, 120)), "re:={0,2}"))
ctx(Q, "pastebin-api-key", "Pastebin API key", "saas", "medium", [svc("pastebin")], B(("url", 32)))
ctx(M, "ringcentral-client-secret", "RingCentral client secret", "chat", "high", [svc("ringcentral|rc")], B(("url", 22)), kw=["ringcentral", "rc_client", "rc_secret"])
ctx(C, "vastai-api-key", "Vast.ai API key", "cloud", "high", [svc("vast(?:ai|_ai)?")], B(("hex", 64)), kw=["vastai", "vast_ai", "vast-ai", "vast_api", "vast-api"])
ctx(Q, "valtown-token", "Val Town API token", "saas", "high", [svc("valtown|val_town")], B(("uuid",)), kw=["valtown", "val_town"], entropy=None)
ctx(A, "modal-token", "Modal token secret", "ai", "high", [svc("modal")], B("re:(?:as|ak)-", ("an", 22)), kw=["modal_token", "modal-token", "modaltoken", "modal_secret"], env="MODAL_TOKEN_SECRET")
ctx(A, "fal-api-key", "fal.ai API key", "ai", "high", [svc("fal")], B(("uuid",), ":", ("hex", 32)), kw=["fal_key", "fal-key", "falkey", "fal_api", "fal.ai"], env="FAL_KEY")
ctx(A, "deepl-api-key", "DeepL API key", "ai", "high", [svc("deepl")], B(("uuid",), "re:(?::fx)?"), entropy=None, kw=["deepl_api", "deepl-api", "deepl_auth", "deepl-auth", "deepl_key", "deeplkey", "deeplapi"])
ctx(A, "ollama-api-key", "Ollama API key", "ai", "medium", [svc("ollama")], B(("hex", 32), ".", ("an", 24)))
ctx(Q, "builderio-private-key", "Builder.io private API key", "saas", "high", [svc("builder(?:io|_io)?")], B("bpk-", ("hex", 32)), kw=["builderio", "builder_io", "builder.io", "builder_api", "builder_private", "builder-private"])
ctx(Q, "instantly-api-key", "Instantly API key", "saas", "high", [svc("instantly")], B(("url", (30, 80))))
ctx(Q, "guardian-api-key", "Guardian open platform API key", "saas", "medium", [svc("guardian")], B(("uuid",)), entropy=None)
ctx(Q, "datagov-api-key", "api.data.gov key", "saas", "medium", [svc("data[_.-]?gov")], B(("an", 40)), kw=["datagov", "data_gov", "data.gov", "data-gov"])
ctx(Q, "eraser-api-key", "Eraser API key", "saas", "medium", [svc("eraser")], B(("an", 20)), kw=["eraser_api", "eraser-api"])
ctx(A, "scale-api-key", "Scale AI API key", "ai", "high", [svc("scale(?:_?ai)?")], B("re:(?:live|test)_", ("hex", 32)), kw=["scale_api", "scale-api", "scaleapi", "scale_ai", "scaleai"], env="SCALE_API_KEY")

# ============================ Container-image favourites ============================
ctx(I, "neo4j-auth", "Neo4j NEO4J_AUTH password", "infrastructure", "high", ["neo4j[_.-]?auth"], B("neo4j/", ("url", (8, 64))), kw=["neo4j_auth", "neo4j-auth", "neo4jauth"], env="NEO4J_AUTH", entropy=3.0, generic=True,
    desc="NEO4J_AUTH=neo4j/<password> (the official image's initial password) in an ENV, compose file or manifest.", neg=["NEO4J_AUTH=none"])
ctx(C, "azure-event-grid-key", "Azure Event Grid access key", "cloud", "high", ["aeg[_.-]?sas[_.-]?key|event[_.-]?grid" + SEC], B(("b64", 43), "="), kw=["aeg-sas-key", "aeg_sas_key", "eventgrid", "event_grid", "event-grid"], env="EVENTGRID_ACCESS_KEY", entropy=4.0)
ctx(Q, "jamf-client-secret", "Jamf Pro API client secret / password", "saas", "high", [svc("jamf")], B(("url", (32, 64))))
raw(Y, {"id": "rclone-obscured-password", "name": "rclone config password (obscured, reversible)", "category": "system", "severity": "high", "confidence": "high",
        "keywords": [], "paths": [r"(?:^|/)rclone\.conf$"],
        "pattern": r"(?m:^\s*(?:pass|password2?|secret_access_key|client_secret|key|account_key|token)\s*=\s*(?P<secret>[A-Za-z0-9_\-+/={}:\",]{16,}))",
        "description": "A credential in rclone.conf: `pass` values are only obscured with a published key (`rclone reveal` undoes it), the others are plain.",
        "references": ["https://rclone.org/commands/rclone_obscure/"],
        "examples": [{"text": "[backup]\ntype = sftp\nhost = nas\nuser = rc\npass = " + rand_str("url", 32) + "\n", "path": "root/.config/rclone/rclone.conf"}],
        "negative_examples": [{"text": "[backup]\ntype = sftp\npass =\n", "path": "root/.config/rclone/rclone.conf"}, {"text": "pass = " + rand_str("url", 32) + "\n", "path": "app/other.conf"}]})
for hid, hname, kws, pat, smp, bad in [
    ("postgres-scram", "PostgreSQL SCRAM-SHA-256 verifier", ["scram-sha-256$"], r"SCRAM-SHA-256\$[0-9]{4,7}:[A-Za-z0-9+/]{22,24}={0,2}\$[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}=",
     lambda: "SCRAM-SHA-256$4096:" + rand_str("b64", 22) + "==$" + rand_str("b64", 43) + "=:" + rand_str("b64", 43) + "=", "SCRAM-SHA-256$4096:c2FsdA==$short"),
    ("ldap", "LDAP {SSHA}/{CRYPT}/{PBKDF2} userPassword", ["{ssha", "{sha", "{smd5", "{crypt}", "{pbkdf2", "{argon2"], r"\{(?:SSHA(?:256|384|512)?|SHA(?:256|384|512)?|SMD5|CRYPT|PBKDF2[A-Z0-9-]*|ARGON2)\}[A-Za-z0-9+/$.,=-]{20,}",
     lambda: "{SSHA}" + rand_str("b64", 32), "{SSHA}short"),
    ("mysql-native", "MySQL mysql_native_password hash", ["identified by password", "authentication_string", "mysql_native_password"], r"\*[A-F0-9]{40}",
     lambda: "*" + rand_str("HEX", 40), "*" + rand_str("HEX", 20)),
]:
    a, b = smp(), smp()
    ctxs = {"postgres-scram": (f'"app" "{a}"', f"ALTER ROLE app PASSWORD '{b}';"),
            "ldap": (f"userPassword: {a}", f"rootpw {b}"),
            "mysql-native": (f"CREATE USER 'app'@'%' IDENTIFIED BY PASSWORD '{a}';", f"UPDATE mysql.user SET authentication_string='{b}' WHERE User='app';")}[hid]
    pre = {"mysql-native": r"(?i:identified\s+by\s+password\s+'|authentication_string\s*=\s*'|mysql_native_password\s+as\s+')"}.get(hid, r"(?:^|[^A-Za-z0-9_$])")
    raw(H, {"id": f"password-hash-{hid}", "name": f"Password hash in config: {hname}", "category": "password-hash", "severity": "medium", "confidence": "high",
            "keywords": kws, "pattern": pre + r"(?P<secret>" + pat + r")(?:[^./A-Za-z0-9$+=]|\z)",
            "description": f"A {hname} in a config file, user list or SQL script: an offline-crackable copy of a password.",
            "examples": list(ctxs), "negative_examples": [ctxs[0].replace(a, bad), "# password_encryption = scram-sha-256"]})
