"""Reading what a customer sent: completeness, media links, severity hints.

Plain Python, no Odoo import, so that it is tested without a database and reused
by the mail gateway, the backend and the portal.

The support policy asks every report for three things:

* ``title``: a short title describing the error or request;
* ``steps``: the path/steps that lead to the error, or the request to clarify;
* ``evidence``: screenshots or a video showing the full URL (Loom allowed).
"""

import re
import unicodedata

MISSING_CODES = ("title", "steps", "evidence")

# The body Odoo's gateway makes of a text/plain e-mail: its escaped text in one <pre>.
PLAIN_TEXT_BODY_RE = re.compile(r"\s*<pre>((?:(?!</?pre\b).)*)</pre>\s*", re.S)
URL_RE = re.compile(r"""https?://[^\s<>"'()\[\]{}]+""", re.IGNORECASE)

# Links that are screen recordings, videos or screenshots.
MEDIA_HOST_RE = re.compile(
    r"^https?://(?:[\w-]+\.)*("
    r"loom\.com|youtube\.com|youtu\.be|vimeo\.com|drive\.google\.com|photos\.app\.goo\.gl|"
    r"prnt\.sc|prntscr\.com|imgur\.com|i\.imgur\.com|gyazo\.com|snipboard\.io|"
    r"monosnap\.com|cl\.ly|share\.vidyard\.com|screencast\.com|screencast-o-matic\.com|"
    r"streamable\.com|dropbox\.com|onedrive\.live\.com|1drv\.ms|zalo\.me/g|"
    r"tinypic\.com|postimg\.cc|ibb\.co|awesomescreenshot\.com|jam\.dev|scribehow\.com"
    r")(?:[/:?#]|$)",
    re.IGNORECASE,
)
MEDIA_EXT_RE = re.compile(
    r"\.(png|jpe?g|gif|webp|bmp|heic|mp4|mov|webm|mkv|avi)(?:[?#]|$)", re.IGNORECASE
)
EVIDENCE_MIMETYPE_PREFIXES = ("image/", "video/")

# Words that say nothing about the problem (folded: lower case, no accents). A title
# needs at least MIN_TITLE_WORDS other words: "Hỗ trợ gấp" or "Urgent help" are no titles.
FILLER_WORDS = set(
    """
    re fw fwd tl tr aw sv no subject help support hi hello dear urgent asap please pls
    error bug issue problem question request toperp odoo
    ho tro can gap loi bao khan cap xin chao hoi cau yeu van de su co giup voi gui kinh
    anh chi em a oi nhe a ad admin
    """.split()
)
MIN_TITLE_WORDS = 2
# Steps: a path or an action, or this many words that are not filler.
MIN_STEPS_WORDS = 5
# Words that say nothing about what was done (folded): "Hệ thống bị lỗi, nhờ hỗ trợ gấp"
# is no description of the steps.
STEPS_FILLER_WORDS = FILLER_WORDS | set(
    """
    he thong bi nho duoc khong roi nay do qua rat lam on cam thanks thank you regards tran trong
    kinh gui ban dang sao vay gi nhe toi chung minh cua va thi la co the cac mot nhung
    the system is not working has an it i we our my with of to and can cannot does doesnt
    """.split()
)
# A menu path ("Kế toán > Hóa đơn").
PATH_RE = re.compile(r"\w\s*(?:>|→|»|->)\s*\w")
# An action the customer did, as typed (accents distinguish "vào" from "vào lúc", "bấm"
# from "bầm"), or unaccented words with no other meaning.
ACTION_RE = re.compile(
    r"(?<!\w)(?:vào(?!\s+lúc)|bấm|nhấn|chọn|nhập|mở|lưu|xóa|sửa|tạo|đăng nhập|xác nhận|in ra|"
    r"click|bam nut|chon|go to|open|press|select|enter|navigate|upload|import|export)(?!\w)",
    re.IGNORECASE,
)

# Control characters never wanted in a subject (NUL breaks PostgreSQL, CR/LF break
# the headers of our answers).
CONTROL_CHARS_RE = re.compile(r"[\x00-\x1f\x7f]+")

TAG_RE = re.compile(r"<[^>]+>")
BLOCK_TAG_RE = re.compile(r"<\s*(br|/p|/div|/li|/tr|/h\d)[^>]*>", re.IGNORECASE)
QUOTE_HEADER_RE = re.compile(
    r"^(on .{0,200} wrote:|vào .{0,200} đã viết:|-{2,} ?original message|từ: .*|from: .*)$",
    re.IGNORECASE | re.MULTILINE,
)


def fold(text):
    """Lower-case, strip Vietnamese diacritics (``đ`` → ``d``), squeeze spaces.

    Customers often type without accents ("khong dang nhap duoc"): matching on the
    folded form finds both spellings.
    """
    text = (text or "").lower().replace("đ", "d")
    text = unicodedata.normalize("NFD", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def clean_message_dict(msg_dict):
    """Hostile input, as parsed by the mail gateway (in place): the subject loses its
    control characters and extra spaces, the body its NUL bytes (PostgreSQL refuses
    them) and a plain-text body its ``<pre>`` (``unwrap_plain_text``); both are
    NFC-normalised (Windows-1258 sends Vietnamese letters as a base letter plus a
    combining tone mark, which searches would miss)."""
    if msg_dict.get("subject"):
        subject = CONTROL_CHARS_RE.sub(" ", msg_dict["subject"])
        msg_dict["subject"] = unicodedata.normalize("NFC", " ".join(subject.split()))
    if isinstance(msg_dict.get("body"), str):
        body = msg_dict["body"]
        cleaned = unicodedata.normalize("NFC", unwrap_plain_text(body.replace("\x00", "")))
        # The body is Markup (sanitized HTML): it stays so.
        msg_dict["body"] = type(body)(cleaned) if cleaned != body else body
    return msg_dict


def unwrap_plain_text(html):
    """A plain-text e-mail as paragraphs: Odoo's gateway wraps a text/plain body in one
    ``<pre>`` (monospace, Vietnamese diacritics rendered badly, long lines that do not
    wrap); blank lines become paragraphs, line breaks ``<br>``. The text inside is
    already escaped. Any other HTML is returned as it is."""
    match = PLAIN_TEXT_BODY_RE.fullmatch(str(html or ""))
    if not match:
        return html
    paragraphs = [part.strip("\n") for part in re.split(r"\n[ \t]*\n", match.group(1)) if part.strip()]
    return "".join("<p>" + part.replace("\n", "<br>") + "</p>" for part in paragraphs)


def html_to_text(html):
    """Visible text of an HTML fragment (good enough for word counts and links)."""
    if not html:
        return ""
    text = BLOCK_TAG_RE.sub("\n", str(html))
    text = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", text, flags=re.S | re.I)
    text = TAG_RE.sub(" ", text)
    for entity, char in (("&nbsp;", " "), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'),
                         ("&#39;", "'"), ("&amp;", "&")):
        text = text.replace(entity, char)
    return text


def strip_quoted(text):
    """Drop the quoted previous message below "On … wrote:" and ``>`` lines."""
    match = QUOTE_HEADER_RE.search(text or "")
    if match:
        text = text[: match.start()]
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(">"))


def find_urls(*texts):
    """Every distinct http(s) URL in the texts, in order of appearance."""
    seen = []
    for text in texts:
        for url in URL_RE.findall(text or ""):
            url = url.rstrip(".,;:!?")
            if url not in seen:
                seen.append(url)
    return seen


def hrefs(html):
    """URLs in ``href``/``src`` attributes of an HTML fragment."""
    return re.findall(r"""(?:href|src)\s*=\s*["'](https?://[^"']+)["']""", str(html or ""), re.I)


def is_media_url(url):
    """True for a screen recording, video or screenshot link (Loom, YouTube, image…)."""
    return bool(MEDIA_HOST_RE.match(url or "") or MEDIA_EXT_RE.search(url or ""))


def media_urls(*texts):
    return [url for url in find_urls(*texts) if is_media_url(url)]


def page_url(*texts):
    """The first link that is no recording or screenshot: the page the customer was
    on when the error showed (for the ticket's "URL gặp lỗi")."""
    return next((url for url in find_urls(*texts) if not is_media_url(url)), None)


def is_evidence_mimetype(mimetype):
    return (mimetype or "").lower().startswith(EVIDENCE_MIMETYPE_PREFIXES)


def title_is_meaningful(title):
    """True when the title says what goes wrong: a few words beyond "Help", "Re:"…"""
    words = [word for word in fold(title).split() if word not in FILLER_WORDS]
    return len(words) >= MIN_TITLE_WORDS


def steps_are_described(description_html, extra_text=""):
    """True when the report says what leads to the error: a menu path ("vào Kế toán >
    Hóa đơn"), an action ("bấm In"), the URL of the page, or a few words that are not
    filler ("Hệ thống bị lỗi, nhờ hỗ trợ gấp" is none). The quoted previous message
    does not count, nor does a screen-recording link (that is the evidence)."""
    text = strip_quoted(html_to_text(description_html)) + "\n" + (extra_text or "")
    if any(not is_media_url(url) for url in find_urls(text, " ".join(hrefs(description_html)))):
        return True
    text = unicodedata.normalize("NFC", URL_RE.sub(" ", text))
    if PATH_RE.search(text) or ACTION_RE.search(text):
        return True
    words = [word for word in fold(text).split() if word not in STEPS_FILLER_WORDS and not word.isdigit()]
    return len(words) >= MIN_STEPS_WORDS


def missing_info(title, description_html, extra_urls=(), has_evidence_attachment=False, extra_text=""):
    """The codes (among ``MISSING_CODES``) of what a report still lacks.

    :param extra_text: plain text the customer added later (replies)
    """
    missing = []
    if not title_is_meaningful(title):
        missing.append("title")
    if not steps_are_described(description_html, extra_text):
        missing.append("steps")
    text = html_to_text(description_html)
    links = media_urls(
        text, " ".join(hrefs(description_html)), " ".join(u for u in extra_urls if u), extra_text or ""
    )
    if not (has_evidence_attachment or links):
        missing.append("evidence")
    return missing


def suggest_severity(text, keywords_by_code, rank_by_code, keywords_folded=False):
    """The most urgent severity code whose keywords occur in the text, or None.

    :param keywords_by_code: {code: iterable of keywords (any accents/case)}
    :param rank_by_code: {code: rank}, higher is more urgent
    :param keywords_folded: the keywords are already ``fold``-ed (the severities'
        cache holds them so: folding them again cost ~0.4 ms per e-mail)
    """
    folded = f" {fold(text)} "
    best = None
    for code, keywords in keywords_by_code.items():
        for keyword in keywords:
            key = keyword if keywords_folded else fold(keyword)
            if key and f" {key} " in folded:
                if best is None or rank_by_code.get(code, 0) > rank_by_code.get(best, 0):
                    best = code
                break
    return best


def split_keywords(text):
    """Keywords as typed by an admin: one per line or comma separated."""
    return [k.strip() for k in re.split(r"[\n,;]", text or "") if k.strip()]


# Headers read by is_automatic_message.
AUTOMATIC_HEADERS = (
    "auto-submitted", "x-autoreply", "x-autorespond", "precedence", "list-id", "list-unsubscribe", "content-type",
)
# Headers the mail gateway reads of an incoming message (is_automatic_message,
# wants_no_auto_reply).
GATEWAY_HEADERS = (*AUTOMATIC_HEADERS, "x-auto-response-suppress")


def is_automatic_message(headers, email_from=""):
    """True for auto-replies, bulk mail and delivery reports (RFC 3834 and friends).

    :param headers: mapping of lower-cased header names to values
    """
    auto = (headers.get("auto-submitted") or "").strip().lower()
    if auto and auto != "no":
        return True
    if any(headers.get(h) for h in ("x-autoreply", "x-autorespond")):
        return True
    if (headers.get("precedence") or "").strip().lower() in ("bulk", "junk", "auto_reply", "list"):
        return True
    if headers.get("list-id") or headers.get("list-unsubscribe"):
        return True
    if "report-type=delivery-status" in (headers.get("content-type") or "").lower():
        return True
    match = re.search(r"([^\s<>\"',;:]+)@[^\s<>\"',;]+>?\s*$", email_from or "")
    local = match.group(1).lower() if match else ""
    return local in ("mailer-daemon", "postmaster", "noreply", "no-reply", "do-not-reply", "donotreply")


def wants_no_auto_reply(headers):
    """The sender asked not to get automatic answers (Outlook's header)."""
    value = (headers.get("x-auto-response-suppress") or "").lower()
    return any(word in value for word in ("all", "autoreply", "oof"))
