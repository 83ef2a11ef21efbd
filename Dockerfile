# The platform's image: web (gunicorn), Celery worker and beat all run from it (docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

WORKDIR /app

# Dependencies first, from the lock only, so that a code change keeps this layer.
COPY requirements.lock ./
RUN pip install -r requirements.lock

COPY . .

# Static files are collected (and fingerprinted by WhiteNoise's manifest storage) at build time;
# the secret below exists only for this step and is not in the image's environment.
RUN DEBUG=0 SECRET_KEY=collectstatic-only-not-a-runtime-secret-0123456789abcdefghij \
    python manage.py collectstatic --noinput \
    && useradd --system --no-create-home --home-dir /app o2o

USER o2o
EXPOSE 8000
CMD ["gunicorn", "o2o.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
