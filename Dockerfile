# syntax=docker/dockerfile:1
# FairArena backend image: one image, four roles (migrate, serve, worker, scheduler) chosen by the
# command, e.g. `docker run fairarena serve`. See docs/operations.md.

ARG PYTHON_VERSION=3.11

# --- builder: resolve the runtime dependencies from the lock into a self-contained venv ---------
FROM python:${PYTHON_VERSION}-slim-bookworm AS builder

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /src
# Dependencies first (their own layer, rebuilt only when the lock or pyproject changes).
# requirements.lock also pins the dev tools; the runtime image installs only the project's
# runtime dependencies, each at the version the lock pins (-c).
COPY pyproject.toml requirements.lock ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > runtime.txt \
 && pip install -c requirements.lock -r runtime.txt

# Then the application itself (a regular, non-editable install into the venv).
COPY domain ./domain
COPY application ./application
COPY adapters ./adapters
COPY entrypoints ./entrypoints
COPY README.md ./
RUN pip install --no-deps . \
 && python -m compileall -q /opt/venv/lib

# --- runtime: slim, no compilers, no sources, non-root --------------------------------------------
FROM python:${PYTHON_VERSION}-slim-bookworm AS runtime

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    VAR_DIR=/var/lib/fairarena

RUN groupadd --system --gid 10001 fairarena \
 && useradd --system --uid 10001 --gid fairarena --home-dir /var/lib/fairarena \
        --shell /usr/sbin/nologin fairarena \
 && mkdir -p /var/lib/fairarena \
 && chown fairarena:fairarena /var/lib/fairarena

COPY --from=builder /opt/venv /opt/venv

USER fairarena:fairarena
WORKDIR /var/lib/fairarena
EXPOSE 3000

# Only meaningful for `serve`; docker-compose.yml overrides it for worker/scheduler/migrate.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '3000'), timeout=4).status == 200 else 1)"]

ENTRYPOINT ["fairarena"]
CMD ["serve"]
