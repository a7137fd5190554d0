#!/usr/bin/env bash
# Differential execution of generated guest programs: each one runs unprocessed (under a host that
# emulates the externref imports) and processed (real references, a drop hook), on Chicory and in
# V8, and the host-visible traces must agree.
#   bash scripts/equivalence.sh --seed S --programs N [--no-v8] [--findings DIR]
# Last line: "N programs, K processed, D differences, C crashes"; exit status 1 when D or C is not 0.
set -euo pipefail
cd "$(dirname "$0")/.."

mvn -B -q -pl externref-engine -am test-compile >&2
classpath_file="$PWD/externref-engine/target/equivalence-classpath.txt" # absolute: read after the cd below
mvn -B -q -pl externref-engine org.apache.maven.plugins:maven-dependency-plugin:3.6.1:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$classpath_file" >&2
cd externref-engine
exec java -cp "target/test-classes:target/classes:$(cat "$classpath_file")" \
    dev.externref.engine.equivalence.EquivalenceRun "$@"
