# Held-out Dockerfile cases written from KICS's Dockerfile query documentation (queries named
# by their titles, slugged). Same format as hadolint.dockerfile.

=== kics:chown-flag-exists +
FROM node:20-alpine
WORKDIR /app
» COPY --chown=node:node . .
USER node
CMD ["node", "server.js"]

=== kics:chown-flag-exists +
FROM python:3.12-slim
RUN useradd -u 10001 app
» ADD --chown=app:app src/ /srv/app/
USER app

=== kics:chown-flag-exists -
FROM node:20-alpine
WORKDIR /app
COPY . .
USER node
CMD ["node", "server.js"]

=== kics:using-unnamed-build-stages +
FROM golang:1.22
RUN go build -o /out/app .
FROM alpine:3.20
» COPY --from=0 /out/app /app

=== kics:using-unnamed-build-stages -
FROM golang:1.22 AS build
RUN go build -o /out/app .
FROM alpine:3.20
COPY --from=build /out/app /app

=== kics:multiple-run-add-copy-instructions-listed +
FROM debian:12-slim
» RUN apt-get update
» RUN apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u7
» RUN rm -rf /var/lib/apt/lists/*

=== kics:multiple-run-add-copy-instructions-listed -
FROM debian:12-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u7 \
 && rm -rf /var/lib/apt/lists/*

=== kics:run-utilities-and-posix-commands +
FROM debian:12-slim
» RUN top -b -n 1

=== kics:run-utilities-and-posix-commands -
FROM debian:12-slim
RUN mkdir -p /srv/data && chmod 0750 /srv/data

=== kics:changing-default-shell-using-run-command +
FROM debian:12-slim
» RUN ln -sf /bin/bash /bin/sh

=== kics:changing-default-shell-using-run-command -
FROM debian:12-slim
SHELL ["/bin/bash", "-c"]
RUN echo ok

=== kics:image-version-not-explicit +
» FROM python
RUN pip --version

=== kics:image-version-not-explicit -
FROM python:3.12.4-slim-bookworm
RUN pip --version

=== kics:image-version-using-latest +
» FROM postgres:latest

=== kics:last-user-is-root +
FROM postgres:16.3
» USER root

=== kics:missing-user-instruction +
FROM node:20-alpine
COPY . /app
CMD ["node", "/app/server.js"]

=== kics:missing-user-instruction -
FROM node:20-alpine
COPY . /app
USER node
CMD ["node", "/app/server.js"]

=== kics:healthcheck-instruction-missing +
FROM nginx:1.27.0
COPY site/ /usr/share/nginx/html/

=== kics:healthcheck-instruction-missing -
FROM nginx:1.27.0
COPY site/ /usr/share/nginx/html/
HEALTHCHECK CMD curl -fsS http://127.0.0.1/ || exit 1

=== kics:exposing-port-22 +
FROM alpine:3.20
» EXPOSE 22/tcp 80/tcp

=== kics:unix-ports-out-of-range +
FROM alpine:3.20
» EXPOSE 99999

=== kics:missing-zypper-non-interactive-switch +
FROM opensuse/leap:15.6
» RUN zypper in nginx=1.21.5 && zypper clean

=== kics:missing-flag-from-dnf-install +
FROM fedora:40
» RUN dnf install nginx-1.26.1 && dnf clean all

=== kics:yum-install-allows-manual-input +
FROM centos:7
» RUN yum install nginx-1.20.1 && yum clean all

=== kics:apt-get-missing-flags-to-avoid-manual-input +
FROM ubuntu:22.04
» RUN apt-get update && apt-get install nginx=1.18.0-6ubuntu14 && rm -rf /var/lib/apt/lists/*

=== kics:apt-get-not-avoiding-additional-packages +
FROM ubuntu:22.04
» RUN apt-get update && apt-get install -y nginx=1.18.0-6ubuntu14 && rm -rf /var/lib/apt/lists/*

=== kics:apt-get-install-lists-were-not-deleted +
FROM ubuntu:22.04
» RUN apt-get update && apt-get install -y --no-install-recommends nginx=1.18.0-6ubuntu14

=== kics:missing-dnf-clean-all +
FROM fedora:40
» RUN dnf install -y nginx-1.26.1

=== kics:missing-zypper-clean +
FROM opensuse/leap:15.6
» RUN zypper install -y nginx=1.21.5

=== kics:yum-clean-all-missing +
FROM centos:7
» RUN yum install -y nginx-1.20.1

=== kics:pip-install-keeping-cached-packages +
FROM python:3.12-slim
» RUN pip3 install flask==3.0.3

=== kics:update-instruction-alone +
FROM debian:12-slim
» RUN apt-get update
RUN apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u7 && rm -rf /var/lib/apt/lists/*

=== kics:using-platform-flag-with-from-command +
» FROM --platform=linux/arm64 alpine:3.20

=== kics:copy-from-references-current-from-alias +
FROM alpine:3.20 AS base
» COPY --from=base /etc/os-release /tmp/

=== kics:same-alias-in-different-froms +
FROM alpine:3.20 AS tools
» FROM debian:12-slim AS tools

=== kics:add-instead-of-copy +
FROM alpine:3.20
» ADD app.py /srv/app.py

=== kics:maintainer-instruction-being-used +
FROM alpine:3.20
» MAINTAINER "Platform Team"

=== kics:run-using-wget-and-curl +
FROM debian:12-slim
RUN curl -fsSLO https://example.org/a.tgz
» RUN wget -q https://example.org/b.tgz

=== kics:workdir-path-not-absolute +
FROM alpine:3.20
» WORKDIR ./build

=== kics:shell-running-a-pipe-without-pipefail-flag +
FROM debian:12-slim
» RUN curl -fsSL https://example.org/keys.asc | gpg --import

=== kics:copy-with-more-than-two-arguments-not-ending-with-slash +
FROM alpine:3.20
» COPY a.conf b.conf /etc/app

=== kics:multiple-cmd-instructions-listed +
FROM alpine:3.20
» CMD ["sh"]
» CMD ["ash"]

=== kics:gem-install-without-version +
FROM ruby:3.3-slim
» RUN gem install rake

=== kics:npm-install-command-without-pinned-version +
FROM node:20-alpine
» RUN npm install express
