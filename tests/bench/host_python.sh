#!/usr/bin/env bash
# Interpreter of the lab's emulated modules during a benchmark (set as ansible_python_interpreter by
# bench.py): runs a module with the real Python and appends its user and system CPU seconds to
# $AOVPN_BENCH_HOST_TIMES. On a real farm that work runs on the Windows hosts, so bench.py reports
# it apart from the controller's share.
TIMEFORMAT='%3U %3S'
{ time "$AOVPN_BENCH_PYTHON" "$@" 2>&3; } 3>&2 2>>"$AOVPN_BENCH_HOST_TIMES"
