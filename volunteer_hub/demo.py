"""Demo data: a believable slice of Shenzhen's organisation tree, staff and volunteers, and ~30 tasks.

Everything is created through the services, so the demo obeys the same rules as real use. One exception: a
shift already under way when the demo is seeded (new shifts must start in the future), so that service hours
can be walked through from the first start.
"""

from dataclasses import dataclass
from datetime import date, time, timedelta

import sqlalchemy as sa

from volunteer_hub.accounts import services as accounts
from volunteer_hub.accounts.models import User
from volunteer_hub.claims import services as claims
from volunteer_hub.core.timeutil import local_to_utc, now, to_local
from volunteer_hub.extensions import db
from volunteer_hub.orgs import services as orgs
from volunteer_hub.orgs.models import Organisation
from volunteer_hub.outbox.models import OutboxEvent
from volunteer_hub.rotas import services as rotas
from volunteer_hub.tasks import services as tasks
from volunteer_hub.tasks.models import Task
from volunteer_hub.teams import services as teams

PASSWORD = "Volunteer2020"

# (name, English name, lat, lon, children) — centroids are approximate WGS-84 coordinates; a community's
# children are its compounds (小区) as (name, English name). English names: pinyin + City/District/Subdistrict/
# Community, the usual rendering of Shenzhen's own English signage.
TREE = (
    "深圳市",
    "Shenzhen City",
    22.5431,
    114.0579,
    [
        (
            "龙华区",
            "Longhua District",
            22.6963,
            114.0448,
            [
                (
                    "民治街道",
                    "Minzhi Subdistrict",
                    22.6253,
                    114.0385,
                    [
                        (
                            "白石龙社区",
                            "Baishilong Community",
                            22.6108,
                            114.0346,
                            [("白石龙一区", "Baishilong Zone 1"), ("白石龙二区", "Baishilong Zone 2")],
                        ),
                        (
                            "民泰社区",
                            "Mintai Community",
                            22.6296,
                            114.0486,
                            [("民泰花园", "Mintai Garden"), ("锦绣江南", "Jinxiu Jiangnan")],
                        ),
                    ],
                ),
                (
                    "大浪街道",
                    "Dalang Subdistrict",
                    22.6756,
                    114.0188,
                    [
                        ("浪口社区", "Langkou Community", 22.6710, 114.0130, [("浪口新村", "Langkou New Village")]),
                    ],
                ),
            ],
        ),
        (
            "福田区",
            "Futian District",
            22.5410,
            114.0550,
            [
                (
                    "香蜜湖街道",
                    "Xiangmihu Subdistrict",
                    22.5500,
                    114.0250,
                    [
                        ("侨香社区", "Qiaoxiang Community", 22.5440, 114.0090, [("侨香村", "Qiaoxiang Village")]),
                    ],
                ),
            ],
        ),
        (
            "大鹏新区",
            "Dapeng New District",
            22.5930,
            114.4800,
            [
                (
                    "南澳街道",
                    "Nan'ao Subdistrict",
                    22.5320,
                    114.4780,
                    [
                        ("东山社区", "Dongshan Community", 22.5450, 114.5050, [("东山村", "Dongshan Village")]),
                    ],
                ),
            ],
        ),
        (
            "龙岗区",
            "Longgang District",
            22.7200,
            114.2470,
            [
                (
                    "南湾街道",
                    "Nanwan Subdistrict",
                    22.6150,
                    114.1280,
                    [
                        ("南岭村社区", "Nanlingcun Community", 22.6350, 114.1370, [("南岭花园", "Nanling Garden")]),
                    ],
                ),
            ],
        ),
        ("南山区", "Nanshan District", 22.5333, 113.9304, []),
        ("罗湖区", "Luohu District", 22.5484, 114.1315, []),
        ("宝安区", "Bao'an District", 22.5553, 113.8833, []),
        ("盐田区", "Yantian District", 22.5579, 114.2366, []),
        ("坪山区", "Pingshan District", 22.6908, 114.3461, []),
        ("光明区", "Guangming District", 22.7489, 113.9358, []),
    ],
)


@dataclass(frozen=True)
class DemoAccount:
    role: str
    phone: str
    name: str


ADMIN = DemoAccount("platform admin", "13800138000", "平台管理员")
ORGANIZER = DemoAccount("organizer, 白石龙社区", "13800138001", "王书记")
ORGANIZER_2 = DemoAccount("organizer, 民泰社区", "13800138002", "刘主任")
REVIEWER = DemoAccount("reviewer, 民治街道", "13800138003", "陈主任")
VOLUNTEER = DemoAccount("volunteer (Party member)", "13800138010", "李晓明")
VOLUNTEER_EN = DemoAccount("volunteer (English)", "13800138011", "Anna Schmidt")
VOLUNTEER_NIGHT = DemoAccount("volunteer (night shifts)", "13800138012", "张伟")
TEAM_LEADER = DemoAccount("team leader, 白石龙一区先锋队", "13800138020", "周晓东")
RESIDENT_EN = DemoAccount("resident asking for help (English)", "13800138030", "John Miller")
ACCOUNTS = (ADMIN, ORGANIZER, ORGANIZER_2, REVIEWER, VOLUNTEER, VOLUNTEER_EN, VOLUNTEER_NIGHT, TEAM_LEADER, RESIDENT_EN)

# The leader's team: (phone, name, birth year, availability). The young take the nights, as at the real gates.
ALL_WEEK = ["weekday_day", "weekday_night", "weekend_day", "weekend_night"]
DAYS_ONLY = ["weekday_day", "weekend_day"]
TEAM_MEMBERS = [
    ("13800138021", "赵磊", 1998, ALL_WEEK),
    ("13800138022", "孙悦", 2001, ALL_WEEK),
    ("13800138023", "钱进", 1995, ALL_WEEK),
    ("13800138024", "吴芳", 1988, DAYS_ONLY),
    ("13800138025", "郑浩", 2000, ALL_WEEK),
    ("13800138026", "冯丽", 1979, DAYS_ONLY),
    ("13800138027", "陈晨", 1999, ALL_WEEK),
    ("13800138028", "褚建国", 1968, DAYS_ONLY),
    ("13800138029", "卫东", 1993, ALL_WEEK),
    ("13800138040", "蒋琳", 1985, ["weekday_day", "weekend_day", "weekend_night"]),
    ("13800138041", "沈阳", 2002, ALL_WEEK),
    ("13800138042", "韩梅", 1990, DAYS_ONLY),
]
# The round-the-clock checkpoint the team can adopt: three 8-hour shifts a day, two people each, two weeks.
SERIES_DAYS = 14
SERIES_PATTERN = [
    {"start": "08:00", "end": "16:00", "capacity": 2},
    {"start": "16:00", "end": "24:00", "capacity": 2},
    {"start": "00:00", "end": "08:00", "capacity": 2},
]

DAY = (time(8, 0), time(20, 0))
NIGHT = (time(20, 0), time(8, 0))
MORNING = (time(9, 0), time(12, 0))
AFTERNOON = (time(14, 0), time(17, 30))

# (community, title, type, offset metres north/east of the centroid, skills, approval, [(day, band, places)])
TASKS = [
    (
        "白石龙社区",
        "白石龙一区东门卡口值守",
        "checkpoint",
        (120, 80),
        [],
        False,
        [(1, DAY, 4), (1, NIGHT, 3), (2, DAY, 4), (2, NIGHT, 3)],
    ),
    ("白石龙社区", "白石龙二区北门卡口值守", "checkpoint", (-150, 60), [], False, [(1, DAY, 3), (1, NIGHT, 2)]),
    ("白石龙社区", "楼栋公共区域消杀", "disinfection", (40, -90), [], False, [(1, MORNING, 6), (3, MORNING, 6)]),
    (
        "白石龙社区",
        "居家隔离住户代购配送",
        "delivery",
        (0, 0),
        ["driving"],
        False,
        [(1, AFTERNOON, 5), (2, AFTERNOON, 5)],
    ),
    ("白石龙社区", "外籍住户防疫政策英语翻译", "foreign_language", (60, 30), ["english"], False, [(2, AFTERNOON, 2)]),
    ("白石龙社区", "入户排查登记", "door_to_door", (-80, -40), [], True, [(1, MORNING, 8)]),
    (
        "民泰社区",
        "民泰花园南门卡口值守",
        "checkpoint",
        (90, 90),
        [],
        False,
        [(1, DAY, 4), (1, NIGHT, 2), (2, DAY, 4), (2, NIGHT, 2)],
    ),
    ("民泰社区", "社区居民测温登记", "temperature_check", (-60, 120), [], False, [(1, MORNING, 4), (2, MORNING, 4)]),
    ("民泰社区", "防疫知识宣传海报张贴", "publicity", (30, -30), ["photography"], False, [(3, AFTERNOON, 3)]),
    ("民泰社区", "居民心理疏导热线值守", "psychological_support", (0, 50), ["psychology"], True, [(2, AFTERNOON, 2)]),
    ("民泰社区", "锦绣江南物资搬运", "logistics", (-120, -60), [], False, [(1, AFTERNOON, 6)]),
    ("浪口社区", "浪口新村卡口值守", "checkpoint", (70, 40), [], False, [(1, DAY, 3), (1, NIGHT, 2)]),
    ("浪口社区", "出租屋入户排查", "door_to_door", (-40, 80), [], False, [(2, MORNING, 6)]),
    ("浪口社区", "老人药品代取", "delivery", (20, 20), [], False, [(1, AFTERNOON, 2)]),
    ("浪口社区", "垃圾站消杀", "disinfection", (-90, -20), [], False, [(2, MORNING, 3)]),
    ("侨香社区", "侨香村卡口值守", "checkpoint", (50, 50), [], False, [(1, DAY, 3), (1, NIGHT, 2)]),
    ("侨香社区", "外籍居民日语协助", "foreign_language", (-30, 60), ["japanese"], False, [(2, AFTERNOON, 1)]),
    ("侨香社区", "外籍居民韩语协助", "foreign_language", (-35, 65), ["korean"], False, [(3, AFTERNOON, 1)]),
    ("侨香社区", "社区物资分发", "logistics", (10, -70), [], False, [(1, MORNING, 5)]),
    ("侨香社区", "防疫宣传视频拍摄", "publicity", (0, 30), ["photography"], False, [(2, AFTERNOON, 2)]),
    ("东山社区", "东山村入口卡口值守", "checkpoint", (40, 40), [], False, [(1, DAY, 2), (1, NIGHT, 2)]),
    ("东山社区", "渔港区域消杀", "disinfection", (-80, 100), [], False, [(2, MORNING, 3)]),
    ("东山社区", "独居老人生活物资配送", "delivery", (30, -40), [], False, [(1, AFTERNOON, 2)]),
    ("东山社区", "居民健康信息登记", "temperature_check", (-20, -20), [], False, [(3, MORNING, 2)]),
    ("南岭村社区", "南岭花园卡口值守", "checkpoint", (60, -60), [], False, [(1, DAY, 4), (1, NIGHT, 3)]),
    ("南岭村社区", "核酸采样点秩序维护", "other", (-50, 50), [], False, [(2, MORNING, 6)]),
    ("南岭村社区", "隔离酒店医护协助", "other", (100, 20), ["medical", "nursing"], True, [(2, DAY, 2)]),
    ("南岭村社区", "线上心理支持", "psychological_support", (0, 0), ["psychology"], True, [(3, AFTERNOON, 2)]),
    ("南岭村社区", "社区信息系统录入", "other", (10, 10), ["it_support"], False, [(1, AFTERNOON, 2)]),
    ("南岭村社区", "手语志愿服务", "other", (-10, 40), ["sign_language"], False, [(3, MORNING, 1)]),
]

METRES_PER_DEGREE = 111_320


def seed() -> None:
    """Create the demo tree, accounts, roles, tasks and a few claims (expects an empty database)."""
    admin = accounts.create_admin(ADMIN.phone, PASSWORD, ADMIN.name)
    communities = _build_tree(admin, TREE, None)
    users = {a.phone: (admin if a is ADMIN else accounts.create_account(a.phone, a.name, PASSWORD)) for a in ACCOUNTS}
    street = communities["民治街道"]
    orgs.grant_role(admin, communities["白石龙社区"].id, users[ORGANIZER.phone].id, "organizer")
    orgs.grant_role(admin, communities["民泰社区"].id, users[ORGANIZER_2.phone].id, "organizer")
    orgs.grant_role(admin, street.id, users[REVIEWER.phone].id, "reviewer")
    bsl = communities["白石龙社区"]
    assert bsl.lat is not None and bsl.lon is not None  # the demo's communities have their centres
    accounts.update_profile(
        users[VOLUNTEER.phone],
        lat=bsl.lat + 0.004,
        lon=bsl.lon + 0.003,
        party_member=True,
        skills=["driving", "english"],
        home_org_id=bsl.id,
        birth_date=date(1992, 10, 1),
    )
    accounts.update_profile(
        users[VOLUNTEER_EN.phone], lat=bsl.lat - 0.003, lon=bsl.lon + 0.002, skills=["english", "german"], locale="en"
    )
    accounts.update_profile(
        users[VOLUNTEER_NIGHT.phone],
        lat=bsl.lat + 0.001,
        lon=bsl.lon - 0.004,
        availability=["weekday_night", "weekend_night", "weekend_day"],
        skills=["logistics"],
        birth_date=date(1996, 8, 12),
    )  # night shifts are for adults with a birth date
    posted = [_post(admin, communities, spec) for spec in TASKS]
    _seed_self_organisation(admin, users, bsl)
    _seed_shift_under_way(users[ORGANIZER.phone], users[VOLUNTEER.phone], bsl)
    _seed_short_shift(users[ORGANIZER.phone], bsl)
    _seed_relief_post(users, bsl)
    _seed_post_supplies(users[ORGANIZER.phone])
    _skip_matching_of_seeded_tasks()
    # A few volunteers already signed up, so rosters and "my shifts" are not empty.
    checkpoint = posted[0]
    claims.claim_shift(users[TEAM_MEMBERS[0][0]], checkpoint.shifts[0])
    claims.claim_shift(users[VOLUNTEER_NIGHT.phone], checkpoint.shifts[1])
    claims.claim_shift(users[VOLUNTEER_EN.phone], posted[4].shifts[0])
    # Demo numbers count as verified: they log in with a password, and with a code read from /dev/messages.
    db.session.execute(sa.update(User).values(phone_verified_at=now()))
    db.session.commit()


def _seed_self_organisation(admin, users, community) -> None:
    """A volunteer team of a compound with insured members, a round-the-clock checkpoint with a two-week shift
    series it can adopt, and a resident who asks for help in English."""
    insured_until = to_local(now()).date() + timedelta(days=365)
    leader = users[TEAM_LEADER.phone]
    accounts.update_profile(
        leader,
        lat=community.lat + 0.002,
        lon=community.lon + 0.001,
        home_org_id=community.id,
        party_member=True,
        show_party_badge=True,
        availability=DAYS_ONLY,
        birth_date=date(1984, 5, 4),
        insurance_provider="中国人民保险",
        insurance_valid_until=insured_until,
    )
    team = teams.found_team(
        leader,
        name="白石龙一区先锋队",
        org_id=community.id,
        description="白石龙一区居民自发组建，负责小区卡口和楼栋服务。",
    )
    for index, (phone, name, born, availability) in enumerate(TEAM_MEMBERS):
        member = accounts.create_account(phone, name, PASSWORD)
        accounts.update_profile(
            member,
            lat=community.lat + 0.001 * (index % 4),
            lon=community.lon - 0.001,
            home_org_id=community.id,
            availability=availability,
            birth_date=date(born, 3, 1),
            party_member=index % 3 == 0,
            show_party_badge=index % 3 == 0,
            insurance_provider="中国人民保险",
            insurance_valid_until=insured_until,
        )
        teams.join_by_code(member, team, team.invite_code)
        users[phone] = member
    first_day = to_local(now()).date() + timedelta(days=1)
    gate = tasks.post_task(
        users[ORGANIZER.phone],
        org_id=community.id,
        title="白石龙一区西门24小时卡口",
        type="checkpoint",
        description=_description("checkpoint"),
        lat=community.lat + 0.0012,
        lon=community.lon - 0.0008,
        address="白石龙一区西门",
        requires_insurance=True,
        shifts=[_shift(first_day, (time(8, 0), time(16, 0)), 2)],
    )
    rotas.create_series(
        users[ORGANIZER.phone],
        gate.id,
        from_date=first_day + timedelta(days=1),
        to_date=first_day + timedelta(days=SERIES_DAYS),
        daily=SERIES_PATTERN,
    )
    resident = users[RESIDENT_EN.phone]
    accounts.update_profile(
        resident, home_org_id=community.id, locale="en", lat=community.lat - 0.001, lon=community.lon + 0.001
    )
    # Anna hears about English-language help at any hour during the demo.
    accounts.update_profile(users[VOLUNTEER_EN.phone], quiet_hours=None)


def _seed_shift_under_way(organizer, volunteer, community) -> None:
    """A shift of the community that began an hour ago and runs three more, with the volunteer's place on it:
    check-in on site, check-out, the organizer's confirmation, "my hours", the reviewers' dashboard and a
    certificate can be walked through at once. Posted and claimed as a shift starting soon, then moved back an
    hour and a quarter."""
    soon = now().replace(second=0, microsecond=0) + timedelta(minutes=15)
    task = tasks.post_task(
        organizer,
        org_id=community.id,
        title="党群服务中心防疫物资清点",
        type="logistics",
        description=_description("logistics"),
        lat=community.lat + 40 / METRES_PER_DEGREE,
        lon=community.lon + 60 / METRES_PER_DEGREE,
        address="白石龙社区党群服务中心",
        shifts=[{"starts_at": soon, "ends_at": soon + timedelta(hours=4), "capacity": 4}],
    )
    shift = task.shifts[0]
    claims.claim_shift(volunteer, shift)
    shift.starts_at -= timedelta(minutes=75)
    shift.ends_at -= timedelta(minutes=75)
    task.refresh_schedule()  # the lists read "has a shift still to start" from it
    db.session.commit()


def _seed_post_supplies(organizer) -> None:
    """Issue 25: the shift under way's post keeps a supplies list with alert levels, so a handover with counts (by
    the volunteer once checked in: 交接班 on the check-in page) and the low-stock notice can be walked through."""
    from volunteer_hub.supplies import services as supplies

    task = db.session.execute(sa.select(Task).where(Task.title == "党群服务中心防疫物资清点")).scalar_one()
    for kind, count, low in (("masks", 200, 50), ("gloves", 100, 20), ("sanitizer", 6, 2), ("thermometers", 3, 1)):
        supplies.create_item(organizer, task, kind=kind, count=count, low_threshold=low)


def _seed_short_shift(organizer, community) -> None:
    """A shift of 王书记's community starting in an hour and a half with nobody on it yet: the roster offers the
    集结令 (call for help). The team's members accept urgent calls at night, so their pages (with the answer links)
    show in /dev/messages at any hour of the demo."""
    soon = now().replace(second=0, microsecond=0) + timedelta(minutes=90)
    tasks.post_task(
        organizer,
        org_id=community.id,
        title="白石龙地铁站口应急疏导",
        type="checkpoint",
        description=_description("checkpoint"),
        lat=community.lat + 30 / METRES_PER_DEGREE,
        lon=community.lon - 50 / METRES_PER_DEGREE,
        address="白石龙地铁站B出口",
        shifts=[{"starts_at": soon, "ends_at": soon + timedelta(hours=3), "capacity": 2}],
    )
    phones = ["+86" + phone for phone, *_ in TEAM_MEMBERS]
    db.session.execute(sa.update(User).where(User.phone.in_(phones)).values(urgent_in_quiet_hours=True))
    db.session.commit()


def _skip_matching_of_seeded_tasks() -> None:
    """The demo starts with quiet inboxes: the seeded tasks count as matched long ago, so the first task an
    organizer posts during the demo is the one volunteers hear about (within their daily budget)."""
    db.session.execute(
        sa.update(OutboxEvent)
        .where(OutboxEvent.job == "volunteer_hub.matching.jobs.match_task", OutboxEvent.done_at.is_(None))
        .values(dispatched_at=now(), done_at=now())
    )
    db.session.commit()


def _build_tree(actor, node, parent) -> dict[str, Organisation]:
    name, name_en, lat, lon, children = node
    kind = {0: "city", 1: "district", 2: "street", 3: "community"}[_depth(parent)]
    org = orgs.create_org(
        actor, name=name, name_en=name_en, kind=kind, parent_id=parent.id if parent else None, lat=lat, lon=lon
    )
    made = {name: org}
    if kind == "community":
        for compound, compound_en in children:
            orgs.create_org(
                actor, name=compound, name_en=compound_en, kind="compound", parent_id=org.id, lat=lat, lon=lon
            )
        committee = orgs.create_org(
            actor,
            name=f"{name}党委",
            name_en=f"{name_en} Party Committee",
            kind="party_committee",
            parent_id=org.id,
            lat=lat,
            lon=lon,
        )
        if name == "白石龙社区":
            orgs.create_org(
                actor,
                name="白石龙一区卡口临时党支部",
                name_en="Baishilong Zone 1 Checkpoint Temporary Party Branch",
                kind="party_branch",
                parent_id=committee.id,
                lat=lat,
                lon=lon,
                temporary=True,
            )
    else:
        for child in children:
            made |= _build_tree(actor, child, org)
    return made


def _depth(parent) -> int:
    return 0 if parent is None else len(parent.ancestor_ids)


def _post(actor, communities, spec):
    community, title, task_type, (north_m, east_m), skills, approval, shifts = spec
    org = communities[community]
    today = to_local(now()).date()
    return tasks.post_task(
        actor,
        org_id=org.id,
        title=title,
        type=task_type,
        description=_description(task_type),
        lat=org.lat + north_m / METRES_PER_DEGREE,
        lon=org.lon + east_m / METRES_PER_DEGREE,
        address=f"{community}{title[:6]}",
        required_skills=skills,
        requires_approval=approval,
        shifts=[_shift(today + timedelta(days=day), band, places) for day, band, places in shifts],
    )


def _shift(day: date, band: tuple[time, time], places: int) -> dict:
    start, end = band
    end_day = day + timedelta(days=1) if end <= start else day
    return {"starts_at": local_to_utc(day, start), "ends_at": local_to_utc(end_day, end), "capacity": places}


_DESCRIPTIONS = {
    "checkpoint": "在小区出入口核验通行码、测量体温、登记外来人员。请提前10分钟到岗，现场提供口罩和手套。",
    "disinfection": "对楼道、电梯、门把手等公共区域喷洒消毒。现场提供防护服和消毒液，请穿长袖。",
    "delivery": "为居家隔离住户代购生活物资并送到门口，无接触交付。",
    "foreign_language": "为外籍居民解释防疫政策、协助填写登记表。",
    "door_to_door": "按楼栋入户登记居住人员和健康情况，两人一组。",
    "temperature_check": "在社区服务点为居民测温并登记。",
    "psychological_support": "接听居民心理疏导热线，需具备心理咨询资质。",
    "publicity": "张贴和分发防疫宣传材料。",
    "logistics": "搬运和分发防疫物资。",
    "other": "按现场负责人安排开展服务。",
}


def _description(task_type: str) -> str:
    return _DESCRIPTIONS[task_type]


# --- issue 25: a post round the clock (the live staffing board and the relief alarm) -------------------------------

RELIEF_POST = "梅花山庄北门卡口值守"
RELIEF_ABSENT = ("13800138043", "杨帆")  # confirmed on the shift under way, not there


def _seed_relief_post(users: dict, community: Organisation) -> None:
    """A compound gate staffed in 6-hour shifts: an earlier shift ended (its handover written), the next one ended
    20 minutes ago and its two volunteers are still on the post, the shift under way began 20 minutes ago and nobody
    has checked in (one of its three places is confirmed), the next begins in under 6 hours. The board shows it red
    and the relief alarm fires on the job's first run; turning auto call-out on from the post's board then starts a
    call-out for the two free places (off at first, so the metro exit's call-out walk-through stays alone).
    Supplies (gloves below their threshold) and an open incident are on the post. Posted as four shifts starting
    soon and claimed, then moved back 12 h 35 min (like _seed_shift_under_way)."""
    from volunteer_hub.attendance.models import AttendanceEvent, AttendanceKind, AttendanceMethod
    from volunteer_hub.claims.models import Attendance
    from volunteer_hub.handovers.models import Handover, HandoverSupply
    from volunteer_hub.incidents.models import Incident, IncidentPerson
    from volunteer_hub.supplies.models import SupplyItem

    organizer = users[ORGANIZER.phone]
    assert community.lat is not None and community.lon is not None  # the demo's communities are placed
    soon = now().replace(second=0, microsecond=0) + timedelta(minutes=15)
    task = tasks.post_task(
        organizer,
        org_id=community.id,
        title=RELIEF_POST,
        type="checkpoint",
        description=_description("checkpoint"),
        lat=community.lat - 60 / METRES_PER_DEGREE,
        lon=community.lon + 80 / METRES_PER_DEGREE,
        address="梅花山庄北门",
        shifts=[
            {"starts_at": soon + timedelta(hours=6 * k), "ends_at": soon + timedelta(hours=6 * (k + 1)), "capacity": c}
            for k, c in enumerate((2, 2, 3, 2))
        ],
    )
    earlier, outgoing_shift, under_way, _next = task.shifts
    outgoing = [_member(users, i) for i in (1, 2)]
    outgoing_claims = [claims.claim_shift(member, outgoing_shift) for member in outgoing]
    # Confirmed, and not there when the shift starts: not one of the team, whom the call-outs page.
    absent = accounts.create_account(RELIEF_ABSENT[0], RELIEF_ABSENT[1], PASSWORD)
    accounts.update_profile(absent, home_org_id=community.id, birth_date=date(1991, 6, 1))
    claims.claim_shift(absent, under_way)
    back = timedelta(hours=12, minutes=35)
    for shift in task.shifts:
        shift.starts_at -= back
        shift.ends_at -= back
    task.refresh_schedule()
    for claim in outgoing_claims:
        claim.attendance = Attendance.PRESENT
        claim.checked_in_at = outgoing_shift.starts_at + timedelta(minutes=3)
        db.session.add(
            AttendanceEvent(
                claim_id=claim.id,
                kind=AttendanceKind.CHECK_IN,
                method=AttendanceMethod.QR,
                actor_id=claim.user_id,
                created_at=claim.checked_in_at,
            )
        )
    items = {
        kind: SupplyItem(
            task_id=task.id, kind=kind, count=count, low_threshold=low, updated_at=outgoing_shift.starts_at
        )
        for kind, count, low in (("masks", 180, 50), ("gloves", 12, 20), ("thermometers", 3, 1), ("sanitizer", 5, 2))
    }
    db.session.add_all(items.values())
    db.session.flush()
    handover = Handover(
        task_id=task.id,
        shift_id=earlier.id,
        author_id=organizer.id,
        notes="本班平稳，登记外来人员 7 人。北门道闸有一处松动，已报物业维修；手套只剩一盒，请补货。",
        created_at=earlier.ends_at - timedelta(minutes=5),
    )
    db.session.add(handover)
    db.session.flush()
    db.session.add_all(
        HandoverSupply(handover_id=handover.id, item_id=item.id, count=count)
        for item, count in ((items["masks"], 200), (items["gloves"], 20), (items["thermometers"], 3))
    )
    db.session.add(
        Incident(
            task_id=task.id,
            shift_id=outgoing_shift.id,
            reporter_id=outgoing[0].id,
            category="conflict",
            severity="medium",
            occurred_at=now() - timedelta(hours=2),
            description="一名外卖骑手不配合登记，与值守人员发生口角，已劝离，无人受伤。",
        )
    )
    # An injury on the outgoing shift, for the insurance packet (the organizer's incident page: 保险理赔材料).
    injury = Incident(
        task_id=task.id,
        shift_id=outgoing_shift.id,
        reporter_id=outgoing[1].id,
        category="injury",
        severity="medium",
        occurred_at=now() - timedelta(hours=1),
        description="搬运隔离栏时扭伤右脚踝，已冰敷，能坚持到接班，交班后去社康中心检查。",
    )
    db.session.add(injury)
    db.session.flush()
    db.session.add(IncidentPerson(incident_id=injury.id, user_id=outgoing[0].id))
    db.session.commit()


def _member(users: dict, index: int) -> User:
    return users[TEAM_MEMBERS[index][0]]
