#!/usr/bin/env bash
# Prints what `make help` shows: the targets and settings annotated in the given makefiles. An
# annotation is a comment line "##user TEXT" or "##dev TEXT" directly above a rule (plain
# comments may come between them), describing its first target, or "##dev VALUE: TEXT" directly
# above a variable's assignment (listed as NAME=VALUE). Users' targets keep the makefiles' order,
# developers' are sorted by name; in a template (a define), $(1) is shown as "*". An annotation
# above anything else is reported and makes the status 1 (the others are still listed): the list
# cannot name a target that is gone.
#
# usage: tools/make-help.sh MAKEFILE...
# example: tools/make-help.sh Makefile mk/*.mk       (make help runs it)
set -euo pipefail
source "$(dirname "$0")/lib/cli.sh"
cli_args 1+ "$@"

# Pass 1: one record per annotation, "SECTION<TAB>SORT-KEY<TAB>ITEM<TAB>TEXT". A misplaced
# annotation is reported but the others are still listed; the status says it.
status=0
records=$(awk '
    BEGIN { OFS = "\t" }
    function fail(why) {
        printf "%s:%d: %s\n", file, at, why > "/dev/stderr"
        bad = 1
        section = ""
    }
    FNR == 1 && section != "" { fail("an annotation must stand directly above a rule or a setting") }
    # Plain comments may come between an annotation and its rule.
    section != "" && /^#/ && !/^##(user|dev) / { next }
    section != "" {
        # A template'"'"'s parameter ($(1), $$(1) inside a define) stands for any word.
        line = $0
        gsub(/\$+\([0-9]\)/, "*", line)
        if (line ~ /^[A-Za-z_][A-Za-z0-9_]*[ \t]*([?:+!]|::)?=/) {
            name = line
            sub(/[ \t]*([?:+!]|::)?=.*/, "", name)
            split_at = index(text, ": ")
            if (split_at == 0) {
                fail("a setting'"'"'s annotation reads \"##dev VALUE: TEXT\"")
            } else {
                print "3", name, name "=" substr(text, 1, split_at - 1), substr(text, split_at + 2)
            }
        } else if (line ~ /^[^:#= \t][^:#=]*:([^=]|$)/) {
            name = line
            sub(/[ \t]*:.*/, "", name)
            sub(/[ \t].*/, "", name)
            if (section == "user") {
                print "1", sprintf("%06d", ++users), name, text
            } else {
                print "2", name, name, text
            }
        } else {
            fail("an annotation must stand directly above a rule or a setting")
        }
        section = ""
    }
    /^##(user|dev) / {
        section = substr($0, 3, index($0, " ") - 3)
        text = substr($0, index($0, " ") + 1)
        file = FILENAME
        at = FNR
    }
    END {
        if (section != "") fail("an annotation must stand directly above a rule or a setting")
        exit bad
    }
' "$@") || status=$?

printf 'make TARGET [SETTING=VALUE...]\n'
[ -n "$records" ] || exit "$status"
sort -t "$(printf '\t')" -k1,1 -k2,2 -u <<<"$records" | awk -F '\t' '
    $1 != last {
        printf "\n%s\n", $1 == 1 ? "For users:" : $1 == 2 ? "For developers:" : "Settings:"
        last = $1
    }
    { printf "  %-20s %s\n", $3, $4 }
'
exit "$status"
