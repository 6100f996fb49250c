"""Made-up villagers for the demo city: names, households, ages, phones and tags.

Nothing here touches the database. The shape follows a rural Henan registry:
many registered people are over 60 (the young are often away working), most
households are three to five people under one head, and a few old people live
alone.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from xiangli.people.idnumbers import make_id_number
from xiangli.people.models import Tag

# The most common surnames, roughly in their order of frequency in Henan.
SURNAMES = "王李张刘陈杨赵黄周吴郭孙马朱胡高何宋董韩冯杜程曹袁许郑谢贾范徐梁于罗牛薛侯常"
SURNAME_WEIGHTS = [max(1, 40 - i) for i in range(len(SURNAMES))]

# Given names by generation: the old ones carry the marks of their decade.
OLD_MEN = (
    "建国 建军 国强 保国 德胜 振华 长生 富贵 铁柱 明亮 国庆 卫东 红旗 志强 福来 新民 金山 "
    "玉堂 春生 发财 满仓 学文 庆丰 跃进 援朝 保山 长顺 永昌 天福 德福"
).split()
OLD_WOMEN = (
    "秀英 桂英 玉兰 秀兰 桂兰 凤英 淑珍 翠花 素芳 春花 玉梅 金凤 秀珍 桂香 凤兰 玉珍 "
    "爱莲 巧云 秀云 素梅 月娥 美英 兰芝 改花 粉娥"
).split()
MID_MEN = (
    "伟 强 磊 军 勇 杰 涛 斌 超 明 刚 平 辉 鹏 华 飞 海峰 红伟 建伟 志刚 晓东 卫华 国伟 永刚"
).split()
MID_WOMEN = "丽 芳 娜 敏 静 艳 娟 霞 燕 红 玲 丽娟 晓燕 秀丽 海燕 红霞 丽萍 彩霞 冬梅 春燕".split()
YOUNG_MEN = (
    "浩 宇 浩然 梓轩 子豪 俊杰 宇航 一鸣 博文 家豪 子墨 皓轩 思远 明哲 天佑 嘉乐 奕辰".split()
)
YOUNG_WOMEN = "欣怡 雨涵 思雨 一诺 子涵 梓涵 语桐 诗琪 佳怡 可馨 若曦 雨桐 欣妍 梦瑶 安琪".split()

# Mobile prefixes that are valid in libphonenumber's metadata for China.
MOBILE_PREFIXES = (
    "130 131 132 133 135 136 137 138 139 150 151 152 155 156 157 158 159 "
    "180 181 182 183 185 186 187 188 189"
).split()


@dataclass
class Person:
    """One resident before it becomes a database row."""

    name: str
    gender: str
    birth_date: dt.date
    id_number: str = ""
    phone: str = ""  # E.164, as register_resident stores it
    household: str = ""
    is_head: bool = False
    grid_index: int = 0
    tags: list[str] = field(default_factory=list)
    disability_grade: int | None = None

    def age_on(self, day: dt.date) -> int:
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))


class Population:
    """Generates villagers with unique ID numbers and phones, reproducibly from one Random."""

    def __init__(self, rng: random.Random, today: dt.date, reserved_phones: set[str]) -> None:
        self.rng = rng
        self.today = today
        self.used_phones = set(reserved_phones)
        self._id_sequences: dict[tuple[str, dt.date, str], int] = {}

    # -- names ---------------------------------------------------------------

    def surname(self) -> str:
        return self.rng.choices(SURNAMES, SURNAME_WEIGHTS)[0]

    def given_name(self, gender: str, birth_year: int) -> str:
        if birth_year < 1965:
            pool = OLD_MEN if gender == "M" else OLD_WOMEN
        elif birth_year < 1995:
            pool = MID_MEN if gender == "M" else MID_WOMEN
        else:
            pool = YOUNG_MEN if gender == "M" else YOUNG_WOMEN
        return self.rng.choice(pool)

    def name(self, gender: str, birth_year: int, surname: str | None = None) -> str:
        return (surname or self.surname()) + self.given_name(gender, birth_year)

    # -- numbers -------------------------------------------------------------

    def birth_date(self, age: int) -> dt.date:
        age = max(0, min(age, 100))
        return self.today - dt.timedelta(days=int((age + self.rng.random()) * 365.25))

    def id_number(self, county_code: str, birth: dt.date, gender: str) -> str:
        # The sequence counts people born the same day in the same county, so
        # no two residents can ever get the same number.
        key = (county_code, birth, gender)
        seq = self._id_sequences.get(key, self.rng.randrange(0, 400))
        self._id_sequences[key] = seq + 1
        return make_id_number(county_code, birth, seq, gender)

    def mobile(self) -> str:
        """A fresh national mobile number ("13812345678") used by nobody else in the demo."""
        while True:
            number = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self.used_phones:
                self.used_phones.add(number)
                return number

    def _phone_for(self, age: int) -> str:
        if age < 10:
            chance = 0.0
        elif age < 18:
            chance = 0.5
        elif age < 65:
            chance = 0.93
        elif age < 80:
            chance = 0.75
        else:
            chance = 0.4
        return "+86" + self.mobile() if self.rng.random() < chance else ""

    # -- people and households -----------------------------------------------

    def person(self, age: int, gender: str, surname: str | None = None) -> Person:
        birth = self.birth_date(age)
        return Person(name=self.name(gender, birth.year, surname), gender=gender, birth_date=birth)

    def household(self) -> tuple[str, list[Person]]:
        """One household, head first, and its kind: alone, couple or family."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.065:
            age = int(rng.triangular(65, 95, 76))
            return "alone", [self.person(age, "F" if rng.random() < 0.65 else "M")]
        if roll < 0.26:
            age = int(rng.triangular(58, 90, 70))
            surname = self.surname()
            return "couple", [
                self.person(age, "M", surname),
                self.person(max(55, age + rng.randint(-5, 2)), "F"),
            ]
        size = rng.choices((3, 4, 5), (0.35, 0.4, 0.25))[0]
        head_age = int(rng.triangular(30, 64, 48))
        head_gender = "M" if rng.random() < 0.85 else "F"
        surname = self.surname()
        members = [
            self.person(head_age, head_gender, surname if head_gender == "M" else None),
            self.person(
                max(22, head_age + rng.randint(-4, 3)),
                "F" if head_gender == "M" else "M",
                surname if head_gender == "F" else None,
            ),
        ]
        grandparents = 0
        if size >= 4 and rng.random() < 0.8:
            grandparents = 2 if size == 5 and rng.random() < 0.5 else 1
        for i in range(grandparents):
            age = min(95, head_age + rng.randint(22, 32))
            gender = "M" if i == 0 and rng.random() < 0.45 else "F"
            members.append(self.person(age, gender, surname if gender == "M" else None))
        while len(members) < size:
            age = max(0, head_age - rng.randint(21, 34))
            members.append(self.person(age, "M" if rng.random() < 0.52 else "F", surname))
        return "family", members

    def village_residents(
        self, count: int, county_code: str, village_code: str, grids: int
    ) -> Iterator[Person]:
        """`count` residents of one village, in whole households (the last one cut short)."""
        made, number = 0, 0
        while made < count:
            number += 1
            kind, members = self.household()
            household = f"{village_code}{number:04d}"
            low_income = self.rng.random() < 0.04
            grid = self.rng.randrange(grids)
            for i, p in enumerate(members[: count - made]):
                p.household = household
                p.is_head = i == 0
                p.grid_index = grid
                p.id_number = self.id_number(county_code, p.birth_date, p.gender)
                age = p.age_on(self.today)
                p.phone = self._phone_for(age)
                self._tag(p, age, alone=kind == "alone", low_income=low_income)
                made += 1
                yield p

    def _tag(self, p: Person, age: int, *, alone: bool, low_income: bool) -> None:
        rng = self.rng
        if alone and age >= 65:
            p.tags.append(Tag.LIVING_ALONE)
        # Dibao and tekun exclude each other: tekun is for those with no one to support them.
        if rng.random() < (0.25 if alone else 0.01 if age >= 50 else 0.0):
            p.tags.append(Tag.EXTREMELY_POOR)
        elif low_income:
            p.tags.append(Tag.LOW_INCOME)
        if rng.random() < (0.05 if age >= 60 else 0.02):
            p.tags.append(Tag.DISABLED)
            p.disability_grade = rng.choices((1, 2, 3, 4), (0.15, 0.25, 0.3, 0.3))[0]
        if age >= 18 and rng.random() < (0.09 if p.gender == "M" else 0.035):
            p.tags.append(Tag.PARTY_MEMBER)
        if 20 <= age <= 55 and rng.random() < 0.03:
            p.tags.append(Tag.RETURNED_MIGRANT)
