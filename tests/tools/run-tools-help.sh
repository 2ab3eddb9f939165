#!/usr/bin/env bash
# Test of what a newcomer meets first: the command line of every script and `make help`.
#   - Every shell script under tools/, tests/ and bench/ and every Python script under tools/,
#     tests/, bench/ and guests/, run with --help and with -h: exit status 0, a "usage:" line,
#     the same text both ways. Run with an unknown option (alone, and after an argument): exit
#     status 2, nothing on stdout, one line on stderr that names the option and points to --help.
#     The scripts run from a copy of their folders, in an empty working directory, with TMPDIR
#     an empty folder and with stubs that record any call in place of QEMU, Bochs, the ISO tools
#     and the package tools: no file may appear or change anywhere there, no stub may be called.
#   - tools/make-help.sh on a small makefile: targets and settings listed with their text, users'
#     in order and developers' sorted, plain comments allowed between an annotation and its
#     rule, and an annotation above neither a rule nor an assignment refused (exit status 1).
#   - `make help` with BUILD set to a new folder: exit status 0, every suite given on the command
#     line listed (by name, or as a family "test-*" of the template that makes it), the folder
#     not created and no stub called (tools/setup.sh would ask dpkg-query).
#
# usage: tests/tools/run-tools-help.sh [SUITE...]
# SUITE...: the suites `make help` must list (make test-tools-help passes $(TEST_TARGETS)).
# example: tests/tools/run-tools-help.sh test-fmt test-lint
set -uo pipefail
source "$(dirname "$0")/../../tools/lib/cli.sh"
cli_args 0+ "$@"
suites=("$@")
repo=$(cd "$(dirname "$0")/../.." && pwd)

passed=0
failed=0
pass() { echo "ok   $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/tree" "$work/cwd" "$work/tmp" "$work/stubs" "$work/out"

# Stubs for every program a script could start by mistake: each records its call and fails.
for program in qemu-system-x86_64 bochs grub-mkrescue xorriso apt-get apt-cache sudo dpkg \
    dpkg-deb dpkg-query; do
    printf '#!/bin/sh\necho "%s $*" >>"%s/started"\nexit 1\n' "$program" "$work" \
        >"$work/stubs/$program"
    chmod +x "$work/stubs/$program"
done
stub_path="$work/stubs:$PATH"

# The scripts, as the tree holds them now (new ones included: they must follow the rule too).
mapfile -t scripts < <(cd "$repo" && find tools tests bench -name '*.sh' -type f |
    sort && find tools tests bench guests -name '*.py' -type f | sort)
for script in "${scripts[@]}"; do
    mkdir -p "$work/tree/$(dirname "$script")"
    cp -p "$repo/$script" "$work/tree/$script"
done
snapshot() { (cd "$work" && find tree cwd tmp -printf '%p %s %T@\n' | sort); }
before=$(snapshot)

# run NAME ARG...: the copy of script NAME with ARGs; stdout, stderr and status in $work/out.
run() {
    local name=$1
    shift
    (cd "$work/cwd" && PATH=$stub_path TMPDIR="$work/tmp" "$work/tree/$name" "$@" \
        </dev/null >"$work/out/stdout" 2>"$work/out/stderr")
    echo $? >"$work/out/status"
}

# check_refusal NAME ARG...: the last ARG is an unknown option; prints the problem, if any.
check_refusal() {
    local name=$1 option=${!#} status lines
    run "$@"
    status=$(cat "$work/out/status")
    lines=$(wc -l <"$work/out/stderr")
    if [ "$status" -ne 2 ]; then
        echo "'${*:2}' exits $status, not 2"
    elif [ -s "$work/out/stdout" ]; then
        echo "'${*:2}' prints on stdout: $(head -1 "$work/out/stdout")"
    elif [ "$lines" -ne 1 ] || ! grep -qF -- "$option" "$work/out/stderr" ||
        ! grep -qF -- '--help' "$work/out/stderr"; then
        echo "'${*:2}' says on stderr (not one line naming $option and --help):" \
            "$(head -3 "$work/out/stderr" | tr '\n' '|')"
    fi
}

for script in "${scripts[@]}"; do
    problems=()
    if [ ! -x "$repo/$script" ]; then
        fail "$script: not executable"
        continue
    fi
    run "$script" --help
    status=$(cat "$work/out/status")
    cp "$work/out/stdout" "$work/out/help"
    if [ "$status" -ne 0 ]; then
        problems+=("--help exits $status: $(head -2 "$work/out/stderr" | tr '\n' '|')")
    elif ! grep -Eqi '^ *usage: ' "$work/out/help"; then
        problems+=("--help prints no \"usage:\" line")
    fi
    run "$script" -h
    status=$(cat "$work/out/status")
    if [ "$status" -ne 0 ] || ! cmp -s "$work/out/stdout" "$work/out/help"; then
        problems+=("-h exits $status or prints other text than --help")
    fi
    for args in "--no-such-option" "word --no-such-option"; do
        # shellcheck disable=SC2086 # the argument lists above, split on purpose
        problem=$(check_refusal "$script" $args)
        [ -z "$problem" ] || problems+=("$problem")
    done
    if [ ${#problems[@]} -eq 0 ]; then
        pass "$script: --help and -h print the usage (status 0), an unknown option is refused (2)"
    else
        fail "$script: $(printf '%s; ' "${problems[@]}")"
    fi
done

after=$(snapshot)
if [ "$before" = "$after" ]; then
    pass "the ${#scripts[@]} scripts created or changed no file (copies, working directory, TMPDIR)"
else
    fail "files created or changed:"
    diff <(echo "$before") <(echo "$after") | grep '^[<>]' | head -10
fi
if [ -s "$work/started" ]; then
    fail "programs started: $(sort -u "$work/started" | head -5 | tr '\n' '|')"
    rm "$work/started"
else
    pass "no script started QEMU, Bochs, an ISO tool or a package tool"
fi

# ---- tools/make-help.sh on a makefile made for it ----
cat >"$work/sample.mk" <<'EOF'
##user second user target, listed second
zeta: alpha
	true

##dev a developer target
beta: \
		alpha

##user first user target, listed first
# (not directly above: this line separates the annotation from its rule)
EOF
"$repo/tools/make-help.sh" "$work/sample.mk" >"$work/out/stdout" 2>"$work/out/stderr"
status=$?
if [ "$status" -eq 1 ] && grep -q 'sample.mk:9: ' "$work/out/stderr"; then
    pass "make-help.sh refuses an annotation that stands above no rule (status 1, its line named)"
else
    fail "make-help.sh on a misplaced annotation: status $status, $(cat "$work/out/stderr")"
fi
sed -i '9,10d' "$work/sample.mk"
cat >>"$work/sample.mk" <<'EOF'
##user first user target, listed after zeta (makefile order)
# a plain comment between an annotation and its rule
alpha:

##dev N: a setting, shown as NAME=VALUE
COUNT ?= 3
##dev the developer target sorted first
aardvark: ; true
EOF
"$repo/tools/make-help.sh" "$work/sample.mk" >"$work/out/stdout" 2>"$work/out/stderr"
status=$?
expected=$(printf '%s\n' 'make TARGET [SETTING=VALUE...]' '' 'For users:' \
    '  zeta                 second user target, listed second' \
    '  alpha                first user target, listed after zeta (makefile order)' '' \
    'For developers:' '  aardvark             the developer target sorted first' \
    '  beta                 a developer target' '' 'Settings:' \
    '  COUNT=N              a setting, shown as NAME=VALUE')
if [ "$status" -eq 0 ] && [ "$(cat "$work/out/stdout")" = "$expected" ]; then
    pass "make-help.sh lists users' targets in order, developers' sorted, settings as NAME=VALUE"
else
    fail "make-help.sh on a sample makefile: status $status; got:"
    diff <(echo "$expected") "$work/out/stdout" | head -10
fi

# ---- make help itself ----
(cd "$repo" && env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS PATH="$stub_path" \
    make --no-print-directory help BUILD="$work/build" >"$work/out/stdout" 2>"$work/out/stderr")
status=$?
# Where make's database says each target's recipe comes from: a suite of a template's family
# ("test-*") counts as listed when its recipe comes from the fragment that annotates the family.
(cd "$repo" && env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS PATH="$stub_path" \
    make --no-print-directory -pq help BUILD="$work/build" 2>/dev/null) | awk '
    /^[^#\t ][^=]*:/ { target = $0; sub(/:.*/, "", target) }
    /^#  recipe to execute \(from '"'"'/ { split($0, part, "'"'"'"); print target, part[2] }
' >"$work/out/origins"
missing=()
for suite in "${suites[@]}"; do
    listed=false
    while read -r item text; do
        if [ "$item" = "$suite" ]; then
            listed=true
        elif [[ "$item" == *"*"* ]]; then
            # shellcheck disable=SC2254 # the item is a pattern on purpose
            case "$suite" in
            $item)
                origin=$(grep -lF -- "$text" "$repo/Makefile" "$repo"/mk/*.mk | head -1)
                grep -qxF "$suite ${origin#"$repo"/}" "$work/out/origins" && listed=true
                ;;
            esac
        fi
        $listed && break
    done < <(grep '^  [^ ]' "$work/out/stdout")
    $listed || missing+=("$suite")
done
if [ "$status" -ne 0 ]; then
    fail "make help: status $status: $(head -3 "$work/out/stderr")"
elif [ ${#missing[@]} -ne 0 ]; then
    fail "make help does not list: ${missing[*]}"
elif [ -e "$work/build" ] || [ -s "$work/started" ]; then
    fail "make help built or installed something ($work/build, $(cat "$work/started" 2>/dev/null))"
else
    pass "make help: status 0, all ${#suites[@]} suites listed, nothing built or installed"
fi

echo "test-tools-help: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
