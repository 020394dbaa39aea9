#!/bin/sh
# Joins redis-1..6 into a cluster of 3 masters and 3 replicas, unless they already form one, then waits until
# CLUSTER INFO says ok (it says fail for a few seconds after the create).
set -eu
nodes="redis-1 redis-2 redis-3 redis-4 redis-5 redis-6"
for node in $nodes; do
  until [ "$(redis-cli -h "$node" ping 2> /dev/null)" = PONG ]; do sleep 0.5; done
done
known=$(redis-cli -h redis-1 cluster info | tr -d '\r' | sed -n 's/^cluster_known_nodes://p')
if [ "$known" = 1 ]; then
  echo "creating the cluster"
  redis-cli --cluster create redis-1:6379 redis-2:6379 redis-3:6379 redis-4:6379 redis-5:6379 redis-6:6379 \
    --cluster-replicas 1 --cluster-yes
else
  echo "the nodes already form a cluster ($known nodes known)"
fi
for _ in $(seq 1 120); do
  if redis-cli -h redis-1 cluster info | grep -q '^cluster_state:ok'; then
    echo "cluster_state:ok"
    exit 0
  fi
  sleep 0.5
done
echo "the cluster did not reach cluster_state:ok within 60 s" >&2
redis-cli -h redis-1 cluster nodes >&2
exit 1
