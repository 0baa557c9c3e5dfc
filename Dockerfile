# SRE Coalition Coach: slim, non-root; migrates, then serves Slack (HTTP on $PORT or Socket Mode).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PORT=3000
WORKDIR /app

RUN useradd --create-home --uid 10001 coach
COPY pyproject.toml README.md alembic.ini ./
COPY bot ./bot
COPY migrations ./migrations
COPY content ./content
RUN pip install --no-compile . && chown -R coach /app
USER coach

EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\", \"3000\")}/healthz', timeout=4)" || exit 1

CMD ["sh", "-c", "sre-coach db upgrade && exec sre-coach run"]
