#!/usr/bin/env bash
# Command-line handling shared by the project's shell scripts, which source this file (run on
# its own it only answers --help). A script's usage text is its header comment: the lines after
# "#!" up to the first line that is not a comment, so the text lives in one place.
#
# usage: source "$(dirname "$0")/lib/cli.sh"     (from tools/; elsewhere the path to tools/lib)
#   cli_help "$@"          --help or -h among the arguments: print the usage, exit 0
#   cli_refuse OPTION      for an option the script does not know: one line on stderr, exit 2
#   cli_args COUNT "$@"    cli_help, then refuses any argument that starts with "-" and checks
#                          the number of arguments: COUNT is N, N+ (at least N) or N-M
# example (a script taking two files and no options):
#   source "$(dirname "$0")/lib/cli.sh"
#   cli_args 2 "$@"

cli_usage() {
    awk 'NR == 1 { next } !/^#/ { exit } { sub(/^# ?/, ""); print }' "$0"
}

cli_help() {
    local arg
    for arg in "$@"; do
        case "$arg" in
        --help | -h)
            cli_usage
            exit 0
            ;;
        esac
    done
}

cli_refuse() {
    echo "$(basename "$0"): unknown option '$1' (see $0 --help)" >&2
    exit 2
}

cli_args() {
    local count=$1 arg min max wanted
    shift
    cli_help "$@"
    for arg in "$@"; do
        case "$arg" in -*) cli_refuse "$arg" ;; esac
    done
    case "$count" in
    *+) min=${count%+} max=$# wanted="at least $min" ;;
    *-*) min=${count%-*} max=${count#*-} wanted="$min to $max" ;;
    *) min=$count max=$count wanted=$count ;;
    esac
    if [ $# -lt "$min" ] || [ $# -gt "$max" ]; then
        case "$wanted" in
        1 | "at least 1") wanted="$wanted argument" ;;
        *) wanted="$wanted arguments" ;;
        esac
        echo "$(basename "$0"): takes $wanted, got $# (see $0 --help)" >&2
        exit 2
    fi
}

# Run rather than sourced: only --help means something.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    cli_args 0 "$@"
fi
