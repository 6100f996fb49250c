"""The little world of the topology test, written into its fresh primary.

Run in the cluster's environment (`python -c "…seed.main()"`); prints JSON with
what the test needs: the agent's API token, the residents, the item and centre codes.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import django


def main(residents: int = 120) -> None:
    django.setup()
    from xiangli.api.tokens import issue_token
    from xiangli.areas.models import Area, AreaKind, Centre
    from xiangli.catalog.models import HandlingLevel, ServiceItem
    from xiangli.people.idnumbers import make_id_number
    from xiangli.people.models import Resident, Role, RoleAssignment, User

    def area(code: str, name: str, kind: str, parent: Area | None = None) -> Area:
        a = Area(code=code, name=name, name_en=name, kind=kind, parent=parent)
        a.save()
        return a

    city = area("410300", "Luoyang", AreaKind.CITY)
    county = area("410329", "Yichuan", AreaKind.COUNTY, city)
    township = area("410329101", "Township T", AreaKind.TOWNSHIP, county)
    village = area("410329101201", "Village A", AreaKind.VILLAGE, township)
    Centre.objects.create(area=village, name="Centre A", functions=["convenience"])
    item = ServiceItem.objects.create(
        code="YL-001", name_zh="城乡居民基本养老保险待遇领取", name_en="Basic pension: start receiving",
        category="convenience", department_zh="人社", department_en="Human resources and social security",
        materials_zh=["居民身份证"], materials_en=["ID card"], level=HandlingLevel.COUNTY,
        handled_at_zh="县社保中心", handled_at_en="County social insurance centre", fee=Decimal("0"),
        promised_days=5,
    )
    birth = dt.date(1950, 3, 4)
    people = []
    for n in range(1, residents + 1):
        r = Resident(name=f"居民{n}", gender="F", birth_date=birth, id_number=make_id_number("410329", birth, n, "F"),
                     phone=f"13800{n:06d}", village=village)
        r.save()
        people.append({"id": r.pk, "phone": r.phone})
    agent = User.objects.create_user("13900000001", "pass-word-123", name="Andy")
    RoleAssignment.objects.create(user=agent, role=Role.AGENT, area=village)
    print(json.dumps({  # noqa: T201 -- the test reads this line
        "token": issue_token(user=agent, name="topology"), "residents": people,
        "item": item.code, "centre": village.code,
    }))


if __name__ == "__main__":
    main()
