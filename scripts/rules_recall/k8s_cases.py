"""Kubernetes cases written from Checkov's CKV_K8S_* and kube-score's check documentation.

Each case starts from a hardened pod spec that passes every check and changes one thing (a
positive, `» ` marking the lines where the finding belongs) or shows an accepted alternative
(a negative). The pod spec is placed in several workload kinds, because a check on a pod
template must hold wherever the template lives.
"""

DIGEST = "sha256:4c3e4f0f6f2d8a1b9c7e5d3a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e"

SLOTS = {
    "pod": ("securityContext:\n  runAsNonRoot: true\n  runAsUser: 10001\n  runAsGroup: 10001\n"
            "  fsGroup: 10001\n  seccompProfile:\n    type: RuntimeDefault"),
    "host": "",
    "sa": "serviceAccountName: web\nautomountServiceAccountToken: false",
    "image": f"image: ghcr.io/acme/web:1.8.2@{DIGEST}",
    "pull": "imagePullPolicy: Always",
    "ports": "ports:\n  - containerPort: 8080",
    "env": "env:\n  - name: LOG_LEVEL\n    value: info",
    "resources": ("resources:\n  requests:\n    cpu: 100m\n    memory: 128Mi\n  limits:\n"
                  "    cpu: 500m\n    memory: 256Mi"),
    "probes": ("livenessProbe:\n  httpGet:\n    path: /healthz\n    port: 8080\n"
               "readinessProbe:\n  httpGet:\n    path: /ready\n    port: 8080"),
    "csec": ("securityContext:\n  allowPrivilegeEscalation: false\n  readOnlyRootFilesystem: true\n"
             "  privileged: false\n  capabilities:\n    drop:\n      - ALL"),
    "mounts": "volumeMounts:\n  - name: tmp\n    mountPath: /tmp",
    "volumes": "volumes:\n  - name: tmp\n    emptyDir: {}",
}


def ind(text, n):
    out = []
    for ln in text.split("\n"):
        if not ln.strip():
            continue
        if ln.startswith("» "):
            out.append("» " + " " * n + ln[2:])
        else:
            out.append(" " * n + ln)
    return out


def pod_spec(over):
    s = {**SLOTS, "mark_container": False, **over}
    lines = []
    for key in ("sa", "host", "pod"):
        lines += ind(s[key], 0)
    lines.append("containers:")
    # a finding about what the container does may sit on the container itself
    lines.append("»   - name: web" if s.get("mark_container") else "  - name: web")
    for key in ("image", "pull", "ports", "env", "resources", "probes", "csec", "mounts"):
        lines += ind(s[key], 4)
    lines += ind(s["volumes"], 0)
    return lines


def wrap(kind, spec_lines):
    meta = ["metadata:", "  name: web", "  namespace: shop", "  labels:", "    app: web"]
    if kind == "Pod":
        head, depth = ["apiVersion: v1", "kind: Pod"] + meta + ["spec:"], 2
    elif kind == "CronJob":
        head = ["apiVersion: batch/v1", "kind: CronJob"] + meta + [
            "spec:", '  schedule: "*/15 * * * *"', "  jobTemplate:", "    spec:", "      template:",
            "        spec:", "          restartPolicy: OnFailure"]
        depth = 10
    elif kind == "Job":
        head = ["apiVersion: batch/v1", "kind: Job"] + meta + [
            "spec:", "  template:", "    spec:", "      restartPolicy: Never"]
        depth = 6
    elif kind == "PodTemplate":
        head = ["apiVersion: v1", "kind: PodTemplate"] + meta + [
            "template:", "  metadata:", "    labels:", "      app: web", "  spec:"]
        depth = 4
    elif kind in EXOTIC_API:
        api = EXOTIC_API[kind]
        head = [f"apiVersion: {api}", f"kind: {kind.split('/')[0]}"] + meta + ["spec:"] + (
            ["  replicas: 2"] if kind != "Service/knative" else []) + (
            ["  selector:", "    matchLabels:", "      app: web"] if kind == "Rollout" else []) + (
            ["  selector:", "    app: web"] if kind == "DeploymentConfig" else []) + (
            ["  strategy:", "    canary:", "      steps:", "        - setWeight: 20"] if kind == "Rollout" else []) + [
            "  template:", "    metadata:", "      labels:", "        app: web", "    spec:"]
        depth = 6
    else:
        head = [f"apiVersion: {'v1' if kind == 'ReplicationController' else 'apps/v1'}", f"kind: {kind}"] + meta + [
            "spec:"] + (["  replicas: 3"] if kind != "DaemonSet" else []) + (
            ["  serviceName: web"] if kind == "StatefulSet" else []) + [
            "  selector:", "    matchLabels:", "      app: web", "  template:", "    metadata:",
            "      labels:", "        app: web", "    spec:"]
        depth = 6
    body = []
    for ln in spec_lines:
        if ln.startswith("» "):
            body.append("» " + " " * depth + ln[2:])
        else:
            body.append(" " * depth + ln)
    return "\n".join(head + body) + "\n"


KINDS = ["Deployment", "Pod", "StatefulSet", "DaemonSet", "Job", "CronJob"]
# Pod templates outside the core workload kinds: each case is also placed in one of these.
EXOTIC_API = {"Rollout": "argoproj.io/v1alpha1", "DeploymentConfig": "apps.openshift.io/v1",
              "Service/knative": "serving.knative.dev/v1"}
EXOTIC = ["ReplicaSet", "PodTemplate", "Rollout", "DeploymentConfig", "Service/knative",
          "ReplicationController"]

# (foreign check, sign, slot overrides) — the kinds rotate so each check meets several.
CASES = [
    ("checkov:CKV_K8S_16", "+", {"csec": "securityContext:\n»   privileged: true\n  allowPrivilegeEscalation: true"}),
    ("kube-score:container-security-context-privileged", "+", {"csec": "securityContext:\n»   privileged: true"}),
    ("checkov:CKV_K8S_16", "-", {"csec": "securityContext:\n  privileged: false\n  allowPrivilegeEscalation: false\n  readOnlyRootFilesystem: true\n  capabilities:\n    drop: [ALL]"}),
    ("checkov:CKV_K8S_17", "+", {"host": "» hostPID: true"}),
    ("checkov:CKV_K8S_17", "-", {"host": "hostPID: false"}),
    ("checkov:CKV_K8S_18", "+", {"host": "» hostIPC: true"}),
    ("checkov:CKV_K8S_19", "+", {"host": "» hostNetwork: true\ndnsPolicy: ClusterFirstWithHostNet"}),
    ("checkov:CKV_K8S_19", "-", {"host": "hostNetwork: false"}),
    ("checkov:CKV_K8S_20", "+", {"csec": "securityContext:\n»   allowPrivilegeEscalation: true\n  readOnlyRootFilesystem: true\n  capabilities:\n    drop: [ALL]"}),
    ("checkov:CKV_K8S_20", "+", {"csec": "securityContext:\n  readOnlyRootFilesystem: true\n  capabilities:\n    drop: [ALL]"}),
    ("checkov:CKV_K8S_20", "-", {}),
    ("checkov:CKV_K8S_22", "+", {"csec": "securityContext:\n  allowPrivilegeEscalation: false\n»   readOnlyRootFilesystem: false\n  capabilities:\n    drop: [ALL]"}),
    ("kube-score:container-security-context-readonlyrootfilesystem", "+", {"csec": "securityContext:\n  allowPrivilegeEscalation: false\n  capabilities:\n    drop: [ALL]"}),
    ("checkov:CKV_K8S_22", "-", {}),
    ("checkov:CKV_K8S_23", "+", {"pod": "securityContext:\n»   runAsUser: 0\n  seccompProfile:\n    type: RuntimeDefault", "mark_container": True}),
    ("checkov:CKV_K8S_23", "+", {"pod": "securityContext:\n»   runAsNonRoot: false\n  seccompProfile:\n    type: RuntimeDefault", "mark_container": True}),
    ("kube-score:container-security-context-user-group-id", "+", {"pod": "securityContext:\n  seccompProfile:\n    type: RuntimeDefault"}),
    ("checkov:CKV_K8S_23", "-", {"pod": "securityContext:\n  seccompProfile:\n    type: RuntimeDefault", "csec": "securityContext:\n  runAsNonRoot: true\n  runAsUser: 1000\n  allowPrivilegeEscalation: false\n  readOnlyRootFilesystem: true\n  capabilities:\n    drop: [ALL]"}),
    ("checkov:CKV_K8S_40", "+", {"pod": "securityContext:\n  runAsNonRoot: true\n»   runAsUser: 1000\n  seccompProfile:\n    type: RuntimeDefault", "mark_container": True}),
    ("checkov:CKV_K8S_40", "-", {}),
    ("checkov:CKV_K8S_25", "+", {"csec": "securityContext:\n  allowPrivilegeEscalation: false\n  readOnlyRootFilesystem: true\n  capabilities:\n    drop: [ALL]\n    add:\n»     - NET_ADMIN"}),
    ("checkov:CKV_K8S_39", "+", {"csec": "securityContext:\n  allowPrivilegeEscalation: false\n  readOnlyRootFilesystem: true\n  capabilities:\n    add:\n»     - SYS_ADMIN"}),
    ("checkov:CKV_K8S_39", "-", {"csec": "securityContext:\n  allowPrivilegeEscalation: false\n  readOnlyRootFilesystem: true\n  capabilities:\n    drop: [ALL]\n    add: [NET_BIND_SERVICE]"}),
    ("checkov:CKV_K8S_28", "+", {"csec": "securityContext:\n  allowPrivilegeEscalation: false\n  readOnlyRootFilesystem: true\n  capabilities:\n»     drop: [SYS_ADMIN]", "mark_container": True}),
    ("checkov:CKV_K8S_28", "-", {"csec": "securityContext:\n  allowPrivilegeEscalation: false\n  readOnlyRootFilesystem: true\n  capabilities:\n    drop: [NET_RAW]"}),
    ("checkov:CKV_K8S_37", "+", {"csec": "securityContext:\n  allowPrivilegeEscalation: false\n  readOnlyRootFilesystem: true"}),
    ("checkov:CKV_K8S_37", "-", {}),
    ("checkov:CKV_K8S_26", "+", {"ports": "ports:\n  - containerPort: 8080\n»     hostPort: 8080"}),
    ("checkov:CKV_K8S_26", "-", {"ports": "ports:\n  - containerPort: 8080\n    name: http"}),
    # the finding may sit on the mount or on the hostPath volume: both name the socket
    ("checkov:CKV_K8S_27", "+", {"mounts": "volumeMounts:\n  - name: docker\n»     mountPath: /var/run/docker.sock",
                                 "volumes": "volumes:\n»   - name: docker\n    hostPath:\n»       path: /var/run/docker.sock\n      type: Socket"}),
    ("checkov:CKV_K8S_27", "+", {"mounts": "volumeMounts:\n  - name: crio\n»     mountPath: /run/containerd",
                                 "volumes": "volumes:\n»   - name: crio\n    hostPath:\n»       path: /run/containerd/containerd.sock"}),
    ("checkov:CKV_K8S_27", "-", {"mounts": "volumeMounts:\n  - name: data\n    mountPath: /data",
                                 "volumes": "volumes:\n  - name: data\n    persistentVolumeClaim:\n      claimName: web-data"}),
    ("kics:volume-mount-with-os-directory-write-permissions", "+", {"mounts": "volumeMounts:\n  - name: etc\n»     mountPath: /host/etc",
                                 "volumes": "volumes:\n»   - name: etc\n    hostPath:\n»       path: /etc"}),
    ("kics:volume-mount-with-os-directory-write-permissions", "-", {"mounts": "volumeMounts:\n  - name: logs\n    mountPath: /var/log/app",
                                 "volumes": "volumes:\n  - name: logs\n    emptyDir: {}"}),
    ("checkov:CKV_K8S_31", "+", {"pod": "securityContext:\n  runAsNonRoot: true\n  runAsUser: 10001\n  seccompProfile:\n»     type: Unconfined"}),
    ("checkov:CKV_K8S_31", "+", {"pod": "securityContext:\n  runAsNonRoot: true\n  runAsUser: 10001"}),
    ("checkov:CKV_K8S_31", "-", {"pod": "securityContext:\n  runAsNonRoot: true\n  runAsUser: 10001\n  seccompProfile:\n    type: Localhost\n    localhostProfile: profiles/web.json"}),
    ("checkov:CKV_K8S_11", "+", {"resources": "resources:\n  requests:\n    cpu: 100m\n    memory: 128Mi\n  limits:\n    memory: 256Mi"}),
    ("checkov:CKV_K8S_13", "+", {"resources": "resources:\n  requests:\n    cpu: 100m\n    memory: 128Mi\n  limits:\n    cpu: 500m"}),
    ("kube-score:container-resources", "+", {"resources": ""}),
    ("checkov:CKV_K8S_13", "-", {}),
    ("checkov:CKV_K8S_10", "+", {"resources": "resources:\n  limits:\n    cpu: 500m\n    memory: 256Mi"}),
    ("checkov:CKV_K8S_12", "+", {"resources": "resources:\n  requests:\n    cpu: 100m\n  limits:\n    cpu: 500m\n    memory: 256Mi"}),
    ("checkov:CKV_K8S_8", "+", {"probes": "readinessProbe:\n  httpGet:\n    path: /ready\n    port: 8080"}),
    ("checkov:CKV_K8S_9", "+", {"probes": "livenessProbe:\n  tcpSocket:\n    port: 8080"}),
    ("kube-score:pod-probes", "+", {"probes": ""}),
    ("checkov:CKV_K8S_8", "-", {}),
    ("checkov:CKV_K8S_14", "+", {"image": "» image: ghcr.io/acme/web"}),
    ("checkov:CKV_K8S_14", "+", {"image": "» image: ghcr.io/acme/web:latest"}),
    ("kube-score:container-image-tag", "+", {"image": "» image: nginx:latest"}),
    ("checkov:CKV_K8S_14", "-", {"image": "image: ghcr.io/acme/web:1.8.2"}),
    ("checkov:CKV_K8S_43", "+", {"image": "» image: ghcr.io/acme/web:1.8.2"}),
    ("checkov:CKV_K8S_43", "-", {}),
    ("checkov:CKV_K8S_15", "+", {"pull": "» imagePullPolicy: IfNotPresent"}),
    ("kube-score:container-image-pull-policy", "+", {"pull": "", "image": "image: ghcr.io/acme/web:1.8.2"}),
    ("checkov:CKV_K8S_15", "-", {}),
    ("checkov:CKV_K8S_21", "+", {}),  # namespace set to `default` in k8s_cases()
    ("checkov:CKV_K8S_35", "+", {"env": "env:\n  - name: DB_PASSWORD\n»     value: Zq8rT2vN6pLw4Xs9"}),
    ("checkov:CKV_K8S_35", "-", {"env": "env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef:\n        name: db\n        key: password"}),
    ("checkov:CKV_K8S_38", "+", {"sa": "serviceAccountName: web\n» automountServiceAccountToken: true"}),
    ("checkov:CKV_K8S_38", "-", {}),
    ("checkov:CKV_K8S_41", "+", {"sa": "» serviceAccountName: default\nautomountServiceAccountToken: false"}),
    ("checkov:CKV_K8S_41", "-", {}),
    ("checkov:CKV_K8S_29", "+", {"pod": ""}),
    ("checkov:CKV_K8S_30", "+", {"csec": ""}),
    ("kics:container-running-with-low-uid", "+", {"pod": "securityContext:\n  runAsNonRoot: true\n»   runAsUser: 999\n  seccompProfile:\n    type: RuntimeDefault"}),
    ("kics:proc-mount-is-unmasked", "+", {"csec": "securityContext:\n  allowPrivilegeEscalation: false\n  readOnlyRootFilesystem: true\n»   procMount: Unmasked\n  capabilities:\n    drop: [ALL]"}),
    ("kics:proc-mount-is-unmasked", "-", {}),
    ("kics:sysctls-using-unsafe-values", "+", {"pod": SLOTS["pod"] + "\n  sysctls:\n»   - name: kernel.msgmax\n»     value: \"65536\""}),
    # Pod Security Standards (kubernetes.io/docs/concepts/security/pod-security-standards)
    ("pss:baseline-apparmor", "+", {"csec": SLOTS["csec"] + "\n  appArmorProfile:\n»     type: Unconfined"}),
    ("pss:baseline-apparmor", "-", {"csec": SLOTS["csec"] + "\n  appArmorProfile:\n    type: RuntimeDefault"}),
    ("pss:baseline-selinux", "+", {"csec": SLOTS["csec"] + "\n  seLinuxOptions:\n»     type: spc_t"}),
    ("pss:baseline-selinux", "-", {"csec": SLOTS["csec"] + "\n  seLinuxOptions:\n    level: \"s0:c123,c456\""}),
    ("pss:baseline-hostpath-volumes", "+", {"mounts": "volumeMounts:\n  - name: data\n    mountPath: /data",
                                           "volumes": "volumes:\n  - name: data\n    hostPath:\n»       path: /srv/web-data\n      type: DirectoryOrCreate"}),
    ("pss:baseline-hostprocess", "+", {"pod": "securityContext:\n  windowsOptions:\n»     hostProcess: true\n    runAsUserName: \"NT AUTHORITY\\\\SYSTEM\"",
                                      "host": "hostNetwork: true"}),
    ("pss:baseline-capabilities", "+", {"csec": "securityContext:\n  allowPrivilegeEscalation: false\n  readOnlyRootFilesystem: true\n  capabilities:\n    drop: [ALL]\n    add:\n»     - NET_RAW"}),
    ("pss:baseline-capabilities", "-", {"csec": "securityContext:\n  allowPrivilegeEscalation: false\n  readOnlyRootFilesystem: true\n  capabilities:\n    drop: [ALL]\n    add: [CHOWN, SETUID, SETGID]"}),
    ("pss:restricted-seccomp", "+", {"pod": "securityContext:\n  runAsNonRoot: true\n  runAsUser: 10001"}),
    ("pss:restricted-running-as-non-root", "+", {"pod": "securityContext:\n  runAsUser: 10001\n  seccompProfile:\n    type: RuntimeDefault"}),
    ("pss:restricted-running-as-non-root", "-", {"pod": "securityContext:\n  seccompProfile:\n    type: RuntimeDefault", "csec": SLOTS["csec"] + "\n  runAsNonRoot: true"}),
    ("pss:restricted-capabilities", "+", {"csec": "securityContext:\n  allowPrivilegeEscalation: false\n  readOnlyRootFilesystem: true\n  capabilities:\n»     drop: [NET_RAW]", "mark_container": True}),
    ("kics:sysctls-using-unsafe-values", "-", {"pod": SLOTS["pod"] + "\n  sysctls:\n    - name: net.ipv4.ip_local_port_range\n      value: \"32768 60999\""}),
]


def k8s_cases():
    out = []
    for i, (check, sign, over) in enumerate(CASES):
        for kind in (KINDS[i % len(KINDS)], EXOTIC[(i // len(KINDS) + i) % len(EXOTIC)]):
            text = wrap(kind, pod_spec(over))
            if kind == "ReplicationController":
                # v1 ReplicationController selects by a plain map, not matchLabels
                text = text.replace("  selector:\n    matchLabels:\n      app: web\n", "  selector:\n    app: web\n")
            if check == "checkov:CKV_K8S_21":
                text = text.replace("  namespace: shop\n", "»   namespace: default\n")
            out.append((check, sign, text, kind.replace("/", "-")))
    return out
