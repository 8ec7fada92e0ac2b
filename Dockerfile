# One image for every process of the CSP board system: the web server (gunicorn), the Celery
# worker and Celery beat. docker-compose.yml picks the process with `command:`.

# --- Stage 1: front-end assets ---------------------------------------------------------------
# Bootstrap, Bootstrap Icons and htmx, installed exactly as package-lock.json pins them. Django
# serves them from /app/node_modules through STATICFILES_DIRS; nothing else from Node is needed.
FROM node:20-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# --- Stage 2: the application ----------------------------------------------------------------
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

# WeasyPrint (PDF reports) loads Pango, HarfBuzz and fontconfig from the system, and needs at
# least one font; shared-mime-info lets it recognise the types of embedded images. Versions are
# left to bookworm's archive, which ships only security and bug fixes within a release.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
        fonts-dejavu-core \
        shared-mime-info \
    && rm -rf /var/lib/apt/lists/*

# The processes run as this unprivileged user; the code itself stays owned by root, read-only
# to the app. The home directory is the one writable place besides media (fontconfig caches
# there when WeasyPrint renders).
RUN groupadd --system --gid 1000 app \
    && useradd --system --uid 1000 --gid app --create-home --home-dir /home/app \
        --shell /usr/sbin/nologin app

WORKDIR /app

# Python dependencies first, so that a code change does not reinstall them.
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt

COPY --from=assets /build/node_modules ./node_modules
COPY . .

# A partnership's own logo: keep its folder in the build context and build with
# --build-arg PARTNERSHIP_BRAND_DIR=/app/<folder>, so that collectstatic publishes it and the
# PDF renderer finds it at run time (README, "Configuration").
ARG PARTNERSHIP_BRAND_DIR=""
ENV PARTNERSHIP_BRAND_DIR=$PARTNERSHIP_BRAND_DIR

# Gather static files with whitenoise's manifest storage, which settings select only when
# DJANGO_ENV=production. Production settings refuse to load without these variables, so they
# are given placeholder values for this one command only: none of them reaches the final
# image's environment, and nothing connects to the database or broker named here.
RUN DJANGO_ENV=production \
    DJANGO_SECRET_KEY=build-only-placeholder-never-used-at-runtime-Qx7Lm2Vr9Tk4Wz8Hn3Bp6Jd \
    DJANGO_ALLOWED_HOSTS=build \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    CELERY_BROKER_URL=redis://build:6379/0 \
    CACHE_URL=redis://build:6379/1 \
    CASE_KEY_PEPPER=build-only-placeholder-pepper-never-used-at-runtime \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/media \
    && chown app:app /app/media

# Uploaded papers and generated report PDFs. The web server and the worker must share it.
ENV MEDIA_ROOT=/app/media \
    WEB_CONCURRENCY=3
VOLUME ["/app/media"]

# Numeric, so that platforms checking for a non-root user (runAsNonRoot) can verify it.
USER 1000:1000

EXPOSE 8000

# WEB_CONCURRENCY (read by gunicorn) sets the number of workers; override it per host, about
# two per CPU core. A request silent for 60 seconds is killed: long jobs belong in the worker.
# No gunicorn access log: it would write full paths (an applicant's private link is one) in
# its own format; the app logs one line per request instead (partnership.logs), view name only.
CMD ["gunicorn", "partnership.wsgi:application", \
     "--bind", "0.0.0.0:8000", \
     "--timeout", "60", \
     "--graceful-timeout", "30", \
     "--worker-tmp-dir", "/dev/shm", \
     "--no-control-socket"]
