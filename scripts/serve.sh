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
# the server (and its autoreloading child) in a session of its own too, stopped as a whole
setsid "$bin/python" manage.py runserver "$host" &
server=$!

# running, not merely a zombie waiting to be reaped (kill -0 succeeds on those)
alive() {
  state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)
  [ -n "$state" ] && [ "$state" != Z ]
}

stop() {
  trap - INT TERM EXIT
  kill -TERM "$worker" 2>/dev/null
  env kill -s TERM -- "-$server" 2>/dev/null
  for _ in $(seq 25); do
    alive "$worker" || alive "$server" || break
    sleep 0.2
  done
  # whatever did not stop in 5 s (a worker busy making a PDF): the worker's whole session,
  # then the server; the task it held is delivered again after Q_RETRY
  # (the kill program, not dash's builtin, which cannot signal a process group)
  env kill -s KILL -- "-$worker" "-$server" 2>/dev/null
  wait 2>/dev/null
  exit 0
}
trap stop INT TERM EXIT

# if either ends by itself, stop the other
while alive "$worker" && alive "$server"; do
  sleep 1
done
stop
