#!/bin/sh
# `make run`'s server and worker. Ctrl-C (SIGINT to the terminal's process group) or a
# SIGTERM stops both, cleanly, within seconds.
#
# The worker (django-q2's qcluster) runs in a session of its own: a signal sent to the whole
# group reaches its sentinel's children at the same moment as the sentinel, which then waits
# for them forever ("stopping"). Here only its main process is told (SIGTERM), as django-q2
# expects; a task it held and did not finish is delivered again after Q_RETRY.
set -u
bin=$1
host=$2

setsid "$bin/python" manage.py qcluster &
worker=$!
"$bin/python" manage.py runserver "$host" &
server=$!

alive() { kill -0 "$1" 2>/dev/null; }

stop() {
  trap - INT TERM EXIT
  kill -TERM "$worker" 2>/dev/null
  kill -TERM "$server" 2>/dev/null
  for _ in $(seq 40); do
    alive "$worker" || alive "$server" || break
    sleep 0.2
  done
  # whatever did not stop in 8 s: the worker's whole session, then the server
  kill -KILL -- "-$worker" 2>/dev/null
  kill -KILL "$server" 2>/dev/null
  wait 2>/dev/null
  exit 0
}
trap stop INT TERM EXIT

# if either ends by itself, stop the other
while alive "$worker" && alive "$server"; do
  sleep 1
done
stop
