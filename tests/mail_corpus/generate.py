#!/usr/bin/env python3
"""Writes the hostile mail corpus: raw e-mails for support@toperp.vn and their expected fate.

    python3 tests/mail_corpus/generate.py          # rewrites *.eml and manifest.json here

Deterministic (no clock, no randomness): running it twice gives the same files, so a
diff shows what changed. ``tests/test_mail_corpus.py`` feeds every message, in file
name order, to the mail gateway and checks the outcome declared in ``manifest.json``:

* ``created``: exactly one new ticket, holding the message;
* ``threaded``: no new ticket, exactly one new message on the ticket of ``thread``
  (the label of an earlier corpus message);
* ``rejected``: no ticket, no message, a logged rejection whose reason code is
  ``reason``, kept (with the message) among the e-mails not processed;
* ``quarantined``: Odoo's own parsing raised on it: no ticket, no message, the message
  kept for a person to review (reason ``error``), the mail server told it was accepted.

``SEED_A_NUMBER`` in a message stands for the reference of the ticket ``seed_a`` opened
(the test puts it in before feeding the message): replies whose mail client dropped
their headers still carry it in their subject.

The 20 MB attachment is not stored (the repository refuses files over 2 MiB): its
manifest entry has ``build`` instead of a file and the test builds it with
``build_message()``.

Who the senders are (the test creates them): ``an.nguyen@hoasen.vn`` (customer A,
Công ty TNHH Hoa Sen) and her colleague ``lan.truong@hoasen.vn``, and
``khoa.do@sonha.com.vn`` (customer B, Công ty CP Sơn Hà). Any other address is unknown
and becomes a new contact.
"""

import base64
import json
import sys
import unicodedata
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ALIAS = "support@toperp.vn"
A = '"Nguyễn Văn An" <an.nguyen@hoasen.vn>'
A_ADDR = "an.nguyen@hoasen.vn"
B = '"Đỗ Minh Khoa" <khoa.do@sonha.com.vn>'
B_ADDR = "khoa.do@sonha.com.vn"
DATE = "Fri, 27 Nov 2026 09:15:00 +0700"
SEED_A = "<seed-a-0001@mail.hoasen.vn>"
SEED_B = "<seed-b-0001@mail.sonha.com.vn>"
VI_TEXT = (
    "Khi vào Kế toán > Hóa đơn khách hàng, chọn một hóa đơn rồi bấm nút In thì màn hình "
    "báo lỗi và không in được."
)
VI_SUBJECT = "Lỗi không in được hóa đơn khách hàng"
# Markup that must never reach a ticket description.
SCRIPT_MARKERS = ["<script", "onerror=", "onload=", "javascript:", "<iframe"]

ENTRIES = []


def _enc(text):
    return text.encode("utf-8") if isinstance(text, str) else text


def b64_word(text, charset="utf-8"):
    return f"=?{charset}?B?{base64.b64encode(_enc(text) if charset == 'utf-8' else text).decode()}?="


def raw_message(headers, body="", sep=b"\n"):
    """Bytes of a message: ``headers`` is a list of (name, value) (value str or bytes)."""
    lines = [_enc(name) + b": " + _enc(value) for name, value in headers]
    return sep.join(lines) + sep + sep + _enc(body)


def std_headers(msg_id, subject=VI_SUBJECT, sender=A, to=ALIAS, extra=(), date=DATE, subject_raw=None):
    headers = [("From", sender), ("To", to), ("Date", date), ("Message-ID", msg_id)]
    if subject_raw is not None:
        headers.append(("Subject", subject_raw))
    elif subject is not None:
        headers.append(("Subject", b64_word(subject) if not subject.isascii() else subject))
    return headers + list(extra) + [("MIME-Version", "1.0")]


def plain(msg_id, text=VI_TEXT, charset="utf-8", cte="8bit", **kwargs):
    body = text if isinstance(text, bytes) else text.encode(charset)
    if cte == "base64":
        body = base64.encodebytes(body)
    ctype = f"text/plain; charset={charset}" if charset else "text/plain"
    headers = std_headers(msg_id, **kwargs) + [("Content-Type", ctype), ("Content-Transfer-Encoding", cte)]
    return raw_message(headers, body)


def mid(slug, domain="mail.hoasen.vn"):
    return f"<{slug}@{domain}>"


def add(slug, category, expected, raw=None, reason=None, **checks):
    """Declare a corpus message. ``checks`` are extra expectations read by the test."""
    number = len(ENTRIES)
    entry = {"file": f"{number:03d}_{slug}.eml", "category": category, "expected": expected}
    if reason:
        entry["reason"] = reason
    if checks.pop("build", None):
        entry["build"] = slug
        entry["file"] = None
    entry.update(checks)
    ENTRIES.append((entry, raw))
    return entry


# ----------------------------------------------------------------------
# Encoders the standard library lacks
# ----------------------------------------------------------------------

TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def cp1258(text):
    """Windows-1258 as Vietnamese Windows writes it: base letter (with its circumflex,
    breve or horn) plus a combining tone mark."""
    out = b""
    for char in text:
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONE_MARKS))
        tones = "".join(c for c in parts if c in TONE_MARKS)
        out += base.encode("cp1258") + tones.encode("cp1258")
    return out


# VISCII (RFC 1456) positions of the letters our sample sentences use; Python has no
# codec for it. Letters missing here lose their tone mark (still VISCII bytes).
VISCII = {
    "à": 0xE0, "á": 0xE1, "â": 0xE2, "ã": 0xE3, "ả": 0xE4, "ă": 0xE5, "è": 0xE8, "é": 0xE9,
    "ê": 0xEA, "ì": 0xEC, "í": 0xED, "ò": 0xF2, "ó": 0xF3, "ô": 0xF4, "õ": 0xF5, "ù": 0xF9,
    "ú": 0xFA, "ý": 0xFD, "đ": 0xF0, "Đ": 0xD0, "ơ": 0xBD, "ư": 0xDF, "ạ": 0xD5, "ế": 0xAA,
    "ề": 0xAB, "ộ": 0xF6, "ổ": 0xB6, "ỗ": 0xB7, "ị": 0xEF, "ọ": 0xF7, "ồ": 0xB5, "ố": 0xAF,
}


def viscii(text):
    out = bytearray()
    for char in text:
        if char in VISCII:
            out.append(VISCII[char])
        elif ord(char) < 128:
            out.append(ord(char))
        else:
            base = unicodedata.normalize("NFD", char)[0]
            out.append(VISCII.get(base, ord(base) if ord(base) < 128 else 0x3F))
    return bytes(out)


# ----------------------------------------------------------------------
# The corpus
# ----------------------------------------------------------------------


def seeds():
    add("seed_a", "seed", "created", plain(SEED_A, subject="Không xuất được báo cáo công nợ"),
        partner="a", name="Không xuất được báo cáo công nợ")
    add("seed_b", "seed", "created",
        plain(SEED_B, sender=B, subject="Lỗi đồng bộ tồn kho giữa hai chi nhánh"), partner="b")


def broken_mime():
    cat = "broken_mime"
    base = std_headers(mid("mime-no-close"))
    add("mime_missing_final_boundary", cat, "created", raw_message(
        base + [("Content-Type", 'multipart/mixed; boundary="zz1"')],
        f"--zz1\nContent-Type: text/plain; charset=utf-8\n\n{VI_TEXT}\n",
    ), description_contains="bấm nút In")
    add("mime_boundary_never_used", cat, "created", raw_message(
        std_headers(mid("mime-unused")) + [("Content-Type", 'multipart/mixed; boundary="declared"')],
        f"--other\nContent-Type: text/plain\n\n{VI_TEXT}\n--other--\n",
    ))
    add("mime_no_boundary_param", cat, "created", raw_message(
        std_headers(mid("mime-noparam")) + [("Content-Type", "multipart/alternative")],
        f"--x\nContent-Type: text/plain; charset=utf-8\n\n{VI_TEXT}\n--x--\n",
    ))
    add("mime_garbage_preamble", cat, "created", raw_message(
        std_headers(mid("mime-preamble")) + [("Content-Type", 'multipart/mixed; boundary="b"')],
        "\x00\x01 garbage \xff preamble\n--b\nContent-Type: text/plain; charset=utf-8\n\n"
        f"{VI_TEXT}\n--b--\nepilogue junk\n",
    ), description_contains="bấm nút In")
    add("mime_truncated_base64", cat, "created", raw_message(
        std_headers(mid("mime-trunc-b64")) + [("Content-Type", 'multipart/mixed; boundary="b"')],
        f"--b\nContent-Type: text/plain; charset=utf-8\n\n{VI_TEXT}\n--b\n"
        'Content-Type: image/png; name="loi.png"\nContent-Transfer-Encoding: base64\n'
        'Content-Disposition: attachment; filename="loi.png"\n\niVBORw0KGgoAAAANSUhEUgAAAAEAAAAB\n'
        "iVBORw0KGgo!!!***\n",
    ), attachments=["loi.png"])
    add("mime_bad_base64_text", cat, "created", raw_message(
        std_headers(mid("mime-bad-b64")) + [("Content-Type", "text/plain; charset=utf-8"),
                                            ("Content-Transfer-Encoding", "base64")],
        "Q2jDoG8gYW5oIGNo4buL!!!not base64 at all @@@\n",
    ))
    add("mime_bad_quoted_printable", cat, "created", raw_message(
        std_headers(mid("mime-bad-qp")) + [("Content-Type", "text/plain; charset=utf-8"),
                                           ("Content-Transfer-Encoding", "quoted-printable")],
        "Ch=C3=A0o anh ch=E1=BB=8B, l=ZZi =\n=E1=BB=97i in h=C3=B3a =C4=91=C6=B0=\n",
    ))
    add("mime_unknown_transfer_encoding", cat, "created", raw_message(
        std_headers(mid("mime-x-uue")) + [("Content-Type", "text/plain; charset=utf-8"),
                                          ("Content-Transfer-Encoding", "x-uuencode")],
        VI_TEXT,
    ))
    add("mime_empty_multipart", cat, "created", raw_message(
        std_headers(mid("mime-empty-multi")) + [("Content-Type", 'multipart/mixed; boundary="e"')],
        "--e--\n",
    ))
    nested = "".join(f'--n{i}\nContent-Type: multipart/mixed; boundary="n{i + 1}"\n\n' for i in range(60))
    add("mime_deep_nesting", cat, "created", raw_message(
        std_headers(mid("mime-deep")) + [("Content-Type", 'multipart/mixed; boundary="n0"')],
        nested + f"--n60\nContent-Type: text/plain; charset=utf-8\n\n{VI_TEXT}\n",
    ))
    add("mime_content_type_garbage", cat, "created", raw_message(
        std_headers(mid("mime-ct-garbage")) + [("Content-Type", ";;; text/???; charset=\"\"; ==")],
        VI_TEXT,
    ))
    add("mime_crlf_mixed_line_endings", cat, "created",
        plain(mid("mime-crlf"), text="Dòng 1\r\nDòng 2\rDòng 3\nKhông in được hóa đơn\r\n"))


def headers_cases():
    cat = "headers"
    add("hdr_no_message_id", cat, "created", raw_message(
        [("From", A), ("To", ALIAS), ("Subject", "Missing Message-ID header entirely"),
         ("Content-Type", "text/plain; charset=utf-8")], VI_TEXT))
    add("hdr_no_subject", cat, "created", raw_message(
        [("From", A), ("To", ALIAS), ("Message-ID", mid("hdr-nosubj")),
         ("Content-Type", "text/plain; charset=utf-8")], VI_TEXT), name="(no subject)")
    add("hdr_no_date", cat, "created", raw_message(
        [("From", A), ("To", ALIAS), ("Message-ID", mid("hdr-nodate")), ("Subject", "No date header here"),
         ("Content-Type", "text/plain; charset=utf-8")], VI_TEXT))
    add("hdr_garbage_date", cat, "created", plain(mid("hdr-baddate"), date="32/13/2026 25:61 +9999 lol"))
    add("hdr_duplicate_subject", cat, "created", raw_message(
        std_headers(mid("hdr-dupsubj"), subject="Sales order cannot be confirmed")
        + [("Subject", "Second subject header"), ("Content-Type", "text/plain; charset=utf-8")], VI_TEXT),
        name="Sales order cannot be confirmed Second subject header")
    add("hdr_duplicate_from", cat, "created", raw_message(
        [("From", A), ("From", '"Kẻ giả mạo" <fake@evil.example>'), ("To", ALIAS),
         ("Message-ID", mid("hdr-dupfrom")), ("Subject", "Two From headers in one message"),
         ("Content-Type", "text/plain; charset=utf-8")], VI_TEXT), partner="a")
    add("hdr_duplicate_message_id", cat, "created", raw_message(
        [("From", A), ("To", ALIAS), ("Message-ID", mid("hdr-dupmid-1")), ("Message-ID", mid("hdr-dupmid-2")),
         ("Subject", "Two Message-ID headers"), ("Content-Type", "text/plain; charset=utf-8")], VI_TEXT))
    add("hdr_from_without_address", cat, "rejected", raw_message(
        [("From", "Nguyen Van An"), ("To", ALIAS), ("Message-ID", mid("hdr-from-noaddr")),
         ("Subject", "From header has a name and no address"), ("Content-Type", "text/plain")], VI_TEXT),
        reason="no-sender")
    add("hdr_no_from", cat, "rejected", raw_message(
        [("To", ALIAS), ("Message-ID", mid("hdr-nofrom")), ("Subject", "No From header at all"),
         ("Content-Type", "text/plain")], VI_TEXT), reason="no-sender")
    add("hdr_no_to_delivered_to", cat, "created", raw_message(
        [("Delivered-To", ALIAS), ("From", A), ("Message-ID", mid("hdr-noto")),
         ("Subject", "Only Delivered-To, no To header"), ("Content-Type", "text/plain")], VI_TEXT))
    add("hdr_undisclosed_recipients", cat, "created", raw_message(
        [("Delivered-To", ALIAS), ("To", "undisclosed-recipients:;"), ("From", A),
         ("Message-ID", mid("hdr-undisclosed")), ("Subject", "Undisclosed recipients group"),
         ("Content-Type", "text/plain")], VI_TEXT))
    add("hdr_alias_in_cc_only", cat, "created", raw_message(
        [("From", A), ("To", "ketoan@hoasen.vn"), ("Cc", ALIAS), ("Message-ID", mid("hdr-cc-only")),
         ("Subject", "Support only in copy of the message"), ("Content-Type", "text/plain")], VI_TEXT))
    add("hdr_raw_utf8_subject", cat, "created", raw_message(
        [("From", A), ("To", ALIAS), ("Message-ID", mid("hdr-8bit-subj")),
         ("Subject", "Lỗi đăng nhập hệ thống kế toán".encode()), ("Content-Type", "text/plain; charset=utf-8")],
        VI_TEXT), name="Lỗi đăng nhập hệ thống kế toán")
    add("hdr_raw_utf8_from_name", cat, "created", raw_message(
        [("From", "Nguyễn Văn An <an.nguyen@hoasen.vn>".encode()), ("To", ALIAS),
         ("Message-ID", mid("hdr-8bit-from")), ("Subject", "Raw UTF-8 display name"),
         ("Content-Type", "text/plain; charset=utf-8")], VI_TEXT), partner="a")
    add("hdr_huge_header_line", cat, "created", raw_message(
        std_headers(mid("hdr-huge"), subject="Huge X-Header line") + [("X-Junk", "x" * 20000),
                                                                     ("Content-Type", "text/plain")], VI_TEXT))
    add("hdr_thousand_received", cat, "created", raw_message(
        [("Received", f"from relay{i}.example.net by relay{i + 1}.example.net; {DATE}") for i in range(1000)]
        + std_headers(mid("hdr-received"), subject="Passed through a thousand relays")
        + [("Content-Type", "text/plain")], VI_TEXT))
    add("hdr_injection_in_subject", cat, "created", raw_message(
        std_headers(mid("hdr-inject"), subject_raw=b64_word("Hóa đơn\r\nBcc: victim@example.com\r\nX: y"))
        + [("Content-Type", "text/plain")], VI_TEXT))
    add("hdr_whitespace_message_id", cat, "created", raw_message(
        [("From", A), ("To", ALIAS), ("Message-ID", "   <hdr-spaces@mail.hoasen.vn>   "),
         ("Subject", "Message-ID with surrounding blanks"), ("Content-Type", "text/plain")], VI_TEXT))


def charsets():
    cat = "charset"
    subject = "Lỗi đồng bộ dữ liệu kế toán"
    add("cs_windows_1258", cat, "created", raw_message(
        std_headers(mid("cs-1258"), subject_raw=b"=?windows-1258?Q?" + b"".join(
            b"=%02X" % c if c > 127 or c in b" =?_" else bytes([c]) for c in cp1258(subject)) + b"?=")
        + [("Content-Type", "text/plain; charset=windows-1258"), ("Content-Transfer-Encoding", "8bit")],
        cp1258(VI_TEXT)), name=subject, description_contains="Hóa đơn khách hàng")
    add("cs_windows_1258_base64", cat, "created",
        plain(mid("cs-1258-b64"), text=cp1258(VI_TEXT), charset="windows-1258", cte="base64",
              subject="Windows-1258 body in base64"), description_contains="bấm nút In")
    add("cs_viscii_declared", cat, "created", raw_message(
        std_headers(mid("cs-viscii"), subject_raw=b"=?VISCII?B?" + base64.b64encode(viscii(subject)) + b"?=")
        + [("Content-Type", "text/plain; charset=VISCII"), ("Content-Transfer-Encoding", "8bit")],
        viscii(VI_TEXT)))
    add("cs_viscii_undeclared", cat, "created", raw_message(
        std_headers(mid("cs-viscii-raw"), subject="VISCII bytes without charset")
        + [("Content-Type", "text/plain"), ("Content-Transfer-Encoding", "8bit")], viscii(VI_TEXT)))
    add("cs_unknown_charset", cat, "created",
        plain(mid("cs-unknown"), text=VI_TEXT.encode(), charset="x-totally-unknown", subject="Unknown charset name"))
    add("cs_unknown_charset_header", cat, "created", raw_message(
        std_headers(mid("cs-unknown-hdr"), subject_raw="=?x-klingon?Q?Qapla=E1=BB=97?= ok")
        + [("Content-Type", "text/plain; charset=utf-8")], VI_TEXT))
    add("cs_latin1_declared_utf8_sent", cat, "created",
        plain(mid("cs-latin1-lie"), text=VI_TEXT.encode("utf-8"), charset="iso-8859-1",
              subject="Declared latin-1, sent UTF-8"))
    add("cs_utf8_declared_1258_sent", cat, "created",
        plain(mid("cs-utf8-lie"), text=cp1258(VI_TEXT), charset="utf-8", subject="Declared UTF-8, sent cp1258"))
    add("cs_utf8_alias_name", cat, "created",
        plain(mid("cs-utf8-alias"), charset="utf8", subject="Charset spelled utf8"),
        description_contains="bấm nút In")
    add("cs_utf7", cat, "created",
        plain(mid("cs-utf7"), text=VI_TEXT.encode("utf-7"), charset="utf-7", subject="UTF-7 body"))
    add("cs_utf16_bom", cat, "created",
        plain(mid("cs-utf16"), text=VI_TEXT.encode("utf-16"), charset="utf-16", cte="base64",
              subject="UTF-16 body with BOM"), description_contains="bấm nút In")
    add("cs_gb2312_lie", cat, "created",
        plain(mid("cs-gb2312"), text=VI_TEXT.encode("utf-8"), charset="gb2312", subject="Declared gb2312"))
    add("cs_8bit_no_charset", cat, "created", raw_message(
        std_headers(mid("cs-8bit-none"), subject="8bit body, no charset")
        + [("Content-Transfer-Encoding", "8bit")], VI_TEXT.encode("utf-8")))
    add("cs_nul_bytes", cat, "created",
        plain(mid("cs-nul"), text=b"Loi\x00in\x00hoa\x00don \x00\x00\x00 khong in duoc", charset="utf-8",
              subject="NUL bytes in the body"))


PNG_1PX = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg=="
)


def rfc2047():
    cat = "rfc2047"
    subject = VI_SUBJECT
    data = subject.encode()
    # "ỗ" is 3 bytes (e1 bb 97): cut between its 1st and 2nd byte.
    cut = data.index("ỗ".encode()) + 1
    add("rfc2047_b_split_mid_char", cat, "created", raw_message(
        std_headers(mid("2047-b-split"), subject_raw=(
            f"=?utf-8?B?{base64.b64encode(data[:cut]).decode()}?=\n "
            f"=?utf-8?B?{base64.b64encode(data[cut:]).decode()}?=")) + [("Content-Type", "text/plain")],
        VI_TEXT), name=subject)

    def q(chunk):
        return "".join(f"={b:02X}" if b > 127 or b in b" =?_" else chr(b) for b in chunk)

    add("rfc2047_q_split_mid_char", cat, "created", raw_message(
        std_headers(mid("2047-q-split"), subject_raw=f"=?UTF-8?Q?{q(data[:cut])}?= =?UTF-8?Q?{q(data[cut:])}?=")
        + [("Content-Type", "text/plain")], VI_TEXT), name=subject)
    add("rfc2047_split_across_three", cat, "created", raw_message(
        std_headers(mid("2047-three"), subject_raw=" ".join(
            f"=?utf-8?B?{base64.b64encode(data[i:i + 7]).decode()}?=" for i in range(0, len(data), 7)))
        + [("Content-Type", "text/plain")], VI_TEXT), name=subject)
    add("rfc2047_mixed_charsets", cat, "created", raw_message(
        std_headers(mid("2047-mixed"), subject_raw=(
            "=?iso-8859-1?Q?Caf=E9?= =?utf-8?B?" + base64.b64encode("hóa đơn".encode()).decode()
            + "?= =?windows-1258?Q?" + "".join(f"={b:02X}" for b in cp1258("lỗi")) + "?="))
        + [("Content-Type", "text/plain")], VI_TEXT))
    add("rfc2047_bad_base64", cat, "created", raw_message(
        std_headers(mid("2047-bad-b64"), subject_raw="=?utf-8?B?TOG7l2kgaW4gaMOzYSDEkcahbg!!?= broken")
        + [("Content-Type", "text/plain")], VI_TEXT))
    add("rfc2047_no_spaces_between_words", cat, "created", raw_message(
        std_headers(mid("2047-glued"), subject_raw=(
            "=?utf-8?B?" + base64.b64encode("Lỗi ".encode()).decode() + "?==?utf-8?B?"
            + base64.b64encode("hóa đơn".encode()).decode() + "?=")) + [("Content-Type", "text/plain")], VI_TEXT))
    add("rfc2047_unterminated", cat, "created", raw_message(
        std_headers(mid("2047-unterminated"), subject_raw="=?utf-8?Q?L=E1=BB=97i_in_h=C3=B3a")
        + [("Content-Type", "text/plain")], VI_TEXT))
    add("rfc2047_from_name_split", cat, "created", raw_message(
        [("From", f"=?utf-8?B?{base64.b64encode('Nguyễn Vă'.encode()[:-1]).decode()}?= "
                  f"=?utf-8?B?{base64.b64encode('Nguyễn Vă'.encode()[-1:] + b'n An').decode()}?= "
                  f"<{A_ADDR}>"),
         ("To", ALIAS), ("Message-ID", mid("2047-from-split")), ("Subject", "Encoded display name split"),
         ("Content-Type", "text/plain")], VI_TEXT), partner="a")
    add("rfc2231_filename_vietnamese", cat, "created", raw_message(
        std_headers(mid("2231-filename"), subject="Attachment with a Vietnamese file name")
        + [("Content-Type", 'multipart/mixed; boundary="b"')],
        f"--b\nContent-Type: text/plain; charset=utf-8\n\n{VI_TEXT}\n--b\n"
        "Content-Type: image/png\nContent-Transfer-Encoding: base64\n"
        "Content-Disposition: attachment;\n filename*0*=utf-8''%E1%BA%A2nh%20ch%E1%BB%A5p;\n"
        f" filename*1*=%20l%E1%BB%97i.png\n\n{PNG_1PX}\n--b--\n",
    ), attachments=["Ảnh chụp lỗi.png"])


def attachments():
    cat = "attachments"
    add("att_20mb", cat, "created", build=True, attachments=["nhat-ky-he-thong.log"],
        description_contains="nhật ký")
    parts = "".join(
        f'--b\nContent-Type: image/png; name="shot{i:02d}.png"\nContent-Transfer-Encoding: base64\n'
        f'Content-Disposition: attachment; filename="shot{i:02d}.png"\n\n{PNG_1PX}\n'
        for i in range(40)
    )
    add("att_forty_screenshots", cat, "created", raw_message(
        std_headers(mid("att-forty"), subject="Forty screenshots attached") + [
            ("Content-Type", 'multipart/mixed; boundary="b"')],
        f"--b\nContent-Type: text/plain; charset=utf-8\n\n{VI_TEXT}\n{parts}--b--\n"),
        attachments_count=40, missing_info="")
    for slug, filename in (("att_path_traversal", "../../../../etc/passwd"),
                           ("att_long_filename", "a" * 400 + ".png"),
                           ("att_windows_path", "C:\\Users\\An\\Desktop\\l\u1ed7i.png")):
        add(slug, cat, "created", raw_message(
            std_headers(mid(slug.replace("_", "-")), subject=f"Attachment {slug}") + [
                ("Content-Type", 'multipart/mixed; boundary="b"')],
            f"--b\nContent-Type: text/plain; charset=utf-8\n\n{VI_TEXT}\n--b\n"
            f'Content-Type: image/png\nContent-Transfer-Encoding: base64\n'
            f'Content-Disposition: attachment; filename="{filename}"\n\n{PNG_1PX}\n--b--\n'),
            attachments_count=1)
    add("att_no_filename", cat, "created", raw_message(
        std_headers(mid("att-noname"), subject="Attachment without a file name") + [
            ("Content-Type", 'multipart/mixed; boundary="b"')],
        f"--b\nContent-Type: text/plain; charset=utf-8\n\n{VI_TEXT}\n--b\n"
        f"Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n"
        f"Content-Disposition: attachment\n\nAAECAwQFBgcICQ==\n--b--\n"), attachments_count=1)
    add("att_only_no_text", cat, "created", raw_message(
        std_headers(mid("att-only"), subject="Only a screenshot, no text") + [
            ("Content-Type", 'image/png; name="man-hinh.png"'), ("Content-Transfer-Encoding", "base64"),
            ("Content-Disposition", 'attachment; filename="man-hinh.png"')], PNG_1PX + "\n"),
        attachments=["man-hinh.png"])


def big_attachment(size=20 * 1024 * 1024):
    """The 20 MB message (built at test time, never stored)."""
    payload = (b"2026-11-27 09:15:00 ERROR toperp.account: cannot print invoice INV/2026/0042\n" * (
        size // 78 + 1))[:size]
    body = (
        "--big\nContent-Type: text/plain; charset=utf-8\n\n"
        "Gửi anh chị file nhật ký hệ thống khi bấm In hóa đơn thì báo lỗi.\n--big\n"
        'Content-Type: text/x-log; name="nhat-ky-he-thong.log"\nContent-Transfer-Encoding: base64\n'
        'Content-Disposition: attachment; filename="nhat-ky-he-thong.log"\n\n'
    ).encode() + base64.encodebytes(payload) + b"--big--\n"
    return raw_message(std_headers(mid("att-20mb"), subject="Nhật ký lỗi 20 MB khi in hóa đơn") + [
        ("Content-Type", 'multipart/mixed; boundary="big"')], body)


def nested():
    cat = "nested_rfc822"
    inner = raw_message(
        [("From", '"Kế toán" <ketoan@hoasen.vn>'), ("To", A), ("Subject", "Hóa đơn bị lỗi"), ("Date", DATE),
         ("Message-ID", mid("inner-1")), ("Content-Type", "text/plain; charset=utf-8")],
        "Anh An ơi, hóa đơn INV/2026/0042 không in được.").decode()
    add("rfc822_forwarded", cat, "created", raw_message(
        std_headers(mid("rfc822-fwd"), subject="Fwd: Hóa đơn bị lỗi") + [
            ("Content-Type", 'multipart/mixed; boundary="f"')],
        f"--f\nContent-Type: text/plain; charset=utf-8\n\nEm chuyển tiếp thư của kế toán.\n--f\n"
        f"Content-Type: message/rfc822\n\n{inner}\n--f--\n"))
    inner2 = raw_message(
        [("From", A), ("To", "boss@hoasen.vn"), ("Subject", "Fwd: Hóa đơn bị lỗi"), ("Message-ID", mid("inner-2")),
         ("Content-Type", 'multipart/mixed; boundary="g"')],
        f"--g\nContent-Type: text/plain\n\nsee below\n--g\nContent-Type: message/rfc822\n\n{inner}\n--g--\n").decode()
    add("rfc822_double_nested", cat, "created", raw_message(
        std_headers(mid("rfc822-double"), subject="Fwd: Fwd: Hóa đơn bị lỗi") + [
            ("Content-Type", 'multipart/mixed; boundary="h"')],
        f"--h\nContent-Type: text/plain\n\nforwarding twice\n--h\nContent-Type: message/rfc822\n\n{inner2}\n--h--\n"))
    add("rfc822_only_part", cat, "created", raw_message(
        std_headers(mid("rfc822-only"), subject="Fwd: only the attached message") + [
            ("Content-Type", "message/rfc822")], inner))
    add("rfc822_broken_inner", cat, "created", raw_message(
        std_headers(mid("rfc822-broken"), subject="Fwd: broken inner message") + [
            ("Content-Type", 'multipart/mixed; boundary="f"')],
        "--f\nContent-Type: text/plain\n\nbroken inner below\n--f\nContent-Type: message/rfc822\n\n"
        "Subject =?utf-8?B?!!!\nContent-Type: multipart/mixed; boundary=\n\n--\n--f--\n"))
    auto_inner = raw_message(
        [("From", "noreply@bank.example"), ("Auto-Submitted", "auto-generated"), ("Precedence", "bulk"),
         ("Subject", "Sao kê tài khoản"), ("Message-ID", mid("inner-auto")), ("Content-Type", "text/plain")],
        "statement").decode()
    add("rfc822_inner_is_automatic", cat, "created", raw_message(
        std_headers(mid("rfc822-auto-inner"), subject="Fwd: bank statement import fails") + [
            ("Content-Type", 'multipart/mixed; boundary="f"')],
        f"--f\nContent-Type: text/plain; charset=utf-8\n\n{VI_TEXT}\n--f\n"
        f"Content-Type: message/rfc822\n\n{auto_inner}\n--f--\n"), partner="a")


def tnef():
    cat = "tnef"
    # A TNEF stream starts with the signature 0x223E9F78; the rest is opaque to us.
    blob = base64.encodebytes(b"\x78\x9f\x3e\x22\x01\x00" + bytes(range(256)) * 8).decode()
    for i, (slug, extra) in enumerate((("tnef_winmail", ""), ("tnef_only_part", None), ("tnef_plus_html", "html"))):
        if extra is None:
            raw = raw_message(std_headers(mid(slug), subject="Outlook winmail.dat only") + [
                ("Content-Type", 'application/ms-tnef; name="winmail.dat"'),
                ("Content-Transfer-Encoding", "base64"),
                ("Content-Disposition", 'attachment; filename="winmail.dat"')], blob)
        else:
            text = (f"--t\nContent-Type: text/html; charset=utf-8\n\n<p>{VI_TEXT}</p>\n" if extra
                    else f"--t\nContent-Type: text/plain; charset=utf-8\n\n{VI_TEXT}\n")
            raw = raw_message(std_headers(mid(slug), subject=f"Outlook message {i}") + [
                ("Content-Type", 'multipart/mixed; boundary="t"')],
                text + '--t\nContent-Type: application/ms-tnef; name="winmail.dat"\n'
                'Content-Transfer-Encoding: base64\nContent-Disposition: attachment; filename="winmail.dat"\n\n'
                + blob + "--t--\n")
        add(slug, cat, "created", raw, attachments=["winmail.dat"])


def empty():
    cat = "empty"
    add("empty_body", cat, "created", raw_message(
        std_headers(mid("empty-body"), subject="Empty body message") + [("Content-Type", "text/plain")], ""),
        missing_info="steps evidence")
    add("empty_headers_only", cat, "created",
        b"From: " + A.encode() + b"\nTo: " + ALIAS.encode() + b"\nSubject: Headers only no blank line\n"
        b"Message-ID: <empty-hdr-only@mail.hoasen.vn>")
    add("empty_whitespace_body", cat, "created", raw_message(
        std_headers(mid("empty-ws"), subject="Whitespace only") + [("Content-Type", "text/plain")],
        " \n\t\n   \n\n"))
    add("empty_multipart_parts", cat, "created", raw_message(
        std_headers(mid("empty-parts"), subject="Empty parts")
        + [("Content-Type", 'multipart/alternative; boundary="e"')],
        "--e\nContent-Type: text/plain\n\n\n--e\nContent-Type: text/html\n\n\n--e--\n"))
    add("empty_subject_and_body", cat, "created", raw_message(
        [("From", A), ("To", ALIAS), ("Subject", ""), ("Message-ID", mid("empty-all"))], ""),
        name="(no subject)")
    add("empty_html_skeleton", cat, "created", raw_message(
        std_headers(mid("empty-html"), subject="Empty HTML skeleton") + [("Content-Type", "text/html")],
        "<html><head><style>p{}</style></head><body>   </body></html>"))


def html_scripts():
    cat = "html_script"
    samples = {
        "script_tag": "<script>alert('xss')</script>",
        "img_onerror": "<img src=x onerror=\"alert('xss')\">",
        "javascript_href": "<a href=\"javascript:alert('xss')\">bấm vào đây</a>",
        "iframe": "<iframe src=\"https://evil.example/\"></iframe>",
        "svg_onload": "<svg onload=\"alert('xss')\"><circle r=\"1\"/></svg>",
        "body_onload": "</p><body onload=\"alert('xss')\">",
        "script_uppercase_split": "<SCRIPT>al\nert('xss')</SCRIPT><scr<script>ipt>alert('xss')</script>",
    }
    for slug, payload in samples.items():
        html = (f"<html><head><script>alert('head')</script></head><body><p>{VI_TEXT}</p>{payload}"
                f"<p>Trân trọng</p></body></html>")
        add(f"html_{slug}", cat, "created", raw_message(
            std_headers(mid(f"html-{slug}"), subject=f"HTML only: {slug}") + [
                ("Content-Type", "text/html; charset=utf-8")], html),
            description_contains="bấm nút In", description_excludes=SCRIPT_MARKERS)
    add("html_script_in_subject", cat, "created", raw_message(
        std_headers(mid("html-subj"), subject="<script>alert('xss')</script> Lỗi in hóa đơn") + [
            ("Content-Type", "text/html; charset=utf-8")], f"<p>{VI_TEXT}</p>"),
        description_excludes=SCRIPT_MARKERS)


def long_subjects():
    cat = "long_subject"
    words = ("lỗi in hóa đơn khách hàng " * 400)[:10000]
    add("long_subject_ascii_10k", cat, "created", raw_message(
        std_headers(mid("long-ascii"), subject_raw="Invoice " + "x" * 9992) + [("Content-Type", "text/plain")],
        VI_TEXT), name_length=10000)
    encoded = "\n ".join(b64_word(words[i:i + 30]) for i in range(0, len(words), 30))
    add("long_subject_vietnamese_10k", cat, "created", raw_message(
        std_headers(mid("long-vi"), subject_raw=encoded) + [("Content-Type", "text/plain")], VI_TEXT),
        name_length=10000)
    add("long_subject_unfolded_line", cat, "created", raw_message(
        std_headers(mid("long-unfolded"), subject_raw=("Không in được " * 800).strip()) + [
            ("Content-Type", "text/plain")], VI_TEXT))
    add("long_subject_control_chars", cat, "created", raw_message(
        std_headers(mid("long-ctrl"), subject_raw=b64_word("Lỗi\x00\x07\x1b[31m in\thóa\x0bđơn" * 50)) + [
            ("Content-Type", "text/plain")], VI_TEXT))


def auto_replies():
    cat = "auto_reply"
    cases = [
        ("auto_submitted_auto_replied", [("Auto-Submitted", "auto-replied")]),
        ("auto_submitted_auto_generated", [("Auto-Submitted", "auto-generated")]),
        ("auto_submitted_uppercase", [("Auto-Submitted", "AUTO-REPLIED; owner-email=an@hoasen.vn")]),
        ("x_autoreply", [("X-Autoreply", "yes")]),
        ("x_autorespond", [("X-Autorespond", "Đang nghỉ phép")]),
        ("precedence_bulk", [("Precedence", "bulk")]),
        ("precedence_junk", [("Precedence", "junk")]),
        ("precedence_list", [("Precedence", "list")]),
        ("list_id", [("List-Id", "<khuyenmai.hoasen.vn>")]),
        ("list_unsubscribe", [("List-Unsubscribe", "<mailto:unsub@hoasen.vn>")]),
    ]
    for slug, extra in cases:
        add(f"auto_new_{slug}", cat, "rejected", plain(
            mid(f"auto-{slug}"), subject="Tự động trả lời: Đang nghỉ phép đến 30/11", extra=extra),
            reason="automatic")
    add("auto_new_noreply_sender", cat, "rejected", plain(
        mid("auto-noreply", "zalo.example"), sender='"Hệ thống" <no-reply@zalo.example>',
        subject="Thông báo tự động"), reason="automatic")
    add("auto_new_donotreply_name", cat, "rejected", plain(
        mid("auto-dnr", "bank.example"), sender='"Ngân hàng <alerts@bank.example>" <donotreply@bank.example>',
        subject="Biến động số dư"), reason="automatic")
    for slug, extra in cases[:4]:
        add(f"auto_reply_to_seed_{slug}", cat, "threaded", plain(
            mid(f"auto-reply-{slug}"), subject="Tự động trả lời: Re: Không xuất được báo cáo công nợ",
            extra=extra + [("In-Reply-To", SEED_A), ("References", SEED_A)]),
            thread="seed_a", internal=True)
    # A person whose Outlook asks for no automatic answer gets none: the ticket is
    # created, no acknowledgement is sent.
    add("hdr_auto_response_suppress", "headers", "created", plain(
        mid("auto-suppress"), subject="Outlook asks for no auto-reply",
        extra=[("X-Auto-Response-Suppress", "All")]), partner="a", ack=False)


def bounces():
    cat = "bounce"
    dsn = ("--dsn\nContent-Type: text/plain\n\nDelivery to the following recipient failed permanently.\n"
           "--dsn\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.hoasen.vn\n\n"
           "Final-Recipient: rfc822; nobody@hoasen.vn\nAction: failed\nStatus: 5.1.1\n"
           "--dsn\nContent-Type: message/rfc822\n\nFrom: support@toperp.vn\nTo: nobody@hoasen.vn\n"
           "Subject: [HD00001] ack\nMessage-ID: <ack-lost@toperp.vn>\n\nack\n--dsn--\n")
    ct = [("Content-Type", 'multipart/report; report-type=delivery-status; boundary="dsn"')]
    add("bounce_dsn_to_alias", cat, "rejected", raw_message(
        std_headers(mid("bounce-1", "mx.hoasen.vn"), sender="Mail Delivery System <MAILER-DAEMON@mx.hoasen.vn>",
                    subject="Undelivered Mail Returned to Sender") + ct, dsn), reason="bounce")
    add("bounce_dsn_to_bounce_alias", cat, "rejected", raw_message(
        std_headers(mid("bounce-2", "mx.hoasen.vn"), sender="postmaster@mx.hoasen.vn",
                    to="bounce@toperp.vn", subject="Delivery Status Notification (Failure)") + ct, dsn),
        reason="bounce")
    add("bounce_dsn_from_normal_looking", cat, "rejected", raw_message(
        std_headers(mid("bounce-3", "mx.hoasen.vn"), sender='"Hệ thống thư" <he-thong@hoasen.vn>',
                    subject="Thư không gửi được") + ct, dsn), reason="bounce")
    add("bounce_mailer_daemon_plain", cat, "rejected", plain(
        mid("bounce-4", "mx.hoasen.vn"), sender="MAILER-DAEMON@mx.hoasen.vn", subject="failure notice",
        text="Sorry, I couldn't deliver your message."), reason="bounce")
    add("bounce_postmaster_plain", cat, "rejected", plain(
        mid("bounce-5", "mx.hoasen.vn"), sender="Postmaster <postmaster@hoasen.vn>", subject="Returned mail",
        text="Mailbox full."), reason="automatic")
    add("bounce_dsn_to_seed_thread", cat, "rejected", raw_message(
        std_headers(mid("bounce-6", "mx.hoasen.vn"), sender="MAILER-DAEMON@mx.hoasen.vn",
                    subject="Undeliverable: Re: Không xuất được báo cáo công nợ",
                    extra=[("In-Reply-To", SEED_A)]) + ct, dsn), reason="bounce")


def loops():
    cat = "mail_loop"
    for slug, sender in (("loop_from_alias", f'"TopERP Support" <{ALIAS}>'),
                         ("loop_from_alias_uppercase", "SUPPORT@TopERP.vn"),
                         ("loop_from_notifications", "notifications@toperp.vn"),
                         ("loop_from_catchall", "catchall@toperp.vn")):
        add(slug, cat, "rejected", plain(mid(slug, "toperp.vn"), sender=sender,
                                         subject="[HD00001] Chúng tôi đã nhận được yêu cầu của anh chị"),
            reason="own-address")
    add("loop_own_alias_reply_to_seed", cat, "rejected", plain(
        mid("loop-alias-reply", "toperp.vn"), sender=ALIAS, subject="Re: Không xuất được báo cáo công nợ",
        extra=[("In-Reply-To", SEED_A)]), reason="own-address")
    add("loop_reply_to_loop_bounce", cat, "rejected", plain(
        mid("loop-bounce-reply"), subject="Re: your message could not be delivered",
        extra=[("References", "<123.456-loop-detection-bounce-email@toperp.vn>")]), reason="bounce-loop")


def spoofing():
    cat = "spoofed_from"
    # A's address, sent from elsewhere, quoting B's ticket number: a new ticket for the
    # claimed sender, never merged into B's ticket by subject.
    add("spoof_a_from_elsewhere_subject_of_b", cat, "created", plain(
        mid("spoof-1", "evil.example"), subject="Re: [HD00002] Lỗi đồng bộ tồn kho giữa hai chi nhánh",
        extra=[("Return-Path", "<attacker@evil.example>"),
               ("Received", "from evil.example (203.0.113.66) by mx.toperp.vn; " + DATE)]), partner="a")
    # A (or someone using A's address) replies into B's thread: kept out of B's sight.
    add("spoof_a_replies_into_b_thread", cat, "threaded", plain(
        mid("spoof-2", "evil.example"), subject="Re: Lỗi đồng bộ tồn kho giữa hai chi nhánh",
        extra=[("In-Reply-To", SEED_B), ("References", SEED_B), ("Return-Path", "<attacker@evil.example>")]),
        thread="seed_b", internal=True)
    add("spoof_stranger_replies_into_a_thread", cat, "threaded", plain(
        mid("spoof-3", "evil.example"), sender='"Nguyễn Văn An" <an.nguyen@hoasen-support.example>',
        subject="Re: Không xuất được báo cáo công nợ", extra=[("In-Reply-To", SEED_A)]),
        thread="seed_a", internal=True)
    add("spoof_b_with_a_display_name", cat, "created", plain(
        mid("spoof-4", "mail.sonha.com.vn"), sender=f'"Nguyễn Văn An" <{B_ADDR}>',
        subject="Display name of another customer"), partner="b")
    add("spoof_a_with_reply_to_attacker", cat, "created", plain(
        mid("spoof-5", "evil.example"), subject="Please answer to my other address",
        extra=[("Reply-To", "attacker@evil.example")]), partner="a", ack_to="a")
    add("spoof_sender_header_differs", cat, "created", plain(
        mid("spoof-6", "evil.example"), subject="Sender header differs from From",
        extra=[("Sender", "attacker@evil.example")]), partner="a")


def threading_cases():
    cat = "threading"
    add("reply_in_reply_to", cat, "threaded", plain(
        mid("reply-1"), subject="Re: Không xuất được báo cáo công nợ", text="Em gửi thêm ảnh chụp màn hình.",
        extra=[("In-Reply-To", SEED_A)]), thread="seed_a", internal=False)
    add("reply_references_only", cat, "threaded", plain(
        mid("reply-2"), subject="Re: Không xuất được báo cáo công nợ",
        extra=[("References", f"<unknown-1@x.example> {SEED_A}")]), thread="seed_a", internal=False)
    add("reply_colleague_same_company", cat, "threaded", plain(
        mid("reply-3"), sender='"Trương Thị Lan" <lan.truong@hoasen.vn>',
        subject="Re: Không xuất được báo cáo công nợ", extra=[("In-Reply-To", SEED_A)]),
        thread="seed_a")
    add("reply_b_to_own_ticket", cat, "threaded", plain(
        mid("reply-4", "mail.sonha.com.vn"), sender=B, subject="Re: Lỗi đồng bộ tồn kho",
        extra=[("In-Reply-To", SEED_B)]), thread="seed_b", internal=False)
    add("reply_unknown_reference", cat, "created", plain(
        mid("reply-5"), subject="Re: something we never sent", extra=[("In-Reply-To", "<never-sent@toperp.vn>")]),
        partner="a")
    add("reply_subject_number_only", cat, "created", plain(
        mid("reply-6"), subject="Re: [HD00001] Không xuất được báo cáo công nợ"), partner="a")
    add("reply_many_references", cat, "threaded", plain(
        mid("reply-7"), subject="Re: Re: Re: báo cáo công nợ",
        extra=[("References", " ".join(f"<ref-{i}@x.example>" for i in range(300)) + " " + SEED_A)]),
        thread="seed_a")
    add("new_unknown_sender", cat, "created", plain(
        mid("new-1", "phuongdong.vn"), sender='"Lê Minh" <minh.le@phuongdong.vn>',
        subject="Không tạo được phiếu chi"), partner="new")
    add("misrouted_to_other_address", cat, "rejected", plain(
        mid("misrouted"), to="someone-else@hoasen.vn", subject="Not for support at all"), reason="no-route")
    add("to_catchall_only", cat, "rejected", plain(
        mid("to-catchall"), to="catchall@toperp.vn", subject="Written to the catchall"), reason="no-route")


def real_clients():
    """What real mail clients and servers send (issue 11)."""
    cat = "lost_headers"
    # Outlook/O365 and phones drop In-Reply-To/References: the reference in the subject
    # threads the reply, for the ticket's customer, a colleague of a company sharing its
    # tickets, or a follower; never for anybody else.
    add("outlook_reply_no_headers", cat, "threaded", plain(
        mid("outlook-1"), subject_raw="RE: [SEED_A_NUMBER] " + b64_word("Không xuất được báo cáo công nợ"),
        text="Em đã thử lại theo hướng dẫn, vẫn bị lỗi như cũ."), thread="seed_a", internal=False)
    add("mobile_reply_plain_number", cat, "threaded", plain(
        mid("mobile-1"), subject_raw="Re: SEED_A_NUMBER " + b64_word("Không xuất được báo cáo công nợ"),
        text="Gửi từ điện thoại: em bổ sung thêm thông tin."), thread="seed_a", internal=False)
    add("forwarded_number_colleague", cat, "threaded", plain(
        mid("fwd-1"), sender='"Trương Thị Lan" <lan.truong@hoasen.vn>',
        subject_raw="TR: #SEED_A_NUMBER " + b64_word("Không xuất được báo cáo công nợ"),
        text="Bên em vẫn chưa xuất được."),
        thread="seed_a", internal=False)
    add("stranger_quotes_number", cat, "created", plain(
        mid("stranger-number", "evil.example"), sender='"Kẻ lạ" <someone@evil.example>',
        subject_raw="RE: [SEED_A_NUMBER] " + b64_word("Không xuất được báo cáo công nợ"),
        text="Tôi muốn xem phiếu này."),
        partner="new")
    add("other_customer_quotes_number", cat, "created", plain(
        mid("b-number", "mail.sonha.com.vn"), sender=B,
        subject_raw="Re: [SEED_A_NUMBER] " + b64_word("Không xuất được báo cáo công nợ"), text=VI_TEXT), partner="b")
    cat = "cc_attack"
    # A stranger answers the customer's thread and copies an accomplice: the reply is an
    # internal note, nobody is subscribed; the accomplice's own reply then is a stranger's.
    add("stranger_reply_with_cc", cat, "threaded", plain(
        mid("cc-attack-1", "evil.example"), sender='"Kẻ lạ" <someone@evil.example>',
        subject="Re: Không xuất được báo cáo công nợ", text="Chuyển tiếp cho đồng nghiệp.",
        extra=[("In-Reply-To", SEED_A), ("Cc", "accomplice@evil.example")]),
        thread="seed_a", internal=True, followers_exclude=["someone@evil.example", "accomplice@evil.example"])
    add("ccd_stranger_replies", cat, "threaded", plain(
        mid("cc-attack-2", "evil.example"), sender="accomplice@evil.example",
        subject="Re: Không xuất được báo cáo công nợ", text="Cho tôi xem tài liệu.",
        extra=[("In-Reply-To", SEED_A)]),
        thread="seed_a", internal=True, followers_exclude=["accomplice@evil.example"])
    cat = "no_auto_reply"
    add("x_auto_response_suppress_oof", cat, "created", plain(
        mid("xars-2"), subject="Lỗi đồng bộ đơn hàng từ sàn thương mại điện tử",
        extra=[("X-Auto-Response-Suppress", "DR, RN, NRN, OOF, AutoReply")]), partner="a", ack=False)
    cat = "filler_steps"
    add("filler_words_only", cat, "created", plain(
        mid("filler-1"), subject="Lỗi phần mềm kế toán không mở được", text="Hệ thống bị lỗi, nhờ hỗ trợ gấp."),
        partner="a", missing_info="steps evidence")
    cat = "parser_crash"
    # Delivery reports whose MIME structure makes Odoo's bounce extraction raise
    # (AttributeError/IndexError in _message_parse_extract_bounce): kept for review.
    report = "multipart/report; report-type=delivery-status"
    for slug, ctype, body in (
        ("bounce_report_no_boundary", report, "Delivery to the following recipient failed permanently.\n"),
        ("bounce_report_boundary_unused", f'{report}; boundary="zzz"', "Delivery failed, no parts.\n"),
        ("bounce_report_empty", f'{report}; boundary="zzz"', ""),
    ):
        add(slug, cat, "quarantined", raw_message(
            std_headers(mid(slug, "mx.hoasen.vn"), sender="Mail Delivery System <MAILER-DAEMON@mx.hoasen.vn>",
                        subject="Undelivered Mail Returned to Sender") + [("Content-Type", ctype)], body),
            reason="error")
    add("report_from_person_no_boundary", cat, "quarantined", raw_message(
        std_headers(mid("report-person", "hoasen.vn"), sender='"Hệ thống thư" <he-thong@hoasen.vn>',
                    subject="Thư báo lỗi") + [("Content-Type", report)], "x\n"), reason="error")


def redeliveries():
    cat = "redelivery"
    add("redeliver_seed_a", cat, "rejected", plain(SEED_A, subject="Không xuất được báo cáo công nợ"),
        reason="duplicate")
    add("redeliver_seed_b_other_body", cat, "rejected", plain(
        SEED_B, sender=B, subject="Different subject, same Message-ID", text="changed body"), reason="duplicate")
    add("redeliver_created_with_blanks", cat, "rejected", raw_message(
        [("From", A), ("To", ALIAS), ("Message-ID", f"  {mid('mime-no-close')}  "),
         ("Subject", "Same id with blanks"), ("Content-Type", "text/plain")], VI_TEXT), reason="duplicate")
    add("redeliver_reply", cat, "rejected", plain(
        mid("reply-1"), subject="Re: Không xuất được báo cáo công nợ", text="Em gửi thêm ảnh chụp màn hình.",
        extra=[("In-Reply-To", SEED_A)]), reason="duplicate")
    add("redeliver_no_message_id", cat, "rejected", raw_message(
        [("From", A), ("To", ALIAS), ("Subject", "Missing Message-ID header entirely"),
         ("Content-Type", "text/plain; charset=utf-8")], VI_TEXT), reason="duplicate")
    add("redeliver_auto_reply", cat, "rejected", plain(
        mid("auto-reply-x_autoreply"), subject="Tự động trả lời: Re: Không xuất được báo cáo công nợ",
        extra=[("X-Autoreply", "yes"), ("In-Reply-To", SEED_A), ("References", SEED_A)]), reason="duplicate")


def build_all():
    ENTRIES.clear()
    for part in (seeds, broken_mime, headers_cases, charsets, rfc2047, attachments, nested, tnef, empty,
                 html_scripts, long_subjects, auto_replies, bounces, loops, spoofing, threading_cases,
                 real_clients, redeliveries):
        part()
    return ENTRIES


def build_message(name):
    """Raw bytes of a manifest entry that has ``build`` instead of a file."""
    if name == "att_20mb":
        return big_attachment()
    raise KeyError(name)


def expected_table(entries):
    """{category: Counter(outcome)} of the manifest entries."""
    table = {}
    for entry in entries:
        table.setdefault(entry["category"], Counter())[entry["expected"]] += 1
    return table


def format_table(table):
    outcomes = ("created", "threaded", "rejected", "quarantined")
    lines = [f"{'category':<16} " + " ".join(f"{o:>11}" for o in outcomes) + f" {'total':>6}"]
    totals = Counter()
    for category, counts in table.items():
        totals.update(counts)
        lines.append(f"{category:<16} " + " ".join(f"{counts[o]:>11}" for o in outcomes)
                     + f" {sum(counts.values()):>6}")
    lines.append(f"{'TOTAL':<16} " + " ".join(f"{totals[o]:>11}" for o in outcomes) + f" {sum(totals.values()):>6}")
    return "\n".join(lines)


def main(out_dir=HERE):
    entries = build_all()
    for old in out_dir.glob("*.eml"):
        old.unlink()
    manifest = []
    for entry, raw in entries:
        if entry["file"]:
            assert len(raw) < 1024 * 1024, entry["file"]
            (out_dir / entry["file"]).write_bytes(raw)
        manifest.append(entry)
    (out_dir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n",
                                           encoding="utf-8")
    print(format_table(expected_table(manifest)))
    print(f"{len(manifest)} messages written to {out_dir}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
