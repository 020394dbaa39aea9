# A stand-in for the public postgres image, from Debian's PostgreSQL 15, with the parts of its interface the compose
# file uses: POSTGRES_PASSWORD (and POSTGRES_USER), PGDATA, /docker-entrypoint-initdb.d/*.sh|*.sql run once on first
# start, and pg_isready on the PATH.
ARG BASE
FROM ${BASE}
ENV PATH=/usr/lib/postgresql/15/bin:$PATH PGDATA=/var/lib/postgresql/data
RUN mkdir -p "$PGDATA" /docker-entrypoint-initdb.d /var/run/postgresql \
 && chown -R postgres:postgres "$PGDATA" /var/run/postgresql && chmod 700 "$PGDATA"
COPY postgres-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
USER postgres
EXPOSE 5432
STOPSIGNAL SIGINT
ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]
CMD ["postgres"]
