# Sourced by scripts/test.sh and scripts/stress-test.sh: starts a throwaway
# redis-server on a free loopback port for the Go tests that need a real
# one (installing Debian's redis-server when missing, as test.sh does
# Chromium), and exports CG_REDIS_URL. The caller's EXIT trap stops it:
# it runs as a job of the calling shell, in the directory $1.
start_redis() {
  local dir=$1
  if ! command -v redis-server >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    local sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -q >/dev/null
    $sudo_cmd apt-get install -y -q redis-server >/dev/null
  fi
  local port
  for _ in $(seq 20); do
    port=$((20000 + RANDOM % 20000))
    redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$dir" > "$dir/redis.log" 2>&1 &
    for _ in $(seq 50); do
      if redis-cli -p "$port" ping 2>/dev/null | grep -q PONG; then
        export CG_REDIS_URL="redis://127.0.0.1:$port/0" CG_REDIS_REQUIRED=1
        echo "redis-server $(redis-server --version | grep -o 'v=[0-9.]*') on port $port"
        return 0
      fi
      kill -0 $! 2>/dev/null || break # the port was taken: try another
      sleep 0.1
    done
    kill $! 2>/dev/null || true
  done
  cat "$dir/redis.log"
  echo "redis-server did not start"
  return 1
}
