# Held-out Dockerfile cases written from Checkov's Dockerfile policy index (CKV_DOCKER_*,
# CKV2_DOCKER_*). Same format as hadolint.dockerfile.

=== checkov:CKV_DOCKER_1 +
FROM ubuntu:22.04
» EXPOSE 22
CMD ["/usr/sbin/sshd", "-D"]

=== checkov:CKV_DOCKER_1 +
FROM ubuntu:22.04
» EXPOSE 8080 22/tcp

=== checkov:CKV_DOCKER_1 -
FROM ubuntu:22.04
EXPOSE 2222 8022

=== checkov:CKV_DOCKER_2 +
FROM node:20-alpine
USER node
CMD ["node", "server.js"]

=== checkov:CKV_DOCKER_2 -
FROM node:20-alpine
USER node
HEALTHCHECK --interval=30s --timeout=3s CMD wget -qO- http://127.0.0.1:3000/health || exit 1
CMD ["node", "server.js"]

=== checkov:CKV_DOCKER_3 +
FROM python:3.12-slim
COPY app.py /app.py
CMD ["python", "/app.py"]

=== checkov:CKV_DOCKER_3 -
FROM python:3.12-slim
RUN useradd --create-home --uid 10001 app
USER app
COPY app.py /app.py
CMD ["python", "/app.py"]

=== checkov:CKV_DOCKER_3 -
FROM python:3.12-slim AS build
RUN pip wheel --no-cache-dir -w /wheels flask==3.0.3
FROM python:3.12-slim
COPY --from=build /wheels /wheels
USER 65534:65534
CMD ["python", "-m", "flask", "run"]

=== checkov:CKV_DOCKER_4 +
FROM alpine:3.20
» ADD app.conf /etc/app/app.conf

=== checkov:CKV_DOCKER_4 +
FROM alpine:3.20
» ADD https://example.org/releases/tool-1.2.3 /usr/local/bin/tool

=== checkov:CKV_DOCKER_4 -
FROM alpine:3.20
COPY app.conf /etc/app/app.conf

=== checkov:CKV_DOCKER_5 +
FROM ubuntu:22.04
» RUN apt-get update
RUN apt-get install -y --no-install-recommends curl=7.81.0-1ubuntu1.16

=== checkov:CKV_DOCKER_5 +
FROM alpine:3.20
» RUN apk update
RUN apk add --no-cache curl=8.9.1-r0

=== checkov:CKV_DOCKER_5 -
FROM ubuntu:22.04
RUN apt-get update && apt-get install -y --no-install-recommends curl=7.81.0-1ubuntu1.16 && rm -rf /var/lib/apt/lists/*

=== checkov:CKV_DOCKER_5 -
FROM alpine:3.20
RUN apk update && apk add --no-cache curl=8.9.1-r0

=== checkov:CKV_DOCKER_6 +
FROM alpine:3.20
» MAINTAINER ops@example.org

=== checkov:CKV_DOCKER_6 -
FROM alpine:3.20
LABEL maintainer="ops@example.org"

=== checkov:CKV_DOCKER_7 +
» FROM nginx
COPY site/ /usr/share/nginx/html/

=== checkov:CKV_DOCKER_7 +
» FROM redis:latest

=== checkov:CKV_DOCKER_7 -
FROM nginx:1.27.0-alpine
COPY site/ /usr/share/nginx/html/

=== checkov:CKV_DOCKER_7 -
FROM golang:1.22 AS build
RUN go build -o /out/srv .
FROM build AS test
RUN go test ./...

=== checkov:CKV_DOCKER_8 +
FROM alpine:3.20
RUN adduser -D app
USER app
RUN id
» USER root

=== checkov:CKV_DOCKER_8 -
FROM alpine:3.20
USER root
RUN apk add --no-cache tini=0.19.0-r3
USER 1000

=== checkov:CKV_DOCKER_9 +
FROM debian:12-slim
» RUN apt install -y curl=7.88.1-10+deb12u7

=== checkov:CKV_DOCKER_9 -
FROM debian:12-slim
RUN apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u7

=== checkov:CKV_DOCKER_10 +
FROM alpine:3.20
» WORKDIR src/app

=== checkov:CKV_DOCKER_10 -
FROM alpine:3.20
WORKDIR /src/app

=== checkov:CKV_DOCKER_10 -
FROM alpine:3.20
WORKDIR $HOME/app

=== checkov:CKV_DOCKER_11 +
FROM golang:1.22 AS builder
RUN go build ./...
» FROM golang:1.22-alpine AS builder
RUN go vet ./...

=== checkov:CKV_DOCKER_11 -
FROM golang:1.22 AS builder
RUN go build ./...
FROM alpine:3.20 AS runtime
COPY --from=builder /go/bin/app /app

=== checkov:CKV2_DOCKER_1 +
FROM debian:12-slim
» RUN sudo chown -R app:app /srv

=== checkov:CKV2_DOCKER_1 -
FROM debian:12-slim
RUN chown -R 1000:1000 /srv

=== checkov:CKV2_DOCKER_2 +
FROM alpine:3.20
» RUN curl -k -o /tmp/agent.tgz https://repo.example.org/agent.tgz

=== checkov:CKV2_DOCKER_2 +
FROM alpine:3.20
» RUN curl --insecure -fsSL https://repo.example.org/setup.sh -o /tmp/setup.sh

=== checkov:CKV2_DOCKER_2 +
FROM alpine:3.20
» RUN curl -fsSLk https://repo.example.org/setup.sh -o /tmp/setup.sh

=== checkov:CKV2_DOCKER_2 -
FROM alpine:3.20
RUN curl -fsSL --cacert /etc/ssl/internal-ca.pem https://repo.example.org/setup.sh -o /tmp/setup.sh

=== checkov:CKV2_DOCKER_2 -
FROM alpine:3.20
RUN curl -fsSL -K /etc/curlrc https://repo.example.org/setup.sh -o /tmp/setup.sh

=== checkov:CKV2_DOCKER_3 +
FROM debian:12-slim
» RUN wget --no-check-certificate https://repo.example.org/tool.tgz

=== checkov:CKV2_DOCKER_3 -
FROM debian:12-slim
RUN wget --ca-certificate=/etc/ssl/internal-ca.pem https://repo.example.org/tool.tgz

=== checkov:CKV2_DOCKER_4 +
FROM python:3.12-slim
» RUN pip install --no-cache-dir --trusted-host pypi.internal.example -i http://pypi.internal.example/simple acme-lib==1.4.0

=== checkov:CKV2_DOCKER_4 -
FROM python:3.12-slim
RUN pip install --no-cache-dir -i https://pypi.internal.example/simple acme-lib==1.4.0

=== checkov:CKV2_DOCKER_5 +
FROM python:3.12-slim
» ENV PYTHONHTTPSVERIFY=0

=== checkov:CKV2_DOCKER_5 +
FROM python:3.12-slim
» RUN PYTHONHTTPSVERIFY=0 python fetch_models.py

=== checkov:CKV2_DOCKER_5 -
FROM python:3.12-slim
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1

=== checkov:CKV2_DOCKER_6 +
FROM node:20-alpine
» ENV NODE_TLS_REJECT_UNAUTHORIZED=0

=== checkov:CKV2_DOCKER_6 +
FROM node:20-alpine
» RUN NODE_TLS_REJECT_UNAUTHORIZED=0 npm ci

=== checkov:CKV2_DOCKER_6 -
FROM node:20-alpine
ENV NODE_EXTRA_CA_CERTS=/usr/local/share/ca-certificates/internal.crt

=== checkov:CKV2_DOCKER_7 +
FROM alpine:3.20
» RUN apk add --no-cache --allow-untrusted /tmp/acme-agent-2.1.0-r0.apk

=== checkov:CKV2_DOCKER_7 -
FROM alpine:3.20
COPY acme.rsa.pub /etc/apk/keys/
RUN apk add --no-cache /tmp/acme-agent-2.1.0-r0.apk

=== checkov:CKV2_DOCKER_8 +
FROM debian:12-slim
» RUN apt-get update && apt-get install -y --allow-unauthenticated acme-agent=2.1.0 && rm -rf /var/lib/apt/lists/*

=== checkov:CKV2_DOCKER_8 -
FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends acme-agent=2.1.0 && rm -rf /var/lib/apt/lists/*

=== checkov:CKV2_DOCKER_9 +
FROM rockylinux:9
» RUN yum install -y --nogpgcheck acme-agent-2.1.0 && yum clean all

=== checkov:CKV2_DOCKER_9 +
FROM fedora:40
» RUN dnf install -y --nogpgcheck ./acme-agent-2.1.0.rpm && dnf clean all

=== checkov:CKV2_DOCKER_9 -
FROM rockylinux:9
RUN rpm --import https://repo.example.org/RPM-GPG-KEY-acme && yum install -y acme-agent-2.1.0 && yum clean all

=== checkov:CKV2_DOCKER_10 +
FROM rockylinux:9
» RUN rpm -ivh --nosignature /tmp/acme-agent-2.1.0.rpm

=== checkov:CKV2_DOCKER_10 -
FROM rockylinux:9
RUN rpm -ivh /tmp/acme-agent-2.1.0.rpm

=== checkov:CKV2_DOCKER_11 +
FROM debian:12-slim
» RUN apt-get update && apt-get install -y --force-yes acme-agent=2.1.0 && rm -rf /var/lib/apt/lists/*

=== checkov:CKV2_DOCKER_11 -
FROM debian:12-slim
RUN apt-get update && apt-get install -y acme-agent=2.1.0 && rm -rf /var/lib/apt/lists/*

=== checkov:CKV2_DOCKER_12 +
FROM node:20-alpine
» ENV NPM_CONFIG_STRICT_SSL=false

=== checkov:CKV2_DOCKER_12 -
FROM node:20-alpine
ENV NPM_CONFIG_LOGLEVEL=warn

=== checkov:CKV2_DOCKER_13 +
FROM node:20-alpine
» RUN npm config set strict-ssl false && npm ci

=== checkov:CKV2_DOCKER_13 -
FROM node:20-alpine
RUN npm config set cafile /etc/ssl/internal-ca.pem && npm ci

=== checkov:CKV2_DOCKER_14 +
FROM alpine/git:2.45.2
» ENV GIT_SSL_NO_VERIFY=true

=== checkov:CKV2_DOCKER_14 +
FROM alpine/git:2.45.2
» RUN GIT_SSL_NO_VERIFY=1 git clone https://git.example.org/acme/tools.git /opt/tools

=== checkov:CKV2_DOCKER_14 -
FROM alpine/git:2.45.2
RUN git clone --depth 1 https://git.example.org/acme/tools.git /opt/tools

=== checkov:CKV2_DOCKER_15 +
FROM rockylinux:9
» RUN yum-config-manager --save --setopt=acme.sslverify=false && yum clean all

=== checkov:CKV2_DOCKER_15 -
FROM rockylinux:9
RUN yum-config-manager --add-repo https://repo.example.org/acme.repo && yum clean all

=== checkov:CKV2_DOCKER_16 +
FROM python:3.12-slim
» ENV PIP_TRUSTED_HOST=pypi.internal.example

=== checkov:CKV2_DOCKER_16 -
FROM python:3.12-slim
ENV PIP_INDEX_URL=https://pypi.internal.example/simple

=== checkov:CKV2_DOCKER_17 +
FROM debian:12-slim
» RUN echo 'root:toor' | chpasswd

=== checkov:CKV2_DOCKER_17 -
FROM debian:12-slim
RUN passwd -l root

=== checkov:CKV2_DOCKER_18 +
FROM golang:1.22
» ENV GOINSECURE=git.internal.example

=== checkov:CKV2_DOCKER_18 -
FROM golang:1.22
ENV GOPRIVATE=git.internal.example GOFLAGS=-mod=mod
