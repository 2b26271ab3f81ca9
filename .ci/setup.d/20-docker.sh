# A Docker engine for the image tests (docker module: the image built from docker/Dockerfile and run
# for real, and docker/compose.yaml brought up with Debian's docker-compose). Installs Debian's
# engine, compose and mmdebstrap (docker/debian-base.sh makes the base image with it where Docker
# Hub cannot be reached) when missing, starts dockerd when no engine answers, and stops at the end
# only the daemon it started. Where no engine can run, the image tests skip with the reason.

# Testcontainers' helper images (testcontainers/ryuk, and alpine for its start-up check) come from
# Docker Hub: run without them (docker/pom.xml sets the same for surefire); the
# tests remove what they create.
export TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_CHECKS_DISABLE=true

# How long a freshly started dockerd may take to answer.
ci_docker_wait_seconds=60

ci_docker_missing=()
command -v dockerd >/dev/null 2>&1 || ci_docker_missing+=(docker.io)
command -v docker-compose >/dev/null 2>&1 || ci_docker_missing+=(docker-compose)
command -v mmdebstrap >/dev/null 2>&1 || ci_docker_missing+=(mmdebstrap)
if [ ${#ci_docker_missing[@]} -gt 0 ]; then
  ci_apt_install "${ci_docker_missing[@]}" ||
    echo "could not install ${ci_docker_missing[*]}: the image tests that need them are skipped"
fi

ci_stop_dockerd() {
  if [ -n "${ci_dockerd_pid:-}" ] && kill -0 "$ci_dockerd_pid" 2>/dev/null; then
    kill "$ci_dockerd_pid" 2>/dev/null || true
    wait "$ci_dockerd_pid" 2>/dev/null || true
  fi
}

if command -v docker >/dev/null 2>&1 && ! docker info >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v dockerd >/dev/null 2>&1; then
    ci_dockerd_log="${TMPDIR:-/tmp}/procgate-ci-dockerd.log"
    dockerd >"$ci_dockerd_log" 2>&1 &
    ci_dockerd_pid=$!
    # keep an EXIT trap an earlier step set, and stop our daemon after it
    ci_docker_previous_trap="$(trap -p EXIT | sed -e "s/^trap -- '//" -e "s/' EXIT\$//")"
    # shellcheck disable=SC2064 # the previous trap's text is meant to be expanded now
    trap "${ci_docker_previous_trap:+$ci_docker_previous_trap; }ci_stop_dockerd" EXIT
    ci_docker_waited=0
    until docker info >/dev/null 2>&1; do
      if [ "$ci_docker_waited" -ge "$ci_docker_wait_seconds" ] || ! kill -0 "$ci_dockerd_pid" 2>/dev/null; then
        echo "dockerd did not answer within ${ci_docker_wait_seconds}s (log: $ci_dockerd_log): the image tests are skipped"
        tail -n 5 "$ci_dockerd_log" || true
        ci_stop_dockerd
        break
      fi
      sleep 1
      ci_docker_waited=$((ci_docker_waited + 1))
    done
  else
    echo "no Docker engine answers and none can be started here: the image tests are skipped"
  fi
fi
