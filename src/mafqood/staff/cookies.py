"""Names of the staff dashboard's cookies (the access token's is users.tokens.ACCESS_COOKIE,
which the rate limiter reads too)."""

REFRESH_COOKIE = "mafqood_staff_refresh"
CSRF_COOKIE = "mafqood_csrf"
LANGUAGE_COOKIE = "mafqood_lang"
