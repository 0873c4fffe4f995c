# dispute-monitor: the scheduler (`monitor run`). Config in /config, database in /config/storage
# (SQLite) unless MONITOR_DATABASE_URL points elsewhere. Secrets only from the environment.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MONITOR_CONFIG_DIR=/config

WORKDIR /app
COPY pyproject.toml README.md ./
COPY monitor ./monitor
RUN pip install . \
    && useradd --create-home --uid 10001 monitor \
    && mkdir -p /config/storage \
    && chown -R monitor:monitor /config

COPY --chown=monitor:monitor sources.yaml /config/sources.yaml
COPY --chown=monitor:monitor rules /config/rules
COPY --chown=monitor:monitor notifiers /config/notifiers

USER 10001:10001
VOLUME ["/config", "/config/storage"]
CMD ["monitor", "run"]
