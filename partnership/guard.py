"""What makes a production configuration unsafe, as plain sentences."""


def production_problems(
    *,
    debug: bool,
    secret_key: str,
    development_secret_key: str,
    allowed_hosts: list[str],
    database_url: str,
    broker_url: str,
    cache_url: str,
    case_key_pepper: str,
) -> list[str]:
    problems = []
    if debug:
        problems.append("DJANGO_DEBUG must be off")
    if secret_key == development_secret_key or not secret_key:
        problems.append("DJANGO_SECRET_KEY must be set to a secret of your own")
    elif len(secret_key) < 50 or len(set(secret_key)) < 5:
        problems.append("DJANGO_SECRET_KEY must be at least 50 characters with 5 different ones")
    elif secret_key.startswith("django-insecure"):
        problems.append("DJANGO_SECRET_KEY must not be a generated 'django-insecure' key")
    if not allowed_hosts:
        problems.append("DJANGO_ALLOWED_HOSTS must name the site's host")
    if not database_url:
        problems.append("DATABASE_URL must point at the production database")
    if not broker_url:
        problems.append("CELERY_BROKER_URL must point at Redis so reports run in a worker")
    if not cache_url:
        problems.append("CACHE_URL must point at Redis so rate limits hold across processes")
    if len(case_key_pepper) < 32:
        problems.append(
            "CASE_KEY_PEPPER must be a secret of 32+ characters, kept for as long as the cases"
        )
    return problems
