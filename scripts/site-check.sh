#!/usr/bin/env bash
# The plugin's goal pages: builds them with the documented site command, then checks that
# plugin-info.html lists the goals and that process-mojo.html documents every parameter of the
# generated descriptor, with its user property and default.
#
#   bash scripts/site-check.sh         # pages in externref-maven-plugin/target/site
set -euo pipefail
cd "$(dirname "$0")/.."

log=$PWD/target/site-check.log
mkdir -p target
if ! mvn -B -DskipTests -pl externref-maven-plugin -am test-compile site >"$log" 2>&1; then
    grep -E '^\[ERROR\]' "$log" | head -40 || tail -40 "$log"
    echo "site-check: the site build failed (full log: $log)" >&2
    exit 1
fi
site=externref-maven-plugin/target/site
java scripts/BuildCheck.java site externref-maven-plugin/target/classes/META-INF/maven/plugin.xml "$site"
