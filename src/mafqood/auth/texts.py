"""What signing in, sessions, passwords and their mails say, in English and Arabic."""

from __future__ import annotations

from mafqood.core.i18n import Catalog

TEXTS: Catalog = {
    # errors
    "invalid_token": {
        "en": "Your session is invalid. Please sign in again.",
        "ar": "جلستك غير صالحة. يرجى تسجيل الدخول مرة أخرى.",
    },
    "token_expired": {
        "en": "Your session has expired. Please sign in again.",
        "ar": "انتهت صلاحية جلستك. يرجى تسجيل الدخول مرة أخرى.",
    },
    "token_reused": {
        "en": "This session was already used and has been closed for your safety. "
        "Please sign in again.",
        "ar": "تم استخدام هذه الجلسة من قبل وأُغلقت حفاظًا على أمانك. يرجى تسجيل الدخول مرة أخرى.",
    },
    "session_revoked": {
        "en": "You were signed out of this session. Please sign in again.",
        "ar": "تم تسجيل خروجك من هذه الجلسة. يرجى تسجيل الدخول مرة أخرى.",
    },
    "invalid_credentials": {
        "en": "Incorrect email or password.",
        "ar": "البريد الإلكتروني أو كلمة المرور غير صحيحة.",
    },
    "account_disabled": {"en": "This account is disabled.", "ar": "هذا الحساب معطل."},
    "email_taken": {
        "en": "An account with this email already exists.",
        "ar": "يوجد حساب مسجل بهذا البريد الإلكتروني بالفعل.",
    },
    "invalid_reset_token": {
        "en": "This password reset link is invalid or has expired.",
        "ar": "رابط إعادة تعيين كلمة المرور غير صالح أو منتهي الصلاحية.",
    },
    # answers
    "logged_out": {"en": "Logged out successfully", "ar": "تم تسجيل الخروج بنجاح"},
    "reset_email_sent": {
        "en": "Password reset email sent",
        "ar": "تم إرسال رسالة إعادة تعيين كلمة المرور",
    },
    "password_reset_done": {
        "en": "Your password has been changed. Please sign in.",
        "ar": "تم تغيير كلمة المرور. يرجى تسجيل الدخول.",
    },
    # field validation: the password policy's reasons
    "field.password_policy": {
        "en": "Password is too weak: {reasons}.",
        "ar": "كلمة المرور ضعيفة: {reasons}.",
    },
    "password.too_short": {"en": "at least 8 characters", "ar": "8 أحرف على الأقل"},
    "password.too_long": {"en": "at most 128 characters", "ar": "128 حرفًا على الأكثر"},
    "password.no_upper": {"en": "an uppercase letter", "ar": "حرف كبير"},
    "password.no_lower": {"en": "a lowercase letter", "ar": "حرف صغير"},
    "password.no_digit": {"en": "a digit", "ar": "رقم"},
    # notifications
    "notify.login_throttled.title": {
        "en": "Sign-in attempts paused",
        "ar": "تم إيقاف محاولات تسجيل الدخول مؤقتًا",
    },
    "notify.login_throttled.message": {
        "en": "Someone entered a wrong password for your account {count} times. Sign-ins from "
        "new devices are paused for up to {minutes} minutes.",
        "ar": "أدخل أحدهم كلمة مرور خاطئة لحسابك {count} مرات. تم إيقاف تسجيل الدخول من "
        "الأجهزة الجديدة لمدة تصل إلى {minutes} دقيقة.",
    },
    # mail
    "mail.reset.subject": {
        "en": "Reset your Mafqood password",
        "ar": "إعادة تعيين كلمة مرور مفقود",
    },
    "mail.reset.body": {
        "en": "Hello {name},\n\nSomeone asked to reset the password of your Mafqood account. "
        "Open this link within {minutes} minutes to choose a new one:\n\n{link}\n\n"
        "Your reset code: {token}\n\nIf it was not you, ignore this email.",
        "ar": "مرحبًا {name}،\n\nطلب أحدهم إعادة تعيين كلمة مرور حسابك في مفقود. "
        "افتح هذا الرابط خلال {minutes} دقيقة لاختيار كلمة مرور جديدة:\n\n{link}\n\n"
        "رمز إعادة التعيين: {token}\n\nإذا لم تكن أنت، فتجاهل هذه الرسالة.",
    },
    "mail.login_throttled.subject": {
        "en": "Wrong passwords for your Mafqood account",
        "ar": "كلمات مرور خاطئة لحسابك في مفقود",
    },
    "mail.login_throttled.body": {
        "en": "Hello {name},\n\nSomeone entered a wrong password for your Mafqood account "
        "{count} times. For your safety, sign-ins from new devices are paused for up to "
        "{minutes} minutes; devices you signed in from before still work.\n\n"
        "If it was not you, change your password (Forgot password in the app).",
        "ar": "مرحبًا {name}،\n\nأدخل أحدهم كلمة مرور خاطئة لحسابك في مفقود {count} مرات. "
        "حفاظًا على أمانك، تم إيقاف تسجيل الدخول من الأجهزة الجديدة لمدة تصل إلى {minutes} "
        "دقيقة، ولا تزال الأجهزة التي سجلت الدخول منها سابقًا تعمل.\n\n"
        "إذا لم تكن أنت، فغيّر كلمة المرور (نسيت كلمة المرور في التطبيق).",
    },
}
