"""Every word of a venue's public pages, their mails and the poster, in English and Arabic."""

from __future__ import annotations

from mafqood.core.i18n import Catalog, SameAs

TEXTS: Catalog = {
    "public.app": {"en": "Mafqood lost & found", "ar": "مفقود للمفقودات"},
    # the venue's page
    "public.venue.desk": {"en": "Lost & found desk", "ar": "مكتب المفقودات"},
    "public.venue.hours": SameAs("venue.opening_hours"),
    "public.venue.where": {"en": "Where", "ar": "المكان"},
    "public.venue.contact": {"en": "Contact", "ar": "التواصل"},
    "public.search.title": {"en": "Found recently", "ar": "عُثر عليه مؤخرًا"},
    "public.search.intro": {
        "en": "Some details are kept back so that only the owner can prove an item is theirs. "
        "If you see something like yours, report it below: the desk compares the details.",
        "ar": "نُخفي بعض التفاصيل حتى يتمكن المالك وحده من إثبات ملكيته. إن رأيت شيئًا يشبه "
        "غرضك فأبلغ عنه أدناه، وسيقارن المكتب التفاصيل.",
    },
    "public.search.category": SameAs("item.category"),
    "public.search.any": SameAs("inventory.any"),
    "public.search.color": SameAs("item.color"),
    "public.search.since": {"en": "Found since", "ar": "عُثر عليه منذ"},
    "public.search.submit": {"en": "Search", "ar": "بحث"},
    "public.search.none": {
        "en": "Nothing found matches. Report your lost item: you are told when it turns up.",
        "ar": "لا نتائج مطابقة. أبلغ عن غرضك المفقود وسنخبرك عندما يظهر.",
    },
    "public.search.more": {
        "en": "Only the first pages are shown: narrow the search to see others.",
        "ar": "تُعرض الصفحات الأولى فقط: ضيّق البحث لرؤية غيرها.",
    },
    "public.item.found_on": {"en": "Found on", "ar": "تاريخ العثور"},
    "public.item.area": {"en": "Area", "ar": "المنطقة"},
    "public.item.brand": SameAs("item.brand"),
    "public.item.color": SameAs("public.search.color"),
    "public.item.category": SameAs("public.search.category"),
    "public.pager.next": SameAs("pager.next"),
    "public.pager.previous": SameAs("pager.previous"),
    # the report form
    "public.report.title": {"en": "Report a lost item", "ar": "الإبلاغ عن غرض مفقود"},
    "public.report.intro": {
        "en": "No account needed. We mail you a link to confirm your address; your report is "
        "active once you open it. A photo is optional.",
        "ar": "لا حاجة إلى حساب. سنرسل إليك رابطًا لتأكيد بريدك، ويصبح بلاغك فعّالًا عند فتحه. "
        "الصورة اختيارية.",
    },
    "public.report.what": {"en": "What did you lose?", "ar": "ماذا فقدت؟"},
    "public.report.description": {
        "en": "Describe it (marks, stickers, what was inside)",
        "ar": "صِفه (علامات، ملصقات، ما كان بداخله)",
    },
    "public.report.brand": SameAs("public.item.brand"),
    "public.report.color": SameAs("public.search.color"),
    "public.report.category": SameAs("public.search.category"),
    "public.report.where": {"en": "Where did you lose it?", "ar": "أين فقدته؟"},
    "public.report.where_detail": {
        "en": "More about where (floor, gate, shop)",
        "ar": "تفاصيل المكان (الطابق، البوابة، المتجر)",
    },
    "public.report.when": {"en": "When?", "ar": "متى؟"},
    "public.report.photo": {"en": "Photo (optional)", "ar": "صورة (اختيارية)"},
    "public.report.name": {"en": "Your name", "ar": "اسمك"},
    "public.report.email": {"en": "Your email", "ar": "بريدك الإلكتروني"},
    "public.report.phone": {"en": "Phone (optional)", "ar": "الهاتف (اختياري)"},
    "public.report.website": {
        "en": "Leave this field empty",
        "ar": "اترك هذا الحقل فارغًا",
    },
    "public.report.submit": {"en": "Send report", "ar": "إرسال البلاغ"},
    "public.report.sent.title": {"en": "Check your mail", "ar": "تحقق من بريدك"},
    "public.report.sent": {
        "en": "We sent a link to your address. Open it within 24 hours to confirm your report; "
        "until then nobody sees it.",
        "ar": "أرسلنا رابطًا إلى بريدك. افتحه خلال 24 ساعة لتأكيد بلاغك، ولن يراه أحد قبل ذلك.",
    },
    # the status page
    "public.status.title": {"en": "Your lost reports", "ar": "بلاغاتك عن المفقودات"},
    "public.status.confirmed": {
        "en": "Your report is confirmed and active. Keep this page's link: it is your way back.",
        "ar": "تم تأكيد بلاغك وأصبح فعّالًا. احتفظ برابط هذه الصفحة فهو طريقك للعودة.",
    },
    "public.status.in_app": {
        "en": "Your report is confirmed. It belongs to your Mafqood account: follow it in the app.",
        "ar": "تم تأكيد بلاغك، وهو مرتبط بحسابك في مفقود: تابعه من التطبيق.",
    },
    "public.status.no_matches": {
        "en": "No match yet. We mail you as soon as something like it is found.",
        "ar": "لا مطابقات بعد. سنراسلك فور العثور على ما يشبهه.",
    },
    "public.status.matches": {"en": "Possible matches", "ar": "مطابقات محتملة"},
    "public.status.report_status": {"en": "Report", "ar": "البلاغ"},
    "public.status.questions": {
        "en": "The desk keeps some details back. Describe what only the owner would know "
        "(what is inside, marks, the lock screen).",
        "ar": "يحتفظ المكتب ببعض التفاصيل. صِف ما لا يعرفه إلا المالك (ما بداخله، العلامات، "
        "شاشة القفل).",
    },
    "public.status.answers": {"en": "Your answers", "ar": "إجاباتك"},
    "public.status.claim": {"en": "This is mine", "ar": "هذا لي"},
    "public.status.claim.pending": {
        "en": "Your claim is with the desk.",
        "ar": "مطالبتك لدى المكتب.",
    },
    "public.status.claim.approved": {
        "en": "Ready to collect: bring an ID to the desk.",
        "ar": "جاهز للاستلام: أحضر إثبات هوية إلى المكتب.",
    },
    "public.status.claim.rejected": {
        "en": "The desk did not accept your claim: {reason}",
        "ar": "لم يقبل المكتب مطالبتك: {reason}",
    },
    "public.status.handed_over": {
        "en": "Collected. Glad it is back!",
        "ar": "تم الاستلام. سعداء بعودته!",
    },
    "public.status.conversation": {"en": "Messages with the desk", "ar": "الرسائل مع المكتب"},
    "public.status.you": {"en": "You", "ar": "أنت"},
    "public.status.write": {
        "en": "Answer the desk or ask a question",
        "ar": "أجب المكتب أو اطرح سؤالًا",
    },
    "public.status.send": {"en": "Send to the desk", "ar": "إرسال إلى المكتب"},
    "public.status.revoke": {
        "en": "Send me a new link (this one stops working)",
        "ar": "أرسل لي رابطًا جديدًا (يتوقف هذا الرابط)",
    },
    "public.status.revoked": {
        "en": "A new link is on its way to your mail; this one no longer works.",
        "ar": "رابط جديد في طريقه إلى بريدك، وهذا الرابط لم يعد يعمل.",
    },
    "report.status.open": {"en": "Active", "ar": "فعّال"},
    "report.status.matched": SameAs("status.matched"),
    "report.status.closed": SameAs("status.closed"),
    "report.status.claimed": {"en": "Returned", "ar": "أُعيد"},
    # refusals of links
    "link_invalid": {
        "en": "This link is not valid: it was changed, replaced by a newer one, or already used.",
        "ar": "هذا الرابط غير صالح: عُدّل أو استُبدل برابط أحدث أو استُخدم من قبل.",
    },
    "link_expired": {
        "en": "This link has expired. Report again, or ask for a new link.",
        "ar": "انتهت صلاحية هذا الرابط. أبلغ من جديد أو اطلب رابطًا جديدًا.",
    },
    # mails
    "public.mail.confirm.subject": {
        "en": "Confirm your lost report at {venue}",
        "ar": "أكّد بلاغك عن المفقود في {venue}",
    },
    "public.mail.confirm.body": {
        "en": 'Hello {name},\n\nYou reported "{title}" lost at {venue}. Open this link within '
        "{hours} hours to confirm your address; your report becomes active then:\n{link}\n\n"
        "If you did not send this report, ignore this mail: it is deleted.\n\nMafqood",
        "ar": 'مرحبًا {name}،\n\nأبلغت عن فقدان "{title}" في {venue}. افتح هذا الرابط خلال '
        "{hours} ساعة لتأكيد بريدك، وعندها يصبح بلاغك فعّالًا:\n{link}\n\n"
        "إن لم ترسل هذا البلاغ فتجاهل هذه الرسالة وسيُحذف.\n\nمفقود",
    },
    "public.mail.link.subject": {
        "en": "Your new Mafqood link",
        "ar": "رابطك الجديد في مفقود",
    },
    "public.mail.link.body": {
        "en": "Here is your new link to your lost reports (the old ones no longer work):\n"
        "{link}\n\nMafqood",
        "ar": "هذا رابطك الجديد إلى بلاغاتك (الروابط القديمة لم تعد تعمل):\n{link}\n\nمفقود",
    },
    "public.mail.link.again": {
        "en": "Here is the link to your lost reports, as you asked:\n{link}\n\nIf you did not "
        "ask for it, ignore this mail.\n\nMafqood",
        "ar": "هذا رابط بلاغاتك كما طلبت:\n{link}\n\nإن لم تطلبه فتجاهل هذه الرسالة.\n\nمفقود",
    },
    "public.link.title": {"en": "Lost your link?", "ar": "فقدت رابطك؟"},
    "public.link.intro": {
        "en": "Already reported here? We mail the link to your reports again.",
        "ar": "أبلغت من قبل؟ سنرسل رابط بلاغاتك إلى بريدك مجددًا.",
    },
    "public.link.submit": {"en": "Mail me my link", "ar": "أرسل لي رابطي"},
    "public.link.sent": {
        "en": "If this address has reports, a link to them is on its way.",
        "ar": "إن كان لهذا البريد بلاغات فرابطها في طريقه إليك.",
    },
    # the poster
    "public.poster.lost": {"en": "Lost something here?", "ar": "فقدت شيئًا هنا؟"},
    "public.poster.scan": {
        "en": "Scan to search what was found and report your lost item. No app needed.",
        "ar": "امسح الرمز للبحث فيما عُثر عليه والإبلاغ عن غرضك المفقود. لا حاجة إلى تطبيق.",
    },
    "public.poster.download": {"en": "Poster for the desk", "ar": "ملصق للمكتب"},
    # the venue's setting
    "public.settings.title": {"en": "Public page", "ar": "الصفحة العامة"},
    "public.settings.fields": {
        "en": "What the public page shows of each found item",
        "ar": "ما تعرضه الصفحة العامة من كل غرض",
    },
    "public.settings.photos": {
        "en": "Show photos (never of documents, cards, wallets or items with hidden details)",
        "ar": "عرض الصور (لا تُعرض أبدًا للمستندات والبطاقات والمحافظ والأغراض ذات التفاصيل المخفية)",
    },
    "public.settings.save": SameAs("form.save"),
    "public.settings.open": {"en": "Open the public page", "ar": "افتح الصفحة العامة"},
    "public.field.category": SameAs("public.search.category"),
    "public.field.color": SameAs("public.search.color"),
    "public.field.date": SameAs("public.item.found_on"),
    "public.field.area": SameAs("public.item.area"),
    "public.field.title": SameAs("item.title"),
    "public.field.brand": SameAs("public.item.brand"),
    "field.unknown_public_field": {
        "en": "Not something the public page can show.",
        "ar": "ليس مما يمكن أن تعرضه الصفحة العامة.",
    },
}
