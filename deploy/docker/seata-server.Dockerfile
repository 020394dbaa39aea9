# The Seata TC (io.seata:seata-server 2.0.0) from the jars that platform-seata-server resolves from Maven Central
# (./mvnw package copies them to its target/seata-server/lib). The build context is that target folder.
ARG BASE_IMAGE=eclipse-temurin:17-jre
FROM ${BASE_IMAGE}
WORKDIR /seata
COPY seata-server/lib/ lib/
# The file store (global and branch sessions) goes on a volume: a restarted TC finishes what it had begun.
RUN mkdir -p /var/lib/seata && chown 10001:10001 /var/lib/seata
VOLUME /var/lib/seata
# SLUICE_TC_RAFT_PEERS (ip:9091,... for each member) makes this TC a member of a Raft group (store.mode=raft)
# named SLUICE_TC_ADDRESS, one of those IPs: seata-server 2.0.0 names a member by its IP and takes no host name
# there. Its console then listens on that address, where the services' Raft registry asks for the leader.
# SLUICE_TC_NODE tells the members apart in the transaction ids they make.
ENV JAVA_OPTS="" SLUICE_TC_RAFT_PEERS="" SLUICE_TC_ADDRESS="" SLUICE_TC_NODE="1"
USER 10001:10001
EXPOSE 8091
# Sync flushing: a begin or a branch registration is acknowledged only once it is on disk. retry-dead-threshold:
# a session left mid-commit by a crashed TC is retried once it is 40 s old, above the clients' 30 s timeout.
# The console (port 7091) has a login made up at each start: nothing uses it. It listens inside the container only,
# or, in a Raft group, on the member's address, where the project's containers reach it. The TC's own parser
# rejects --spring.x=y arguments, so Spring settings go in as -D.
ENTRYPOINT ["sh", "-c", "\
  secret() { head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \\n'; }; \
  console=127.0.0.1; raft=''; store='-m file'; \
  if [ -n \"$SLUICE_TC_RAFT_PEERS\" ]; then \
    [ -n \"$SLUICE_TC_ADDRESS\" ] || { echo 'SLUICE_TC_RAFT_PEERS needs SLUICE_TC_ADDRESS' >&2; exit 2; }; \
    console=$SLUICE_TC_ADDRESS; \
    store=\"-m raft -h $SLUICE_TC_ADDRESS\"; \
    raft=\"-Dseata.store.mode=raft -Dseata.server.raft.server-addr=$SLUICE_TC_RAFT_PEERS\"; \
  elif [ \"$SLUICE_TC_NODE\" != 1 ]; then \
    echo \"TC $SLUICE_TC_NODE: the tc-cluster profile needs SLUICE_TC_RAFT_PEERS\" \
      \"(deploy/docker/init-env.sh --tc-cluster writes it to .env)\" >&2; exit 2; \
  fi; \
  exec java -XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -Dserver.port=7091 -Dserver.address=$console \
    -Dconsole.user.username=sluice -Dconsole.user.password=$(secret) -Dseata.security.secretKey=$(secret) \
    -Dseata.store.file.dir=/var/lib/seata/store -Dseata.store.file.flush-disk-mode=sync \
    -Dseata.server.retry-dead-threshold=40000 -Dlog.home=/var/lib/seata/logs -Dlogging.level.io.seata=WARN \
    -Duser.home=/var/lib/seata $raft $JAVA_OPTS -cp 'lib/*' io.seata.server.ServerApplication -p 8091 \
    -n $SLUICE_TC_NODE $store \"$@\"", "--"]
# Healthy once the transaction port accepts connections and, in a Raft group, the member knows a leader (the
# console's /metadata/v1/cluster, which needs no login).
HEALTHCHECK --interval=5s --timeout=3s --start-period=120s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8091 || exit 1; [ -z \"$SLUICE_TC_RAFT_PEERS\" ] && exit 0; exec 4<>/dev/tcp/$SLUICE_TC_ADDRESS/7091 || exit 1; printf 'GET /metadata/v1/cluster HTTP/1.0\\r\\n\\r\\n' >&4; grep -q LEADER <&4"]
