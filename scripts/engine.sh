#!/usr/bin/env bash
# `make engine`: leave a Docker engine answering on the default socket, idempotently.
# Jobs then run as real containers in the local account; without one they are simulated.
# Root + apt: install Debian's docker.io / busybox-static when missing. No bridge network and no
# iptables rules: job containers always use host networking (they reach the emulator on loopback).
set -euo pipefail

log=${BATCH_HARNESS_DOCKERD_LOG:-/var/log/batch-harness-dockerd.log}

answers() { docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

if command -v docker >/dev/null 2>&1 && answers; then
    echo "engine: a Docker engine answers ($(docker version --format '{{.Server.Version}}'))"
    exit 0
fi
if [ -n "${DOCKER_HOST:-}" ]; then
    echo "engine: DOCKER_HOST=$DOCKER_HOST does not answer; not starting a local engine" >&2
    exit 1
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "engine: no Docker engine answers; install and start one (Debian/Ubuntu as root:" >&2
    echo "        apt-get install -y docker.io busybox-static && dockerd --bridge=none --iptables=false &)" >&2
    exit 1
fi
missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
# The job images copy /bin/busybox into an empty (FROM scratch) image: it must be the static one.
ldd /bin/busybox 2>&1 | grep -q 'not a dynamic' || missing+=(busybox-static)
if [ ${#missing[@]} -gt 0 ]; then
    echo "engine: apt-get install -y ${missing[*]}"
    # A concurrent apt run holds the lock for a while: wait for it instead of failing.
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -q "${missing[@]}" >/dev/null
fi
# Debian's docker.io puts its own CLI in /usr/bin; an existing one earlier on PATH is kept.
command -v docker >/dev/null 2>&1 || { echo "engine: no docker CLI after install" >&2; exit 1; }
if ! pgrep -x dockerd >/dev/null 2>&1; then
    echo "engine: starting dockerd --bridge=none --iptables=false (log: $log)"
    nohup setsid dockerd --bridge=none --iptables=false >>"$log" 2>&1 </dev/null &
fi
for _ in $(seq 1 60); do
    if answers; then
        echo "engine: a Docker engine answers ($(docker version --format '{{.Server.Version}}'))"
        exit 0
    fi
    sleep 0.5
done
echo "engine: dockerd did not answer within 30 s; see $log" >&2
exit 1
