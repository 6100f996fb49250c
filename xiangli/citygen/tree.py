"""The area tree at a chosen size: Luoyang's real counties, then townships and villages to fill it.

The fourteen districts and counties, and the townships and villages listed in
xiangli/areas/data/luoyang.py, come first; more are made up with plausible
names until each county has its share. Codes follow the scheme of the data
file: a township is its county's six digits and three more (0xx subdistrict,
1xx town, 2xx township), a village its township's nine and three more (0xx
community, 2xx village). Nothing here touches the database.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from pypinyin import lazy_pinyin

# Districts of the city proper: their townships are subdistricts of communities.
URBAN_DISTRICTS = {"410302", "410303", "410304", "410305", "410311"}
VILLAGES_PER_TOWNSHIP = 20
MAX_IN_RANGE = 99  # codes 001–099 and 201–299 (villages), 101–199 (towns)

_PLACE_FIRST = "石柳杨枣桃柿槐龙凤马牛白黄青红高新清大小东西南北上下前后老张王李刘陈赵郭孙"
_PLACE_SECOND = "河庄营寨屯湾沟坡岭洼店楼窑坪泉峪口门沟岗桥园庙头"
_TOWN_WORDS = (
    "石门 柳泉 白河 清河 马店 龙王 城关 合峪 潭头 赤土 陶营 狮子 秋扒 叫河 庙湾 三川 冷水 白土 "
    "大章 德亭 车村 木植 黄庄 九店 纸房 饭坡 田湖 库区 旧县 上观 下峪 长水 兴华 马回 罗岭 景阳 "
    "东宋 西山 涧口 石寺 石井 横水 会盟 平乐 常袋 小浪 朝阳 送庄 麻屯 红山 磁涧 北窑 铁门 仓头"
).split()
_COMMUNITY_WORDS = (
    "和平 建设 文化 幸福 花园 新华 人民 光明 友谊 朝阳 春晖 河畔 滨河 锦绣 景华 长安 民主 丽都 "
    "康乐 翠苑 书香 牡丹 洛浦 龙门 瀛洲 天津桥 金城 华林 安乐 广场 泰山 启明 凯旋 九都 中泰"
).split()


def _english(name: str, suffix: str) -> str:
    return "".join(lazy_pinyin(name)).capitalize() + " " + suffix


class _Names:
    """Fresh names within one county: no two villages of a county share one."""

    def __init__(self, rng: random.Random, taken: set[str]) -> None:
        self.rng = rng
        self.taken = set(taken)

    def _fresh(self, make: Callable[[], str]) -> str:
        for _ in range(200):
            name = make()
            if name not in self.taken:
                self.taken.add(name)
                return name
        # The pools are large; this only happens in a county of thousands of villages.
        name = make() + str(len(self.taken))
        self.taken.add(name)
        return name

    def village(self) -> str:
        r = self.rng
        return self._fresh(lambda: r.choice(_PLACE_FIRST) + r.choice(_PLACE_SECOND) + "村")

    def community(self) -> str:
        r = self.rng

        def make() -> str:
            word, tail = r.choice(_COMMUNITY_WORDS), r.choice(("", "", "路", "里", "苑", "东", "西"))
            return word + ("" if word.endswith(tail) else tail) + "社区"

        return self._fresh(make)

    def township(self, suffix: str) -> str:
        r = self.rng
        return self._fresh(lambda: r.choice(_TOWN_WORDS) + suffix)


def _township_kind(code: str) -> str:
    return {"0": "subdistrict", "1": "town", "2": "township"}.get(code[6], "town")


def _new_township(county: dict[str, Any], used: set[str], names: _Names) -> dict[str, Any]:
    urban = county["code"] in URBAN_DISTRICTS
    ranges = [(1, 99)] if urban else [(101, 199), (201, 299)]
    if not urban and names.rng.random() < 0.35:
        ranges.reverse()
    for low, high in ranges:
        for n in range(low, high + 1):
            code = f"{county['code']}{n:03d}"
            if code not in used:
                used.add(code)
                kind = _township_kind(code)
                suffix, en = {"subdistrict": ("街道", "Subdistrict"), "town": ("镇", "Town")}.get(
                    kind, ("乡", "Township")
                )
                name = names.township(suffix)
                return {"code": code, "name": name, "name_en": _english(name[: -len(suffix)], en), "children": []}
    raise ValueError(f"county {county['code']} has no township codes left")


def _new_village(township: dict[str, Any], used: set[str], names: _Names) -> dict[str, Any]:
    kind = _township_kind(township["code"])
    p_community = {"subdistrict": 0.8, "town": 0.08, "township": 0.0}[kind]
    community = names.rng.random() < p_community
    ranges = [(1, MAX_IN_RANGE), (201, 200 + MAX_IN_RANGE)]
    if not community:
        ranges.reverse()
    for low, high in ranges:
        for n in range(low, high + 1):
            code = f"{township['code']}{n:03d}"
            if code not in used:
                used.add(code)
                is_community = n < 200
                if is_community:
                    name = names.community()
                    return {
                        "code": code,
                        "name": name,
                        "kind": "community",
                        "name_en": _english(name[:-2], "Community"),
                    }
                name = names.village()
                return {"code": code, "name": name, "kind": "village", "name_en": _english(name[:-1], "Village")}
    raise ValueError(f"township {township['code']} has no village codes left")


def plan_tree(city: dict[str, Any], villages: int, rng: random.Random) -> dict[str, Any]:
    """A copy of `city` (counties → townships → villages) with about `villages` villages.

    Each county gets a share in proportion to the villages the data file lists
    for it; real townships and villages are used first, in their order.
    """
    counties = city["children"]
    weights = [max(1, sum(len(t.get("children", [])) for t in c["children"])) for c in counties]
    total_weight = sum(weights)
    quotas = [max(1, round(villages * w / total_weight)) for w in weights]
    out_counties = []
    for county, quota in zip(counties, quotas, strict=True):
        real = county["children"]
        names = _Names(rng, {v["name"] for t in real for v in t.get("children", [])} | {t["name"] for t in real})
        used = {t["code"] for t in real}
        n_townships = max(1, round(quota / VILLAGES_PER_TOWNSHIP))
        townships = [{k: v for k, v in t.items() if k != "children"} | {"children": []} for t in real[:n_townships]]
        while len(townships) < n_townships:
            townships.append(_new_township(county, used, names))
        real_villages = {t["code"]: t.get("children", []) for t in real}
        base, extra = divmod(quota, n_townships)
        for i, township in enumerate(townships):
            share = base + (1 if i < extra else 0)
            taken = real_villages.get(township["code"], [])[:share]
            township["children"] = [dict(v) for v in taken]
            codes = {v["code"] for v in taken}
            while len(township["children"]) < share:
                township["children"].append(_new_village(township, codes, names))
        out_counties.append({k: v for k, v in county.items() if k != "children"} | {"children": townships})
    return {k: v for k, v in city.items() if k != "children"} | {"children": out_counties}


def count_villages(tree: dict[str, Any]) -> int:
    return sum(len(t["children"]) for c in tree["children"] for t in c["children"])


def grids_for(rng: random.Random) -> int:
    """3–6 grids a village, most often four."""
    return rng.choices((3, 4, 5, 6), (0.25, 0.4, 0.25, 0.1))[0]
