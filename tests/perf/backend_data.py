"""The data of ``bench_backend.py``: a support desk after three years, built by SQL.

Both sides (ours, ``toperp.helpdesk.ticket``; OCA's ``helpdesk.ticket``) get the same shape,
from the same deterministic draws (a hash of the ticket's number, no ``random()``): ticket
``n`` of ``N`` has the same customer, agent, severity/priority, stage, title, dates and SLA
deadlines on both sides. Run in a process of the side's database (``populate(env, side,
...)``), committed; the caller then runs ``VACUUM ANALYZE`` (what autovacuum does on a live
database).

- 2 000 customer companies with two contacts each (``res.partner``, parent store filled),
  tickets spread unevenly over them (a few big customers);
- 20 agents in 4 teams (the benchmark's agent is the first), each with open and closed
  tickets; a quarter of the New tickets unassigned;
- ``N`` tickets over three years; the open ones (``open_share`` of ``N``, 20 000 of a
  million) among the most recent 5 %: 25 % New, 50 % In Progress, 25 % Waiting; the others
  Solved (92 %) or Cancelled;
- severities Low 30 %, Medium 40 %, High 20 %, Critical 10 % (OCA: priorities 0 to 3);
- titles from a vocabulary (40 objects x 12 problems x 100 products: a product's name is in
  1 % of the titles), numbers ``HD<yy>-<n:07d>``;
- two SLA clocks per ticket (first response, resolution: ours ``toperp.helpdesk.sla.status``,
  OCA ``helpdesk.ticket.sla``), met or breached on closed tickets; on open ones 8 % breached,
  6 % due within 2 hours (warned), the others later, paused while waiting on the customer;
- five chatter messages on each ticket of the recent 5 % (the customer's e-mail, an internal
  note, the agent's answer, the customer's reply, the agent's follow-up).
"""

import time
from contextlib import contextmanager

from odoo import fields
from odoo.tools import SQL

PASSWORD = "bench-Backend-2026"
AGENT_LOGIN = "bench.agent.0"
COMPANIES = 2000
AGENTS = 20
TEAMS = ["Hỗ trợ SaaS", "Hỗ trợ On-Premise", "Customize", "Add-on"]
RECENT_SHARE = 0.05  # open tickets are among the most recent 5 %, which have messages
OPEN_IN_RECENT = 0.4
YEARS = 3
COMPANY_WORDS = ["Hoa Sen", "Minh Phát", "Thành Công", "Đại Việt", "Phú Thái", "An Khang", "Sao Mai",
                 "Bình Minh", "Việt Tiến", "Hưng Thịnh"]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng"]
GIVEN = ["Văn An", "Thị Bình", "Minh Châu", "Quốc Dũng", "Thu Hà", "Gia Huy", "Ngọc Lan", "Đức Long"]
OBJECTS = [
    "Hóa đơn điện tử", "Phiếu xuất kho", "Phiếu nhập kho", "Bảng lương", "Báo cáo tồn kho", "Đơn bán hàng",
    "Đơn mua hàng", "Sổ cái", "Báo cáo thuế GTGT", "Phiếu thu", "Phiếu chi", "Danh mục khách hàng",
    "Danh mục sản phẩm", "Bảng giá", "Chấm công", "Hợp đồng lao động", "Tài sản cố định", "Công nợ phải thu",
    "Công nợ phải trả", "Ngân sách", "Báo cáo doanh thu", "Lệnh sản xuất", "Định mức nguyên vật liệu",
    "Phiếu giao hàng", "Trả hàng", "Điểm bán lẻ POS", "Thẻ thành viên", "Khuyến mãi", "Email marketing",
    "Cổng thông tin khách hàng", "Trang web bán hàng", "Phân quyền người dùng", "Mẫu in", "Báo cáo quản trị",
    "Kê khai thuế TNCN", "Đối soát ngân hàng", "Tỷ giá ngoại tệ", "Kiểm kê kho", "Lịch bảo trì",
    "Phiếu yêu cầu",
]
PROBLEMS = [
    "không lưu được", "báo lỗi 500", "hiển thị sai số liệu", "chạy rất chậm", "không in được",
    "không đồng bộ", "mất dữ liệu sau khi cập nhật", "không gửi được email", "sai định dạng ngày",
    "cần hướng dẫn cấu hình", "không xuất được Excel", "bị khóa không sửa được",
]
PRODUCTS = [
    "MISA", "Zalo", "Shopee", "Lazada", "Tiki", "Sendo", "VNPT", "Viettel", "FPT", "Haravan",
    "Sapo", "KiotViet", "GHN", "GHTK", "Ninja Van", "Momo", "VNPay", "ZaloPay", "Vietcombank", "Techcombank",
    "BIDV", "Agribank", "VietinBank", "MB Bank", "ACB", "Sacombank", "TPBank", "VPBank", "HDBank", "OCB",
    "SHB", "SeABank", "Eximbank", "MSB", "Nam A", "Bac A", "PVcomBank", "LienVietPostBank", "ABBank", "BaoViet",
    "Windows", "macOS", "Ubuntu", "Chrome", "Firefox", "Safari", "Edge", "Android", "iOS", "iPad",
    "Excel", "Word", "Outlook", "Gmail", "Google Sheets", "OneDrive", "Dropbox", "Canon", "Epson", "Brother",
    "HP", "Xprinter", "Zebra", "Honeywell", "Sunmi", "PAX", "Ingenico", "Verifone", "Bkav", "Viettel CA",
    "VNPT CA", "FPT CA", "EasyCA", "NewCA", "CA2", "SmartSign", "eHoaDon", "M-Invoice", "S-Invoice", "VNPT Invoice",
    "Meinvoice", "Fast", "Bravo", "Effect", "SAP", "Oracle", "Odoo", "Salesforce", "HubSpot", "Slack",
    "Teams", "Zoom", "Skype", "Telegram", "Facebook", "TikTok Shop", "Amazon", "eBay", "Alibaba", "Grab",
]
# The product a title search looks for (1 % of the titles) and the customer a name
# search looks for (one company, its two contacts).
SEARCH_WORD = "Haravan"
SEARCH_CUSTOMER = f"{COMPANY_WORDS[7]} 0427"
# Ours: stages by key; OCA: their stage names (helpdesk_mgmt/data/helpdesk_data.xml).
OUR_STAGES = {"new": "stage_new", "progress": "stage_in_progress", "waiting": "stage_waiting",
              "solved": "stage_solved", "cancelled": "stage_cancelled"}
OCA_STAGES = {"new": "helpdesk_ticket_stage_new", "progress": "helpdesk_ticket_stage_in_progress",
              "waiting": "helpdesk_ticket_stage_awaiting", "solved": "helpdesk_ticket_stage_done",
              "cancelled": "helpdesk_ticket_stage_cancelled"}
SEVERITIES = ["low", "medium", "high", "critical"]


def recent_window(count, open_count):
    """How many of the most recent tickets hold the open ones (and have messages)."""
    return max(1, min(count, max(round(count * RECENT_SHARE), round(open_count / OPEN_IN_RECENT))))


def uniform(salt):
    """A deterministic draw in [0, 1) from the ticket number ``n`` (SQL)."""
    return SQL("((hashint8(n::bigint * 8 + %s)::float8 + 2147483648.0) / 4294967296.0)", salt)


def source(count, open_count, now):
    """The CTE ``src`` of every ticket's draws: one row per ticket number ``n``."""
    window = recent_window(count, open_count)
    open_p = min(1.0, open_count / window)
    step = YEARS * 365 * 86400 / count
    return SQL(
        """
        g AS (
            SELECT n, %(r1)s AS r1, %(r2)s AS r2, %(r3)s AS r3, %(r4)s AS r4, %(r5)s AS r5, %(r6)s AS r6
              FROM generate_series(1, %(count)s) n
        ), src AS (
            SELECT n, r1, r2, r3, r4, r5, r6,
                   %(now)s::timestamp - make_interval(secs => (%(count)s - n) * %(step)s + 600) AS created,
                   n > %(count)s - %(window)s AS recent,
                   n > %(count)s - %(window)s AND r1 < %(open_p)s AS is_open,
                   CASE WHEN r2 < 0.3 THEN 1 WHEN r2 < 0.7 THEN 2 WHEN r2 < 0.9 THEN 3 ELSE 4 END AS sev,
                   1 + floor(power(r3, 2) * %(contacts)s)::int AS contact,
                   1 + floor(r4 * %(agents)s)::int AS agent,
                   CASE WHEN n > %(count)s - %(window)s AND r1 < %(open_p)s THEN
                            CASE WHEN r5 < 0.25 THEN 'new' WHEN r5 < 0.75 THEN 'progress' ELSE 'waiting' END
                        ELSE CASE WHEN r5 < 0.92 THEN 'solved' ELSE 'cancelled' END END AS stage,
                   1 + mod(n, 4) AS channel,
                   (ARRAY[%(objects)s])[1 + mod(n, %(nb_objects)s)] || ' ' ||
                   (ARRAY[%(problems)s])[1 + floor(r6 * %(nb_problems)s)::int] || ' (' ||
                   (ARRAY[%(products)s])[1 + mod(floor(r6 * 1000000)::int, %(nb_products)s)] || ')' AS title,
                   mod(n * 37, 100) AS d
              FROM g
        ), t AS (
            SELECT src.*,
                   'HD' || to_char(created, 'YY') || '-' || lpad(n::text, 7, '0') AS number,
                   CASE WHEN stage = 'new' AND r4 < 0.25 THEN NULL ELSE agent END AS assignee,
                   -- nearest deadline of an open ticket: 8 in 100 breached, 6 due within 2 hours, the others later
                   CASE WHEN d < 8 THEN %(now)s::timestamp - make_interval(mins => 30 + d * 60)
                        WHEN d < 14 THEN %(now)s::timestamp + make_interval(mins => 10 + (d - 8) * 15)
                        ELSE %(now)s::timestamp + make_interval(hours => 3 + d) END AS deadline,
                   created + make_interval(hours => 2 + mod(n, 20)) AS closed_at
              FROM src
        )
        """,
        r1=uniform(1), r2=uniform(2), r3=uniform(3), r4=uniform(4), r5=uniform(5), r6=uniform(6),
        count=count, now=now, step=step, window=window, open_p=open_p,
        contacts=COMPANIES * 2, agents=AGENTS,
        objects=SQL(", ").join(OBJECTS), nb_objects=len(OBJECTS),
        problems=SQL(", ").join(PROBLEMS), nb_problems=len(PROBLEMS),
        products=SQL(", ").join(PRODUCTS), nb_products=len(PRODUCTS),
    )


# --- what both sides share: customers and agents ----------------------------------------

def insert_customers(env):
    """The customer companies and their contacts, by SQL; returns the contacts' ids in
    order (contact ``k`` of the draws is ``ids[k - 1]``)."""
    cr = env.cr
    lang = "vi_VN" if env["res.lang"]._lang_get("vi_VN") else "en_US"
    has_plan = "toperp_support_plan" in env["res.partner"]._fields
    extra_cols = SQL(", toperp_support_plan, toperp_support_suspended") if has_plan else SQL()
    extra_vals = SQL(", CASE WHEN mod(c, 5) = 0 THEN 'priority' ELSE 'standard' END, false") if has_plan else SQL()
    cr.execute(SQL(
        """
        INSERT INTO res_partner (name, complete_name, is_company, active, type, lang, email,
                                 create_uid, write_uid, create_date, write_date %(extra_cols)s)
        SELECT name, name, true, true, 'contact', %(lang)s, 'contact@khach' || c || '.vn',
               1, 1, now() at time zone 'UTC', now() at time zone 'UTC' %(extra_vals)s
          FROM (SELECT c, 'Công ty ' || (ARRAY['TNHH', 'CP', 'TNHH MTV', 'Cổ phần'])[1 + mod(c, 4)] || ' '
                       || (ARRAY[%(words)s])[1 + mod(c, %(nb_words)s)] || ' ' || lpad(c::text, 4, '0') AS name
                  FROM generate_series(1, %(count)s) c) s
         ORDER BY c
        RETURNING id
        """,
        extra_cols=extra_cols, extra_vals=extra_vals, lang=lang, words=SQL(", ").join(COMPANY_WORDS),
        nb_words=len(COMPANY_WORDS), count=COMPANIES,
    ))
    companies = sorted(row[0] for row in cr.fetchall())
    cr.execute(SQL(
        "UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)", companies,
    ))
    cr.execute(SQL(
        """
        INSERT INTO res_partner (name, complete_name, parent_id, commercial_partner_id, is_company,
                                 active, type, lang, email, create_uid, write_uid, create_date, write_date)
        SELECT person, p.name || ', ' || person, p.id, p.id, false, true, 'contact', p.lang,
               'lienhe' || k || '@khach' || c.i || '.vn', 1, 1, now() at time zone 'UTC', now() at time zone 'UTC'
          FROM unnest(%(companies)s::int[]) WITH ORDINALITY AS c(id, i)
          JOIN res_partner p ON p.id = c.id
         CROSS JOIN generate_series(0, 1) k
         CROSS JOIN LATERAL (SELECT (ARRAY[%(surnames)s])[1 + mod(c.i::int * 2 + k, %(nb_s)s)] || ' '
                                    || (ARRAY[%(given)s])[1 + mod(c.i::int * 3 + k, %(nb_g)s)] AS person) x
         ORDER BY c.i, k
        RETURNING id
        """,
        companies=companies, surnames=SQL(", ").join(SURNAMES), nb_s=len(SURNAMES),
        given=SQL(", ").join(GIVEN), nb_g=len(GIVEN),
    ))
    return sorted(row[0] for row in cr.fetchall())


def create_agents(env, groups, extra=None):
    """The 20 agents (internal users of ``groups``), Vietnamese, in Hanoi's time zone."""
    Users = env["res.users"].with_context(no_reset_password=True, tracking_disable=True, mail_create_nolog=True)
    lang = "vi_VN" if env["res.lang"]._lang_get("vi_VN") else "en_US"
    users = Users.create([{
        "name": f"Nhân viên Hỗ trợ {index:02d}",
        "login": f"bench.agent.{index}",
        "email": f"agent{index}@toperp.vn",
        "password": PASSWORD,
        "groups_id": [(6, 0, groups.ids)],
        "tz": "Asia/Ho_Chi_Minh",
        "lang": lang,
        **(extra or {}),
    } for index in range(AGENTS)])
    return users


@contextmanager
def bulk_load(cr, tables):
    """Insert into ``tables`` as a restore does: their secondary indexes dropped and built
    again at the end (a sorted build, minutes faster than a million index insertions), no
    foreign-key triggers (the data is consistent by construction). The same for both sides."""
    cr.execute(SQL(
        """
        SELECT indexname, indexdef FROM pg_indexes
         WHERE tablename = ANY(%s) AND indexname NOT IN (SELECT conname FROM pg_constraint)
        """,
        list(tables),
    ))
    indexes = cr.fetchall()
    for name, _definition in indexes:
        cr.execute(SQL("DROP INDEX %s", SQL.identifier(name)))
    cr.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        cr.execute("SET session_replication_role = DEFAULT")
        cr.execute("SET maintenance_work_mem = '512MB'")
        begin = time.perf_counter()
        for _name, definition in indexes:
            cr.execute(definition)
        cr.execute("RESET maintenance_work_mem")
        cr.bench_index_seconds = getattr(cr, "bench_index_seconds", 0) + time.perf_counter() - begin


def array(values):
    return SQL("ARRAY[%s]", SQL(", ").join(values))


# --- ours --------------------------------------------------------------------------------

def populate_ours(env, count, open_count, now, log):
    cr = env.cr
    contacts = insert_customers(env)
    agents = create_agents(env, env.ref("toperp_helpdesk.group_user"))
    teams = env["toperp.helpdesk.team"].create([
        {"name": name, "assign_method": "manual", "member_ids": [(6, 0, agents[i * 5:(i + 1) * 5].ids)],
         "manager_id": agents[i * 5].id}
        for i, name in enumerate(TEAMS)
    ])
    stages = {key: env.ref(f"toperp_helpdesk.{xmlid}") for key, xmlid in OUR_STAGES.items()}
    severities = [env.ref(f"toperp_helpdesk.severity_{code}") for code in SEVERITIES]
    has_sla = "sla_deadline" in env["toperp.helpdesk.ticket"]._fields
    policies = [env.ref(f"toperp_helpdesk_sla.sla_policy_{code}", raise_if_not_found=False) if has_sla else None
                for code in SEVERITIES]
    env.flush_all()
    with bulk_load(cr, ["toperp_helpdesk_ticket", "toperp_helpdesk_sla_status", "mail_message"]):
        insert_ours(env, count, open_count, now, log, contacts, agents, teams, stages, severities, policies)
        insert_messages(env, "toperp.helpdesk.ticket", "toperp_helpdesk_ticket", agents, count, open_count, env.uid)
    log("ours: indexes built in %.1f s", cr.bench_index_seconds)
    if "toperp.helpdesk.sla.report" in env:
        # What the report's insert trigger (off during the bulk load) does.
        begin = time.perf_counter()
        cr.execute(env["toperp.helpdesk.sla.report"]._fact_insert(SQL("toperp_helpdesk_sla_status"), lock=False))
        log("ours: %d SLA report facts inserted in %.1f s", cr.rowcount, time.perf_counter() - begin)
    return agents


def insert_ours(env, count, open_count, now, log, contacts, agents, teams, stages, severities, policies):
    cr = env.cr
    has_sla = "sla_deadline" in env["toperp.helpdesk.ticket"]._fields
    begin = time.perf_counter()
    stage_keys = list(stages)
    cr.execute(SQL(
        """
        WITH %(source)s
        INSERT INTO toperp_helpdesk_ticket
               (number, name, description, partner_id, commercial_partner_id, partner_email, support_plan,
                support_suspended, severity_id, severity_code, severity_rank, channel, company_id, team_id,
                user_id, stage_id, is_closed, is_complete, is_out_of_scope, has_evidence_attachment, ack_sent,
                reported_date, first_response_date, last_stage_update, close_date, access_token,
                create_uid, write_uid, create_date, write_date %(sla_cols)s)
        SELECT t.number, t.title,
               '<p>Các bước: vào menu, mở ' || t.title || ', bấm Lưu. Ảnh chụp màn hình đính kèm.</p>',
               p.id, p.commercial_partner_id, p.email, cp.toperp_support_plan, false,
               (%(sev_ids)s)[t.sev], (%(sev_codes)s)[t.sev], (%(sev_ranks)s)[t.sev],
               (ARRAY['email', 'portal', 'phone', 'portal'])[t.channel], %(company)s,
               CASE WHEN t.assignee IS NULL THEN (%(teams)s)[1 + floor(t.r4 * 4)::int]
                    ELSE (%(teams)s)[1 + (t.agent - 1) / 5] END,
               (%(agents)s)[t.assignee],
               (%(stage_ids)s)[array_position(%(stage_keys)s, t.stage)],
               NOT t.is_open, true, false, true, true,
               t.created, CASE WHEN t.stage != 'new' THEN t.created + interval '40 minutes' END,
               CASE WHEN t.is_open THEN t.created + interval '1 hour' ELSE t.closed_at END,
               CASE WHEN t.is_open THEN NULL ELSE t.closed_at END,
               md5('bench' || t.n), %(uid)s, %(uid)s, t.created, t.created %(sla_vals)s
          FROM t
          JOIN res_partner p ON p.id = (%(contacts)s)[t.contact]
          JOIN res_partner cp ON cp.id = p.commercial_partner_id
         ORDER BY t.n
        """,
        source=source(count, open_count, now),
        sla_cols=SQL(", sla_policy_id, sla_deadline, sla_state") if has_sla else SQL(),
        sla_vals=SQL(
            """, (%(policies)s)[t.sev],
               CASE WHEN t.stage IN ('new', 'progress') THEN t.deadline END,
               CASE WHEN t.stage = 'waiting' THEN 'paused'
                    WHEN t.is_open AND t.d < 8 THEN 'breached'
                    WHEN t.is_open AND t.d < 14 THEN 'at_risk'
                    WHEN t.is_open THEN 'on_track'
                    WHEN mod(t.n, 10) = 0 THEN 'breached' ELSE 'met' END""",
            policies=SQL("ARRAY[%s]::int[]", SQL(", ").join(p.id if p else None for p in policies)),
        ) if has_sla else SQL(),
        sev_ids=array([s.id for s in severities]), sev_codes=array([s.code for s in severities]),
        sev_ranks=array([s.sequence for s in severities]), company=env.company.id,
        teams=array(teams.ids), agents=array(agents.ids),
        stage_ids=array([stages[k].id for k in stage_keys]), stage_keys=SQL("ARRAY[%s]::text[]", SQL(", ").join(
            stage_keys)),
        contacts=SQL("%s::int[]", contacts), uid=env.uid,
    ))
    log("ours: %d tickets inserted in %.1f s", cr.rowcount, time.perf_counter() - begin)
    if has_sla:
        begin = time.perf_counter()
        cr.execute(SQL(
            """
            INSERT INTO toperp_helpdesk_sla_status
                   (ticket_id, policy_id, company_id, target, target_hours, warning_percent, calendar_id,
                    date_start, deadline, warning_date, next_check, reached_date, reached_hours, state,
                    paused_hours, pause_start, warned, escalated, create_uid, write_uid, create_date, write_date)
            SELECT x.id, x.sla_policy_id, x.company_id, x.target, x.hours, 80, x.calendar_id, x.reported_date,
                   x.deadline, x.deadline - make_interval(secs => x.hours * 720),
                   CASE WHEN x.state = 'running' THEN
                        CASE WHEN x.warned THEN x.deadline ELSE x.deadline - make_interval(secs => x.hours * 720) END
                   END,
                   x.reached, CASE WHEN x.reached IS NOT NULL THEN x.hours * 0.7 END, x.state, 0,
                   CASE WHEN x.state = 'paused' THEN x.last_stage_update END,
                   x.warned, x.state = 'breached', %(uid)s, %(uid)s, x.reported_date, x.reported_date
              FROM (
                SELECT tk.id, tk.sla_policy_id, tk.company_id, tk.reported_date, tk.last_stage_update,
                       pol.calendar_id, k.target,
                       CASE k.target WHEN 'first_response' THEN pol.first_response_hours
                                     ELSE pol.resolution_hours END AS hours,
                       CASE WHEN k.target = 'first_response' AND tk.first_response_date IS NOT NULL
                                THEN tk.first_response_date
                            WHEN NOT tk.is_closed THEN NULL
                            WHEN k.target = 'resolution' THEN tk.close_date
                            ELSE tk.reported_date + interval '30 minutes' END AS reached,
                       CASE WHEN tk.is_closed OR (k.target = 'first_response' AND tk.first_response_date IS NOT NULL)
                                THEN CASE WHEN tk.sla_state = 'breached' AND k.target = 'resolution' THEN 'breached'
                                          ELSE 'met' END
                            WHEN tk.sla_state = 'paused' THEN 'paused'
                            WHEN tk.sla_state = 'breached' THEN 'breached'
                            ELSE 'running' END AS state,
                       CASE WHEN NOT tk.is_closed AND tk.sla_state IN ('at_risk', 'breached') THEN true
                            ELSE false END AS warned,
                       CASE WHEN tk.sla_deadline IS NOT NULL AND k.target = 'first_response' THEN tk.sla_deadline
                            WHEN tk.sla_deadline IS NOT NULL THEN tk.sla_deadline + interval '20 hours'
                            WHEN NOT tk.is_closed THEN %(now)s::timestamp + interval '3 days'
                            ELSE tk.reported_date + make_interval(hours => CASE k.target
                                    WHEN 'first_response' THEN 4 ELSE 40 END) END AS deadline
                  FROM toperp_helpdesk_ticket tk
                  JOIN toperp_helpdesk_sla_policy pol ON pol.id = tk.sla_policy_id
                 CROSS JOIN (VALUES ('first_response'), ('resolution')) k(target)
                 WHERE tk.number LIKE %(prefix)s
              ) x
            """,
            uid=env.uid, now=now, prefix="HD%",
        ))
        log("ours: %d SLA clocks inserted in %.1f s", cr.rowcount, time.perf_counter() - begin)


# --- OCA ---------------------------------------------------------------------------------

def populate_oca(env, count, open_count, now, log):
    cr = env.cr
    contacts = insert_customers(env)
    agents = create_agents(env, env.ref("helpdesk_mgmt.group_helpdesk_user"))
    has_sla = "use_sla" in env["helpdesk.ticket.team"]._fields
    calendar = env.ref("resource.resource_calendar_std", raise_if_not_found=False)
    teams = env["helpdesk.ticket.team"].create([
        {"name": name, "user_ids": [(6, 0, agents[i * 5:(i + 1) * 5].ids)],
         **({"use_sla": True, "resource_calendar_id": calendar.id} if has_sla and calendar else {})}
        for i, name in enumerate(TEAMS)
    ])
    stages = {key: env.ref(f"helpdesk_mgmt.{xmlid}") for key, xmlid in OCA_STAGES.items()}
    channels = [env.ref(f"helpdesk_mgmt.helpdesk_ticket_channel_{name}", raise_if_not_found=False)
                for name in ("email", "web", "phone", "web")]
    slas = []
    if has_sla:
        slas = env["helpdesk.sla"].create([
            {"name": "Phản hồi đầu tiên", "team_ids": [(6, 0, teams.ids)], "hours": 4,
             "stage_id": stages["progress"].id, "ignore_stage_ids": [(6, 0, stages["waiting"].ids)]},
            {"name": "Giải quyết", "team_ids": [(6, 0, teams.ids)], "days": 2,
             "stage_id": stages["solved"].id, "ignore_stage_ids": [(6, 0, stages["waiting"].ids)]},
        ])
    env.flush_all()
    with bulk_load(cr, ["helpdesk_ticket", "helpdesk_ticket_sla", "mail_message"]):
        insert_oca(env, count, open_count, now, log, contacts, agents, teams, stages, channels, slas)
        insert_messages(env, "helpdesk.ticket", "helpdesk_ticket", agents, count, open_count, env.uid)
    log("oca: indexes built in %.1f s", cr.bench_index_seconds)
    return agents


def insert_oca(env, count, open_count, now, log, contacts, agents, teams, stages, channels, slas):
    cr = env.cr
    begin = time.perf_counter()
    stage_keys = list(stages)
    cr.execute(SQL(
        """
        WITH %(source)s
        INSERT INTO helpdesk_ticket
               (number, name, description, partner_id, commercial_partner_id, partner_name, partner_email,
                priority, channel_id, company_id, team_id, user_id, stage_id, unattended, active, sequence,
                kanban_state, color, last_stage_update, assigned_date, closed_date, access_token,
                create_uid, write_uid, create_date, write_date)
        SELECT t.number, t.title,
               '<p>Các bước: vào menu, mở ' || t.title || ', bấm Lưu. Ảnh chụp màn hình đính kèm.</p>',
               p.id, p.commercial_partner_id, p.name, p.email, (t.sev - 1)::text,
               (%(channels)s)[t.channel], %(company)s,
               CASE WHEN t.assignee IS NULL THEN (%(teams)s)[1 + floor(t.r4 * 4)::int]
                    ELSE (%(teams)s)[1 + (t.agent - 1) / 5] END,
               (%(agents)s)[t.assignee],
               (%(stage_ids)s)[array_position(%(stage_keys)s, t.stage)],
               (%(unattended)s)[array_position(%(stage_keys)s, t.stage)], true, 10, 'normal', 0,
               CASE WHEN t.is_open THEN t.created + interval '1 hour' ELSE t.closed_at END,
               CASE WHEN t.assignee IS NOT NULL THEN t.created + interval '40 minutes' END,
               CASE WHEN t.is_open THEN NULL ELSE t.closed_at END,
               md5('bench' || t.n), %(uid)s, %(uid)s, t.created, t.created
          FROM t
          JOIN res_partner p ON p.id = (%(contacts)s)[t.contact]
         ORDER BY t.n
        """,
        source=source(count, open_count, now),
        channels=SQL("ARRAY[%s]::int[]", SQL(", ").join(c.id if c else None for c in channels)),
        company=env.company.id, teams=array(teams.ids), agents=array(agents.ids),
        stage_ids=array([stages[k].id for k in stage_keys]),
        unattended=SQL("ARRAY[%s]::bool[]", SQL(", ").join(bool(stages[k].unattended) for k in stage_keys)),
        stage_keys=SQL("ARRAY[%s]::text[]", SQL(", ").join(stage_keys)),
        contacts=SQL("%s::int[]", contacts), uid=env.uid,
    ))
    log("oca: %d tickets inserted in %.1f s", cr.rowcount, time.perf_counter() - begin)
    if slas:
        begin = time.perf_counter()
        # The same two clocks as ours, in OCA's terms: accomplished (closed tickets, first
        # responses given), in progress with the same deadlines, on hold while waiting.
        cr.execute(SQL(
            """
            WITH %(source)s
            INSERT INTO helpdesk_ticket_sla
                   (ticket_id, sla_id, deadline, hours, expected_stage_id, consumed_time, last_state_date, state,
                    create_uid, write_uid, create_date, write_date)
            SELECT tk.id, (%(slas)s)[k.i], x.deadline, (ARRAY[4, 16])[k.i], (%(expected)s)[k.i], 0,
                   t.created, x.state, %(uid)s, %(uid)s, t.created, t.created
              FROM t
              JOIN helpdesk_ticket tk ON tk.number = t.number
             CROSS JOIN (VALUES (1), (2)) k(i)
             CROSS JOIN LATERAL (SELECT
                   CASE WHEN NOT t.is_open OR (k.i = 1 AND t.stage != 'new') THEN 'accomplished'
                        WHEN t.stage = 'waiting' THEN 'on_hold'
                        ELSE 'in_progress' END AS state,
                   CASE WHEN NOT t.is_open THEN t.created + make_interval(hours => (ARRAY[4, 40])[k.i])
                        WHEN t.stage IN ('new', 'progress') AND k.i = 1 THEN t.deadline
                        WHEN t.stage IN ('new', 'progress') AND t.stage = 'new' THEN t.deadline + interval '20 hours'
                        WHEN t.stage = 'progress' THEN t.deadline
                        ELSE %(now)s::timestamp + interval '3 days' END AS deadline) x
            """,
            source=source(count, open_count, now), slas=array([s.id for s in slas]),
            expected=array([stages["progress"].id, stages["solved"].id]), uid=env.uid, now=now,
        ))
        log("oca: %d SLA clocks inserted in %.1f s", cr.rowcount, time.perf_counter() - begin)


# --- chatter -----------------------------------------------------------------------------

def insert_messages(env, model, table, agents, count, open_count, uid):
    """Five messages on each of the recent tickets (``recent_window``)."""
    cr = env.cr
    begin = time.perf_counter()
    comment = env.ref("mail.mt_comment").id
    note = env.ref("mail.mt_note").id
    window = recent_window(count, open_count)
    cr.execute(SQL(
        """
        INSERT INTO mail_message
               (model, res_id, record_name, message_type, subtype_id, is_internal, author_id, email_from, body,
                subject, date, message_id, reply_to, create_uid, write_uid, create_date, write_date)
        SELECT %(model)s, tk.id, tk.name,
               (ARRAY['email', 'comment', 'comment', 'email', 'comment'])[k],
               (ARRAY[%(comment)s, %(note)s, %(comment)s, %(comment)s, %(comment)s])[k],
               k = 2,
               CASE WHEN k IN (1, 4) THEN tk.partner_id ELSE au.partner_id END,
               CASE WHEN k IN (1, 4) THEN p.email ELSE au.login || '@toperp.vn' END,
               (ARRAY['<p>Chào đội hỗ trợ, chúng tôi gặp lỗi: ' || tk.name || '. Các bước: vào menu, bấm Lưu.</p>',
                      '<p>Đã kiểm tra, chuyển nhóm kỹ thuật xử lý.</p>',
                      '<p>Chào anh/chị, bên em đã nhận yêu cầu và đang kiểm tra, sẽ phản hồi sớm.</p>',
                      '<p>Cảm ơn, chúng tôi gửi thêm ảnh chụp màn hình lỗi.</p>',
                      '<p>Bên em đã sửa lỗi, anh/chị vui lòng thử lại giúp em.</p>'])[k],
               CASE WHEN k = 1 THEN tk.name END,
               tk.create_date + make_interval(mins => (k - 1) * 47),
               '<bench-' || tk.id || '-' || k || '@toperp.vn>', NULL,
               %(uid)s, %(uid)s, tk.create_date, tk.create_date
          FROM (SELECT * FROM %(table)s ORDER BY id DESC LIMIT %(window)s) tk
          JOIN res_partner p ON p.id = tk.partner_id
          JOIN res_users au ON au.id = COALESCE(tk.user_id, %(agent)s)
         CROSS JOIN generate_series(1, 5) k
         ORDER BY tk.id, k
        """,
        model=model, table=SQL.identifier(table), comment=comment, note=note, window=window,
        agent=agents[0].id, uid=uid,
    ))
    return cr.rowcount, time.perf_counter() - begin


def populate(env, side, count, open_count, log):
    """Commit the side's data; returns {"agent": login, "open": open tickets}."""
    now = fields.Datetime.now()
    if side == "ours":
        populate_ours(env, count, open_count, now, log)
        table = "toperp_helpdesk_ticket"
        open_sql = "SELECT count(*) FROM toperp_helpdesk_ticket WHERE NOT is_closed"
    else:
        populate_oca(env, count, open_count, now, log)
        table = "helpdesk_ticket"
        open_sql = ("SELECT count(*) FROM helpdesk_ticket t JOIN helpdesk_ticket_stage s ON s.id = t.stage_id"
                    " WHERE NOT s.closed")
    env.cr.execute(SQL("SELECT count(*) FROM %s", SQL.identifier(table)))
    total = env.cr.fetchone()[0]
    env.cr.execute(open_sql)
    opened = env.cr.fetchone()[0]
    env.cr.execute("SELECT count(*) FROM mail_message WHERE message_id LIKE '<bench-%%'")
    messages = env.cr.fetchone()[0]
    env["ir.config_parameter"].sudo().set_param("bench_backend.tickets", str(count))
    env.cr.commit()
    return {"tickets": total, "open": opened, "messages": messages, "now": str(now)}
