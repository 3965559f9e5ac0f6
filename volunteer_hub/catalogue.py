"""Fixed vocabularies shared by profiles, tasks and the API: skills, task types, availability bands.

Each entry carries its Chinese and English name explicitly because the API returns both at once.
"""

from dataclasses import dataclass
from typing import TypedDict


@dataclass(frozen=True)
class Entry:
    code: str
    zh: str
    en: str
    kind: str = "skill"

    def name(self, locale: str) -> str:
        return self.en if locale == "en" else self.zh


SKILLS = (
    Entry("medical", "医疗", "Medical"),
    Entry("nursing", "护理", "Nursing"),
    Entry("psychology", "心理咨询", "Psychology"),
    Entry("driving", "驾驶", "Driving"),
    Entry("logistics", "物资后勤", "Logistics"),
    Entry("it_support", "信息技术", "IT support"),
    Entry("photography", "摄影", "Photography"),
    Entry("sign_language", "手语", "Sign language"),
    Entry("english", "英语", "English", "language"),
    Entry("japanese", "日语", "Japanese", "language"),
    Entry("korean", "韩语", "Korean", "language"),
    Entry("french", "法语", "French", "language"),
    Entry("german", "德语", "German", "language"),
    Entry("spanish", "西班牙语", "Spanish", "language"),
    Entry("russian", "俄语", "Russian", "language"),
    Entry("arabic", "阿拉伯语", "Arabic", "language"),
)

TASK_TYPES = (
    Entry("checkpoint", "卡口值守", "Checkpoint duty", "task"),
    Entry("disinfection", "消杀", "Disinfection", "task"),
    Entry("foreign_language", "外语协助", "Foreign-language help", "task"),
    Entry("delivery", "配送代购", "Delivery and errands", "task"),
    Entry("door_to_door", "入户调查", "Door-to-door survey", "task"),
    Entry("temperature_check", "测温登记", "Temperature check", "task"),
    Entry("psychological_support", "心理支持", "Psychological support", "task"),
    Entry("publicity", "宣传", "Publicity", "task"),
    Entry("logistics", "物资后勤", "Logistics", "task"),
    Entry("other", "其他", "Other", "task"),
)

AVAILABILITY = (
    Entry("weekday_day", "工作日白天", "Weekday daytime", "band"),
    Entry("weekday_night", "工作日夜间", "Weekday night", "band"),
    Entry("weekend_day", "周末白天", "Weekend daytime", "band"),
    Entry("weekend_night", "周末夜间", "Weekend night", "band"),
)

# Trainings and qualifications a task may require (《志愿服务条例》 §16), recorded on volunteers' profiles.
QUALIFICATIONS = (
    Entry("psychological_counselling", "心理咨询培训", "Psychological counselling training", "qualification"),
    Entry("first_aid", "急救培训", "First-aid training", "qualification"),
    Entry("disinfection_training", "消杀作业培训", "Disinfection training", "qualification"),
    Entry("medical_license", "医护执业资格", "Medical or nursing licence", "qualification"),
)


class RiskDefaults(TypedDict, total=False):
    requires_insurance: bool
    requires_qualification: str


# What a newly posted task of a type requires unless the organizer changes it (条例 §16, §17).
RISK_DEFAULTS: dict[str, RiskDefaults] = {
    "checkpoint": {"requires_insurance": True},
    "disinfection": {"requires_insurance": True},
    "psychological_support": {"requires_qualification": "psychological_counselling"},
}

SKILL_CODES = frozenset(e.code for e in SKILLS)
LANGUAGE_CODES = frozenset(e.code for e in SKILLS if e.kind == "language")
TASK_TYPE_CODES = frozenset(e.code for e in TASK_TYPES)
AVAILABILITY_CODES = tuple(e.code for e in AVAILABILITY)
QUALIFICATION_CODES = frozenset(e.code for e in QUALIFICATIONS)

_BY_CODE = {("skill", e.code): e for e in SKILLS} | {("task", e.code): e for e in TASK_TYPES}
_BY_CODE |= {("band", e.code): e for e in AVAILABILITY} | {("qualification", e.code): e for e in QUALIFICATIONS}


def skill_name(code: str, locale: str) -> str:
    entry = _BY_CODE.get(("skill", code))
    return entry.name(locale) if entry else code


def task_type_name(code: str, locale: str) -> str:
    entry = _BY_CODE.get(("task", code))
    return entry.name(locale) if entry else code


def band_name(code: str, locale: str) -> str:
    entry = _BY_CODE.get(("band", code))
    return entry.name(locale) if entry else code


def qualification_name(code: str, locale: str) -> str:
    entry = _BY_CODE.get(("qualification", code))
    return entry.name(locale) if entry else code
