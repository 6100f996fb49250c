"""Loading an area tree in bulk, one level at a time (for the demo and the city generator)."""

from __future__ import annotations

from typing import Any

from .models import Area

Level = list[tuple[Area, dict[str, Any]]]


def add_children(parents: Level, kind: str, *, batch_size: int = 500) -> Level:
    """Create the children of each (area, its tree node) as `kind`, paths computed as Area.save() does.

    Returns the new areas with their nodes, ready to be the parents of the next level.
    """
    made = [
        (
            Area(
                code=node["code"],
                name=node["name"],
                name_en=node.get("name_en", ""),
                kind=kind,
                parent=parent,
                path=f"{parent.path}{node['code']}/",
                depth=parent.depth + 1,
                is_community=node.get("kind") == "community",
            ),
            node,
        )
        for parent, data in parents
        for node in data.get("children", [])
    ]
    Area.objects.bulk_create([a for a, _ in made], batch_size=batch_size)
    return made
