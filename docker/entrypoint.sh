#!/usr/bin/env bash
# procgate's container entrypoint (docker/Dockerfile runs it under tini, as PID 1's only child).
#
#   procgate-entrypoint [GATEWAY OPTIONS]   run the gateway (the default): java -jar procgate.jar -c CONFIG ...
#   procgate-entrypoint hash-password       print a password-hash for a password read from stdin
#   procgate-entrypoint healthcheck         exit 0 if GET /healthz answers 200 (the image's HEALTHCHECK)
#   procgate-entrypoint COMMAND [ARGS]      run anything else (e.g. bash, for a look around)
#
# Environment:
#   PROCGATE_CONFIG       config file                    (/etc/procgate/gateway.conf)
#   PROCGATE_JAR          the shaded jar                 (/opt/procgate/procgate.jar)
#   PROCGATE_DATA_DIR     the data directory; gateway.conf reads it too (/var/lib/procgate)
#   JAVA_OPTS             extra JVM options              (-XX:MaxRAMPercentage=75)
#   JAVA                  the java command               (java)
#   PROCGATE_NATIVE_DIR   Netty's epoll library, unpacked (/opt/procgate/native); put on
#                         java.library.path when it exists, so nothing is unpacked into /tmp
#   PROCGATE_HEALTH_HOST, PROCGATE_HEALTH_PORT, PROCGATE_HEALTH_PATH   what healthcheck asks
#                         (127.0.0.1, 9100, /healthz)
set -euo pipefail

config="${PROCGATE_CONFIG:-/etc/procgate/gateway.conf}"
jar="${PROCGATE_JAR:-/opt/procgate/procgate.jar}"
data_dir="${PROCGATE_DATA_DIR:-/var/lib/procgate}"
java="${JAVA:-java}"
# JDK 22+ warns about JNI without the first flag; both are accepted by JDK 17.
jvm_flags=(--enable-native-access=ALL-UNNAMED -XX:+EnableDynamicAgentLoading)
native_dir="${PROCGATE_NATIVE_DIR:-/opt/procgate/native}"
if [[ -d "$native_dir" ]]; then
  jvm_flags+=("-Djava.library.path=$native_dir")
fi

die() {
  echo "procgate-entrypoint: $*" >&2
  exit 1
}

# GET a path over plain HTTP with bash's /dev/tcp (no curl in the image); 0 if the answer is 200.
healthcheck() {
  local host="${PROCGATE_HEALTH_HOST:-127.0.0.1}" port="${PROCGATE_HEALTH_PORT:-9100}"
  local path="${PROCGATE_HEALTH_PATH:-/healthz}" status
  exec 3<>"/dev/tcp/$host/$port" || { echo "unhealthy: cannot connect to $host:$port"; return 1; }
  printf 'GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' "$path" "$host" >&3
  if ! IFS= read -r -t 4 status <&3; then
    exec 3<&-
    echo "unhealthy: no answer from $host:$port$path"
    return 1
  fi
  exec 3<&-
  status="${status%$'\r'}"
  if [[ "$status" =~ ^HTTP/1\.[01]\ 200 ]]; then
    echo "healthy: $status"
    return 0
  fi
  echo "unhealthy: $status"
  return 1
}

# The data directory must be writable by the user the gateway runs as: a host directory mounted
# over the volume is often owned by root.
check_data_dir() {
  if [[ -e "$data_dir" && ! -w "$data_dir" ]]; then
    die "the data directory $data_dir is not writable by $(id -un) (uid $(id -u)); chown it to $(id -u):$(id -g) or use a named volume"
  fi
}

run_gateway() {
  [[ -f "$jar" ]] || die "no gateway jar at $jar (PROCGATE_JAR)"
  [[ -r "$config" ]] || die "cannot read the configuration $config (PROCGATE_CONFIG)"
  check_data_dir
  local opts=()
  # word splitting of JAVA_OPTS is intended: several options in one variable
  read -r -a opts <<<"${JAVA_OPTS:--XX:MaxRAMPercentage=75}"
  export PROCGATE_DATA_DIR="$data_dir"
  # exec: the JVM replaces this shell, so tini's SIGTERM reaches the gateway itself
  exec "$java" "${jvm_flags[@]}" "${opts[@]}" -jar "$jar" -c "$config" "$@"
}

case "${1:-}" in
  "" | -*)
    run_gateway "$@"
    ;;
  gateway)
    shift
    run_gateway "$@"
    ;;
  healthcheck)
    healthcheck
    ;;
  hash-password)
    [[ -f "$jar" ]] || die "no gateway jar at $jar (PROCGATE_JAR)"
    exec "$java" "${jvm_flags[@]}" -jar "$jar" hash-password
    ;;
  *)
    exec "$@"
    ;;
esac
