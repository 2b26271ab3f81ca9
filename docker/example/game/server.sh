#!/bin/sh
# A stand-in game server with a console, for the compose example and the image test: it prints
# what a server prints, answers console commands on stdin, and stops on "stop". Replace it with
# your real server (e.g. command = "java -Xmx2G -jar server.jar nogui" in local.conf).
echo "[Server] starting on port 25565"
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
