# syntax=docker/dockerfile:1
# The API image: the Litestar app with the prod extra (PostgreSQL, Redis, AWS, granian), never
# the model extra (no torch). Build from the repository root:
#   docker build --platform linux/amd64 -t <api_repository_url>:<tag> .

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
# Only what the package is built from: a change to tests or docs does not rebuild this layer.
COPY pyproject.toml README.md ./
COPY domains ./domains
COPY adapters ./adapters
COPY entrypoints ./entrypoints
RUN pip install '.[prod]' \
    && ! pip show torch >/dev/null 2>&1

FROM ${PYTHON_IMAGE} AS runtime
RUN groupadd --system --gid 10001 refocused \
    && useradd --system --uid 10001 --gid refocused --no-create-home --shell /usr/sbin/nologin refocused
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    REFOCUSED_PROFILE=production \
    HOST=0.0.0.0 \
    PORT=8000 \
    WEB_CONCURRENCY=2
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=2)"]
# Two workers per instance: App Runner's 1 vCPU runs one event loop per core plus headroom for
# the work that blocks (argon2 hashing). Set WEB_CONCURRENCY to the instance's vCPUs x 2.
# The database is reachable only from inside the VPC, so the service applies its own migrations
# as it starts (REFOCUSED_MIGRATE_ON_START=0 turns that off).
ENV REFOCUSED_MIGRATE_ON_START=1
CMD ["sh", "-c", "if [ \"$REFOCUSED_MIGRATE_ON_START\" = 1 ]; then refocused db upgrade || exit 1; fi; exec refocused serve --host 0.0.0.0 --port 8000 --server granian --workers ${WEB_CONCURRENCY}"]
