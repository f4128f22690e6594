#!/bin/sh
# Container entry point. For the web server (gunicorn), bring the database schema and the
# periodic tasks declared in code up to date first; worker and beat wait for a healthy web
# service (docker-compose.yml), so they start on a migrated database.
set -eu

if [ "${1:-}" = "gunicorn" ]; then
    python manage.py migrate --noinput
    python manage.py setup_periodic_tasks
fi

exec "$@"
