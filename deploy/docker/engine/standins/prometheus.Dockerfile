# A stand-in for the public prom/prometheus image, from Debian's Prometheus: /bin/prometheus as the entrypoint, the
# data in /prometheus, run as nobody.
ARG BASE
FROM ${BASE}
RUN mkdir -p /prometheus && chown nobody:nogroup /prometheus
USER nobody
WORKDIR /prometheus
EXPOSE 9090
ENTRYPOINT ["/bin/prometheus"]
CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]
