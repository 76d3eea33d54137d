# Held-out Dockerfile cases, written from Hadolint's rule documentation (what each DL rule
# means), one positive or negative per case. Format: `=== TOOL:CHECK +|-` opens a case; in a
# positive, lines starting with `» ` (marker and one space, then the line as written) are where the finding belongs (any of them; none = anywhere).

=== hadolint:DL3000 +
FROM python:3.12-slim
» WORKDIR app
COPY . .
CMD ["python", "main.py"]

=== hadolint:DL3000 +
FROM node:20-alpine
WORKDIR /srv
» WORKDIR web/static
COPY dist/ .

=== hadolint:DL3000 -
FROM python:3.12-slim
WORKDIR /opt/app
COPY . .

=== hadolint:DL3000 -
FROM golang:1.22
ARG SRC=/go/src/app
WORKDIR ${SRC}
COPY . .

=== hadolint:DL3000 -
# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022
WORKDIR C:\app

=== hadolint:DL3001 +
FROM debian:12-slim
» RUN apt-get update && apt-get install -y --no-install-recommends nginx=1.22.1-9 && service nginx start

=== hadolint:DL3001 +
FROM ubuntu:22.04
» RUN ssh deploy@10.0.0.5 'cat /etc/motd'

=== hadolint:DL3001 -
FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends openssh-client=1:9.2p1-2 && rm -rf /var/lib/apt/lists/*

=== hadolint:DL3002 +
FROM alpine:3.20
RUN adduser -D app
USER app
COPY run.sh /run.sh
» USER root
ENTRYPOINT ["/run.sh"]

=== hadolint:DL3002 +
FROM debian:12-slim
» USER 0
CMD ["bash"]

=== hadolint:DL3002 +
FROM ubuntu:24.04
» USER root:root
CMD ["/usr/bin/app"]

=== hadolint:DL3002 -
FROM alpine:3.20
USER root
RUN apk add --no-cache curl=8.9.1-r0
USER 10001
CMD ["curl", "--version"]

=== hadolint:DL3002 -
FROM golang:1.22 AS build
USER root
RUN go build -o /out/app ./...
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/app /app
USER nonroot:nonroot
ENTRYPOINT ["/app"]

=== hadolint:DL3003 +
FROM alpine:3.20
» RUN cd /usr/src/app && make install

=== hadolint:DL3003 +
FROM debian:12-slim
» RUN mkdir -p /opt/tool && \
»     cd /opt/tool && \
»     ./configure

=== hadolint:DL3003 -
FROM alpine:3.20
WORKDIR /usr/src/app
RUN make install

=== hadolint:DL3003 -
FROM alpine:3.20
RUN (cd /tmp && tar xzf pkg.tgz) && rm /tmp/pkg.tgz

=== hadolint:DL3004 +
FROM ubuntu:22.04
» RUN sudo apt-get update

=== hadolint:DL3004 +
FROM debian:12-slim
RUN useradd -m builder
USER builder
» RUN sudo -E make install

=== hadolint:DL3004 -
FROM ubuntu:22.04
RUN apt-get update && apt-get install -y --no-install-recommends sudo=1.9.9-1ubuntu2 && rm -rf /var/lib/apt/lists/*

=== hadolint:DL3004 -
FROM alpine:3.20
RUN echo "app ALL=(ALL) NOPASSWD: /usr/bin/supervisorctl" > /etc/sudoers.d/app

=== hadolint:DL3006 +
» FROM debian
RUN echo hi

=== hadolint:DL3006 +
FROM golang:1.22 AS build
RUN go build ./...
» FROM alpine
COPY --from=build /go/bin/app /app

=== hadolint:DL3006 -
FROM debian:12.6-slim
RUN echo hi

=== hadolint:DL3006 -
FROM node:20-alpine AS deps
RUN npm ci
FROM deps
CMD ["node", "index.js"]

=== hadolint:DL3006 -
FROM scratch
COPY app /app

=== hadolint:DL3006 -
FROM alpine@sha256:0a4eaa0eecf5f8c050e5bba433f58c052be7587ee8af3e8b3910ef9ab5fbe9f5
RUN true

=== hadolint:DL3007 +
» FROM ubuntu:latest
RUN echo hi

=== hadolint:DL3007 +
FROM golang:1.22 AS build
» FROM gcr.io/distroless/base:latest
COPY --from=build /go/bin/app /app

=== hadolint:DL3007 -
FROM ubuntu:24.04
RUN echo hi

=== hadolint:DL3007 -
FROM ubuntu:latest@sha256:3f85b7caad41a95462cf5b787d8a04604c8262cdcdf9a472b8c52ef83375fe15
RUN echo pinned-by-digest

=== hadolint:DL3008 +
FROM debian:12-slim
» RUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates && rm -rf /var/lib/apt/lists/*

=== hadolint:DL3008 +
FROM ubuntu:22.04
» RUN apt-get update \
»  && apt-get install -y --no-install-recommends \
»       python3=3.10.6-1~22.04 \
»       git \
»  && rm -rf /var/lib/apt/lists/*

=== hadolint:DL3008 -
FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u7 && rm -rf /var/lib/apt/lists/*

=== hadolint:DL3008 -
FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends ./vendor/tool_1.2.3_amd64.deb && rm -rf /var/lib/apt/lists/*

=== hadolint:DL3009 +
FROM debian:12-slim
» RUN apt-get update && apt-get install -y --no-install-recommends nginx=1.22.1-9

=== hadolint:DL3009 +
FROM ubuntu:22.04
» RUN apt-get update
» RUN apt-get install -y --no-install-recommends jq=1.6-2.1ubuntu3

=== hadolint:DL3009 -
FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends nginx=1.22.1-9 && rm -rf /var/lib/apt/lists/*

=== hadolint:DL3009 -
FROM debian:12-slim
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \
    --mount=type=cache,target=/var/lib/apt,sharing=locked \
    apt-get update && apt-get install -y --no-install-recommends gcc=4:12.2.0-3

=== hadolint:DL3009 -
FROM debian:12-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends gcc=4:12.2.0-3
RUN gcc -o /hello hello.c
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /hello /hello

=== hadolint:DL3010 +
FROM alpine:3.20
COPY node-v20.15.0-linux-x64.tar.gz /tmp/
» RUN tar -xzf /tmp/node-v20.15.0-linux-x64.tar.gz -C /usr/local && rm /tmp/node-v20.15.0-linux-x64.tar.gz

=== hadolint:DL3010 -
FROM alpine:3.20
ADD node-v20.15.0-linux-x64.tar.gz /usr/local/

=== hadolint:DL3011 +
FROM nginx:1.27
» EXPOSE 80 70000

=== hadolint:DL3011 +
FROM nginx:1.27
» EXPOSE 65536/tcp

=== hadolint:DL3011 -
FROM nginx:1.27
EXPOSE 80 443/tcp 8125/udp

=== hadolint:DL3011 -
FROM nginx:1.27
ARG PORT=8080
EXPOSE ${PORT}

=== hadolint:DL3012 +
FROM nginx:1.27
» HEALTHCHECK CMD curl -f http://localhost/ || exit 1
» HEALTHCHECK --interval=10s CMD curl -f http://localhost/healthz || exit 1

=== hadolint:DL3012 -
FROM nginx:1.27 AS base
HEALTHCHECK CMD curl -f http://localhost/ || exit 1
FROM base
HEALTHCHECK --interval=10s CMD curl -f http://localhost/healthz || exit 1

=== hadolint:DL3012 -
FROM nginx:1.27
HEALTHCHECK NONE

=== hadolint:DL3013 +
FROM python:3.12-slim
» RUN pip install --no-cache-dir requests flask==3.0.3

=== hadolint:DL3013 +
FROM python:3.12-slim
» RUN python -m pip install --no-cache-dir "uvicorn[standard]"

=== hadolint:DL3013 -
FROM python:3.12-slim
RUN pip install --no-cache-dir requests==2.32.3 "flask>=3.0,<3.1"

=== hadolint:DL3013 -
FROM python:3.12-slim
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

=== hadolint:DL3013 -
FROM python:3.12-slim
COPY . /src
RUN pip install --no-cache-dir /src

=== hadolint:DL3014 +
FROM ubuntu:22.04
» RUN apt-get update && apt-get install --no-install-recommends python3=3.10.6-1~22.04 && rm -rf /var/lib/apt/lists/*

=== hadolint:DL3014 -
FROM ubuntu:22.04
RUN apt-get update && apt-get install -y --no-install-recommends python3=3.10.6-1~22.04 && rm -rf /var/lib/apt/lists/*

=== hadolint:DL3014 -
FROM ubuntu:22.04
RUN apt-get update && apt-get install -qq --no-install-recommends python3=3.10.6-1~22.04 && rm -rf /var/lib/apt/lists/*

=== hadolint:DL3014 -
FROM ubuntu:22.04
RUN apt-get update && apt-get install --assume-yes --no-install-recommends python3=3.10.6-1~22.04 && rm -rf /var/lib/apt/lists/*

=== hadolint:DL3015 +
FROM debian:12-slim
» RUN apt-get update && apt-get install -y git=1:2.39.5-0+deb12u1 && rm -rf /var/lib/apt/lists/*

=== hadolint:DL3015 -
FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends git=1:2.39.5-0+deb12u1 && rm -rf /var/lib/apt/lists/*

=== hadolint:DL3015 -
FROM debian:12-slim
RUN apt-get update && apt-get install -y -o APT::Install-Recommends=false git=1:2.39.5-0+deb12u1 && rm -rf /var/lib/apt/lists/*

=== hadolint:DL3016 +
FROM node:20-alpine
» RUN npm install -g typescript

=== hadolint:DL3016 -
FROM node:20-alpine
RUN npm install -g typescript@5.5.3

=== hadolint:DL3016 -
FROM node:20-alpine
COPY package*.json ./
RUN npm ci

=== hadolint:DL3018 +
FROM alpine:3.20
» RUN apk add --no-cache curl

=== hadolint:DL3018 -
FROM alpine:3.20
RUN apk add --no-cache curl=8.9.1-r0

=== hadolint:DL3018 -
FROM alpine:3.20
RUN apk add --no-cache curl~8.9

=== hadolint:DL3019 +
FROM alpine:3.20
» RUN apk update && apk add curl=8.9.1-r0

=== hadolint:DL3019 -
FROM alpine:3.20
RUN apk add --no-cache curl=8.9.1-r0

=== hadolint:DL3019 -
FROM alpine:3.20
RUN --mount=type=cache,target=/var/cache/apk apk add curl=8.9.1-r0

=== hadolint:DL3020 +
FROM alpine:3.20
» ADD config/ /etc/app/

=== hadolint:DL3020 +
FROM alpine:3.20
» ADD --chown=app:app entrypoint.sh /entrypoint.sh

=== hadolint:DL3020 -
FROM alpine:3.20
ADD rootfs.tar.xz /

=== hadolint:DL3020 -
FROM alpine:3.20
COPY config/ /etc/app/

=== hadolint:DL3021 +
FROM alpine:3.20
» COPY package.json yarn.lock /app

=== hadolint:DL3021 -
FROM alpine:3.20
COPY package.json yarn.lock /app/

=== hadolint:DL3021 -
FROM alpine:3.20
COPY ["package.json", "yarn.lock", "./"]

=== hadolint:DL3022 +
FROM alpine:3.20
» COPY --from=builder /out/app /usr/local/bin/app

=== hadolint:DL3022 -
FROM golang:1.22 AS builder
RUN go build -o /out/app .
FROM alpine:3.20
COPY --from=builder /out/app /usr/local/bin/app

=== hadolint:DL3022 -
FROM alpine:3.20
COPY --from=nginx:1.27 /etc/nginx/nginx.conf /etc/nginx/nginx.conf

=== hadolint:DL3022 -
FROM golang:1.22
RUN go build -o /out/app .
FROM alpine:3.20
COPY --from=0 /out/app /app

=== hadolint:DL3023 +
FROM golang:1.22 AS build
RUN go build -o /out/app .
» COPY --from=build /out/app /bin/app

=== hadolint:DL3023 -
FROM golang:1.22 AS build
RUN go build -o /out/app .
FROM alpine:3.20 AS final
COPY --from=build /out/app /bin/app

=== hadolint:DL3024 +
FROM node:20-alpine AS build
RUN npm ci
» FROM node:20-alpine AS build
RUN npm run build

=== hadolint:DL3024 -
FROM node:20-alpine AS deps
RUN npm ci
FROM node:20-alpine AS build
RUN npm run build

=== hadolint:DL3025 +
FROM node:20-alpine
» CMD node server.js

=== hadolint:DL3025 +
FROM python:3.12-slim
» ENTRYPOINT python -m app

=== hadolint:DL3025 -
FROM node:20-alpine
CMD ["node", "server.js"]

=== hadolint:DL3025 -
FROM python:3.12-slim
ENTRYPOINT ["python", "-m", "app"]
CMD ["--port", "8080"]

=== hadolint:DL3027 +
FROM ubuntu:22.04
» RUN apt update && apt install -y curl=7.81.0-1ubuntu1.16

=== hadolint:DL3027 -
FROM ubuntu:22.04
RUN apt-get update && apt-get install -y --no-install-recommends curl=7.81.0-1ubuntu1.16 && rm -rf /var/lib/apt/lists/*

=== hadolint:DL3027 -
FROM ubuntu:22.04
RUN apt-cache policy curl

=== hadolint:DL3028 +
FROM ruby:3.3-slim
» RUN gem install bundler

=== hadolint:DL3028 -
FROM ruby:3.3-slim
RUN gem install bundler:2.5.11

=== hadolint:DL3028 -
FROM ruby:3.3-slim
RUN gem install bundler -v 2.5.11

=== hadolint:DL3029 +
» FROM --platform=linux/amd64 debian:12-slim
RUN uname -m

=== hadolint:DL3029 -
FROM --platform=$BUILDPLATFORM golang:1.22 AS build
ARG TARGETOS TARGETARCH
RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/app .

=== hadolint:DL3029 -
FROM debian:12-slim
RUN uname -m

=== hadolint:DL3030 +
FROM centos:7
» RUN yum install httpd-2.4.6 && yum clean all

=== hadolint:DL3030 -
FROM centos:7
RUN yum install -y httpd-2.4.6 && yum clean all

=== hadolint:DL3032 +
FROM centos:7
» RUN yum install -y httpd-2.4.6

=== hadolint:DL3032 -
FROM centos:7
RUN yum install -y httpd-2.4.6 && yum clean all

=== hadolint:DL3032 -
FROM centos:7
RUN yum install -y httpd-2.4.6 && rm -rf /var/cache/yum

=== hadolint:DL3033 +
FROM rockylinux:9
» RUN yum install -y httpd && yum clean all

=== hadolint:DL3033 -
FROM rockylinux:9
RUN yum install -y httpd-2.4.57 && yum clean all

=== hadolint:DL3034 +
FROM opensuse/leap:15.6
» RUN zypper install nginx=1.21.5 && zypper clean

=== hadolint:DL3034 -
FROM opensuse/leap:15.6
RUN zypper install -y nginx=1.21.5 && zypper clean

=== hadolint:DL3034 -
FROM opensuse/leap:15.6
RUN zypper --non-interactive install nginx=1.21.5 && zypper clean

=== hadolint:DL3035 +
FROM opensuse/leap:15.6
» RUN zypper dist-upgrade -y

=== hadolint:DL3035 -
FROM opensuse/leap:15.6
RUN zypper patch -y --category security && zypper clean

=== hadolint:DL3036 +
FROM opensuse/leap:15.6
» RUN zypper install -y nginx=1.21.5

=== hadolint:DL3036 -
FROM opensuse/leap:15.6
RUN zypper install -y nginx=1.21.5 && zypper clean -a

=== hadolint:DL3037 +
FROM opensuse/leap:15.6
» RUN zypper install -y nginx && zypper clean

=== hadolint:DL3037 -
FROM opensuse/leap:15.6
RUN zypper install -y "nginx>1.20" && zypper clean

=== hadolint:DL3038 +
FROM fedora:40
» RUN dnf install httpd-2.4.59 && dnf clean all

=== hadolint:DL3038 -
FROM fedora:40
RUN dnf install -y httpd-2.4.59 && dnf clean all

=== hadolint:DL3038 -
FROM fedora:40
RUN dnf --assumeyes install httpd-2.4.59 && dnf clean all

=== hadolint:DL3040 +
FROM fedora:40
» RUN dnf install -y httpd-2.4.59

=== hadolint:DL3040 -
FROM fedora:40
RUN dnf install -y httpd-2.4.59 && dnf clean all

=== hadolint:DL3040 -
FROM fedora:40
RUN dnf install -y httpd-2.4.59 && rm -rf /var/cache/dnf

=== hadolint:DL3041 +
FROM fedora:40
» RUN dnf install -y httpd && dnf clean all

=== hadolint:DL3041 -
FROM fedora:40
RUN dnf install -y httpd-2.4.59 && dnf clean all

=== hadolint:DL3042 +
FROM python:3.12-slim
» RUN pip install django==5.0.7

=== hadolint:DL3042 -
FROM python:3.12-slim
RUN pip install --no-cache-dir django==5.0.7

=== hadolint:DL3042 -
FROM python:3.12-slim
ENV PIP_NO_CACHE_DIR=1
RUN pip install django==5.0.7

=== hadolint:DL3042 -
FROM python:3.12-slim
RUN --mount=type=cache,target=/root/.cache/pip pip install django==5.0.7

=== hadolint:DL3043 +
FROM alpine:3.20
» ONBUILD FROM debian:12

=== hadolint:DL3043 -
FROM alpine:3.20
ONBUILD COPY . /app/src

=== hadolint:DL3044 +
FROM alpine:3.20
» ENV BASE=/opt/app BIN=$BASE/bin

=== hadolint:DL3044 -
FROM alpine:3.20
ENV BASE=/opt/app
ENV BIN=$BASE/bin

=== hadolint:DL3044 -
FROM alpine:3.20
ENV PATH=/opt/app/bin:$PATH

=== hadolint:DL3045 +
FROM node:20-alpine
» COPY package.json .

=== hadolint:DL3045 -
FROM node:20-alpine
WORKDIR /app
COPY package.json .

=== hadolint:DL3045 -
FROM node:20-alpine
COPY package.json /app/

=== hadolint:DL3046 +
FROM debian:12-slim
» RUN useradd -u 123456 svc

=== hadolint:DL3046 -
FROM debian:12-slim
RUN useradd -l -u 123456 svc

=== hadolint:DL3046 -
FROM debian:12-slim
RUN useradd -u 1001 svc

=== hadolint:DL3047 +
FROM debian:12-slim
» RUN wget https://example.org/tool.tgz -O /tmp/tool.tgz

=== hadolint:DL3047 -
FROM debian:12-slim
RUN wget --progress=dot:giga https://example.org/tool.tgz -O /tmp/tool.tgz

=== hadolint:DL3047 -
FROM debian:12-slim
RUN wget -q https://example.org/tool.tgz -O /tmp/tool.tgz

=== hadolint:DL3048 +
FROM alpine:3.20
» LABEL -invalid-key="x"

=== hadolint:DL3048 -
FROM alpine:3.20
LABEL org.opencontainers.image.source="https://github.com/acme/app"

=== hadolint:DL3059 +
FROM alpine:3.20
RUN apk add --no-cache bash=5.2.26-r0
» RUN apk add --no-cache curl=8.9.1-r0

=== hadolint:DL3059 -
FROM alpine:3.20
RUN apk add --no-cache bash=5.2.26-r0 curl=8.9.1-r0

=== hadolint:DL3060 +
FROM node:20-alpine
» RUN yarn install --frozen-lockfile

=== hadolint:DL3060 -
FROM node:20-alpine
RUN yarn install --frozen-lockfile && yarn cache clean

=== hadolint:DL4000 +
FROM alpine:3.20
» MAINTAINER Jane Doe <jane@example.org>

=== hadolint:DL4000 -
FROM alpine:3.20
LABEL maintainer="Jane Doe <jane@example.org>"

=== hadolint:DL4001 +
FROM debian:12-slim
RUN wget -q https://example.org/a.tgz
» RUN curl -fsSLO https://example.org/b.tgz

=== hadolint:DL4001 -
FROM debian:12-slim
RUN curl -fsSLO https://example.org/a.tgz && curl -fsSLO https://example.org/b.tgz

=== hadolint:DL4003 +
FROM node:20-alpine
» CMD ["node", "a.js"]
» CMD ["node", "b.js"]

=== hadolint:DL4003 -
FROM node:20-alpine AS a
CMD ["node", "a.js"]
FROM node:20-alpine
CMD ["node", "b.js"]

=== hadolint:DL4004 +
FROM alpine:3.20
» ENTRYPOINT ["/bin/sh"]
» ENTRYPOINT ["/entrypoint.sh"]

=== hadolint:DL4004 -
FROM alpine:3.20
ENTRYPOINT ["/entrypoint.sh"]
CMD ["serve"]

=== hadolint:DL4005 +
FROM debian:12-slim
» RUN ln -sfv /bin/bash /bin/sh

=== hadolint:DL4005 -
FROM debian:12-slim
SHELL ["/bin/bash", "-o", "pipefail", "-c"]

=== hadolint:DL4006 +
FROM debian:12-slim
» RUN curl -fsSL https://example.org/install.sh | bash

=== hadolint:DL4006 +
FROM debian:12-slim
» RUN wget -qO- https://example.org/key.asc | gpg --dearmor > /usr/share/keyrings/example.gpg

=== hadolint:DL4006 -
FROM debian:12-slim
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN wget -qO- https://example.org/key.asc | gpg --dearmor > /usr/share/keyrings/example.gpg

=== hadolint:DL4006 -
FROM debian:12-slim
RUN set -o pipefail && wget -qO- https://example.org/key.asc | gpg --dearmor > /usr/share/keyrings/example.gpg

=== hadolint:DL4006 -
FROM alpine:3.20
RUN apk add --no-cache curl=8.9.1-r0
