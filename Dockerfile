# syntax=docker/dockerfile:1
# The Mutuals Directory web image: gunicorn serving Django, static files by WhiteNoise. See README "Running in production".
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# No apt-get: psycopg[binary] brings its own libpq, the health check below uses Python, so there are no build
# dependencies to install or purge. Dependencies come from pyproject.toml, installed before the code is copied so
# that a code change does not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install --no-compile -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .

# Hashed, compressed static files, made at build time; the settings need a SECRET_KEY and a database URL to load,
# but collectstatic uses neither, so both are dummies that never reach the running image.
RUN SECRET_KEY=collectstatic-only-not-a-secret DATABASE_URL=sqlite:////tmp/unused.sqlite3 \
        python manage.py collectstatic --noinput -v1

# Code and static files stay owned by root, read-only to the user that runs the site.
RUN useradd --system --uid 10001 --user-group --no-create-home --shell /usr/sbin/nologin app
USER 10001:10001

EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ.get('PORT', '8000')}/healthz\", timeout=4)"]

# Migrations are a separate, deliberate step (README), never run automatically when a container starts.
CMD ["gunicorn", "-c", "gunicorn.conf.py", "mutuals_site.wsgi"]
