"""Helpers shared by the benchmark scripts of ``tests/perf`` (not a benchmark itself).

A benchmark script is run as ``$VENV/bin/python tests/perf/bench_<name>.py -c <odoo.conf>
-d <db>`` (see ``tests/perf/README.md``); the helpers here let it build throw-away
databases of its own beside ``<db>``: an Odoo configuration derived from ``-c`` with
extra addons directories, a fresh database with given modules, dropping it again.
"""

import configparser
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import odoo

LOG_ERROR = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (ERROR|CRITICAL) ", re.MULTILINE)


def cache_dir():
    """The project's cache directory, as ``setup/common.sh`` computes it."""
    if os.environ.get("TOPERP_CACHE_DIR"):
        return Path(os.environ["TOPERP_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "toperp-helpdesk"


def odoo_bin():
    """``odoo-bin`` of the Odoo tree the running interpreter imports ``odoo`` from."""
    path = Path(odoo.__file__).resolve().parent.parent / "odoo-bin"
    if not path.is_file():
        raise RuntimeError(f"no odoo-bin beside the odoo package ({path})")
    return path


def read_conf(path):
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(path)
    return parser


def derived_conf(base_conf, db, extra_addons=(), directory=None):
    """Write an Odoo configuration for ``db``: ``base_conf`` with ``extra_addons``
    appended to its addons path. Returns the path of the new file."""
    parser = read_conf(base_conf)
    options = parser["options"]
    paths = [p for p in options.get("addons_path", "").split(",") if p.strip()]
    paths += [str(p) for p in extra_addons]
    options["addons_path"] = ",".join(paths)
    options["db_name"] = db
    options["dbfilter"] = f"^{re.escape(db)}$"
    options["logfile"] = ""
    fd, path = tempfile.mkstemp(prefix=f"{db}.", suffix=".conf", dir=directory)
    with os.fdopen(fd, "w") as handle:
        parser.write(handle)
    return path


def pg_env(conf):
    """Environment for the PostgreSQL client tools, from an Odoo configuration."""
    options = read_conf(conf)["options"]
    env = dict(os.environ)
    for key, var in (("db_host", "PGHOST"), ("db_port", "PGPORT"), ("db_user", "PGUSER"),
                     ("db_password", "PGPASSWORD")):
        value = options.get(key, "")
        if value and value != "False":
            env[var] = value
    return env


def drop_db(conf, db):
    subprocess.run(["dropdb", "--if-exists", db], env=pg_env(conf), check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def psql(conf, db, query):
    """One-column result of ``query`` in ``db``, as a list of strings."""
    out = subprocess.run(["psql", "-d", db, "-Atc", query], env=pg_env(conf), check=True,
                         capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if line]


def has_modules(conf, db, modules):
    """Whether ``db`` exists with all ``modules`` installed."""
    try:
        installed = set(psql(conf, db, "select name from ir_module_module where state = 'installed'"))
    except subprocess.CalledProcessError:
        return False
    return set(modules) <= installed


def create_db(conf, db, modules, languages=()):
    """A fresh database ``db`` (dropped first) with ``modules`` installed, no demo data.

    Raises RuntimeError when Odoo logs an error or a module is not installed."""
    drop_db(conf, db)
    cmd = [sys.executable, str(odoo_bin()), "-c", conf, "-d", db, "-i", ",".join(modules),
           "--without-demo=all", "--stop-after-init", "--log-level=warn", "--logfile="]
    if languages:
        cmd.append("--load-language=" + ",".join(languages))
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    errors = LOG_ERROR.search(proc.stdout + proc.stderr)
    installed = set(psql(conf, db, "select name from ir_module_module where state = 'installed'"))
    missing = set(modules) - installed
    if errors or missing or proc.returncode:
        tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-40:])
        raise RuntimeError(f"installing {','.join(modules)} into {db} failed "
                           f"(missing: {sorted(missing)}):\n{tail}")


# Sample Vietnamese support e-mails shared by the benchmarks.
DOMAIN = "toperp.vn"
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng"]
GIVEN = ["Văn An", "Thị Bình", "Minh Châu", "Quốc Dũng", "Thu Hà", "Gia Huy", "Ngọc Lan", "Đức Long"]
SUBJECTS = [
    "Không đăng nhập được vào hệ thống",
    "Lỗi khi xuất hóa đơn điện tử",
    "Báo cáo tồn kho hiển thị sai số lượng",
    "Không in được phiếu xuất kho",
    "Hệ thống chạy rất chậm từ sáng nay",
    "Đồng bộ đơn hàng với sàn thương mại điện tử bị lỗi",
    "Cần hỗ trợ cấu hình bảng lương tháng này",
    "Lỗi 500 khi mở danh sách khách hàng",
]
BODY = (
    "<p>Chào đội hỗ trợ TopERP,</p>"
    "<p>Từ sáng nay chúng tôi gặp lỗi: {subject}.</p>"
    "<p>Các bước: vào menu Kế toán &gt; Hóa đơn, chọn hóa đơn số {number}, bấm Xác nhận.</p>"
    "<p>Đường dẫn: https://khach{company}.toperp.vn/odoo/action-{number}</p>"
    "<p>Mong các anh chị hỗ trợ sớm. Cảm ơn!</p><p>{name}<br/>Công ty Khách hàng {company}</p>"
)

def screenshot_png():
    """A small PNG that looks like a screenshot of an error page."""
    import io

    from PIL import Image, ImageDraw  # Odoo's own dependency

    image = Image.new("RGB", (320, 200), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, 310, 40), fill=(200, 30, 30))
    draw.text((20, 60), "Error 500", fill="black")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
