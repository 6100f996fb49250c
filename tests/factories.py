"""Bulk makers for tests that need many rows (query-count pins)."""

from xiangli.cases import services
from xiangli.catalog.models import ServiceItem


def make_cases(world, resident, count, by=None):
    """`count` open cases for the resident, each for its own service item."""
    made = []
    for n in range(count):
        item = ServiceItem.objects.create(
            code=f"T-{resident.pk}-{n}", name_zh=f"测试事项{n}", name_en=f"Test item {n}", category="convenience",
            department_zh="民政", department_en="Civil affairs", materials_zh=["身份证"], materials_en=["ID card"],
            level="county", handled_at_zh="县", handled_at_en="County", promised_days=3 + n % 5,
        )
        user = by or resident.user
        channel = "online" if by is None else "walk_in"
        case = services.create_case(by=user, resident=resident, item=item, channel=channel)
        if n % 2:
            services.accept_case(case, by=world.andy if resident.village_id == world.village_a.pk else world.oscar)
        made.append(case)
    return made
