#!/bin/sh
# Joins six nodes into a cluster of 3 masters and 3 replicas, unless they already form one, then waits until
# CLUSTER INFO says ok (it says fail for a few seconds after the create). REDIS_NODES names the nodes: compose's
# redis-1..6 by default; the Kubernetes Job gives the StatefulSet's pods.
set -eu
nodes="${REDIS_NODES:-redis-1 redis-2 redis-3 redis-4 redis-5 redis-6}"
first="${nodes%% *}"
for node in $nodes; do
  until [ "$(redis-cli -h "$node" ping 2> /dev/null)" = PONG ]; do sleep 0.5; done
done
known=$(redis-cli -h "$first" cluster info | tr -d '\r' | sed -n 's/^cluster_known_nodes://p')
if [ "$known" = 1 ]; then
  echo "creating the cluster"
  # shellcheck disable=SC2046 # one argument per node
  redis-cli --cluster create $(for node in $nodes; do printf '%s:6379 ' "$node"; done) \
    --cluster-replicas 1 --cluster-yes
else
  echo "the nodes already form a cluster ($known nodes known)"
fi
for _ in $(seq 1 120); do
  if redis-cli -h "$first" cluster info | grep -q '^cluster_state:ok'; then
    echo "cluster_state:ok"
    exit 0
  fi
  sleep 0.5
done
echo "the cluster did not reach cluster_state:ok within 60 s" >&2
redis-cli -h "$first" cluster nodes >&2
exit 1
