"""Names of the staff dashboard's cookies (the rate limiter reads the session one too)."""

ACCESS_COOKIE = "mafqood_staff"
REFRESH_COOKIE = "mafqood_staff_refresh"
CSRF_COOKIE = "mafqood_csrf"
LANGUAGE_COOKIE = "mafqood_lang"
