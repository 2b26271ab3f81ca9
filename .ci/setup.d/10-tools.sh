# Tools some tests use (TLS certificates, the docs' curl session, the systemd unit check). Those
# tests skip with a visible reason where a tool is missing; install them when we can.
missing=()
for tool in curl:curl openssl:openssl systemd-analyze:systemd; do
  command -v "${tool%%:*}" >/dev/null || missing+=("${tool##*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
  ci_apt_install "${missing[@]}" || echo "could not install ${missing[*]}: the tests that need them are skipped"
fi
