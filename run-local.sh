#!/bin/sh
# Starts the whole Sluice platform on loopback (see README.md). Arguments go to the launcher: --help lists them.
# Builds first when a source is newer than the last build. JAVA_HOME, when set, chooses the JDK.
set -e
cd "$(dirname "$0")"
stamp=platform-local/target/.built
if [ -z "$SLUICE_SKIP_BUILD" ]; then
  changed=$(find . \( -name target -o -name .git -o -name .local-stack \) -prune -o -type f \
    \( -name '*.java' -o -name pom.xml -o -path '*/src/main/resources/*' \) -newer "$stamp" -print 2>/dev/null | head -n 1)
  if [ ! -f "$stamp" ] || [ -n "$changed" ]; then
    echo "building (./mvnw -B -q package -Dmaven.test.skip=true, no sources or javadoc jars)..."
    ./mvnw -B -q package -Dmaven.test.skip=true -Dmaven.source.skip=true -Dmaven.javadoc.skip=true
    touch "$stamp"
  fi
fi
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" -jar platform-local/target/platform-local.jar "$@"
