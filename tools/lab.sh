#!/usr/bin/env bash
# make lab-up / lab-down: the lab in the background, its state in .lab/.
#   tools/lab.sh up [SCENARIO]   start (a second `up` while it runs is harmless)
#   tools/lab.sh down            stop what `up` started, by its pid
#   tools/lab.sh status
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
state=${LAB_STATE_DIR:-$root/.lab}
python=$root/.venv/bin/python
pidfile=$state/asrlab.pid
ttl=${LAB_TTL:-14400}

running() {
    local pid
    pid=$(cat "$pidfile" 2>/dev/null) || return 1
    # Ours only: a recycled pid of another program is not the lab.
    [ -n "$pid" ] && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- "-m asrlab"
}

alive() {
    # The process `up` just started exists (and has not exited): under load the forked shell may not
    # have exec'd Python yet, so its command line is not the lab's; that is no reason to give up on it.
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    [ "$(cut -c1 <<< "${stat##*) }")" != Z ]
}

case "${1:-}" in
up)
    scenario=${2:-${LAB_SCENARIO:-classic}}
    if running; then
        echo "lab: already running (pid $(cat "$pidfile")); $state/env.sh is current"
        exit 0
    fi
    mkdir -p "$state"
    rm -f "$state/lab.json"
    started=$EPOCHREALTIME
    PYTHONPATH=$root/lab nohup "$python" -m asrlab --state-dir "$state" --scenario "$scenario" --ttl "$ttl" \
        >"$state/asrlab.log" 2>&1 &
    pid=$!
    echo "$pid" > "$pidfile"
    for _ in $(seq 1 300); do
        [ -s "$state/lab.json" ] && break
        if ! alive "$pid"; then
            cat "$state/asrlab.log" >&2
            echo "error: the lab stopped while starting (log: $state/asrlab.log)" >&2
            exit 1
        fi
        sleep 0.1
    done
    [ -s "$state/lab.json" ] || { echo "error: the lab did not get ready in 30 s (log: $state/asrlab.log)" >&2; exit 1; }
    printf 'lab: %s scenario up in %.1f s at %s (stops by itself after %s s)\n' "$scenario" \
        "$(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { print b - a }')" "$("$python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["arm_endpoint"])' "$state/lab.json")" "$ttl"
    echo "lab: source $state/env.sh to aim the collection at it"
    ;;
down)
    if running; then
        kill "$(cat "$pidfile")"
        for _ in $(seq 1 50); do running || break; sleep 0.1; done
        echo "lab: stopped"
    else
        echo "lab: not running"
    fi
    rm -f "$pidfile" "$state/lab.json"
    ;;
status)
    if running; then echo "lab: running (pid $(cat "$pidfile"))"; else echo "lab: not running"; exit 1; fi
    ;;
*)
    echo "usage: $0 up [classic|modernized] | down | status" >&2
    exit 2
    ;;
esac
