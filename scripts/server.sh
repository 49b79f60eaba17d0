# Sourced by the scripts that measure a Release server on loopback (budget.sh, load.sh, shapes-memory.sh,
# shapes-cycle.sh). They set $server (the DLL), $url and $store (a fresh directory) and the server's settings in the
# environment, then call:
#   start_server                      starts it (its log in $store/server.log; $pid), stopped and $store removed at exit;
#                                     called again with another $url and $store, starts a second one beside it
#   wait_until_answering PATH SECONDS  waits for a 2xx on $url$PATH; exits with the server's log if it dies meanwhile
#   check_server_after_run            exits 1 with the log's tail if it died during the run; else counts its errors

started_pids=()
started_stores=()

start_server() {
  dotnet "$server" --urls "$url" >"$store/server.log" 2>&1 &
  pid=$!
  started_pids+=("$pid")
  started_stores+=("$store")
  trap stop_server EXIT
}

stop_server() {
  for p in "${started_pids[@]}"; do
    kill "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  rm -rf "${started_stores[@]}"
}

wait_until_answering() {
  for _ in $(seq 1 "$2"); do
    if curl -fs -o /dev/null "$url$1" 2>/dev/null; then break; fi
    if ! kill -0 "$pid" 2>/dev/null; then cat "$store/server.log"; exit 1; fi
    sleep 1
  done
}

check_server_after_run() {
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "the server died during the run:"; tail -20 "$store/server.log"; exit 1
  fi
  echo
  echo "server log lines at Error level or worse: $(grep -c -E '^(fail|crit):' "$store/server.log" || true)"
}
