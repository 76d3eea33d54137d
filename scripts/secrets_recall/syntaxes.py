"""File syntaxes a credential is written in, each as real files of that kind look.

A `Syntax` knows where such files live, how an assignment looks (with the quoting rules of the
language, so a `$` in a value never turns into an expansion), and some harmless filler lines.
`entry` returns the lines of one assignment and the index of the line that holds the value.
"""

import base64
import re
from dataclasses import dataclass
from typing import Callable

FILLER_KV = [
    ("LOG_LEVEL", "info"), ("PORT", "8080"), ("TIMEOUT_SECONDS", "30"), ("REGION", "eu-west-1"),
    ("REPLICAS", "3"), ("SERVICE_NAME", "orders-api"), ("DEBUG", "false"), ("CACHE_TTL", "600"),
    ("FEATURE_FLAGS", "search,checkout"), ("METRICS_PATH", "/metrics"), ("MAX_CONNECTIONS", "100"),
    ("UPSTREAM_HOST", "inventory.internal"), ("TZ", "UTC"), ("LANG", "en_US.UTF-8"),
    ("WORKERS", "4"), ("RETRY_BACKOFF_MS", "250"), ("BUCKET_NAME", "acme-build-artifacts"),
]


def words(name):
    return [w for w in re.split(r"[_\-.]+", name) if w]


def lower_snake(name):
    return "_".join(w.lower() for w in words(name))


def camel(name):
    ws = [w.lower() for w in words(name)]
    return ws[0] + "".join(w.capitalize() for w in ws[1:])


def pascal(name):
    return "".join(w.lower().capitalize() for w in words(name))


def dotted(name):
    ws = [w.lower() for w in words(name)]
    return ws[0] + "." + "-".join(ws[1:]) if len(ws) > 1 else ws[0]


def dq(v):
    return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'


def sq(v):
    return "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'"


def yaml_scalar(v):
    if re.fullmatch(r"[A-Za-z0-9][^:#\s]*", v) and v.lower() not in ("yes", "no", "true", "false",
                                                                     "null", "on", "off"):
        return v
    return dq(v)


def shell_word(v):
    """Quote for POSIX shells: double quotes unless the value holds `$`, backquote or `!`."""
    if any(c in v for c in "$`!\\\""):
        return "'" + v.replace("'", "'\\''") + "'"
    return dq(v)


def xml_escape(v):
    return v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


@dataclass
class Syntax:
    name: str
    path: Callable  # (index) -> relative path
    entry: Callable  # (g, name, value, raw) -> (lines, idx)
    filler: Callable  # (g) -> list of lines
    header: Callable = lambda g: []
    footer: Callable = lambda g: []
    code: bool = False  # entries may be expressions (reads from the environment)
    json_like: bool = False  # entries are joined with commas


def _kv_filler(fmt):
    def filler(g):
        k, v = g.choice(FILLER_KV)
        return [fmt(k, v)]
    return filler


# ---------------------------------------------------------------- config formats

def env_entry(g, n, v, raw=False):
    form = g.choice(["plain", "dq", "sq"]) if not any(c in v for c in " #$") else "sq"
    if form == "plain":
        return [f"{n}={v}"], 0
    return [f"{n}={dq(v) if form == 'dq' else sq(v)}"], 0


def shell_entry(g, n, v, raw=False):
    if raw:
        return [f"export {n}={v}"], 0
    return [f"{g.choice(['export ', '', 'readonly '])}{n}={shell_word(v)}"], 0


def yaml_entry(g, n, v, raw=False):
    key = g.choice([lower_snake(n), camel(n), n])
    return [f"  {key}: {yaml_scalar(v)}"], 0


def yaml_block_entry(g, n, v, raw=False):
    key = lower_snake(n)
    ind = g.choice(["|", "|-", ">-", "|+"])
    return [f"  {key}: {ind}", f"    {v}"], 1


def json_entry(g, n, v, raw=False):
    key = g.choice([camel(n), lower_snake(n), n])
    return [f'    "{key}": {dq(v)}'], 0


def toml_entry(g, n, v, raw=False):
    q = sq(v) if "\\" in v or '"' in v else dq(v)
    return [f"{lower_snake(n)} = {q}"], 0


def ini_entry(g, n, v, raw=False):
    return [f"{lower_snake(n)}{g.choice([' = ', '=', ': '])}{v}"], 0


def props_eq_entry(g, n, v, raw=False):
    return [f"{dotted(n)}={v.replace(':', chr(92) + ':')}"], 0


def props_colon_entry(g, n, v, raw=False):
    return [f"{dotted(n)}{g.choice([': ', ':'])}{v}"], 0


def xml_elem_entry(g, n, v, raw=False):
    tag = g.choice([camel(n), pascal(n), lower_snake(n)])
    return [f"    <{tag}>{xml_escape(v)}</{tag}>"], 0


def xml_attr_entry(g, n, v, raw=False):
    if g.chance(0.5):
        return [f'    <add key="{pascal(n)}" value="{xml_escape(v)}" />'], 0
    return [f'    <credential id="{lower_snake(n)}" {camel(n)}="{xml_escape(v)}" />'], 0


def hcl_entry(g, n, v, raw=False):
    key = lower_snake(n)
    form = g.choice(["attr", "variable", "locals"])
    vv = v.replace("${", "$${").replace("%{", "%%{")
    if form == "variable":
        return [f'variable "{key}" {{', "  type      = string", "  sensitive = true",
                f"  default   = {dq(vv)}", "}"], 3
    return [f"  {key} = {dq(vv)}"], 0


def makefile_entry(g, n, v, raw=False):
    op = g.choice(["?=", ":=", "::=", "=", ":::="])
    vv = v.replace("$", "$$").replace("#", "\\#")
    return [f"{n} {op} {vv}"], 0


def powershell_entry(g, n, v, raw=False):
    if raw:
        return [f"${camel(n)} = {v}"], 0
    q = sq(v).replace("\\'", "''") if "$" in v or "`" in v else dq(v)
    if g.chance(0.5):
        return [f"$env:{n} = {q}"], 0
    return [f"${camel(n)} = {q}"], 0


# ---------------------------------------------------------------- programming languages

def go_entry_var(g, n, v, raw=False):
    val = v if raw else dq(v)
    return [f"var {camel(n)} string = {val}"], 0


def go_entry_short(g, n, v, raw=False):
    val = v if raw else dq(v)
    return [f"\t{camel(n)} := {val}"], 0


def go_entry_backtick(g, n, v, raw=False):
    val = v if raw else f"`{v}`"
    return [f"\t{camel(n)} := {val}" if g.chance(0.5) else f"const {camel(n)} = {val}"], 0


def java_setprop_entry(g, n, v, raw=False):
    val = v if raw else dq(v)
    return [f"        System.setProperty({dq(dotted(n) if g.chance(0.5) else n)}, {val});"], 0


def java_string_entry(g, n, v, raw=False):
    val = v if raw else dq(v)
    if g.chance(0.5):
        return [f"    private static final String {n} = {val};"], 0
    return [f"        String {camel(n)} = {val};"], 0


def php_entry(g, n, v, raw=False):
    val = v if raw else (sq(v) if "$" in v else g.choice([sq(v), dq(v)]))
    form = g.choice(["assign", "append", "define", "array"])
    if raw:
        form = g.choice(["assign", "array"])
    if form == "assign":
        return [f"${camel(n)} = {val};"], 0
    if form == "append":
        return [f"${camel(n)} .= {val};"], 0
    if form == "define":
        # WordPress style puts spaces inside the parentheses
        return [f"define( {sq(n)}, {val} );" if g.chance(0.5) else f"define({sq(n)}, {val});"], 0
    return [f"    {sq(lower_snake(n))} => {val},"], 0


def python_entry(g, n, v, raw=False):
    val = v if raw else dq(v)
    form = g.choice(["const", "environ", "kwarg", "dict"])
    if raw:
        form = "const"
    if form == "const":
        return [f"{n} = {val}"], 0
    if form == "environ":
        return [f"os.environ[{dq(n)}] = {val}"], 0
    if form == "kwarg":
        return [f"client = Client(base_url=BASE_URL, {lower_snake(n)}={val})"], 0
    return [f"    {dq(lower_snake(n))}: {val},"], 0


def ruby_entry(g, n, v, raw=False):
    val = v if raw else (sq(v) if "#" in v or "$" in v else g.choice([sq(v), dq(v)]))
    form = g.choice(["const", "config", "env"]) if not raw else "const"
    if form == "const":
        return [f"{n} = {val}"], 0
    if form == "config":
        return [f"  config.{lower_snake(n)} = {val}"], 0
    return [f"ENV[{sq(n)}] ||= {val}"], 0


def js_entry(g, n, v, raw=False):
    val = v if raw else g.choice([sq(v), dq(v)] + ([f"`{v}`"] if "$" not in v else []))
    form = g.choice(["const", "prop", "env"]) if not raw else "const"
    if form == "const":
        return [f"const {camel(n)} = {val};"], 0
    if form == "prop":
        return [f"  {camel(n)}: {val},"], 0
    return [f"process.env.{n} = {val};"], 0


def ts_entry(g, n, v, raw=False):
    val = v if raw else sq(v)
    return [f"export const {camel(n)}: string = {val};"], 0


def kotlin_entry(g, n, v, raw=False):
    val = v if raw else dq(v.replace("$", "\\$"))
    if g.chance(0.5) and not raw:
        return [f"    const val {n} = {val}"], 0
    return [f"    val {camel(n)} = {val}"], 0


def csharp_entry(g, n, v, raw=False):
    val = v if raw else (("@" + dq(v)) if "\\" in v else dq(v))
    if g.chance(0.5) and not raw:
        return [f"        private const string {pascal(n)} = {val};"], 0
    return [f"            var {camel(n)} = {val};"], 0


def swift_entry(g, n, v, raw=False):
    val = v if raw else dq(v)
    if g.chance(0.5):
        return [f"    static let {camel(n)} = {val}"], 0
    return [f"    let {camel(n)}: String = {val}"], 0


def rust_entry(g, n, v, raw=False):
    val = v if raw else dq(v)
    if g.chance(0.5) and not raw:
        return [f"const {n}: &str = {val};"], 0
    return [f"    let {lower_snake(n)} = {val};"], 0


def scala_entry(g, n, v, raw=False):
    val = v if raw else dq(v.replace("$", "$$") if g.chance(0.3) else v)
    if g.chance(0.5) and not raw:
        return [f"  private val {camel(n)}: String = {val}"], 0
    return [f"  val {camel(n)} = {val}"], 0


def reg_entry(g, n, v, raw=False):
    return [f'"{pascal(n)}"="{v.replace(chr(92), chr(92) * 2)}"'], 0


def c_entry(g, n, v, raw=False):
    if g.chance(0.5):
        return [f"#define {n} {dq(v)}"], 0
    return [f"static const char *{lower_snake(n)} = {dq(v)};"], 0


def groovy_entry(g, n, v, raw=False):
    val = v if raw else sq(v)
    form = "def" if raw else g.choice(["def", "env", "withEnv"])
    if form == "def":
        return [f"    def {camel(n)} = {val}"], 0
    if form == "env":
        return [f"    env.{n} = {val}"], 0
    return [f"    withEnv([{sq(n + '=' + v)}]) {{", "        sh './gradlew publish'", "    }"], 0


# ---------------------------------------------------------------- container and deploy files

def df_env_entry(g, n, v, raw=False):
    q = sq(v) if any(c in v for c in "$ \\\"") else v
    return [f"ENV {n}={q}" if g.chance(0.7) else f"ENV {n} {q}"], 0


def df_arg_entry(g, n, v, raw=False):
    q = sq(v) if any(c in v for c in "$ \\\"") else v
    return [f"ARG {n}={q}"], 0


def df_run_entry(g, n, v, raw=False):
    w = shell_word(v)
    form = g.choice(["inline", "echo", "export"])
    if form == "inline":
        return [f"RUN {n}={w} ./scripts/publish.sh"], 0
    if form == "echo":
        return [f"RUN echo \"{n}={v}\" >> /app/.env" if not any(c in v for c in '$`"!\\')
                else f"RUN echo '{n}={v}' >> /app/.env"], 0
    return [f"RUN export {n}={w} && make release"], 0


def compose_entry(g, n, v, raw=False):
    return [f"      - {n}={v.replace('$', '$$')}"], 0


def compose_map_entry(g, n, v, raw=False):
    return [f"      {n}: {yaml_scalar(v.replace('$', '$$'))}"], 0


def k8s_string_entry(g, n, v, raw=False):
    return [f"  {g.choice([lower_snake(n), n, dotted(n)])}: {yaml_scalar(v)}"], 0


def k8s_data_entry(g, n, v, raw=False):
    return [f"  {lower_snake(n)}: {base64.b64encode(v.encode()).decode()}"], 0


def k8s_env_entry(g, n, v, raw=False):
    return [f"            - name: {n}", f"              value: {yaml_scalar(v)}"], 1


def prose_entry(g, n, v, raw=False):
    form = g.choice(["md", "curl", "comment"])
    if form == "md":
        return [f"The staging pipeline used `{v}` until it was moved to the vault."], 0
    if form == "curl":
        return [f'    curl -fsS -H "Authorization: Bearer {v}" https://api.example.net/v1/status'], 0
    return [f"<!-- temporary: {v} -->"], 0


def _header(lines):
    return lambda g: list(lines)


SYNTAXES = [
    Syntax("dotenv", lambda i: f"services/svc{i}/.env" if i % 2 else f"deploy/env/prod{i}.env",
           env_entry, _kv_filler(lambda k, v: f"{k}={v}"), _header(["# production settings"])),
    Syntax("shell", lambda i: f"scripts/deploy_{i}.sh", shell_entry,
           _kv_filler(lambda k, v: f"export {k}={v}"),
           _header(["#!/usr/bin/env bash", "set -euo pipefail"]), code=True),
    Syntax("yaml", lambda i: f"config/application-{i}.yml", yaml_entry,
           _kv_filler(lambda k, v: f"  {lower_snake(k)}: {v}"), _header(["app:"])),
    Syntax("yaml-block", lambda i: f"helm/values-{i}.yaml", yaml_block_entry,
           _kv_filler(lambda k, v: f"  {lower_snake(k)}: {v}"), _header(["secrets:"])),
    Syntax("json", lambda i: f"config/settings.{i}.json", json_entry,
           _kv_filler(lambda k, v: f'    "{camel(k)}": "{v}"'), _header(["{", '  "service": {']),
           _header(["  }", "}"]), json_like=True),
    Syntax("toml", lambda i: f"config/app{i}.toml", toml_entry,
           _kv_filler(lambda k, v: f'{lower_snake(k)} = "{v}"'), _header(["[service]"])),
    Syntax("ini", lambda i: f"etc/app{i}.ini" if i % 2 else f"conf/settings{i}.cfg", ini_entry,
           _kv_filler(lambda k, v: f"{lower_snake(k)} = {v}"), _header(["[default]"])),
    Syntax("properties-eq", lambda i: f"src/main/resources/application-{i}.properties",
           props_eq_entry, _kv_filler(lambda k, v: f"{dotted(k)}={v}")),
    Syntax("properties-colon", lambda i: f"conf/service{i}.properties", props_colon_entry,
           _kv_filler(lambda k, v: f"{dotted(k)}: {v}")),
    Syntax("xml-element", lambda i: f"conf/settings{i}.xml", xml_elem_entry,
           _kv_filler(lambda k, v: f"    <{camel(k)}>{v}</{camel(k)}>"),
           _header(['<?xml version="1.0" encoding="UTF-8"?>', "<settings>"]), _header(["</settings>"])),
    Syntax("xml-attribute", lambda i: f"src/Web{i}/Web.config", xml_attr_entry,
           _kv_filler(lambda k, v: f'    <add key="{pascal(k)}" value="{v}" />'),
           _header(['<?xml version="1.0" encoding="utf-8"?>', "<configuration>", "  <appSettings>"]),
           _header(["  </appSettings>", "</configuration>"])),
    Syntax("hcl", lambda i: f"infra/main{i}.tf", hcl_entry,
           _kv_filler(lambda k, v: f'  {lower_snake(k)} = "{v}"')),
    Syntax("makefile", lambda i: f"Makefile.{i}" if i else "Makefile", makefile_entry,
           _kv_filler(lambda k, v: f"{k} ?= {v}")),
    Syntax("powershell", lambda i: f"tools/deploy{i}.ps1", powershell_entry,
           _kv_filler(lambda k, v: f'${camel(k)} = "{v}"'), code=True),
    Syntax("go-var", lambda i: f"internal/config/defaults{i}.go", go_entry_var,
           _kv_filler(lambda k, v: f'var {camel(k)} string = "{v}"'),
           _header(["package config", ""]), code=True),
    Syntax("go-short", lambda i: f"cmd/worker{i}/main.go", go_entry_short,
           _kv_filler(lambda k, v: f'\t{camel(k)} := "{v}"'),
           _header(["package main", "", "func main() {"]), _header(["}"]), code=True),
    Syntax("go-backtick", lambda i: f"pkg/client/raw{i}.go", go_entry_backtick,
           _kv_filler(lambda k, v: f"\t{camel(k)} := `{v}`"),
           _header(["package client", "", "func setup() {"]), _header(["}"]), code=True),
    Syntax("java-setproperty", lambda i: f"src/main/java/com/acme/Boot{i}.java", java_setprop_entry,
           _kv_filler(lambda k, v: f'        System.setProperty("{dotted(k)}", "{v}");'),
           _header(["package com.acme;", "", "public class Boot {",
                    "    public static void main(String[] args) {"]), _header(["    }", "}"]), code=True),
    Syntax("java-string", lambda i: f"src/main/java/com/acme/Config{i}.java", java_string_entry,
           _kv_filler(lambda k, v: f'    private static final String {k} = "{v}";'),
           _header(["package com.acme;", "", "public final class Config {"]), _header(["}"]), code=True),
    Syntax("php", lambda i: f"web/config/config{i}.php", php_entry,
           _kv_filler(lambda k, v: f"${camel(k)} = '{v}';"), _header(["<?php"]), code=True),
    Syntax("python", lambda i: f"app/settings_{i}.py", python_entry,
           _kv_filler(lambda k, v: f'{k} = "{v}"'), _header(["import os", ""]), code=True),
    Syntax("ruby", lambda i: f"config/initializers/services_{i}.rb", ruby_entry,
           _kv_filler(lambda k, v: f"{k} = '{v}'"), code=True),
    Syntax("javascript", lambda i: f"src/config{i}.js", js_entry,
           _kv_filler(lambda k, v: f"const {camel(k)} = '{v}';"), _header(["'use strict';"]), code=True),
    Syntax("typescript", lambda i: f"web/src/env{i}.ts", ts_entry,
           _kv_filler(lambda k, v: f"export const {camel(k)}: string = '{v}';"), code=True),
    Syntax("kotlin", lambda i: f"app/src/main/kotlin/com/acme/Keys{i}.kt", kotlin_entry,
           _kv_filler(lambda k, v: f'    val {camel(k)} = "{v}"'),
           _header(["package com.acme", "", "object Keys {"]), _header(["}"]), code=True),
    Syntax("csharp", lambda i: f"src/Acme.Api/Settings{i}.cs", csharp_entry,
           _kv_filler(lambda k, v: f'            var {camel(k)} = "{v}";'),
           _header(["namespace Acme.Api", "{", "    public static class Settings", "    {"]),
           _header(["    }", "}"]), code=True),
    Syntax("swift", lambda i: f"Sources/App/Secrets{i}.swift", swift_entry,
           _kv_filler(lambda k, v: f'    static let {camel(k)} = "{v}"'),
           _header(["import Foundation", "", "enum Secrets {"]), _header(["}"]), code=True),
    Syntax("rust", lambda i: f"src/consts{i}.rs", rust_entry,
           _kv_filler(lambda k, v: f'const {k}: &str = "{v}";'), code=True),
    Syntax("groovy", lambda i: f"ci/Jenkinsfile.{i}" if i else "Jenkinsfile", groovy_entry,
           _kv_filler(lambda k, v: f"    env.{k} = '{v}'"),
           _header(["node('linux') {", "    checkout scm"]), _header(["    sh 'make release'", "}"]), code=True),
    Syntax("scala", lambda i: f"src/main/scala/acme/Conf{i}.scala", scala_entry,
           _kv_filler(lambda k, v: f'  val {camel(k)} = "{v}"'),
           _header(["package acme", "", "object Conf {"]), _header(["}"]), code=True),
    Syntax("windows-reg", lambda i: f"setup/acme{i}.reg", reg_entry,
           _kv_filler(lambda k, v: f'"{pascal(k)}"="{v}"'),
           _header(["Windows Registry Editor Version 5.00", "", r"[HKEY_LOCAL_MACHINE\SOFTWARE\Acme\Agent]"])),
    Syntax("c-header", lambda i: f"firmware/include/secrets{i}.h", c_entry,
           _kv_filler(lambda k, v: f'#define {k} "{v}"'), _header(["#pragma once", ""]), code=True),
    Syntax("dockerfile-env", lambda i: f"docker/api{i}/Dockerfile", df_env_entry,
           _kv_filler(lambda k, v: f"ENV {k}={v}"), _header(["FROM node:20-bookworm-slim", "WORKDIR /app"]),
           _header(['CMD ["node", "server.js"]'])),
    Syntax("dockerfile-arg", lambda i: f"docker/build{i}/Dockerfile", df_arg_entry,
           _kv_filler(lambda k, v: f"ARG {k}={v}"), _header(["FROM python:3.12-slim"]),
           _header(["RUN pip install --no-cache-dir -r requirements.txt"])),
    Syntax("dockerfile-run", lambda i: f"images/worker{i}/Dockerfile", df_run_entry,
           _kv_filler(lambda k, v: f"RUN echo '{k}={v}' >> /etc/app.conf"),
           _header(["FROM debian:12-slim", "COPY . /app"])),
    Syntax("compose-env", lambda i: f"compose/docker-compose.{i}.yml", compose_entry, None,
           _header(["services:", "  api:", "    image: ghcr.io/acme/api:1.4.2", "    environment:"])),
    Syntax("compose-env-map", lambda i: f"compose/compose.{i}.yaml", compose_map_entry,
           _kv_filler(lambda k, v: f"      {k}: \"{v}\""),
           _header(["services:", "  worker:", "    build: .", "    environment:"])),
    Syntax("k8s-stringdata", lambda i: f"k8s/secret-{i}.yaml", k8s_string_entry,
           _kv_filler(lambda k, v: f"  {lower_snake(k)}: \"{v}\""),
           _header(["apiVersion: v1", "kind: Secret", "metadata:", "  name: app-config", "type: Opaque",
                    "stringData:"])),
    Syntax("k8s-data-base64", lambda i: f"k8s/opaque-{i}.yaml", k8s_data_entry,
           lambda g: [f"  {lower_snake(g.choice(FILLER_KV)[0])}: "
                      + base64.b64encode(g.choice(FILLER_KV)[1].encode()).decode()],
           _header(["apiVersion: v1", "kind: Secret", "metadata:", "  name: app-secrets", "type: Opaque",
                    "data:"])),
    Syntax("k8s-env", lambda i: f"k8s/deployment-{i}.yaml", k8s_env_entry,
           lambda g: [f"            - name: {g.choice(FILLER_KV)[0]}", f"              value: \"{g.choice(FILLER_KV)[1]}\""],
           _header(["apiVersion: apps/v1", "kind: Deployment", "metadata:", "  name: api", "spec:",
                    "  template:", "    spec:", "      containers:", "        - name: api",
                    "          image: ghcr.io/acme/api:2.0.1", "          env:"])),
    Syntax("prose", lambda i: f"docs/runbook-{i}.md", prose_entry,
           lambda g: [g.choice(["Restart the worker after rotating credentials.",
                                "See the on-call guide for escalation.", "",
                                "Deploys run from the release branch only."])],
           _header(["# Runbook", ""])),
]


def compose_filler(g):
    k, v = g.choice(FILLER_KV)
    return [f"      - {k}={v}"]


for _s in SYNTAXES:
    if _s.name == "compose-env":
        _s.filler = compose_filler

BY_NAME = {s.name: s for s in SYNTAXES}
