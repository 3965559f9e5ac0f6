"""Every notification kind reads the same in both languages wherever its words are declared: each case was rendered
by the single central function before each domain declared the texts of the notifications it sends."""

from datetime import UTC, datetime

import pytest
import time_machine
from flask_babel import force_locale

from volunteer_hub.notifications.models import Notification
from volunteer_hub.notifications.texts import notification_text, render

SHIFT = {"task": "东门卡口值守", "starts_at": "2026-03-05T01:00:00+00:00", "ends_at": "2026-03-05T05:00:00+00:00"}
OVERNIGHT = {"task": "夜间巡逻", "starts_at": "2026-03-05T12:00:00+00:00", "ends_at": "2026-03-06T00:00:00+00:00"}
REASON = {**SHIFT, "reason": "暴雨预警"}
# (kind, params, zh, en): captured from the 41-case function before each domain declared its own texts.
TEXTS = [
    (
        "task_cancelled",
        REASON,
        "任务“东门卡口值守”已被组织者取消，你 明天 09:00–13:00 的名额已释放。原因：暴雨预警",
        "The task “东门卡口值守” was cancelled by the organizer; your place on Tomorrow 09:00–13:00 is released. "
        "Reason: 暴雨预警",
    ),
    (
        "task_cancelled",
        SHIFT,
        "任务“东门卡口值守”已被组织者取消，你 明天 09:00–13:00 的名额已释放。",
        "The task “东门卡口值守” was cancelled by the organizer; your place on Tomorrow 09:00–13:00 is released.",
    ),
    (
        "task_cancelled",
        OVERNIGHT,
        "任务“夜间巡逻”已被组织者取消，你 明天 20:00–次日 08:00 的名额已释放。",
        "The task “夜间巡逻” was cancelled by the organizer; your place on Tomorrow 20:00–next day 08:00 is released.",
    ),
    (
        "claim_promoted",
        SHIFT,
        "有名额空出：你已从候补转为正式，参加 明天 09:00–13:00 的“东门卡口值守”。",
        "A place came free: you are now confirmed for “东门卡口值守” on Tomorrow 09:00–13:00.",
    ),
    (
        "claim_promoted_pending",
        SHIFT,
        "“东门卡口值守”（明天 09:00–13:00）有名额空出，组织者将审核你的申请。",
        "A place came free on “东门卡口值守” on Tomorrow 09:00–13:00; the organizer will review your request.",
    ),
    (
        "claim_approved",
        SHIFT,
        "你申请的“东门卡口值守”（明天 09:00–13:00）已审核通过。",
        "Your request for “东门卡口值守” on Tomorrow 09:00–13:00 was approved.",
    ),
    ("claim_approved", {"task": "任务"}, "你申请的“任务”（）已审核通过。", "Your request for “任务” on  was approved."),
    ("claim_approved", {}, "你申请的“”（）已审核通过。", "Your request for “” on  was approved."),
    (
        "claim_rejected",
        REASON,
        "你申请的“东门卡口值守”（明天 09:00–13:00）未通过审核。原因：暴雨预警",
        "Your request for “东门卡口值守” on Tomorrow 09:00–13:00 was not accepted. Reason: 暴雨预警",
    ),
    (
        "claim_rejected",
        SHIFT,
        "你申请的“东门卡口值守”（明天 09:00–13:00）未通过审核。",
        "Your request for “东门卡口值守” on Tomorrow 09:00–13:00 was not accepted.",
    ),
    (
        "shift_time_changed",
        SHIFT,
        "你在“东门卡口值守”的班次时间有变，现为 明天 09:00–13:00。",
        "The times of your shift for “东门卡口值守” changed: now Tomorrow 09:00–13:00.",
    ),
    (
        "claim_removed",
        REASON,
        "组织者已将你从 明天 09:00–13:00 的“东门卡口值守”中移除。原因：暴雨预警",
        "The organizer removed you from “东门卡口值守” on Tomorrow 09:00–13:00. Reason: 暴雨预警",
    ),
    (
        "claim_removed",
        SHIFT,
        "组织者已将你从 明天 09:00–13:00 的“东门卡口值守”中移除。",
        "The organizer removed you from “东门卡口值守” on Tomorrow 09:00–13:00.",
    ),
    (
        "shift_reminder",
        {**SHIFT, "address": "福田区东门路1号"},
        "提醒：你的班次“东门卡口值守”在明天 09:00–13:00，地点：福田区东门路1号。",
        "Reminder: your shift “东门卡口值守” is Tomorrow 09:00–13:00 at 福田区东门路1号.",
    ),
    (
        "shift_reminder",
        SHIFT,
        "提醒：你的班次“东门卡口值守”在明天 09:00–13:00，地点：。",
        "Reminder: your shift “东门卡口值守” is Tomorrow 09:00–13:00 at .",
    ),
    (
        "attendance_check",
        SHIFT,
        "你能按时参加“东门卡口值守”（明天 09:00–13:00）吗？请确认；来不了请取消，把名额让给别人。",
        "Will you come to “东门卡口值守” Tomorrow 09:00–13:00? Please confirm, or cancel so someone else can go.",
    ),
    (
        "claim_released",
        SHIFT,
        "你没有确认参加“东门卡口值守”（明天 09:00–13:00），名额已让给候补志愿者。",
        "You did not confirm you will come to “东门卡口值守” Tomorrow 09:00–13:00, so your place went to the waitlist.",
    ),
    (
        "places_released",
        SHIFT,
        "“东门卡口值守”（明天 09:00–13:00）有志愿者未确认参加，名额已让给候补。",
        "A volunteer of “东门卡口值守” Tomorrow 09:00–13:00 did not confirm; the place went to the waitlist.",
    ),
    (
        "shift_underfilled",
        {**SHIFT, "missing": 1},
        "“东门卡口值守”（明天 09:00–13:00）还差 1 人。",
        "“东门卡口值守” Tomorrow 09:00–13:00 still needs 1 volunteer.",
    ),
    (
        "shift_underfilled",
        {**SHIFT, "missing": 3},
        "“东门卡口值守”（明天 09:00–13:00）还差 3 人。",
        "“东门卡口值守” Tomorrow 09:00–13:00 still needs 3 volunteers.",
    ),
    (
        "shift_underfilled",
        SHIFT,
        "“东门卡口值守”（明天 09:00–13:00）还差 0 人。",
        "“东门卡口值守” Tomorrow 09:00–13:00 still needs 0 volunteers.",
    ),
    (
        "task_match",
        {**SHIFT, "distance_km": 0.83},
        "距你 850 米 的任务需要志愿者：“东门卡口值守”，明天 09:00–13:00。",
        "A task 850 m from you needs volunteers: “东门卡口值守”, Tomorrow 09:00–13:00.",
    ),
    (
        "task_match",
        {**SHIFT, "distance_km": 2.46},
        "距你 2.5 公里 的任务需要志愿者：“东门卡口值守”，明天 09:00–13:00。",
        "A task 2.5 km from you needs volunteers: “东门卡口值守”, Tomorrow 09:00–13:00.",
    ),
    (
        "task_match",
        SHIFT,
        "距你 50 米 的任务需要志愿者：“东门卡口值守”，明天 09:00–13:00。",
        "A task 50 m from you needs volunteers: “东门卡口值守”, Tomorrow 09:00–13:00.",
    ),
    (
        "match_digest",
        {"tasks": ["东门卡口值守"], "count": 1},
        "你附近有 1 个任务仍在招募志愿者：“东门卡口值守”。",
        "1 task near you is still looking for volunteers: “东门卡口值守”.",
    ),
    (
        "match_digest",
        {"tasks": ["东门卡口值守", "夜间巡逻", "物资分发"], "count": 3},
        "你附近有 3 个任务仍在招募志愿者：“东门卡口值守”、“夜间巡逻”和“物资分发”。",
        "3 tasks near you are still looking for volunteers: “东门卡口值守”, “夜间巡逻”, and “物资分发”.",
    ),
    ("match_digest", {}, "你附近有 0 个任务仍在招募志愿者：。", "0 tasks near you are still looking for volunteers: ."),
    (
        "marked_no_show",
        SHIFT,
        "你没有签到，已被记为“东门卡口值守”明天 09:00–13:00 未到。如果你到岗了，请联系负责人改为到岗。",
        "You were recorded as absent from “东门卡口值守” Tomorrow 09:00–13:00 because you did not check in. If "
        "you were there, ask the organizer to mark you present.",
    ),
    (
        "certificate_revoked",
        {"code": "VH-ABCD-1234", "reason": "时长有误"},
        "你的志愿服务证明 VH-ABCD-1234 已被出具单位撤销，原因：时长有误",
        "Your certificate VH-ABCD-1234 was revoked by an issuing organisation: 时长有误",
    ),
    (
        "certificate_revoked",
        {},
        "你的志愿服务证明  已被出具单位撤销，原因：",
        "Your certificate  was revoked by an issuing organisation: ",
    ),
    (
        "hours_confirmed",
        {**SHIFT, "minutes": 240, "date": "2026-03-05"},
        "你 2026年3月5日 参加“东门卡口值守”的 4.00 小时服务时长已确认并记录。",
        "4.00 hours for “东门卡口值守” on Mar 5, 2026 are confirmed and recorded.",
    ),
    (
        "hours_confirmed",
        {"task": "任务"},
        "你  参加“任务”的 0.00 小时服务时长已确认并记录。",
        "0.00 hours for “任务” on  are confirmed and recorded.",
    ),
    (
        "hours_corrected",
        {**SHIFT, "total": 210, "date": "2026-03-05", "reason": "提前离开"},
        "你 2026年3月5日 参加“东门卡口值守”的时长已更正为 3.50 小时，原因：提前离开",
        "Your hours for “东门卡口值守” on Mar 5, 2026 were corrected to 3.50: 提前离开",
    ),
    (
        "hours_unconfirmed",
        {**SHIFT, "waiting": 1, "due": "2026-03-12"},
        "“东门卡口值守”（明天 09:00–13:00）还有 1 名志愿者的时长待确认，请在 2026年3月12日 前确认。",
        "1 volunteer of “东门卡口值守” Tomorrow 09:00–13:00 still waits for confirmed hours; please confirm by "
        "Mar 12, 2026.",
    ),
    (
        "hours_unconfirmed",
        {**SHIFT, "waiting": 4, "due": "2026-03-12"},
        "“东门卡口值守”（明天 09:00–13:00）还有 4 名志愿者的时长待确认，请在 2026年3月12日 前确认。",
        "4 volunteers of “东门卡口值守” Tomorrow 09:00–13:00 still wait for confirmed hours; please confirm by "
        "Mar 12, 2026.",
    ),
    (
        "hours_disputed",
        {**SHIFT, "name": "张伟", "date": "2026-03-05"},
        "张伟申请更正其 2026年3月5日 参加“东门卡口值守”的时长。",
        "张伟 asks for a correction of their hours for “东门卡口值守” on Mar 5, 2026.",
    ),
    (
        "hours_missing_reported",
        {**SHIFT, "name": "张伟", "date": "2026-03-05"},
        "张伟反馈其 2026年3月5日 参加“东门卡口值守”的时长缺失。",
        "张伟 reports hours missing for “东门卡口值守” on Mar 5, 2026.",
    ),
    (
        "hours_dispute_accepted",
        {**SHIFT, "total": 270, "date": "2026-03-05"},
        "你对 2026年3月5日“东门卡口值守”时长的更正申请已通过：该记录现计 4.50 小时。",
        "Your correction request for “东门卡口值守” on Mar 5, 2026 was accepted: the record now counts 4.50 hours.",
    ),
    (
        "hours_dispute_refused",
        {**SHIFT, "date": "2026-03-05", "response": "签到记录无误"},
        "你对 2026年3月5日“东门卡口值守”时长的更正申请未通过：签到记录无误",
        "Your correction request for “东门卡口值守” on Mar 5, 2026 was not accepted: 签到记录无误",
    ),
    (
        "team_join_requested",
        {"name": "李娜", "team": "东门突击队"},
        "李娜申请加入你的先锋队“东门突击队”。",
        "李娜 asks to join your team “东门突击队”.",
    ),
    (
        "team_join_approved",
        {"team": "东门突击队"},
        "你已成为“东门突击队”的队员。",
        "You are now a member of the team “东门突击队”.",
    ),
    (
        "team_join_declined",
        {"team": "东门突击队"},
        "你加入“东门突击队”的申请未通过。",
        "Your request to join the team “东门突击队” was not accepted.",
    ),
    (
        "team_member_removed",
        {"team": "东门突击队"},
        "你已被移出“东门突击队”。",
        "You were removed from the team “东门突击队”.",
    ),
    (
        "team_role_changed",
        {"team": "东门突击队", "role": "leader"},
        "你现在是“东门突击队”的队长。",
        "You now lead the team “东门突击队”.",
    ),
    (
        "team_role_changed",
        {"team": "东门突击队", "role": "deputy"},
        "你已成为“东门突击队”的副队长。",
        "You are now a deputy of the team “东门突击队”.",
    ),
    (
        "team_role_changed",
        {"team": "东门突击队", "role": "member"},
        "你已不再担任“东门突击队”的副队长。",
        "You are no longer a deputy of the team “东门突击队”.",
    ),
    (
        "team_role_changed",
        {"team": "东门突击队"},
        "你已不再担任“东门突击队”的副队长。",
        "You are no longer a deputy of the team “东门突击队”.",
    ),
    (
        "team_claim",
        {**SHIFT, "name": "李娜", "team": "东门突击队"},
        "李娜已以“东门突击队”的名义为你报名 明天 09:00–13:00 "
        "的“东门卡口值守”。如不能参加，请在先锋队页面放弃名额，让给其他人。",
        "李娜 signed you up with the team “东门突击队” for “东门卡口值守” Tomorrow 09:00–13:00. If you cannot go, "
        "decline on the team page so someone else can take the place.",
    ),
    (
        "team_claim_declined",
        {**SHIFT, "name": "王芳", "team": "东门突击队"},
        "王芳放弃了“东门突击队”认领的 明天 09:00–13:00“东门卡口值守”名额。",
        "王芳 declined the place on “东门卡口值守” Tomorrow 09:00–13:00 that was claimed for the team “东门突击队”.",
    ),
    (
        "rota_published",
        {**SHIFT, "team": "东门突击队", "count": 1},
        "“东门突击队”已为你安排 1 个“东门卡口值守”班次，首个班次 明天 09:00–13:00。请查看“我的班次”。",
        "The team “东门突击队” put you on 1 shift of “东门卡口值守”: Tomorrow 09:00–13:00. See My shifts.",
    ),
    (
        "rota_published",
        {**SHIFT, "team": "东门突击队", "count": 5},
        "“东门突击队”已为你安排 5 个“东门卡口值守”班次，首个班次 明天 09:00–13:00。请查看“我的班次”。",
        "The team “东门突击队” put you on 5 shifts of “东门卡口值守”, the first Tomorrow 09:00–13:00. See My shifts.",
    ),
    (
        "rota_published",
        {**SHIFT, "team": "东门突击队"},
        "“东门突击队”已为你安排 1 个“东门卡口值守”班次，首个班次 明天 09:00–13:00。请查看“我的班次”。",
        "The team “东门突击队” put you on 1 shift of “东门卡口值守”: Tomorrow 09:00–13:00. See My shifts.",
    ),
    (
        "swap_accepted",
        {**SHIFT, "name": "王芳", "team": "东门突击队"},
        "“东门突击队”的王芳已通过换班接替 明天 09:00–13:00 的“东门卡口值守”班次。",
        "王芳 of the team “东门突击队” took over a swapped shift of “东门卡口值守” Tomorrow 09:00–13:00.",
    ),
    (
        "swap_taken",
        {**SHIFT, "name": "王芳"},
        "王芳已接替你 明天 09:00–13:00 的“东门卡口值守”班次，该班次不再由你负责。",
        "王芳 took over your shift of “东门卡口值守” Tomorrow 09:00–13:00; it is no longer yours.",
    ),
    (
        "help_requested",
        {
            "community": "东门社区",
            "community_en": "Dongmen Community",
            "type": "delivery",
            "needed_at": "2026-03-05T02:00:00+00:00",
        },
        "东门社区有居民求助（代购跑腿），需要时间：明天 10:00。请查看“居民求助”。",
        "A resident of Dongmen Community asks for help (Delivery or errand), needed Tomorrow 10:00. See Requests "
        "for help.",
    ),
    (
        "help_requested",
        {"community": "东门社区", "type": "medicine"},
        "东门社区有居民求助（代取药品），需要时间：。请查看“居民求助”。",
        "A resident of 东门社区 asks for help (Medicine pickup), needed . See Requests for help.",
    ),
    (
        "help_requested",
        {"community": "东门社区", "type": "unknown-type", "needed_at": "2026-03-05T02:00:00+00:00"},
        "东门社区有居民求助（unknown-type），需要时间：明天 10:00。请查看“居民求助”。",
        "A resident of 东门社区 asks for help (unknown-type), needed Tomorrow 10:00. See Requests for help.",
    ),
    (
        "help_accepted",
        {"community": "东门社区", "community_en": "Dongmen Community"},
        "东门社区已受理你的求助，正在安排志愿者。",
        "Dongmen Community accepted your request for help and is finding a volunteer.",
    ),
    (
        "help_accepted",
        {"community": "东门社区"},
        "东门社区已受理你的求助，正在安排志愿者。",
        "东门社区 accepted your request for help and is finding a volunteer.",
    ),
    (
        "help_declined",
        {"community": "东门社区", "community_en": "Dongmen Community", "reason": "人手不足"},
        "东门社区无法受理你的求助：人手不足",
        "Dongmen Community cannot help with your request: 人手不足",
    ),
    (
        "help_declined",
        {"community": "东门社区"},
        "东门社区无法受理你的求助：",
        "东门社区 cannot help with your request: ",
    ),
    (
        "help_thanks",
        {"task": "代购药品", "message": "谢谢你！"},
        "你在“代购药品”中帮助过的居民向你致谢：谢谢你！",
        "The resident you helped with “代购药品” thanks you: 谢谢你！",
    ),
    (
        "branch_invitation",
        {
            "branch": "东门社区党支部",
            "branch_en": "Dongmen Party Branch",
            "org": "东门社区",
            "org_en": "Dongmen Community",
            "until": "2026-03-19",
        },
        "东门社区的党支部“东门社区党支部”邀请你加入。请在2026年3月19日前接受或谢绝。",
        "You are invited to join the Party branch “Dongmen Party Branch” of Dongmen Community. Accept or decline "
        "the invitation by Mar 19, 2026.",
    ),
    (
        "branch_invitation",
        {"branch": "东门社区党支部", "org": "东门社区", "until": "2026-03-19"},
        "东门社区的党支部“东门社区党支部”邀请你加入。请在2026年3月19日前接受或谢绝。",
        "You are invited to join the Party branch “东门社区党支部” of 东门社区. Accept or decline the invitation "
        "by Mar 19, 2026.",
    ),
    (
        "role_invitation",
        {"role": "organizer", "org": "东门社区", "org_en": "Dongmen Community", "until": "2026-03-19"},
        "东门社区邀请你担任组织者。请在2026年3月19日前接受或谢绝。",
        "You are invited to be Organizer of Dongmen Community. Accept or decline the invitation by Mar 19, 2026.",
    ),
    (
        "role_invitation",
        {"role": "reviewer", "org": "东门社区", "until": "2026-03-19"},
        "东门社区邀请你担任审阅人。请在2026年3月19日前接受或谢绝。",
        "You are invited to be Reviewer of 东门社区. Accept or decline the invitation by Mar 19, 2026.",
    ),
    (
        "lottery_won",
        SHIFT,
        "你已在 明天 09:00–13:00“东门卡口值守”的抽签中中签，名额已确认。",
        "You were drawn for “东门卡口值守” Tomorrow 09:00–13:00: your place is confirmed.",
    ),
    (
        "lottery_waitlisted",
        {**SHIFT, "rank": 7},
        "明天 09:00–13:00“东门卡口值守”已完成抽签：你进入候补，抽签顺位第 7 位。有名额空出时将自动为你补上。",
        "The draw for “东门卡口值守” Tomorrow 09:00–13:00 is made: you are on the waitlist, drawn number 7. You "
        "get a place automatically if one comes free.",
    ),
    ("no_such_kind", SHIFT, "你有一条新通知。", "You have a new notification."),
    ("", {}, "你有一条新通知。", "You have a new notification."),
]


@pytest.mark.parametrize(("kind", "params", "zh", "en"), TEXTS)
def test_every_kind_reads_as_before_in_both_languages(app, kind, params, zh, en):
    note = Notification(kind=kind, params=params)
    with time_machine.travel(datetime(2026, 3, 4, 2, 0, tzinfo=UTC), tick=False), app.app_context():
        with force_locale("zh"):
            assert render(note) == zh
        with force_locale("en"):
            assert render(note) == en


def test_a_kind_has_its_words_in_one_place(app):
    with pytest.raises(ValueError, match="claim_approved"):
        notification_text("claim_approved")(lambda params: "")
