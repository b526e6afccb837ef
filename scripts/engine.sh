#!/usr/bin/env bash
# `make engine`: leave a Docker engine answering on the default socket, idempotently, and the
# static busybox the job images are built from. Jobs then run as real containers in the local
# account; without an engine they are simulated. Root + apt: installs Debian's docker.io and
# busybox-static when missing. No bridge network and no iptables rules: job containers always use
# host networking (they reach the emulator on loopback).
set -euo pipefail

log=${BATCH_HARNESS_DOCKERD_LOG:-/var/log/batch-harness-dockerd.log}

answers() { command -v docker >/dev/null 2>&1 && docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }
answered() { echo "engine: a Docker engine answers ($(docker version --format '{{.Server.Version}}'))"; exit 0; }
can_install() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }

missing=()
# The job images copy /bin/busybox into an empty (FROM scratch) image: it must be the static one.
{ ldd /bin/busybox 2>&1 || true; } | grep -q 'not a dynamic' || missing+=(busybox-static)
answers || command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
if [ ${#missing[@]} -gt 0 ]; then
    if ! can_install; then
        echo "engine: missing ${missing[*]}; install them (Debian/Ubuntu as root: apt-get install -y ${missing[*]})" >&2
        answers || exit 1
    else
        echo "engine: apt-get install -y ${missing[*]}"
        # A concurrent apt run holds the lock for a while: wait for it instead of failing.
        DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -q "${missing[@]}" >/dev/null
    fi
fi
answers && answered
if [ -n "${DOCKER_HOST:-}" ]; then
    echo "engine: DOCKER_HOST=$DOCKER_HOST does not answer; not starting a local engine" >&2
    exit 1
fi
if [ "$(id -u)" != 0 ]; then
    echo "engine: no Docker engine answers; start one (as root: dockerd --bridge=none --iptables=false &)" >&2
    exit 1
fi
# Test workers call this script at the same time: one starts the engine, the others wait for it
# (a second dockerd fails on the first one's files and leaves its socket unanswered).
lock=${BATCH_HARNESS_ENGINE_LOCK:-/run/batch-harness-engine.lock}
exec 9>"$lock" || { echo "engine: cannot open the lock file $lock; set BATCH_HARNESS_ENGINE_LOCK" >&2; exit 1; }
flock 9
answers && answered
if ! pgrep -x dockerd >/dev/null 2>&1; then
    echo "engine: starting dockerd --bridge=none --iptables=false (log: $log)"
    nohup setsid dockerd --bridge=none --iptables=false >>"$log" 2>&1 </dev/null 9>&- &
fi
for _ in $(seq 1 60); do
    answers && answered
    sleep 0.5
done
echo "engine: dockerd did not answer within 30 s; see $log" >&2
exit 1
