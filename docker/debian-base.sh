#!/usr/bin/env bash
# Makes sure the image's base, debian:bookworm-slim, is in the local Docker engine:
#   docker/debian-base.sh [IMAGE]        (IMAGE: debian:bookworm-slim)
# 1. Already there: nothing to do (a second run costs one `docker image inspect`).
# 2. Else `docker pull` it from Docker Hub, as `docker build` would.
# 3. Else (no Docker Hub, as on procgate's CI machines) make it from Debian's own packages, the way
#    the official image is made: a minbase bootstrap of bookworm with mmdebstrap, slimmed as the
#    -slim variant is (no manuals, docs or translations, for later installs too), then `docker
#    import`. Needs root and mmdebstrap (apt-get install mmdebstrap); reaches Debian's mirror
#    (DEBIAN_MIRROR, DEBIAN_SECURITY_MIRROR) from the host, not from a container.
# The image it makes carries the label io.procgate.base=mmdebstrap, so `docker image inspect`
# tells it from the official one. One line on stderr and exit 1 when none of this works.
set -euo pipefail

image="${1:-debian:bookworm-slim}"
suite=bookworm
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
security_mirror="${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"
# Docker Hub that cannot be resolved fails at once; one that cannot be reached must not hang us.
pull_timeout=120s

die() {
  echo "debian-base: $*" >&2
  exit 1
}

if docker image inspect "$image" >/dev/null 2>&1; then
  exit 0
fi
if timeout "$pull_timeout" docker pull -q "$image" >/dev/null 2>&1; then
  echo "debian-base: pulled $image" >&2
  exit 0
fi
command -v mmdebstrap >/dev/null 2>&1 ||
  die "cannot pull $image and mmdebstrap is not installed to make it (apt-get install mmdebstrap)"

work="$(mktemp -d "${TMPDIR:-/tmp}/debian-base.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# The -slim variant's dpkg excludes (debuerreotype-slimify): they stay in the image's
# /etc/dpkg/dpkg.cfg.d, so the packages the Dockerfile installs later are slim too.
slim=()
for pattern in '/usr/share/doc/*' '/usr/share/info/*' '/usr/share/linda/*' '/usr/share/lintian/overrides/*' \
  '/usr/share/locale/*' '/usr/share/man/*'; do
  slim+=("--dpkgopt=path-exclude=$pattern")
done
slim+=("--dpkgopt=path-include=/usr/share/doc/*/copyright" "--dpkgopt=path-include=/usr/share/locale/locale.alias")

echo "debian-base: cannot pull $image; making it with mmdebstrap from $mirror" >&2
if ! mmdebstrap --variant=minbase --quiet "${slim[@]}" \
  --aptopt='Acquire::Languages "none"' \
  --aptopt='APT::AutoRemove::SuggestsImportant "false"' \
  "$suite" "$work/rootfs.tar" \
  "deb $mirror $suite main" "deb $mirror $suite-updates main" "deb $security_mirror $suite-security main" \
  >"$work/mmdebstrap.log" 2>&1; then
  cat "$work/mmdebstrap.log" >&2
  die "mmdebstrap failed (output above)"
fi
docker import \
  --change 'CMD ["bash"]' \
  --change 'LABEL io.procgate.base=mmdebstrap' \
  --message "mmdebstrap --variant=minbase $suite (docker/debian-base.sh)" \
  "$work/rootfs.tar" "$image" >/dev/null
echo "debian-base: made $image from Debian's packages" >&2
