#!/bin/sh
# Creates a service from templates/service and registers it with the local stack, the gateway, docker-compose.yml
# and Prometheus: ./new-service.sh NAME [--tcc] [--port=N] [--package=P]  (see README.md, "Create a service").
# Needs only the JDK: the generator is one Java source file, run as it is. JAVA_HOME, when set, chooses the JDK.
set -e
cd "$(dirname "$0")"
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" platform-local/src/main/java/dev/sluice/local/generate/NewService.java "$@"
