# dispute-monitor: the scheduler (`monitor run`) by default, or `monitor serve` for the web pages.
# Config in /config, database in /config/storage (SQLite) unless MONITOR_DATABASE_URL points
# elsewhere. Secrets only from the environment. Dependencies come from requirements.lock.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MONITOR_CONFIG_DIR=/config

WORKDIR /app
# The pinned, hashed dependencies first, in a layer of their own: a code change does not
# reinstall them, and a build next month installs what the tests ran on.
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock

# The project itself without dependencies (the lock has them all); `pip check` fails the build
# when the lock no longer satisfies the ranges in pyproject.toml.
COPY pyproject.toml README.md ./
COPY monitor ./monitor
RUN pip install --no-deps . \
    && pip check \
    && useradd --create-home --uid 10001 monitor \
    && mkdir -p /config/storage \
    && chown -R monitor:monitor /config

COPY --chown=monitor:monitor sources.yaml /config/sources.yaml
COPY --chown=monitor:monitor rules /config/rules
COPY --chown=monitor:monitor notifiers /config/notifiers

USER 10001:10001
VOLUME ["/config", "/config/storage"]
EXPOSE 8080

# /healthz of the HTTP server in this container (no token needed). The server stays on loopback
# unless MONITOR_HTTP_ADDR says otherwise, which is enough for this probe: it runs inside the
# container. A wildcard address is probed on loopback; http.client, unlike urllib, never goes
# through a proxy named in the environment. The status and the reason go to the probe's log.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os,sys,http.client as c; a=os.environ.get('MONITOR_HTTP_ADDR','').strip() or '127.0.0.1:8080'; a.lower()!='off' or sys.exit('MONITOR_HTTP_ADDR=off: no /healthz to probe'); h,_,p=a.rpartition(':'); h=h.strip('[]'); h={'':'127.0.0.1','0.0.0.0':'127.0.0.1','::':'::1'}.get(h,h); k=c.HTTPConnection(h,int(p),timeout=4); k.request('GET','/healthz'); r=k.getresponse(); print(r.status,r.read(300).decode('utf-8','replace')); sys.exit(r.status!=200)"]

CMD ["monitor", "run"]
