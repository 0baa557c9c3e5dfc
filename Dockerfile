# SRE Coalition Coach: `sre-coach run` (HTTP on $PORT, or Socket Mode) as a non-root user.
# Base pinned by tag and by the digest of its multi-platform index; dependencies from the
# hashed lock (./dev lock regenerates it); the code is root's and read-only for the bot.
FROM python:3.11.15-slim-bookworm@sha256:d29f48a31a8b408ed19272ca1e7b10ebae13b240a27e862d3d4217c528e2e0c3

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore PORT=3000

# Dependencies first, so their layer outlives code changes: exact versions, every file hashed.
COPY requirements.lock /tmp/build/
RUN pip install --require-hashes -r /tmp/build/requirements.lock

# The project (code, migrations, content as package data) into site-packages, as root; no
# build isolation: setuptools comes from the lock, nothing is fetched unpinned.
COPY pyproject.toml README.md /tmp/build/src/
COPY bot /tmp/build/src/bot
COPY migrations /tmp/build/src/migrations
COPY content /tmp/build/src/content
RUN pip install --no-deps --no-build-isolation /tmp/build/src && rm -rf /tmp/build

# The bot writes only in its home (the SQLite default and charts when no DATABASE_URL is set).
RUN useradd --no-log-init --create-home --uid 10001 coach
USER 10001:10001
WORKDIR /home/coach

EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\", \"3000\")}/healthz', timeout=4)" || exit 1

# `run` applies the migrations before it serves; compose.yaml also runs them as a one-shot.
CMD ["sre-coach", "run"]
