# The Seata TC (io.seata:seata-server 2.0.0) from the jars that platform-seata-server resolves from Maven Central
# (./mvnw package copies them to its target/seata-server/lib). The build context is that target folder.
ARG BASE_IMAGE=eclipse-temurin:17-jre
FROM ${BASE_IMAGE}
WORKDIR /seata
COPY seata-server/lib/ lib/
# The file store (global and branch sessions) goes on a volume: a restarted TC finishes what it had begun.
RUN mkdir -p /var/lib/seata && chown 10001:10001 /var/lib/seata
VOLUME /var/lib/seata
ENV JAVA_OPTS=""
USER 10001:10001
EXPOSE 8091
# Sync flushing: a begin or a branch registration is acknowledged only once it is on disk. retry-dead-threshold:
# a session left mid-commit by a crashed TC is retried once it is 40 s old, above the clients' 30 s timeout.
# The console (port 7091, with Seata's default login) listens inside the container only. The TC's own parser rejects
# --spring.x=y arguments, so Spring settings go in as -D.
ENTRYPOINT ["sh", "-c", "exec java -XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -Dserver.port=7091 -Dserver.address=127.0.0.1 -Dseata.store.file.dir=/var/lib/seata/store -Dseata.store.file.flush-disk-mode=sync -Dseata.server.retry-dead-threshold=40000 -Dlog.home=/var/lib/seata/logs -Dlogging.level.io.seata=WARN -Duser.home=/var/lib/seata $JAVA_OPTS -cp 'lib/*' io.seata.server.ServerApplication -p 8091 -m file \"$@\"", "--"]
# Healthy once the transaction port accepts connections (the console's /health needs a login).
HEALTHCHECK --interval=5s --timeout=3s --start-period=120s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8091"]
