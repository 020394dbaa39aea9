# One image per Spring Boot application of the reactor (the gateway, the sample services), from the executable jar
# that ./mvnw package built. The build context is the module's target folder.
#
# The jar is split into Spring Boot's layers (released libraries, Spring Boot's loader, then snapshot libraries with
# the application's own classes), one image layer each, least likely to change first: a change to a service's code
# rebuilds only the last layer, and hosts that already hold the others pull only that one.
ARG BASE_IMAGE=eclipse-temurin:17-jre

FROM ${BASE_IMAGE} AS layers
# The executable jar's name without .jar (the module's artifactId): the folder also holds the published modules'
# -sources and -javadoc jars, and the plain jar as *.jar.original.
ARG APPLICATION
WORKDIR /layers
COPY ${APPLICATION}.jar application.jar
RUN java -Djarmode=tools -jar application.jar extract --layers --launcher --destination extracted

FROM ${BASE_IMAGE}
WORKDIR /app
# Where readiness is answered: the application's port, or its management port when it has one.
ARG HEALTH_PORT=8080
# JVM options for the application's role, baked into its image so that every place the image runs (compose,
# Kubernetes) gets them: the gateway's build passes the parallel collector, which costs it less CPU per request
# than the serial one the JVM picks under a small memory limit (docs/benchmarks.md). JAVA_OPTS comes after them,
# so a deployment can still override any of them.
ARG ROLE_JVM_OPTIONS=""
ENV HEALTH_PORT=${HEALTH_PORT} \
    ROLE_JVM_OPTIONS=${ROLE_JVM_OPTIONS} \
    JAVA_OPTS=""
# Not root: a numeric user exists in every base image, and the application writes nothing in /app.
USER 10001:10001
# The JVM sizes its heap from the container's memory limit, not the host's; it exits on OutOfMemoryError so that the
# orchestrator restarts a clean process.
ENTRYPOINT ["sh", "-c", "exec java -XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError $ROLE_JVM_OPTIONS $JAVA_OPTS org.springframework.boot.loader.launch.JarLauncher \"$@\"", "--"]
# The readiness probe over bash's /dev/tcp, so the image needs no curl.
HEALTHCHECK --interval=5s --timeout=3s --start-period=180s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/$HEALTH_PORT && printf 'GET /actuator/health/readiness HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
# The layers last, the application at the very end: all above is cached across code changes. Snapshot libraries
# share the last layer with the application's classes (and this reactor's modules, which Boot puts there): they
# change as often, and an empty folder copied alone would defeat the cache.
COPY --from=layers /layers/extracted/dependencies/ ./
COPY --from=layers /layers/extracted/spring-boot-loader/ ./
COPY --from=layers /layers/extracted/snapshot-dependencies/ /layers/extracted/application/ ./
