#!/bin/sh
# A stand-in game server with a console, for the compose example and the image tests: it loads for
# GAME_LOAD_SECONDS (default 2) as a real server loads its world, prints its ready line (the
# process's ready-pattern in local.conf), answers console commands on stdin, and stops on "stop".
# Replace it with your real server (e.g. command = "java -Xmx2G -jar server.jar nogui" in
# local.conf, with that server's ready line as ready-pattern).
echo "[Server] starting on port 25565"
echo "[Server] loading world"
sleep "${GAME_LOAD_SECONDS:-2}"
echo "[Server] ready"
while IFS= read -r line; do
  case "$line" in
    stop)
      echo "[Server] stopping"
      exit 0
      ;;
    list)
      echo "[Server] 0 players online"
      ;;
    say\ *)
      echo "[Chat] ${line#say }"
      ;;
    *)
      echo "[Server] unknown command: $line"
      ;;
  esac
done
