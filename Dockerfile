# Conum image: web (gunicorn + whitenoise), Celery worker and beat share it (docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint (convention PDFs) needs Pango, HarfBuzz and a font.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 conum
WORKDIR /app

# Dependencies first (cached while pyproject.toml is unchanged); the code runs from /app.
COPY pyproject.toml README.md ./
RUN pip install .

COPY . .

# Static files gathered at build time (manifest + compression, as in production). The values
# below only let the settings load; the real ones come from the environment at run time.
RUN DJANGO_ENV=production SECRET_KEY=build-only-not-a-secret ALLOWED_HOSTS=localhost \
        python manage.py collectstatic --noinput \
    && mkdir -p var/private var/media \
    && chown -R conum:conum var \
    && chmod +x docker/entrypoint.sh

USER conum
EXPOSE 8000
ENTRYPOINT ["docker/entrypoint.sh"]
CMD ["gunicorn", "conumapp.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
