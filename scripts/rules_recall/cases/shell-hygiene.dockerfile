# Held-out Hadolint-style cases on how RUN commands are read: package-manager option values,
# version syntaxes, command aliases and cache handling, as each tool documents them. Same
# format as hadolint.dockerfile.

=== hadolint:DL3013 -
FROM python:3.12-slim
RUN pip install --no-cache-dir --trusted-host pypi.internal.example --index-url https://pypi.internal.example/simple acme-lib==1.4.0

=== hadolint:DL3013 -
FROM python:3.12-slim
RUN pip install --no-cache-dir "requests~=2.32" "urllib3!=2.0.0,<3" -c constraints.txt

=== hadolint:DL3013 -
FROM python:3.12-slim
COPY requirements.lock .
RUN pip install --no-cache-dir --require-hashes -r requirements.lock

=== hadolint:DL3013 +
FROM python:3.12-slim
» RUN python3 -m pip install --no-cache-dir --upgrade pip setuptools

=== hadolint:DL3013 -
FROM python:3.12-slim
RUN pip install --no-cache-dir --upgrade "pip==24.1.2"

=== hadolint:DL3016 -
FROM node:20-alpine
RUN npm install --global --loglevel verbose pnpm@9.5.0

=== hadolint:DL3016 +
FROM node:20-alpine
» RUN npm i -g --loglevel warn pnpm

=== hadolint:DL3028 -
FROM ruby:3.3-slim
RUN gem install nokogiri:1.16.6 -- --use-system-libraries=true

=== hadolint:DL3028 +
FROM ruby:3.3-slim
» RUN gem i rails

=== hadolint:DL3018 -
FROM alpine:3.20
RUN apk add --no-cache "python3~3.12" "py3-pip=~24.0"

=== hadolint:DL3018 -
FROM alpine:3.20
RUN apk add --no-cache --virtual .build-deps gcc=13.2.1_git20240309-r0 musl-dev=1.2.5-r0 && apk del .build-deps

=== hadolint:DL3018 +
FROM alpine:3.20
» RUN apk add --no-cache --virtual .build-deps gcc musl-dev

=== hadolint:DL3037 -
FROM opensuse/leap:15.6
RUN zypper install -y "nginx>1.20" "curl=8.6.0" && zypper clean

=== hadolint:DL3008 -
FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends "libpq5=15.*" && rm -rf /var/lib/apt/lists/*

=== hadolint:DL3008 +
FROM debian:12-slim
» RUN apt-get update && apt-get -y --no-install-recommends install -o Dpkg::Options::=--force-confold tzdata && rm -rf /var/lib/apt/lists/*

=== hadolint:DL3041 +
FROM fedora:40
» RUN dnf in -y httpd && dnf clean all

=== hadolint:DL3041 +
FROM rockylinux:9-minimal
» RUN microdnf install -y httpd && microdnf clean all

=== hadolint:DL3041 -
FROM rockylinux:9-minimal
RUN microdnf install -y httpd-2.4.57 && microdnf clean all

=== hadolint:DL3033 +
FROM centos:7
» RUN yum localinstall -y https://repo.example.org/acme-agent.rpm && yum clean all

=== hadolint:DL3014 -
FROM debian:12-slim
RUN apt-get update -qq && apt-get install -qq --no-install-recommends curl=7.88.1-10+deb12u7 && rm -rf /var/lib/apt/lists/*

=== hadolint:DL3014 -
FROM debian:12-slim
RUN apt-get update && apt-get install -q -q --no-install-recommends curl=7.88.1-10+deb12u7 && rm -rf /var/lib/apt/lists/*

=== hadolint:DL3014 +
FROM debian:12-slim
» RUN apt-get update && apt-get install -q --no-install-recommends curl=7.88.1-10+deb12u7 && rm -rf /var/lib/apt/lists/*

=== hadolint:DL3014 -
FROM debian:12-slim
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update && apt-get --yes install --no-install-recommends curl=7.88.1-10+deb12u7 && rm -rf /var/lib/apt/lists/*

=== checkov:CKV_DOCKER_5 +
FROM opensuse/leap:15.6
» RUN zypper refresh
RUN zypper install -y nginx=1.21.5 && zypper clean

=== checkov:CKV_DOCKER_5 +
FROM rockylinux:9
» RUN yum update -y
RUN yum install -y httpd-2.4.57 && yum clean all

=== checkov:CKV_DOCKER_5 +
FROM archlinux:base-20240721.0.248532
» RUN pacman -Sy
RUN pacman -S --noconfirm git && pacman -Scc --noconfirm

=== checkov:CKV_DOCKER_5 -
FROM archlinux:base-20240721.0.248532
RUN pacman -Sy --noconfirm git && pacman -Scc --noconfirm

=== hadolint:DL3009 -
FROM debian:12-slim
RUN --mount=type=tmpfs,target=/var/lib/apt/lists apt-get update && apt-get install -y --no-install-recommends git=1:2.39.5-0+deb12u1

=== hadolint:DL3009 +
FROM debian:12-slim
» RUN rm -rf /var/lib/apt/lists/* && apt-get update && apt-get install -y --no-install-recommends git=1:2.39.5-0+deb12u1

=== hadolint:DL3042 -
FROM python:3.12-slim
ENV PIP_NO_CACHE_DIR=off
RUN pip install django==5.0.7

=== hadolint:DL3042 -
FROM python:3.12-slim
RUN PIP_NO_CACHE_DIR=1 pip install django==5.0.7

=== hadolint:DL3042 -
FROM python:3.12-slim
RUN --mount=type=tmpfs,target=/root/.cache pip install django==5.0.7

=== hadolint:DL3042 +
FROM python:3.12-slim
» RUN python -m pip install django==5.0.7

=== hadolint:DL3040 -
FROM fedora:41
RUN dnf install -y httpd-2.4.62 && rm -rf /var/cache/libdnf5

=== hadolint:DL3040 +
FROM fedora:41
» RUN dnf clean all && dnf install -y httpd-2.4.62

=== hadolint:DL3032 -
FROM centos:7
RUN yum install -y httpd-2.4.6 && yum clean all && rm -rf /var/cache/yum

=== hadolint:DL3019 +
FROM alpine:3.20
» RUN apk add curl=8.9.1-r0 && rm -rf /tmp/*

=== hadolint:DL3019 -
FROM alpine:3.20
RUN apk add curl=8.9.1-r0 && rm -rf /var/cache/apk/*

=== hadolint:DL3004 -
FROM debian:12-slim
RUN echo "sudo is not used here" > /etc/motd

=== hadolint:DL3003 -
FROM debian:12-slim
RUN git clone --depth 1 https://github.com/acme/tool.git /src && make -C /src install

=== hadolint:DL3027 -
FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends apt-transport-https=2.6.1 && rm -rf /var/lib/apt/lists/*

=== hadolint:DL4006 -
FROM debian:12-slim
SHELL ["/bin/bash", "-eo", "pipefail", "-c"]
RUN curl -fsSL https://example.org/install.sh | bash

=== hadolint:DL4006 +
FROM debian:12-slim
SHELL ["/bin/bash", "-c"]
» RUN curl -fsSL https://example.org/install.sh | bash

=== hadolint:DL3002 -
FROM alpine:3.20
USER app
RUN echo "USER root" > /tmp/notes
