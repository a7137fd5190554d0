#!/usr/bin/env bash
# What Maven Central would be handed: builds the release profile (everything but the
# signatures) into a scratch local repository, target/release-repo (never ~/.m2), then checks
# every published module there with scripts/ReleaseCheck.java: pom, jar, sources and javadoc
# jars, and the pom's name, description, url, licenses, developers and scm.
#
#   bash scripts/release-check.sh          # after a build has filled ~/.m2 (e.g. the test command)
#
# Third-party artifacts come from ~/.m2 through scripts/release-settings.xml, the rest (the
# release plugins, on a fresh machine) from Central. The ITs are not this check's business.
set -euo pipefail
cd "$(dirname "$0")/.."

repo="$PWD/target/release-repo"
log="$PWD/target/release-check.log"
mkdir -p target
rm -rf "$repo/dev/externref"   # only this build's artifacts: nothing left from an earlier run

if ! mvn -B -Prelease -Dgpg.skip -DskipTests -Dinvoker.skip \
        -s scripts/release-settings.xml -Dmaven.repo.local="$repo" install >"$log" 2>&1; then
    grep -E '^\[ERROR\]' "$log" | head -40 || tail -40 "$log"
    echo "release check: the release build failed (full log: $log)" >&2
    exit 1
fi
java scripts/BuildCheck.java release . "$repo"
