import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongyou.settings")
application = get_wsgi_application()

# gunicorn runs no system checks: refuse to serve with the wrong data key here instead.
from gongyou.core.checks import verify_data_key  # noqa: E402

verify_data_key()
